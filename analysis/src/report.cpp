// The self-contained HTML report.
#include "orgsim/analysis/report.hpp"

#include "format.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/resilience.hpp"
#include "orgsim/analysis/sensitivity.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/analysis/tornado.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "report_parts.hpp"
#include "tools.hpp"

#include "orgsim/core/html.hpp"

#include <fmt/format.h>

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>

namespace orgsim::analysis {

using detail::figure;
using detail::Page;
using detail::PendingFigure;
using detail::ReportInput;

namespace {

constexpr std::size_t kMaxTableGroups =
    40;                               // more design points: the table groups by one parameter
constexpr std::size_t kMaxLines = 8;  // more design points: lines by one parameter

std::string base64(const std::string& bytes) {
  using namespace boost::archive::iterators;
  using Encoder = base64_from_binary<transform_width<std::string::const_iterator, 6, 8>>;
  std::string out(Encoder(bytes.begin()), Encoder(bytes.end()));
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

std::string number(double x) {
  return detail::rounded(x);
}

std::string short_name(const std::string& parameter) {
  const auto dot = parameter.rfind('.');
  return dot == std::string::npos ? parameter : parameter.substr(dot + 1);
}

const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1160px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; font-size: 1.25rem; }
h2.appendix { margin-top: 3rem; border-bottom: 3px solid #444; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; }
td.better { background: #e3f4e1; } td.worse { background: #fbe3e1; } td.mixed, td.same { background: #fdf3d8; } .neutral .light { color: #999; }
table.kpi { width: 100%; font-size: 0.86rem; } table.kpi td { white-space: nowrap; } table.kpi th small { font-weight: normal; color: #555; }
table.kpi td.base { background: #f4f4f4; font-weight: 600; }
.light { font-size: 1.05em; } .better .light, span.better { color: #1a7f37; } .worse .light, span.worse { color: #c62828; } .same .light { color: #b8860b; }
p.facts { font-size: 1rem; color: #333; margin-top: 0; } p.legend { font-size: 0.8rem; color: #555; margin-top: -0.4rem; }
figure { margin: 0.6rem 0; display: inline-block; width: 49%; vertical-align: top; }
figure.wide { width: 100%; } figure img { width: 100%; border: 1px solid #eee; } figcaption { font-size: 0.82rem; color: #555; }
pre { background: #f7f7f7; padding: 0.8rem; white-space: pre-wrap; word-break: break-word; font-size: 0.8rem; }
.note { color: #555; font-size: 0.9rem; } table.assumptions { width: 100%; } table.assumptions td { vertical-align: top; }
table.assumptions td:first-child { width: 24%; } table.assumptions td:last-child { width: 24%; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; } table.kpi, figure, tr { break-inside: avoid; }
  h2.appendix { break-before: page; } details { display: none; }
  h1 { font-size: 15pt; margin: 0; } h2 { margin-top: 0.8rem; font-size: 12pt; } p.facts { font-size: 9pt; margin: 0.1rem 0; }
  table.kpi { font-size: 7.5pt; margin: 0.3rem 0; } table.kpi th, table.kpi td { padding: 1px 4px; line-height: 1.2; }
  table.kpi th.text[rowspan] { width: 24%; } figure { width: 49%; } figure.small { width: 32.5%; }
}
)";

std::string attribute(const experiments::ResultsReader& results, const char* name) {
  return results.attribute(name).value_or("(not recorded)");
}

/// The directory `output` goes to. @throws UsageError when it is a directory or its directory does
/// not exist.
std::filesystem::path checked_directory(const std::filesystem::path& output) {
  std::error_code error;
  if (std::filesystem::is_directory(output, error))
    throw UsageError("cannot write '" + output.string() + "': it is a directory");
  const std::filesystem::path directory = output.parent_path().empty() ? "." : output.parent_path();
  if (!std::filesystem::is_directory(directory, error)) {
    throw UsageError("cannot write '" + output.string() + "': directory '" + directory.string() +
                     "' does not exist");
  }
  return directory;
}

/// The directory `output` goes to. @throws UsageError when the report cannot be written there.
std::filesystem::path checked_output_directory(const std::filesystem::path& output) {
  std::string extension = output.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".html" && extension != ".htm") {
    throw UsageError("cannot write the report to '" + output.string() +
                     "': the file name must end in .html");
  }
  return checked_directory(output);
}

/// The requested metrics, or the headline metrics this experiment measured in some complete run.
std::vector<std::string> report_metrics(const experiments::ResultsReader& results,
                                        const ReportOptions& options) {
  std::vector<std::string> metrics = options.metrics;
  if (metrics.empty()) {
    const Summary probe = summarize(results, {}, headline_metrics(results));
    for (std::size_t k = 0; k < probe.metrics.size(); ++k) {
      for (const auto& g : probe.groups) {
        if (g.estimates[k].n > 0 && std::isfinite(g.estimates[k].mean)) {
          metrics.push_back(probe.metrics[k]);
          break;
        }
      }
    }
  }
  metric_indices(results, metrics);  // unknown names: one clear error before any work
  if (metrics.empty())
    throw UsageError("nothing to report: no headline metric was measured in any complete run");
  return metrics;
}

/// Leaves out of the default metrics those every complete run ends with the same value of (a
/// metric that never moves says nothing on a page), naming them in `in.constant`; keeps at least
/// one.
void leave_out_constant_metrics(ReportInput& in) {
  const auto values = run_values(in.results, metric_indices(in.results, in.metrics), Window{});
  std::vector<std::string> kept;
  for (std::size_t k = 0; k < in.metrics.size(); ++k) {
    std::optional<double> first;
    bool constant = true;
    for (const auto& run : values) {
      if (!std::isfinite(run[k])) continue;
      if (!first) first = run[k];
      constant &= run[k] == *first;
    }
    if (constant && first)
      in.constant.push_back(in.metrics[k] + " = " + number(*first));
    else
      kept.push_back(in.metrics[k]);
  }
  if (kept.empty()) return;
  in.metrics = std::move(kept);
}

/// Reads the experiment and checks the options. @throws UsageError.
ReportInput read_input(const experiments::ResultsReader& results, const std::string& results_path,
                       const ReportOptions& options) {
  const std::optional<std::string> text = results.attribute("experiment");
  if (!text) throw UsageError(results_path + ": the results file does not record its experiment");
  ReportInput in{results,
                 results_path,
                 *text,
                 experiments::parse_experiment(*text, "the results file's experiment"),
                 results.parameter_columns(),
                 options.by,
                 {},
                 results.run_column("status"),
                 [&options](const std::string& line) {
                   if (options.progress) options.progress(line);
                 },
                 {}};
  if (!in.by.empty() && std::find(in.swept.begin(), in.swept.end(), in.by) == in.swept.end()) {
    throw UsageError("--by '" + in.by + "' is not a swept parameter; the swept parameters are: " +
                     detail::join(in.swept));
  }
  if (in.by.empty() && !in.swept.empty()) in.by = in.swept.front();
  in.metrics = report_metrics(results, options);
  if (options.metrics.empty()) leave_out_constant_metrics(in);
  return in;
}

/// The number of distinct values of `parameter` among the runs, counted up to kMaxLines + 1.
std::size_t distinct_values(const experiments::ResultsReader& results,
                            const std::string& parameter) {
  std::vector<std::string> seen;
  for (std::size_t run = 0; run < results.run_count() && seen.size() <= kMaxLines; ++run) {
    const std::string v = results.run_column(parameter)->format(run);
    if (std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
  }
  return seen.size();
}

void experiment_section(Page& page, const ReportInput& in) {
  const auto& results = in.results;
  const auto& spec = in.spec;
  std::size_t complete = 0;
  for (std::size_t run = 0; run < results.run_count(); ++run)
    complete += in.status->numbers[run] == 1;
  page.section("Experiment");
  page.body << "<p>"
            << html_escaped(spec.description.empty() ? "(no description)" : spec.description)
            << "</p>\n<table>"
            << "<tr><th class=text>results file</th><td class=text>"
            << html_escaped(in.results_path) << "</td></tr>"
            << "<tr><th class=text>design</th><td class=text>"
            << html_escaped(std::string(experiments::design_kind_name(spec.design.kind))) << ", "
            << spec.design_point_count() << " design points × " << spec.replications
            << " replications</td></tr>"
            << "<tr><th class=text>runs</th><td class=text>" << complete << " complete of "
            << results.run_count()
            << (complete < results.run_count() ? " (incomplete runs are left out everywhere)" : "")
            << "</td></tr>"
            << "<tr><th class=text>ticks</th><td class=text>" << spec.ticks
            << (spec.stop == agents::StopRule::equilibrium
                    ? " (or until equilibrium; a stopped run keeps its final state)"
                    : "")
            << "</td></tr>"
            << "<tr><th class=text>seed</th><td class=text>" << spec.seed << "</td></tr>"
            << "<tr><th class=text>orgsim</th><td class=text>"
            << html_escaped(attribute(results, "orgsim_version")) << " ("
            << html_escaped(attribute(results, "git_revision")) << ")</td></tr>"
            << "<tr><th class=text>created</th><td class=text>"
            << html_escaped(attribute(results, "created")) << "</td></tr>"
            << "</table>\n";
  if (!in.constant.empty()) {
    page.body << "<p class=note>Left out because every run ended with the same value: "
              << html_escaped(detail::join(in.constant)) << ".</p>\n";
  }
  page.body << "<details><summary>The experiment file, every value explicit</summary><pre>"
            << html_escaped(in.experiment_text) << "</pre></details>\n";
}

/// Metrics per table: more go to another table below, so that no table needs a horizontal scroll.
constexpr std::size_t kMetricsPerTable = 6;

/// The final-values table of `finals`' metrics [first, last): groups as rows.
void final_values_table(std::ostringstream& body, const Summary& finals, std::size_t first,
                        std::size_t last) {
  body << "<table><tr>";
  for (const auto& g : finals.group_by)
    body << "<th class=text>" << html_escaped(short_name(g)) << "</th>";
  body << "<th>runs</th>";
  for (std::size_t k = first; k < last; ++k)
    body << "<th>" << html_escaped(finals.metrics[k]) << "</th>";
  body << "</tr>\n";
  for (const auto& group : finals.groups) {
    body << "<tr>";
    for (const auto& v : group.key) body << "<td class=text>" << html_escaped(v) << "</td>";
    body << "<td>" << (group.estimates.empty() ? 0 : group.estimates.front().n) << "</td>";
    for (std::size_t k = first; k < last; ++k) {
      const Estimate& e = group.estimates[k];
      body << "<td>" << number(e.mean);
      if (std::isfinite(e.ci_low))
        body << "<br><small>[" << number(e.ci_low) << ", " << number(e.ci_high) << "]</small>";
      body << "</td>";
    }
    body << "</tr>\n";
  }
  body << "</table>\n";
}

/// Pearson's correlation of two equally long samples (NaN pairs left out; NaN without spread).
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    n += 1;
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    syy += y[i] * y[i];
    sxy += x[i] * y[i];
  }
  const double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  if (n < 3 || vx <= 0 || vy <= 0) return std::nan("");
  return (sxy - sx * sy / n) / std::sqrt(vx * vy);
}

/// A sampled design's final values, readable: each metric by fifths of `by` (equal numbers of
/// runs), and the correlation of every metric with every numeric swept parameter.
void binned_final_values(Page& page, const ReportInput& in) {
  const auto indices = metric_indices(in.results, in.metrics);
  const auto values = run_values(in.results, indices, Window{});  // complete runs, in run order
  std::vector<std::size_t> runs;
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    if (in.results.complete(run)) runs.push_back(run);
  auto& body = page.body;
  body << "<p class=note>" << runs.size() << " runs at " << in.spec.design_point_count()
       << " design points are too many for a row each. Correlation (Pearson's r over runs) of each "
          "metric at the run's end with each varied parameter:</p>\n<table><tr><th "
          "class=text>parameter</th>";
  for (const auto& m : in.metrics) body << "<th>" << html_escaped(m) << "</th>";
  body << "</tr>\n";
  for (const std::string& p : in.swept) {
    const auto* column = in.results.run_column(p);
    if (column->is_text) continue;
    std::vector<double> x;
    for (const std::size_t run : runs) x.push_back(column->numbers[run]);
    body << "<tr><td class=text>" << html_escaped(p) << "</td>";
    for (std::size_t k = 0; k < in.metrics.size(); ++k) {
      std::vector<double> y;
      for (const auto& v : values) y.push_back(v[k]);
      body << "<td>" << number(correlation(x, y)) << "</td>";
    }
    body << "</tr>\n";
  }
  body << "</table>\n";
  const auto* by = in.by.empty() ? nullptr : in.results.run_column(in.by);
  if (!by || by->is_text || runs.size() < 10) return;
  std::vector<std::size_t> order(runs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return by->numbers[runs[a]] < by->numbers[runs[b]];
  });
  Summary bins;
  bins.group_by = {in.by + " (fifths of the runs)"};
  bins.metrics = in.metrics;
  for (std::size_t b = 0; b < 5; ++b) {
    const std::size_t from = order.size() * b / 5, to = order.size() * (b + 1) / 5;
    GroupSummary g;
    g.key = {number(by->numbers[runs[order[from]]]) + " to " +
             number(by->numbers[runs[order[to - 1]]])};
    for (std::size_t k = 0; k < in.metrics.size(); ++k) {
      std::vector<double> column;
      for (std::size_t i = from; i < to; ++i)
        if (std::isfinite(values[order[i]][k])) column.push_back(values[order[i]][k]);
      g.estimates.push_back(estimate(column));
    }
    bins.groups.push_back(std::move(g));
  }
  body << "<p class=note>Each metric at the run's end by fifths of " << html_escaped(in.by)
       << " (mean and 95% confidence interval over the runs in each fifth; the other parameters "
          "vary within it):</p>\n";
  for (std::size_t first = 0; first < bins.metrics.size(); first += kMetricsPerTable)
    final_values_table(body, bins, first, std::min(bins.metrics.size(), first + kMetricsPerTable));
}

void final_values_section(Page& page, const ReportInput& in) {
  in.progress(fmt::format("report: summarizing {} runs", in.results.run_count()));
  std::vector<std::string> group_by;  // default: every swept parameter
  Summary finals = summarize(in.results, group_by, in.metrics);
  if (finals.groups.size() > kMaxTableGroups && !in.by.empty())
    finals = summarize(in.results, {in.by}, in.metrics);
  page.section("Final values by design");
  if (finals.groups.size() > kMaxTableGroups) {
    binned_final_values(page, in);
    return;
  }
  page.body << "<p class=note>Mean and 95% confidence interval (Student t) over replications at "
               "each run's last tick.</p>\n";
  for (std::size_t first = 0; first < finals.metrics.size(); first += kMetricsPerTable)
    final_values_table(page.body, finals, first,
                       std::min(finals.metrics.size(), first + kMetricsPerTable));
}

/// Which line of the time series each run belongs to ("": left out) and the legend's title.
struct LineGrouping {
  std::vector<std::string> labels;
  std::string key_title;
};

/// One line per design point when there are few, else per value of `by`; a sampled design (more
/// values of `by` than lines) puts every run in one line.
LineGrouping line_grouping(const ReportInput& in, std::size_t by_values) {
  const auto& results = in.results;
  LineGrouping g{std::vector<std::string>(results.run_count()), ""};
  const auto complete = [&](std::size_t run) { return in.status->numbers[run] == 1; };
  if (by_values > kMaxLines) {
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (complete(run)) g.labels[run] = "all runs";
    }
  } else if (in.spec.design_point_count() <= kMaxLines || in.by.empty()) {
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (!complete(run)) continue;
      std::string label;
      for (const auto& s : in.swept) {
        label +=
            (label.empty() ? "" : ", ") + short_name(s) + "=" + results.run_column(s)->format(run);
      }
      g.labels[run] = label.empty() ? "all runs" : label;
    }
    g.key_title = in.swept.empty() ? "" : "design";
  } else {
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (complete(run)) g.labels[run] = results.run_column(in.by)->format(run);
    }
    g.key_title = in.by;
  }
  return g;
}

void add_time_series(std::vector<PendingFigure>& figures, const ReportInput& in,
                     std::size_t by_values) {
  const LineGrouping lines = line_grouping(in, by_values);
  const std::vector<LineChart> series =
      time_series_charts(in.results, lines.labels, in.metrics, lines.key_title,
                         [&](std::size_t done, std::size_t total) {
                           if (done == total || done % 2048 == 1) {
                             in.progress(fmt::format("report: reading runs {}/{}", done, total));
                           }
                         });
  for (const auto& chart : series) {
    bool measured = false;
    for (const auto& s : chart.series) measured |= !s.y.empty();
    if (!measured) continue;
    figures.push_back(
        {"Over time", [chart] { return svg_of(chart); },
         chart.y_label + " over time: mean over replications with its 95% confidence band"});
  }
}

/// Final values over `by`, one line per value of the first other swept parameter with few values.
void add_final_value_charts(std::vector<PendingFigure>& figures, const ReportInput& in,
                            std::size_t by_values) {
  if (in.swept.empty()) return;
  const std::string& x = in.by;
  std::string line_by;
  for (const auto& s : in.swept) {
    if (s != x && distinct_values(in.results, s) <= kMaxLines) {
      line_by = s;
      break;
    }
  }
  for (const auto& m : in.metrics) {
    LineChart chart = final_metric_chart(in.results, x, line_by, m);
    if (by_values > kMaxLines) chart.lines = false;  // a sampled design: a scatter of design points
    bool measured = false;
    for (const auto& s : chart.series) {
      for (const auto& e : s.y) measured |= e.n > 0 && std::isfinite(e.mean);
    }
    if (!measured) continue;
    const std::string note = chart.note.empty() ? "" : " (" + chart.note + ")";
    figures.push_back({"Final values across designs", [chart] { return svg_of(chart); },
                       m + " at the end of each run over " + x +
                           (line_by.empty() ? "" : ", by " + line_by) + note});
  }
}

/// The distinct values of grouping column `column` in order of appearance, numbers sorted.
std::vector<std::string> axis_values(const Summary& grid, std::size_t column,
                                     const ReportInput& in) {
  std::vector<std::string> values;
  for (const auto& g : grid.groups) {
    if (std::find(values.begin(), values.end(), g.key[column]) == values.end())
      values.push_back(g.key[column]);
  }
  if (!in.results.run_column(in.swept[column])->is_text) {
    std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
      return std::stod(a) < std::stod(b);
    });
  }
  return values;
}

/// Heat maps of the first four metrics over a two-parameter sweep.
void add_heat_maps(std::vector<PendingFigure>& figures, const ReportInput& in) {
  if (in.swept.size() != 2) return;
  const Summary grid = summarize(in.results, in.swept, in.metrics);
  const std::vector<std::string> xs = axis_values(grid, 0, in), ys = axis_values(grid, 1, in);
  if (xs.size() * ys.size() > 10000) return;
  for (std::size_t k = 0; k < grid.metrics.size() && k < 4; ++k) {
    HeatMap map;
    map.title = grid.metrics[k] + " (mean at each run's end)";
    map.x_label = in.swept[0];
    map.y_label = in.swept[1];
    map.z_label = grid.metrics[k];
    map.x = xs;
    map.y = ys;
    map.z.assign(ys.size(), std::vector<double>(xs.size(), std::nan("")));
    bool measured = false;
    for (const auto& g : grid.groups) {
      const auto xi =
          static_cast<std::size_t>(std::find(xs.begin(), xs.end(), g.key[0]) - xs.begin());
      const auto yi =
          static_cast<std::size_t>(std::find(ys.begin(), ys.end(), g.key[1]) - ys.begin());
      map.z[yi][xi] = g.estimates[k].mean;
      measured |= std::isfinite(g.estimates[k].mean);
    }
    if (!measured) continue;
    figures.push_back({"Two-parameter map", [map] { return svg_of(map); },
                       grid.metrics[k] + " over " + in.swept[0] + " and " + in.swept[1]});
  }
}

BarChart sensitivity_bars(const SensitivityResult& s, const std::string& metric) {
  BarChart bars;
  bars.categories = s.parameters;
  if (s.method == "sobol") {
    bars.title = "Sobol indices of " + metric + " (95% bootstrap intervals)";
    bars.y_label = "share of variance";
    bars.series = {"first order", "total"};
    bars.values = {{}, {}};
    bars.low = {{}, {}};
    bars.high = {{}, {}};
    for (const auto& i : s.sobol.front()) {
      bars.values[0].push_back(i.first);
      bars.low[0].push_back(i.first_low);
      bars.high[0].push_back(i.first_high);
      bars.values[1].push_back(i.total);
      bars.low[1].push_back(i.total_low);
      bars.high[1].push_back(i.total_high);
    }
  } else {
    bars.title = "Morris elementary effects of " + metric;
    bars.y_label = "effect per unit of the parameter's range";
    bars.series = {"mu*", "sigma"};
    bars.values = {{}, {}};
    for (const auto& i : s.morris.front()) {
      bars.values[0].push_back(i.mu_star);
      bars.values[1].push_back(i.sigma);
    }
    bars.low = bars.values;
    bars.high = bars.values;
  }
  for (auto& c : bars.categories) c = short_name(c);
  return bars;
}

/// Sensitivity bars of the first metric for a saltelli or morris sweep; returns the index table
/// printed above them ("" for another design).
std::string add_sensitivity(std::vector<PendingFigure>& figures, const ReportInput& in,
                            std::size_t bootstrap) {
  if (!in.spec.design.sobol_blocks() && in.spec.design.kind != experiments::DesignKind::morris)
    return "";
  in.progress("report: sensitivity indices");
  const SensitivityResult s = sensitivity(in.results, {in.metrics.front()}, {}, bootstrap);
  const BarChart bars = sensitivity_bars(s, in.metrics.front());
  figures.push_back({"Sensitivity", [bars] { return svg_of(bars); }, bars.title});
  std::ostringstream table;
  print_sensitivity(table, s);
  return table.str();
}

/// Draws the figures in order, a heading where their section changes.
void draw_figures(Page& page, const std::vector<PendingFigure>& figures,
                  const std::string& sensitivity_note, const ReportInput& in) {
  std::string current;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    if (i % 5 == 0 || i + 1 == figures.size()) {
      in.progress(fmt::format("report: drawing figure {}/{}", i + 1, figures.size()));
    }
    if (figures[i].section != current) {
      current = figures[i].section;
      page.section(current);
      if (current == "Sensitivity")
        page.body << "<pre>" << html_escaped(sensitivity_note) << "</pre>\n";
    }
    page.body << figure(figures[i].draw(), figures[i].caption);
    ++page.summary.figures;
  }
}

