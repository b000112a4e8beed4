// The run farm and its writer thread.
#include "orgsim/experiments/runner.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/results.hpp"

#include <oneapi/tbb/concurrent_queue.h>

#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

namespace orgsim::experiments {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

void check_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw UsageError("the output path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(path + ": is a directory; give a file name such as " +
                     (fs::path(path) / "results.h5").string());
  }
  const fs::path parent = fs::absolute(fs::path(path), ec).parent_path();
  if (!fs::is_directory(parent, ec)) {
    throw UsageError(path + ": the directory " + parent.string() + " does not exist");
  }
}

SweepReport run_experiment(const ExperimentSpec& spec, const std::string& output_path,
                           const RunnerOptions& options) {
  check_output_path(output_path);
  const auto start = Clock::now();
  const std::vector<DesignPoint> points = design_points(spec);
  const std::size_t total = spec.run_count();
  const std::size_t replications = static_cast<std::size_t>(spec.replications);
  const std::size_t threads = options.threads ? options.threads : hardware_threads();
  const std::string temporary = output_path + ".partial-" + std::to_string(::getpid());

  SweepReport report;
  report.runs = total;
  try {
    ResultsWriter writer(temporary, spec, threads);
    tbb::concurrent_bounded_queue<std::unique_ptr<RunRecord>> queue;
    queue.set_capacity(static_cast<std::ptrdiff_t>(
        options.queue_capacity ? options.queue_capacity : 2 * threads));

    std::exception_ptr writer_error;
    double writer_seconds = 0;
    std::thread writer_thread([&] {
      std::size_t written = 0;
      try {
        for (;;) {
          std::unique_ptr<RunRecord> record;
          queue.pop(record);
          if (!record) break;
          const auto t0 = Clock::now();
          writer.write(*record);
          writer_seconds += seconds_since(t0);
          ++written;
          if (options.on_progress) options.on_progress(written, total);
        }
      } catch (...) {
        writer_error = std::current_exception();
        queue.abort();  // wakes workers blocked in push(); they throw tbb::user_abort
      }
    });

    std::exception_ptr worker_error;
    try {
      parallel_chunks(total, 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t run = begin; run < end; ++run) {
          const std::size_t point = run / replications;
          const std::size_t replication = run % replications;
          const auto t0 = Clock::now();
          auto record = std::make_unique<RunRecord>();
          record->run = run;
          record->design_point = point;
          record->replication = replication;
          record->outcome = agents::simulate(points[point].params, {spec.seed, replication},
                                             static_cast<Tick>(spec.ticks), spec.stop);
          record->wall_seconds = seconds_since(t0);
          queue.push(std::move(record));
        }
      });
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
    writer.finish();
    report.writer_seconds = writer_seconds + seconds_since(t0);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, output_path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw ResultsError("cannot move the results into " + output_path + ": " + ec.message());
  }
  report.wall_seconds = seconds_since(start);
  return report;
}

}  // namespace orgsim::experiments
