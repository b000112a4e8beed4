// The report's executive summary (issue 22): the first page a client's CEO reads. Options x KPIs
// by year with traffic lights against the baseline, one sentence per option, caveats generated
// from the data, pictures (differences with their intervals, the KPIs over time with the events
// marked, org charts before and after each restructuring, a tornado) and the assumptions in
// business terms. Every number is paired by replication (common random numbers, compare.hpp).
#include "report_parts.hpp"

#include "format.hpp"
#include "orgsim/agents/org_view.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/org_picture.hpp"
#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/tornado.hpp"
#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace orgsim::analysis::detail {

namespace {

/// The KPIs a CEO asks about first, in the order of the table (when measured): money, customers,
/// operations, people, strategy.
constexpr std::array<const char*, 7> kPreferredKpis = {
    "profit",        "lead_time", "customer_satisfaction", "engagement", "turnover_rate",
    "strategic_fit", "headcount"};

/// The costs the assumptions table lists even at their defaults (what a profit difference rests
/// on: restructuring, retraining, automation, hiring and layoffs).
constexpr std::array<const char*, 11> kCostParameters = {
    "finance.salary",          "finance.restructuring_cost", "structure.transition_ticks",
    "finance.training_cost",   "automation.training_ticks",  "finance.automation_task_cost",
    "finance.automation_cost", "finance.hiring_cost",        "finance.severance",
    "finance.overhead_cost",   "finance.overtime_premium"};

/// Organizations up to this size get org charts (each is a run to the tick it shows).
constexpr std::size_t kMaxChartedPeople = 3000;

/// How a KPI's values are shown: the factor from the comparison's unit, the unit's words, and
/// whether it is money (compact "3.06 M") or a share shown in percent (differences in points).
struct Display {
  double factor = 1;
  std::string unit;
  bool money = false, percent = false;
};

/// One KPI of the table.
struct Kpi {
  std::string metric, label;
  bool flow = false;  ///< summed over a period (money, turnover), else a level
  int direction = 0;  ///< +1 higher is better, -1 lower, 0 neither
};

/// What the executive summary compares: the values of `by` against `baseline`.
struct Options {
  std::string by, baseline;
  std::vector<std::string> names;  ///< every value of `by`, baseline included, in design order