/// Every chart: over time, final values across designs, heat maps, sensitivity.
void figure_sections(Page& page, const ReportInput& in, const ReportOptions& options) {
  const std::size_t by_values = in.by.empty() ? 0 : distinct_values(in.results, in.by);
  std::vector<PendingFigure> figures;
  add_time_series(figures, in, by_values);
  add_final_value_charts(figures, in, by_values);
  add_heat_maps(figures, in);
  const std::string sensitivity_note = add_sensitivity(figures, in, options.bootstrap);
  draw_figures(page, figures, sensitivity_note, in);
}

/// Resilience of strategic fit after the shock, when the experiment has one.
void resilience_section(Page& page, const ReportInput& in) {
  std::optional<Resilience> r;
  try {
    r = resilience(in.results, "strategic_fit", 0.05,
                   in.by.empty() ? std::vector<std::string>{} : std::vector<std::string>{in.by});
  } catch (const UsageError&) {
    return;  // no shock in this experiment: no section
  }
  page.section("Resilience after the shock");
  std::ostringstream table;
  print_resilience(table, *r);
  page.body << "<p class=note>Drop of strategic fit from the last tick before each run's first "
               "shock to its worst "
               "value, and the ticks until it is back within 5% of its pre-shock level (orgsim "
               "resilience).</p>\n<pre>"
            << html_escaped(table.str()) << "</pre>\n";
}

