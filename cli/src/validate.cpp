// `orgsim validate`: checks an experiment file without running it and estimates the memory,
// results size and time it needs; exit 2 when this machine cannot hold it.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/runner.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct ValidateArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string output;
};

std::string readable_megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / 1e6);
  return text;
}

/// The estimates: memory per run and in flight, results size and free disk, time.
void print_estimates(const experiments::ExperimentSpec& spec,
                     const experiments::ResourceCheck& check, const std::string& output) {
  const std::size_t per_run = check.run_memory;
  const double per_run_mb = static_cast<double>(per_run) / 1e6;
  const std::size_t threads = hardware_threads();
  const double fit = std::max<double>(
      1.0, static_cast<double>(experiments::memory_budget() / std::max<std::size_t>(per_run, 1)));
  const double in_flight =
      std::min({2.0 * static_cast<double>(threads), static_cast<double>(spec.run_count()), fit});
  const double seconds = experiments::estimate_cpu_seconds(spec) / static_cast<double>(threads);
  std::cout << std::fixed << std::setprecision(1) << "estimated memory: " << per_run_mb
            << " MB per run, about " << per_run_mb * in_flight << " MB with "
            << std::setprecision(0) << in_flight << std::setprecision(1) << " runs in flight; "
            << static_cast<double>(check.available_memory) / 1e6 << " MB available"
            << (check.memory_ok ? "" : " (MORE THAN THIS MACHINE HAS: `orgsim run` refuses it)")
            << "\n"
            << "estimated results: " << static_cast<double>(check.results_bytes) / 1e6 << " MB; "
            << (check.free_disk == 0 && check.disk_ok
                    ? std::string("unknown free space")
                    : readable_megabytes(check.free_disk) + " MB free")
            << " on the file system of " << output
            << (check.disk_ok ? ""
                              : " (TOO LITTLE: `orgsim run` refuses it without --no-space-check)")
            << "\n"
            << "estimated time: " << format_duration(seconds) << " on " << threads
            << " threads (from the benchmarked employee-ticks per second)\n";
}

int validate(const ValidateArgs& args) {
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
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
  command->add_option("file", args->file, "Experiment file (TOML)");
  command->add_option(
      "-o,--output", args->output,
      "Results file whose file system the disk-space check uses (default: <file stem>.h5)");
  command->add_option("--set", args->sets, "Override a key (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  return {command, [args] { return validate(*args); }};
}

}  // namespace orgsim::cli::detail
