// Parameters of the finance submodel: Revenue and costs (docs/ODD.md 7.17).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct FinanceParams {
  double salary{};
  double task_value{};
  double automation_cost{};
  double automation_task_cost{};
  double training_cost{};
  double security_cost{};
  double restructuring_cost{};
  double incident_cost{};
  double overhead_cost{};
  double initial_cash{};
  double credit_line{};
  double cash_reserve{};
  double runway{};
  double invest_share{};
  double automation_capex{};
  double hiring_cost{};
  double severance{};
  double overtime_premium{};
  double fixed_cost{};

  static void declare(ParamRows<FinanceParams>& t) {
    t.real("salary", 1500, 0, 1e7, "currency/employee/tick", "Salary cost per employee per tick.",
           &FinanceParams::salary);
    t.real("task_value", 8000, 0, 1e9, "currency/task", "Revenue of a completed on-strategy task.",
           &FinanceParams::task_value);
    t.real("automation_cost", 300, 0, 1e7, "currency/employee/tick",
           "Running cost of the data and communication platforms (licences, hosting, upkeep) per "
           "tick and employee the firm started with, at level 1 of both; it does not fall when "
           "people leave. Process automation is paid by volume: automation_task_cost.",
           &FinanceParams::automation_cost);
    t.real("automation_task_cost", 300, 0, 1e7, "currency/task",
           "Running cost of one routine task handled by process automation (software licences "
           "and usage, exception handling): by default a fifth of the default salary per "
           "routine task, as software robots are reported to cost a fifth to a third of the "
           "people they replace.",
           &FinanceParams::automation_task_cost);
    t.real("training_cost", 400, 0, 1e7, "currency/tick", "Cost per employee per tick in training.",
           &FinanceParams::training_cost);
    t.real("security_cost", 100, 0, 1e7, "currency/employee/tick",
           "Security cost per tick and employee the firm started with, at investment 1 and every "
           "kind of automation at level 1; in proportion to the mean automation level (the "
           "exposure to incidents), nothing without automation.",
           &FinanceParams::security_cost);
    t.real("restructuring_cost", 3000, 0, 1e9, "currency/employee",
           "One-off cost of a restructuring per employee.", &FinanceParams::restructuring_cost);
    t.real("incident_cost", 50000, 0, 1e12, "currency", "Direct cost of a cyber incident.",
           &FinanceParams::incident_cost);
    t.real(
        "overhead_cost", 300, 0, 1e7, "currency/employee/tick",
        "Non-personnel operating cost (premises, IT, materials, administration) per employee "
        "per tick. At the default prices the default experiment's firm earns an operating margin "
        "of about 14 %; with only the work submodel on, about 44 % (no engagement, coordination "
        "or automation costs): set prices and salaries for a client.",
        &FinanceParams::overhead_cost);
    t.real("initial_cash", 13, -1000, 1000, "ticks of payroll",
           "Cash at the start, in weeks of the starting payroll.", &FinanceParams::initial_cash);
    t.real("credit_line", 13, 0, 1000, "ticks of payroll",
           "Credit line in weeks of the starting payroll: a firm whose cash falls below minus "
           "this exits (the run ends; metric exited = 1).",
           &FinanceParams::credit_line);
    t.real("cash_reserve", 4, 0, 1000, "ticks of payroll",
           "Reserve in weeks of today's wage bill (the salaries of the people employed; until "
           "2026-12-07 the starting payroll): below it no investment (automation, training "
           "programmes, market research) is started and growth hiring is frozen.",
           &FinanceParams::cash_reserve);
    t.real("runway", 26, 0, 1000, "ticks",
           "Weeks the firm looks ahead at its losses: while the cash, less this many weeks of the "
           "smoothed loss (profit averaged over about a quarter), is below the reserve, the firm "
           "is short of cash: it starts no investment, does not hire, and does not replace "
           "leavers (0: only the cash today counts).",
           &FinanceParams::runway);
    t.real("invest_share", 0.1, 0, 1, "1/tick",
           "Share of the cash above the reserve that may be invested per tick (budget rule).",
           &FinanceParams::invest_share);
    t.real("automation_capex", 5000, 0, 1e9, "currency/employee",
           "One-off investment per employee of a department to raise one kind of automation from "
           "0 to 1 (paid in proportion to each step; adoption waits for the budget).",
           &FinanceParams::automation_capex);
    t.real("hiring_cost", 8000, 0, 1e9, "currency/hire",
           "Recruiting cost of each hire, replacements included.", &FinanceParams::hiring_cost);
    t.real("severance", 8, 0, 520, "ticks of salary",
           "Severance paid per laid-off employee, in weeks of their salary.",
           &FinanceParams::severance);
    t.real("overtime_premium", 1.5, 1, 5, "factor",
           "Pay for an overtime hour relative to a normal hour.", &FinanceParams::overtime_premium);
    t.real("fixed_cost", 0, 0, 1e9, "currency/tick",
           "Fixed non-personnel cost per tick that does not scale with headcount (rent, leases, "
           "vehicles, insurance, licences), on top of overhead_cost per employee.",
           &FinanceParams::fixed_cost);
  }
};

}  // namespace orgsim::agents
