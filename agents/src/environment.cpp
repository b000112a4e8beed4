// Environment: shocks, market growth and demand, and resilience tracking (docs/ODD.md 7.8).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace orgsim::agents {

void begin_tick(Organization& org, Tick tick) {
  org.this_tick = TickOutcomes{};
  org.this_tick.tick = tick;
  org.this_tick.acted = org.headcount();  // nobody joins or leaves between here and act
}

void apply_shocks(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (!p.environment.enabled) return;
  const auto t = static_cast<std::int64_t>(tick);
  bool shock = p.environment.shock_at > 0 &&
               (t == p.environment.shock_at ||
                (p.environment.shock_every > 0 && t > p.environment.shock_at &&
                 (t - p.environment.shock_at) % p.environment.shock_every == 0));
  RandomStream draw = market_stream(org, streams::shock, 0, tick);
  if (draw.bernoulli(p.environment.shock_rate)) shock = true;
  if (shock) shock_reality(org, tick, p.environment.shock_size);
}

void shock_reality(Organization& org, Tick tick, double size) {
  // Flip exactly round(size x m) dimensions, chosen by a partial Fisher-Yates shuffle.
  const std::size_t m = org.dimensions();
  const auto count = static_cast<std::size_t>(std::lround(size * static_cast<double>(m)));
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  RandomStream pick = market_stream(org, streams::shock, 1, tick);
  org.resilience.fit_before_shock = org.strategic_fit();
  for (std::size_t k = 0; k < count; ++k) {
    std::swap(order[k], order[k + pick.below(m - k)]);
    change_decision(org, order[k]);  // March: reality flips; a landscape redraws the decision
  }
  settle_landscape(org);
  org.this_tick.reality_flips += count;
  org.this_tick.shocked = true;
  org.resilience.shock_tick = static_cast<int>(tick);
  org.resilience.recovered_tick = -1;
  org.resilience.fit_lowest_since_shock = org.resilience.fit_before_shock;
  org.climate.add_fatigue(0.1);
}

bool event_happens(const ScheduledEvent& event, RunKey key) {
  if (event.probability >= 1) return true;
  return key.stream(streams::event, stream_id(event.name), 0).uniform() < event.probability;
}

void apply_events(Organization& org, Tick tick) {
  for (const ScheduledEvent& event : org.events) {
    if (event.at != tick) continue;
    org.this_tick.spend(CostKind::change, event.cost);
    switch (event.kind) {
      case ScheduledEvent::Kind::shock:
        shock_reality(org, tick, event.shock_size);
        break;
      case ScheduledEvent::Kind::restructure:
        restructure(org, event.structure, tick, event.departments);
        break;
      case ScheduledEvent::Kind::automate:
        retarget_automation(org, event.departments, event.automation_target, event.freed_capacity);
        break;
      case ScheduledEvent::Kind::layoff:
        lay_off_share(org, event.departments, event.layoff_share, tick);
        break;
      case ScheduledEvent::Kind::demand:
        // A lost contract or a new customer (7.18): the contracted volume changes for good;
        // the customer base's own dynamics (7.12) act on what is left.
        org.market.volume *= 1.0 + event.demand_change;
        break;
      case ScheduledEvent::Kind::set: {
        ModelParams changed = org.params();
        for (const auto& [spec, value] : event.changes) assign(changed, *spec, value);
        org.change_parameters(changed);
        break;
      }
    }
  }
}

double loyalty_centre(const ModelParams& p) {
  return p.work.enabled ? p.work.customer_expectation : 0.5;
}

