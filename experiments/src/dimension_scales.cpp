// netCDF-4 dimension scales for the results file (docs/results-format.md, "Reading with xarray"):
// coordinate datasets /run, /tick and /metric attached to the axes of /metrics, /runs, /run_info
// and /metric_info, and /snapshots/snapshot, /snapshots/agent and /snapshots/dimension to the
// snapshots, so that netCDF-4 readers (xarray with engine="h5netcdf", netCDF-C) see named
// dimensions with coordinates instead of phony_dim_0, 1, 2. HDF5's dimension-scale API (H5DS,
// the high-level library) is what netCDF-4 itself writes. Written before SWMR writing starts:
// they add attributes, which SWMR forbids later.
#include "dimension_scales.hpp"

#include "results_schema.hpp"

#include <hdf5_hl.h>

#include <numeric>

namespace orgsim::experiments {

namespace {

/// A 1-D dataset made a dimension scale, with CF's long_name (and units when given).
h5::Handle make_scale(hid_t where, const char* name, hid_t file_type, hid_t memory_type,
                      std::size_t length, const void* values, const std::string& long_name,
                      const std::string& units) {
  const hsize_t dims[1] = {length};
  h5::Handle space = length == 0 ? h5::space(H5Screate(H5S_NULL), "empty scale space")
                                 : h5::space(H5Screate_simple(1, dims, nullptr), "scale space");
  h5::Handle scale =
      h5::dataset(H5Dcreate2(where, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  std::string("create dimension scale ") + name);
  if (length > 0)
    h5::check_status(H5Dwrite(scale, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values),
                     std::string("write dimension scale ") + name);
  h5::check_status(H5DSset_scale(scale, name), std::string("make ") + name + " a dimension scale");
  h5::write_string_attribute(scale, "long_name", long_name);
  if (!units.empty()) h5::write_string_attribute(scale, "units", units);
  return scale;
}

/// 0, 1, ..., n - 1.
std::vector<unsigned long long> indices(std::size_t n) {
  std::vector<unsigned long long> values(n);
  std::iota(values.begin(), values.end(), 0ull);
  return values;
}

void attach(hid_t dataset, hid_t scale, unsigned axis, const std::string& what) {
  h5::check_status(H5DSattach_scale(dataset, scale, axis), "attach a dimension scale to " + what);
}

h5::Handle open_dataset(hid_t where, const std::string& name) {
  return h5::dataset(H5Dopen2(where, name.c_str(), H5P_DEFAULT), "open " + name);
}

}  // namespace

void write_dimension_scales(hid_t file, const DimensionAxes& axes) {
  const auto runs = indices(axes.runs);
  h5::Handle run = make_scale(file, "run", H5T_STD_U64LE, H5T_NATIVE_ULLONG, runs.size(),
                              runs.data(), "run (row of /runs)", "");
  h5::Handle tick = make_scale(file, "tick", H5T_STD_I64LE, H5T_NATIVE_LLONG, axes.ticks.size(),
                               axes.ticks.data(), "tick (weeks since the start)", "week");
  std::vector<const char*> names;
  for (const std::string& name : axes.metric_names) names.push_back(name.c_str());
  h5::Handle text = h5::string_type();
  h5::Handle metric = make_scale(file, "metric", text, text, names.size(), names.data(),
                                 "metric (definitions in /metric_info)", "");

  h5::Handle metrics = open_dataset(file, schema::kMetrics);
  attach(metrics, run, 0, "/metrics");
  attach(metrics, tick, 1, "/metrics");
  attach(metrics, metric, 2, "/metrics");
  h5::write_string_attribute(metrics, "long_name",
                             "metric values by run, tick and metric (units in /metric_info)");
  for (const char* table : {schema::kRuns, schema::kRunInfo}) {
    h5::Handle dataset = open_dataset(file, table);
    attach(dataset, run, 0, table);
  }
  h5::Handle info = open_dataset(file, schema::kMetricInfo);
  attach(info, metric, 0, schema::kMetricInfo);
  if (axes.snapshot_fields.empty()) return;

  h5::Handle group = h5::Handle(
      h5::check(H5Gopen2(file, schema::kSnapshots, H5P_DEFAULT), "open /snapshots"), H5Gclose);
  h5::Handle snapshot = make_scale(group, "snapshot", H5T_STD_I64LE, H5T_NATIVE_LLONG,
                                   axes.snapshot_ticks.size(), axes.snapshot_ticks.data(),
                                   "tick of the snapshot (weeks since the start)", "week");
  const auto agents = indices(axes.snapshot_agents);
  h5::Handle agent =
      make_scale(group, "agent", H5T_STD_U64LE, H5T_NATIVE_ULLONG, agents.size(), agents.data(),
                 "sampled employee (their id is in /snapshots/id)", "");
  const auto dimensions = indices(axes.snapshot_dimensions);
  h5::Handle dimension = make_scale(group, "dimension", H5T_STD_U64LE, H5T_NATIVE_ULLONG,
                                    dimensions.size(), dimensions.data(), "belief dimension", "");
  for (const std::string& field : axes.snapshot_fields) {
    h5::Handle dataset = open_dataset(group, field);
    const std::string what = "/snapshots/" + field;
    attach(dataset, run, 0, what);
    attach(dataset, snapshot, 1, what);
    attach(dataset, agent, 2, what);
    if (field == "beliefs") attach(dataset, dimension, 3, what);
  }
}

}  // namespace orgsim::experiments
