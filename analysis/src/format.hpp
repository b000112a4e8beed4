// Small text helpers shared by the analysis printers (private to the module).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

namespace orgsim::analysis::detail {

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

/// "a, b, c", or `empty` for none.
inline std::string join(const std::vector<std::string>& items,
                        const std::string& empty = "(none)") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? empty : out;
}

/// A number for people: `precision` significant digits, but money and counts (|x| >= 1000) in
/// full without an exponent when precision <= 6; `nan_text` for NaN.
inline std::string readable_number(double x, int precision = 4, const char* nan_text = "nan") {
  if (std::isnan(x)) return nan_text;
  if (precision <= 6 && std::fabs(x) >= 1000 && std::fabs(x) < 1e12)
    return fmt::format("{:.0f}", x);
  return fmt::format("{:.{}g}", x, precision);
}

}  // namespace orgsim::analysis::detail
