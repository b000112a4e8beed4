// Line charts with confidence intervals, drawn by gnuplot.
#include "orgsim/analysis/plot.hpp"

#include "format.hpp"
#include "orgsim/core/error.hpp"
#include "tools.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <map>
#include <numeric>
#include <sstream>
#include <system_error>

namespace orgsim::analysis {

namespace {

// A gnuplot single-quoted string: no escapes inside except '' for a quote; one line.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "''";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

/// A tic label: gnuplot reads a tic's label as a format for its position, so a '%' is doubled
/// ("10% cut" would print as "10ut").
std::string tic_label(const std::string& text) {
  std::string escaped;
  for (char c : text) escaped += c == '%' ? std::string("%%") : std::string(1, c);
  return quoted(static_cast<const std::string&>(escaped));
}

std::string number(double x) {
  if (std::isnan(x)) return "NaN";
  return fmt::format("{:.17g}", x);
}

enum class Terminal { svg, png };

Terminal terminal_for(const std::filesystem::path& output) {
  std::string ext = output.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".svg") return Terminal::svg;
  if (ext == ".png") return Terminal::png;
  throw UsageError("cannot draw '" + output.string() + "': the file name must end in .svg or .png");
}

/// The script's first lines: terminal (from the extension), output, encoding and title.
std::string preamble(const std::filesystem::path& output, const std::string& title) {
  std::ostringstream g;
  if (terminal_for(output) == Terminal::svg) {
    g << "set terminal svg size 760,500 dynamic font 'sans,13' background rgb 'white'\n";
  } else {
    g << "set terminal pngcairo size 1140,750 font 'sans,13' background rgb 'white'\n";
  }
  g << "set output " << quoted(output.string()) << "\nset encoding utf8\nset title "
    << quoted(title) << " noenhanced\n";
  return g.str();
}

// The swept parameters, other than `fixed`, that take more than one value among the runs of one
// combination of `fixed` (what a point or line averages over), comma-separated.
std::string mixed_parameters(const experiments::ResultsReader& results,
                             const std::vector<std::string>& fixed) {
  std::string out;
  for (const auto& name : results.parameter_columns()) {
    if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) continue;
    const auto* column = results.run_column(name);
    std::map<std::vector<std::string>, std::string> seen;
    bool mixed = false;
    for (std::size_t run = 0; run < results.run_count() && !mixed; ++run) {
      std::vector<std::string> key;
      for (const auto& f : fixed) key.push_back(results.run_column(f)->format(run));
      const auto [it, inserted] = seen.try_emplace(key, column->format(run));
      mixed = !inserted && it->second != column->format(run);
    }
    if (mixed) out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

/// Numeric x values left to right (stable: equal x keep their order).
void sort_by_x(Series& s) {
  std::vector<std::size_t> order(s.x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::stod(s.x[a]) < std::stod(s.x[b]);
  });
  Series sorted{s.label, {}, {}};
  for (std::size_t i : order) {
    sorted.x.push_back(s.x[i]);
    sorted.y.push_back(s.y[i]);
  }
  s = std::move(sorted);
}

}  // namespace

LineChart final_metric_chart(const experiments::ResultsReader& results, const std::string& x,
                             const std::string& series_by, const std::string& metric) {
  const auto swept = results.parameter_columns();
  const auto is_swept = [&](const std::string& name) {
    return std::find(swept.begin(), swept.end(), name) != swept.end();
  };
  if (!is_swept(x)) {
    throw UsageError("cannot use --x '" + x + "'; the swept parameters are: " +
                     detail::join(swept) + ", or tick for the metric over time");
  }
  std::vector<std::string> by{x};
  if (!series_by.empty()) {
    if (series_by == x) throw UsageError("--x and --by name the same parameter '" + x + "'");
    if (!is_swept(series_by)) {
      throw UsageError("cannot draw one line per '" + series_by +
                       "'; the swept parameters are: " + detail::join(swept));
    }
    by.push_back(series_by);
  }
  const Summary summary = summarize_final(results, by, {metric});
  LineChart chart;
  chart.title = metric + " at the end of each run (mean, 95% CI)";
  chart.x_label = x;
  chart.y_label = metric;
  chart.key_title = series_by;
  chart.categorical_x = results.run_column(x)->is_text;
  chart.lines = !chart.categorical_x;
  const std::string averaged = mixed_parameters(results, by);
  if (!averaged.empty())
    chart.note = "each point averages over " + averaged + " (use --by to separate)";
  if (summary.runs_incomplete > 0) {
    chart.note += std::string(chart.note.empty() ? "" : "; ") +
                  std::to_string(summary.runs_incomplete) + " incomplete runs left out";
  }

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
    for (Series& s : chart.series) sort_by_x(s);
  }
  return chart;
}