void update_market(Organization& org, Tick /*tick*/) {
  const ModelParams& p = org.params();
  MarketState& market = org.market;
  double potential =
      p.environment.base_demand * static_cast<double>(p.org.employees) * market.volume;
  if (p.environment.enabled) {
    // Compound growth is bounded (ODD 7.7): the market stops growing at kMostMarketSize times
    // its size at the start, so that demand, arrivals and backlogs stay finite numbers (a 10%
    // weekly growth would otherwise overflow int64 arrivals within 400 ticks and reach inf).
    market.size = std::min(market.size * (1.0 + p.environment.market_growth), kMostMarketSize);
    potential *= market.size * std::max(0.0, 1.0 + p.environment.loyalty_effect *
                                                       (market.loyalty - loyalty_centre(p)));
  }
  if (p.work.enabled) {
    // The firm's customers (7.12): its customer base, of whom a share balk at the lead time
    // they see (last tick's).
    potential *= market.customers;
    const double late = std::max(0.0, org.flow.lead_time / p.work.target_lead_time - 1.0);
    const double ordering = std::exp(-p.work.balking * late);  // the share of orders placed
    org.this_tick.lost_demand = potential * (1.0 - ordering);
    potential *= ordering;
  }
  market.demand = std::min(potential, kMostDemand);  // tasks per tick: Poisson draws stay in int64
}

void track_resilience(Organization& org, Tick tick) {
  if (org.resilience.shock_tick < 0) return;
  const double fit = org.strategic_fit();
  org.resilience.fit_lowest_since_shock = std::min(org.resilience.fit_lowest_since_shock, fit);
  // Recovered: back within 0.05 of the pre-shock strategic fit.
  if (org.resilience.recovered_tick < 0 && static_cast<int>(tick) > org.resilience.shock_tick &&
      fit >= org.resilience.fit_before_shock - 0.05) {
    org.resilience.recovered_tick = static_cast<int>(tick);
  }
}

namespace {

std::vector<MetricRow> environment_metrics() {
  return {
      {{"demand", "customer", "tasks/tick", "Demand",
        "Expected task arrivals this tick; NaN without work or environment.", Better::none, false},
       [](const Observation& o) {
         return o.params.work.enabled || o.params.environment.enabled ? o.org.market.demand : kNaN;
       }},
      {{"shock_drop", "resilience", "strategic fit", "Drop after the shock",
        "Pre-shock strategic fit minus its lowest value since the last shock (0 before any shock).",
        Better::lower, true},
       [](const Observation& o) {
         const ResilienceState& r = o.org.resilience;
         return r.shock_tick < 0 ? 0.0 : r.fit_before_shock - r.fit_lowest_since_shock;
       }},
      {{"recovery_time", "resilience", "ticks", "Recovery time",
        "Ticks from the last shock until strategic fit was back within 0.05 of its pre-shock level "
        "(while not "
        "recovered: ticks since the shock; 0 before any shock).",
        Better::lower, true},
       [](const Observation& o) {
         const ResilienceState& r = o.org.resilience;
         if (r.shock_tick < 0) return 0.0;
         return r.recovered_tick >= 0
                    ? static_cast<double>(r.recovered_tick - r.shock_tick)
                    : static_cast<double>(o.org.this_tick.tick - static_cast<Tick>(r.shock_tick));
       }},
      {{"recovered", "resilience", "0/1", "Recovered from the shock",
        "1 once strategic fit is back within 0.05 of its level before the last shock, 0 while it "
        "is not (recovery_time is then censored: ticks so far); NaN before any shock.",
        Better::higher, false},
       [](const Observation& o) {
         const ResilienceState& r = o.org.resilience;
         if (r.shock_tick < 0) return kNaN;
         return r.recovered_tick >= 0 ? 1.0 : 0.0;
       }},
      {{"shock", "environment", "0/1", "Market shock", "1 if a shock hit this tick.", Better::none,
        false},
       [](const Observation& o) { return o.org.this_tick.shocked ? 1.0 : 0.0; }},
  };
}

bool environment_on(const ModelParams& p) {
  return p.environment.enabled;
}

}  // namespace

const Submodel& environment_submodel() {
  using K = PhaseRow::Kind;
  static const Submodel submodel{
      "environment",
      "7.8",
      "Shocks, market growth and demand, resilience after shocks.",
      [](std::vector<ParamSpec>& table) {
        declare_group<EnvironmentParams, &ModelParams::environment>("environment", table);
      },
      environment_metrics(),
      {{"shocks", K::serial, apply_shocks, nullptr, 0, environment_on},
       {"market", K::serial, update_market, nullptr, 0,
        [](const ModelParams& p) { return p.environment.enabled || p.work.enabled; }},
       {"track_resilience", K::serial, track_resilience}}};
  return submodel;
}

}  // namespace orgsim::agents
