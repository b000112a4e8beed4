// HDF5 results writer and reader (docs/results-format.md).
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/row_deflate.hpp"

#include "hdf5.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/runner.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <filesystem>
#include <ctime>
#include <limits>
#include <numeric>
#include <span>

namespace orgsim::experiments {

namespace {

constexpr std::size_t kTextColumnBytes = 64;
constexpr int kDeflateLevel = 1;  // fast (HDF5's own deflate filter: /runs, /run_info, snapshots)
// /metrics chunks are compressed by the workers with deflate_rows (row_deflate.hpp); the level is
// only what the filter's parameters record (inflating ignores it).
constexpr int kMetricsDeflateLevel = 1;
constexpr hsize_t kRunsChunkRows = 256;
// /metric_info: its text columns, in order, then the headline flag (0/1).
constexpr const char* kMetricInfoDataset = "metric_info";
constexpr std::array<const char*, 6> kMetricInfoTextFields = {"name", "category", "unit", "label", "help", "better"};
constexpr const char* kMetricInfoHeadline = "headline";
constexpr unsigned kSwmrReadAttempts = 20;  // see open_for_reading  // small: a flush recompresses the chunks it touched

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

/// File access with the newest format (required for SWMR).
h5::Handle latest_format() {
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS), "file access properties");
  h5::check_status(H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), "file format");
  return fapl;
}

/// A field of a compound row.
struct Field {
  std::string name;
  hid_t type;
  std::size_t offset;
  std::size_t size;
};

/// Builds a compound type from fields and remembers their offsets.
struct Row {
  std::vector<Field> fields;
  std::size_t bytes = 0;
  void add(const std::string& name, hid_t type, std::size_t size) {
    fields.push_back({name, type, bytes, size});
    bytes += size;
  }
  h5::Handle type() const {
    h5::Handle t = h5::type(H5Tcreate(H5T_COMPOUND, bytes), "compound type");
    for (const Field& f : fields) h5::check_status(H5Tinsert(t, f.name.c_str(), f.offset, f.type), "field " + f.name);
    return t;
  }
};

h5::Handle create_table(hid_t file, const char* name, hid_t type, hsize_t rows) {
  const hsize_t dims[1] = {rows};
  const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min(rows, kRunsChunkRows))};
  h5::Handle space = h5::space(H5Screate_simple(1, dims, nullptr), std::string(name) + " space");
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), std::string(name) + " properties");
  h5::check_status(H5Pset_chunk(dcpl, 1, chunk), std::string(name) + " chunking");
  h5::check_status(H5Pset_deflate(dcpl, kDeflateLevel), std::string(name) + " compression");
  return h5::dataset(H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), std::string("create /") + name);
}

// Writes rows [first, first + count) from a contiguous buffer of count rows.
void write_rows(hid_t dataset, hid_t type, hsize_t first, hsize_t count, const void* data, const std::string& what) {
  const hsize_t start[1] = {first};
  const hsize_t size[1] = {count};
  h5::Handle file_space = h5::space(H5Dget_space(dataset), what + " space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, size, nullptr), "select " + what);
  h5::Handle memory = h5::space(H5Screate_simple(1, size, nullptr), what + " memory space");
  h5::check_status(H5Dwrite(dataset, type, memory, file_space, H5P_DEFAULT, data), "write " + what);
}

// Table rows waiting for the next flush, kept in one buffer (no allocation per run), written
// there as runs of consecutive rows (one HDF5 write each instead of one per run). A run added
// twice keeps its last row.
class PendingRows {
 public:
  explicit PendingRows(std::size_t row_bytes = 0) : row_bytes_(row_bytes) {}
  /// Space for the row of `run`, zeroed, to fill before the next add or write.
  unsigned char* add(std::uint64_t run) {
    bytes_.resize(bytes_.size() + row_bytes_, 0);
    runs_.push_back(run);
    return bytes_.data() + bytes_.size() - row_bytes_;
  }
  void write(hid_t dataset, hid_t type, const std::string& what) {
    order_.resize(runs_.size());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return runs_[a] < runs_[b]; });
    for (std::size_t k = 0; k < order_.size();) {
      const std::uint64_t first = runs_[order_[k]];
      std::uint64_t next = first;
      block_.clear();
      for (; k < order_.size() && runs_[order_[k]] <= next; ++k) {
        const unsigned char* row = bytes_.data() + order_[k] * row_bytes_;
        if (runs_[order_[k]] < next) {  // the same run again: its later row wins
          std::copy_n(row, row_bytes_, block_.end() - static_cast<std::ptrdiff_t>(row_bytes_));
          continue;
        }
        block_.insert(block_.end(), row, row + row_bytes_);
        ++next;
      }
      write_rows(dataset, type, first, next - first, block_.data(), what);
    }
    runs_.clear();
    bytes_.clear();
  }

 private:
  std::size_t row_bytes_;
  std::vector<std::uint64_t> runs_;
  std::vector<unsigned char> bytes_;
  std::vector<std::size_t> order_;
  std::vector<unsigned char> block_;
};

}  // namespace

std::size_t metrics_rows_per_chunk(std::size_t tick_rows) {
  // At most 64 rows x 43 metrics x 8 bytes = 22 KB: large enough for fast reads of whole runs,
  // small enough that a run stopping after a few dozen ticks (March's equilibrium) compresses
  // little beyond its own rows; chunks past a run's last row stay unwritten. The rows are split
  // evenly over the chunks, so that a run that records all its rows compresses almost no padding
  // (261 rows: 5 chunks of 53, not of 64 with 59 rows of NaN).
  const std::size_t chunks = std::max<std::size_t>(1, (tick_rows + 63) / 64);
  return std::max<std::size_t>(1, (tick_rows + chunks - 1) / chunks);
}

namespace {
/// The /metrics chunks holding a run's `rows` recorded rows: those past its last recorded row
/// stay unwritten and read back as the NaN fill value.
std::size_t metrics_chunks(std::size_t rows, std::size_t tick_rows) {
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  return (std::min(rows, tick_rows) + per_chunk - 1) / per_chunk;
}
}  // namespace