  /// How a value is shown: an option by its name, a parameter's value with the parameter's short
  /// name ("type = flat").
  [[nodiscard]] std::string shown(const std::string& value) const {
    if (by == "option") return value;
    return by.substr(by.rfind('.') == std::string::npos ? 0 : by.rfind('.') + 1) + " = " + value;
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The unit of a comparison's values in words, with the factor to it.
Display display_of(const std::string& unit, const std::string& currency) {
  Display d;
  d.unit = unit;
  const std::string money = currency.empty() ? "currency" : currency;
  if (unit == "[0, 1]" || unit == "share" || unit == "0/1") {
    d = {100, "%", false, true};
  } else if (unit == "1/year") {
    d = {100, "% a year", false, true};
  } else if (unit == "1 in total") {
    d = {100, "% in total", false, true};
  } else if (unit == "ticks") {
    d = {7, "days", false, false};
  } else if (contains(unit, money)) {
    d.money = true;
    d.unit = unit == money + "/year" ? money + " a year" : unit;
    if (unit == money + " in total") d.unit = money + " in total";
  } else if (unit == "[-1, 1]") {
    d.unit = "index, −1 to 1";
  }
  return d;
}

/// A money amount for people: "3.06 M", "182 k", "950".
std::string money_text(double x) {
  if (std::isnan(x)) return "–";
  const double a = std::fabs(x);
  if (a >= 1e9) return rounded(x / 1e9, "–", true) + " bn";
  if (a >= 1e6) return rounded(x / 1e6, "–", true) + " M";
  if (a >= 1e3) return rounded(x / 1e3, "–", true) + " k";
  return rounded(x, "–", true);
}

std::string value_text(double x, const Display& d) {
  return d.money ? money_text(x * d.factor) : rounded(x * d.factor, "–", true);
}

/// A signed difference: "+3.6 pts", "−182 k", "+0.012", no finer than a thousandth of the value
/// it is a difference from (`reference`, in the comparison's unit): "0" below that.
std::string difference_text(double x, const Display& d, double reference) {
  if (std::isnan(x)) return "–";
  double shown = x * d.factor;
  if (std::isfinite(reference) && reference != 0) {
    const double quantum =
        std::pow(10.0, std::floor(std::log10(std::fabs(reference * d.factor))) - 3);
    shown = std::round(shown / quantum) * quantum;
  }
  if (shown == 0) return "0";
  const std::string magnitude = d.money ? money_text(std::fabs(shown)) : rounded(std::fabs(shown));
  return (shown < 0 ? "−" : "+") + magnitude + (d.percent ? " pts" : "");
}

const MetricInfo* info_of(const experiments::ResultsReader& results, const std::string& metric) {
  for (const MetricInfo& m : results.metric_info())
    if (m.name == metric) return &m;
  return nullptr;
}

/// The KPIs: the requested ones, or those of kPreferredKpis some complete run measured, topped up
/// with headline metrics to at least three.
std::vector<Kpi> choose_kpis(const ReportInput& in, const std::vector<std::string>& requested) {
  std::vector<std::string> names = requested;
  if (names.empty()) {
    std::set<std::string> measured(in.metrics.begin(), in.metrics.end());
    if (info_of(in.results, "headcount")) {  // context, not a headline metric: measured?
      const auto end = run_values(in.results, metric_indices(in.results, {"headcount"}), Window{});
      for (const auto& run : end)
        if (std::isfinite(run[0])) measured.insert("headcount");
    }
    for (const char* k : kPreferredKpis)
      if (measured.count(k)) names.emplace_back(k);
    for (const std::string& m : in.metrics)
      if (names.size() < 3 && std::find(names.begin(), names.end(), m) == names.end())
        names.push_back(m);
  }
  metric_indices(in.results, names);  // an unknown name: one clear error
  std::vector<Kpi> kpis;
  for (const std::string& name : names) {
    const MetricInfo& info = *info_of(in.results, name);
    kpis.push_back({name, info.label.empty() ? name : info.label, is_flow_unit(info.unit),
                    better_direction(in.results, name)});
  }
  return kpis;
}

/// The options compared: [[options]], or the values of --by when it has few; nullopt for a
/// sampled design (nothing to compare option by option).
std::optional<Options> compared_options(const ReportInput& in) {
  const auto& options = in.spec.design.options;
  Options o;
  if (!options.names.empty() && in.results.run_column("option")) {
    o.by = "option";
    o.names = options.names;
    o.baseline = options.names[options.baseline];
    return o;
  }
  if (in.by.empty()) return std::nullopt;
  const auto* column = in.results.run_column(in.by);
  for (std::size_t run = 0; run < in.results.run_count(); ++run) {
    const std::string v = column->format(run);
    if (std::find(o.names.begin(), o.names.end(), v) == o.names.end()) o.names.push_back(v);
    if (o.names.size() > 8) return std::nullopt;
  }
  if (o.names.size() < 2) return std::nullopt;
  o.by = in.by;
  o.baseline = o.names.front();
  return o;
}

/// The comparisons behind the table: one per year, and over the whole run the flows' totals and
/// the levels' means, Holm-adjusted as one family.
struct KpiComparisons {
  std::vector<Window> years;
  std::vector<Comparison> by_year;
  std::optional<Comparison> flows, levels;  ///< over the whole run
  std::size_t weeks = 0;
  std::size_t tests = 0;  ///< the Holm family: every option x KPI x column with a direction
};

KpiComparisons compare_kpis(const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis) {
  KpiComparisons k;
  const std::int64_t last = in.results.tick_of_row().back();
  k.weeks = static_cast<std::size_t>(last);
  k.years = calendar_periods("year", last);
  std::vector<std::string> all, flows, levels;
  for (const Kpi& kpi : kpis) {
    all.push_back(kpi.metric);
    (kpi.flow ? flows : levels).push_back(kpi.metric);
  }
  std::vector<Comparison> family;
  for (const Window& w : k.years) family.push_back(compare(in.results, o.by, o.baseline, all, w));
  if (!flows.empty())
    family.push_back(compare(in.results, o.by, o.baseline, flows, parse_window("total")));
  if (!levels.empty()) {
    family.push_back(compare(in.results, o.by, o.baseline, levels,
                             parse_window(fmt::format("mean:1-{}", last))));
  }
  holm_across(family);
  k.tests = family.front().tests;
  k.by_year.assign(family.begin(), family.begin() + static_cast<std::ptrdiff_t>(k.years.size()));
  std::size_t next = k.years.size();
  if (!flows.empty()) k.flows = family[next++];
  if (!levels.empty()) k.levels = family[next];
  return k;
}

const MetricComparison* find_metric(const Comparison& c, const std::string& option,
                                    const std::string& metric) {
  for (const DesignComparison& d : c.designs) {
    if (d.value != option) continue;
    for (const MetricComparison& m : d.metrics)
      if (m.metric == metric) return &m;
  }
  return nullptr;
}

/// The whole-run comparison a KPI is in.
const Comparison* whole_run(const KpiComparisons& k, const Kpi& kpi) {
  const auto& c = kpi.flow ? k.flows : k.levels;
  return c ? &*c : nullptr;
}

std::string years_text(std::size_t weeks) {
  const double years = static_cast<double>(weeks) / static_cast<double>(kTicksPerYear);
  return fmt::format("{} {}", rounded(years), years == 1 ? "year" : "years");
}

/// One cell: the option's value, and against the baseline a traffic light and the difference
/// (grey for a KPI without a better direction, such as headcount).
std::string kpi_cell(const MetricComparison* m, bool baseline, const Display& d) {
  if (!m) return "<td>–</td>";
  if (baseline) return "<td class=base>" + value_text(m->baseline.mean, d) + "</td>";
  const std::string light = m->direction == 0 ? "neutral"
                            : m->verdict > 0  ? "better"
                            : m->verdict < 0  ? "worse"
                                              : "same";
  const double diff = m->difference.mean;
  return fmt::format(
      "<td class={0} title=\"difference {1}, 95% CI [{2}, {3}]\"><span class=light>●</span> {4} "
      "<small>{5} {1}</small></td>",
      light, difference_text(diff, d, m->baseline.mean),
      difference_text(m->difference.ci_low, d, m->baseline.mean),
      difference_text(m->difference.ci_high, d, m->baseline.mean), value_text(m->design.mean, d),
      difference_text(diff, d, m->baseline.mean) == "0" ? "="
      : diff > 0                                        ? "▲"
                                                        : "▼");
}

/// The unit line under a KPI's name ("EUR a year; all 3 years: total").
std::string kpi_unit_line(const Kpi& kpi, const Display& year, const Display& whole,
                          std::size_t weeks) {
  const std::string span = "all " + years_text(weeks);
  if (kpi.flow) return fmt::format("{}; {}: {}", year.unit, span, whole.unit);
  return fmt::format("{} at each year's end; {}: the average", year.unit, span);
}

/// How a KPI's whole-run values are shown: money in total, other flows (rates, counts) as the
/// average year (comparable with the year columns), levels as their average.
Display whole_display(const Kpi& kpi, const std::string& unit, const std::string& currency,
                      std::size_t weeks) {
  Display d = display_of(unit, currency);
  if (kpi.flow && !d.money) {
    const std::string per_year =
        unit.ends_with(" in total") ? unit.substr(0, unit.size() - 9) + "/year" : unit;
    const Display year = display_of(per_year, currency);
    d.factor /= static_cast<double>(weeks) / static_cast<double>(kTicksPerYear);
    d.unit = year.unit + ", the average year";
  }
  return d;
}

std::string unit_in(const Comparison* c, const std::string& metric) {
  if (c)
    for (const DesignComparison& d : c->designs)
      for (const MetricComparison& m : d.metrics)
        if (m.metric == metric) return m.unit;
  return "";
}

/// The first option that is not the baseline (the baseline's values come from its pairs).
const std::string& first_other(const Options& o) {
  return o.names[0] == o.baseline ? o.names[1] : o.names[0];
}

void kpi_rows(std::ostringstream& body, const ReportInput& in, const Options& o, const Kpi& kpi,
              const KpiComparisons& k) {
  const Comparison* whole = whole_run(k, kpi);
  const Display year = display_of(unit_in(&k.by_year.front(), kpi.metric), in.spec.currency);
  const Display all = whole_display(kpi, unit_in(whole, kpi.metric), in.spec.currency, k.weeks);
  body << "<tbody>";
  for (std::size_t i = 0; i < o.names.size(); ++i) {
    const bool baseline = o.names[i] == o.baseline;
    const std::string& option = baseline ? first_other(o) : o.names[i];
    body << "<tr>";
    if (i == 0) {
      body << "<th class=text rowspan=" << o.names.size() << ">" << html_escaped(kpi.label)
           << "<br><small>" << html_escaped(kpi_unit_line(kpi, year, all, k.weeks))
           << (kpi.direction > 0   ? "; higher is better"
               : kpi.direction < 0 ? "; lower is better"
                                   : "")
           << "</small></th>";
    }
    body << "<td class=text>" << html_escaped(o.shown(o.names[i]))
         << (baseline ? " <small>(baseline)</small>" : "") << "</td>";
    for (const Comparison& c : k.by_year)
      body << kpi_cell(find_metric(c, option, kpi.metric), baseline, year);
    body << kpi_cell(whole ? find_metric(*whole, option, kpi.metric) : nullptr, baseline, all)
         << "</tr>\n";
  }
  body << "</tbody>\n";
}

void kpi_table(Page& page, const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis,
               const KpiComparisons& k) {
  auto& body = page.body;
  body << "<table class=kpi><thead><tr><th class=text>KPI</th><th class=text>option</th>";
  for (const Window& w : k.years) {
    const std::size_t open = w.label.find(" (");
    std::string label = w.label.substr(0, open);
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    std::string weeks = open == std::string::npos ? "" : w.label.substr(open + 2);
    if (!weeks.empty()) weeks.pop_back();
    body << "<th>" << html_escaped(label) << "<br><small>" << html_escaped(weeks)
         << "</small></th>";
  }
  body << "<th>All " << years_text(k.weeks) << "</th></tr></thead>\n";
  for (const Kpi& kpi : kpis) kpi_rows(body, in, o, kpi, k);
  body << "</table>\n<p class=legend><span class=\"better\"><span class=light>●</span> "
          "better</span> <span class=\"worse\"><span class=light>●</span> worse</span> <span "
          "class=\"same\"><span class=light>●</span> no clear difference</span>, compared with "
       << html_escaped(o.shown(o.baseline))
       << ", judged on the difference in the same replications (the same random events): "
          "significant at 95% after Holm's adjustment for the "
       << k.tests
       << " comparisons on this page, and at least 1% of the baseline; a grey dot: a KPI "
          "without a better direction. ▲▼ the difference from "
       << html_escaped(o.shown(o.baseline))
       << ". The intervals (charts, and a cell's tooltip in the HTML page) are the unadjusted "
          "95% intervals: one that excludes zero can still be amber.</p>\n";
}

/// "Lead time" -> "lead time" (inside a sentence).
std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

/// " EUR in total" after a difference; nothing for points and indices.
std::string unit_suffix(const Display& d) {
  return d.percent || d.unit.rfind("index", 0) == 0 ? "" : " " + d.unit;
}

/// "a, b and c".
std::string in_words(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return out;
}

/// One sentence per option over the whole run: better on, worse on, no clear difference on.
void verdicts(Page& page, const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis,
              const KpiComparisons& k) {
  page.body << "<ul class=verdicts>\n";
  for (const std::string& option : o.names) {
    if (option == o.baseline) continue;
    std::vector<std::string> better, worse, same;
    for (const Kpi& kpi : kpis) {
      const Comparison* whole = whole_run(k, kpi);
      const MetricComparison* m = whole ? find_metric(*whole, option, kpi.metric) : nullptr;
      if (!m) continue;
      const Display d = whole_display(kpi, m->unit, in.spec.currency, k.weeks);
      const std::string item =
          html_escaped(lower_first(kpi.label)) + " (" +
          html_escaped(difference_text(m->difference.mean, d, m->baseline.mean) + unit_suffix(d)) +
          ")";
      (m->verdict > 0 ? better : m->verdict < 0 ? worse : same).push_back(item);
    }
    std::vector<std::string> parts;
    if (!better.empty()) parts.push_back("<span class=better>better</span> on " + in_words(better));
    if (!worse.empty()) parts.push_back("<span class=worse>worse</span> on " + in_words(worse));
    if (!same.empty()) parts.push_back("no clear difference on " + in_words(same));
    page.body << "<li><b>" << html_escaped(o.shown(option)) << "</b> against "
              << html_escaped(o.shown(o.baseline)) << " over all " << years_text(k.weeks) << ": "
              << fmt::format("{}", fmt::join(parts, "; ")) << ".</li>\n";
  }
  page.body << "</ul>\n";
}

/// The KPIs whose whole-run values may be bimodal in some option (Sarle's coefficient above 5/9,
/// compare.hpp): one caveat naming them, or "".
std::string bimodal_caveat(const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis) {
  std::vector<std::size_t> indices;
  for (const Kpi& kpi : kpis) indices.push_back(metric_indices(in.results, {kpi.metric}).front());
  const auto* column = in.results.run_column(o.by);
  std::vector<std::string> option_of;  // per complete run, in run_values' order
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    if (in.results.complete(run)) option_of.push_back(column->format(run));
  const std::int64_t last = in.results.tick_of_row().back();
  const auto totals = run_values(in.results, indices, parse_window("total"));
  const auto means = run_values(in.results, indices, parse_window(fmt::format("mean:1-{}", last)));
  std::vector<std::string> named;
  for (std::size_t k = 0; k < kpis.size(); ++k) {
    for (const std::string& option : o.names) {
      std::vector<double> values;
      for (std::size_t r = 0; r < option_of.size(); ++r)
        if (option_of[r] == option) values.push_back((kpis[k].flow ? totals : means)[r][k]);
      if (values.size() >= 10 && bimodality_coefficient(values) > 5.0 / 9.0) {
        named.push_back(lower_first(kpis[k].label));
        break;
      }
    }
  }
  if (named.empty()) return "";
  const auto events = in.spec.uncertain_events();
  return fmt::format(
      "Two kinds of run{}: {} may be bimodal across runs in some option, so a mean "
      "may describe no single run; the appendix's charts, orgsim export (one row per run) "
      "and orgsim plot --run K show the runs.",
      events.empty() ? "" : fmt::format(" (probably with and without '{}')", events.front()),
      in_words(named));
}

/// When the baseline itself loses money over the horizon: the firm as modelled is not the client
/// (or the money parameters are placeholders), and the options' differences rest on that.
std::string loss_caveat(const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis,
                        const KpiComparisons& k) {
  for (const Kpi& kpi : kpis) {
    if (kpi.metric != "profit" || !k.flows) continue;
    const MetricComparison* m = find_metric(*k.flows, first_other(o), kpi.metric);
    if (!m || !(m->baseline.mean < 0)) return "";
    const Display d = display_of(m->unit, in.spec.currency);
    return fmt::format(
        "{} loses money: {}{} over all {}. Check the money assumptions (salary, "
        "revenue per task, demand) against the client's figures before reading "
        "the options' differences.",
        o.shown(o.baseline), value_text(m->baseline.mean, d), unit_suffix(d), years_text(k.weeks));
  }
  return "";
}

/// How many runs a market shock hit and how many of them had not recovered by the end (their
/// recovery times are censored), or "" without shocks.
std::string censored_caveat(const ReportInput& in) {
  if (!info_of(in.results, "recovered")) return "";
  const auto values = run_values(in.results, metric_indices(in.results, {"recovered"}), Window{});
  std::size_t hit = 0, not_back = 0;
  for (const auto& run : values) {
    if (!std::isfinite(run[0])) continue;  // no shock in this run
    ++hit;
    not_back += run[0] == 0;
  }
  if (hit == 0 || not_back == 0) return "";
  return fmt::format(
      "A market shock hit {} runs; in {} of them ({}%) strategic fit was not back "
      "within 0.05 of its level before the shock by the end, so their recovery "
      "times are censored (the appendix gives Kaplan-Meier medians, not means).",
      hit, not_back, rounded(100.0 * static_cast<double>(not_back) / static_cast<double>(hit)));
}

/// The money KPIs over the whole run in the runs where each uncertain event happened and where it
/// did not: the two scenarios a mean over both hides.
void event_split(Page& page, const ReportInput& in, const Options& o, const std::vector<Kpi>& kpis,
                 std::size_t weeks) {
  std::vector<const Kpi*> money;
  for (const Kpi& kpi : kpis)
    if (kpi.flow && contains(info_of(in.results, kpi.metric)->unit, "currency"))
      money.push_back(&kpi);
  if (money.empty()) return;
  const auto* column = in.results.run_column(o.by);
  std::vector<std::size_t> runs;
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    if (in.results.complete(run)) runs.push_back(run);
  for (const std::string& event : in.spec.uncertain_events()) {
    const auto* happened = in.results.run_column(event);
    if (!happened) continue;
    for (const Kpi* kpi : money) {
      const auto values =
          run_values(in.results, metric_indices(in.results, {kpi->metric}), parse_window("total"));
      page.body << "<table class=split><tr><th class=text>" << html_escaped(kpi->label) << ", all "
                << years_text(weeks) << " ("
                << html_escaped(in.spec.currency.empty() ? "currency" : in.spec.currency)
                << ")</th><th>with '" << html_escaped(event) << "'</th><th>without</th></tr>\n";
      for (const std::string& option : o.names) {
        std::array<std::vector<double>, 2> split;  // [happened]
        for (std::size_t r = 0; r < runs.size(); ++r)
          if (column->format(runs[r]) == option && std::isfinite(values[r][0]))
            split[happened->numbers[runs[r]] == 1 ? 0 : 1].push_back(values[r][0]);
        page.body << "<tr><td class=text>" << html_escaped(o.shown(option)) << "</td>";
        for (const auto& v : split) {
          const Estimate e = estimate(v);
          page.body << "<td>" << money_text(e.mean) << " <small>(" << v.size()
                    << " runs)</small></td>";
        }
        page.body << "</tr>\n";
      }
      page.body << "</table>\n";
    }
  }
}

/// A money KPI's whole-run differences worth a caveat: significant alone but not after Holm's
/// adjustment, or an interval that crosses zero.
std::vector<std::string> money_caveats(const ReportInput& in, const Options& o, const Kpi& kpi,
                                       const Comparison& whole, const KpiComparisons& k) {
  std::vector<std::string> out;
  for (const std::string& option : o.names) {
    const MetricComparison* m =
        option == o.baseline ? nullptr : find_metric(whole, option, kpi.metric);
    const Display d = display_of(m ? m->unit : "", in.spec.currency);
    if (m && d.money && m->verdict == 0 && !m->negligible &&
        (m->difference.ci_low > 0 || m->difference.ci_high < 0)) {
      out.push_back(fmt::format(
          "{}: the difference in {} over all {} ({}{}, 95% CI {} to {}) excludes zero on its "
          "own, "
          "but not once adjusted for the {} comparisons on page 1 (Holm): likely, not proven.",
          o.shown(option), lower_first(kpi.label), years_text(k.weeks),
          difference_text(m->difference.mean, d, m->baseline.mean), unit_suffix(d),
          difference_text(m->difference.ci_low, d, m->baseline.mean),
          difference_text(m->difference.ci_high, d, m->baseline.mean), k.tests));
    }
    if (!m || !d.money || !(m->difference.ci_low < 0 && m->difference.ci_high > 0)) continue;
    out.push_back(
        fmt::format("{}: the difference in {} over all {} could be either way (95% CI {} to {}{}); "
                    "more replications would narrow it.",
                    o.shown(option), lower_first(kpi.label), years_text(k.weeks),
                    difference_text(m->difference.ci_low, d, m->baseline.mean),
                    difference_text(m->difference.ci_high, d, m->baseline.mean), unit_suffix(d)));
  }
  return out;
}

/// Caveats from the data: the comparisons' own (firms that went bust, bimodal outcomes, censored
/// recoveries), the warm-up, uncertain events, incomplete runs, and money differences whose
/// interval crosses zero.
std::vector<std::string> caveats(const ReportInput& in, const Options& o,
                                 const std::vector<Kpi>& kpis, const KpiComparisons& k) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& text) {
    if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  };
  if (in.spec.warmup > 0) {
    add(
        fmt::format("The first {} weeks are a warm-up (the firm running as it is today before "
                    "week 0); they are left out of every number and picture.",
                    in.spec.warmup));
  } else {
    add("No warm-up: the first weeks include the simulated firm settling in from its starting "
        "state (set experiment.warmup to leave them out).");
  }
  for (const auto& event : in.spec.uncertain_events()) {
    const auto* column = in.results.run_column(event);
    if (!column) continue;
    std::size_t happened = 0, runs = 0;
    for (std::size_t run = 0; run < in.results.run_count(); ++run) {
      if (!in.results.complete(run)) continue;
      ++runs;
      happened += column->numbers[run] == 1;
    }
    add(
        fmt::format("'{}' is uncertain: it happened in {} of {} runs, the same replications in "
                    "every option; the figures average over runs with and without it.",
                    event, happened, runs));
  }
  if (const std::string r = censored_caveat(in); !r.empty()) add(r);
  if (const std::string l = loss_caveat(in, o, kpis, k); !l.empty()) add(l);
  std::size_t incomplete = 0;
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    incomplete += !in.results.complete(run);
  if (incomplete > 0) add(fmt::format("{} runs did not complete and are left out.", incomplete));
  const auto add_from = [&](const Comparison& c) {
    for (const std::string& text : c.caveats)
      if (!contains(text, "bimodal")) add(text);  // summarized below, once per KPI
  };
  for (const Comparison& c : k.by_year) add_from(c);
  std::vector<std::string> blocked;  // swept factors averaged over (uncertain events: above)
  const auto events = in.spec.uncertain_events();
  if (!k.by_year.empty())
    for (const std::string& b : k.by_year.front().blocked)
      if (std::find(events.begin(), events.end(), b) == events.end()) blocked.push_back(b);
  if (!blocked.empty()) {
    add(
        fmt::format("Each option's numbers average over {} (the design varies it too; the "
                    "differences are paired within each of its values): orgsim compare --where "
                    "shows one value at a time.",
                    in_words(blocked)));
  }
  if (const std::string b = bimodal_caveat(in, o, kpis); !b.empty()) add(b);
  for (const Kpi& kpi : kpis) {
    const Comparison* whole = whole_run(k, kpi);
    if (!whole) continue;
    add_from(*whole);
    for (const std::string& text : money_caveats(in, o, kpi, *whole, k)) add(text);
  }
  return out;
}

/// Each KPI's difference from the baseline over the whole run, with its 95% interval.
void difference_charts(Page& page, const ReportInput& in, const Options& o,
                       const std::vector<Kpi>& kpis, const KpiComparisons& k) {
  for (const Kpi& kpi : kpis) {
    const Comparison* whole = whole_run(k, kpi);
    if (!whole) continue;
    IntervalChart chart;
    Display d;
    for (const std::string& option : o.names) {
      const MetricComparison* m =
          option == o.baseline ? nullptr : find_metric(*whole, option, kpi.metric);
      if (!m) continue;
      d = whole_display(kpi, m->unit, in.spec.currency, k.weeks);
      chart.names.push_back(o.shown(option));
      chart.mean.push_back(m->difference.mean * d.factor);
      chart.low.push_back(m->difference.ci_low * d.factor);
      chart.high.push_back(m->difference.ci_high * d.factor);
      chart.verdict.push_back(m->verdict);
    }
    if (chart.names.empty()) continue;
    chart.title = fmt::format("{}, all {}: difference from {}", kpi.label, years_text(k.weeks),
                              o.shown(o.baseline));
    chart.x_label = d.percent ? "percentage points" : d.unit;
    page.body << figure(svg_of(chart),
                        chart.title + " (" + chart.x_label +
                            "; the line is the 95% confidence interval; green better, red worse, "
                            "amber no clear difference)",
                        "small");  // three to a printed row
    ++page.summary.figures;
  }
}

/// How a metric's per-week values are drawn over time: the factor and the unit's words.
Display weekly_display(const std::string& unit, const std::string& currency) {
  const std::string money = currency.empty() ? "currency" : currency;
  if (unit == "currency/tick") return {1, money + " a week", true, false};
  if (unit == "1/tick")
    return {100.0 * kTicksPerYear, "% a year (the week's rate x 52)", false, true};
  return display_of(unit, currency);
}

/// A short name for an event on a time axis.
std::string event_word(const agents::ScheduledEvent& e) {
  if (!e.name.empty()) return e.name;
  static constexpr std::array<const char*, 6> kinds = {
      "shock", "restructuring", "change", "automation", "layoff", "demand change"};
  return kinds[static_cast<std::size_t>(e.kind)];
}

/// The events of every option on a time axis in years, one marker per week with its events.
std::vector<LineChart::Marker> event_markers(const ReportInput& in) {
  std::map<Tick, std::vector<std::string>> at;
  const auto add = [&](Tick tick, const std::string& label) {
    auto& labels = at[tick];
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  };
  // The legend names the options; the assumptions say which option has which event.
  for (const auto& e : in.spec.events)
    add(e.at, event_word(e) +
                  (e.probability < 1 ? fmt::format(" (p = {})", rounded(e.probability)) : ""));
  for (const auto& events : in.spec.option_events)
    for (const auto& e : events) add(e.at, event_word(e));
  std::vector<LineChart::Marker> markers;
  for (const auto& [tick, labels] : at) {
    if (tick <= 0) continue;
    std::string label = labels.size() > 3
                            ? fmt::format("{} and {} more", labels[0], labels.size() - 1)
                            : fmt::format("{}", fmt::join(labels, ", "));
    markers.push_back({static_cast<double>(tick) / kTicksPerYear, label});
  }
  return markers;
}

/// The KPIs week by week, one line per option (mean and 95% band), years on the axis, events
/// marked.
void time_series(Page& page, const ReportInput& in, const Options& o,
                 const std::vector<Kpi>& kpis) {
  std::vector<std::string> labels(in.results.run_count()), metrics;
  const auto* column = in.results.run_column(o.by);
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    if (in.results.complete(run)) labels[run] = column->format(run);
  for (const Kpi& kpi : kpis) metrics.push_back(kpi.metric);
  std::vector<LineChart> charts = time_series_charts(in.results, labels, metrics, o.by);
  const std::vector<LineChart::Marker> markers = event_markers(in);
  for (std::size_t i = 0; i < charts.size(); ++i) {
    LineChart& chart = charts[i];
    const Display d = weekly_display(info_of(in.results, kpis[i].metric)->unit, in.spec.currency);
    for (Series& series : chart.series) {
      for (std::string& x : series.x) x = fmt::format("{:.4f}", std::stod(x) / kTicksPerYear);
      for (Estimate& e : series.y) {
        e.mean *= d.factor;
        e.ci_low *= d.factor;
        e.ci_high *= d.factor;
      }
    }
    chart.title = kpis[i].label + " week by week";
    chart.x_label = "years from today (week 0 is the end of the warm-up)";
    chart.y_label = kpis[i].label + " (" + d.unit + ")";
    chart.markers = markers;
    chart.si_prefixes = d.money;
    bool measured = false;
    for (const Series& series : chart.series)
      for (const Estimate& e : series.y) measured |= e.n > 0 && std::isfinite(e.mean);
    if (!measured) continue;
    page.body << figure(svg_of(chart), chart.title +
                                           ": mean over replications with its 95% band; "
                                           "dashed lines mark the events");
    ++page.summary.figures;
  }
}

/// The design point of an option (its first run's).
std::optional<std::size_t> point_of(const ReportInput& in, const Options& o,
                                    const std::string& option) {
  const auto* column = in.results.run_column(o.by);
  const auto* point = in.results.run_column("design_point");
  if (!column || !point) return std::nullopt;
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    if (column->format(run) == option) return static_cast<std::size_t>(point->numbers[run]);
  return std::nullopt;
}

/// When a design point restructures: its first restructure event, or structure.restructure_at.
std::optional<Tick> restructuring_at(const ReportInput& in, std::size_t point) {
  for (const auto& e : in.spec.events_at(point))
    if (e.kind == agents::ScheduledEvent::Kind::restructure) return e.at;
  const agents::ParamSpec* p = agents::find_parameter("structure.restructure_at");
  const ParamValue v = agents::value_of(in.spec.params_at(point), *p);
  if (const auto* tick = std::get_if<std::int64_t>(&v); tick && *tick > 0)
    return static_cast<Tick>(*tick);
  return std::nullopt;
}

agents::OrgView view_of(const ReportInput& in, std::size_t point, Tick tick) {
  agents::RunOptions options = in.spec.run_options();
  options.events = in.spec.events_at(point);
  return agents::view_at(in.spec.run_params_at(point), {in.spec.seed, in.spec.first_replication},
                         options, tick);
}

/// The headcount of the first complete run at its first recorded tick (0 when not recorded).
std::size_t starting_headcount(const ReportInput& in) {
  if (!info_of(in.results, "headcount")) return 0;
  const std::size_t k = metric_indices(in.results, {"headcount"}).front();
  for (std::size_t run = 0; run < in.results.run_count(); ++run) {
    if (!in.results.complete(run)) continue;
    const std::vector<double> rows = held_rows(in.results, run);
    return rows.size() > k && std::isfinite(rows[k]) ? static_cast<std::size_t>(rows[k]) : 0;
  }
  return 0;
}

std::string shape_row(const std::string& what, const agents::OrgView& view) {
  const OrgShape s = org_shape(view);
  return fmt::format(
      "<tr><td class=text>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
      html_escaped(what), s.people, s.layers, s.managers, rounded(s.mean_span), s.top_span);
}

/// Today's org chart and each restructuring option's shortly after it, with spans and layers.
void org_charts(Page& page, const ReportInput& in, const Options& o) {
  std::vector<std::pair<std::string, std::size_t>> restructured;  // option, design point
  for (const std::string& option : o.names) {
    const auto point = point_of(in, o, option);
    if (point && restructuring_at(in, *point)) restructured.emplace_back(option, *point);
  }
  if (restructured.empty()) return;
  page.section("The organization before and after");
  // The size first, from the results (a chart is a run of the organization to its tick).
  const std::size_t people = starting_headcount(in);
  if (people > kMaxChartedPeople) {
    page.body << fmt::format(
        "<p class=note>No org charts: {} people are more than a chart can show "
        "(orgsim org draws any run's chart).</p>\n",
        people);
    return;
  }
  const auto baseline = point_of(in, o, o.baseline);
  const agents::OrgView today = view_of(in, baseline.value_or(0), 0);
  std::string table =
      "<table><tr><th class=text>organization</th><th>people</th><th>layers</th>"
      "<th>managers</th><th>direct reports per manager</th><th>reporting to the top</th></tr>\n" +
      shape_row(o.shown(o.baseline) + ", week 0", today);
  page.body << figure(org_chart_svg(today),
                      "Today (week 0): managers coloured by department, their staff in one box",
                      "wide");
  ++page.summary.figures;
  std::map<std::string, std::string> drawn;  // DOT text -> the option drawn with it
  for (const auto& [option, point] : restructured) {
    const Tick after = *restructuring_at(in, point) + 1;
    const agents::OrgView view = view_of(in, point, after);
    const std::string when = fmt::format("{}, week {}", o.shown(option), after);
    table += shape_row(when, view);
    const auto [same, fresh] = drawn.emplace(org_chart_dot(view), when);
    if (!fresh) {  // the same chart as another option's: said, not drawn twice
      page.body << "<p class=note>After the restructuring (" << html_escaped(when)
                << "): the same chart as " << html_escaped(same->second) << ".</p>\n";
      continue;
    }
    page.body << figure(org_chart_svg(view),
                        "After the restructuring (" + when +
                            ", replication 0): managers coloured by their people's department",
                        "wide");
    ++page.summary.figures;
  }
  page.body << table << "</table>\n";
}

/// The tornado of a tornado results file (orgsim tornado -o), drawn for the first money KPI.
void tornado_chart(Page& page, const ReportInput& in, const std::string& path,
                   const std::vector<Kpi>& kpis) {
  const experiments::ResultsReader results(path);
  std::string metric = "profit";
  if (!info_of(results, metric)) metric = kpis.front().metric;
  const Window window = parse_window("total");
  const Tornado t = tornado(results, metric, window);
  const Display d = display_of(t.unit, in.spec.currency);
  TornadoChart chart;
  const std::string label = info_of(results, metric) ? info_of(results, metric)->label : metric;
  const auto text = results.attribute("experiment");
  const std::string name = text ? experiments::parse_experiment(*text, path).name : "";
  const std::size_t at = name.find(", option ");
  chart.title = label + ": how much the uncertain assumptions move it" +
                (at == std::string::npos ? "" : " (around " + name.substr(at + 2) + ")");
  chart.x_label =
      fmt::format("change from the base ({} {}), {}", value_text(t.base.mean, d), d.unit, d.unit);
  for (const TornadoBar& bar : t.bars) {
    std::string what(agents::parameter_label(bar.parameter));
    if (what.empty() && bar.parameter.rfind("events.", 0) == 0 && bar.parameter.ends_with(".at"))
      what = "Week of '" + bar.parameter.substr(7, bar.parameter.size() - 10) + "'";
    chart.names.push_back(fmt::format("{} ({} / {})", what.empty() ? bar.parameter : what,
                                      bar.low_value, bar.high_value));
    chart.low.push_back(bar.low.mean * d.factor);
    chart.high.push_back(bar.high.mean * d.factor);
    chart.low_ci.emplace_back(bar.low.ci_low * d.factor, bar.low.ci_high * d.factor);
    chart.high_ci.emplace_back(bar.high.ci_low * d.factor, bar.high.ci_high * d.factor);
  }
  page.body << figure(svg_of(chart),
                      chart.title +
                          ": each assumption at its low and its high value, everything "
                          "else as in the base, the same replications; the bars are "
                          "the mean change from the base with its 95% interval (" +
                          std::to_string(t.base.n) + " replications)");
  ++page.summary.figures;
}

/// A parameter's unit in words ("currency/employee/tick" -> "EUR per employee per week").
std::string unit_words(std::string_view unit, const std::string& currency) {
  if (unit == "switch" || unit == "choice" || unit == "0/1") return "";
  std::string out(unit);
  const auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = out.find(from); at != std::string::npos;
         at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
  };
  if (out == "1/tick") return "per week";
  if (out == "level") return "on a scale of 0 to 1";
  replace_all("currency", currency.empty() ? "currency" : currency);
  replace_all("ticks", "weeks");
  replace_all("tick", "week");
  replace_all("/", " per ");
  return out;
}

