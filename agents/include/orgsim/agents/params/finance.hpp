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
  double training_cost{};
  double security_cost{};
  double restructuring_cost{};
  double incident_cost{};

  static void declare(ParamRows<FinanceParams>& t) {
    t.real("salary", 1500, 0, 1e7, "currency/employee/tick", "Salary cost per employee per tick.",
           &FinanceParams::salary);
    t.real("task_value", 8000, 0, 1e9, "currency/task", "Revenue of a completed on-strategy task.",
           &FinanceParams::task_value);
    t.real("automation_cost", 300, 0, 1e7, "currency/employee/tick",
           "Running cost of automation per employee per tick at level 1 of all three kinds.",
           &FinanceParams::automation_cost);
    t.real("training_cost", 400, 0, 1e7, "currency/tick", "Cost per employee per tick in training.",
           &FinanceParams::training_cost);
    t.real("security_cost", 100, 0, 1e7, "currency/employee/tick",
           "Security cost per employee per tick at investment 1.", &FinanceParams::security_cost);
    t.real("restructuring_cost", 3000, 0, 1e9, "currency/employee",
           "One-off cost of a restructuring per employee.", &FinanceParams::restructuring_cost);
    t.real("incident_cost", 50000, 0, 1e12, "currency", "Direct cost of a cyber incident.",
           &FinanceParams::incident_cost);
  }
};

}  // namespace orgsim::agents
