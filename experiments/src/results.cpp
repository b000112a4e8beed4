// HDF5 results writer and reader (docs/results-format.md).
#include "orgsim/experiments/results.hpp"

#include "hdf5.hpp"
#include "orgsim/core/version.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <sstream>

namespace orgsim::experiments {

namespace {

constexpr std::size_t kTextColumnBytes = 64;
constexpr hsize_t kRunsChunkRows = 1024;

std::string now_iso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

/// A field of the /runs compound type.
struct Field {
  std::string name;
  hid_t type;  // native type (or the text type)
  std::size_t offset;
  std::size_t size;
};

}  // namespace

struct ResultsWriter::Impl {
  h5::Handle file;
  h5::Handle metrics;
  h5::Handle runs;
  h5::Handle runs_type;
  h5::Handle text_type;
  std::vector<Field> fields;
  std::size_t row_bytes = 0;
  std::size_t metric_count = 0;
  std::size_t tick_rows = 0;
  const ExperimentSpec* spec = nullptr;
  std::vector<DesignPoint> points;

  void add_field(const std::string& name, hid_t type, std::size_t size) {
    fields.push_back({name, type, row_bytes, size});
    row_bytes += size;
  }
};

ResultsWriter::ResultsWriter(const std::string& path, const ExperimentSpec& spec,
                             std::size_t threads)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& s = *impl_;
  s.spec = &spec;
  s.points = design_points(spec);
  s.metric_count = agents::metric_table().size();
  s.tick_rows = static_cast<std::size_t>(spec.ticks) + 1;
  const auto runs = static_cast<hsize_t>(spec.run_count());

  s.file = h5::file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create " + path);

