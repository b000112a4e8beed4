// A Slurm batch script for an experiment: a job array of shards (`orgsim run --shard I/N`) whose
// task 0 also submits the merge as a job that starts once every task has succeeded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace orgsim::experiments {

struct SlurmOptions {
  std::string orgsim;             ///< absolute path of the orgsim executable on the cluster
  std::string experiment;         ///< absolute path of the experiment file
  std::vector<std::string> sets;  ///< --set overrides, passed on to every shard
  std::string output;             ///< absolute path of the merged results file (.h5)
  std::string name;               ///< job name (the experiment's name)
  std::size_t shards = 1;         ///< array size
  std::size_t runs = 0;           ///< runs in the experiment (for the comment)
  std::string partition;          ///< empty: the cluster's default
  std::string time;               ///< per task, e.g. 01:00:00
  std::size_t cpus = 1;           ///< CPUs per task (orgsim --threads)
  std::string memory;             ///< per task, e.g. 4G; empty: the cluster's default
};

/// The script (bash). Submit with `sbatch SCRIPT`; `bash SCRIPT merge` merges by hand.
std::string sbatch_script(const SlurmOptions& options);

/// A word quoted for bash (single quotes).
std::string shell_quote(const std::string& word);

}  // namespace orgsim::experiments
