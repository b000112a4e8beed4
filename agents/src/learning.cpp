// Learning and alignment core: March (1991) turbulence, acting, socialization, code learning and
// turnover, with the extensions that keep March as the special case where they are off:
// personal socialization rates, team codes, matrix lines, review cadence, sensing noise,
// consensus decisions and decision latency (docs/ODD.md 7.1-7.5, 7.9).
#include "orgsim/agents/learning.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/agents/submodels.hpp"

#include "orgsim/core/parallel.hpp"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace orgsim::agents {

namespace {
constexpr std::int8_t kNoDecision = 2;
constexpr double kExplorationPerOrientation = 0.02;  // reopened beliefs per tick at orientation 1

std::int8_t sign(std::int64_t x) {
  return static_cast<std::int8_t>((x > 0) - (x < 0));
}
}  // namespace

std::array<std::uint64_t, kMaxWords> domain_mask(std::size_t function, std::size_t functions,
                                                 std::size_t m) {
  std::array<std::uint64_t, kMaxWords> mask{};
  for (std::size_t d = function % std::max<std::size_t>(1, functions); d < m;
       d += std::max<std::size_t>(1, functions))
    mask[d / 64] |= std::uint64_t{1} << (d % 64);
  return mask;
}

void move_toward(Ternary beliefs, ConstTernary target, double p, RandomStream& draw) {
  BernoulliTrials trials(p);
  move_toward(beliefs, target, trials, draw);
}

void move_toward(Ternary beliefs, ConstTernary target, BernoulliTrials& trials,
                 RandomStream& draw) {
  for (std::size_t w = 0; w < beliefs.words(); ++w) {
    const std::uint64_t differ =
        target.known(w) & (~beliefs.known(w) | (beliefs.positive(w) ^ target.positive(w)));
    const std::uint64_t moved = trials.select(differ, draw);
    // An opposite belief becomes 0; a 0 belief takes the target's value.
    const std::uint64_t cleared = moved & beliefs.known(w);
    const std::uint64_t adopted = moved & ~beliefs.known(w);
    beliefs.known(w) = (beliefs.known(w) & ~cleared) | adopted;
    beliefs.positive(w) = (beliefs.positive(w) & ~cleared) | (adopted & target.positive(w));
  }
}

void apply_turbulence(Organization& org, Tick tick) {
  const double p4 = org.params().learning.turbulence_rate;
  if (p4 <= 0) return;
  RandomStream draw = market_stream(org, streams::turbulence, 0, tick);
  for (std::size_t d = 0; d < org.reality.size(); ++d) {
    if (draw.bernoulli(p4)) {   // one draw per dimension, so each dimension has its own numbers
      change_decision(org, d);  // March: reality flips; a landscape redraws the decision
      ++org.this_tick.reality_flips;
    }
  }
  settle_landscape(org);
}

namespace {

/// Acting, one employee at a time, with the numbers drawn before it. The first two words of an
/// employee's stream each tick are reserved: the first decides whether they leave by turnover
/// (March's p3; `leaving`), the second is the number their engagement-driven quit is decided by
/// later (`quit_draw`, people submodel). A reserved word that is not needed is passed over
/// without being computed, so the draws after it are the same whether turnover and quits are on
/// or off, and turnover needs no stream of its own. Then acting: a known belief is acted on, a 0
/// belief is a coin flip (one random bit per dimension; a random word for each 64 dimensions that
/// hold a 0 belief, none where every belief is known). Stores the actions and the action score.
class Acting {
 public:
  Acting(Organization& org, Tick tick)
      : org_(org),
        m_(org.dimensions()),
        words_(org.words()),
        tick_(tick),
        scores_(org.action_scores()),
        leaving_(org.leaving()),
        quit_draw_(org.quit_draw()),
        function_(org.function_of()),
        starts_at_(org.starts_at()),
        p3_(org.params().learning.turnover_rate),
        experience_(org.params().people.enabled ? org.params().people.experience_learning : 0.0),
        formation_(org.params().people.enabled ? org.params().people.tie_formation : 0.0),
        functions_(std::max<std::size_t>(1, org.skill_count() - 1)),
        tie_strength_(org.tie_strength()),
        landscape_(org.landscape.active() ? &org.landscape : nullptr) {
    pack_signs(org.reality, reality_);
  }

