// Philox streams: known answers, independence of key components, distribution sanity.
#include "orgsim/core/rng.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <set>
#include <vector>

namespace orgsim {
namespace {

TEST(RandomStream, MatchesPhilox4x64KnownAnswer) {
  // Random123's published known-answer vector for philox4x64_10 with zero counter and key.
  RandomStream stream(0, 0, 0, 0, 0);
  EXPECT_EQ(stream(), 0x16554d9eca36314cULL);
  EXPECT_EQ(stream(), 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(stream(), 0xd7e772cee186176bULL);
  EXPECT_EQ(stream(), 0x7e68b68aec7ba23bULL);
}

TEST(RandomStream, SameKeyGivesSameSequence) {
  RandomStream a(42, stream_id("x"), 3, 7, 11);
  RandomStream b(42, stream_id("x"), 3, 7, 11);
  for (int k = 0; k < 100; ++k) EXPECT_EQ(a(), b());
}

TEST(RandomStream, EveryKeyComponentChangesTheSequence) {
  const auto first = [](RandomStream s) { return s(); };
  const std::uint64_t base = first(RandomStream(42, 1, 3, 7, 11));
  std::set<std::uint64_t> seen{base};
  seen.insert(first(RandomStream(43, 1, 3, 7, 11)));
  seen.insert(first(RandomStream(42, 2, 3, 7, 11)));
  seen.insert(first(RandomStream(42, 1, 4, 7, 11)));
  seen.insert(first(RandomStream(42, 1, 3, 8, 11)));
  seen.insert(first(RandomStream(42, 1, 3, 7, 12)));
  EXPECT_EQ(seen.size(), 6u);
}

TEST(RandomStream, StreamIdsAreDistinctAndCompileTime) {
  static_assert(stream_id("act") != stream_id("socialization"));
  EXPECT_NE(stream_id("turnover"), stream_id("turbulence"));
  EXPECT_EQ(stream_id("act"), stream_id(std::string("act")));
}

TEST(RandomStream, UniformIsInUnitIntervalWithRightMoments) {
  RandomStream s(1, 1, 0, 0, 0);
  const int n = 200000;
  double sum = 0, squares = 0;
  for (int k = 0; k < n; ++k) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    squares += u * u;
  }
  const double mean = sum / n;
  const double var = squares / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ~ 0.00065: allow 5 standard errors.
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(RandomStream, BelowIsUnbiasedOverSmallRanges) {
  RandomStream s(5, 9, 0, 0, 0);
  const int n = 300000;
  std::vector<int> counts(3, 0);
  for (int k = 0; k < n; ++k) {
    const auto v = s.below(3);
    ASSERT_LT(v, 3u);
    ++counts[v];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 3.0) * (c - n / 3.0) / (n / 3.0);
  EXPECT_LT(chi2, 13.8);  // chi-square, 2 degrees of freedom, p = 0.001
}

TEST(RandomStream, BernoulliFrequencyMatchesProbability) {
  RandomStream s(5, 10, 0, 0, 0);
  const int n = 100000;
  int hits = 0;
  for (int k = 0; k < n; ++k) hits += s.bernoulli(0.3);
  EXPECT_NEAR(hits / double(n), 0.3, 5 * std::sqrt(0.3 * 0.7 / n));
  EXPECT_FALSE(RandomStream(1, 1, 1, 1, 1).bernoulli(0.0));
  EXPECT_TRUE(RandomStream(1, 1, 1, 1, 1).bernoulli(1.0));
}

TEST(RandomStream, DiscardPassesOverWordsAsIfDrawn) {
  // Discarding n words leaves the stream where drawing them would: before the first block is
  // computed, inside a block, across a block boundary and over whole blocks.
  for (unsigned drawn_first : {0u, 1u, 3u, 4u, 6u}) {
    for (unsigned n : {1u, 2u, 3u, 4u, 5u, 9u}) {
      RandomStream skipped(3, stream_id("discard"), 1, 2, 3),
          drawn(3, stream_id("discard"), 1, 2, 3);
      for (unsigned i = 0; i < drawn_first; ++i) EXPECT_EQ(skipped(), drawn());
      skipped.discard(n);
      for (unsigned i = 0; i < n; ++i) drawn();
      for (int i = 0; i < 9; ++i)
        EXPECT_EQ(skipped(), drawn()) << "after " << drawn_first << " drawn, " << n << " discarded";
    }
  }
}

TEST(StreamsAhead, GiveTheDrawsOfStreamsComputedOnDemand) {
  // 21 slots (not a multiple of the 8 lanes), entered at slot 3 (a chunk's first slot), every
  // slot's whole sequence over several blocks, with a discard before the first block is used.
  std::vector<std::uint64_t> ids(21);
  for (std::size_t slot = 0; slot < ids.size(); ++slot) ids[slot] = 1000 + 7 * slot;
  StreamsAhead ahead(42, stream_id("ahead"), 3, 11, ids, ids.size());
  for (std::size_t slot = 3; slot < ids.size(); ++slot) {
    RandomStream batched = ahead(slot);
    RandomStream alone(42, stream_id("ahead"), 3, ids[slot], 11);
    if (slot % 3 == 0) {
      batched.discard(2);
      alone.discard(2);
    }
    for (int k = 0; k < 11; ++k) EXPECT_EQ(batched(), alone()) << "slot " << slot << " draw " << k;
  }
  // The known answer through the batch: Philox4x64-10 with zero counter and key.
  const std::vector<std::uint64_t> zero(1, 0);
  StreamsAhead known(0, 0, 0, 0, zero, 1);
  EXPECT_EQ(known(0)(), 0x16554d9eca36314cULL);
}

}  // namespace
}  // namespace orgsim

namespace orgsim {
namespace {

TEST(BernoulliTrials, SelectsWithProbabilityPIndependently) {
  // Both regimes: geometric gaps (p < 0.05 or p > 0.95) and one draw per trial.
  for (double p : {0.005, 0.02, 0.049, 0.05, 0.1, 0.3, 0.5, 0.7, 0.97, 0.995}) {
    std::size_t selected = 0, pairs = 0, both = 0;
    const std::size_t sequences = 4000, length = 50;
    for (std::size_t k = 0; k < sequences; ++k) {
      RandomStream draw(5, stream_id("trials"), 0, k, 0);
      BernoulliTrials trials(p);
      bool previous = false;
      for (std::size_t i = 0; i < length; ++i) {
        const bool now = trials.next(draw);
        selected += now;
        if (i > 0) {
          ++pairs;
          both += previous && now;
        }
        previous = now;
      }
    }
    const double n = static_cast<double>(sequences * length);
    EXPECT_NEAR(static_cast<double>(selected) / n, p, 5 * std::sqrt(p * (1 - p) / n))
        << "p = " << p;
    // Neighbouring trials are independent: P(both) = p^2.
    const double m = static_cast<double>(pairs);
    EXPECT_NEAR(static_cast<double>(both) / m, p * p, 5 * std::sqrt(p * p * (1 - p * p) / m))
        << "p = " << p;
  }
}

TEST(BernoulliTrials, RareOutcomesCostFewDraws) {
  // With p = 0.01, 1000 trials need about 10 + 1 draws, not 1000: find how far the stream moved.
  RandomStream draw(2, stream_id("trials"), 0, 0, 0);
  BernoulliTrials trials(0.01);
  std::size_t successes = 0;
  for (int i = 0; i < 1000; ++i) successes += trials.next(draw);
  const std::uint64_t after = draw();
  RandomStream fresh(2, stream_id("trials"), 0, 0, 0);
  std::size_t used = 0;
  while (used < 1000 && fresh() != after) ++used;
  EXPECT_LE(used, successes + 1);
  // p = 0 and p = 1 never draw.
  RandomStream a(1, stream_id("x"), 0, 0, 0), b(1, stream_id("x"), 0, 0, 0);
  BernoulliTrials never(0.0), always(1.0);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(never.next(a));
    EXPECT_TRUE(always.next(a));
  }
  EXPECT_EQ(a(), b());
}

/// How many 64-bit words a stream has given out, found by replaying a fresh copy of it.
std::size_t words_used(RandomStream used, RandomStream fresh) {
  const std::uint64_t after = used();
  std::size_t count = 0;
  while (count < 100000 && fresh() != after) ++count;
  return count;
}

TEST(BernoulliTrials, SelectGivesEachCandidatePIndependently) {
  // Every regime: geometric gaps, one draw per candidate (<= 3 candidates), bit-sliced digits.
  // Each candidate bit succeeds with probability p; two candidates of one word are independent;
  // non-candidates never succeed.
  for (double p : {0.01, 0.05, 0.1, 0.3, 1.0 / 3.0, 0.5, 0.7, 0.9, 0.99}) {
    for (std::uint64_t candidates :
         {std::uint64_t{0x5}, std::uint64_t{0xF0F0}, ~std::uint64_t{0} >> 3}) {
      const int c = std::popcount(candidates);
      std::size_t selected = 0, pairs = 0, both = 0, strays = 0;
      const std::size_t words = 20000;
      for (std::size_t k = 0; k < words; ++k) {
        RandomStream draw(9, stream_id("select"), 0, k, 0);
        BernoulliTrials trials(p);
        const std::uint64_t success = trials.select(candidates, draw);
        strays += std::popcount(success & ~candidates);
        selected += static_cast<std::size_t>(std::popcount(success));
        const int low = std::countr_zero(candidates);
        const int high = 63 - std::countl_zero(candidates);
        ++pairs;
        both += ((success >> low) & 1u) && ((success >> high) & 1u);
      }
      EXPECT_EQ(strays, 0u);
      const double n = static_cast<double>(words) * c;
      EXPECT_NEAR(static_cast<double>(selected) / n, p, 5 * std::sqrt(p * (1 - p) / n))
          << "p = " << p << ", c = " << c;
      const double m = static_cast<double>(pairs);
      EXPECT_NEAR(static_cast<double>(both) / m, p * p, 5 * std::sqrt(p * p * (1 - p * p) / m))
          << "p = " << p << ", c = " << c;
    }
  }
}

TEST(BernoulliTrials, SkippingGivesTheOutcomesOfComputingEveryGap) {
  // The skipping regime takes the logarithm only where a gap's value matters; the outcomes must
  // be exactly those of computing every gap, floor(log U / log(1 - r)) with U = 1 - uniform(),
  // carried across calls (words of several sizes, with restart() between sequences).
  for (double p : {0.003, 0.01, 0.03, 0.049, 0.97}) {
    const double rare = p <= 0.5 ? p : 1 - p;
    const double log_common = std::log1p(-rare);
    BernoulliTrials trials = BernoulliTrials(p).prepared();
    for (std::size_t k = 0; k < 3000; ++k) {
      RandomStream draw(12, stream_id("skip"), 0, k, 0), reference(12, stream_id("skip"), 0, k, 0);
      trials.restart();
      bool have_gap = false;
      std::uint64_t gap = 0;
      for (std::uint64_t candidates : {~std::uint64_t{0} >> 34, ~std::uint64_t{0},
                                       std::uint64_t{0x1}, std::uint64_t{0xFF00FF}}) {
        std::uint64_t expected = 0;
        for (std::uint64_t left = candidates; left != 0;) {
          if (!have_gap) {
            gap = static_cast<std::uint64_t>(
                std::floor(std::log(1.0 - reference.uniform()) / log_common));
            have_gap = true;
          }
          const auto count = static_cast<std::uint64_t>(std::popcount(left));
          if (gap >= count) {
            gap -= count;
            break;
          }
          for (; gap > 0; --gap) left &= left - 1;
          expected |= left & (0 - left);
          left &= left - 1;
          have_gap = false;
        }
        if (p > 0.5) expected = candidates & ~expected;
        ASSERT_EQ(trials.select(candidates, draw), expected) << "p = " << p << ", sequence " << k;
      }
      ASSERT_EQ(draw(), reference()) << "the same numbers used";
    }
  }
}

TEST(BernoulliTrials, BitSlicedComparesDigitsOfP) {
  // p = 1/2 = 0.1 in binary: one word decides every candidate (success where the word's bit is 0).
  RandomStream draw(4, stream_id("digits"), 0, 0, 0), copy(4, stream_id("digits"), 0, 0, 0);
  const std::uint64_t all = ~std::uint64_t{0};
  EXPECT_EQ(BernoulliTrials(0.5).select(all, draw), ~copy());
  // p = 3/4 = 0.11: success where the first word's bit is 0, or the first is 1 and the second 0.
  RandomStream d2(4, stream_id("digits"), 0, 1, 0), c2(4, stream_id("digits"), 0, 1, 0);
  const std::uint64_t first = c2(), second = c2();
  EXPECT_EQ(BernoulliTrials(0.75).select(all, d2), ~first | (first & ~second));
  EXPECT_EQ(d2(), c2());  // exactly two words: p has no more digits
  // 64 candidates at p = 0.3 cost about log2(64) + 1.3 = 7.3 words on average, not 64.
  double total = 0;
  for (std::size_t k = 0; k < 2000; ++k) {
    RandomStream used(6, stream_id("cost"), 0, k, 0);
    BernoulliTrials(0.3).select(all, used);
    total += static_cast<double>(words_used(used, RandomStream(6, stream_id("cost"), 0, k, 0)));
  }
  EXPECT_NEAR(total / 2000, 7.3, 0.5);
}

}  // namespace
}  // namespace orgsim
