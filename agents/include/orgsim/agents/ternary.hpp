// Ternary vectors {-1, 0, +1}^m packed as two bit planes of 64-bit words, the storage of
// employees' beliefs and actions: comparing a belief with the code or with reality becomes a few
// bit operations and popcounts per 64 dimensions (docs/ODD.md 7.1).
#pragma once

#include "orgsim/agents/parameters.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace orgsim::agents {

/// Words per bit plane for m dimensions.
constexpr std::size_t words_for(std::size_t m) {
  return (m + 63) / 64;
}
inline constexpr std::size_t kMaxWords = words_for(kMaxDimensions);

/// The bits of word `w` that hold one of m dimensions (all ones except in the last word).
constexpr std::uint64_t valid_bits(std::size_t m, std::size_t w) {
  const std::size_t left = m - w * 64;
  return left >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << left) - 1;
}

/// A view of a packed ternary vector: words [0, W) are the *known* plane (value != 0), words
/// [W, 2W) the *positive* plane (value = +1; always 0 where the value is 0, so equal vectors have
/// equal words). Bit d % 64 of word d / 64 is dimension d.
template <class Word>
class BasicTernary {
 public:
  BasicTernary(Word* data, std::size_t words) noexcept : data_(data), words_(words) {}
  /// Views of a mutable vector convert to read-only views.
  operator BasicTernary<const std::uint64_t>() const noexcept { return {data_, words_}; }  // NOLINT

  [[nodiscard]] std::size_t words() const noexcept { return words_; }
  /// Both planes, 2 x words() words.
  [[nodiscard]] std::span<Word> data() const noexcept { return {data_, 2 * words_}; }
  [[nodiscard]] Word& known(std::size_t w) const noexcept { return data_[w]; }
  [[nodiscard]] Word& positive(std::size_t w) const noexcept { return data_[words_ + w]; }

  /// The value of dimension d: -1, 0 or +1.
  [[nodiscard]] std::int8_t get(std::size_t d) const noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (d % 64);
    if (!(known(d / 64) & bit)) return 0;
    return (positive(d / 64) & bit) ? 1 : -1;
  }
  void set(std::size_t d, std::int8_t value) const noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (d % 64);
    const std::size_t w = d / 64;
    known(w) = value != 0 ? (known(w) | bit) : (known(w) & ~bit);
    positive(w) = value > 0 ? (positive(w) | bit) : (positive(w) & ~bit);
  }
  /// Copies another vector of the same size.
  void assign(BasicTernary<const std::uint64_t> other) const noexcept {
    const auto from = other.data();
    for (std::size_t w = 0; w < from.size(); ++w) data_[w] = from[w];
  }

 private:
  Word* data_;
  std::size_t words_;
};

using Ternary = BasicTernary<std::uint64_t>;
using ConstTernary = BasicTernary<const std::uint64_t>;

/// A packed copy of an int8 vector (the code, a team's code), kept on the stack by the phases
/// that compare many employees with it.
class PackedCode {
 public:
  PackedCode() = default;
  explicit PackedCode(std::span<const std::int8_t> values) { pack(values); }
  void pack(std::span<const std::int8_t> values) noexcept {
    words_ = words_for(values.size());
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t known = 0, positive = 0;
      const std::size_t end = std::min(values.size(), (w + 1) * 64);
      std::size_t d = w * 64;
#ifdef __SSE2__
      // 16 values at a time: one comparison and one mask extraction per plane.
      for (; d + 16 <= end; d += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values.data() + d));
        const auto zero =
            static_cast<std::uint64_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
        const auto above =
            static_cast<std::uint64_t>(_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_setzero_si128())));
        known |= (~zero & 0xFFFFu) << (d % 64);
        positive |= above << (d % 64);
      }
      if (d < end && end >= 16) {
        // The last 1-15 values: the 16 ending with them, shifted past those already packed.
        const __m128i v =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(values.data() + end - 16));
        const auto zero =
            static_cast<std::uint64_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
        const auto above =
            static_cast<std::uint64_t>(_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_setzero_si128())));
        const std::size_t packed = 16 - (end - d);  // of the 16, values before d
        known |= ((~zero & 0xFFFFu) >> packed) << (d % 64);
        positive |= (above >> packed) << (d % 64);
        d = end;
      }
#endif
      for (; d < end; ++d) {
        known |= std::uint64_t{values[d] != 0} << (d % 64);
        positive |= std::uint64_t{values[d] > 0} << (d % 64);
      }
      storage_[w] = known;
      storage_[words_ + w] = positive;
    }
  }
  [[nodiscard]] Ternary view() noexcept {
    return {storage_.data(), words_};
  }
  [[nodiscard]] ConstTernary view() const noexcept {
    return {storage_.data(), words_};
  }

 private:
  std::array<std::uint64_t, 2 * kMaxWords> storage_{};
  std::size_t words_ = 0;
};

/// The positive plane of a ±1 vector (reality): bit d set where the value is +1.
inline void pack_signs(std::span<const std::int8_t> values, std::span<std::uint64_t> out) noexcept {
  for (auto& word : out) word = 0;
  for (std::size_t d = 0; d < values.size(); ++d) {
    if (values[d] > 0) out[d / 64] |= std::uint64_t{1} << (d % 64);
  }
}

/// Sets each of the m dimensions to -1, 0 or +1 with probability 1/3 each, from two random bits
/// per dimension (00 -> -1, 01 -> 0, 10 -> +1; 11 is rejected and the next two bits are taken):
/// about 1.3 random words for 30 dimensions instead of one per dimension.
template <class Stream>
void fill_uniform(Ternary v, std::size_t m, Stream& draw) {
  for (std::uint64_t& word : v.data()) word = 0;
  constexpr std::uint64_t kLow = 0x5555555555555555u;  // the low bit of each of the 32 pairs
  for (std::size_t d = 0; d < m;) {
    const std::uint64_t bits = draw();
    const std::uint64_t low = bits & kLow, high = (bits >> 1) & kLow;
    // The accepted pairs, lowest first, one dimension each: no branch per dimension.
    for (std::uint64_t accepted = ~(low & high) & kLow; accepted != 0 && d < m;
         accepted &= accepted - 1, ++d) {
      const int pair = std::countr_zero(accepted);
      const std::uint64_t unknown = (low >> pair) & 1u,
                          positive = (high >> pair) & 1u;  // 01 -> 0, 10 -> +1
      v.known(d / 64) |= (unknown ^ 1u) << (d % 64);
      v.positive(d / 64) |= positive << (d % 64);
    }
  }
}

/// Number of dimensions where two vectors hold the same value (0 = 0 counts).
inline std::int64_t same_values(ConstTernary a, ConstTernary b, std::size_t m) noexcept {
  std::int64_t same = 0;
  for (std::size_t w = 0; w < a.words(); ++w) {
    const std::uint64_t differ = (a.known(w) ^ b.known(w)) | (a.positive(w) ^ b.positive(w));
    same += std::popcount(~differ & valid_bits(m, w));
  }
  return same;
}

/// Calls f(d) for every set bit of `bits` (word w), lowest dimension first.
template <class F>
inline void for_each_bit(std::uint64_t bits, std::size_t w, F&& f) {
  for (; bits != 0; bits &= bits - 1) f(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
}

}  // namespace orgsim::agents
