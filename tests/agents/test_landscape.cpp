// The NK landscape (docs/ODD.md 7.19): Kauffman's statistics, the expectation over undecided
// decisions, redraws, interaction patterns, and March as the exact special case.
#include "orgsim/agents/landscape.hpp"
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/submodels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace orgsim::agents {
namespace {

LandscapeParams uniform(std::int64_t k, Interaction pattern = Interaction::random) {
  LandscapeParams p = ModelParams::defaults().landscape;
  p.enabled = true;
  p.k = k;
  p.pattern = pattern;
  return p;
}

Landscape make(const LandscapeParams& p, std::size_t n, std::size_t blocks, std::uint64_t run) {
  std::vector<std::int32_t> owner(n);
  for (std::size_t d = 0; d < n; ++d) owner[d] = static_cast<std::int32_t>(d * blocks / n);
  const std::vector<std::int8_t> reality(n, 1);
  return Landscape(p, owner, reality, 2026, run);
}

/// Mean number of local peaks and mean steepest-ascent walk length over 20 landscapes, N = 10.
std::pair<double, double> peaks_and_walks(std::int64_t k) {
  double peaks = 0, steps = 0;
  for (std::uint64_t run = 0; run < 20; ++run) {
    const Landscape land = make(uniform(k), 10, 1, run);
    peaks += static_cast<double>(land.census(true).peaks);
    for (std::uint64_t start = 0; start < 1024; start += 37) {
      std::size_t s = 0;
      const std::uint64_t peak = land.climb(start, &s);
      EXPECT_TRUE(land.is_peak(peak));
      steps += static_cast<double>(s);
    }
  }
  return {peaks / 20, steps / (20 * 28)};
}

TEST(Landscape, OnePeakAtKZeroAndMorePeaksAndShorterWalksAsKRises) {
  double last_peaks = 0, last_steps = 1e9;
  for (std::int64_t k : {0, 2, 5, 9}) {
    const auto [peaks, steps] = peaks_and_walks(k);
    if (k == 0) {
      EXPECT_EQ(peaks, 1.0);  // additive: the one optimum is the only peak
    }
    EXPECT_GT(peaks, last_peaks) << "K = " << k;
    EXPECT_LT(steps, last_steps) << "K = " << k;
    last_peaks = peaks;
    last_steps = steps;
  }
  // Kauffman: a random landscape (K = N - 1) has about 2^N / (N + 1) peaks, 93 for N = 10.
  EXPECT_NEAR(last_peaks, 1024.0 / 11.0, 15.0);
}

TEST(Landscape, CensusFindsTheBestConfiguration) {
  const Landscape land = make(uniform(4), 12, 3, 5);
  const auto census = land.census(false);
  double best = 0;
  for (std::uint64_t x = 0; x < 4096; ++x) best = std::max(best, land.value(x));
  EXPECT_EQ(census.best_value, best);
  EXPECT_EQ(land.value(census.best), best);
}

TEST(Landscape, ExpectationAveragesTheUndecidedDecisions) {
  const Landscape land = make(uniform(3), 8, 2, 1);
  const std::uint64_t all = land.all();
  const std::uint64_t x = 0b10110010;
  EXPECT_DOUBLE_EQ(land.expected(all, x, all), land.value(x));
  // Decisions 1 and 6 undecided: the mean of the four fills.
  const std::uint64_t open = (1u << 1) | (1u << 6);
  double mean = 0;
  for (std::uint64_t fill : {std::uint64_t{0}, std::uint64_t{1} << 1, std::uint64_t{1} << 6, open})
    mean += land.value((x & ~open) | fill);
  EXPECT_NEAR(land.expected(all & ~open, x, all), mean / 4, 1e-12);
}

TEST(Landscape, ARedrawChangesOnlyTheContributionsThatReadTheDecision) {
  Landscape land = make(uniform(2), 10, 2, 3);
  const std::uint64_t x = 0b1100101011;
  std::vector<double> before(10);
  for (std::size_t i = 0; i < 10; ++i) before[i] = land.contribution(i, x);
  land.redraw(4);
  EXPECT_TRUE(land.stale());
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4) {
      EXPECT_NE(land.contribution(i, x), before[i]);
    } else {
      EXPECT_EQ(land.contribution(i, x), before[i]);
    }
  }
}

