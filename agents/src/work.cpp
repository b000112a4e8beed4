// Processes and work: arrivals, routing to teams, queues, automated and human processing,
// errors and rework, handoffs across team boundaries, lead time, customers and finance
// (docs/ODD.md 7.12, 7.17). Queues hold expected task counts (fractional flows).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/core/parallel.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

namespace orgsim::agents {

namespace {
constexpr double kComplexEffort = 1.0;  // capacity units per stage of a complex task (two stages)
constexpr double kWeeksPerYear = 52.0;  // a tick is a week
constexpr double kBacklogPressure = 0.25;  // share of carried-over work felt as this tick's load
}  // namespace

namespace {

/// The routine share and process automation of the work a team receives (7.12): its
/// department's. A squad draws its people from several departments and does their work: the
/// mean over its members' departments, so that a squad led from a department of complex work
/// is not sent that department's mix alone (with departments of different routine shares,
/// routing by the lead's department loaded the squads led from complex departments and left the
/// others idle). When every member's department has the lead's values, they are used as they are.
void set_work_mix(Organization& org, std::size_t team) {
  Teams& teams = org.teams;
  const Department& own = org.departments[static_cast<std::size_t>(teams.department[team])];
  double routine = own.routine_share, process = own.process;
  const std::uint64_t first = teams.member_offsets[team], last = teams.member_offsets[team + 1];
  if (teams.squad[team] && last > first) {
    const auto department = org.department_of();
    double routine_sum = 0, process_sum = 0;
    bool mixed = false;
    for (std::uint64_t k = first; k < last; ++k) {
      const Department& d =
          org.departments[static_cast<std::size_t>(department[teams.member_slots[k]])];
      routine_sum += d.routine_share;
      process_sum += d.process;
      mixed = mixed || d.routine_share != own.routine_share || d.process != own.process;
    }
    if (mixed) {
      routine = routine_sum / static_cast<double>(last - first);
      process = process_sum / static_cast<double>(last - first);
    }
  }
  teams.routine_share[team] = routine;
  teams.process[team] = process;
}

/// Specialization economies and a squad's coordination across its functions (7.20); managers'
/// and lateral resolution of last tick's exceptions take their time.
void coordinate_capacity(Organization& org, std::size_t team) {
  const CoordinationParams& c = org.params().coordination;
  const double shallow = 1.0 - org.teams.depth[team];  // share outside the main function
  // Economies of depth are economies of repetition: they scale with the routine share of the
  // team's work (Smith 1776; Perrow 1967: non-routine work gains little).
  const double routine = org.teams.routine_share[team];
  double factor = 1.0 - c.specialization * shallow * routine;
  if (org.teams.squad[team]) factor *= 1.0 - c.squad_overhead * shallow;
  org.teams.capacity[team] *= factor;
  org.teams.capacity[team] =
      std::max(0.0, org.teams.capacity[team] - org.teams.coordination_cost[team]);
  org.teams.coordination_cost[team] = 0;
}

/// A restructured team's dip: 50 % of its capacity at the restructuring, fading linearly over
/// structure.transition_ticks (ODD 7.10).
double restructuring_dip(const Organization& org, std::size_t team, Tick tick) {
  const double left = static_cast<double>(org.teams.settle_at[team]) - static_cast<double>(tick);
  const auto ticks = static_cast<double>(org.params().structure.transition_ticks);
  return left > 0 && ticks > 0 ? 0.5 * std::min(1.0, left / ticks) : 0.0;
}

}  // namespace

void team_capacity(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const ModelParams& p = org.params();
  const std::size_t m = org.dimensions();
  const std::size_t functions = org.skill_count() - 1;
  const auto engagement = org.engagement();
  const auto training = org.training_until();
  const auto fte = org.fte();
  const auto annual_salary = org.annual_salary();
  const double overhead = p.growth.enabled && org.growth.phase == GrowthPhase::maturity
                              ? p.growth.bureaucracy * org.hierarchy.depth
                              : 0.0;
  const bool coordination = coordination_on(p);
  const bool landscape = org.landscape.active();
  const auto starts_at = org.starts_at();
  const auto now = static_cast<std::int32_t>(tick);
  const auto ramp_up = static_cast<std::int32_t>(p.org.ramp_up);
  for (std::size_t team = begin; team < end; ++team) {
    double capacity = 0, digital = 0, skilled = 0, salary = 0, specialists = 0;
    double staffed = 0;
    std::uint32_t training_now = 0, vacant = 0;
    const std::uint64_t first = org.teams.member_offsets[team];
    const std::uint64_t last = org.teams.member_offsets[team + 1];
    for (std::uint64_t k = first; k < last; ++k) {
      const std::size_t slot = org.teams.member_slots[k];
      if (now < starts_at[slot]) {  // an open position: no output, no salary
        ++vacant;
        continue;
      }
      const auto skill = org.skills(slot);
      const std::size_t function = org.practised_function(slot);
      specialists += function == static_cast<std::size_t>(org.teams.function[team]) ? 1.0 : 0.0;
      double effective = p.work.tasks_per_employee * skill[function] * fte[slot];
      salary += annual_salary[slot];
      if (p.people.enabled) effective *= 0.5 + 0.5 * engagement[slot];
      if (training[slot] >= now) {
        effective *= 0.5;
        ++training_now;
      }
      double ramp = 1.0;  // a new hire ramps up from 25 % (7.12)
      if (now - starts_at[slot] < ramp_up)
        ramp = 0.25 + 0.75 * static_cast<double>(now - starts_at[slot]) / ramp_up;
      staffed += ramp;
      capacity += effective * ramp;
      skilled += skill[function];
      digital += skill[functions];
    }
    const double members = static_cast<double>(last - first - vacant);
    // Overtime: the team works up to org.overtime extra when last tick's workload exceeded its
    // normal capacity (utilization was measured against capacity with that tick's overtime).
    const double workload = org.teams.utilization[team] * (1.0 + org.teams.overtime[team]);
    org.teams.overtime[team] = std::clamp(workload - 1.0, 0.0, p.org.overtime);
    capacity *= 1.0 + org.teams.overtime[team];
    org.teams.capacity[team] =
        capacity * std::max(0.0, 1.0 - overhead) * (1.0 - restructuring_dip(org, team, tick));
    org.teams.depth[team] = members > 0 ? specialists / members : 1.0;
    set_work_mix(org, team);
    if (coordination) coordinate_capacity(org, team);
    org.teams.digital_skill[team] = members > 0 ? digital / members : 0.0;
    org.teams.skill[team] = members > 0 ? skilled / members : 0.0;
    org.teams.in_training[team] = training_now;
    org.teams.vacant[team] = vacant;
    org.teams.staffed[team] = staffed;
    org.teams.salary[team] = salary / kWeeksPerYear;
    // On a landscape, fit is the code's payoff, set at the start of process_work (7.19).
    if (landscape) continue;
    std::int64_t matches = 0;
    // The code the team works to: its own with structure on, the organization's without (a
    // team code that is never cascaded would make all work off strategy).
    const auto code = org.guiding_code(team);
    for (std::size_t d = 0; d < m; ++d) matches += code[d] == org.reality[d];
    org.teams.fit[team] = static_cast<double>(matches) / static_cast<double>(m);
  }
}

namespace {

/// Totals of one tick's work over every team (summed in team order).
struct WorkTotals {
  double completed = 0, on_strategy = 0, reworked = 0, sent = 0, capacity = 0, used = 0,
         backlog = 0, cancelled = 0;
  double automated = 0;  ///< routine tasks process automation took (its errors included)
};

/// This tick's arrivals: Poisson(demand) tasks, split binomially into routine and complex by
/// the capacity-weighted routine share of the departments (work.routine_share when generated).
struct Arrivals {
  std::int64_t total = 0, routine = 0;
};

Arrivals arrive(Organization& org, Tick tick, double routine_share) {
  RandomStream draw = org.key().stream(streams::arrivals, 0, tick);
  boost::random::poisson_distribution<std::int64_t, double> poisson(
      std::max(org.market.demand, 1e-9));
  Arrivals a;
  a.total = org.market.demand > 0 ? poisson(draw) : 0;
  boost::random::binomial_distribution<std::int64_t, double> routine_split(
      a.total, std::clamp(routine_share, 0.0, 1.0));
  a.routine = a.total > 0 ? routine_split(draw) : 0;
  org.this_tick.arrivals = static_cast<double>(a.total);
  return a;
}

/// How work moves this tick: routing shares, handoff delay, automation, the handoff ring.
/// Routine work goes to teams in proportion to capacity x their department's routine share,
/// complex work to capacity x the complex share; a complex task's second stage goes to the teams
/// of the function its department hands off to, in proportion to their capacity (docs/ODD.md
/// 7.12).
class Routing {
 public:
  Routing(const Organization& org, Tick tick) : org_(org), teams_(org.teams) {
    const ModelParams& p = org.params();
    const std::size_t functions = static_cast<std::size_t>(org.settings().functions);
    function_capacity_.assign(functions, 0);
    for (std::size_t t = 0; t < teams_.count; ++t) {
      const double c = teams_.capacity[t];
      const double r = teams_.routine_share[t];
      routine_weight_ += c * r;
      complex_weight_ += c * (1.0 - r);
      total_capacity_ += c;
      for (std::size_t g = 0; g < functions; ++g)
        if (does(t, g)) function_capacity_[g] += c;
      uniform_ = uniform_ && r == org.departments.front().routine_share;
    }
    handoffs = p.structure.enabled && teams_.count > 1;
    const double late = std::max(0.0, org.flow.lead_time / p.work.target_lead_time - 1.0);
    cancelled_share = 1.0 - std::exp(-p.work.reneging * late);
    delay = static_cast<double>(p.work.handoff_delay) * org.settings().handoff_factor *
            (1.0 - 0.5 * org.automation.communication);
    down = org.automation.downtime_left > 0;
    slots = org.flow.pipeline_slots;
    now = tick % slots;
    sent_.assign(functions * static_cast<std::size_t>(org.settings().sites), 0);
  }
  /// The routine share of arriving work (capacity-weighted over departments).
  [[nodiscard]] double routine_share() const {
    return total_capacity_ > 0 && !uniform_ ? routine_weight_ / total_capacity_
                                            : org_.departments.front().routine_share;
  }
  /// Team t's shares of the routine and of the complex arrivals.
  [[nodiscard]] double routine_part(std::size_t t) const {
    return routine_weight_ > 0 ? teams_.capacity[t] * teams_.routine_share[t] / routine_weight_
                               : even();
  }
  [[nodiscard]] double complex_part(std::size_t t) const {
    return complex_weight_ > 0
               ? teams_.capacity[t] * (1.0 - teams_.routine_share[t]) / complex_weight_
               : even();
  }
  /// Process automation of team t's routine work (none while automation is down).
  [[nodiscard]] double automated_share(std::size_t t) const {
    return down ? 0.0 : teams_.process[t];
  }
  /// The function that does team t's second stages: the one its department hands off to (its
  /// own when nobody practises that one).
  [[nodiscard]] std::size_t second_stage_function(std::size_t t) const {
    const std::size_t functions = function_capacity_.size();
    const auto target = static_cast<std::size_t>(department(t).handoff_to) % functions;
    return function_capacity_[target] > 0 ? target : static_cast<std::size_t>(teams_.function[t]);
  }
  /// Whether team t hands its first stages on: with handoffs, every team but a squad with
  /// someone of the second stage's function (a squad of a site without it hands off too).
  [[nodiscard]] bool hands_off(std::size_t t) const {
    if (!handoffs) return false;
    if (!teams_.squad[t]) return true;
    const std::uint32_t bit = 1u << (static_cast<std::uint32_t>(second_stage_function(t)) % 32u);
    return t >= teams_.functions_present.size() || (teams_.functions_present[t] & bit) == 0;
  }
  /// Team t hands `amount` first stages on: to the function its department hands off to.
  void hand_off(std::size_t t, double amount) {
    sent_[second_stage_function(t) * static_cast<std::size_t>(org_.settings().sites) +
          static_cast<std::size_t>(teams_.site[t])] += amount;
  }
  /// Delivers what was handed off to the receiving teams' rings (cross-site handoffs later).
  void deliver(Teams& teams, Tick tick) const {
    const auto sites = static_cast<std::size_t>(org_.settings().sites);
    const std::size_t functions = function_capacity_.size();
    parallel_chunks(teams.count, 1024, [&](std::size_t begin, std::size_t end) {
      for (std::size_t u = begin; u < end; ++u) {  // each team's own ring
        for (std::size_t g = 0; g < functions; ++g) {
          if (!does(u, g) || function_capacity_[g] <= 0 || teams.capacity[u] <= 0) continue;
          const double part = teams.capacity[u] / function_capacity_[g];
          for (std::size_t s = 0; s < sites; ++s) {
            const double amount = sent_[g * sites + s] * part;
            if (amount <= 0) continue;
            double d = delay;
            if (static_cast<std::size_t>(teams.site[u]) != s)
              d += static_cast<double>(org_.params().structure.cross_site_delay);
            const auto ticks =
                std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(d)), 1, slots - 1);
            teams.pipeline[u * slots + (tick + ticks) % slots] += amount;
          }
        }
      }
    });
  }

