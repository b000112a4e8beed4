// Build identity recorded in every results file.
#pragma once

#include <string_view>

namespace orgsim {
/// orgsim's version ("0.1.0").
std::string_view version();
/// The git revision the binary was built from ("unknown" outside a git checkout).
std::string_view git_revision();
}  // namespace orgsim
