// Global sensitivity analysis of a sweep: first-order and total Sobol indices (Saltelli 2010's
// first-order and Jansen's total estimators) with bootstrap confidence intervals from a
// `saltelli` sweep, and Morris's elementary-effect statistics (mu*, mu, sigma) from a `morris`
// sweep. The estimators are plain functions of the model outputs, tested on known functions.
#pragma once

#include "orgsim/analysis/summary.hpp"

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace orgsim::analysis {

struct SobolIndex {
  double first = 0, first_low = 0, first_high = 0;  ///< S_i and its bootstrap CI
  double total = 0, total_low = 0, total_high = 0;  ///< S_Ti and its bootstrap CI
};

/// Sobol indices from outputs at the Saltelli points: y_a[j], y_b[j] and y_ab[i][j] (A with
/// column i from B). S_i = mean((y_b - m) (y_ab_i - y_a)) / V (m: the mean output), S_Ti =
/// mean((y_a - y_ab_i)^2) / (2 V), V the variance of y_a and y_b together. Percentile CIs from
/// `bootstrap` resamples of the base samples j (deterministic in `seed`); bootstrap = 0 gives the
/// point estimates only.
std::vector<SobolIndex> sobol_indices(std::span<const double> y_a, std::span<const double> y_b,
                                      const std::vector<std::vector<double>>& y_ab,
                                      std::size_t bootstrap = 1000, std::uint64_t seed = 1,
                                      double confidence = 0.95);

struct MorrisIndex {
  std::size_t effects = 0;  ///< elementary effects (trajectories that moved this parameter)
  double mu_star = 0;       ///< mean |EE|: overall influence
  double mu = 0;            ///< mean EE: sign of the influence
  double sigma = 0;         ///< sd of EE: interactions and non-linearity
};

/// Morris statistics from the elementary effects of each parameter: effects[i] = EE values.
std::vector<MorrisIndex> morris_indices(const std::vector<std::vector<double>>& effects);

struct SensitivityResult {
  std::string method;                   ///< "sobol" or "morris"
  std::vector<std::string> parameters;  ///< in design order
  std::vector<std::string> metrics;
  Window window;
  std::size_t samples_used = 0;     ///< base samples (sobol) or trajectories (morris) used
  std::size_t samples_dropped = 0;  ///< left out: a point without a complete run
  std::size_t bootstrap = 0;
  std::vector<std::vector<SobolIndex>> sobol;    ///< [metric][parameter]
  std::vector<std::vector<MorrisIndex>> morris;  ///< [metric][parameter]
};

/// Sensitivity of `metrics` (empty: strategic_fit) at `window` from a saltelli or morris sweep;
/// each design point's output is its mean over complete replications.
/// @throws UsageError when the sweep's design supports neither method, or a metric is unknown.
SensitivityResult sensitivity(const experiments::ResultsReader& results,
                              std::vector<std::string> metrics, const Window& window = {},
                              std::size_t bootstrap = 1000);

void print_sensitivity(std::ostream& out, const SensitivityResult& result);
void print_sensitivity_csv(std::ostream& out, const SensitivityResult& result);

}  // namespace orgsim::analysis
