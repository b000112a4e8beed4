// Learning and alignment core: March (1991) turbulence, acting, socialization, code learning and
// turnover, with the extensions that keep March as the special case where they are off:
// personal socialization rates, team codes, matrix lines, review cadence, sensing noise,
// consensus decisions and decision latency (docs/ODD.md 7.1-7.5, 7.9).
#include "orgsim/agents/learning.hpp"

#include "orgsim/core/parallel.hpp"

#include <boost/random/normal_distribution.hpp>

#include <array>
#include <bit>
#include <climits>

#include <cmath>
#include <cstdint>
#include <cstddef>
#include <cstdlib>
#include <vector>

namespace orgsim::agents {

namespace {
constexpr std::int8_t kNoDecision = 2;
constexpr double kExplorationPerOrientation = 0.02;  // reopened beliefs per tick at orientation 1

std::int8_t sign(std::int64_t x) { return static_cast<std::int8_t>((x > 0) - (x < 0)); }
}  // namespace

void move_toward(Ternary beliefs, ConstTernary target, double p, RandomStream& draw) {
  BernoulliSequence trials(p);
  for (std::size_t w = 0; w < beliefs.words(); ++w) {
    const std::uint64_t differ = target.known(w) & (~beliefs.known(w) | (beliefs.positive(w) ^ target.positive(w)));
    std::uint64_t moved = 0;
    for_each_bit(differ, w, [&](std::size_t d) {
      if (trials.next(draw)) moved |= std::uint64_t{1} << (d % 64);
    });
    // An opposite belief becomes 0; a 0 belief takes the target's value.
    const std::uint64_t cleared = moved & beliefs.known(w);
    const std::uint64_t adopted = moved & ~beliefs.known(w);
    beliefs.known(w) = (beliefs.known(w) & ~cleared) | adopted;
    beliefs.positive(w) = (beliefs.positive(w) & ~cleared) | (adopted & target.positive(w));
  }
}

void apply_turbulence(Organization& org, Tick tick) {
  const double p4 = org.params().learning_turbulence_rate;
  if (p4 <= 0) return;
  RandomStream draw = org.key().stream(streams::turbulence, 0, tick);
  for (std::int8_t& r : org.reality) {
    if (draw.bernoulli(p4)) {  // one draw per dimension, so each dimension has its own numbers
      r = static_cast<std::int8_t>(-r);
      ++org.reality_flips;
    }
  }
}

void act(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const auto& population = org.employees();
  const std::size_t m = org.dimensions();
  const std::size_t words = org.words();
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  auto scores = org.action_scores();
  for (std::size_t slot = begin; slot < end; ++slot) {
    RandomStream draw = org.key().stream(streams::act, population.id(slot), tick);
    const ConstTernary beliefs = org.beliefs(slot);
    const auto actions = org.actions(slot);
    std::int32_t score = 0;
    for (std::size_t w = 0; w < words; ++w) {
      // A known belief is acted on; a 0 belief is a coin flip (one random bit per dimension).
      const std::uint64_t coins = draw();
      const std::uint64_t valid = valid_bits(m, w);
      const std::uint64_t action = ((beliefs.known(w) & beliefs.positive(w)) | (~beliefs.known(w) & coins)) & valid;
      actions[w] = action;
      const std::uint64_t wrong = (action ^ reality[w]) & valid;
      score += std::popcount(valid) - 2 * std::popcount(wrong);
    }
    scores[slot] = score;
  }
}

void socialize(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const std::size_t m = org.dimensions();
  const std::size_t words = org.words();
  const auto& population = org.employees();
  const auto rates = org.socialization_rate();
  const auto team = org.teams_of();
  const auto project = org.project_team_of();
  const bool matrix = org.params().structure_enabled && org.structure == StructureType::matrix;
  auto matches = org.code_matches();
  const double explore = org.params().culture_enabled ? kExplorationPerOrientation : 0.0;
  // Guiding codes packed once per team in a row of employees (teams are contiguous slots).
  PackedCode guiding, own;
  std::size_t guiding_team = SIZE_MAX, own_team = SIZE_MAX;
  auto packed = [&](PackedCode& cache, std::size_t& cached, std::size_t t) -> ConstTernary {
    if (cached != t) {
      cache.pack(org.guiding_code(t));
      cached = t;
    }
    return cache.view();
  };
  for (std::size_t slot = begin; slot < end; ++slot) {
    std::size_t guide = static_cast<std::size_t>(team[slot]);
    if (matrix) {
      // Two reporting lines: each tick the employee follows one of them.
      RandomStream line = org.key().stream(streams::matrix_line, population.id(slot), tick);
      if (line() & 1u) guide = static_cast<std::size_t>(project[slot]);
    }
    const Ternary beliefs = org.beliefs(slot);
    const double p1 = rates[slot];
    if (p1 > 0) {
      const ConstTernary code = packed(guiding, guiding_team, guide);
      RandomStream draw = org.key().stream(streams::socialization, population.id(slot), tick);
      move_toward(beliefs, code, p1, draw);
    }
    if (explore > 0) {
      // Experimentation (culture's learning orientation): a belief is reopened (set to 0, acted
      // on as a coin flip) with a small probability, which keeps variety the code can learn from.
      const double rate = explore * org.culture_of_team(static_cast<std::size_t>(team[slot])).learning_orientation;
      RandomStream draw = org.key().stream(streams::explore, population.id(slot), tick);
      BernoulliSequence trials(rate);
      for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t reopened = 0;
        for_each_bit(beliefs.known(w), w, [&](std::size_t d) {
          if (trials.next(draw)) reopened |= std::uint64_t{1} << (d % 64);
        });
        beliefs.known(w) &= ~reopened;
        beliefs.positive(w) &= ~reopened;
      }
    }
    const ConstTernary code = packed(own, own_team, static_cast<std::size_t>(team[slot]));
    std::int32_t same = 0;
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t differ = (beliefs.known(w) ^ code.known(w)) | (beliefs.positive(w) ^ code.positive(w));
      same += std::popcount(~differ & valid_bits(m, w));
    }
    matches[slot] = static_cast<std::int16_t>(same);
  }
}

