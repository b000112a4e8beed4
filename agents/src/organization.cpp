// Initialization of an organization (tick 0), hiring, and building teams and networks.
#include "orgsim/agents/organization.hpp"

#include "orgsim/agents/submodels.hpp"

#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>

namespace orgsim::agents {

Organization::Organization(const ModelParams& params, RunKey key)
    : params_(params),
      settings_(params),
      key_(key),
      dimensions_(static_cast<std::size_t>(params.learning.dimensions)),
      words_(words_for(dimensions_)),
      skills_width_(static_cast<std::size_t>(settings_.functions) + 1) {
  assert(params.org.employees >= 1 && params.org.teams >= 1 &&
         params.org.teams <= params.org.employees);
  const auto m = dimensions_;
  reality.resize(m);
  code.assign(m, 0);
  RandomStream draw = key_.stream(streams::reality, 0, 0);
  for (std::size_t d = 0; d < m; ++d) reality[d] = (draw() & 1u) ? 1 : -1;
  start_from_today();

  hierarchy.type = settings_.structure;
  hierarchy.centralization = effective_centralization(params, settings_.site_culture[0]);
  flow.pipeline_slots =
      static_cast<std::size_t>(params.work.handoff_delay + params.structure.cross_site_delay) + 2;
  code_history.assign(history_length * m, 0);
  decisions.assign(decision_slots * m, 2);  // resized by size_rings() with structure on

  beliefs_ = employees_.add_column<std::uint64_t>(2 * words_);
  next_beliefs_ = employees_.add_column<std::uint64_t>(params.structure.enabled ? 2 * words_ : 0);
  actions_ = employees_.add_column<std::uint64_t>(words_);
  action_score_ = employees_.add_column<std::int32_t>();
  team_ = employees_.add_column<std::int32_t>();
  project_team_ = employees_.add_column<std::int32_t>();
  leaving_ = employees_.add_column<std::uint8_t>();
  tie_strength_ = employees_.add_column<std::uint8_t>();
  quit_draw_ = employees_.add_column<double>(
      params.people.enabled && params.people.quit_sensitivity > 0 ? 1 : 0);
  p1_ = employees_.add_column<double>();
  code_matches_ = employees_.add_column<std::int16_t>();
  skills_ = employees_.add_column<float>(skills_width_);
  engagement_ = employees_.add_column<float>();
  resistance_ = employees_.add_column<float>();
  training_until_ = employees_.add_column<std::int32_t>();
  starts_at_ = employees_.add_column<std::int32_t>();
  function_ = employees_.add_column<std::int32_t>();
  department_ = employees_.add_column<std::int32_t>();
  lead_ = employees_.add_column<std::uint8_t>();
  fte_ = employees_.add_column<float>();
  salary_ = employees_.add_column<float>();

  const auto n = static_cast<std::size_t>(params.org.employees);
  employees_.append(n);
  init_departments();
  if (params.landscape.enabled) init_landscape();
  if (params.structure.enabled) {
    if (!params.design) {
      staff_generated();
    } else if (params.design->chart.empty()) {
      staff_departments();
    } else {
      staff_chart();
    }
    update_hierarchy();
    size_rings();
    update_hierarchy();  // the decision latency is capped by the ring
    rebuild_membership();
    build_network(0);
    if (params.design && settings_.structure != StructureType::functional)
      regroup(settings_.structure, {}, 0);  // the client's people in the structure to study
  } else {
    const auto team_count = static_cast<std::size_t>(params.org.teams);
    resize_teams(team_count);
    auto team = team_of();
    for (std::size_t slot = 0; slot < n; ++slot) {
      team[slot] = static_cast<std::int32_t>(slot * team_count / n);
      leads()[slot] = slot == 0 || team[slot] != team[slot - 1] ? 1 : 0;
    }
    std::fill(fte().begin(), fte().end(), 1.0f);
    std::fill(annual_salary().begin(), annual_salary().end(),
              static_cast<float>(params.finance.salary * 52.0));
    rebuild_membership();
    hierarchy.depth = 0;
  }
  climate.change_aversion = settings_.site_culture.front().change_aversion();  // 7.14, the HQ's
  growth.phase = growth_phase(params, params.org.employees);  // row 0 reports the real phase
  parallel_chunks(n, 1024, [&](std::size_t begin, std::size_t end) {
    for (std::size_t slot = begin; slot < end; ++slot) onboard(slot, 0);
  });
  open_the_books();
}

void Organization::anchor_customer_expectation() {
  const WorkParams& w = params_.work;
  if (!w.enabled || !w.expectation_from_today || w.customer_sensitivity <= 0) return;
  // The base c is where satisfaction s holds it when 2A / (A + 1) = c, A = exp(k (s - e)).
  const double c = std::clamp(market.customers, 0.01, 1.99);
  market.expectation = market.satisfaction - std::log(c / (2.0 - c)) / w.customer_sensitivity;
}

void Organization::start_from_today() {
  // Customers start as satisfied and loyal as they expect to be.
  market.expectation = params_.work.customer_expectation;
  market.satisfaction = market.loyalty = loyalty_centre(params_);
  if (!params_.work.enabled || params_.landscape.enabled || params_.org.initial_fit <= 0) return;
  // A going concern has a strategy (docs/ODD.md 5.): each dimension right with probability
  // (1 + fit) / 2.
  RandomStream start = key_.stream(stream_id("initial_code"), 0, 0);
  for (std::size_t d = 0; d < dimensions_; ++d)
    code[d] = start.bernoulli(0.5 * (1.0 + params_.org.initial_fit)) ? reality[d] : -reality[d];
}

std::vector<double> Organization::department_headcounts() const {
  const std::size_t count = departments.size();
  if (count == 1) return {static_cast<double>(headcount())};
  const auto in = department_of();
  const std::vector<std::int64_t> counts = deterministic_reduce(
      headcount(), 4096, std::vector<std::int64_t>(count, 0),
      [&](std::size_t begin, std::size_t end, std::vector<std::int64_t> acc) {
        for (std::size_t slot = begin; slot < end; ++slot)
          ++acc[static_cast<std::size_t>(in[slot])];
        return acc;
      },
      [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
        for (std::size_t d = 0; d < a.size(); ++d) a[d] += b[d];
        return a;
      });
  return {counts.begin(), counts.end()};
}

void Organization::open_the_books() {
  double annual = 0;  // summed in slot order
  for (const float salary : annual_salary()) annual += salary;
  finance.payroll = annual / 52.0;
  finance.wage_bill = finance.payroll;
  finance.headcount = static_cast<double>(headcount());
  finance.cash = params_.finance.initial_cash * finance.payroll;
  finance.budget = params_.finance.invest_share *
                   std::max(0.0, finance.cash - params_.finance.cash_reserve * finance.payroll);
}

void Organization::init_landscape() {
  // Decisions are allocated to departments in contiguous blocks (Rivkin & Siggelkow 2003).
  const std::size_t m = dimensions_;
  const std::size_t blocks = std::max<std::size_t>(1, std::min(departments.size(), m));
  std::vector<std::int32_t> owner(m);
  for (std::size_t d = 0; d < m; ++d) owner[d] = static_cast<std::int32_t>(d * blocks / m);
  if (params_.landscape.seed > 0) {  // one market for every replication: March's reality too
    RandomStream draw(static_cast<std::uint64_t>(params_.landscape.seed), streams::reality, 0, 0,
                      0);
    for (std::size_t d = 0; d < m; ++d) reality[d] = (draw() & 1u) ? 1 : -1;
  }
  landscape = Landscape(params_.landscape, owner, reality, key_.seed, key_.replication);
  if (params_.landscape.random_start) {
    RandomStream draw = key_.stream(streams::landscape_start, 0, 0);
    const std::uint64_t start = draw();
    for (std::size_t d = 0; d < m; ++d) code[d] = (start >> d) & 1u ? 1 : -1;
  }
  landscape.refresh(0);
  if (landscape.march()) return;
  for (std::size_t d = 0; d < m; ++d) reality[d] = (landscape.best() >> d) & 1u ? 1 : -1;
}

void Organization::onboard(std::size_t slot, Tick tick) {
  const AgentId id = employees_.id(slot);
  {
    RandomStream draw = key_.stream(streams::new_beliefs, id, 0);
    const Ternary belief = beliefs(slot);
    fill_uniform(belief, dimensions_, draw);
  }
  RandomStream draw = key_.stream(streams::new_traits, id, 0);
  const auto team = static_cast<std::size_t>(team_of()[slot]);
  const Culture& culture =
      settings_.site_culture[teams.count ? static_cast<std::size_t>(teams.site[team]) : 0];
  const double fast = draw.uniform();
  const double spread_draw = draw.uniform();
  // Skills: the function the employee works in starts high; the chart's skills replace the
  // draws (which are made all the same, so every later draw is unchanged).
  auto skill = skills(slot);
  const std::size_t functions = skills_width_ - 1;
  const auto primary = static_cast<std::size_t>(function_of()[slot]);
  for (std::size_t f = 0; f < functions; ++f) {
    const double v = draw.uniform();
    skill[f] = static_cast<float>(f == primary ? 0.5 + 0.4 * v : 0.3 * v);
  }
  if (const ChartPerson* person = chart_person(id)) {
    for (std::size_t f = 0; f < std::min(functions, person->skills.size()); ++f)
      if (!std::isnan(person->skills[f])) skill[f] = person->skills[f];
  }
  const double digital = params_.people.initial_digital_skill * (0.5 + draw.uniform());
  skill[functions] = static_cast<float>(std::clamp(digital, 0.0, 1.0));
  engagement()[slot] = static_cast<float>(0.6 + 0.2 * draw.uniform());
  const double resistance_draw = draw.uniform();
  set_personal_traits(slot, culture, fast, spread_draw, resistance_draw);
  training_until()[slot] = 0;
  // The starting staff are fully productive; a hire starts after the vacancy and ramps up.
  starts_at()[slot] =
      tick == 0 ? std::numeric_limits<std::int32_t>::min() / 2
                : static_cast<std::int32_t>(tick + static_cast<Tick>(params_.org.time_to_fill));
  code_matches()[slot] = 0;
  leaving()[slot] = 0;
}

void Organization::set_personal_traits(std::size_t slot, const Culture& culture, double fast,
                                       double spread_draw, double resistance_draw) {
  // Personal socialization rate: fast learners, and a culture-dependent spread around p1.
  double rate = fast < params_.learning.fast_learner_share
                    ? params_.learning.fast_socialization_rate
                    : params_.learning.socialization_rate;
  if (params_.culture.enabled) {
    rate *= culture.conformity();  // collectivism: people conform to their group
    // Learning orientation spreads rates log-uniformly over [rate/(1+2lo), rate*(1+2lo)].
    const double spread = std::log1p(2.0 * culture.learning_orientation);
    rate *= std::exp((2.0 * spread_draw - 1.0) * spread);
  }
  socialization_rate()[slot] = std::clamp(rate, 0.0, 1.0);
  const double mean_resistance = std::clamp(
      params_.people.mean_resistance + 0.4 * (culture.uncertainty_avoidance - 0.5), 0.0, 1.0);
  resistance()[slot] =
      static_cast<float>(std::clamp(mean_resistance + 0.3 * (resistance_draw - 0.5), 0.0, 1.0));
}

void Organization::record_code_history(Tick tick) {
  if (history_length <= 1) return;
  std::copy(
      code.begin(), code.end(),
      code_history.begin() + static_cast<std::ptrdiff_t>((tick % history_length) * dimensions_));
}

void Organization::refresh_personal_traits() {
  const std::size_t functions = skills_width_ - 1;
  for (std::size_t slot = 0; slot < headcount(); ++slot) {
    RandomStream draw =
        key_.stream(streams::new_traits, employees_.id(slot), 0);  // replays the hire's draws
    const double fast = draw.uniform();
    const double spread_draw = draw.uniform();
    for (std::size_t k = 0; k < functions + 2; ++k)
      draw.uniform();  // skills, digital skill, engagement
    const double resistance_draw = draw.uniform();
    const auto team = static_cast<std::size_t>(team_of()[slot]);
    set_personal_traits(slot, settings_.site_culture[static_cast<std::size_t>(teams.site[team])],
                        fast, spread_draw, resistance_draw);
  }
}

std::span<const std::int8_t> Organization::guiding_code(std::size_t team) const {
  if (!params_.structure.enabled) return code;
  return team_code(team);
}

void Organization::resize_teams(std::size_t count) {
  const std::size_t m = dimensions_;
  Teams& t = teams;
  t.count = count;
  t.code.resize(count * m, 0);
  t.received.resize(count * m, 0);
  for (auto* v : {&t.function, &t.department, &t.site, &t.layer, &t.delay}) v->resize(count, 0);
  t.parent.resize(count, -1);
  t.squad.resize(count, 0);
  t.settle_at.resize(count, 0);
  t.pipeline.resize(count * flow.pipeline_slots, 0);
  for (auto* v : {&t.routine_queue,
                  &t.complex_queue,
                  &t.second_queue,
                  &t.capacity,
                  &t.utilization,
                  &t.digital_skill,
                  &t.skill,
                  &t.fit,
                  &t.salary,
                  &t.depth,
                  &t.routine_done,
                  &t.complex_done,
                  &t.completed,
                  &t.work_in,
                  &t.pending_local,
                  &t.pending_cross,
                  &t.coordination_cost,
                  &t.staffed,
                  &t.routine_share,
                  &t.process})
    v->resize(count, 0);
  t.in_training.resize(count, 0);
  t.vacant.resize(count, 0);
  t.overtime.resize(count, 0);
}

void Organization::start_team(std::size_t t) {
  std::copy(code.begin(), code.end(),
            teams.code.begin() + static_cast<std::ptrdiff_t>(t * dimensions_));
  std::copy(code.begin(), code.end(),
            teams.received.begin() + static_cast<std::ptrdiff_t>(t * dimensions_));
}

void Organization::size_rings() {
  // The cascade's history and the decision ring hold the deepest the organization can become:
  // its depth now, or the depth a generated organization reaches at its largest (the headcount
  // ceiling when it can hire).
  const ModelParams& p = params_;
  const int depth = hierarchy.depth;  // update_hierarchy() ran
  const std::int64_t largest = can_grow(p) ? headcount_ceiling(p) : p.org.employees;
  const int deepest = std::max(
      depth + 1,
      hierarchy_depth(StructureType::functional, largest, p.structure.span_of_control) + 2);
  history_length =
      static_cast<std::size_t>(deepest * p.structure.cascade_lag + p.structure.cross_site_delay) +
      1;
  decision_slots = static_cast<std::size_t>(deepest * p.structure.latency_per_level) + 1;
  code_history.assign(history_length * dimensions_, 0);
  for (std::size_t k = 0; k < history_length; ++k)  // the starting code, as it always was
    std::copy(code.begin(), code.end(),
              code_history.begin() + static_cast<std::ptrdiff_t>(k * dimensions_));
  decisions.assign(decision_slots * dimensions_, 2);
}

const ChartPerson* Organization::chart_person(AgentId agent) const {
  if (!params_.design || agent >= params_.design->chart.size()) return nullptr;
  return &params_.design->chart[agent];
}

namespace {

/// One employee's contacts: each of `out.size()` ties goes inside their team (probability
/// 1 - cross_team_ties) or to someone outside it, to distinct people; a tie that finds nobody
/// new in 64 attempts is dropped. Writes them to `out` in the order chosen; returns how many.
std::size_t choose_contacts(std::size_t slot, RandomStream& draw, const Teams& teams,
                            std::span<const std::int32_t> team, double cross_team_ties,
                            std::span<CsrNetwork::Node> out) {
  const std::size_t n = team.size();
  const auto t = static_cast<std::size_t>(team[slot]);
  const std::uint64_t first = teams.member_offsets[t];
  const std::uint64_t size = teams.member_offsets[t + 1] - first;
  std::size_t chosen = 0, inside = 0;
  auto taken = [&](std::size_t other) {
    return other == slot ||
           std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(chosen), other) !=
               out.begin() + static_cast<std::ptrdiff_t>(chosen);
  };
  for (std::size_t k = 0; k < out.size(); ++k) {
    const bool cross = size <= 1 || draw.bernoulli(cross_team_ties);
    if (!cross && inside + 1 >= size) continue;  // every teammate is a contact already
    if (cross && size >= n) continue;            // nobody outside the team
    for (int attempt = 0; attempt < 64; ++attempt) {
      const std::size_t other =
          cross ? draw.below(n) : teams.member_slots[first + draw.below(size)];
      if (taken(other) || (cross && static_cast<std::size_t>(team[other]) == t)) continue;
      out[chosen++] = static_cast<CsrNetwork::Node>(other);
      inside += cross ? 0 : 1;
      break;
    }
  }
  return chosen;
}

}  // namespace

