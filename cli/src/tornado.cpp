// `orgsim tornado`: one-at-a-time sensitivity of chosen outcomes around one option over the
// assumptions a consultant is unsure of, run with common random numbers, as a table and a chart.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/tornado.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct TornadoArgs {
  std::string file, option, metrics = "profit", at = "total", output, chart, format = "table";
  std::vector<std::string> vary, sets;
  std::int64_t replications = 0;
  std::size_t threads = 0;
  bool force = false;
};

int tornado(const TornadoArgs& args) {
  std::vector<std::string> sets = args.sets;
  if (args.replications > 0)
    sets.push_back("experiment.replications=" + std::to_string(args.replications));
  const experiments::ExperimentSpec spec = load(args.file, sets);
  std::vector<analysis::TornadoInput> inputs;
  for (const std::string& v : args.vary) inputs.push_back(analysis::parse_tornado_input(v));
  const auto metrics = split_list(args.metrics, "--metrics");
  if (metrics.empty()) throw UsageError("--metrics: give at least one outcome");
  const analysis::Window window = analysis::parse_window(args.at);
  std::vector<std::string> notes;
  const experiments::ExperimentSpec runs =
      analysis::tornado_experiment(spec, args.option, inputs, notes);
  for (const std::string& note : notes) std::cerr << "note: " << note << '\n';
  const std::string output = args.output.empty() ? "orgsim-tornado.h5" : args.output;
  experiments::check_output_path(output);
  if (std::filesystem::exists(output) && !args.force)
    throw UsageError(output + ": exists; choose another -o, or add --force to replace it");
  if (!args.chart.empty()) {
    const auto ext = std::filesystem::path(args.chart).extension();
    if (ext != ".svg" && ext != ".png") throw UsageError("--chart: expected a .svg or .png file");
  }
  ThreadLimit limit(args.threads);
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  std::cerr << fmt::format("tornado: {} runs ({} settings x {} replications) into {}\n",
                           runs.run_count(), runs.design_point_count(), runs.replications, output);
  experiments::run_experiment(runs, output, options);
  const experiments::ResultsReader results(output);
  bool first = true;
  for (const std::string& metric : metrics) {
    const analysis::Tornado t = analysis::tornado(results, metric, window);
    if (args.format == "csv") {
      analysis::print_tornado_csv(std::cout, t, first);
    } else {
      if (!first) std::cout << '\n';
      analysis::print_tornado(std::cout, t);
    }
    if (first && !args.chart.empty()) {
      analysis::TornadoChart chart;
      chart.title = fmt::format("{}: change from the base{}", metric,
                                args.option.empty() ? std::string() : " (" + args.option + ")");
      chart.x_label = fmt::format("{} [{}] at {}: change from the base ({:.4g})", metric, t.unit,
                                  analysis::describe(window), t.base.mean);
      for (const auto& bar : t.bars) {
        chart.names.push_back(
            fmt::format("{} ({} / {})", bar.parameter, bar.low_value, bar.high_value));
        chart.low.push_back(bar.low.mean);
        chart.high.push_back(bar.high.mean);
        chart.low_ci.emplace_back(bar.low.ci_low, bar.low.ci_high);
        chart.high_ci.emplace_back(bar.high.ci_low, bar.high.ci_high);
      }
      analysis::render(chart, args.chart);
    }
    first = false;
  }
  return 0;
}

}  // namespace

Command add_tornado_command(CLI::App& app) {
  auto args = std::make_shared<TornadoArgs>();
  auto* command = app.add_subcommand(
      "tornado",
      "One-at-a-time sensitivity of outcomes around one option over uncertain assumptions");
  command->add_option("experiment", args->file, "Experiment file (TOML)")->required();
  command
      ->add_option("--vary", args->vary,
                   "An assumption and its low and high values, NAME=LOW,HIGH (repeatable)")
      ->required();
  command->add_option("--option", args->option,
                      "The option to vary around (default: the baseline option)");
  command
      ->add_option("--metrics", args->metrics,
                   "Outcomes (comma-separated); the chart draws the first")
      ->capture_default_str();
  command
      ->add_option("--at", args->at,
                   "Which value of a run: total (flows summed over the run), npv:RATE, end, ...")
      ->capture_default_str();
  command->add_option("--replications", args->replications,
                      "Replications per setting (default: the experiment's)");
  command->add_option("-o,--output", args->output, "Results file of the tornado's runs (HDF5)");
  command->add_option("--chart", args->chart, "Draw the first outcome's tornado (.svg or .png)");
  command->add_option("--format", args->format, "table or csv")
      ->check(CLI::IsMember({"table", "csv"}));
  command->add_option("--set", args->sets, "Override a key of the experiment (repeatable)");
  command->add_option("--threads", args->threads, "Worker threads (default: all cores)");
  command->add_flag("--force", args->force, "Replace an existing output file");
  return {command, [args] { return tornado(*args); }};
}

}  // namespace orgsim::cli::detail
