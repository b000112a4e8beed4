// The NK landscape itself (docs/ODD.md 7.19): interaction structure, contribution tables,
// evaluation, adaptive walks and the exhaustive census. The submodel around it (parameters,
// metrics, the departments' search) is landscape.cpp.
#include "orgsim/agents/landscape.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <numeric>

// Parallel bit extraction (BMI2 pext) gathers a decision's K + 1 bits in one instruction; the
// build targets x86-64-v2, which has no BMI2, so it is used where the CPU says it is fast: BMI2
// present, and not AMD Zen 1 or 2, whose pext is microcode taking tens of cycles per bit.
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ORGSIM_LANDSCAPE_PEXT 1
#else
#define ORGSIM_LANDSCAPE_PEXT 0
#endif

namespace orgsim::agents {

namespace {
constexpr StreamId kLinks = stream_id("landscape_links");
constexpr StreamId kTables = stream_id("landscape_tables");
constexpr StreamId kStarts = stream_id("landscape_starts");

bool fast_pext() {
#if ORGSIM_LANDSCAPE_PEXT
  static const bool fast =
      __builtin_cpu_supports("bmi2") && !__builtin_cpu_is("znver1") && !__builtin_cpu_is("znver2");
  return fast;
#else
  return false;
#endif
}

/// Draws up to `count` distinct members of `pool` (partial Fisher-Yates), appended to `out`.
void draw_from(std::vector<std::uint8_t>& pool, std::size_t count, RandomStream& draw,
               std::vector<std::uint8_t>& out) {
  for (std::size_t k = 0; k < count && !pool.empty(); ++k) {
    const std::size_t at = draw.below(pool.size());
    out.push_back(pool[at]);
    pool[at] = pool.back();
    pool.pop_back();
  }
}
}  // namespace

Landscape::Landscape(const LandscapeParams& params, std::span<const std::int32_t> owner,
                     std::span<const std::int8_t> reality, std::uint64_t seed, std::uint64_t run)
    : n_(owner.size()),
      k_(static_cast<std::size_t>(params.k)),
      march_(params.contributions == Contributions::march),
      all_(n_ >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n_) - 1),
      seed_(params.seed > 0 ? static_cast<std::uint64_t>(params.seed) : seed),
      run_(params.seed > 0 ? 0 : run),
      owner_(owner.begin(), owner.end()) {
  assert(n_ >= 1 && n_ <= 64 && k_ < n_ + (n_ == 1 ? 1 : 0));
  blocks_ = *std::max_element(owner_.begin(), owner_.end()) + 1;
  block_masks_.assign(static_cast<std::size_t>(blocks_), 0);
  for (std::size_t i = 0; i < n_; ++i)
    block_masks_[static_cast<std::size_t>(owner_[i])] |= std::uint64_t{1} << i;
  RandomStream draw(seed_, kLinks, run_, 0, 0);
  draw_inputs(params, draw);
  table_.assign(n_ << (k_ + 1), 0.0);
  pext_table_.assign(n_ << (k_ + 1), 0.0);
  pext_mask_.assign(n_, 0);
  pext_ = fast_pext();
  epoch_.assign(n_, 0);
  for (std::size_t i = 0; i < n_; ++i) {
    if (march_) {
      table_[(i << (k_ + 1)) + 0] = reality[i] < 0 ? 1.0 : 0.0;  // x_i = -1
      table_[(i << (k_ + 1)) + 1] = reality[i] > 0 ? 1.0 : 0.0;  // x_i = +1
    } else {
      draw_table(i);
    }
    order_for_pext(i);
  }
}

void Landscape::order_for_pext(std::size_t i) {
  std::uint64_t mask = std::uint64_t{1} << i;
  for (std::uint8_t j : inputs(i)) mask |= std::uint64_t{1} << j;
  mask &= all_;  // (padded slots read bit 63, which no configuration sets: not extracted)
  pext_mask_[i] = mask;
  const std::size_t bits = static_cast<std::size_t>(std::popcount(mask));
  for (std::size_t e = 0; e < (std::size_t{1} << bits); ++e) {
    std::uint64_t x = 0;  // deposit e's bits into the mask's positions, lowest first
    std::size_t b = 0;
    for (std::uint64_t left = mask; left != 0; left &= left - 1, ++b)
      if ((e >> b) & 1u) x |= left & (0 - left);
    pext_table_[(i << (k_ + 1)) + e] = contribution(i, x);
  }
}

