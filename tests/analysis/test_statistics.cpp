// Statistics against known values: t quantiles, estimates, CI coverage on synthetic data.
#include "orgsim/analysis/statistics.hpp"
#include "orgsim/core/rng.hpp"

#include <gtest/gtest.h>
#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <vector>

namespace orgsim::analysis {
namespace {

TEST(Statistics, TQuantilesMatchTables) {
  EXPECT_NEAR(t_quantile(0.975, 1), 12.7062047, 1e-6);
  EXPECT_NEAR(t_quantile(0.975, 10), 2.2281389, 1e-6);
  EXPECT_NEAR(t_quantile(0.975, 19), 2.0930241, 1e-6);
  EXPECT_NEAR(t_quantile(0.975, 1e6), 1.959966, 1e-5);
}

TEST(Statistics, EstimateOfKnownData) {
  const std::vector<double> data = {2, 4, 4, 4, 5, 5, 7, 9};
  const Estimate e = estimate(data);
  EXPECT_EQ(e.n, 8u);
  EXPECT_DOUBLE_EQ(e.mean, 5.0);
  EXPECT_NEAR(e.sd, std::sqrt(32.0 / 7), 1e-12);
  const double half = 2.3646243 * std::sqrt(32.0 / 7) / std::sqrt(8.0);
  EXPECT_NEAR(e.ci_low, 5 - half, 1e-6);
  EXPECT_NEAR(e.ci_high, 5 + half, 1e-6);
}

TEST(Statistics, SmallSamplesAndNans) {
  EXPECT_TRUE(std::isnan(estimate(std::vector<double>{3.0}).sd));
  EXPECT_EQ(estimate(std::vector<double>{3.0}).mean, 3.0);
  const Estimate e = estimate(std::vector<double>{1.0, NAN, 3.0});
  EXPECT_EQ(e.n, 2u);
  EXPECT_DOUBLE_EQ(e.mean, 2.0);
  EXPECT_EQ(estimate(std::vector<double>{}).n, 0u);
}

TEST(Statistics, ConfidenceIntervalsCoverTheTrueMean95PercentOfTheTime) {
  // 4000 samples of size 5 from N(10, 2): coverage ~ Binomial(4000, 0.95), sd ~ 0.0034.
  boost::random::normal_distribution<double> normal(10.0, 2.0);
  int covered = 0;
  const int trials = 4000;
  for (int t = 0; t < trials; ++t) {
    RandomStream stream(99, stream_id("coverage"), 0, static_cast<std::uint64_t>(t), 0);
    std::vector<double> sample(5);
    for (double& x : sample) x = normal(stream);
    const Estimate e = estimate(sample);
    covered += e.ci_low <= 10.0 && 10.0 <= e.ci_high;
  }
  EXPECT_NEAR(covered / double(trials), 0.95, 4 * std::sqrt(0.95 * 0.05 / trials));
}

}  // namespace
}  // namespace orgsim::analysis