void Organization::build_network(Tick tick) {
  // Each employee's contacts are drawn from their own stream, so employees are independent:
  // chosen in parallel into a row of `ties` places each, then packed into the network's rows
  // (each sorted; contacts are distinct and never the employee, so these are the rows the list
  // of ties (slot, contact) would give). The arrays are first touched in parallel too.
  const std::size_t n = headcount();
  const auto team = teams_of();
  const auto ties = static_cast<std::size_t>(params_.structure.ties_per_employee);
  const auto rows = std::make_unique_for_overwrite<CsrNetwork::Node[]>(n * ties);
  Buffer<std::uint64_t> offsets(n + 1);
  offsets[0] = 0;
  parallel_chunks(n, 1024, [&](std::size_t begin, std::size_t end) {
    for (std::size_t slot = begin; slot < end; ++slot) {
      RandomStream draw = key_.stream(streams::network, employees_.id(slot), tick);
      const std::span<CsrNetwork::Node> row(rows.get() + slot * ties, ties);
      const std::size_t count =
          n > 1 ? choose_contacts(slot, draw, teams, team, settings_.cross_team_ties, row) : 0;
      std::sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(count));
      offsets[slot + 1] = count;
    }
  });
  for (std::size_t slot = 0; slot < n; ++slot) offsets[slot + 1] += offsets[slot];
  Buffer<CsrNetwork::Node> targets(offsets[n]);
  parallel_chunks(n, 4096, [&](std::size_t begin, std::size_t end) {
    for (std::size_t slot = begin; slot < end; ++slot)
      std::copy_n(rows.get() + slot * ties, offsets[slot + 1] - offsets[slot],
                  targets.begin() + static_cast<std::ptrdiff_t>(offsets[slot]));
  });
  network = CsrNetwork::from_rows(std::move(offsets), std::move(targets));
}