/// The category verdicts: one row per design, then one sentence per design.
void category_table(std::ostringstream& body, const Comparison& c, const std::string& by) {
  body << "<p class=note>Each design against " << html_escaped(c.baseline)
       << " run by run: replication k saw the same random events in every design (common random "
          "numbers), "
          "so the differences are paired. 95% t intervals of the mean difference; a category is "
          "better "
          "(worse) when at least one of its metrics differs significantly in that "
          "direction.</p>\n<table><tr><th "
          "class=text>"
       << html_escaped(by) << "</th>";
  for (const auto& category : c.categories) {
    std::string label = category_label(category);  // words that can wrap: no underscores
    std::replace(label.begin(), label.end(), '_', ' ');
    body << "<th class=text>" << html_escaped(label) << "</th>";
  }
  body << "</tr>\n";
  for (const auto& d : c.designs) {
    body << "<tr><td class=text>" << html_escaped(d.value) << "</td>";
    for (const auto& v : d.categories)
      body << "<td class=\"text " << v << "\">" << (v.empty() ? "–" : v) << "</td>";
    body << "</tr>\n";
  }
  body << "</table>\n<ul>";
  for (const auto& d : c.designs) body << "<li>" << html_escaped(verdict_sentence(c, d)) << "</li>";
  body << "</ul>\n";
}

