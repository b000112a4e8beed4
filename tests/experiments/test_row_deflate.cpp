// deflate_rows: its streams inflate, with zlib (what HDF5's deflate filter calls) and with
// libdeflate, to exactly the bytes of the table, for tables of every shape and kind of repeat.
#include "orgsim/agents/model.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/row_deflate.hpp"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace orgsim::experiments {
namespace {

/// The table's bytes as zlib inflates them from `stream`, which must end exactly where the
/// stream does (no bytes after the Adler-32).
std::vector<unsigned char> inflate_with_zlib(const std::vector<unsigned char>& stream,
                                             std::size_t expected) {
  std::vector<unsigned char> out(expected + 1);  // one spare byte: a longer result is an error too
  z_stream z{};
  EXPECT_EQ(inflateInit(&z), Z_OK);
  z.next_in = const_cast<unsigned char*>(stream.data());
  z.avail_in = static_cast<uInt>(stream.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&z, Z_FINISH);
  EXPECT_EQ(status, Z_STREAM_END) << "zlib: " << status << " " << (z.msg ? z.msg : "");
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the end of the stream";
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::vector<unsigned char> inflate_with_libdeflate(const std::vector<unsigned char>& stream,
                                                   std::size_t expected) {
  std::vector<unsigned char> out(expected);
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  std::size_t size = 0;
  const auto status =
      libdeflate_zlib_decompress(d, stream.data(), stream.size(), out.data(), out.size(), &size);
  libdeflate_free_decompressor(d);
  EXPECT_EQ(status, LIBDEFLATE_SUCCESS);
  out.resize(size);
  return out;
}

std::vector<unsigned char> bytes_of(const std::vector<double>& values) {
  std::vector<unsigned char> bytes(values.size() * sizeof(double));
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

/// A table whose values repeat as metrics do: the same column some rows up, the value before,
/// runs of NaN, signed zeros, and fresh values (random doubles and random bit patterns).
std::vector<double> metric_like_table(std::size_t rows, std::size_t width,
                                      std::mt19937_64& random) {
  std::vector<double> t(rows * width);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<std::size_t> up(1, 6);
  for (std::size_t i = 0; i < t.size(); ++i) {
    switch (kind(random)) {
      case 0:
      case 1:
      case 2: {
        const std::size_t back = up(random) * width;
        t[i] = i >= back ? t[i - back] : 0.25;
        break;
      }
      case 3:
        t[i] = i > 0 ? t[i - 1] : 1.0;
        break;
      case 4:
        t[i] = std::numeric_limits<double>::quiet_NaN();
        break;
      case 5:
        t[i] = (random() & 1) ? 0.0 : -0.0;
        break;
      case 6:
        t[i] = std::bit_cast<double>(random());
        break;  // any bits: NaN payloads, infinities, denormals
      default:
        t[i] = std::uniform_real_distribution<double>(-1e6, 1e6)(random);
        break;
    }
  }
  return t;
}

TEST(RowDeflate, InflatesToTheExactBytesForEveryShape) {
  std::mt19937_64 random(20261202);
  for (std::size_t width :
       {1u, 2u, 7u, 43u, 300u, 1024u, 4096u, 5000u}) {  // 5000: rows beyond the window
    for (std::size_t rows : {1u, 2u, 5u, 64u, 131u}) {
      if (rows * width > 600'000) continue;
      // Mixed repeats, and a constant table (the longest references).
      for (const auto& table :
           {metric_like_table(rows, width, random), std::vector<double>(rows * width, -2.5)}) {
        std::vector<unsigned char> stream;
        deflate_rows(table, width, stream);
        EXPECT_LE(stream.size(), deflate_rows_bound(table.size()));
        const auto expected = bytes_of(table);
        EXPECT_EQ(inflate_with_zlib(stream, expected.size()), expected) << rows << " x " << width;
        EXPECT_EQ(inflate_with_libdeflate(stream, expected.size()), expected)
            << rows << " x " << width;
      }
    }
  }
}

TEST(RowDeflate, AnEmptyTableIsAnEmptyStream) {
  std::vector<unsigned char> stream;
  deflate_rows({}, 43, stream);
  EXPECT_TRUE(inflate_with_zlib(stream, 0).empty());
}

TEST(RowDeflate, RepeatsBecomeReferences) {
  // 64 rows of 43 metrics where only two columns change: the rest is references of up to 32
  // values, so the stream is a small fraction of the 22 KB table.
  const std::size_t rows = 64, width = 43;
  std::vector<double> table(rows * width, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 10; c < 20; ++c) table[r * width + c] = 0.5;
    table[r * width] = static_cast<double>(r) / 7.0;
    table[r * width + 1] = std::sqrt(static_cast<double>(r));
  }
  std::vector<unsigned char> stream;
  deflate_rows(table, width, stream);
  const auto expected = bytes_of(table);
  ASSERT_EQ(inflate_with_zlib(stream, expected.size()), expected);
  // Two fresh values a row: 16 literal bytes (about 17 coded), then the other 41 values as two
  // references (32 + 9 values) of about 3.5 bytes each: under 25 bytes a row, 1/14 of the table.
  EXPECT_LT(stream.size(), rows * 25);
}

TEST(RowDeflate, FreshValuesCostTheirBytes) {
  // No repeats at all: every value is 8 literal bytes, at 8 or 9 bits each, never more.
  std::mt19937_64 random(7);
  std::vector<double> table(1000);
  for (double& v : table) v = std::uniform_real_distribution<double>(0, 1)(random);
  std::vector<unsigned char> stream;
  deflate_rows(table, 10, stream);
  EXPECT_EQ(inflate_with_zlib(stream, 8000), bytes_of(table));
  EXPECT_LE(stream.size(), 9000u + 8);
}

TEST(RowDeflate, TheBoundIsExactForTheLongestCodes) {
  // Distinct values whose every byte is >= 144 take 9 bits a byte: the stream is the bound less
  // the bit writer's 8 bytes of slack.
  for (std::size_t n : {1u, 7u, 1000u}) {
    std::vector<double> table(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t bits =
          0x9090909090909090ull + (static_cast<std::uint64_t>(i % 100) << 8) + i / 100;
      table[i] = std::bit_cast<double>(bits);
    }
    std::vector<unsigned char> stream;
    deflate_rows(table, 1, stream);
    EXPECT_EQ(stream.size(), deflate_rows_bound(n) - 8) << n;
    EXPECT_EQ(inflate_with_zlib(stream, n * 8), bytes_of(table));
  }
}

TEST(RowDeflate, RecentValuesAreReferencedWithinTheWindowOnly) {
  // X, then d - 1 copies of Y, then `last`: when last is X (d values back) it is a reference while
  // d x 8 bytes fits DEFLATE's 32 KB window, and 8 literal bytes beyond it, exactly as a new value
  // with codes of the same lengths (0.75 against 0.5: bytes 0xE8/0xE0 and 0x3F) is.
  const auto stream_size = [](std::size_t d, double last) {
    std::vector<double> table(d + 1, 0.25);
    table[0] = 0.5;
    table[d] = last;
    std::vector<unsigned char> stream;
    deflate_rows(table, 1, stream);
    EXPECT_EQ(inflate_with_zlib(stream, (d + 1) * 8), bytes_of(table)) << d;
    return stream.size();
  };
  EXPECT_LT(stream_size(4096, 0.5) + 4,
            stream_size(4096, 0.75));                          // 32,768 bytes back: the farthest
  EXPECT_EQ(stream_size(4097, 0.5), stream_size(4097, 0.75));  // one value farther: a literal
}

TEST(RowDeflate, ATableThatIsNotRowsIsRefused) {
  std::vector<unsigned char> stream;
  const std::vector<double> table(10, 1.0);
  EXPECT_THROW(deflate_rows(table, 0, stream), std::invalid_argument);
  EXPECT_THROW(deflate_rows(table, 3, stream), std::invalid_argument);
}

TEST(RowDeflate, CompressMetricsChunksInflateToTheRowsAndTheirNanPadding) {
  const std::size_t width = agents::metric_table().size();
  MetricTable rows(width);
  std::mt19937_64 random(3);
  const auto values = metric_like_table(70, width, random);
  for (std::size_t r = 0; r < 70; ++r)
    rows.append(std::span<const double>(values).subspan(r * width, width));
  const std::size_t tick_rows = 200;
  const std::size_t per_chunk = metrics_rows_per_chunk(tick_rows);
  const auto chunks = compress_metrics(rows, tick_rows);
  ASSERT_EQ(chunks.size(), (70 + per_chunk - 1) / per_chunk);
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    std::vector<double> expected(per_chunk * width, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t r = 0; r < per_chunk && c * per_chunk + r < 70; ++r) {
      std::copy_n(values.begin() + static_cast<std::ptrdiff_t>((c * per_chunk + r) * width), width,
                  expected.begin() + static_cast<std::ptrdiff_t>(r * width));
    }
    EXPECT_EQ(inflate_with_zlib(chunks[c], expected.size() * sizeof(double)), bytes_of(expected))
        << "chunk " << c;
  }
}

}  // namespace
}  // namespace orgsim::experiments