void Landscape::draw_inputs(const LandscapeParams& params, RandomStream& draw) {
  inputs_.assign(n_ * k_, 0);
  input_count_.assign(n_, 0);
  dependents_.assign(n_, 0);
  std::size_t links = 0, crossing = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    std::vector<std::uint8_t> own, other, chosen;
    for (std::size_t j = 0; j < n_; ++j) {
      if (j == i) continue;
      const bool same = owner_[j] == owner_[i];
      if (params.pattern == Interaction::hierarchical && !same && owner_[j] > owner_[i]) continue;
      (same ? own : other).push_back(static_cast<std::uint8_t>(j));
    }
    switch (params.pattern) {
      case Interaction::random:
        own.insert(own.end(), other.begin(), other.end());
        draw_from(own, k_, draw, chosen);
        break;
      case Interaction::modular:
        draw_from(own, k_, draw, chosen);
        break;
      case Interaction::nearly_modular:
        // Each input is another department's with probability cross_share (while any is left).
        for (std::size_t k = 0; k < k_; ++k) {
          const bool cross = draw.uniform() < params.cross_share;
          auto& pool = (cross && !other.empty()) || own.empty() ? other : own;
          draw_from(pool, 1, draw, chosen);
        }
        break;
      case Interaction::hierarchical:
        own.insert(own.end(), other.begin(), other.end());  // own and earlier departments'
        draw_from(own, k_, draw, chosen);
        break;
    }
    std::sort(chosen.begin(), chosen.end());
    input_count_[i] = static_cast<std::uint8_t>(chosen.size());
    std::copy(chosen.begin(), chosen.end(), inputs_.begin() + static_cast<std::ptrdiff_t>(i * k_));
    // Fewer inputs than K (modular, hierarchical): the unused slots read bit 63, which no
    // configuration of fewer than 64 decisions sets, so every decision reads exactly K bits.
    if (chosen.size() < k_) {
      if (n_ < 64) {
        std::fill(inputs_.begin() + static_cast<std::ptrdiff_t>(i * k_ + chosen.size()),
                  inputs_.begin() + static_cast<std::ptrdiff_t>((i + 1) * k_), std::uint8_t{63});
      } else {
        padded_ = false;
      }
    }
    dependents_[i] |= std::uint64_t{1} << i;
    for (std::uint8_t j : chosen) {
      dependents_[j] |= std::uint64_t{1} << i;
      ++links;
      crossing += owner_[j] != owner_[i] ? 1 : 0;
    }
  }
  cross_share_ = links > 0 ? static_cast<double>(crossing) / static_cast<double>(links) : 0.0;
}

void Landscape::draw_table(std::size_t i) {
  RandomStream draw(seed_, kTables, run_, i, epoch_[i]);
  const std::size_t size = std::size_t{1} << (k_ + 1);
  for (std::size_t e = 0; e < size; ++e) table_[(i << (k_ + 1)) + e] = draw.uniform();
}

void Landscape::redraw(std::size_t i) {
  ++epoch_[i];
  ++redraws_;
  if (march_) {
    std::swap(table_[(i << (k_ + 1)) + 0], table_[(i << (k_ + 1)) + 1]);
  } else {
    draw_table(i);
  }
  order_for_pext(i);
  stale_ = true;
}

template <std::size_t K>
double Landscape::value_k(std::uint64_t x) const {
  // Every decision reads exactly K inputs (padded): a loop of fixed length, unrolled.
  double sum = 0;
  const std::uint8_t* in = inputs_.data();
  const double* table = table_.data();
  for (std::size_t i = 0; i < n_; ++i, in += K, table += std::size_t{2} << K) {
    std::size_t at = (x >> i) & 1u;
    for (std::size_t j = 0; j < K; ++j) at |= ((x >> in[j]) & 1u) << (j + 1);
    sum += table[at];
  }
  return sum / static_cast<double>(n_);
}