/// The shown metrics of every design against the baseline, with the difference and verdict.
void metric_differences_table(std::ostringstream& body, const Comparison& c,
                              const std::string& by) {
  body << "<table><tr><th class=text>" << html_escaped(short_name(by))
       << "</th><th class=text>metric</th><th>design</th><th>" << html_escaped(c.baseline)
       << "</th><th>difference</th><th>95% CI</th><th class=text>verdict</th></tr>\n";
  for (const auto& d : c.designs) {
    for (const auto& m : d.metrics) {
      if (std::find(c.shown.begin(), c.shown.end(), m.metric) == c.shown.end()) continue;
      const std::string verdict = m.verdict > 0 ? "better" : m.verdict < 0 ? "worse" : "";
      body << "<tr><td class=text>" << html_escaped(d.value) << "</td><td class=text>"
           << html_escaped(m.metric) << "</td><td>" << number(m.design.mean) << "</td><td>"
           << number(m.baseline.mean) << "</td><td>" << number(m.difference.mean) << "</td><td>["
           << number(m.difference.ci_low) << ", " << number(m.difference.ci_high)
           << "]</td><td class=\"text " << verdict << "\">"
           << (!verdict.empty() ? verdict
               : m.negligible   ? "negligible"
                                : "not significant")
           << "</td></tr>\n";
    }
  }
  body << "</table>\n";
}

