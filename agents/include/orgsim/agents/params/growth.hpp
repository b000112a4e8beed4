// Parameters of the growth submodel: Hiring to demand, growth phases, formalization
// (docs/ODD.md 7.15). Each parameter is its field here and its row in declare() just below: name,
// default, range, unit and help (the one table behind experiment files, `orgsim params` and
// docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct GrowthParams {
  bool enabled{};
  std::int64_t target_employees{};
  double hiring_rate{};
  std::int64_t growth_threshold{};
  std::int64_t maturity_threshold{};
  double bureaucracy{};

  static void declare(ParamRows<GrowthParams>& t) {
    t.boolean("enabled", false,
              "Hiring to demand, growth phases, formalization, bureaucracy (7.15).",
              &GrowthParams::enabled);
    t.integer("target_employees", 0, 0, 100'000'000, "employees",
              "Headcount cap for growth (0 = no cap).", &GrowthParams::target_employees);
    t.real("hiring_rate", 0.03, 0, 1, "1/tick",
           "Maximum headcount growth per tick; the hires go to the departments furthest "
           "below the staff their work needs (docs/ODD.md 7.15).",
           &GrowthParams::hiring_rate);
    t.integer("growth_threshold", 50, 1, 100'000'000, "employees",
              "Headcount where startup becomes growth.", &GrowthParams::growth_threshold);
    t.integer("maturity_threshold", 250, 1, 100'000'000, "employees",
              "Headcount where growth becomes maturity.", &GrowthParams::maturity_threshold);
    t.real("bureaucracy", 0.03, 0, 0.5, "share/level",
           "Capacity overhead per hierarchy level in maturity.", &GrowthParams::bureaucracy);
  }
};

}  // namespace orgsim::agents
