// March (1991) rules, phase by phase, on hand-made states.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/submodels.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace orgsim::agents {
namespace {

ModelParams params(std::int64_t employees, std::int64_t dimensions) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = employees;
  p.learning.dimensions = dimensions;
  p.learning.turnover_rate = 0;
  p.learning.turbulence_rate = 0;
  return p;
}

void fill_beliefs(Organization& org, std::int8_t value) {
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < org.dimensions(); ++d) org.beliefs(s).set(d, value);
  }
}

/// The action of employee s on dimension d: +1 or -1.
int action(const Organization& org, std::size_t s, std::size_t d) {
  return ((org.actions(s)[d / 64] >> (d % 64)) & 1u) ? 1 : -1;
}

TEST(Learning, InitialStateFollowsMarch) {
  Organization org(params(3000, 30), {1, 0});
  for (auto c : org.code) EXPECT_EQ(c, 0);
  int plus = 0;
  for (auto r : org.reality) {
    EXPECT_TRUE(r == 1 || r == -1);
    plus += r == 1;
  }
  std::array<int, 3> counts{};
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < 30; ++d)
      ++counts[static_cast<std::size_t>(org.beliefs(s).get(d) + 1)];
  }
  const double n = 3000.0 * 30;
  for (int c : counts) EXPECT_NEAR(c / n, 1.0 / 3, 5 * std::sqrt(2.0 / 9 / n));
}

TEST(Learning, ActKeepsNonZeroBeliefsAndFlipsCoinsForZeros) {
  Organization org(params(2000, 40), {3, 0});
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < 40; ++d) org.beliefs(s).set(d, d < 10 ? 1 : (d < 20 ? -1 : 0));
  }
  act(org, 1, 0, org.headcount());
  int plus = 0, total = 0;
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    std::int32_t score = 0;
    for (std::size_t d = 0; d < 40; ++d) {
      const int a = action(org, s, d);
      if (d < 10)
        ASSERT_EQ(a, 1);
      else if (d < 20)
        ASSERT_EQ(a, -1);
      else {
        plus += a == 1;
        ++total;
      }
      score += a * org.reality[d];
    }
    ASSERT_EQ(org.actions(s)[0] >> 40, 0u) << "bits beyond m stay clear";
    ASSERT_EQ(org.action_scores()[s], score);
  }
  EXPECT_NEAR(plus / double(total), 0.5, 5 * std::sqrt(0.25 / total));
}

TEST(Learning, SocializationMovesOneStepTowardNonZeroCode) {
  ModelParams p = params(10, 3);
  p.learning.socialization_rate = 1.0;
  Organization org(p, {1, 0});
  org.code = {1, -1, 0};
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    const Ternary b = org.beliefs(s);
    b.set(0, -1);  // two steps from +1: moves to 0
    b.set(1, 0);   // one step from -1: moves to -1
    b.set(2, 1);   // code is 0 there: untouched
  }
  act_and_socialize(org, 1, 0, org.headcount());
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    EXPECT_EQ(org.beliefs(s).get(0), 0);
    EXPECT_EQ(org.beliefs(s).get(1), -1);
    EXPECT_EQ(org.beliefs(s).get(2), 1);
  }
  act_and_socialize(org, 2, 0, org.headcount());
  EXPECT_EQ(org.beliefs(0).get(0), 1);
}

TEST(Learning, SocializationHappensWithProbabilityP1) {
  ModelParams p = params(5000, 20);
  p.learning.socialization_rate = 0.3;
  Organization org(p, {2, 0});
  org.code.assign(20, 1);
  fill_beliefs(org, 0);
  act_and_socialize(org, 1, 0, org.headcount());
  int moved = 0;
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < 20; ++d) moved += org.beliefs(s).get(d) == 1;
  }
  const double n = 5000.0 * 20;
  EXPECT_NEAR(moved / n, 0.3, 5 * std::sqrt(0.21 / n));
}

