// A Slurm submission script for an experiment: run with bash from the login node, it makes the
// directories, submits the shards as a job array (`orgsim run --shard I/N`) and, in the same
// breath, the merge as a job that starts once every task has succeeded (--dependency=afterok).
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
  std::string account;            ///< empty: the user's default account
  std::string time;               ///< per task, in a Slurm time format (check_slurm_time)
  std::string merge_time;         ///< for the merge job
  std::size_t cpus = 1;           ///< CPUs per task (orgsim --threads)
  std::string memory;             ///< per task, e.g. 4G; empty: the cluster's default
};

/// The script (bash). `bash SCRIPT` submits the array and the merge; `bash SCRIPT resubmit 3,17`
/// resubmits tasks and a merge after them; `bash SCRIPT merge` merges by hand; the array tasks
/// run `SCRIPT task`. Every value is validated (below) and quoted.
std::string sbatch_script(const SlurmOptions& options);

/// A word quoted for bash (single quotes).
std::string shell_quote(const std::string& word);

/// Throws UsageError unless `value` is a Slurm time limit: minutes, minutes:seconds,
/// hours:minutes:seconds, days-hours, days-hours:minutes or days-hours:minutes:seconds.
void check_slurm_time(const std::string& option, const std::string& value);
/// Throws UsageError unless `value` is a Slurm memory size: digits with an optional K, M, G or T.
void check_slurm_memory(const std::string& option, const std::string& value);
/// Throws UsageError unless `value` is a comma-separated list of names of letters, digits, `_`,
/// `.` and `-` (partitions, accounts).
void check_slurm_names(const std::string& option, const std::string& value);
/// Minutes as a Slurm time limit, `D-HH:MM:00` or `HH:MM:00`.
std::string slurm_minutes(long long minutes);

}  // namespace orgsim::experiments
