// Counter-based random streams (Random123 Philox4x64). A draw is a pure function of
// (experiment seed, named stream, run key, agent, tick, draw index), so results never depend on
// which thread makes the draw or in what order agents are visited.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace orgsim {

namespace detail {
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang extension, for Lemire's method
}  // namespace detail

/// Identifies a named random stream; derived from the name so adding a stream shifts no other.
using StreamId = std::uint32_t;

/// FNV-1a hash of a stream name, usable at compile time: `constexpr auto s = stream_id("x");`.
constexpr StreamId stream_id(std::string_view name) {
  std::uint32_t hash = 2166136261u;
  for (char c : name) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

/// One independent random stream. Cheap to construct on the stack (no heap); construct one per
/// (agent, tick, purpose) inside a parallel loop. Satisfies UniformRandomBitGenerator, so
/// Boost.Random distributions accept it.
class RandomStream {
 public:
  using result_type = std::uint64_t;

  /// @param seed   experiment seed
  /// @param stream named stream (see stream_id)
  /// @param run    run key: the replication index, so design points share random numbers
  /// @param agent  agent id (or any entity index; 0 for organization-level draws)
  /// @param tick   simulation tick
  RandomStream(std::uint64_t seed, StreamId stream, std::uint64_t run, std::uint64_t agent,
               std::uint64_t tick) noexcept
      : key_{{seed, stream}}, counter_{{run, agent, tick, 0}} {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// 64 uniformly random bits.
  result_type operator()() noexcept {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

  /// True with probability p (p <= 0 never, p >= 1 always).
  bool bernoulli(double p) noexcept { return uniform() < p; }

  /// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) noexcept {
    detail::uint128 product = static_cast<detail::uint128>((*this)()) * n;
    auto low = static_cast<std::uint64_t>(product);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        product = static_cast<detail::uint128>((*this)()) * n;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

 private:
  using Philox = r123::Philox4x64;

  void refill() noexcept {
    block_ = Philox()(counter_, key_);
    ++counter_.v[3];
    used_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  Philox::ctr_type block_{};
  unsigned used_ = 4;
};

/// Independent Bernoulli(p) trials over a sequence of candidates. When one outcome is rare
/// (r = min(p, 1 - p) < 0.05) only the rare outcomes cost random numbers: the gaps between them
/// are geometric, drawn by inversion (floor(log U / log(1 - r))), so c candidates cost about
/// c * r + 1 draws instead of c. Otherwise each trial is one bernoulli(p) draw, which is cheaper
/// than a logarithm. Draws are taken lazily, when a candidate needs them.
class BernoulliSequence {
 public:
  explicit BernoulliSequence(double p) noexcept
      : p_(p), rare_(p <= 0.5 ? p : 1 - p), rare_is_success_(p <= 0.5),
        skipping_(p > 0 && p < 1 && rare_ < kSkipBelow) {}

  /// The outcome of the next candidate's trial.
  bool next(RandomStream& draw) noexcept {
    if (p_ <= 0) return false;  // certain outcomes draw nothing
    if (p_ >= 1) return true;
    if (!skipping_) return draw.bernoulli(p_);
    if (!have_gap_) {
      if (log_common_ == 0) log_common_ = std::log1p(-rare_);  // once, when first needed
      const double u = 1.0 - draw.uniform();  // (0, 1]
      const double gap = std::floor(std::log(u) / log_common_);
      gap_ = gap < 9.0e18 ? static_cast<std::uint64_t>(gap) : std::numeric_limits<std::uint64_t>::max();
      have_gap_ = true;
    }
    if (gap_ > 0) {
      --gap_;
      return !rare_is_success_;
    }
    have_gap_ = false;
    return rare_is_success_;
  }

 private:
  static constexpr double kSkipBelow = 0.05;  // well below where a logarithm per rare outcome stops paying (~0.13)
  double p_, rare_;
  bool rare_is_success_, skipping_;
  double log_common_ = 0;
  bool have_gap_ = false;
  std::uint64_t gap_ = 0;
};

}  // namespace orgsim