  void apply(std::size_t slot, RandomStream& draw) {
    if (p3_ > 0) {
      leaving_[slot] = draw.bernoulli(p3_) ? 1 : 0;
    } else {
      leaving_[slot] = 0;
      draw.discard(1);
    }
    if (!quit_draw_.empty()) {
      quit_draw_[slot] = draw.uniform();
    } else {
      draw.discard(1);
    }
    const ConstTernary beliefs = org_.beliefs(slot);
    const auto actions = org_.actions(slot);
    std::int32_t score = 0;
    for (std::size_t w = 0; w < words_; ++w) {
      const std::uint64_t valid = valid_bits(m_, w);
      const std::uint64_t coins = (~beliefs.known(w) & valid) != 0 ? draw() : 0;
      const std::uint64_t action =
          ((beliefs.known(w) & beliefs.positive(w)) | (~beliefs.known(w) & coins)) & valid;
      actions[w] = action;
      const std::uint64_t wrong = (action ^ reality_[w]) & valid;
      score += std::popcount(valid) - 2 * std::popcount(wrong);
      outcome_[w] = action ^ wrong;  // what acting showed to pay off, dimension by dimension
    }
    if (!landscape_) scores_[slot] = score;  // on a landscape: score_on_landscape()
    // How far the employee's ties have formed (read by peer learning later in the tick).
    const double tenure = static_cast<double>(tick_) - static_cast<double>(starts_at_[slot]);
    tie_strength_[slot] = static_cast<std::uint8_t>(
        formation_ <= 0 ? 16.0 : std::clamp(16.0 * tenure / formation_, 0.0, 16.0));
  }

  /// Learning by doing (who knows what, 7.11), the employee's last draw of the tick (so that it
  /// shifts no other): with probability q x D (at most 1), D the size of their function's domain
  /// (the dimensions d = f, f + F, f + 2F, ... below m), they take in what their action's outcome
  /// showed on one dimension of it, chosen uniformly by the same number: a belief the outcome
  /// contradicts becomes 0, a 0 belief takes the outcome's sign. Each domain dimension is thus
  /// learnt with probability q per tick (1/D when q x D > 1). Only the scored outcome of the
  /// employee's own action is read, as in scoring. Not in a vacancy, nor on a landscape.
  void learn_by_doing(std::size_t slot, RandomStream& draw) {
    if (experience_ <= 0 || landscape_ || static_cast<std::int64_t>(tick_) < starts_at_[slot])
      return;
    const std::size_t f = static_cast<std::size_t>(function_[slot]) % functions_;
    if (f >= m_) return;
    const std::size_t domain = (m_ - f + functions_ - 1) / functions_;
    const double chance = std::min(1.0, experience_ * static_cast<double>(domain));
    const double u = draw.uniform();
    if (u >= chance) return;
    const auto k =
        std::min(domain - 1, static_cast<std::size_t>(u / chance * static_cast<double>(domain)));
    const std::size_t d = f + k * functions_;
    const std::size_t w = d / 64;
    const std::uint64_t bit = std::uint64_t{1} << (d % 64);
    const Ternary beliefs = org_.beliefs(slot);
    if (!(beliefs.known(w) & bit)) {
      beliefs.known(w) |= bit;  // a 0 belief takes the outcome's sign
      beliefs.positive(w) = (beliefs.positive(w) & ~bit) | (outcome_[w] & bit);
    } else if ((beliefs.positive(w) ^ outcome_[w]) & bit) {
      beliefs.known(w) &= ~bit;  // a contradicted belief becomes 0
      beliefs.positive(w) &= ~bit;
    }
  }

  /// On a landscape the score is the actions' payoff (one word: at most 64 decisions),
  /// evaluated for a batch of employees at once after they have acted.
  void score_on_landscape(std::size_t begin, std::size_t end) {
    if (!landscape_) return;
    constexpr std::size_t kBatch = 64;
    std::array<std::uint64_t, kBatch> x;
    std::array<double, kBatch> value;
    for (std::size_t first = begin; first < end; first += kBatch) {
      const std::size_t count = std::min(kBatch, end - first);
      for (std::size_t j = 0; j < count; ++j) x[j] = org_.actions(first + j)[0];
      landscape_->values(std::span(x.data(), count), value);
      for (std::size_t j = 0; j < count; ++j) scores_[first + j] = landscape_score(value[j]);
    }
  }

