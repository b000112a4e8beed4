// A DEFLATE encoder for tables of doubles whose rows repeat many values exactly (the /metrics
// rows of a run): what HDF5's deflate filter, zlib, h5py, R and MATLAB inflate, several times
// faster than a general-purpose deflate at level 1 (benchmarks/README.md, BM_CompressMetrics).
// docs/results-format.md, "Compression".
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace orgsim::experiments {

/// Compresses `values`, a row-major table of rows of `width` doubles (little-endian, as
/// H5T_IEEE_F64LE stores them), into one zlib stream (RFC 1950 around one fixed-Huffman DEFLATE
/// block, RFC 1951), replacing `out`'s contents.
///
/// Whole values are the unit: a value is sent as a back-reference when its 8 bytes equal the
/// value in the same column 1 to 4 rows up, the value just before it (a run of NaNs, zeros or
/// constants), or a recently seen value: a 256-slot table, indexed by a hash of the bits, keeps
/// where the latest value hashing to each slot started a literal or a reference, and that one is
/// used if it is equal and within DEFLATE's 32 KB window (0, 1, NaN, a headcount anywhere in the
/// row; values inside a reference are not remembered). Consecutive values that repeat at the same
/// distance become one reference of up to 32 values, and any other value is sent as 8 literal
/// bytes. There is no search beyond those six comparisons, so a chunk costs one pass over its
/// values. Chunks are larger than libdeflate's level 1 makes them (the fixed codes spend more
/// than 8 bits on a literal byte on average, and the byte-level repeats inside changing doubles
/// are not searched for); benchmarks/README.md (BM_CompressMetrics) gives the time and the size
/// of both.
///
/// @throws std::invalid_argument if width is 0 or does not divide values.size()
///
/// @param values the table, values.size() a multiple of width
/// @param width  values per row, at least 1 (rows wider than 4096 values, DEFLATE's 32 KB window,
///               get no references to the row above)
void deflate_rows(std::span<const double> values, std::size_t width,
                  std::vector<unsigned char>& out);

/// The largest stream deflate_rows writes for `values` doubles (every value literal).
std::size_t deflate_rows_bound(std::size_t values);

}  // namespace orgsim::experiments
