// Drop depth and recovery time after a shock.
#include "orgsim/analysis/resilience.hpp"

#include "format.hpp"
#include "orgsim/agents/organization.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <map>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

namespace {

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  return detail::readable_number(x, 4);
}

}  // namespace

RunResilience run_resilience(const std::vector<std::int64_t>& ticks,
                             const std::vector<double>& values, std::int64_t shock_tick,
                             double tolerance, int direction) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  RunResilience r;
  r.shock_tick = shock_tick;
  r.before = r.worst = r.drop = r.relative_drop = nan;
  const auto first = static_cast<std::size_t>(
      std::lower_bound(ticks.begin(), ticks.end(), shock_tick) - ticks.begin());
  if (first == 0 || first >= ticks.size()) return r;  // no row before or after the shock
  r.before = values[first - 1];
  if (std::isnan(r.before)) return r;
  const double d = direction >= 0 ? 1.0 : -1.0;
  std::size_t worst = first;
  for (std::size_t i = first; i < ticks.size(); ++i) {
    if (d * values[i] < d * values[worst]) worst = i;
  }
  r.worst = values[worst];
  r.drop = std::max(0.0, d * (r.before - r.worst));
  r.relative_drop = r.before != 0 ? r.drop / std::fabs(r.before) : nan;
  const double allowed = tolerance * std::fabs(r.before);
  if (r.drop <= allowed) {  // never left the tolerance band
    r.recovered = true;
    r.recovery_ticks = 0;
    return r;
  }
  for (std::size_t i = worst; i < ticks.size(); ++i) {
    if (d * (values[i] - r.before) >= -allowed) {
      r.recovered = true;
      r.recovery_ticks = ticks[i] - shock_tick;
      break;
    }
  }
  return r;
}

namespace {

/// The grouping columns (`by` empty: every swept parameter). @throws UsageError for another name.
std::vector<const experiments::RunColumn*> group_columns(const experiments::ResultsReader& results,
                                                         std::vector<std::string>& by) {
  if (by.empty()) by = results.parameter_columns();
  std::vector<const experiments::RunColumn*> columns;
  for (const auto& b : by) {
    const auto* column = results.run_column(b);
    const auto swept = results.parameter_columns();
    if (!column || std::find(swept.begin(), swept.end(), b) == swept.end()) {
      throw UsageError("cannot group by '" + b +
                       "'; the swept parameters are: " + detail::join(swept));
    }
    columns.push_back(column);
  }
  return columns;
}

/// One complete run's recorded ticks (the last one where an early stop ended it), the metric's
/// values at them, and its first shock (-1: none).
struct RunSeries {
  std::vector<std::int64_t> ticks;
  std::vector<double> values;
  std::int64_t shock_tick = -1;
};

RunSeries run_series(const experiments::ResultsReader& results, std::size_t run, std::size_t metric,
                     std::size_t shock) {
  const std::size_t width = results.metric_names().size();
  const auto& grid_ticks = results.tick_of_row();
  const std::vector<double> all = results.run_metrics(run);
  const auto rows = static_cast<std::size_t>(results.run_column("rows")->numbers[run]);
  RunSeries s;
  s.ticks.assign(grid_ticks.begin(), grid_ticks.begin() + static_cast<std::ptrdiff_t>(rows));
  s.ticks.back() =
      static_cast<std::int64_t>(results.run_column("ticks_run")->numbers[run]);  // an early stop
  s.values.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    s.values[r] = all[r * width + metric];
    if (s.shock_tick < 0 && r > 0 && all[r * width + shock] > 0) s.shock_tick = s.ticks[r];
  }
  return s;
}

