// Shared by the results-reader fuzz targets: opens a file the way `orgsim info`, `analyze` and
// `run --resume` / `merge` do and reads everything they read. Bad files must end in orgsim::Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace orgsim::fuzz {

/// Bytes the reader may allocate in the fuzz targets (below libFuzzer's default malloc limit).
inline constexpr std::size_t kReaderMemoryLimit = std::size_t{256} << 20;

/// A per-process scratch file for the fuzz targets ($TMPDIR or /tmp), removed at exit.
const std::string& scratch_path();

/// Writes `size` bytes to `path` (replacing it).
void write_file(const std::string& path, const std::uint8_t* data, std::size_t size);

/// Opens `path` with ResultsReader and reads what the commands read; returns normally when the
/// file is read or rejected with an orgsim::Error. Anything else escapes (a bug to report).
void read_like_the_commands(const std::string& path);

}  // namespace orgsim::fuzz
