// The resource gate of a sweep: estimates of a plan's memory, disk space and CPU time, what
// this process may use, and the checks made before a sweep starts (and by `orgsim validate`).
#pragma once

#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace orgsim::experiments {

/// The resource checks made before a sweep starts (and reported by `orgsim validate`).
struct ResourceCheck {
  std::size_t run_memory = 0;        ///< estimated peak bytes of the largest run
  std::size_t available_memory = 0;  ///< what this process may use (see available_memory())
  bool memory_ok = true;             ///< the largest run fits in the available memory
  std::string memory_message;        ///< why not, with both numbers
  std::uintmax_t results_bytes = 0;  ///< estimated size of the results still to be written
  std::uintmax_t free_disk = 0;      ///< free bytes on the output's file system (statvfs)
  bool disk_ok = true;               ///< the results fit in the free space
  std::string disk_message;          ///< why not, with both numbers
};

/// Checks memory (the largest run must fit in available_memory()) and disk space (the estimated
/// results, estimate_results_bytes, must fit in the free space of the file system that holds
/// `output_path`). With `runs_kept` complete runs of `kept_bytes` being resumed, the copy and the
/// rest are what must fit. Touches nothing.
ResourceCheck check_resources(const ExperimentSpec& spec, const std::string& output_path,
                              const std::optional<Shard>& shard = std::nullopt,
                              std::size_t runs_kept = 0, std::uintmax_t kept_bytes = 0);
/// Estimated bytes on disk of `runs` runs' results (/metrics compressed at the measured ratio of
/// the full model, snapshots, /runs rows); runs that stop at equilibrium count as one chunk.
std::uintmax_t estimate_results_bytes(const ExperimentSpec& spec, std::size_t runs);
/// Memory this process may use: the kernel's MemAvailable, capped by the cgroup's limit (a
/// container or a Slurm job's --mem) and by RLIMIT_AS.
std::size_t available_memory();

/// Estimated peak memory of one run in bytes (its agents plus its metric rows).
std::size_t estimate_run_memory(const ExperimentSpec& spec);
/// Estimated CPU seconds of all runs (from the benchmarked employee-ticks per second per core).
double estimate_cpu_seconds(const ExperimentSpec& spec);
/// Memory the process may use for runs in flight: half of available_memory().
std::size_t memory_budget();

/// Checks that every name in `path` fits the file system (255 bytes, with 20 to spare for the
/// temporary names written beside an output) and the whole path fits PATH_MAX.
/// @throws UsageError otherwise.
void check_path_length(const std::string& path);

/// Checks that `path` can be an output file (not a directory, parent exists) without touching it.
/// @throws UsageError otherwise.
void check_output_path(const std::string& path);

}  // namespace orgsim::experiments
