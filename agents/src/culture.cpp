// Culture: four Hofstede-style dimensions per site that modulate other submodels (docs/ODD.md
// 7.14): collectivism (consensus in learn_code), power distance (effective centralization),
// uncertainty avoidance (resistance to change), learning orientation (spread of personal p1 and
// experimentation). Presets are expanded in settings.cpp; it has no phase and no metric of its own.
#include "orgsim/agents/submodel.hpp"

namespace orgsim::agents {

const Submodel& culture_submodel() {
  static const Submodel submodel{
      "culture",
      "7.14",
      "Collectivism, power distance, uncertainty avoidance, learning orientation, by site.",
      [](std::vector<ParamSpec>& table) {
        declare_group<CultureParams, &ModelParams::culture>("culture", table);
      },
      {},
      {}};
  return submodel;
}

}  // namespace orgsim::agents
