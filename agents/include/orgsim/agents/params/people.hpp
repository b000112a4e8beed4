// Parameters of the people submodel: Skills, engagement, resistance, quits (docs/ODD.md 7.11).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct PeopleParams {
  bool enabled{};
  double skill_learning{};
  double skill_decay{};
  double initial_digital_skill{};
  double engagement_adjustment{};
  double quit_sensitivity{};
  double mean_resistance{};

  static void declare(ParamRows<PeopleParams>& t) {
    t.boolean("enabled", false, "Skills, engagement, resistance, engagement-driven quits (7.11).",
              &PeopleParams::enabled);
    t.real("skill_learning", 0.02, 0, 1, "1/tick", "Skill growth rate with practice.",
           &PeopleParams::skill_learning);
    t.real("skill_decay", 0.002, 0, 1, "1/tick", "Skill decay rate without use.",
           &PeopleParams::skill_decay);
    t.real("initial_digital_skill", 0.3, 0, 1, "skill",
           "Mean digital skill of employees and hires.", &PeopleParams::initial_digital_skill);
    t.real("engagement_adjustment", 0.1, 0, 1, "1/tick",
           "Speed at which engagement moves toward its target.",
           &PeopleParams::engagement_adjustment);
    t.real("quit_sensitivity", 0.02, 0, 1, "probability/tick",
           "Extra quit probability per tick at zero engagement (scaled by (1 - engagement)^2).",
           &PeopleParams::quit_sensitivity);
    t.real("mean_resistance", 0.4, 0, 1, "resistance", "Mean resistance to change of employees.",
           &PeopleParams::mean_resistance);
  }
};

}  // namespace orgsim::agents