void learn_code(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  const Settings& settings = org.settings();
  org.reviewed = tick % static_cast<Tick>(settings.review_interval) == 0;
  org.superior_count = 0;
  if (org.reviewed) {
    org.code_score = agreement(org.code, org.reality);
    const std::int64_t code_score = org.code_score;
    const auto scores = org.action_scores();
    // Sensing noise (less with data-driven automation) blurs who beats the code.
    const double noise_sd = org.params().strategy_enabled
                                ? org.params().strategy_sensing_noise * std::sqrt(static_cast<double>(m)) *
                                      (1.0 - 0.8 * org.automation_data)
                                : 0.0;
    const auto& population = org.employees();

    // Net majority (#(+1) - #(-1)) per dimension over the superior group, and its size.
    // Integer sums: exact whatever the split.
    struct Tally {
      std::vector<std::int64_t> net;
      std::size_t members = 0;
    };
    Tally tally = deterministic_reduce(
        org.headcount(), 1024, Tally{std::vector<std::int64_t>(m, 0), 0},
        [&](std::size_t begin, std::size_t end, Tally acc) {
          for (std::size_t slot = begin; slot < end; ++slot) {
            bool superior = scores[slot] > code_score;
            if (noise_sd > 0) {
              RandomStream draw = org.key().stream(streams::sensing, population.id(slot), tick);
              boost::random::normal_distribution<double> noise(0.0, noise_sd);
              superior = static_cast<double>(scores[slot]) + noise(draw) > static_cast<double>(code_score);
            }
            if (!superior) continue;
            ++acc.members;
            const auto actions = org.actions(slot);
            for (std::size_t d = 0; d < m; ++d) acc.net[d] += ((actions[d / 64] >> (d % 64)) & 1u) ? 1 : -1;
          }
          return acc;
        },
        [m](Tally left, const Tally& right) {
          for (std::size_t d = 0; d < m; ++d) left.net[d] += right.net[d];
          left.members += right.members;
          return left;
        });
    org.superior_count = tally.members;

    // Consensus (collectivism): a majority must be this broad a share of the group to count
    // (0.3 x collectivism: 0.03 for an individualist culture, 0.24 for a collectivist one).
    const double consensus = org.params().culture_enabled ? 0.3 * settings.site_culture[0].collectivism : 0.0;
    const double p2 = org.params().learning_code_learning_rate;
    const std::size_t due = (tick + static_cast<Tick>(org.decision_latency)) % org.decision_slots;
    RandomStream draw = org.key().stream(streams::code_learning, 0, tick);
    for (std::size_t d = 0; d < m; ++d) {
      const double u = draw.uniform();  // one draw per dimension, used or not
      const std::int8_t majority = sign(tally.net[d]);
      if (majority == 0 || majority == org.code[d]) continue;
      const double k = static_cast<double>(std::llabs(tally.net[d]));
      if (k < consensus * static_cast<double>(tally.members)) continue;
      if (u >= 1.0 - std::pow(1.0 - p2, k)) continue;
      if (org.decision_latency == 0) {
        org.code[d] = majority;
      } else {
        org.decisions[due * m + d] = majority;  // takes effect after the decision latency
      }
    }
  }
  if (org.decision_latency > 0) {
    std::int8_t* now = org.decisions.data() + (tick % org.decision_slots) * m;
    for (std::size_t d = 0; d < m; ++d) {
      if (now[d] != kNoDecision) org.code[d] = now[d];
      now[d] = kNoDecision;
    }
  }
  org.record_code_history(tick);
}

