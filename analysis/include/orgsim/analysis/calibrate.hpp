// Calibration to data by approximate Bayesian computation (`orgsim calibrate`): which values of
// chosen parameters make the model reproduce a client's or a study's statistics (annual
// turnover, lead time, engagement)? Rejection ABC (Pritchard et al. 1999; Beaumont, Zhang &
// Balding 2002): draw parameter sets from uniform priors (a Latin hypercube), simulate each,
// measure the distance of its statistics from the targets (each scaled by its stated sd, or by
// the median absolute deviation over the draws), keep the closest share. The kept draws are a
// sample of the approximate posterior (docs/analysis.md).
#pragma once

#include "orgsim/analysis/summary.hpp"
#include "orgsim/experiments/results.hpp"

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace orgsim::analysis {

struct Prior {
  std::string parameter;
  double min = 0, max = 0;
};

struct Target {
  std::string metric;
  double value = 0;
  Window window;
  std::string at = "end";  ///< the window as written
  double sd = 0;           ///< the distance's scale; 0: the MAD over the draws
};

struct CalibrationPlan {
  std::vector<Prior> priors;
  std::vector<Target> targets;
  std::size_t samples = 1000;    ///< prior draws
  std::size_t replications = 1;  ///< runs per draw (their statistics are averaged)
  double accept = 0.05;          ///< share of draws kept
};

/// Reads a targets file (TOML: [priors], [targets], [abc]). @throws ConfigError with
/// file:line:column for a bad entry.
CalibrationPlan read_calibration_plan(const std::string& path);

/// The experiment to run: `experiment` (resolved TOML, without a design) with the priors as a
/// Latin hypercube of `samples` points and `replications` replications.
std::string calibration_experiment(const std::string& experiment, const CalibrationPlan& plan);

struct Calibration {
  CalibrationPlan plan;
  std::vector<std::vector<double>> draws;  ///< [draw][prior] parameter values
  std::vector<std::vector<double>> stats;  ///< [draw][target] simulated statistics
  std::vector<double> distance;            ///< per draw (NaN: a statistic is missing)
  std::vector<double> scale;               ///< per target
  std::vector<std::size_t> accepted;       ///< draws kept, closest first
};

/// The posterior from the sweep's results file.
Calibration calibrate(const experiments::ResultsReader& results, const CalibrationPlan& plan);

/// The posterior (per parameter: mean, median, 95% interval, prior) and the fit (per target:
/// the value, the kept draws' mean and sd).
void print_calibration(std::ostream& out, const Calibration& c);
/// The kept draws as CSV: distance, then the parameters, then the statistics.
void print_posterior_csv(std::ostream& out, const Calibration& c);

}  // namespace orgsim::analysis
