// Parameters of the work submodel: Tasks, queues, handoffs, rework, customers (docs/ODD.md 7.12).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct WorkParams {
  bool enabled{};
  double tasks_per_employee{};
  double routine_share{};
  std::int64_t handoff_delay{};
  double error_rate{};
  double target_lead_time{};

  static void declare(ParamRows<WorkParams>& t) {
    t.boolean("enabled", false, "Tasks, queues, handoffs, rework, customers, finance (7.12).",
              &WorkParams::enabled);
    t.real("tasks_per_employee", 1.0, 0.01, 100, "tasks/tick",
           "Task capacity of a fully skilled, engaged employee.", &WorkParams::tasks_per_employee);
    t.real("routine_share", 0.6, 0, 1, "share",
           "Share of tasks that are routine (automatable); the rest are complex.",
           &WorkParams::routine_share);
    t.integer("handoff_delay", 2, 0, 52, "ticks",
              "Delay when a complex task crosses a team boundary.", &WorkParams::handoff_delay);
    t.real("error_rate", 0.05, 0, 1, "share",
           "Human error rate at medium skill; errors return as rework.", &WorkParams::error_rate);
    t.real("target_lead_time", 4, 0.1, 520, "ticks", "Lead time customers consider good.",
           &WorkParams::target_lead_time);
  }
};

}  // namespace orgsim::agents