/// A parameter's value in business terms: "EUR 5,300 per task", "0.15 per week", "flat".
std::string value_words(const agents::ParamSpec& p, const ParamValue& v,
                        const std::string& currency) {
  std::string text = agents::format_value(v);
  if (const auto* x = std::get_if<double>(&v)) text = rounded(*x);
  if (const auto* n = std::get_if<std::int64_t>(&v)) text = rounded(static_cast<double>(*n));
  if (std::holds_alternative<std::string>(v)) text = std::get<std::string>(v);
  if (const auto* b = std::get_if<bool>(&v)) text = *b ? "yes" : "no";
  if (const auto* x = std::get_if<double>(&v);
      x && (p.unit == "probability/tick" || p.unit == "1/tick")) {  // a weekly rate, and its year
    if (*x > 0.05) return rounded(100 * *x) + " % a week";
    return fmt::format("{} % a week (about {} % a year)", rounded(100 * *x),
                       rounded(100 * (1 - std::pow(1 - *x, 52.0))));
  }
  if (const auto* x = std::get_if<double>(&v);
      x && (p.unit == "share" || p.unit == "probability" || p.unit == "share of capacity")) {
    return rounded(100 * *x) + " %" + (p.unit == "share of capacity" ? " of capacity" : "");
  }
  std::string unit = unit_words(p.unit, currency);
  const std::string money = currency.empty() ? "currency" : currency;
  if (unit.rfind(money, 0) == 0) return money + " " + text + unit.substr(money.size());
  return unit.empty() || std::holds_alternative<bool>(v) ? text : text + " " + unit;
}

