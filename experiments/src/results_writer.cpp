// The results writer: creates a file sized for the experiment, then writes runs into it in any
// order, live in SWMR mode (layout in docs/results-format.md, names in results_schema.hpp).
#include "orgsim/agents/org_view.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/results.hpp"

#include "dimension_scales.hpp"
#include "hdf5.hpp"
#include "metric_info.hpp"
#include "results_schema.hpp"
#include "table_rows.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <span>
#include <type_traits>
#include <variant>

namespace orgsim::experiments {

namespace {

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

/// After a failed write, stops every later write to the file (HDF5's own flushes when the file
/// is closed included): the writer's descriptor is replaced by a read-only one on the same file.
/// The file then stays as it was at the failure, as after a kill, which SWMR keeps readable with
/// every run flushed before it. Otherwise a close-time flush could rewrite index entries in place
/// (which needs no new space) pointing at chunks whose data never reached the disk.
void freeze_file(const h5::Handle& file, const std::string& path) {
  if (file.get() < 0) return;
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) return;
  const int fd = *static_cast<int*>(handle);  // the default (sec2) driver's descriptor
  int read_only = ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
  if (read_only < 0) read_only = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (read_only < 0) return;
  ::dup2(read_only, fd);
  ::close(read_only);
}

std::size_t largest_dimensions(const ExperimentSpec& spec) {
  std::size_t m = 0;
  for (std::size_t point = 0; point < std::min<std::size_t>(spec.design_point_count(), 1000);
       ++point) {
    m = std::max(m, static_cast<std::size_t>(spec.params_at(point).learning.dimensions));
  }
  return m;
}

/// Writes `count` snapshots of a run into a [run, snapshot, agent(, dimension)] dataset.
void write_snapshot_block(hid_t dataset, hid_t memory_type, std::uint64_t run, std::size_t count,
                          std::size_t agents, std::size_t width, const void* data) {
  const int rank = width ? 4 : 3;
  const hsize_t start[4] = {run, 0, 0, 0};
  const hsize_t block[4] = {1, count, agents, width};
  h5::Handle file_space = h5::space(H5Dget_space(dataset), "snapshot space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
                   "select snapshots");
  h5::Handle memory = h5::space(H5Screate_simple(rank, block, nullptr), "snapshot memory space");
  h5::check_status(H5Dwrite(dataset, memory_type, memory, file_space, H5P_DEFAULT, data),
                   "write snapshots of run " + std::to_string(run));
}

/// The ticks of /metrics' rows: 0, every, 2 x every, ..., and the last tick.
std::vector<long long> ticks_of_rows(const ExperimentSpec& spec) {
  const auto every = static_cast<Tick>(spec.record_every);
  std::vector<long long> ticks;
  for (Tick t = 0; t <= static_cast<Tick>(spec.ticks); t += every)
    ticks.push_back(static_cast<long long>(t));
  if (ticks.back() != spec.ticks) ticks.push_back(spec.ticks);
  return ticks;
}

/// Fills a /runs row field by field, in the layout's order.
class RowFiller {
 public:
  RowFiller(const RowLayout& layout, unsigned char* row) : layout_(layout), row_(row) {}
  /// The next field, copied from `value` (its size is the field's).
  void put(const void* value) {
    const Field& f = layout_.fields[next_++];
    std::memcpy(row_ + f.offset, value, f.size);
  }
  /// The next field, a fixed-length text column (cut to fit, always terminated).
  void put_text(const std::string& text) {
    const Field& f = layout_.fields[next_++];
    std::strncpy(reinterpret_cast<char*>(row_ + f.offset), text.c_str(),
                 schema::kTextColumnBytes - 1);
  }

 private:
  const RowLayout& layout_;
  unsigned char* row_;
  std::size_t next_ = 0;
};

}  // namespace

struct ResultsWriter::Impl {
  std::string path;
  h5::Handle file;
  h5::Handle metrics;
  h5::Handle runs;
  h5::Handle run_info;
  h5::Handle runs_type;
  h5::Handle info_type;
  h5::Handle text_type;
  RowLayout runs_row;
  RowLayout info_row;
  std::size_t metric_count = 0;
  std::size_t tick_rows = 0;
  const ExperimentSpec* spec = nullptr;
  bool unflushed = false;
  bool failed = false;                     ///< a write failed: the file is frozen (see freeze_file)
  PendingRows pending_runs;                ///< /runs rows until the next flush
  PendingRows pending_info;                ///< /run_info rows likewise
  std::vector<unsigned char> row_scratch;  ///< the /runs row being built
  // per-agent snapshots (when [output.snapshots] asks for them)
  std::vector<h5::Handle> snapshot_sets;  ///< one per field, in field order
  std::size_t snapshot_slots = 0;
  std::size_t snapshot_width = 0;  ///< dimensions stored per belief row

