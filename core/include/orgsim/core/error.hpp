// Error types for problems a user can fix (bad experiment files, bad results files, bad command
// lines). Internal invariants are asserts, not exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace orgsim {

/// Base of every error caused by user input; the CLI prints what() and exits with status 2.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A place in an input file (1-based line and column; 0 means unknown).
struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  /// "file:line:column" (or fewer parts when unknown).
  [[nodiscard]] std::string str() const;
};

/// An experiment file (or a --set override) that cannot be used: says where and what was expected.
class ConfigError : public Error {
 public:
  ConfigError(SourceLocation where, const std::string& message);
  [[nodiscard]] const SourceLocation& where() const noexcept { return where_; }
  /// The message without the location prefix.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

/// A results file that cannot be read or written as orgsim's format.
class ResultsError : public Error {
 public:
  using Error::Error;
};

/// A command line that asks for something impossible (unknown metric, bad --shard, ...).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// An experiment that needs more memory or disk space than this machine has (found before it
/// starts, so nothing is written).
class ResourceError : public Error {
 public:
  using Error::Error;
};

/// Writing the results failed while a sweep ran (disk full, I/O error). Not a problem with the
/// input (so not an Error): the CLI exits with status 3. The runs finished before the failure stay
/// in the file and `--resume` completes it once the cause is fixed.
class OutputError : public std::runtime_error {
 public:
  OutputError(const std::string& path, bool disk_full, std::size_t runs_complete,
              const std::string& detail)
      : std::runtime_error(detail),
        path_(path),
        disk_full_(disk_full),
        runs_complete_(runs_complete) {}
  /// The results file that could not be written.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True when the file system ran out of space (ENOSPC, or EDQUOT: over quota).
  [[nodiscard]] bool disk_full() const noexcept { return disk_full_; }
  /// Complete runs in the file after the failure (what --resume keeps).
  [[nodiscard]] std::size_t runs_complete() const noexcept { return runs_complete_; }

 private:
  std::string path_;
  bool disk_full_ = false;
  std::size_t runs_complete_ = 0;
};

}  // namespace orgsim