void Organization::remove_employees(std::span<const std::uint8_t> keep, std::size_t count,
                                    Tick tick) {
  const bool networked = network.node_count() == keep.size();
  employees_.remove_unless(keep);
  this_tick.leavers += count;
  this_tick.acted -= std::min(this_tick.acted, count);  // they had acted this tick
  rebuild_membership();
  // The survivors keep their ties to each other (the leavers take theirs with them).
  if (networked)
    network = network.without_dropped(keep);
  else if (params_.structure.enabled)
    build_network(tick);
}

void Organization::rebuild_membership() {
  // A counting sort of slots by team, in parallel for a large firm: each of `parts` fixed ranges
  // of slots counts its members of every team, then writes them at its offsets (the parts
  // before it first), so every team's members are in slot order: one answer, whatever the
  // threads do.
  const std::size_t n = headcount();
  const std::size_t parts = n >= 65536 ? 8 : 1;
  const std::size_t count = teams.count;
  const auto team = teams_of();
  const std::size_t part_size = (n + parts - 1) / parts;
  std::vector<std::uint64_t> at(parts * count, 0);  // [part][team]: counts, then offsets
  parallel_chunks(parts, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t c = first; c < last; ++c)
      for (std::size_t slot = c * part_size; slot < std::min(n, (c + 1) * part_size); ++slot)
        ++at[c * count + static_cast<std::size_t>(team[slot])];
  });
  teams.member_offsets.assign(count + 1, 0);
  std::uint64_t total = 0;
  for (std::size_t t = 0; t < count; ++t) {
    teams.member_offsets[t] = total;
    for (std::size_t c = 0; c < parts; ++c) {
      const std::uint64_t members = at[c * count + t];
      at[c * count + t] = total;
      total += members;
    }
  }
  teams.member_offsets[count] = total;
  teams.member_slots.resize(n);
  parallel_chunks(parts, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t c = first; c < last; ++c)
      for (std::size_t slot = c * part_size; slot < std::min(n, (c + 1) * part_size); ++slot)
        teams.member_slots[at[c * count + static_cast<std::size_t>(team[slot])]++] =
            static_cast<std::uint32_t>(slot);
  });
  teams.functions_present.assign(count, 0);
  teams.sole_department.assign(count, -1);
  const auto function = function_of();
  const auto department = department_of();
  parallel_chunks(count, 1024, [&](std::size_t first, std::size_t last) {
    for (std::size_t t = first; t < last; ++t) {
      const auto begin = teams.member_offsets[t], end = teams.member_offsets[t + 1];
      bool sole = begin < end;
      for (auto k = begin; k < end; ++k) {
        const std::uint32_t slot = teams.member_slots[k];
        teams.functions_present[t] |= 1u << (static_cast<std::uint32_t>(function[slot]) % 32u);
        sole = sole && department[slot] == department[teams.member_slots[begin]];
      }
      if (sole) teams.sole_department[t] = department[teams.member_slots[begin]];
    }
  });
  membership_changed = false;
}