  void create_metrics(hsize_t run_count, std::span<const MetricInfo> metric_rows);
  void create_runs(hsize_t run_count);
  void create_snapshots(hsize_t run_count);
  void create_run_info(hsize_t run_count);
  void write_provenance(std::size_t threads, const std::optional<Shard>& shard);
  void write_dimension_scales(std::span<const MetricInfo> metric_rows);

  void write_metric_chunks(const RunRecord& record);
  void write_snapshots(const RunRecord& record);
  void fill_runs_row(const RunRecord& record, std::uint64_t rows);
};

ResultsWriter::ResultsWriter(const std::string& path, const ExperimentSpec& spec,
                             std::size_t threads, std::optional<Shard> shard,
                             std::span<const MetricInfo> metrics)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& s = *impl_;
  s.path = path;
  s.spec = &spec;
  s.metric_count = metrics.size();
  s.tick_rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  const auto runs = static_cast<hsize_t>(spec.run_count());

  try {
    h5::Handle fapl = schema::latest_format();
    // The writer lock (WriterLock) already makes this process the file's only writer. HDF5's own
    // flock would add nothing but a failure: a reader polling for the file (h5py, `analyze`)
    // may hold a shared flock on the empty file the writer lock created, for the instant its
    // open takes, just when this create wants its exclusive one.
    h5::check_status(H5Pset_file_locking(fapl, false, true), "file locking");
    s.file = h5::file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl),
                      "cannot create " + path);
    s.create_metrics(runs, metrics);
    write_metric_info(s.file, metrics);
    s.create_runs(runs);
    if (spec.snapshots.every > 0) s.create_snapshots(runs);
    s.create_run_info(runs);
    s.write_dimension_scales(metrics);
    s.write_provenance(threads, shard);
    h5::check_status(H5Fstart_swmr_write(s.file), "start SWMR writing");
  } catch (const h5::Hdf5Error& e) {
    // A file that could not be created whole holds nothing: the caller removes it. Its HDF5 ids
    // stay open on a read-only descriptor (freeze_file), so that nothing more reaches the disk.
    s.failed = true;
    freeze_file(s.file, s.path);
    throw OutputError(path, e.os_error() == ENOSPC || e.os_error() == EDQUOT, 0,
                      fmt::format("cannot create the results file: {}", e.what()));
  }
}

/// /metrics [run, row, metric], one run's rows per chunk (split in rows beyond ~1 MiB), with the
/// metrics' names and metadata and the tick of each row as attributes.
void ResultsWriter::Impl::create_metrics(hsize_t run_count,
                                         std::span<const MetricInfo> metric_rows) {
  const hsize_t dims[3] = {run_count, tick_rows, metric_count};
  const hsize_t chunk[3] = {1, metrics_rows_per_chunk(tick_rows), metric_count};
  h5::Handle space = h5::space(H5Screate_simple(3, dims, nullptr), "metrics space");
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "metrics properties");
  h5::check_status(H5Pset_chunk(dcpl, 3, chunk), "metrics chunking");
  // Deflate alone (no shuffle: deflate_rows finds whole repeated values); the workers compress
  // the chunks themselves.
  h5::check_status(H5Pset_deflate(dcpl, schema::kMetricsDeflateLevel), "metrics compression");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "metrics fill value");
  metrics = h5::dataset(
      H5Dcreate2(file, schema::kMetrics, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
      "create /metrics");
  std::vector<std::string> names, categories, units, help;
  for (const MetricInfo& m : metric_rows) {
    names.push_back(m.name);
    categories.push_back(m.category);
    units.push_back(m.unit);
    help.push_back(m.help);
  }
  h5::write_strings_attribute(metrics, "names", names);
  h5::write_strings_attribute(metrics, "categories", categories);
  h5::write_strings_attribute(metrics, "units", units);
  h5::write_strings_attribute(metrics, "help", help);
  h5::write_strings_attribute(metrics, "dimensions", {"run", "row", "metric"});
  const std::vector<long long> ticks = ticks_of_rows(*spec);
  const hsize_t tick_dims[1] = {ticks.size()};
  h5::Handle tick_space = h5::space(H5Screate_simple(1, tick_dims, nullptr), "tick space");
  h5::Handle attr = h5::attribute(
      H5Acreate2(metrics, "tick_of_row", H5T_STD_I64LE, tick_space, H5P_DEFAULT, H5P_DEFAULT),
      "tick_of_row");
  h5::check_status(H5Awrite(attr, H5T_NATIVE_LLONG, ticks.data()), "write tick_of_row");
}

