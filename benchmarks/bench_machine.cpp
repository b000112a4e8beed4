// What this machine's two cores give a parallel program (issue 19's scaling target): the same
// work per thread on one and on two threads, compute-bound and memory-bound, so that the model's
// 2 / 1 ratio can be read against the machine's own. Results: benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace {

/// Arithmetic on registers only (xorshift and a multiply): each thread's own work.
std::uint64_t compute(std::uint64_t x, std::int64_t steps) {
  for (std::int64_t i = 0; i < steps; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x *= 0x9E3779B97F4A7C15ull;
  }
  return x;
}

/// A sequential read of 64 MiB, far beyond the caches, per thread.
std::uint64_t stream(const std::vector<std::uint64_t>& data) {
  std::uint64_t sum = 0;
  for (const std::uint64_t v : data) sum += v;
  return sum;
}

/// Runs `work(t)` on `threads` threads at once, each on its own data.
template <class Work>
void on_threads(int threads, Work work) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) running.emplace_back([&work, t] { work(t); });
  for (std::thread& thread : running) thread.join();
}

void BM_MachineCompute(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  constexpr std::int64_t kSteps = 50'000'000;
  std::vector<std::uint64_t> out(static_cast<std::size_t>(threads));
  for (auto _ : state) {
    on_threads(threads, [&](int t) { out[static_cast<std::size_t>(t)] = compute(t + 1, kSteps); });
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["steps"] = benchmark::Counter(
      static_cast<double>(kSteps * threads) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_MachineStreamRead(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  constexpr std::size_t kWords = std::size_t{8} << 20;  // 64 MiB
  std::vector<std::vector<std::uint64_t>> data(static_cast<std::size_t>(threads),
                                               std::vector<std::uint64_t>(kWords, 1));
  std::vector<std::uint64_t> out(static_cast<std::size_t>(threads));
  for (auto _ : state) {
    on_threads(threads, [&](int t) {
      out[static_cast<std::size_t>(t)] = stream(data[static_cast<std::size_t>(t)]);
    });
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] =
      benchmark::Counter(static_cast<double>(kWords * 8 * static_cast<std::size_t>(threads)) *
                             static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1024);
}

BENCHMARK(BM_MachineCompute)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MachineStreamRead)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
