// The results reader: opens an orgsim results file (also one whose writer was killed or still
// runs), checks every extent and type it relies on before allocating, and reads runs one by one.
#include "orgsim/experiments/resources.hpp"
#include "orgsim/experiments/results.hpp"

#include "hdf5.hpp"
#include "metric_info.hpp"
#include "results_schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <span>

namespace orgsim::experiments {

std::string RunColumn::format(std::size_t row) const {
  if (is_text) return texts[row];
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, numbers[row]);
  return std::string(buffer, result.ptr);
}

struct ResultsReader::Impl {
  h5::Handle file;
  h5::Handle metrics;
  std::size_t runs = 0;
  std::size_t tick_rows = 0;
  std::size_t metric_count = 0;
  std::vector<std::string> metric_names;
  std::vector<MetricInfo> metric_info;  ///< in the order of metric_names
  std::vector<std::int64_t> tick_of_row;
  std::vector<RunColumn> columns;
  std::vector<std::uint64_t> rows;
  std::vector<double> wall_seconds;
  std::string path;
  std::size_t memory_limit = 0;        ///< bytes the reader may need at once
  std::size_t stride = 1;              ///< thin_rows(): every stride-th file row is shown ...
  std::vector<std::size_t> kept_rows;  ///< ... these file rows (empty: all)

  void open_metrics();
  void read_tick_of_row();
  void read_runs();
  void count_rows();
  void read_run_info();
  [[nodiscard]] const RunColumn* column(const std::string& name) const;
  void read_snapshots(std::size_t run, std::uint64_t count, agents::Snapshots& out) const;
};

namespace {

/// "12.3 MB"
std::string megabytes(double bytes) {
  return fmt::format("{:.1f} MB", bytes / 1e6);
}

/// "needs 12.3 MB, more than the 8.0 MB available"
std::string needs_more_than(double bytes, std::size_t memory_limit) {
  return fmt::format("needs {}, more than the {} available", megabytes(bytes),
                     megabytes(static_cast<double>(memory_limit)));
}

/// A whole number stored as a double in /runs (a count or an index), or ResultsError.
std::uint64_t whole_number(const std::string& path, const RunColumn* column, const char* name,
                           std::size_t run, double limit = 9007199254740992.0 /* 2^53 */) {
  if (!column || column->is_text)
    throw ResultsError(path + ": /runs lacks the " + std::string(name) + " column");
  const double x = column->numbers.at(run);
  if (!(x >= 0 && x <= limit) || x != std::floor(x)) {
    throw ResultsError(
        fmt::format("{}: run {}: /runs {} is {}, expected a whole number from 0 to {}", path, run,
                    name, column->format(run), RunColumn{"", false, {limit}, {}}.format(0)));
  }
  return static_cast<std::uint64_t>(x);
}

/// Column `k` of the /runs table as numbers (any numeric type, as double) or fixed-length text;
/// nullopt for a column type orgsim does not write (ignored).
std::optional<RunColumn> read_run_column(hid_t runs, hid_t runs_type, int k, std::size_t rows,
                                         const std::string& path) {
  char* raw_name = H5Tget_member_name(runs_type, static_cast<unsigned>(k));
  if (!raw_name)
    throw ResultsError(path + ": /runs column " + std::to_string(k) + " has no readable name");
  RunColumn column;
  column.name = raw_name;
  H5free_memory(raw_name);
  const H5T_class_t cls = H5Tget_member_class(runs_type, static_cast<unsigned>(k));
  if (cls == H5T_STRING) {
    column.is_text = true;
    h5::Handle member = h5::type(H5Tget_member_type(runs_type, static_cast<unsigned>(k)), "member");
    if (H5Tis_variable_str(member) > 0)
      return std::nullopt;  // orgsim writes fixed-length text only
    const std::size_t size = H5Tget_size(member);
    h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, size), "text column type");
    h5::check_status(H5Tinsert(memory, column.name.c_str(), 0, member), "text column");
    std::vector<char> buffer(size * rows + 1, '\0');
    h5::check_status(H5Dread(runs, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                     path + ": read /runs column " + column.name);
    for (std::size_t r = 0; r < rows; ++r) {
      const char* start = buffer.data() + r * size;
      column.texts.emplace_back(start, strnlen(start, size));
    }
  } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
    h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(double)), "number column type");
    h5::check_status(H5Tinsert(memory, column.name.c_str(), 0, H5T_NATIVE_DOUBLE), "column");
    column.numbers.resize(rows);
    h5::check_status(H5Dread(runs, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, column.numbers.data()),
                     path + ": read /runs column " + column.name);
  } else {
    return std::nullopt;
  }
  return column;
}

}  // namespace

