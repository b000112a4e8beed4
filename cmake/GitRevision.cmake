# Writes OUT (a C++ source defining orgsim::version() and orgsim::git_revision()) at build time,
# touching it only when the text changes, so every build records the current revision.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR revision STREQUAL "")
  set(revision "unknown")
endif()
set(text "// Generated at build time by cmake/GitRevision.cmake.
#include \"orgsim/core/version.hpp\"

namespace orgsim {
std::string_view version() { return \"${VERSION}\"; }
std::string_view git_revision() { return \"${revision}\"; }
}  // namespace orgsim
")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
