// Counter-based random streams (Random123 Philox4x64). A draw is a pure function of
// (experiment seed, named stream, run key, agent, tick, draw index), so results never depend on
// which thread makes the draw or in what order agents are visited.
#pragma once

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
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

  /// The first block of 4 words of a stream: Philox of its counter (run, agent, tick, 0).
  using Block = r123::Philox4x64::ctr_type;

  /// The same stream, its first block computed ahead (StreamsAhead): the draws are those of the
  /// stream computed on demand.
  RandomStream(std::uint64_t seed, StreamId stream, std::uint64_t run, std::uint64_t agent,
               std::uint64_t tick, const Block& first) noexcept
      : key_{{seed, stream}}, counter_{{run, agent, tick, 1}}, block_(first), used_(0) {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// 64 uniformly random bits.
  result_type operator()() noexcept {
    if (used_ >= 4) {
      const unsigned skip = used_ - 4;  // words discarded before the block was needed
      counter_.v[3] += skip / 4;        // whole blocks passed over are never computed
      refill();
      used_ = skip % 4;
    }
    return block_.v[used_++];
  }

  /// Passes over the next n words as if they had been drawn, without computing a block that
  /// nothing else needs: a word reserved for a draw that is switched off keeps its place, so the
  /// draws after it are the same whether it is on or off.
  void discard(unsigned n) noexcept { used_ += n; }

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
  unsigned used_ = 4;  // words of block_ used; 4 + k: block_ not computed yet, k words discarded
};

/// Independent Bernoulli(p) trials for candidates given as the set bits of a 64-bit word:
/// `select` returns the candidates that succeed. Each call picks the regime that costs the
/// fewest random words (the choice depends only on p and the candidates, so results stay
/// reproducible):
/// - one outcome rare (r = min(p, 1 - p) < 0.05): only the rare outcomes cost random numbers;
///   the gaps between them are geometric, drawn by inversion (floor(log U / log(1 - r)), the
///   logarithm only where the gap's value matters) and carried from one call to the next, so c
///   candidates cost about c * r + 1 draws;
/// - at most 3 candidates: one bernoulli(p) draw each;
/// - otherwise all candidates at once, bit-sliced: candidate i succeeds iff its uniform number
///   U_i in [0, 1) is below p, and the U_i are compared with p one binary digit at a time, digit
///   j of all 64 U_i being random word j. At each digit an undecided candidate is decided with
///   probability 1/2 (its digit differs from p's), so c candidates cost about log2(c) + 1.3
///   words instead of c, and the outcome is exactly Bernoulli(p) for the double p.
class BernoulliTrials {
 public:
  explicit BernoulliTrials(double p) noexcept
      : p_(p),
        rare_(p <= 0.5 ? p : 1 - p),
        rare_is_success_(p <= 0.5),
        skipping_(p > 0 && p < 1 && rare_ < kSkipBelow) {
    if (p > 0 && p < 1 && !skipping_) first_digits(p);
  }

  /// The subset of `candidates` whose trials succeed.
  std::uint64_t select(std::uint64_t candidates, RandomStream& draw) noexcept {
    if (candidates == 0 || p_ <= 0) return 0;
    if (p_ >= 1) return candidates;
    if (skipping_) return select_skipping(candidates, draw);
    std::uint64_t success = 0;
    if (std::popcount(candidates) <= kOneByOneUpTo) {
      for (std::uint64_t left = candidates; left != 0; left &= left - 1) {
        if (draw.bernoulli(p_)) success |= left & (0 - left);
      }
      return success;
    }
    std::uint64_t undecided = candidates;  // candidates whose digits all equal p's so far
    std::uint64_t digits = digits_;
    double tail = tail_;
    for (;;) {
      // With no 1 digit of p left, an undecided candidate's number is >= p: the trial fails.
      const int last = tail == 0 ? std::countr_zero(digits) : 0;
      for (int j = 63; j >= last; --j) {
        const std::uint64_t random = draw();  // digit j of every candidate's number
        if ((digits >> j) & 1u) {
          success |= undecided & ~random;  // digit 0 against p's 1: below p
          undecided &= random;
        } else {
          undecided &= ~random;  // digit 1 against p's 0: above p
        }
        if (undecided == 0) return success;
      }
      if (tail == 0) return success;
      split_digits(std::ldexp(tail, 64), digits,
                   tail);  // p's next 64 digits (p < 2^-64 or long expansions)
    }
  }

