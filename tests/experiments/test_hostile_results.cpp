// Hostile results files: a valid file written by orgsim, then broken one way with the HDF5 API.
// Each case is one the fuzzers (fuzz/) found or aimed at; the reader must throw ResultsError with
// a message naming the problem, never read out of bounds, overflow or allocate without bound.
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace orgsim::experiments {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("orgsim-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

/// A small finished results file (2 runs of 5 ticks, with snapshots), then `edit` on it.
std::string broken_file(const std::string& name, const std::function<void(hid_t file)>& edit) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 5\nreplications = 2\n[scenario]\norg.employees = 12\n"
      "[output.snapshots]\nevery = 5\nfields = [\"engagement\"]\n",
      "hostile.toml");
  const std::string path = temp_file(name).string();
  run_experiment(spec, path, {});
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  edit(file);
  H5Fclose(file);
  return path;
}

/// Replaces dataset `name` (under `parent`) by one of `type` with the given dims (no data).
void replace_dataset(hid_t parent, const char* name, hid_t type, const std::vector<hsize_t>& dims,
                     bool chunked = false) {
  if (H5Lexists(parent, name, H5P_DEFAULT) > 0) H5Ldelete(parent, name, H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (chunked) {
    std::vector<hsize_t> chunk;
    for (hsize_t d : dims) chunk.push_back(std::min<hsize_t>(std::max<hsize_t>(d, 1), 4096));
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  }
  const hid_t set = H5Dcreate2(parent, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  EXPECT_GE(set, 0) << name;
  H5Dclose(set);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// Copies the names attribute of the old /metrics onto a new one with `metrics` entries.
void write_names(hid_t file, std::size_t metrics) {
  const hid_t set = H5Dopen2(file, "metrics", H5P_DEFAULT);
  // Fixed-length strings (the reader takes both): variable-length ones would live in a global
  // heap that the deleted /metrics shared.
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, 16);
  const hsize_t dims[1] = {metrics};
  const hid_t space = H5Screate_simple(1, dims, nullptr);
  const hid_t attr = H5Acreate2(set, "names", type, space, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<char> names(16 * metrics, '\0');
  for (std::size_t k = 0; k < metrics; ++k)
    std::copy_n("strategic_fit", 13, names.begin() + static_cast<std::ptrdiff_t>(16 * k));
  H5Awrite(attr, type, names.data());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(set);
}

/// The message of the ResultsError that `read` throws ("" if none).
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const ResultsError& e) {
    return e.what();
  }
  return "";
}

TEST(HostileResults, TheUnbrokenFileReads) {
  const std::string path = broken_file("ok.h5", [](hid_t) {});
  ResultsReader reader(path);
  ASSERT_EQ(reader.run_count(), 2u);
  EXPECT_TRUE(reader.complete(1));
  EXPECT_EQ(reader.record(1).outcome.snapshots.count, 2u);
}

TEST(HostileResults, RunInfoWithMoreRowsThanRunsIsRefused) {
  // Read with H5S_ALL into a buffer of one double per run, this overflowed the heap.
  const std::string path = broken_file("run_info.h5", [](hid_t file) {
    const hid_t row = H5Tcreate(H5T_COMPOUND, sizeof(double));
    H5Tinsert(row, "wall_seconds", 0, H5T_IEEE_F64LE);
    replace_dataset(file, "run_info", row, {4096});
    H5Tclose(row);
  });
  EXPECT_NE(error_of([&] {
              ResultsReader reader(path);
            }).find("/run_info has 4096 rows but /metrics 2 runs"),
            std::string::npos);
}

TEST(HostileResults, SnapshotsOfTheWrongRankAreRefused) {
  // A rank-6 dataset made H5Sget_simple_extent_dims write past a 4-element array on the stack.
  const std::string path = broken_file("snapshot_rank.h5", [](hid_t file) {
    const hid_t group = H5Gopen2(file, "snapshots", H5P_DEFAULT);
    replace_dataset(group, "engagement", H5T_IEEE_F64LE, {2, 2, 2, 2, 2, 2});
    H5Gclose(group);
  });
  ResultsReader reader(path);
  EXPECT_NE(error_of([&] {
              (void)reader.record(0);
            }).find("/snapshots/engagement must have 3 or 4 dimensions, not 6"),
            std::string::npos);
}

TEST(HostileResults, SnapshotCountBeyondTheDatasetIsRefused) {
  const std::string path = broken_file("snapshot_count.h5", [](hid_t file) {
    const hid_t group = H5Gopen2(file, "snapshots", H5P_DEFAULT);
    replace_dataset(group, "engagement", H5T_IEEE_F64LE, {2, 1, 12});
    H5Gclose(group);
  });
  ResultsReader reader(path);
  EXPECT_NE(error_of([&] { (void)reader.record(0); }).find("has no room for run 0's 2 snapshots"),
            std::string::npos);
}

TEST(HostileResults, HugeDeclaredExtentsAreRefusedBeforeAllocating) {
  // An unallocated chunked dataset costs a few bytes on disk whatever extent it declares.
  const std::string metrics = broken_file("huge_metrics.h5", [](hid_t file) {
    replace_dataset(file, "metrics", H5T_IEEE_F64LE, {2, hsize_t{1} << 40, 1}, true);
    write_names(file, 1);
  });
  EXPECT_NE(error_of([&] {
              ResultsReader reader(metrics, std::size_t{1} << 30);
            }).find("reading one run needs"),
            std::string::npos);
  const std::string runs = broken_file("huge_runs.h5", [](hid_t file) {
    replace_dataset(file, "metrics", H5T_IEEE_F64LE, {hsize_t{1} << 28, 6, 1}, true);
    write_names(file, 1);
    const hid_t row = H5Tcreate(H5T_COMPOUND, 3 * sizeof(double));
    H5Tinsert(row, "ticks_run", 0, H5T_IEEE_F64LE);
    H5Tinsert(row, "rows", 8, H5T_IEEE_F64LE);
    H5Tinsert(row, "status", 16, H5T_IEEE_F64LE);
    replace_dataset(file, "runs", row, {hsize_t{1} << 28}, true);
    H5Tclose(row);
  });
  const std::string huge_runs = error_of([&] { ResultsReader reader(runs, std::size_t{1} << 30); });
  EXPECT_NE(huge_runs.find("/runs declares 268435456 runs"), std::string::npos) << huge_runs;
}

TEST(HostileResults, MetricsThatAreNotNumbersAreRefused) {
  const std::string path = broken_file("text_metrics.h5", [](hid_t file) {
    const hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, 8);
    replace_dataset(file, "metrics", text, {2, 6, 1});
    H5Tclose(text);
    write_names(file, 1);
  });
  EXPECT_NE(error_of([&] { ResultsReader reader(path); }).find("/metrics must hold numbers"),
            std::string::npos);
}

