// Paired design comparisons with common random numbers.
#include "orgsim/analysis/compare.hpp"

#include "format.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

using detail::csv_field;

namespace {

std::string number(double x, int precision = 4) {
  return detail::readable_number(x, precision);
}

std::string signed_number(double x, int precision = 4) {
  if (std::isnan(x)) return "nan";
  return (x > 0 ? "+" : "") + number(x, precision);
}

std::string verdict_word(const MetricComparison& m) {
  if (m.direction == 0) return "(context)";
  if (m.censored) return "censored";
  if (m.negligible) return "negligible";
  return m.verdict > 0 ? "better" : m.verdict < 0 ? "worse" : "not significant";
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace

std::string category_label(const std::string& category) {
  static const std::map<std::string, std::string> labels = {
      {"strategic_alignment", "strategic alignment"},
      {"operational_efficiency", "efficiency"},
      {"engagement", "engagement"},
      {"customer", "customers"},
      {"innovation_adaptability", "innovation"},
      {"finance", "finance"},
      {"resilience", "resilience"}};
  const auto it = labels.find(category);
  if (it != labels.end()) return it->second;
  std::string label = category;
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

namespace {

const MetricInfo& info_of(const experiments::ResultsReader& results, const std::string& metric) {
  const auto& names = results.metric_names();
  const auto at = std::find(names.begin(), names.end(), metric);
  if (at == names.end())
    throw UsageError("unknown metric '" + metric + "'" + experiments::did_you_mean(metric, names) +
                     "; the file's metrics are: " + detail::join(names));
  return results.metric_info()[static_cast<std::size_t>(at - names.begin())];
}

int direction(const MetricInfo& info) {
  return info.better == Better::higher ? 1 : info.better == Better::lower ? -1 : 0;
}

}  // namespace

int better_direction(const experiments::ResultsReader& results, const std::string& metric) {
  return direction(info_of(results, metric));
}

std::vector<std::string> verdict_categories(const experiments::ResultsReader& results) {
  std::vector<std::string> categories = {"strategic_alignment",
                                         "operational_efficiency",
                                         "engagement",
                                         "customer",
                                         "innovation_adaptability",
                                         "finance",
                                         "resilience"};
  std::vector<std::string> present;
  for (const MetricInfo& info : results.metric_info()) {
    if (direction(info) == 0 || info.category.empty()) continue;
    if (std::find(present.begin(), present.end(), info.category) == present.end())
      present.push_back(info.category);
  }
  std::vector<std::string> ordered;
  for (const auto& category : categories) {
    if (std::find(present.begin(), present.end(), category) != present.end())
      ordered.push_back(category);
  }
  for (const auto& category : present) {
    if (std::find(ordered.begin(), ordered.end(), category) == ordered.end())
      ordered.push_back(category);
  }
  return ordered;
}

std::vector<std::string> headline_metrics(const experiments::ResultsReader& results) {
  std::vector<std::string> names;
  const auto& infos = results.metric_info();
  for (const auto& category : verdict_categories(results)) {
    for (const MetricInfo& info : infos) {
      if (info.headline && info.category == category) names.push_back(info.name);
    }
  }
  for (const MetricInfo& info : infos) {  // headline metrics outside the verdict categories
    if (info.headline && std::find(names.begin(), names.end(), info.name) == names.end())
      names.push_back(info.name);
  }
  return names;
}

namespace {

/// The baseline when none is given: the file's baseline option when comparing options, else the
/// first value in design order.
std::string default_baseline(const experiments::ResultsReader& results, const std::string& by,
                             const std::vector<std::string>& values) {
  if (by == "option") {
    if (const auto chosen = results.attribute("baseline_option");
        chosen && std::find(values.begin(), values.end(), *chosen) != values.end())
      return *chosen;
  }
  return values.front();
}

/// Whether a column's formatted value is the one asked for: the same text, or the same number
/// however it is written (0.0005 and 5e-04).
bool same_value(const std::string& value, const std::string& wanted) {
  if (value == wanted) return true;
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double a = std::strtod(value.c_str(), &end_a), b = std::strtod(wanted.c_str(), &end_b);
  return !value.empty() && !wanted.empty() && *end_a == '\0' && *end_b == '\0' && a == b;
}

/// The runs compared: complete, and matching every --where condition.
std::vector<bool> selected_runs(const experiments::ResultsReader& results,
                                const std::vector<Condition>& where) {
  const auto* status = results.run_column("status");
  std::vector<const experiments::RunColumn*> columns;
  for (const Condition& c : where) {
    const auto* column = results.run_column(c.column);
    const auto swept = results.parameter_columns();
    if (!column || c.column == "status") {
      throw UsageError("--where " + c.column + "=" + c.value + ": no such column" +
                       experiments::did_you_mean(c.column, swept) +
                       "; the swept "
                       "parameters are: " +
                       detail::join(swept) + " (and replication)");
    }
    columns.push_back(column);
  }
  // Conditions on one column are alternatives (--where option=a --where option=b keeps both
  // options); conditions on different columns must all hold.
  std::vector<bool> selected(results.run_count());
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    bool keep = status->numbers[run] == 1;
    for (std::size_t k = 0; keep && k < where.size(); ++k) {
      bool any = false;
      for (std::size_t j = 0; j < where.size() && !any; ++j)
        any = where[j].column == where[k].column &&
              same_value(columns[j]->format(run), where[j].value);
      keep = any;
    }
    selected[run] = keep;
  }
  for (std::size_t k = 0; k < where.size(); ++k) {
    if (std::none_of(selected.begin(), selected.end(), [](bool b) { return b; })) {
      std::vector<std::string> values;
      for (std::size_t run = 0; run < results.run_count(); ++run) {
        const std::string v = columns[k]->format(run);
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      }
      throw UsageError("--where " + where[k].column + "=" + where[k].value +
                       " (with the other conditions) selects no complete run; its values are: " +
                       detail::join(values));
    }
  }
  return selected;
}

/// Runs pair up by replication and by the values of the other swept columns that vary within a
/// design (blocked factors); columns fixed by the design (an option's own parameters) are
/// confounded with it and left out.
class Pairing {
 public:
  Pairing(const experiments::ResultsReader& results, const experiments::RunColumn& by,
          const std::vector<bool>& selected, Comparison& c)
      : replication_(results.run_column("replication")) {
    for (const auto& s : results.parameter_columns()) {
      if (s == c.parameter) continue;
      const auto* column = results.run_column(s);
      std::map<std::string, std::string> first;  // design -> the column's first value in it
      bool within = false, across = false;
      std::string seen;
      for (std::size_t run = 0; run < results.run_count(); ++run) {
        if (!selected[run]) continue;
        const std::string v = column->format(run);
        const auto [it, fresh] = first.emplace(by.format(run), v);
        within |= !fresh && it->second != v;
        if (seen.empty()) seen = v;
        across |= v != seen;
      }
      if (within) {
        blocked_.push_back(column);
        c.blocked.push_back(s);
      } else if (across) {
        c.confounded.push_back(s);
      }
    }
  }

  using Key = std::pair<std::vector<std::string>, std::size_t>;

  [[nodiscard]] Key key(std::size_t run) const {
    std::vector<std::string> others;
    for (const auto* column : blocked_) others.push_back(column->format(run));
    return std::make_pair(others, replication(run));
  }
  [[nodiscard]] std::size_t replication(std::size_t run) const {
    return static_cast<std::size_t>(replication_->numbers[run]);
  }

 private:
  const experiments::RunColumn* replication_;
  std::vector<const experiments::RunColumn*> blocked_;
};

/// The values of a run column in order of first appearance (design order), selected runs only.
std::vector<std::string> distinct_values(const experiments::ResultsReader& results,
                                         const experiments::RunColumn& column,
                                         const std::vector<bool>& selected) {
  std::vector<std::string> values;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (!selected[run]) continue;
    const std::string v = column.format(run);
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  return values;
}

/// The paired values of one design, one per replication (the mean over its cells): x[k], b[k]
/// and their differences per metric k; and each run's own values for censored metrics.
struct PairedValues {
  std::size_t pairs = 0, cells = 0;
  std::vector<std::vector<double>> design, baseline, difference;
  std::vector<std::vector<double>> design_runs, baseline_runs;  ///< per metric, run by run
  std::vector<std::vector<bool>> design_done, baseline_done;    ///< recovered (censoring)
  std::vector<std::size_t> design_ids, baseline_ids;            ///< the runs of each pair
};

/// What compare() shares between designs.
struct ComparisonInput {
  const experiments::ResultsReader& results;
  const experiments::RunColumn* column;  ///< the compared parameter
  std::vector<bool> selected;
  std::vector<std::string> metrics;
  std::vector<std::vector<double>> value;  ///< value[run][k] at the window
  std::vector<double> recovered;           ///< `recovered` at the window (NaN: not in the file)
  std::vector<double> exited;              ///< `exited` at the window (NaN: not in the file)
  bool has_recovered = false;              ///< files before issue 21 have no `recovered`
  Pairing pairing;
  std::map<Pairing::Key, std::size_t> baseline_run;  ///< the complete baseline run of each pair key
};

/// Whether a metric is a recovery time whose runs may not have recovered (censored).
bool censorable(const std::string& metric) {
  return metric == "recovery_time";
}

/// Per replication: sums of design, baseline and difference values over its cells, per metric.
struct ReplicationSums {
  std::vector<double> x, b, d;
  std::vector<std::size_t> n;
  explicit ReplicationSums(std::size_t metrics) : x(metrics), b(metrics), d(metrics), n(metrics) {}
};

PairedValues paired_values(const ComparisonInput& in, const std::string& design) {
  const std::size_t metrics = in.metrics.size();
  PairedValues p;
  for (auto* v : {&p.design, &p.baseline, &p.difference, &p.design_runs, &p.baseline_runs})
    v->assign(metrics, {});
  p.design_done.assign(metrics, {});
  p.baseline_done.assign(metrics, {});
  std::map<std::size_t, ReplicationSums> sums;
  for (std::size_t run = 0; run < in.results.run_count(); ++run) {
    if (!in.selected[run] || in.column->format(run) != design) continue;
    const auto partner = in.baseline_run.find(in.pairing.key(run));
    if (partner == in.baseline_run.end()) continue;
    ++p.cells;
    p.design_ids.push_back(run);
    p.baseline_ids.push_back(partner->second);
    auto& r = sums.try_emplace(in.pairing.replication(run), metrics).first->second;
    for (std::size_t k = 0; k < metrics; ++k) {
      double xv = in.value[run][k];
      double bv = in.value[partner->second][k];
      if (in.has_recovered && censorable(in.metrics[k])) {  // none in a run without a shock
        if (std::isnan(in.recovered[run])) xv = std::nan("");
        if (std::isnan(in.recovered[partner->second])) bv = std::nan("");
      }
      p.design_runs[k].push_back(xv);
      p.baseline_runs[k].push_back(bv);
      p.design_done[k].push_back(in.recovered[run] == 1);
      p.baseline_done[k].push_back(in.recovered[partner->second] == 1);
      if (std::isnan(xv) || std::isnan(bv)) continue;
      r.x[k] += xv;
      r.b[k] += bv;
      r.d[k] += xv - bv;
      ++r.n[k];
    }
  }
  p.pairs = sums.size();
  for (const auto& [replication, r] : sums) {
    for (std::size_t k = 0; k < metrics; ++k) {
      const double n = static_cast<double>(r.n[k]);  // 0: NaN, skipped by estimate
      p.design[k].push_back(r.n[k] ? r.x[k] / n : std::nan(""));
      p.baseline[k].push_back(r.n[k] ? r.b[k] / n : std::nan(""));
      p.difference[k].push_back(r.n[k] ? r.d[k] / n : std::nan(""));
    }
  }
  return p;
}

/// The Kaplan-Meier median of times of which those not `done` are censored (NaN: not reached).
double kaplan_meier_median(const std::vector<double>& time, const std::vector<bool>& done) {
  std::vector<std::pair<double, bool>> events;
  for (std::size_t i = 0; i < time.size(); ++i)
    if (!std::isnan(time[i])) events.emplace_back(time[i], done[i]);
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second && !b.second);  // events first
  });
  double survival = 1;
  std::size_t at_risk = events.size();
  for (std::size_t i = 0; i < events.size();) {
    std::size_t j = i, ended = 0;
    for (; j < events.size() && events[j].first == events[i].first; ++j) ended += events[j].second;
    if (ended > 0) {
      survival *= 1.0 - static_cast<double>(ended) / static_cast<double>(at_risk);
      if (survival <= 0.5) return events[i].first;
    }
    at_risk -= j - i;
    i = j;
  }
  return std::nan("");
}

