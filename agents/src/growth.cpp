// Growth phases: hiring to demand, startup -> growth -> maturity, formalization (new teams and
// levels as headcount grows; bureaucracy overhead in maturity is applied in team_capacity)
// (docs/ODD.md 7.15).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace orgsim::agents {

namespace {

/// Hires, one at a time, to the department with the largest remaining gap (lowest index on
/// ties) while that gap is at least half a person, at most `most` of them.
std::vector<std::int32_t> fill_gaps(std::vector<double> gap, std::size_t most) {
  std::vector<std::int32_t> into;
  while (into.size() < most && !gap.empty()) {
    const auto widest = static_cast<std::size_t>(std::ranges::max_element(gap) - gap.begin());
    if (gap[widest] < 0.5) break;
    gap[widest] -= 1.0;
    into.push_back(static_cast<std::int32_t>(widest));
  }
  return into;
}

/// Hiring to backlog (7.12): while the lead time is over its target, each department
/// staffs toward the headcount that serves its inflow and clears, in a quarter (13 ticks), the
/// part of its queue the firm would not hold at its target lead time (by Little's law each queue
/// scaled by target / lead time: the excess sits where the work waits). The firm hires at most
/// org.overload_hiring of its headcount per tick, to the departments with the largest gaps
/// first. A department with idle capacity has no gap (its queue is short, its inflow within its
/// capacity), so handoff delays, which more people would not shorten, hire nobody. Open
/// positions count as staff (they arrive after org.time_to_fill), so the firm does not hire
/// twice for one gap; what one person delivers is planned from the department's perceived
/// productivity, smoothed over a quarter and without overtime and restructuring dips (the supply
/// line and perceived productivity of Sterman 2000, ch. 19: a firm that hires for a temporary
/// dip overshoots once it has passed).
void hire_to_backlog(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  const double lead = org.flow.lead_time, target = p.work.target_lead_time;
  if (p.org.overload_hiring <= 0 || lead <= target || org.climate.hiring_frozen(tick) ||
      cash_is_low(org))
    return;
  const std::vector<double> people = org.department_headcounts();
  std::vector<double> gap(org.departments.size(), 0.0);
  for (std::size_t d = 0; d < gap.size(); ++d) {
    const Department& dep = org.departments[d];
    if (dep.work_in < 0 || dep.productivity <= 0) continue;
    const double needed = dep.work_in + dep.backlog * (1.0 - target / lead) / 13.0;
    gap[d] = needed / dep.productivity - people[d];
  }
  const double n = static_cast<double>(org.headcount());
  const std::vector<std::int32_t> into =
      fill_gaps(std::move(gap),
                static_cast<std::size_t>(std::max(1.0, std::floor(p.org.overload_hiring * n))));
  if (!into.empty()) org.hire_into(into, tick);
}

/// Growth hiring (7.15): the firm staffs toward the headcount that serves the market's demand
/// now at 85 % utilization, `desired` people, at most growth.hiring_rate of its headcount per
/// tick. Once work has been measured, each department is staffed to serve the work that reaches
/// it (its inflow, averaged over a quarter, at 85 % of its perceived capacity), scaled up to
/// `desired` when the market has grown past what the averages show; the hires go to the
/// departments furthest below their staffing first. Before that, they go to the smallest teams.
void hire_to_demand(Organization& org, double desired, Tick tick) {
  const ModelParams& p = org.params();
  const double n = static_cast<double>(org.headcount());
  const auto step = static_cast<std::size_t>(std::max(1.0, std::floor(p.growth.hiring_rate * n)));
  const std::size_t departments = org.departments.size();
  std::vector<double> need(departments, 0.0);
  double needed = 0;
  for (std::size_t d = 0; d < departments; ++d) {
    const Department& dep = org.departments[d];
    if (dep.work_in < 0 || dep.productivity <= 0) continue;
    need[d] = dep.work_in / (0.85 * dep.productivity);
    needed += need[d];
  }
  if (needed <= 0) {  // nothing measured yet: the firm-wide gap, to the smallest teams
    if (desired > n + 0.5) {
      const auto count = static_cast<std::size_t>(std::min(desired - n, double(step)) + 0.5);
      org.hire_into(std::vector<std::int32_t>(count, -1), tick);
    }
    return;
  }
  const double scale = std::max(1.0, desired / needed);
  const std::vector<double> people = org.department_headcounts();
  std::vector<double> gap(departments, 0.0);
  for (std::size_t d = 0; d < departments; ++d) gap[d] = need[d] * scale - people[d];
  std::size_t most = step;
  if (p.growth.target_employees > 0) {
    const double room = static_cast<double>(p.growth.target_employees) - n;
    most = room < 0.5 ? 0 : std::min(step, static_cast<std::size_t>(room + 0.5));
  }
  const std::vector<std::int32_t> into = fill_gaps(std::move(gap), most);
  if (!into.empty()) org.hire_into(into, tick);
}

}  // namespace

void grow(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (p.work.enabled) hire_to_backlog(org, tick);
  if (p.growth.enabled && !org.climate.hiring_frozen(tick) && !cash_is_low(org)) {
    // Staff to keep utilization near 85 %: the work demanded per tick over what one employee
    // delivers now (effort: 1 unit per routine task, 2 per complex task).
    const double effort =
        org.market.demand * (p.work.routine_share * (1.0 - org.automation.process) +
                             2.0 * (1.0 - p.work.routine_share));
    // Capacity per employee as management perceives it (smoothed, without overtime and
    // restructuring dips; open positions and hires still ramping up will deliver it).
    const double per_employee =
        org.flow.productivity > 0 ? org.flow.productivity : 0.6 * p.work.tasks_per_employee;
    double desired = effort / (0.85 * per_employee);
    if (p.growth.target_employees > 0)
      desired = std::min(desired, static_cast<double>(p.growth.target_employees));
    hire_to_demand(org, desired, tick);
  }
  org.growth.phase = growth_phase(p, static_cast<std::int64_t>(org.headcount()));
}

std::int64_t headcount_ceiling(const ModelParams& p) {
  if (p.org.max_employees > 0) return std::max(p.org.max_employees, p.org.employees);
  constexpr std::int64_t kMost = 100'000'000;  // org.employees' own upper bound
  return std::min(kMost, std::max({std::int64_t{1000}, 10 * p.org.employees,
                                   p.growth.target_employees, p.org.employees}));
}

bool can_grow(const ModelParams& p) {
  return p.growth.enabled || (p.work.enabled && p.org.overload_hiring > 0);
}

GrowthPhase growth_phase(const ModelParams& p, std::int64_t n) {
  return n < p.growth.growth_threshold     ? GrowthPhase::startup
         : n < p.growth.maturity_threshold ? GrowthPhase::growth
                                           : GrowthPhase::maturity;
}

const Submodel& growth_submodel() {
  static const Submodel submodel{
      "growth",
      "7.15",
      "Hiring to demand, growth phases, formalization, bureaucracy.",
      [](std::vector<ParamSpec>& table) {
        declare_group<GrowthParams, &ModelParams::growth>("growth", table);
      },
      {{{"growth_phase", "growth", "0/1/2", "Growth phase",
         "0 = startup, 1 = growth, 2 = maturity.", Better::none, false},
        [](const Observation& o) {
          return static_cast<double>(static_cast<int>(o.org.growth.phase));
        }}},
      {{"grow", PhaseRow::Kind::serial, grow}}};
  return submodel;
}

}  // namespace orgsim::agents