void Organization::hire_into(std::span<const std::int32_t> into, Tick tick) {
  // Hiring saturates at the headcount ceiling (org.max_employees): memory stays in the plan.
  const auto ceiling = static_cast<std::size_t>(headcount_ceiling(params_));
  const std::size_t count =
      std::min(into.size(), ceiling > headcount() ? ceiling - headcount() : std::size_t{0});
  if (count == 0) return;
  const std::size_t first = employees_.append(count);
  const auto size_limit = settings_.team_size;
  std::vector<std::int64_t> size(teams.count, 0);
  for (std::size_t t = 0; t < teams.count; ++t) {
    size[t] = static_cast<std::int64_t>(teams.member_offsets[t + 1] - teams.member_offsets[t]);
  }
  const auto functions = static_cast<std::int32_t>(settings_.functions);
  for (std::size_t slot = first; slot < first + count; ++slot) {
    // The smallest team of the hire's department, or of the squads (which take people of every
    // department), takes the hire; without a department, the smallest team. When that team is
    // full a new team is formed in the same department, under the department's reporting rule
    // (formalization).
    const std::int32_t wanted = into[slot - first];
    auto takes = [&](std::size_t t) {
      return wanted < 0 || teams.squad[t] != 0 || teams.department[t] == wanted;
    };
    std::size_t best = teams.count;
    for (std::size_t t = 0; t < teams.count; ++t) {
      if (takes(t) && (best == teams.count || size[t] < size[best])) best = t;
    }
    if (best == teams.count) {  // no team of that department is left: the smallest team
      best = 0;
      for (std::size_t t = 1; t < teams.count; ++t) {
        if (size[t] < size[best]) best = t;
      }
    }
    bool new_team = false;
    const std::int64_t limit =
        departments.empty()
            ? size_limit
            : departments[static_cast<std::size_t>(teams.department[best])].team_size;
    if (params_.structure.enabled && size[best] >= limit) {
      const std::size_t full = best;
      best = teams.count;
      resize_teams(teams.count + 1);
      start_team(best);
      teams.function[best] = teams.function[full];
      teams.department[best] = teams.department[full];
      teams.site[best] = teams.site[full];
      teams.squad[best] = teams.squad[full];
      link_new_team(best);
      size.push_back(0);
      new_team = true;
    }
    team_of()[slot] = static_cast<std::int32_t>(best);
    project_team_of()[slot] = static_cast<std::int32_t>((best + 1 + slot) % teams.count);
    leads()[slot] = new_team ? 1 : 0;
    // The position's function and department: the hire's department's, or, without one, the
    // team's (in a squad, the next function in its mix).
    const std::int32_t department =
        wanted >= 0 && teams.squad[best] ? wanted : teams.department[best];
    function_of()[slot] = !teams.squad[best] ? teams.function[best]
                          : wanted >= 0 ? departments[static_cast<std::size_t>(wanted)].function
                                        : static_cast<std::int32_t>(size[best] % functions);
    department_of()[slot] = department;
    fte()[slot] = 1.0f;
    annual_salary()[slot] =
        static_cast<float>(department_salary(static_cast<std::size_t>(department)));
    ++size[best];
  }
  if (params_.structure.enabled) update_hierarchy();
  rebuild_membership();
  for (std::size_t slot = first; slot < first + count; ++slot) onboard(slot, tick);
  if (params_.structure.enabled) build_network(tick);
  this_tick.hires += count;
  this_tick.spend(CostKind::change, params_.finance.hiring_cost * static_cast<double>(count));
}

