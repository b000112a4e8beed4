// People: skills with practice, training and decay; engagement (docs/ODD.md 7.11).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {
constexpr double kMostFeltOverload = 0.5;  // workload above capacity felt as strain, at most
}  // namespace

void update_people(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const ModelParams& p = org.params();
  const std::size_t m = org.dimensions();
  const std::size_t functions = org.skill_count() - 1;
  const auto team = org.teams_of();
  const auto matches = org.code_matches();
  const auto training = org.training_until();
  auto engagement = org.engagement();
  const double automation = org.automation.mean_level();
  const double training_programme = p.automation.enabled && p.automation.training ? 2.0 : 1.0;
  for (std::size_t slot = begin; slot < end; ++slot) {
    const auto t = static_cast<std::size_t>(team[slot]);
    const double pressure = p.work.enabled ? org.teams.utilization[t] : 0.8;
    const bool in_training = training[slot] >= static_cast<std::int32_t>(tick);
    auto skill = org.skills(slot);
    const std::size_t practised = org.practised_function(slot);
    double practice = std::min(1.0, pressure);
    if (coordination_on(p))  // specialists learn faster among peers of their function (7.20)
      practice *= 1.0 - p.coordination.specialization * (1.0 - org.teams.depth[t]);
    for (std::size_t f = 0; f < functions; ++f) {
      const double s = skill[f];
      skill[f] =
          static_cast<float>(f == practised ? s + p.people.skill_learning * practice * (1.0 - s)
                                            : s - p.people.skill_decay * s);
    }
    const double digital = skill[functions];
    const double digital_practice =
        p.people.skill_learning * (automation * training_programme + (in_training ? 5.0 : 0.0));
    skill[functions] =
        static_cast<float>(std::clamp(digital + digital_practice * (1.0 - digital) -
                                          p.people.skill_decay * digital * (1.0 - automation),
                                      0.0, 1.0));

    // Engagement target: autonomy, alignment with the team's code, workload, fatigue, fear.
    const Culture& culture = org.culture_of_team(t);
    const double centralization = effective_centralization(p, culture);
    const double autonomy = p.structure.enabled ? 1.0 - centralization : 0.5;
    const double alignment = static_cast<double>(matches[slot]) / static_cast<double>(m);
    // Overload, and the long hours of overtime (7.11), wear engagement down. The strain of work
    // beyond capacity saturates at half as much again: people work at their pace, and a queue
    // three times their capacity does not weigh four times one 50 % over it (an assumption).
    const double overload =
        std::min(kMostFeltOverload, std::max(0.0, pressure - 1.0)) + org.teams.overtime[t];
    const double target = std::clamp(0.35 + 0.3 * autonomy + 0.3 * alignment - 0.5 * overload -
                                         0.4 * org.climate.change_fatigue -
                                         org.climate.layoff_fear + (in_training ? 0.05 : 0.0),
                                     0.0, 1.0);
    engagement[slot] = static_cast<float>(engagement[slot] + p.people.engagement_adjustment *
                                                                 (target - engagement[slot]));
  }
}

void fade_change_pressure(Organization& org, Tick /*tick*/) {
  org.climate.change_fatigue *= 0.95;
  org.climate.layoff_fear *= 0.97;
}

namespace {

std::vector<MetricRow> people_metrics() {
  return {
      {{"engagement", "engagement", "[0, 1]", "Engagement",
        "Mean employee engagement; NaN without the people submodel.", Better::higher, true},
       [](const Observation& o) {
         return o.params.people.enabled ? o.sums.engagement / o.n : kNaN;
       }},
      {{"skill_match", "engagement", "[0, 1]", "Skill match",
        "Mean skill of employees in the function they work in.", Better::higher, false},
       [](const Observation& o) { return o.sums.skill / o.n; }},
      {{"digital_skill", "technology", "[0, 1]", "Digital skill", "Mean digital skill.",
        Better::higher, false},
       [](const Observation& o) { return o.sums.digital / o.n; }},
      {{"expertise", "engagement", "[-1, 1]", "Expertise (who knows what)",
        "Mean over employees of their knowledge of their own function's domain (dimensions d "
        "with d mod functions = their function): (#beliefs = reality - #beliefs = -reality) / "
        "domain size. Learning by doing raises it; quits and layoffs take it away (7.11). NaN "
        "without the people submodel.",
        Better::higher, false},
       [](const Observation& o) {
         return o.params.people.enabled ? o.sums.expertise / o.n : kNaN;
       }},
      {{"change_fatigue", "engagement", "[0, 1]", "Change fatigue",
        "Organization-wide fatigue from shocks, restructurings and change.", Better::lower, false},
       [](const Observation& o) { return o.org.climate.change_fatigue; }},
  };
}

}  // namespace

const Submodel& people_submodel() {
  using K = PhaseRow::Kind;
  static const Submodel submodel{
      "people",
      "7.11",
      "Skills with practice and decay; engagement; resistance; engagement-driven quits.",
      [](std::vector<ParamSpec>& table) {
        declare_group<PeopleParams, &ModelParams::people>("people", table);
      },
      people_metrics(),
      {{"update_people", K::over_employees, nullptr, update_people, 512,
        [](const ModelParams& p) { return p.people.enabled; }},
       {"fade_change_pressure", K::serial, fade_change_pressure}}};
  return submodel;
}

}  // namespace orgsim::agents