/// The paired comparison of the values of `by`, or why there is none.
void comparison_section(Page& page, const ReportInput& in) {
  if (in.by.empty()) return;
  if (distinct_values(in.results, in.by) > kMaxLines) return;  // sampled: the correlations instead
  page.section("Comparison of designs");
  page.body << "<p class=note>At each run's last week (the executive summary judges years and "
               "the whole horizon instead, so the two can differ).</p>\n";
  try {
    const Comparison c = compare(in.results, in.by, "", {});
    category_table(page.body, c, in.by);
    metric_differences_table(page.body, c, in.by);
  } catch (const UsageError& e) {
    page.body << "<p class=note>No paired comparison: " << html_escaped(e.what()) << "</p>\n";
  }
}

/// Writes the page under a temporary name in `directory`, then renames it to `output`.
void write_page(const Page& page, const ReportInput& in, const std::filesystem::path& output,
                const std::filesystem::path& directory) {
  std::string name(1, '.');
  name.append(output.stem().string())
      .append(".partial-")
      .append(std::to_string(::getpid()))
      .append(".html");
  const std::filesystem::path partial = directory / name;
  std::error_code error;
  {
    std::ofstream out(partial);
    out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>"
        << html_escaped(in.spec.name) << " — orgsim report</title><style>" << kStyle
        << "</style></head><body>\n<h1>" << html_escaped(in.spec.name) << "</h1>\n"
        << page.body.str() << "</body></html>\n";
    if (!out.flush()) {
      const int cause = errno;
      std::filesystem::remove(partial, error);
      detail::throw_write_error(output, cause);
    }
  }
  std::filesystem::rename(partial, output, error);
  if (error) {
    std::filesystem::remove(partial, error);
    throw UsageError("cannot write '" + output.string() + "'");
  }
}

}  // namespace