double share_true(const std::vector<bool>& flags) {
  if (flags.empty()) return std::nan("");
  return static_cast<double>(std::count(flags.begin(), flags.end(), true)) /
         static_cast<double>(flags.size());
}

void scale_estimate(Estimate& e, double factor) {
  e.mean *= factor;
  e.sd *= factor;
  e.ci_low *= factor;
  e.ci_high *= factor;
}

MetricComparison compare_metric(const MetricInfo& info, const PairedValues& p, std::size_t k,
                                double confidence, bool has_recovered) {
  MetricComparison m;
  m.metric = info.name;
  m.category = info.category;
  m.unit = info.unit;
  m.direction = direction(info);
  m.design = estimate(p.design[k], confidence);
  m.baseline = estimate(p.baseline[k], confidence);
  m.difference = estimate(p.difference[k], confidence);
  m.p_value = paired_t_p_value(m.difference);
  m.p_holm = m.p_value;
  if (has_recovered && censorable(info.name)) {
    // Censored: some run with a shock has not recovered (its time is only a lower bound).
    bool censored = false;
    for (std::size_t i = 0; i < p.design_done[k].size(); ++i) {
      censored |= !std::isnan(p.design_runs[k][i]) && !p.design_done[k][i];
      censored |= !std::isnan(p.baseline_runs[k][i]) && !p.baseline_done[k][i];
    }
    if (censored) {
      m.censored = true;
      m.km_design = kaplan_meier_median(p.design_runs[k], p.design_done[k]);
      m.km_baseline = kaplan_meier_median(p.baseline_runs[k], p.baseline_done[k]);
      m.recovered_design = share_true(p.design_done[k]);
      m.recovered_baseline = share_true(p.baseline_done[k]);
    }
  }
  return m;
}

