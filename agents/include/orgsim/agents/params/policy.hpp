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

  static void declare(ParamRows<PolicyParams>& t) {
    t.boolean("enabled", false, "Realignment triggers and framework presets (7.16).",
              &PolicyParams::enabled);
    t.choice(
        "framework", "none", {"none", "agile", "lean", "systems"},
        "Framework preset: a named bundle of review cadence, trigger and action (overrides them).",
        &PolicyParams::framework);
    t.real("realign_threshold", 0.3, -1, 1, "strategic fit",
           "Realign when perceived strategic fit drops below this.",
           &PolicyParams::realign_threshold);
    t.choice("realign_action", "recascade", {"recascade", "retrain", "restructure"},
             "What a realignment does.", &PolicyParams::realign_action);
    t.integer("realign_cooldown", 13, 1, 520, "ticks", "Minimum ticks between realignments.",
              &PolicyParams::realign_cooldown);
  }
};

}  // namespace orgsim::agents
