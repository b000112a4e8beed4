// `orgsim compare`: paired differences of the designs (values of one swept parameter) against a
// baseline, with a verdict per metric category.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/compare.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct CompareArgs {
  std::string file, by, baseline, metrics, at = "end", format = "table";
};

int compare(const CompareArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  const analysis::Comparison comparison =
      analysis::compare(results, args.by, args.baseline, split_list(args.metrics, "--metrics"),
                        analysis::parse_window(args.at));
  if (args.format == "csv") {
    analysis::print_comparison_csv(std::cout, comparison);
  } else if (args.format == "md") {
    analysis::print_comparison_markdown(std::cout, comparison);
  } else {
    analysis::print_comparison(std::cout, comparison);
  }
  return 0;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* command = app.add_subcommand(
      "compare", "Paired differences of designs against a baseline, with a verdict per category");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("--by", args->by, "The swept parameter whose values are the designs")
      ->required();
  command->add_option("--baseline", args->baseline,
                      "The design to compare against (default: the first)");
  command->add_option("--metrics", args->metrics,
                      "Only these metrics (comma-separated; default: all with a better direction)");
  command->add_option("--at", args->at, "end (each run's last tick), a tick, or mean:FROM-TO")
      ->capture_default_str();
  command->add_option("--format", args->format, "table, csv or md")
      ->check(CLI::IsMember({"table", "csv", "md"}));
  return {command, [args] { return compare(*args); }};
}

}  // namespace orgsim::cli::detail
