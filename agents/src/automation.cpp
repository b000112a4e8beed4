// Technology and automation: adoption (TAM: usefulness from low resistance, ease of use from
// digital skill), freed capacity (redeploy with retraining, or lay off), cyber incidents
// (docs/ODD.md 7.13).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace orgsim::agents {

namespace {

/// The employees who lead no team, by department, each list in slot order: found in one pass
/// when first needed, kept up to date as people are redeployed, found again after a layoff (its
/// slots move). Picking staff from it instead of scanning every employee for each department.
class StaffByDepartment {
 public:
  explicit StaffByDepartment(const Organization& org) : org_(org) {}

  /// Up to `count` distinct members of `department`, uniformly (partial Fisher-Yates over them
  /// in slot order), in slot order.
  std::vector<std::size_t> pick(std::size_t department, std::size_t count, Tick tick) {
    if (staff_.empty()) find();
    std::vector<std::size_t> order = staff_[department];
    RandomStream draw = org_.key().stream(streams::selection, department, tick);
    count = std::min(count, order.size());
    for (std::size_t k = 0; k < count; ++k)
      std::swap(order[k], order[k + draw.below(order.size() - k)]);
    order.resize(count);
    std::sort(order.begin(), order.end());
    return order;
  }

  /// `slot` (no lead) moved from department `from` to `to`.
  void moved(std::size_t slot, std::size_t from, std::size_t to) {
    if (staff_.empty() || from == to || from >= staff_.size() || to >= staff_.size()) return;
    auto& left = staff_[from];
    const auto at = std::lower_bound(left.begin(), left.end(), slot);
    if (at != left.end() && *at == slot) left.erase(at);
    auto& joined = staff_[to];
    joined.insert(std::lower_bound(joined.begin(), joined.end(), slot), slot);
  }

  /// Slots have changed (a layoff): found again when next needed.
  void forget() { staff_.clear(); }

 private:
  void find() {
    staff_.assign(org_.departments.size(), {});
    const auto in = org_.department_of();
    const auto leads = org_.leads();
    for (std::size_t slot = 0; slot < org_.headcount(); ++slot) {
      const auto department = static_cast<std::size_t>(in[slot]);
      if (!leads[slot] && department < staff_.size()) staff_[department].push_back(slot);
    }
  }

  const Organization& org_;
  std::vector<std::vector<std::size_t>> staff_;  // by department; empty: not found yet
};

}  // namespace