 private:
  Organization& org_;
  std::size_t m_, words_;
  Tick tick_;
  std::span<std::int32_t> scores_;
  std::span<std::uint8_t> leaving_;
  std::span<double> quit_draw_;
  std::span<const std::int32_t> function_;
  std::span<const std::int32_t> starts_at_;
  double p3_;
  double experience_;
  double formation_;
  std::size_t functions_;
  std::span<std::uint8_t> tie_strength_;
  const Landscape* landscape_;
  std::array<std::uint64_t, kMaxWords> reality_{};
  std::array<std::uint64_t, kMaxWords> outcome_{};  ///< the last acting employee's outcomes
};

}  // namespace

void act(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  Acting acting(org, tick);
  StreamsAhead stream = org.key().streams(streams::act, org.employees().ids(), tick, end);
  for (std::size_t slot = begin; slot < end; ++slot) {
    RandomStream draw = stream(slot);
    acting.apply(slot, draw);
    acting.learn_by_doing(slot, draw);
  }
  acting.score_on_landscape(begin, end);
}

Socialization::Socialization(Organization& org)
    : org_(org),
      m_(org.dimensions()),
      words_(org.words()),
      matrix_(org.params().structure.enabled && org.hierarchy.type == StructureType::matrix),
      explore_(org.params().culture.enabled ? kExplorationPerOrientation : 0.0),
      team_(org.teams_of()),
      project_team_(org.project_team_of()),
      rate_(org.socialization_rate()),
      matches_(org.code_matches()) {}

void Socialization::pack(PackedCode& cache, std::size_t& cached, std::size_t team) {
  cache.pack(org_.guiding_code(team));
  cached = team;
}

void Socialization::apply(std::size_t slot, Ternary beliefs, RandomStream& draw) {
  const auto team = static_cast<std::size_t>(team_[slot]);
  std::size_t guide = team;
  if (matrix_ && (draw() & 1u)) {
    guide = static_cast<std::size_t>(
        project_team_[slot]);  // two reporting lines: one of them, at random
  }
  const double p1 = rate_[slot];
  if (own_team_ != team) {  // teams are contiguous slots: rarely
    pack(own_, own_team_, team);
    explore_rate_ = explore_ * org_.culture_of_team(team).learning_orientation;
  }
  if (p1 > 0) {
    if (guide != team && guiding_team_ != guide) pack(guiding_, guiding_team_, guide);
    move_toward(beliefs, guide == team ? own_.view() : guiding_.view(), trials_(p1), draw);
  }
  if (explore_ > 0) {
    // Experimentation (culture's learning orientation): a belief is reopened (set to 0, acted
    // on as a coin flip) with a small probability, which keeps variety the code can learn from.
    BernoulliTrials& trials = explore_trials_(explore_rate_);  // each employee's on their own
    for (std::size_t w = 0; w < words_; ++w) {
      const std::uint64_t reopened = trials.select(beliefs.known(w), draw);
      beliefs.known(w) &= ~reopened;
      beliefs.positive(w) &= ~reopened;
    }
  }
  const ConstTernary code = own_.view();
  std::int32_t same = 0;
  for (std::size_t w = 0; w < words_; ++w) {
    const std::uint64_t differ =
        (beliefs.known(w) ^ code.known(w)) | (beliefs.positive(w) ^ code.positive(w));
    same += std::popcount(~differ & valid_bits(m_, w));
  }
  matches_[slot] = static_cast<std::int16_t>(same);
}

void act_and_socialize(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  Acting acting(org, tick);
  Socialization socialization(org);
  StreamsAhead stream = org.key().streams(streams::learning, org.employees().ids(), tick, end);
  for (std::size_t slot = begin; slot < end; ++slot) {
    RandomStream draw = stream(slot);
    acting.apply(slot, draw);
    socialization.apply(slot, org.beliefs(slot), draw);
    acting.learn_by_doing(slot, draw);
  }
  acting.score_on_landscape(begin, end);
}

