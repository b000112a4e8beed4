// Schedule, metrics and the run loop of the organization model.
#include "orgsim/agents/model.hpp"

#include "orgsim/agents/learning.hpp"
#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace orgsim::agents {

namespace {

enum Metric : std::size_t {
  kStrategicFit,
  kGoalAlignment,
  kEmployeeKnowledge,
  kSuperiorShare,
  kTeamAlignmentGap,
  kTurnoverRate,
  kRealityChange,
  kHeadcount,
  kMetricCount
};

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> table = {
      {"strategic_fit", "strategic_alignment", "[-1, 1]",
       "March's code knowledge: (#dims where code = reality - #dims where code = -reality) / m."},
      {"goal_alignment", "strategic_alignment", "[0, 1]",
       "Mean over employees of the share of dimensions where the belief equals the code."},
      {"employee_knowledge", "strategic_alignment", "[-1, 1]",
       "Mean over employees of (#beliefs = reality - #beliefs = -reality) / m."},
      {"superior_share", "innovation_adaptability", "[0, 1]",
       "Share of employees whose actions beat the code this tick (the superior group)."},
      {"team_alignment_gap", "strategic_alignment", "[0, 1]",
       "Highest minus lowest team mean of goal_alignment (0 with one team)."},
      {"turnover_rate", "engagement", "1/tick", "Share of employees replaced this tick."},
      {"reality_change", "environment", "[0, 1]",
       "Share of reality's dimensions that flipped this tick (turbulence)."},
      {"headcount", "finance", "employees", "Number of employees."},
  };
  return table;
}

}  // namespace

Schedule<Organization> make_schedule() {
  Schedule<Organization> schedule;
  add_learning_phases(schedule);
  return schedule;
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
  const std::size_t m = org.dimensions();
  const std::size_t n = org.headcount();
  const std::int8_t* code = org.code.data();
  const std::int8_t* reality = org.reality.data();
  const auto teams = org.teams();
  const auto team_count = static_cast<std::size_t>(org.params().teams);

  // Integer sums (exact at any split): beliefs matching the code, belief-reality agreement, and
  // per-team code matches when there is more than one team.
  struct Sums {
    std::int64_t matches = 0;
    std::int64_t knowledge = 0;
  };
  const bool per_team = team_count > 1;
  std::vector<std::int32_t> slot_matches(per_team ? n : 0);
  const Sums sums = deterministic_reduce(
      n, 1024, Sums{},
      [&](std::size_t begin, std::size_t end, Sums acc) {
        for (std::size_t slot = begin; slot < end; ++slot) {
          const auto beliefs = org.beliefs(slot);
          std::int64_t matches = 0;
          std::int64_t knowledge = 0;
          for (std::size_t d = 0; d < m; ++d) {
            matches += beliefs[d] == code[d];
            knowledge += beliefs[d] * reality[d];
          }
          if (per_team) slot_matches[slot] = static_cast<std::int32_t>(matches);
          acc.matches += matches;
          acc.knowledge += knowledge;
        }
        return acc;
      },
      [](Sums a, const Sums& b) {
        a.matches += b.matches;
        a.knowledge += b.knowledge;
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
      const double mean = static_cast<double>(team_matches[t]) /
                          (static_cast<double>(team_size[t]) * static_cast<double>(m));
      lo = std::min(lo, mean);
      hi = std::max(hi, mean);
    }
    gap = hi - lo;
  }

  const double md = static_cast<double>(m);
  const double nd = static_cast<double>(n);
  row[kStrategicFit] = static_cast<double>(agreement(org.code, org.reality)) / md;
  row[kGoalAlignment] = static_cast<double>(sums.matches) / (nd * md);
  row[kEmployeeKnowledge] = static_cast<double>(sums.knowledge) / (nd * md);
  row[kSuperiorShare] = static_cast<double>(org.superior_count) / nd;
  row[kTeamAlignmentGap] = gap;
  row[kTurnoverRate] = static_cast<double>(org.leavers) / nd;
  row[kRealityChange] = static_cast<double>(org.reality_flips) / md;
  row[kHeadcount] = nd;
}

std::optional<StopRule> parse_stop_rule(std::string_view name) {
  if (name == "none") return StopRule::none;
  if (name == "equilibrium") return StopRule::equilibrium;
  return std::nullopt;
}

std::string_view stop_rule_name(StopRule rule) {
  return rule == StopRule::equilibrium ? "equilibrium" : "none";
}

RunOutcome simulate(const ModelParams& params, RunKey key, Tick max_ticks, StopRule stop) {
  static_assert(kMetricCount > 0);
  Organization org(params, key);
  const Schedule<Organization> schedule = make_schedule();
  RunOutcome outcome{MetricTable(kMetricCount), 0};
  outcome.metrics.reserve_rows(static_cast<std::size_t>(max_ticks) + 1);
  std::array<double, kMetricCount> row{};
  measure(org, row);
  outcome.metrics.append(row);
  outcome.ticks_run = run_ticks(
      org, schedule, max_ticks,
      [stop](const Organization& o, Tick) {
        return stop == StopRule::equilibrium && at_equilibrium(o);
      },
      [&](const Organization& o, Tick) {
        measure(o, row);
        outcome.metrics.append(row);
      });
  return outcome;
}

}  // namespace orgsim::agents