  /// Share of the waiting work customers cancel this tick (reneging at last tick's lead time).
  double cancelled_share = 0;
  bool handoffs = false;  ///< complex tasks' second stage goes to another function's teams
  double delay = 0;       ///< handoff delay before cross-site delays
  bool down = false;      ///< automation down after an incident
  std::size_t slots = 0, now = 0;

 private:
  [[nodiscard]] const Department& department(std::size_t t) const {
    return org_.departments[static_cast<std::size_t>(teams_.department[t])];
  }
  [[nodiscard]] double even() const { return 1.0 / static_cast<double>(teams_.count); }
  /// Whether team t does function g's second stages: a team of one function, its own; a squad,
  /// every function among its members (handoffs to a function go to the squads that have its
  /// people, not to those whose lead practises it: routed by the lead, every finance second
  /// stage of a firm of squads went to the one squad led from finance).
  [[nodiscard]] bool does(std::size_t t, std::size_t g) const {
    if (!teams_.squad[t] || t >= teams_.functions_present.size())
      return static_cast<std::size_t>(teams_.function[t]) % function_capacity_.size() == g;
    return g < 32 && ((teams_.functions_present[t] >> g) & 1u) != 0;
  }

  const Organization& org_;
  const Teams& teams_;
  double total_capacity_ = 0, routine_weight_ = 0, complex_weight_ = 0;
  bool uniform_ = true;  ///< every team's department has the same routine share
  std::vector<double> function_capacity_;
  std::vector<double> sent_;  ///< handed off this tick [function][source site]
};

