// Interdependent decisions: an NK landscape (Kauffman 1993; Levinthal 1997) whose decisions are
// allocated to departments (Rivkin & Siggelkow 2003), docs/ODD.md 7.19. A configuration is one
// 64-bit word, bit i set where decision i is +1. Decision i contributes table_i[x_i, x_inputs]
// and the landscape's value is the mean contribution, in [0, 1].
#pragma once

#include "orgsim/agents/params/landscape.hpp"

#include "orgsim/core/rng.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace orgsim::agents {

class Landscape {
 public:
  /// An inactive landscape (landscape.enabled = false: March's independent dimensions).
  Landscape() = default;

  /// Draws the interaction structure and every contribution table from the streams of
  /// (seed, run). `owner[i]` is the block (department) that owns decision i; `reality` is March's
  /// reality, which march contributions mirror.
  Landscape(const LandscapeParams& params, std::span<const std::int32_t> owner,
            std::span<const std::int8_t> reality, std::uint64_t seed, std::uint64_t run);

  [[nodiscard]] bool active() const noexcept { return n_ > 0; }
  [[nodiscard]] std::size_t n() const noexcept { return n_; }
  [[nodiscard]] std::size_t k() const noexcept { return k_; }
  [[nodiscard]] bool march() const noexcept { return march_; }
  [[nodiscard]] std::uint64_t all() const noexcept { return all_; }
  [[nodiscard]] std::int32_t owner(std::size_t i) const { return owner_[i]; }
  [[nodiscard]] std::int32_t blocks() const noexcept { return blocks_; }
  /// The decisions whose values decision i's contribution depends on (besides its own).
  [[nodiscard]] std::span<const std::uint8_t> inputs(std::size_t i) const {
    return {inputs_.data() + i * k_, input_count_[i]};
  }
  /// The decisions owned by `block` as a bit mask.
  [[nodiscard]] std::uint64_t block_mask(std::int32_t block) const {
    return block_masks_[static_cast<std::size_t>(block)];
  }
  /// Share of all interactions (input links) that cross from one block to another.
  [[nodiscard]] double cross_share() const noexcept { return cross_share_; }

  /// Decision i's contribution in configuration x.
  [[nodiscard]] double contribution(std::size_t i, std::uint64_t x) const {
    return table_[(i << (k_ + 1)) + index(i, x)];
  }
  /// The mean contribution of every decision: the landscape's value of x, in [0, 1].
  [[nodiscard]] double value(std::uint64_t x) const;
  /// value() of each of x into out (the same doubles): several configurations at once, whose
  /// sums of contributions proceed side by side (one sum's additions wait for each other).
  void values(std::span<const std::uint64_t> x, std::span<double> out) const;
  /// The mean contribution of the decisions in `mask` (a department's own payoff).
  [[nodiscard]] double value(std::uint64_t x, std::uint64_t mask) const;
  /// The expected value over the decisions in `mask` when only the bits in `known` are decided
  /// (each undecided decision a fair coin flip, as an employee acts on a 0 belief).
  [[nodiscard]] double expected(std::uint64_t known, std::uint64_t positive,
                                std::uint64_t mask) const;
  /// Decision i's term in expected(): its contribution averaged over every fill of the
  /// undecided bits it reads (expected() sums these terms in increasing i).
  [[nodiscard]] double expected_contribution(std::size_t i, std::uint64_t known,
                                             std::uint64_t positive) const;
  /// The decisions whose contribution reads decision b (b's own included).
  [[nodiscard]] std::uint64_t dependents(std::size_t b) const { return dependents_[b]; }
  /// How often decision i's table has been redrawn: its contributions change only with it.
  [[nodiscard]] std::uint32_t epoch(std::size_t i) const { return epoch_[i]; }

  /// A new contribution table for decision i (turbulence, shocks): march contributions mirror
  /// (reality's value flipped), uniform ones are drawn afresh from the decision's next epoch.
  void redraw(std::size_t i);

  /// Steepest ascent over one-decision changes from x to a local peak; `steps` counts the moves.
  [[nodiscard]] std::uint64_t climb(std::uint64_t x, std::size_t* steps = nullptr) const;
  /// True when no single decision change raises the value of x.
  [[nodiscard]] bool is_peak(std::uint64_t x) const;

