// The stages of a sweep (run_experiment, runner.cpp): the resume copy, the writer thread and the
// local farm, with the halt flag they share. Private to the experiments module.
#pragma once

#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"
#include "orgsim/experiments/writer_lock.hpp"

#include <oneapi/tbb/concurrent_queue.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orgsim::experiments::sweep {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Why a sweep stops early: a signal's number, copied from RunnerOptions::stop when polled (by
/// the writer thread every few milliseconds, and by the run source), or -1 when writing failed;
/// 0 while it runs. Once set, no run starts, and runs in flight end at their next tick and are
/// dropped (redone by --resume).
class Halt {
 public:
  explicit Halt(const std::atomic<int>* stop) : stop_(stop) {}
  /// Takes over a signal from the stop flag; true once the sweep is halted.
  bool poll() {
    if (stop_ && value_.load(std::memory_order_relaxed) == 0) {
      int none = 0;
      const int signal = stop_->load(std::memory_order_relaxed);
      if (signal != 0) value_.compare_exchange_strong(none, signal);
    }
    return halted();
  }
  /// Halts the sweep because writing failed (unless a signal halted it first).
  void writer_failed() {
    int none = 0;
    value_.compare_exchange_strong(none, -1);
  }
  [[nodiscard]] bool halted() const { return value_.load(std::memory_order_relaxed) != 0; }
  /// The signal's number, -1 (writing failed) or 0.
  [[nodiscard]] int value() const { return value_.load(); }
  /// The flag runs watch to end early (agents::RunOptions::abandon).
  [[nodiscard]] const std::atomic<int>* flag() const { return &value_; }

 private:
  const std::atomic<int>* stop_;
  std::atomic<int> value_{0};
};

/// Creates the results file at `path`, which `lock` guards. A file that cannot be created whole
/// (a full disk) is removed when `lock` is released. @throws OutputError
std::unique_ptr<ResultsWriter> create_writer(const ExperimentSpec& spec, const std::string& path,
                                             std::size_t threads, const std::optional<Shard>& shard,
                                             WriterLock& lock);

/// What the resume copy left to do.
struct ResumeCopy {
  std::size_t reused = 0;              ///< complete runs taken over from the interrupted file
  std::vector<std::size_t> remaining;  ///< runs still to compute (never run, or half-written)
  bool interrupted = false;  ///< halted while copying: the copy is gone, the file as it was
};

/// Opens the interrupted file at `output_path` to resume it (SWMR-read, so no manual h5clear),
/// checking it holds this experiment, shard and metrics. @throws UsageError otherwise
std::unique_ptr<ResultsReader> open_resumed(const ExperimentSpec& spec,
                                            const std::string& output_path,
                                            const std::optional<Shard>& shard);

/// Takes over the complete runs among `todo` of `previous` into `writer` (a fresh file at
/// `copy_path`), which then replaces `output_path`. `previous` is closed on return.
/// @throws OutputError when writing the copy fails (the copy is removed, the interrupted file
///         stays as it was, with its `previous_complete` runs)
ResumeCopy copy_complete_runs(std::unique_ptr<ResultsReader> previous,
                              std::unique_ptr<ResultsWriter>& writer,
                              const std::vector<std::size_t>& todo, Halt& halt,
                              const std::string& output_path, const std::string& copy_path,
                              std::size_t previous_complete);

/// Refuses (ResourceError), before anything is created or allocated, a sweep that cannot fit in
/// memory or (unless options.space_check is off) on the disk.
void check_resources_or_refuse(const ExperimentSpec& spec, const std::string& output_path,
                               const RunnerOptions& options, std::size_t runs_kept, bool resuming);

/// The writer thread: takes finished runs off a bounded queue and writes them, flushing every
/// quarter second. After a write fails it halts the sweep and drops what still arrives, so that
/// no producer waits for ever on a full queue.
class WriterThread {
 public:
  /// Starts the thread. `done` runs are already written (resumed); `runs` is the sweep's total
  /// (for progress). `recycle`: written records go back to the workers to be freed.
  WriterThread(ResultsWriter& writer, Halt& halt, const RunnerOptions& options, std::size_t done,
               std::size_t runs, std::size_t queue_capacity, bool recycle);
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  /// Queues a finished run (blocks while the queue is full).
  void push(std::unique_ptr<RunRecord> record) { queue_.push(std::move(record)); }
  /// Queues a finished run unless the writer has failed (then drops it and returns false).
  bool deliver(std::unique_ptr<RunRecord> record);
  /// Frees records already written (a worker calls it, so their memory returns to its cache).
  void free_written();
  /// Ends the sweep: returns once every queued run is written (or dropped after a failure).
  void finish();

  /// What failed in the writer thread, if anything.
  [[nodiscard]] std::exception_ptr error() const { return error_; }
  /// Runs written, resumed ones included.
  [[nodiscard]] std::size_t done() const { return done_; }
  /// Time spent in HDF5 calls.
  [[nodiscard]] double seconds() const { return seconds_; }

 private:
  void loop();
  void write_one(const RunRecord& record);
  void flush_if_due();
  void drain_after_failure();

  ResultsWriter& writer_;
  Halt& halt_;
  const RunnerOptions& options_;
  std::size_t done_;
  std::size_t runs_;
  bool recycle_;
  tbb::concurrent_bounded_queue<std::unique_ptr<RunRecord>> queue_;
  tbb::concurrent_queue<std::unique_ptr<RunRecord>> written_;
  Clock::time_point last_flush_ = Clock::now();
  std::mutex nap_lock_;
  std::condition_variable nap_end_;
  bool sweep_ended_ = false;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};  ///< the farm then hands out no more runs
  double seconds_ = 0;
  std::thread thread_;
};

/// The local TBB farm: computes `todo` with up to `in_flight` runs at once (compression
/// included) and queues each finished run for `writer`, until done or halted.
void run_local_farm(const ExperimentSpec& spec, const std::vector<std::size_t>& todo,
                    std::size_t in_flight, Halt& halt, WriterThread& writer);

}  // namespace orgsim::experiments::sweep