/// What one team did this tick, as the terms it adds to the tick's totals (summed in team order
/// afterwards by add_to_totals, so the sums are the same whatever thread served the team).
/// Every field is written by the team's receive_and_automate and serve_and_hand_off.
struct TeamWork {
  double automated, automated_on_strategy, automation_errors;
  std::array<double, 3> errors;  ///< rework of second stages, first stages, routine tasks
  double handed_off;             ///< first stages done that go to another function's teams
  bool hands_off;
  double done, done_on_strategy, capacity, used, queued;
  double cancelled;  ///< queued work customers cancelled this tick (reneging)
};

/// New work joins team t's queues; process automation takes its share of the routine work, and
/// its errors come back as rework.
void receive_and_automate(Organization& org, std::size_t t, const Arrivals& arrivals,
                          const Routing& routing, TeamWork& work) {
  Teams& teams = org.teams;
  const double carried = teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t];
  teams.second_queue[t] +=
      teams.pipeline[t * routing.slots + routing.now];  // handoffs arriving now
  teams.pipeline[t * routing.slots + routing.now] = 0;
  const double routine_each = static_cast<double>(arrivals.routine) * routing.routine_part(t);
  teams.complex_queue[t] +=
      static_cast<double>(arrivals.total - arrivals.routine) * routing.complex_part(t);
  const double automated = routine_each * routing.automated_share(t);
  const double automation_errors =
      automated * org.params().automation.error_rate * (1.0 - teams.digital_skill[t]);
  teams.routine_queue[t] += routine_each - automated + automation_errors;
  // Workload felt this tick (kept in utilization until serve_and_hand_off): the new work plus
  // a quarter of the work carried over (a backlog is worked down over about four weeks).
  const double queued = teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t];
  teams.utilization[t] = queued - carried + kBacklogPressure * carried;
  teams.work_in[t] = queued - carried;  // every stage is kComplexEffort = 1 unit of capacity
  work.automated = automated - automation_errors;
  work.automated_on_strategy = (automated - automation_errors) * teams.fit[t];
  work.automation_errors = automation_errors;
}

