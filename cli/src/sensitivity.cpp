// `orgsim sensitivity`: Sobol indices from a saltelli sweep, or Morris elementary effects from a
// morris sweep.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/sensitivity.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct SensitivityArgs {
  std::string file, metrics, at = "end", format = "table";
  std::size_t bootstrap = 1000;
};

int sensitivity(const SensitivityArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  const analysis::SensitivityResult result =
      analysis::sensitivity(results, split_list(args.metrics, "--metrics"),
                            analysis::parse_window(args.at), args.bootstrap);
  if (args.format == "csv") {
    analysis::print_sensitivity_csv(std::cout, result);
  } else {
    analysis::print_sensitivity(std::cout, result);
  }
  return 0;
}

}  // namespace

Command add_sensitivity_command(CLI::App& app) {
  auto args = std::make_shared<SensitivityArgs>();
  auto* command = app.add_subcommand(
      "sensitivity", "Sobol indices (saltelli sweep) or Morris elementary effects (morris sweep)");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("--metrics", args->metrics,
                      "Metrics (comma-separated; default strategic_fit)");
  command->add_option("--at", args->at, "end (each run's last tick), a tick, or mean:FROM-TO")
      ->capture_default_str();
  command->add_option("--bootstrap", args->bootstrap, "Bootstrap resamples for Sobol intervals")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000}));
  command->add_option("--format", args->format, "table or csv")
      ->check(CLI::IsMember({"table", "csv"}));
  return {command, [args] { return sensitivity(*args); }};
}

}  // namespace orgsim::cli::detail