/// Rewrites /runs as the columns run_id, ticks_run, rows, status with the given values.
void write_runs(hid_t file, const std::vector<std::vector<double>>& rows, bool with_run_id = true) {
  const hid_t row = H5Tcreate(H5T_COMPOUND, 4 * sizeof(double));
  H5Tinsert(row, with_run_id ? "run_id" : "not_run_id", 0, H5T_IEEE_F64LE);
  H5Tinsert(row, "ticks_run", 8, H5T_IEEE_F64LE);
  H5Tinsert(row, "rows", 16, H5T_IEEE_F64LE);
  H5Tinsert(row, "status", 24, H5T_IEEE_F64LE);
  replace_dataset(file, "runs", row, {rows.size()});
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  const hid_t set = H5Dopen2(file, "runs", H5P_DEFAULT);
  H5Dwrite(set, row, H5S_ALL, H5S_ALL, H5P_DEFAULT, flat.data());
  H5Dclose(set);
  H5Tclose(row);
}

TEST(HostileResults, RowCountsOutOfRangeAreNotConverted) {
  // An incomplete run's row count of 1e300 was cast to an integer (undefined behaviour).
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::string path = broken_file("row_count.h5", [](hid_t file) {
    write_runs(file, {{0, 5, 1e300, 0}, {1, 5, inf, 0}});
  });
  ResultsReader reader(path);
  EXPECT_FALSE(reader.complete(0));
  EXPECT_EQ(reader.final_row(1).size(), reader.metric_names().size());
  const std::string fractional = broken_file("row_fraction.h5", [](hid_t file) {
    write_runs(file, {{0, 5, 2.5, 1}, {1, 5, 6, 1}});
  });
  EXPECT_NE(error_of([&] {
              ResultsReader reader(fractional);
            }).find("run 0 has a row count out of range"),
            std::string::npos);
}

