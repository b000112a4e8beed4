// One-at-a-time sensitivity around one option (a tornado, issue 21): each uncertain assumption is
// set to a low and a high value with everything else at the option's values, every setting run
// with the same replications (common random numbers), and the outcome's paired change from the
// base shown as a bar from the low to the high value, widest swing on top.
#pragma once

#include "orgsim/analysis/statistics.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace orgsim::analysis {

using agents::ParamValue;

/// One assumption: a parameter and its low and high values.
struct TornadoInput {
  std::string parameter;
  ParamValue low, high;
};

/// Parses NAME=LOW,HIGH (values as in experiment files). @throws UsageError.
TornadoInput parse_tornado_input(const std::string& text);

/// The experiment a tornado runs: `spec`'s option `option` (empty: the baseline option, or the
/// scenario without options) with its events, and a list design whose point 0 is the base and
/// points 2i+1, 2i+2 set assumption i to its low and high value. The experiment's own grid or list
/// factors are left at their [scenario] values (a note says so). @throws UsageError for an unknown
/// option or parameter, a parameter the option fixes, or a value out of range.
experiments::ExperimentSpec tornado_experiment(const experiments::ExperimentSpec& spec,
                                               const std::string& option,
                                               const std::vector<TornadoInput>& inputs,
                                               std::vector<std::string>& notes);

struct TornadoBar {
  std::string parameter;
  std::string low_value, high_value;
  Estimate low, high;  ///< paired change from the base at the low / high value
  double swing = 0;    ///< |high.mean - low.mean|
};

struct Tornado {
  std::string metric, unit;
  Window window;
  Estimate base;                 ///< the outcome at the base
  std::vector<TornadoBar> bars;  ///< widest swing first
};

/// The tornado of `metric` at `window` from the results of a tornado_experiment().
/// @throws UsageError when the file is not one.
Tornado tornado(const experiments::ResultsReader& results, const std::string& metric,
                const Window& window);

void print_tornado(std::ostream& out, const Tornado& t);
void print_tornado_csv(std::ostream& out, const Tornado& t, bool header);

}  // namespace orgsim::analysis
