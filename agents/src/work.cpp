// Processes and work: arrivals, routing to teams, queues, automated and human processing,
// errors and rework, handoffs across team boundaries, lead time, customers and finance
// (docs/ODD.md 7.12, 7.17). Queues hold expected task counts (fractional flows).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {
constexpr double kComplexEffort = 1.0;  // capacity units per stage of a complex task (two stages)
}  // namespace

void team_capacity(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const ModelParams& p = org.params();
  const std::size_t m = org.dimensions();
  const std::size_t functions = org.skill_count() - 1;
  const auto engagement = org.engagement();
  const auto training = org.training_until();
  const double overhead =
      p.growth.enabled && org.growth.phase == GrowthPhase::maturity ? p.growth.bureaucracy * org.hierarchy.depth : 0.0;
  const double transition = p.structure.transition_ticks > 0
                                ? 0.5 * static_cast<double>(org.hierarchy.transition_left) / static_cast<double>(p.structure.transition_ticks)
                                : 0.0;
  for (std::size_t team = begin; team < end; ++team) {
    double capacity = 0, digital = 0, skilled = 0;
    std::uint32_t training_now = 0;
    const std::uint64_t first = org.teams.member_offsets[team];
    const std::uint64_t last = org.teams.member_offsets[team + 1];
    for (std::uint64_t k = first; k < last; ++k) {
      const std::size_t slot = org.teams.member_slots[k];
      const auto skill = org.skills(slot);
      const std::size_t function = org.practised_function(slot, team);
      double effective = p.work.tasks_per_employee * skill[function];
      if (p.people.enabled) effective *= 0.5 + 0.5 * engagement[slot];
      if (training[slot] >= static_cast<std::int32_t>(tick)) {
        effective *= 0.5;
        ++training_now;
      }
      capacity += effective;
      skilled += skill[function];
      digital += skill[functions];
    }
    const double members = static_cast<double>(last - first);
    org.teams.capacity[team] = capacity * std::max(0.0, 1.0 - overhead) * (1.0 - transition);
    org.teams.digital_skill[team] = members > 0 ? digital / members : 0.0;
    org.teams.skill[team] = members > 0 ? skilled / members : 0.0;
    org.teams.in_training[team] = training_now;
    std::int64_t matches = 0;
    const auto code = org.team_code(team);
    for (std::size_t d = 0; d < m; ++d) matches += code[d] == org.reality[d];
    org.teams.fit[team] = static_cast<double>(matches) / static_cast<double>(m);
  }
}