std::vector<LineChart> time_series_charts(
    const experiments::ResultsReader& results, const std::vector<std::string>& labels,
    const std::vector<std::string>& metrics, const std::string& key_title,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  const std::vector<std::size_t> index = metric_indices(results, metrics);
  const std::size_t rows = results.tick_rows();
  const std::size_t width = results.metric_names().size();
  std::vector<std::string> series;
  std::vector<std::vector<Accumulator>> acc;  // [series][row * metrics + k]
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (progress && (run % 256 == 0 || run + 1 == results.run_count()))
      progress(run + 1, results.run_count());
    if (labels[run].empty()) continue;
    auto it = std::find(series.begin(), series.end(), labels[run]);
    if (it == series.end()) {
      series.push_back(labels[run]);
      acc.emplace_back(rows * index.size());
      it = series.end() - 1;
    }
    auto& a = acc[static_cast<std::size_t>(it - series.begin())];
    const std::vector<double> all = held_rows(results, run);  // stopped runs hold their final state
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t k = 0; k < index.size(); ++k)
        a[r * index.size() + k].add(all[r * width + index[k]]);
    }
  }
  const auto& ticks = results.tick_of_row();
  std::vector<LineChart> charts;
  for (std::size_t k = 0; k < index.size(); ++k) {
    LineChart chart;
    chart.title = metrics[k] + " over time (mean, 95% CI band)";
    chart.x_label = "week (tick; week 0 is the end of any warm-up)";
    chart.y_label = metrics[k];
    chart.key_title = key_title;
    chart.bands = true;
    for (std::size_t g = 0; g < series.size(); ++g) {
      Series line{series[g], {}, {}};
      for (std::size_t r = 0; r < rows; ++r) {
        const Estimate e = acc[g][r * index.size() + k].estimate();
        if (e.n == 0) continue;  // the metric is off
        line.x.push_back(std::to_string(ticks[r]));
        line.y.push_back(e);
      }
      chart.series.push_back(std::move(line));
    }
    charts.push_back(std::move(chart));
  }
  return charts;
}

LineChart time_series_chart(const experiments::ResultsReader& results, const std::string& series_by,
                            const std::string& metric) {
  metric_indices(results, {metric});  // a clear error for an unknown metric
  const experiments::RunColumn* by = nullptr;
  if (!series_by.empty()) {
    by = results.run_column(series_by);
    const auto swept = results.parameter_columns();
    if (!by || std::find(swept.begin(), swept.end(), series_by) == swept.end()) {
      throw UsageError("cannot draw one line per '" + series_by +
                       "'; the swept parameters are: " + detail::join(swept));
    }
  }
  const auto* status = results.run_column("status");
  std::vector<std::string> labels(results.run_count());
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] == 1) labels[run] = by ? by->format(run) : metric;
  }
  LineChart chart = time_series_charts(results, labels, {metric}, series_by).front();
  std::size_t incomplete = 0;
  for (std::size_t run = 0; run < results.run_count(); ++run)
    incomplete += status->numbers[run] != 1;
  const std::string averaged =
      mixed_parameters(results, series_by.empty() ? std::vector<std::string>{}
                                                  : std::vector<std::string>{series_by});
  if (!averaged.empty())
    chart.note = "each line averages over " + averaged + " (use --by to separate one)";
  if (incomplete > 0) {
    chart.note += std::string(chart.note.empty() ? "" : "; ") + std::to_string(incomplete) +
                  " incomplete runs left out";
  }
  return chart;
}

