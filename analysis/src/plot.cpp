// Line charts with confidence intervals, drawn by gnuplot.
#include "orgsim/analysis/plot.hpp"

#include "orgsim/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>
#include <system_error>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace orgsim::analysis {

namespace {

// A gnuplot single-quoted string: no escapes inside except '' for a quote; one line.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "''";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out + "'";
}

std::string number(double x) {
  if (std::isnan(x)) return "NaN";
  std::ostringstream out;
  out << std::setprecision(17) << x;
  return out.str();
}

enum class Terminal { svg, png };

Terminal terminal_for(const std::filesystem::path& output) {
  const std::string ext = output.extension().string();
  if (ext == ".svg") return Terminal::svg;
  if (ext == ".png") return Terminal::png;
  throw UsageError("cannot draw '" + output.string() + "': the file name must end in .svg or .png");
}

}  // namespace

LineChart final_metric_chart(const experiments::ResultsReader& results, const std::string& x,
                             const std::string& series_by, const std::string& metric) {
  std::vector<std::string> by{x};
  if (!series_by.empty()) {
    if (series_by == x) throw UsageError("--x and --by name the same parameter '" + x + "'");
    by.push_back(series_by);
  }
  const Summary summary = summarize_final(results, by, {metric});
  LineChart chart;
  chart.title = metric + " at the end of each run (mean, 95% CI)";
  chart.x_label = x;
  chart.y_label = metric;
  chart.key_title = series_by;
  chart.categorical_x = results.run_column(x)->is_text;

  std::map<std::string, std::size_t> index;
  for (const GroupSummary& group : summary.groups) {
    const std::string label = series_by.empty() ? metric : group.key[1];
    auto [it, inserted] = index.try_emplace(label, chart.series.size());
    if (inserted) chart.series.push_back({label, {}, {}});
    Series& s = chart.series[it->second];
    s.x.push_back(group.key[0]);
    s.y.push_back(group.estimates[0]);
  }
  if (!chart.categorical_x) {
    for (Series& s : chart.series) {  // numeric x: left to right
      std::vector<std::size_t> order(s.x.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return std::stod(s.x[a]) < std::stod(s.x[b]); });
      Series sorted{s.label, {}, {}};
      for (std::size_t i : order) {
        sorted.x.push_back(s.x[i]);
        sorted.y.push_back(s.y[i]);
      }
      s = std::move(sorted);
    }
  }
  return chart;
}