/// Holm's step-down adjustment over every metric with a direction and an interval, in every
/// design, that differs in some pair (a metric equal in every pair, such as exits where no firm
/// fails, is no test and does not widen the family); verdicts where the adjusted p-value is below 1
/// - confidence and the difference is at least the comparison's min_effect of the baseline (a
/// smallest effect of interest: Lakens 2017), "negligible" where only the first holds.
void holm_verdicts(std::vector<Comparison*> comparisons) {
  struct Member {
    MetricComparison* metric;
    const Comparison* comparison;
  };
  std::vector<Member> family;
  for (Comparison* c : comparisons)
    for (auto& d : c->designs)
      for (auto& m : d.metrics)
        if (m.direction != 0 && !m.censored && m.difference.n >= 2 && !std::isnan(m.p_value) &&
            !(m.difference.sd == 0 && m.difference.mean == 0))  // equal in every pair: no test
          family.push_back({&m, c});
  for (Comparison* c : comparisons) c->tests = family.size();
  std::stable_sort(family.begin(), family.end(), [](const Member& a, const Member& b) {
    return a.metric->p_value < b.metric->p_value;
  });
  double running = 0;
  const double tests = static_cast<double>(family.size());
  for (std::size_t i = 0; i < family.size(); ++i) {
    MetricComparison& m = *family[i].metric;
    const Comparison& c = *family[i].comparison;
    running = std::max(running, std::min(1.0, (tests - static_cast<double>(i)) * m.p_value));
    m.p_holm = running;
    const bool significant = running < 1 - c.confidence;
    m.negligible =
        significant && std::abs(m.difference.mean) < c.min_effect * std::abs(m.baseline.mean);
    m.verdict =
        significant && !m.negligible ? (m.difference.mean > 0 ? m.direction : -m.direction) : 0;
  }
}

