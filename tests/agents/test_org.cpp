// People in positions (issue 18): restructuring keeps people and their skills, layoffs remove
// only the automated work's staff, and structure does not hinge on headcount mod team size.
// Paired runs (common random numbers: the same seed and replication for both arms), margins
// from standard errors, several parameter settings.
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/org_view.hpp"
#include "orgsim/agents/organization.hpp"
#include "orgsim/agents/submodels.hpp"

#include "orgsim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <vector>

namespace orgsim::agents {
namespace {

ModelParams company(std::int64_t employees, std::int64_t span) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = employees;
  p.learning.socialization_rate = 0.1;
  p.learning.turnover_rate = 0.003;
  p.structure.enabled = true;
  p.structure.span_of_control = span;
  p.people.enabled = true;
  p.work.enabled = true;
  p.environment.enabled = true;
  p.environment.base_demand = 0.3;
  return p;
}

/// Mean of `metric` over ticks [from, to] of one run.
double window_mean(const ModelParams& p, std::uint64_t rep, const RunOptions& options,
                   const char* metric, Tick from) {
  const RunOutcome out = simulate(p, {11, rep}, options);
  const std::size_t k = find_metric(metric).value();
  double sum = 0;
  for (Tick t = from; t <= options.max_ticks; ++t) sum += out.metrics.row(t)[k];
  return sum / static_cast<double>(options.max_ticks - from + 1);
}

struct Stats {
  double mean = 0, se = 0;
};

Stats stats(const std::vector<double>& x) {
  Stats s;
  s.mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double var = 0;
  for (double v : x) var += (v - s.mean) * (v - s.mean);
  s.se = std::sqrt(var / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
  return s;
}

RunOptions ticks(Tick max) {
  RunOptions o;
  o.max_ticks = max;
  return o;
}

ScheduledEvent restructure_event(Tick at, StructureType to, std::vector<std::int32_t> scope = {}) {
  ScheduledEvent e;
  e.at = at;
  e.kind = ScheduledEvent::Kind::restructure;
  e.structure = to;
  e.departments = std::move(scope);
  return e;
}

TEST(Positions, SquadsFormedAtWeek13CatchUpWithSquadsFromTheStart) {
  // After the transition (8 weeks) a company regrouped into squads works like one born as squads:
  // lead time within 1.5x and engagement within 0.05, at several sizes and spans.
  for (const auto& [employees, span] :
       {std::pair<std::int64_t, std::int64_t>{120, 6}, {120, 10}, {250, 8}}) {
    ModelParams born = company(employees, span);
    born.structure.type = StructureType::cross_functional;
    const ModelParams functional = company(employees, span);
    RunOptions later = ticks(104);
    later.events.push_back(restructure_event(13, StructureType::cross_functional));
    std::vector<double> lead_born, lead_later, engagement_diff;
    for (std::uint64_t rep = 0; rep < 10; ++rep) {
      lead_born.push_back(window_mean(born, rep, ticks(104), "lead_time", 60));
      lead_later.push_back(window_mean(functional, rep, later, "lead_time", 60));
      engagement_diff.push_back(window_mean(functional, rep, later, "engagement", 60) -
                                window_mean(born, rep, ticks(104), "engagement", 60));
    }
    const Stats a = stats(lead_born), b = stats(lead_later), e = stats(engagement_diff);
    EXPECT_LT(b.mean + 2 * b.se, 1.5 * (a.mean - 2 * a.se))
        << employees << "/" << span << ": born " << a.mean << " restructured " << b.mean;
    EXPECT_LT(std::abs(e.mean) + 2 * e.se, 0.05) << employees << "/" << span << ": " << e.mean;
  }
}

TEST(Positions, RestructuringKeepsEveryonesSkillMatch) {
  // The day after the regrouping, skill match is what it was (people keep their functions).
  ModelParams p = company(120, 8);
  RunOptions options = ticks(14);
  options.events.push_back(restructure_event(13, StructureType::cross_functional));
  const RunOutcome out = simulate(p, {3, 0}, options);
  const std::size_t k = find_metric("skill_match").value();
  EXPECT_NEAR(out.metrics.row(13)[k], out.metrics.row(12)[k], 0.01);
}

/// A company that automates the routine work of one department (function 2) and lays off or
/// redeploys the people freed.
ModelParams automating(FreedCapacity freed) {
  ModelParams p = company(160, 8);
  p.automation.enabled = true;
  p.automation.level = AutomationLevel::custom;
  p.automation.process_target = 0.0;
  p.automation.adoption_speed = 0.3;
  p.automation.freed_capacity = freed;
  p.people.initial_digital_skill = 0.6;
  return p;
}

ScheduledEvent automate_event(Tick at, double target) {
  ScheduledEvent e;
  e.at = at;
  e.kind = ScheduledEvent::Kind::automate;
  e.departments = {1};
  e.automation_target = target;
  return e;
}

TEST(Positions, LayoffsRemoveOnlyTheAutomatedDepartmentsStaffAndMoveNobody) {
  ModelParams p = automating(FreedCapacity::layoff);
  p.org.hiring_freeze = 0;  // every leaver replaced: only layoffs change the departments' sizes
  p.org.replace_below = 0;
  // A firm with slack (utilization well under 0.85): management lays off what automation frees
  // (a busier firm redeploys it instead, ODD 7.13).
  p.work.tasks_per_employee *= 1.6;
  Organization org(p, {5, 0});
  org.events.push_back(automate_event(5, 0.8));
  const auto schedule = make_schedule(p);
  std::map<AgentId, std::pair<std::int32_t, std::int32_t>> before;  // function, team
  auto record = [&](const Organization& o) {
    before.clear();
    for (std::size_t slot = 0; slot < o.headcount(); ++slot)
      before[o.employees().id(slot)] = {o.function_of()[slot], o.teams_of()[slot]};
  };
  record(org);
  std::size_t laid_off = 0, checked = 0;
  run_ticks(
      org, schedule, 60, [](const Organization&, Tick) { return false; },
      [&](Organization& o, Tick) {
        if (o.this_tick.laid_off > 0) {
          laid_off += o.this_tick.laid_off;
          for (std::size_t slot = 0; slot < o.headcount(); ++slot) {
            const auto it = before.find(o.employees().id(slot));
            if (it == before.end()) continue;  // a replacement hire this tick
            ++checked;
            EXPECT_EQ(it->second.first, o.function_of()[slot]);
            EXPECT_EQ(it->second.second, o.teams_of()[slot]);
          }
        }
        record(o);
      });
  EXPECT_GT(laid_off, 5u);
  EXPECT_GT(checked, 100u);
  // Only department 1 ("function 2") shrank.
  std::vector<int> headcount(org.departments.size(), 0);
  for (const std::int32_t d : org.department_of()) ++headcount[static_cast<std::size_t>(d)];
  EXPECT_EQ(headcount[0], 40);
  EXPECT_EQ(headcount[1], 40 - static_cast<int>(laid_off));
  EXPECT_EQ(headcount[2], 40);
  EXPECT_EQ(headcount[3], 40);
}

TEST(Positions, LeadTimeWithLayoffsStaysWithinTwiceThatWithRedeployment) {
  RunOptions options = ticks(80);
  options.events.push_back(automate_event(5, 0.8));
  std::vector<double> layoff, redeploy;
  for (std::uint64_t rep = 0; rep < 10; ++rep) {
    layoff.push_back(window_mean(automating(FreedCapacity::layoff), rep, options, "lead_time", 40));
    redeploy.push_back(
        window_mean(automating(FreedCapacity::redeploy), rep, options, "lead_time", 40));
  }
  const Stats a = stats(layoff), b = stats(redeploy);
  EXPECT_LT(a.mean + 2 * a.se, 2.0 * (b.mean - 2 * b.se)) << a.mean << " vs " << b.mean;
}

TEST(Positions, LeadTimeDoesNotJumpWithHeadcountModTeamSize) {
  for (const std::int64_t span : {6, 8}) {
    std::vector<double> means;
    for (const std::int64_t n : {56, 60, 64}) {
      std::vector<double> lead;
      for (std::uint64_t rep = 0; rep < 8; ++rep)
        lead.push_back(window_mean(company(n, span), rep, ticks(80), "lead_time", 30));
      means.push_back(stats(lead).mean);
    }
    const auto [lo, hi] = std::minmax_element(means.begin(), means.end());
    EXPECT_LT(*hi - *lo, 0.2) << "span " << span << ": " << means[0] << " " << means[1] << " "
                              << means[2];
  }
}

TEST(Positions, TheNetworkHasDistinctContacts) {
  // min(ties, n - 1) distinct contacts when teams are large enough for their share of ties.
  for (const std::int64_t span : {3, 8, 20}) {
    ModelParams p = company(200, span);
    p.structure.ties_per_employee = 6;
    p.structure.cross_team_ties = 1.0;  // every tie outside the team: always room
    const Organization org(p, {1, 0});
    for (std::size_t slot = 0; slot < org.headcount(); ++slot) {
      const auto contacts = org.network.neighbors(slot);
      std::vector<std::uint32_t> sorted(contacts.begin(), contacts.end());
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
      EXPECT_EQ(contacts.size(), 6u) << "span " << span;
    }
  }
}

TEST(Positions, DepthGrowsWithSizeInEveryStructure) {
  for (const StructureType type : {StructureType::functional, StructureType::flat,
                                   StructureType::matrix, StructureType::cross_functional}) {
    int previous = 0;
    for (const std::int64_t n : {40, 400, 4000, 40000}) {
      ModelParams p = company(n, 8);
      p.structure.type = type;
      const Organization org(p, {1, 0});
      EXPECT_GE(org.hierarchy.depth, previous);
      previous = org.hierarchy.depth;
    }
    EXPECT_GE(previous, 2) << static_cast<int>(type);
  }
  ModelParams p = company(125, 5);  // 25 teams of 5 under managers of span 5: 2 levels above
  p.structure.functions = 1;
  EXPECT_EQ(Organization(p, {1, 0}).hierarchy.depth, 2);
}

TEST(Positions, ADepartmentsRestructuringDipsOnlyItsOwnTeams) {
  // Regrouping department 1 into squads at week 5: its new teams lose capacity for the
  // transition, every other team keeps its people and its full capacity.
  ModelParams p = company(160, 8);
  Organization org(p, {2, 0});
  org.events.push_back(restructure_event(5, StructureType::cross_functional, {1}));
  double before_kept = 0, before_regrouped = 0;  // capacity at week 4
  run_ticks(
      org, make_schedule(p), 5, [](const Organization&, Tick) { return false; },
      [&](Organization& o, Tick tick) {
        if (tick != 4) return;
        for (std::size_t t = 0; t < o.teams.count; ++t)
          (o.teams.department[t] == 1 ? before_regrouped : before_kept) += o.teams.capacity[t];
      });
  std::size_t regrouped = 0, others = 0;
  for (std::size_t t = 0; t < org.teams.count; ++t) {
    if (org.teams.department[t] == 1) {
      ++regrouped;
      EXPECT_EQ(org.teams.settle_at[t], 5 + p.structure.transition_ticks);
      EXPECT_EQ(org.teams.squad[t], 1);
    } else {
      ++others;
      EXPECT_EQ(org.teams.settle_at[t], 0);
      EXPECT_EQ(org.teams.squad[t], 0);
    }
  }
  EXPECT_GT(regrouped, 0u);
  EXPECT_EQ(others, 15u);  // the 3 other departments' 5 teams each, untouched
  double kept = 0, regrouped_capacity = 0;
  for (std::size_t t = 0; t < org.teams.count; ++t)
    (org.teams.department[t] == 1 ? regrouped_capacity : kept) += org.teams.capacity[t];
  EXPECT_GT(kept, 0.95 * before_kept);  // no dip (only a week of skill and engagement drift)
  EXPECT_LT(regrouped_capacity, 0.6 * before_regrouped);  // the 50 % dip
  EXPECT_GT(regrouped_capacity, 0.4 * before_regrouped);
}

TEST(Positions, HiresJoinTheDepartmentTheyAreHiredInto) {
  // Functional teams: the hire goes to a team of that department and does its function.
  ModelParams p = company(160, 8);
  Organization org(p, {2, 0});
  const std::vector<std::int32_t> into{2, 2, 2, 0, 3};
  const std::size_t first = org.headcount();
  org.hire_into(into, 1);
  ASSERT_EQ(org.headcount(), first + into.size());
  for (std::size_t k = 0; k < into.size(); ++k) {
    const std::size_t slot = first + k;
    const auto d = static_cast<std::size_t>(into[k]);
    EXPECT_EQ(org.department_of()[slot], into[k]);
    EXPECT_EQ(org.teams.department[static_cast<std::size_t>(org.teams_of()[slot])], into[k]);
    EXPECT_EQ(org.function_of()[slot], org.departments[d].function);
  }
  // Squads take people of every department: the hire keeps the department and its function.
  p.structure.type = StructureType::cross_functional;
  Organization squads(p, {2, 0});
  const std::size_t start = squads.headcount();
  squads.hire_into(into, 1);
  for (std::size_t k = 0; k < into.size(); ++k) {
    const std::size_t slot = start + k;
    EXPECT_EQ(squads.department_of()[slot], into[k]);
    EXPECT_EQ(squads.function_of()[slot],
              squads.departments[static_cast<std::size_t>(into[k])].function);
    EXPECT_EQ(squads.teams.squad[static_cast<std::size_t>(squads.teams_of()[slot])], 1);
  }
}

TEST(Positions, GrowthHiresWhereTheWorkWaits) {
  // Every department's inflow is what 85 % of its people serve, except department 1's, which is
  // twice that: growth hiring staffs department 1 and no other, whatever the teams' sizes (it
  // used to fill the smallest teams, wherever they were).
  ModelParams p = company(160, 8);
  p.growth.enabled = true;
  Organization org(p, {2, 0});
  const std::vector<double> before = org.department_headcounts();
  for (std::size_t d = 0; d < org.departments.size(); ++d) {
    Department& dep = org.departments[d];
    dep.load = 0.85;
    dep.productivity = 0.6;
    dep.work_in = 0.85 * 0.6 * before[d] * (d == 1 ? 2.0 : 1.0);
  }
  org.market.demand = 0;  // the firm-wide gap adds nothing: the departments' own needs decide
  grow(org, 5);
  const std::vector<double> after = org.department_headcounts();
  EXPECT_GT(after[1], before[1]);
  for (std::size_t d = 0; d < after.size(); ++d) {
    if (d != 1) {
      EXPECT_EQ(after[d], before[d]) << "department " << d;
    }
  }
}

TEST(Positions, RowZeroReportsTheRealGrowthPhase) {
  ModelParams p = company(400, 8);
  p.growth.enabled = true;
  const RunOutcome out = simulate(p, {1, 0}, ticks(1));
  const std::size_t k = find_metric("growth_phase").value();
  EXPECT_EQ(out.metrics.row(0)[k], 2.0);  // 400 >= the maturity threshold
}

// The membership index of a large firm is built in parallel parts: after people have moved
// between teams (so a team's members are not one run of slots), every team lists exactly its
// members in slot order, and the functions present are theirs, at any thread count.
TEST(Positions, MembershipOfALargeFirmListsEveryTeamsMembersInSlotOrder) {
  ModelParams p = company(70000, 8);
  p.structure.type = StructureType::cross_functional;  // squads: several functions per team
  for (const std::size_t threads : {1u, 2u}) {
    const ThreadLimit limit(threads);
    Organization org(p, {5, 0});
    for (std::size_t slot = 3; slot < org.headcount(); slot += 7)
      if (!org.leads()[slot]) org.move_to_team(slot, (slot * 131) % org.teams.count);
    org.rebuild_membership();
    std::vector<std::vector<std::uint32_t>> members(org.teams.count);
    std::vector<std::uint32_t> functions(org.teams.count, 0);
    for (std::size_t slot = 0; slot < org.headcount(); ++slot) {
      const auto t = static_cast<std::size_t>(org.teams_of()[slot]);
      members[t].push_back(static_cast<std::uint32_t>(slot));
      functions[t] |= 1u << (static_cast<std::uint32_t>(org.function_of()[slot]) % 32u);
    }
    ASSERT_EQ(org.teams.member_offsets.size(), org.teams.count + 1);
    ASSERT_EQ(org.teams.member_slots.size(), org.headcount());
    for (std::size_t t = 0; t < org.teams.count; ++t) {
      const std::vector<std::uint32_t> listed(
          org.teams.member_slots.begin() + static_cast<std::ptrdiff_t>(org.teams.member_offsets[t]),
          org.teams.member_slots.begin() +
              static_cast<std::ptrdiff_t>(org.teams.member_offsets[t + 1]));
      ASSERT_EQ(listed, members[t]) << "team " << t << ", " << threads << " threads";
      ASSERT_EQ(org.teams.functions_present[t], functions[t]) << "team " << t;
    }
  }
}

}  // namespace
}  // namespace orgsim::agents