/// The netCDF-4 coordinates of every axis (dimension_scales.cpp).
void ResultsWriter::Impl::write_dimension_scales(std::span<const MetricInfo> metric_rows) {
  DimensionAxes axes;
  axes.runs = static_cast<std::size_t>(spec->run_count());
  axes.ticks = ticks_of_rows(*spec);
  for (const MetricInfo& m : metric_rows) axes.metric_names.push_back(m.name);
  const auto& snap = spec->snapshots;
  if (snap.every > 0) {
    for (agents::SnapshotField field : snap.fields)
      axes.snapshot_fields.emplace_back(agents::snapshot_field_name(field));
    for (Tick t = 0; axes.snapshot_ticks.size() < snapshot_slots; t += snap.every)
      axes.snapshot_ticks.push_back(static_cast<long long>(std::min<Tick>(t, spec->ticks)));
    axes.snapshot_agents = snap.agents;
    axes.snapshot_dimensions = snapshot_width;
  }
  experiments::write_dimension_scales(file, axes);
}

/// /runs: deterministic content only.
void ResultsWriter::Impl::create_runs(hsize_t run_count) {
  text_type = h5::type(H5Tcopy(H5T_C_S1), "text type");
  h5::check_status(H5Tset_size(text_type, schema::kTextColumnBytes), "text size");
  h5::check_status(H5Tset_strpad(text_type, H5T_STR_NULLTERM), "text padding");
  runs_row.add("run_id", H5T_NATIVE_UINT64, 8);
  runs_row.add("design_point", H5T_NATIVE_UINT64, 8);
  runs_row.add("replication", H5T_NATIVE_UINT64, 8);
  runs_row.add("seed", H5T_NATIVE_UINT64, 8);
  if (spec->design.has_blocks()) {
    runs_row.add("sample", H5T_NATIVE_UINT64, 8);
    runs_row.add("block", H5T_NATIVE_UINT64, 8);
  }
  const DesignOptions& options = spec->design.options;
  if (!options.names.empty()) runs_row.add("option", text_type, schema::kTextColumnBytes);
  std::vector<const ParamSpec*> columns = options.parameters;  // an option's values, then the rest
  columns.insert(columns.end(), spec->design.parameters.begin(), spec->design.parameters.end());
  for (const ParamSpec* param : columns) {
    const std::string name(param->name);
    switch (param->type) {
      case agents::ParamType::integer:
        runs_row.add(name, H5T_NATIVE_INT64, 8);
        break;
      case agents::ParamType::real:
        runs_row.add(name, H5T_NATIVE_DOUBLE, 8);
        break;
      case agents::ParamType::boolean:
        runs_row.add(name, H5T_NATIVE_UINT8, 1);
        break;
      case agents::ParamType::choice:
        runs_row.add(name, text_type, schema::kTextColumnBytes);
        break;
    }
  }
  for (const std::string& event : spec->uncertain_events())  // 1: it happened in the run
    runs_row.add(event, H5T_NATIVE_UINT8, 1);
  runs_row.add("ticks_run", H5T_NATIVE_UINT64, 8);
  runs_row.add("rows", H5T_NATIVE_UINT64, 8);
  if (spec->snapshots.every > 0) runs_row.add("snapshots", H5T_NATIVE_UINT64, 8);
  runs_row.add("status", H5T_NATIVE_UINT8, 1);
  runs_type = runs_row.type();
  pending_runs = PendingRows(runs_row.bytes);
  runs = create_table(file, schema::kRuns, runs_type, run_count);
  h5::write_string_attribute(runs, "status_values", "0 = not run (yet), 1 = complete");
}

