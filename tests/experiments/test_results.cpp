// The results store: a sweep written by the runner reads back through ResultsReader.
#include "orgsim/agents/model.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

namespace orgsim::experiments {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("orgsim-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

TEST(Results, SweepRoundTripsThroughTheReader) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 12\nreplications = 3\nseed = 4\n[scenario]\norg.employees = 30\n"
      "[sweep.grid]\nlearning.socialization_rate = [0.2, 0.8]\n",
      "rt.toml");
  const fs::path out = temp_file("roundtrip.h5");
  std::size_t progress_calls = 0;
  RunnerOptions options;
  options.on_progress = [&](std::size_t, std::size_t total) {
    ++progress_calls;
    EXPECT_EQ(total, 6u);
  };
  const SweepReport report = run_experiment(spec, out.string(), options);
  EXPECT_EQ(report.runs, 6u);
  EXPECT_EQ(progress_calls, 6u);

  ResultsReader reader(out.string());
  EXPECT_EQ(reader.run_count(), 6u);
  EXPECT_EQ(reader.tick_rows(), 13u);
  EXPECT_EQ(reader.metric_names().front(), "strategic_fit");
  EXPECT_EQ(reader.parameter_columns(), std::vector<std::string>{"learning.socialization_rate"});
  const RunColumn* rate = reader.run_column("learning.socialization_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_DOUBLE_EQ(rate->numbers[0], 0.2);
  EXPECT_DOUBLE_EQ(rate->numbers[5], 0.8);
  EXPECT_EQ(reader.run_column("replication")->numbers[4], 1.0);
  EXPECT_EQ(reader.run_column("status")->numbers[2], 1.0);
  EXPECT_EQ(reader.run_column("seed")->numbers[2], 4.0);
  EXPECT_EQ(reader.attribute("experiment_name"), "rt");
  EXPECT_TRUE(reader.attribute("git_revision").has_value());

  // The stored rows equal a direct simulation of the same run.
  const auto points = design_points(spec);
  const auto direct = agents::simulate(points[1].params, {4, 2}, 12, agents::StopRule::none);
  const auto stored = reader.run_metrics(5);
  ASSERT_EQ(stored.size(), direct.metrics.values().size());
  // Bitwise: metrics of switched-off submodels are NaN on both sides.
  EXPECT_EQ(
      std::memcmp(stored.data(), direct.metrics.values().data(), stored.size() * sizeof(double)),
      0);
  const auto last = reader.final_row(5);
  EXPECT_EQ(std::memcmp(last.data(), direct.metrics.row(12).data(), last.size() * sizeof(double)),
            0);
  fs::remove_all(out.parent_path());
}

TEST(Results, EarlyStoppedRunsAreNanAfterTheirLastTick) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 3000\nstop = \"equilibrium\"\n[scenario]\nlearning.socialization_rate "
      "= 0.9\n",
      "stop.toml");
  const fs::path out = temp_file("stop.h5");
  run_experiment(spec, out.string());
  ResultsReader reader(out.string());
  const double ticks_run = reader.run_column("ticks_run")->numbers[0];
  ASSERT_LT(ticks_run, 3000);
  const auto rows = reader.run_metrics(0);
  const std::size_t width = reader.metric_names().size();
  EXPECT_FALSE(std::isnan(rows[static_cast<std::size_t>(ticks_run) * width]));
  EXPECT_TRUE(std::isnan(rows[(static_cast<std::size_t>(ticks_run) + 1) * width]));
  EXPECT_EQ(reader.final_row(0)[0], rows[static_cast<std::size_t>(ticks_run) * width]);
  fs::remove_all(out.parent_path());
}

TEST(Results, OnlyChunksWithRecordedRowsAreCompressed) {
  MetricTable rows(agents::metric_table().size());
  std::vector<double> row(agents::metric_table().size(), 1.0);
  for (int r = 0; r < 10; ++r) rows.append(row);
  const std::size_t per_chunk = metrics_rows_per_chunk(100000);
  EXPECT_LT(per_chunk, 100000u);
  EXPECT_EQ(compress_metrics(rows, 100000).size(),
            1u);  // the rest reads back as the NaN fill value
  EXPECT_EQ(compress_metrics(rows, 10).size(), 1u);
}

TEST(Results, ReaderRejectsFilesThatAreNotOrgsimResults) {
  const fs::path text = temp_file("not.h5");
  std::ofstream(text) << "hello";
  EXPECT_THROW(ResultsReader(text.string()), ResultsError);
  EXPECT_THROW(ResultsReader("/nonexistent.h5"), ResultsError);
  fs::remove_all(text.parent_path());
}