// value() takes a fast path on CPUs with BMI2 (tables reordered for pext) and an unrolled one
// per K otherwise; whichever runs must be the mean of the contributions summed in decision
// order, bit for bit, for every pattern, K beyond the unrolled ones, 64 decisions (no padding)
// and after redraws (and march's mirrored tables).
TEST(Landscape, ValueIsTheMeanContributionBitForBitOnEveryPath) {
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x] { return x = x * 6364136223846793005ull + 1442695040888963407ull; };
  for (const Interaction pattern : {Interaction::random, Interaction::modular,
                                    Interaction::nearly_modular, Interaction::hierarchical}) {
    for (const std::size_t n : {std::size_t{10}, std::size_t{30}, std::size_t{64}}) {
      for (const std::int64_t k : {0, 1, 3, 8, 9}) {
        Landscape land = make(uniform(k, pattern), n, 4, 7);
        for (int round = 0; round < 3; ++round) {
          std::array<std::uint64_t, 7> batch;  // values(): four side by side, then the rest
          for (auto& config : batch) config = next() & land.all();
          std::array<double, 7> batch_values;
          land.values(batch, batch_values);
          for (std::size_t j = 0; j < batch.size(); ++j)
            ASSERT_EQ(std::bit_cast<std::uint64_t>(batch_values[j]),
                      std::bit_cast<std::uint64_t>(land.value(batch[j])));
          for (int draw = 0; draw < 50; ++draw) {
            const std::uint64_t config = next() & land.all();
            double sum = 0;
            for (std::size_t i = 0; i < n; ++i) sum += land.contribution(i, config);
            const double expected = sum / static_cast<double>(n);
            ASSERT_EQ(std::bit_cast<std::uint64_t>(land.value(config)),
                      std::bit_cast<std::uint64_t>(expected))
                << "n " << n << " k " << k << " round " << round;
          }
          land.redraw(next() % n);
        }
      }
    }
  }
  LandscapeParams march = ModelParams::defaults().landscape;
  march.enabled = true;
  march.k = 0;
  march.contributions = Contributions::march;
  Landscape land = make(march, 30, 3, 1);
  land.redraw(5);
  const std::uint64_t all_plus = land.all();
  EXPECT_EQ(land.value(all_plus), 29.0 / 30.0);  // reality is all +1; decision 5 flipped
}

TEST(Landscape, PatternsPlaceTheInteractions) {
  const std::size_t n = 12, blocks = 3;
  const Landscape modular = make(uniform(3, Interaction::modular), n, blocks, 0);
  EXPECT_EQ(modular.cross_share(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint8_t j : modular.inputs(i)) EXPECT_EQ(modular.owner(j), modular.owner(i));
  }
  const Landscape hierarchical = make(uniform(3, Interaction::hierarchical), n, blocks, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint8_t j : hierarchical.inputs(i))
      EXPECT_LE(hierarchical.owner(j), hierarchical.owner(i));
  }
  LandscapeParams nearly = uniform(3, Interaction::nearly_modular);
  nearly.cross_share = 0.5;
  double share = 0;
  for (std::uint64_t run = 0; run < 40; ++run) share += make(nearly, n, blocks, run).cross_share();
  EXPECT_NEAR(share / 40, 0.5, 0.06);
  const Landscape random = make(uniform(5), n, blocks, 0);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(random.inputs(i).size(), 5u);
}

TEST(Landscape, MarchContributionsAreMarchsReality) {
  LandscapeParams p = uniform(0);
  p.contributions = Contributions::march;
  const std::vector<std::int32_t> owner(6, 0);
  const std::vector<std::int8_t> reality = {1, -1, -1, 1, 1, -1};
  Landscape land(p, owner, reality, 1, 0);
  land.refresh(0);
  EXPECT_EQ(land.best(), 0b011001u);
  EXPECT_EQ(land.best_value(), 1.0);
  // V = (1 + fit) / 2, undecided decisions counting half.
  const std::uint64_t known = 0b001111, positive = 0b000101;   // +1, -1, +1, -1 on 0..3
  const double fit = (1 - 0.0 + 0 - 1 + 1 - 1 + 0 + 0) / 6.0;  // matches 0, 1; mismatches 2, 3
  EXPECT_DOUBLE_EQ(land.expected(known, positive, land.all()), (1 + fit) / 2);
}

/// A firm of 40 with work on and no structure (every team works to the organization's code) on
/// a landscape of 12 decisions.
Organization working_firm(std::int64_t k, Contributions contributions) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 40;
  p.learning.dimensions = 12;
  p.work.enabled = true;
  p.landscape.enabled = true;
  p.landscape.k = k;
  p.landscape.contributions = contributions;
  return Organization(p, {9, 0});
}

