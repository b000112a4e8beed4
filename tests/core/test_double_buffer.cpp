// Double buffering: a neighbour-averaging phase gives the same answer in any processing order.
#include "orgsim/core/double_buffer.hpp"
#include "orgsim/core/network.hpp"
#include "orgsim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace orgsim {
namespace {

void average_neighbours(DoubleBuffer<double>& state, const CsrNetwork& g, bool reverse) {
  const auto prev = state.previous();
  auto next = state.next();
  for (std::size_t k = 0; k < g.node_count(); ++k) {
    const std::size_t v = reverse ? g.node_count() - 1 - k : k;
    double sum = prev[v];
    for (auto u : g.neighbors(v)) sum += prev[u];
    next[v] = sum / static_cast<double>(g.degree(v) + 1);
  }
  state.swap();
}

TEST(DoubleBuffer, AgentsReadOnlyThePreviousState) {
  std::vector<CsrNetwork::Edge> ring;
  for (CsrNetwork::Node v = 0; v < 100; ++v) ring.emplace_back(v, (v + 1) % 100);
  const auto g = CsrNetwork::from_edges(100, ring, true);
  DoubleBuffer<double> forward(100), backward(100);
  for (std::size_t v = 0; v < 100; ++v) {
    forward.next()[v] = backward.next()[v] = static_cast<double>(v * v % 17);
  }
  forward.swap();
  backward.swap();
  for (int step = 0; step < 10; ++step) {
    average_neighbours(forward, g, false);
    average_neighbours(backward, g, true);
  }
  for (std::size_t v = 0; v < 100; ++v) ASSERT_EQ(forward.previous()[v], backward.previous()[v]);
}

TEST(DoubleBuffer, SwapPublishesNext) {
  DoubleBuffer<int> b(3, 1);
  b.next()[0] = 5;
  EXPECT_EQ(b.previous()[0], 1);
  b.swap();
  EXPECT_EQ(b.previous()[0], 5);
  b.resize(5, 2);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.previous()[4], 2);
}

}  // namespace
}  // namespace orgsim