void Organization::link_new_team(std::size_t team) {
  // The j-th team of a department reports to its ((j - 1) / span)-th (a heap, as at the start).
  std::vector<std::size_t> same;
  for (std::size_t t = 0; t < teams.count; ++t)
    if (teams.department[t] == teams.department[team] && t != team) same.push_back(t);
  const std::size_t arity =
      std::max<std::int64_t>(2, departments[static_cast<std::size_t>(teams.department[team])].span);
  teams.parent[team] =
      same.empty() ? -1 : static_cast<std::int32_t>(same[(same.size() - 1) / arity]);
}

double Organization::department_salary(std::size_t department) const {
  if (params_.design && department < params_.design->departments.size() &&
      params_.design->departments[department].annual_salary >= 0)
    return params_.design->departments[department].annual_salary;
  return params_.finance.salary * 52.0;
}

void Organization::change_parameters(const ModelParams& params) {
  if (params.work.customer_expectation != params_.work.customer_expectation)
    market.expectation = params.work.customer_expectation;  // a set event: what customers expect
  params_ = params;
  settings_ = Settings(params);
  hierarchy.centralization = effective_centralization(params, settings_.site_culture[0]);
  if (params.structure.enabled) update_hierarchy();
  for (Department& d : departments) {  // the company's targets and rules, where not described
    const DepartmentSpec* spec =
        params.design && &d - departments.data() <
                             static_cast<std::ptrdiff_t>(params.design->departments.size())
            ? &params.design->departments[static_cast<std::size_t>(&d - departments.data())]
            : nullptr;
    if (!spec || spec->automation_target < 0) d.automation_target = settings_.process_target;
    if (!spec || !spec->freed_capacity) d.freed_capacity = settings_.freed_capacity;
    if (!spec || spec->routine_share < 0) d.routine_share = params.work.routine_share;
  }
  refresh_personal_traits();
}