std::vector<std::vector<unsigned char>> compress_metrics(const MetricTable& rows, std::size_t tick_rows) {
  const std::size_t width = rows.width();
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  const std::size_t chunks = metrics_chunks(rows.rows(), tick_rows);
  const std::size_t values = per_chunk * width;
  std::vector<std::vector<unsigned char>> out;
  out.reserve(chunks);
  // Scratch buffers reused by each worker thread (no fresh pages per run); each chunk then gets a
  // buffer of its exact size, so a run waiting for the writer holds only its compressed bytes.
  thread_local std::vector<double> chunk;
  thread_local std::vector<unsigned char> stream;
  chunk.resize(values);
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t first = c * per_chunk;
    if (first + per_chunk <= rows.rows()) {  // every row recorded: straight from the table
      deflate_rows(rows.values().subspan(first * width, values), width, stream);
    } else {  // the run's last rows, then NaN (the dataset's fill value)
      const auto recorded = rows.values().subspan(first * width);
      std::copy(recorded.begin(), recorded.end(), chunk.begin());
      std::fill(chunk.begin() + static_cast<std::ptrdiff_t>(recorded.size()), chunk.end(),
                std::numeric_limits<double>::quiet_NaN());
      deflate_rows(chunk, width, stream);
    }
    out.emplace_back(stream.begin(), stream.end());
  }
  return out;
}

void compress_record(RunRecord& record, std::size_t tick_rows) {
  record.chunks = compress_metrics(record.outcome.metrics, tick_rows);
  record.compressed_rows = record.outcome.metrics.rows();
  record.outcome.metrics = MetricTable(record.outcome.metrics.width());
}

namespace {
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
  Row runs_row;
  Row info_row;
  std::size_t metric_count = 0;
  std::size_t tick_rows = 0;
  const ExperimentSpec* spec = nullptr;
  bool unflushed = false;
  bool failed = false;  ///< a write failed: the file is frozen (see freeze_file)
  PendingRows pending_runs;  ///< /runs rows until the next flush
  PendingRows pending_info;  ///< /run_info rows likewise
  std::vector<unsigned char> row_scratch;  ///< the /runs row being built
  // per-agent snapshots (when [output.snapshots] asks for them)
  std::vector<h5::Handle> snapshot_sets;  ///< one per field, in field order
  std::size_t snapshot_slots = 0;
  std::size_t snapshot_width = 0;         ///< dimensions stored per belief row
};