/// Team t's people serve its queues, second stages first, within its capacity; errors stay in
/// the queue as rework. First stages done go to the next team (handoff) or stay for their
/// second stage.
void serve_and_hand_off(Organization& org, std::size_t t, const Routing& routing, TeamWork& work) {
  Teams& teams = org.teams;
  const double capacity = teams.capacity[t];
  const double demanded = teams.utilization[t];  // workload, set by receive_and_automate
  double left = capacity;
  double skill_error =
      org.settings().error_rate * (1.5 - teams.skill[t]);  // 0.5x to 1.5x the base rate
  if (coordination_on(org.params()))  // specialization economies: fewer errors in deep teams
    skill_error *= 1.0 + org.params().coordination.specialization * (1.0 - teams.depth[t]);
  auto serve = [&](double& queue, double effort, double error_factor, double& rework) {
    const double done = std::min(queue, left / effort);
    left -= done * effort;
    const double errors = done * std::min(1.0, skill_error * error_factor);
    queue -= done - errors;
    rework = errors;
    return done - errors;
  };
  const double second_done = serve(teams.second_queue[t], kComplexEffort, 1.5, work.errors[0]);
  const double first_done = serve(teams.complex_queue[t], kComplexEffort, 1.5, work.errors[1]);
  const double routine_done = serve(teams.routine_queue[t], 1.0, 1.0, work.errors[2]);
  // First stages done go to another function's teams (possibly at another site) for their
  // second stage, or, in a squad with someone of that function, wait for it here.
  work.hands_off = routing.hands_off(t);
  work.handed_off = work.hands_off ? first_done : 0.0;
  if (!work.hands_off) {  // the second stage is new work for this team
    teams.second_queue[t] += first_done;
    teams.work_in[t] += first_done;
  }
  const double done = second_done + routine_done;
  teams.routine_done[t] = routine_done;
  teams.complex_done[t] = second_done + first_done;
  teams.completed[t] = done;
  work.done = done;
  work.done_on_strategy = done * teams.fit[t];
  work.capacity = capacity;
  work.used = capacity - left;
  teams.utilization[t] = capacity > 0 ? std::min(3.0, demanded / capacity) : 3.0;
  // Customers cancel a share of the work still waiting (reneging, 7.12).
  const double kept = 1.0 - routing.cancelled_share;
  const double waiting = teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t];
  teams.routine_queue[t] *= kept;
  teams.complex_queue[t] *= kept;
  teams.second_queue[t] *= kept;
  work.queued = teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t];
  work.cancelled = waiting - work.queued;
}

