// Parameters of the automation submodel: Process, data-driven and communication automation
// (docs/ODD.md 7.13). Each parameter is its field here and its row in declare() just below: name,
// default, range, unit and help (the one table behind experiment files, `orgsim params` and
// docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

/// Automation programme (automation.level). Declared in the order of the row's choices.
enum class AutomationLevel : std::uint8_t { custom, none, low, medium, high };

/// What happens to capacity freed by automation (automation.freed_capacity). Declared in the order
/// of the row's choices.
enum class FreedCapacity : std::uint8_t { redeploy, layoff };

struct AutomationParams {
  bool enabled{};
  AutomationLevel level{};
  double process_target{};
  double data_target{};
  double communication_target{};
  std::int64_t start{};
  double adoption_speed{};
  double error_rate{};
  double security_investment{};
  double incident_rate{};
  std::int64_t incident_downtime{};
  FreedCapacity freed_capacity{};
  bool training{};
  std::int64_t training_ticks{};

  static void declare(ParamRows<AutomationParams>& t) {
    t.boolean("enabled", false, "Process, data-driven and communication automation (7.13).",
              &AutomationParams::enabled);
    t.choice("level", "custom", {"custom", "none", "low", "medium", "high"},
             "Automation programme: other than custom it sets all three targets (none 0, low 0.25, "
             "medium 0.5, high 0.8).",
             &AutomationParams::level);
    t.real("process_target", 0.0, 0, 1, "level",
           "Target level of process automation (share of routine work).",
           &AutomationParams::process_target);
    t.real("data_target", 0.0, 0, 1, "level",
           "Target level of data-driven automation (less sensing noise).",
           &AutomationParams::data_target);
    t.real("communication_target", 0.0, 0, 1, "level",
           "Target level of communication automation (less cascade distortion and handoff delay).",
           &AutomationParams::communication_target);
    t.integer("start", 0, 0, kMaxTick, "tick", "Tick at which adoption starts.",
              &AutomationParams::start);
    t.real("adoption_speed", 0.05, 0, 1, "1/tick",
           "Adoption speed toward the targets before resistance and skill gaps slow it.",
           &AutomationParams::adoption_speed);
    t.real("error_rate", 0.1, 0, 1, "share",
           "Error rate of automated work when the supervising team has no digital skill.",
           &AutomationParams::error_rate);
    t.real("security_investment", 0.5, 0, 1, "level",
           "Security investment; lowers cyber incidents.", &AutomationParams::security_investment);
    t.real("incident_rate", 0.02, 0, 1, "probability/tick",
           "Cyber incident probability per tick at full automation and no security.",
           &AutomationParams::incident_rate);
    t.integer("incident_downtime", 2, 0, 52, "ticks",
              "Downtime of automated work after an incident.",
              &AutomationParams::incident_downtime);
    t.choice("freed_capacity", "redeploy", {"redeploy", "layoff"},
             "What happens to staff capacity freed by process automation.",
             &AutomationParams::freed_capacity);
    t.boolean("training", true,
              "Train staff in digital skills alongside automation (and when redeploying).",
              &AutomationParams::training);
    t.integer("training_ticks", 8, 0, 520, "ticks", "Length of a retraining.",
              &AutomationParams::training_ticks);
  }
};

}  // namespace orgsim::agents