ResultsReader::ResultsReader(const std::string& path) : ResultsReader(path, memory_budget()) {}

ResultsReader::ResultsReader(const std::string& path, std::size_t memory_limit)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = path;
  s.memory_limit = memory_limit;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw ResultsError(path + ": no such file");
  if (std::filesystem::is_directory(path, error))
    throw ResultsError(path + ": is a directory, not a results file");
  s.file = schema::open_for_reading(path);
  for (const char* name : {schema::kMetrics, schema::kRuns}) {
    if (H5Lexists(s.file, name, H5P_DEFAULT) <= 0) {
      throw ResultsError(path + ": not an orgsim results file (no /" + std::string(name) + ")");
    }
  }
  s.open_metrics();
  s.read_tick_of_row();
  s.read_runs();
  s.count_rows();
  s.read_run_info();
  s.metric_info = read_metric_info(s.file, path, s.metric_names, memory_limit);
}

/// /metrics: its extent (a run's rows must fit in memory), its type, its column names.
void ResultsReader::Impl::open_metrics() {
  metrics = h5::dataset(H5Dopen2(file, schema::kMetrics, H5P_DEFAULT), path + ": open /metrics");
  h5::Handle space = h5::space(H5Dget_space(metrics), "metrics space");
  hsize_t dims[3] = {0, 0, 0};
  if (H5Sget_simple_extent_ndims(space) != 3) {
    throw ResultsError(path + ": /metrics must have 3 dimensions [run, row, metric]");
  }
  h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), path + ": dimensions");
  runs = dims[0];
  tick_rows = dims[1];
  metric_count = dims[2];
  h5::Handle metrics_type = h5::type(H5Dget_type(metrics), "metrics type");
  const H5T_class_t metrics_class = H5Tget_class(metrics_type);
  if (metrics_class != H5T_FLOAT && metrics_class != H5T_INTEGER) {
    throw ResultsError(path + ": /metrics must hold numbers (float64)");
  }
  // A run's rows are read whole: refuse extents (corrupt or hostile) that cannot fit.
  const double run_bytes =
      8.0 * static_cast<double>(tick_rows) * (static_cast<double>(metric_count) + 1);
  if (run_bytes > static_cast<double>(memory_limit)) {
    throw ResultsError(
        fmt::format("{}: /metrics declares {} rows x {} metrics per run; reading one run {}", path,
                    tick_rows, metric_count, needs_more_than(run_bytes, memory_limit)));
  }
  if (!h5::read_strings_attribute(metrics, "names", metric_names) ||
      metric_names.size() != metric_count) {
    throw ResultsError(path + ": /metrics has no valid `names` attribute");
  }
}

/// The tick of each /metrics row (attribute tick_of_row; files without it: 0, 1, 2, ...).
void ResultsReader::Impl::read_tick_of_row() {
  if (H5Aexists(metrics, "tick_of_row") > 0) {
    h5::Handle attr = h5::attribute(H5Aopen(metrics, "tick_of_row", H5P_DEFAULT), "tick_of_row");
    h5::Handle attr_space = h5::space(H5Aget_space(attr), "tick_of_row space");
    const hssize_t n = H5Sget_simple_extent_npoints(attr_space);
    h5::Handle attr_type = h5::type(H5Aget_type(attr), "tick_of_row type");
    if (n != static_cast<hssize_t>(tick_rows) || H5Tget_class(attr_type) != H5T_INTEGER) {
      throw ResultsError(fmt::format(
          "{}: /metrics attribute tick_of_row must list one tick (an integer) per row, {} in all",
          path, tick_rows));
    }
    tick_of_row.resize(static_cast<std::size_t>(n));
    h5::check_status(H5Aread(attr, H5T_NATIVE_INT64, tick_of_row.data()),
                     path + ": read tick_of_row");
  }
  if (tick_of_row.empty()) {
    for (std::size_t r = 0; r < tick_rows; ++r) tick_of_row.push_back(static_cast<std::int64_t>(r));
  }
}