namespace {

/// /metric_info: one row per /metrics column, in column order, with the metric's metadata
/// (docs/results-format.md). Text is variable-length UTF-8; headline is 0 or 1.
void write_metric_info(hid_t file, std::span<const MetricInfo> metrics) {
  struct InfoRow {
    const char* text[kMetricInfoTextFields.size()];
    std::uint8_t headline;
  };
  std::vector<std::string> better;  // better_name() as owned, terminated text
  for (const MetricInfo& m : metrics) better.emplace_back(better_name(m.better));
  std::vector<InfoRow> rows;
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    const MetricInfo& m = metrics[k];
    rows.push_back({{m.name.c_str(), m.category.c_str(), m.unit.c_str(), m.label.c_str(), m.help.c_str(),
                     better[k].c_str()},
                    static_cast<std::uint8_t>(m.headline ? 1 : 0)});
  }
  h5::Handle text = h5::string_type();
  h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(InfoRow)), "metric_info type");
  for (std::size_t f = 0; f < kMetricInfoTextFields.size(); ++f) {
    h5::check_status(H5Tinsert(memory, kMetricInfoTextFields[f], offsetof(InfoRow, text) + f * sizeof(const char*), text),
                     std::string("metric_info field ") + kMetricInfoTextFields[f]);
  }
  h5::check_status(H5Tinsert(memory, kMetricInfoHeadline, offsetof(InfoRow, headline), H5T_NATIVE_UINT8),
                   "metric_info field headline");
  h5::Handle stored = h5::type(H5Tcopy(memory), "metric_info file type");
  h5::check_status(H5Tpack(stored), "pack metric_info type");
  const hsize_t dims[1] = {rows.size()};
  h5::Handle space = h5::space(H5Screate_simple(1, dims, nullptr), "metric_info space");
  h5::Handle set = h5::dataset(
      H5Dcreate2(file, kMetricInfoDataset, stored, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /metric_info");
  h5::check_status(H5Dwrite(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), "write /metric_info");
}

std::size_t largest_dimensions(const ExperimentSpec& spec) {
  std::size_t m = 0;
  for (std::size_t point = 0; point < std::min<std::size_t>(spec.design_point_count(), 1000); ++point) {
    m = std::max(m, static_cast<std::size_t>(spec.params_at(point).learning.dimensions));
  }
  return m;
}

/// Writes `count` snapshots of a run into a [run, snapshot, agent(, dimension)] dataset.
void write_snapshot_block(hid_t dataset, hid_t memory_type, std::uint64_t run, std::size_t count, std::size_t agents,
                          std::size_t width, const void* data) {
  const int rank = width ? 4 : 3;
  const hsize_t start[4] = {run, 0, 0, 0};
  const hsize_t block[4] = {1, count, agents, width};
  h5::Handle file_space = h5::space(H5Dget_space(dataset), "snapshot space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr), "select snapshots");
  h5::Handle memory = h5::space(H5Screate_simple(rank, block, nullptr), "snapshot memory space");
  h5::check_status(H5Dwrite(dataset, memory_type, memory, file_space, H5P_DEFAULT, data),
                   "write snapshots of run " + std::to_string(run));
}

}  // namespace



ResultsWriter::ResultsWriter(const std::string& path, const ExperimentSpec& spec, std::size_t threads,
                             std::optional<Shard> shard, std::span<const MetricInfo> metrics)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& s = *impl_;
  s.path = path;
  s.spec = &spec;
  s.metric_count = metrics.size();
  const auto every = static_cast<Tick>(spec.record_every);
  s.tick_rows = agents::recorded_rows(static_cast<Tick>(spec.ticks), every);
  const auto runs = static_cast<hsize_t>(spec.run_count());

  h5::Handle fapl = latest_format();
  s.file = h5::file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "cannot create " + path);

  // /metrics [run, row, metric], one run's rows per chunk (split in rows beyond ~1 MiB).
  {
    const hsize_t dims[3] = {runs, s.tick_rows, s.metric_count};
    const hsize_t chunk[3] = {1, metrics_rows_per_chunk(s.tick_rows), s.metric_count};
    h5::Handle space = h5::space(H5Screate_simple(3, dims, nullptr), "metrics space");
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "metrics properties");
    h5::check_status(H5Pset_chunk(dcpl, 3, chunk), "metrics chunking");
    // Deflate alone (no shuffle: deflate_rows finds whole repeated values); the workers compress
    // the chunks themselves.
    h5::check_status(H5Pset_deflate(dcpl, kMetricsDeflateLevel), "metrics compression");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "metrics fill value");
    s.metrics = h5::dataset(H5Dcreate2(s.file, "metrics", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                            "create /metrics");
    std::vector<std::string> names, categories, units, help;
    for (const MetricInfo& m : metrics) {
      names.push_back(m.name);
      categories.push_back(m.category);
      units.push_back(m.unit);
      help.push_back(m.help);
    }
    h5::write_strings_attribute(s.metrics, "names", names);
    h5::write_strings_attribute(s.metrics, "categories", categories);
    h5::write_strings_attribute(s.metrics, "units", units);
    h5::write_strings_attribute(s.metrics, "help", help);
    h5::write_strings_attribute(s.metrics, "dimensions", {"run", "row", "metric"});
    std::vector<long long> ticks;
    for (Tick t = 0; t <= static_cast<Tick>(spec.ticks); t += every) ticks.push_back(static_cast<long long>(t));
    if (ticks.back() != spec.ticks) ticks.push_back(spec.ticks);
    const hsize_t tick_dims[1] = {ticks.size()};
    h5::Handle tick_space = h5::space(H5Screate_simple(1, tick_dims, nullptr), "tick space");
    h5::Handle attr = h5::attribute(
        H5Acreate2(s.metrics, "tick_of_row", H5T_STD_I64LE, tick_space, H5P_DEFAULT, H5P_DEFAULT), "tick_of_row");
    h5::check_status(H5Awrite(attr, H5T_NATIVE_LLONG, ticks.data()), "write tick_of_row");
  }
  write_metric_info(s.file, metrics);

  // /runs: deterministic content only.
  s.text_type = h5::type(H5Tcopy(H5T_C_S1), "text type");
  h5::check_status(H5Tset_size(s.text_type, kTextColumnBytes), "text size");
  h5::check_status(H5Tset_strpad(s.text_type, H5T_STR_NULLTERM), "text padding");
  s.runs_row.add("run_id", H5T_NATIVE_UINT64, 8);
  s.runs_row.add("design_point", H5T_NATIVE_UINT64, 8);
  s.runs_row.add("replication", H5T_NATIVE_UINT64, 8);
  s.runs_row.add("seed", H5T_NATIVE_UINT64, 8);
  if (spec.design.has_blocks()) {
    s.runs_row.add("sample", H5T_NATIVE_UINT64, 8);
    s.runs_row.add("block", H5T_NATIVE_UINT64, 8);
  }
  for (const ParamSpec* param : spec.design.parameters) {
    const std::string name(param->name);
    switch (param->type) {
      case agents::ParamType::integer: s.runs_row.add(name, H5T_NATIVE_INT64, 8); break;
      case agents::ParamType::real: s.runs_row.add(name, H5T_NATIVE_DOUBLE, 8); break;
      case agents::ParamType::boolean: s.runs_row.add(name, H5T_NATIVE_UINT8, 1); break;
      case agents::ParamType::choice: s.runs_row.add(name, s.text_type, kTextColumnBytes); break;
    }
  }
  s.runs_row.add("ticks_run", H5T_NATIVE_UINT64, 8);
  s.runs_row.add("rows", H5T_NATIVE_UINT64, 8);
  const auto& snap = spec.snapshots;
  if (snap.every > 0) s.runs_row.add("snapshots", H5T_NATIVE_UINT64, 8);
  s.runs_row.add("status", H5T_NATIVE_UINT8, 1);
  s.runs_type = s.runs_row.type();
  s.pending_runs = PendingRows(s.runs_row.bytes);
  s.runs = create_table(s.file, "runs", s.runs_type, runs);
  h5::write_string_attribute(s.runs, "status_values", "0 = not run (yet), 1 = complete");
  if (snap.every > 0) {
    // /snapshots/<field>: [run, snapshot, agent] (beliefs: [..., dimension]), one snapshot per
    // chunk so that a reader takes one snapshot without loading the rest.
    h5::Handle group = h5::Handle(h5::check(H5Gcreate2(s.file, "snapshots", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                            "create /snapshots"),
                                  H5Gclose);
    s.snapshot_slots = agents::recorded_rows(static_cast<Tick>(spec.ticks), snap.every);
    s.snapshot_width = largest_dimensions(spec);
    std::vector<std::string> field_names;
    for (agents::SnapshotField field : snap.fields) {
      const bool beliefs = field == agents::SnapshotField::beliefs;
      field_names.emplace_back(agents::snapshot_field_name(field));
      const hsize_t dims[4] = {runs, s.snapshot_slots, snap.agents, s.snapshot_width};
      const hsize_t chunk[4] = {1, 1, snap.agents, s.snapshot_width};
      h5::Handle space = h5::space(H5Screate_simple(beliefs ? 4 : 3, dims, nullptr), "snapshot space");
      h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "snapshot properties");
      h5::check_status(H5Pset_chunk(dcpl, beliefs ? 4 : 3, chunk), "snapshot chunking");
      h5::check_status(H5Pset_shuffle(dcpl), "snapshot shuffle");
      h5::check_status(H5Pset_deflate(dcpl, kDeflateLevel), "snapshot compression");
      if (!beliefs) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "snapshot fill value");
      }
      s.snapshot_sets.push_back(h5::dataset(
          H5Dcreate2(group, field_names.back().c_str(), beliefs ? H5T_STD_I8LE : H5T_IEEE_F64LE, space, H5P_DEFAULT,
                     dcpl, H5P_DEFAULT),
          "create /snapshots/" + field_names.back()));
    }
    h5::write_strings_attribute(group, "fields", field_names);
    h5::write_u64_attribute(group, "every", snap.every);
    h5::write_u64_attribute(group, "agents", snap.agents);
  }
  s.info_row.add("wall_seconds", H5T_NATIVE_DOUBLE, 8);
  s.info_type = s.info_row.type();
  s.pending_info = PendingRows(s.info_row.bytes);
  s.run_info = create_table(s.file, "run_info", s.info_type, runs);

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
  h5::write_string_attribute(s.file, "design", std::string(design_kind_name(spec.design.kind)));
  h5::write_string_attribute(s.file, "shard", shard ? shard->str() : "");
  h5::write_string_attribute(s.file, "created", now_iso8601());
  h5::write_string_attribute(s.file, "host", host_name());
  h5::write_u64_attribute(s.file, "threads", threads);
  h5::write_u64_attribute(s.file, "ticks", static_cast<unsigned long long>(spec.ticks));
  h5::write_u64_attribute(s.file, "every", static_cast<unsigned long long>(spec.record_every));
  h5::write_u64_attribute(s.file, "replications", static_cast<unsigned long long>(spec.replications));
  h5::write_u64_attribute(s.file, "seed", spec.seed);
  h5::write_u64_attribute(s.file, "design_points", spec.design_point_count());
  h5::check_status(H5Fstart_swmr_write(s.file), "start SWMR writing");
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::write(const RunRecord& record) {
  guard([&] {
    Impl& s = *impl_;
    const MetricTable& table = record.outcome.metrics;
    const std::uint64_t rows = record.metric_rows();
    const std::size_t per_chunk = metrics_rows_per_chunk(s.tick_rows);
    if (rows == 0 || rows > s.tick_rows || (!record.chunks.empty() && record.chunks.size() != metrics_chunks(rows, s.tick_rows))) {
      // Checked before anything of the run is written: the file stays readable.
      throw ResultsError("run " + std::to_string(record.run) + " arrived with " + std::to_string(rows) + " rows in " +
                         std::to_string(record.chunks.size()) + " chunks, which does not fit /metrics (" +
                         std::to_string(s.tick_rows) + " rows a run)");
    }
    {
      // Pre-filtered chunks go straight to the file (no filter pipeline on the writer thread).
      std::vector<std::vector<unsigned char>> compressed;
      if (record.chunks.empty()) compressed = compress_metrics(table, s.tick_rows);
      const auto& chunks = record.chunks.empty() ? compressed : record.chunks;
      for (std::size_t c = 0; c < chunks.size(); ++c) {
        const hsize_t offset[3] = {record.run, c * per_chunk, 0};
        h5::check_status(H5Dwrite_chunk(s.metrics, H5P_DEFAULT, 0, offset, chunks[c].size(), chunks[c].data()),
                         "write metrics of run " + std::to_string(record.run));
      }
    }
    // The /runs row is built aside and queued for the flush only once the run's data is written.
    s.row_scratch.assign(s.runs_row.bytes, 0);
    unsigned char* row = s.row_scratch.data();
    std::size_t field = 0;
    auto put = [&](const void* value) {
      const Field& f = s.runs_row.fields[field++];
      std::memcpy(row + f.offset, value, f.size);
    };
    const std::uint64_t seed = s.spec->seed;
    put(&record.run);
    put(&record.design_point);
    put(&record.replication);
    put(&seed);
    if (s.spec->design.has_blocks()) {
      const std::uint64_t sample = s.spec->design.sample_of(record.design_point);
      const std::uint64_t block = s.spec->design.block_of(record.design_point);
      put(&sample);
      put(&block);
    }
    for (const ParamValue& value : s.spec->design.values(record.design_point)) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
              const Field& f = s.runs_row.fields[field++];
              std::strncpy(reinterpret_cast<char*>(row + f.offset), v.c_str(), kTextColumnBytes - 1);
            } else if constexpr (std::is_same_v<T, bool>) {
              const std::uint8_t b = v ? 1 : 0;
              put(&b);
            } else {
              put(&v);
            }
          },
          value);
    }
    const std::uint64_t ticks_run = record.outcome.ticks_run;
    const std::uint8_t status = 1;
    put(&ticks_run);
    put(&rows);
    if (!s.snapshot_sets.empty()) {
      const agents::Snapshots& snaps = record.outcome.snapshots;
      const std::uint64_t count = snaps.count;
      put(&count);
      const std::size_t agents = s.spec->snapshots.agents;
      std::size_t column = 0;
      for (std::size_t f = 0; f < s.spec->snapshots.fields.size(); ++f) {
        if (snaps.count == 0) break;
        if (s.spec->snapshots.fields[f] == agents::SnapshotField::beliefs) {
          const std::size_t width = snaps.beliefs.size() / (snaps.count * agents);
          write_snapshot_block(s.snapshot_sets[f], H5T_NATIVE_INT8, record.run, snaps.count, agents, width,
                               snaps.beliefs.data());
        } else {
          write_snapshot_block(s.snapshot_sets[f], H5T_NATIVE_DOUBLE, record.run, snaps.count, agents, 0,
                               snaps.values[column++].data());
        }
      }
    }
    put(&status);
    std::memcpy(s.pending_runs.add(record.run), row, s.runs_row.bytes);  // written at the next flush
    std::memcpy(s.pending_info.add(record.run), &record.wall_seconds, sizeof(double));  // one double, as the compound holds it
    s.unflushed = true;
  });
}

