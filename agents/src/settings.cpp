// Deriving effective settings: presets and derived quantities (docs/ODD.md 7.14, 7.16).
#include "orgsim/agents/settings.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

Culture culture_preset(std::string_view name, const Culture& custom) {
  // Normalized, rounded Hofstede-style profiles (collectivism, power distance, uncertainty
  // avoidance, learning orientation); illustrative, not country measurements.
  if (name == "anglo") return {0.1, 0.35, 0.4, 0.6};
  if (name == "nordic") return {0.3, 0.2, 0.3, 0.8};
  if (name == "germanic") return {0.35, 0.35, 0.65, 0.6};
  if (name == "east_asian") return {0.8, 0.7, 0.5, 0.5};
  if (name == "latin") return {0.7, 0.7, 0.85, 0.35};
  return custom;
}

StructureType parse_structure(std::string_view name) {
  if (name == "flat") return StructureType::flat;
  if (name == "matrix") return StructureType::matrix;
  if (name == "cross_functional") return StructureType::cross_functional;
  return StructureType::functional;
}

int hierarchy_depth(StructureType type, std::int64_t employees, std::int64_t span) {
  if (type == StructureType::flat || type == StructureType::cross_functional) return 1;
  // Levels of management needed for `employees` with `span` reports each, minus the team lead.
  const double levels = std::ceil(std::log(static_cast<double>(std::max<std::int64_t>(employees, 2))) /
                                  std::log(static_cast<double>(span)));
  return std::max(1, static_cast<int>(levels) - 1);
}

Settings::Settings(const ModelParams& p) {
  review_interval = p.strategy_enabled ? static_cast<int>(p.strategy_review_interval) : 1;
  realign_threshold = p.policy_realign_threshold;
  realign_action = p.policy_realign_action == "retrain"       ? RealignAction::retrain
                   : p.policy_realign_action == "restructure" ? RealignAction::restructure
                                                              : RealignAction::recascade;
  realign_cooldown = static_cast<int>(p.policy_realign_cooldown);
  error_rate = p.work_error_rate;
  cascade_distortion = p.structure_cascade_distortion;
  cross_team_ties = p.structure_cross_team_ties;
  peer_majority = p.structure_peer_learning == "superior_majority";
  if (p.policy_enabled) {
    if (p.policy_framework == "agile") {
      framework = Framework::agile;
      review_interval = 2;  // two-week sprints
      realign_threshold = 0.5;
      realign_action = RealignAction::recascade;
      realign_cooldown = 4;
    } else if (p.policy_framework == "lean") {
      framework = Framework::lean;
      review_interval = 4;
      realign_threshold = 0.3;
      realign_action = RealignAction::recascade;
      realign_cooldown = 8;
      error_rate *= 0.6;       // built-in quality, less rework
      handoff_factor = 0.5;    // flow: smaller batches, faster handoffs
    } else if (p.policy_framework == "systems") {
      framework = Framework::systems;
      review_interval = 13;
      realign_threshold = 0.4;
      realign_action = RealignAction::retrain;  // shared mental models
      realign_cooldown = 26;
      cascade_distortion *= 0.5;
      cross_team_ties = std::min(1.0, cross_team_ties + 0.2);
    }
  }
  structure = parse_structure(p.structure_type);
  restructure_to = parse_structure(p.structure_restructure_to);
  freed_capacity = p.automation_freed_capacity == "layoff" ? FreedCapacity::layoff : FreedCapacity::redeploy;
  process_target = p.automation_process_target;
  data_target = p.automation_data_target;
  communication_target = p.automation_communication_target;
  if (p.automation_level != "custom") {
    const double level = p.automation_level == "low"      ? 0.25
                         : p.automation_level == "medium" ? 0.5
                         : p.automation_level == "high"   ? 0.8
                                                          : 0.0;
    process_target = data_target = communication_target = level;
  }
  functions = p.structure_enabled ? static_cast<int>(p.structure_functions) : 1;
  sites = p.structure_enabled ? static_cast<int>(p.structure_sites) : 1;
  const Culture custom{p.culture_collectivism, p.culture_power_distance, p.culture_uncertainty_avoidance,
                       p.culture_learning_orientation};
  site_culture.assign(static_cast<std::size_t>(sites), Culture{});
  if (p.culture_enabled) {
    const Culture first = culture_preset(p.culture_preset, custom);
    const Culture other = p.culture_other_sites_preset == "same"
                              ? first
                              : culture_preset(p.culture_other_sites_preset, custom);
    for (int s = 0; s < sites; ++s) site_culture[static_cast<std::size_t>(s)] = s == 0 ? first : other;
  }
}

}  // namespace orgsim::agents
