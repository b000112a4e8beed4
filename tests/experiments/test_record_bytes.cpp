// Run records as bytes (the MPI farm's messages): a round trip keeps every field.
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/mpi.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

namespace orgsim::experiments {
namespace {

TEST(RecordBytes, RoundTripKeepsEveryField) {
  agents::ModelParams p = agents::ModelParams::defaults();
  p.org.employees = 40;
  agents::RunOptions options;
  options.max_ticks = 12;
  options.snapshots.every = 5;
  options.snapshots.agents = 7;
  options.snapshots.fields = {agents::SnapshotField::id, agents::SnapshotField::knowledge,
                              agents::SnapshotField::beliefs};
  RunRecord record;
  record.run = 17;
  record.design_point = 5;
  record.replication = 2;
  record.wall_seconds = 0.125;
  record.outcome = agents::simulate(p, {3, 2}, options);
  const MetricTable rows = record.outcome.metrics;
  compress_record(record, 13);
  EXPECT_EQ(record.chunks, compress_metrics(rows, 13));
  EXPECT_EQ(record.outcome.metrics.values().size(), 0u) << "the rows are freed once compressed";
  EXPECT_EQ(record.metric_rows(), 13u);

  const RunRecord back = unpack_record(pack_record(record));
  EXPECT_EQ(back.run, 17u);
  EXPECT_EQ(back.design_point, 5u);
  EXPECT_EQ(back.replication, 2u);
  EXPECT_EQ(back.wall_seconds, 0.125);
  EXPECT_EQ(back.outcome.ticks_run, record.outcome.ticks_run);
  EXPECT_EQ(back.outcome.metrics.width(), rows.width());
  EXPECT_EQ(back.metric_rows(), 13u);
  EXPECT_EQ(back.outcome.metrics.values().size(), 0u) << "only the compressed chunks travel";
  EXPECT_EQ(back.chunks, record.chunks);
  EXPECT_EQ(back.outcome.snapshots.count, record.outcome.snapshots.count);
  EXPECT_EQ(back.outcome.snapshots.count, 4u);  // ticks 0, 5, 10 and the last
  EXPECT_EQ(back.outcome.snapshots.beliefs, record.outcome.snapshots.beliefs);
  ASSERT_EQ(back.outcome.snapshots.values.size(), 2u);
  for (std::size_t f = 0; f < 2; ++f) {
    ASSERT_EQ(back.outcome.snapshots.values[f].size(), record.outcome.snapshots.values[f].size());
    for (std::size_t i = 0; i < record.outcome.snapshots.values[f].size(); ++i) {
      const double a = record.outcome.snapshots.values[f][i],
                   b = back.outcome.snapshots.values[f][i];
      ASSERT_TRUE(a == b || (a != a && b != b));
    }
  }
}

TEST(RecordBytes, UncompressedRowsRoundTrip) {
  RunRecord record;
  record.outcome.metrics = MetricTable(3);
  const std::vector<double> first = {1, -0.0, std::numeric_limits<double>::quiet_NaN()},
                            second = {4, 5, 6};
  record.outcome.metrics.append(first);
  record.outcome.metrics.append(second);
  const RunRecord back = unpack_record(pack_record(record));
  EXPECT_TRUE(back.chunks.empty());
  ASSERT_EQ(back.metric_rows(), 2u);
  const auto a = record.outcome.metrics.values(), b = back.outcome.metrics.values();
  ASSERT_EQ(b.size(), a.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0)
      << "bit for bit, NaN and -0 included";
}

TEST(RecordBytes, MalformedBuffersAreRefused) {
  RunRecord record;
  record.outcome.metrics = MetricTable(3);
  const std::vector<double> row = {1, 2, 3};
  record.outcome.metrics.append(row);
  std::vector<char> bytes = pack_record(record);
  EXPECT_NO_THROW(unpack_record(bytes));
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    std::vector<char> truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_THROW(unpack_record(truncated), ResultsError) << "cut at " << cut;
  }
  bytes.push_back(0);
  EXPECT_THROW(unpack_record(bytes), ResultsError);  // trailing byte
  bytes.pop_back();
  {
    RunRecord chunked = record;
    chunked.chunks = compress_metrics(record.outcome.metrics, 1);
    chunked.compressed_rows = 1;
    EXPECT_NO_THROW(unpack_record(pack_record(chunked)));
    chunked.compressed_rows = 0;
    EXPECT_THROW(unpack_record(pack_record(chunked)), ResultsError) << "chunks without a row count";
    RunRecord counted = record;
    counted.compressed_rows = 1;
    EXPECT_THROW(unpack_record(pack_record(counted)), ResultsError) << "a row count without chunks";
  }
  bytes.pop_back();
  bytes[0] ^= 0x55;
  EXPECT_THROW(unpack_record(bytes), ResultsError);  // not a run record
}

}  // namespace
}  // namespace orgsim::experiments