  // /metrics [run, tick, metric], one run's rows per chunk (split in ticks beyond ~1 MiB).
  {
    const hsize_t dims[3] = {runs, s.tick_rows, s.metric_count};
    const hsize_t max_ticks_per_chunk =
        std::max<hsize_t>(1, (1u << 20) / (8 * static_cast<hsize_t>(s.metric_count)));
    const hsize_t chunk[3] = {1, std::min<hsize_t>(s.tick_rows, max_ticks_per_chunk),
                              s.metric_count};
    h5::Handle space = h5::space(H5Screate_simple(3, dims, nullptr), "metrics space");
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "metrics properties");
    h5::check_status(H5Pset_chunk(dcpl, 3, chunk), "metrics chunking");
    h5::check_status(H5Pset_shuffle(dcpl), "metrics shuffle");
    h5::check_status(H5Pset_deflate(dcpl, 4), "metrics compression");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "metrics fill value");
    s.metrics = h5::dataset(H5Dcreate2(s.file, "metrics", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                       dcpl, H5P_DEFAULT),
                            "create /metrics");
    std::vector<std::string> names, categories, units, help;
    for (const MetricInfo& m : agents::metric_table()) {
      names.push_back(m.name);
      categories.push_back(m.category);
      units.push_back(m.unit);
      help.push_back(m.help);
    }
    h5::write_strings_attribute(s.metrics, "names", names);
    h5::write_strings_attribute(s.metrics, "categories", categories);
    h5::write_strings_attribute(s.metrics, "units", units);
    h5::write_strings_attribute(s.metrics, "help", help);
    h5::write_strings_attribute(s.metrics, "dimensions", {"run", "tick", "metric"});
  }

  // /runs compound table.
  {
    s.text_type = h5::type(H5Tcopy(H5T_C_S1), "text type");
    h5::check_status(H5Tset_size(s.text_type, kTextColumnBytes), "text size");
    h5::check_status(H5Tset_strpad(s.text_type, H5T_STR_NULLTERM), "text padding");
    s.add_field("run_id", H5T_NATIVE_UINT64, 8);
    s.add_field("design_point", H5T_NATIVE_UINT64, 8);
    s.add_field("replication", H5T_NATIVE_UINT64, 8);
    s.add_field("seed", H5T_NATIVE_UINT64, 8);
    for (const SweepAxis& axis : spec.grid) {
      const std::string name(axis.parameter->name);
      switch (axis.parameter->type) {
        case agents::ParamType::integer: s.add_field(name, H5T_NATIVE_INT64, 8); break;
        case agents::ParamType::real: s.add_field(name, H5T_NATIVE_DOUBLE, 8); break;
        case agents::ParamType::boolean: s.add_field(name, H5T_NATIVE_UINT8, 1); break;
        case agents::ParamType::choice: s.add_field(name, s.text_type, kTextColumnBytes); break;
      }
    }
    s.add_field("ticks_run", H5T_NATIVE_UINT64, 8);
    s.add_field("wall_seconds", H5T_NATIVE_DOUBLE, 8);
    s.add_field("status", H5T_NATIVE_UINT8, 1);
    s.runs_type = h5::type(H5Tcreate(H5T_COMPOUND, s.row_bytes), "runs type");
    for (const Field& f : s.fields) {
      h5::check_status(H5Tinsert(s.runs_type, f.name.c_str(), f.offset, f.type),
                       "runs field " + f.name);
    }
    const hsize_t dims[1] = {runs};
    const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min(runs, kRunsChunkRows))};
    h5::Handle space = h5::space(H5Screate_simple(1, dims, nullptr), "runs space");
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "runs properties");
    h5::check_status(H5Pset_chunk(dcpl, 1, chunk), "runs chunking");
    h5::check_status(H5Pset_deflate(dcpl, 4), "runs compression");
    s.runs = h5::dataset(H5Dcreate2(s.file, "runs", s.runs_type, space, H5P_DEFAULT, dcpl,
                                    H5P_DEFAULT),
                         "create /runs");
    h5::write_string_attribute(s.runs, "status_values", "0 = not run, 1 = complete");
  }

  // Provenance.
  h5::write_string_attribute(s.file, "orgsim_version", std::string(version()));
  h5::write_string_attribute(s.file, "git_revision", std::string(git_revision()));
  h5::write_string_attribute(s.file, "experiment", spec.resolved_text());
  h5::write_string_attribute(s.file, "experiment_source", spec.source_text);
  h5::write_string_attribute(s.file, "experiment_source_name", spec.source_name);
  std::string overrides;
  for (const auto& o : spec.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  h5::write_string_attribute(s.file, "overrides", overrides);  // one --set per line
  h5::write_string_attribute(s.file, "experiment_name", spec.name);
  h5::write_string_attribute(s.file, "created", now_iso8601());
  h5::write_string_attribute(s.file, "host", host_name());
  h5::write_u64_attribute(s.file, "threads", threads);
  h5::write_u64_attribute(s.file, "ticks", static_cast<unsigned long long>(spec.ticks));
  h5::write_u64_attribute(s.file, "replications",
                          static_cast<unsigned long long>(spec.replications));
  h5::write_u64_attribute(s.file, "seed", spec.seed);
  h5::write_u64_attribute(s.file, "design_points", spec.design_point_count());
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::write(const RunRecord& record) {
  Impl& s = *impl_;
  const MetricTable& table = record.outcome.metrics;
  // Metric rows [run, 0..rows-1, :].
  {
    const hsize_t start[3] = {record.run, 0, 0};
    const hsize_t count[3] = {1, table.rows(), s.metric_count};
    h5::Handle file_space = h5::space(H5Dget_space(s.metrics), "metrics space");
    h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                     "select metrics rows");
    h5::Handle memory = h5::space(H5Screate_simple(3, count, nullptr), "metrics memory space");
    h5::check_status(H5Dwrite(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT,
                              table.values().data()),
                     "write metrics of run " + std::to_string(record.run));
  }
  // /runs row.
  {
    std::vector<unsigned char> row(s.row_bytes, 0);
    auto put = [&](std::size_t field, const void* value) {
      std::memcpy(row.data() + s.fields[field].offset, value, s.fields[field].size);
    };
    const std::uint64_t seed = s.spec->seed;
    put(0, &record.run);
    put(1, &record.design_point);
    put(2, &record.replication);
    put(3, &seed);
    const DesignPoint& point = s.points.at(record.design_point);
    for (std::size_t a = 0; a < point.values.size(); ++a) {
      const std::size_t field = 4 + a;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
              std::strncpy(reinterpret_cast<char*>(row.data() + s.fields[field].offset), v.c_str(),
                           kTextColumnBytes - 1);
            } else if constexpr (std::is_same_v<T, bool>) {
              const std::uint8_t b = v ? 1 : 0;
              put(field, &b);
            } else {
              put(field, &v);
            }
          },
          point.values[a]);
    }
    const std::size_t tail = 4 + point.values.size();
    const std::uint64_t ticks_run = record.outcome.ticks_run;
    const std::uint8_t status = 1;
    put(tail, &ticks_run);
    put(tail + 1, &record.wall_seconds);
    put(tail + 2, &status);
    const hsize_t start[1] = {record.run};
    const hsize_t count[1] = {1};
    h5::Handle file_space = h5::space(H5Dget_space(s.runs), "runs space");
    h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                     "select runs row");
    h5::Handle memory = h5::space(H5Screate_simple(1, count, nullptr), "runs memory space");
    h5::check_status(H5Dwrite(s.runs, s.runs_type, memory, file_space, H5P_DEFAULT, row.data()),
                     "write runs row " + std::to_string(record.run));
  }
}

