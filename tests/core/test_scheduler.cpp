// The scheduler runs phases in order, parallel phases cover every slot once, and results are
// bit-identical at any thread count; so is a parallel filter's.
#include "orgsim/core/parallel.hpp"
#include "orgsim/core/rng.hpp"
#include "orgsim/core/scheduler.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace orgsim {
namespace {

struct Toy {
  std::vector<double> value;
  std::vector<int> visits;
  std::vector<std::string> log;
  double total = 0;
};

Schedule<Toy> toy_schedule() {
  Schedule<Toy> s;
  s.serial("start", [](Toy& t, Tick) { t.log.push_back("start"); })
      .parallel(
          "draw", [](const Toy& t) { return t.value.size(); },
          [](Toy& t, Tick tick, std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
              RandomStream r(7, stream_id("toy"), 0, i, tick);
              t.value[i] = t.value[i] * 0.5 + r.uniform() * 1e-3 + 1.0 / 3.0;
              ++t.visits[i];
            }
          },
          64)
      .serial("sum", [](Toy& t, Tick) {
        t.log.push_back("sum");
        t.total = deterministic_reduce(
            t.value.size(), 128, 0.0,
            [&](std::size_t b, std::size_t e, double acc) {
              for (std::size_t i = b; i < e; ++i) acc += t.value[i];
              return acc;
            },
            [](double a, double b) { return a + b; });
      });
  return s;
}

Toy run_toy(std::size_t threads, std::size_t agents, Tick ticks) {
  ThreadLimit limit(threads);
  Toy toy{std::vector<double>(agents, 0.0), std::vector<int>(agents, 0), {}, 0};
  const auto schedule = toy_schedule();
  run_ticks(
      toy, schedule, ticks, [](const Toy&, Tick) { return false; }, [](const Toy&, Tick) {});
  return toy;
}

TEST(Schedule, RunsPhasesInOrderEveryTick) {
  const Toy toy = run_toy(2, 10, 3);
  EXPECT_EQ(toy.log, (std::vector<std::string>{"start", "sum", "start", "sum", "start", "sum"}));
  EXPECT_EQ(toy_schedule().phases().size(), 3u);
  EXPECT_TRUE(toy_schedule().phases()[1].parallel());
  EXPECT_FALSE(toy_schedule().phases()[0].parallel());
}

TEST(Schedule, ParallelPhaseVisitsEverySlotOncePerTick) {
  const Toy toy = run_toy(4, 10007, 5);
  for (int v : toy.visits) ASSERT_EQ(v, 5);
}

TEST(Schedule, ResultsAreBitIdenticalAtAnyThreadCount) {
  const Toy one = run_toy(1, 50000, 4);
  for (std::size_t threads : {2u, 4u}) {
    const Toy many = run_toy(threads, 50000, 4);
    ASSERT_EQ(std::memcmp(one.value.data(), many.value.data(), one.value.size() * sizeof(double)),
              0);
    // The floating-point sum depends only on the split tree, not on the threads.
    EXPECT_EQ(std::memcmp(&one.total, &many.total, sizeof(double)), 0);
  }
}

TEST(Schedule, StopConditionEndsTheRunEarly) {
  Toy toy{std::vector<double>(8, 0.0), std::vector<int>(8, 0), {}, 0};
  int observed = 0;
  const Tick ran = run_ticks(
      toy, toy_schedule(), 100, [](const Toy&, Tick tick) { return tick == 7; },
      [&](const Toy&, Tick) { ++observed; });
  EXPECT_EQ(ran, 7u);
  EXPECT_EQ(observed, 7);
  EXPECT_EQ(toy.visits[0], 7);
}

TEST(ParallelSelect, KeepsTheHitsInOrderAtAnyThreadCount) {
  const std::size_t n = 100003;  // not a multiple of the grain
  auto hit = [](std::size_t i) { return RandomStream(5, stream_id("select"), 0, i, 0)() % 7 == 0; };
  std::vector<std::size_t> expected;
  for (std::size_t i = 0; i < n; ++i)
    if (hit(i)) expected.push_back(i);
  for (std::size_t threads : {1u, 2u, 4u}) {
    ThreadLimit limit(threads);
    EXPECT_EQ(parallel_select(n, 1000, hit), expected) << threads << " threads";
  }
  EXPECT_EQ(parallel_select(5, 1000, [](std::size_t i) { return i % 2 == 1; }),
            (std::vector<std::size_t>{1, 3}));  // one chunk, on this thread
  EXPECT_TRUE(parallel_select(0, 1000, hit).empty());
}

TEST(ThreadLimit, ReportsTheRequestedCount) {
  ThreadLimit limit(1);
  EXPECT_EQ(limit.threads(), 1u);
  ThreadLimit all(0);
  EXPECT_EQ(all.threads(), hardware_threads());
}

}  // namespace
}  // namespace orgsim