/// Per category: "better", "worse", "mixed", "same" or "" (no metric with an interval).
std::vector<std::string> category_verdicts(const std::vector<std::string>& categories,
                                           const std::vector<MetricComparison>& metrics) {
  std::vector<std::string> verdicts;
  for (const std::string& category : categories) {
    bool measured = false, better = false, worse = false;
    for (const auto& m : metrics) {
      if (m.category != category || m.direction == 0 || m.censored || m.difference.n < 2)
        continue;  // no interval, no verdict
      measured = true;
      better |= m.verdict > 0;
      worse |= m.verdict < 0;
    }
    verdicts.push_back(!measured         ? ""
                       : better && worse ? "mixed"
                       : better          ? "better"
                       : worse           ? "worse"
                                         : "same");
  }
  return verdicts;
}

/// The metrics to compare: the requested ones, or ("all" or none) every metric with a better
/// direction, the headline metrics shown unless "all" was asked for.
std::vector<std::string> compared_metrics(const experiments::ResultsReader& results,
                                          std::vector<std::string> metrics, Comparison& c,
                                          bool& all_metrics) {
  const bool show_all = metrics.size() == 1 && metrics[0] == "all";
  if (show_all) metrics.clear();
  all_metrics = metrics.empty();
  if (all_metrics && !show_all) c.shown = headline_metrics(results);
  if (all_metrics) {
    for (const MetricInfo& info : results.metric_info()) {
      if (direction(info) != 0) metrics.push_back(info.name);
    }
  }
  return metrics;
}

bool has_metric(const experiments::ResultsReader& results, const std::string& name) {
  const auto& names = results.metric_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The tick a state metric is read at for `window`: the window's last recorded tick for mean and
/// sum windows (a run that has exited or recovered by then has, whatever it did inside the
/// window), the tick itself for a tick, the end otherwise.
Window state_window(const experiments::ResultsReader& results, const Window& window) {
  const auto& ticks = results.tick_of_row();
  if (window.kind == Window::Kind::tick) return window;
  if ((window.kind != Window::Kind::mean && window.kind != Window::Kind::sum) || window.to < 0 ||
      ticks.empty() || window.to >= ticks.back())
    return Window{};
  const auto at = std::upper_bound(ticks.begin(), ticks.end(), window.to);
  if (at == ticks.begin()) return Window{};
  Window state;
  state.kind = Window::Kind::tick;
  state.from = *(at - 1);
  return state;
}

/// Metrics that describe a state reached by a tick, read at the window's end whatever the
/// window: a mean of "recovered" or of the weeks since a shock over a window is no recovery
/// share or time, nor a mean of "exited" a share of the firms that went bust.
bool is_state_metric(const std::string& name) {
  return name == "recovered" || name == "exited" || name == "recovery_time";
}

/// Each run's values of the compared metrics at the window (state metrics at its end), and of
/// `recovered` and `exited` at its end (NaN where the file has no such metric).
struct WindowValues {
  std::vector<std::vector<double>> value;  ///< [run][k]
  std::vector<double> recovered, exited;
};

WindowValues window_values(const experiments::ResultsReader& results,
                           const std::vector<std::size_t>& index, const Window& window) {
  const auto& names = results.metric_names();
  std::vector<std::size_t> states;  // metric indices read at the window's end
  std::vector<std::size_t> state_of(index.size(), SIZE_MAX);  // [k]: position in `states`
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (!is_state_metric(names[index[k]])) continue;
    state_of[k] = states.size();
    states.push_back(index[k]);
  }
  std::vector<std::size_t> extra;  // position in `states` of recovered, exited (or none)
  for (const char* name : {"recovered", "exited"}) {
    extra.push_back(has_metric(results, name) ? states.size() : SIZE_MAX);
    if (extra.back() != SIZE_MAX) states.push_back(metric_indices(results, {name}).front());
  }
  WindowValues out{run_values(results, index, window),
                   std::vector<double>(results.run_count(), std::nan("")),
                   std::vector<double>(results.run_count(), std::nan(""))};
  const auto at_end = run_values(results, states, state_window(results, window));
  for (std::size_t run = 0; run < out.value.size(); ++run) {
    auto& row = out.value[run];
    if (row.empty() || at_end[run].empty()) continue;  // incomplete
    for (std::size_t k = 0; k < row.size(); ++k)
      if (state_of[k] != SIZE_MAX) row[k] = at_end[run][state_of[k]];
    if (extra[0] != SIZE_MAX) out.recovered[run] = at_end[run][extra[0]];
    if (extra[1] != SIZE_MAX) out.exited[run] = at_end[run][extra[1]];
  }
  return out;
}

}  // namespace

