// The results store: a sweep written by the runner reads back through ResultsReader.
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

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
  EXPECT_EQ(std::memcmp(stored.data(), direct.metrics.values().data(), stored.size() * sizeof(double)), 0);
  const auto last = reader.final_row(5);
  EXPECT_EQ(std::memcmp(last.data(), direct.metrics.row(12).data(), last.size() * sizeof(double)), 0);
  fs::remove_all(out.parent_path());
}

TEST(Results, EarlyStoppedRunsAreNanAfterTheirLastTick) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 3000\nstop = \"equilibrium\"\n[scenario]\nlearning.socialization_rate = 0.9\n",
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
  EXPECT_EQ(compress_metrics(rows, 100000).size(), 1u);  // the rest reads back as the NaN fill value
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

}  // namespace
}  // namespace orgsim::experiments
