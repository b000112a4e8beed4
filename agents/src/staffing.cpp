// People in positions: the organization's departments, teams and reporting lines at tick 0
// (generated, from described departments, or from an org chart), regrouping people into a new
// structure by their skills, moving people between teams, and the hierarchy's layers
// (docs/ODD.md 7.10).
#include "orgsim/agents/organization.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace orgsim::agents {

namespace {

/// Managers' span above team leads for a structure: flat organizations have wide spans (4x),
/// squads are grouped in tribes (2x), functional and matrix departments use the span as given.
std::size_t structure_arity(StructureType type, std::int64_t span) {
  const auto k = static_cast<std::size_t>(std::max<std::int64_t>(2, span));
  switch (type) {
    case StructureType::flat:
      return 4 * k;
    case StructureType::cross_functional:
      return 2 * k;
    case StructureType::functional:
    case StructureType::matrix:
      break;
  }
  return k;
}

/// Links `list` (team indices) into a heap-shaped tree of the given arity: list[j] reports to
/// list[(j - 1) / arity]; list[0] reports to `top` (-1 = it is the top).
void link_heap(Teams& teams, std::span<const std::size_t> list, std::size_t arity,
               std::int32_t top) {
  for (std::size_t j = 0; j < list.size(); ++j) {
    teams.parent[list[j]] =
        j == 0 ? top : static_cast<std::int32_t>(list[(j - 1) / std::max<std::size_t>(1, arity)]);
  }
}

/// The span that gives a department of `teams` teams `levels` management levels (the head's
/// level included): the smallest k whose heap of depth levels - 1 holds every team.
std::int64_t span_for_levels(std::int64_t teams, std::int64_t levels) {
  if (levels <= 1 || teams <= 1) return std::max<std::int64_t>(2, teams);
  for (std::int64_t k = 2;; ++k) {
    std::int64_t nodes = 0, width = 1;
    for (std::int64_t d = 0; d < levels && nodes < teams; ++d, width *= k) nodes += width;
    if (nodes >= teams) return k;
  }
}

}  // namespace

void Organization::init_departments() {
  departments.clear();
  const Settings& s = settings_;
  const auto company_span = params_.structure.span_of_control;
  if (!params_.design) {
    const auto functions = static_cast<std::size_t>(s.functions);
    for (std::size_t f = 0; f < functions; ++f) {
      Department d;
      d.name = "function " + std::to_string(f + 1);
      d.function = static_cast<std::int32_t>(f);
      d.handoff_to = static_cast<std::int32_t>((f + 1) % functions);
      d.team_size = s.team_size;
      d.span = company_span;
      d.routine_share = params_.work.routine_share;
      d.automation_target = s.process_target;
      d.freed_capacity = s.freed_capacity;
      departments.push_back(d);
    }
    return;
  }
  const OrgDesign& design = *params_.design;
  const std::size_t count = design.departments.size();
  for (std::size_t k = 0; k < count; ++k) {
    const DepartmentSpec& spec = design.departments[k];
    Department d;
    d.name = spec.name;
    d.function = spec.function;
    d.site = spec.site;
    d.handoff_to =
        spec.handoff_to >= 0 ? spec.handoff_to : design.departments[(k + 1) % count].function;
    d.team_size = spec.team_size > 0 ? spec.team_size : s.team_size;
    const std::int64_t teams_needed =
        (spec.headcount + d.team_size - 1) / std::max<std::int64_t>(1, d.team_size);
    d.span = spec.levels > 0 ? span_for_levels(teams_needed, spec.levels)
             : spec.span > 0 ? spec.span
                             : company_span;
    d.routine_share = spec.routine_share >= 0 ? spec.routine_share : params_.work.routine_share;
    d.automation_target = spec.automation_target >= 0 ? spec.automation_target : s.process_target;
    d.freed_capacity = spec.freed_capacity.value_or(s.freed_capacity);
    departments.push_back(d);
  }
}

