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
  double experience_learning{};
  double tie_formation{};

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
    t.real("experience_learning", 0.03, 0, 1, "1/tick",
           "Learning by doing (who knows what): the chance per tick that an employee learns, from "
           "the outcome of their own action, each dimension of their function's domain (dimension "
           "d belongs to function d mod functions; one dimension a tick at most); the belief moves "
           "one step toward what the outcome showed. Quits and layoffs take this knowledge with "
           "them (7.11).",
           &PeopleParams::experience_learning);
    t.real("tie_formation", 13, 0, 520, "ticks",
           "Weeks a working tie takes to form: peer learning between two employees counts with "
           "min(1, shorter tenure / tie_formation), so a leaver's replacement starts without the "
           "leaver's ties and a vacancy teaches nobody (0 = ties are full at once; 7.10, 7.11).",
           &PeopleParams::tie_formation);
  }
};

}  // namespace orgsim::agents