/// /runs, every column held in memory: one row per run of /metrics, within the memory limit.
void ResultsReader::Impl::read_runs() {
  h5::Handle table = h5::dataset(H5Dopen2(file, schema::kRuns, H5P_DEFAULT), path + ": open /runs");
  h5::Handle runs_type = h5::type(H5Dget_type(table), "runs type");
  if (H5Tget_class(runs_type) != H5T_COMPOUND) throw ResultsError(path + ": /runs is not a table");
  h5::Handle space = h5::space(H5Dget_space(table), "runs space");
  hsize_t dims[1] = {0};
  if (H5Sget_simple_extent_ndims(space) != 1) throw ResultsError(path + ": /runs must be 1-D");
  h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), path + ": dimensions");
  if (dims[0] != runs) {
    throw ResultsError(
        fmt::format("{}: /runs has {} rows but /metrics {} runs", path, dims[0], runs));
  }
  // The /runs table is held in memory (every column as double or text, plus per-run state).
  const double table_bytes =
      static_cast<double>(runs) *
      (static_cast<double>(H5Tget_size(runs_type)) * 2 + 8.0 * (H5Tget_nmembers(runs_type) + 4));
  if (table_bytes > static_cast<double>(memory_limit)) {
    throw ResultsError(fmt::format("{}: /runs declares {} runs; reading it {}", path, runs,
                                   needs_more_than(table_bytes, memory_limit)));
  }
  const int members = H5Tget_nmembers(runs_type);
  for (int k = 0; k < members; ++k) {
    if (auto read = read_run_column(table, runs_type, k, runs, path))
      columns.push_back(std::move(*read));
  }
}

/// Each run's recorded rows, checked against /metrics for complete runs.
void ResultsReader::Impl::count_rows() {
  const RunColumn* row_counts = column("rows");
  const RunColumn* status = column("status");
  if (!row_counts || row_counts->is_text || !status || status->is_text || !column("ticks_run")) {
    throw ResultsError(path + ": /runs lacks the ticks_run, rows and status columns");
  }
  for (std::size_t r = 0; r < runs; ++r) {
    const double n = row_counts->numbers[r];
    const bool complete = status->numbers[r] == 1;
    if (complete && !(n >= 1 && n <= static_cast<double>(tick_rows) && n == std::floor(n))) {
      throw ResultsError(path + ": run " + std::to_string(r) + " has a row count out of range");
    }
    // An incomplete run's row count is not used for its data; keep it a valid row index.
    rows.push_back(complete ? static_cast<std::uint64_t>(n) : 1);
  }
}

/// Each run's wall time from /run_info (NaN when the file has none).
void ResultsReader::Impl::read_run_info() {
  wall_seconds.assign(runs, std::numeric_limits<double>::quiet_NaN());
  if (H5Lexists(file, schema::kRunInfo, H5P_DEFAULT) <= 0) return;
  h5::Handle info =
      h5::dataset(H5Dopen2(file, schema::kRunInfo, H5P_DEFAULT), path + ": open /run_info");
  // H5S_ALL reads the whole dataset: it must be the one-column-per-run table the writer makes.
  h5::Handle info_space = h5::space(H5Dget_space(info), "run_info space");
  h5::Handle info_type = h5::type(H5Dget_type(info), "run_info type");
  hsize_t info_rows[1] = {0};
  if (H5Sget_simple_extent_ndims(info_space) != 1 || H5Tget_class(info_type) != H5T_COMPOUND ||
      H5Tget_member_index(info_type, "wall_seconds") < 0) {
    throw ResultsError(path + ": /run_info must be a 1-D table with a wall_seconds column");
  }
  H5Sget_simple_extent_dims(info_space, info_rows, nullptr);
  if (info_rows[0] != runs) {
    throw ResultsError(
        fmt::format("{}: /run_info has {} rows but /metrics {} runs", path, info_rows[0], runs));
  }
  h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(double)), "wall type");
  h5::check_status(H5Tinsert(memory, "wall_seconds", 0, H5T_NATIVE_DOUBLE), "wall column");
  h5::check_status(H5Dread(info, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, wall_seconds.data()),
                   path + ": read /run_info");
}

