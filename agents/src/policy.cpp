// Management policies: realignment triggers and actions (docs/ODD.md 7.16). Framework presets
// (agile, lean, systems) are expanded into these settings in settings.cpp.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {

/// A strategy refresh: market research re-estimates every dimension of the code, right with
/// probability 0.7 + 0.25 x data-driven automation (expected fit 0.4 to 0.9), and the new code
/// goes to every team at once (an all-hands re-cascade).
void refresh_and_recascade(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  const double accuracy = 0.7 + 0.25 * org.automation.data;
  RandomStream draw = org.key().stream(streams::selection, 1, tick);
  for (std::size_t d = 0; d < m; ++d) {
    org.code[d] =
        draw.bernoulli(accuracy) ? org.reality[d] : static_cast<std::int8_t>(-org.reality[d]);
  }
  for (std::size_t t = 0; t < org.teams.count; ++t) {
    std::copy(org.code.begin(), org.code.end(), org.team_code(t).begin());
    std::copy(org.code.begin(), org.code.end(),
              org.teams.received.begin() + static_cast<std::ptrdiff_t>(t * m));
  }
  org.record_code_history(tick);
}

}  // namespace

void realign(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (!p.policy.enabled || !org.this_tick.reviewed ||
      static_cast<int>(tick) < org.policy.realign_ready_at)
    return;
  const Settings& s = org.settings();
  const double fit = org.strategic_fit();
  if (fit >= s.realign_threshold) return;
  // The market research is an investment: without the budget for it there is no realignment.
  if (cash_is_low(org)) return;
  org.this_tick.realigned = true;
  org.policy.realign_ready_at = static_cast<int>(tick) + s.realign_cooldown;
  org.this_tick.cost +=
      0.5 * p.finance.training_cost * static_cast<double>(org.headcount());  // the research
  switch (s.realign_action) {
    case RealignAction::recascade:
      refresh_and_recascade(org, tick);
      org.climate.add_fatigue(0.05);
      break;
    case RealignAction::retrain: {
      refresh_and_recascade(org, tick);
      // Everyone spends this tick in training (half capacity; process_work charges the
      // training cost) that brings beliefs toward the team's code.
      auto training = org.training_until();
      const auto team = org.teams_of();
      for (std::size_t slot = 0; slot < org.headcount(); ++slot) {
        training[slot] = static_cast<std::int32_t>(tick);
        const PackedCode code(org.guiding_code(static_cast<std::size_t>(team[slot])));
        RandomStream draw = org.key().stream(streams::selection, org.employees().id(slot), tick);
        move_toward(org.beliefs(slot), code.view(), 0.5, draw);
      }
      org.climate.add_fatigue(0.1);
      break;
    }
    case RealignAction::restructure:
      refresh_and_recascade(org, tick);
      if (p.structure.enabled && org.hierarchy.type != StructureType::cross_functional) {
        restructure(org, StructureType::cross_functional, tick);
      }
      break;
  }
}

const Submodel& policy_submodel() {
  static const Submodel submodel{
      "policy",
      "7.16",
      "Realignment triggers and actions; Agile, Lean and Systems framework presets.",
      [](std::vector<ParamSpec>& table) {
        declare_group<PolicyParams, &ModelParams::policy>("policy", table);
      },
      {{{"realigned", "policy", "0/1", "Realignment",
         "1 if a realignment action was taken this tick.", Better::none, false},
        [](const Observation& o) { return o.org.this_tick.realigned ? 1.0 : 0.0; }}},
      {{"realign", PhaseRow::Kind::serial, realign, nullptr, 0,
        [](const ModelParams& p) { return p.policy.enabled; }}}};
  return submodel;
}

}  // namespace orgsim::agents