namespace {

/// The superior group's net majority per dimension (#(+1) - #(-1) of their actions) and its size.
struct Tally {
  std::vector<std::int64_t> net;
  std::size_t members = 0;
};

/// Counts of the set bits of many action words, dimension by dimension, as bit-sliced binary
/// counters (plane p holds bit p of every dimension's count): adding a word ripples a carry
/// through the planes, a few operations for all 64 dimensions at once instead of one increment per
/// set bit. Exact integer counts.
class BitCounts {
 public:
  explicit BitCounts(std::size_t words) : words_(words) {}

  void add(std::span<const std::uint64_t> bits) noexcept {
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t carry = bits[w];
      for (std::size_t plane = 0; carry != 0; ++plane) {
        std::uint64_t& counter = planes_[plane][w];
        const std::uint64_t next = counter & carry;
        counter ^= carry;
        carry = next;
        planes_used_ = std::max(planes_used_, plane + 1);
      }
    }
  }

  /// Adds each dimension's count to net[d] (d < m).
  void add_to(std::span<std::int64_t> net, std::size_t m) const noexcept {
    for (std::size_t plane = 0; plane < planes_used_; ++plane) {
      for (std::size_t w = 0; w < words_; ++w)
        for_each_bit(planes_[plane][w], w, [&](std::size_t d) {
          if (d < m) net[d] += std::int64_t{1} << plane;
        });
    }
  }

 private:
  std::size_t words_;
  std::size_t planes_used_ = 0;
  std::array<std::array<std::uint64_t, kMaxWords>, 64> planes_{};  // up to 2^64 - 1 per count
};

/// Tallies the employees whose (perceived) action score beats the code's: sensing noise (less
/// with data-driven automation) blurs who does. Integer sums: exact whatever the split.
Tally tally_superior_group(const Organization& org, Tick tick, std::int64_t code_score) {
  const std::size_t m = org.dimensions();
  const auto scores = org.action_scores();
  double noise_sd = org.params().strategy.enabled
                        ? org.params().strategy.sensing_noise * std::sqrt(static_cast<double>(m)) *
                              (1.0 - 0.8 * org.automation.data)
                        : 0.0;
  // On a landscape, scores are payoffs in fixed point: a score of m(2v - 1) is v's scale x 2m.
  if (org.landscape.active())
    noise_sd *= static_cast<double>(landscape_score(1.0)) / (2.0 * static_cast<double>(m));
  const auto& population = org.employees();
  Tally tally = deterministic_reduce(
      org.headcount(), 1024, Tally{std::vector<std::int64_t>(m, 0), 0},
      [&](std::size_t begin, std::size_t end, Tally acc) {
        StreamsAhead stream = org.key().streams(streams::sensing, population.ids(), tick, end);
        BitCounts positive(org.words());  // +1 actions of the chunk's superior employees
        for (std::size_t slot = begin; slot < end; ++slot) {
          bool superior = scores[slot] > code_score;
          if (noise_sd > 0) {
            RandomStream draw = stream(slot);
            boost::random::normal_distribution<double> noise(0.0, noise_sd);
            superior =
                static_cast<double>(scores[slot]) + noise(draw) > static_cast<double>(code_score);
          }
          if (!superior) continue;
          ++acc.members;
          positive.add(org.actions(slot));
        }
        positive.add_to(acc.net, m);
        return acc;
      },
      [m](Tally left, const Tally& right) {
        for (std::size_t d = 0; d < m; ++d) left.net[d] += right.net[d];
        left.members += right.members;
        return left;
      });
  // Every member acted -1 where it did not act +1: net = 2 x #(+1) - members.
  for (std::size_t d = 0; d < m; ++d)
    tally.net[d] = 2 * tally.net[d] - static_cast<std::int64_t>(tally.members);
  return tally;
}