namespace detail {

std::string figure(const std::string& svg, const std::string& caption,
                   const std::string& css_class) {
  return (css_class.empty() ? "<figure>" : "<figure class=" + css_class + ">") + "<img alt=\"" +
         html_escaped(caption) + "\" src=\"data:image/svg+xml;base64," + base64(svg) +
         "\"><figcaption>" + html_escaped(caption) + "</figcaption></figure>\n";
}

std::string rounded(double x, const char* nan_text, bool keep_zeros) {
  if (std::isnan(x)) return nan_text;
  if (std::isinf(x)) return x > 0 ? "∞" : "−∞";
  if (x == 0) return "0";
  // Three significant figures, then the digits before the point in groups of three.
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(x))));
  const int decimals = std::max(0, 2 - magnitude);
  const double scale = std::pow(10.0, magnitude - 2);
  std::string text = fmt::format("{:.{}f}", std::round(x / scale) * scale, decimals);
  if (decimals > 0 && !keep_zeros) {  // "3.10" -> "3.1", "3.00" -> "3"
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  const std::size_t sign = text[0] == '-' ? 1 : 0;
  const std::size_t point = std::min(text.find('.'), text.size());
  for (std::size_t at = point; at > sign + 3; at -= 3) text.insert(at - 3, ",");
  if (sign) text.replace(0, 1, "−");
  return text;
}

}  // namespace detail