void process_work(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  const Settings& s = org.settings();
  Teams& teams = org.teams;
  const std::size_t team_count = teams.count;
  const double n = static_cast<double>(org.headcount());

  // Arrivals: Poisson(demand), split into routine and complex, spread evenly over teams.
  RandomStream draw = org.key().stream(streams::arrivals, 0, tick);
  boost::random::poisson_distribution<std::int64_t, double> poisson(std::max(org.market.demand, 1e-9));
  const std::int64_t arrivals = org.market.demand > 0 ? poisson(draw) : 0;
  boost::random::binomial_distribution<std::int64_t, double> routine_split(arrivals, p.work.routine_share);
  const std::int64_t routine = arrivals > 0 ? routine_split(draw) : 0;
  // Work is routed to teams in proportion to their capacity (evenly when none has any).
  double total_capacity = 0;
  for (std::size_t t = 0; t < team_count; ++t) total_capacity += teams.capacity[t];
  auto share = [&](std::size_t t) {
    return total_capacity > 0 ? teams.capacity[t] / total_capacity : 1.0 / static_cast<double>(team_count);
  };
  org.this_tick.arrivals = static_cast<double>(arrivals);

  const bool handoffs = p.structure.enabled && org.hierarchy.type != StructureType::cross_functional;
  double delay = static_cast<double>(p.work.handoff_delay) * s.handoff_factor *
                 (org.hierarchy.type == StructureType::matrix ? 0.5 : 1.0) *
                 (1.0 - 0.5 * org.automation.communication);
  const bool down = org.automation.downtime_left > 0;
  const double automated_share = down ? 0.0 : org.automation.process;
  const std::size_t slots = org.flow.pipeline_slots;
  const std::size_t now = tick % slots;

  double completed = 0, on_strategy = 0, reworked = 0, sent = 0, capacity_total = 0, used_total = 0, backlog = 0;
  for (std::size_t t = 0; t < team_count; ++t) {
    // Handoffs arriving now join the second-stage queue.
    teams.second_queue[t] += teams.pipeline[t * slots + now];
    teams.pipeline[t * slots + now] = 0;
    const double routine_each = static_cast<double>(routine) * share(t);
    teams.complex_queue[t] += static_cast<double>(arrivals - routine) * share(t);
    // Process automation takes its share of routine work; its errors come back as rework.
    const double automated = routine_each * automated_share;
    const double automation_errors = automated * p.automation.error_rate * (1.0 - teams.digital_skill[t]);
    teams.routine_queue[t] += routine_each - automated + automation_errors;
    completed += automated - automation_errors;
    on_strategy += (automated - automation_errors) * teams.fit[t];
    reworked += automation_errors;

    const double capacity = teams.capacity[t];
    const double demanded = teams.second_queue[t] * kComplexEffort + teams.complex_queue[t] * kComplexEffort +
                            teams.routine_queue[t];
    double left = capacity;
    const double skill_error = s.error_rate * (1.5 - teams.skill[t]);  // 0.5x to 1.5x the base rate
    auto serve = [&](double& queue, double effort, double error_factor) {
      const double done = std::min(queue, left / effort);
      left -= done * effort;
      const double errors = done * std::min(1.0, skill_error * error_factor);
      queue -= done - errors;  // errors stay in the queue as rework
      reworked += errors;
      return done - errors;
    };
    const double second_done = serve(teams.second_queue[t], kComplexEffort, 1.5);
    const double first_done = serve(teams.complex_queue[t], kComplexEffort, 1.5);
    const double routine_done = serve(teams.routine_queue[t], 1.0, 1.0);
    if (handoffs && team_count > 1) {
      // The second stage needs another function: the next team, possibly at another site.
      const std::size_t target = (t + 1) % team_count;
      double d = delay;
      if (teams.site[target] != teams.site[t]) d += static_cast<double>(p.structure.cross_site_delay);
      // At least the next tick; the ring holds every possible delay (pipeline_slots).
      const auto ticks = std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(d)), 1, slots - 1);
      teams.pipeline[target * slots + (tick + ticks) % slots] += first_done;
      sent += first_done;
    } else {
      teams.second_queue[t] += first_done;
    }
    const double done = second_done + routine_done;
    completed += done;
    on_strategy += done * teams.fit[t];
    capacity_total += capacity;
    used_total += capacity - left;
    teams.utilization[t] = capacity > 0 ? std::min(3.0, demanded / capacity) : 3.0;
    backlog += teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t];
    for (std::size_t k = 0; k < slots; ++k) backlog += teams.pipeline[t * slots + k];
  }
  org.this_tick.completed = completed;
  org.this_tick.on_strategy_completed = on_strategy;
  org.this_tick.reworked = reworked;
  org.this_tick.handoffs = sent;
  org.flow.backlog = backlog;
  org.this_tick.capacity_total = capacity_total;
  org.this_tick.used_capacity = used_total;
  // Lead time by Little's law: work in process / smoothed throughput.
  org.flow.throughput_average = tick <= 1 ? completed : 0.9 * org.flow.throughput_average + 0.1 * completed;
  org.flow.lead_time = org.flow.throughput_average > 1e-9 ? backlog / org.flow.throughput_average : backlog;

  // Customers: speed, quality and value fit drive satisfaction; loyalty follows satisfaction.
  const double speed = 1.0 / (1.0 + org.flow.lead_time / p.work.target_lead_time);
  const double quality = completed + reworked > 0 ? completed / (completed + reworked) : 1.0;
  const double value = completed > 0 ? on_strategy / completed : 0.0;
  org.market.satisfaction += 0.1 * ((speed + quality + value) / 3.0 - org.market.satisfaction);
  org.market.loyalty += 0.05 * (org.market.satisfaction - org.market.loyalty);

  // Finance for the tick.
  org.this_tick.revenue = p.finance.task_value * (on_strategy + 0.3 * (completed - on_strategy));
  double cost = p.finance.salary * n;
  if (p.automation.enabled) {
    cost += p.finance.automation_cost * n *
            org.automation.level_sum() / 3.0;
    cost += p.finance.security_cost * n * p.automation.security_investment;
  }
  std::size_t in_training = 0;  // counted by team_capacity, which visits every member
  for (std::size_t t = 0; t < team_count; ++t) in_training += teams.in_training[t];
  cost += p.finance.training_cost * static_cast<double>(in_training);
  org.this_tick.cost += cost;
}