TEST(Results, OutputPathMustBeAFileInAnExistingDirectory) {
  EXPECT_THROW(check_output_path(fs::temp_directory_path().string()), UsageError);
  EXPECT_THROW(check_output_path("/nonexistent-dir/x.h5"), UsageError);
  EXPECT_NO_THROW(check_output_path((fs::temp_directory_path() / "fine.h5").string()));
}

TEST(Results, AStopFlagSetMidSweepKeepsTheWrittenRunsAndResumesIdentically) {
  const std::string text =
      "[experiment]\nticks = 30\nreplications = 20\nseed = 9\n[scenario]\norg.employees = 3000\n"
      "learning.turnover_rate = 0.05\n";
  const auto spec = parse_experiment(text, "stop.toml");
  const fs::path reference = temp_file("reference.h5");
  run_experiment(spec, reference.string());

  const fs::path out = temp_file("stopped.h5");
  std::atomic<int> stop{0};
  RunnerOptions options;
  options.threads = 2;
  options.stop = &stop;
  options.on_progress = [&](std::size_t done, std::size_t) {
    if (done == 3) stop.store(15);  // as a SIGTERM handler would
  };
  const SweepReport report = run_experiment(spec, out.string(), options);
  EXPECT_EQ(report.interrupted_by, 15);
  EXPECT_GE(report.runs_complete, 3u);
  EXPECT_LT(report.runs_complete, 20u);
  {
    ResultsReader reader(out.string());
    EXPECT_FALSE(reader.finished());
    std::size_t complete = 0;
    for (std::size_t run = 0; run < reader.run_count(); ++run)
      complete += reader.complete(run) ? 1 : 0;
    EXPECT_EQ(complete, report.runs_complete);
  }
  RunnerOptions resume;
  resume.resume = true;
  const SweepReport resumed = run_experiment(spec, out.string(), resume);
  EXPECT_EQ(resumed.runs_reused, report.runs_complete);
  EXPECT_EQ(resumed.interrupted_by, 0);
  ResultsReader a(reference.string());
  ResultsReader b(out.string());
  EXPECT_TRUE(b.finished());
  for (std::size_t run = 0; run < 20; ++run) {
    const auto x = a.run_metrics(run);
    const auto y = b.run_metrics(run);
    ASSERT_EQ(x.size(), y.size());
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0)
        << "run " << run;  // NaN-aware
  }
  fs::remove_all(out.parent_path());
}

TEST(Results, AStopFlagSetBeforeTheStartWritesAnEmptyClosedFile) {
  const auto spec = parse_experiment("[experiment]\nticks = 5\nreplications = 4\n", "early.toml");
  const fs::path out = temp_file("early.h5");
  std::atomic<int> stop{2};
  RunnerOptions options;
  options.stop = &stop;
  const SweepReport report = run_experiment(spec, out.string(), options);
  EXPECT_EQ(report.interrupted_by, 2);
  EXPECT_EQ(report.runs_complete, 0u);
  EXPECT_EQ(report.runs_computed, 0u);
  ResultsReader reader(out.string());
  EXPECT_FALSE(reader.complete(0));
  fs::remove_all(out.parent_path());
}

TEST(Results, AnAbandonFlagEndsARunAfterTheTickInProgress) {
  agents::RunOptions options;
  options.max_ticks = 50;
  std::atomic<int> abandon{1};
  options.abandon = &abandon;
  const auto outcome = agents::simulate(agents::ModelParams{}, {1, 0}, options);
  EXPECT_EQ(outcome.ticks_run, 1);
}

TEST(Results, ARunTooBigForMemoryIsRefusedBeforeTheFileIsCreated) {
  const auto spec = parse_experiment(
      "[experiment]\n[scenario]\norg.employees = 100000000\nlearning.dimensions = 1024\n",
      "big.toml");
  const fs::path out = temp_file("big.h5");
  const ResourceCheck check = check_resources(spec, out.string());
  EXPECT_FALSE(check.memory_ok);
  EXPECT_GT(check.run_memory,
            std::size_t{200'000'000'000});  // about 2 KB for each of 10^8 employees
  EXPECT_NE(check.memory_message.find("available"), std::string::npos);
  EXPECT_THROW(run_experiment(spec, out.string()), ResourceError);
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(out.parent_path());
}

/// Runs `sweep` on a thread of its own; a sweep that has not returned after `limit` is a hang:
/// reported, then the process exits (a stuck thread cannot be joined).
template <typename Sweep>
void expect_returns_within(std::chrono::seconds limit, Sweep sweep) {
  auto finished = std::make_shared<std::promise<void>>();
  std::future<void> done = finished->get_future();
  std::thread([finished, sweep]() mutable {
    sweep();
    finished->set_value();
  }).detach();
  if (done.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "the sweep hung (no return within " << limit.count() << " s)";
    std::fflush(nullptr);
    std::_Exit(1);
  }
}

TEST(Results, AWriterFailingWhileTheQueueIsFullEndsTheSweepWithItsError) {
  // The writer stalls (workers fill the two-run queue and block in push), then fails: it must
  // keep draining the queue so that the workers and the end marker get through, and the sweep
  // must end with the writer's error, not hang.
  const auto spec = parse_experiment(
      "[experiment]\nticks = 5\nreplications = 400\n[scenario]\norg.employees = 10\n",
      "stall.toml");
  const fs::path out = temp_file("stall.h5");
  for (std::size_t capacity : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    expect_returns_within(std::chrono::seconds(60), [&] {
      RunnerOptions options;
      options.threads = 2;
      options.queue_capacity = capacity;
      options.on_progress = [](std::size_t done, std::size_t) {
        if (done == 5) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the queue fills meanwhile
          throw std::runtime_error("the disk stalled, then failed");
        }
      };
      try {
        run_experiment(spec, out.string(), options);
        ADD_FAILURE() << "the sweep returned normally";
      } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "the disk stalled, then failed");
      }
    });
  }
  ResultsReader reader(out.string());  // closed, readable, and not marked finished
  EXPECT_FALSE(reader.finished());
  fs::remove_all(out.parent_path());
}

