// Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as
// EMA Workbench uses it (Kwakkel 2017; Bryant & Lempert 2010): which ranges of the swept
// parameters hold the runs of interest (e.g. "profit < 0")? PRIM peels a box, one small slice
// of one dimension at a time, keeping the peel that leaves the densest box, and reports the
// trajectory of boxes from the whole space down to the minimum mass; the analyst picks the box
// that trades coverage against density (docs/analysis.md, `orgsim discover`).
#pragma once

#include "orgsim/analysis/summary.hpp"
#include "orgsim/experiments/results.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace orgsim::analysis {

/// One input dimension: numbers, or categories (choices, options, booleans) as codes.
struct PrimColumn {
  std::string name;
  bool categorical = false;
  std::vector<double> values;           ///< per point (categorical: the category's code)
  std::vector<std::string> categories;  ///< categorical: the name of each code
};

/// A box: per dimension a closed range [low, high] (numeric) or the categories kept.
struct PrimBox {
  std::vector<double> low, high;
  std::vector<std::vector<bool>> kept;  ///< categorical dimensions: kept[d][code]
  double coverage = 0;                  ///< cases of interest inside / all cases of interest
  double density = 0;                   ///< cases of interest inside / points inside
  double mass = 0;                      ///< points inside / all points
  std::size_t points = 0;
  std::size_t cases = 0;
};

struct PrimOptions {
  double alpha = 0.05;     ///< share of the box's points one peel removes
  double min_mass = 0.05;  ///< peeling stops before the box holds fewer points than this share
  double threshold = 0.8;  ///< the chosen box: highest coverage with at least this density
};

struct PrimResult {
  std::vector<PrimColumn> columns;
  std::vector<PrimBox> trajectory;  ///< box 0 is the whole space
  std::size_t chosen = 0;           ///< index into trajectory
  std::size_t points = 0, cases = 0;
  /// Per dimension of the chosen box, whether it is restricted, and its quasi-p-value: the
  /// one-sided binomial probability of the box's cases or more if the restriction on that
  /// dimension alone were lifted (EMA Workbench's qp-values; small = the restriction matters).
  std::vector<bool> restricted;
  std::vector<double> qp_value;
};

/// PRIM on points `columns` (equal lengths) with cases of interest `is_case`.
/// @throws UsageError when there are no points, no cases, or only cases.
PrimResult prim(std::vector<PrimColumn> columns, const std::vector<bool>& is_case,
                const PrimOptions& options = {});

/// A condition on a metric: "METRIC OP NUMBER" with OP one of < <= > >=.
struct MetricCondition {
  std::string metric;
  std::string op;
  double value = 0;
  [[nodiscard]] bool holds(double x) const;
};
/// @throws UsageError naming the accepted form.
MetricCondition parse_metric_condition(const std::string& text);

/// PRIM over a results file's swept parameters (and options): the complete runs are the points,
/// those whose metric at `window` meets `condition` the cases (a NaN value is not a case).
PrimResult discover(const experiments::ResultsReader& results, const MetricCondition& condition,
                    const Window& window, const PrimOptions& options);

/// The chosen box, its restricted dimensions and the peeling trajectory as text.
void print_prim(std::ostream& out, const PrimResult& result, const MetricCondition& condition,
                const Window& window);
/// The trajectory as CSV: step, coverage, density, mass, points, cases, then low/high (or the
/// kept categories) per dimension.
void print_prim_csv(std::ostream& out, const PrimResult& result);

}  // namespace orgsim::analysis
