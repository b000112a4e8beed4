// Running the well-kept programs the analysis draws and prints with (gnuplot, Graphviz's dot,
// headless Chromium), private to the module.
#pragma once

#include <filesystem>
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

/// The hidden temporary name a file is drawn under before it is renamed to `output`: beside it,
/// ".<stem>.partial-<pid><extension>" (same directory, so the rename is atomic).
std::filesystem::path partial_beside(const std::filesystem::path& output);

/// Throws unless the file `program` wrote at `path` is whole, by its kind (the extension): an SVG
/// that ends with `</svg>`, a PNG from its signature to its IEND chunk, a PDF from `%PDF-` to
/// `%%EOF`. gnuplot exits 0 after a failed write, so a full disk would otherwise leave a
/// truncated figure. Other kinds are only checked to be non-empty. Messages name `shown` (the
/// final name of a file drawn under a temporary one), or `path`.
/// @throws OutputError (disk full) when the file system has no space left, UsageError otherwise
void check_complete_output(const std::filesystem::path& path, const std::string& program,
                           const std::filesystem::path& shown = {});

/// Writing `output` failed with `error` (an errno): OutputError (exit 3) for a full disk or an
/// exceeded quota, UsageError otherwise; both name `output`.
[[noreturn]] void throw_write_error(const std::filesystem::path& output, int error);

}  // namespace orgsim::analysis::detail
