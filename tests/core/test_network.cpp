// CSR network construction.
#include "orgsim/core/network.hpp"

#include "orgsim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace orgsim {
namespace {

TEST(CsrNetwork, BuildsSortedDeduplicatedNeighbourLists) {
  const auto g = CsrNetwork::from_edges(4, {{2, 0}, {0, 3}, {0, 1}, {0, 3}, {1, 1}}, false);
  EXPECT_EQ(g.node_count(), 4u);
  EXPECT_EQ(g.edge_count(), 3u);  // duplicate and self-loop dropped
  const auto n0 = g.neighbors(0);
  ASSERT_EQ(n0.size(), 2u);
  EXPECT_EQ(n0[0], 1u);
  EXPECT_EQ(n0[1], 3u);
  EXPECT_EQ(g.degree(1), 0u);
  EXPECT_EQ(g.neighbors(2)[0], 0u);
}

TEST(CsrNetwork, UndirectedStoresBothDirections) {
  const auto g = CsrNetwork::from_edges(3, {{0, 1}, {1, 2}}, true);
  EXPECT_EQ(g.edge_count(), 4u);
  EXPECT_EQ(g.degree(1), 2u);
  EXPECT_EQ(g.neighbors(2)[0], 1u);
}

TEST(CsrNetwork, IndependentOfEdgeOrder) {
  const auto a = CsrNetwork::from_edges(5, {{0, 4}, {3, 1}, {2, 2}, {1, 0}}, true);
  const auto b = CsrNetwork::from_edges(5, {{1, 0}, {0, 4}, {3, 1}}, true);
  for (std::size_t v = 0; v < 5; ++v) {
    const auto x = a.neighbors(v);
    const auto y = b.neighbors(v);
    ASSERT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end()));
  }
}

TEST(CsrNetwork, FromRowsIsTheGraphOfTheSameTies) {
  const auto rows = CsrNetwork::from_rows({0, 2, 2, 3, 5}, {1, 3, 0, 0, 2});
  const auto edges = CsrNetwork::from_edges(4, {{3, 2}, {0, 3}, {2, 0}, {0, 1}, {3, 0}}, false);
  ASSERT_EQ(rows.node_count(), 4u);
  EXPECT_EQ(rows.edge_count(), edges.edge_count());
  for (std::size_t v = 0; v < 4; ++v) {
    const auto x = rows.neighbors(v);
    const auto y = edges.neighbors(v);
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end())) << v;
  }
}

TEST(CsrNetwork, RejectsOutOfRangeNodes) {
  EXPECT_THROW(CsrNetwork::from_edges(2, {{0, 2}}, false), std::out_of_range);
}

}  // namespace
}  // namespace orgsim

namespace orgsim {
namespace {

// Dropping nodes keeps the ties among the rest, renumbered in order, and nothing else.
TEST(CsrNetwork, WithoutDroppedKeepsTheTiesAmongTheRest) {
  const auto g = CsrNetwork::from_edges(5, {{0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 0}, {4, 3}}, false);
  const std::vector<std::uint8_t> keep = {1, 0, 1, 1, 1};  // node 1 leaves
  const auto h = g.without_dropped(keep);
  ASSERT_EQ(h.node_count(), 4u);
  // Old 0, 2, 3, 4 are new 0, 1, 2, 3.
  EXPECT_EQ(std::vector<CsrNetwork::Node>(h.neighbors(0).begin(), h.neighbors(0).end()),
            (std::vector<CsrNetwork::Node>{1}));  // 0->2; 0->1 is gone
  EXPECT_EQ(std::vector<CsrNetwork::Node>(h.neighbors(1).begin(), h.neighbors(1).end()),
            (std::vector<CsrNetwork::Node>{3}));  // 2->4
  EXPECT_EQ(std::vector<CsrNetwork::Node>(h.neighbors(2).begin(), h.neighbors(2).end()),
            (std::vector<CsrNetwork::Node>{0}));  // 3->0
  EXPECT_EQ(std::vector<CsrNetwork::Node>(h.neighbors(3).begin(), h.neighbors(3).end()),
            (std::vector<CsrNetwork::Node>{2}));  // 4->3
  EXPECT_EQ(h.edge_count(), 4u);
  EXPECT_EQ(g.without_dropped(std::vector<std::uint8_t>(5, 1)).edge_count(), g.edge_count());
}

// At the size where rows are counted and filled in parallel chunks (tens of thousands of nodes,
// runs of dropped nodes at both ends and inside), every tie between two kept nodes survives,
// renumbered by the order of the kept, at any thread count.
TEST(CsrNetwork, WithoutDroppedMatchesTheDefinitionOnALargeNetwork) {
  constexpr std::size_t n = 60000;
  std::vector<CsrNetwork::Edge> edges;
  for (std::size_t v = 0; v < n; ++v)
    for (std::size_t k = 1; k <= 3; ++k)
      edges.emplace_back(static_cast<CsrNetwork::Node>(v),
                         static_cast<CsrNetwork::Node>((v * 7919 + k * 104729) % n));
  const auto g = CsrNetwork::from_edges(n, edges, true);
  std::vector<std::uint8_t> keep(n, 1);
  for (std::size_t v = 0; v < n; ++v)
    if (v < 5 || v >= n - 3 || v % 97 == 0 || (v > 20000 && v < 20050)) keep[v] = 0;
  std::vector<CsrNetwork::Node> renumbered(n, 0);
  std::size_t next = 0;
  for (std::size_t v = 0; v < n; ++v)
    if (keep[v]) renumbered[v] = static_cast<CsrNetwork::Node>(next++);
  std::vector<CsrNetwork::Edge> expected;
  for (std::size_t v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    for (const auto u : g.neighbors(v))
      if (keep[u]) expected.emplace_back(renumbered[v], renumbered[u]);
  }
  for (const std::size_t threads : {1u, 2u}) {
    const ThreadLimit limit(threads);
    const auto h = g.without_dropped(keep);
    ASSERT_EQ(h.node_count(), next);
    std::vector<CsrNetwork::Edge> got;
    for (std::size_t v = 0; v < h.node_count(); ++v)
      for (const auto u : h.neighbors(v)) got.emplace_back(static_cast<CsrNetwork::Node>(v), u);
    EXPECT_EQ(got, expected) << threads << " threads";
  }
}

}  // namespace
}  // namespace orgsim