bool changeable_during_run(const ParamSpec& spec) {
  static const std::vector<std::string_view> fixed = {"org.employees",
                                                      "org.teams",
                                                      "learning.dimensions",
                                                      "structure.type",
                                                      "structure.span_of_control",
                                                      "structure.team_size",
                                                      "structure.functions",
                                                      "structure.sites",
                                                      "structure.ties_per_employee",
                                                      "structure.cross_team_ties",
                                                      "structure.cascade_lag",
                                                      "structure.latency_per_level",
                                                      "structure.cross_site_delay"};
  if (spec.name.ends_with(".enabled")) return false;
  return std::find(fixed.begin(), fixed.end(), spec.name) == fixed.end();
}

double effective_centralization(const ModelParams& params, const Culture& culture) {
  return std::clamp(params.structure.centralization + 0.5 * (culture.power_distance - 0.5), 0.0,
                    1.0);
}

double Organization::strategic_fit() const {
  return static_cast<double>(agreement(code, reality)) / static_cast<double>(dimensions_);
}

std::int64_t agreement(std::span<const std::int8_t> a, std::span<const std::int8_t> b) {
  assert(a.size() == b.size());
  std::int64_t sum = 0;
  for (std::size_t d = 0; d < a.size(); ++d) sum += a[d] * b[d];
  return sum;
}

std::int64_t agreement(ConstTernary beliefs, std::span<const std::uint64_t> reality_positive,
                       std::size_t m) {
  std::int64_t sum = 0;
  for (std::size_t w = 0; w < beliefs.words(); ++w) {
    const std::uint64_t wrong =
        (beliefs.positive(w) ^ reality_positive[w]) & beliefs.known(w) & valid_bits(m, w);
    const std::uint64_t right = beliefs.known(w) & valid_bits(m, w) & ~wrong;
    sum += std::popcount(right) - std::popcount(wrong);
  }
  return sum;
}

}  // namespace orgsim::agents
