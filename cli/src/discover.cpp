// `orgsim discover`: scenario discovery with PRIM (Friedman & Fisher 1999) over a sweep's
// parameters: the ranges that hold the runs meeting a condition, e.g. "profit < 0".
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/prim.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct DiscoverArgs {
  std::string file, where, at = "end", format = "table";
  analysis::PrimOptions options;
};

int discover(const DiscoverArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  const analysis::MetricCondition condition = analysis::parse_metric_condition(args.where);
  const analysis::Window window = analysis::parse_window(args.at);
  const analysis::PrimResult result = analysis::discover(results, condition, window, args.options);
  if (args.format == "csv") {
    analysis::print_prim_csv(std::cout, result);
  } else {
    analysis::print_prim(std::cout, result, condition, window);
  }
  return 0;
}

}  // namespace

Command add_discover_command(CLI::App& app) {
  auto args = std::make_shared<DiscoverArgs>();
  auto* command = app.add_subcommand(
      "discover",
      "Scenario discovery (PRIM): the parameter ranges that hold the runs meeting a "
      "condition, e.g. --where \"profit < 0\"");
  command->add_option("results", args->file, "Results file (HDF5) of a sweep")->required();
  command->add_option("--where", args->where, "The runs of interest: METRIC OP NUMBER (< <= > >=)")
      ->required();
  command->add_option("--at", args->at, "end, a tick, mean:FROM-TO, sum:FROM-TO, total or npv:RATE")
      ->capture_default_str();
  command
      ->add_option("--threshold", args->options.threshold,
                   "The chosen box: highest coverage with at least this density")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--alpha", args->options.alpha, "Share of the box's runs one peel removes")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 0.5));
  command
      ->add_option("--min-mass", args->options.min_mass,
                   "Peeling stops before the box holds fewer than this share of the runs")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--format", args->format, "table or csv (the trajectory)")
      ->check(CLI::IsMember({"table", "csv"}));
  return {command, [args] { return discover(*args); }};
}

}  // namespace orgsim::cli::detail