void ResultsWriter::flush() {
  guard([&] {
    Impl& s = *impl_;
    if (!s.unflushed) return;
    // Data first, the status rows last: a run whose status did not reach the disk is redone on
    // resume, never kept half-written.
    h5::check_status(H5Dflush(s.metrics), "flush /metrics");
    for (const h5::Handle& set : s.snapshot_sets) h5::check_status(H5Dflush(set), "flush /snapshots");
    s.pending_info.write(s.run_info, s.info_type, "/run_info rows");
    h5::check_status(H5Dflush(s.run_info), "flush /run_info");
    s.pending_runs.write(s.runs, s.runs_type, "/runs rows");
    h5::check_status(H5Dflush(s.runs), "flush /runs");
    s.unflushed = false;
  });
}

void ResultsWriter::rename(const std::string& path) { impl_->path = path; }

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
    // Attributes cannot be added in SWMR mode: reopen the closed file to stamp it finished.
    h5::Handle fapl = latest_format();
    h5::Handle file = h5::file(H5Fopen(impl_->path.c_str(), H5F_ACC_RDWR, fapl), "reopen " + impl_->path);
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
  if (s.failed) throw OutputError(s.path, false, 0, "the results file " + s.path + " failed earlier");
  try {
    body();
  } catch (const h5::Hdf5Error& e) {
    s.failed = true;
    freeze_file(s.file, s.path);
    throw OutputError(s.path, e.os_error() == ENOSPC || e.os_error() == EDQUOT, 0, e.what());
  }
}

