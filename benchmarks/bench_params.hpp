// The models the benchmarks time (bench_model.cpp, tick_floor.cpp): March's core, the full
// model of the default experiment, and the full model with landscape and coordination.
#pragma once

#include "orgsim/agents/model.hpp"

#include <algorithm>
#include <cstdint>

namespace orgsim::bench {

/// March's core with turnover and turbulence, teams of 25.
inline agents::ModelParams benchmark_params(std::int64_t employees) {
  agents::ModelParams p = agents::ModelParams::defaults();
  p.org.employees = employees;
  p.org.teams = std::max<std::int64_t>(1, employees / 25);
  p.learning.socialization_rate = 0.3;
  p.learning.code_learning_rate = 0.5;
  p.learning.turnover_rate = 0.01;
  p.learning.turbulence_rate = 0.01;
  return p;
}

/// Every submodel on, as in the default experiment (functional structure, medium automation).
inline agents::ModelParams full_params(std::int64_t employees) {
  agents::ModelParams p = benchmark_params(employees);
  p.learning.socialization_rate = 0.1;
  p.environment.enabled = p.strategy.enabled = p.structure.enabled = p.people.enabled = true;
  p.work.enabled = p.automation.enabled = p.culture.enabled = p.policy.enabled = true;
  p.environment.base_demand = 0.3;
  p.strategy.review_interval = 4;
  p.strategy.sensing_noise = 0.3;
  p.structure.peer_learning_rate = 0.05;
  p.automation.level = agents::AutomationLevel::medium;
  // The cost of the model at the size the targets name: without a warm-up the firm starts with
  // a blank code, loses money and idles for weeks, and would retrench (no replacements while
  // cash is short, 7.17; positions closed where people are idle, 7.5) down to a fraction of its
  // people. Ample cash and replacing every leaver keep the measured ticks at full size.
  p.finance.initial_cash = 1000;
  p.org.replace_below = 0;
  return p;
}

/// The full model with interdependent decisions and coordination load (issue 19): an NK
/// landscape of 30 decisions with K = 3 (beyond exhaustive search: the best peak is climbed to
/// after each change), departmental search screened by an active top, exceptions.
inline agents::ModelParams landscape_params(std::int64_t employees) {
  agents::ModelParams p = full_params(employees);
  p.landscape.enabled = p.landscape.search = true;
  p.landscape.k = 3;
  p.coordination.enabled = true;
  return p;
}

}  // namespace orgsim::bench
