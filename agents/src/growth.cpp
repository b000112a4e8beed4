// Growth phases: hiring to demand, startup -> growth -> maturity, formalization (new teams and
// levels as headcount grows; bureaucracy overhead in maturity is applied in team_capacity)
// (docs/ODD.md 7.15).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

void grow(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (p.growth.enabled && !org.climate.hiring_frozen(tick)) {
    const double n = static_cast<double>(org.headcount());
    // Staff to keep utilization near 85 %: the work demanded per tick over what one employee
    // delivers now (effort: 1 unit per routine task, 2 per complex task).
    const double effort =
        org.market.demand * (p.work.routine_share * (1.0 - org.automation.process) +
                             2.0 * (1.0 - p.work.routine_share));
    const double per_employee = org.this_tick.capacity_total > 0 ? org.this_tick.capacity_total / n
                                                                 : 0.6 * p.work.tasks_per_employee;
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