void Organization::staff_generated() {
  const std::size_t n = headcount();
  const auto functions = static_cast<std::size_t>(settings_.functions);
  const auto size = static_cast<std::size_t>(settings_.team_size);
  auto function = function_of();
  auto team = team_of();
  auto lead = leads();
  const bool squads = hierarchy.type == StructureType::cross_functional;
  if (squads) {
    // Squads: consecutive slots, each squad a mix of every function.
    for (std::size_t slot = 0; slot < n; ++slot) {
      team[slot] = static_cast<std::int32_t>(slot / size);
      function[slot] = static_cast<std::int32_t>((slot % size) % functions);
      lead[slot] = slot % size == 0 ? 1 : 0;
    }
  } else {
    // Every function gets an equal share of the people (blocks of slots), in teams of `size`.
    std::int32_t next_team = -1;
    std::size_t block_start = 0;
    for (std::size_t slot = 0; slot < n; ++slot) {
      const auto f = static_cast<std::int32_t>(slot * functions / n);
      if (slot == 0 || f != function[slot - 1]) block_start = slot;
      function[slot] = f;
      const bool first = (slot - block_start) % size == 0;
      if (first) ++next_team;
      team[slot] = next_team;
      lead[slot] = first ? 1 : 0;
    }
  }
  std::copy(function.begin(), function.end(), department_of().begin());
  std::fill(fte().begin(), fte().end(), 1.0f);
  std::fill(annual_salary().begin(), annual_salary().end(),
            static_cast<float>(params_.finance.salary * 52.0));
  form_teams(squads);
  const auto sites = static_cast<std::size_t>(settings_.sites);
  for (std::size_t t = 0; t < teams.count; ++t)
    teams.site[t] = static_cast<std::int32_t>(t % sites);
  std::vector<std::size_t> all(teams.count);
  std::iota(all.begin(), all.end(), std::size_t{0});
  link_teams(all, hierarchy.type, -1);
}

void Organization::staff_departments() {
  const OrgDesign& design = *params_.design;
  std::size_t slot = 0;
  std::int32_t next_team = -1;
  for (std::size_t d = 0; d < design.departments.size(); ++d) {
    const DepartmentSpec& spec = design.departments[d];
    const auto size = static_cast<std::size_t>(
        spec.levels == 1 ? std::max<std::int64_t>(1, spec.headcount) : departments[d].team_size);
    const double salary =
        spec.annual_salary >= 0 ? spec.annual_salary : params_.finance.salary * 52.0;
    for (std::int64_t k = 0; k < spec.headcount; ++k, ++slot) {
      const bool first = static_cast<std::size_t>(k) % size == 0;
      if (first) ++next_team;
      function_of()[slot] = spec.function;
      department_of()[slot] = static_cast<std::int32_t>(d);
      team_of()[slot] = next_team;
      leads()[slot] = first ? 1 : 0;
      fte()[slot] = 1.0f;
      annual_salary()[slot] = static_cast<float>(salary);
    }
  }
  form_teams(false);
  for (std::size_t t = 0; t < teams.count; ++t)
    teams.site[t] = departments[static_cast<std::size_t>(teams.department[t])].site;
  std::vector<std::size_t> all(teams.count);
  std::iota(all.begin(), all.end(), std::size_t{0});
  link_teams(all, StructureType::functional, -1);
}

