// Run records as bytes (the MPI farm's messages): a round trip keeps every field.
#include "orgsim/experiments/mpi.hpp"
#include "orgsim/core/error.hpp"

#include <gtest/gtest.h>

namespace orgsim::experiments {
namespace {

TEST(RecordBytes, RoundTripKeepsEveryField) {
  agents::ModelParams p = agents::ModelParams::defaults();
  p.org_employees = 40;
  agents::RunOptions options;
  options.max_ticks = 12;
  options.snapshots.every = 5;
  options.snapshots.agents = 7;
  options.snapshots.fields = {agents::SnapshotField::id, agents::SnapshotField::knowledge, agents::SnapshotField::beliefs};
  RunRecord record;
  record.run = 17;
  record.design_point = 5;
  record.replication = 2;
  record.wall_seconds = 0.125;
  record.outcome = agents::simulate(p, {3, 2}, options);
  record.chunks = compress_metrics(record.outcome.metrics, 13);

  const RunRecord back = unpack_record(pack_record(record));
  EXPECT_EQ(back.run, 17u);
  EXPECT_EQ(back.design_point, 5u);
  EXPECT_EQ(back.replication, 2u);
  EXPECT_EQ(back.wall_seconds, 0.125);
  EXPECT_EQ(back.outcome.ticks_run, record.outcome.ticks_run);
  ASSERT_EQ(back.outcome.metrics.width(), record.outcome.metrics.width());
  ASSERT_EQ(back.outcome.metrics.rows(), 13u);
  for (std::size_t i = 0; i < record.outcome.metrics.values().size(); ++i) {
    const double a = record.outcome.metrics.values()[i], b = back.outcome.metrics.values()[i];
    ASSERT_TRUE(a == b || (a != a && b != b)) << "value " << i;
  }
  EXPECT_EQ(back.chunks, record.chunks);
  EXPECT_EQ(back.outcome.snapshots.count, record.outcome.snapshots.count);
  EXPECT_EQ(back.outcome.snapshots.count, 4u);  // ticks 0, 5, 10 and the last
  EXPECT_EQ(back.outcome.snapshots.beliefs, record.outcome.snapshots.beliefs);
  ASSERT_EQ(back.outcome.snapshots.values.size(), 2u);
  for (std::size_t f = 0; f < 2; ++f) {
    ASSERT_EQ(back.outcome.snapshots.values[f].size(), record.outcome.snapshots.values[f].size());
    for (std::size_t i = 0; i < record.outcome.snapshots.values[f].size(); ++i) {
      const double a = record.outcome.snapshots.values[f][i], b = back.outcome.snapshots.values[f][i];
      ASSERT_TRUE(a == b || (a != a && b != b));
    }
  }
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
  bytes[0] ^= 0x55;
  EXPECT_THROW(unpack_record(bytes), ResultsError);  // not a run record
}

}  // namespace
}  // namespace orgsim::experiments