void draw_turnover(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const double p3 = org.params().learning_turnover_rate;
  const bool quits = org.params().people_enabled && org.params().people_quit_sensitivity > 0;
  const double sensitivity = org.params().people_quit_sensitivity;
  auto leaving = org.leaving();
  const auto engagement = org.engagement();
  const auto& population = org.employees();
  for (std::size_t slot = begin; slot < end; ++slot) {
    bool leaves = false;
    if (p3 > 0) {
      RandomStream draw = org.key().stream(streams::turnover, population.id(slot), tick);
      leaves = draw.bernoulli(p3);
    }
    if (quits) {
      // Engagement-driven quits (people submodel): (1 - engagement)^2 scaled.
      RandomStream draw = org.key().stream(streams::quit, population.id(slot), tick);
      const double disengaged = 1.0 - engagement[slot];
      leaves = draw.bernoulli(sensitivity * disengaged * disengaged) || leaves;
    }
    leaving[slot] = leaves ? 1 : 0;
  }
}

void renew_leavers(Organization& org, Tick /*tick*/) {
  auto leaving = org.leaving();
  std::size_t leavers = 0;
  for (std::size_t slot = 0; slot < leaving.size(); ++slot) {
    if (!leaving[slot]) continue;
    org.employees().renew(slot);
    ++leavers;
  }
  org.leavers += leavers;
  org.hires += leavers;
}

void onboard_hires(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  auto leaving = org.leaving();
  for (std::size_t slot = begin; slot < end; ++slot) {
    if (leaving[slot]) org.onboard(slot, tick);
  }
}

bool at_equilibrium(const Organization& org) {
  const std::size_t m = org.dimensions();
  const std::size_t words = org.words();
  const std::int64_t code_score = agreement(org.code, org.reality);
  const PackedCode code(org.code);
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  const std::size_t unsettled = deterministic_reduce(
      org.headcount(), 1024, std::size_t{0},
      [&](std::size_t begin, std::size_t end, std::size_t count) {
        const ConstTernary c = code.view();
        for (std::size_t slot = begin; slot < end; ++slot) {
          const ConstTernary beliefs = org.beliefs(slot);
          std::int64_t best_score = 0;  // score with every 0 belief flipped the right way
          bool differs = false;
          for (std::size_t w = 0; w < words; ++w) {
            const std::uint64_t valid = valid_bits(m, w);
            const std::uint64_t known = beliefs.known(w) & valid;
            const std::uint64_t wrong = known & (beliefs.positive(w) ^ reality[w]);
            best_score += std::popcount(valid) - 2 * std::popcount(wrong);
            differs |= (c.known(w) & (~beliefs.known(w) | (beliefs.positive(w) ^ c.positive(w)))) != 0;
          }
          if (differs || best_score > code_score) ++count;
        }
        return count;
      },
      [](std::size_t a, std::size_t b) { return a + b; });
  return unsettled == 0;
}

}  // namespace orgsim::agents
