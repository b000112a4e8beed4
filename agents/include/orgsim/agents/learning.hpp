// The learning and alignment core: March (1991), "Exploration and Exploitation in Organizational
// Learning", with its extensions (docs/ODD.md 7.1-7.5, 7.9). Each function is one phase.
#pragma once

#include "orgsim/agents/organization.hpp"
#include "orgsim/core/scheduler.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace orgsim::agents {

/// One step toward `target` (-1 -> 0 -> +1) on each dimension where the target is non-zero and
/// the belief differs from it, each with probability p: one draw per such dimension, lowest
/// dimension first. Shared by socialization, peer learning and retraining.
void move_toward(Ternary beliefs, ConstTernary target, double p, RandomStream& draw);
/// The same with `trials` for p: fresh, or restarted (BernoulliTrials::restart) for reuse.
void move_toward(Ternary beliefs, ConstTernary target, BernoulliTrials& trials, RandomStream& draw);

/// The dimensions of a function's domain (who knows what, docs/ODD.md 7.11): dimension d belongs
/// to function d mod `functions`; bit d of the mask is set for each of `function`'s m dimensions.
std::array<std::uint64_t, kMaxWords> domain_mask(std::size_t function, std::size_t functions,
                                                 std::size_t m);

/// Whether employees learn from their contacts (structure on, structure.peer_learning_rate > 0):
/// then acting and peer learning are separate phases (act, learn_from_peers_and_socialize).
bool peer_learning_on(const ModelParams& params);

/// Serial: each dimension of reality flips sign with probability p4 (turbulence).
void apply_turbulence(Organization& org, Tick tick);

/// Parallel: employees act; a belief of +1/-1 is acted on as is, a 0 belief as a fair coin flip.
/// Stores each employee's actions and action score (agreement of actions with reality). The
/// employee's first two words of the tick, from the same stream, are reserved for turnover and
/// the quit's number.
void act(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Socialization of one employee, the second half of an employee's learning step (after acting,
/// or after peer learning when structure.peer_learning_rate > 0): on each dimension where the
/// guiding code (the org code, or the team's code when structure is on; in a matrix one of the
/// two lines at random) is non-zero and the belief differs, the belief moves one step toward it
/// with the employee's socialization rate; then experimentation reopens beliefs (culture on);
/// then code_matches is recorded. Reads codes as they were before this tick's code learning.
/// Draws continue the caller's stream, so one stream serves an employee's whole learning step.
/// One object per chunk of slots: it caches the packed codes of the team being visited.
class Socialization {
 public:
  explicit Socialization(Organization& org);
  /// Socializes `beliefs` (the employee's, or the buffer peer learning wrote) of `slot`.
  void apply(std::size_t slot, Ternary beliefs, RandomStream& draw);

 private:
  void pack(PackedCode& cache, std::size_t& cached, std::size_t team);
  Organization& org_;
  std::size_t m_, words_;
  bool matrix_;
  double explore_;
  std::span<const std::int32_t> team_, project_team_;
  std::span<const double> rate_;
  std::span<std::int16_t> matches_;
  double explore_rate_ =
      0;  // experimentation rate of own_team_ (its culture's learning orientation)
  ReusedTrials explore_trials_;  // experimentation's, for the last rate seen (one per culture)
  ReusedTrials trials_;          // socialization's, for the last rate seen
  PackedCode guiding_, own_;
  std::size_t guiding_team_ = SIZE_MAX, own_team_ = SIZE_MAX;
};

/// Parallel, when there is no peer learning: each employee acts, then is socialized
/// (Socialization), from one random stream per employee and tick.
void act_and_socialize(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Serial (with a deterministic parallel reduction), at review ticks: the superior group is the
/// employees whose (perceived) action score beats the code's score; on each dimension where that
/// group's majority differs from the code, the code takes the majority value with probability
/// 1-(1-p2)^k, k = |#(+1) - #(-1)| (and k >= collectivism x group size). Decisions take effect
/// after the decision latency. Uses the actions taken before socialization.
void learn_code(Organization& org, Tick tick);

/// Parallel: engagement-driven quits (people submodel), decided by the number drawn when acting;
/// turnover with probability p3 was decided when acting (Acting in learning.cpp).
void draw_turnover(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Serial: each leaver's slot gets a new id (a replacement hire), in slot order.
void renew_leavers(Organization& org, Tick tick);

/// Parallel: replacement hires draw fresh beliefs, traits and skills.
void onboard_hires(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// True when nothing can change any more without turnover or turbulence: no employee could beat
/// the code whatever their coin flips, and no belief differs from a non-zero code value.
bool at_equilibrium(const Organization& org);

}  // namespace orgsim::agents
