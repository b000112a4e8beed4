// Formatting of user-facing error locations.
#include "orgsim/core/error.hpp"

namespace orgsim {

std::string SourceLocation::str() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

ConfigError::ConfigError(SourceLocation where, const std::string& message)
    : Error(where.str() + ": error: " + message), where_(std::move(where)), message_(message) {}

}  // namespace orgsim
