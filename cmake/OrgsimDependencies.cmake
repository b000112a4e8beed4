# Finds orgsim's dependencies (Debian 12 packages; see scripts/install-deps.sh).
# Shared by the build and by the installed orgsimConfig.cmake.
find_package(TBB REQUIRED COMPONENTS tbb)
find_package(HDF5 REQUIRED COMPONENTS C HL)  # HL: dimension scales (H5DS)
find_package(Boost 1.74 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ORGSIM_LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)  # Debian's 1.14 has no CMake package
pkg_check_modules(ORGSIM_XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)  # libxlsxwriter-dev: orgsim export --xlsx
find_package(nlohmann_json 3 REQUIRED)
find_package(fmt 9 REQUIRED)  # messages as format strings (libfmt-dev)
find_path(ORGSIM_RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)

if(ORGSIM_WITH_MPI)
  find_package(MPI REQUIRED COMPONENTS CXX)
  find_package(Boost 1.74 REQUIRED COMPONENTS mpi)
endif()
