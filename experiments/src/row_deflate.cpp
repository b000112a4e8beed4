// DEFLATE (RFC 1951) in a zlib wrapper (RFC 1950) for tables of doubles: whole values sent as
// back-references at a few fixed distances (rows up, the value before) or to where the same value
// was last seen, everything else as literal bytes; one block with the fixed Huffman codes.
#include "orgsim/experiments/row_deflate.hpp"

#include <libdeflate.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace orgsim::experiments {

namespace {

static_assert(std::endian::native == std::endian::little,
              "values are stored little-endian (H5T_IEEE_F64LE)");

constexpr std::uint32_t kMaxRun = 32;  // values per reference: 256 bytes (DEFLATE's longest is 258)
constexpr int kRecentBits = 8;         // 256 remembered values
constexpr std::size_t kRecentSlots = std::size_t{1} << kRecentBits;
constexpr std::size_t kWindow = 32768;  // farthest reference, in bytes

/// A code to append to the stream: `count` bits, the first one in bit 0.
struct Code {
  std::uint32_t bits = 0;
  std::uint32_t count = 0;
};

/// A Huffman code of `length` bits, which DEFLATE sends from its most significant bit.
constexpr std::uint32_t reversed(std::uint32_t code, std::uint32_t length) {
  std::uint32_t out = 0;
  for (std::uint32_t b = 0; b < length; ++b) out |= ((code >> b) & 1u) << (length - 1 - b);
  return out;
}

/// The fixed literal/length code of symbol 0-287 (RFC 1951, 3.2.6).
constexpr Code fixed_symbol(std::uint32_t symbol) {
  if (symbol < 144) return {reversed(0x30 + symbol, 8), 8};
  if (symbol < 256) return {reversed(0x190 + symbol - 144, 9), 9};
  if (symbol < 280) return {reversed(symbol - 256, 7), 7};
  return {reversed(0xC0 + symbol - 280, 8), 8};
}

constexpr auto kLiterals = [] {
  std::array<Code, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) table[byte] = fixed_symbol(byte);
  return table;
}();

/// The length code and its extra bits for a reference of `values` doubles (8 x values bytes;
/// RFC 1951, 3.2.5), as one code.
constexpr auto kLengths = [] {
  constexpr std::array<std::uint32_t, 29> base = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                  15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                  67, 83, 99, 115, 131, 163, 195, 227, 258};
  constexpr std::array<std::uint32_t, 29> extra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  std::array<Code, kMaxRun + 1> table{};
  for (std::uint32_t values = 1; values <= kMaxRun; ++values) {
    const std::uint32_t length = 8 * values;
    std::uint32_t code = 0;
    while (code + 1 < base.size() && base[code + 1] <= length) ++code;
    const Code symbol = fixed_symbol(257 + code);
    table[values] = {symbol.bits | ((length - base[code]) << symbol.count),
                     symbol.count + extra[code]};
  }
  return table;
}();

/// The fixed distance code and its extra bits for a reference `distance` bytes back (1-32768),
/// as one code: codes 0-3 are distances 1-4, then two codes per power of two, each with one extra
/// bit fewer than the power.
constexpr Code distance_code(std::uint32_t distance) {
  const std::uint32_t d = distance - 1;
  if (d < 4) return {reversed(d, 5), 5};
  const auto power = static_cast<std::uint32_t>(std::bit_width(d) - 1);  // 2 to 14
  const std::uint32_t half = (d >> (power - 1)) & 1u;
  const std::uint32_t extra = d - ((2 + half) << (power - 1));
  return {reversed(2 * power + half, 5) | (extra << 5), 5 + power - 1};
}

/// Appends codes to a byte buffer with slack of at least 8 bytes past any code's last byte.
class BitWriter {
 public:
  explicit BitWriter(unsigned char* out) : out_(out) {}
  /// Adds a code; at most 56 bits may be added between flushes.
  void put(Code code) {
    pending_ |= static_cast<std::uint64_t>(code.bits) << count_;
    count_ += code.count;
  }
  /// Writes the whole bytes added so far (leaving at most 7 bits pending).
  void flush() {
    std::memcpy(out_, &pending_, sizeof pending_);
    out_ += count_ / 8;
    pending_ = count_ >= 64 ? 0 : pending_ >> (count_ & ~7u);
    count_ &= 7u;
  }
  /// Flushes and writes the last partial byte; returns the end of the stream.
  unsigned char* finish() {
    flush();
    if (count_ > 0) *out_++ = static_cast<unsigned char>(pending_);
    pending_ = 0;
    count_ = 0;
    return out_;
  }

 private:
  unsigned char* out_;
  std::uint64_t pending_ = 0;
  std::uint32_t count_ = 0;
};

