// The run farm, its writer thread, resume and shard merging.
#include "orgsim/experiments/runner.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

namespace orgsim::experiments {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Benchmarked throughput per core (benchmarks/README.md): used for time estimates only.
constexpr double kCoreEmployeeTicksPerSecond = 2.4e6;
constexpr double kFullEmployeeTicksPerSecond = 1.2e6;

std::size_t bytes_per_employee(const agents::ModelParams& p) {
  const std::size_t m = static_cast<std::size_t>(p.learning_dimensions);
  std::size_t bytes = 2 * m + 50;  // beliefs, actions, scalar state
  if (p.structure_enabled) bytes += m + 8 + 12 * static_cast<std::size_t>(p.structure_ties_per_employee);
  bytes += 4 * (static_cast<std::size_t>(p.structure_functions) + 1);
  return bytes;
}

}  // namespace

std::size_t estimate_run_memory(const ExperimentSpec& spec) {
  std::size_t largest = 0;
  const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 1000);
  for (std::size_t point = 0; point < points; ++point) {
    const agents::ModelParams p = spec.params_at(point);
    const auto employees = static_cast<std::size_t>(std::max(p.org_employees, p.growth_enabled ? p.growth_target_employees : 0));
    largest = std::max(largest, employees * bytes_per_employee(p));
  }
  const std::size_t rows = agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  std::size_t snapshots = 0;
  if (spec.snapshots.every > 0) {
    const std::size_t count = agents::recorded_rows(static_cast<Tick>(spec.ticks), spec.snapshots.every);
    snapshots = count * spec.snapshots.agents *
                (spec.snapshots.fields.size() * sizeof(double) + static_cast<std::size_t>(spec.scenario.learning_dimensions));
  }
  return largest + rows * agents::metric_table().size() * sizeof(double) + snapshots + 64 * 1024;
}

double estimate_cpu_seconds(const ExperimentSpec& spec) {
  const agents::ModelParams p = spec.params_at(0);
  const bool full = p.structure_enabled || p.work_enabled || p.people_enabled;
  const double per_second = full ? kFullEmployeeTicksPerSecond : kCoreEmployeeTicksPerSecond;
  return static_cast<double>(spec.run_count()) * static_cast<double>(spec.ticks) *
         static_cast<double>(std::max<std::int64_t>(p.org_employees, 1)) / per_second;
}

std::size_t memory_budget() {
  const long pages = ::sysconf(_SC_AVPHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::size_t{1} << 30;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 2;
}

void check_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw UsageError("the output path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(path + ": is a directory; give a file name such as " + (fs::path(path) / "results.h5").string());
  }
  const fs::path parent = fs::absolute(fs::path(path), ec).parent_path();
  if (!fs::is_directory(parent, ec)) {
    throw UsageError(path + ": the directory " + parent.string() + " does not exist");
  }
}

RunRecord compute_run(const ExperimentSpec& spec, std::size_t run, const agents::RunOptions& run_options,
                      std::size_t tick_rows) {
  const auto replications = static_cast<std::size_t>(spec.replications);
  const auto t0 = Clock::now();
  RunRecord record;
  record.run = run;
  record.design_point = run / replications;
  record.replication = run % replications;
  record.outcome = agents::simulate(spec.params_at(record.design_point), {spec.seed, record.replication}, run_options);
  record.wall_seconds = seconds_since(t0);
  record.chunks = compress_metrics(record.outcome.metrics, tick_rows);
  return record;
}

SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path, const RunnerOptions& options) {
  namespace fs = std::filesystem;
  check_output_path(output_path);
  const auto start = Clock::now();
  const std::size_t total = spec.run_count();
  const std::size_t threads = options.threads ? options.threads : hardware_threads();
  const Shard shard = options.shard.value_or(Shard{});

  std::vector<std::size_t> todo;
  for (std::size_t run = 0; run < total; ++run) {
    if (shard.contains(run)) todo.push_back(run);
  }
  SweepReport report;
  report.runs = todo.size();

  // Resume: take over the complete runs of the interrupted file (opened SWMR-read, so no manual
  // h5clear), written into a fresh file that replaces it; then run the rest.
  std::unique_ptr<ResultsReader> previous;
  std::string writing_path = output_path;
  if (options.resume) {
    if (!fs::exists(output_path)) throw UsageError(output_path + ": nothing to resume (the file does not exist)");
    previous = std::make_unique<ResultsReader>(output_path);
    if (previous->attribute("experiment") != spec.resolved_text()) {
      throw UsageError(output_path + ": holds a different experiment; refusing to resume it with this one");
    }
    if (previous->attribute("shard").value_or("") != (options.shard ? shard.str() : "")) {
      throw UsageError(output_path + ": holds shard '" + previous->attribute("shard").value_or("") +
                       "', not '" + (options.shard ? shard.str() : "") + "'");
    }
    writing_path = output_path + ".resume-" + std::to_string(::getpid());
  }

  ResultsWriter writer(writing_path, spec, threads, options.shard);
  std::size_t done = 0;
  if (previous) {
    std::vector<std::size_t> remaining;
    for (std::size_t run : todo) {
      if (previous->complete(run)) {
        writer.write(previous->record(run));
        ++report.runs_reused;
      } else {
        remaining.push_back(run);  // never run, or half-written: redone
      }
    }
    todo = std::move(remaining);
    previous.reset();
    std::error_code ec;
    fs::rename(writing_path, output_path, ec);
    if (ec) throw ResultsError("cannot replace " + output_path + ": " + ec.message());
    writer.rename(output_path);
    done = report.runs_reused;
  }

  // Runs in flight: enough to keep every thread busy, few enough to fit in memory.
  const std::size_t per_run = std::max<std::size_t>(1, estimate_run_memory(spec));
  const std::size_t fit = std::max<std::size_t>(1, memory_budget() / per_run);
  const std::size_t in_flight = std::min<std::size_t>({2 * threads, fit, std::max<std::size_t>(1, todo.size())});
  report.runs_in_flight = in_flight;
  tbb::concurrent_bounded_queue<std::unique_ptr<RunRecord>> queue;
  // Finished runs wait for the writer, which wakes every millisecond when idle: the queue must
  // hold a few milliseconds of short runs (or workers stall), within a quarter of the budget (a
  // run's memory estimate bounds its record).
  const std::size_t waiting = std::clamp<std::size_t>(memory_budget() / 4 / per_run, in_flight, 4096);
  queue.set_capacity(static_cast<std::ptrdiff_t>(options.queue_capacity ? options.queue_capacity : waiting));

  std::exception_ptr writer_error;
  double writer_seconds = 0;
  std::thread writer_thread([&] {
    try {
      // Flush every 0.25 s: each finished run is durable (and visible to SWMR readers) within a
      // quarter second, without paying a flush per run on sweeps of many small runs.
      constexpr auto kFlushInterval = std::chrono::milliseconds(250);
      auto last_flush = Clock::now();
      for (;;) {
        std::unique_ptr<RunRecord> record;
        if (!queue.try_pop(record)) {
          if (Clock::now() - last_flush >= kFlushInterval) {
            const auto t0 = Clock::now();
            writer.flush();
            writer_seconds += seconds_since(t0);
            last_flush = Clock::now();
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        if (!record) break;
        const auto t0 = Clock::now();
        writer.write(*record);
        if (Clock::now() - last_flush >= kFlushInterval) {
          writer.flush();
          last_flush = Clock::now();
        }
        writer_seconds += seconds_since(t0);
        ++done;
        if (options.on_progress) options.on_progress(done, report.runs);
      }
    } catch (...) {
      writer_error = std::current_exception();
      queue.abort();  // wakes workers blocked in push(); they throw tbb::user_abort
    }
  });

  std::exception_ptr worker_error;
  const std::size_t tick_rows = agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  try {
    if (options.farm) {
      options.farm(todo, [&](std::unique_ptr<RunRecord> record) { queue.push(std::move(record)); });
    } else {
      const agents::RunOptions run_options = spec.run_options();
      std::size_t next = 0;
      auto source = [&](tbb::flow_control& fc) -> std::size_t {
        if (next == todo.size()) {
          fc.stop();
          return 0;
        }
        return todo[next++];
      };
      auto compute = [&](std::size_t run) {  // in parallel, compression included
        queue.push(std::make_unique<RunRecord>(compute_run(spec, run, run_options, tick_rows)));
      };
      tbb::parallel_pipeline(in_flight, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
                                            tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, compute));
    }
  } catch (...) {
    worker_error = std::current_exception();
  }
  try {
    queue.push(nullptr);  // end of the sweep
  } catch (...) {
    // the queue was aborted by a failing writer; it has stopped already
  }
  writer_thread.join();
  if (writer_error) std::rethrow_exception(writer_error);
  if (worker_error) std::rethrow_exception(worker_error);
  const auto t0 = Clock::now();
  writer.finish(done);
  report.writer_seconds = writer_seconds + seconds_since(t0);
  report.runs_computed = todo.size();
  report.wall_seconds = seconds_since(start);
  return report;
}

void merge_shards(const std::vector<std::string>& inputs, const std::string& output_path) {
  check_output_path(output_path);
  if (inputs.empty()) throw UsageError("merge: no shard files given");
  std::vector<std::unique_ptr<ResultsReader>> shards;
  std::vector<std::size_t> shard_index;  // I of each input's I/N
  std::string experiment;
  std::size_t count = 0;
  std::vector<int> seen;
  for (const std::string& path : inputs) {
    auto reader = std::make_unique<ResultsReader>(path);
    const std::string text = reader->attribute("experiment").value_or("");
    const std::string shard = reader->attribute("shard").value_or("");
    const auto slash = shard.find('/');
    if (shard.empty() || slash == std::string::npos) {
      throw UsageError(path + ": not a shard file (it has no shard I/N; was it run with --shard?)");
    }
    const std::size_t index = std::stoul(shard.substr(0, slash));
    const std::size_t of = std::stoul(shard.substr(slash + 1));
    if (of == 0 || of > reader->run_count() + 1'000'000 || index >= of) {
      throw UsageError(path + ": has an invalid shard '" + shard + "'");
    }
    if (shards.empty()) {
      experiment = text;
      count = of;
      seen.assign(count, 0);
    } else if (text != experiment) {
      throw UsageError(path + ": is from a different experiment than " + inputs.front());
    } else if (of != count) {
      throw UsageError(path + ": is shard " + shard + " but " + inputs.front() + " is one of " + std::to_string(count));
    }
    if (index >= count || seen[index]++) throw UsageError(path + ": shard " + shard + " is given twice");
    if (!reader->finished()) throw UsageError(path + ": shard " + shard + " is incomplete (finish it with --resume)");
    for (std::size_t run = index; run < reader->run_count(); run += count) {
      if (!reader->complete(run)) throw UsageError(path + ": shard " + shard + " lacks run " + std::to_string(run));
    }
    shards.push_back(std::move(reader));
    shard_index.push_back(index);
  }
  for (std::size_t index = 0; index < count; ++index) {
    if (!seen[index]) {
      throw UsageError("merge: shard " + std::to_string(index) + "/" + std::to_string(count) + " is missing");
    }
  }
  const ExperimentSpec spec = parse_experiment(experiment, "<merged shards>");
  if (spec.resolved_text() != experiment) throw ResultsError("merge: the shards' experiment does not parse back");
  ResultsWriter writer(output_path, spec, 1);
  std::size_t written = 0;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    for (std::size_t run = shard_index[k]; run < shards[k]->run_count(); run += count) {
      writer.write(shards[k]->record(run));
      ++written;
    }
  }
  writer.finish(written);
}

}  // namespace orgsim::experiments