LineChart single_run_chart(const experiments::ResultsReader& results, std::size_t run,
                           const std::string& metric) {
  metric_indices(results, {metric});
  if (run >= results.run_count())
    throw UsageError(
        fmt::format("--run {}: the file has runs 0 to {}", run, results.run_count() - 1));
  if (!results.complete(run))
    throw UsageError(
        fmt::format("--run {}: the run is not complete (resume the sweep first)", run));
  std::vector<std::string> labels(results.run_count());
  const auto* point = results.run_column("design_point");
  const auto* replication = results.run_column("replication");
  labels[run] = fmt::format("run {}", run);
  LineChart chart = time_series_charts(results, labels, {metric}, "").front();
  const std::string which =
      fmt::format("run {} (design point {}, replication {})", run, point ? point->format(run) : "?",
                  replication ? replication->format(run) : "?");
  chart.title = metric + " over time, " + which;
  chart.note = which + " alone, not averaged";
  return chart;
}

namespace {

/// The x categories of a chart with named x values, in order of first appearance across series.
std::vector<std::string> x_categories(const LineChart& chart) {
  std::vector<std::string> categories;
  if (!chart.categorical_x) return categories;
  for (const Series& s : chart.series) {
    for (const std::string& x : s.x) {
      if (std::find(categories.begin(), categories.end(), x) == categories.end())
        categories.push_back(x);
    }
  }
  return categories;
}

/// One inline data block per series ($s0, $s1, ...): x, mean, low, high.
void write_series_data(std::ostream& g, const LineChart& chart,
                       const std::vector<std::string>& categories) {
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    g << "$s" << k << " << EOD\n";
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const Estimate& e = s.y[i];
      const std::string x =
          chart.categorical_x
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
}

/// The plot command: a band and a line per series, or error bars (joined or not).
void write_plot_command(std::ostream& g, const LineChart& chart) {
  g << "plot ";
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    g << (k ? ", \\\n     " : "");
    if (chart.bands) {
      // The band and the line share the series' colour; the band has no legend entry.
      g << "$s" << k << " using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc "
        << k + 1 << " notitle, \\\n     $s" << k << " using 1:2 with lines lw 2 lc " << k + 1;
    } else {
      g << "$s" << k << " using 1:2:3:4 with " << (chart.lines ? "yerrorlines" : "yerrorbars")
        << " lw 2 pt 7 ps " << (chart.lines ? "0.8" : "1.2") << " lc " << k + 1;
    }
    g << " title " << quoted(chart.series[k].label) << " noenhanced";
  }
  g << "\nunset output\n";
}

}  // namespace

std::string gnuplot_script(const LineChart& chart, const std::filesystem::path& output) {
  std::ostringstream g;
  g << preamble(output, chart.title) << "set xlabel " << quoted(chart.x_label) << " noenhanced\n"
    << "set ylabel " << quoted(chart.y_label) << " noenhanced\n"
    << "set grid lc rgb '#dddddd'\n"
    << "set border 3\nset tics nomirror\n"
    << "set autoscale xfix\n"
    << "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
  if (chart.key_title.empty()) {
    g << "unset key\n";
  } else {
    g << "set key below box title " << quoted(chart.key_title) << " noenhanced\n";
  }
  const std::vector<std::string> categories = x_categories(chart);
  if (chart.categorical_x) {
    g << "set xtics (";
    // These ticks have always been written with std::quoted (double quotes, backslash escapes):
    // overload resolution picked it over quoted() for a non-const string. Kept, so that scripts
    // stay byte-identical; gnuplot reads both forms.
    for (std::size_t i = 0; i < categories.size(); ++i) {
      g << (i ? ", " : "") << std::quoted(categories[i]) << ' ' << i;
    }
    g << ") noenhanced\n";
  }
  if (chart.si_prefixes) g << "set format y '%.1s%c'\n";
  for (const LineChart::Marker& m : chart.markers) {
    g << "set arrow from " << number(m.x) << ", graph 0 to " << number(m.x)
      << ", graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' front\nset label " << quoted(m.label)
      << " at " << number(m.x) << ", graph 0.97 rotate by 90 right offset -0.6,0 font ',10' "
      << "tc rgb '#333333' front noenhanced\n";
  }
  write_series_data(g, chart, categories);
  write_plot_command(g, chart);
  return g.str();
}

