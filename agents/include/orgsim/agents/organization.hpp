// The state of one simulated organization: the market's hidden reality, the organizational code
// (strategy and codified practice) and the employees (struct-of-arrays, stable ids, teams).
#pragma once

#include "orgsim/agents/parameters.hpp"
#include "orgsim/core/population.hpp"
#include "orgsim/core/rng.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace orgsim::agents {

/// What a run's random streams are keyed by: the experiment seed and the replication index (not
/// the design point), so every design point of a replication sees the same random events.
struct RunKey {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;

  /// The stream for (name, entity, tick) of this run.
  [[nodiscard]] RandomStream stream(StreamId name, std::uint64_t entity, std::uint64_t tick) const {
    return RandomStream(seed, name, replication, entity, tick);
  }
};

/// Named random streams of the model (one per purpose, so submodels never share draws).
namespace streams {
inline constexpr StreamId reality = stream_id("reality");
inline constexpr StreamId new_beliefs = stream_id("new_beliefs");
inline constexpr StreamId turbulence = stream_id("turbulence");
inline constexpr StreamId act = stream_id("act");
inline constexpr StreamId socialization = stream_id("socialization");
inline constexpr StreamId code_learning = stream_id("code_learning");
inline constexpr StreamId turnover = stream_id("turnover");
}  // namespace streams

class Organization {
 public:
  /// Initialises tick 0: random reality (+1/-1), a code of zeros, employees with beliefs drawn
  /// uniformly from {-1, 0, +1}, split into contiguous teams. `params` must be consistent.
  Organization(const ModelParams& params, RunKey key);

  Organization(const Organization&) = delete;
  Organization& operator=(const Organization&) = delete;
  Organization(Organization&&) noexcept = default;

  [[nodiscard]] const ModelParams& params() const noexcept { return params_; }
  [[nodiscard]] const RunKey& key() const noexcept { return key_; }
  /// Number of dimensions m.
  [[nodiscard]] std::size_t dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] std::size_t headcount() const noexcept { return employees_.size(); }

  // --- organization-level state -----------------------------------------------------------
  std::vector<std::int8_t> reality;  ///< hidden market reality, each +1 or -1
  std::vector<std::int8_t> code;     ///< organizational code, each -1, 0 or +1

  // --- per-tick outcomes, written by serial phases ------------------------------------------
  std::int64_t code_score = 0;        ///< sum over dimensions of code * reality before learning
  std::size_t superior_count = 0;     ///< employees whose actions beat the code this tick
  std::size_t leavers = 0;            ///< employees replaced this tick
  std::size_t reality_flips = 0;      ///< dimensions of reality flipped this tick

  // --- employees (struct of arrays) ---------------------------------------------------------
  [[nodiscard]] Population& employees() noexcept { return employees_; }
  [[nodiscard]] const Population& employees() const noexcept { return employees_; }
  /// Beliefs of the employee in `slot` (m values in {-1, 0, +1}).
  [[nodiscard]] std::span<std::int8_t> beliefs(std::size_t slot) {
    return employees_.column(beliefs_).subspan(slot * dimensions_, dimensions_);
  }
  [[nodiscard]] std::span<const std::int8_t> beliefs(std::size_t slot) const {
    return employees_.column(beliefs_).subspan(slot * dimensions_, dimensions_);
  }
  /// Actions taken this tick (m values in {-1, +1}).
  [[nodiscard]] std::span<std::int8_t> actions(std::size_t slot) {
    return employees_.column(actions_).subspan(slot * dimensions_, dimensions_);
  }
  [[nodiscard]] std::span<const std::int8_t> actions(std::size_t slot) const {
    return employees_.column(actions_).subspan(slot * dimensions_, dimensions_);
  }
  /// sum over dimensions of action * reality this tick.
  [[nodiscard]] std::span<std::int32_t> action_scores() { return employees_.column(action_score_); }
  [[nodiscard]] std::span<const std::int32_t> action_scores() const {
    return employees_.column(action_score_);
  }
  [[nodiscard]] std::span<const std::int32_t> teams() const { return employees_.column(team_); }
  /// 1 when the employee leaves this tick.
  [[nodiscard]] std::span<std::uint8_t> leaving() { return employees_.column(leaving_); }

  /// Draws fresh beliefs for the employee in `slot` (keyed by its id, so hires are reproducible).
  void draw_new_beliefs(std::size_t slot);

 private:
  ModelParams params_;
  RunKey key_;
  std::size_t dimensions_;
  Population employees_;
  ColumnHandle<std::int8_t> beliefs_;
  ColumnHandle<std::int8_t> actions_;
  ColumnHandle<std::int32_t> action_score_;
  ColumnHandle<std::int32_t> team_;
  ColumnHandle<std::uint8_t> leaving_;
};

/// sum over d of a[d] * b[d] for ternary vectors: (#agree - #disagree), zeros count for neither.
std::int64_t agreement(std::span<const std::int8_t> a, std::span<const std::int8_t> b);

}  // namespace orgsim::agents
