// Per-design-point summaries of a results file: each metric at the last tick of each run,
// grouped by swept parameters, with mean, sd and 95% confidence interval.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/experiments/results.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace orgsim::analysis {

/// Which value of a run a summary uses: its last recorded row, the row at one tick, the mean of
/// the rows in a window of ticks, a period's total (flows, whose unit is per tick, summed over
/// the period's ticks; stocks at its last tick), or the net present value of the flows (stocks
/// at the end). A tick is a week; a year is 52 of them (docs/ODD.md 2).
struct Window {
  enum class Kind { end, tick, mean, sum, npv } kind = Kind::end;
  std::int64_t from = 0;  ///< tick (Kind::tick) or first tick of the window (mean, sum)
  std::int64_t to = 0;    ///< last tick of the window (mean, sum; -1: the last recorded tick)
  double rate = 0;        ///< npv: discount rate per year
  std::string period;     ///< sum: "year", "quarter" or "month" when made by calendar_periods()
  std::string label;      ///< sum: e.g. "year 2 (weeks 53-104)"
};

/// Ticks per year (a tick is a week).
inline constexpr std::int64_t kTicksPerYear = 52;

/// Parses `end`, `TICK`, `mean:FROM-TO`, `sum:FROM-TO`, `total` (sum over the whole run) or
/// `npv:RATE` (RATE per year, e.g. 0.08). @throws UsageError with the accepted forms.
Window parse_window(const std::string& text);
/// The window as the user writes it (`end`, `52`, `mean:150-260`, `sum:1-52`, `npv:0.08`).
std::string describe(const Window& window);

/// The calendar periods of a run of `ticks` ticks: "year" (52 weeks), "quarter" (13 weeks) or
/// "month" (the 4-4-5 accounting calendar: months of 4, 4 and 5 weeks in each quarter), as sum
/// windows; a last, shorter period is labelled as partial. @throws UsageError for another name.
std::vector<Window> calendar_periods(const std::string& period, std::int64_t ticks);

/// Whether a metric unit is a flow per tick ("currency/tick", "1/tick", ...): summed over periods.
bool is_flow_unit(const std::string& unit);

/// All metric rows of a run ([row][metric], tick_rows() rows), where a run that stopped early
/// holds its final state in the rows after its end (stopping at equilibrium means nothing changes
/// any more), so every row of every run describes the state at that row's tick.
std::vector<double> held_rows(const experiments::ResultsReader& results, std::size_t run);

/// Each complete run's values of `metrics` (indices into the file's metric names) at `window`:
/// values[run][k] (a run that stopped early holds its final state, see held_rows).
/// @throws UsageError when a tick or window lies outside the recorded ticks.
std::vector<std::vector<double>> run_values(const experiments::ResultsReader& results,
                                            const std::vector<std::size_t>& metrics,
                                            const Window& window);

/// Index of each named metric in the file. @throws UsageError naming the file's metrics.
std::vector<std::size_t> metric_indices(const experiments::ResultsReader& results,
                                        const std::vector<std::string>& names);

struct GroupSummary {
  std::vector<std::string> key;     ///< values of the grouping columns
  std::vector<Estimate> estimates;  ///< one per summarized metric
};

struct Summary {
  Window window;
  std::vector<std::string> group_by;  ///< grouping column names
  std::vector<bool> group_numeric;    ///< per grouping column: numbers (else names)
  std::vector<std::string> metrics;   ///< summarized metric names
  std::vector<GroupSummary> groups;   ///< in order of first appearance (design order)
  std::size_t runs_used = 0;
  std::size_t runs_incomplete = 0;  ///< runs without status 1, left out
};

/// Summarizes each run's value at `window` per group. `by` defaults to every swept parameter;
/// `metrics` to all (leaving out metrics that are NaN in every run).
/// @throws UsageError naming the available choices when a column or metric does not exist.
Summary summarize(const experiments::ResultsReader& results, std::vector<std::string> by,
                  std::vector<std::string> metrics, const Window& window = {});
inline Summary summarize_final(const experiments::ResultsReader& results,
                               std::vector<std::string> by, std::vector<std::string> metrics) {
  return summarize(results, std::move(by), std::move(metrics));
}

/// Aligned, human-readable table (one line per group and metric).
void print_table(std::ostream& out, const Summary& summary);
/// RFC 4180 CSV with a header line: <by...>,metric,n,mean,sd,ci95_low,ci95_high.
void print_csv(std::ostream& out, const Summary& summary);
/// JSON: {"at", "group_by", "runs_used", "runs_incomplete", "groups": [{"key": {...},
/// "metrics": {name: {n, mean, sd, ci95_low, ci95_high}}}]}; NaN is null.
void print_json(std::ostream& out, const Summary& summary);
/// A Markdown (GitHub) table: one row per group and metric, "mean [low, high]" cells.
void print_markdown(std::ostream& out, const Summary& summary);

}  // namespace orgsim::analysis