/// Team t's terms join the totals (and its handoffs the routing), in the order the team
/// produced them; called in team order.
void add_to_totals(const Teams& teams, std::size_t t, const TeamWork& work, Routing& routing,
                   WorkTotals& totals) {
  totals.completed += work.automated;
  totals.automated += work.automated + work.automation_errors;
  totals.on_strategy += work.automated_on_strategy;
  totals.reworked += work.automation_errors;
  for (const double rework : work.errors) totals.reworked += rework;
  if (work.hands_off) {
    routing.hand_off(t, work.handed_off);
    totals.sent += work.handed_off;
  }
  totals.completed += work.done;
  totals.on_strategy += work.done_on_strategy;
  totals.capacity += work.capacity;
  totals.used += work.used;
  totals.backlog += work.queued;
  totals.cancelled += work.cancelled;
  for (std::size_t k = 0; k < routing.slots; ++k)
    totals.backlog += teams.pipeline[t * routing.slots + k];
}

/// The tick's outcomes, and lead time by Little's law: work in process / smoothed throughput.
void settle_flow(Organization& org, Tick tick, const WorkTotals& totals) {
  org.this_tick.completed = totals.completed;
  org.this_tick.on_strategy_completed = totals.on_strategy;
  org.this_tick.reworked = totals.reworked;
  org.this_tick.handoffs = totals.sent;
  org.this_tick.automated = totals.automated;
  org.this_tick.capacity_total = totals.capacity;
  org.this_tick.used_capacity = totals.used;
  org.this_tick.cancelled = totals.cancelled;
  Flow& flow = org.flow;
  flow.backlog = totals.backlog;
  flow.throughput_average =
      tick <= 1 ? totals.completed : 0.9 * flow.throughput_average + 0.1 * totals.completed;
  flow.lead_time =
      flow.throughput_average > 1e-9 ? totals.backlog / flow.throughput_average : totals.backlog;
}

/// Customers: speed, quality and value fit drive satisfaction; loyalty follows satisfaction.
void settle_customers(Organization& org, const WorkTotals& totals) {
  const double completed = totals.completed;
  const double speed = 1.0 / (1.0 + org.flow.lead_time / org.params().work.target_lead_time);
  const double quality =
      completed + totals.reworked > 0 ? completed / (completed + totals.reworked) : 1.0;
  const double value = completed > 0 ? totals.on_strategy / completed : 0.0;
  MarketState& market = org.market;
  market.satisfaction += 0.1 * ((speed + quality + value) / 3.0 - market.satisfaction);
  market.loyalty += 0.05 * (market.satisfaction - market.loyalty);
  // The customer base follows the share satisfaction earns against competitors who deliver
  // what customers expect: attractiveness A = exp(sensitivity (satisfaction - expectation)),
  // share A / (A + 1), relative to the starting share 1/2; customers leave faster than they
  // come back (churn_time < winback_time).
  const WorkParams& w = org.params().work;
  const double attractiveness =
      std::exp(w.customer_sensitivity * (market.satisfaction - market.expectation));
  const double indicated = 2.0 * attractiveness / (attractiveness + 1.0);
  const double time = indicated < market.customers ? w.churn_time : w.winback_time;
  market.customers += (indicated - market.customers) / time;
}