std::string structure_words(agents::StructureType type) {
  static constexpr std::array<const char*, 4> words = {
      "functional departments", "a flat organization", "a matrix", "cross-functional squads"};
  return words[static_cast<std::size_t>(type)];
}

std::string departments_words(const std::vector<std::int32_t>& departments,
                              const agents::OrgNames& names) {
  if (departments.empty()) return "the whole company";
  std::vector<std::string> words;
  for (const std::int32_t d : departments)
    words.push_back(static_cast<std::size_t>(d) < names.departments.size()
                        ? names.departments[static_cast<std::size_t>(d)]
                        : fmt::format("department {}", d + 1));
  return in_words(words);
}

/// An event in business terms: "week 26: automate 60% of the routine work of dispatch; the people
/// it frees are redeployed".
std::string event_words(const agents::ScheduledEvent& e, const agents::OrgNames& names,
                        const std::string& currency) {
  using Kind = agents::ScheduledEvent::Kind;
  std::string what;
  switch (e.kind) {
    case Kind::shock:
      what = fmt::format("a market shock: {}% of what customers value changes",
                         rounded(100 * e.shock_size));
      break;
    case Kind::restructure:
      what = "reorganize into " + structure_words(e.structure) + " (" +
             departments_words(e.departments, names) + ")";
      break;
    case Kind::set: {
      std::vector<std::string> changes;
      for (const auto& [spec, value] : e.changes) {
        const std::string_view label = agents::parameter_label(spec->name);
        changes.push_back((label.empty() ? spec->name : std::string(label)) + " to " +
                          value_words(*spec, value, currency));
      }
      what = "set " + in_words(changes);
      break;
    }
    case Kind::automate:
      what =
          fmt::format("automate {}% of the routine work of {}", rounded(100 * e.automation_target),
                      departments_words(e.departments, names));
      if (e.freed_capacity)
        what += *e.freed_capacity == agents::FreedCapacity::layoff
                    ? "; the people it frees are laid off"
                    : "; the people it frees are retrained and redeployed";
      break;
    case Kind::layoff:
      what = fmt::format("lay off {}% of {}", rounded(100 * e.layoff_share),
                         departments_words(e.departments, names));
      break;
    case Kind::demand:
      what = fmt::format("the customer base changes by {}{}%", e.demand_change > 0 ? "+" : "−",
                         rounded(std::fabs(100 * e.demand_change)));
      break;
  }
  if (e.cost > 0)
    what += fmt::format("; one-off cost {} {}", currency.empty() ? "currency" : currency,
                        money_text(e.cost));
  if (e.probability < 1) what += fmt::format(" (probability {}%)", rounded(100 * e.probability));
  return fmt::format("week {}: {}", e.at, what);
}