std::vector<std::vector<Condition>> split_levels(const experiments::ResultsReader& results,
                                                 const std::vector<std::string>& columns,
                                                 const std::vector<Condition>& where) {
  if (columns.empty()) return {{}};
  const auto swept = results.parameter_columns();
  std::vector<const experiments::RunColumn*> split;
  for (const auto& name : columns) {
    if (std::find(swept.begin(), swept.end(), name) == swept.end())
      throw UsageError("cannot split by '" + name +
                       "'; the swept parameters are: " + detail::join(swept));
    split.push_back(results.run_column(name));
  }
  const std::vector<bool> selected = selected_runs(results, where);
  std::vector<std::vector<Condition>> levels;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (!selected[run]) continue;
    std::vector<Condition> level;
    for (std::size_t k = 0; k < split.size(); ++k)
      level.push_back({columns[k], split[k]->format(run)});
    const bool seen = std::any_of(levels.begin(), levels.end(), [&](const auto& other) {
      return std::equal(other.begin(), other.end(), level.begin(),
                        [](const Condition& a, const Condition& b) { return a.value == b.value; });
    });
    if (!seen) levels.push_back(std::move(level));
  }
  return levels;
}

double bimodality_coefficient(const std::vector<double>& values) {
  std::vector<double> x;
  for (double v : values)
    if (!std::isnan(v)) x.push_back(v);
  const double n = static_cast<double>(x.size());
  if (x.size() < 4) return std::nan("");
  double mean = 0;
  for (double v : x) mean += v / n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - mean;
    m2 += d * d / n;
    m3 += d * d * d / n;
    m4 += d * d * d * d / n;
  }
  if (!(m2 > 1e-300)) return std::nan("");
  const double g1 = m3 / std::pow(m2, 1.5), g2 = m4 / (m2 * m2) - 3;
  const double skew = g1 * std::sqrt(n * (n - 1)) / (n - 2);  // sample (bias-corrected)
  const double kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6);
  return (skew * skew + 1) / (kurt + 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)));
}

namespace {

/// Caveats generated from the data (Comparison::caveats).
void add_caveats(Comparison& c, const ComparisonInput& in,
                 const std::vector<std::pair<std::string, PairedValues>>& paired) {
  for (const auto& [design, p] : paired) {
    const auto bust = [&](const std::vector<std::size_t>& runs) {
      return std::count_if(runs.begin(), runs.end(),
                           [&](std::size_t run) { return in.exited[run] == 1.0; });
    };
    const auto d = bust(p.design_ids), b = bust(p.baseline_ids);
    if (d + b > 0) {
      c.caveats.push_back(fmt::format(
          "{} of {} runs of {} and {} of {} of {} went bust (cash below the credit line) by the "
          "end of {}: their metrics stay at the week of the exit",
          d, p.design_ids.size(), design, b, p.baseline_ids.size(), c.baseline,
          describe(c.window)));
    }
    for (std::size_t k = 0; k < in.metrics.size(); ++k) {
      const std::string& metric = in.metrics[k];
      if (!c.shown.empty() && std::find(c.shown.begin(), c.shown.end(), metric) == c.shown.end())
        continue;
      if (p.design_runs[k].size() < 10) continue;
      const double b = bimodality_coefficient(p.design_runs[k]);
      if (b > 5.0 / 9.0 && metric != "exited" && metric != "recovered") {
        c.caveats.push_back(fmt::format(
            "{} of {} may be bimodal across runs (bimodality coefficient {} > 0.555): its mean "
            "may describe no run; look at the runs (orgsim export: one row per run; orgsim "
            "plot --run K)",
            metric, design, number(b, 3)));
      }
    }
  }
  for (const auto& d : c.designs)
    for (const auto& m : d.metrics)
      if (m.censored)
        c.caveats.push_back(fmt::format(
            "{} of {}: recovery censored ({}% of its runs and {}% of {}'s recovered by {}): "
            "Kaplan-Meier medians shown, no mean",
            m.metric, d.value, number(100 * m.recovered_design, 3),
            number(100 * m.recovered_baseline, 3), c.baseline, describe(c.window)));
}

}  // namespace

