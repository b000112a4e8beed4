// Structure: interpersonal learning along the communication network, the cascade of the code
// down the hierarchy, and restructuring events (docs/ODD.md 7.10).
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace orgsim::agents {

namespace {
std::int8_t sign(int x) {
  return static_cast<std::int8_t>((x > 0) - (x < 0));
}
}  // namespace

namespace {

/// How far the working ties of two employees have formed (people submodel, 7.11): the weaker of
/// the two employees' strengths (in sixteenths, written when they acted this tick).
class TieStrength {
 public:
  explicit TieStrength(const Organization& org) : strength_(org.tie_strength()) {}

  /// In sixteenths: 16 = a full tie.
  [[nodiscard]] std::int32_t sixteenths(std::size_t a, std::size_t b) const {
    return std::min(strength_[a], strength_[b]);
  }
  [[nodiscard]] double operator()(std::size_t a, std::size_t b) const {
    return static_cast<double>(sixteenths(a, b)) / 16.0;
  }

 private:
  std::span<const std::uint8_t> strength_;
};

/// Peer learning of one employee into `next` (a copy of their beliefs): toward a random
/// better-performing contact, or toward the majority of every better-performing contact (each
/// counted by the strength of the tie, in sixteenths: the same majority when all ties are full).
void learn_from_peers(Organization& org, std::size_t slot, Ternary next, double rate,
                      const TieStrength& tie, RandomStream& draw, std::span<std::int32_t> net,
                      PackedCode& majority_code, ReusedTrials& trials) {
  if (slot >= org.network.node_count()) return;
  const auto contacts = org.network.neighbors(slot);
  if (contacts.empty()) return;
  const std::size_t m = org.dimensions();
  const auto scores = org.action_scores();
  if (org.settings().peer_majority) {
    // Fang, Lee & Schilling (2010): the net belief (#(+1) - #(-1)) of every contact who performs
    // better; the employee moves toward its sign.
    std::fill_n(net.begin(), m, 0);
    bool any = false;
    for (const auto peer : contacts) {
      if (scores[peer] <= scores[slot]) continue;
      const std::int32_t weight = tie.sixteenths(slot, peer);
      if (weight == 0) continue;
      any = true;
      const ConstTernary theirs = org.beliefs(peer);
      for (std::size_t w = 0; w < theirs.words(); ++w) {
        for_each_bit(theirs.known(w), w, [&](std::size_t d) {
          net[d] += ((theirs.positive(w) >> (d % 64)) & 1u) ? weight : -weight;
        });
      }
    }
    if (!any) return;
    std::array<std::int8_t, kMaxDimensions> signs;  // (only the first m are used)
    for (std::size_t d = 0; d < m; ++d) signs[d] = sign(net[d]);
    majority_code.pack(std::span<const std::int8_t>(signs.data(), m));
    move_toward(next, majority_code.view(), trials(rate), draw);
    return;
  }
  const std::size_t peer = contacts[draw.below(contacts.size())];
  if (scores[peer] <= scores[slot]) return;  // learn only from someone doing better
  move_toward(next, org.beliefs(peer), trials(rate * tie(slot, peer)), draw);
}

}  // namespace

void learn_from_peers_and_socialize(Organization& org, Tick tick, std::size_t begin,
                                    std::size_t end) {
  const double rate = std::min(
      1.0, org.params().structure.peer_learning_rate * (1.0 + org.automation.communication));
  std::array<std::int32_t, kMaxDimensions>
      net{};  // superior-majority tally, reused for every employee
  PackedCode majority_code;
  ReusedTrials trials;
  Socialization socialization(org);
  const auto team = org.team_of();
  const TieStrength tie(org);
  StreamsAhead stream = org.key().streams(streams::learning, org.employees().ids(), tick, end);
  for (std::size_t slot = begin; slot < end; ++slot) {
    const Ternary next = org.next_beliefs(slot);
    next.assign(org.beliefs(slot));  // contacts are read in their previous state (double buffer)
    RandomStream draw = stream(slot);
    // Collectivism: peers' influence is stronger where people conform to their group.
    const double conforming = std::min(
        1.0, rate * org.culture_of_team(static_cast<std::size_t>(team[slot])).conformity());
    learn_from_peers(org, slot, next, conforming, tie, draw, net, majority_code, trials);
    socialization.apply(slot, next, draw);
  }
}

void publish_peer_beliefs(Organization& org, Tick /*tick*/) {
  org.swap_beliefs();
}

void cascade_code(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const std::size_t m = org.dimensions();
  const double per_level =
      org.settings().cascade_distortion * (1.0 - 0.8 * org.automation.communication);
  const double garble = 1.0 - std::pow(1.0 - per_level, static_cast<double>(org.hierarchy.depth));
  for (std::size_t team = begin; team < end; ++team) {
    const auto delay = std::min<std::size_t>(static_cast<std::size_t>(org.teams.delay[team]),
                                             org.history_length - 1);
    const std::int8_t* sent =
        tick >= delay ? org.code_history.data() + ((tick - delay) % org.history_length) * m
                      : nullptr;
    std::int8_t* received = org.teams.received.data() + team * m;
    auto code = org.team_code(team);
    RandomStream draw = org.key().stream(streams::cascade, team, tick);
    for (std::size_t d = 0; d < m; ++d) {
      const std::int8_t value = sent ? sent[d] : 0;
      if (value == received[d]) continue;  // only changes are communicated
      received[d] = value;
      code[d] = draw.bernoulli(garble)
                    ? static_cast<std::int8_t>(static_cast<int>(draw.below(3)) - 1)
                    : value;
    }
  }
}

void restructure(Organization& org, StructureType to, Tick tick,
                 std::span<const std::int32_t> departments) {
  const ModelParams& p = org.params();
  std::size_t moved = 0;
  for (const std::int32_t d : org.department_of())
    moved += departments.empty() ||
             std::find(departments.begin(), departments.end(), d) != departments.end();
  const std::size_t first_new = org.regroup(to, departments, tick);
  // The regrouped teams lose capacity for transition_ticks (ODD 7.10); the others do not.
  for (std::size_t t = first_new; t < org.teams.count; ++t)
    org.teams.settle_at[t] = static_cast<std::int32_t>(tick + p.structure.transition_ticks);
  org.climate.add_fatigue(0.3 * static_cast<double>(moved) / static_cast<double>(org.headcount()));
  org.this_tick.spend(CostKind::change, p.finance.restructuring_cost * static_cast<double>(moved));
}

void structural_events(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  if (p.structure.enabled && p.structure.restructure_at > 0 &&
      static_cast<std::int64_t>(tick) == p.structure.restructure_at) {
    restructure(org, org.settings().restructure_to, tick);
  }
}

namespace {

std::vector<MetricRow> structure_metrics() {
  return {
      {{"team_alignment_gap", "strategic_alignment", "[0, 0.5]", "Alignment spread between teams",
        "Headcount-weighted standard deviation over teams of the team mean of goal_alignment "
        "(0 with one team; until issue 20 the highest minus the lowest team mean, which grew "
        "with the number of teams by itself).",
        Better::lower, false},
       [](const Observation& o) { return o.team_alignment_gap; }},
      {{"hierarchy_levels", "structure", "levels", "Hierarchy levels",
        "Levels between the organization's code and the teams.", Better::none, false},
       [](const Observation& o) { return static_cast<double>(o.org.hierarchy.depth); }},
      {{"teams", "structure", "teams", "Teams", "Number of teams.", Better::none, false},
       [](const Observation& o) { return static_cast<double>(o.org.teams.count); }},
      {{"decision_latency", "structure", "ticks", "Decision latency",
        "Ticks before a code decision takes effect.", Better::none, false},
       [](const Observation& o) { return static_cast<double>(o.org.hierarchy.decision_latency); }},
  };
}

bool structure_on(const ModelParams& p) {
  return p.structure.enabled;
}

}  // namespace

const Submodel& structure_submodel() {
  using K = PhaseRow::Kind;
  static const Submodel submodel{
      "structure",
      "7.10",
      "Teams, hierarchy, the code's cascade, the communication network, sites, restructuring.",
      [](std::vector<ParamSpec>& table) {
        declare_group<StructureParams, &ModelParams::structure>("structure", table);
      },
      structure_metrics(),
      {{"structural_events", K::serial, structural_events, nullptr, 0, structure_on},
       {"learn_from_peers_and_socialize", K::over_employees, nullptr,
        learn_from_peers_and_socialize, 256, peer_learning_on},
       {"publish_peer_beliefs", K::serial, publish_peer_beliefs, nullptr, 0, peer_learning_on},
       {"cascade_code", K::over_teams, nullptr, cascade_code, 64, structure_on}}};
  return submodel;
}

}  // namespace orgsim::agents