#if ORGSIM_LANDSCAPE_PEXT
__attribute__((target("bmi2"))) double Landscape::value_pext(std::uint64_t x) const {
  double sum = 0;
  const double* table = pext_table_.data();
  for (std::size_t i = 0; i < n_; ++i, table += std::size_t{2} << k_)
    sum += table[_pext_u64(x, pext_mask_[i])];
  return sum / static_cast<double>(n_);
}

__attribute__((target("bmi2"))) void Landscape::values_pext8(const std::uint64_t* x,
                                                             double* out) const {
  // Eight sums, each in decision order: eight independent chains of additions keep the adder
  // busy (one chain waits for each addition's latency).
  std::array<double, 8> sum{};
  const double* table = pext_table_.data();
  for (std::size_t i = 0; i < n_; ++i, table += std::size_t{2} << k_) {
    const std::uint64_t mask = pext_mask_[i];
    for (std::size_t j = 0; j < 8; ++j) sum[j] += table[_pext_u64(x[j], mask)];
  }
  const auto n = static_cast<double>(n_);
  for (std::size_t j = 0; j < 8; ++j) out[j] = sum[j] / n;
}
#endif

void Landscape::values(std::span<const std::uint64_t> x, std::span<double> out) const {
  assert(out.size() >= x.size());
  std::size_t j = 0;
#if ORGSIM_LANDSCAPE_PEXT
  if (pext_) {
    for (; j + 8 <= x.size(); j += 8) values_pext8(x.data() + j, out.data() + j);
  }
#endif
  for (; j < x.size(); ++j) out[j] = value(x[j]);
}

double Landscape::value(std::uint64_t x) const {
#if ORGSIM_LANDSCAPE_PEXT
  if (pext_) return value_pext(x);
#endif
  if (padded_) {
    switch (k_) {
      case 0:
        return value_k<0>(x);
      case 1:
        return value_k<1>(x);
      case 2:
        return value_k<2>(x);
      case 3:
        return value_k<3>(x);
      case 4:
        return value_k<4>(x);
      case 5:
        return value_k<5>(x);
      case 6:
        return value_k<6>(x);
      case 7:
        return value_k<7>(x);
      case 8:
        return value_k<8>(x);
      default:
        break;
    }
  }
  double sum = 0;
  for (std::size_t i = 0; i < n_; ++i) sum += contribution(i, x);
  return sum / static_cast<double>(n_);
}

double Landscape::value(std::uint64_t x, std::uint64_t mask) const {
  double sum = 0;
  for (std::uint64_t left = mask; left != 0; left &= left - 1)
    sum += contribution(static_cast<std::size_t>(std::countr_zero(left)), x);
  return mask != 0 ? sum / static_cast<double>(std::popcount(mask)) : 0.0;
}

double Landscape::expected(std::uint64_t known, std::uint64_t positive, std::uint64_t mask) const {
  double sum = 0;
  for (std::uint64_t left = mask; left != 0; left &= left - 1)
    sum += expected_contribution(static_cast<std::size_t>(std::countr_zero(left)), known, positive);
  return mask != 0 ? sum / static_cast<double>(std::popcount(mask)) : 0.0;
}

#if ORGSIM_LANDSCAPE_PEXT
__attribute__((target("bmi2"))) double Landscape::expected_pext(std::size_t i, std::uint64_t known,
                                                                std::uint64_t positive) const {
  // In the table's pext order the fills of the undecided bits are the subsets of their
  // extracted positions, met in the same increasing order: the same terms, the same double.
  const std::uint64_t mask = pext_mask_[i];
  const double* table = pext_table_.data() + (i << (k_ + 1));
  const std::uint64_t open = _pext_u64(~known, mask);
  const std::uint64_t base = _pext_u64(positive & known, mask);
  if (open == 0) return table[base];
  double part = 0;
  std::uint64_t sub = 0;
  do {
    part += table[base | sub];
    sub = (sub - open) & open;
  } while (sub != 0);
  return part / static_cast<double>(std::uint64_t{1} << std::popcount(open));
}
#endif