/// On each dimension where the superior group's majority differs from the code, the code takes
/// it with probability 1-(1-p2)^k (k >= consensus x group size), now or after the latency.
void adopt_majorities(Organization& org, Tick tick, const Tally& tally) {
  const std::size_t m = org.dimensions();
  // Consensus (collectivism): a majority must be this broad a share of the group to count
  // (0.3 x collectivism: 0.03 for an individualist culture, 0.24 for a collectivist one).
  const double consensus =
      org.params().culture.enabled ? 0.3 * org.settings().site_culture[0].collectivism : 0.0;
  const double p2 = org.params().learning.code_learning_rate;
  const std::size_t due =
      (tick + static_cast<Tick>(org.hierarchy.decision_latency)) % org.decision_slots;
  RandomStream draw = org.key().stream(streams::code_learning, 0, tick);
  for (std::size_t d = 0; d < m; ++d) {
    const double u = draw.uniform();  // one draw per dimension, used or not
    const std::int8_t majority = sign(tally.net[d]);
    if (majority == 0 || majority == org.code[d]) continue;
    const double k = static_cast<double>(std::llabs(tally.net[d]));
    if (k < consensus * static_cast<double>(tally.members)) continue;
    if (u >= 1.0 - std::pow(1.0 - p2, k)) continue;
    if (org.hierarchy.decision_latency == 0) {
      org.code[d] = majority;
    } else {
      org.decisions[due * m + d] = majority;  // takes effect after the decision latency
    }
  }
}

}  // namespace

void learn_code(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  org.this_tick.reviewed = tick % static_cast<Tick>(org.settings().review_interval) == 0;
  org.this_tick.superior_count = 0;
  if (org.this_tick.reviewed) {
    if (org.landscape.active()) {
      const CodeBits bits = code_bits(org);
      org.this_tick.code_score =
          landscape_score(org.landscape.expected(bits.known, bits.positive, org.landscape.all()));
    } else {
      org.this_tick.code_score = agreement(org.code, org.reality);
    }
    const Tally tally = tally_superior_group(org, tick, org.this_tick.code_score);
    org.this_tick.superior_count = tally.members;
    adopt_majorities(org, tick, tally);
  }
  if (org.hierarchy.decision_latency > 0) {
    std::int8_t* now = org.decisions.data() + (tick % org.decision_slots) * m;
    for (std::size_t d = 0; d < m; ++d) {
      if (now[d] != kNoDecision) org.code[d] = now[d];
      now[d] = kNoDecision;
    }
  }
  org.record_code_history(tick);
}

void draw_turnover(Organization& org, Tick /*tick*/, std::size_t begin, std::size_t end) {
  // Turnover was decided when acting (the first reserved word of the tick); the
  // engagement-driven quit (people submodel), (1 - engagement)^2 scaled, is decided here by the
  // number drawn then, with this tick's engagement.
  const auto quit_draw = org.quit_draw();
  if (quit_draw.empty()) return;  // no quits (the column exists only with them)
  const double sensitivity = org.params().people.quit_sensitivity;
  auto leaving = org.leaving();
  const auto engagement = org.engagement();
  const auto team = org.team_of();
  for (std::size_t slot = begin; slot < end; ++slot) {
    const double disengaged = 1.0 - engagement[slot];
    const double propensity =  // collectivists are embedded in their group and quit less
        org.culture_of_team(static_cast<std::size_t>(team[slot])).quit_propensity();
    if (quit_draw[slot] < sensitivity * propensity * disengaged * disengaged) leaving[slot] = 1;
  }
}

/// Whether a leaver's position closes: during a hiring freeze (after a layoff, or while cash is
/// short: finance.runway) every one does; with org.replace_below, one in a department whose
/// averaged workload would still be below that share of its capacity without them, in a team
/// below it this tick (team leads are always replaced). `remaining` counts the people each
/// department keeps so far this tick.
bool position_closes(const Organization& org, std::size_t slot, bool frozen,
                     std::vector<std::int64_t>& remaining) {
  if (frozen) return true;
  const double threshold = org.params().org.replace_below;
  if (threshold <= 0 || !org.params().work.enabled || org.leads()[slot]) return false;
  // An overloaded team (a bottleneck squad, say) refills its positions whatever its department.
  if (org.teams.utilization[static_cast<std::size_t>(org.teams_of()[slot])] >= threshold)
    return false;
  const auto d = static_cast<std::size_t>(org.department_of()[slot]);
  const double load = org.departments[d].load;
  const std::int64_t before = remaining[d];
  if (load < 0 || before <= 1) return false;
  if (load * static_cast<double>(before) / static_cast<double>(before - 1) >= threshold)
    return false;
  --remaining[d];
  return true;
}

