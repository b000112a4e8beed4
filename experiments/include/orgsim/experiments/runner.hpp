// The run farm: executes every run of an experiment in parallel (runs across TBB workers, agents
// inside a run in nested parallel loops) and streams finished runs to one writer thread through
// a bounded queue, so at most (threads + queue capacity) runs are in memory.
#pragma once

#include "orgsim/experiments/experiment.hpp"

#include <cstddef>
#include <functional>
#include <string>

namespace orgsim::experiments {

struct RunnerOptions {
  std::size_t threads = 0;         ///< worker threads in use (recorded as provenance; 0 = all)
  std::size_t queue_capacity = 0;  ///< finished runs waiting for the writer (0 = 2 * threads)
  /// Called by the writer thread after each run is written: (runs written, total runs).
  std::function<void(std::size_t, std::size_t)> on_progress;
};

struct SweepReport {
  std::size_t runs = 0;
  double wall_seconds = 0;    ///< whole sweep
  double writer_seconds = 0;  ///< time the writer thread spent in HDF5 calls
};

/// Checks that `path` can be an output file (not a directory, parent exists) without touching it.
/// @throws UsageError otherwise.
void check_output_path(const std::string& path);

/// Runs the experiment and writes `output_path`. The file is written under a temporary name in
/// the same directory and renamed into place only when every run is written, so a failed sweep
/// never leaves a truncated file at `output_path` (or touches an existing one).
SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path,
                           const RunnerOptions& options = {});

}  // namespace orgsim::experiments
