// /metrics chunk coding: how a run's rows are cut into chunks and compressed by the workers, so
// that the single writer only writes bytes.
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/row_deflate.hpp"

#include "results_schema.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace orgsim::experiments {

std::size_t metrics_rows_per_chunk(std::size_t tick_rows) {
  // At most 64 rows of every metric, 8 bytes a value: large enough for fast reads of whole runs,
  // small enough that a run stopping after a few dozen ticks (March's equilibrium) compresses
  // little beyond its own rows; chunks past a run's last row stay unwritten. The rows are split
  // evenly over the chunks, so that a run that records all its rows compresses almost no padding
  // (261 rows: 5 chunks of 53, not of 64 with 59 rows of NaN).
  constexpr std::size_t most = schema::kMostMetricsRowsPerChunk;
  const std::size_t chunks = std::max<std::size_t>(1, (tick_rows + most - 1) / most);
  return std::max<std::size_t>(1, (tick_rows + chunks - 1) / chunks);
}

std::size_t schema::metrics_chunks(std::size_t rows, std::size_t tick_rows) {
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  return (std::min(rows, tick_rows) + per_chunk - 1) / per_chunk;
}

std::vector<std::vector<unsigned char>> compress_metrics(const MetricTable& rows,
                                                         std::size_t tick_rows) {
  const std::size_t width = rows.width();
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  const std::size_t chunks = schema::metrics_chunks(rows.rows(), tick_rows);
  const std::size_t values = per_chunk * width;
  std::vector<std::vector<unsigned char>> out;
  out.reserve(chunks);
  // Scratch buffers reused by each worker thread (no fresh pages per run); each chunk then gets a
  // buffer of its exact size, so a run waiting for the writer holds only its compressed bytes.
  thread_local std::vector<double> chunk;
  thread_local std::vector<unsigned char> stream;
  chunk.resize(values);
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t first = c * per_chunk;
    if (first + per_chunk <= rows.rows()) {  // every row recorded: straight from the table
      deflate_rows(rows.values().subspan(first * width, values), width, stream);
    } else {  // the run's last rows, then NaN (the dataset's fill value)
      const auto recorded = rows.values().subspan(first * width);
      std::copy(recorded.begin(), recorded.end(), chunk.begin());
      std::fill(chunk.begin() + static_cast<std::ptrdiff_t>(recorded.size()), chunk.end(),
                std::numeric_limits<double>::quiet_NaN());
      deflate_rows(chunk, width, stream);
    }
    out.emplace_back(stream.begin(), stream.end());
  }
  return out;
}

void compress_record(RunRecord& record, std::size_t tick_rows) {
  record.chunks = compress_metrics(record.outcome.metrics, tick_rows);
  record.compressed_rows = record.outcome.metrics.rows();
  record.outcome.metrics = MetricTable(record.outcome.metrics.width());
}

}  // namespace orgsim::experiments