const RunColumn* ResultsReader::Impl::column(const std::string& name) const {
  for (const RunColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

ResultsReader::~ResultsReader() = default;

std::size_t ResultsReader::run_count() const {
  return impl_->runs;
}
std::size_t ResultsReader::tick_rows() const {
  return impl_->tick_rows;
}
const std::vector<std::int64_t>& ResultsReader::tick_of_row() const {
  return impl_->tick_of_row;
}
const std::vector<std::string>& ResultsReader::metric_names() const {
  return impl_->metric_names;
}
const std::vector<MetricInfo>& ResultsReader::metric_info() const {
  return impl_->metric_info;
}
const std::vector<RunColumn>& ResultsReader::run_columns() const {
  return impl_->columns;
}
const RunColumn* ResultsReader::run_column(const std::string& name) const {
  return impl_->column(name);
}

std::vector<std::string> ResultsReader::parameter_columns() const {
  const auto& fixed = schema::kFixedRunColumns;
  std::vector<std::string> out;
  for (const RunColumn& c : impl_->columns) {
    if (std::find(fixed.begin(), fixed.end(), c.name) == fixed.end()) out.push_back(c.name);
  }
  return out;
}

std::optional<std::string> ResultsReader::attribute(const std::string& name) const {
  std::vector<std::string> values;
  if (!h5::read_strings_attribute(impl_->file, name, values) || values.size() != 1)
    return std::nullopt;
  return values[0];
}

bool ResultsReader::finished() const {
  return H5Aexists(impl_->file, "finished") > 0;
}

bool ResultsReader::complete(std::size_t run) const {
  return run_column("status")->numbers.at(run) == 1;
}

std::vector<double> ResultsReader::run_metrics(std::size_t run) const {
  const Impl& s = *impl_;
  std::vector<double> out(s.tick_rows * s.metric_count);
  const hsize_t start[3] = {run, 0, 0};
  const hsize_t count[3] = {1, s.tick_rows, s.metric_count};
  h5::Handle file_space = h5::space(H5Dget_space(s.metrics), "metrics space");
  if (s.kept_rows.empty()) {
    h5::check_status(
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
        "select run");
  } else {  // thinned: rows 0, k, 2k, ... and the last (thin_rows)
    const std::size_t regular = s.kept_rows.size() - (s.kept_rows.back() % s.stride ? 1 : 0);
    const hsize_t stride[3] = {1, s.stride, 1};
    const hsize_t every[3] = {1, regular, s.metric_count};
    h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, stride, every, nullptr),
                     "select rows");
    if (regular < s.kept_rows.size()) {
      const hsize_t last[3] = {run, s.kept_rows.back(), 0};
      const hsize_t one[3] = {1, 1, s.metric_count};
      h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_OR, last, nullptr, one, nullptr),
                       "select the last row");
    }
  }
  h5::Handle memory = h5::space(H5Screate_simple(3, count, nullptr), "memory space");
  h5::check_status(
      H5Dread(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, out.data()),
      s.path + ": read /metrics of run " + std::to_string(run));
  return out;
}

std::size_t ResultsReader::thin_rows(std::size_t most) {
  Impl& s = *impl_;
  if (most < 2 || s.tick_rows <= most || !s.kept_rows.empty()) return s.stride;
  const std::size_t file_rows = s.tick_rows;
  const std::size_t k = (file_rows - 1 + most - 2) / (most - 1);  // rows 0..file_rows-1
  for (std::size_t row = 0; row < file_rows; row += k) s.kept_rows.push_back(row);
  if (s.kept_rows.back() != file_rows - 1) s.kept_rows.push_back(file_rows - 1);
  s.stride = k;
  std::vector<std::int64_t> ticks;
  for (std::size_t row : s.kept_rows) ticks.push_back(s.tick_of_row.at(row));
  s.tick_of_row = std::move(ticks);
  s.tick_rows = s.kept_rows.size();
  // A run that stopped early recorded `rows` file rows: it shows the kept rows before its stop
  // (its state after the stop is held, so the last kept one stands for it).
  for (RunColumn& column : s.columns) {
    if (column.name != "rows" || column.is_text) continue;
    for (double& rows : column.numbers) {
      if (!(rows >= 1)) continue;
      const auto before = static_cast<std::size_t>(
          std::lower_bound(s.kept_rows.begin(), s.kept_rows.end(), static_cast<std::size_t>(rows)) -
          s.kept_rows.begin());
      rows = static_cast<double>(std::max<std::size_t>(before, 1));
    }
  }
  return k;
}