/// /snapshots/<field>: [run, snapshot, agent] (beliefs: [..., dimension]), one snapshot per
/// chunk so that a reader takes one snapshot without loading the rest.
void ResultsWriter::Impl::create_snapshots(hsize_t run_count) {
  const auto& snap = spec->snapshots;
  h5::Handle group = h5::Handle(
      h5::check(H5Gcreate2(file, schema::kSnapshots, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                "create /snapshots"),
      H5Gclose);
  snapshot_slots = agents::recorded_rows(static_cast<Tick>(spec->ticks), snap.every);
  snapshot_width = largest_dimensions(*spec);
  std::vector<std::string> field_names;
  for (agents::SnapshotField field : snap.fields) {
    const bool beliefs = field == agents::SnapshotField::beliefs;
    const bool integer = agents::snapshot_field_integer(field);
    field_names.emplace_back(agents::snapshot_field_name(field));
    const hsize_t dims[4] = {run_count, snapshot_slots, snap.agents, snapshot_width};
    const hsize_t chunk[4] = {1, 1, snap.agents, snapshot_width};
    h5::Handle space =
        h5::space(H5Screate_simple(beliefs ? 4 : 3, dims, nullptr), "snapshot space");
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "snapshot properties");
    h5::check_status(H5Pset_chunk(dcpl, beliefs ? 4 : 3, chunk), "snapshot chunking");
    h5::check_status(H5Pset_shuffle(dcpl), "snapshot shuffle");
    h5::check_status(H5Pset_deflate(dcpl, schema::kDeflateLevel), "snapshot compression");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const long long none = -1;  // ids and indices: -1 where there is no value
    if (integer) {
      h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_LLONG, &none), "snapshot fill value");
    } else if (!beliefs) {
      h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "snapshot fill value");
    }
    const hid_t file_type = beliefs ? H5T_STD_I8LE : integer ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    snapshot_sets.push_back(h5::dataset(H5Dcreate2(group, field_names.back().c_str(), file_type,
                                                   space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                                        "create /snapshots/" + field_names.back()));
  }
  h5::write_strings_attribute(group, "fields", field_names);
  // What the department, function and site indices of the snapshots name (design point 0's
  // organization; a generated one's are "function k" and "site k").
  const agents::OrgNames names = agents::org_names(spec->params_at(0));
  h5::write_strings_attribute(group, "department_names", names.departments);
  h5::write_strings_attribute(group, "function_names", names.functions);
  h5::write_strings_attribute(group, "site_names", names.sites);
  h5::write_u64_attribute(group, "every", snap.every);
  h5::write_u64_attribute(group, "agents", snap.agents);
}

/// /run_info: each run's timing (which differs between machines), apart from /runs.
void ResultsWriter::Impl::create_run_info(hsize_t run_count) {
  info_row.add("wall_seconds", H5T_NATIVE_DOUBLE, 8);
  info_type = info_row.type();
  pending_info = PendingRows(info_row.bytes);
  run_info = create_table(file, schema::kRunInfo, info_type, run_count);
}