namespace {

// Runs gnuplot on `script` (written to a private temporary file: no pipe to break); its messages
// are shown only when it fails (its warnings about empty ranges of constant metrics are noise on
// a good run).
void run_gnuplot(const std::string& script, const std::string& what) {
  const std::string path = detail::temporary_file("orgsim-plot", ".gp");
  std::error_code ignored;
  {
    std::ofstream out(path);
    out << script;
    if (!out.flush()) {
      std::filesystem::remove(path, ignored);
      throw UsageError("cannot write a temporary gnuplot script to " + path);
    }
  }
  try {
    detail::run_tool({"gnuplot", path}, "draw " + what, "gnuplot-nox");
  } catch (...) {
    std::filesystem::remove(path, ignored);
    throw;
  }
  std::filesystem::remove(path, ignored);
}

// Nothing measured: every point NaN (a metric of a switched-off submodel).
void require_values(const LineChart& chart) {
  for (const Series& s : chart.series) {
    for (const Estimate& e : s.y) {
      if (e.n > 0 && std::isfinite(e.mean)) return;
    }
  }
  throw UsageError(
      "nothing to draw: " + chart.y_label +
      " has no value in any complete run (is its submodel switched off in this experiment?)");
}

template <class Chart>
std::string svg_string(const Chart& chart) {
  const std::string path = detail::temporary_file("orgsim-figure", ".svg");
  std::error_code ignored;
  try {
    run_gnuplot(gnuplot_script(chart, path), chart.title);
    detail::check_complete_output(path, "gnuplot");
  } catch (...) {
    std::filesystem::remove(path, ignored);
    throw;
  }
  std::ifstream in(path);
  std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path, ignored);
  if (svg.empty()) throw UsageError("gnuplot drew nothing for " + chart.title);
  return svg;
}

}  // namespace

std::string gnuplot_script(const HeatMap& map, const std::filesystem::path& output) {
  std::ostringstream g;
  g << preamble(output, map.title) << "set xlabel " << quoted(map.x_label)
    << " noenhanced\nset ylabel " << quoted(map.y_label) << " noenhanced\nset cblabel "
    << quoted(map.z_label) << " noenhanced\n"
    << "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\nset "
       "view map\nset tics out nomirror\nset xrange [-0.5:"
    << map.x.size() - 0.5 << "]\nset yrange [-0.5:" << map.y.size() - 0.5 << "]\n";
  g << "set xtics (";
  for (std::size_t i = 0; i < map.x.size(); ++i)
    g << (i ? ", " : "") << quoted(map.x[i]) << ' ' << i;
  g << ") noenhanced\nset ytics (";
  for (std::size_t i = 0; i < map.y.size(); ++i)
    g << (i ? ", " : "") << quoted(map.y[i]) << ' ' << i;
  g << ") noenhanced\n$map << EOD\n";
  for (std::size_t yi = 0; yi < map.y.size(); ++yi) {
    for (std::size_t xi = 0; xi < map.x.size(); ++xi)
      g << xi << ' ' << yi << ' ' << number(map.z[yi][xi]) << '\n';
    g << '\n';
  }
  g << "EOD\nplot $map using 1:2:3 with image notitle\nunset output\n";
  return g.str();
}

