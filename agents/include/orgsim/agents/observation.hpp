// One observation of an organization at a recorded tick: what the metric rows' measure functions
// read. The sums over employees are taken once, in one deterministic reduction (model.cpp), and
// shared by every metric that needs them.
#pragma once

#include "orgsim/agents/organization.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>

namespace orgsim::agents {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Sums over employees (integer ones exact; real ones over a fixed split tree, so identical at
/// any thread count).
struct EmployeeSums {
  std::int64_t matches = 0;    ///< beliefs equal to the organization's code
  std::int64_t knowledge = 0;  ///< #beliefs = reality - #beliefs = -reality
  std::int64_t exploring = 0;  ///< this tick's actions that differ from the code
  double engagement = 0, skill = 0, digital = 0;
  double expertise = 0;  ///< knowledge of one's own function's domain (who knows what, 7.11)
};

struct Observation {
  const Organization& org;
  const ModelParams& params;
  double m = 0;           ///< dimensions
  double n = 0;           ///< headcount
  std::size_t acted = 0;  ///< employees who acted this tick (later hires have not)
  EmployeeSums sums;
  double team_alignment_gap = 0;
};

/// Observes `org` (the one pass over employees the metrics share).
Observation observe(const Organization& org);

}  // namespace orgsim::agents