  /// Exhaustive census (n <= kExhaustiveDecisions): the global optimum and the local peaks.
  struct Census {
    std::uint64_t best = 0;
    double best_value = 0;
    std::size_t peaks = 0;
  };
  [[nodiscard]] Census census(bool count_peaks) const;

  /// The best configuration known: exact (census) for n <= kExhaustiveDecisions, otherwise the
  /// best local peak climbed from the previous best, from `hint` and from kRandomStarts random
  /// starts (the previous best is kept unless a better peak is found).
  /// Recomputed by refresh() after a change; cheap to read.
  [[nodiscard]] std::uint64_t best() const noexcept { return best_; }
  [[nodiscard]] double best_value() const noexcept { return best_value_; }
  [[nodiscard]] bool exact_best() const noexcept { return n_ <= kExhaustiveDecisions; }
  /// Redraws so far (of any decision): a configuration's value changes only with it.
  [[nodiscard]] std::uint64_t redraws() const noexcept { return redraws_; }
  [[nodiscard]] bool stale() const noexcept { return stale_; }
  void refresh(std::uint64_t hint);

  static constexpr std::size_t kExhaustiveDecisions = 20;
  static constexpr std::size_t kRandomStarts = 8;

 private:
  [[nodiscard]] std::size_t index(std::size_t i, std::uint64_t x) const {
    std::size_t at = (x >> i) & 1u;
    const std::uint8_t* in = inputs_.data() + i * k_;
    for (std::size_t j = 0; j < input_count_[i]; ++j) at |= ((x >> in[j]) & 1u) << (j + 1);
    return at;
  }
  template <std::size_t K>
  [[nodiscard]] double value_k(std::uint64_t x) const;
  /// value(x) by parallel bit extraction (BMI2 pext) from tables in pext order; the same
  /// contributions summed in the same order as value_k, so the same double.
  [[nodiscard]] double value_pext(std::uint64_t x) const;
  /// expected_contribution by parallel bit extraction (the same terms in the same order).
  [[nodiscard]] double expected_pext(std::size_t i, std::uint64_t known,
                                     std::uint64_t positive) const;
  /// value_pext of eight configurations side by side.
  void values_pext8(const std::uint64_t* x, double* out) const;
  /// Decision i's pext mask and its table reordered so that entry pext(x, mask) is
  /// table_i[index(i, x)] (called whenever table i changes).
  void order_for_pext(std::size_t i);
  /// Change in value when decision b of x flips (its own and its dependents' contributions).
  [[nodiscard]] double flip_gain(std::uint64_t x, std::size_t b) const;
  void draw_table(std::size_t i);
  void draw_inputs(const LandscapeParams& params, RandomStream& draw);

  std::size_t n_ = 0, k_ = 0;
  bool march_ = false;
  std::uint64_t all_ = 0;
  std::int32_t blocks_ = 0;
  double cross_share_ = 0;
  std::uint64_t seed_ = 0, run_ = 0;
  std::vector<std::int32_t> owner_;
  std::vector<std::uint64_t> block_masks_;
  std::vector<std::uint8_t> inputs_;       ///< [decision][k]
  std::vector<std::uint8_t> input_count_;  ///< inputs actually drawn (hierarchical: fewer early)
  std::vector<std::uint64_t> dependents_;  ///< [decision]: decisions whose contribution reads it
  std::vector<double> table_;              ///< [decision][2^(k+1)]
  std::vector<std::uint32_t> epoch_;       ///< redraws of each decision's table
  std::uint64_t redraws_ = 0;
  std::vector<std::uint64_t> pext_mask_;  ///< [decision]: its own bit and its inputs' bits
  std::vector<double> pext_table_;        ///< [decision][2^(k+1)]: table_ in pext order
  std::uint64_t best_ = 0;
  double best_value_ = 0;
  bool stale_ = true;
  bool padded_ = true;
  bool pext_ = false;  ///< value() by value_pext (the CPU has a fast BMI2 pext)  ///< every
                       ///< decision's input slots filled (bit 63 where unused)
};

}  // namespace orgsim::agents
