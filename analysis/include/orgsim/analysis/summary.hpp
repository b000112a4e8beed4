// Per-design-point summaries of a results file: each metric at the last tick of each run,
// grouped by swept parameters, with mean, sd and 95% confidence interval.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/experiments/results.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace orgsim::analysis {

struct GroupSummary {
  std::vector<std::string> key;      ///< values of the grouping columns
  std::vector<Estimate> estimates;   ///< one per summarized metric
};

struct Summary {
  std::vector<std::string> group_by;  ///< grouping column names
  std::vector<std::string> metrics;   ///< summarized metric names
  std::vector<GroupSummary> groups;   ///< in order of first appearance (design order)
  std::size_t runs_used = 0;
  std::size_t runs_incomplete = 0;    ///< runs without status 1, left out
};

/// Summarizes final-tick values. `by` defaults to every swept parameter; `metrics` to all.
/// @throws UsageError naming the available choices when a column or metric does not exist.
Summary summarize_final(const experiments::ResultsReader& results, std::vector<std::string> by,
                        std::vector<std::string> metrics);

/// Aligned, human-readable table (one line per group and metric).
void print_table(std::ostream& out, const Summary& summary);
/// RFC 4180 CSV with a header line: <by...>,metric,n,mean,sd,ci95_low,ci95_high.
void print_csv(std::ostream& out, const Summary& summary);

}  // namespace orgsim::analysis
