// The local farm: a TBB pipeline computes runs in parallel (runs across workers, agents inside a
// run in nested parallel loops) and queues each finished run for the writer thread.
#include "orgsim/agents/model.hpp"

#include "sweep.hpp"

#include <oneapi/tbb/parallel_pipeline.h>

namespace orgsim::experiments::sweep {

void run_local_farm(const ExperimentSpec& spec, const std::vector<std::size_t>& todo,
                    std::size_t in_flight, Halt& halt, WriterThread& writer) {
  const std::size_t tick_rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  agents::RunOptions run_options = spec.run_options();
  run_options.abandon = halt.flag();
  std::size_t next = 0;
  auto source = [&](tbb::flow_control& fc) -> std::size_t {
    if (next == todo.size() || halt.poll()) {
      fc.stop();
      return 0;
    }
    return todo[next++];
  };
  auto compute = [&](std::size_t run) {  // in parallel, compression included
    writer.free_written();
    auto record = std::make_unique<RunRecord>(compute_run(spec, run, run_options, tick_rows));
    if (halt.halted()) return;  // possibly cut short: redone on resume
    writer.push(std::move(record));
  };
  tbb::parallel_pipeline(
      in_flight, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
                     tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, compute));
}

}  // namespace orgsim::experiments::sweep
