// The run farm: executes the runs of an experiment in parallel (runs across TBB workers, agents
// inside a run in nested parallel loops) and streams finished runs to one writer thread through
// a bounded queue. Runs in flight are limited so that they fit in memory. Supports resuming an
// interrupted sweep, shards for job arrays, and merging shards.
#pragma once

#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/resources.hpp"
#include "orgsim/experiments/results.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orgsim::experiments {

struct RunnerOptions {
  std::size_t threads = 0;         ///< worker threads in use (recorded as provenance; 0 = all)
  std::size_t queue_capacity = 0;  ///< finished runs waiting for the writer (0 = what fits in a
                                   ///< quarter of the memory budget, 2 x threads to 4096)
  bool resume = false;             ///< finish the interrupted sweep in the output file
  std::optional<Shard> shard;      ///< run only this shard
  /// Refuse (ResourceError) a plan whose results are estimated larger than the free space on the
  /// output's file system. The memory check cannot be turned off.
  bool space_check = true;
  /// Interrupt flag, usually set by a signal handler to the signal's number. Once it is non-zero
  /// no run starts, runs in flight end at their next tick and are dropped (redone by --resume),
  /// every finished run is written and the file is closed unfinished; the report says so. Only
  /// the local farm polls it (the writer thread, every few milliseconds); `farm` ignores it.
  const std::atomic<int>* stop = nullptr;
  /// Called by the writer thread after each run is written: (runs done, runs to do in all).
  std::function<void(std::size_t, std::size_t)> on_progress;
  /// Computes the runs in `todo` elsewhere (the MPI farm) and hands each finished run to
  /// `deliver` (which may block while the writer catches up). `deliver` returns false once the
  /// writer has failed: the farm should then start no more runs (the sweep ends with the
  /// writer's error). Empty: the local TBB farm.
  std::function<void(const std::vector<std::size_t>& todo,
                     const std::function<bool(std::unique_ptr<RunRecord>)>& deliver)>
      farm;
};

struct SweepReport {
  std::size_t runs = 0;            ///< runs this invocation is responsible for (its shard)
  std::size_t runs_reused = 0;     ///< complete runs taken over from the interrupted file
  std::size_t runs_computed = 0;   ///< runs simulated now
  std::size_t runs_in_flight = 0;  ///< the limit on simultaneous runs that was chosen
  double wall_seconds = 0;         ///< whole sweep
  double writer_seconds = 0;       ///< time the writer thread spent in HDF5 calls
  int interrupted_by = 0;  ///< the stop flag's value (a signal number) if interrupted, else 0
  std::size_t runs_complete = 0;  ///< complete runs in the output file at the end
};

/// Simulates run `run` of the experiment and compresses its metrics (`tick_rows`: rows per run in
/// the file, agents::recorded_rows of the tick limit).
RunRecord compute_run(const ExperimentSpec& spec, std::size_t run,
                      const agents::RunOptions& run_options, std::size_t tick_rows);

/// Runs the experiment (or its shard) and writes `output_path`, live: the file is readable with
/// HDF5's SWMR while the sweep runs, and every finished run survives a kill. With `resume`, the
/// complete runs of an interrupted sweep in `output_path` are kept and only the others are run.
/// When `options.stop` is set during the sweep, it returns early with `interrupted_by` set.
/// @throws UsageError when resuming a file of another experiment or shard.
/// @throws ResourceError before anything is written when check_resources refuses the plan.
/// @throws OutputError when writing fails (disk full, I/O error); the file keeps the runs flushed
///         before the failure (runs_complete()), and a resume completes it.
SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path,
                           const RunnerOptions& options = {});

/// Combines the shard files of one experiment into `output_path`, identical in content (/metrics,
/// /runs) to a single-process run. @throws UsageError when a shard is missing, duplicated,
/// incomplete or from another experiment.
void merge_shards(const std::vector<std::string>& inputs, const std::string& output_path);

}  // namespace orgsim::experiments
