// Settings: what the model actually uses, derived once from ModelParams (the description).
// Choices become enums, presets (culture profiles, management frameworks) are expanded, and
// derived quantities (hierarchy depth, latencies) are computed. See docs/ODD.md section 7.
#pragma once

#include "orgsim/agents/parameters.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace orgsim::agents {

/// Hofstede-style profile, each dimension in [0, 1].
struct Culture {
  double collectivism = 0.5;
  double power_distance = 0.5;
  double uncertainty_avoidance = 0.5;
  double learning_orientation = 0.5;

  // The mechanisms through which a dimension acts (docs/ODD.md 7.14). Each is exactly neutral
  // (1, or 0 for silence) at 0.5, the value of every dimension without the culture submodel.

  /// Collectivism: people conform to their group (Bond & Smith 1996), so socialization and
  /// peer influence are faster: x 0.6 at 0.1, x 1.4 at 0.9.
  [[nodiscard]] double conformity() const { return 1.0 + (collectivism - 0.5); }
  /// Collectivism: people embedded in their group quit less (Ramesh & Gelfand 2010): the
  /// engagement-driven quit probability x 1.4 at 0.1, x 0.6 at 0.9.
  [[nodiscard]] double quit_propensity() const { return 1.0 - (collectivism - 0.5); }
  /// Power distance: the share of bad news withheld from superiors (the mum effect, Rosen &
  /// Tesser 1970; organizational silence, Morrison & Milliken 2000): 0 up to 0.5, 0.4 at 0.9.
  [[nodiscard]] double silence() const { return std::max(0.0, power_distance - 0.5); }
  /// Uncertainty avoidance: every change costs more strain (Hofstede 2001; Harzing & Hofstede
  /// 1996): change fatigue added x 0.6 at 0.3, x 1.7 at 0.85.
  [[nodiscard]] double change_aversion() const { return 1.0 + 2.0 * (uncertainty_avoidance - 0.5); }
};

/// The culture of a preset (CulturePreset::custom returns `custom`).
Culture culture_preset(CulturePreset preset, const Culture& custom);

/// Hierarchy levels between the organization's code and a team, for a structure and size.
int hierarchy_depth(StructureType type, std::int64_t employees, std::int64_t span);

struct Settings {
  explicit Settings(const ModelParams& params);

  // Effective values after presets.
  int review_interval = 1;
  double realign_threshold = 0;
  RealignAction realign_action = RealignAction::recascade;
  int realign_cooldown = 13;
  Framework framework = Framework::none;
  double error_rate = 0;          ///< work.error_rate x framework factor
  double cascade_distortion = 0;  ///< structure.cascade_distortion x framework factor
  double cross_team_ties = 0;     ///< structure.cross_team_ties + framework bonus
  bool peer_majority = false;     ///< structure.peer_learning = "superior_majority"
  double handoff_factor = 1;      ///< framework factor on handoff delays
  StructureType structure = StructureType::functional;
  StructureType restructure_to = StructureType::cross_functional;
  FreedCapacity freed_capacity = FreedCapacity::redeploy;
  double process_target = 0;  ///< automation targets after automation.level
  double data_target = 0;
  double communication_target = 0;
  std::vector<Culture> site_culture;  ///< one per site (all neutral when culture is off)
  int functions = 1;
  int sites = 1;
  std::int64_t team_size = 8;  ///< structure.team_size, or the span when it is 0
};

}  // namespace orgsim::agents