/// Revenue of the work done and the tick's running costs; the staffing totals hiring plans on.
void book_finance(Organization& org, Tick tick, const WorkTotals& totals) {
  const ModelParams& p = org.params();
  const double n = static_cast<double>(org.headcount());
  org.this_tick.revenue =
      p.finance.task_value * (totals.on_strategy + 0.3 * (totals.completed - totals.on_strategy));
  double cost = 0;  // salaries: summed per team by team_capacity; overtime at its premium
  double overtime = 0, normal = 0;
  std::size_t vacancies = 0;
  for (std::size_t t = 0; t < org.teams.count; ++t) {
    cost += org.teams.salary[t] * (1.0 + p.finance.overtime_premium * org.teams.overtime[t]);
    overtime += org.teams.salary[t] * org.teams.overtime[t];
    normal += org.teams.salary[t];
    vacancies += org.teams.vacant[t];
    org.this_tick.staffed += org.teams.staffed[t];
    // Hiring plans on the capacity the team has without overtime and once a restructuring's
    // dip has passed: both are temporary, and a firm does not hire for them (7.12).
    org.this_tick.planned_capacity += org.teams.capacity[t] / (1.0 + org.teams.overtime[t]) /
                                      (1.0 - restructuring_dip(org, t, tick));
  }
  std::array<double, kCostKinds> parts{};  // the breakdown (the total is summed as before)
  parts[static_cast<std::size_t>(CostKind::payroll)] = cost;
  double overhead = p.finance.overhead_cost * n + p.finance.fixed_cost;
  cost += overhead;
  // A matrix pays for its second line whatever the work: the project managers' share of the
  // payroll (7.20; Davis & Lawrence 1977: the matrix's overhead).
  if (coordination_on(p) && org.hierarchy.type == StructureType::matrix) {
    const double second_line = p.coordination.matrix_overhead * normal;
    cost += second_line;
    overhead += second_line;
  }
  parts[static_cast<std::size_t>(CostKind::overhead)] = overhead;
  if (org.this_tick.staffed > 0) {
    const double now = org.this_tick.planned_capacity / org.this_tick.staffed;
    double& perceived = org.flow.productivity;
    perceived = perceived > 0 ? perceived + (now - perceived) / 13.0 : now;
  }
  org.this_tick.overtime = normal > 0 ? overtime / normal : 0.0;
  org.finance.wage_bill = normal;  // the reserve is held against the wage bill of today (7.17)
  org.this_tick.vacancies = vacancies;
  if (p.automation.enabled) {
    // Process automation is paid by the volume it handles; the data and communication platforms
    // by the size of the firm they were bought for (not falling as people leave).
    const AutomationState& a = org.automation;
    const double running =
        p.finance.automation_task_cost * totals.automated +
        p.finance.automation_cost * org.finance.headcount * (a.data + a.communication) / 3.0;
    // Security is bought for what is automated, in proportion to it (as the exposure to
    // incidents is, 7.13): nothing at automation level "none".
    const double security = p.finance.security_cost * org.finance.headcount *
                            p.automation.security_investment * a.mean_level();
    cost += running;
    cost += security;
    parts[static_cast<std::size_t>(CostKind::automation)] = running + security;
  }
  std::size_t in_training = 0;  // counted by team_capacity, which visits every member
  for (std::size_t t = 0; t < org.teams.count; ++t) in_training += org.teams.in_training[t];
  const double training = p.finance.training_cost * static_cast<double>(in_training);
  cost += training;
  parts[static_cast<std::size_t>(CostKind::change)] = training;
  org.this_tick.cost += cost;
  for (std::size_t k = 0; k < kCostKinds; ++k) org.this_tick.cost_by[k] += parts[k];
}