/// Fills the group's statistics from its runs.
void summarize_group(ResilienceGroup& group, const std::vector<RunResilience>& members) {
  std::vector<double> drop, relative, recovery, ranked;
  for (const auto& r : members) {
    ++group.runs;
    drop.push_back(r.drop);
    relative.push_back(r.relative_drop);
    if (r.recovered) {
      ++group.recovered;
      recovery.push_back(static_cast<double>(r.recovery_ticks));
      ranked.push_back(static_cast<double>(r.recovery_ticks));
    } else {
      ranked.push_back(std::numeric_limits<double>::infinity());
    }
  }
  group.drop = estimate(drop);
  group.relative_drop = estimate(relative);
  group.recovery_ticks = estimate(recovery);
  std::sort(ranked.begin(), ranked.end());
  const double median = ranked.size() % 2
                            ? ranked[ranked.size() / 2]
                            : 0.5 * (ranked[ranked.size() / 2 - 1] + ranked[ranked.size() / 2]);
  group.median_recovery = std::isfinite(median) ? median : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

namespace {

/// Each run's tick of the named event (-1: not in the run's design point, -2: an uncertain event
/// that did not happen), from the experiment the file records.
std::vector<std::int64_t> event_ticks(const experiments::ResultsReader& results,
                                      const std::string& event) {
  const auto text = results.attribute("experiment");
  if (!text) throw UsageError("the results file does not record its experiment");
  const experiments::ExperimentSpec spec = experiments::parse_experiment(*text, "<results file>");
  std::vector<std::string> names;
  const auto* point = results.run_column("design_point");
  const auto* replication = results.run_column("replication");
  std::vector<std::int64_t> ticks(results.run_count(), -1);
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    const auto p = static_cast<std::size_t>(point->numbers[run]);
    for (const agents::ScheduledEvent& e : spec.events_at(p)) {
      if (!e.name.empty() && std::find(names.begin(), names.end(), e.name) == names.end())
        names.push_back(e.name);
      if (e.name != event || ticks[run] != -1) continue;
      const bool happened = agents::event_happens(
          e, {spec.seed, static_cast<std::uint64_t>(replication->numbers[run])});
      ticks[run] = happened ? static_cast<std::int64_t>(e.at) : -2;
    }
  }
  if (std::find(names.begin(), names.end(), event) == names.end()) {
    throw UsageError("--event '" + event + "': no event of the experiment has that name" +
                     (names.empty() ? std::string(" (its events have no names)")
                                    : "; its named events are: " + detail::join(names)));
  }
  return ticks;
}

}  // namespace

Resilience resilience(const experiments::ResultsReader& results, const std::string& metric,
                      double tolerance, std::vector<std::string> by, const std::string& event) {
  const std::size_t k = metric_indices(results, {metric}).front();
  const int direction = better_direction(results, metric);
  if (direction == 0) {
    throw UsageError("resilience needs a metric where higher or lower is better; '" + metric +
                     "' is context (try strategic_fit, throughput, lead_time, profit)");
  }
  if (!(tolerance >= 0 && tolerance < 1))
    throw UsageError("--within must be between 0 and 1 (e.g. 0.05 for 5%)");
  const auto& names = results.metric_names();
  const auto shock_at = std::find(names.begin(), names.end(), "shock");
  if (shock_at == names.end() && event.empty())
    throw UsageError("the results file has no 'shock' metric to find shocks with");
  const auto shock = static_cast<std::size_t>(shock_at - names.begin());
  const std::vector<std::int64_t> event_at =
      event.empty() ? std::vector<std::int64_t>() : event_ticks(results, event);
  const std::vector<const experiments::RunColumn*> columns = group_columns(results, by);

  Resilience out;
  out.metric = metric;
  out.event = event;
  out.tolerance = tolerance;
  out.group_by = by;
  const auto* status = results.run_column("status");
  std::map<std::vector<std::string>, std::size_t> group_of;
  std::vector<std::vector<RunResilience>> members;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] != 1) continue;
    RunSeries series = run_series(results, run, k, shock);
    if (!event.empty()) series.shock_tick = event_at[run] >= 0 ? event_at[run] : -1;
    if (!event.empty() && event_at[run] == -2) ++out.runs_event_missed;
    if (series.shock_tick < 0 || series.shock_tick > series.ticks.back()) {
      if (event.empty() || event_at[run] == -1) ++out.runs_without_shock;
      continue;
    }
    RunResilience rr =
        run_resilience(series.ticks, series.values, series.shock_tick, tolerance, direction);
    rr.run = run;
    std::vector<std::string> key;
    for (const auto* c : columns) key.push_back(c->format(run));
    auto [it, inserted] = group_of.try_emplace(key, out.groups.size());
    if (inserted) {
      out.groups.push_back({key, 0, {}, {}, 0, {}, 0});
      members.emplace_back();
    }
    members[it->second].push_back(rr);
    out.runs.push_back(rr);
  }
  if (out.runs.empty()) {
    const auto& ticks = results.tick_of_row();
    const bool sparse = ticks.size() > 1 && ticks[1] - ticks[0] > 1;
    if (!event.empty())
      throw UsageError("no complete run had the event '" + event + "' within its ticks");
    throw UsageError(std::string("no complete run has a shock (the 'shock' metric is 0 in every "
                                 "recorded row") +
                     (sparse ? "; record every tick around the shock with [output] every = 1)"
                             : "; follow a named event instead with --event NAME)"));
  }
  for (std::size_t g = 0; g < out.groups.size(); ++g) summarize_group(out.groups[g], members[g]);
  return out;
}

