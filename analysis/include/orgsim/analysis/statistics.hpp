// Descriptive statistics with honest uncertainty: mean, sample standard deviation and Student-t
// confidence intervals (quantiles from Boost.Math).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

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

/// The p-quantile of `values` by linear interpolation between order statistics, NaNs left out
/// (NaN when nothing is left).
double percentile(std::vector<double> values, double p);

/// Mean, sd and two-sided `confidence` CI of the mean (t interval). NaN inputs are skipped.
Estimate estimate(std::span<const double> values, double confidence = 0.95);

/// The same from a sample's size, mean and sd (for streaming accumulation).
Estimate estimate_from(std::size_t n, double mean, double sd, double confidence = 0.95);

/// Two-sided p-value of a paired t test that the mean of `difference` is 0 (n - 1 degrees of
/// freedom); 1 for n < 2 or no difference at all, 0 for a constant non-zero difference.
double paired_t_p_value(const Estimate& difference);

/// Streaming mean and variance (Welford): add values one by one, NaN skipped.
class Accumulator {
 public:
  void add(double x) noexcept {
    if (x != x) return;  // NaN
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  [[nodiscard]] std::size_t count() const noexcept { return n_; }
  [[nodiscard]] Estimate estimate(double confidence = 0.95) const;

 private:
  std::size_t n_ = 0;
  double mean_ = 0, m2_ = 0;
};

}  // namespace orgsim::analysis
