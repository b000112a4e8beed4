// The results file's schema, shared by the writer, the reader and the screen: dataset names,
// storage settings, the fixed /runs columns, and how a file is opened (docs/results-format.md).
#pragma once

#include "hdf5.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace orgsim::experiments::schema {

// Datasets and groups under the root.
inline constexpr const char* kMetrics = "metrics";         ///< float64 [run, row, metric]
inline constexpr const char* kMetricInfo = "metric_info";  ///< compound [metric]
inline constexpr const char* kRuns = "runs";               ///< compound [run], deterministic
inline constexpr const char* kRunInfo = "run_info";        ///< compound [run], timing
inline constexpr const char* kSnapshots = "snapshots";  ///< group of [run, snapshot, agent(, dim)]

/// /metric_info's text columns, in order, then its headline flag (0/1).
inline constexpr std::array<const char*, 6> kMetricInfoText = {"name",  "category", "unit",
                                                               "label", "help",     "better"};
inline constexpr const char* kMetricInfoHeadline = "headline";

/// The /runs columns that are not varied parameters.
inline constexpr std::array<const char*, 10> kFixedRunColumns = {
    "run_id", "design_point", "replication", "seed",      "sample",
    "block",  "ticks_run",    "rows",        "snapshots", "status"};

/// Bytes of a text (choice) column of /runs.
inline constexpr std::size_t kTextColumnBytes = 64;
/// Level of HDF5's own deflate filter on /runs, /run_info and snapshots: fast.
inline constexpr int kDeflateLevel = 1;
/// /metrics chunks are compressed by the workers with deflate_rows (row_deflate.hpp); this level
/// is only what the filter's parameters record (inflating ignores it).
inline constexpr int kMetricsDeflateLevel = 1;
/// Rows per chunk of /runs and /run_info: small, as a flush recompresses the chunks it touched.
inline constexpr hsize_t kRunsChunkRows = 256;
/// Rows of /metrics per chunk at most (a chunk never mixes runs).
inline constexpr std::size_t kMostMetricsRowsPerChunk = 64;

/// The /metrics chunks holding a run's `rows` recorded rows (of `tick_rows` a run): those past
/// its last recorded row stay unwritten and read back as the NaN fill value.
std::size_t metrics_chunks(std::size_t rows, std::size_t tick_rows);

/// File access with the newest format (required for SWMR).
h5::Handle latest_format();

/// Opens a results file read-only; a file whose writer is still running or was killed opens in
/// SWMR-read mode. @throws ResultsError when it is not an HDF5 file or cannot be opened
h5::Handle open_for_reading(const std::string& path);

}  // namespace orgsim::experiments::schema
