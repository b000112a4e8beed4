// The run farm, its writer thread, resume and shard merging.
#include "orgsim/experiments/runner.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace orgsim::experiments {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Benchmarked throughput per core (benchmarks/README.md): used for time estimates only.
constexpr double kCoreEmployeeTicksPerSecond = 5.0e6;  // BM_Tick, 100k employees, 1 thread: 5.9-6.1 M
constexpr double kFullEmployeeTicksPerSecond = 2.0e6;  // BM_FullTick, 100k employees, 1 thread: 2.3 M

std::size_t bytes_per_employee(const agents::ModelParams& p) {
  const std::size_t m = static_cast<std::size_t>(p.learning.dimensions);
  std::size_t bytes = 2 * m + 50;  // beliefs, actions, scalar state
  if (p.structure.enabled) bytes += m + 8 + 12 * static_cast<std::size_t>(p.structure.ties_per_employee);
  bytes += 4 * (static_cast<std::size_t>(p.structure.functions) + 1);
  return bytes;
}

}  // namespace

std::size_t estimate_run_memory(const ExperimentSpec& spec) {
  std::size_t largest = 0;
  const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 1000);
  for (std::size_t point = 0; point < points; ++point) {
    const agents::ModelParams p = spec.params_at(point);
    const auto employees = static_cast<std::size_t>(std::max(p.org.employees, p.growth.enabled ? p.growth.target_employees : 0));
    largest = std::max(largest, employees * bytes_per_employee(p));
  }
  const std::size_t rows = agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  std::size_t snapshots = 0;
  if (spec.snapshots.every > 0) {
    const std::size_t count = agents::recorded_rows(static_cast<Tick>(spec.ticks), spec.snapshots.every);
    snapshots = count * spec.snapshots.agents *
                (spec.snapshots.fields.size() * sizeof(double) + static_cast<std::size_t>(spec.scenario.learning.dimensions));
  }
  return largest + rows * agents::metric_table().size() * sizeof(double) + snapshots + 64 * 1024;
}

double estimate_cpu_seconds(const ExperimentSpec& spec) {
  const agents::ModelParams p = spec.params_at(0);
  const bool full = p.structure.enabled || p.work.enabled || p.people.enabled;
  const double per_second = full ? kFullEmployeeTicksPerSecond : kCoreEmployeeTicksPerSecond;
  return static_cast<double>(spec.run_count()) * static_cast<double>(spec.ticks) *
         static_cast<double>(std::max<std::int64_t>(p.org.employees, 1)) / per_second;
}

namespace {
/// A number from the first line of a file ("max" or unreadable: nullopt).
std::optional<std::uint64_t> read_number(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word.empty() || word.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(word);
}

/// The cgroup's memory still free to this process (v2 memory.max - memory.current, or v1).
std::optional<std::uint64_t> cgroup_memory_left() {
  std::ifstream self("/proc/self/cgroup");
  for (std::string line; std::getline(self, line);) {
    if (line.rfind("0::", 0) == 0) {  // cgroup v2: "0::/path"
      const std::string dir = "/sys/fs/cgroup" + line.substr(3);
      const auto limit = read_number(dir + "/memory.max");
      const auto used = read_number(dir + "/memory.current");
      if (limit) return *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
      return std::nullopt;
    }
  }
  const auto limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const auto used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit && *limit < (std::uint64_t{1} << 60)) return *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
  return std::nullopt;
}

std::string gigabytes(std::uintmax_t bytes) {
  char text[48];
  if (bytes >= 1'000'000'000) {
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return text;
}

// Measured (2026-12-02, deflate_rows): /metrics of default-size full-model runs compress to 57 %
// of their 8-byte values (51 KB for 261 rows x 43 metrics; docs/cluster.md). Runs with submodels
// off compress better (their NaN and constant columns become references: 14 % for March's core),
// so the estimate errs high for them.
constexpr double kMetricsCompression = 0.60;
}  // namespace

