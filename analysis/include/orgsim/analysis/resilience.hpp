// Resilience after a shock, from each run's time series of a metric: how deep the metric falls
// and how long it takes to come back within a tolerance of its pre-shock level; per run and
// summarized per design.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/experiments/results.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace orgsim::analysis {

struct RunResilience {
  std::size_t run = 0;
  std::int64_t shock_tick = -1;  ///< -1: no shock in this run
  double before = 0;             ///< the metric at the last recorded tick before the shock
  double worst = 0;  ///< its worst value from the shock on (lowest, or highest if lower is better)
  double drop = 0;   ///< (before - worst) in the better direction, >= 0
  double relative_drop = 0;          ///< drop / |before| (NaN when before is 0)
  bool recovered = false;            ///< back within the tolerance before the run ended
  std::int64_t recovery_ticks = -1;  ///< ticks from the shock to recovery (-1: not recovered)
};

/// Resilience of one run's series: `ticks[i]` and `values[i]` (recorded rows), the shock at
/// `shock_tick`, recovered at the first tick from the shock on where the value is within
/// `tolerance` × |before| of `before` or better, in direction `direction` (+1 higher is better,
/// -1 lower is better). NaN values (an unmeasured metric) give NaN results.
RunResilience run_resilience(const std::vector<std::int64_t>& ticks,
                             const std::vector<double>& values, std::int64_t shock_tick,
                             double tolerance, int direction);

struct ResilienceGroup {
  std::vector<std::string> key;
  std::size_t runs = 0;  ///< runs with a shock
  Estimate drop;         ///< absolute drop depth
  Estimate relative_drop;
  std::size_t recovered = 0;   ///< runs that recovered
  Estimate recovery_ticks;     ///< over the recovered runs only
  double median_recovery = 0;  ///< median over all shocked runs, counting a non-recovery as longer
                               ///< than any recovery (NaN when fewer than half recovered)
};

struct Resilience {
  std::string metric;
  std::string event;  ///< the named event followed (empty: each run's first shock)
  double tolerance = 0.05;
  std::vector<std::string> group_by;
  std::vector<RunResilience> runs;  ///< complete runs with a shock
  std::vector<ResilienceGroup> groups;
  std::size_t runs_without_shock = 0;  ///< or without the named event (not in their option)
  std::size_t runs_event_missed = 0;   ///< the named uncertain event did not happen in them
};

/// Finds each complete run's first shock (the `shock` metric's first non-zero row after row 0)
/// and computes its resilience. `by` empty: group by every swept parameter.
/// @throws UsageError for an unknown metric or parameter, or when no run has a shock.
/// With `event` (a name of the experiment's [[events]] or [[options.events]]): each run's
/// disturbance is that event, at its tick, in the runs where it happened (an uncertain event's
/// draw is recomputed from the file's experiment, seed and replication), so a lost contract or a
/// layoff is followed like a shock; the metric is any with a direction.
Resilience resilience(const experiments::ResultsReader& results, const std::string& metric,
                      double tolerance, std::vector<std::string> by, const std::string& event = "");

void print_resilience(std::ostream& out, const Resilience& r);
/// One line per run: run, design parameters, shock tick, before, worst, drop, relative drop,
/// recovered, recovery ticks.
void print_resilience_runs_csv(std::ostream& out, const experiments::ResultsReader& results,
                               const Resilience& r);

}  // namespace orgsim::analysis
