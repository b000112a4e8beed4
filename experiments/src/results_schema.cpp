// How a results file is opened (the schema's constants are in results_schema.hpp).
#include "results_schema.hpp"

#include <filesystem>

#include "orgsim/core/error.hpp"

namespace orgsim::experiments::schema {

namespace {
/// Metadata read attempts of a SWMR reader (see open_for_reading).
constexpr unsigned kSwmrReadAttempts = 20;
}  // namespace

h5::Handle latest_format() {
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS), "file access properties");
  h5::check_status(H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), "file format");
  return fapl;
}

h5::Handle open_for_reading(const std::string& path) {
  h5::silence_errors();
  // H5Fis_hdf5 blocks for ever on a FIFO (and reads a device without end): regular files only.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ResultsError(path + (std::filesystem::exists(path, ec)
                                   ? ": not a regular file (a pipe or a device?)"
                                   : ": no such file"));
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw ResultsError(path + ": not an HDF5 file (or cannot be read)");
  h5::Handle fapl = latest_format();
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  if (id < 0) {
    // A SWMR reader retries a metadata read whose checksum fails, 100 times by default, doubling
    // a sleep each time: one corrupt byte in the superblock then kept `orgsim info` busy for
    // minutes (found by fuzz_results_structure). 20 attempts still ride out a torn read of a
    // file being written (the sleeps add up to about a millisecond).
    h5::check_status(H5Pset_metadata_read_attempts(fapl, kSwmrReadAttempts),
                     "metadata read attempts");
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  }
  return h5::file(id, path + ": cannot open");
}

}  // namespace orgsim::experiments::schema
