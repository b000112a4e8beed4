// The learning and alignment core: March (1991), "Exploration and Exploitation in Organizational
// Learning". Each function is one phase of a tick (see docs/ODD.md, "Process overview").
#pragma once

#include "orgsim/agents/organization.hpp"
#include "orgsim/core/scheduler.hpp"

#include <cstddef>

namespace orgsim::agents {

/// Serial: each dimension of reality flips sign with probability p4 (turbulence).
void apply_turbulence(Organization& org, Tick tick);

/// Parallel: employees act; a belief of +1/-1 is acted on as is, a 0 belief as a fair coin flip.
/// Stores each employee's actions and action score (agreement of actions with reality).
void act(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Parallel: on each dimension where the code is non-zero and the belief differs from it, the
/// belief moves one step toward the code with probability p1 (socialization). Reads the code as
/// it was before this tick's code learning.
void socialize(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Serial (with a deterministic parallel reduction): the superior group is the employees whose
/// action score beats the code's score; on each dimension where that group's majority action
/// differs from the code, the code takes the majority value with probability 1-(1-p2)^k,
/// k = |#(+1) - #(-1)|. Uses the actions taken before socialization.
void learn_code(Organization& org, Tick tick);

/// Parallel: each employee leaves with probability p3 (marks org.leaving()).
void draw_turnover(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Serial: each leaver's slot gets a new id (a hire), in slot order; counts org.leavers.
void renew_leavers(Organization& org, Tick tick);

/// Parallel: hires draw fresh random beliefs.
void onboard_hires(Organization& org, Tick tick, std::size_t begin, std::size_t end);

/// Appends the learning core's phases, in order, to a schedule.
void add_learning_phases(Schedule<Organization>& schedule);

/// True when nothing can change any more without turnover or turbulence: no employee could beat
/// the code whatever their coin flips, and no belief differs from a non-zero code value.
bool at_equilibrium(const Organization& org);

}  // namespace orgsim::agents
