// The self-contained HTML report.
#include "orgsim/analysis/report.hpp"

#include "format.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/resilience.hpp"
#include "orgsim/analysis/sensitivity.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"

#include "orgsim/core/html.hpp"

#include <fmt/format.h>

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>

namespace orgsim::analysis {

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
  return detail::readable_number(x, 4, "–");
}

std::string short_name(const std::string& parameter) {
  const auto dot = parameter.rfind('.');
  return dot == std::string::npos ? parameter : parameter.substr(dot + 1);
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure><img alt=\"" + html_escaped(caption) + "\" src=\"data:image/svg+xml;base64," +
         base64(svg) + "\"><figcaption>" + html_escaped(caption) + "</figcaption></figure>\n";
}

const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.55rem; text-align: right; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; }
td.better { background: #e3f4e1; } td.worse { background: #fbe3e1; } td.mixed { background: #fdf3d8; }
figure { margin: 1rem 0; display: inline-block; width: 49%; vertical-align: top; }
figure img { width: 100%; border: 1px solid #eee; } figcaption { font-size: 0.85rem; color: #555; }
pre { background: #f7f7f7; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
.note { color: #555; font-size: 0.9rem; } .wide { overflow-x: auto; }
)";

std::string attribute(const experiments::ResultsReader& results, const char* name) {
  return results.attribute(name).value_or("(not recorded)");
}

/// What every section reads: the results, their experiment, and the choices of this report.
struct ReportInput {
  const experiments::ResultsReader& results;
  const std::string& results_path;
  std::string experiment_text;  ///< the resolved experiment the results file records
  experiments::ExperimentSpec spec;
  std::vector<std::string> swept;  ///< swept parameters, in design order
  std::string by;  ///< parameter to compare and draw lines by ("" when none is swept)
  std::vector<std::string> metrics;  ///< reported metrics
  const experiments::RunColumn* status = nullptr;
  std::function<void(const std::string&)> progress;  ///< never empty
};

/// The page body as it grows, with the headings and figure count for the caller.
struct Page {
  std::ostringstream body;
  ReportSummary summary;

  void section(const std::string& heading) {
    summary.sections.push_back(heading);
    body << "<h2>" << html_escaped(heading) << "</h2>\n";
  }
};

/// A figure to draw once every chart is known (drawing takes most of the time: progress).
struct PendingFigure {
  std::string section;
  std::function<std::string()> draw;
  std::string caption;
};

/// The directory `output` goes to. @throws UsageError when the report cannot be written there.
std::filesystem::path checked_output_directory(const std::filesystem::path& output) {
  std::string extension = output.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".html" && extension != ".htm") {
    throw UsageError("cannot write the report to '" + output.string() +
                     "': the file name must end in .html");
  }
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
                 }};
  if (!in.by.empty() && std::find(in.swept.begin(), in.swept.end(), in.by) == in.swept.end()) {
    throw UsageError("--by '" + in.by + "' is not a swept parameter; the swept parameters are: " +
                     detail::join(in.swept));
  }
  if (in.by.empty() && !in.swept.empty()) in.by = in.swept.front();
  in.metrics = report_metrics(results, options);
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
  page.body
      << "<p>" << html_escaped(spec.description.empty() ? "(no description)" : spec.description)
      << "</p>\n<table>"
      << "<tr><th class=text>results file</th><td class=text>" << html_escaped(in.results_path)
      << "</td></tr>"
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
      << "</table>\n<details><summary>The experiment file, every value explicit</summary><pre>"
      << html_escaped(in.experiment_text) << "</pre></details>\n";
}

void final_values_section(Page& page, const ReportInput& in) {
  in.progress(fmt::format("report: summarizing {} runs", in.results.run_count()));
  std::vector<std::string> group_by;  // default: every swept parameter
  Summary finals = summarize(in.results, group_by, in.metrics);
  if (finals.groups.size() > kMaxTableGroups && !in.by.empty())
    finals = summarize(in.results, {in.by}, in.metrics);
  page.section("Final values by design");
  auto& body = page.body;
  body << "<p class=note>Mean and 95% confidence interval (Student t) over replications at each "
          "run's last "
          "tick.</p>\n<div class=wide><table><tr>";
  for (const auto& g : finals.group_by)
    body << "<th class=text>" << html_escaped(short_name(g)) << "</th>";
  body << "<th>runs</th>";
  for (const auto& m : finals.metrics) body << "<th>" << html_escaped(m) << "</th>";
  body << "</tr>\n";
  for (const auto& group : finals.groups) {
    body << "<tr>";
    for (const auto& v : group.key) body << "<td class=text>" << html_escaped(v) << "</td>";
    body << "<td>" << (group.estimates.empty() ? 0 : group.estimates.front().n) << "</td>";
    for (const auto& e : group.estimates) {
      body << "<td>" << number(e.mean);
      if (std::isfinite(e.ci_low))
        body << "<br><small>[" << number(e.ci_low) << ", " << number(e.ci_high) << "]</small>";
      body << "</td>";
    }
    body << "</tr>\n";
  }
  body << "</table></div>\n";
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
  const auto kind = in.spec.design.kind;
  if (kind != experiments::DesignKind::saltelli && kind != experiments::DesignKind::morris)
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
  for (const auto& category : c.categories)
    body << "<th class=text>" << html_escaped(category) << "</th>";
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
           << (verdict.empty() ? "no difference" : verdict) << "</td></tr>\n";
    }
  }
  body << "</table>\n";
}

/// The paired comparison of the values of `by`, or why there is none.
void comparison_section(Page& page, const ReportInput& in) {
  if (in.by.empty()) return;
  page.section("Comparison of designs");
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
        << "</style></head><body>\n<h1>" << html_escaped(in.spec.name)
        << "</h1>\n<p class=note>orgsim report of " << html_escaped(in.results_path) << "</p>\n"
        << page.body.str() << "</body></html>\n";
    if (!out.flush()) {
      std::filesystem::remove(partial, error);
      throw UsageError("cannot write " + partial.string());
    }
  }
  std::filesystem::rename(partial, output, error);
  if (error) {
    std::filesystem::remove(partial, error);
    throw UsageError("cannot write '" + output.string() + "'");
  }
}

}  // namespace

ReportSummary write_report(const experiments::ResultsReader& results,
                           const std::string& results_path, const std::filesystem::path& output,
                           const ReportOptions& options) {
  // The output path first: nothing is computed for a report that cannot be written.
  const std::filesystem::path directory = checked_output_directory(output);
  const ReportInput in = read_input(results, results_path, options);
  Page page;
  experiment_section(page, in);
  final_values_section(page, in);
  figure_sections(page, in, options);
  resilience_section(page, in);
  comparison_section(page, in);
  write_page(page, in, output, directory);
  return page.summary;
}

}  // namespace orgsim::analysis