std::pair<std::string, double> display_unit(const MetricInfo& info, const Window& window,
                                            const std::string& currency) {
  std::string unit = info.unit;
  double scale = 1;
  const bool calendar = window.kind == Window::Kind::sum || window.kind == Window::Kind::npv;
  if (calendar && unit == "ticks") {
    unit = "days";
    scale = 7;  // a tick is a week
  } else if (calendar && is_flow_unit(unit)) {
    unit.resize(unit.size() - 5);
    // npv discounts money only; other flows (turnover, hires) are summed
    if (window.kind == Window::Kind::npv && unit.find("currency") != std::string::npos) {
      unit += " (NPV at " + number(100 * window.rate, 3) + "%/year)";
    } else if (!window.period.empty()) {
      unit += "/" + window.period;
    } else {
      unit += " in total";
    }
  }
  if (!currency.empty())
    if (const auto at = unit.find("currency"); at != std::string::npos)
      unit.replace(at, 8, currency);
  return {unit, scale};
}

void holm_across(std::vector<Comparison>& comparisons) {
  std::vector<Comparison*> all;
  for (Comparison& c : comparisons) all.push_back(&c);
  holm_verdicts(all);
  for (Comparison& c : comparisons)
    for (auto& d : c.designs) d.categories = category_verdicts(c.categories, d.metrics);
}

Condition parse_condition(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--where '" + text + "': expected NAME=VALUE, e.g. option=squads");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Comparison compare(const experiments::ResultsReader& results, const std::string& by,
                   const std::string& baseline, std::vector<std::string> metrics,
                   const Window& window, const std::vector<Condition>& where) {
  const auto swept = results.parameter_columns();
  if (std::find(swept.begin(), swept.end(), by) == swept.end()) {
    throw UsageError("cannot compare by '" + by + "'" + experiments::did_you_mean(by, swept) +
                     "; the swept parameters are: " + detail::join(swept));
  }
  const auto* column = results.run_column(by);
  std::vector<bool> selected = selected_runs(results, where);
  const std::vector<std::string> values = distinct_values(results, *column, selected);
  if (values.empty()) {
    throw UsageError(where.empty() ? "nothing to compare: the results file has no complete runs"
                                   : "nothing to compare: --where selects no complete run");
  }
  Comparison c;
  c.parameter = by;
  c.window = window;
  c.where = where;
  c.currency = results.attribute("currency").value_or("");
  c.categories = verdict_categories(results);
  c.baseline = baseline.empty() ? default_baseline(results, by, values) : baseline;
  if (std::find(values.begin(), values.end(), c.baseline) == values.end()) {
    throw UsageError("--baseline '" + baseline + "' is not a value of " + by +
                     (where.empty() ? "" : " among the runs --where selects") +
                     "; its values are: " + detail::join(values));
  }
  bool all_metrics = false;
  metrics = compared_metrics(results, std::move(metrics), c, all_metrics);
  const std::vector<std::size_t> index = metric_indices(results, metrics);
  Pairing pairing(results, *column, selected, c);
  WindowValues read = window_values(results, index, window);
  ComparisonInput in{results,
                     column,
                     std::move(selected),
                     metrics,
                     std::move(read.value),
                     std::move(read.recovered),
                     std::move(read.exited),
                     has_metric(results, "recovered"),
                     std::move(pairing),
                     {}};
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (in.selected[run] && column->format(run) == c.baseline)
      in.baseline_run.emplace(in.pairing.key(run), run);
  }
  std::vector<std::pair<std::string, PairedValues>> paired;
  for (const std::string& v : values) {
    if (v == c.baseline) continue;
    DesignComparison d;
    d.value = v;
    PairedValues p = paired_values(in, v);
    d.pairs = p.pairs;
    d.cells = p.cells;
    if (d.pairs == 0) {
      throw UsageError(fmt::format(
          "no run of {} = {} pairs with a baseline run (same replication and the same values of "
          "{}): the two designs were not run under the same settings",
          by, v, c.blocked.empty() ? std::string("the other factors") : detail::join(c.blocked)));
    }
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const MetricInfo& info = info_of(results, metrics[k]);
      MetricComparison m = compare_metric(info, p, k, c.confidence, in.has_recovered);
      const auto [unit, scale] = display_unit(info, window, c.currency);
      m.unit = unit;
      for (Estimate* e : {&m.design, &m.baseline, &m.difference}) scale_estimate(*e, scale);
      m.km_design *= scale;
      m.km_baseline *= scale;
      if (all_metrics && m.design.n == 0 && m.baseline.n == 0) continue;  // submodel switched off
      d.metrics.push_back(std::move(m));
    }
    c.designs.push_back(std::move(d));
    paired.emplace_back(v, std::move(p));
  }
  if (c.designs.empty()) throw UsageError(by + " has only one value; nothing to compare");
  holm_verdicts({&c});
  add_caveats(c, in, paired);
  for (auto& d : c.designs) d.categories = category_verdicts(c.categories, d.metrics);
  return c;
}

