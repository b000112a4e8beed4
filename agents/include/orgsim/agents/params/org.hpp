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
  double initial_fit{};
  std::int64_t time_to_fill{};
  std::int64_t ramp_up{};
  double overtime{};
  double overload_hiring{};
  double replace_below{};
  std::int64_t max_employees{};

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
              "layoffs; 13: a quarter). Off by default: a firm that automates with layoffs week by "
              "week renews the freeze each week, cannot hire to its backlog, and runs at 4.6-week "
              "lead times against 0.9 with redeployment (13-week freeze; docs/ODD.md 7.13).",
              &OrgParams::hiring_freeze);
    t.real("replace_below", 0.6, 0, 1, "share of capacity",
           "A leaver is not replaced while their department's workload, averaged over about a "
           "quarter, would still be below this share of its capacity without them: the firm lets "
           "attrition absorb slack after a volume loss or automation (team leads are always "
           "replaced; overload and growth hiring reopen positions). 0: every leaver is replaced. "
           "With work on (docs/ODD.md 7.12).",
           &OrgParams::replace_below);
    t.real("initial_fit", 0.5, 0, 1, "strategic fit",
           "With work on, the firm starts from today: its code is an existing strategy with this "
           "expected strategic fit (each dimension right with probability (1 + fit) / 2); 0 "
           "starts from a blank code. Without work, or on a landscape, the code starts blank as "
           "in March (1991).",
           &OrgParams::initial_fit);
    t.integer("time_to_fill", 6, 0, 520, "ticks",
              "Weeks a position stays vacant before a hire starts (no output, no salary; SHRM's "
              "average time to fill is about six weeks).",
              &OrgParams::time_to_fill);
    t.integer("ramp_up", 26, 0, 520, "ticks",
              "Weeks for a new hire to reach full productivity, starting at 25 % (Oxford Economics "
              "2014: 28 weeks on average).",
              &OrgParams::ramp_up);
    t.real("overtime", 0.2, 0, 1, "share of capacity",
           "Most extra capacity a team works as overtime when its workload exceeds its capacity; "
           "overtime is paid at finance.overtime_premium and lowers engagement (0: none).",
           &OrgParams::overtime);
    t.real("overload_hiring", 0.05, 0, 1, "share of headcount/tick",
           "Hiring to backlog: while lead time exceeds work.target_lead_time, each "
           "department is staffed toward the people who serve its inflow and clear its excess "
           "queue in a quarter, the largest gaps first, at most this share of the headcount per "
           "tick (0: no hiring to backlog; docs/ODD.md 7.12).",
           &OrgParams::overload_hiring);
    t.integer("max_employees", 0, 0, 100'000'000, "employees",
              "Most employees hiring can bring the organization to (growth, hiring to backlog); "
              "hiring stops there and the headcount metric shows the plateau. 0: automatic, the "
              "largest of 10 x org.employees, growth.target_employees and 1,000. The memory plan "
              "(validate, run) counts a run that can hire at this size (docs/ODD.md 7.15).",
              &OrgParams::max_employees);
  }
};

}  // namespace orgsim::agents