void set_code(Organization& org, std::uint64_t x) {
  for (std::size_t d = 0; d < org.code.size(); ++d) org.code[d] = (x >> d) & 1u ? 1 : -1;
}

TEST(Landscape, TeamFitIsThePayoffRescaledNotAgreementWithTheBest) {
  Organization org = working_firm(5, Contributions::uniform);
  const Landscape& land = org.landscape;
  ASSERT_TRUE(land.active());
  const double random = land.expected(0, 0, land.all()), best = land.best_value();
  ASSERT_GT(best, random);
  // Every configuration: fit rises with the payoff, the best scores 1, and over all of them
  // (random codes) fit averages a half.
  std::vector<std::pair<double, double>> value_fit;
  double sum = 0;
  for (std::uint64_t x = 0; x <= land.all(); ++x) {
    set_code(org, x);
    landscape_team_fit(org);
    const double fit = org.teams.fit[0];
    for (std::size_t t = 1; t < org.teams.count; ++t) ASSERT_EQ(org.teams.fit[t], fit);
    EXPECT_NEAR(fit, std::clamp(0.5 + 0.5 * (land.value(x) - random) / (best - random), 0.0, 1.0),
                1e-12);
    value_fit.emplace_back(land.value(x), fit);
    sum += fit;
  }
  EXPECT_NEAR(sum / static_cast<double>(value_fit.size()), 0.5, 0.02);
  std::ranges::sort(value_fit);
  for (std::size_t i = 1; i < value_fit.size(); ++i)
    EXPECT_GE(value_fit[i].second, value_fit[i - 1].second);
  set_code(org, land.best());
  landscape_team_fit(org);
  EXPECT_EQ(org.teams.fit[0], 1.0);
  // A good peak that is not the best one: paid for its payoff, not for agreeing with the best
  // on about half of the decisions.
  std::uint64_t second = land.best();
  for (std::uint64_t start = 0; start <= land.all(); start += 7) {
    const std::uint64_t peak = land.climb(start);
    if (peak != land.best() && (second == land.best() || land.value(peak) > land.value(second)))
      second = peak;
  }
  ASSERT_NE(second, land.best());
  set_code(org, second);
  landscape_team_fit(org);
  const double agreement = 1.0 - std::popcount(second ^ land.best()) / 12.0;
  EXPECT_GT(org.teams.fit[0], 0.5);
  EXPECT_NE(org.teams.fit[0], agreement);
}

TEST(Landscape, TeamPayoffsKeptBetweenTicksEqualAFreshEvaluation) {
  // Teams with codes of their own (structure on): each tick a few decisions change in some
  // teams' codes (decided, undecided, flipped) and now and then a table is redrawn; the payoffs
  // kept per decision and evaluated again only where a read decision or a table changed must be
  // the very doubles a fresh evaluation of every team gives.
  for (const std::int64_t k : {0, 2, 5}) {
    ModelParams p = ModelParams::defaults();
    p.org.employees = 60;
    p.learning.dimensions = 12;
    p.work.enabled = p.structure.enabled = true;
    p.landscape.enabled = true;
    p.landscape.k = k;
    Organization org(p, {9, 0});
    ASSERT_GT(org.teams.count, 2u);
    std::mt19937_64 pick(static_cast<std::uint64_t>(k) + 1);
    std::size_t evaluated = 0;
    for (int round = 0; round < 300; ++round) {
      for (std::size_t t = 0; t < org.teams.count; ++t) {
        if (pick() % 3 != 0) continue;
        const std::size_t changes = pick() % 4;
        for (std::size_t c = 0; c < changes; ++c)
          org.team_code(t)[pick() % 12] =
              static_cast<std::int8_t>(static_cast<int>(pick() % 3) - 1);
      }
      if (pick() % 5 == 0) org.landscape.redraw(pick() % 12);
      if (org.landscape.stale()) org.landscape.refresh(0);
      landscape_team_fit(org);
      const double random = org.landscape.expected(0, 0, org.landscape.all());
      const double best = org.landscape.best_value();
      for (std::size_t t = 0; t < org.teams.count; ++t) {
        const CodeBits bits = code_bits(org.team_code(t));
        const double payoff =
            org.landscape.expected(bits.known, bits.positive, org.landscape.all());
        ASSERT_EQ(org.teams.fit[t],
                  std::clamp(0.5 + 0.5 * (payoff - random) / (best - random), 0.0, 1.0))
            << "K " << k << ", round " << round << ", team " << t;
        ++evaluated;
      }
    }
    EXPECT_GT(evaluated, 600u);
  }
}