std::vector<double> ResultsReader::final_row(std::size_t run) const {
  const Impl& s = *impl_;
  std::vector<double> out(s.metric_count);
  const hsize_t start[3] = {run, s.rows.at(run) - 1, 0};
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

RunRecord ResultsReader::record(std::size_t run) const {
  const Impl& s = *impl_;
  RunRecord r;
  r.run = whole_number(s.path, run_column("run_id"), "run_id", run);
  r.design_point = whole_number(s.path, run_column("design_point"), "design_point", run);
  r.replication = whole_number(s.path, run_column("replication"), "replication", run);
  r.outcome.ticks_run =
      static_cast<Tick>(whole_number(s.path, run_column("ticks_run"), "ticks_run", run));
  r.wall_seconds = s.wall_seconds.at(run);
  const std::vector<double> all = run_metrics(run);
  r.outcome.metrics = MetricTable(s.metric_count);
  for (std::size_t row = 0; row < s.rows.at(run); ++row) {
    r.outcome.metrics.append(
        std::span<const double>(all.data() + row * s.metric_count, s.metric_count));
  }
  const RunColumn* count = run_column("snapshots");
  if (count && H5Lexists(s.file, schema::kSnapshots, H5P_DEFAULT) > 0) {
    s.read_snapshots(run, whole_number(s.path, count, "snapshots", run), r.outcome.snapshots);
  }
  return r;
}

/// A run's `count` snapshots of every field in /snapshots, within the memory limit.
void ResultsReader::Impl::read_snapshots(std::size_t run, std::uint64_t count,
                                         agents::Snapshots& out) const {
  h5::Handle group = h5::Handle(
      h5::check(H5Gopen2(file, schema::kSnapshots, H5P_DEFAULT), "open /snapshots"), H5Gclose);
  std::vector<std::string> fields;
  h5::read_strings_attribute(group, "fields", fields);
  out.count = count;
  for (const std::string& field : fields) {
    h5::Handle set = h5::dataset(H5Dopen2(group, field.c_str(), H5P_DEFAULT),
                                 path + ": open /snapshots/" + field);
    h5::Handle space = h5::space(H5Dget_space(set), "snapshot space");
    // [run, snapshot, agent] values, or [run, snapshot, agent, dimension] beliefs.
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank != 3 && rank != 4) {
      throw ResultsError(
          fmt::format("{}: /snapshots/{} must have 3 or 4 dimensions, not {}", path, field, rank));
    }
    hsize_t dims[4] = {0, 0, 0, 1};
    h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), "snapshot dimensions");
    if (dims[0] <= run || dims[1] < out.count) {
      throw ResultsError(fmt::format("{}: /snapshots/{} has no room for run {}'s {} snapshots",
                                     path, field, run, out.count));
    }
    const hsize_t start[4] = {run, 0, 0, 0};
    const hsize_t block[4] = {1, out.count, dims[2], rank == 4 ? dims[3] : 1};
    const double cells = static_cast<double>(block[1]) * static_cast<double>(block[2]) *
                         static_cast<double>(block[3]);
    if (cells * 8 > static_cast<double>(memory_limit)) {
      throw ResultsError(fmt::format("{}: /snapshots/{} of run {} {}", path, field, run,
                                     needs_more_than(cells * 8, memory_limit)));
    }
    const std::size_t n = out.count * dims[2] * block[3];
    if (n == 0) continue;
    h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, block, nullptr),
                     "select snapshots");
    h5::Handle memory = h5::space(H5Screate_simple(rank, block, nullptr), "snapshot memory");
    if (rank == 4) {
      out.beliefs.resize(n);
      h5::check_status(
          H5Dread(set, H5T_NATIVE_INT8, memory, space, H5P_DEFAULT, out.beliefs.data()),
          "read snapshots");
    } else {
      std::vector<double> values(n);
      h5::check_status(H5Dread(set, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()),
                       "read snapshots");
      // Ids and indices are int64 with -1 for "no value" since 2026-12-07 (NaN before).
      h5::Handle stored = h5::type(H5Dget_type(set), "snapshot type");
      if (H5Tget_class(stored) == H5T_INTEGER)
        for (double& v : values)
          if (v == -1) v = std::numeric_limits<double>::quiet_NaN();
      out.values.push_back(std::move(values));
    }
  }
}

}  // namespace orgsim::experiments
