// `orgsim plot`: draws a metric (mean, 95% CI) over a swept parameter at each run's end, or over
// time, with gnuplot (SVG or PNG), or writes the gnuplot script instead.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/experiments/resources.hpp"

#include "orgsim/analysis/plot.hpp"
#include "orgsim/core/error.hpp"

#include <fmt/format.h>

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

/// Refuses to write `target` over the results file, over another HDF5 file, over a directory or
/// device, or (a script) over a file that is not a gnuplot script orgsim wrote: a typo in a path
/// must not cost data.
void refuse_to_replace(const std::string& results, const std::string& target, const char* option,
                       bool script) {
  experiments::check_path_length(target);
  std::error_code ec;
  if (!std::filesystem::exists(target, ec)) return;
  if (std::filesystem::equivalent(results, target, ec))
    throw UsageError(fmt::format("{} {}: is the results file being plotted", option, target));
  if (!std::filesystem::is_regular_file(target, ec))
    throw UsageError(fmt::format("{} {}: exists and is not a regular file", option, target));
  std::ifstream in(target, std::ios::binary);
  std::string first(16, '\0');
  in.read(first.data(), static_cast<std::streamsize>(first.size()));
  first.resize(static_cast<std::size_t>(in.gcount()));
  if (first.starts_with("\x89HDF\r\n"))
    throw UsageError(
        fmt::format("{} {}: is an HDF5 file; refusing to overwrite it", option, target));
  if (script && !first.starts_with("set terminal"))
    throw UsageError(
        fmt::format("{} {}: exists and is not a gnuplot script orgsim wrote; "
                    "refusing to overwrite it (remove it first)",
                    option, target));
}

int plot(const PlotArgs& args) {
  experiments::ResultsReader results = open_results(args.file);
  // Curves over time of very long runs are drawn from every k-th recorded row (and the last):
  // 2,000 points draw a smooth curve, and memory and gnuplot's time stay bounded.
  const std::size_t recorded = results.tick_rows();
  if (const std::size_t k = results.thin_rows(kPlotRows); k > 1) {
    std::cerr << "orgsim: note: runs of " << recorded << " recorded rows are drawn from one row in "
              << k << " and the last (" << results.tick_rows() << " points per curve)\n";
  }
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
  refuse_to_replace(args.file, output, "-o", false);
  if (!args.script.empty()) {
    // The script alone, to restyle the figure by hand: `gnuplot SCRIPT` draws OUTPUT. Written
    // under a temporary name and renamed, so a failed write leaves no half script.
    refuse_to_replace(args.file, args.script, "--gnuplot-script", true);
    const std::string text = analysis::gnuplot_script(chart, output);
    const std::string partial = args.script + ".partial";
    std::ofstream out(partial);
    out << text;
    out.close();
    std::error_code ec;
    if (!out || (std::filesystem::rename(partial, args.script, ec), ec)) {
      std::filesystem::remove(partial, ec);
      throw UsageError("cannot write " + args.script);
    }
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
