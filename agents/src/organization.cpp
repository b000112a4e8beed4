// Initialization of an organization (tick 0), hiring, and building teams and networks.
#include "orgsim/agents/organization.hpp"

#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace orgsim::agents {

namespace {

void resize_teams(Teams& t, std::size_t count, std::size_t m, std::size_t pipeline_slots) {
  t.count = count;
  t.code.resize(count * m, 0);
  t.received.resize(count * m, 0);
  t.function.resize(count, 0);
  t.site.resize(count, 0);
  t.delay.resize(count, 0);
  t.routine_queue.resize(count, 0);
  t.complex_queue.resize(count, 0);
  t.second_queue.resize(count, 0);
  t.pipeline.resize(count * pipeline_slots, 0);
  t.capacity.resize(count, 0);
  t.utilization.resize(count, 0);
  t.digital_skill.resize(count, 0);
  t.skill.resize(count, 0);
  t.in_training.resize(count, 0);
  t.fit.resize(count, 0);
}

}  // namespace

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

  hierarchy.type = settings_.structure;
  hierarchy.centralization = effective_centralization(params, settings_.site_culture[0]);
  flow.pipeline_slots =
      static_cast<std::size_t>(params.work.handoff_delay + params.structure.cross_site_delay) + 2;
  if (params.structure.enabled) {
    // Sized for the largest organization the run can become (uncapped growth: 10^8 employees).
    const std::int64_t largest =
        params.growth.enabled
            ? (params.growth.target_employees > 0
                   ? std::max(params.org.employees, params.growth.target_employees)
                   : std::int64_t{100'000'000})
            : params.org.employees;
    const int deepest =
        hierarchy_depth(StructureType::functional, largest, params.structure.span_of_control) + 1;
    history_length = static_cast<std::size_t>(deepest * params.structure.cascade_lag +
                                              params.structure.cross_site_delay) +
                     1;
    decision_slots = static_cast<std::size_t>(deepest * params.structure.latency_per_level) + 1;
  }
  code_history.assign(history_length * m, 0);
  decisions.assign(decision_slots * m, 2);

  beliefs_ = employees_.add_column<std::uint64_t>(2 * words_);
  next_beliefs_ = employees_.add_column<std::uint64_t>(params.structure.enabled ? 2 * words_ : 0);
  actions_ = employees_.add_column<std::uint64_t>(words_);
  action_score_ = employees_.add_column<std::int32_t>();
  team_ = employees_.add_column<std::int32_t>();
  project_team_ = employees_.add_column<std::int32_t>();
  leaving_ = employees_.add_column<std::uint8_t>();
  quit_draw_ = employees_.add_column<double>(
      params.people.enabled && params.people.quit_sensitivity > 0 ? 1 : 0);
  p1_ = employees_.add_column<double>();
  code_matches_ = employees_.add_column<std::int16_t>();
  skills_ = employees_.add_column<float>(skills_width_);
  engagement_ = employees_.add_column<float>();
  resistance_ = employees_.add_column<float>();
  training_until_ = employees_.add_column<std::int32_t>();

  const auto n = static_cast<std::size_t>(params.org.employees);
  employees_.append(n);
  if (params.structure.enabled) {
    build_structure(0);
  } else {
    const auto team_count = static_cast<std::size_t>(params.org.teams);
    resize_teams(teams, team_count, m, flow.pipeline_slots);
    auto team = team_of();
    for (std::size_t slot = 0; slot < n; ++slot)
      team[slot] = static_cast<std::int32_t>(slot * team_count / n);
    rebuild_membership();
    hierarchy.depth = 0;
  }
  parallel_chunks(n, 1024, [&](std::size_t begin, std::size_t end) {
    for (std::size_t slot = begin; slot < end; ++slot) onboard(slot, 0);
  });
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
  // Skills: the primary function (the team's, or round-robin inside a squad) starts high.
  auto skill = skills(slot);
  const std::size_t functions = skills_width_ - 1;
  std::size_t primary = 0;
  if (params_.structure.enabled) {
    // Squads mix skills: consecutive slots of a squad get different primary functions.
    primary = practised_function(slot, team);
  }
  for (std::size_t f = 0; f < functions; ++f) {
    const double v = draw.uniform();
    skill[f] = static_cast<float>(f == primary ? 0.5 + 0.4 * v : 0.3 * v);
  }
  const double digital = params_.people.initial_digital_skill * (0.5 + draw.uniform());
  skill[functions] = static_cast<float>(std::clamp(digital, 0.0, 1.0));
  engagement()[slot] = static_cast<float>(0.6 + 0.2 * draw.uniform());
  const double resistance_draw = draw.uniform();
  set_personal_traits(slot, culture, fast, spread_draw, resistance_draw);
  training_until()[slot] = 0;
  code_matches()[slot] = 0;
  leaving()[slot] = 0;
  (void)tick;
}