void ResultsWriter::finish() {
  Impl& s = *impl_;
  h5::write_string_attribute(s.file, "finished", now_iso8601());
  s.metrics.reset();
  s.runs.reset();
  h5::check_status(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flush results file");
  s.file.reset();
}

// ---------------------------------------------------------------------------------------------

std::string RunColumn::format(std::size_t row) const {
  if (is_text) return texts[row];
  std::ostringstream out;
  out.precision(15);
  out << numbers[row];
  return out.str();
}

bool is_results_file(const std::string& path) {
  h5::silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return false;
  const bool ok = H5Lexists(file, "metrics", H5P_DEFAULT) > 0 && H5Lexists(file, "runs", H5P_DEFAULT) > 0;
  H5Fclose(file);
  return ok;
}

struct ResultsReader::Impl {
  h5::Handle file;
  h5::Handle metrics;
  std::size_t runs = 0;
  std::size_t tick_rows = 0;
  std::size_t metric_count = 0;
  std::vector<std::string> metric_names;
  std::vector<RunColumn> columns;
  std::vector<std::uint64_t> ticks_run;
  std::string path;
};

ResultsReader::ResultsReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& s = *impl_;
  s.path = path;
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw ResultsError(path + ": not an HDF5 file (or cannot be read)");
  }
  s.file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path + ": cannot open");
  auto require = [&](const char* name) {
    if (H5Lexists(s.file, name, H5P_DEFAULT) <= 0) {
      throw ResultsError(path + ": not an orgsim results file (no /" + std::string(name) + ")");
    }
  };
  require("metrics");
  require("runs");
  s.metrics = h5::dataset(H5Dopen2(s.file, "metrics", H5P_DEFAULT), path + ": open /metrics");
  {
    h5::Handle space = h5::space(H5Dget_space(s.metrics), "metrics space");
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(space) != 3) {
      throw ResultsError(path + ": /metrics must have 3 dimensions [run, tick, metric]");
    }
    H5Sget_simple_extent_dims(space, dims, nullptr);
    s.runs = dims[0];
    s.tick_rows = dims[1];
    s.metric_count = dims[2];
    if (!h5::read_strings_attribute(s.metrics, "names", s.metric_names) ||
        s.metric_names.size() != s.metric_count) {
      throw ResultsError(path + ": /metrics has no valid `names` attribute");
    }
  }
  h5::Handle runs = h5::dataset(H5Dopen2(s.file, "runs", H5P_DEFAULT), path + ": open /runs");
  h5::Handle runs_type = h5::type(H5Dget_type(runs), "runs type");
  if (H5Tget_class(runs_type) != H5T_COMPOUND) {
    throw ResultsError(path + ": /runs is not a table");
  }
  {
    h5::Handle space = h5::space(H5Dget_space(runs), "runs space");
    hsize_t dims[1] = {0};
    if (H5Sget_simple_extent_ndims(space) != 1) throw ResultsError(path + ": /runs must be 1-D");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    if (dims[0] != s.runs) {
      throw ResultsError(path + ": /runs has " + std::to_string(dims[0]) + " rows but /metrics " +
                         std::to_string(s.runs) + " runs");
    }
  }
  const int members = H5Tget_nmembers(runs_type);
  for (int k = 0; k < members; ++k) {
    char* raw_name = H5Tget_member_name(runs_type, static_cast<unsigned>(k));
    RunColumn column;
    column.name = raw_name;
    H5free_memory(raw_name);
    const H5T_class_t cls = H5Tget_member_class(runs_type, static_cast<unsigned>(k));
    if (cls == H5T_STRING) {
      column.is_text = true;
      h5::Handle member = h5::type(H5Tget_member_type(runs_type, static_cast<unsigned>(k)), "member");
      const std::size_t size = H5Tget_size(member);
      h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, size), "text column type");
      h5::check_status(H5Tinsert(memory, column.name.c_str(), 0, member), "text column");
      std::vector<char> buffer(size * s.runs + 1, '\0');
      h5::check_status(H5Dread(runs, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                       path + ": read /runs column " + column.name);
      for (std::size_t r = 0; r < s.runs; ++r) {
        const char* start = buffer.data() + r * size;
        column.texts.emplace_back(start, strnlen(start, size));
      }
    } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
      h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(double)), "number column type");
      h5::check_status(H5Tinsert(memory, column.name.c_str(), 0, H5T_NATIVE_DOUBLE), "column");
      column.numbers.resize(s.runs);
      h5::check_status(H5Dread(runs, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, column.numbers.data()),
                       path + ": read /runs column " + column.name);
    } else {
      continue;  // a column type orgsim does not write: ignore
    }
    s.columns.push_back(std::move(column));
  }
  const RunColumn* ticks = run_column("ticks_run");
  const RunColumn* status = run_column("status");
  if (!ticks || ticks->is_text || !status || status->is_text) {
    throw ResultsError(path + ": /runs lacks the ticks_run and status columns");
  }
  for (std::size_t r = 0; r < s.runs; ++r) {
    const double t = ticks->numbers[r];
    if (status->numbers[r] == 1 && (t < 0 || t + 1 > static_cast<double>(s.tick_rows))) {
      throw ResultsError(path + ": run " + std::to_string(r) + " has ticks_run out of range");
    }
    s.ticks_run.push_back(static_cast<std::uint64_t>(std::max(0.0, t)));
  }
}