std::size_t available_memory() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    std::uint64_t kilobytes = 0;
    meminfo >> kilobytes;
    if (key == "MemAvailable:") {
      available = kilobytes * 1024;
      break;
    }
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  if (available == 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    available = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                      : std::uint64_t{2} << 30;
  }
  if (const auto left = cgroup_memory_left()) available = std::min(available, *left);
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    available = std::min<std::uint64_t>(available, limit.rlim_cur);
  }
  return static_cast<std::size_t>(available);
}

std::size_t memory_budget() { return available_memory() / 2; }

std::uintmax_t estimate_results_bytes(const ExperimentSpec& spec, std::size_t runs) {
  const auto ticks = static_cast<Tick>(spec.ticks);
  const bool may_stop_early = spec.stop != agents::StopRule::none;
  std::size_t rows = agents::recorded_rows(ticks, static_cast<Tick>(spec.record_every));
  if (may_stop_early) rows = metrics_rows_per_chunk(rows);  // at least one chunk
  const double metrics = static_cast<double>(rows * agents::metric_table().size() * sizeof(double)) * kMetricsCompression;
  double snapshots = 0;
  if (spec.snapshots.every > 0) {
    std::size_t count = agents::recorded_rows(ticks, spec.snapshots.every);
    if (may_stop_early) count = std::min<std::size_t>(count, 2);
    snapshots = kMetricsCompression * static_cast<double>(count * spec.snapshots.agents) *
                static_cast<double>(spec.snapshots.fields.size() * sizeof(double) +
                                    static_cast<std::size_t>(spec.scenario.learning.dimensions));
  }
  const double table_rows = 64.0 + 16.0 * static_cast<double>(spec.design.parameters.size());  // /runs, /run_info, index
  const double bytes = static_cast<double>(runs) * (metrics + snapshots + table_rows) + 256.0 * 1024;
  constexpr auto most = static_cast<double>(std::numeric_limits<std::uintmax_t>::max() / 2);
  return static_cast<std::uintmax_t>(std::min(bytes, most));  // 10^12 runs of 10^7 ticks overflow 64 bits
}

ResourceCheck check_resources(const ExperimentSpec& spec, const std::string& output_path,
                              const std::optional<Shard>& shard, std::size_t runs_kept, std::uintmax_t kept_bytes) {
  namespace fs = std::filesystem;
  ResourceCheck check;
  check.run_memory = estimate_run_memory(spec);
  check.available_memory = available_memory();
  if (check.run_memory > check.available_memory) {
    check.memory_ok = false;
    check.memory_message = "the experiment's largest run needs an estimated " + gigabytes(check.run_memory) +
                           " of memory, but this machine has " + gigabytes(check.available_memory) +
                           " available; use fewer employees (org.employees, growth.target_employees) or fewer "
                           "dimensions (learning.dimensions)";
  }
  const std::size_t count = shard.value_or(Shard{}).runs_of(spec.run_count());
  const std::uintmax_t all = estimate_results_bytes(spec, count);
  // Resuming writes the kept runs into a fresh copy while the old file still exists; once it
  // replaces the old one, the rest is written.
  const std::uintmax_t rest = count > runs_kept ? estimate_results_bytes(spec, count - runs_kept) : 0;
  check.results_bytes = runs_kept > 0 ? std::max(kept_bytes, rest) : all;
  std::error_code ec;
  const fs::path parent = fs::absolute(fs::path(output_path), ec).parent_path();
  struct statvfs disk{};
  if (::statvfs(parent.c_str(), &disk) != 0) return check;  // unknown: not refused
  check.free_disk = static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize;
  // An existing output that is replaced gives its space back (only after it is unlinked, but a
  // finished file is replaced as the new one is created).
  std::uintmax_t replaced = 0;
  if (runs_kept == 0 && fs::is_regular_file(output_path, ec)) replaced = fs::file_size(output_path, ec);
  if (check.results_bytes > check.free_disk + replaced) {
    check.disk_ok = false;
    check.disk_message = output_path + ": the results need an estimated " + gigabytes(check.results_bytes) +
                         " but its file system has " + gigabytes(check.free_disk) +
                         " free; free space, choose another -o, record less (output.every, output.snapshots), "
                         "or add --no-space-check if the estimate is too high";
  }
  return check;
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
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(path + ": cannot write in " + parent.string() + " (" + std::strerror(errno) + ")");
  }
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) {
    throw UsageError(path + ": cannot be overwritten (" + std::strerror(errno) + ")");
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
  compress_record(record, tick_rows);
  return record;
}

