// Statistics against known values: t quantiles, estimates, CI coverage on synthetic data.
#include "orgsim/analysis/compare.hpp"
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

namespace orgsim::analysis {
namespace {

// Sarle's bimodality coefficient (issue 21's caveats): about 1/3 for a normal sample, 5/9 for a
// uniform one (the threshold), well above it for two separated modes.
TEST(Statistics, BimodalityCoefficientSeparatesOneModeFromTwo) {
  std::vector<double> normal, uniform, two;
  std::uint64_t x = 12345;
  auto next = [&] {  // a small LCG: uniform numbers in (0, 1)
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
  };
  for (int i = 0; i < 4000; ++i) {
    const double u1 = next(), u2 = next();
    normal.push_back(std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    uniform.push_back(next());
    two.push_back((i % 2 ? 10.0 : 0.0) + normal.back());
  }
  EXPECT_NEAR(bimodality_coefficient(normal), 1.0 / 3.0, 0.03);
  EXPECT_NEAR(bimodality_coefficient(uniform), 5.0 / 9.0, 0.03);
  // 50/50 mixture of N(0, 1) and N(10, 1): variance 26, fourth central moment 778, skewness 0,
  // so b = 1 / (778 / 26^2) = 0.869.
  EXPECT_NEAR(bimodality_coefficient(two), 676.0 / 778.0, 0.02);
  EXPECT_TRUE(std::isnan(bimodality_coefficient({1, 1, 1, 1, 1})));
  EXPECT_TRUE(std::isnan(bimodality_coefficient({1, 2})));
}

// Paired t test p-values against values of Student's t (df = 9: t = 2.262 is the 97.5 %
// quantile, so p = 0.05).
TEST(Statistics, PairedTTestPValue) {
  Estimate e;
  e.n = 10;
  e.mean = 2.2621571627409915;
  e.sd = std::sqrt(10.0);  // standard error 1
  EXPECT_NEAR(paired_t_p_value(e), 0.05, 1e-9);
  e.mean = 0;
  EXPECT_DOUBLE_EQ(paired_t_p_value(e), 1.0);
  e.sd = 0;
  e.mean = 1;
  EXPECT_DOUBLE_EQ(paired_t_p_value(e), 0.0);
  e.n = 1;
  EXPECT_DOUBLE_EQ(paired_t_p_value(e), 1.0);
}

}  // namespace
}  // namespace orgsim::analysis