namespace {

/// Mean resistance and mean digital skill of the employees (deterministic reduction: a fixed
/// split tree).
std::pair<double, double> mean_resistance_and_digital_skill(const Organization& org) {
  struct Sums {
    double resistance = 0;
    double digital = 0;
  };
  const std::size_t n = org.headcount();
  const std::size_t digital_index = org.skill_count() - 1;
  const auto resistance = org.resistance();
  const Sums sums = deterministic_reduce(
      n, 4096, Sums{},
      [&](std::size_t begin, std::size_t end, Sums acc) {
        for (std::size_t slot = begin; slot < end; ++slot) {
          acc.resistance += resistance[slot];
          acc.digital += org.skills(slot)[digital_index];
        }
        return acc;
      },
      [](Sums a, const Sums& b) {
        a.resistance += b.resistance;
        a.digital += b.digital;
        return a;
      });
  return {sums.resistance / static_cast<double>(n), sums.digital / static_cast<double>(n)};
}

/// Levels move toward their targets at a speed slowed by resistance (usefulness) and by the
/// digital-skill gap (ease of use), as in the technology acceptance model.
void approach_targets(Organization& org, const std::vector<double>& people) {
  const auto [mean_resistance, mean_digital] = mean_resistance_and_digital_skill(org);
  const double usefulness =
      std::clamp(1.0 - mean_resistance - 0.3 * org.climate.change_fatigue, 0.0, 1.0);
  const double ease = std::min(1.0, 2.0 * mean_digital);
  const Settings& s = org.settings();
  double speed = org.params().automation.adoption_speed * usefulness * ease;
  // The investment these steps need (finance.automation_capex per employee and unit of level),
  // paid from the budget: what it cannot pay slows adoption in proportion (7.17).
  double gap = 0;  // employee-weighted distance still to automate
  for (std::size_t d = 0; d < people.size(); ++d)
    gap += people[d] *
           std::max(0.0, org.departments[d].automation_target - org.departments[d].process);
  const auto n = static_cast<double>(org.headcount());
  gap += n * (std::max(0.0, s.data_target - org.automation.data) +
              std::max(0.0, s.communication_target - org.automation.communication));
  speed *= afford(org, org.params().finance.automation_capex * speed * gap);
  auto approach = [speed](double& level, double target) {
    level = level < target ? level + speed * (target - level) : target;
  };
  for (Department& d : org.departments) approach(d.process, d.automation_target);
  approach(org.automation.data, s.data_target);
  approach(org.automation.communication, s.communication_target);
  // The company's process automation: the departments' levels weighted by their people.
  double sum = 0;
  for (std::size_t d = 0; d < people.size(); ++d) sum += people[d] * org.departments[d].process;
  org.automation.process = sum / static_cast<double>(org.headcount());
}

// Layoff survivors' fear (docs/ODD.md 7.11), calibrated so that survivors' engagement falls by
// 3-8 % of its mean in the six months after a layoff of 2-10 % of the staff (Culture Amp: about
// 6 % lower engagement; Glassdoor 2025: 0.16 of 5 stars; Kenexa WorkTrends 2011), voluntary
// turnover rises by roughly a quarter (Trevor & Nyberg 2008) and repeated rounds add up.
constexpr double kLayoffRoundFear = 0.03;    // the news of a new round, whatever its size
constexpr double kLayoffFearPerShare = 0.5;  // per share of the staff laid off
constexpr double kMaxLayoffFear = 0.3;

/// The chosen employees leave (layoff): fear and fatigue rise, teams and network are rebuilt.
void lay_off(Organization& org, const std::vector<std::size_t>& chosen, Tick tick) {
  const std::size_t n = org.headcount();
  const std::size_t count = chosen.size();
  std::vector<std::uint8_t> keep(n, 1);
  for (std::size_t slot : chosen) keep[slot] = 0;
  double weekly_salaries = 0;  // severance: finance.severance weeks of each one's salary
  for (const std::size_t slot : chosen) weekly_salaries += org.annual_salary()[slot] / 52.0;
  org.this_tick.spend(CostKind::change, org.params().finance.severance * weekly_salaries);
  org.remove_employees(keep, count, tick);
  org.this_tick.laid_off += count;
  // Survivors' fear (7.11): a new round's announcement (none in the 13 ticks before) and the
  // share laid off, so that the survivors' engagement falls within the documented range.
  const bool new_round = static_cast<std::int64_t>(tick) - org.climate.last_layoff > 13;
  org.climate.layoff_fear =
      std::min(kMaxLayoffFear,
               org.climate.layoff_fear + (new_round ? kLayoffRoundFear : 0.0) +
                   kLayoffFearPerShare * static_cast<double>(count) / static_cast<double>(n));
  org.climate.last_layoff = static_cast<int>(tick);
  org.climate.add_fatigue(0.05);
  if (org.params().org.hiring_freeze > 0)  // no hiring while laying off (7.13)
    org.climate.hiring_frozen_until =
        static_cast<int>(tick + static_cast<Tick>(org.params().org.hiring_freeze)) - 1;
}

/// Redeployment: each freed employee retrains and moves to the team with the most demand per
/// capacity outside the automating department (teams of departments below their starting size
/// first); without such demand (utilization under 0.85) they retrain where they are.
void redeploy(Organization& org, std::size_t from, const std::vector<std::size_t>& chosen,
              Tick tick, StaffByDepartment& staff) {
  const ModelParams& p = org.params();
  Teams& teams = org.teams;
  // Candidate teams by pressure (workload / capacity), highest first, lowest index on ties.
  std::vector<double> capacity(teams.capacity.begin(), teams.capacity.end());
  const std::vector<std::size_t> candidates =
      parallel_select(teams.count, 4096, [&](std::size_t t) {
        return static_cast<std::size_t>(teams.department[t]) != from && capacity[t] > 0 &&
               teams.utilization[t] > 0.85;
      });
  std::vector<std::pair<double, std::int64_t>> heap;
  heap.reserve(candidates.size());
  for (const std::size_t t : candidates)
    heap.emplace_back(teams.utilization[t], -static_cast<std::int64_t>(t));
  std::make_heap(heap.begin(), heap.end());
  const auto until =
      static_cast<std::int32_t>(tick) + static_cast<std::int32_t>(p.automation.training_ticks);
  for (std::size_t slot : chosen) {
    org.training_until()[slot] = p.automation.training ? until : static_cast<std::int32_t>(tick);
    if (heap.empty()) continue;  // no demand elsewhere: retrain in place
    std::pop_heap(heap.begin(), heap.end());
    const auto best = static_cast<std::size_t>(-heap.back().second);
    const double demand = heap.back().first * capacity[best];
    heap.pop_back();
    org.move_to_team(slot, best);
    staff.moved(slot, from, static_cast<std::size_t>(teams.department[best]));
    capacity[best] += 0.5 * p.work.tasks_per_employee * 0.3;  // a trainee in a new function
    if (demand / capacity[best] > 0.85) {
      heap.emplace_back(demand / capacity[best], -static_cast<std::int64_t>(best));
      std::push_heap(heap.begin(), heap.end());
    }
  }
  // Moved people keep their contacts (ties are rebuilt at the next restructuring or hiring). The
  // membership index is rebuilt once, after every department's redeployment (adopt_automation).
}

/// Utilization below which freed capacity may be laid off (the staffing target of growth, 7.15).
constexpr double kLayoffSlack = 0.85;
/// Ticks between a department's rounds of layoffs of freed people: a quarter (7.13).
constexpr std::int64_t kLayoffRoundTicks = 13;

/// Capacity freed by process automation (routine work no longer done by people) accumulates per
/// department; each whole employee's worth is redeployed or laid off, among that department's
/// staff (team leads stay), by the department's rule; a layoff only while the firm has slack.
void free_capacity(Organization& org, const std::vector<double>& process_before,
                   const std::vector<double>& people, Tick tick) {
  const double utilization =
      org.this_tick.capacity_total > 0
          ? std::min(1.0, org.this_tick.used_capacity / org.this_tick.capacity_total)
          : 0.8;
  StaffByDepartment staff(org);
  for (std::size_t d = 0; d < org.departments.size(); ++d) {
    Department& dep = org.departments[d];
    dep.freed_fte += std::max(0.0, dep.process - process_before[d]) * dep.routine_share *
                     people[d] * utilization;
    if (dep.freed_fte < 1.0 || org.headcount() <= 1) continue;
    // Management does not lay off people it needs: while the firm's capacity is mostly used
    // (at or above the 85 % staffing target of 7.15), freed people are redeployed instead.
    // Layoffs come in rounds, at most one a quarter per department, each releasing everyone
    // freed since the last: an announced event, not a weekly trickle.
    const bool lay_off_now =
        dep.freed_capacity == FreedCapacity::layoff && utilization < kLayoffSlack;
    if (lay_off_now && static_cast<std::int64_t>(tick) - dep.last_layoff_round < kLayoffRoundTicks)
      continue;
    const auto count =
        std::min<std::size_t>(static_cast<std::size_t>(dep.freed_fte), org.headcount() - 1);
    dep.freed_fte -= static_cast<double>(count);
    const std::vector<std::size_t> chosen = staff.pick(d, count, tick);
    if (lay_off_now) {
      lay_off(org, chosen, tick);
      staff.forget();
      dep.last_layoff_round = static_cast<std::int64_t>(tick);
    } else {
      redeploy(org, d, chosen, tick, staff);
    }
  }
}

/// Cyber incidents: likelier with more automation, less likely with security investment.
void draw_incident(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  const double level = org.automation.mean_level();
  const double security_gap = 1.0 - p.automation.security_investment;
  RandomStream draw = org.key().stream(streams::incident, 0, tick);
  if (draw.bernoulli(p.automation.incident_rate * level * security_gap * security_gap)) {
    ++org.this_tick.incidents;
    org.automation.downtime_left = static_cast<int>(p.automation.incident_downtime);
    org.this_tick.spend(CostKind::automation, p.finance.incident_cost);
    org.climate.add_fatigue(0.05);
  }
}

}  // namespace

