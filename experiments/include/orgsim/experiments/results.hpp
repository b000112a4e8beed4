// The HDF5 results store: one schema, one writer, one reader (layout in docs/results-format.md).
//   /metrics   float64 [run, row, metric], attributes `names`, `tick_of_row`; rows after a run
//              stopped are NaN
//   /runs      compound table, deterministic content: run_id, design_point, replication, seed,
//              [sample, block], one column per varied parameter, ticks_run, rows, status
//   /metric_info  compound table, one row per metric: name, category, unit, label, help, better,
//              headline
//   /run_info  compound table: wall_seconds per run (timing, not content)
//   /          attributes: provenance (version, git revision, experiment text, host, ...)
// The file is written in SWMR mode and flushed after every run: readers (h5py with swmr=True)
// see finished runs while the sweep runs, and a killed writer leaves a readable file.
#pragma once

#include "orgsim/agents/model.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace orgsim::experiments {

/// One finished run, handed from a worker to the writer.
struct RunRecord {
  std::uint64_t run = 0;
  std::uint64_t design_point = 0;
  std::uint64_t replication = 0;
  agents::RunOutcome outcome;
  double wall_seconds = 0;
  /// The run's /metrics chunks, already filtered (see compress_record); empty = the writer
  /// compresses outcome.metrics.
  std::vector<std::vector<unsigned char>> chunks;
  /// Rows the run recorded, set with `chunks` by compress_record, which frees outcome.metrics.
  std::uint64_t compressed_rows = 0;

  /// Rows the run recorded: outcome.metrics' own, or compressed_rows once they are compressed.
  [[nodiscard]] std::uint64_t metric_rows() const {
    return chunks.empty() ? outcome.metrics.rows() : compressed_rows;
  }
};

/// Rows of /metrics per chunk for runs of `tick_rows` rows (up to 64: a chunk never mixes runs).
std::size_t metrics_rows_per_chunk(std::size_t tick_rows);

/// Applies /metrics' filter (deflate) to a run's rows, one buffer per chunk up to the
/// chunk holding its last recorded row (NaN-padded; later chunks stay unwritten and read back as
/// the NaN fill value). Workers call it in parallel so that the single writer only writes bytes.
std::vector<std::vector<unsigned char>> compress_metrics(const MetricTable& rows,
                                                         std::size_t tick_rows);

/// Compresses the record's /metrics rows into its chunks (compress_metrics) and frees the rows:
/// a finished run waiting for the writer holds only the bytes it writes, and the worker that ran
/// it reuses their memory at once for its next run.
void compress_record(RunRecord& record, std::size_t tick_rows);

/// Part I (0-based) of N of a sweep: runs r with r mod N = I.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  [[nodiscard]] bool contains(std::size_t run) const { return run % count == index; }
  /// How many of runs 0..total-1 the shard holds.
  [[nodiscard]] std::size_t runs_of(std::size_t total) const {
    return (total + count - 1 - index) / count;
  }
  [[nodiscard]] std::string str() const {
    return std::to_string(index) + "/" + std::to_string(count);
  }
};

/// Creates a results file for an experiment and writes runs into it in any order. One thread
/// (the runner's writer thread) owns it.
class ResultsWriter {
 public:
  /// Creates (truncates) `path` with every dataset sized for the experiment, then starts SWMR.
  /// `metrics` are the /metrics columns (and /metric_info rows): the running model's, or, when
  /// merging, the shards'.
  ResultsWriter(const std::string& path, const ExperimentSpec& spec, std::size_t threads,
                std::optional<Shard> shard = std::nullopt,
                std::span<const MetricInfo> metrics = agents::metric_table());
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // A failing HDF5 call in write, flush, close or finish throws OutputError (disk_full() for
  // ENOSPC/EDQUOT) and freezes the file: nothing more is written to it, so it keeps exactly the
  // runs flushed before the failure, and every later call throws.

  /// Writes a run's metric rows, timing and /runs row (status last). The run is durable (survives
  /// a kill) after the next flush().
  void write(const RunRecord& record);
  /// Makes every written run durable and visible to SWMR readers.
  void flush();
  /// Flushes and closes the file, not marking it finished (an interrupted sweep: it opens without
  /// h5clear, and --resume completes it).
  void close();
  /// Closes the file and records `finished` and the number of complete runs.
  void finish(std::size_t runs_complete);
  /// Tells the writer its file was renamed (it reopens the file by name in finish()).
  void rename(const std::string& path);