LineChart time_series_chart(const experiments::ResultsReader& results, const std::string& series_by,
                            const std::string& metric) {
  const auto& names = results.metric_names();
  const auto found = std::find(names.begin(), names.end(), metric);
  if (found == names.end()) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    throw UsageError("unknown metric '" + metric + "'; this file has: " + list);
  }
  const auto k = static_cast<std::size_t>(found - names.begin());
  const experiments::RunColumn* by = nullptr;
  if (!series_by.empty()) {
    by = results.run_column(series_by);
    const auto swept = results.parameter_columns();
    if (!by || std::find(swept.begin(), swept.end(), series_by) == swept.end()) {
      std::string list;
      for (const auto& name : swept) list += (list.empty() ? "" : ", ") + name;
      throw UsageError("cannot draw one line per '" + series_by + "'; the swept parameters are: " +
                       (list.empty() ? "(none)" : list));
    }
  }
  const std::size_t rows = results.tick_rows();
  const auto* status = results.run_column("status");
  // values[series][row][run]: a run that stopped early is NaN after its end (skipped).
  std::vector<std::string> labels;
  std::vector<std::vector<std::vector<double>>> values;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] != 1) continue;
    const std::string label = by ? by->format(run) : metric;
    auto it = std::find(labels.begin(), labels.end(), label);
    if (it == labels.end()) {
      labels.push_back(label);
      values.emplace_back(rows);
      it = labels.end() - 1;
    }
    auto& series = values[static_cast<std::size_t>(it - labels.begin())];
    const std::vector<double> metrics = results.run_metrics(run);
    for (std::size_t r = 0; r < rows; ++r) series[r].push_back(metrics[r * names.size() + k]);
  }
  LineChart chart;
  chart.title = metric + " over time (mean, 95% CI band)";
  chart.x_label = "tick";
  chart.y_label = metric;
  chart.key_title = series_by;
  chart.bands = true;
  const auto& ticks = results.tick_of_row();
  for (std::size_t g = 0; g < labels.size(); ++g) {
    Series s{labels[g], {}, {}};
    for (std::size_t r = 0; r < rows; ++r) {
      const Estimate e = estimate(values[g][r]);
      if (e.n == 0) continue;  // every run had stopped
      s.x.push_back(std::to_string(ticks[r]));
      s.y.push_back(e);
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

std::string gnuplot_script(const LineChart& chart, const std::filesystem::path& output) {
  std::ostringstream g;
  if (terminal_for(output) == Terminal::svg) {
    g << "set terminal svg size 760,500 dynamic font 'sans,13' background rgb 'white'\n";
  } else {
    g << "set terminal pngcairo size 1140,750 font 'sans,13' background rgb 'white'\n";
  }
  g << "set output " << quoted(output.string()) << "\n"
    << "set encoding utf8\n"
    << "set title " << quoted(chart.title) << " noenhanced\n"
    << "set xlabel " << quoted(chart.x_label) << " noenhanced\n"
    << "set ylabel " << quoted(chart.y_label) << " noenhanced\n"
    << "set grid lc rgb '#dddddd'\n"
    << "set border 3\nset tics nomirror\n"
    << "set autoscale xfix\n"
    << "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
  if (chart.key_title.empty()) {
    g << "unset key\n";
  } else {
    g << "set key outside right top box title " << quoted(chart.key_title) << " noenhanced\n";
  }

  // Categories keep their order of first appearance across all series.
  std::vector<std::string> categories;
  if (chart.categorical_x) {
    for (const Series& s : chart.series) {
      for (const std::string& x : s.x) {
        if (std::find(categories.begin(), categories.end(), x) == categories.end()) categories.push_back(x);
      }
    }
    g << "set xtics (";
    for (std::size_t i = 0; i < categories.size(); ++i) g << (i ? ", " : "") << quoted(categories[i]) << ' ' << i;
    g << ") noenhanced\n";
  }
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    g << "$s" << k << " << EOD\n";
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const Estimate& e = s.y[i];
      const std::string x = chart.categorical_x
                                ? std::to_string(std::find(categories.begin(), categories.end(), s.x[i]) -
                                                 categories.begin())
                                : s.x[i];
      // Without an interval (n < 2) the bar collapses onto the mean.
      const double low = std::isnan(e.ci_low) ? e.mean : e.ci_low;
      const double high = std::isnan(e.ci_high) ? e.mean : e.ci_high;
      g << x << ' ' << number(e.mean) << ' ' << number(low) << ' ' << number(high) << '\n';
    }
    g << "EOD\n";
  }
  g << "plot ";
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    g << (k ? ", \\\n     " : "");
    if (chart.bands) {
      // The band and the line share the series' colour; the band has no legend entry.
      g << "$s" << k << " using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc " << k + 1
        << " notitle, \\\n     $s" << k << " using 1:2 with lines lw 2 lc " << k + 1;
    } else {
      g << "$s" << k << " using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc " << k + 1;
    }
    g << " title " << quoted(chart.series[k].label) << " noenhanced";
  }
  g << "\nunset output\n";
  return g.str();
}

void render(const LineChart& chart, const std::filesystem::path& output) {
  terminal_for(output);
  if (chart.series.empty()) throw UsageError("nothing to draw: the results file has no complete runs");
  // gnuplot reads its script from a file (no pipe to break) and draws under a temporary name.
  std::string name(1, '.');  // hidden, same directory, same extension
  name.append(output.stem().string()).append(".partial-").append(std::to_string(::getpid()));
  name.append(output.extension().string());
  const std::filesystem::path partial = output.parent_path() / name;
  const std::filesystem::path script_path =
      std::filesystem::temp_directory_path() / ("orgsim-plot-" + std::to_string(::getpid()) + ".gp");
  {
    std::ofstream script(script_path);
    script << gnuplot_script(chart, partial);
    if (!script.flush()) throw UsageError("cannot write a gnuplot script to " + script_path.string());
  }
  std::string program = "gnuplot";
  std::string script_arg = script_path.string();
  char* argv[] = {program.data(), script_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv, environ);
  int status = 0;
  if (spawned == 0) ::waitpid(pid, &status, 0);
  std::error_code ignored;
  std::filesystem::remove(script_path, ignored);
  if (spawned != 0) throw UsageError("cannot run gnuplot (install Debian's gnuplot-nox)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::filesystem::exists(partial)) {
    std::filesystem::remove(partial, ignored);
    throw UsageError("gnuplot could not draw '" + output.string() + "' (its message is above)");
  }
  std::filesystem::rename(partial, output);
}

}  // namespace orgsim::analysis