double Landscape::expected_contribution(std::size_t i, std::uint64_t known,
                                        std::uint64_t positive) const {
#if ORGSIM_LANDSCAPE_PEXT
  if (pext_) return expected_pext(i, known, positive);
#endif
  const std::uint64_t open = pext_mask_[i] & ~known;  // the undecided bits it reads
  const std::uint64_t base = positive & known;
  if (open == 0) return contribution(i, base);
  // The mean over every fill of the undecided bits, in increasing order of the fills.
  double part = 0;
  std::uint64_t sub = 0;
  do {
    part += contribution(i, base | sub);
    sub = (sub - open) & open;
  } while (sub != 0);
  return part / static_cast<double>(std::uint64_t{1} << std::popcount(open));
}

double Landscape::flip_gain(std::uint64_t x, std::size_t b) const {
  const std::uint64_t y = x ^ (std::uint64_t{1} << b);
  double gain = 0;
  for (std::uint64_t left = dependents_[b]; left != 0; left &= left - 1) {
    const auto i = static_cast<std::size_t>(std::countr_zero(left));
    gain += contribution(i, y) - contribution(i, x);
  }
  return gain;
}

bool Landscape::is_peak(std::uint64_t x) const {
  for (std::size_t b = 0; b < n_; ++b) {
    if (flip_gain(x, b) > 0) return false;
  }
  return true;
}

std::uint64_t Landscape::climb(std::uint64_t x, std::size_t* steps) const {
  std::size_t moves = 0;
  for (;;) {
    double best_gain = 0;
    std::size_t best_bit = n_;
    for (std::size_t b = 0; b < n_; ++b) {
      const double gain = flip_gain(x, b);
      if (gain > best_gain) {
        best_gain = gain;
        best_bit = b;
      }
    }
    if (best_bit == n_) break;
    x ^= std::uint64_t{1} << best_bit;
    ++moves;
  }
  if (steps) *steps = moves;
  return x;
}

Landscape::Census Landscape::census(bool count_peaks) const {
  assert(n_ <= kExhaustiveDecisions);
  Census census;
  census.best_value = -1;
  // Gray-code order: one decision changes per step, so the running sum updates only the
  // contributions that read it; a candidate best is re-evaluated exactly before it counts.
  std::uint64_t x = 0;
  double running = value(0) * static_cast<double>(n_);
  const std::uint64_t configurations = std::uint64_t{1} << n_;
  for (std::uint64_t step = 0;; ++step) {
    if (running / static_cast<double>(n_) > census.best_value - 1e-9) {
      const double exact = value(x);
      if (exact > census.best_value || (exact == census.best_value && x < census.best)) {
        census.best_value = exact;
        census.best = x;
      }
    }
    if (count_peaks && is_peak(x)) ++census.peaks;
    if (step + 1 == configurations) break;
    const auto b = static_cast<std::size_t>(std::countr_zero(step + 1));
    running += flip_gain(x, b);
    x ^= std::uint64_t{1} << b;
  }
  return census;
}

void Landscape::refresh(std::uint64_t hint) {
  stale_ = false;
  if (march_) {
    best_ = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      if (table_[(i << (k_ + 1)) + 1] > table_[i << (k_ + 1)]) best_ |= std::uint64_t{1} << i;
    }
    best_value_ = value(best_);
    return;
  }
  if (exact_best()) {
    const Census c = census(false);
    best_ = c.best;
    best_value_ = c.best_value;
    return;
  }
  // Beyond exhaustive search: the best peak climbed from the last best, the hint (the code) and
  // kRandomStarts random starts, drawn from the landscape's version (sum of the epochs).
  const std::uint64_t version = std::accumulate(epoch_.begin(), epoch_.end(), std::uint64_t{0});
  RandomStream draw(seed_, kStarts, run_, 0, version);
  std::uint64_t found = climb(best_ & all_);
  double found_value = value(found);
  auto consider = [&](std::uint64_t start) {
    const std::uint64_t peak = climb(start & all_);
    const double v = value(peak);
    if (v > found_value) {
      found = peak;
      found_value = v;
    }
  };
  consider(hint);
  for (std::size_t s = 0; s < kRandomStarts; ++s) consider(draw());
  best_ = found;
  best_value_ = found_value;
}

}  // namespace orgsim::agents
