// Running the well-kept programs the analysis draws and prints with (gnuplot, Graphviz's dot,
// headless Chromium), private to the module.
#pragma once

#include <string>
#include <vector>

namespace orgsim::analysis::detail {

/// A new, empty, private file in the temporary directory ("<stem>-XXXXXX<suffix>", mkstemps: no
/// predictable name in a shared directory). @throws UsageError when none can be created.
std::string temporary_file(const std::string& stem, const std::string& suffix);

/// The path of `program` on PATH (or `program` itself when it holds a slash and is executable),
/// "" when there is none.
std::string find_program(const std::string& program);

/// Runs `argv` (argv[0] found on PATH) with its stderr kept in a private file and shown only when
/// it fails. `timeout_seconds` > 0: killed after that long.
/// @throws UsageError "cannot run <program> (install Debian's <package>)" when it cannot start,
/// "<program> could not <what>: <its messages>" when it fails or times out.
void run_tool(std::vector<std::string> argv, const std::string& what, const std::string& package,
              int timeout_seconds = 0);

}  // namespace orgsim::analysis::detail
