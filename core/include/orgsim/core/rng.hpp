// Counter-based random streams (Random123 Philox4x64). A draw is a pure function of
// (experiment seed, named stream, run key, agent, tick, draw index), so results never depend on
// which thread makes the draw or in what order agents are visited.
#pragma once

#include <Random123/philox.h>

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

}  // namespace orgsim
