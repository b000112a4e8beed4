// Charts drawn by gnuplot (its SVG and PNG terminals): orgsim computes the numbers, gnuplot draws.
// A chart is a plain description (series of points with confidence intervals); render() writes
// a gnuplot script with the data inline and runs gnuplot on it.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/analysis/summary.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace orgsim::analysis {

/// One line of a chart: a point (mean with a confidence interval) per x position.
struct Series {
  std::string label;
  std::vector<std::string> x;  ///< x values as text (numbers or category names)
  std::vector<Estimate> y;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::string key_title;       ///< legend heading (the parameter the series differ in)
  bool categorical_x = false;  ///< x values are names, placed in order of first appearance
  bool bands = false;  ///< confidence intervals as shaded bands (time series), not error bars
  bool lines = true;   ///< join the points (false: points with error bars only)
  std::string note;    ///< what the reader should know (averaged parameters, left-out runs)
  std::vector<Series> series;
  /// A dashed vertical line at `x` with its label (an event on a time axis).
  struct Marker {
    double x = 0;
    std::string label;
  };
  std::vector<Marker> markers;
  bool si_prefixes = false;  ///< y tick labels as 2.5k, 1.2M (money)
};

/// A chart of `metric`'s final-tick mean and 95% CI over `x` (a swept parameter), one series per
/// value of `series_by` (empty: a single series). Numeric x values are placed to scale.
/// @throws UsageError naming the choices when a parameter or metric does not exist.
LineChart final_metric_chart(const experiments::ResultsReader& results, const std::string& x,
                             const std::string& series_by, const std::string& metric);

/// A chart of `metric` over time: at each recorded tick, the mean and 95% CI over the complete
/// runs, one series per value of `series_by` (empty: one series). A run that stopped early holds
/// its final state afterwards (held_rows), so the lines show no survivor bias.
/// @throws UsageError naming the choices when a parameter or metric does not exist.
LineChart time_series_chart(const experiments::ResultsReader& results, const std::string& series_by,
                            const std::string& metric);

/// One run's time series of `metric` (no averaging), titled with its design point and
/// replication. @throws UsageError for a run the file lacks or that is not complete.
LineChart single_run_chart(const experiments::ResultsReader& results, std::size_t run,
                           const std::string& metric);

/// Time series of several metrics in one pass over the runs: chart k is metrics[k] over time, one
/// series per distinct label (labels[run]; an empty label leaves the run out), in order of first
/// appearance. `progress(done, total)` is called as runs are read (may be empty).
std::vector<LineChart> time_series_charts(
    const experiments::ResultsReader& results, const std::vector<std::string>& labels,
    const std::vector<std::string>& metrics, const std::string& key_title,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

/// A heat map: z[y][x] (NaN: no value) over two parameters' values.
struct HeatMap {
  std::string title;
  std::string x_label, y_label, z_label;
  std::vector<std::string> x, y;
  std::vector<std::vector<double>> z;
};

/// Grouped bars with error bars: values[series][category] with [low, high].
struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<std::string> series;
  std::vector<std::vector<double>> values, low, high;
};

/// A tornado chart: one horizontal bar per assumption from the outcome's change at its low value
/// to its change at its high value (from the base, at 0), widest on top.
struct TornadoChart {
  std::string title;
  std::string x_label;
  std::vector<std::string> names;  ///< the assumptions, widest swing first
  std::vector<double> low, high;   ///< the changes at the low and the high value
  /// Optional 95% intervals of those changes ([low value], [high value]; empty: none drawn),
  /// as error bars at the bars' ends.
  std::vector<std::pair<double, double>> low_ci, high_ci;
};

/// Differences with their confidence intervals: one horizontal bar from 0 per name (an option's
/// difference from the baseline), with its interval as an error bar; `verdict` (+1 better, -1
/// worse, 0 neither; empty: all 0) colours the bar.
struct IntervalChart {
  std::string title;
  std::string x_label;
  std::vector<std::string> names;
  std::vector<double> mean, low, high;
  std::vector<int> verdict;
};

std::string gnuplot_script(const IntervalChart& chart, const std::filesystem::path& output);
std::string svg_of(const IntervalChart& chart);

std::string gnuplot_script(const HeatMap& map, const std::filesystem::path& output);
std::string gnuplot_script(const TornadoChart& chart, const std::filesystem::path& output);
std::string gnuplot_script(const BarChart& chart, const std::filesystem::path& output);

/// Draws with gnuplot and returns the SVG document (for pages that embed their figures).
/// @throws UsageError when gnuplot is missing or fails.
std::string svg_of(const LineChart& chart);
std::string svg_of(const HeatMap& map);
std::string svg_of(const BarChart& chart);
std::string svg_of(const TornadoChart& chart);

/// The gnuplot script that draws `chart` into `output` (terminal from its extension: .svg, .png).
std::string gnuplot_script(const LineChart& chart, const std::filesystem::path& output);

/// Draws `chart` into `output` (.svg or .png) with gnuplot. The file appears only when gnuplot
/// succeeded (written under a temporary name, then renamed).
/// @throws UsageError for another extension or when gnuplot is missing or fails.
void render(const LineChart& chart, const std::filesystem::path& output);
void render(const TornadoChart& chart, const std::filesystem::path& output);

}  // namespace orgsim::analysis