/// Where a value comes from, in a few words.
std::string basis_words(const agents::ParamSpec& p, bool set_here) {
  if (set_here) return "set for this study";
  const std::string basis(agents::parameter_basis(p));
  if (basis.rfind("scenario", 0) == 0) return "default: replace with the client's figures";
  if (basis.rfind("illustrative", 0) == 0) return "default: an assumption, not calibrated";
  return "default, " + basis;
}

std::string row(const std::string& what, const std::string& value, const std::string& basis) {
  return "<tr><td class=text>" + html_escaped(what) + "</td><td class=text>" + html_escaped(value) +
         "</td><td class=text>" + html_escaped(basis) + "</td></tr>\n";
}

/// The assumptions in business terms: horizon, what the study set, the options and the events.
void assumptions(Page& page, const ReportInput& in) {
  const auto& spec = in.spec;
  const std::string& currency = spec.currency;
  page.section("Assumptions");
  std::string rows = row(
      "Horizon",
      fmt::format("{} ({} weeks){}", years_text(static_cast<std::size_t>(spec.ticks)), spec.ticks,
                  spec.warmup > 0 ? fmt::format(", after a {}-week warm-up", spec.warmup) : ""),
      "set for this study");
  rows += row(
      "Replications",
      fmt::format("{} per {}; replication k meets the same random events in every {}",
                  spec.replications, spec.design.options.names.empty() ? "design point" : "option",
                  spec.design.options.names.empty() ? "design point" : "option"),
      "set for this study");
  const agents::ModelParams defaults = agents::ModelParams::defaults();
  std::vector<std::string> parts;
  for (const agents::ParamSpec& p : agents::parameter_table()) {
    const ParamValue v = agents::value_of(spec.scenario, p);
    if (p.name.ends_with(".enabled")) {
      if (std::get<bool>(v)) parts.emplace_back(p.submodel());
      continue;
    }
    if (v == agents::value_of(defaults, p)) continue;
    const std::string_view label = agents::parameter_label(p.name);
    rows += row(label.empty() ? p.name : std::string(label), value_words(p, v, currency),
                basis_words(p, true));
  }
  if (spec.scenario.work.enabled) {  // what the money rests on, also where left at the default
    for (const char* name : kCostParameters) {
      const agents::ParamSpec* p = agents::find_parameter(name);
      if (!p) continue;
      const ParamValue v = agents::value_of(spec.scenario, *p);
      if (v != agents::value_of(defaults, *p)) continue;  // listed above, as set for this study
      const auto& design = spec.scenario.design;
      if (p->name == "finance.salary" && design && !design->chart.empty()) {
        rows += row("Salaries", "from the org chart (" + design->chart_path + "), person by person",
                    "set for this study");
        continue;
      }
      rows += row(std::string(agents::parameter_label(p->name)), value_words(*p, v, currency),
                  basis_words(*p, false));
    }
  }
  rows += row("Parts of the model switched on",
              parts.empty() ? "none: March's (1991) learning model alone" : in_words(parts),
              "set for this study");
  const agents::OrgNames names = agents::org_names(spec.scenario);
  for (const auto& e : spec.events)
    rows += row("Event for every option", event_words(e, names, currency), "set for this study");
  const auto& options = spec.design.options;
  for (std::size_t i = 0; i < options.names.size(); ++i) {
    std::vector<std::string> what;
    for (std::size_t p = 0; p < options.parameters.size(); ++p) {
      if (options.values[i][p] == agents::value_of(spec.scenario, *options.parameters[p]))
        continue;  // as the scenario: nothing this option changes
      const std::string_view label = agents::parameter_label(options.parameters[p]->name);
      what.push_back((label.empty() ? options.parameters[p]->name : std::string(label)) + ": " +
                     value_words(*options.parameters[p], options.values[i][p], currency));
    }
    if (i < spec.option_events.size())
      for (const auto& e : spec.option_events[i]) what.push_back(event_words(e, names, currency));
    if (what.empty())
      what.emplace_back(i == options.baseline ? "nothing changes" : "as the scenario");
    rows += row("Option " + options.names[i] + (i == options.baseline ? " (baseline)" : ""),
                fmt::format("{}", fmt::join(what, "; ")), "option");
  }
  page.body
      << "<table class=assumptions><tr><th class=text>assumption</th><th class=text>value</th>"
         "<th class=text>basis</th></tr>\n"
      << rows
      << "</table>\n<p class=note>Every other "
         "parameter is at its default: the analyst appendix holds the experiment file with every "
         "value, and <code>orgsim params</code> says where each default comes from.</p>\n";
}

}  // namespace

}  // namespace orgsim::analysis::detail

