# orgsim_add_module(NAME SOURCES... [PUBLIC_LINKS ...] [PRIVATE_LINKS ...])
# One module = one library target orgsim_<name> with alias orgsim::<name>; public headers in
# <name>/include/orgsim/<name>/, sources private.
function(orgsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${ORGSIM_WERROR}>:-Werror>)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports std::string concatenation ("[" + a + "]") as overlapping memcpy (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

function(orgsim_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LINKS;PRIVATE_LINKS" ${ARGN})
  add_library(orgsim_${name} ${ARG_SOURCES})
  add_library(orgsim::${name} ALIAS orgsim_${name})
  set_target_properties(orgsim_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME orgsim_${name})
  target_include_directories(orgsim_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(orgsim_${name} PUBLIC cxx_std_20)
  target_link_libraries(orgsim_${name} PUBLIC ${ARG_PUBLIC_LINKS} PRIVATE ${ARG_PRIVATE_LINKS})
  if(ORGSIM_SANITIZE)
    # A sanitized static library needs the sanitizer runtime wherever it is linked (find_package users).
    target_link_options(orgsim_${name} INTERFACE $<INSTALL_INTERFACE:-fsanitize=${ORGSIM_SANITIZE}>)
  endif()
  orgsim_warnings(orgsim_${name})
endfunction()
