// Error types for problems a user can fix (bad experiment files, bad results files, bad command
// lines). Internal invariants are asserts, not exceptions.
#pragma once

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

}  // namespace orgsim
