// The HDF5 results store: one schema, one writer, one reader (layout in docs/results-format.md).
//   /metrics  float64 [run, tick, metric], attribute `names`; ticks after a run stopped are NaN
//   /runs     compound table: run_id, design_point, replication, seed, one column per swept
//             parameter, ticks_run, wall_seconds, status
//   /         attributes: orgsim_version, git_revision, experiment, experiment_source, created...
#pragma once

#include "orgsim/agents/model.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <cstdint>
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
};

/// Creates a results file for an experiment and writes runs into it in any order. Not
/// thread-safe: one thread (the runner's writer thread) owns it.
class ResultsWriter {
 public:
  /// Creates (truncates) `path` with every dataset sized for the experiment.
  ResultsWriter(const std::string& path, const ExperimentSpec& spec, std::size_t threads);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  /// Writes a run's metric rows and its /runs row.
  void write(const RunRecord& record);
  /// Records the end time and closes the file; the destructor closes without it.
  void finish();

 private:
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

/// Reads an orgsim results file. Opening checks the layout; reads are per run.
class ResultsReader {
 public:
  /// @throws ResultsError if the file cannot be opened or is not an orgsim results file.
  explicit ResultsReader(const std::string& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  [[nodiscard]] std::size_t run_count() const;
  /// Rows per run in /metrics (ticks + 1).
  [[nodiscard]] std::size_t tick_rows() const;
  [[nodiscard]] const std::vector<std::string>& metric_names() const;
  [[nodiscard]] const std::vector<RunColumn>& run_columns() const;
  [[nodiscard]] const RunColumn* run_column(const std::string& name) const;
  /// Names of the swept-parameter columns of /runs.
  [[nodiscard]] std::vector<std::string> parameter_columns() const;
  /// A root attribute (string), if present.
  [[nodiscard]] std::optional<std::string> attribute(const std::string& name) const;

  /// All metric rows of one run ([tick][metric], tick_rows() rows).
  [[nodiscard]] std::vector<double> run_metrics(std::size_t run) const;
  /// The metric row at a run's last recorded tick (ticks_run).
  [[nodiscard]] std::vector<double> final_row(std::size_t run) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orgsim::experiments