void Organization::staff_chart() {
  const OrgDesign& design = *params_.design;
  const std::size_t n = design.chart.size();
  // A team is a manager and their direct reports who manage nobody; a manager whose reports all
  // manage others leads a team of one.
  std::vector<std::uint8_t> manages(n, 0);
  for (const ChartPerson& person : design.chart)
    if (person.manager >= 0) manages[static_cast<std::size_t>(person.manager)] = 1;
  std::vector<std::int32_t> team_led(n, -1);
  std::int32_t count = 0;
  for (std::size_t row = 0; row < n; ++row)
    if (manages[row] || design.chart[row].manager < 0) team_led[row] = count++;
  for (std::size_t row = 0; row < n; ++row) {
    const ChartPerson& person = design.chart[row];
    const bool leads_team = team_led[row] >= 0;
    team_of()[row] =
        leads_team ? team_led[row] : team_led[static_cast<std::size_t>(person.manager)];
    leads()[row] = leads_team ? 1 : 0;
    department_of()[row] = person.department;
    function_of()[row] = departments[static_cast<std::size_t>(person.department)].function;
    fte()[row] = static_cast<float>(person.fte);
    annual_salary()[row] =  // < 0: not given, the finance default for the person's FTE
        static_cast<float>(person.annual_salary >= 0 ? person.annual_salary
                                                     : params_.finance.salary * 52.0 * person.fte);
  }
  form_teams(false);
  for (std::size_t row = 0; row < n; ++row) {
    const ChartPerson& person = design.chart[row];
    project_team_of()[row] =
        person.dotted >= 0 && team_led[static_cast<std::size_t>(person.dotted)] >= 0
            ? team_led[static_cast<std::size_t>(person.dotted)]
            : team_of()[row];
    if (team_led[row] < 0) continue;
    const auto t = static_cast<std::size_t>(team_led[row]);
    teams.parent[t] = person.manager < 0 ? -1 : team_led[static_cast<std::size_t>(person.manager)];
    teams.site[t] = person.site;
  }
}

void Organization::form_teams(bool squads) {
  const std::size_t n = headcount();
  const auto team = teams_of();
  std::size_t count = 0;
  for (std::size_t slot = 0; slot < n; ++slot)
    count = std::max(count, static_cast<std::size_t>(team[slot]) + 1);
  resize_teams(count);
  for (std::size_t t = 0; t < count; ++t) {
    start_team(t);
    teams.squad[t] = squads ? 1 : 0;
  }
  for (std::size_t slot = 0; slot < n; ++slot) {
    if (!leads()[slot]) continue;
    const auto t = static_cast<std::size_t>(team[slot]);
    teams.function[t] = function_of()[slot];
    teams.department[t] = department_of()[slot];
  }
  for (std::size_t slot = 0; slot < n; ++slot) {  // matrix: a second line in another team
    const auto t = static_cast<std::size_t>(team[slot]);
    project_team_of()[slot] = static_cast<std::int32_t>((t + 1 + slot % count) % count);
  }
}

void Organization::link_teams(std::span<const std::size_t> list, StructureType type,
                              std::int32_t top) {
  if (list.empty()) return;
  if (type == StructureType::flat || type == StructureType::cross_functional) {
    link_heap(teams, list, structure_arity(type, params_.structure.span_of_control), top);
    return;
  }
  // Functional and matrix: each department a heap under its head (the lead of its first team);
  // the first department's head leads the others.
  std::vector<std::vector<std::size_t>> by_department(departments.size());
  std::vector<std::size_t> order;
  for (std::size_t t : list) {
    const auto d = static_cast<std::size_t>(teams.department[t]);
    if (by_department[d].empty()) order.push_back(d);
    by_department[d].push_back(t);
  }
  std::int32_t root = top;
  for (std::size_t d : order) {
    const std::size_t arity = structure_arity(type, departments[d].span);
    link_heap(teams, by_department[d], arity, root);
    if (d == order.front()) root = static_cast<std::int32_t>(by_department[d].front());
  }
}

