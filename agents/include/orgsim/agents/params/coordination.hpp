// Parameters of the coordination submodel: exceptions, managers' limited attention, lateral
// channels, specialization economies and squads' coordination overhead (docs/ODD.md 7.20).
// Each parameter is its field here and its row in declare() just below: name, default, range,
// unit and help (the one table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

struct CoordinationParams {
  bool enabled{};
  double exception_rate{};
  double routine_exceptions{};
  double uncertainty_floor{};
  double interdependence{};
  double attention{};
  double exception_effort{};
  std::int64_t patience{};
  double distance_error{};
  double lateral_effectiveness{};
  double integrators{};
  double squad_overhead{};
  double matrix_overhead{};
  double default_error{};
  double rework_propagation{};
  double specialization{};

  static void declare(ParamRows<CoordinationParams>& t) {
    t.boolean("enabled", false,
              "Exceptions from uncertain and interdependent work wait in managers' limited "
              "attention or are resolved laterally; specialization economies and squads' "
              "coordination overhead (7.20; needs structure and work).",
              &CoordinationParams::enabled);
    t.real("exception_rate", 0.25, 0, 1, "exceptions/task stage",
           "Exceptions per complex task stage done at full task uncertainty (Galbraith 1973: "
           "work the team's rules do not cover).",
           &CoordinationParams::exception_rate);
    t.real("routine_exceptions", 0.2, 0, 1, "factor",
           "Exception rate of routine tasks relative to complex ones (rules and programmes "
           "cover them).",
           &CoordinationParams::routine_exceptions);
    t.real("uncertainty_floor", 0.05, 0, 1, "share",
           "Task uncertainty left when the team's code fits the market perfectly (uncertainty = "
           "floor + 1 - team fit).",
           &CoordinationParams::uncertainty_floor);
    t.real("interdependence", 0.3, 0, 1, "share",
           "Share of exceptions that involve another department (reciprocal interdependence); "
           "with the landscape on, the landscape's measured share of cross-department "
           "interactions replaces it.",
           &CoordinationParams::interdependence);
    t.real("attention", 3.0, 0.1, 100, "exceptions/tick",
           "Exceptions a manager (any lead) can resolve per tick (limited attention; Simon, "
           "Galbraith).",
           &CoordinationParams::attention);
    t.real("exception_effort", 0.25, 0, 5, "tasks/exception",
           "Capacity an exception's resolution takes from the resolver's team (the manager's or, "
           "laterally, the raising team's).",
           &CoordinationParams::exception_effort);
    t.integer("patience", 2, 0, 52, "ticks",
              "Ticks of waiting a team tolerates: exceptions a manager cannot reach within it are "
              "ignored, and the team decides them by default (coordination.default_error of "
              "those guesses are wrong and redone).",
              &CoordinationParams::patience);
    t.real("distance_error", 0.1, 0, 1, "share/level",
           "Share of a manager's decisions on an exception that are wrong, per level between "
           "the manager and the work (local knowledge lost on the way up); wrong decisions are "
           "redone.",
           &CoordinationParams::distance_error);
    t.real("lateral_effectiveness", 0.5, 0, 5, "1/tie",
           "Lateral resolution of a cross-department exception: probability 1 - exp(-this x "
           "cross-team ties per employee x (1 - effective centralization)): colleagues settle "
           "only what they may decide; a matrix's second line and integrators add to it.",
           &CoordinationParams::lateral_effectiveness);
    t.real("integrators", 0.0, 0, 1, "share",
           "Integrator roles (Lawrence & Lorsch 1967): share of the cross-department exceptions "
           "left after lateral ties that liaison roles resolve.",
           &CoordinationParams::integrators);
    t.real("default_error", 0.5, 0, 1, "share",
           "Share of the exceptions a team decides by default (ignored by a manager past its "
           "patience, or never reported up: silence) that it gets wrong; the wrong ones are "
           "redone (Jin & Levitt 1996, the Virtual Design Team: an unattended exception is a "
           "quality risk). 1: every such exception is redone (before 2026-12-07). Illustrative.",
           &CoordinationParams::default_error);
    t.real("rework_propagation", 1.0, 0, 5, "tasks/wrong decision",
           "Dependent work of the other department redone per wrong decision or wrong guess on "
           "a cross-department exception (the Virtual Design Team's rework links: Jin & Levitt "
           "1996; Levitt et al. 1999); 0: only the raising team's task is redone (before "
           "2026-12-08). Illustrative.",
           &CoordinationParams::rework_propagation);
    t.real("squad_overhead", 0.1, 0, 1, "share of capacity",
           "Capacity a squad spends coordinating across its functions, at a fully mixed team "
           "(scaled by 1 - the share of members in the team's main function).",
           &CoordinationParams::squad_overhead);
    t.real("matrix_overhead", 0.03, 0, 1, "share of payroll",
           "What a matrix's second line costs whatever the work, as a share of the payroll: "
           "the project managers and the dual planning of two reporting lines (Davis & "
           "Lawrence 1977: the matrix's overhead). Illustrative.",
           &CoordinationParams::matrix_overhead);
    t.real("specialization", 0.2, 0, 1, "factor",
           "Specialization economies (Smith 1776; Becker & Murphy 1992): a team whose members "
           "work outside its main function (depth = share in it) has capacity x (1 - this x (1 - "
           "depth) x routine share), errors x (1 + this x (1 - depth)) and skill growth x (1 - "
           "this x (1 - depth)).",
           &CoordinationParams::specialization);
  }
};

}  // namespace orgsim::agents