// ---------------------------------------------------------------------------------------------

std::string RunColumn::format(std::size_t row) const {
  if (is_text) return texts[row];
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, numbers[row]);
  return std::string(buffer, result.ptr);
}

namespace {

/// Opens a results file read-only; a file whose writer is still running or was killed opens in
/// SWMR-read mode.
h5::Handle open_for_reading(const std::string& path) {
  h5::silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw ResultsError(path + ": not an HDF5 file (or cannot be read)");
  h5::Handle fapl = latest_format();
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  if (id < 0) {
    // A SWMR reader retries a metadata read whose checksum fails, 100 times by default, doubling
    // a sleep each time: one corrupt byte in the superblock then kept `orgsim info` busy for
    // minutes (found by fuzz_results_structure). 20 attempts still ride out a torn read of a
    // file being written (the sleeps add up to about a millisecond).
    h5::check_status(H5Pset_metadata_read_attempts(fapl, kSwmrReadAttempts), "metadata read attempts");
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  }
  return h5::file(id, path + ": cannot open");
}

}  // namespace

bool is_results_file(const std::string& path) {
  try {
    h5::Handle file = open_for_reading(path);
    return H5Lexists(file, "metrics", H5P_DEFAULT) > 0 && H5Lexists(file, "runs", H5P_DEFAULT) > 0;
  } catch (const ResultsError&) {
    return false;
  }
}

void screen_results_file(const std::string& path, double limit_seconds) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return;  // no process to spare: the reader runs in this one, as without screening
  if (child == 0) {
    const int quiet = ::open("/dev/null", O_WRONLY);
    if (quiet >= 0) {
      ::dup2(quiet, STDOUT_FILENO);
      ::dup2(quiet, STDERR_FILENO);
    }
    int status = 0;
    try {
      const ResultsReader results(path);
      for (const char* name : {"experiment_name", "orgsim_version", "created", "finished", "design", "shard", "experiment"}) {
        (void)results.attribute(name);
      }
      for (const auto& column : results.run_columns()) {
        for (std::size_t row = 0; row < std::min<std::size_t>(results.run_count(), 4); ++row) (void)column.format(row);
      }
      for (std::size_t run = 0; run < std::min<std::size_t>(results.run_count(), 4); ++run) (void)results.final_row(run);
    } catch (...) {
      status = 2;  // an ordinary error: the reader in the parent reports it
    }
    ::_exit(status);  // no exit handlers: the parent owns the process's state
  }
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > limit_seconds) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw ResultsError(path + ": the HDF5 library had not finished reading this file after " +
                         std::to_string(static_cast<int>(limit_seconds)) +
                         " s (it loops on some corrupt files): the file is damaged or not an orgsim results file");
    }
    ::usleep(2000);
  }
  // The child exits 0 (read) or 2 (an ordinary error, which the reader here reports); anything
  // else is a crash: a signal, or a sanitizer's report (its own exit status).
  const bool crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2);
  if (crashed) {
    const std::string how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                                : "exit status " + std::to_string(WEXITSTATUS(status));
    throw ResultsError(path + ": the HDF5 library crashed reading this file (" + how +
                       ", in a separate process): the file is damaged or not an orgsim results file");
  }
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
  std::size_t memory_limit = 0;  ///< bytes the reader may need at once
};

namespace {

/// "12.3 MB"
std::string megabytes(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB", bytes / 1e6);
  return buffer;
}

/// A whole number stored as a double in /runs (a count or an index), or ResultsError.
std::uint64_t whole_number(const std::string& path, const RunColumn* column, const char* name, std::size_t run,
                           double limit = 9007199254740992.0 /* 2^53 */) {
  if (!column || column->is_text) throw ResultsError(path + ": /runs lacks the " + std::string(name) + " column");
  const double x = column->numbers.at(run);
  if (!(x >= 0 && x <= limit) || x != std::floor(x)) {
    throw ResultsError(path + ": run " + std::to_string(run) + ": /runs " + name + " is " + column->format(run) +
                       ", expected a whole number from 0 to " + RunColumn{"", false, {limit}, {}}.format(0));
  }
  return static_cast<std::uint64_t>(x);
}

/// Column `field` of the compound dataset `set` (`rows` rows) as text, fixed- or variable-length.
/// Variable-length text larger than `memory_limit` in all is refused before it is read.
std::vector<std::string> read_text_field(hid_t set, hid_t set_type, const char* field, std::size_t rows,
                                         std::size_t memory_limit, const std::string& what) {
  const int index = H5Tget_member_index(set_type, field);
  h5::Handle member = h5::type(H5Tget_member_type(set_type, static_cast<unsigned>(index)), what);
  h5::Handle member_copy = h5::type(H5Tcopy(member), what);
  const bool variable = H5Tis_variable_str(member) > 0;
  const std::size_t size = variable ? sizeof(char*) : H5Tget_size(member);
  h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, size), what);
  h5::check_status(H5Tinsert(memory, field, 0, member_copy), what);
  h5::Handle space = h5::space(H5Dget_space(set), what);
  std::vector<std::string> out;
  if (variable) {
    hsize_t bytes = 0;
    h5::check_status(H5Dvlen_get_buf_size(set, memory, space, &bytes), what);
    if (bytes > memory_limit) throw ResultsError(fmt::format("{} needs {} bytes, more than the {} available", what, bytes, memory_limit));
    std::vector<char*> texts(rows, nullptr);
    const herr_t status = H5Dread(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
    for (const char* text : texts) out.emplace_back(text ? text : "");
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, texts.data());
    h5::check_status(status, what);
  } else {
    std::vector<char> buffer(size * rows + 1, '\0');
    h5::check_status(H5Dread(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), what);
    for (std::size_t r = 0; r < rows; ++r) out.emplace_back(buffer.data() + r * size, strnlen(buffer.data() + r * size, size));
  }
  return out;
}

