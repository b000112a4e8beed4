// Environment: shocks, market growth and demand, and resilience tracking (docs/ODD.md 7.8).
#include "orgsim/agents/submodels.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace orgsim::agents {

void begin_tick(Organization& org, Tick tick) {
  org.tick_now = tick;
  org.acted = org.headcount();  // nobody joins or leaves between here and act
  if (org.transition_left > 0) --org.transition_left;  // a restructuring's dip fades tick by tick
  org.leavers = org.hires = org.laid_off = org.incidents = 0;
  org.reality_flips = 0;
  org.shocked = org.reviewed = org.realigned = false;
  org.arrivals = org.completed = org.on_strategy_completed = org.reworked = org.handoffs = 0;
  org.revenue = org.cost = 0;
  org.capacity_total = org.used_capacity = 0;
}

void apply_shocks(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (!p.environment_enabled) return;
  const auto t = static_cast<std::int64_t>(tick);
  bool shock = p.environment_shock_at > 0 &&
               (t == p.environment_shock_at ||
                (p.environment_shock_every > 0 && t > p.environment_shock_at &&
                 (t - p.environment_shock_at) % p.environment_shock_every == 0));
  RandomStream draw = org.key().stream(streams::shock, 0, tick);
  if (draw.bernoulli(p.environment_shock_rate)) shock = true;
  if (shock) shock_reality(org, tick, p.environment_shock_size);
}

void shock_reality(Organization& org, Tick tick, double size) {
  // Flip exactly round(size x m) dimensions, chosen by a partial Fisher-Yates shuffle.
  const std::size_t m = org.dimensions();
  const auto count = static_cast<std::size_t>(std::lround(size * static_cast<double>(m)));
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  RandomStream pick = org.key().stream(streams::shock, 1, tick);
  org.fit_before_shock = static_cast<double>(agreement(org.code, org.reality)) / static_cast<double>(m);
  for (std::size_t k = 0; k < count; ++k) {
    std::swap(order[k], order[k + pick.below(m - k)]);
    org.reality[order[k]] = static_cast<std::int8_t>(-org.reality[order[k]]);
  }
  org.reality_flips += count;
  org.shocked = true;
  org.shock_tick = static_cast<int>(tick);
  org.recovered_tick = -1;
  org.fit_lowest_since_shock = org.fit_before_shock;
  org.change_fatigue = std::min(1.0, org.change_fatigue + 0.1);
}

void apply_events(Organization& org, Tick tick) {
  for (const ScheduledEvent& event : org.events) {
    if (event.at != tick) continue;
    switch (event.kind) {
      case ScheduledEvent::Kind::shock: shock_reality(org, tick, event.shock_size); break;
      case ScheduledEvent::Kind::restructure: restructure(org, event.structure, tick); break;
      case ScheduledEvent::Kind::set: {
        ModelParams changed = org.params();
        for (const auto& [spec, value] : event.changes) assign(changed, *spec, value);
        org.change_parameters(changed);
        break;
      }
    }
  }
}

void update_market(Organization& org, Tick /*tick*/) {
  const ModelParams& p = org.params();
  if (!p.environment_enabled) {
    org.demand = p.environment_base_demand * static_cast<double>(p.org_employees);
    return;
  }
  org.market_size *= 1.0 + p.environment_market_growth;
  org.demand = p.environment_base_demand * static_cast<double>(p.org_employees) * org.market_size *
               std::max(0.0, 1.0 + p.environment_loyalty_effect * (org.loyalty - 0.5));
}

void track_resilience(Organization& org, Tick tick) {
  if (org.shock_tick < 0) return;
  const double fit = static_cast<double>(agreement(org.code, org.reality)) / static_cast<double>(org.dimensions());
  org.fit_lowest_since_shock = std::min(org.fit_lowest_since_shock, fit);
  // Recovered: back within 0.05 of the pre-shock strategic fit.
  if (org.recovered_tick < 0 && static_cast<int>(tick) > org.shock_tick && fit >= org.fit_before_shock - 0.05) {
    org.recovered_tick = static_cast<int>(tick);
  }
}

}  // namespace orgsim::agents