namespace {

/// Complete runs in a closed results file (what --resume would keep).
std::size_t count_complete(const std::string& path) {
  try {
    ResultsReader reader(path);
    std::size_t complete = 0;
    for (std::size_t run = 0; run < reader.run_count(); ++run) complete += reader.complete(run) ? 1 : 0;
    return complete;
  } catch (const Error&) {
    return 0;
  }
}

/// How two lists of metric metadata differ, first difference only ("" when they are equal).
std::string metric_info_difference(std::span<const MetricInfo> ours, std::span<const MetricInfo> theirs) {
  if (ours.size() != theirs.size()) return fmt::format("{} metrics, not {}", theirs.size(), ours.size());
  for (std::size_t k = 0; k < ours.size(); ++k) {
    const MetricInfo& a = ours[k];
    const MetricInfo& b = theirs[k];
    const auto field = [&](const char* name, const std::string& x, const std::string& y) {
      return x == y ? std::string() : fmt::format("metric {} ({}): {} '{}', not '{}'", k, a.name, name, y, x);
    };
    for (const std::string& difference :
         {field("name", a.name, b.name), field("category", a.category, b.category), field("unit", a.unit, b.unit),
          field("label", a.label, b.label), field("help", a.help, b.help),
          field("better", std::string(better_name(a.better)), std::string(better_name(b.better))),
          field("headline", a.headline ? "yes" : "no", b.headline ? "yes" : "no")}) {
      if (!difference.empty()) return difference;
    }
  }
  return "";
}

}  // namespace

SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path, const RunnerOptions& options) {
  namespace fs = std::filesystem;
  check_output_path(output_path);
  const auto start = Clock::now();
  const std::size_t total = spec.run_count();
  const std::size_t threads = options.threads ? options.threads : hardware_threads();
  const Shard shard = options.shard.value_or(Shard{});

  SweepReport report;
  report.runs = shard.runs_of(total);

  // Resume: take over the complete runs of the interrupted file (opened SWMR-read, so no manual
  // h5clear), written into a fresh file that replaces it; then run the rest.
  std::unique_ptr<ResultsReader> previous;
  std::string writing_path = output_path;
  std::size_t previous_complete = 0;
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
    const std::string other_metrics = metric_info_difference(agents::metric_table(), previous->metric_info());
    if (!other_metrics.empty()) {
      throw UsageError(output_path + ": was written by a build with other metrics (" + other_metrics +
                       "); resume it with that build");
    }
    for (std::size_t run = shard.index; run < total; run += shard.count) {
      previous_complete += previous->complete(run) ? 1 : 0;
    }
    writing_path = output_path + ".resume-" + std::to_string(::getpid());
  }
  // Before anything is created or allocated: refuse what cannot fit in memory or on the disk.
  {
    std::uintmax_t kept_bytes = 0;
    std::error_code ec;
    if (previous) kept_bytes = fs::file_size(output_path, ec);
    const ResourceCheck check = check_resources(spec, output_path, options.shard, previous_complete, kept_bytes);
    if (!check.memory_ok) throw ResourceError(check.memory_message);
    if (!check.disk_ok && options.space_check) throw ResourceError(check.disk_message);
  }
  std::vector<std::size_t> todo;
  todo.reserve(report.runs);
  for (std::size_t run = shard.index; run < total; run += shard.count) todo.push_back(run);

  // Set to the signal number when the sweep is interrupted (copied from options.stop by the
  // writer thread, which polls every few milliseconds, and by the run source), or to -1 when writing fails: no run starts after that, and runs in flight end
  // at their next tick and are dropped.
  std::atomic<int> halt{0};
  const auto poll_stop = [&] {
    if (options.stop && halt.load(std::memory_order_relaxed) == 0) {
      int none = 0;
      const int signal = options.stop->load(std::memory_order_relaxed);
      if (signal != 0) halt.compare_exchange_strong(none, signal);
    }
    return halt.load(std::memory_order_relaxed) != 0;
  };

  auto writer = std::make_unique<ResultsWriter>(writing_path, spec, threads, options.shard);
  std::size_t done = 0;
  if (previous) {
    std::vector<std::size_t> remaining;
    try {
      for (std::size_t run : todo) {
        if (poll_stop()) break;
        if (previous->complete(run)) {
          writer->write(previous->record(run));
          ++report.runs_reused;
        } else {
          remaining.push_back(run);  // never run, or half-written: redone
        }
      }
    } catch (const OutputError& e) {
      // The interrupted file is untouched: drop the copy, keep it.
      writer.reset();
      previous.reset();
      std::error_code ec;
      fs::remove(writing_path, ec);
      throw OutputError(output_path, e.disk_full(), previous_complete, e.what());
    }
    previous.reset();
    if (halt.load() != 0) {  // interrupted while copying: the interrupted file stays as it was
      writer.reset();
      std::error_code ec;
      fs::remove(writing_path, ec);
      report.interrupted_by = halt.load();
      report.runs_complete = previous_complete;
      report.wall_seconds = seconds_since(start);
      return report;
    }
    todo = std::move(remaining);
    std::error_code ec;
    fs::rename(writing_path, output_path, ec);
    if (ec) throw ResultsError("cannot replace " + output_path + ": " + ec.message());
    writer->rename(output_path);
    done = report.runs_reused;
  }

  // Runs in flight: enough to keep every thread busy, few enough to fit in memory.
  const std::size_t per_run = std::max<std::size_t>(1, estimate_run_memory(spec));
  const std::size_t fit = std::max<std::size_t>(1, memory_budget() / per_run);
  const std::size_t in_flight = std::min<std::size_t>({2 * threads, fit, std::max<std::size_t>(1, todo.size())});
  report.runs_in_flight = in_flight;
  tbb::concurrent_bounded_queue<std::unique_ptr<RunRecord>> queue;
  // Finished runs wait for the writer, which wakes every 5 ms when idle: the queue must
  // hold a few milliseconds of short runs (or workers stall), within a quarter of the budget (a
  // run's memory estimate bounds its record).
  const std::size_t waiting = std::clamp<std::size_t>(memory_budget() / 4 / per_run, in_flight, 4096);
  queue.set_capacity(static_cast<std::ptrdiff_t>(options.queue_capacity ? options.queue_capacity : waiting));

  // Written runs go back to the workers to be freed: memory is then released by a thread that
  // allocates the same sizes again (glibc keeps it in that thread's cache, without a lock), not
  // by the writer into the workers' arenas, under their locks (Figure 1's 21,000 runs/s: the
  // results' share of the sweep 6.5% -> 5.3% in one window, benchmarks/README.md).
  tbb::concurrent_queue<std::unique_ptr<RunRecord>> written;
  const auto free_written = [&written] {
    for (std::unique_ptr<RunRecord> record; written.try_pop(record);) record.reset();
  };
  // The end of the sweep wakes a napping writer at once rather than after its nap (up to 5 ms, 1.5% of
  // a 0.3 s sweep). Only the writer and, once, this thread touch the lock: never a worker.
  std::mutex nap_lock;
  std::condition_variable nap_end;
  bool sweep_ended = false;
  std::exception_ptr writer_error;
  std::atomic<bool> writer_failed{false};  ///< the farm then hands out no more runs
  double writer_seconds = 0;
  std::thread writer_thread([&] {
    try {
      // Flush every 0.25 s: each finished run is durable (and visible to SWMR readers) within a
      // quarter second, without paying a flush per run on sweeps of many small runs.
      constexpr auto kFlushInterval = std::chrono::milliseconds(250);
      auto last_flush = Clock::now();
      for (;;) {
        poll_stop();
        std::unique_ptr<RunRecord> record;
        if (!queue.try_pop(record)) {
          if (Clock::now() - last_flush >= kFlushInterval) {
            const auto t0 = Clock::now();
            writer->flush();
            writer_seconds += seconds_since(t0);
            last_flush = Clock::now();
          }
          // Idle: nap, then write what came meanwhile in one go. Each wake-up takes a core from a
          // worker (2 workers and the writer on 2 cores), so fewer, longer visits cost the sweep
          // less: 5 ms rather than 1 ms took 2% off 10,000 runs of 5,000 employee-ticks.
          std::unique_lock lock(nap_lock);
          nap_end.wait_for(lock, std::chrono::milliseconds(5), [&] { return sweep_ended; });
          continue;
        }
        if (!record) break;  // the end: every finished run before it is written
        const auto t0 = Clock::now();
        writer->write(*record);
        if (Clock::now() - last_flush >= kFlushInterval) {
          writer->flush();
          last_flush = Clock::now();
        }
        writer_seconds += seconds_since(t0);
        ++done;
        if (options.on_progress) options.on_progress(done, report.runs);
        if (!options.farm) written.push(std::move(record));  // freed by a worker (below)
      }
    } catch (...) {
      writer_error = std::current_exception();
      int none = 0;
      halt.compare_exchange_strong(none, -1);  // runs in flight stop at their next tick
      writer_failed.store(true);
      // Keep taking runs off the queue, dropping them, until the end marker: a worker (or the
      // farm) pushing into a full queue would otherwise wait for ever. (queue.abort() would free
      // only the pushes already waiting, not one that starts after it, nor the end marker's.)
      try {
        for (std::unique_ptr<RunRecord> dropped;;) {
          queue.pop(dropped);
          if (!dropped) break;
        }
      } catch (...) {
        // pop() throws only if the queue is aborted, which nothing does
      }
    }
  });

  std::exception_ptr worker_error;
  const std::size_t tick_rows = agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  try {
    if (options.farm) {
      options.farm(todo, [&](std::unique_ptr<RunRecord> record) {
        if (writer_failed.load()) return false;  // dropped: the sweep ends with the writer's error
        queue.push(std::move(record));
        return true;
      });
    } else {
      agents::RunOptions run_options = spec.run_options();
      run_options.abandon = &halt;
      std::size_t next = 0;
      auto source = [&](tbb::flow_control& fc) -> std::size_t {
        if (next == todo.size() || poll_stop()) {
          fc.stop();
          return 0;
        }
        return todo[next++];
      };
      auto compute = [&](std::size_t run) {  // in parallel, compression included
        free_written();
        auto record = std::make_unique<RunRecord>(compute_run(spec, run, run_options, tick_rows));
        if (halt.load(std::memory_order_relaxed) != 0) return;  // possibly cut short: redone on resume
        queue.push(std::move(record));
      };
      tbb::parallel_pipeline(in_flight, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
                                            tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, compute));
    }
  } catch (...) {
    worker_error = std::current_exception();
  }
  queue.push(nullptr);  // end of the sweep (a failed writer takes it too: it drains the queue)
  {
    const std::lock_guard lock(nap_lock);
    sweep_ended = true;
  }
  nap_end.notify_one();
  writer_thread.join();
  const auto t0 = Clock::now();
  if (writer_error) {
    try {
      std::rethrow_exception(writer_error);
    } catch (const OutputError& e) {
      writer.reset();  // the frozen file is closed; count what reached the disk
      throw OutputError(output_path, e.disk_full(), count_complete(output_path), e.what());
    }
  }
  if (worker_error) std::rethrow_exception(worker_error);
  report.runs_computed = done - report.runs_reused;
  if (halt.load() > 0 && done < report.runs) {  // interrupted: finished runs are written, the file is not finished
    writer->close();
    writer.reset();
    report.interrupted_by = halt.load();
    report.runs_complete = count_complete(output_path);
  } else {
    writer->finish(done);
    report.runs_complete = done;
  }
  report.writer_seconds = writer_seconds + seconds_since(t0);
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
    } else if (const std::string other = metric_info_difference(shards.front()->metric_info(), reader->metric_info());
               !other.empty()) {
      throw UsageError(path + ": has other metric metadata than " + inputs.front() + " (" + other + ")");
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
  ResultsWriter writer(output_path, spec, 1, std::nullopt, shards.front()->metric_info());
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
