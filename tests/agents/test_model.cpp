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
  p.learning.dimensions = 4;
  p.org.employees = 2;
  Organization org(p, {1, 0});
  org.reality = {1, -1, 1, 1};
  org.code = {1, 1, 0, 1};  // 2 matches, 1 mismatch, 1 zero
  for (std::size_t s = 0; s < 2; ++s) {
    const Ternary b = org.beliefs(s);
    b.set(0, 1), b.set(1, 1), b.set(2, 0), b.set(3, s == 0 ? 1 : -1);
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
  p.learning.dimensions = 2;
  p.org.employees = 4;
  p.org.teams = 2;  // slots 0-1 and 2-3
  Organization org(p, {1, 0});
  org.code = {1, 1};
  for (std::size_t s = 0; s < 4; ++s) {
    const Ternary b = org.beliefs(s);
    b.set(0, 1);
    b.set(1, s < 2 ? 1 : -1);
  }
  std::vector<double> row(metric_table().size());
  measure(org, row);
  // Team means 1 and 0.5 around 0.75, two members each: the spread is 0.25 (the range was 0.5).
  EXPECT_DOUBLE_EQ(row[metric("team_alignment_gap")], 0.25);
  // A third kind of team in between, weighted by headcount: 4 of 6 members 0.25 from the mean.
  p.org.employees = 6;
  p.org.teams = 3;  // slots 0-1, 2-3 and 4-5
  Organization three(p, {1, 0});
  three.code = {1, 1};
  for (std::size_t s = 0; s < 6; ++s) {
    const Ternary b = three.beliefs(s);
    b.set(0, s < 4 ? 1 : -1);
    b.set(1, s < 2 ? 1 : -1);  // team means 1, 0.5, 0
  }
  measure(three, row);
  EXPECT_NEAR(row[metric("team_alignment_gap")], std::sqrt(4.0 * 0.25 / 6.0), 1e-12);
}

TEST(Model, EquilibriumIsAbsorbingWithoutTurnoverAndTurbulence) {
  ModelParams p = ModelParams::defaults();  // m = 30, n = 50, p3 = p4 = 0
  p.learning.socialization_rate = 0.5;
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

/// Runs `p` for `ticks` at 1, 2 and 4 threads and expects bitwise identical metric rows.
RunOutcome expect_identical_across_threads(const ModelParams& p, RunKey key, Tick ticks) {
  auto run = [&](std::size_t threads) {
    ThreadLimit limit(threads);
    return simulate(p, key, ticks, StopRule::none);
  };
  RunOutcome one = run(1);
  for (std::size_t threads : {2u, 4u}) {
    const RunOutcome many = run(threads);
    EXPECT_EQ(one.metrics.values().size(), many.metrics.values().size());
    EXPECT_EQ(std::memcmp(one.metrics.values().data(), many.metrics.values().data(),
                          std::min(one.metrics.values().size(), many.metrics.values().size()) *
                              sizeof(double)),
              0)
        << threads << " threads";
  }
  return one;
}

TEST(Model, BitIdenticalAcrossThreadCounts) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 20000;
  p.org.teams = 40;
  p.learning.turnover_rate = 0.05;
  p.learning.turbulence_rate = 0.02;
  p.learning.socialization_rate = 0.3;
  expect_identical_across_threads(p, {77, 3}, 30);
}

TEST(Model, FullModelAt100kEmployeesIsBitIdenticalAcrossThreadCounts) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 100000;
  p.learning.turnover_rate = 0.01;
  p.learning.turbulence_rate = 0.01;
  p.environment.enabled = p.strategy.enabled = p.structure.enabled = p.people.enabled = true;
  p.work.enabled = p.automation.enabled = p.culture.enabled = p.growth.enabled = p.policy.enabled =
      true;
  p.strategy.sensing_noise = 0.5;
  p.structure.type = StructureType::matrix;
  p.structure.peer_learning_rate = 0.1;
  p.structure.sites = 3;
  p.automation.level = AutomationLevel::high;
  p.automation.adoption_speed = 0.5;
  p.automation.freed_capacity = FreedCapacity::layoff;
  p.environment.shock_at = 3;
  p.environment.base_demand = 0.35;
  p.culture.other_sites_preset = OtherSitesCulture::latin;
  p.growth.target_employees = 101000;
  p.landscape.enabled = p.landscape.search = true;  // 30 decisions: the climbing path
  p.landscape.k = 3;
  const RunOutcome one = expect_identical_across_threads(p, {11, 1}, 8);
  // The run exercised the submodels: people were hired and laid off, automation was adopted.
  const auto last = one.metrics.row(8);
  EXPECT_GT(last[metric("automation_process")], 0.0);
  EXPECT_NE(last[metric("headcount")], 100000.0);
}

