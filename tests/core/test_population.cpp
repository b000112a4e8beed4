// Struct-of-arrays population: stable ids, columns follow hiring and leaving.
#include "orgsim/core/population.hpp"

#include "orgsim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace orgsim {
namespace {

TEST(Population, AppendAssignsSequentialIdsAndSizesColumns) {
  Population p;
  auto wide = p.add_column<int>(3);
  EXPECT_EQ(p.append(4), 0u);
  EXPECT_EQ(p.append(2), 4u);
  EXPECT_EQ(p.size(), 6u);
  EXPECT_EQ(p.column(wide).size(), 18u);
  for (std::size_t s = 0; s < 6; ++s) EXPECT_EQ(p.id(s), s);
  auto late = p.add_column<double>();  // added after agents exist
  EXPECT_EQ(p.column(late).size(), 6u);
}

TEST(Population, LargeAppendsStartAtZeroAndKeepTheRowsBefore) {
  Population p;
  auto beliefs = p.add_column<std::uint64_t>(2);
  auto score = p.add_column<float>();
  p.append(50000);  // filled in parallel chunks
  for (std::size_t s = 0; s < 50000; ++s) {
    ASSERT_EQ(p.column(beliefs)[2 * s + 1], 0u);
    ASSERT_EQ(p.column(score)[s], 0.0f);
    p.column(score)[s] = static_cast<float>(s);
  }
  p.append(70000);
  for (std::size_t s = 0; s < 120000; ++s) {
    ASSERT_EQ(p.column(score)[s], s < 50000 ? static_cast<float>(s) : 0.0f);
    ASSERT_EQ(p.column(beliefs)[2 * s], 0u);
  }
}

TEST(Population, RenewGivesAFreshIdInPlace) {
  Population p;
  p.append(3);
  EXPECT_EQ(p.renew(1), 3u);
  EXPECT_EQ(p.id(1), 3u);
  EXPECT_EQ(p.next_id(), 4u);
}

TEST(Population, RemoveKeepsOrderAndRowsTogether) {
  Population p;
  auto wide = p.add_column<int>(2);
  auto narrow = p.add_column<char>();
  p.append(5);
  for (std::size_t s = 0; s < 5; ++s) {
    p.column(wide)[2 * s] = static_cast<int>(10 * s);
    p.column(wide)[2 * s + 1] = static_cast<int>(10 * s + 1);
    p.column(narrow)[s] = static_cast<char>('a' + s);
  }
  const std::vector<std::uint8_t> keep = {1, 0, 1, 0, 1};
  p.remove_unless(keep);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.id(0), 0u);
  EXPECT_EQ(p.id(1), 2u);
  EXPECT_EQ(p.id(2), 4u);
  EXPECT_EQ(p.column(wide)[2], 20);
  EXPECT_EQ(p.column(wide)[3], 21);
  EXPECT_EQ(p.column(narrow)[2], 'e');
  EXPECT_EQ(p.append(1), 3u);
  EXPECT_EQ(p.id(3), 5u);  // ids are never reused
}

// Removal at scale (columns compacted in parallel, rows moved run by run): removed rows at the
// start, the end, side by side and scattered; every column keeps the kept rows, in order, with
// their ids, at any thread count.
TEST(Population, RemoveMatchesTheDefinitionAtScaleInEveryColumn) {
  constexpr std::size_t n = 40000;
  for (const std::size_t threads : {1u, 2u}) {
    const ThreadLimit limit(threads);
    Population p;
    auto wide = p.add_column<std::uint64_t>(3);
    auto narrow = p.add_column<std::uint8_t>();
    auto real = p.add_column<double>();
    auto off = p.add_column<float>(0);  // a column switched off
    p.append(n);
    for (std::size_t s = 0; s < n; ++s) {
      for (std::size_t k = 0; k < 3; ++k) p.column(wide)[3 * s + k] = 10 * s + k;
      p.column(narrow)[s] = static_cast<std::uint8_t>(s % 251);
      p.column(real)[s] = 0.5 * static_cast<double>(s);
    }
    std::vector<std::uint8_t> keep(n, 1);
    for (std::size_t s = 0; s < n; ++s)
      if (s < 2 || s >= n - 4 || s % 113 == 0 || s % 113 == 1 || (s * 31) % 1009 == 5) keep[s] = 0;
    std::vector<std::size_t> kept;
    for (std::size_t s = 0; s < n; ++s)
      if (keep[s]) kept.push_back(s);
    p.remove_unless(keep);
    ASSERT_EQ(p.size(), kept.size());
    ASSERT_EQ(p.column(wide).size(), 3 * kept.size());
    EXPECT_TRUE(p.column(off).empty());
    for (std::size_t row = 0; row < kept.size(); ++row) {
      const std::size_t s = kept[row];
      ASSERT_EQ(p.id(row), s);
      for (std::size_t k = 0; k < 3; ++k) ASSERT_EQ(p.column(wide)[3 * row + k], 10 * s + k);
      ASSERT_EQ(static_cast<std::size_t>(p.column(narrow)[row]), s % 251);
      ASSERT_EQ(p.column(real)[row], 0.5 * static_cast<double>(s));
    }
    p.remove_unless(std::vector<std::uint8_t>(p.size(), 1));  // nothing removed
    EXPECT_EQ(p.size(), kept.size());
  }
}

}  // namespace
}  // namespace orgsim
