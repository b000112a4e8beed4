// Struct-of-arrays population: stable ids, columns follow hiring and leaving.
#include "orgsim/core/population.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace orgsim
