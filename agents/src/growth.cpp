// Growth phases: hiring to demand, startup -> growth -> maturity, formalization (new teams and
// levels as headcount grows; bureaucracy overhead in maturity is applied in team_capacity)
// (docs/ODD.md 7.15).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {

/// Hiring to backlog (7.12): while lead time is over twice its target and the staff work at
/// 95 % of capacity or more, staff toward the headcount that serves the arrivals and clears the
/// backlog above target in a quarter (13 ticks), at most org.overload_hiring of the headcount
/// per tick. Open positions count as staff (they arrive after org.time_to_fill), so the firm
/// does not hire twice for one gap; what one employee delivers is planned from the perceived
/// productivity, smoothed over a quarter and without overtime and restructuring dips (the
/// supply line and perceived productivity of Sterman 2000, ch. 19: a firm that hires for a
/// temporary dip overshoots once it has passed).
void hire_to_backlog(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  const Flow& flow = org.flow;
  const TickOutcomes& now = org.this_tick;
  // Overloaded: lead time over twice the target while capacity is what binds (not handoff
  // delays, which more people would not shorten).
  const bool overloaded = flow.lead_time > 2.0 * p.work.target_lead_time &&
                          now.used_capacity >= 0.95 * now.capacity_total;
  if (p.org.overload_hiring <= 0 || !overloaded || flow.throughput_average <= 0 ||
      flow.productivity <= 0 || now.capacity_total <= 0 || org.climate.hiring_frozen(tick) ||
      cash_is_low(org))
    return;
  const double n = static_cast<double>(org.headcount());
  const double target_backlog = p.work.target_lead_time * now.arrivals;
  const double needed = now.arrivals + std::max(0.0, flow.backlog - target_backlog) / 13.0;
  // Tasks one employee is expected to deliver: the tasks per unit of capacity delivered lately,
  // times the perceived capacity per employee.
  const double per_employee = flow.throughput_average / now.capacity_total * flow.productivity;
  const double desired = needed / per_employee;
  const double step = std::max(1.0, std::floor(p.org.overload_hiring * n));
  if (desired > n + 0.5)
    org.hire(static_cast<std::size_t>(std::min(desired - n, step) + 0.5), tick);
}

}  // namespace

void grow(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (p.work.enabled) hire_to_backlog(org, tick);
  if (p.growth.enabled && !org.climate.hiring_frozen(tick) && !cash_is_low(org)) {
    const double n = static_cast<double>(org.headcount());
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
    if (desired > n + 0.5) {
      const double step = std::max(1.0, std::floor(p.growth.hiring_rate * n));
      const auto count = static_cast<std::size_t>(std::min(desired - n, step) + 0.5);
      org.hire(count, tick);
    }
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