/// Root attributes: what was run, by which build, where and when.
void ResultsWriter::Impl::write_provenance(std::size_t threads, const std::optional<Shard>& shard) {
  h5::write_string_attribute(file, "orgsim_version", std::string(version()));
  h5::write_string_attribute(file, "git_revision", std::string(git_revision()));
  h5::write_string_attribute(file, "experiment", spec->resolved_text());
  h5::write_string_attribute(file, "experiment_source", spec->source_text);
  h5::write_string_attribute(file, "experiment_source_name", spec->source_name);
  std::string overrides;
  for (const auto& o : spec->overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  h5::write_string_attribute(file, "overrides", overrides);  // one --set per line
  h5::write_string_attribute(file, "experiment_name", spec->name);
  const std::size_t options = spec->design.options.names.size();
  const std::string kind(design_kind_name(spec->design.kind));
  h5::write_string_attribute(  // "grid", or "3 options x grid", "3 options"
      file, "design",
      options == 0 ? kind
                   : std::to_string(options) + " options" +
                         (spec->design.kind == DesignKind::none ? "" : " x " + kind));
  if (!spec->currency.empty()) h5::write_string_attribute(file, "currency", spec->currency);
  if (!spec->design.options.names.empty()) {
    h5::write_string_attribute(file, "baseline_option",
                               spec->design.options.names[spec->design.options.baseline]);
  }
  h5::write_string_attribute(file, "shard", shard ? shard->str() : "");
  h5::write_string_attribute(file, "created", now_iso8601());
  h5::write_string_attribute(file, "host", host_name());
  h5::write_u64_attribute(file, "threads", threads);
  h5::write_u64_attribute(file, "ticks", static_cast<unsigned long long>(spec->ticks));
  h5::write_u64_attribute(file, "every", static_cast<unsigned long long>(spec->record_every));
  // Ticks of the firm's past simulated before tick 0 and not recorded (docs/ODD.md 5.).
  h5::write_u64_attribute(file, "warmup", static_cast<unsigned long long>(spec->warmup));
  h5::write_u64_attribute(file, "replications",
                          static_cast<unsigned long long>(spec->replications));
  h5::write_u64_attribute(file, "seed", spec->seed);
  h5::write_u64_attribute(file, "design_points", spec->design_point_count());
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::write(const RunRecord& record) {
  guard([&] {
    Impl& s = *impl_;
    const std::uint64_t rows = record.metric_rows();
    if (rows == 0 || rows > s.tick_rows ||
        (!record.chunks.empty() &&
         record.chunks.size() != schema::metrics_chunks(rows, s.tick_rows))) {
      // Checked before anything of the run is written: the file stays readable.
      throw ResultsError(fmt::format(
          "run {} arrived with {} rows in {} chunks, which does not fit /metrics ({} rows a run)",
          record.run, rows, record.chunks.size(), s.tick_rows));
    }
    s.write_metric_chunks(record);
    s.write_snapshots(record);
    // The /runs row is built aside and queued for the flush only once the run's data is written.
    s.fill_runs_row(record, rows);
    std::memcpy(s.pending_runs.add(record.run), s.row_scratch.data(),
                s.runs_row.bytes);  // written at the next flush
    std::memcpy(s.pending_info.add(record.run), &record.wall_seconds,
                sizeof(double));  // one double, as the compound holds it
    s.unflushed = true;
  });
}

/// Writes a run's /metrics chunks: pre-filtered ones straight to the file (no filter pipeline on
/// the writer thread), or compressed here when the record carries rows.
void ResultsWriter::Impl::write_metric_chunks(const RunRecord& record) {
  std::vector<std::vector<unsigned char>> compressed;
  if (record.chunks.empty()) compressed = compress_metrics(record.outcome.metrics, tick_rows);
  const auto& chunks = record.chunks.empty() ? compressed : record.chunks;
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const hsize_t offset[3] = {record.run, c * per_chunk, 0};
    h5::check_status(
        H5Dwrite_chunk(metrics, H5P_DEFAULT, 0, offset, chunks[c].size(), chunks[c].data()),
        "write metrics of run " + std::to_string(record.run));
  }
}

/// Writes a run's per-agent snapshots, one dataset per field.
void ResultsWriter::Impl::write_snapshots(const RunRecord& record) {
  const agents::Snapshots& snaps = record.outcome.snapshots;
  if (snapshot_sets.empty() || snaps.count == 0) return;
  const std::size_t agents = spec->snapshots.agents;
  std::size_t column = 0;
  for (std::size_t f = 0; f < spec->snapshots.fields.size(); ++f) {
    if (spec->snapshots.fields[f] == agents::SnapshotField::beliefs) {
      const std::size_t width = snaps.beliefs.size() / (snaps.count * agents);
      write_snapshot_block(snapshot_sets[f], H5T_NATIVE_INT8, record.run, snaps.count, agents,
                           width, snaps.beliefs.data());
    } else if (agents::snapshot_field_integer(spec->snapshots.fields[f])) {
      const std::vector<double>& values = snaps.values[column++];
      std::vector<long long> whole(values.size());
      for (std::size_t i = 0; i < values.size(); ++i)
        whole[i] = std::isnan(values[i]) ? -1 : static_cast<long long>(values[i]);
      write_snapshot_block(snapshot_sets[f], H5T_NATIVE_LLONG, record.run, snaps.count, agents, 0,
                           whole.data());
    } else {
      write_snapshot_block(snapshot_sets[f], H5T_NATIVE_DOUBLE, record.run, snaps.count, agents, 0,
                           snaps.values[column++].data());
    }
  }
}

/// Builds the run's /runs row in row_scratch, status last.
void ResultsWriter::Impl::fill_runs_row(const RunRecord& record, std::uint64_t rows) {
  row_scratch.assign(runs_row.bytes, 0);
  RowFiller row(runs_row, row_scratch.data());
  const std::uint64_t seed = spec->seed;
  row.put(&record.run);
  row.put(&record.design_point);
  row.put(&record.replication);
  row.put(&seed);
  if (spec->design.has_blocks()) {
    const std::uint64_t sample = spec->design.sample_of(record.design_point);
    const std::uint64_t block = spec->design.block_of(record.design_point);
    row.put(&sample);
    row.put(&block);
  }
  const DesignOptions& options = spec->design.options;
  std::vector<ParamValue> values;
  if (!options.names.empty()) {
    const std::size_t option = spec->design.option_of(record.design_point);
    row.put_text(options.names[option]);
    values = options.values[option];
  }
  for (ParamValue& value : spec->design.values(record.design_point))
    values.push_back(std::move(value));
  for (const ParamValue& value : values) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            row.put_text(v);
          } else if constexpr (std::is_same_v<T, bool>) {
            const std::uint8_t b = v ? 1 : 0;
            row.put(&b);
          } else {
            row.put(&v);
          }
        },
        value);
  }
  const auto uncertain = spec->uncertain_events();
  if (!uncertain.empty()) {
    const auto events = spec->events_at(record.design_point);
    for (const std::string& name : uncertain) {
      std::uint8_t happened = 0;
      for (const agents::ScheduledEvent& e : events)
        if (e.name == name && agents::event_happens(e, {spec->seed, record.replication}))
          happened = 1;
      row.put(&happened);
    }
  }
  const std::uint64_t ticks_run = record.outcome.ticks_run;
  row.put(&ticks_run);
  row.put(&rows);
  if (!snapshot_sets.empty()) {
    const std::uint64_t count = record.outcome.snapshots.count;
    row.put(&count);
  }
  const std::uint8_t status = 1;
  row.put(&status);
}

