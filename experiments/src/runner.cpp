// A sweep from start to end, stage by stage: resume copy, resource gate, writer thread, farm.
#include "orgsim/experiments/runner.hpp"
#include "orgsim/experiments/writer_lock.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"

#include "sweep.hpp"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <memory>

namespace orgsim::experiments {

using sweep::Clock;
using sweep::seconds_since;

RunRecord compute_run(const ExperimentSpec& spec, std::size_t run,
                      const agents::RunOptions& run_options, std::size_t tick_rows) {
  const auto replications = static_cast<std::size_t>(spec.replications);
  const auto t0 = Clock::now();
  RunRecord record;
  record.run = run;
  record.design_point = run / replications;
  record.replication = spec.first_replication + run % replications;
  if (spec.events_differ_by_point()) {  // this option's events with the shared ones, moved
    agents::RunOptions own = run_options;
    own.events = spec.events_at(record.design_point);
    record.outcome = agents::simulate(spec.run_params_at(record.design_point),
                                      {spec.seed, record.replication}, own);
  } else {
    record.outcome = agents::simulate(spec.run_params_at(record.design_point),
                                      {spec.seed, record.replication}, run_options);
  }
  record.wall_seconds = seconds_since(t0);
  compress_record(record, tick_rows);
  return record;
}

namespace {

/// Complete runs in a closed results file (what --resume would keep).
std::size_t count_complete(const std::string& path) {
  try {
    ResultsReader reader(path);
    std::size_t complete = 0;
    for (std::size_t run = 0; run < reader.run_count(); ++run)
      complete += reader.complete(run) ? 1 : 0;
    return complete;
  } catch (const Error&) {
    return 0;
  }
}

/// How many runs compute at once and how many finished runs may wait for the writer.
struct Flow {
  std::size_t in_flight = 1;
  std::size_t queue_capacity = 1;
};

Flow plan_flow(const ExperimentSpec& spec, const RunnerOptions& options, std::size_t threads,
               std::size_t runs) {
  // Runs in flight: enough to keep every thread busy, few enough to fit in memory.
  const std::size_t per_run = std::max<std::size_t>(1, estimate_run_memory(spec));
  const std::size_t fit = std::max<std::size_t>(1, memory_budget() / per_run);
  Flow flow;
  flow.in_flight = std::min<std::size_t>({2 * threads, fit, std::max<std::size_t>(1, runs)});
  // Finished runs wait for the writer, which naps a few milliseconds when idle (kNap in
  // sweep_writer.cpp): the queue must hold that long's worth of short runs (or workers stall),
  // within a quarter of the budget (a run's memory estimate bounds its record).
  const std::size_t waiting =
      std::clamp<std::size_t>(memory_budget() / 4 / per_run, flow.in_flight, 4096);
  flow.queue_capacity = options.queue_capacity ? options.queue_capacity : waiting;
  return flow;
}

/// Computes `todo` on the farm the options name (the local TBB farm when none) and hands the
/// finished runs to the writer thread. @returns what a worker or the farm threw, if anything
std::exception_ptr compute_runs(const ExperimentSpec& spec, const RunnerOptions& options,
                                const std::vector<std::size_t>& todo, std::size_t in_flight,
                                sweep::Halt& halt, sweep::WriterThread& writer) {
  try {
    if (options.farm) {
      options.farm(todo, [&](std::unique_ptr<RunRecord> record) {
        return writer.deliver(std::move(record));
      });
    } else {
      sweep::run_local_farm(spec, todo, in_flight, halt, writer);
    }
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

/// After the farm and the writer thread ended: the writer's failure (as an OutputError counting
/// what reached the disk), then a worker's; otherwise closes the file, finished unless halted.
void end_sweep(std::unique_ptr<ResultsWriter>& writer, const sweep::WriterThread& thread,
               std::exception_ptr worker_error, const sweep::Halt& halt,
               const std::string& output_path, SweepReport& report) {
  if (thread.error()) {
    try {
      std::rethrow_exception(thread.error());
    } catch (const OutputError& e) {
      writer.reset();  // the frozen file is closed; count what reached the disk
      throw OutputError(output_path, e.disk_full(), count_complete(output_path), e.what());
    }
  }
  if (worker_error) std::rethrow_exception(worker_error);
  const std::size_t done = thread.done();
  report.runs_computed = done - report.runs_reused;
  if (halt.value() > 0 &&
      done < report.runs) {  // interrupted: finished runs are written, the file is not finished
    writer->close();
    writer.reset();
    report.interrupted_by = halt.value();
    report.runs_complete = count_complete(output_path);
  } else {
    writer->finish(done);
    report.runs_complete = done;
  }
}

}  // namespace

SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path,
                           const RunnerOptions& options) {
  check_output_path(output_path);
  // One writer per file: a second run, resume or merge on this path is refused from here on, and
  // a start refused below leaves no empty file behind.
  WriterLock lock(output_path, !options.resume);
  const auto start = Clock::now();
  const std::size_t total = spec.run_count();
  const std::size_t threads = options.threads ? options.threads : hardware_threads();
  const Shard shard = options.shard.value_or(Shard{});
  SweepReport report;
  report.runs = shard.runs_of(total);

  std::unique_ptr<ResultsReader> previous;
  std::size_t previous_complete = 0;
  if (options.resume) {
    previous = sweep::open_resumed(spec, output_path, options.shard);
    for (std::size_t run = shard.index; run < total; run += shard.count) {
      previous_complete += previous->complete(run) ? 1 : 0;
    }
  }
  // Before anything is created or allocated (the list of runs included).
  sweep::check_resources_or_refuse(spec, output_path, options, previous_complete,
                                   previous != nullptr);
  std::vector<std::size_t> todo;
  todo.reserve(report.runs);
  for (std::size_t run = shard.index; run < total; run += shard.count) todo.push_back(run);

  sweep::Halt halt(options.stop);
  const std::string writing_path =
      previous ? output_path + ".resume-" + std::to_string(::getpid()) : output_path;
  WriterLock copy_lock = previous ? WriterLock(writing_path) : WriterLock();
  std::unique_ptr<ResultsWriter> writer;
  try {
    writer = sweep::create_writer(spec, writing_path, threads, options.shard,
                                  previous ? copy_lock : lock);
  } catch (const OutputError& e) {  // the copy is gone; the interrupted file keeps its runs
    if (previous) throw OutputError(output_path, e.disk_full(), previous_complete, e.what());
    throw;
  }
  if (!previous) lock.keep();  // a valid results file from here on, resumable whatever happens
  if (previous) {
    sweep::ResumeCopy copy = sweep::copy_complete_runs(
        std::move(previous), writer, todo, halt, output_path, writing_path, previous_complete);
    if (copy.interrupted) {
      report.interrupted_by = halt.value();
      report.runs_complete = previous_complete;
      report.wall_seconds = seconds_since(start);
      return report;
    }
    lock = std::move(copy_lock);  // the copy is the file now: its lock goes on guarding the name
    lock.keep();
    report.runs_reused = copy.reused;
    todo = std::move(copy.remaining);
  }

  const Flow flow = plan_flow(spec, options, threads, todo.size());
  report.runs_in_flight = flow.in_flight;
  // Written runs go back to the workers to be freed: memory is then released by a thread that
  // allocates the same sizes again (glibc keeps it in that thread's cache, without a lock), not
  // by the writer into the workers' arenas, under their locks (measured on Figure 1's many short
  // runs: benchmarks/README.md, "The writer").
  sweep::WriterThread writer_thread(*writer, halt, options, report.runs_reused, report.runs,
                                    flow.queue_capacity, !options.farm);
  const std::exception_ptr worker_error =
      compute_runs(spec, options, todo, flow.in_flight, halt, writer_thread);
  writer_thread.finish();
  const auto t0 = Clock::now();
  end_sweep(writer, writer_thread, worker_error, halt, output_path, report);
  report.writer_seconds = writer_thread.seconds() + seconds_since(t0);
  report.wall_seconds = seconds_since(start);
  return report;
}

}  // namespace orgsim::experiments
