// Student-t estimates (Boost.Math quantiles); two-pass mean and variance for accuracy.
#include "orgsim/analysis/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace orgsim::analysis {

double t_quantile(double p, double df) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

Estimate estimate(std::span<const double> values, double confidence) {
  Estimate e;
  double sum = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++e.n;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (e.n == 0) return {0, nan, nan, nan, nan};
  e.mean = sum / static_cast<double>(e.n);
  if (e.n < 2) {
    e.sd = e.ci_low = e.ci_high = nan;
    return e;
  }
  double squares = 0;
  for (double v : values) {
    if (!std::isnan(v)) squares += (v - e.mean) * (v - e.mean);
  }
  e.sd = std::sqrt(squares / static_cast<double>(e.n - 1));
  const double half = t_quantile(0.5 + confidence / 2, static_cast<double>(e.n - 1)) * e.sd /
                      std::sqrt(static_cast<double>(e.n));
  e.ci_low = e.mean - half;
  e.ci_high = e.mean + half;
  return e;
}

Estimate estimate_from(std::size_t n, double mean, double sd, double confidence) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) return {0, nan, nan, nan, nan};
  if (n < 2) return {n, mean, nan, nan, nan};
  const double half = t_quantile(0.5 + confidence / 2, static_cast<double>(n - 1)) * sd /
                      std::sqrt(static_cast<double>(n));
  return {n, mean, sd, mean - half, mean + half};
}

Estimate Accumulator::estimate(double confidence) const {
  const double sd = n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1)) : 0.0;
  return estimate_from(n_, mean_, sd, confidence);
}

}  // namespace orgsim::analysis

namespace orgsim::analysis {

double paired_t_p_value(const Estimate& difference) {
  if (difference.n < 2 || std::isnan(difference.mean) || std::isnan(difference.sd)) return 1;
  if (difference.sd == 0) return difference.mean == 0 ? 1 : 0;
  const double t = difference.mean / (difference.sd / std::sqrt(static_cast<double>(difference.n)));
  const boost::math::students_t_distribution<double> dist(static_cast<double>(difference.n - 1));
  return std::min(1.0, 2 * boost::math::cdf(boost::math::complement(dist, std::abs(t))));
}

double percentile(std::vector<double> values, double p) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double position = p * static_cast<double>(values.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(position));
  const auto high = std::min(low + 1, values.size() - 1);
  return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

}  // namespace orgsim::analysis
