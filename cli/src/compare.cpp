// `orgsim compare`: paired differences of the designs (values of one swept parameter) against a
// baseline, with a verdict per metric category.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/compare.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace orgsim::cli::detail {

namespace {

struct CompareArgs {
  std::string file, baseline, metrics, at = "end", format = "table", per;
  std::vector<std::string> by, where;
  double min_effect = 1;  ///< percent of the baseline
};

void print(const CompareArgs& args, const analysis::Comparison& comparison, bool first) {
  if (args.format == "csv") {
    analysis::print_comparison_csv(std::cout, comparison, first);
  } else if (args.format == "md") {
    analysis::print_comparison_markdown(std::cout, comparison);
  } else {
    analysis::print_comparison(std::cout, comparison);
  }
}

/// The first --by factor is compared; each further one splits the comparison by its values
/// (one comparison per combination, pairs within it).
int compare(const CompareArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  std::vector<analysis::Condition> where;
  for (const std::string& condition : args.where)
    where.push_back(analysis::parse_condition(condition));
  const auto metrics = split_list(args.metrics, "--metrics");
  std::vector<analysis::Window> windows = {analysis::parse_window(args.at)};
  if (!args.per.empty()) {
    if (args.at != "end") throw UsageError("--per and --at: give one of them");
    windows = analysis::calendar_periods(args.per, results.tick_of_row().back());
  }
  const std::vector<std::string> split(args.by.begin() + 1, args.by.end());
  const auto levels = analysis::split_levels(results, split, where);
  std::vector<analysis::Comparison> comparisons;
  for (const auto& window : windows) {
    for (const auto& level : levels) {
      std::vector<analysis::Condition> within = where;
      within.insert(within.end(), level.begin(), level.end());
      comparisons.push_back(
          analysis::compare(results, args.by.front(), args.baseline, metrics, window, within));
    }
  }
  for (auto& comparison : comparisons) comparison.min_effect = args.min_effect / 100;
  analysis::holm_across(comparisons);  // one family, verdicts with --min-effect
  bool first = true;
  for (const auto& comparison : comparisons) {
    if (!first && args.format != "csv") std::cout << '\n';
    print(args, comparison, first);
    first = false;
  }
  return 0;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* command = app.add_subcommand(
      "compare", "Paired differences of designs against a baseline, with a verdict per category");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command
      ->add_option("--by", args->by,
                   "The swept parameter whose values are the designs (option for named "
                   "options); repeat to compare separately within each value of further ones")
      ->required();
  command->add_option("--where", args->where,
                      "Only runs with NAME=VALUE (repeatable), e.g. --where "
                      "environment.market_growth=0.002");
  command->add_option("--baseline", args->baseline,
                      "The design to compare against (default: the baseline option, or the "
                      "first value)");
  command->add_option("--metrics", args->metrics,
                      "Only these metrics (comma-separated; default: all with a better direction)");
  command
      ->add_option("--at", args->at,
                   "end (each run's last tick), a tick, mean:FROM-TO, sum:FROM-TO (flows summed, "
                   "stocks at TO), total or npv:RATE (flows discounted at RATE a year)")
      ->capture_default_str();
  command->add_option("--per", args->per,
                      "One comparison per calendar period: year (52 weeks), quarter (13) or "
                      "month (4-4-5 weeks): flows summed, stocks at the period's end, "
                      "durations in days");
  command
      ->add_option("--min-effect", args->min_effect,
                   "Smallest difference worth a verdict, in % of the baseline's mean (smaller "
                   "significant differences are 'negligible')")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  command->add_option("--format", args->format, "table, csv or md")
      ->check(CLI::IsMember({"table", "csv", "md"}));
  return {command, [args] { return compare(*args); }};
}

}  // namespace orgsim::cli::detail