/// An old file's metric metadata (it has no /metric_info): the running model's, by name; a
/// metric the model does not know gets its name as label and nothing else.
std::vector<MetricInfo> metric_info_from_model(const std::vector<std::string>& names) {
  std::vector<MetricInfo> out;
  for (const std::string& name : names) {
    if (const auto index = agents::find_metric(name)) {
      out.push_back(agents::metric_table()[*index]);
    } else {
      MetricInfo unknown;
      unknown.name = name;
      unknown.label = name;
      out.push_back(std::move(unknown));
    }
  }
  return out;
}

/// True when /metric_info is a 1-D table of `rows` rows with the text and headline columns.
bool has_metric_info_shape(hid_t set, hid_t set_type, std::size_t rows) {
  h5::Handle space = h5::space(H5Dget_space(set), "metric_info space");
  if (H5Tget_class(set_type) != H5T_COMPOUND || H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_npoints(space) != static_cast<hssize_t>(rows)) {
    return false;
  }
  for (const char* field : kMetricInfoTextFields) {
    const int index = H5Tget_member_index(set_type, field);
    if (index < 0 || H5Tget_member_class(set_type, static_cast<unsigned>(index)) != H5T_STRING) return false;
  }
  const int headline = H5Tget_member_index(set_type, kMetricInfoHeadline);
  return headline >= 0 && H5Tget_member_class(set_type, static_cast<unsigned>(headline)) == H5T_INTEGER;
}

/// Each metric's metadata from /metric_info, checked against the /metrics column names.
/// @throws ResultsError for a malformed table, naming what is wrong
std::vector<MetricInfo> read_metric_info(hid_t file, const std::string& path, const std::vector<std::string>& names,
                                         std::size_t memory_limit) {
  if (H5Lexists(file, kMetricInfoDataset, H5P_DEFAULT) <= 0) return metric_info_from_model(names);
  const std::string where = path + ": /metric_info";
  const hid_t id = H5Dopen2(file, kMetricInfoDataset, H5P_DEFAULT);
  if (id < 0) throw ResultsError(where + " is not a dataset");
  h5::Handle set(id, H5Dclose);
  h5::Handle set_type = h5::type(H5Dget_type(set), where + " type");
  if (!has_metric_info_shape(set, set_type, names.size())) {
    throw ResultsError(fmt::format("{} must be a table of {} rows (one per /metrics column) with the text columns "
                                   "name, category, unit, label, help, better and the integer column headline",
                                   where, names.size()));
  }
  std::vector<std::vector<std::string>> text;
  for (const char* field : kMetricInfoTextFields) {
    text.push_back(read_text_field(set, set_type, field, names.size(), memory_limit, where + " column " + field));
  }
  std::vector<std::int64_t> headline(names.size());
  h5::Handle headline_type = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), "headline type");
  h5::check_status(H5Tinsert(headline_type, kMetricInfoHeadline, 0, H5T_NATIVE_INT64), "headline column");
  h5::check_status(H5Dread(set, headline_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, headline.data()), where + " column headline");
  std::vector<MetricInfo> out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (text[0][k] != names[k]) {
      throw ResultsError(fmt::format("{} row {} is metric '{}', but /metrics column {} is '{}'", where, k, text[0][k], k, names[k]));
    }
    const auto better = parse_better(text[5][k]);
    if (!better) {
      throw ResultsError(fmt::format("{}: metric '{}' has better = '{}'; expected higher, lower or none", where, names[k], text[5][k]));
    }
    if (headline[k] != 0 && headline[k] != 1) {
      throw ResultsError(fmt::format("{}: metric '{}' has headline = {}; expected 0 or 1", where, names[k], headline[k]));
    }
    out.push_back({names[k], text[1][k], text[2][k], text[3][k], text[4][k], *better, headline[k] == 1});
  }
  return out;
}

}  // namespace

ResultsReader::ResultsReader(const std::string& path) : ResultsReader(path, memory_budget()) {}

