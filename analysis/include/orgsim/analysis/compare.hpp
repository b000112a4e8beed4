// Paired comparison of designs: every design against a baseline with common random numbers (the
// same replication index in the same setting of every other swept parameter saw the same random
// events). The replication is the unit: a replication's differences are averaged over the other
// factors' settings, t confidence intervals and paired t tests over replications, verdicts from
// Holm-adjusted p-values over every metric and design, censored recovery times as Kaplan-Meier
// medians; and a dominance summary over the metric categories.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/analysis/summary.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace orgsim::analysis {

/// Which way is better for a metric of `results`, from the file's metric metadata: +1 higher,
/// -1 lower, 0 neither (an input or context, e.g. decision_latency: no verdict).
/// @throws UsageError when the file has no such metric.
int better_direction(const experiments::ResultsReader& results, const std::string& metric);

/// The categories of `results` a dominance verdict is given for (those with a metric that has a
/// better direction), in display order: the seed's five, finance and resilience, then any other
/// category in the file's column order.
std::vector<std::string> verdict_categories(const experiments::ResultsReader& results);

/// A category as the tables show it ("operational_efficiency" -> "efficiency").
std::string category_label(const std::string& category);

struct MetricComparison {
  std::string metric;
  std::string category;
  /// The unit the values are in: the file's, or on a calendar window (sum, total, npv) the
  /// calendar's: flows per period ("EUR/year"), durations in days (values x 7), the currency's
  /// name for "currency".
  std::string unit;
  int direction = 0;    ///< better_direction(results, metric)
  Estimate design;      ///< the design's values (one per replication: the mean over its cells)
  Estimate baseline;    ///< the baseline's values over the same pairs
  Estimate difference;  ///< design - baseline, paired by replication
  double p_value = 1;   ///< two-sided paired t test of the difference
  double p_holm = 1;    ///< Holm-adjusted over every metric and design with a direction
  /// +1 significantly better, -1 significantly worse (Holm-adjusted p below 1 - confidence and
  /// the difference at least Comparison::min_effect of the baseline), 0 no significant
  /// difference, a negligible one, or neutral, or censored.
  int verdict = 0;
  /// Significant, but smaller than Comparison::min_effect of the baseline: no verdict.
  bool negligible = false;
  /// A recovery time that some runs have not reached (censored): reported as Kaplan-Meier
  /// medians and shares recovered, never averaged, and given no verdict (the metric `recovered`
  /// carries the paired comparison of the shares).
  bool censored = false;
  double km_design = 0, km_baseline = 0;                ///< Kaplan-Meier medians (NaN: not reached)
  double recovered_design = 0, recovered_baseline = 0;  ///< shares of runs recovered
};

/// A filter on runs: only those whose column `column` formats as `value` (--where NAME=VALUE).
struct Condition {
  std::string column, value;
};

/// Parses NAME=VALUE. @throws UsageError.
Condition parse_condition(const std::string& text);

/// The unit of a metric's values on `window` (see MetricComparison::unit: flows per period,
/// durations in days, the currency's name) and the factor that converts the file's values to it.
std::pair<std::string, double> display_unit(const MetricInfo& info, const Window& window,
                                            const std::string& currency);

struct DesignComparison {
  std::string value;      ///< the design (value of the compared parameter)
  std::size_t pairs = 0;  ///< replications with at least one pair of runs: the sample size
  std::size_t cells = 0;  ///< pairs of runs (replications x settings of the blocked factors)
  std::vector<MetricComparison> metrics;
  /// Per Comparison::categories: "better", "worse", "mixed", "same" or "" (no metric measured).
  std::vector<std::string> categories;
};

struct Comparison {
  std::string parameter;
  std::string baseline;
  Window window;
  double confidence = 0.95;
  std::vector<Condition> where;  ///< the runs compared
  std::string currency;          ///< the experiment's currency (empty: "currency")
  /// Other swept columns that vary within a design: pairs share their values, and the
  /// differences are averaged over them within each replication.
  std::vector<std::string> blocked;
  /// Other swept columns fixed by the design (an option's parameters): not part of the pairing.
  std::vector<std::string> confounded;
  std::size_t tests = 0;  ///< the Holm family: metrics with a direction x designs
  /// The smallest difference worth a verdict, as a share of the baseline's mean (|difference| <
  /// min_effect x |baseline|: "negligible", however significant): 1 % by default.
  double min_effect = 0.01;
  std::vector<DesignComparison> designs;  ///< every other value, in design order
  /// Metrics the tables list (empty: all compared); the verdicts always use every compared metric.
  std::vector<std::string> shown;
  /// The categories verdicts are given for (verdict_categories()).
  std::vector<std::string> categories;
  /// Warnings from the data: firms that went bust, outcomes that look bimodal (a mean
  /// describes neither mode), censored recovery times.
  std::vector<std::string> caveats;
};

/// Sarle's bimodality coefficient b = (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3))) of a sample (g
/// skewness, k excess kurtosis, bias-corrected); above 5/9 (the uniform's value) a distribution
/// may be bimodal (Pfister et al. 2013). NaN for n < 4 or no spread.
double bimodality_coefficient(const std::vector<double>& values);

/// The metrics a comparison table shows by default: the file's headline metrics, in the order of
/// verdict_categories() and then of the columns.
std::vector<std::string> headline_metrics(const experiments::ResultsReader& results);

/// Compares each value of swept parameter `by` with `baseline` (empty: the first value in design
/// order). `metrics` empty: every metric with a better direction that some run measured, with
/// the headline metrics shown; `metrics` = {"all"}: the same, all shown.
/// @throws UsageError when `by` is not swept, the baseline is not one of its values, a metric is
/// unknown, or no run pairs up with a baseline run.
Comparison compare(const experiments::ResultsReader& results, const std::string& by,
                   const std::string& baseline, std::vector<std::string> metrics,
                   const Window& window = {}, const std::vector<Condition>& where = {});

/// Holm's adjustment over every test of several comparisons at once (calendar periods, splits
/// by a second --by): one family, so that looking at three years does not triple the chance of a
/// false verdict. Updates p_holm, verdicts (with each comparison's min_effect), category verdicts
/// and each comparison's `tests`.
void holm_across(std::vector<Comparison>& comparisons);

/// The combinations of `columns`' values among the complete runs `where` selects, in design
/// order, as conditions (one empty combination without columns).
/// @throws UsageError for an unknown column.
std::vector<std::vector<Condition>> split_levels(const experiments::ResultsReader& results,
                                                 const std::vector<std::string>& columns,
                                                 const std::vector<Condition>& where);

/// A table for a slide: one line per design and metric, then the dominance table and one
/// sentence per design ("flat vs functional: better on ..., worse on ...").
void print_comparison(std::ostream& out, const Comparison& comparison);
/// One line per design and metric with every number.
/// `header`: start with the header line (the first of several comparisons).
void print_comparison_csv(std::ostream& out, const Comparison& comparison, bool header = true);
/// Markdown tables (the same content as print_comparison).
void print_comparison_markdown(std::ostream& out, const Comparison& comparison);
/// The verdict sentence for one design.
std::string verdict_sentence(const Comparison& comparison, const DesignComparison& design);

}  // namespace orgsim::analysis
