// Escaping text for HTML (reports) and Graphviz HTML-like labels (org chart pictures).
#pragma once

#include <string>
#include <string_view>

namespace orgsim {

/// `text` with &, <, > and " replaced by their character references.
inline std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace orgsim