TEST(Landscape, TeamFitWithMarchsContributionsIsAgreementWithReality) {
  Organization org = working_firm(0, Contributions::march);
  const Landscape& land = org.landscape;
  for (std::uint64_t x = 0; x <= land.all(); x += 5) {
    set_code(org, x);
    landscape_team_fit(org);
    const double agreement = 1.0 - std::popcount(x ^ land.best()) / 12.0;
    EXPECT_NEAR(org.teams.fit[0], agreement, 1e-12) << x;
  }
}

RunOutcome run(const ModelParams& p, RunKey key, Tick ticks) {
  return simulate(p, key, ticks, StopRule::none);
}

TEST(Landscape, MarchIsTheSpecialCaseBitForBit) {
  ModelParams off = ModelParams::defaults();
  off.org.employees = 50;
  off.learning.turbulence_rate = 0.02;
  off.learning.turnover_rate = 0.01;
  off.environment.enabled = true;
  off.environment.shock_at = 20;
  ModelParams on = off;
  on.landscape.enabled = true;
  on.landscape.k = 0;
  on.landscape.contributions = Contributions::march;
  for (std::uint64_t rep = 0; rep < 5; ++rep) {
    const RunOutcome a = run(off, {9, rep}, 60);
    const RunOutcome b = run(on, {9, rep}, 60);
    const auto names = metric_table();
    for (Tick t = 0; t <= 60; ++t) {
      const auto x = a.metrics.row(t);
      const auto y = b.metrics.row(t);
      for (std::size_t c = 0; c < names.size(); ++c) {
        // The landscape's own metrics are NaN without it.
        if (names[c].name == "landscape_performance" || names[c].name == "code_config" ||
            names[c].name == "peaks_found")
          continue;
        EXPECT_TRUE(std::memcmp(&x[c], &y[c], sizeof(double)) == 0)
            << names[c].name << " tick " << t << " replication " << rep;
      }
    }
  }
}

TEST(Landscape, SameLandscapeInEveryDesignPointAndSharedWithASeed) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 20;
  p.learning.dimensions = 10;
  p.landscape.enabled = true;
  p.landscape.k = 3;
  const Organization a(p, {5, 1});
  ModelParams q = p;
  q.learning.socialization_rate = 0.9;  // another design point
  const Organization b(q, {5, 1});
  const Organization c(p, {5, 2});  // another replication
  EXPECT_EQ(a.landscape.best(), b.landscape.best());
  EXPECT_EQ(a.landscape.best_value(), b.landscape.best_value());
  EXPECT_NE(a.landscape.best_value(), c.landscape.best_value());
  p.landscape.seed = 42;
  const Organization d(p, {5, 1});
  const Organization e(p, {5, 2});
  EXPECT_EQ(d.landscape.best_value(), e.landscape.best_value());
  EXPECT_EQ(d.reality, e.reality);
}

}  // namespace
}  // namespace orgsim::agents

namespace orgsim::agents {
namespace {

TEST(Landscape, ASharedLandscapeStaysSharedThroughPartialChanges) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 20;
  p.learning.dimensions = 12;
  p.learning.turbulence_rate = 0.02;
  p.environment.enabled = true;
  p.environment.shock_at = 10;
  p.environment.shock_size = 0.3;
  p.landscape.enabled = true;
  p.landscape.k = 3;
  p.landscape.seed = 42;
  Organization a(p, {5, 1});
  Organization b(p, {5, 2});
  const auto schedule = make_schedule(p);
  std::size_t changes = 0;
  for (Tick t = 1; t <= 40; ++t) {
    schedule.step(a, t);
    schedule.step(b, t);
    changes += a.this_tick.reality_flips;
    EXPECT_EQ(a.landscape.best(), b.landscape.best()) << "tick " << t;
    EXPECT_EQ(a.landscape.best_value(), b.landscape.best_value()) << "tick " << t;
    EXPECT_EQ(a.this_tick.reality_flips, b.this_tick.reality_flips) << "tick " << t;
  }
  EXPECT_GT(changes, 4u);  // the shock and some turbulence happened
  // March's contributions share March's reality.
  p.landscape.k = 0;
  p.landscape.contributions = Contributions::march;
  const Organization c(p, {5, 1});
  const Organization d(p, {5, 2});
  EXPECT_EQ(c.reality, d.reality);
}

}  // namespace
}  // namespace orgsim::agents
