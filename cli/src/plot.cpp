// `orgsim plot`: draws a metric (mean, 95% CI) over a swept parameter at each run's end, or over
// time, with gnuplot (SVG or PNG), or writes the gnuplot script instead.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/plot.hpp"
#include "orgsim/core/error.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

namespace orgsim::cli::detail {

namespace {

struct PlotArgs {
  std::string file, x, by, metric = "strategic_fit", output, script;
  bool points = false;
  std::optional<std::size_t> run;  ///< --run K: one run, not averaged
};

int plot(const PlotArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  if (args.run && ((!args.x.empty() && args.x != "tick") || !args.by.empty()))
    throw UsageError("--run draws one run over ticks: it does not combine with --x or --by");
  if (!args.run && args.x.empty())
    throw UsageError("--x is required: a swept parameter, or tick (or --run K for one run)");
  analysis::LineChart chart =
      args.run           ? analysis::single_run_chart(results, *args.run, args.metric)
      : args.x == "tick" ? analysis::time_series_chart(results, args.by, args.metric)
                         : analysis::final_metric_chart(results, args.x, args.by, args.metric);
  if (args.points) chart.lines = false;
  if (!chart.note.empty()) std::cerr << "orgsim: note: " << chart.note << '\n';
  const std::string output =
      args.output.empty()
          ? std::filesystem::path(args.file).stem().string() + "-" + args.metric + ".svg"
          : args.output;
  if (!args.script.empty()) {
    // The script alone, to restyle the figure by hand: `gnuplot SCRIPT` draws OUTPUT.
    const std::string text = analysis::gnuplot_script(chart, output);
    std::ofstream out(args.script);
    out << text;
    if (!out.flush()) throw UsageError("cannot write " + args.script);
    std::cout << "wrote " << args.script << " (run `gnuplot " << args.script << "` to draw "
              << output << ")\n";
    return 0;
  }
  analysis::render(chart, output);
  std::cout << "drew " << output << '\n';
  return 0;
}

}  // namespace

Command add_plot_command(CLI::App& app) {
  auto args = std::make_shared<PlotArgs>();
  auto* command = app.add_subcommand(
      "plot",
      "Draw a metric (mean, 95% CI) over a swept parameter at each run's end, or over "
      "time (gnuplot: SVG or PNG)");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option(
      "--x", args->x,
      "Swept parameter on the x axis (value at each run's end), or 'tick' (over time; "
      "the default with --run)");
  command->add_option("--by", args->by, "One line per value of this swept parameter");
  command->add_option("--metric", args->metric, "Metric on the y axis")->capture_default_str();
  command->add_flag("--points", args->points, "Points with error bars, not joined by lines");
  command->add_option("--run", args->run, "Draw run K alone over ticks (no averaging)")
      ->type_name("K");
  command->add_option("-o,--output", args->output,
                      "Image file, .svg or .png (default: RESULTS-METRIC.svg)");
  command->add_option("--gnuplot-script", args->script,
                      "Write the gnuplot script (data inline) instead of drawing");
  return {command, [args] { return plot(*args); }};
}

}  // namespace orgsim::cli::detail
