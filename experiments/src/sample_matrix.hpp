// Sample matrices made elsewhere, for [sweep.samples] (private to the experiment loader).
#pragma once

#include "orgsim/core/error.hpp"
#include "orgsim/experiments/design.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace orgsim::experiments {

/// At most this many values (rows x columns) in a sample matrix.
inline constexpr std::size_t kMostSampleValues = 20'000'000;

struct SampleMatrix {
  std::vector<const ParamSpec*> parameters;  ///< the columns
  std::vector<std::vector<ParamValue>> rows;
};

/// The parameters named by `names` (each at `where`). @throws ConfigError for an unknown or
/// repeated name.
std::vector<const ParamSpec*> sample_columns(const std::vector<std::string>& names,
                                             const std::vector<SourceLocation>& where);

/// Parses a sample file's text (`source` names it in messages). `columns` empty: the first row
/// names them. @throws ConfigError at the first bad row or value (file:line:column).
SampleMatrix parse_sample_matrix(std::string_view text, const std::string& source,
                                 std::vector<const ParamSpec*> columns);

/// The bytes of a sample file (a regular file of at most 1 GiB). @throws ConfigError at
/// `named_at` (the `file` key) when it cannot be read.
std::string read_sample_file(const std::filesystem::path& file, const SourceLocation& named_at);

}  // namespace orgsim::experiments
