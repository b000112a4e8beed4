// `orgsim validate`: checks an experiment file without running it and estimates the memory,
// results size and time it needs; exit 2 when this machine cannot hold it.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/agents/organization.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct ValidateArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string output;
};

/// The estimates: memory per run and in flight, results size and free disk, time.
void print_estimates(const experiments::ExperimentSpec& spec,
                     const experiments::ResourceCheck& check, const std::string& output) {
  const auto megabytes = [](std::uintmax_t bytes) { return static_cast<double>(bytes) / 1e6; };
  const double per_run_mb = megabytes(check.run_memory);
  const std::size_t threads = hardware_threads();
  const double fit =
      std::max<double>(1.0, static_cast<double>(experiments::memory_budget() /
                                                std::max<std::size_t>(check.run_memory, 1)));
  const double in_flight =
      std::min({2.0 * static_cast<double>(threads), static_cast<double>(spec.run_count()), fit});
  const double seconds = experiments::estimate_cpu_seconds(spec) / static_cast<double>(threads);
  const std::string free_disk = check.free_disk == 0 && check.disk_ok
                                    ? std::string("unknown free space")
                                    : fmt::format("{:.1f} MB free", megabytes(check.free_disk));
  std::cout << fmt::format(
      "estimated memory: {:.1f} MB per run, about {:.1f} MB with {:.0f} runs in flight; {:.1f} MB "
      "available{}\n",
      per_run_mb, per_run_mb * in_flight, in_flight, megabytes(check.available_memory),
      check.memory_ok ? "" : " (MORE THAN THIS MACHINE HAS: `orgsim run` refuses it)");
  const agents::ModelParams first = spec.params_at(0);
  if (agents::can_grow(first)) {
    std::cout << fmt::format(
        "  (runs can hire: counted at their headcount ceiling, {} employees in the first design "
        "point; hiring stops there; set org.max_employees to change it)\n",
        agents::headcount_ceiling(first));
  }
  std::cout << fmt::format(
      "estimated results: {:.1f} MB; {} on the file system of {}{}\n",
      megabytes(check.results_bytes), free_disk, output,
      check.disk_ok ? "" : " (TOO LITTLE: `orgsim run` refuses it without --no-space-check)");
  std::cout << fmt::format(
      "estimated time: {} on {} thread{} (from the benchmarked employee-ticks per second)\n",
      format_duration(seconds), threads, threads == 1 ? "" : "s");
}

int validate(const ValidateArgs& args) {
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  print_warnings(spec);
  std::cout << (args.file.empty() ? "<default experiment>" : args.file) << ": ok\n";
  describe(std::cout, spec);
  const std::string output = args.output.empty() ? default_output(args.file, "") : args.output;
  const experiments::ResourceCheck check = experiments::check_resources(spec, output);
  print_estimates(spec, check, output);
  if (!check.memory_ok) throw ResourceError(check.memory_message);
  if (!check.disk_ok) throw ResourceError(check.disk_message);
  return 0;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  auto* command = app.add_subcommand("validate", "Check an experiment file without running it");
  auto* file = command->add_option("file", args->file, "Experiment file (TOML)");
  command->add_option(
      "-o,--output", args->output,
      "Results file whose file system the disk-space check uses (default: <file stem>.h5)");
  command->add_option("--set", args->sets, "Override a key (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  return {command, [args, file] {
            if (file->count() > 0 && args->file.empty())
              throw UsageError(
                  "FILE: the path is empty (leave FILE out for the default "
                  "experiment)");
            return validate(*args);
          }};
}

}  // namespace orgsim::cli::detail
