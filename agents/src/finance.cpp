// Finance: revenue and costs of each tick (docs/ODD.md 7.17). The money is booked where it
// arises (process_work books revenue, salaries, automation, security and training; restructure,
// realign and incidents add their one-off costs); this file declares the prices and the metrics.
#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include "orgsim/agents/submodels.hpp"

#include <algorithm>

namespace orgsim::agents {

void settle_cash(Organization& org, Tick /*tick*/) {
  const FinanceParams& f = org.params().finance;
  FinanceState& finance = org.finance;
  const double profit = org.this_tick.revenue - org.this_tick.cost;
  finance.cash += profit;
  finance.profit_average += (profit - finance.profit_average) / 13.0;
  // A firm whose cash falls below its credit line cannot pay: it exits and the run ends.
  if (finance.cash < -f.credit_line * finance.payroll) finance.exited = true;
  // Next tick's investment budget: a share of the cash above the reserve (weeks of today's wage
  // bill: a firm that shrank holds less).
  finance.budget =
      f.invest_share * std::max(0.0, finance.cash - f.cash_reserve * finance.wage_bill);
}

bool cash_is_low(const Organization& org) {
  const ModelParams& p = org.params();
  // The cash the firm expects to have after finance.runway more ticks of its smoothed losses
  // (profits are not counted on): a firm burning cash freezes before it reaches the reserve.
  const double outlook =
      org.finance.cash + p.finance.runway * std::min(0.0, org.finance.profit_average);
  return p.work.enabled && outlook < p.finance.cash_reserve * org.finance.wage_bill;
}

double afford(Organization& org, double cost) {
  if (!org.params().work.enabled || cost <= 0) return 1.0;
  const double share = std::min(1.0, org.finance.budget / cost);
  org.finance.budget -= share * cost;
  org.this_tick.spend(CostKind::automation, share * cost);
  return share;
}

namespace {

/// One part of the tick's cost (CostKind); the parts add up to `cost`. Context for comparisons
/// (no verdict): the verdict on money is profit's and cost's.
template <CostKind kKind>
double cost_part(const Observation& o) {
  return o.params.work.enabled ? o.org.this_tick.cost_by[static_cast<std::size_t>(kKind)] : kNaN;
}

template <CostKind kKind>
MetricRow cost_row(const char* name, const char* label, const char* help) {
  return {{name, "finance", "currency/tick", label, help, Better::none, false}, &cost_part<kKind>};
}

std::vector<MetricRow> finance_metrics() {
  return {
      {{"revenue", "finance", "currency/tick", "Revenue", "Revenue this tick; NaN without work.",
        Better::higher, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.revenue : kNaN; }},
      {{"cost", "finance", "currency/tick", "Cost",
        "Costs this tick: cost_payroll + cost_overhead + cost_automation + cost_change; NaN "
        "without work.",
        Better::lower, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.cost : kNaN; }},
      cost_row<CostKind::payroll>(
          "cost_payroll", "Payroll",
          "Salaries this tick, overtime at its premium (7.12, 7.17); NaN without work."),
      cost_row<CostKind::overhead>(
          "cost_overhead", "Overhead",
          "Running overhead this tick: finance.overhead_cost per head, finance.fixed_cost "
          "and a matrix's second line (coordination.matrix_overhead); NaN without work."),
      cost_row<CostKind::automation>(
          "cost_automation", "Automation spend",
          "Automation this tick: usage and platforms, security, incidents and the "
          "investment in raising the levels (finance.automation_*, security_cost, "
          "incident_cost); NaN without work."),
      cost_row<CostKind::change>(
          "cost_change", "Cost of change",
          "One-off costs of change this tick: hiring, severance, training, market "
          "research, restructuring and events' costs; NaN without work."),
      {{"profit", "finance", "currency/tick", "Profit", "Revenue - cost; NaN without work.",
        Better::higher, true},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.revenue - o.org.this_tick.cost : kNaN;
       }},
      {{"cash", "finance", "currency", "Cash",
        "Cash at the end of the tick: finance.initial_cash weeks of payroll plus every tick's "
        "profit (investments are paid when made); NaN without work.",
        Better::higher, true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.finance.cash : kNaN; }},
      {{"cash_short", "finance", "0/1", "Short of cash",
        "1 while the firm is short of cash: its cash, less finance.runway weeks of its smoothed "
        "losses, is below the reserve (finance.cash_reserve); it then starts no investment "
        "(automation, training, market research), hires nobody and replaces no leaver (7.17). "
        "The mean over weeks is the share of the time; NaN without work.",
        Better::lower, false},
       [](const Observation& o) {
         return o.params.work.enabled ? (cash_is_low(o.org) ? 1.0 : 0.0) : kNaN;
       }},
      {{"exited", "finance", "0/1", "Exited",
        "1 once cash fell below minus the credit line: the firm could not pay and the run ended "
        "at this tick (its last row holds); the mean over runs is the share that exited.",
        Better::lower, true},
       [](const Observation& o) { return o.org.finance.exited ? 1.0 : 0.0; }},
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
                                 {{"settle_cash", PhaseRow::Kind::serial, settle_cash, nullptr, 0,
                                   [](const ModelParams& p) { return p.work.enabled; }}}};
  return submodel;
}

}  // namespace orgsim::agents