  /// The probability of success.
  [[nodiscard]] double p() const noexcept { return p_; }
  /// A copy whose setup is done (the logarithm the skipping regime needs), for copying into
  /// many sequences of trials with the same p.
  [[nodiscard]] BernoulliTrials prepared() const noexcept {
    BernoulliTrials copy = *this;
    if (copy.skipping_) copy.log_common();
    return copy;
  }

  /// Forgets the gap carried over from earlier calls, as a fresh copy would; what was computed
  /// for p (the logarithm, the bounds) is kept. For one object serving many sequences of trials.
  void restart() noexcept { have_u_ = false; }

  /// The outcome of one more trial (a single candidate).
  bool next(RandomStream& draw) noexcept { return select(1, draw) != 0; }

 private:
  // Well below where a logarithm per rare outcome stops paying (benchmarks/README.md, 2026-12-05).
  static constexpr double kSkipBelow = 0.05;
  static constexpr int kOneByOneUpTo =
      3;  // bit-sliced costs more words than one draw each up to 3 candidates

  /// Digits 1..64 of p in (0, 1) and the rest, from the double's bits (exact; for p >= 2^-12,
  /// which covers every p not skipped, the rest is 0).
  void first_digits(double p) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(p);
    const int exponent = static_cast<int>(bits >> 52);  // biased; p > 0 so the sign bit is 0
    if (exponent >= 1011) {                             // p = mantissa * 2^(exponent - 1075)
      const std::uint64_t mantissa =
          (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1} << 52);
      digits_ = mantissa << (exponent - 1011);
      tail_ = 0;
    } else {
      split_digits(std::ldexp(p, 64), digits_, tail_);
    }
  }

  /// x in [0, 2^64): the integer part as 64 binary digits and the fraction (both exact).
  static void split_digits(double x, std::uint64_t& digits, double& fraction) noexcept {
    const double whole = std::floor(x);
    digits = static_cast<std::uint64_t>(whole);
    fraction = x - whole;
  }

  /// Skipping regime: the current gap (common outcomes before the next rare one) passes over
  /// whole words of candidates at once; lowest candidate first, as one trial after another.
  /// The gap is floor(log U / log(1 - r)) for its uniform number U, but the logarithm is only
  /// taken when the gap's value matters: while U is clearly below (1 - r)^k, the gap is surely at
  /// least k, and that is all a word of k candidates without a rare outcome needs to know (most
  /// words, since r < 0.05). The outcomes are exactly those of computing every gap.
  std::uint64_t select_skipping(std::uint64_t candidates, RandomStream& draw) noexcept {
    std::uint64_t rare = 0;
    for (std::uint64_t left = candidates; left != 0;) {
      const auto count = static_cast<std::uint64_t>(std::popcount(left));
      if (!have_u_) {
        u_ = 1.0 - draw.uniform();  // (0, 1]
        have_u_ = true;
        have_gap_ = false;
        passed_ = 0;
      }
      if (!have_gap_) {
        if (passed_ + count <= kBounds && u_ <= surely_at_least(passed_ + count)) {
          passed_ += count;  // every candidate left has the common outcome
          break;
        }
        const double gap = std::floor(std::log(u_) / log_common());
        gap_ = gap < 9.0e18 ? static_cast<std::uint64_t>(gap)
                            : std::numeric_limits<std::uint64_t>::max();
        gap_ -= passed_;  // those were certain: gap >= passed_
        have_gap_ = true;
      }
      if (gap_ >= count) {  // every candidate left has the common outcome
        gap_ -= count;
        break;
      }
      for (; gap_ > 0; --gap_) left &= left - 1;  // the common outcomes before the rare one
      rare |= left & (0 - left);
      left &= left - 1;
      have_u_ = false;
    }
    return rare_is_success_ ? rare : candidates & ~rare;
  }

  /// A bound b_k <= (1 - r)^k such that U <= b_k makes floor(log U / log(1 - r)) >= k certain
  /// despite the rounding of the logarithm and the division (a relative margin of 1e-9, many
  /// orders above it), for 1 <= k <= kBounds; computed once per k, when first needed.
  double surely_at_least(std::uint64_t k) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (k - 1);
    if (!(bounds_known_ & bit)) {
      bounds_[k - 1] = std::exp(static_cast<double>(k) * log_common()) * (1.0 - 1e-9);
      bounds_known_ |= bit;
    }
    return bounds_[k - 1];
  }

  static constexpr std::uint64_t kBounds = 64;

  /// log(1 - r), computed once, when first needed.
  double log_common() noexcept {
    if (log_common_ == 0) log_common_ = std::log1p(-rare_);
    return log_common_;
  }

  double p_, rare_;
  bool rare_is_success_, skipping_;
  std::uint64_t digits_ = 0;  // binary digits 1..64 of p
  double tail_ = 0;           // p * 2^64 - digits_: the digits after the 64th
  double log_common_ = 0;
  // The current gap: its number U, and either its value (have_gap_) or how many common outcomes
  // it has surely passed so far.
  double u_ = 0;
  bool have_u_ = false, have_gap_ = false;
  std::uint64_t gap_ = 0, passed_ = 0;
  std::uint64_t bounds_known_ = 0;  // bit k - 1: bounds_[k - 1] computed
  double bounds_[kBounds];          // NOLINT: filled as needed (bounds_known_)
};

