// Parameters of the structure submodel: Teams, hierarchy, code cascade, network, sites
// (docs/ODD.md 7.10). Each parameter is its field here and its row in declare() just below: name,
// default, range, unit and help (the one table behind experiment files, `orgsim params` and
// docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

/// Organization design (structure.type, structure.restructure_to). Declared in the order of the
/// row's choices.
enum class StructureType : std::uint8_t { functional, flat, matrix, cross_functional };

/// Interpersonal learning rule (structure.peer_learning). Declared in the order of the row's
/// choices.
enum class PeerLearning : std::uint8_t { contact, superior_majority };

struct StructureParams {
  bool enabled{};
  StructureType type{};
  std::int64_t span_of_control{};
  std::int64_t team_size{};
  std::int64_t functions{};
  std::int64_t sites{};
  std::int64_t ties_per_employee{};
  double cross_team_ties{};
  double peer_learning_rate{};
  PeerLearning peer_learning{};
  std::int64_t cascade_lag{};
  double cascade_distortion{};
  double centralization{};
  std::int64_t latency_per_level{};
  std::int64_t cross_site_delay{};
  std::int64_t restructure_at{};
  StructureType restructure_to{};
  std::int64_t transition_ticks{};

  static void declare(ParamRows<StructureParams>& t) {
    t.boolean("enabled", false, "Teams, hierarchy, code cascade, network, sites (7.10).",
              &StructureParams::enabled);
    t.choice("type", "functional", {"functional", "flat", "matrix", "cross_functional"},
             "Organization design: functional departments, flat, matrix (two reporting lines) or "
             "cross-functional squads.",
             &StructureParams::type);
    t.integer("span_of_control", 8, 2, 100, "reports/manager",
              "Span of control of the managers above team leads (flat organizations: 4x, squads "
              "grouped in tribes: 2x); the number of levels follows from it and the size. Also "
              "the team size when structure.team_size is 0.",
              &StructureParams::span_of_control);
    t.integer("team_size", 0, 0, 1000, "employees",
              "Members of a team, its lead included; 0 = structure.span_of_control (team size and "
              "span were one parameter before).",
              &StructureParams::team_size);
    t.integer(
        "functions", 4, 1, 16, "functions",
        "Number of skill functions (one department each) of a generated organization; a described "
        "organization ([organization]) has its own.",
        &StructureParams::functions);
    t.integer(
        "sites", 1, 1, 64, "sites",
        "Number of sites of a generated organization; teams are spread over them round-robin.",
        &StructureParams::sites);
    t.integer("ties_per_employee", 6, 0, 64, "ties", "Communication ties per employee.",
              &StructureParams::ties_per_employee);
    t.real("cross_team_ties", 0.2, 0, 1, "share",
           "Share of an employee's ties that go outside their team (low = silos).",
           &StructureParams::cross_team_ties);
    t.real(
        "peer_learning_rate", 0.0, 0, 1, "probability/tick",
        "Interpersonal learning: per differing dimension, probability of moving one step toward a "
        "better-performing contact's belief.",
        &StructureParams::peer_learning_rate);
    t.choice(
        "peer_learning", "contact", {"contact", "superior_majority"},
        "Interpersonal learning rule: each tick learn from one random contact who performs better "
        "(contact), or from the majority belief of all better-performing contacts "
        "(superior_majority, "
        "Fang, Lee & Schilling 2010).",
        &StructureParams::peer_learning);
    t.integer("cascade_lag", 1, 0, 52, "ticks/level",
              "Delay per hierarchy level before a code change reaches a team.",
              &StructureParams::cascade_lag);
    t.real("cascade_distortion", 0.05, 0, 1, "probability/level",
           "Probability per level that a cascaded code change arrives garbled.",
           &StructureParams::cascade_distortion);
    t.real("centralization", 0.5, 0, 1, "share",
           "Centralization of decisions: decision latency and lower autonomy.",
           &StructureParams::centralization);
    t.integer("latency_per_level", 2, 0, 52, "ticks/level",
              "Decision latency per hierarchy level at full centralization.",
              &StructureParams::latency_per_level);
    t.integer("cross_site_delay", 2, 0, 52, "ticks",
              "Extra delay for handoffs and cascades to other sites.",
              &StructureParams::cross_site_delay);
    t.integer("restructure_at", 0, 0, kMaxTick, "tick", "Tick of a restructuring event (0 = none).",
              &StructureParams::restructure_at);
    t.choice("restructure_to", "cross_functional",
             {"functional", "flat", "matrix", "cross_functional"},
             "Structure after a restructuring event.", &StructureParams::restructure_to);
    t.integer(
        "transition_ticks", 8, 0, 520, "ticks",
        "Duration of the productivity dip after a restructuring (capacity -50 % fading linearly).",
        &StructureParams::transition_ticks);
  }
};

}  // namespace orgsim::agents