void retarget_automation(Organization& org, std::span<const std::int32_t> departments,
                         double target, std::optional<FreedCapacity> freed) {
  for (std::size_t d = 0; d < org.departments.size(); ++d) {
    if (!departments.empty() && std::find(departments.begin(), departments.end(),
                                          static_cast<std::int32_t>(d)) == departments.end())
      continue;
    org.departments[d].automation_target = target;
    if (freed) org.departments[d].freed_capacity = *freed;
  }
}

void lay_off_share(Organization& org, std::span<const std::int32_t> departments, double share,
                   Tick tick) {
  const std::vector<double> people = org.department_headcounts();
  StaffByDepartment staff(org);
  std::vector<std::size_t> chosen;
  for (std::size_t d = 0; d < org.departments.size(); ++d) {
    if (!departments.empty() && std::find(departments.begin(), departments.end(),
                                          static_cast<std::int32_t>(d)) == departments.end())
      continue;
    const auto count = static_cast<std::size_t>(std::lround(share * people[d]));
    const std::vector<std::size_t> picked = staff.pick(d, count, tick);
    chosen.insert(chosen.end(), picked.begin(), picked.end());
  }
  if (chosen.empty() || chosen.size() >= org.headcount()) return;  // someone always stays
  std::sort(chosen.begin(), chosen.end());
  lay_off(org, chosen, tick);
}