void ResultsWriter::flush() {
  guard([&] {
    Impl& s = *impl_;
    if (!s.unflushed) return;
    // Data first, the status rows last: a run whose status did not reach the disk is redone on
    // resume, never kept half-written.
    h5::check_status(H5Dflush(s.metrics), "flush /metrics");
    for (const h5::Handle& set : s.snapshot_sets)
      h5::check_status(H5Dflush(set), "flush /snapshots");
    s.pending_info.write(s.run_info, s.info_type, "/run_info rows");
    h5::check_status(H5Dflush(s.run_info), "flush /run_info");
    s.pending_runs.write(s.runs, s.runs_type, "/runs rows");
    h5::check_status(H5Dflush(s.runs), "flush /runs");
    s.unflushed = false;
  });
}

void ResultsWriter::rename(const std::string& path) {
  impl_->path = path;
}

void ResultsWriter::close() {
  flush();
  guard([&] {
    Impl& s = *impl_;
    if (s.file.get() < 0) return;
    s.metrics.close("close /metrics");
    s.runs.close("close /runs");
    s.run_info.close("close /run_info");
    for (h5::Handle& set : s.snapshot_sets) set.close("close /snapshots");
    s.snapshot_sets.clear();
    s.file.close("close " + s.path);  // clears the SWMR flag: the file opens without h5clear
  });
}

void ResultsWriter::finish(std::size_t runs_complete) {
  close();
  guard([&] {
    // Attributes cannot be added in SWMR mode: reopen the closed file to stamp it finished
    // (without HDF5's flock, which a reader polling the file may hold for an instant; the writer
    // lock is what keeps other writers out).
    h5::Handle fapl = schema::latest_format();
    h5::check_status(H5Pset_file_locking(fapl, false, true), "file locking");
    h5::Handle file =
        h5::file(H5Fopen(impl_->path.c_str(), H5F_ACC_RDWR, fapl), "reopen " + impl_->path);
    h5::write_string_attribute(file, "finished", now_iso8601());
    h5::write_u64_attribute(file, "runs_complete", runs_complete);
    file.close("close " + impl_->path);
  });
}

void ResultsWriter::guard(const std::function<void()>& body) {
  thread_local bool silenced = false;  // HDF5 keeps its error printing per thread
  if (!silenced) h5::silence_errors();
  silenced = true;
  Impl& s = *impl_;
  if (s.failed)
    throw OutputError(s.path, false, 0, "the results file " + s.path + " failed earlier");
  try {
    body();
  } catch (const h5::Hdf5Error& e) {
    s.failed = true;
    freeze_file(s.file, s.path);
    throw OutputError(s.path, e.os_error() == ENOSPC || e.os_error() == EDQUOT, 0, e.what());
  }
}

}  // namespace orgsim::experiments
