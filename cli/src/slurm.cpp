// `orgsim slurm`: prints a script that, run with bash on the login node, submits an experiment's
// shards as a Slurm job array and the merge as a job that waits for them.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/experiments/runner.hpp"
#include "orgsim/experiments/slurm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct SlurmArgs {
  std::string file, output, partition, account, time, memory;
  std::vector<std::string> sets;
  std::size_t array = 0;
  std::size_t cpus = 1;
};

/// Seconds as a Slurm time limit: three times `seconds`, at least ten minutes, whole minutes.
std::string time_limit(double seconds) {
  const double limit = std::min(std::max(600.0, 3.0 * seconds), 365.0 * 86400.0);
  return experiments::slurm_minutes(static_cast<long long>(std::ceil(limit / 60.0)));
}

/// The merge reads every shard's runs and writes them again (re-compressing /metrics), on one
/// core: measured 13,700 small runs/s, and 360 default-size runs (28 MB) in 0.49 s, 57 MB/s, on
/// this machine (benchmarks/README.md). The estimate assumes 40 MB/s; time_limit triples it.
double merge_seconds(const experiments::ExperimentSpec& spec) {
  const double runs = static_cast<double>(spec.run_count());
  const double bytes =
      static_cast<double>(experiments::estimate_results_bytes(spec, spec.run_count()));
  return runs / 13'700.0 + bytes / 40e6;
}

int slurm(const SlurmArgs& args, const Session& session) {
  if (args.file.empty())
    throw UsageError("slurm needs an experiment file (the cluster runs a copy of nothing else)");
  // The values that reach the script are checked before anything else (they become words of a
  // command line, never script text, but a wrong one would only fail on the cluster).
  if (!args.time.empty()) experiments::check_slurm_time("--time", args.time);
  if (!args.memory.empty()) experiments::check_slurm_memory("--mem", args.memory);
  if (!args.partition.empty()) experiments::check_slurm_names("--partition", args.partition);
  if (!args.account.empty()) experiments::check_slurm_names("--account", args.account);
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  if (args.array == 0 || args.array > spec.run_count()) {
    throw UsageError(fmt::format("--array {}: expected 1 to {} shards (the experiment has {} runs)",
                                 args.array, spec.run_count(), spec.run_count()));
  }
  namespace fs = std::filesystem;
  experiments::SlurmOptions o;
  std::error_code error;
  o.orgsim = fs::canonical("/proc/self/exe", error).string();
  if (error) o.orgsim = fs::absolute(session.program_name).string();
  o.experiment = fs::absolute(args.file).lexically_normal().string();
  const std::string output =
      args.output.empty() ? fs::path(args.file).stem().string() + ".h5" : args.output;
  if (!output.ends_with(".h5")) {
    throw UsageError(fmt::format("-o {}: the merged results file must end in .h5", output));
  }
  o.output = fs::absolute(output).lexically_normal().string();
  o.sets = args.sets;
  o.name = spec.name;
  o.shards = args.array;
  o.runs = spec.run_count();
  o.partition = args.partition;
  o.account = args.account;
  o.cpus = args.cpus;
  o.memory = args.memory;
  o.time = args.time.empty() ? time_limit(experiments::estimate_cpu_seconds(spec) /
                                          static_cast<double>(args.array * args.cpus))
                             : args.time;
  o.merge_time = time_limit(merge_seconds(spec));
  if (args.array > 1000) {
    std::cerr
        << "orgsim: note: many clusters cap job arrays at 1001 tasks (MaxArraySize); check yours\n";
  }
  std::cout << experiments::sbatch_script(o);
  return 0;
}

}  // namespace

Command add_slurm_command(CLI::App& app, const Session& session) {
  auto args = std::make_shared<SlurmArgs>();
  auto* command = app.add_subcommand(
      "slurm",
      "Print a submission script (run it with bash): the shards as a job array and a merge after "
      "them");
  command->add_option("file", args->file, "Experiment file (TOML)")->required();
  command->add_option("--array", args->array, "Number of shards (array tasks)")->required();
  command->add_option("-o,--output", args->output, "Merged results file (default: <file stem>.h5)");
  command->add_option("--partition", args->partition, "Slurm partition (default: the cluster's)");
  command->add_option("--account", args->account, "Slurm account (default: your default)");
  command->add_option("--time", args->time,
                      "Time limit per task, e.g. 02:00:00 (default: 3 x the estimate)");
  command->add_option("--cpus", args->cpus, "CPUs per task (orgsim --threads)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  command->add_option("--mem", args->memory, "Memory per task, e.g. 4G (default: the cluster's)");
  command->add_option("--set", args->sets, "Override a key (repeatable), passed to every shard")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  return {command, [args, &session] { return slurm(*args, session); }};
}

}  // namespace orgsim::cli::detail
