// Strategy: reviews on a cadence and the noise with which the organization perceives who does
// better than its code (docs/ODD.md 7.9). Its mechanism acts inside learn_code (learning.cpp):
// the code learns only at review ticks, from a superior group seen through sensing noise.
#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

namespace orgsim::agents {

const Submodel& strategy_submodel() {
  static const Submodel submodel{
      "strategy",
      "7.9",
      "Strategy reviews on a cadence; sensing noise that data-driven automation reduces.",
      [](std::vector<ParamSpec>& table) {
        declare_group<StrategyParams, &ModelParams::strategy>("strategy", table);
      },
      {{{"review", "strategy", "0/1", "Strategy review",
         "1 if a strategy review took place this tick.", Better::none, false},
        [](const Observation& o) { return o.org.this_tick.reviewed ? 1.0 : 0.0; }}},
      {}};
  return submodel;
}

}  // namespace orgsim::agents
