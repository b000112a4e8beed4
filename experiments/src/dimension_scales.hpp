// netCDF-4 dimension scales for the results file (private to the results store).
#pragma once

#include "hdf5.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace orgsim::experiments {

/// The axes of a new results file.
struct DimensionAxes {
  std::size_t runs = 0;
  std::vector<long long> ticks;  ///< the tick of each /metrics row
  std::vector<std::string> metric_names;
  std::vector<std::string> snapshot_fields;  ///< empty: no /snapshots group
  std::vector<long long> snapshot_ticks;     ///< the planned tick of each snapshot
  std::size_t snapshot_agents = 0;
  std::size_t snapshot_dimensions = 0;
};

/// Creates the coordinate datasets (/run, /tick, /metric; /snapshots/snapshot, agent, dimension)
/// as dimension scales and attaches them to every dataset's axes. Call before SWMR writing.
void write_dimension_scales(hid_t file, const DimensionAxes& axes);

}  // namespace orgsim::experiments