namespace {

std::string chromium_program() {
  const char* named = std::getenv("CHROMIUM");
  return named && *named ? named : "chromium";
}

/// Before any work: the tornado file is a tornado of the same experiment. @throws UsageError.
void check_tornado(const std::string& path, const experiments::ResultsReader& results) {
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    throw UsageError("--tornado " + path + ": no such file");
  if (!experiments::is_results_file(path)) {
    throw UsageError("--tornado " + path +
                     ": not an orgsim results file (write one with orgsim tornado -o)");
  }
  const experiments::ResultsReader tornado(path);
  const auto name = [](const experiments::ResultsReader& r) {
    const auto text = r.attribute("experiment");
    return text ? experiments::parse_experiment(*text, "results").name : std::string();
  };
  const std::string mine = name(results), theirs = name(tornado);
  if (theirs.rfind(mine + " tornado", 0) != 0 ||
      results.attribute("currency") != tornado.attribute("currency")) {
    throw UsageError("--tornado " + path + ": a tornado of experiment '" + theirs +
                     "', not of the report's '" + mine + "' in the same currency");
  }
  (void)analysis::tornado(tornado, tornado.metric_info().front().name, parse_window("total"));
}

/// Before any work: Chromium is there and the PDF can be written. @throws UsageError.
void check_pdf(const std::filesystem::path& pdf) {
  std::string extension = pdf.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".pdf")
    throw UsageError("cannot print the report to '" + pdf.string() +
                     "': the file name must end in .pdf");
  checked_directory(pdf);
  if (detail::find_program(chromium_program()).empty()) {
    const bool path = chromium_program().find('/') != std::string::npos;
    throw UsageError("--pdf needs headless Chromium, and '" + chromium_program() +
                     (path ? "' is not an executable file" : "' is not on PATH") +
                     " (install Debian's chromium, or name it in $CHROMIUM)");
  }
}

}  // namespace

