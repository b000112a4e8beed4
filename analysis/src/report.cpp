// The self-contained HTML report.
#include "orgsim/analysis/report.hpp"

#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/resilience.hpp"
#include "orgsim/analysis/sensitivity.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "format.hpp"
#include "orgsim/experiments/experiment.hpp"

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

constexpr std::size_t kMaxTableGroups = 40;  // more design points: the table groups by one parameter
constexpr std::size_t kMaxLines = 8;         // more design points: lines by one parameter

std::string html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  using namespace boost::archive::iterators;
  using Encoder = base64_from_binary<transform_width<std::string::const_iterator, 6, 8>>;
  std::string out(Encoder(bytes.begin()), Encoder(bytes.end()));
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

std::string number(double x) { return detail::readable_number(x, 4, "–"); }

std::string short_name(const std::string& parameter) {
  const auto dot = parameter.rfind('.');
  return dot == std::string::npos ? parameter : parameter.substr(dot + 1);
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure><img alt=\"" + html(caption) + "\" src=\"data:image/svg+xml;base64," + base64(svg) +
         "\"><figcaption>" + html(caption) + "</figcaption></figure>\n";
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

}  // namespace

ReportSummary write_report(const experiments::ResultsReader& results, const std::string& results_path,
                           const std::filesystem::path& output, const ReportOptions& options) {
  // The output path first: nothing is computed for a report that cannot be written.
  std::string extension = output.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".html" && extension != ".htm") {
    throw UsageError("cannot write the report to '" + output.string() + "': the file name must end in .html");
  }
  std::error_code error;
  if (std::filesystem::is_directory(output, error)) throw UsageError("cannot write '" + output.string() + "': it is a directory");
  const std::filesystem::path directory = output.parent_path().empty() ? "." : output.parent_path();
  if (!std::filesystem::is_directory(directory, error)) {
    throw UsageError("cannot write '" + output.string() + "': directory '" + directory.string() + "' does not exist");
  }
  const auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  const std::optional<std::string> text = results.attribute("experiment");
  if (!text) throw UsageError(results_path + ": the results file does not record its experiment");
  const experiments::ExperimentSpec spec = experiments::parse_experiment(*text, "the results file's experiment");
  const std::vector<std::string> swept = results.parameter_columns();
  std::string by = options.by;
  if (!by.empty() && std::find(swept.begin(), swept.end(), by) == swept.end()) {
    throw UsageError("--by '" + by + "' is not a swept parameter; the swept parameters are: " +
                     detail::join(swept));
  }
  if (by.empty() && !swept.empty()) by = swept.front();

  // Metrics: the requested ones, or the headline metrics this experiment measured.
  std::vector<std::string> metrics = options.metrics;
  if (metrics.empty()) {
    const Summary probe = summarize(results, {}, headline_metrics());
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
  if (metrics.empty()) throw UsageError("nothing to report: no headline metric was measured in any complete run");

  ReportSummary summary;
  std::ostringstream body;
  const auto section = [&](const std::string& heading) {
    summary.sections.push_back(heading);
    body << "<h2>" << html(heading) << "</h2>\n";
  };

  // --- the experiment -------------------------------------------------------------------------
  const auto* status = results.run_column("status");
  std::size_t complete = 0;
  for (std::size_t run = 0; run < results.run_count(); ++run) complete += status->numbers[run] == 1;
  section("Experiment");
  body << "<p>" << html(spec.description.empty() ? "(no description)" : spec.description) << "</p>\n<table>"
       << "<tr><th class=text>results file</th><td class=text>" << html(results_path) << "</td></tr>"
       << "<tr><th class=text>design</th><td class=text>"
       << html(std::string(experiments::design_kind_name(spec.design.kind))) << ", " << spec.design_point_count()
       << " design points × " << spec.replications << " replications</td></tr>"
       << "<tr><th class=text>runs</th><td class=text>" << complete << " complete of " << results.run_count()
       << (complete < results.run_count() ? " (incomplete runs are left out everywhere)" : "") << "</td></tr>"
       << "<tr><th class=text>ticks</th><td class=text>" << spec.ticks
       << (spec.stop == agents::StopRule::equilibrium ? " (or until equilibrium; a stopped run keeps its final state)" : "")
       << "</td></tr>"
       << "<tr><th class=text>seed</th><td class=text>" << spec.seed << "</td></tr>"
       << "<tr><th class=text>orgsim</th><td class=text>" << html(attribute(results, "orgsim_version")) << " ("
       << html(attribute(results, "git_revision")) << ")</td></tr>"
       << "<tr><th class=text>created</th><td class=text>" << html(attribute(results, "created")) << "</td></tr>"
       << "</table>\n<details><summary>The experiment file, every value explicit</summary><pre>" << html(*text)
       << "</pre></details>\n";

  // --- final values ---------------------------------------------------------------------------
  progress("report: summarizing " + std::to_string(results.run_count()) + " runs");
  std::vector<std::string> group_by;  // default: every swept parameter
  Summary finals = summarize(results, group_by, metrics);
  if (finals.groups.size() > kMaxTableGroups && !by.empty()) finals = summarize(results, {by}, metrics);
  section("Final values by design");
  body << "<p class=note>Mean and 95% confidence interval (Student t) over replications at each run's last "
          "tick.</p>\n<div class=wide><table><tr>";
  for (const auto& g : finals.group_by) body << "<th class=text>" << html(short_name(g)) << "</th>";
  body << "<th>runs</th>";
  for (const auto& m : finals.metrics) body << "<th>" << html(m) << "</th>";
  body << "</tr>\n";
  for (const auto& group : finals.groups) {
    body << "<tr>";
    for (const auto& v : group.key) body << "<td class=text>" << html(v) << "</td>";
    body << "<td>" << (group.estimates.empty() ? 0 : group.estimates.front().n) << "</td>";
    for (const auto& e : group.estimates) {
      body << "<td>" << number(e.mean);
      if (std::isfinite(e.ci_low)) body << "<br><small>[" << number(e.ci_low) << ", " << number(e.ci_high) << "]</small>";
      body << "</td>";
    }
    body << "</tr>\n";
  }
  body << "</table></div>\n";

  // --- figures: collect the charts, then draw them with progress -----------------------------
  struct Pending {
    std::string section;
    std::function<std::string()> draw;
    std::string caption;
  };
  std::vector<Pending> pending;

  // Time series: one line per design point when there are few, else per value of `by`.
  std::vector<std::string> labels(results.run_count());
  std::string key_title;
  std::size_t by_values = 0;
  if (!by.empty()) {
    std::vector<std::string> seen;
    for (std::size_t run = 0; run < results.run_count() && seen.size() <= kMaxLines; ++run) {
      const std::string v = results.run_column(by)->format(run);
      if (std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
    }
    by_values = seen.size();
  }
  if (by_values > kMaxLines) {  // a sampled design: every run in one line
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (status->numbers[run] == 1) labels[run] = "all runs";
    }
    key_title = "";
  } else if (spec.design_point_count() <= kMaxLines || by.empty()) {
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (status->numbers[run] != 1) continue;
      std::string label;
      for (const auto& s : swept) label += (label.empty() ? "" : ", ") + short_name(s) + "=" + results.run_column(s)->format(run);
      labels[run] = label.empty() ? "all runs" : label;
    }
    key_title = swept.empty() ? "" : "design";
  } else {
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (status->numbers[run] == 1) labels[run] = results.run_column(by)->format(run);
    }
    key_title = by;
  }
  const std::vector<LineChart> series = time_series_charts(
      results, labels, metrics, key_title, [&](std::size_t done, std::size_t total) {
        if (done == total || done % 2048 == 1) progress("report: reading runs " + std::to_string(done) + "/" + std::to_string(total));
      });
  for (const auto& chart : series) {
    bool measured = false;
    for (const auto& s : chart.series) measured |= !s.y.empty();
    if (!measured) continue;
    pending.push_back({"Over time", [chart] { return svg_of(chart); },
                       chart.y_label + " over time: mean over replications with its 95% confidence band"});
  }

  // Final values over the first swept parameter, one line per value of the second.
  if (!swept.empty()) {
    const std::string x = by;
    std::string line_by;
    for (const auto& s : swept) {
      if (s == x) continue;
      std::size_t values = 0;
      std::vector<std::string> seen;
      for (std::size_t run = 0; run < results.run_count() && values <= kMaxLines; ++run) {
        const std::string v = results.run_column(s)->format(run);
        if (std::find(seen.begin(), seen.end(), v) == seen.end()) {
          seen.push_back(v);
          ++values;
        }
      }
      if (values <= kMaxLines) {
        line_by = s;
        break;
      }
    }
    for (const auto& m : metrics) {
      LineChart chart = final_metric_chart(results, x, line_by, m);
      if (by_values > kMaxLines) chart.lines = false;  // a sampled design: a scatter of design points
      bool measured = false;
      for (const auto& s : chart.series) {
        for (const auto& e : s.y) measured |= e.n > 0 && std::isfinite(e.mean);
      }
      if (!measured) continue;
      const std::string note = chart.note.empty() ? "" : " (" + chart.note + ")";
      pending.push_back({"Final values across designs", [chart] { return svg_of(chart); },
                         m + " at the end of each run over " + x + (line_by.empty() ? "" : ", by " + line_by) + note});
    }
  }

  // Heat map: two swept parameters.
  if (swept.size() == 2) {
    const Summary grid = summarize(results, swept, metrics);
    std::vector<std::string> xs, ys;
    for (const auto& g : grid.groups) {
      if (std::find(xs.begin(), xs.end(), g.key[0]) == xs.end()) xs.push_back(g.key[0]);
      if (std::find(ys.begin(), ys.end(), g.key[1]) == ys.end()) ys.push_back(g.key[1]);
    }
    const auto numeric_order = [&](std::vector<std::string>& values, const std::string& parameter) {
      if (results.run_column(parameter)->is_text) return;
      std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
    };
    numeric_order(xs, swept[0]);
    numeric_order(ys, swept[1]);
    if (xs.size() * ys.size() <= 10000) {
      for (std::size_t k = 0; k < grid.metrics.size() && k < 4; ++k) {
        HeatMap map;
        map.title = grid.metrics[k] + " (mean at each run's end)";
        map.x_label = swept[0];
        map.y_label = swept[1];
        map.z_label = grid.metrics[k];
        map.x = xs;
        map.y = ys;
        map.z.assign(ys.size(), std::vector<double>(xs.size(), std::nan("")));
        bool measured = false;
        for (const auto& g : grid.groups) {
          const auto xi = static_cast<std::size_t>(std::find(xs.begin(), xs.end(), g.key[0]) - xs.begin());
          const auto yi = static_cast<std::size_t>(std::find(ys.begin(), ys.end(), g.key[1]) - ys.begin());
          map.z[yi][xi] = g.estimates[k].mean;
          measured |= std::isfinite(g.estimates[k].mean);
        }
        if (!measured) continue;
        pending.push_back({"Two-parameter map", [map] { return svg_of(map); },
                           grid.metrics[k] + " over " + swept[0] + " and " + swept[1]});
      }
    }
  }

  // Sensitivity bars.
  std::string sensitivity_note;
  if (spec.design.kind == experiments::DesignKind::saltelli || spec.design.kind == experiments::DesignKind::morris) {
    progress("report: sensitivity indices");
    const SensitivityResult s = sensitivity(results, {metrics.front()}, {}, options.bootstrap);
    BarChart bars;
    bars.categories = s.parameters;
    if (s.method == "sobol") {
      bars.title = "Sobol indices of " + metrics.front() + " (95% bootstrap intervals)";
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
      bars.title = "Morris elementary effects of " + metrics.front();
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
    pending.push_back({"Sensitivity", [bars] { return svg_of(bars); }, bars.title});
    std::ostringstream table;
    print_sensitivity(table, s);
    sensitivity_note = table.str();
  }

  std::string current;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (i % 5 == 0 || i + 1 == pending.size()) {
      progress("report: drawing figure " + std::to_string(i + 1) + "/" + std::to_string(pending.size()));
    }
    if (pending[i].section != current) {
      current = pending[i].section;
      section(current);
      if (current == "Sensitivity") body << "<pre>" << html(sensitivity_note) << "</pre>\n";
    }
    body << figure(pending[i].draw(), pending[i].caption);
    ++summary.figures;
  }

  // --- resilience after shocks ----------------------------------------------------------------
  {
    std::optional<Resilience> r;
    try {
      r = resilience(results, "strategic_fit", 0.05, by.empty() ? std::vector<std::string>{} : std::vector<std::string>{by});
    } catch (const UsageError&) {
      // no shock in this experiment: no section
    }
    if (r) {
      section("Resilience after the shock");
      std::ostringstream table;
      print_resilience(table, *r);
      body << "<p class=note>Drop of strategic fit from the last tick before each run's first shock to its worst "
              "value, and the ticks until it is back within 5% of its pre-shock level (orgsim resilience).</p>\n<pre>"
           << html(table.str()) << "</pre>\n";
    }
  }

  // --- the paired comparison ------------------------------------------------------------------
  if (!by.empty()) {
    section("Comparison of designs");
    try {
      const Comparison c = compare(results, by, "", {});
      body << "<p class=note>Each design against " << html(c.baseline)
           << " run by run: replication k saw the same random events in every design (common random numbers), "
              "so the differences are paired. 95% t intervals of the mean difference; a category is better "
              "(worse) when at least one of its metrics differs significantly in that direction.</p>\n<table><tr><th "
              "class=text>"
           << html(by) << "</th>";
      for (const auto& category : verdict_categories()) body << "<th class=text>" << html(category) << "</th>";
      body << "</tr>\n";
      for (const auto& d : c.designs) {
        body << "<tr><td class=text>" << html(d.value) << "</td>";
        for (const auto& v : d.categories) body << "<td class=\"text " << v << "\">" << (v.empty() ? "–" : v) << "</td>";
        body << "</tr>\n";
      }
      body << "</table>\n<ul>";
      for (const auto& d : c.designs) body << "<li>" << html(verdict_sentence(c, d)) << "</li>";
      body << "</ul>\n<table><tr><th class=text>" << html(short_name(by))
           << "</th><th class=text>metric</th><th>design</th><th>" << html(c.baseline)
           << "</th><th>difference</th><th>95% CI</th><th class=text>verdict</th></tr>\n";
      for (const auto& d : c.designs) {
        for (const auto& m : d.metrics) {
          if (std::find(c.shown.begin(), c.shown.end(), m.metric) == c.shown.end()) continue;
          const std::string verdict = m.verdict > 0 ? "better" : m.verdict < 0 ? "worse" : "";
          body << "<tr><td class=text>" << html(d.value) << "</td><td class=text>" << html(m.metric) << "</td><td>"
               << number(m.design.mean) << "</td><td>" << number(m.baseline.mean) << "</td><td>"
               << number(m.difference.mean) << "</td><td>[" << number(m.difference.ci_low) << ", "
               << number(m.difference.ci_high) << "]</td><td class=\"text " << verdict << "\">"
               << (verdict.empty() ? "no difference" : verdict) << "</td></tr>\n";
        }
      }
      body << "</table>\n";
    } catch (const UsageError& e) {
      body << "<p class=note>No paired comparison: " << html(e.what()) << "</p>\n";
    }
  }

  // --- write ------------------------------------------------------------------------------------
  std::string name(1, '.');
  name.append(output.stem().string()).append(".partial-").append(std::to_string(::getpid())).append(".html");
  const std::filesystem::path partial = directory / name;
  {
    std::ofstream out(partial);
    out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>" << html(spec.name)
        << " — orgsim report</title><style>" << kStyle << "</style></head><body>\n<h1>" << html(spec.name)
        << "</h1>\n<p class=note>orgsim report of " << html(results_path) << "</p>\n"
        << body.str() << "</body></html>\n";
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
  return summary;
}

}  // namespace orgsim::analysis
