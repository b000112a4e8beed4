// Parameters of the culture submodel: Cultural dimensions that modulate other submodels
// (docs/ODD.md 7.14). Each parameter is its field here and its row in declare() just below: name,
// default, range, unit and help (the one table behind experiment files, `orgsim params` and
// docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

/// Culture profile (culture.preset). Declared in the order of the row's choices.
enum class CulturePreset : std::uint8_t { custom, anglo, nordic, germanic, east_asian, latin };

/// Culture of sites other than the first (culture.other_sites_preset). Declared in the order of the
/// row's choices.
enum class OtherSitesCulture : std::uint8_t {
  same,
  custom,
  anglo,
  nordic,
  germanic,
  east_asian,
  latin
};

struct CultureParams {
  bool enabled{};
  CulturePreset preset{};
  double collectivism{};
  double power_distance{};
  double uncertainty_avoidance{};
  double learning_orientation{};
  OtherSitesCulture other_sites_preset{};

  static void declare(ParamRows<CultureParams>& t) {
    t.boolean("enabled", false, "Cultural dimensions that modulate other submodels (7.14).",
              &CultureParams::enabled);
    t.choice(
        "preset", "custom", {"custom", "anglo", "nordic", "germanic", "east_asian", "latin"},
        "A national/organizational profile; other than custom it sets the four dimensions below.",
        &CultureParams::preset);
    t.real("collectivism", 0.5, 0, 1, "level",
           "Consensus decisions (the code adopts only broad majorities), conformity (faster "
           "socialization and peer influence) and embeddedness (fewer quits); neutral at 0.5. "
           "Illustrative sizes.",
           &CultureParams::collectivism);
    t.real("power_distance", 0.5, 0, 1, "level",
           "Adds to centralization and lowers autonomy; above 0.5, silence: a share d - 0.5 of "
           "problems (exceptions) and of bad news in reports is not passed up the line. "
           "Illustrative sizes.",
           &CultureParams::power_distance);
    t.real("uncertainty_avoidance", 0.5, 0, 1, "level",
           "Raises resistance to automation and the strain (change fatigue) of every change; "
           "neutral at 0.5. Illustrative sizes.",
           &CultureParams::uncertainty_avoidance);
    t.real("learning_orientation", 0.5, 0, 1, "level",
           "Spread of individual socialization rates (heterogeneous p1) and exploration.",
           &CultureParams::learning_orientation);
    t.choice("other_sites_preset", "same",
             {"same", "custom", "anglo", "nordic", "germanic", "east_asian", "latin"},
             "Culture of sites other than the first (same = as the first site).",
             &CultureParams::other_sites_preset);
  }
};

}  // namespace orgsim::agents