void renew_leavers(Organization& org, Tick tick) {
  auto leaving = org.leaving();
  // A hiring freeze after a layoff, or a firm short of cash (finance.runway), replaces nobody.
  const bool frozen = org.climate.hiring_frozen(tick) || cash_is_low(org);
  const bool slack_rule = !frozen && org.params().org.replace_below > 0 &&
                          org.params().work.enabled && !org.departments.empty();
  const std::vector<std::size_t> leavers =  // found in parallel; decided in slot order
      parallel_select(leaving.size(), 16384, [&](std::size_t slot) { return leaving[slot] != 0; });
  std::vector<std::uint8_t> closes(leavers.size(), 0);
  std::size_t closed = 0;
  if ((frozen || slack_rule) && !leavers.empty()) {
    std::vector<std::int64_t> remaining;  // people per department (the slack rule)
    if (slack_rule)
      for (const double people : org.department_headcounts())
        remaining.push_back(static_cast<std::int64_t>(people));
    for (std::size_t k = 0; k < leavers.size(); ++k) {
      if (!position_closes(org, leavers[k], frozen, remaining)) continue;
      closes[k] = 1;
      ++closed;
    }
  }
  if (closed == leaving.size()) closed = 0, std::ranges::fill(closes, 0);  // someone always stays
  std::size_t renewed = 0;
  for (std::size_t k = 0; k < leavers.size(); ++k) {
    if (closes[k]) continue;
    org.employees().renew(leavers[k]);
    ++renewed;
  }
  org.this_tick.leavers += renewed;
  org.this_tick.hires += renewed;
  org.this_tick.spend(CostKind::change,
                      org.params().finance.hiring_cost * static_cast<double>(renewed));
  // Closed positions leave the firm (someone always stays); the renewed are onboarded next.
  if (closed > 0) {
    std::vector<std::uint8_t> keep(leaving.size(), 1);
    for (std::size_t k = 0; k < leavers.size(); ++k) {
      if (!closes[k]) continue;
      keep[leavers[k]] = 0;
      leaving[leavers[k]] = 0;  // not a hire to onboard
    }
    org.remove_employees(keep, closed, tick);
  }
}

void onboard_hires(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  auto leaving = org.leaving();
  for (std::size_t slot = begin; slot < end; ++slot) {
    if (leaving[slot]) org.onboard(slot, tick);
  }
}

bool at_equilibrium(const Organization& org) {
  if (org.landscape.active() && !org.landscape.march())
    return false;  // March's test; interacting payoffs have no such bound
  const std::size_t m = org.dimensions();
  const std::size_t words = org.words();
  const std::int64_t code_score = agreement(org.code, org.reality);
  const PackedCode code(org.code);
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  const ConstTernary c = code.view();
  // Unsettled: a belief differs from a non-zero code value, or the best score the employee's
  // coin flips could give beats the code. Most ticks of a run have one among the first slots.
  const bool unsettled = parallel_any(org.headcount(), 1024, [&](std::size_t slot) {
    const ConstTernary beliefs = org.beliefs(slot);
    std::int64_t best_score = 0;  // score with every 0 belief flipped the right way
    for (std::size_t w = 0; w < words; ++w) {
      if ((c.known(w) & (~beliefs.known(w) | (beliefs.positive(w) ^ c.positive(w)))) != 0)
        return true;
      const std::uint64_t valid = valid_bits(m, w);
      const std::uint64_t wrong = beliefs.known(w) & valid & (beliefs.positive(w) ^ reality[w]);
      best_score += std::popcount(valid) - 2 * std::popcount(wrong);
    }
    return best_score > code_score;
  });
  return !unsettled;
}

}  // namespace orgsim::agents