/// Bernoulli trials for the probability last asked for, set up once (the skipping regime's
/// logarithm and bounds) and restarted for each new sequence of trials: the outcomes of a fresh
/// BernoulliTrials(p), without its setup, where many agents in a row share p.
class ReusedTrials {
 public:
  /// Trials with probability p, as fresh.
  BernoulliTrials& operator()(double p) noexcept {
    if (p != trials_.p()) trials_ = BernoulliTrials(p).prepared();
    trials_.restart();
    return trials_;
  }

 private:
  BernoulliTrials trials_{0.0};
};

/// The streams (seed, stream, run, entities[slot], tick) of consecutive slots, their first blocks
/// computed kLanes at a time with the Philox rounds interleaved. One stream's ten rounds wait on
/// each other's multiplications; different streams' rounds do not, so computing several together
/// keeps the multiplier busy (a stream per agent and tick is the model's commonest draw, and its
/// first block was a chain of latency in front of every agent's step). The draws are exactly
/// those of RandomStream computed on demand. Slots are asked for in increasing order.
class StreamsAhead {
 public:
  static constexpr std::size_t kLanes = 8;

  /// @param entities the entity (agent id) of each slot
  /// @param end      one past the last slot that will be asked for
  StreamsAhead(std::uint64_t seed, StreamId stream, std::uint64_t run, std::uint64_t tick,
               std::span<const std::uint64_t> entities, std::size_t end) noexcept
      : seed_(seed), stream_(stream), run_(run), tick_(tick), entities_(entities), end_(end) {}

  /// The stream of `slot`.
  RandomStream operator()(std::size_t slot) noexcept {
    if (slot >= next_ || slot < first_) compute_from(slot);
    return RandomStream(seed_, stream_, run_, entities_[slot], tick_, blocks_[slot - first_]);
  }

 private:
  void compute_from(std::size_t slot) noexcept {
    first_ = slot;
    next_ = std::min(slot + kLanes, end_);
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      const std::uint64_t entity = slot + lane < next_ ? entities_[slot + lane] : 0;
      blocks_[lane] = {{run_, entity, tick_, 0}};
    }
    // Philox4x64-10 as r123::Philox4x64 computes it: a round, then (bump the key, a round) x 9.
    r123::Philox4x64::key_type key = {{seed_, stream_}};
    for (unsigned round = 0; round < r123::Philox4x64::rounds; ++round) {
      if (round > 0) key = _philox4x64bumpkey(key);
      for (auto& block : blocks_) block = _philox4x64round(block, key);
    }
  }

  std::uint64_t seed_;
  StreamId stream_;
  std::uint64_t run_, tick_;
  std::span<const std::uint64_t> entities_;
  std::size_t end_, first_ = 0, next_ = 0;
  std::array<RandomStream::Block, kLanes> blocks_;  // NOLINT: computed before use
};

}  // namespace orgsim