TEST(HostileResults, RecordsNeedWholeNumberColumns) {
  // record() (resume, merge) dereferenced missing columns and cast NaN to integers.
  const std::string missing = broken_file("no_run_id.h5", [](hid_t file) {
    write_runs(file, {{0, 5, 6, 1}, {1, 5, 6, 1}}, false);
  });
  ResultsReader without(missing);
  EXPECT_NE(error_of([&] { (void)without.record(0); }).find("/runs lacks the run_id column"),
            std::string::npos);
  const std::string nan = broken_file("nan_run_id.h5", [](hid_t file) {
    write_runs(file, {{std::numeric_limits<double>::quiet_NaN(), 5, 6, 1}, {-1, 5, 6, 1}});
  });
  ResultsReader with_nan(nan);
  EXPECT_NE(error_of([&] {
              (void)with_nan.record(0);
            }).find("run 0: /runs run_id is nan, expected a whole number"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)with_nan.record(1); }).find("run 1: /runs run_id is -1"),
            std::string::npos);
}

TEST(HostileResults, TickOfRowMustListOneTickPerRow) {
  const std::string path = broken_file("tick_of_row.h5", [](hid_t file) {
    const hid_t set = H5Dopen2(file, "metrics", H5P_DEFAULT);
    H5Adelete(set, "tick_of_row");
    const hsize_t dims[1] = {3};
    const hid_t space = H5Screate_simple(1, dims, nullptr);
    const hid_t attr =
        H5Acreate2(set, "tick_of_row", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    const double ticks[3] = {0, 1, 2};
    H5Awrite(attr, H5T_NATIVE_DOUBLE, ticks);
    H5Aclose(attr);
    H5Sclose(space);
    H5Dclose(set);
  });
  EXPECT_NE(error_of([&] {
              ResultsReader reader(path);
            }).find("tick_of_row must list one tick (an integer) per row, 6"),
            std::string::npos);
}

TEST(HostileResults, CorruptSuperblockFailsFast) {
  // One flipped byte in the (checksummed) superblock: the SWMR-read fallback retried the read 100
  // times with a doubling sleep, for minutes. ctest's timeout for this test (20 s) catches a
  // return.
  const std::string path = broken_file("superblock.h5", [](hid_t) {});
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(12);
    file.put('Z');
  }
  EXPECT_NE(error_of([&] { ResultsReader reader(path); }).find("cannot open"), std::string::npos);
  EXPECT_FALSE(is_results_file(path));
}

// ---- /metric_info: each metric's metadata, read from the file ----

/// A /metric_info row as the tests write it.
struct InfoRow {
  std::string name, category, unit, label, help, better;
  long long headline = 0;
};

/// The running model's metric metadata as /metric_info rows.
std::vector<InfoRow> model_rows() {
  std::vector<InfoRow> rows;
  for (const MetricInfo& m : agents::metric_table()) {
    rows.push_back({m.name, m.category, m.unit, m.label, m.help, std::string(better_name(m.better)),
                    m.headline ? 1 : 0});
  }
  return rows;
}

/// Replaces /metric_info by `rows`, as fixed-length text (the reader takes it as well as the
/// variable-length text orgsim writes).
void write_metric_info(hid_t file, const std::vector<InfoRow>& rows) {
  constexpr std::size_t kText = 512;
  struct Stored {
    char text[6][kText];
    long long headline;
  };
  const hid_t text = H5Tcopy(H5T_C_S1);
  H5Tset_size(text, kText);
  const hid_t row = H5Tcreate(H5T_COMPOUND, sizeof(Stored));
  const char* fields[6] = {"name", "category", "unit", "label", "help", "better"};
  for (std::size_t f = 0; f < 6; ++f) H5Tinsert(row, fields[f], f * kText, text);
  H5Tinsert(row, "headline", offsetof(Stored, headline), H5T_NATIVE_LLONG);
  replace_dataset(file, "metric_info", row, {rows.size()});
  std::vector<Stored> stored(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const InfoRow& r = rows[k];
    const std::string* values[6] = {&r.name, &r.category, &r.unit, &r.label, &r.help, &r.better};
    for (std::size_t f = 0; f < 6; ++f)
      std::strncpy(stored[k].text[f], values[f]->c_str(), kText - 1);
    stored[k].headline = r.headline;
  }
  const hid_t set = H5Dopen2(file, "metric_info", H5P_DEFAULT);
  H5Dwrite(set, row, H5S_ALL, H5S_ALL, H5P_DEFAULT, stored.data());
  H5Dclose(set);
  H5Tclose(row);
  H5Tclose(text);
}

