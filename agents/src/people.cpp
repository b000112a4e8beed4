// People: skills with practice, training and decay; engagement (docs/ODD.md 7.11).
#include "orgsim/agents/submodels.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

void update_people(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const ModelParams& p = org.params();
  const std::size_t m = org.dimensions();
  const std::size_t functions = org.skill_count() - 1;
  const auto team = org.teams_of();
  const auto matches = org.code_matches();
  const auto training = org.training_until();
  auto engagement = org.engagement();
  const double automation = (org.automation_process + org.automation_data + org.automation_communication) / 3.0;
  const double training_programme = p.automation_enabled && p.automation_training ? 2.0 : 1.0;
  const bool squads = p.structure_enabled && org.structure == StructureType::cross_functional;
  for (std::size_t slot = begin; slot < end; ++slot) {
    const auto t = static_cast<std::size_t>(team[slot]);
    const double pressure = p.work_enabled ? org.teams.utilization[t] : 0.8;
    const bool in_training = training[slot] >= static_cast<std::int32_t>(tick);
    auto skill = org.skills(slot);
    const std::size_t practised = squads ? slot % functions : static_cast<std::size_t>(org.teams.function[t]) % functions;
    const double practice = std::min(1.0, pressure);
    for (std::size_t f = 0; f < functions; ++f) {
      const double s = skill[f];
      skill[f] = static_cast<float>(f == practised ? s + p.people_skill_learning * practice * (1.0 - s)
                                                   : s - p.people_skill_decay * s);
    }
    const double digital = skill[functions];
    const double digital_practice =
        p.people_skill_learning * (automation * training_programme + (in_training ? 5.0 : 0.0));
    skill[functions] = static_cast<float>(
        std::clamp(digital + digital_practice * (1.0 - digital) - p.people_skill_decay * digital * (1.0 - automation), 0.0, 1.0));

    // Engagement target: autonomy, alignment with the team's code, workload, fatigue, fear.
    const Culture& culture = org.culture_of_team(t);
    const double centralization = std::clamp(p.structure_centralization + 0.5 * (culture.power_distance - 0.5), 0.0, 1.0);
    const double autonomy = p.structure_enabled ? 1.0 - centralization : 0.5;
    const double alignment = static_cast<double>(matches[slot]) / static_cast<double>(m);
    const double overload = std::max(0.0, pressure - 1.0);
    const double target = std::clamp(0.35 + 0.3 * autonomy + 0.3 * alignment - 0.5 * overload -
                                         0.4 * org.change_fatigue - org.layoff_fear + (in_training ? 0.05 : 0.0),
                                     0.0, 1.0);
    engagement[slot] = static_cast<float>(engagement[slot] + p.people_engagement_adjustment * (target - engagement[slot]));
  }
}

void fade_change_pressure(Organization& org, Tick /*tick*/) {
  org.change_fatigue *= 0.95;
  org.layoff_fear *= 0.97;
}

}  // namespace orgsim::agents
