// `orgsim analyze`: summarizes a results file's metrics per design point (mean, sd, 95% CI) as
// a table, CSV, JSON or Markdown.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/summary.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct AnalyzeArgs {
  std::string file, by, metrics, at = "end", format = "table";
};

int analyze(const AnalyzeArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  const analysis::Window window = analysis::parse_window(args.at);
  const analysis::Summary summary = analysis::summarize(
      results, split_list(args.by, "--by"), split_list(args.metrics, "--metrics"), window);
  if (summary.runs_used == 0) {
    throw UsageError(args.file +
                     ": nothing to summarize: no complete run (an interrupted sweep? finish it "
                     "with `orgsim run ... --resume`)");
  }
  if (args.format == "csv") {
    analysis::print_csv(std::cout, summary);
  } else if (args.format == "json") {
    analysis::print_json(std::cout, summary);
  } else if (args.format == "md") {
    analysis::print_markdown(std::cout, summary);
  } else {
    const std::string where = window.kind == analysis::Window::Kind::end ? "final-tick"
                              : window.kind == analysis::Window::Kind::tick
                                  ? "tick-" + std::to_string(window.from)
                                  : "window " + analysis::describe(window);
    std::cout << where << " summary of " << args.file << " (" << summary.runs_used
              << " runs; 95% confidence intervals, Student t)\n";
    analysis::print_table(std::cout, summary);
  }
  return 0;
}

}  // namespace

Command add_analyze_command(CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  auto* command =
      app.add_subcommand("analyze", "Summarize metrics per design point (mean, sd, 95% CI)");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("--by", args->by, "Group by these swept parameters (comma-separated)");
  command->add_option("--metrics", args->metrics, "Only these metrics (comma-separated)");
  command
      ->add_option("--at", args->at,
                   "end (each run's last tick), a tick, mean:FROM-TO, sum:FROM-TO (flows summed, "
                   "stocks at TO), total or npv:RATE (flows discounted at RATE a year)")
      ->capture_default_str();
  command->add_option("--format", args->format, "table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  return {command, [args] { return analyze(*args); }};
}

}  // namespace orgsim::cli::detail
