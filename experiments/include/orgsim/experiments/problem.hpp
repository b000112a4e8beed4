// A design's parameters as a sampling problem for SALib and EMA Workbench (`orgsim problem`,
// orgsim.problem in Python): names, bounds and distributions, so that a sample made elsewhere
// and run with [sweep.samples] covers the same space as orgsim's own designs.
#pragma once

#include "orgsim/experiments/experiment.hpp"

#include <string>
#include <vector>

namespace orgsim::experiments {

/// One variable of a SALib problem.
struct ProblemVariable {
  std::string name;
  double low = 0, high = 0;  ///< unif: the range; norm / lognorm: mean and sd (SALib's order)
  std::string dist = "unif";
  /// A discrete parameter's values: a sample's number u in [0, count) picks values[floor(u)]
  /// ([sweep.samples] reads it so); empty for a numeric parameter.
  std::vector<std::string> values;
};

/// The variables of `parameters` (their whole ranges from the parameter table), or without
/// names those the experiment's design varies (its ranges, or the span of its values).
/// Integers get bounds [min - 0.5, max + 0.5], so that rounding a uniform sample gives each
/// integer the same chance. @throws UsageError for an unknown name or a design that varies
/// nothing.
std::vector<ProblemVariable> sampling_problem(const ExperimentSpec& spec,
                                              const std::vector<std::string>& parameters);

/// The problem as SALib's dict in JSON (also a Python literal): num_vars, names, bounds, dists,
/// and orgsim_values for discrete parameters.
std::string problem_json(const std::vector<ProblemVariable>& variables);

}  // namespace orgsim::experiments