void Organization::update_hierarchy() {
  // Layers by following reporting lines (iteratively: charts can be deep).
  const std::size_t count = teams.count;
  std::fill(teams.layer.begin(), teams.layer.end(), -1);
  std::vector<std::size_t> path;
  int depth = 0;
  for (std::size_t t = 0; t < count; ++t) {
    std::size_t u = t;
    while (teams.layer[u] < 0 && teams.parent[u] >= 0) {
      path.push_back(u);
      u = static_cast<std::size_t>(teams.parent[u]);
    }
    if (teams.layer[u] < 0) teams.layer[u] = 0;
    for (auto it = path.rbegin(); it != path.rend(); ++it)
      teams.layer[*it] = teams.layer[static_cast<std::size_t>(teams.parent[*it])] + 1;
    path.clear();
    depth = std::max(depth, teams.layer[t]);
  }
  hierarchy.depth = depth;
  for (std::size_t t = 0; t < count; ++t) {
    teams.delay[t] =
        static_cast<std::int32_t>(teams.layer[t] * params_.structure.cascade_lag +
                                  (teams.site[t] != 0 ? params_.structure.cross_site_delay : 0));
  }
  const auto latency = std::lround(hierarchy.centralization * depth *
                                   static_cast<double>(params_.structure.latency_per_level));
  hierarchy.decision_latency =
      std::min<int>(static_cast<int>(latency), static_cast<int>(decision_slots) - 1);
}

namespace {

/// Team rows picked from `old`: row i of the result is row source[i] of `old`.
Teams pick_rows(const Teams& old, std::span<const std::size_t> source, std::size_t m,
                std::size_t slots) {
  Teams out;
  out.count = source.size();
  auto pick = [&](const auto& from, auto& to, std::size_t width) {
    to.resize(source.size() * width);
    for (std::size_t i = 0; i < source.size(); ++i)
      std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(source[i] * width), width,
                  to.begin() + static_cast<std::ptrdiff_t>(i * width));
  };
  pick(old.code, out.code, m);
  pick(old.received, out.received, m);
  pick(old.function, out.function, 1);
  pick(old.department, out.department, 1);
  pick(old.site, out.site, 1);
  pick(old.parent, out.parent, 1);
  pick(old.layer, out.layer, 1);
  pick(old.delay, out.delay, 1);
  pick(old.salary, out.salary, 1);
  pick(old.squad, out.squad, 1);
  pick(old.settle_at, out.settle_at, 1);
  pick(old.routine_queue, out.routine_queue, 1);
  pick(old.complex_queue, out.complex_queue, 1);
  pick(old.second_queue, out.second_queue, 1);
  pick(old.pipeline, out.pipeline, slots);
  pick(old.capacity, out.capacity, 1);
  pick(old.utilization, out.utilization, 1);
  pick(old.digital_skill, out.digital_skill, 1);
  pick(old.skill, out.skill, 1);
  pick(old.in_training, out.in_training, 1);
  pick(old.vacant, out.vacant, 1);
  pick(old.overtime, out.overtime, 1);
  pick(old.staffed, out.staffed, 1);
  pick(old.fit, out.fit, 1);
  for (auto member : {&Teams::depth, &Teams::routine_done, &Teams::complex_done, &Teams::completed,
                      &Teams::work_in, &Teams::pending_local, &Teams::pending_cross,
                      &Teams::coordination_cost, &Teams::routine_share, &Teams::process})
    pick(old.*member, out.*member, 1);
  return out;
}

}  // namespace