/// Each department's workload over its capacity this tick, averaged with weight 1/13 (about a
/// quarter), and what hiring to backlog plans on (7.12): the effort reaching it (averaged the
/// same way), the effort waiting in its queues, and its people's capacity at full productivity
/// without overtime or a restructuring's dip (averaged). Every member carries an equal share of
/// their team's quantities, counted in their own department, so that people in squads led from
/// another department count where they belong.
void update_department_load(Organization& org, Tick tick) {
  const std::size_t departments = org.departments.size();
  const auto department = org.department_of();
  const Teams& teams = org.teams;
  enum Sum : std::size_t { demanded, capacity, work_in, backlog, planned, staffed, kSums };
  // Sums per department, kSums blocks of `departments`, over teams in a fixed split (the same at
  // any thread count).
  const std::vector<double> sums = deterministic_reduce(
      teams.count, 256, std::vector<double>(kSums * departments, 0.0),
      [&](std::size_t begin, std::size_t end, std::vector<double> acc) {
        for (std::size_t t = begin; t < end; ++t) {
          const auto first = teams.member_offsets[t], last = teams.member_offsets[t + 1];
          if (last == first) continue;
          const double members = static_cast<double>(last - first);
          const double share = teams.capacity[t] / members;
          const std::array<double, kSums> each{
              teams.utilization[t] * share,
              share,
              teams.work_in[t] / members,
              (teams.routine_queue[t] + teams.complex_queue[t] + teams.second_queue[t]) / members,
              teams.capacity[t] / (1.0 + teams.overtime[t]) /
                  (1.0 - restructuring_dip(org, t, tick)) / members,
              teams.staffed[t] / members};
          const std::int32_t sole =
              t < teams.sole_department.size() ? teams.sole_department[t] : -1;
          if (sole >= 0) {  // every member in one department: no need to look each one up
            for (auto k = first; k < last; ++k)  // (added one by one: the same sums)
              for (std::size_t sum = 0; sum < kSums; ++sum)
                acc[sum * departments + static_cast<std::size_t>(sole)] += each[sum];
            continue;
          }
          for (auto k = first; k < last; ++k) {
            const auto d = static_cast<std::size_t>(department[teams.member_slots[k]]);
            for (std::size_t sum = 0; sum < kSums; ++sum) acc[sum * departments + d] += each[sum];
          }
        }
        return acc;
      },
      [](std::vector<double> a, const std::vector<double>& b) {
        for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
        return a;
      });
  auto at = [&](Sum sum, std::size_t d) { return sums[sum * departments + d]; };
  auto average = [](double& value, double now) {
    value = value < 0 ? now : value + (now - value) / 13.0;
  };
  for (std::size_t d = 0; d < departments; ++d) {
    Department& dep = org.departments[d];
    if (at(capacity, d) <= 0) continue;
    average(dep.load, at(demanded, d) / at(capacity, d));
    average(dep.work_in, at(work_in, d));
    dep.backlog = at(backlog, d);
    if (at(staffed, d) > 0) average(dep.productivity, at(planned, d) / at(staffed, d));
  }
}

}  // namespace

void process_work(Organization& org, Tick tick) {
  if (org.landscape.active()) landscape_team_fit(org);  // payoff, not agreement (7.19)
  Routing routing(org, tick);
  const Arrivals arrivals = arrive(org, tick, routing.routine_share());
  // Teams receive and serve in parallel (each writes only its own rows); their terms are then
  // added up in team order.
  const auto work = std::make_unique_for_overwrite<TeamWork[]>(org.teams.count);
  parallel_chunks(org.teams.count, 256, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      receive_and_automate(org, t, arrivals, routing, work[t]);
      serve_and_hand_off(org, t, routing, work[t]);
    }
  });
  WorkTotals totals;
  for (std::size_t t = 0; t < org.teams.count; ++t)
    add_to_totals(org.teams, t, work[t], routing, totals);
  routing.deliver(org.teams, tick);
  totals.backlog += totals.sent;  // handed off this tick: in transit
  const CoordinationOutcome coordination = coordinate_work(org, tick);
  totals.completed += coordination.completed;
  totals.on_strategy += coordination.on_strategy;
  totals.reworked += coordination.reworked;
  totals.backlog += coordination.pending + coordination.reworked;  // held back, or to redo
  settle_flow(org, tick, totals);
  settle_customers(org, totals);
  book_finance(org, tick, totals);
  update_department_load(org, tick);
}

namespace {

/// Customers who react, and the staffing answers to overload (issue 20).
std::vector<MetricRow> customer_and_staffing_metrics() {
  return {
      {{"customers", "customer", "x starting base", "Customer base",
        "Customers relative to the starting customer base (7.12): follows satisfaction against "
        "work.customer_expectation; NaN without work.",
        Better::higher, true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.market.customers : kNaN; }},
      {{"lost_demand", "customer", "tasks/tick", "Lost orders",
        "Orders not placed this tick because customers balked at the lead time; NaN without work.",
        Better::lower, false},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.lost_demand : kNaN;
       }},
      {{"cancelled_orders", "customer", "tasks/tick", "Cancelled orders",
        "Waiting work customers cancelled this tick because the lead time exceeded "
        "work.target_lead_time (work.reneging); NaN without work.",
        Better::lower, false},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.cancelled : kNaN;
       }},
      {{"overtime", "operational_efficiency", "share of paid hours", "Overtime",
        "Overtime worked this tick as a share of normal paid hours (org.overtime); NaN without "
        "work.",
        Better::none, false},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.overtime : kNaN;
       }},
      {{"vacancies", "engagement", "positions", "Vacancies",
        "Positions not yet filled by a hire this tick (org.time_to_fill); NaN without work.",
        Better::lower, false},
       [](const Observation& o) {
         return o.params.work.enabled ? static_cast<double>(o.org.this_tick.vacancies) : kNaN;
       }},
  };
}

