// Deriving effective settings: presets and derived quantities (docs/ODD.md 7.14, 7.16).
#include "orgsim/agents/settings.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

Culture culture_preset(CulturePreset preset, const Culture& custom) {
  // Normalized, rounded Hofstede-style profiles (collectivism, power distance, uncertainty
  // avoidance, learning orientation); illustrative, not country measurements.
  switch (preset) {
    case CulturePreset::anglo:
      return {0.1, 0.35, 0.4, 0.6};
    case CulturePreset::nordic:
      return {0.3, 0.2, 0.3, 0.8};
    case CulturePreset::germanic:
      return {0.35, 0.35, 0.65, 0.6};
    case CulturePreset::east_asian:
      return {0.8, 0.7, 0.5, 0.5};
    case CulturePreset::latin:
      return {0.7, 0.7, 0.85, 0.35};
    case CulturePreset::custom:
      break;
  }
  return custom;
}

namespace {

/// The preset other sites use (OtherSitesCulture::same is handled by the caller).
CulturePreset as_preset(OtherSitesCulture other) {
  // OtherSitesCulture lists "same" and then CulturePreset's values in the same order.
  return static_cast<CulturePreset>(static_cast<int>(other) - 1);
}

/// automation.level's targets (none 0, low 0.25, medium 0.5, high 0.8; custom: not used).
double automation_level_target(AutomationLevel level) {
  switch (level) {
    case AutomationLevel::low:
      return 0.25;
    case AutomationLevel::medium:
      return 0.5;
    case AutomationLevel::high:
      return 0.8;
    case AutomationLevel::none:
    case AutomationLevel::custom:
      break;
  }
  return 0.0;
}

}  // namespace

int hierarchy_depth(StructureType type, std::int64_t employees, std::int64_t span) {
  // An upper bound used to size rings: the smallest L with span^L >= employees, minus the team
  // lead's level, in integers (no floating-point logarithm: 125 at span 5 is exactly 3 - 1).
  const std::int64_t k = std::max<std::int64_t>(2, type == StructureType::flat ? 4 * span : span);
  int levels = 0;
  for (std::int64_t reach = 1; reach < std::max<std::int64_t>(employees, 2); reach *= k) ++levels;
  return std::max(1, levels - 1);
}

Settings::Settings(const ModelParams& p) {
  review_interval = p.strategy.enabled ? static_cast<int>(p.strategy.review_interval) : 1;
  realign_threshold = p.policy.realign_threshold;
  realign_action = p.policy.realign_action;
  realign_cooldown = static_cast<int>(p.policy.realign_cooldown);
  error_rate = p.work.error_rate;
  cascade_distortion = p.structure.cascade_distortion;
  cross_team_ties = p.structure.cross_team_ties;
  peer_majority = p.structure.peer_learning == PeerLearning::superior_majority;
  if (p.policy.enabled) {
    if (p.policy.framework == Framework::agile) {
      framework = Framework::agile;
      review_interval = 2;      // two-week sprints
      realign_threshold = 0.0;  // any shortfall below aspiration is a reason to adapt
      realign_action = RealignAction::recascade;
      realign_cooldown = 4;
    } else if (p.policy.framework == Framework::lean) {
      framework = Framework::lean;
      review_interval = 4;
      realign_threshold = 0.003;
      realign_action = RealignAction::recascade;
      realign_cooldown = 8;
      error_rate *= 0.6;     // built-in quality, less rework
      handoff_factor = 0.5;  // flow: smaller batches, faster handoffs
    } else if (p.policy.framework == Framework::systems) {
      framework = Framework::systems;
      review_interval = 13;
      realign_threshold = 0.01;                 // change the whole system, not at every dip
      realign_action = RealignAction::retrain;  // shared mental models
      realign_cooldown = 26;
      cascade_distortion *= 0.5;
      cross_team_ties = std::min(1.0, cross_team_ties + 0.2);
    }
  }
  structure = p.structure.type;
  restructure_to = p.structure.restructure_to;
  freed_capacity = p.automation.freed_capacity;
  process_target = p.automation.process_target;
  data_target = p.automation.data_target;
  communication_target = p.automation.communication_target;
  if (p.automation.level != AutomationLevel::custom) {
    const double level = automation_level_target(p.automation.level);
    process_target = data_target = communication_target = level;
  }
  functions = p.structure.enabled ? static_cast<int>(p.structure.functions) : 1;
  sites = p.structure.enabled ? static_cast<int>(p.structure.sites) : 1;
  if (p.design) {
    functions = static_cast<int>(p.design->functions.size());
    sites = static_cast<int>(p.design->sites.size());
  }
  team_size = p.structure.team_size > 0 ? p.structure.team_size : p.structure.span_of_control;
  const Culture custom{p.culture.collectivism, p.culture.power_distance,
                       p.culture.uncertainty_avoidance, p.culture.learning_orientation};
  site_culture.assign(static_cast<std::size_t>(sites), Culture{});
  if (p.culture.enabled) {
    const Culture first = culture_preset(p.culture.preset, custom);
    const Culture other = p.culture.other_sites_preset == OtherSitesCulture::same
                              ? first
                              : culture_preset(as_preset(p.culture.other_sites_preset), custom);
    for (int s = 0; s < sites; ++s) {
      const auto k = static_cast<std::size_t>(s);
      site_culture[k] = s == 0 ? first : other;
      if (p.design && p.design->sites[k].culture)
        site_culture[k] = culture_preset(*p.design->sites[k].culture, custom);
    }
  }
}

}  // namespace orgsim::agents
