// /metric_info: each metric's metadata, one row per /metrics column (docs/results-format.md).
#pragma once

#include "orgsim/core/metrics.hpp"

#include <hdf5.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace orgsim::experiments {

/// Writes /metric_info for the /metrics columns `metrics` (text variable-length UTF-8,
/// headline 0 or 1). @throws h5::Hdf5Error when HDF5 fails
void write_metric_info(hid_t file, std::span<const MetricInfo> metrics);

/// Each metric's metadata from /metric_info, in the order of `names` (the /metrics columns). A
/// file without it (written before it existed) gets the running model's metadata by name; a
/// metric the model does not know gets its name as label and nothing else.
/// @param memory_limit bytes the text may take at most
/// @throws ResultsError for a malformed table, naming what is wrong
std::vector<MetricInfo> read_metric_info(hid_t file, const std::string& path,
                                         const std::vector<std::string>& names,
                                         std::size_t memory_limit);

/// How `theirs` differs from `ours`, first difference only, e.g. "metric 3 (lead_time): unit
/// 'days', not 'ticks'"; "" when they are equal.
std::string metric_info_difference(std::span<const MetricInfo> ours,
                                   std::span<const MetricInfo> theirs);

}  // namespace orgsim::experiments
