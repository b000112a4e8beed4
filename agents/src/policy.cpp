// Management policies: realignment triggers and actions (docs/ODD.md 7.16). Framework presets
// (agile, lean, systems) are expanded into these settings in settings.cpp.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/submodels.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {

/// A strategy refresh: market research re-estimates every dimension of the code, right with
/// probability 0.7 + 0.25 x data-driven automation (expected fit 0.4 to 0.9), and the new code
/// goes to every team at once (an all-hands re-cascade).
void refresh_and_recascade(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  const double accuracy = 0.7 + 0.25 * org.automation_data;
  RandomStream draw = org.key().stream(streams::selection, 1, tick);
  for (std::size_t d = 0; d < m; ++d) {
    org.code[d] = draw.bernoulli(accuracy) ? org.reality[d] : static_cast<std::int8_t>(-org.reality[d]);
  }
  for (std::size_t t = 0; t < org.teams.count; ++t) {
    std::copy(org.code.begin(), org.code.end(), org.team_code(t).begin());
    std::copy(org.code.begin(), org.code.end(), org.teams.received.begin() + static_cast<std::ptrdiff_t>(t * m));
  }
  org.record_code_history(tick);
}

}  // namespace

void realign(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (!p.policy_enabled || !org.reviewed || static_cast<int>(tick) < org.realign_ready_at) return;
  const Settings& s = org.settings();
  const double fit = static_cast<double>(agreement(org.code, org.reality)) / static_cast<double>(org.dimensions());
  if (fit >= s.realign_threshold) return;
  org.realigned = true;
  org.realign_ready_at = static_cast<int>(tick) + s.realign_cooldown;
  org.cost += 0.5 * p.finance_training_cost * static_cast<double>(org.headcount());  // the research
  switch (s.realign_action) {
    case RealignAction::recascade:
      refresh_and_recascade(org, tick);
      org.change_fatigue = std::min(1.0, org.change_fatigue + 0.05);
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
      org.change_fatigue = std::min(1.0, org.change_fatigue + 0.1);
      break;
    }
    case RealignAction::restructure:
      refresh_and_recascade(org, tick);
      if (p.structure_enabled && org.structure != StructureType::cross_functional) {
        restructure(org, StructureType::cross_functional, tick);
      }
      break;
  }
}

}  // namespace orgsim::agents