void adopt_automation(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (org.automation.downtime_left > 0) --org.automation.downtime_left;
  if (!p.automation.enabled || static_cast<std::int64_t>(tick) < p.automation.start) return;
  std::vector<double> process_before;
  for (const Department& d : org.departments) process_before.push_back(d.process);
  const std::vector<double> people = org.department_headcounts();  // at the start of the phase
  approach_targets(org, people);
  free_capacity(org, process_before, people, tick);
  if (org.membership_changed) org.rebuild_membership();
  draw_incident(org, tick);
}

namespace {

std::vector<MetricRow> automation_metrics() {
  return {
      {{"automation_process", "technology", "[0, 1]", "Process automation",
        "Adopted level of process automation.", Better::none, false},
       [](const Observation& o) {
         return o.params.automation.enabled ? o.org.automation.process : kNaN;
       }},
      {{"automation_data", "technology", "[0, 1]", "Data-driven automation",
        "Adopted level of data-driven automation.", Better::none, false},
       [](const Observation& o) {
         return o.params.automation.enabled ? o.org.automation.data : kNaN;
       }},
      {{"automation_communication", "technology", "[0, 1]", "Communication automation",
        "Adopted level of communication automation.", Better::none, false},
       [](const Observation& o) {
         return o.params.automation.enabled ? o.org.automation.communication : kNaN;
       }},
      {{"automated", "technology", "tasks/tick", "Automated tasks",
        "Routine tasks process automation took this tick (its errors, redone by people, "
        "included): what finance.automation_task_cost is paid for; NaN without automation or "
        "work.",
        Better::none, false},
       [](const Observation& o) {
         return o.params.automation.enabled && o.params.work.enabled ? o.org.this_tick.automated
                                                                     : kNaN;
       }},
      {{"incidents", "technology", "count/tick", "Cyber incidents", "Cyber incidents this tick.",
        Better::lower, false},
       [](const Observation& o) {
         return o.params.automation.enabled ? static_cast<double>(o.org.this_tick.incidents) : kNaN;
       }},
      {{"downtime", "technology", "0/1", "Automation downtime",
        "1 while automated work is down after an incident.", Better::lower, false},
       [](const Observation& o) {
         return o.params.automation.enabled ? (o.org.automation.downtime_left > 0 ? 1.0 : 0.0)
                                            : kNaN;
       }},
      {{"laid_off", "engagement", "employees/tick", "Layoffs", "Employees laid off this tick.",
        Better::lower, false},
       [](const Observation& o) { return static_cast<double>(o.org.this_tick.laid_off); }},
  };
}

}  // namespace

const Submodel& automation_submodel() {
  static const Submodel submodel{
      "automation",
      "7.13",
      "Process, data-driven and communication automation: adoption, freed capacity, incidents.",
      [](std::vector<ParamSpec>& table) {
        declare_group<AutomationParams, &ModelParams::automation>("automation", table);
      },
      automation_metrics(),
      {{"adopt_automation", PhaseRow::Kind::serial, adopt_automation, nullptr, 0,
        [](const ModelParams& p) { return p.automation.enabled; }}}};
  return submodel;
}

}  // namespace orgsim::agents
