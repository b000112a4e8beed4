// `orgsim resilience`: how deep a metric falls after each run's first shock and how long it
// takes to recover, per design or per run.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/resilience.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct ResilienceArgs {
  std::string file, metric = "strategic_fit", by, event;
  double within = 0.05;
  bool per_run = false;
};

int resilience(const ResilienceArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  const analysis::Resilience r = analysis::resilience(results, args.metric, args.within,
                                                      split_list(args.by, "--by"), args.event);
  if (args.per_run) {
    analysis::print_resilience_runs_csv(std::cout, results, r);
  } else {
    analysis::print_resilience(std::cout, r);
  }
  return 0;
}

}  // namespace

Command add_resilience_command(CLI::App& app) {
  auto args = std::make_shared<ResilienceArgs>();
  auto* command = app.add_subcommand(
      "resilience", "Drop depth and recovery time after each run's first shock or a named event");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("--metric", args->metric, "Metric to follow through the shock")
      ->capture_default_str();
  command
      ->add_option("--within", args->within,
                   "Recovered when back within this share of the pre-shock level")
      ->capture_default_str();
  command->add_option("--by", args->by,
                      "Group by these swept parameters (comma-separated; default: all)");
  command->add_option("--event", args->event,
                      "Follow this named event (e.g. a lost contract or a layoff) instead of each "
                      "run's first shock; uncertain events only in the runs where they happened");
  command->add_flag("--per-run", args->per_run, "One CSV line per run instead of the summary");
  return {command, [args] { return resilience(*args); }};
}

}  // namespace orgsim::cli::detail