void expect_model_metadata(const std::vector<MetricInfo>& info) {
  const auto model = agents::metric_table();
  ASSERT_EQ(info.size(), model.size());
  for (std::size_t k = 0; k < model.size(); ++k) {
    EXPECT_EQ(info[k].name, model[k].name);
    EXPECT_EQ(info[k].category, model[k].category) << model[k].name;
    EXPECT_EQ(info[k].unit, model[k].unit) << model[k].name;
    EXPECT_EQ(info[k].label, model[k].label) << model[k].name;
    EXPECT_EQ(info[k].help, model[k].help) << model[k].name;
    EXPECT_EQ(info[k].better, model[k].better) << model[k].name;
    EXPECT_EQ(info[k].headline, model[k].headline) << model[k].name;
  }
}

TEST(MetricInfo, AWrittenFileReadsItBack) {
  const std::string path = broken_file("metric_info.h5", [](hid_t) {});
  const ResultsReader reader(path);
  ASSERT_EQ(reader.metric_info().size(), reader.metric_names().size());
  expect_model_metadata(reader.metric_info());
  // Fixed-length text reads the same as the variable-length text orgsim writes.
  const std::string fixed = broken_file("metric_info_fixed.h5",
                                        [](hid_t file) { write_metric_info(file, model_rows()); });
  expect_model_metadata(ResultsReader(fixed).metric_info());
}

TEST(MetricInfo, AnOldFileTakesTheModelsMetadataByName) {
  const std::string old = broken_file(
      "metric_info_old.h5", [](hid_t file) { H5Ldelete(file, "metric_info", H5P_DEFAULT); });
  expect_model_metadata(ResultsReader(old).metric_info());
  // A metric this build does not know: its name as label, nothing else.
  const std::string unknown = broken_file("metric_info_unknown.h5", [](hid_t file) {
    H5Ldelete(file, "metric_info", H5P_DEFAULT);
    const hid_t set = H5Dopen2(file, "metrics", H5P_DEFAULT);
    H5Adelete(set, "names");
    H5Dclose(set);
    write_names(file, agents::metric_table().size());  // every column named strategic_fit...
    const hid_t metrics = H5Dopen2(file, "metrics", H5P_DEFAULT);
    const hid_t attr = H5Aopen(metrics, "names", H5P_DEFAULT);
    const hid_t type = H5Aget_type(attr);
    std::vector<char> names(16 * agents::metric_table().size(), '\0');
    H5Aread(attr, type, names.data());
    std::copy_n("from_the_future", 15, names.begin());  // ...but the first
    H5Awrite(attr, type, names.data());
    H5Tclose(type);
    H5Aclose(attr);
    H5Dclose(metrics);
  });
  const ResultsReader reader(unknown);
  const MetricInfo& first = reader.metric_info().at(0);
  EXPECT_EQ(first.name, "from_the_future");
  EXPECT_EQ(first.label, "from_the_future");
  EXPECT_EQ(first.category, "");
  EXPECT_EQ(first.unit, "");
  EXPECT_EQ(first.better, Better::none);
  EXPECT_FALSE(first.headline);
  EXPECT_EQ(reader.metric_info().at(1).name, "strategic_fit");
  EXPECT_EQ(reader.metric_info().at(1).label,
            agents::metric_table()[*agents::find_metric("strategic_fit")].label);
}