namespace {

/// Who goes to which new team: `people` (slots) in order, their new local team, and each new
/// team's lead. Teams never span sites: people are grouped per site (their old team's). Leads come
/// first (they keep leading); functional teams are runs of one function in chunks of `size`;
/// squads are dealt round-robin within each site so each gets every function there.
struct Grouping {
  std::vector<std::size_t> people, local, new_lead;
};

template <class InScope>
Grouping group_people(Organization& org, const InScope& in_scope, bool squads, std::size_t size) {
  Grouping g;
  const auto team = org.teams_of();
  const auto leads = org.leads();
  const auto function = org.function_of();
  const auto site = [&](std::size_t slot) {
    return org.teams.site[static_cast<std::size_t>(team[slot])];
  };
  for (std::size_t slot = 0; slot < org.headcount(); ++slot)
    if (in_scope(static_cast<std::size_t>(team[slot]))) g.people.push_back(slot);
  std::stable_sort(g.people.begin(), g.people.end(), [&](std::size_t a, std::size_t b) {
    if (site(a) != site(b)) return site(a) < site(b);
    if (squads && leads[a] != leads[b]) return leads[a] > leads[b];
    if (function[a] != function[b]) return function[a] < function[b];
    return !squads && leads[a] > leads[b];
  });
  g.local.resize(g.people.size());
  for (std::size_t begin = 0; begin < g.people.size();) {  // one site at a time
    std::size_t end = begin;
    while (end < g.people.size() && site(g.people[end]) == site(g.people[begin])) ++end;
    const std::size_t first_team = g.new_lead.size();
    const std::size_t squad_count = (end - begin + size - 1) / size;
    for (std::size_t i = begin, run = 0; i < end; ++i, ++run) {
      if (squads) {
        g.local[i] = first_team + (i - begin) % squad_count;
        if (i - begin < squad_count) g.new_lead.push_back(g.people[i]);
        continue;
      }
      if (i > begin && (function[g.people[i]] != function[g.people[i - 1]] || run == size)) run = 0;
      if (run == 0) g.new_lead.push_back(g.people[i]);
      g.local[i] = g.new_lead.size() - 1;
    }
    begin = end;
  }
  return g;
}

/// The regrouped teams' work in hand (handoffs in transit join the second stages) and the
/// highest of them in the tree.
struct Pooled {
  double routine = 0, complex = 0, second = 0;
  std::size_t root = 0;
};

template <class InScope>
Pooled pool_work(const Teams& teams, const InScope& in_scope, std::size_t slots) {
  Pooled w;
  w.root = teams.count;
  for (std::size_t t = 0; t < teams.count; ++t) {
    if (!in_scope(t)) continue;
    if (w.root == teams.count || teams.layer[t] < teams.layer[w.root]) w.root = t;
    w.routine += teams.routine_queue[t];
    w.complex += teams.complex_queue[t];
    w.second += teams.second_queue[t];
    for (std::size_t k = 0; k < slots; ++k) w.second += teams.pipeline[t * slots + k];
    // Exceptions waiting for a decision go back to the work (coordination, 7.20).
    w.second += teams.pending_local[t] + teams.pending_cross[t];
  }
  return w;
}

/// The pooled work is shared by the new teams (from `first` on) in proportion to their members.
void share_pooled(Teams& teams, std::span<const std::int32_t> team_of, std::size_t first,
                  const Pooled& work, double pooled_people) {
  std::vector<double> members(teams.count, 0);
  for (const std::int32_t t : team_of) members[static_cast<std::size_t>(t)] += 1;
  for (std::size_t t = first; t < teams.count; ++t) {
    const double share = members[t] / pooled_people;
    teams.routine_queue[t] = work.routine * share;
    teams.complex_queue[t] = work.complex * share;
    teams.second_queue[t] = work.second * share;
  }
}

}  // namespace

std::size_t Organization::team_size_of(std::span<const std::int32_t> scope) const {
  return static_cast<std::size_t>(
      scope.empty() ? settings_.team_size
                    : departments[static_cast<std::size_t>(scope.front())].team_size);
}

