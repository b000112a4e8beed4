// The floor of a tick's time: the full model with landscape and coordination (as
// BM_FullTickLandscape times it: 20 warm-up ticks, then ticks 21-170 with the metrics), run
// several times from the start; for each tick the fastest of the runs, then the mean over ticks.
// On a shared VM whose speed drifts by 10-30 % from one minute to the next, one slow stretch
// spoils a whole Google Benchmark repetition; a tick's floor over runs at different moments is
// what a change to the code moves (benchmarks/README.md). Prints the floor, the plain mean, and
// employee-ticks per second at each.
//
// Usage: orgsim_tick_floor [RUNS [EMPLOYEES [THREADS [full|landscape]]]]   (5 100000 1 landscape)
#include "bench_params.hpp"

#include "orgsim/core/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace orgsim;
  const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::int64_t employees = argc > 2 ? std::atoll(argv[2]) : 100000;
  ThreadLimit limit(argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1);
  const bool landscape = argc <= 4 || std::string(argv[4]) != "full";
  if (runs < 1 || employees < 1) {
    fmt::print(stderr, "usage: {} [RUNS [EMPLOYEES [THREADS [full|landscape]]]]\n", argv[0]);
    return 2;
  }
  constexpr Tick kWarmUp = 20, kTimed = 150;
  const agents::ModelParams params =
      landscape ? bench::landscape_params(employees) : bench::full_params(employees);
  std::vector<double> floor(kTimed, 1e300), total(kTimed, 0.0);
  std::vector<double> row(agents::metric_table().size());
  double employee_ticks = 0;
  for (int run = 0; run < runs; ++run) {
    agents::Organization org(params, {1, 0});
    const auto schedule = agents::make_schedule(org.params());
    Tick tick = 0;
    while (tick < kWarmUp) schedule.step(org, ++tick);
    for (Tick k = 0; k < kTimed; ++k) {
      const auto start = std::chrono::steady_clock::now();
      schedule.step(org, ++tick);
      agents::measure(org, row);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      floor[k] = std::min(floor[k], seconds);
      total[k] += seconds;
      if (run == 0) employee_ticks += static_cast<double>(org.headcount());
    }
  }
  double floor_sum = 0, mean_sum = 0;
  for (Tick k = 0; k < kTimed; ++k) floor_sum += floor[k], mean_sum += total[k] / runs;
  fmt::print("{} model, {} employees, {} thread(s), {} runs of ticks {}-{}\n",
             landscape ? "landscape" : "full", employees, limit.threads(), runs, kWarmUp + 1,
             kWarmUp + kTimed);
  fmt::print("floor {:.2f} ms/tick ({:.2f} M employee-ticks/s); mean {:.2f} ms/tick ({:.2f} M/s)\n",
             1e3 * floor_sum / kTimed, employee_ticks / floor_sum / 1e6, 1e3 * mean_sum / kTimed,
             employee_ticks / mean_sum / 1e6);
  return 0;
}