void print_pdf(const std::filesystem::path& html, const std::filesystem::path& pdf) {
  const std::string chromium = chromium_program();
  std::string profile =
      (std::filesystem::temp_directory_path() / "orgsim-chromium-XXXXXX").string();
  if (!::mkdtemp(profile.data()))
    throw UsageError("cannot create a temporary directory for Chromium");
  const std::filesystem::path partial = detail::partial_beside(pdf);
  std::error_code ignored;
  try {
    // A private profile: a user's running Chromium keeps its own, and nothing is left behind.
    detail::run_tool(
        {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--user-data-dir=" + profile, "--print-to-pdf=" + partial.string(),
         "file://" + std::filesystem::absolute(html).string()},
        "print " + html.string() + " to PDF", "chromium", 180);
  } catch (...) {
    std::filesystem::remove_all(profile, ignored);
    std::filesystem::remove(partial, ignored);
    throw;
  }
  std::filesystem::remove_all(profile, ignored);
  if (std::filesystem::file_size(partial, ignored) == 0 || ignored) {
    std::filesystem::remove(partial, ignored);
    throw UsageError(chromium + " printed no PDF of " + html.string());
  }
  try {
    detail::check_complete_output(partial, chromium, pdf);
  } catch (...) {
    std::filesystem::remove(partial, ignored);
    throw;
  }
  std::filesystem::rename(partial, pdf, ignored);
  if (ignored) {
    std::filesystem::remove(partial, ignored);
    throw UsageError("cannot write '" + pdf.string() + "'");
  }
}

ReportSummary write_report(const experiments::ResultsReader& results,
                           const std::string& results_path, const std::filesystem::path& output,
                           const ReportOptions& options) {
  // The output path first: nothing is computed for a report that cannot be written.
  const std::filesystem::path directory = checked_output_directory(output);
  if (!options.pdf.empty()) check_pdf(options.pdf);
  if (!options.tornado.empty()) check_tornado(options.tornado, results);
  const ReportInput in = read_input(results, results_path, options);
  Page page;
  detail::executive_sections(page, in, options);
  page.body << "<h2 class=appendix>Analyst appendix</h2>\n";
  experiment_section(page, in);
  final_values_section(page, in);
  figure_sections(page, in, options);
  resilience_section(page, in);
  comparison_section(page, in);
  write_page(page, in, output, directory);
  if (!options.pdf.empty()) print_pdf(output, options.pdf);
  return page.summary;
}

}  // namespace orgsim::analysis