std::size_t Organization::regroup(StructureType to, std::span<const std::int32_t> scope,
                                  Tick tick) {
  const std::size_t n = headcount();
  const std::size_t old_count = teams.count;
  auto in_scope = [&](std::size_t t) {
    return scope.empty() ||
           std::find(scope.begin(), scope.end(), teams.department[t]) != scope.end();
  };
  std::vector<std::int64_t> team_led(n, -1);  // slot -> old team it led
  for (std::size_t slot = 0; slot < n; ++slot)
    if (leads()[slot]) team_led[slot] = team_of()[slot];
  const bool squads = to == StructureType::cross_functional;
  const auto [people, local, new_lead] = group_people(*this, in_scope, squads, team_size_of(scope));
  if (people.empty()) return teams.count;
  // Rows: kept teams in order, then the new teams (each starting from its lead's old team row).
  std::vector<std::size_t> source;
  std::vector<std::int64_t> remap(old_count, -1);
  for (std::size_t t = 0; t < old_count; ++t) {
    if (in_scope(t)) continue;
    remap[t] = static_cast<std::int64_t>(source.size());
    source.push_back(t);
  }
  const std::size_t kept = source.size();
  for (std::size_t lead : new_lead) source.push_back(static_cast<std::size_t>(team_of()[lead]));
  const auto [routine, complex, second, scope_root] =
      pool_work(teams, in_scope, flow.pipeline_slots);  // re-planned below
  const std::vector<std::int32_t> old_parent = teams.parent;
  teams = pick_rows(teams, source, dimensions_, flow.pipeline_slots);
  // Employees: kept teams renumbered; regrouped people in their new teams.
  std::vector<std::int64_t> leads_new(old_count, -1);  // old team -> new team its lead leads
  for (std::size_t slot = 0; slot < n; ++slot) {
    const auto t = static_cast<std::size_t>(team_of()[slot]);
    if (remap[t] >= 0) team_of()[slot] = static_cast<std::int32_t>(remap[t]);
  }
  for (std::size_t i = 0; i < people.size(); ++i) {
    team_of()[people[i]] = static_cast<std::int32_t>(kept + local[i]);
    leads()[people[i]] = 0;
  }
  for (std::size_t j = 0; j < new_lead.size(); ++j) {
    leads()[new_lead[j]] = 1;
    if (team_led[new_lead[j]] >= 0)
      leads_new[static_cast<std::size_t>(team_led[new_lead[j]])] =
          static_cast<std::int64_t>(kept + j);
  }
  const std::size_t count = teams.count;
  for (std::size_t j = 0; j < new_lead.size(); ++j) {
    const std::size_t t = kept + j;
    teams.function[t] = function_of()[new_lead[j]];
    teams.department[t] = department_of()[new_lead[j]];
    teams.squad[t] = squads ? 1 : 0;
    teams.routine_queue[t] = teams.complex_queue[t] = teams.second_queue[t] = 0;
    std::fill_n(teams.pipeline.begin() + static_cast<std::ptrdiff_t>(t * flow.pipeline_slots),
                flow.pipeline_slots, 0.0);
  }
  // Reporting lines: the new teams under the regrouped part's old top; kept teams whose manager
  // was regrouped report to that manager's new team, or to the new top.
  const auto mapped = [&](std::int32_t old) -> std::int32_t {
    if (old < 0) return -1;
    const auto o = static_cast<std::size_t>(old);
    if (remap[o] >= 0) return static_cast<std::int32_t>(remap[o]);
    if (leads_new[o] >= 0) return static_cast<std::int32_t>(leads_new[o]);
    return static_cast<std::int32_t>(kept);
  };
  for (std::size_t t = 0; t < kept; ++t) teams.parent[t] = mapped(old_parent[source[t]]);
  std::vector<std::size_t> fresh(new_lead.size());
  std::iota(fresh.begin(), fresh.end(), kept);
  link_teams(fresh, to, mapped(old_parent[scope_root]));
  share_pooled(teams, teams_of(), kept, {routine, complex, second, scope_root},
               static_cast<double>(people.size()));
  for (std::size_t slot : people) {
    const auto t = static_cast<std::size_t>(team_of()[slot]);
    project_team_of()[slot] = static_cast<std::int32_t>((t + 1 + slot % count) % count);
  }
  if (scope.empty()) hierarchy.type = to;
  update_hierarchy();
  rebuild_membership();
  build_network(tick);
  return kept;
}

void Organization::move_to_team(std::size_t slot, std::size_t team) {
  team_of()[slot] = static_cast<std::int32_t>(team);
  function_of()[slot] = teams.function[team];
  department_of()[slot] = teams.department[team];
  leads()[slot] = 0;
  membership_changed = true;
}

}  // namespace orgsim::agents