std::string verdict_sentence(const Comparison& comparison, const DesignComparison& design) {
  std::vector<std::string> better, worse, mixed, same;
  const auto& categories = comparison.categories;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string label = category_label(categories[i]);
    if (design.categories[i] == "better") better.push_back(label);
    if (design.categories[i] == "worse") worse.push_back(label);
    if (design.categories[i] == "mixed") mixed.push_back(label);
    if (design.categories[i] == "same") same.push_back(label);
  }
  const std::string start = fmt::format("{} vs {}: ", design.value, comparison.baseline);
  if (design.pairs < 2) {
    return fmt::format(
        "{}only {} paired replication: no confidence intervals, no verdict (run more "
        "replications)",
        start, design.pairs);
  }
  std::vector<std::string> parts;
  if (!better.empty()) parts.push_back("better on " + join_words(better));
  if (!worse.empty()) parts.push_back("worse on " + join_words(worse));
  if (!mixed.empty()) parts.push_back("mixed on " + join_words(mixed));
  if (!same.empty()) parts.push_back("no significant difference on " + join_words(same));
  if (parts.empty()) parts.push_back("no category measured");
  return fmt::format(
      "{}{} ({} paired replications{}; verdicts at Holm-adjusted p < {} over {} "
      "tests and differences of at least {}% of the baseline)",
      start, fmt::join(parts, "; "), design.pairs,
      design.cells > design.pairs
          ? fmt::format(
                ", each the mean of {} run pairs",
                number(static_cast<double>(design.cells) / static_cast<double>(design.pairs), 3))
          : std::string(),
      number(1 - comparison.confidence, 2), comparison.tests,
      number(100 * comparison.min_effect, 3));
}

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t text_columns = 0;  // left-aligned leading columns
};

/// A censored recovery time: "median 12 (80% recovered)" or "not reached (30% recovered)".
std::string censored_cell(double median, double recovered) {
  return (std::isnan(median) ? std::string("median not reached") : "median " + number(median)) +
         " (" + number(100 * recovered, 3) + "% recovered)";
}

std::string with_unit(const MetricComparison& m) {
  if (m.unit.empty()) return m.metric;
  return m.metric + (m.unit.front() == '[' ? " " + m.unit : " [" + m.unit + "]");  // [0, 1]
}

std::string p_cell(double p) {
  return p < 0.0001 ? "<0.0001" : number(p, 2);
}

Table metric_table(const Comparison& c) {
  Table t;
  t.header = {c.parameter,  "metric", "n", "design",   c.baseline + " (baseline)",
              "difference", "95% CI", "p", "p (Holm)", "verdict"};
  t.text_columns = 2;
  for (const auto& d : c.designs) {
    for (const auto& m : d.metrics) {
      if (!c.shown.empty() && std::find(c.shown.begin(), c.shown.end(), m.metric) == c.shown.end())
        continue;
      if (m.censored) {
        t.rows.push_back({d.value, with_unit(m), std::to_string(m.difference.n),
                          censored_cell(m.km_design, m.recovered_design),
                          censored_cell(m.km_baseline, m.recovered_baseline), "-", "-", "-", "-",
                          "censored (compare `recovered`)"});
        continue;
      }
      const bool tested = m.direction != 0 && m.difference.n >= 2;
      t.rows.push_back(
          {d.value, with_unit(m), std::to_string(m.difference.n), number(m.design.mean),
           number(m.baseline.mean), signed_number(m.difference.mean),
           std::isnan(m.difference.ci_low) ? "-"
                                           : "[" + signed_number(m.difference.ci_low) + ", " +
                                                 signed_number(m.difference.ci_high) + "]",
           tested ? p_cell(m.p_value) : "-", tested ? p_cell(m.p_holm) : "-", verdict_word(m)});
    }
  }
  return t;
}

Table dominance_table(const Comparison& c) {
  Table t;
  t.header = {c.parameter};
  for (const auto& category : c.categories) t.header.push_back(category_label(category));
  t.text_columns = t.header.size();
  for (const auto& d : c.designs) {
    std::vector<std::string> row = {d.value};
    for (const auto& v : d.categories) row.push_back(v.empty() ? "-" : v);
    t.rows.push_back(std::move(row));
  }
  return t;
}

void print_aligned(std::ostream& out, const Table& t) {
  std::vector<std::size_t> width(t.header.size());
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    width[c] = t.header[c].size();
    for (const auto& row : t.rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out << "  ";
      out << (c < t.text_columns || c + 1 == cells.size() ? std::left : std::right)
          << std::setw(static_cast<int>(width[c])) << cells[c];
    }
    out << std::left << '\n';
  };
  line(t.header);
  std::size_t total = 0;
  for (std::size_t w : width) total += w + 2;
  out << std::string(total - 2, '-') << '\n';
  for (const auto& row : t.rows) line(row);
}