TEST(Results, AFarmIsToldToStopOnceTheWriterHasFailed) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 5\nreplications = 200\n[scenario]\norg.employees = 10\n", "farm.toml");
  const fs::path out = temp_file("farm.h5");
  std::size_t delivered = 0, refused = 0;
  expect_returns_within(std::chrono::seconds(60), [&] {
    RunnerOptions options;
    options.queue_capacity = 1;
    options.on_progress = [](std::size_t done, std::size_t) {
      if (done == 3) throw std::runtime_error("write failed");
    };
    // A farm as the MPI one behaves: computes runs and hands them over until deliver refuses.
    options.farm = [&](const std::vector<std::size_t>& todo,
                       const std::function<bool(std::unique_ptr<RunRecord>)>& deliver) {
      const auto tick_rows = agents::recorded_rows(static_cast<Tick>(spec.ticks),
                                                   static_cast<Tick>(spec.record_every));
      for (std::size_t run : todo) {
        if (!deliver(std::make_unique<RunRecord>(
                compute_run(spec, run, spec.run_options(), tick_rows)))) {
          ++refused;
          return;
        }
        ++delivered;
      }
    };
    EXPECT_THROW(run_experiment(spec, out.string(), options), std::runtime_error);
  });
  EXPECT_EQ(refused, 1u);
  EXPECT_GE(delivered, 3u);
  EXPECT_LT(delivered, 200u);
  fs::remove_all(out.parent_path());
}

TEST(Results, ARecordWhoseRowsDoNotFitIsRefusedBeforeAnythingIsWritten) {
  const auto spec = parse_experiment("[experiment]\nticks = 12\nreplications = 2\n", "fit.toml");
  const fs::path out = temp_file("fit.h5");
  const auto tick_rows = agents::recorded_rows(12, 1);
  {
    ResultsWriter writer(out.string(), spec, 1);
    writer.write(compute_run(spec, 0, spec.run_options(), tick_rows));
    RunRecord bad = compute_run(spec, 1, spec.run_options(), tick_rows);
    bad.compressed_rows = tick_rows + 1;  // more rows than a run has
    EXPECT_THROW(writer.write(bad), ResultsError);
    bad.compressed_rows = tick_rows;
    bad.chunks.push_back(bad.chunks.front());  // a chunk too many
    EXPECT_THROW(writer.write(bad), ResultsError);
    writer.finish(1);
  }
  ResultsReader reader(out.string());
  EXPECT_TRUE(reader.complete(0));
  EXPECT_FALSE(reader.complete(1));
  fs::remove_all(out.parent_path());
}

TEST(Results, ResultsEstimateCountsRowsAndRuns) {
  const auto spec = parse_experiment("[experiment]\nticks = 260\nreplications = 10\n", "est.toml");
  const auto ten = estimate_results_bytes(spec, 10);
  const auto twenty = estimate_results_bytes(spec, 20);
  // 261 rows x every metric x 8 bytes x 0.60 per run, plus a fixed overhead.
  const auto metrics = static_cast<double>(agents::metric_table().size());
  EXPECT_NEAR(static_cast<double>(twenty - ten) / 10, 261.0 * metrics * 8 * 0.60, 200.0);
  const auto stopping =
      parse_experiment("[experiment]\nticks = 260\nstop = \"equilibrium\"\n", "eq.toml");
  EXPECT_LT(estimate_results_bytes(stopping, 10),
            ten);  // runs that may stop early count as one chunk
}

}  // namespace
}  // namespace orgsim::experiments
