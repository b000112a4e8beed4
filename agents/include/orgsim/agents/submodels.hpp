// The phases of the submodels around the learning core, one source file each under agents/src
// (environment, structure, people, work, automation, growth, policy). docs/ODD.md section 7
// gives their equations; section 3 their order in a tick.
#pragma once

#include <cmath>
#include <optional>
#include <span>

#include "orgsim/agents/organization.hpp"

#include <cstddef>

namespace orgsim::agents {

// environment.cpp --------------------------------------------------------------------------------
/// Serial: resets the per-tick outcomes.
void begin_tick(Organization& org, Tick tick);
/// Serial: scheduled and random shocks flip a share of reality at once.
void apply_shocks(Organization& org, Tick tick);
/// Flips exactly round(size x m) dimensions of reality now and starts resilience tracking.
void shock_reality(Organization& org, Tick tick, double size);
/// Serial: the run's scheduled events for this tick (shock, restructure, parameter changes).
void apply_events(Organization& org, Tick tick);
/// Serial: the market grows; demand follows the market and customer loyalty.
void update_market(Organization& org, Tick tick);
/// The loyalty at which demand is the base demand: customers' expectation with work on (the
/// firm starts from today, 5.), else 0.5.
double loyalty_centre(const ModelParams& p);
/// Serial: tracks the depth and duration of the drop in strategic fit after the last shock.
void track_resilience(Organization& org, Tick tick);

// landscape.cpp ----------------------------------------------------------------------------------
/// One decision of reality changes (turbulence, shocks): March's flips sign; on a landscape the
/// decision's contribution table is redrawn. Call settle_landscape() after a batch of changes.
void change_decision(Organization& org, std::size_t d);
/// The stream for a change of the market (turbulence, shocks): the run's own, or, when every
/// replication shares one landscape (landscape.seed > 0), the landscape's, so the replications
/// stay on one landscape through partial changes.
RandomStream market_stream(const Organization& org, StreamId name, std::uint64_t entity, Tick tick);
/// After landscape changes: the best known configuration is recomputed and becomes reality.
void settle_landscape(Organization& org);
/// The code as a configuration: bits decided (+1 or -1) and bits that are +1.
struct CodeBits {
  std::uint64_t known = 0, positive = 0;
};
CodeBits code_bits(const Organization& org);
/// A code (one of -1, 0, +1 per decision; the first 64) as a configuration.
CodeBits code_bits(std::span<const std::int8_t> code);
/// On a landscape, each team's strategic fit (teams.fit, what makes its work on strategy) is
/// its code's payoff rescaled so that a random code scores 0.5 and the best known one 1, as
/// agreement with reality does without the landscape (docs/ODD.md 7.19).
void landscape_team_fit(Organization& org);
/// A landscape value in [0, 1] as an action score (fixed point, so scores compare as integers):
/// value x 2^24, rounded half away from zero (std::lround without the library call: x - trunc(x)
/// is exact). Inline: every employee's score on a landscape goes through it.
inline std::int32_t landscape_score(double value) {
  const double x = value * 16777216.0;
  const double whole = std::trunc(x);
  const double rest = x - whole;
  return static_cast<std::int32_t>(whole) + (rest >= 0.5 ? 1 : rest <= -0.5 ? -1 : 0);
}
/// Serial, at strategy reviews: departments search their decisions and propose; the top screens
/// the proposals (Rivkin & Siggelkow 2003).
void search_decisions(Organization& org, Tick tick);
/// Serial: records the local peaks the code sits on.
void track_landscape(Organization& org, Tick tick);

// coordination.cpp -------------------------------------------------------------------------------
/// Whether exceptions and coordination load are modelled (coordination, structure and work on).
bool coordination_on(const ModelParams& params);
/// The share of exceptions that involve another department: the landscape's cross-department
/// share of interactions when it has several departments, else coordination.interdependence.
double interdependence(const Organization& org);
/// What coordination changed in this tick's work totals.
struct CoordinationOutcome {
  double completed = 0;    ///< resolved minus held-back work (tasks)
  double on_strategy = 0;  ///< the same, weighted by the teams' fit
  double reworked = 0;     ///< ignored exceptions, back in the queues to be redone
  double pending = 0;      ///< work held back by open exceptions after this tick (in process)
};
/// Inside process_work, after the teams served their queues: managers resolve the exceptions
/// waiting from earlier ticks, then this tick's work raises new ones (docs/ODD.md 7.20).
CoordinationOutcome coordinate_work(Organization& org, Tick tick);

/// A layoff event (7.18): `share` of the staff of `departments` (all when empty), team leads
/// excepted, chosen at random in each department and laid off at once, with severance, fear and
/// the hiring freeze of 7.13.
void lay_off_share(Organization& org, std::span<const std::int32_t> departments, double share,
                   Tick tick);

// structure.cpp ----------------------------------------------------------------------------------
/// Parallel, when structure.peer_learning_rate > 0: each employee learns from a better-performing
/// contact (or their majority) into the next-beliefs buffer, contacts being read as they were,
/// then is socialized there (Socialization), from one random stream per employee and tick.
void learn_from_peers_and_socialize(Organization& org, Tick tick, std::size_t begin,
                                    std::size_t end);
/// Serial: publishes the beliefs written by learn_from_peers.
void publish_peer_beliefs(Organization& org, Tick tick);
/// Parallel over teams: code changes reach each team after its delay, possibly garbled.
void cascade_code(Organization& org, Tick tick, std::size_t begin, std::size_t end);
/// Serial: scheduled restructuring events.
void structural_events(Organization& org, Tick tick);
/// Changes the structure now: teams rebuilt, transition dip, change fatigue, one-off cost.
/// Regroups the people of `departments` (all when empty) into the structure `to` by their skills
/// (Organization::regroup), with the transition dip, change fatigue and cost (docs/ODD.md 7.10).
void restructure(Organization& org, StructureType to, Tick tick,
                 std::span<const std::int32_t> departments = {});
/// New process-automation target and freed-capacity rule for `departments` (all when empty).
void retarget_automation(Organization& org, std::span<const std::int32_t> departments,
                         double target, std::optional<FreedCapacity> freed);

// people.cpp -------------------------------------------------------------------------------------
/// Parallel: skills grow with practice and decay without use; engagement moves toward a target
/// set by autonomy, alignment, workload, change fatigue and fear of layoffs.
void update_people(Organization& org, Tick tick, std::size_t begin, std::size_t end);
/// Serial: organization-wide fatigue and fear fade.
void fade_change_pressure(Organization& org, Tick tick);

// work.cpp ---------------------------------------------------------------------------------------
/// Parallel over teams: capacity, digital skill and fit of each team this tick.
void team_capacity(Organization& org, Tick tick, std::size_t begin, std::size_t end);
/// Serial: arrivals, automated and human processing, rework, handoffs, lead time, customers,
/// revenue and costs.
void process_work(Organization& org, Tick tick);

// automation.cpp ---------------------------------------------------------------------------------
/// Serial: gradual adoption toward the targets (slowed by resistance and the digital-skill
/// gap), freed capacity redeployed or laid off, cyber incidents and downtime.
void adopt_automation(Organization& org, Tick tick);

// growth.cpp -------------------------------------------------------------------------------------
/// Serial: hiring to demand, growth phases, formalization.
void grow(Organization& org, Tick tick);

// finance.cpp ------------------------------------------------------------------------------------
/// Cash moves by the tick's profit; a firm below its credit line exits; next tick's budget.
void settle_cash(Organization& org, Tick tick);
/// Cash is below the reserve: no new investment, no growth hiring (false without work).
[[nodiscard]] bool cash_is_low(const Organization& org);
/// Pays what the budget allows of an investment costing `cost`; returns the share paid (1
/// without work, where money is not modelled).
double afford(Organization& org, double cost);

// policy.cpp -------------------------------------------------------------------------------------
/// Serial: at reviews, a realignment action when perceived strategic fit is below the threshold.
void realign(Organization& org, Tick tick);
/// Reports this tick's performance signals and updates what management perceives (7.16).
void sense_performance(Organization& org, Tick tick);
/// Probability of a strategic change at a review: sensitivity x (shortfall - tolerance), in
/// [0, 1], where the shortfall is -(perceived performance - aspiration) (Greve 2003).
double change_hazard(double gap, double tolerance, double sensitivity);

}  // namespace orgsim::agents