/// k employees beat the code (all beliefs +1 = reality), the rest act -1; code is all zero.
Organization superior_setup(double p2, std::int64_t k, std::int64_t dimensions) {
  ModelParams p = params(k + 5, dimensions);
  p.learning.code_learning_rate = p2;
  Organization org(p, {11, 0});
  org.reality.assign(static_cast<std::size_t>(dimensions), 1);
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < org.dimensions(); ++d)
      org.beliefs(s).set(d, s < static_cast<std::size_t>(k) ? 1 : -1);
  }
  act(org, 1, 0, org.headcount());
  return org;
}

TEST(Learning, CodeAdoptsSuperiorMajorityWithProbability1MinusQToTheK) {
  for (std::int64_t k : {1, 3}) {
    const double p2 = 0.3;
    Organization org = superior_setup(p2, k, 1000);
    learn_code(org, 1);
    EXPECT_EQ(org.this_tick.superior_count, static_cast<std::size_t>(k));
    int adopted = 0;
    for (auto c : org.code) {
      ASSERT_TRUE(c == 0 || c == 1);  // only toward the superior group's majority
      adopted += c == 1;
    }
    const double expected = 1 - std::pow(1 - p2, static_cast<double>(k));
    EXPECT_NEAR(adopted / 1000.0, expected, 5 * std::sqrt(expected * (1 - expected) / 1000))
        << "k = " << k;
  }
}

TEST(Learning, CodeIgnoresEmployeesWhoDoNotBeatIt) {
  Organization org = superior_setup(1.0, 4, 30);
  org.code.assign(30, 1);  // the code is already perfect: nobody beats it
  act(org, 1, 0, org.headcount());
  learn_code(org, 1);
  EXPECT_EQ(org.this_tick.superior_count, 0u);
  for (auto c : org.code) EXPECT_EQ(c, 1);
}

TEST(Learning, CodeLearnsFromActionsBeforeSocialization) {
  // With p1 = 1 the whole group is socialized to the all-minus code in the same tick; the code
  // must still learn the superior group's +1 actions taken before socialization.
  ModelParams p = params(6, 4);
  p.learning.socialization_rate = 1.0;
  p.learning.code_learning_rate = 1.0;
  Organization org(p, {5, 0});
  org.reality.assign(4, 1);
  org.code = {-1, -1, -1, 0};
  for (std::size_t s = 0; s < org.headcount(); ++s) {
    for (std::size_t d = 0; d < 4; ++d) org.beliefs(s).set(d, 1);
  }
  const auto schedule = make_schedule(p);
  schedule.step(org, 1);
  EXPECT_EQ(org.code, (std::vector<std::int8_t>{1, 1, 1, 1}));
  EXPECT_EQ(org.beliefs(0).get(0), 0);  // socialized one step toward the old code
}

TEST(Learning, TurnoverReplacesEmployeesWithFreshIds) {
  ModelParams p = params(4000, 10);
  p.learning.turnover_rate = 0.2;
  Organization org(p, {1, 0});
  const auto schedule = make_schedule(p);
  schedule.step(org, 1);
  EXPECT_NEAR(org.this_tick.leavers / 4000.0, 0.2, 5 * std::sqrt(0.16 / 4000));
  std::size_t renewed = 0;
  for (std::size_t s = 0; s < org.headcount(); ++s) renewed += org.employees().id(s) >= 4000;
  EXPECT_EQ(renewed, org.this_tick.leavers);
  EXPECT_EQ(org.headcount(), 4000u);
}

TEST(Learning, TurbulenceFlipsRealityWithProbabilityP4) {
  ModelParams p = params(1, 1000);
  p.learning.turbulence_rate = 0.1;
  Organization org(p, {1, 0});
  const auto before = org.reality;
  apply_turbulence(org, 1);
  std::size_t flipped = 0;
  for (std::size_t d = 0; d < before.size(); ++d) flipped += before[d] != org.reality[d];
  EXPECT_EQ(flipped, org.this_tick.reality_flips);
  EXPECT_NEAR(flipped / 1000.0, 0.1, 5 * std::sqrt(0.09 / 1000));
}