namespace orgsim::agents {

namespace {}  // namespace

bool peer_learning_on(const ModelParams& p) {
  return p.structure.enabled && p.structure.peer_learning_rate > 0;
}

namespace {

std::vector<MetricRow> learning_metrics() {
  return {
      {{"strategic_fit", "strategic_alignment", "[-1, 1]", "Strategic fit",
        "March's code knowledge: (#dims where code = reality - #dims where code = -reality) / m.",
        Better::higher, true},
       [](const Observation& o) { return o.org.strategic_fit(); }},
      {{"goal_alignment", "strategic_alignment", "[0, 1]", "Goal alignment",
        "Mean over employees of the share of dimensions where the belief equals the organization's "
        "code.",
        Better::higher, true},
       [](const Observation& o) { return static_cast<double>(o.sums.matches) / (o.n * o.m); }},
      {{"employee_knowledge", "strategic_alignment", "[-1, 1]", "Employee knowledge",
        "Mean over employees of (#beliefs = reality - #beliefs = -reality) / m.", Better::higher,
        false},
       [](const Observation& o) { return static_cast<double>(o.sums.knowledge) / (o.n * o.m); }},
      {{"superior_share", "innovation_adaptability", "[0, 1]", "Employees ahead of the strategy",
        "Share of employees whose actions beat the code at this tick's review (the superior "
        "group); NaN on ticks without a review.",
        Better::none, false},
       [](const Observation& o) {
         return o.org.this_tick.reviewed ? static_cast<double>(o.org.this_tick.superior_count) / o.n
                                         : kNaN;
       }},
      {{"exploration", "innovation_adaptability", "[0, 1]", "Exploration",
        "Share of this tick's actions that differ from the code (a 0 code value counts as "
        "differing; over the "
        "employees who acted this tick, 0 in the initial row): the variety the code can learn "
        "from.",
        Better::higher, true},
       [](const Observation& o) {
         return o.acted > 0
                    ? static_cast<double>(o.sums.exploring) / (static_cast<double>(o.acted) * o.m)
                    : 0.0;
       }},
      {{"turnover_rate", "engagement", "1/tick", "Turnover",
        "Employees who left of their own accord this tick (March's turnover and "
        "engagement-driven quits) / headcount; layoffs are layoff_rate (until issue 20 "
        "layoffs were counted here too).",
        Better::lower, true},
       [](const Observation& o) {
         return static_cast<double>(o.org.this_tick.leavers - o.org.this_tick.laid_off) / o.n;
       }},
      {{"layoff_rate", "engagement", "1/tick", "Layoffs (share)",
        "Employees laid off this tick / headcount.", Better::none, false},
       [](const Observation& o) { return static_cast<double>(o.org.this_tick.laid_off) / o.n; }},
      {{"headcount", "finance", "positions", "Headcount",
        "Positions in the organization: employees, and open positions still to be filled "
        "(metric vacancies, org.time_to_fill; 7.12).",
        Better::none, false},
       [](const Observation& o) { return o.n; }},
      {{"hires", "finance", "employees/tick", "Hires",
        "Employees hired this tick (replacements and growth).", Better::none, false},
       [](const Observation& o) { return static_cast<double>(o.org.this_tick.hires); }},
      {{"reality_change", "environment", "[0, 1]", "Market change",
        "Share of reality's dimensions that flipped this tick.", Better::none, false},
       [](const Observation& o) {
         return static_cast<double>(o.org.this_tick.reality_flips) / o.m;
       }},
  };
}

std::vector<PhaseRow> learning_phases() {
  using K = PhaseRow::Kind;
  return {
      {"turbulence", K::serial, apply_turbulence},
      {"act", K::over_employees, nullptr, act, 256, peer_learning_on},
      {"act_and_socialize", K::over_employees, nullptr, act_and_socialize, 256,
       [](const ModelParams& p) { return !peer_learning_on(p); }},
      {"learn_code", K::serial, learn_code},
      {"draw_turnover", K::over_employees, nullptr, draw_turnover, 1024},
      {"renew_leavers", K::serial, renew_leavers},
      {"onboard_hires", K::over_employees, nullptr, onboard_hires, 1024},
  };
}

}  // namespace

const Submodel& learning_submodel() {
  static const Submodel submodel{"learning",
                                 "7.1-7.5",
                                 "March (1991): reality, the code, beliefs; acting, socialization, "
                                 "code learning, turnover, turbulence.",
                                 [](std::vector<ParamSpec>& table) {
                                   declare_group<OrgParams, &ModelParams::org>("org", table);
                                   declare_group<LearningParams, &ModelParams::learning>("learning",
                                                                                         table);
                                 },
                                 learning_metrics(),
                                 learning_phases()};
  return submodel;
}

}  // namespace orgsim::agents