ResultsReader::~ResultsReader() = default;

std::size_t ResultsReader::run_count() const { return impl_->runs; }
std::size_t ResultsReader::tick_rows() const { return impl_->tick_rows; }
const std::vector<std::string>& ResultsReader::metric_names() const { return impl_->metric_names; }
const std::vector<RunColumn>& ResultsReader::run_columns() const { return impl_->columns; }

const RunColumn* ResultsReader::run_column(const std::string& name) const {
  for (const RunColumn& c : impl_->columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> ResultsReader::parameter_columns() const {
  static const std::vector<std::string> fixed = {"run_id", "design_point", "replication", "seed",
                                                 "ticks_run", "wall_seconds", "status"};
  std::vector<std::string> out;
  for (const RunColumn& c : impl_->columns) {
    if (std::find(fixed.begin(), fixed.end(), c.name) == fixed.end()) out.push_back(c.name);
  }
  return out;
}

std::optional<std::string> ResultsReader::attribute(const std::string& name) const {
  std::vector<std::string> values;
  if (!h5::read_strings_attribute(impl_->file, name, values) || values.size() != 1) {
    return std::nullopt;
  }
  return values[0];
}

std::vector<double> ResultsReader::run_metrics(std::size_t run) const {
  const Impl& s = *impl_;
  std::vector<double> out(s.tick_rows * s.metric_count);
  const hsize_t start[3] = {run, 0, 0};
  const hsize_t count[3] = {1, s.tick_rows, s.metric_count};
  h5::Handle file_space = h5::space(H5Dget_space(s.metrics), "metrics space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                   "select run");
  h5::Handle memory = h5::space(H5Screate_simple(3, count, nullptr), "memory space");
  h5::check_status(
      H5Dread(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, out.data()),
      s.path + ": read /metrics of run " + std::to_string(run));
  return out;
}

std::vector<double> ResultsReader::final_row(std::size_t run) const {
  const Impl& s = *impl_;
  std::vector<double> out(s.metric_count);
  const hsize_t start[3] = {run, s.ticks_run.at(run), 0};
  const hsize_t count[3] = {1, 1, s.metric_count};
  h5::Handle file_space = h5::space(H5Dget_space(s.metrics), "metrics space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                   "select final row");
  h5::Handle memory = h5::space(H5Screate_simple(3, count, nullptr), "memory space");
  h5::check_status(
      H5Dread(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, out.data()),
      s.path + ": read /metrics of run " + std::to_string(run));
  return out;
}

}  // namespace orgsim::experiments
