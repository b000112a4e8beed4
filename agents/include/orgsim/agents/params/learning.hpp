// Parameters of the learning submodel: March's (1991) learning core (docs/ODD.md 7.1-7.5).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct LearningParams {
  std::int64_t dimensions{};
  double socialization_rate{};  ///< March's p1
  double code_learning_rate{};  ///< March's p2
  double turnover_rate{};       ///< March's p3
  double turbulence_rate{};     ///< March's p4
  double fast_learner_share{};
  double fast_socialization_rate{};

  static void declare(ParamRows<LearningParams>& t) {
    t.integer(
        "dimensions", 30, 1, static_cast<std::int64_t>(kMaxDimensions), "dimensions",
        "Number of dimensions m of reality, the organizational code and beliefs (March 1991's m).",
        &LearningParams::dimensions);
    t.real(
        "socialization_rate", 0.1, 0, 1, "probability/tick",
        "March's p1: per tick and per dimension where an employee's belief differs from a non-zero "
        "code value, the probability that the belief moves one step toward it.",
        &LearningParams::socialization_rate);
    t.real(
        "code_learning_rate", 0.5, 0, 1, "probability/tick",
        "March's p2: the code adopts the superior group's majority on a dimension with probability "
        "1-(1-p2)^k, k = |#(+1) - #(-1)| among that group's actions.",
        &LearningParams::code_learning_rate);
    t.real("turnover_rate", 0.0, 0, 1, "probability/tick",
           "March's p3: per tick, the probability that an employee leaves and is replaced by a new "
           "hire "
           "with random beliefs.",
           &LearningParams::turnover_rate);
    t.real("turbulence_rate", 0.0, 0, 1, "probability/tick",
           "March's p4: per tick, the probability that each dimension of reality flips sign.",
           &LearningParams::turbulence_rate);
    t.real("fast_learner_share", 0.0, 0, 1, "share",
           "Share of employees (drawn at hire) who socialize at learning.fast_socialization_rate "
           "instead "
           "of p1 (March's heterogeneous socialization).",
           &LearningParams::fast_learner_share);
    t.real("fast_socialization_rate", 0.9, 0, 1, "probability/tick",
           "Socialization rate of fast learners.", &LearningParams::fast_socialization_rate);
  }
};

}  // namespace orgsim::agents
