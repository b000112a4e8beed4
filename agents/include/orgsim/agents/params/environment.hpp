// Parameters of the environment submodel: Shocks and market demand (docs/ODD.md 7.8).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct EnvironmentParams {
  bool enabled{};
  std::int64_t shock_at{};
  std::int64_t shock_every{};
  double shock_rate{};
  double shock_size{};
  double market_growth{};
  double base_demand{};
  double loyalty_effect{};

  static void declare(ParamRows<EnvironmentParams>& t) {
    t.boolean("enabled", false, "Shocks and market demand (docs/ODD.md 7.8).",
              &EnvironmentParams::enabled);
    t.integer("shock_at", 0, 0, kMaxTick, "tick", "Tick of a scheduled shock (0 = none).",
              &EnvironmentParams::shock_at);
    t.integer("shock_every", 0, 0, kMaxTick, "ticks",
              "Period of recurring shocks after shock_at (0 = none).",
              &EnvironmentParams::shock_every);
    t.real("shock_rate", 0.0, 0, 1, "probability/tick", "Probability of a random shock each tick.",
           &EnvironmentParams::shock_rate);
    t.real("shock_size", 0.3, 0, 1, "share of dimensions",
           "Share of reality's dimensions flipped by a shock.", &EnvironmentParams::shock_size);
    t.real("market_growth", 0.002, -0.1, 0.1, "1/tick",
           "Growth rate of the market (compounded per tick).", &EnvironmentParams::market_growth);
    t.real("base_demand", 0.35, 0, 100, "tasks/employee/tick",
           "Task arrivals per tick per initial employee, before market growth and loyalty.",
           &EnvironmentParams::base_demand);
    t.real("loyalty_effect", 0.5, 0, 2, "factor",
           "Demand multiplier slope in customer loyalty: demand x (1 + effect (loyalty - c)), c = "
           "work.customer_expectation with work on (where loyalty starts; until issue 20: 0.5), "
           "else 0.5.",
           &EnvironmentParams::loyalty_effect);
  }
};

}  // namespace orgsim::agents
