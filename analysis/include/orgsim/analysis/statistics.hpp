// Descriptive statistics with honest uncertainty: mean, sample standard deviation and Student-t
// confidence intervals (quantiles from Boost.Math).
#pragma once

#include <cstddef>
#include <span>

namespace orgsim::analysis {

struct Estimate {
  std::size_t n = 0;
  double mean = 0;
  double sd = 0;       ///< sample standard deviation (n - 1); NaN when n < 2
  double ci_low = 0;   ///< lower bound of the confidence interval; NaN when n < 2
  double ci_high = 0;  ///< upper bound; NaN when n < 2
};

/// The p-quantile of Student's t distribution with `df` degrees of freedom.
double t_quantile(double p, double df);

/// Mean, sd and two-sided `confidence` CI of the mean (t interval). NaN inputs are skipped.
Estimate estimate(std::span<const double> values, double confidence = 0.95);

}  // namespace orgsim::analysis