/// A distance, in values back, at which a value may repeat, with its DEFLATE distance code.
struct Candidate {
  std::size_t back;
  Code distance;
};

/// Where a value of a table `width` values wide may repeat: the same column 1 row up, the value
/// just before, then the same column 2, 3 and 4 rows up (the nearest first: it is tried first),
/// each once and within DEFLATE's window.
struct RepeatDistances {
  explicit RepeatDistances(std::size_t width) {
    consider(width);
    consider(1);
    for (std::size_t rows_up = 2; rows_up <= 4; ++rows_up) consider(rows_up * width);
  }
  void consider(std::size_t back) {
    if (back * sizeof(double) > kWindow) return;
    for (std::size_t c = 0; c < count; ++c) {
      if (candidates[c].back == back) return;
    }
    candidates[count++] = {back, distance_code(static_cast<std::uint32_t>(back * sizeof(double)))};
  }
  std::array<Candidate, 5> candidates{};
  std::size_t count = 0;
};

}  // namespace

std::size_t deflate_rows_bound(std::size_t values) {
  // zlib header 2, block header and end 10 bits, 9 bits per literal byte, Adler-32 4, slack 8.
  return 2 + (10 + 72 * values + 7) / 8 + 4 + 8;
}

void deflate_rows(std::span<const double> values, std::size_t width,
                  std::vector<unsigned char>& out) {
  if (width == 0 || values.size() % width != 0) {
    throw std::invalid_argument("deflate_rows: a table of " + std::to_string(values.size()) +
                                " values is not rows of " + std::to_string(width));
  }
  const std::size_t n = values.size();
  out.resize(deflate_rows_bound(n));
  out[0] = 0x78;  // CMF: deflate, 32 KB window
  out[1] = 0x01;  // FLG: fastest; (0x78 * 256 + 0x01) is a multiple of 31, as RFC 1950 asks
  BitWriter bits(out.data() + 2);
  bits.put({0b011, 3});  // BFINAL = 1, BTYPE = 01 (fixed Huffman codes)

  const RepeatDistances repeats(width);
  const auto& candidates = repeats.candidates;
  const std::size_t candidate_count = repeats.count;

  // Compared as bit patterns: NaNs repeat, +0 and -0 differ, exactly as the bytes do.
  const auto bits_of = [&values](std::size_t i) { return std::bit_cast<std::uint64_t>(values[i]); };
  // Where each recent value was last seen (by a hash of its bits; a slot keeps the latest), for
  // values that repeat elsewhere than at the fixed distances: 0, 1, NaN, a headcount.
  std::array<std::uint32_t, kRecentSlots> recent;
  recent.fill(UINT32_MAX);
  const auto slot_of = [](std::uint64_t value) {
    return static_cast<std::size_t>((value * 0x9E3779B97F4A7C15ull) >> (64 - kRecentBits));
  };
  Candidate elsewhere{};
  for (std::size_t i = 0; i < n;) {
    const std::uint64_t value = bits_of(i);
    const Candidate* match = nullptr;
    for (std::size_t c = 0; c < candidate_count; ++c) {
      if (candidates[c].back <= i && bits_of(i - candidates[c].back) == value) {
        match = &candidates[c];
        break;
      }
    }
    std::uint32_t& last = recent[slot_of(value)];
    if (match == nullptr && last != UINT32_MAX && (i - last) * sizeof(double) <= kWindow &&
        bits_of(last) == value) {
      elsewhere = {i - last,
                   distance_code(static_cast<std::uint32_t>((i - last) * sizeof(double)))};
      match = &elsewhere;
    }
    last = static_cast<std::uint32_t>(i);
    bits.flush();
    if (match == nullptr) {  // a literal value: its 8 bytes, 8 or 9 bits each
      unsigned char bytes[sizeof(double)];
      std::memcpy(bytes, &value, sizeof bytes);
      for (int b = 0; b < 4; ++b) bits.put(kLiterals[bytes[b]]);
      bits.flush();
      for (int b = 4; b < 8; ++b) bits.put(kLiterals[bytes[b]]);
      ++i;
      continue;
    }
    std::size_t run = 1;
    while (run < kMaxRun && i + run < n && bits_of(i + run) == bits_of(i + run - match->back))
      ++run;
    bits.put(kLengths[run]);    // at most 13 bits
    bits.put(match->distance);  // at most 18 bits
    i += run;
  }
  bits.flush();
  bits.put(fixed_symbol(256));  // end of block
  unsigned char* end = bits.finish();

  const std::uint32_t adler = libdeflate_adler32(1, values.data(), n * sizeof(double));
  for (int shift = 24; shift >= 0; shift -= 8) *end++ = static_cast<unsigned char>(adler >> shift);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace orgsim::experiments