std::string gnuplot_script(const BarChart& chart, const std::filesystem::path& output) {
  std::ostringstream g;
  g << preamble(output, chart.title) << "set ylabel " << quoted(chart.y_label) << " noenhanced\n"
    << "set style data histogram\nset style histogram errorbars gap 1 lw 1.5\nset style fill solid "
       "0.7 border -1\n"
    << "set boxwidth 0.9\nset key top right noenhanced\nset grid ytics lc rgb '#dddddd'\nset "
       "yrange [*:*]\n"
    << "set xtics rotate by -20 noenhanced\nset border 3\nset tics nomirror\n";
  g << "$bars << EOD\n";
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    g << quoted(chart.categories[c]);
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      g << ' ' << number(chart.values[s][c]) << ' ' << number(chart.low[s][c]) << ' '
        << number(chart.high[s][c]);
    }
    g << '\n';
  }
  g << "EOD\nplot ";
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const std::size_t col = 2 + 3 * s;
    g << (s ? ", " : "") << "$bars using " << col << ':' << col + 1 << ':' << col + 2
      << (s ? "" : ":xtic(1)") << " title " << quoted(chart.series[s]) << " noenhanced";
  }
  g << "\nunset output\n";
  return g.str();
}

std::string gnuplot_script(const TornadoChart& chart, const std::filesystem::path& output) {
  std::ostringstream g;
  const std::size_t n = chart.names.size();
  g << preamble(output, chart.title) << "set xlabel " << quoted(chart.x_label) << " noenhanced\n"
    << "set style fill solid 0.8 border -1\nset key below noenhanced\n"
    << "set grid xtics lc rgb '#dddddd'\nset border 3\nset tics nomirror\nset format x "
       "'%.1s%c'\nset xtics rotate by -30\nset yrange [0.3:"
    << n + 0.7 << "]\nset xzeroaxis lt -1\nset arrow from 0, graph 0 to 0, graph 1 nohead lc "
    << "rgb '#444444'\nset ytics (";
  for (std::size_t i = 0; i < n; ++i)  // the widest on top
    g << (i ? ", " : "") << tic_label(chart.names[i]) << ' ' << n - i;
  g << ") noenhanced\n$bars << EOD\n";
  for (std::size_t i = 0; i < n; ++i)
    g << n - i << ' ' << number(chart.low[i]) << ' ' << number(chart.high[i]) << '\n';
  // Two bars per assumption (low value above, high value below), so that both show when they
  // fall on the same side of the base.
  const bool intervals = chart.low_ci.size() == n && chart.high_ci.size() == n;
  if (intervals) {
    g << "EOD\n$ci << EOD\n";
    for (std::size_t i = 0; i < n; ++i) {
      g << n - i << ' ' << number(chart.low[i]) << ' ' << number(chart.low_ci[i].first) << ' '
        << number(chart.low_ci[i].second) << ' ' << number(chart.high[i]) << ' '
        << number(chart.high_ci[i].first) << ' ' << number(chart.high_ci[i].second) << '\n';
    }
  }
  g << "EOD\nplot $bars using ($2/2):($1+0.18):(abs($2)/2):(0.17) with boxxyerror lc rgb "
       "'#d95f02' title 'low value', $bars using ($3/2):($1-0.18):(abs($3)/2):(0.17) with "
       "boxxyerror lc rgb '#1b9e77' title 'high value'";
  if (intervals) {
    g << ", $ci using 2:($1+0.18):3:4 with xerrorbars lc rgb '#222222' pt 7 ps 0.4 title '95% "
         "CI', $ci using 5:($1-0.18):6:7 with xerrorbars lc rgb '#222222' pt 7 ps 0.4 notitle";
  }
  g << "\nunset output\n";
  return g.str();
}