namespace {

std::vector<MetricRow> work_metrics() {
  return {
      {{"on_strategy_share", "strategic_alignment", "[0, 1]", "On-strategy work",
        "Share of completed work done on strategy (the doing team's code matches reality); NaN without work.",
        Better::higher, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled ? kNaN : t.completed > 0 ? t.on_strategy_completed / t.completed : 0.0;
       }},
      {{"throughput", "operational_efficiency", "tasks/tick", "Throughput",
        "Tasks completed this tick; NaN without work.", Better::higher, true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.completed : kNaN; }},
      {{"lead_time", "operational_efficiency", "ticks", "Lead time",
        "Work in process / smoothed throughput (Little's law); NaN without work.", Better::lower, true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.flow.lead_time : kNaN; }},
      {{"utilization", "operational_efficiency", "[0, 1]", "Utilization",
        "Used / available human capacity; NaN without work.", Better::none, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled ? kNaN : t.capacity_total > 0 ? t.used_capacity / t.capacity_total : 0.0;
       }},
      {{"cost_per_task", "operational_efficiency", "currency/task", "Cost per task",
        "Cost this tick / tasks completed; NaN without work.", Better::lower, true},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled ? kNaN : t.completed > 0 ? t.cost / t.completed : kNaN;
       }},
      {{"rework_rate", "operational_efficiency", "[0, 1]", "Rework rate",
        "Tasks sent back for rework / (completed + reworked) this tick; NaN without work.", Better::lower, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled               ? kNaN
                : t.completed + t.reworked > 0 ? t.reworked / (t.completed + t.reworked)
                                                     : 0.0;
       }},
      {{"backlog", "operational_efficiency", "tasks", "Backlog", "Tasks waiting or in transit; NaN without work.",
        Better::lower, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.flow.backlog : kNaN; }},
      {{"handoffs", "operational_efficiency", "tasks/tick", "Handoffs",
        "Tasks crossing a team boundary this tick; NaN without work.", Better::lower, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.this_tick.handoffs : kNaN; }},
      {{"customer_satisfaction", "customer", "[0, 1]", "Customer satisfaction",
        "Smoothed mean of speed, quality and value fit of delivered work; NaN without work.", Better::higher, true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.market.satisfaction : kNaN; }},
      {{"loyalty", "customer", "[0, 1]", "Customer loyalty", "Customer loyalty, following satisfaction; NaN without work.",
        Better::higher, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.market.loyalty : kNaN; }},
  };
}

}  // namespace

const Submodel& work_submodel() {
  using K = PhaseRow::Kind;
  const auto work_on = [](const ModelParams& p) { return p.work.enabled; };
  static const Submodel submodel{
      "work", "7.12", "Tasks, routing, queues, handoffs, rework, lead time, customers.",
      [](std::vector<ParamSpec>& table) { declare_group<WorkParams, &ModelParams::work>("work", table); },
      work_metrics(),
      {{"team_capacity", K::over_teams, nullptr, team_capacity, 64, work_on},
       {"process_work", K::serial, process_work, nullptr, 0, work_on}}};
  return submodel;
}

}  // namespace orgsim::agents