TEST(MetricInfo, AMalformedTableIsRefusedWithAClearError) {
  const auto refused = [](const std::string& name, const std::function<void(hid_t)>& edit) {
    const std::string path = broken_file(name, edit);
    EXPECT_NO_THROW(screen_results_file(path)) << name;  // an ordinary error, not a crash
    return error_of([&] { ResultsReader reader(path); });
  };
  auto rows = model_rows();
  rows.pop_back();
  EXPECT_NE(refused("info_short.h5", [&](hid_t file) { write_metric_info(file, rows); })
                .find("/metric_info must be a table of " +
                      std::to_string(agents::metric_table().size()) + " rows"),
            std::string::npos);
  rows = model_rows();
  std::swap(rows[0], rows[1]);
  EXPECT_NE(refused("info_order.h5", [&](hid_t file) { write_metric_info(file, rows); })
                .find("/metric_info row 0 is metric '" + rows[0].name +
                      "', but /metrics column 0 is '" + rows[1].name + "'"),
            std::string::npos);
  rows = model_rows();
  rows[2].better = "sideways";
  EXPECT_NE(refused("info_better.h5", [&](hid_t file) { write_metric_info(file, rows); })
                .find("has better = 'sideways'; expected higher, lower or none"),
            std::string::npos);
  rows = model_rows();
  rows[3].headline = 7;
  EXPECT_NE(refused("info_headline.h5", [&](hid_t file) { write_metric_info(file, rows); })
                .find("has headline = 7; expected 0 or 1"),
            std::string::npos);
  EXPECT_NE(refused("info_numbers.h5",
                    [](hid_t file) { replace_dataset(file, "metric_info", H5T_IEEE_F64LE, {4}); })
                .find("/metric_info must be a table of"),
            std::string::npos);
  EXPECT_NE(
      refused("info_group.h5",
              [](hid_t file) {
                H5Ldelete(file, "metric_info", H5P_DEFAULT);
                H5Gclose(H5Gcreate2(file, "metric_info", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
              })
          .find("/metric_info is not a dataset"),
      std::string::npos);
}

/// Runs a small sweep as shard `shard` of 2 into `name`, then `edit` on the file.
std::string shard_file(const std::string& name, std::size_t shard,
                       const std::function<void(hid_t)>& edit) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 4\nreplications = 4\n[scenario]\norg.employees = 12\n", "shards.toml");
  const std::string path = temp_file(name).string();
  RunnerOptions options;
  options.shard = Shard{shard, 2};
  run_experiment(spec, path, options);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  edit(file);
  H5Fclose(file);
  return path;
}

TEST(MetricInfo, MergeKeepsTheShardsMetadataAndRefusesShardsThatDiffer) {
  auto rows = model_rows();
  rows[0].help = "a definition from another build";
  const auto edited = [&](hid_t file) { write_metric_info(file, rows); };
  const std::string first = shard_file("meta0.h5", 0, edited);
  const std::string second = shard_file("meta1.h5", 1, edited);
  const std::string merged = temp_file("meta_merged.h5").string();
  merge_shards({first, second}, merged);
  EXPECT_EQ(ResultsReader(merged).metric_info().at(0).help, "a definition from another build");

  const std::string plain = shard_file("meta1_plain.h5", 1, [](hid_t) {});
  try {
    merge_shards({first, plain}, temp_file("meta_refused.h5").string());
    ADD_FAILURE() << "shards with other metric metadata were merged";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("has other metric metadata than"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("help"), std::string::npos) << e.what();
  }
}

TEST(MetricInfo, ResumeKeepsItAndRefusesAFileOfOtherMetrics) {
  const auto spec = parse_experiment(
      "[experiment]\nticks = 4\nreplications = 2\n[scenario]\norg.employees = 12\n", "resume.toml");
  const std::string path = temp_file("meta_resume.h5").string();
  run_experiment(spec, path, {});
  RunnerOptions resume;
  resume.resume = true;
  run_experiment(spec, path, resume);
  expect_model_metadata(ResultsReader(path).metric_info());

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  auto rows = model_rows();
  rows[1].unit = "furlongs";
  write_metric_info(file, rows);
  H5Fclose(file);
  try {
    run_experiment(spec, path, resume);
    ADD_FAILURE() << "a file of other metrics was resumed";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("was written by a build with other metrics"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace orgsim::experiments
