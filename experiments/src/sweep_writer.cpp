// The sweep's writer thread: the only thread that touches the results file while runs compute.
#include "sweep.hpp"

namespace orgsim::experiments::sweep {

namespace {
/// Each finished run is durable (and visible to SWMR readers) within this time, without paying
/// a flush per run on sweeps of many small runs.
constexpr auto kFlushInterval = std::chrono::milliseconds(250);
/// How long the idle writer naps before it looks at the queue again (see loop()).
constexpr auto kNap = std::chrono::milliseconds(5);
}  // namespace

WriterThread::WriterThread(ResultsWriter& writer, Halt& halt, const RunnerOptions& options,
                           std::size_t done, std::size_t runs, std::size_t queue_capacity,
                           bool recycle)
    : writer_(writer), halt_(halt), options_(options), done_(done), runs_(runs), recycle_(recycle) {
  queue_.set_capacity(static_cast<std::ptrdiff_t>(queue_capacity));
  thread_ = std::thread([this] { loop(); });
}

WriterThread::~WriterThread() {
  if (thread_.joinable()) finish();
}

bool WriterThread::deliver(std::unique_ptr<RunRecord> record) {
  if (failed_.load()) return false;  // dropped: the sweep ends with the writer's error
  queue_.push(std::move(record));
  return true;
}

void WriterThread::free_written() {
  for (std::unique_ptr<RunRecord> record; written_.try_pop(record);) record.reset();
}

void WriterThread::finish() {
  queue_.push(nullptr);  // end of the sweep (a failed writer takes it too: it drains the queue)
  {
    // The end of the sweep wakes a napping writer at once rather than after its nap. Only the
    // writer and, once, this thread touch the lock: never a worker.
    const std::lock_guard lock(nap_lock_);
    sweep_ended_ = true;
  }
  nap_end_.notify_one();
  thread_.join();
}

void WriterThread::loop() {
  try {
    last_flush_ = Clock::now();
    for (;;) {
      halt_.poll();
      std::unique_ptr<RunRecord> record;
      if (!queue_.try_pop(record)) {
        if (Clock::now() - last_flush_ >= kFlushInterval) {
          const auto t0 = Clock::now();
          writer_.flush();
          seconds_ += seconds_since(t0);
          last_flush_ = Clock::now();
        }
        // Idle: nap, then write what came meanwhile in one go. Each wake-up takes a core from a
        // worker (2 workers and the writer on 2 cores), so fewer, longer visits cost the sweep
        // less (benchmarks/README.md, "The writer").
        std::unique_lock lock(nap_lock_);
        nap_end_.wait_for(lock, kNap, [&] { return sweep_ended_; });
        continue;
      }
      if (!record) break;  // the end: every finished run before it is written
      write_one(*record);
      if (options_.on_progress) options_.on_progress(done_, runs_);
      if (recycle_) written_.push(std::move(record));  // freed by a worker (free_written)
    }
  } catch (...) {
    error_ = std::current_exception();
    halt_.writer_failed();  // runs in flight stop at their next tick
    failed_.store(true);
    drain_after_failure();
  }
}

void WriterThread::write_one(const RunRecord& record) {
  const auto t0 = Clock::now();
  writer_.write(record);
  flush_if_due();
  seconds_ += seconds_since(t0);
  ++done_;
}

void WriterThread::flush_if_due() {
  if (Clock::now() - last_flush_ >= kFlushInterval) {
    writer_.flush();
    last_flush_ = Clock::now();
  }
}

void WriterThread::drain_after_failure() {
  // Keep taking runs off the queue, dropping them, until the end marker: a worker (or the farm)
  // pushing into a full queue would otherwise wait for ever. (queue.abort() would free only the
  // pushes already waiting, not one that starts after it, nor the end marker's.)
  try {
    for (std::unique_ptr<RunRecord> dropped;;) {
      queue_.pop(dropped);
      if (!dropped) break;
    }
  } catch (...) {
    // pop() throws only if the queue is aborted, which nothing does
  }
}

}  // namespace orgsim::experiments::sweep
