// Parameters of the strategy submodel: Strategy reviews and sensing (docs/ODD.md 7.9).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct StrategyParams {
  bool enabled{};
  std::int64_t review_interval{};
  double sensing_noise{};

  static void declare(ParamRows<StrategyParams>& t) {
    t.boolean("enabled", false, "Strategy reviews on a cadence with sensing noise (7.9).",
              &StrategyParams::enabled);
    t.integer(
        "review_interval", 1, 1, 520, "ticks",
        "Ticks between strategy reviews; the code learns only at reviews (1 = weekly agile cycles, "
        "52 = annual plans).",
        &StrategyParams::review_interval);
    t.real(
        "sensing_noise", 0.0, 0, 5, "sd x sqrt(m)",
        "Noise in how the organization perceives each employee's performance at reviews (standard "
        "deviation in units of sqrt(m)); data-driven automation reduces it.",
        &StrategyParams::sensing_noise);
  }
};

}  // namespace orgsim::agents
