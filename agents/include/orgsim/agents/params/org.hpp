// Parameters of the org submodel: The population: how many employees and (without structure) teams.
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct OrgParams {
  std::int64_t employees{};
  std::int64_t teams{};
  std::int64_t hiring_freeze{};

  static void declare(ParamRows<OrgParams>& t) {
    t.integer("employees", 50, 1, 100'000'000, "employees",
              "Number of employees at the start of a run.", &OrgParams::employees);
    t.integer(
        "teams", 1, 1, 10'000'000, "teams",
        "Number of teams when structure is off; employees are split into contiguous, near-equal "
        "teams (at most one team per employee). With structure on, teams follow from "
        "structure.type and structure.span_of_control.",
        &OrgParams::teams);
    t.integer("hiring_freeze", 0, 0, 520, "ticks",
              "Length of the hiring freeze a layoff starts, its own tick included: leavers are "
              "not replaced and growth does not hire (0: no freeze; 1: none in a week with "
              "layoffs; 13: a quarter). Off by default until overload has a management response "
              "(issue 20): a frozen firm that is automating loses its quitters too and spirals.",
              &OrgParams::hiring_freeze);
  }
};

}  // namespace orgsim::agents