TEST(Learning, EquilibriumNeedsNoPossibleImproverAndFullConformity) {
  Organization org(params(3, 4), {1, 0});
  org.reality = {1, 1, -1, -1};
  org.code = {1, 1, -1, 0};  // score 3
  fill_beliefs(org, 0);
  EXPECT_FALSE(at_equilibrium(org));  // beliefs differ from the non-zero code
  for (std::size_t s = 0; s < 3; ++s) {
    const Ternary b = org.beliefs(s);
    b.set(0, 1), b.set(1, 1), b.set(2, -1),
        b.set(3, 1);  // conforms; the last belief is wrong: best 2
  }
  EXPECT_TRUE(at_equilibrium(org));
  org.beliefs(1).set(3, 0);  // a coin flip could now score 4 > 3
  EXPECT_FALSE(at_equilibrium(org));
}

TEST(Learning, TurnoverAndQuitsShiftNoOtherDraw) {
  // The first two words of an employee's tick are reserved for turnover and the quit's number:
  // switching turnover or quits on or off leaves every action and every socialization step of
  // the tick as it was (common random numbers across those designs), with and without peer
  // learning (where acting is a phase of its own).
  for (const bool peers : {false, true}) {
    std::vector<Organization> orgs;
    for (const int variant : {0, 1, 2}) {
      ModelParams p = params(600, 70);  // two words per belief vector
      p.learning.socialization_rate = 0.5;
      if (peers) {
        p.structure.enabled = true;
        p.structure.peer_learning_rate = 0.3;
      }
      if (variant >= 1) p.learning.turnover_rate = 0.2;
      if (variant == 2) {
        p.people.enabled = true;
        p.people.quit_sensitivity = 0.5;
        p.people.experience_learning = 0;  // learning by doing changes beliefs (its own stream)
      }
      orgs.emplace_back(p, RunKey{5, 0});
    }
    for (Organization& org : orgs) {
      org.code.assign(org.dimensions(), 1);  // something to socialize toward
      for (std::size_t t = 0; t < org.teams.count; ++t) {
        std::copy(org.code.begin(), org.code.end(), org.team_code(t).begin());
      }
      if (peers) {
        act(org, 1, 0, org.headcount());
        learn_from_peers_and_socialize(org, 1, 0, org.headcount());
        publish_peer_beliefs(org, 1);
      } else {
        act_and_socialize(org, 1, 0, org.headcount());
      }
    }
    std::size_t leavers = 0;
    for (std::size_t s = 0; s < orgs[0].headcount(); ++s) {
      leavers += orgs[1].leaving()[s];
      for (std::size_t v : {1u, 2u}) {
        for (std::size_t w = 0; w < orgs[0].words(); ++w) {
          ASSERT_EQ(orgs[v].actions(s)[w], orgs[0].actions(s)[w])
              << "peers " << peers << ", variant " << v << ", slot " << s;
          ASSERT_EQ(orgs[v].beliefs(s).known(w), orgs[0].beliefs(s).known(w))
              << "peers " << peers << ", slot " << s;
          ASSERT_EQ(orgs[v].beliefs(s).positive(w), orgs[0].beliefs(s).positive(w))
              << "peers " << peers << ", slot " << s;
        }
      }
      EXPECT_EQ(orgs[2].leaving()[s], orgs[1].leaving()[s])
          << "quits decided later leave turnover as it was";
      EXPECT_EQ(orgs[0].leaving()[s], 0);
    }
    EXPECT_NEAR(static_cast<double>(leavers) / 600.0, 0.2, 5 * std::sqrt(0.16 / 600));
  }
}

}  // namespace
}  // namespace orgsim::agents
