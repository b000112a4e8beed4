// Schedule, metrics and the run loop of the organization model.
#include "orgsim/agents/model.hpp"

#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/submodels.hpp"
#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

namespace orgsim::agents {

namespace {

enum Metric : std::size_t {
  kStrategicFit, kGoalAlignment, kOnStrategyShare, kEmployeeKnowledge, kSuperiorShare,
  kTeamAlignmentGap, kExploration,
  kThroughput, kLeadTime, kUtilization, kCostPerTask, kReworkRate, kBacklog, kHandoffs,
  kEngagement, kTurnoverRate, kSkillMatch, kDigitalSkill, kChangeFatigue,
  kCustomerSatisfaction, kLoyalty, kDemand,
  kShockDrop, kRecoveryTime,
  kAutomationProcess, kAutomationData, kAutomationCommunication, kIncidents, kDowntime,
  kRevenue, kCost, kProfit, kHeadcount,
  kGrowthPhase, kHierarchyLevels, kTeams, kDecisionLatency,
  kRealityChange, kShock, kReview, kRealigned, kLaidOff, kHires,
  kMetricCount
};

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> table = {
      {"strategic_fit", "strategic_alignment", "[-1, 1]", "Strategic fit",
       "March's code knowledge: (#dims where code = reality - #dims where code = -reality) / m.",
       Better::higher, true},
      {"goal_alignment", "strategic_alignment", "[0, 1]", "Goal alignment",
       "Mean over employees of the share of dimensions where the belief equals the organization's code.",
       Better::higher, true},
      {"on_strategy_share", "strategic_alignment", "[0, 1]", "On-strategy work",
       "Share of completed work done on strategy (the doing team's code matches reality); NaN without work.",
       Better::higher, false},
      {"employee_knowledge", "strategic_alignment", "[-1, 1]", "Employee knowledge",
       "Mean over employees of (#beliefs = reality - #beliefs = -reality) / m.",
       Better::higher, false},
      {"superior_share", "innovation_adaptability", "[0, 1]", "Employees ahead of the strategy",
       "Share of employees whose actions beat the code at this tick's review (the superior group).",
       Better::none, false},
      {"team_alignment_gap", "strategic_alignment", "[0, 1]", "Alignment gap between teams",
       "Highest minus lowest team mean of goal_alignment (0 with one team).",
       Better::lower, false},
      {"exploration", "innovation_adaptability", "[0, 1]", "Exploration",
       "Share of this tick's actions that differ from the code (a 0 code value counts as differing; over "
       "the employees who acted this tick, 0 in the initial row): the "
       "variety the code can learn from.",
       Better::higher, true},
      {"throughput", "operational_efficiency", "tasks/tick", "Throughput",
       "Tasks completed this tick; NaN without work.",
       Better::higher, true},
      {"lead_time", "operational_efficiency", "ticks", "Lead time",
       "Work in process / smoothed throughput (Little's law); NaN without work.",
       Better::lower, true},
      {"utilization", "operational_efficiency", "[0, 1]", "Utilization",
       "Used / available human capacity; NaN without work.",
       Better::none, false},
      {"cost_per_task", "operational_efficiency", "currency/task", "Cost per task",
       "Cost this tick / tasks completed; NaN without work.",
       Better::lower, true},
      {"rework_rate", "operational_efficiency", "[0, 1]", "Rework rate",
       "Tasks sent back for rework / (completed + reworked) this tick; NaN without work.",
       Better::lower, false},
      {"backlog", "operational_efficiency", "tasks", "Backlog",
       "Tasks waiting or in transit; NaN without work.",
       Better::lower, false},
      {"handoffs", "operational_efficiency", "tasks/tick", "Handoffs",
       "Tasks crossing a team boundary this tick; NaN without work.",
       Better::lower, false},
      {"engagement", "engagement", "[0, 1]", "Engagement",
       "Mean employee engagement; NaN without the people submodel.",
       Better::higher, true},
      {"turnover_rate", "engagement", "1/tick", "Turnover",
       "Employees who left this tick (turnover, quits, layoffs) / headcount.",
       Better::lower, true},
      {"skill_match", "engagement", "[0, 1]", "Skill match",
       "Mean skill of employees in the function they work in.",
       Better::higher, false},
      {"digital_skill", "engagement", "[0, 1]", "Digital skill",
       "Mean digital skill.",
       Better::higher, false},
      {"change_fatigue", "engagement", "[0, 1]", "Change fatigue",
       "Organization-wide fatigue from shocks, restructurings and change.",
       Better::lower, false},
      {"customer_satisfaction", "customer", "[0, 1]", "Customer satisfaction",
       "Smoothed mean of speed, quality and value fit of delivered work; NaN without work.",
       Better::higher, true},
      {"loyalty", "customer", "[0, 1]", "Customer loyalty",
       "Customer loyalty, following satisfaction; NaN without work.",
       Better::higher, false},
      {"demand", "customer", "tasks/tick", "Demand",
       "Expected task arrivals this tick; NaN without work or environment.",
       Better::none, false},
      {"shock_drop", "resilience", "strategic fit", "Drop after the shock",
       "Pre-shock strategic fit minus its lowest value since the last shock (0 before any shock).",
       Better::lower, true},
      {"recovery_time", "resilience", "ticks", "Recovery time",
       "Ticks from the last shock until strategic fit was back within 0.05 of its pre-shock level "
       "(while not recovered: ticks since the shock; 0 before any shock).",
       Better::lower, true},
      {"automation_process", "technology", "[0, 1]", "Process automation",
       "Adopted level of process automation.",
       Better::none, false},
      {"automation_data", "technology", "[0, 1]", "Data-driven automation",
       "Adopted level of data-driven automation.",
       Better::none, false},
      {"automation_communication", "technology", "[0, 1]", "Communication automation",
       "Adopted level of communication automation.",
       Better::none, false},
      {"incidents", "technology", "count/tick", "Cyber incidents",
       "Cyber incidents this tick.",
       Better::lower, false},
      {"downtime", "technology", "0/1", "Automation downtime",
       "1 while automated work is down after an incident.",
       Better::lower, false},
      {"revenue", "finance", "currency/tick", "Revenue",
       "Revenue this tick; NaN without work.",
       Better::higher, false},
      {"cost", "finance", "currency/tick", "Cost",
       "Costs this tick (salaries, automation, security, training, "
                                           "restructuring, incidents); NaN without work.",
       Better::lower, false},
      {"profit", "finance", "currency/tick", "Profit",
       "Revenue - cost; NaN without work.",
       Better::higher, true},
      {"headcount", "finance", "employees", "Headcount",
       "Number of employees.",
       Better::none, false},
      {"growth_phase", "growth", "0/1/2", "Growth phase",
       "0 = startup, 1 = growth, 2 = maturity.",
       Better::none, false},
      {"hierarchy_levels", "structure", "levels", "Hierarchy levels",
       "Levels between the organization's code and the teams.",
       Better::none, false},
      {"teams", "structure", "teams", "Teams",
       "Number of teams.",
       Better::none, false},
      {"decision_latency", "structure", "ticks", "Decision latency",
       "Ticks before a code decision takes effect.",
       Better::none, false},
      {"reality_change", "environment", "[0, 1]", "Market change",
       "Share of reality's dimensions that flipped this tick.",
       Better::none, false},
      {"shock", "environment", "0/1", "Market shock",
       "1 if a shock hit this tick.",
       Better::none, false},
      {"review", "strategy", "0/1", "Strategy review",
       "1 if a strategy review took place this tick.",
       Better::none, false},
      {"realigned", "policy", "0/1", "Realignment",
       "1 if a realignment action was taken this tick.",
       Better::none, false},
      {"laid_off", "engagement", "employees/tick", "Layoffs",
       "Employees laid off this tick.",
       Better::lower, false},
      {"hires", "finance", "employees/tick", "Hires",
       "Employees hired this tick (replacements and growth).",
       Better::none, false},
  };
  return table;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

Schedule<Organization> make_schedule(const ModelParams& p) {
  const auto employees = [](const Organization& org) { return org.headcount(); };
  const auto teams = [](const Organization& org) { return org.teams.count; };
  Schedule<Organization> s;
  s.serial("begin_tick", begin_tick);
  s.serial("events", apply_events);
  s.serial("turbulence", apply_turbulence);
  if (p.environment_enabled) s.serial("shocks", apply_shocks);
  if (p.environment_enabled || p.work_enabled) s.serial("market", update_market);
  if (p.structure_enabled) s.serial("structural_events", structural_events);
  if (p.structure_enabled && p.structure_peer_learning_rate > 0) {
    s.parallel("act", employees, act, 256);  // peers compare this tick's action scores
    s.parallel("learn_from_peers_and_socialize", employees, learn_from_peers_and_socialize, 256);
    s.serial("publish_peer_beliefs", publish_peer_beliefs);
  } else {
    s.parallel("act_and_socialize", employees, act_and_socialize, 256);
  }
  s.serial("learn_code", learn_code);
  if (p.policy_enabled) s.serial("realign", realign);
  if (p.structure_enabled) s.parallel("cascade_code", teams, cascade_code, 64);
  if (p.work_enabled) {
    s.parallel("team_capacity", teams, team_capacity, 64);
    s.serial("process_work", process_work);
  }
  if (p.people_enabled) s.parallel("update_people", employees, update_people, 512);
  s.serial("fade_change_pressure", fade_change_pressure);
  if (p.automation_enabled) s.serial("adopt_automation", adopt_automation);
  s.parallel("draw_turnover", employees, draw_turnover, 1024);
  s.serial("renew_leavers", renew_leavers);
  s.parallel("onboard_hires", employees, onboard_hires, 1024);
  s.serial("grow", grow);
  s.serial("track_resilience", track_resilience);  // shocks also come from [[events]]
  return s;
}

std::span<const MetricInfo> metric_table() { return metrics(); }

std::optional<std::size_t> find_metric(std::string_view name) {
  const auto& table = metrics();
  for (std::size_t k = 0; k < table.size(); ++k) {
    if (table[k].name == name) return k;
  }
  return std::nullopt;
}

void measure(const Organization& org, std::span<double> row) {
  const ModelParams& p = org.params();
  const std::size_t m = org.dimensions();
  const std::size_t n = org.headcount();
  const std::size_t functions = org.skill_count() - 1;
  const std::size_t words = org.words();
  const std::size_t acted = std::min(org.acted, n);  // later hires have no action this tick
  const PackedCode packed_code(org.code);
  const ConstTernary code = packed_code.view();
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  const auto teams = org.teams_of();
  const auto engagement = org.engagement();
  const std::size_t team_count = org.teams.count;
  const bool squads = p.structure_enabled && org.structure == StructureType::cross_functional;

  // Sums over employees; the integer ones are exact, the real ones use a fixed split tree, so
  // every metric is identical at any thread count.
  struct Sums {
    std::int64_t matches = 0, knowledge = 0, exploring = 0;
    double engagement = 0, skill = 0, digital = 0;
  };
  const bool per_team = team_count > 1;
  std::vector<std::int32_t> slot_matches(per_team ? n : 0);
  const Sums sums = deterministic_reduce(
      n, 1024, Sums{},
      [&](std::size_t begin, std::size_t end, Sums acc) {
        for (std::size_t slot = begin; slot < end; ++slot) {
          const ConstTernary beliefs = org.beliefs(slot);
          const auto actions = org.actions(slot);
          std::int64_t matches = 0, knowledge = 0, exploring = 0;
          for (std::size_t w = 0; w < words; ++w) {
            const std::uint64_t valid = valid_bits(m, w);
            const std::uint64_t differ = (beliefs.known(w) ^ code.known(w)) | (beliefs.positive(w) ^ code.positive(w));
            matches += std::popcount(~differ & valid);
            const std::uint64_t wrong = beliefs.known(w) & (beliefs.positive(w) ^ reality[w]);
            knowledge += std::popcount(beliefs.known(w) & valid) - 2 * std::popcount(wrong & valid);
            // An action differs from the code where the code is 0 or has the other sign.
            if (slot < acted) exploring += std::popcount((~code.known(w) | (actions[w] ^ code.positive(w))) & valid);
          }
          if (per_team) slot_matches[slot] = static_cast<std::int32_t>(matches);
          acc.matches += matches;
          acc.knowledge += knowledge;
          acc.exploring += exploring;
          const auto skill = org.skills(slot);
          const auto t = static_cast<std::size_t>(teams[slot]);
          acc.skill += skill[squads ? slot % functions : static_cast<std::size_t>(org.teams.function[t]) % functions];
          acc.digital += skill[functions];
          acc.engagement += engagement[slot];
        }
        return acc;
      },
      [](Sums a, const Sums& b) {
        a.matches += b.matches;
        a.knowledge += b.knowledge;
        a.exploring += b.exploring;
        a.engagement += b.engagement;
        a.skill += b.skill;
        a.digital += b.digital;
        return a;
      });
  double gap = 0;
  if (per_team) {
    std::vector<std::int64_t> team_matches(team_count, 0);
    std::vector<std::int64_t> team_size(team_count, 0);
    for (std::size_t slot = 0; slot < n; ++slot) {
      const auto team = static_cast<std::size_t>(teams[slot]);
      team_matches[team] += slot_matches[slot];
      ++team_size[team];
    }
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t t = 0; t < team_count; ++t) {
      if (team_size[t] == 0) continue;
      const double mean = static_cast<double>(team_matches[t]) / (static_cast<double>(team_size[t]) * static_cast<double>(m));
      lo = std::min(lo, mean);
      hi = std::max(hi, mean);
    }
    gap = hi - lo;
  }

