// Growth phases: hiring to demand, startup -> growth -> maturity, formalization (new teams and
// levels as headcount grows; bureaucracy overhead in maturity is applied in team_capacity)
// (docs/ODD.md 7.15).
#include "orgsim/agents/submodels.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

void grow(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (p.growth_enabled) {
    const double n = static_cast<double>(org.headcount());
    // Staff to keep utilization near 85 %: the work demanded per tick over what one employee
    // delivers now (effort: 1 unit per routine task, 2 per complex task).
    const double effort = org.demand * (p.work_routine_share * (1.0 - org.automation_process) +
                                        2.0 * (1.0 - p.work_routine_share));
    const double per_employee = org.capacity_total > 0 ? org.capacity_total / n : 0.6 * p.work_tasks_per_employee;
    double desired = effort / (0.85 * per_employee);
    if (p.growth_target_employees > 0) desired = std::min(desired, static_cast<double>(p.growth_target_employees));
    if (desired > n + 0.5) {
      const double step = std::max(1.0, std::floor(p.growth_hiring_rate * n));
      const auto count = static_cast<std::size_t>(std::min(desired - n, step) + 0.5);
      org.hire(count, tick);
    }
  }
  const auto n = static_cast<std::int64_t>(org.headcount());
  org.phase = n < p.growth_growth_threshold     ? GrowthPhase::startup
              : n < p.growth_maturity_threshold ? GrowthPhase::growth
                                                : GrowthPhase::maturity;
}

}  // namespace orgsim::agents
