// Drop depth and recovery time on hand-made series.
#include "orgsim/analysis/resilience.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace orgsim::analysis {
namespace {

TEST(Resilience, DropAndRecoveryOfAHigherIsBetterMetric) {
  const std::vector<std::int64_t> ticks = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> values = {0.5, 0.8, 0.8, 0.4, 0.5, 0.7, 0.77, 0.79};
  const RunResilience r = run_resilience(ticks, values, 3, 0.05, +1);
  EXPECT_DOUBLE_EQ(r.before, 0.8);
  EXPECT_DOUBLE_EQ(r.worst, 0.4);
  EXPECT_NEAR(r.drop, 0.4, 1e-12);
  EXPECT_NEAR(r.relative_drop, 0.5, 1e-12);
  ASSERT_TRUE(r.recovered);
  EXPECT_EQ(r.recovery_ticks, 3);  // 0.77 >= 0.8 - 0.04 at tick 6
  const RunResilience strict = run_resilience(ticks, values, 3, 0.01, +1);
  EXPECT_FALSE(strict.recovered);  // 0.79 < 0.792
  EXPECT_EQ(strict.recovery_ticks, -1);
}

TEST(Resilience, LowerIsBetterAndShallowShocks) {
  const std::vector<std::int64_t> ticks = {0, 2, 4, 6, 8};
  const std::vector<double> lead = {2.0, 2.0, 3.0, 2.5, 2.05};
  const RunResilience r = run_resilience(ticks, lead, 4, 0.05, -1);
  EXPECT_DOUBLE_EQ(r.worst, 3.0);
  EXPECT_NEAR(r.drop, 1.0, 1e-12);
  ASSERT_TRUE(r.recovered);
  EXPECT_EQ(r.recovery_ticks, 4);  // 2.05 <= 2.1 at tick 8
  const std::vector<double> calm = {1.0, 1.0, 0.99, 1.0, 1.0};
  const RunResilience c = run_resilience(ticks, calm, 4, 0.05, +1);
  EXPECT_TRUE(c.recovered);
  EXPECT_EQ(c.recovery_ticks, 0);  // never left the tolerance band
  const RunResilience first = run_resilience(ticks, calm, 0, 0.05, +1);
  EXPECT_TRUE(std::isnan(first.before)) << "no row before a shock at tick 0";
}

}  // namespace
}  // namespace orgsim::analysis