ResultsReader::ResultsReader(const std::string& path, std::size_t memory_limit) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = path;
  s.memory_limit = memory_limit;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw ResultsError(path + ": no such file");
  if (std::filesystem::is_directory(path, error)) throw ResultsError(path + ": is a directory, not a results file");
  s.file = open_for_reading(path);
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
      throw ResultsError(path + ": /metrics must have 3 dimensions [run, row, metric]");
    }
    h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), path + ": dimensions");
    s.runs = dims[0];
    s.tick_rows = dims[1];
    s.metric_count = dims[2];
    h5::Handle metrics_type = h5::type(H5Dget_type(s.metrics), "metrics type");
    const H5T_class_t metrics_class = H5Tget_class(metrics_type);
    if (metrics_class != H5T_FLOAT && metrics_class != H5T_INTEGER) {
      throw ResultsError(path + ": /metrics must hold numbers (float64)");
    }
    // A run's rows are read whole: refuse extents (corrupt or hostile) that cannot fit.
    const double run_bytes = 8.0 * static_cast<double>(s.tick_rows) * (static_cast<double>(s.metric_count) + 1);
    if (run_bytes > static_cast<double>(memory_limit)) {
      throw ResultsError(path + ": /metrics declares " + std::to_string(s.tick_rows) + " rows x " +
                         std::to_string(s.metric_count) + " metrics per run; reading one run needs " +
                         megabytes(run_bytes) + ", more than the " + megabytes(static_cast<double>(memory_limit)) +
                         " available");
    }
    if (!h5::read_strings_attribute(s.metrics, "names", s.metric_names) || s.metric_names.size() != s.metric_count) {
      throw ResultsError(path + ": /metrics has no valid `names` attribute");
    }
    if (H5Aexists(s.metrics, "tick_of_row") > 0) {
      h5::Handle attr = h5::attribute(H5Aopen(s.metrics, "tick_of_row", H5P_DEFAULT), "tick_of_row");
      h5::Handle attr_space = h5::space(H5Aget_space(attr), "tick_of_row space");
      const hssize_t n = H5Sget_simple_extent_npoints(attr_space);
      h5::Handle attr_type = h5::type(H5Aget_type(attr), "tick_of_row type");
      if (n != static_cast<hssize_t>(s.tick_rows) || H5Tget_class(attr_type) != H5T_INTEGER) {
        throw ResultsError(path + ": /metrics attribute tick_of_row must list one tick (an integer) per row, " +
                           std::to_string(s.tick_rows) + " in all");
      }
      s.tick_of_row.resize(static_cast<std::size_t>(n));
      h5::check_status(H5Aread(attr, H5T_NATIVE_INT64, s.tick_of_row.data()), path + ": read tick_of_row");
    }
    if (s.tick_of_row.empty()) {
      for (std::size_t r = 0; r < s.tick_rows; ++r) s.tick_of_row.push_back(static_cast<std::int64_t>(r));
    }
  }
  h5::Handle runs = h5::dataset(H5Dopen2(s.file, "runs", H5P_DEFAULT), path + ": open /runs");
  h5::Handle runs_type = h5::type(H5Dget_type(runs), "runs type");
  if (H5Tget_class(runs_type) != H5T_COMPOUND) throw ResultsError(path + ": /runs is not a table");
  {
    h5::Handle space = h5::space(H5Dget_space(runs), "runs space");
    hsize_t dims[1] = {0};
    if (H5Sget_simple_extent_ndims(space) != 1) throw ResultsError(path + ": /runs must be 1-D");
    h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), path + ": dimensions");
    if (dims[0] != s.runs) {
      throw ResultsError(path + ": /runs has " + std::to_string(dims[0]) + " rows but /metrics " +
                         std::to_string(s.runs) + " runs");
    }
    // The /runs table is held in memory (every column as double or text, plus per-run state).
    const double table_bytes =
        static_cast<double>(s.runs) * (static_cast<double>(H5Tget_size(runs_type)) * 2 + 8.0 * (H5Tget_nmembers(runs_type) + 4));
    if (table_bytes > static_cast<double>(memory_limit)) {
      throw ResultsError(path + ": /runs declares " + std::to_string(s.runs) + " runs; reading it needs " +
                         megabytes(table_bytes) + ", more than the " + megabytes(static_cast<double>(memory_limit)) +
                         " available");
    }
  }
  const int members = H5Tget_nmembers(runs_type);
  for (int k = 0; k < members; ++k) {
    char* raw_name = H5Tget_member_name(runs_type, static_cast<unsigned>(k));
    if (!raw_name) throw ResultsError(path + ": /runs column " + std::to_string(k) + " has no readable name");
    RunColumn column;
    column.name = raw_name;
    H5free_memory(raw_name);
    const H5T_class_t cls = H5Tget_member_class(runs_type, static_cast<unsigned>(k));
    if (cls == H5T_STRING) {
      column.is_text = true;
      h5::Handle member = h5::type(H5Tget_member_type(runs_type, static_cast<unsigned>(k)), "member");
      if (H5Tis_variable_str(member) > 0) continue;  // orgsim writes fixed-length text only
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
  const RunColumn* rows = run_column("rows");
  const RunColumn* status = run_column("status");
  if (!rows || rows->is_text || !status || status->is_text || !run_column("ticks_run")) {
    throw ResultsError(path + ": /runs lacks the ticks_run, rows and status columns");
  }
  for (std::size_t r = 0; r < s.runs; ++r) {
    const double n = rows->numbers[r];
    const bool complete = status->numbers[r] == 1;
    if (complete && !(n >= 1 && n <= static_cast<double>(s.tick_rows) && n == std::floor(n))) {
      throw ResultsError(path + ": run " + std::to_string(r) + " has a row count out of range");
    }
    // An incomplete run's row count is not used for its data; keep it a valid row index.
    s.rows.push_back(complete ? static_cast<std::uint64_t>(n) : 1);
  }
  s.wall_seconds.assign(s.runs, std::numeric_limits<double>::quiet_NaN());
  if (H5Lexists(s.file, "run_info", H5P_DEFAULT) > 0) {
    h5::Handle info = h5::dataset(H5Dopen2(s.file, "run_info", H5P_DEFAULT), path + ": open /run_info");
    // H5S_ALL reads the whole dataset: it must be the one-column-per-run table the writer makes.
    h5::Handle info_space = h5::space(H5Dget_space(info), "run_info space");
    h5::Handle info_type = h5::type(H5Dget_type(info), "run_info type");
    hsize_t info_rows[1] = {0};
    if (H5Sget_simple_extent_ndims(info_space) != 1 || H5Tget_class(info_type) != H5T_COMPOUND ||
        H5Tget_member_index(info_type, "wall_seconds") < 0) {
      throw ResultsError(path + ": /run_info must be a 1-D table with a wall_seconds column");
    }
    H5Sget_simple_extent_dims(info_space, info_rows, nullptr);
    if (info_rows[0] != s.runs) {
      throw ResultsError(path + ": /run_info has " + std::to_string(info_rows[0]) + " rows but /metrics " +
                         std::to_string(s.runs) + " runs");
    }
    h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(double)), "wall type");
    h5::check_status(H5Tinsert(memory, "wall_seconds", 0, H5T_NATIVE_DOUBLE), "wall column");
    h5::check_status(H5Dread(info, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.wall_seconds.data()),
                     path + ": read /run_info");
  }
  s.metric_info = read_metric_info(s.file, path, s.metric_names, memory_limit);
}

ResultsReader::~ResultsReader() = default;