 private:
  void guard(const std::function<void()>& body);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A column of /runs: numbers (any numeric field, as double) or text.
struct RunColumn {
  std::string name;
  bool is_text = false;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  /// The value in `row` as text (numbers printed shortest round-trip).
  [[nodiscard]] std::string format(std::size_t row) const;
};

/// True when `path` is an HDF5 file with orgsim's /metrics and /runs (never throws).
bool is_results_file(const std::string& path);

/// Opens `path` once in a child process and reads it as the commands do (metadata, provenance,
/// the /runs table, a few runs), so that a corrupt file on which the HDF5 library itself
/// crashes or loops (libhdf5 1.10.8 is not safe on corrupt bytes: docs/reliability.md) gives
/// a ResultsError instead of taking orgsim down. Ordinary problems (not an orgsim file, missing
/// datasets) are left to the reader, which names them. Call it before opening a file orgsim did
/// not just write, while no other thread uses HDF5.
/// @throws ResultsError when the child crashed or had not finished after `limit_seconds`
void screen_results_file(const std::string& path, double limit_seconds = 30);

class ResultsReader;

/// Before a file's runs are taken over (merge, --resume): its /runs table must be what orgsim
/// wrote for `spec`. One row per run of the experiment; every complete row r has run_id r, the
/// design point and replication of run r (r / replications, first_replication + r mod
/// replications), the experiment's seed, and belongs to `shard` (r mod N = I) when one is given;
/// statuses are 0 or 1. A file whose /runs was edited (a shard claiming another shard's run, a
/// replication changed) is refused instead of merging into a file marked finished with a run
/// missing. @throws UsageError naming the file, the row and what is wrong
void check_run_table(const ResultsReader& results, const std::string& path,
                     const ExperimentSpec& spec, const Shard* shard);

/// Reads an orgsim results file (also one whose writer was killed). Reads are per run.
class ResultsReader {
 public:
  /// @throws ResultsError if the file cannot be opened or is not an orgsim results file.
  explicit ResultsReader(const std::string& path);
  /// As above; `memory_limit` caps the bytes the reader may need (for /runs, and for one run's
  /// rows): a file that declares more (a huge or corrupt extent) is refused before allocating.
  ResultsReader(const std::string& path, std::size_t memory_limit);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  [[nodiscard]] std::size_t run_count() const;
  /// Rows per run in /metrics.
  [[nodiscard]] std::size_t tick_rows() const;
  /// The tick each row records for a run that ran to the end (the last recorded row of an
  /// early-stopped run is its ticks_run).
  [[nodiscard]] const std::vector<std::int64_t>& tick_of_row() const;
  [[nodiscard]] const std::vector<std::string>& metric_names() const;
  /// Each metric's metadata, in the order of metric_names(), from /metric_info; for a file
  /// written before it existed, from the running model's metric table by name (a metric this
  /// build does not know: its name as label, no category, unit or direction).
  [[nodiscard]] const std::vector<MetricInfo>& metric_info() const;
  [[nodiscard]] const std::vector<RunColumn>& run_columns() const;
  [[nodiscard]] const RunColumn* run_column(const std::string& name) const;
  /// Names of the varied-parameter columns of /runs.
  [[nodiscard]] std::vector<std::string> parameter_columns() const;
  /// A root attribute (string), if present.
  [[nodiscard]] std::optional<std::string> attribute(const std::string& name) const;
  /// True when the writer closed the file after its last run (not killed, not still running).
  [[nodiscard]] bool finished() const;
  /// True when run `run` was written completely.
  [[nodiscard]] bool complete(std::size_t run) const;

  /// All metric rows of one run ([row][metric], tick_rows() rows).
  [[nodiscard]] std::vector<double> run_metrics(std::size_t run) const;
  /// The metric row at a run's last recorded tick.
  [[nodiscard]] std::vector<double> final_row(std::size_t run) const;
  /// A complete run as the writer received it (for resume and merge; not on a thinned reader).
  [[nodiscard]] RunRecord record(std::size_t run) const;

  /// Shows at most `most` (>= 2) rows per run from here on, for analyses of very long runs (a
  /// report of runs of a million ticks): every k-th recorded row, k = the smallest stride that
  /// fits, and always the last. tick_rows(), tick_of_row(), run_metrics() and the `rows` column
  /// then describe the kept rows, as if the file had been written with output.every = k times
  /// its own; final_row() still reads the file's last row. Returns k (1: nothing thinned).
  std::size_t thin_rows(std::size_t most);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orgsim::experiments
