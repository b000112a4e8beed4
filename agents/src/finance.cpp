// Finance: revenue and costs of each tick (docs/ODD.md 7.17). The money is booked where it
// arises (process_work books revenue, salaries, automation, security and training; restructure,
// realign and incidents add their one-off costs); this file declares the prices and the metrics.
#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

namespace orgsim::agents {

namespace {

std::vector<MetricRow> finance_metrics() {
  return {
      {{"revenue", "finance", "currency/tick", "Revenue", "Revenue this tick; NaN without work.",
        Better::higher, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.revenue : kNaN; }},
      {{"cost", "finance", "currency/tick", "Cost",
        "Costs this tick (salaries, automation, security, training, restructuring, incidents); NaN "
        "without work.",
        Better::lower, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.cost : kNaN; }},
      {{"profit", "finance", "currency/tick", "Profit", "Revenue - cost; NaN without work.",
        Better::higher, true},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.revenue - o.org.this_tick.cost : kNaN;
       }},
  };
}

}  // namespace

const Submodel& finance_submodel() {
  static const Submodel submodel{"finance",
                                 "7.17",
                                 "Prices and costs; revenue, cost and profit of each tick.",
                                 [](std::vector<ParamSpec>& table) {
                                   declare_group<FinanceParams, &ModelParams::finance>("finance",
                                                                                       table);
                                 },
                                 finance_metrics(),
                                 {}};
  return submodel;
}

}  // namespace orgsim::agents