TEST(Model, FunctionalRedeployingModelIsBitIdenticalAcrossThreadCounts) {
  // The default experiment's model, large enough that setup (the network, the columns), the
  // work of the teams, the choice of people to redeploy and the team metrics run in parallel.
  ModelParams p = ModelParams::defaults();
  p.org.employees = 30000;
  p.learning.socialization_rate = 0.1;
  p.learning.turnover_rate = 0.003;
  p.learning.turbulence_rate = 0.002;
  p.environment.enabled = p.strategy.enabled = p.structure.enabled = p.people.enabled = true;
  p.work.enabled = p.automation.enabled = p.culture.enabled = true;
  p.environment.base_demand = 0.3;
  p.environment.shock_at = 4;
  p.strategy.review_interval = 2;
  p.strategy.sensing_noise = 0.3;
  p.structure.peer_learning_rate = 0.05;
  p.automation.level = AutomationLevel::high;
  p.automation.adoption_speed = 0.5;
  p.automation.freed_capacity = FreedCapacity::redeploy;
  const RunOutcome one = expect_identical_across_threads(p, {20261126, 0}, 8);
  const auto last = one.metrics.row(8);
  EXPECT_GT(last[metric("automation_process")], 0.0);
  EXPECT_GT(last[metric("handoffs")], 0.0);
}

TEST(Model, SameReplicationSharesRandomNumbersAcrossDesignPoints) {
  // Socialization cannot act before the code has a non-zero value, so tick 0 and the first
  // tick's superior group are identical for different p1 under common random numbers.
  ModelParams a = ModelParams::defaults();
  ModelParams b = a;
  a.learning.socialization_rate = 0.1;
  b.learning.socialization_rate = 0.9;
  const RunOutcome ra = simulate(a, {5, 4}, 1, StopRule::none);
  const RunOutcome rb = simulate(b, {5, 4}, 1, StopRule::none);
  for (std::size_t r = 0; r < 2; ++r) {
    const auto x = ra.metrics.row(r);
    const auto y = rb.metrics.row(r);
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << "row " << r;
  }
  const RunOutcome other = simulate(a, {5, 5}, 1, StopRule::none);
  EXPECT_NE(other.metrics.row(1)[metric("superior_share")],
            ra.metrics.row(1)[metric("superior_share")]);
}

TEST(Model, FastSocializationLowersEquilibriumKnowledge) {
  // March (1991), Figure 1 at p2 = 0.5: knowledge at p1 = 0.1 exceeds knowledge at p1 = 0.9.
  auto knowledge = [](double p1) {
    ModelParams p = ModelParams::defaults();
    p.learning.socialization_rate = p1;
    p.learning.code_learning_rate = 0.5;
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

/// Mean and standard error of `metric` at the end of `runs` replications.
std::pair<double, double> final_mean(const ModelParams& p, Tick ticks, StopRule stop,
                                     std::string_view name, int runs = 80) {
  std::vector<double> values;
  for (int rep = 0; rep < runs; ++rep) {
    const RunOutcome out = simulate(p, {2027, static_cast<std::uint64_t>(rep)}, ticks, stop);
    values.push_back(out.metrics.row(out.ticks_run)[metric(name)]);
  }
  double mean = 0, var = 0;
  for (double v : values) mean += v / static_cast<double>(values.size());
  for (double v : values) var += (v - mean) * (v - mean) / static_cast<double>(values.size() - 1);
  return {mean, std::sqrt(var / static_cast<double>(values.size()))};
}

TEST(Model, AtSlowSocializationFasterCodeLearningHelps) {
  // March (1991), Figure 1 at p1 = 0.1: knowledge rises with p2.
  ModelParams p = ModelParams::defaults();
  p.learning.socialization_rate = 0.1;
  p.learning.code_learning_rate = 0.1;
  const auto [slow, slow_se] = final_mean(p, 5000, StopRule::equilibrium, "strategic_fit");
  p.learning.code_learning_rate = 0.9;
  const auto [fast, fast_se] = final_mean(p, 5000, StopRule::equilibrium, "strategic_fit");
  EXPECT_GT(fast - slow, 3 * std::hypot(slow_se, fast_se)) << slow << " vs " << fast;
}

TEST(Model, TurbulenceWithoutTurnoverLeavesAStaleButAlignedCode) {
  // March (1991): with p4 = 0.02 and p1 = p2 = 0.5, knowledge decays without turnover while
  // everyone stays aligned with the (stale) code; turnover p3 = 0.1 sustains knowledge.
  ModelParams p = ModelParams::defaults();
  p.learning.socialization_rate = 0.5;
  p.learning.code_learning_rate = 0.5;
  p.learning.turbulence_rate = 0.02;
  const auto [stale, stale_se] = final_mean(p, 100, StopRule::none, "strategic_fit", 60);
  const auto [aligned, aligned_se] = final_mean(p, 100, StopRule::none, "goal_alignment", 60);
  p.learning.turnover_rate = 0.1;
  const auto [renewed, renewed_se] = final_mean(p, 100, StopRule::none, "strategic_fit", 60);
  EXPECT_LT(stale, 0.3);
  EXPECT_GT(aligned, 0.9);
  EXPECT_GT(renewed - stale, 3 * std::hypot(stale_se, renewed_se)) << stale << " vs " << renewed;
}

}  // namespace
}  // namespace orgsim::agents