  const double md = static_cast<double>(m);
  const double nd = static_cast<double>(n);
  const bool work = p.work_enabled;
  row[kStrategicFit] = static_cast<double>(agreement(org.code, org.reality)) / md;
  row[kGoalAlignment] = static_cast<double>(sums.matches) / (nd * md);
  row[kOnStrategyShare] = !work ? kNaN : org.completed > 0 ? org.on_strategy_completed / org.completed : 0.0;
  row[kEmployeeKnowledge] = static_cast<double>(sums.knowledge) / (nd * md);
  row[kSuperiorShare] = static_cast<double>(org.superior_count) / nd;
  row[kTeamAlignmentGap] = gap;
  row[kExploration] = acted > 0 ? static_cast<double>(sums.exploring) / (static_cast<double>(acted) * md) : 0.0;
  row[kThroughput] = work ? org.completed : kNaN;
  row[kLeadTime] = work ? org.lead_time : kNaN;
  row[kUtilization] = !work ? kNaN : org.capacity_total > 0 ? org.used_capacity / org.capacity_total : 0.0;
  row[kCostPerTask] = !work ? kNaN : org.completed > 0 ? org.cost / org.completed : kNaN;
  row[kReworkRate] = !work ? kNaN : org.completed + org.reworked > 0 ? org.reworked / (org.completed + org.reworked) : 0.0;
  row[kBacklog] = work ? org.backlog : kNaN;
  row[kHandoffs] = work ? org.handoffs : kNaN;
  row[kEngagement] = p.people_enabled ? sums.engagement / nd : kNaN;
  row[kTurnoverRate] = static_cast<double>(org.leavers) / nd;
  row[kSkillMatch] = sums.skill / nd;
  row[kDigitalSkill] = sums.digital / nd;
  row[kChangeFatigue] = org.change_fatigue;
  row[kCustomerSatisfaction] = work ? org.satisfaction : kNaN;
  row[kLoyalty] = work ? org.loyalty : kNaN;
  row[kDemand] = work || p.environment_enabled ? org.demand : kNaN;
  row[kShockDrop] = org.shock_tick < 0 ? 0.0 : org.fit_before_shock - org.fit_lowest_since_shock;
  row[kRecoveryTime] = org.shock_tick < 0 ? 0.0
                       : org.recovered_tick >= 0
                           ? static_cast<double>(org.recovered_tick - org.shock_tick)
                           : static_cast<double>(org.tick_now - static_cast<Tick>(org.shock_tick));
  const bool automation = p.automation_enabled;
  row[kAutomationProcess] = automation ? org.automation_process : kNaN;
  row[kAutomationData] = automation ? org.automation_data : kNaN;
  row[kAutomationCommunication] = automation ? org.automation_communication : kNaN;
  row[kIncidents] = automation ? static_cast<double>(org.incidents) : kNaN;
  row[kDowntime] = automation ? (org.downtime_left > 0 ? 1.0 : 0.0) : kNaN;
  row[kRevenue] = work ? org.revenue : kNaN;
  row[kCost] = work ? org.cost : kNaN;
  row[kProfit] = work ? org.revenue - org.cost : kNaN;
  row[kHeadcount] = nd;
  row[kGrowthPhase] = static_cast<double>(static_cast<int>(org.phase));
  row[kHierarchyLevels] = static_cast<double>(org.depth);
  row[kTeams] = static_cast<double>(team_count);
  row[kDecisionLatency] = static_cast<double>(org.decision_latency);
  row[kRealityChange] = static_cast<double>(org.reality_flips) / md;
  row[kShock] = org.shocked ? 1.0 : 0.0;
  row[kReview] = org.reviewed ? 1.0 : 0.0;
  row[kRealigned] = org.realigned ? 1.0 : 0.0;
  row[kLaidOff] = static_cast<double>(org.laid_off);
  row[kHires] = static_cast<double>(org.hires);
}

std::optional<StopRule> parse_stop_rule(std::string_view name) {
  if (name == "none") return StopRule::none;
  if (name == "equilibrium") return StopRule::equilibrium;
  return std::nullopt;
}

std::string_view stop_rule_name(StopRule rule) { return rule == StopRule::equilibrium ? "equilibrium" : "none"; }

std::optional<SnapshotField> parse_snapshot_field(std::string_view name) {
  for (int f = 0; f <= static_cast<int>(SnapshotField::beliefs); ++f) {
    if (snapshot_field_name(static_cast<SnapshotField>(f)) == name) return static_cast<SnapshotField>(f);
  }
  return std::nullopt;
}

std::string_view snapshot_field_name(SnapshotField field) {
  switch (field) {
    case SnapshotField::id: return "id";
    case SnapshotField::team: return "team";
    case SnapshotField::engagement: return "engagement";
    case SnapshotField::resistance: return "resistance";
    case SnapshotField::digital_skill: return "digital_skill";
    case SnapshotField::alignment: return "alignment";
    case SnapshotField::knowledge: return "knowledge";
    case SnapshotField::beliefs: return "beliefs";
  }
  return "?";
}

namespace {

/// Appends one snapshot of `options.agents` employees spread evenly over the slots.
void take_snapshot(const Organization& org, const SnapshotOptions& options, Snapshots& out) {
  const std::size_t n = org.headcount();
  const std::size_t m = org.dimensions();
  const std::size_t agents = options.agents;
  if (out.values.empty()) {
    for (SnapshotField f : options.fields) {
      if (f != SnapshotField::beliefs) out.values.emplace_back();
    }
  }
  const PackedCode packed_code(org.code);
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  std::size_t column = 0;
  for (SnapshotField field : options.fields) {
    if (field == SnapshotField::beliefs) {
      for (std::size_t i = 0; i < agents; ++i) {
        if (i >= n) {
          out.beliefs.insert(out.beliefs.end(), m, 0);
          continue;
        }
        const ConstTernary b = org.beliefs(n > agents ? i * n / agents : i);
        for (std::size_t d = 0; d < m; ++d) out.beliefs.push_back(b.get(d));
      }
      continue;
    }
    std::vector<double>& values = out.values[column++];
    for (std::size_t i = 0; i < agents; ++i) {
      if (i >= n) {
        values.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      const std::size_t slot = n > agents ? i * n / agents : i;
      double v = 0;
      switch (field) {
        case SnapshotField::id: v = static_cast<double>(org.employees().id(slot)); break;
        case SnapshotField::team: v = org.teams_of()[slot]; break;
        case SnapshotField::engagement: v = org.engagement()[slot]; break;
        case SnapshotField::resistance: v = org.resistance()[slot]; break;
        case SnapshotField::digital_skill: v = org.skills(slot)[org.skill_count() - 1]; break;
        case SnapshotField::alignment:
          v = static_cast<double>(same_values(org.beliefs(slot), packed_code.view(), m)) / static_cast<double>(m);
          break;
        case SnapshotField::knowledge:
          v = static_cast<double>(agreement(org.beliefs(slot), reality, m)) / static_cast<double>(m);
          break;
        case SnapshotField::beliefs: break;
      }
      values.push_back(v);
    }
  }
  ++out.count;
}

}  // namespace

std::size_t recorded_rows(Tick ticks_run, Tick every) {
  return static_cast<std::size_t>(ticks_run / every) + 1 + (ticks_run % every != 0 ? 1 : 0);
}

RunOutcome simulate(const ModelParams& params, RunKey key, const RunOptions& options) {
  Organization org(params, key);
  org.events = options.events;
  const Schedule<Organization> schedule = make_schedule(params);
  const Tick every = std::max<Tick>(1, options.record_every);
  RunOutcome outcome{MetricTable(kMetricCount), 0, {}};
  outcome.metrics.reserve_rows(std::min<std::size_t>(recorded_rows(options.max_ticks, every), 512));
  std::vector<double> row(kMetricCount);
  measure(org, row);
  outcome.metrics.append(row);
  const SnapshotOptions& snap = options.snapshots;
  if (snap.every > 0) take_snapshot(org, snap, outcome.snapshots);
  const StopRule stop = options.stop;
  const std::atomic<int>* abandon = options.abandon;
  outcome.ticks_run = run_ticks(
      org, schedule, options.max_ticks,
      [stop, abandon](const Organization& o, Tick) {
        if (abandon && abandon->load(std::memory_order_relaxed) != 0) return true;  // one relaxed load per tick
        return stop == StopRule::equilibrium && at_equilibrium(o);
      },
      [&](Organization& o, Tick tick) {
        if (snap.every > 0 && tick % snap.every == 0) take_snapshot(o, snap, outcome.snapshots);
        if (tick % every != 0) return;
        measure(o, row);
        outcome.metrics.append(row);
      });
  if (outcome.ticks_run % every != 0) {  // the last tick is always recorded
    measure(org, row);
    outcome.metrics.append(row);
  }
  if (snap.every > 0 && outcome.ticks_run % snap.every != 0) take_snapshot(org, snap, outcome.snapshots);
  return outcome;
}

RunOutcome simulate(const ModelParams& params, RunKey key, Tick max_ticks, StopRule stop) {
  RunOptions options;
  options.max_ticks = max_ticks;
  options.stop = stop;
  return simulate(params, key, options);
}

}  // namespace orgsim::agents