std::string gnuplot_script(const IntervalChart& chart, const std::filesystem::path& output) {
  std::ostringstream g;
  const std::size_t n = chart.names.size();
  g << preamble(output, chart.title) << "set xlabel " << quoted(chart.x_label) << " noenhanced\n"
    << "set style fill solid 0.75 border -1\nunset key\nset grid xtics lc rgb '#dddddd'\n"
    << "set border 3\nset tics nomirror\nset yrange [0.4:" << n + 0.6
    << "]\nset offsets graph 0.05, graph 0.05, 0, 0\n"
    << "set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb '#444444'\nset ytics (";
  for (std::size_t i = 0; i < n; ++i)  // the first on top
    g << (i ? ", " : "") << tic_label(chart.names[i]) << ' ' << n - i;
  g << ") noenhanced\n";
  double widest = 0;
  for (std::size_t i = 0; i < n; ++i)
    widest = std::max(
        {widest, std::fabs(chart.low[i]), std::fabs(chart.high[i]), std::fabs(chart.mean[i])});
  if (widest >= 1e4) g << "set format x '%.1s%c'\nset xtics rotate by -30\n";  // 500.0k, 1.5M
  g << "$bars << EOD\n";
  for (std::size_t i = 0; i < n; ++i) {
    const int verdict = i < chart.verdict.size() ? chart.verdict[i] : 0;
    const char* colour = verdict > 0 ? "0x1a7f37" : verdict < 0 ? "0xc62828" : "0xb8860b";
    g << n - i << ' ' << number(chart.mean[i]) << ' ' << number(chart.low[i]) << ' '
      << number(chart.high[i]) << ' ' << colour << '\n';
  }
  g << "EOD\nplot $bars using ($2/2):1:(abs($2)/2):(0.28):5 with boxxyerror lc rgb variable, "
       "$bars using 2:1:3:4 with xerrorbars lc rgb '#222222' lw 1.5 pt 7 ps 0.6\nunset output\n";
  return g.str();
}

std::string svg_of(const IntervalChart& chart) {
  return svg_string(chart);
}

std::string svg_of(const TornadoChart& chart) {
  return svg_string(chart);
}

std::string svg_of(const LineChart& chart) {
  if (chart.series.empty()) throw UsageError("nothing to draw for " + chart.title);
  require_values(chart);
  return svg_string(chart);
}
std::string svg_of(const HeatMap& map) {
  return svg_string(map);
}
std::string svg_of(const BarChart& chart) {
  return svg_string(chart);
}

namespace {
/// Draws into `output` under a temporary name, then renames it (the file appears only whole).
template <class Chart>
void render_file(const Chart& chart, const std::filesystem::path& output);
}  // namespace

void render(const LineChart& chart, const std::filesystem::path& output) {
  terminal_for(output);
  if (chart.series.empty())
    throw UsageError("nothing to draw: the results file has no complete runs");
  require_values(chart);
  render_file(chart, output);
}

void render(const TornadoChart& chart, const std::filesystem::path& output) {
  terminal_for(output);
  render_file(chart, output);
}

namespace {

template <class Chart>
void render_file(const Chart& chart, const std::filesystem::path& output) {
  std::error_code error;
  if (std::filesystem::is_directory(output, error)) {
    throw UsageError("cannot draw into '" + output.string() + "': it is a directory");
  }
  const std::filesystem::path directory = output.parent_path().empty() ? "." : output.parent_path();
  if (!std::filesystem::is_directory(directory, error)) {
    throw UsageError("cannot draw '" + output.string() + "': directory '" + directory.string() +
                     "' does not exist");
  }
  // Drawn under a temporary name (hidden, same directory, same extension), then renamed.
  const std::filesystem::path partial = detail::partial_beside(output);
  std::error_code ignored;
  try {
    run_gnuplot(gnuplot_script(chart, partial), "'" + output.string() + "'");
    if (!std::filesystem::exists(partial)) {
      throw UsageError("gnuplot could not draw '" + output.string() + "' (its message is above)");
    }
    detail::check_complete_output(partial, "gnuplot", output);
    std::filesystem::rename(partial, output);
  } catch (...) {
    std::filesystem::remove(partial, ignored);
    throw;
  }
}

}  // namespace

}  // namespace orgsim::analysis
