// Packed ternary vectors against a plain int8 reference, across word boundaries.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/ternary.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace orgsim::agents {
namespace {

std::vector<std::int8_t> random_ternary(RandomStream& draw, std::size_t m) {
  std::vector<std::int8_t> v(m);
  for (auto& x : v) x = static_cast<std::int8_t>(static_cast<int>(draw.below(3)) - 1);
  return v;
}

std::vector<std::int8_t> unpack(ConstTernary t, std::size_t m) {
  std::vector<std::int8_t> v(m);
  for (std::size_t d = 0; d < m; ++d) v[d] = t.get(d);
  return v;
}

TEST(Ternary, PackedVectorsRoundTripAndCompareLikeInt8) {
  RandomStream draw(7, stream_id("test"), 0, 0, 0);
  for (std::size_t m : {1u, 15u, 16u, 17u, 30u, 47u, 63u, 64u, 65u, 79u, 130u, 1024u}) {
    const auto a = random_ternary(draw, m);
    const auto b = random_ternary(draw, m);
    const PackedCode pa(a), pb(b);
    EXPECT_EQ(unpack(pa.view(), m), a) << "m = " << m;
    // Bits beyond m stay clear, so whole-word comparisons are exact.
    for (std::size_t w = 0; w < words_for(m); ++w) {
      EXPECT_EQ(pa.view().known(w) & ~valid_bits(m, w), 0u);
      EXPECT_EQ(pa.view().positive(w) & ~pa.view().known(w), 0u) << "positive only where known";
    }
    std::int64_t same = 0;
    for (std::size_t d = 0; d < m; ++d) same += a[d] == b[d];
    EXPECT_EQ(same_values(pa.view(), pb.view(), m), same);

    std::vector<std::int8_t> reality(m);
    for (auto& r : reality) r = (draw() & 1u) ? 1 : -1;
    std::vector<std::uint64_t> positive(words_for(m));
    pack_signs(reality, positive);
    EXPECT_EQ(agreement(pa.view(), positive, m), agreement(a, reality)) << "m = " << m;
  }
}

TEST(Ternary, MoveTowardStepsOnlyWhereTheTargetIsKnownAndDiffers) {
  RandomStream values(3, stream_id("test"), 0, 0, 0);
  const std::size_t m = 150;
  const auto start = random_ternary(values, m);
  const auto target = random_ternary(values, m);
  PackedCode beliefs(start);
  const PackedCode goal(target);
  RandomStream always(1, stream_id("move"), 0, 0, 0);
  move_toward(beliefs.view(), goal.view(), 1.0, always);
  for (std::size_t d = 0; d < m; ++d) {
    std::int8_t expected = start[d];
    if (target[d] != 0 && start[d] != target[d])
      expected = static_cast<std::int8_t>(start[d] + (target[d] > start[d] ? 1 : -1));
    ASSERT_EQ(beliefs.view().get(d), expected) << "dimension " << d;
  }
  // With p = 0.5 about half of the candidates move, one draw each.
  PackedCode half(start);
  RandomStream coin(1, stream_id("move"), 0, 0, 1);
  move_toward(half.view(), goal.view(), 0.5, coin);
  int candidates = 0, moved = 0;
  for (std::size_t d = 0; d < m; ++d) {
    if (target[d] == 0 || start[d] == target[d]) {
      ASSERT_EQ(half.view().get(d), start[d]);
      continue;
    }
    ++candidates;
    moved += half.view().get(d) != start[d];
  }
  EXPECT_GT(moved, 0);
  EXPECT_LT(moved, candidates);
}

TEST(Ternary, FillUniformGivesEachValueAThirdIndependently) {
  const std::size_t m = 100;  // two words, the second partly used
  std::array<std::size_t, 3> count{};
  std::size_t same_pair = 0, pairs = 0;
  for (std::size_t k = 0; k < 3000; ++k) {
    RandomStream draw(8, stream_id("fill"), 0, k, 0);
    PackedCode v;
    v.pack(std::vector<std::int8_t>(m, 1));  // overwritten entirely
    fill_uniform(v.view(), m, draw);
    for (std::size_t d = 0; d < m; ++d) {
      ++count[static_cast<std::size_t>(v.view().get(d) + 1)];
      if (d > 0) {
        ++pairs;
        same_pair += v.view().get(d) == v.view().get(d - 1);
      }
    }
    EXPECT_EQ(v.view().known(1) & ~valid_bits(m, 1), 0u);      // nothing beyond m
    EXPECT_EQ(v.view().positive(0) & ~v.view().known(0), 0u);  // +1 only where known
  }
  const double n = 3000.0 * m;
  for (std::size_t value = 0; value < 3; ++value) {
    EXPECT_NEAR(static_cast<double>(count[value]) / n, 1.0 / 3.0, 5 * std::sqrt(2.0 / 9.0 / n))
        << "value " << value;
  }
  // Neighbouring dimensions are independent: equal with probability 1/3.
  EXPECT_NEAR(static_cast<double>(same_pair) / static_cast<double>(pairs), 1.0 / 3.0, 0.005);
}

TEST(Ternary, FillUniformReadsPairsInOrderRejecting11) {
  // The documented rule, one pair at a time: pairs from the lowest bits of each word up, 00 -> -1,
  // 01 -> 0, 10 -> +1, 11 skipped; a new word when the 32 pairs are used up; the rest of the last
  // word unused. fill_uniform must give exactly this (results depend on it), for m up to 2 words.
  for (std::size_t m : {1u, 30u, 64u, 65u, 100u, 128u}) {
    for (std::size_t k = 0; k < 500; ++k) {
      RandomStream draw(3, stream_id("fill-order"), m, k, 0),
          replay(3, stream_id("fill-order"), m, k, 0);
      PackedCode v;
      v.pack(std::vector<std::int8_t>(m, 1));
      fill_uniform(v.view(), m, draw);
      std::uint64_t bits = 0;
      int pairs_left = 0;
      for (std::size_t d = 0; d < m; ++d) {
        std::uint64_t value = 3;
        while (value == 3) {
          if (pairs_left == 0) {
            bits = replay();
            pairs_left = 32;
          }
          value = bits & 3u;
          bits >>= 2;
          --pairs_left;
        }
        ASSERT_EQ(v.view().get(d), value == 0   ? -1
                                   : value == 1 ? 0
                                                : 1)
            << "m = " << m << ", k = " << k << ", d = " << d;
      }
      ASSERT_EQ(draw(), replay()) << "the same number of words used";
    }
  }
}

}  // namespace
}  // namespace orgsim::agents
