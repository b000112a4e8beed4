// The model as a whole: metrics, stop rules, determinism across threads, common random numbers,
// and March's central finding.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/model.hpp"
#include "orgsim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace orgsim::agents {
namespace {

std::size_t metric(std::string_view name) {
  const auto k = find_metric(name);
  EXPECT_TRUE(k.has_value()) << name;
  return k.value_or(0);
}

TEST(Model, StrategicFitIsMatchesMinusMismatchesOverM) {
  ModelParams p = ModelParams::defaults();
  p.learning_dimensions = 4;
  p.org_employees = 2;
  Organization org(p, {1, 0});
  org.reality = {1, -1, 1, 1};
  org.code = {1, 1, 0, 1};  // 2 matches, 1 mismatch, 1 zero
  for (std::size_t s = 0; s < 2; ++s) {
    auto b = org.beliefs(s);
    b[0] = 1, b[1] = 1, b[2] = 0, b[3] = s == 0 ? 1 : -1;
  }
  std::vector<double> row(metric_table().size());
  measure(org, row);
  EXPECT_DOUBLE_EQ(row[metric("strategic_fit")], 0.25);
  EXPECT_DOUBLE_EQ(row[metric("goal_alignment")], (4 + 3) / 8.0);
  EXPECT_DOUBLE_EQ(row[metric("employee_knowledge")], ((1 - 1 + 0 + 1) + (1 - 1 + 0 - 1)) / 8.0);
  EXPECT_DOUBLE_EQ(row[metric("headcount")], 2.0);
}

TEST(Model, TeamAlignmentGapComparesTeams) {
  ModelParams p = ModelParams::defaults();
  p.learning_dimensions = 2;
  p.org_employees = 4;
  p.org_teams = 2;  // slots 0-1 and 2-3
  Organization org(p, {1, 0});
  org.code = {1, 1};
  for (std::size_t s = 0; s < 4; ++s) {
    auto b = org.beliefs(s);
    b[0] = 1;
    b[1] = s < 2 ? 1 : -1;
  }
  std::vector<double> row(metric_table().size());
  measure(org, row);
  EXPECT_DOUBLE_EQ(row[metric("team_alignment_gap")], 0.5);
}

TEST(Model, EquilibriumIsAbsorbingWithoutTurnoverAndTurbulence) {
  ModelParams p = ModelParams::defaults();  // m = 30, n = 50, p3 = p4 = 0
  p.learning_socialization_rate = 0.5;
  const RunOutcome stopped = simulate(p, {9, 2}, 5000, StopRule::equilibrium);
  ASSERT_LT(stopped.ticks_run, 5000u);
  const RunOutcome longer = simulate(p, {9, 2}, stopped.ticks_run + 50, StopRule::none);
  const auto last = stopped.metrics.row(stopped.ticks_run);
  for (Tick t = stopped.ticks_run; t <= stopped.ticks_run + 50; ++t) {
    const auto row = longer.metrics.row(t);
    EXPECT_EQ(row[metric("strategic_fit")], last[metric("strategic_fit")]);
    EXPECT_EQ(row[metric("goal_alignment")], last[metric("goal_alignment")]);
  }
}

TEST(Model, RowsCoverTickZeroToTheLastTick) {
  const RunOutcome out = simulate(ModelParams::defaults(), {1, 0}, 25, StopRule::none);
  EXPECT_EQ(out.ticks_run, 25u);
  EXPECT_EQ(out.metrics.rows(), 26u);
  EXPECT_EQ(out.metrics.width(), metric_table().size());
  EXPECT_DOUBLE_EQ(out.metrics.row(0)[metric("strategic_fit")], 0.0);  // the code starts empty
}

TEST(Model, BitIdenticalAcrossThreadCounts) {
  ModelParams p = ModelParams::defaults();
  p.org_employees = 20000;
  p.org_teams = 40;
  p.learning_turnover_rate = 0.05;
  p.learning_turbulence_rate = 0.02;
  p.learning_socialization_rate = 0.3;
  auto run = [&](std::size_t threads) {
    ThreadLimit limit(threads);
    return simulate(p, {77, 3}, 30, StopRule::none);
  };
  const RunOutcome one = run(1);
  for (std::size_t threads : {2u, 4u}) {
    const RunOutcome many = run(threads);
    ASSERT_EQ(one.metrics.values().size(), many.metrics.values().size());
    EXPECT_EQ(std::memcmp(one.metrics.values().data(), many.metrics.values().data(),
                          one.metrics.values().size() * sizeof(double)),
              0)
        << threads << " threads";
  }
}

TEST(Model, SameReplicationSharesRandomNumbersAcrossDesignPoints) {
  // Socialization cannot act before the code has a non-zero value, so tick 0 and the first
  // tick's superior group are identical for different p1 under common random numbers.
  ModelParams a = ModelParams::defaults();
  ModelParams b = a;
  a.learning_socialization_rate = 0.1;
  b.learning_socialization_rate = 0.9;
  const RunOutcome ra = simulate(a, {5, 4}, 1, StopRule::none);
  const RunOutcome rb = simulate(b, {5, 4}, 1, StopRule::none);
  for (std::size_t r = 0; r < 2; ++r) {
    const auto x = ra.metrics.row(r);
    const auto y = rb.metrics.row(r);
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << "row " << r;
  }
  const RunOutcome other = simulate(a, {5, 5}, 1, StopRule::none);
  EXPECT_NE(other.metrics.row(1)[metric("superior_share")], ra.metrics.row(1)[metric("superior_share")]);
}

TEST(Model, FastSocializationLowersEquilibriumKnowledge) {
  // March (1991), Figure 1 at p2 = 0.5: knowledge at p1 = 0.1 exceeds knowledge at p1 = 0.9.
  auto knowledge = [](double p1) {
    ModelParams p = ModelParams::defaults();
    p.learning_socialization_rate = p1;
    p.learning_code_learning_rate = 0.5;
    std::vector<double> fits;
    for (std::uint64_t rep = 0; rep < 80; ++rep) {
      const RunOutcome out = simulate(p, {2026, rep}, 5000, StopRule::equilibrium);
      fits.push_back(out.metrics.row(out.ticks_run)[metric("strategic_fit")]);
    }
    double mean = 0, var = 0;
    for (double f : fits) mean += f / fits.size();
    for (double f : fits) var += (f - mean) * (f - mean) / (fits.size() - 1);
    return std::pair{mean, var / fits.size()};
  };
  const auto [slow, slow_var] = knowledge(0.1);
  const auto [fast, fast_var] = knowledge(0.9);
  EXPECT_GT(slow - fast, 3 * std::sqrt(slow_var + fast_var)) << slow << " vs " << fast;
}

}  // namespace
}  // namespace orgsim::agents
