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
  double balking{};
  double reneging{};
  double customer_sensitivity{};
  double customer_expectation{};
  bool expectation_from_today{};
  double churn_time{};
  double winback_time{};

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
    t.real("balking", 0.15, 0, 10, "1/(lead time / target)",
           "Lost sales: the share of arriving orders placed is exp(-balking x max(0, lead time / "
           "target_lead_time - 1)) (customers who see a long queue go elsewhere; Naor 1969). 0: "
           "every order is placed.",
           &WorkParams::balking);
    t.real("reneging", 0.05, 0, 10, "1/(lead time / target)/tick",
           "Cancelled orders: each tick the share 1 - exp(-reneging x max(0, lead time / "
           "target_lead_time - 1)) of the work waiting in the queues is cancelled by customers "
           "tired of waiting (reneging; Palm 1943, Garnett, Mandelbaum & Reiman 2002), so that "
           "a backlog cannot outgrow what customers still want. 0: nobody cancels.",
           &WorkParams::reneging);
    t.real("customer_sensitivity", 3, 0, 50, "1/satisfaction",
           "How strongly the customer base follows satisfaction relative to customer_expectation: "
           "attractiveness exp(sensitivity x (satisfaction - expectation)) against competitors of "
           "attractiveness 1 (0: customers never leave). Illustrative.",
           &WorkParams::customer_sensitivity);
    t.real("customer_expectation", 0.75, 0, 1, "satisfaction",
           "The satisfaction customers expect (what competitors deliver): at this level the "
           "customer base stays at its starting size.",
           &WorkParams::customer_expectation);
    t.boolean("expectation_from_today", true,
              "After a warm-up, customers expect what the firm delivers today (the expectation is "
              "set so that today's customer base is where its satisfaction holds it): the market "
              "is in equilibrium at week 0 and the base moves only as the firm gets better or "
              "worse than today (docs/ODD.md 7.12). false: customer_expectation throughout.",
              &WorkParams::expectation_from_today);
    t.real("churn_time", 26, 1, 5200, "ticks",
           "Time constant of customers leaving when the customer base is above what satisfaction "
           "supports (churn).",
           &WorkParams::churn_time);
    t.real("winback_time", 52, 1, 5200, "ticks",
           "Time constant of customers coming (back) when the customer base is below what "
           "satisfaction supports (win-back; slower than churn: Anderson & Sullivan 1993).",
           &WorkParams::winback_time);
  }
};

}  // namespace orgsim::agents