std::vector<MetricRow> work_metrics() {
  return {
      {{"on_strategy_share", "strategic_alignment", "[0, 1]", "On-strategy work",
        "Share of completed work done on strategy (the doing team's code matches reality); NaN "
        "without work.",
        Better::higher, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled ? kNaN
                : t.completed > 0      ? t.on_strategy_completed / t.completed
                                       : 0.0;
       }},
      {{"throughput", "operational_efficiency", "tasks/tick", "Throughput",
        "Tasks completed this tick; NaN without work.", Better::higher, true},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.completed : kNaN;
       }},
      {{"arrivals", "operational_efficiency", "tasks/tick", "Arrivals",
        "Tasks that arrived this tick (the demand the firm received); NaN without work.",
        Better::none, true},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.arrivals : kNaN;
       }},
      {{"lead_time", "operational_efficiency", "ticks", "Lead time",
        "Work in process / smoothed throughput (Little's law); NaN without work.", Better::lower,
        true},
       [](const Observation& o) { return o.params.work.enabled ? o.org.flow.lead_time : kNaN; }},
      {{"utilization", "operational_efficiency", "[0, 1]", "Utilization",
        "Used / available human capacity; NaN without work.", Better::none, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled ? kNaN
                : t.capacity_total > 0 ? t.used_capacity / t.capacity_total
                                       : 0.0;
       }},
      {{"cost_per_task", "operational_efficiency", "currency/task", "Cost per task",
        "Cost this tick / tasks completed; NaN without work or with under 0.001 tasks completed.",
        Better::lower, true},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         // Below a thousandth of a task the ratio means nothing (a collapsing market gave inf).
         return !o.params.work.enabled ? kNaN : t.completed >= 1e-3 ? t.cost / t.completed : kNaN;
       }},
      {{"rework_rate", "operational_efficiency", "[0, 1]", "Rework rate",
        "Tasks sent back for rework / (completed + reworked) this tick; NaN without work.",
        Better::lower, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         return !o.params.work.enabled         ? kNaN
                : t.completed + t.reworked > 0 ? t.reworked / (t.completed + t.reworked)
                                               : 0.0;
       }},
      {{"backlog", "operational_efficiency", "tasks", "Backlog",
        "Tasks waiting or in transit; NaN without work.", Better::lower, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.flow.backlog : kNaN; }},
      {{"handoffs", "operational_efficiency", "tasks/tick", "Handoffs",
        "Tasks crossing a team boundary this tick; NaN without work.", Better::lower, false},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.this_tick.handoffs : kNaN;
       }},
      {{"customer_satisfaction", "customer", "[0, 1]", "Customer satisfaction",
        "Smoothed mean of speed, quality and value fit of delivered work; NaN without work.",
        Better::higher, true},
       [](const Observation& o) {
         return o.params.work.enabled ? o.org.market.satisfaction : kNaN;
       }},
      {{"loyalty", "customer", "[0, 1]", "Customer loyalty",
        "Customer loyalty, following satisfaction; NaN without work.", Better::higher, false},
       [](const Observation& o) { return o.params.work.enabled ? o.org.market.loyalty : kNaN; }},
  };
}

}  // namespace

const Submodel& work_submodel() {
  using K = PhaseRow::Kind;
  const auto work_on = [](const ModelParams& p) { return p.work.enabled; };
  static const Submodel submodel{
      "work",
      "7.12",
      "Tasks, routing, queues, handoffs, rework, lead time, customers.",
      [](std::vector<ParamSpec>& table) {
        declare_group<WorkParams, &ModelParams::work>("work", table);
      },
      [] {
        std::vector<MetricRow> rows = work_metrics();
        for (MetricRow& row : customer_and_staffing_metrics()) rows.push_back(std::move(row));
        return rows;
      }(),
      {{"team_capacity", K::over_teams, nullptr, team_capacity, 64, work_on},
       {"process_work", K::serial, process_work, nullptr, 0, work_on}}};
  return submodel;
}

}  // namespace orgsim::agents
