// March (1991) learning core: turbulence, acting, socialization, code learning, turnover.
#include "orgsim/agents/learning.hpp"

#include "orgsim/core/parallel.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace orgsim::agents {

namespace {
constexpr std::size_t kGrain = 256;

std::int8_t sign(std::int64_t x) { return static_cast<std::int8_t>((x > 0) - (x < 0)); }
}  // namespace

void apply_turbulence(Organization& org, Tick tick) {
  org.reality_flips = 0;
  const double p4 = org.params().turbulence_rate;
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
  const std::int8_t* reality = org.reality.data();
  auto scores = org.action_scores();
  for (std::size_t slot = begin; slot < end; ++slot) {
    RandomStream draw = org.key().stream(streams::act, population.id(slot), tick);
    const auto beliefs = org.beliefs(slot);
    auto actions = org.actions(slot);
    std::uint64_t coins = 0;
    std::int32_t score = 0;
    for (std::size_t d = 0; d < m; ++d) {
      if (d % 64 == 0) coins = draw();
      const std::int8_t coin = ((coins >> (d % 64)) & 1u) ? 1 : -1;
      const std::int8_t action = beliefs[d] != 0 ? beliefs[d] : coin;
      actions[d] = action;
      score += action * reality[d];
    }
    scores[slot] = score;
  }
}

void socialize(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const double p1 = org.params().socialization_rate;
  if (p1 <= 0) return;
  const std::size_t m = org.dimensions();
  const std::int8_t* code = org.code.data();
  const auto& population = org.employees();
  for (std::size_t slot = begin; slot < end; ++slot) {
    RandomStream draw = org.key().stream(streams::socialization, population.id(slot), tick);
    auto beliefs = org.beliefs(slot);
    for (std::size_t d = 0; d < m; ++d) {
      if (code[d] == 0 || beliefs[d] == code[d]) continue;
      if (draw.bernoulli(p1)) beliefs[d] = static_cast<std::int8_t>(beliefs[d] + sign(code[d] - beliefs[d]));
    }
  }
}

void learn_code(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  org.code_score = agreement(org.code, org.reality);
  const std::int64_t code_score = org.code_score;
  const auto scores = org.action_scores();

  // Net majority (#(+1) - #(-1)) per dimension over the superior group, and its size. Integer
  // sums: exact whatever the split.
  struct Tally {
    std::vector<std::int64_t> net;
    std::size_t members = 0;
  };
  Tally tally = deterministic_reduce(
      org.headcount(), 1024, Tally{std::vector<std::int64_t>(m, 0), 0},
      [&](std::size_t begin, std::size_t end, Tally acc) {
        for (std::size_t slot = begin; slot < end; ++slot) {
          if (scores[slot] <= code_score) continue;
          ++acc.members;
          const auto actions = org.actions(slot);
          for (std::size_t d = 0; d < m; ++d) acc.net[d] += actions[d];
        }
        return acc;
      },
      [m](Tally left, const Tally& right) {
        for (std::size_t d = 0; d < m; ++d) left.net[d] += right.net[d];
        left.members += right.members;
        return left;
      });
  org.superior_count = tally.members;

  const double p2 = org.params().code_learning_rate;
  RandomStream draw = org.key().stream(streams::code_learning, 0, tick);
  for (std::size_t d = 0; d < m; ++d) {
    const double u = draw.uniform();  // one draw per dimension, used or not
    const std::int8_t majority = sign(tally.net[d]);
    if (majority == 0 || majority == org.code[d]) continue;
    const double k = static_cast<double>(std::llabs(tally.net[d]));
    if (u < 1.0 - std::pow(1.0 - p2, k)) org.code[d] = majority;
  }
}

void draw_turnover(Organization& org, Tick tick, std::size_t begin, std::size_t end) {
  const double p3 = org.params().turnover_rate;
  auto leaving = org.leaving();
  const auto& population = org.employees();
  for (std::size_t slot = begin; slot < end; ++slot) {
    if (p3 <= 0) {
      leaving[slot] = 0;
      continue;
    }
    RandomStream draw = org.key().stream(streams::turnover, population.id(slot), tick);
    leaving[slot] = draw.bernoulli(p3) ? 1 : 0;
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
  org.leavers = leavers;
}

void onboard_hires(Organization& org, Tick /*tick*/, std::size_t begin, std::size_t end) {
  if (org.leavers == 0) return;
  auto leaving = org.leaving();
  for (std::size_t slot = begin; slot < end; ++slot) {
    if (leaving[slot]) org.draw_new_beliefs(slot);
  }
}

void add_learning_phases(Schedule<Organization>& schedule) {
  const auto headcount = [](const Organization& org) { return org.headcount(); };
  schedule.serial("turbulence", apply_turbulence)
      .parallel("act", headcount, act, kGrain)
      .parallel("socialize", headcount, socialize, kGrain)
      .serial("learn_code", learn_code)
      .parallel("draw_turnover", headcount, draw_turnover, 4 * kGrain)
      .serial("renew_leavers", renew_leavers)
      .parallel("onboard_hires", headcount, onboard_hires, 4 * kGrain);
}

bool at_equilibrium(const Organization& org) {
  const std::size_t m = org.dimensions();
  const std::int64_t code_score = agreement(org.code, org.reality);
  const std::int8_t* code = org.code.data();
  const std::int8_t* reality = org.reality.data();
  const std::size_t unsettled = deterministic_reduce(
      org.headcount(), 1024, std::size_t{0},
      [&](std::size_t begin, std::size_t end, std::size_t count) {
        for (std::size_t slot = begin; slot < end; ++slot) {
          const auto beliefs = org.beliefs(slot);
          std::int64_t best_score = 0;  // score with every 0 belief flipped the right way
          bool differs = false;
          for (std::size_t d = 0; d < m; ++d) {
            best_score += beliefs[d] != 0 ? beliefs[d] * reality[d] : 1;
            differs |= code[d] != 0 && beliefs[d] != code[d];
          }
          if (differs || best_score > code_score) ++count;
        }
        return count;
      },
      [](std::size_t a, std::size_t b) { return a + b; });
  return unsettled == 0;
}

}  // namespace orgsim::agents