namespace orgsim::analysis::detail {

namespace {

/// Without options to compare: each KPI's mean and 95% interval over all runs, year by year.
void overall_table(Page& page, const ReportInput& in, const std::vector<Kpi>& kpis) {
  const std::int64_t last = in.results.tick_of_row().back();
  const std::vector<Window> years = calendar_periods("year", last);
  page.body << "<table class=kpi><thead><tr><th class=text>KPI</th>";
  std::vector<std::string> metrics;
  for (const Kpi& kpi : kpis) metrics.push_back(kpi.metric);
  const std::vector<std::size_t> indices = metric_indices(in.results, metrics);
  std::vector<std::vector<std::vector<double>>> values;  // [year][run][kpi]
  for (const Window& w : years) {
    values.push_back(run_values(in.results, indices, w));
    page.body << "<th>" << html_escaped(w.label) << "</th>";
  }
  page.body << "</tr></thead>\n";
  for (std::size_t k = 0; k < kpis.size(); ++k) {
    const MetricInfo& info = *info_of(in.results, kpis[k].metric);
    const Display d =
        display_of(display_unit(info, years.front(), in.spec.currency).first, in.spec.currency);
    page.body << "<tr><th class=text>" << html_escaped(kpis[k].label) << "<br><small>"
              << html_escaped(d.unit) << "</small></th>";
    for (std::size_t y = 0; y < years.size(); ++y) {
      const double scale = display_unit(info, years[y], in.spec.currency).second * d.factor;
      std::vector<double> column;
      for (const auto& run : values[y])
        if (std::isfinite(run[k])) column.push_back(run[k]);
      const Estimate e = estimate(column);
      page.body << "<td>" << (d.money ? money_text(e.mean * scale) : rounded(e.mean * scale))
                << "<br><small>["
                << (d.money ? money_text(e.ci_low * scale) : rounded(e.ci_low * scale)) << ", "
                << (d.money ? money_text(e.ci_high * scale) : rounded(e.ci_high * scale))
                << "]</small></td>";
    }
    page.body << "</tr>\n";
  }
  page.body << "</table>\n<p class=legend>Mean over every run and its 95% confidence interval; the "
               "design "
               "varies "
            << html_escaped(fmt::format("{}", fmt::join(in.swept, ", ")))
            << " (the appendix shows how).</p>\n";
}

/// The line under the title: what was compared, how often, over how long, in what money.
void facts_line(Page& page, const ReportInput& in, const std::optional<Options>& o) {
  const auto& spec = in.spec;
  std::size_t complete = 0;
  for (std::size_t run = 0; run < in.results.run_count(); ++run)
    complete += in.results.complete(run);
  page.body << "<p class=facts>" << html_escaped(spec.description) << "<br>"
            << (o ? html_escaped(fmt::format(
                        "{} {} against {} · ", o->names.size() - 1,
                        o->by == "option" ? (o->names.size() == 2 ? "option" : "options")
                                          : (o->names.size() == 2 ? "alternative" : "alternatives"),
                        o->shown(o->baseline)))
                  : std::string())
            << complete << " runs (" << spec.replications << " replications each) · "
            << years_text(static_cast<std::size_t>(spec.ticks))
            << (spec.warmup > 0 ? fmt::format(" after a {}-week warm-up", spec.warmup) : "")
            << (spec.currency.empty() ? std::string()
                                      : " · money in " + html_escaped(spec.currency))
            << "</p>\n";
}

}  // namespace

void executive_sections(Page& page, const ReportInput& in, const ReportOptions& options) {
  const std::vector<Kpi> kpis = choose_kpis(in, options.kpis);
  const std::optional<Options> o = compared_options(in);
  in.progress("report: executive summary");
  facts_line(page, in, o);
  if (!o) {
    page.section("At a glance");
    overall_table(page, in, kpis);
    if (!options.tornado.empty()) tornado_chart(page, in, options.tornado, kpis);
    assumptions(page, in);
    return;
  }
  const KpiComparisons k = compare_kpis(in, *o, kpis);
  page.section("The options at a glance");
  kpi_table(page, in, *o, kpis, k);
  page.section("What each option does");
  verdicts(page, in, *o, kpis, k);
  page.body << "<p class=note><b>Read with care:</b></p><ul class=caveats>\n";
  for (const std::string& c : caveats(in, *o, kpis, k))
    page.body << "<li>" << html_escaped(c) << "</li>\n";
  page.body << "</ul>\n";
  event_split(page, in, *o, kpis, k.weeks);
  page.section("Differences from " + o->shown(o->baseline));
  difference_charts(page, in, *o, kpis, k);
  page.section("Week by week");
  time_series(page, in, *o, kpis);
  if (!options.tornado.empty()) {
    page.section("What the result depends on");
    tornado_chart(page, in, options.tornado, kpis);
  }
  org_charts(page, in, *o);
  assumptions(page, in);
}

}  // namespace orgsim::analysis::detail