void print_resilience(std::ostream& out, const Resilience& r) {
  out << "Resilience of " << r.metric << " after "
      << (r.event.empty() ? std::string("the first shock of each run")
                          : "the event '" + r.event + "'")
      << " (recovered: back within " << r.tolerance * 100
      << "% of the level before it; 95% t intervals)\n";
  std::vector<std::string> header = r.group_by;
  for (const char* h : {"runs", "drop", "drop 95% CI", "relative drop", "recovered",
                        "recovery ticks (recovered)", "median recovery"}) {
    header.push_back(h);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : r.groups) {
    std::vector<std::string> row = g.key;
    row.push_back(std::to_string(g.runs));
    row.push_back(number(g.drop.mean));
    row.push_back(std::isnan(g.drop.ci_low)
                      ? "-"
                      : fmt::format("[{}, {}]", number(g.drop.ci_low), number(g.drop.ci_high)));
    row.push_back(number(g.relative_drop.mean));
    row.push_back(fmt::format("{}/{}", g.recovered, g.runs));
    row.push_back(g.recovery_ticks.n
                      ? fmt::format("{} (n={})", number(g.recovery_ticks.mean), g.recovery_ticks.n)
                      : "-");
    row.push_back(std::isnan(g.median_recovery) ? "not recovered" : number(g.median_recovery));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out << (c ? "  " : "") << (c < r.group_by.size() ? std::left : std::right)
          << std::setw(static_cast<int>(width[c])) << cells[c];
    }
    out << std::left << '\n';
  };
  line(header);
  std::size_t total = 0;
  for (std::size_t w : width) total += w + 2;
  out << std::string(total - 2, '-') << '\n';
  for (const auto& row : rows) line(row);
  if (r.runs_without_shock)
    out << "(" << r.runs_without_shock << " runs without "
        << (r.event.empty() ? "a shock" : "the event") << " left out)\n";
  if (r.runs_event_missed)
    out << "(" << r.runs_event_missed
        << " runs where the uncertain event did not happen left out)\n";
}

void print_resilience_runs_csv(std::ostream& out, const experiments::ResultsReader& results,
                               const Resilience& r) {
  out << "run";
  for (const auto& b : r.group_by) out << ',' << b;
  out << ",shock_tick,before,worst,drop,relative_drop,recovered,recovery_ticks\n";
  for (const auto& run : r.runs) {
    out << run.run;
    for (const auto& b : r.group_by) out << ',' << results.run_column(b)->format(run.run);
    out << ',' << run.shock_tick << ',' << std::setprecision(17) << run.before << ',' << run.worst
        << ',' << run.drop << ',' << run.relative_drop << ',' << (run.recovered ? 1 : 0) << ','
        << run.recovery_ticks << '\n';
  }
}

}  // namespace orgsim::analysis