void print_markdown_table(std::ostream& out, const Table& t) {
  out << '|';
  for (const auto& h : t.header) out << ' ' << h << " |";
  out << "\n|";
  for (std::size_t c = 0; c < t.header.size(); ++c) out << (c < t.text_columns ? "---|" : "--:|");
  out << '\n';
  for (const auto& row : t.rows) {
    out << '|';
    for (const auto& cell : row) out << ' ' << cell << " |";
    out << '\n';
  }
}

std::string conditions(const std::vector<Condition>& where) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < where.size(); ++k) {  // one column's alternatives joined by "or"
    bool first = true;
    for (std::size_t j = 0; j < k && first; ++j) first = where[j].column != where[k].column;
    if (!first) continue;
    std::string part = where[k].column + " = " + where[k].value;
    for (std::size_t j = k + 1; j < where.size(); ++j)
      if (where[j].column == where[k].column) part += " or " + where[j].value;
    parts.push_back(part);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string heading(const Comparison& c) {
  std::string text = fmt::format(
      "Paired comparison of {} against {} at {}{} (common random numbers: replication k saw the "
      "same random events in every design; the replication is the unit of the 95% t confidence "
      "intervals and paired t tests",
      c.parameter, c.baseline, describe(c.window),
      c.where.empty() ? std::string() : ", where " + conditions(c.where));
  if (!c.blocked.empty())
    text += fmt::format(", its differences averaged over {}", detail::join(c.blocked));
  text += fmt::format(
      "; verdicts from p-values Holm-adjusted over {} tests, for differences of at least {}% of "
      "the baseline; smaller significant ones are negligible)",
      c.tests, number(100 * c.min_effect, 3));
  if (!c.confounded.empty())
    text += fmt::format("\n(set by each {} and compared with it: {})", c.parameter,
                        detail::join(c.confounded));
  return text;
}

}  // namespace

void print_comparison(std::ostream& out, const Comparison& c) {
  out << heading(c) << "\n\n";
  print_aligned(out, metric_table(c));
  if (!c.shown.empty())
    out << "(headline metrics; the verdicts below use every metric: --metrics all lists them)\n";
  out << "\nBy category (better/worse: at least one metric differs significantly in that "
         "direction):\n\n";
  print_aligned(out, dominance_table(c));
  out << '\n';
  for (const auto& d : c.designs) out << verdict_sentence(c, d) << '\n';
  if (!c.caveats.empty()) out << "\nCaveats:\n";
  for (const auto& caveat : c.caveats) out << "- " << caveat << '\n';
}

void print_comparison_markdown(std::ostream& out, const Comparison& c) {
  out << heading(c) << "\n\n";
  print_markdown_table(out, metric_table(c));
  if (!c.shown.empty())
    out << "\n(headline metrics; the verdicts use every metric: `--metrics all` lists them)\n";
  out << '\n';
  print_markdown_table(out, dominance_table(c));
  out << '\n';
  for (const auto& d : c.designs) out << "- " << verdict_sentence(c, d) << '\n';
  if (!c.caveats.empty()) out << "\nCaveats:\n\n";
  for (const auto& caveat : c.caveats) out << "- " << caveat << '\n';
}

void print_comparison_csv(std::ostream& out, const Comparison& c, bool header) {
  if (header) {
    out << "parameter,at,where,design,baseline,metric,unit,category,direction,pairs,run_pairs,"
           "design_mean,baseline_mean,difference,sd,ci95_low,ci95_high,p,p_holm,verdict,km_median_"
           "design,"
           "km_median_baseline,recovered_design,recovered_baseline\n";
  }
  for (const auto& d : c.designs) {
    for (const auto& m : d.metrics) {
      out << csv_field(c.parameter) << ',' << csv_field(describe(c.window)) << ','
          << csv_field(conditions(c.where)) << ',' << csv_field(d.value) << ','
          << csv_field(c.baseline) << ',' << m.metric << ',' << csv_field(m.unit) << ','
          << m.category << ',' << m.direction << ',' << m.difference.n << ',' << d.cells << ','
          << number(m.design.mean, 17) << ',' << number(m.baseline.mean, 17) << ','
          << number(m.difference.mean, 17) << ',' << number(m.difference.sd, 17) << ','
          << number(m.difference.ci_low, 17) << ',' << number(m.difference.ci_high, 17) << ','
          << number(m.p_value, 17) << ',' << number(m.p_holm, 17) << ',' << verdict_word(m);
      if (m.censored) {
        out << ',' << number(m.km_design, 17) << ',' << number(m.km_baseline, 17) << ','
            << number(m.recovered_design, 17) << ',' << number(m.recovered_baseline, 17) << '\n';
      } else {
        out << ",,,,\n";
      }
    }
  }
}

}  // namespace orgsim::analysis
