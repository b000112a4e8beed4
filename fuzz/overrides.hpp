// The fuzzers' way to reach --set: leading lines "#set key=value" of the input become overrides
// (the fuzzer mutates those too). Shared by fuzz_experiment and fuzz_options.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace orgsim::fuzz {

/// At most four leading "#set key=value" lines, as --set arguments.
inline std::vector<std::string> overrides_of(std::string_view text) {
  std::vector<std::string> out;
  constexpr std::string_view prefix = "#set ";
  while (text.substr(0, prefix.size()) == prefix && out.size() < 4) {
    const std::size_t end = text.find('\n');
    out.emplace_back(
        text.substr(prefix.size(), end == std::string_view::npos ? end : end - prefix.size()));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace orgsim::fuzz