std::size_t ResultsReader::run_count() const { return impl_->runs; }
std::size_t ResultsReader::tick_rows() const { return impl_->tick_rows; }
const std::vector<std::int64_t>& ResultsReader::tick_of_row() const { return impl_->tick_of_row; }
const std::vector<std::string>& ResultsReader::metric_names() const { return impl_->metric_names; }
const std::vector<MetricInfo>& ResultsReader::metric_info() const { return impl_->metric_info; }
const std::vector<RunColumn>& ResultsReader::run_columns() const { return impl_->columns; }

const RunColumn* ResultsReader::run_column(const std::string& name) const {
  for (const RunColumn& c : impl_->columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> ResultsReader::parameter_columns() const {
  static const std::vector<std::string> fixed = {"run_id", "design_point", "replication", "seed",     "sample",
                                                 "block",  "ticks_run",    "rows",        "snapshots", "status"};
  std::vector<std::string> out;
  for (const RunColumn& c : impl_->columns) {
    if (std::find(fixed.begin(), fixed.end(), c.name) == fixed.end()) out.push_back(c.name);
  }
  return out;
}

std::optional<std::string> ResultsReader::attribute(const std::string& name) const {
  std::vector<std::string> values;
  if (!h5::read_strings_attribute(impl_->file, name, values) || values.size() != 1) return std::nullopt;
  return values[0];
}

bool ResultsReader::finished() const { return H5Aexists(impl_->file, "finished") > 0; }

bool ResultsReader::complete(std::size_t run) const { return run_column("status")->numbers.at(run) == 1; }

std::vector<double> ResultsReader::run_metrics(std::size_t run) const {
  const Impl& s = *impl_;
  std::vector<double> out(s.tick_rows * s.metric_count);
  const hsize_t start[3] = {run, 0, 0};
  const hsize_t count[3] = {1, s.tick_rows, s.metric_count};
  h5::Handle file_space = h5::space(H5Dget_space(s.metrics), "metrics space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "select run");
  h5::Handle memory = h5::space(H5Screate_simple(3, count, nullptr), "memory space");
  h5::check_status(H5Dread(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, out.data()),
                   s.path + ": read /metrics of run " + std::to_string(run));
  return out;
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
  h5::check_status(H5Dread(s.metrics, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, out.data()),
                   s.path + ": read /metrics of run " + std::to_string(run));
  return out;
}

RunRecord ResultsReader::record(std::size_t run) const {
  const Impl& s = *impl_;
  RunRecord r;
  r.run = whole_number(s.path, run_column("run_id"), "run_id", run);
  r.design_point = whole_number(s.path, run_column("design_point"), "design_point", run);
  r.replication = whole_number(s.path, run_column("replication"), "replication", run);
  r.outcome.ticks_run = static_cast<Tick>(whole_number(s.path, run_column("ticks_run"), "ticks_run", run));
  r.wall_seconds = s.wall_seconds.at(run);
  const std::vector<double> all = run_metrics(run);
  r.outcome.metrics = MetricTable(s.metric_count);
  for (std::size_t row = 0; row < s.rows.at(run); ++row) {
    r.outcome.metrics.append(std::span<const double>(all.data() + row * s.metric_count, s.metric_count));
  }
  const RunColumn* count = run_column("snapshots");
  if (count && H5Lexists(s.file, "snapshots", H5P_DEFAULT) > 0) {
    h5::Handle group = h5::Handle(h5::check(H5Gopen2(s.file, "snapshots", H5P_DEFAULT), "open /snapshots"), H5Gclose);
    std::vector<std::string> fields;
    h5::read_strings_attribute(group, "fields", fields);
    r.outcome.snapshots.count = whole_number(s.path, count, "snapshots", run);
    for (const std::string& field : fields) {
      h5::Handle set = h5::dataset(H5Dopen2(group, field.c_str(), H5P_DEFAULT), s.path + ": open /snapshots/" + field);
      h5::Handle space = h5::space(H5Dget_space(set), "snapshot space");
      // [run, snapshot, agent] values, or [run, snapshot, agent, dimension] beliefs.
      const int rank = H5Sget_simple_extent_ndims(space);
      if (rank != 3 && rank != 4) {
        throw ResultsError(s.path + ": /snapshots/" + field + " must have 3 or 4 dimensions, not " + std::to_string(rank));
      }
      hsize_t dims[4] = {0, 0, 0, 1};
      h5::check_status(H5Sget_simple_extent_dims(space, dims, nullptr), "snapshot dimensions");
      if (dims[0] <= run || dims[1] < r.outcome.snapshots.count) {
        throw ResultsError(s.path + ": /snapshots/" + field + " has no room for run " + std::to_string(run) + "'s " +
                           std::to_string(r.outcome.snapshots.count) + " snapshots");
      }
      const hsize_t start[4] = {run, 0, 0, 0};
      const hsize_t block[4] = {1, r.outcome.snapshots.count, dims[2], rank == 4 ? dims[3] : 1};
      const double cells = static_cast<double>(block[1]) * static_cast<double>(block[2]) * static_cast<double>(block[3]);
      if (cells * 8 > static_cast<double>(s.memory_limit)) {
        throw ResultsError(s.path + ": /snapshots/" + field + " of run " + std::to_string(run) + " needs " +
                           megabytes(cells * 8) + ", more than the " + megabytes(static_cast<double>(s.memory_limit)) +
                           " available");
      }
      const std::size_t n = r.outcome.snapshots.count * dims[2] * block[3];
      if (n == 0) continue;
      h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, block, nullptr), "select snapshots");
      h5::Handle memory = h5::space(H5Screate_simple(rank, block, nullptr), "snapshot memory");
      if (rank == 4) {
        r.outcome.snapshots.beliefs.resize(n);
        h5::check_status(H5Dread(set, H5T_NATIVE_INT8, memory, space, H5P_DEFAULT, r.outcome.snapshots.beliefs.data()),
                         "read snapshots");
      } else {
        std::vector<double> values(n);
        h5::check_status(H5Dread(set, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()), "read snapshots");
        r.outcome.snapshots.values.push_back(std::move(values));
      }
    }
  }
  return r;
}

}  // namespace orgsim::experiments