void Organization::set_personal_traits(std::size_t slot, const Culture& culture, double fast,
                                       double spread_draw, double resistance_draw) {
  // Personal socialization rate: fast learners, and a culture-dependent spread around p1.
  double rate = fast < params_.learning.fast_learner_share
                    ? params_.learning.fast_socialization_rate
                    : params_.learning.socialization_rate;
  if (params_.culture.enabled) {
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

void Organization::build_structure(Tick tick) {
  const std::size_t n = headcount();
  const auto span = static_cast<std::size_t>(params_.structure.span_of_control);
  const std::size_t team_count = std::max<std::size_t>(1, (n + span - 1) / span);
  const std::size_t functions = static_cast<std::size_t>(settings_.functions);
  const std::size_t sites = static_cast<std::size_t>(settings_.sites);
  // Keep the codes of surviving teams; new teams start from the organization's code.
  const std::size_t old_count = teams.count;
  resize_teams(teams, team_count, dimensions_, flow.pipeline_slots);
  for (std::size_t t = old_count; t < team_count; ++t) start_team(t);
  for (std::size_t t = 0; t < team_count; ++t) {
    teams.function[t] = static_cast<std::int32_t>(t % functions);
    teams.site[t] = static_cast<std::int32_t>(t % sites);
  }
  auto team = team_of();
  auto project = project_team_of();
  for (std::size_t slot = 0; slot < n; ++slot) {
    team[slot] = static_cast<std::int32_t>(slot / span);
    // Matrix: the second line is a team of another function (slots spread across projects).
    project[slot] = static_cast<std::int32_t>((slot / span + 1 + slot % span) % team_count);
  }
  update_hierarchy();
  rebuild_membership();
  build_network(tick);
}

void Organization::start_team(std::size_t t) {
  std::copy(code.begin(), code.end(),
            teams.code.begin() + static_cast<std::ptrdiff_t>(t * dimensions_));
  std::copy(code.begin(), code.end(),
            teams.received.begin() + static_cast<std::ptrdiff_t>(t * dimensions_));
  teams.function[t] = static_cast<std::int32_t>(t % static_cast<std::size_t>(settings_.functions));
  teams.site[t] = static_cast<std::int32_t>(t % static_cast<std::size_t>(settings_.sites));
}

void Organization::update_hierarchy() {
  const int depth = hierarchy_depth(hierarchy.type, static_cast<std::int64_t>(headcount()),
                                    params_.structure.span_of_control);
  hierarchy.depth = depth;
  for (std::size_t t = 0; t < teams.count; ++t) {
    teams.delay[t] =
        static_cast<std::int32_t>(depth * params_.structure.cascade_lag +
                                  (teams.site[t] != 0 ? params_.structure.cross_site_delay : 0));
  }
  const auto latency = std::lround(hierarchy.centralization * depth *
                                   static_cast<double>(params_.structure.latency_per_level));
  hierarchy.decision_latency =
      std::min<int>(static_cast<int>(latency), static_cast<int>(decision_slots) - 1);
}

void Organization::build_network(Tick tick) {
  // Communication ties inside the team, and a share across teams (silos = few).
  const std::size_t n = headcount();
  const auto team = teams_of();
  std::vector<CsrNetwork::Edge> edges;
  const auto ties = static_cast<std::size_t>(params_.structure.ties_per_employee);
  edges.reserve(n * ties);
  for (std::size_t slot = 0; slot < n && n > 1; ++slot) {
    RandomStream draw = key_.stream(streams::network, employees_.id(slot), tick);
    const auto t = static_cast<std::size_t>(team[slot]);
    const std::uint64_t first = teams.member_offsets[t];
    const std::uint64_t size = teams.member_offsets[t + 1] - first;
    for (std::size_t k = 0; k < ties; ++k) {
      std::size_t other;
      if (size <= 1 || draw.bernoulli(settings_.cross_team_ties)) {
        other = draw.below(n);
      } else {
        other = teams.member_slots[first + draw.below(size)];
      }
      if (other != slot)
        edges.emplace_back(static_cast<CsrNetwork::Node>(slot),
                           static_cast<CsrNetwork::Node>(other));
    }
  }
  network = CsrNetwork::from_edges(n, std::move(edges), false);
}

void Organization::rebuild_membership() {
  const std::size_t n = headcount();
  const auto team = teams_of();
  teams.member_offsets.assign(teams.count + 1, 0);
  for (std::size_t slot = 0; slot < n; ++slot)
    ++teams.member_offsets[static_cast<std::size_t>(team[slot]) + 1];
  for (std::size_t t = 0; t < teams.count; ++t)
    teams.member_offsets[t + 1] += teams.member_offsets[t];
  teams.member_slots.resize(n);
  std::vector<std::uint64_t> next(teams.member_offsets.begin(), teams.member_offsets.end() - 1);
  for (std::size_t slot = 0; slot < n; ++slot) {
    teams.member_slots[next[static_cast<std::size_t>(team[slot])]++] =
        static_cast<std::uint32_t>(slot);
  }
  membership_changed = false;
}

void Organization::hire(std::size_t count, Tick tick) {
  if (count == 0) return;
  const std::size_t first = employees_.append(count);
  const auto span = static_cast<std::int64_t>(params_.structure.span_of_control);
  std::vector<std::int64_t> size(teams.count, 0);
  for (std::size_t t = 0; t < teams.count; ++t) {
    size[t] = static_cast<std::int64_t>(teams.member_offsets[t + 1] - teams.member_offsets[t]);
  }
  auto team = team_of();
  for (std::size_t slot = first; slot < first + count; ++slot) {
    // The smallest team takes the hire; when every team is full a new team is formed.
    std::size_t best = 0;
    for (std::size_t t = 1; t < teams.count; ++t) {
      if (size[t] < size[best]) best = t;
    }
    if (params_.structure.enabled && size[best] >= span) {  // formalization: a new team
      best = teams.count;
      resize_teams(teams, teams.count + 1, dimensions_, flow.pipeline_slots);
      start_team(best);
      size.push_back(0);
    }
    team[slot] = static_cast<std::int32_t>(best);
    project_team_of()[slot] = static_cast<std::int32_t>((best + 1 + slot) % teams.count);
    ++size[best];
  }
  if (params_.structure.enabled) update_hierarchy();
  rebuild_membership();
  for (std::size_t slot = first; slot < first + count; ++slot) onboard(slot, tick);
  if (params_.structure.enabled) build_network(tick);
  this_tick.hires += count;
}

void Organization::change_parameters(const ModelParams& params) {
  params_ = params;
  settings_ = Settings(params);
  hierarchy.centralization = effective_centralization(params, settings_.site_culture[0]);
  if (params.structure.enabled) update_hierarchy();
  refresh_personal_traits();
}

bool changeable_during_run(const ParamSpec& spec) {
  static const std::vector<std::string_view> fixed = {"org.employees",
                                                      "org.teams",
                                                      "learning.dimensions",
                                                      "structure.type",
                                                      "structure.span_of_control",
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
