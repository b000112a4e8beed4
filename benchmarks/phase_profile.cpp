// Where one run's time goes (issue 19): the first run of an experiment file simulated as
// simulate() does it, with a clock around setup (the organization at tick 0), each phase of the
// tick (summed over the run), the metric measurements and the compression of the rows. Prints
// one line per part: name, a tab, seconds. `orgsim run` adds process start, the results file and
// the writer thread to this; benchmarks/e2e_threads.py prints both.
//
// Usage: orgsim_phase_profile FILE [THREADS]
#include "orgsim/agents/model.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace orgsim;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Seconds per part, in the order parts were first timed.
class Parts {
 public:
  void add(const std::string& name, double seconds) {
    if (!seconds_.contains(name)) order_.push_back(name);
    seconds_[name] += seconds;
  }
  /// One line per part: name, tab, seconds; then "total".
  void print(double total) const {
    for (const std::string& name : order_) fmt::print("{}\t{:.6f}\n", name, seconds_.at(name));
    fmt::print("total\t{:.6f}\n", total);
  }

 private:
  std::vector<std::string> order_;
  std::map<std::string, double> seconds_;
};

/// One tick, as Schedule::step runs it, with each phase timed.
void timed_step(const Schedule<agents::Organization>& schedule, agents::Organization& org,
                Tick tick, Parts& parts) {
  for (const auto& phase : schedule.phases()) {
    const auto start = Clock::now();
    if (phase.parallel()) {
      const std::size_t n = phase.count(org);
      if (n <= phase.grain) {
        phase.chunk(org, tick, 0, n);
      } else {
        parallel_chunks(n, phase.grain, [&](std::size_t begin, std::size_t end) {
          phase.chunk(org, tick, begin, end);
        });
      }
    } else {
      phase.serial(org, tick);
    }
    parts.add((phase.parallel() ? "tick: " : "tick (serial): ") + phase.name, since(start));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} FILE [THREADS]\n", argv[0]);
    return 2;
  }
  const experiments::ExperimentSpec spec = experiments::load_experiment(argv[1]);
  ThreadLimit limit(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0);
  const agents::RunOptions options = spec.run_options();
  const agents::ModelParams params = spec.params_at(0);
  Parts parts;
  const auto start = Clock::now();
  auto t = Clock::now();
  agents::Organization org(params, {spec.seed, 0});
  org.events = options.events;
  parts.add("setup (organization at tick 0)", since(t));
  const auto schedule = agents::make_schedule(params);
  experiments::RunRecord record;
  record.outcome.metrics = MetricTable(agents::metric_table().size());
  std::vector<double> row(agents::metric_table().size());
  const auto every = static_cast<Tick>(spec.record_every);
  for (Tick tick = 0; tick <= options.max_ticks; ++tick) {
    if (tick > 0) timed_step(schedule, org, tick, parts);
    if (tick % every != 0 && tick != options.max_ticks) continue;
    t = Clock::now();
    agents::measure(org, row);
    record.outcome.metrics.append(row);
    parts.add("measure metrics", since(t));
  }
  record.outcome.ticks_run = options.max_ticks;
  t = Clock::now();
  experiments::compress_record(record, agents::recorded_rows(options.max_ticks, every));
  parts.add("compress rows", since(t));
  parts.print(since(start));
  return 0;
}
