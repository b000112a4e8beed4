// Parameters of the policy submodel: Realignment triggers and framework presets (docs/ODD.md 7.16).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

/// Management framework preset (policy.framework). Declared in the order of the row's choices.
enum class Framework : std::uint8_t { none, agile, lean, systems };

/// What a realignment does (policy.realign_action). Declared in the order of the row's choices.
enum class RealignAction : std::uint8_t { recascade, retrain, restructure };

struct PolicyParams {
  bool enabled{};
  Framework framework{};
  double realign_threshold{};
  RealignAction realign_action{};
  std::int64_t realign_cooldown{};
  double aspiration_weight{};
  double change_sensitivity{};
  double signal_noise{};
  std::int64_t signal_delay{};
  std::int64_t research_time{};
  double research_accuracy{};

  static void declare(ParamRows<PolicyParams>& t) {
    t.boolean("enabled", false, "Realignment triggers and framework presets (7.16).",
              &PolicyParams::enabled);
    t.choice(
        "framework", "none", {"none", "agile", "lean", "systems"},
        "Framework preset: a named bundle of review cadence, trigger and action (overrides them).",
        &PolicyParams::framework);
    t.real("realign_threshold", 0.003, -1, 1, "performance",
           "Shortfall of perceived performance below aspiration tolerated before a strategic "
           "change is considered (until issue 20: a threshold on true strategic fit).",
           &PolicyParams::realign_threshold);
    t.choice("realign_action", "recascade", {"recascade", "retrain", "restructure"},
             "What a realignment does.", &PolicyParams::realign_action);
    t.integer("realign_cooldown", 13, 1, 520, "ticks", "Minimum ticks between realignments.",
              &PolicyParams::realign_cooldown);
    t.real("aspiration_weight", 0.8, 0, 1, "share",
           "Weight of the previous aspiration at each review: aspiration = w x aspiration + "
           "(1 - w) x perceived performance (Cyert & March 1963; Greve 2003). Illustrative.",
           &PolicyParams::aspiration_weight);
    t.real("change_sensitivity", 30, 0, 1000, "1/performance",
           "Probability of a strategic change at a review per unit of shortfall beyond the "
           "tolerance (Greve 2003: change rises as performance falls below aspiration). "
           "Illustrative.",
           &PolicyParams::change_sensitivity);
    t.real("signal_noise", 0.03, 0, 1, "performance",
           "Standard deviation of each performance signal's observation error (financial "
           "results, customer feedback, employee survey). Illustrative.",
           &PolicyParams::signal_noise);
    t.integer("signal_delay", 4, 0, 52, "ticks",
              "Ticks between what happens and its report (4: a monthly close). Illustrative.",
              &PolicyParams::signal_delay);
    t.integer("research_time", 4, 0, 52, "ticks",
              "Ticks from commissioning market research to its findings (distant search).",
              &PolicyParams::research_time);
    t.real("research_accuracy", 0.7, 0, 1, "share",
           "Share of strategy dimensions market research gets right (+ 0.25 x data-driven "
           "automation, at most 0.95). Illustrative.",
           &PolicyParams::research_accuracy);
  }
};

}  // namespace orgsim::agents
