// Parameters of the landscape submodel: interdependent decisions on an NK(C) landscape, the
// departments' search and the hierarchy's screening (docs/ODD.md 7.19). Each parameter is its
// field here and its row in declare() just below: name, default, range, unit and help (the one
// table behind experiment files, `orgsim params` and docs/parameters.md).
#pragma once

#include "orgsim/agents/param_rows.hpp"

#include <cstdint>

namespace orgsim::agents {

/// Which decisions a decision's payoff depends on (landscape.pattern; Rivkin & Siggelkow 2007).
/// Declared in the order of the row's choices.
enum class Interaction : std::uint8_t { random, modular, nearly_modular, hierarchical };

/// What a decision contributes (landscape.contributions). Declared in the order of the row's
/// choices.
enum class Contributions : std::uint8_t { uniform, march };

/// Whose payoff a department's search maximizes (landscape.incentive).
enum class Incentive : std::uint8_t { departmental, firm };

/// How the top of the hierarchy treats the departments' proposals (landscape.ceo).
enum class CeoRole : std::uint8_t { rubber_stamp, active };

/// The most decisions a landscape has (one 64-bit word per configuration).
inline constexpr std::int64_t kMaxLandscapeDecisions = 64;
/// The most interactions per decision (a contribution table of 2^(K+1) entries per decision).
inline constexpr std::int64_t kMaxInteractions = 15;

struct LandscapeParams {
  bool enabled{};
  std::int64_t k{};
  Interaction pattern{};
  double cross_share{};
  Contributions contributions{};
  std::int64_t seed{};
  bool random_start{};
  bool search{};
  std::int64_t alternatives{};
  double long_jump{};
  std::int64_t proposals{};
  CeoRole ceo{};
  Incentive incentive{};
  std::int64_t ceo_attention{};

  static void declare(ParamRows<LandscapeParams>& t) {
    t.boolean("enabled", false,
              "Reality becomes an NK landscape over learning.dimensions decisions (at most 64) "
              "allocated to departments (7.19); off = March's independent dimensions.",
              &LandscapeParams::enabled);
    t.integer("k", 2, 0, kMaxInteractions, "decisions",
              "K: how many other decisions each decision's payoff contribution depends on "
              "(Kauffman 1993; 0 = independent decisions).",
              &LandscapeParams::k);
    t.choice("pattern", "nearly_modular", {"random", "modular", "nearly_modular", "hierarchical"},
             "Which decisions interact: random; modular (within the owning department only); "
             "nearly_modular (a landscape.cross_share of the K inputs in other departments); "
             "hierarchical (only on decisions of earlier departments and its own).",
             &LandscapeParams::pattern);
    t.real("cross_share", 0.25, 0, 1, "share",
           "nearly_modular: share of a decision's K inputs owned by other departments "
           "(cross-department interdependence).",
           &LandscapeParams::cross_share);
    t.choice("contributions", "uniform", {"uniform", "march"},
             "A decision's contribution for each value of itself and its inputs: uniform on [0, 1) "
             "(Kauffman), or march (1 where the decision equals March's reality, 0 where not; "
             "needs k = 0: the model is then March's exactly).",
             &LandscapeParams::contributions);
    t.integer("seed", 0, 0, std::int64_t{1} << 53, "seed",
              "0 = each replication draws its own landscape (the same in every design point); "
              "otherwise every replication searches the one landscape drawn from this seed "
              "(Levinthal 1997's population of firms).",
              &LandscapeParams::seed);
    t.boolean("random_start", false,
              "The organizational code starts at a random configuration of the landscape (every "
              "decision +1 or -1, the same in every design point) instead of blank (March).",
              &LandscapeParams::random_start);
    t.boolean("search", false,
              "Departments search their own decisions at strategy reviews and propose changes "
              "that the hierarchy screens (Rivkin & Siggelkow 2003).",
              &LandscapeParams::search);
    t.integer("alternatives", 2, 1, 16, "alternatives/review",
              "Alternatives a department generates at each review (besides the status quo).",
              &LandscapeParams::alternatives);
    t.real("long_jump", 0.1, 0, 1, "probability",
           "Probability that an alternative is a long jump (all the department's decisions "
           "redrawn) rather than a local move (one decision changed).",
           &LandscapeParams::long_jump);
    t.integer("proposals", 2, 1, 4, "proposals/review",
              "Best alternatives a department sends up when they beat its status quo.",
              &LandscapeParams::proposals);
    t.choice("ceo", "active", {"rubber_stamp", "active"},
             "rubber_stamp: every department's preferred proposal is adopted; active: the top "
             "chooses the combination of proposals best for the firm (Rivkin & Siggelkow 2003).",
             &LandscapeParams::ceo);
    t.choice("incentive", "departmental", {"departmental", "firm"},
             "What a department maximizes when ranking its alternatives: its own decisions' "
             "payoff or the firm's.",
             &LandscapeParams::incentive);
    t.integer("ceo_attention", 64, 1, 4096, "combinations/review",
              "Most combinations of proposals an active top evaluates at a review; beyond, it "
              "goes department by department.",
              &LandscapeParams::ceo_attention);
  }
};

}  // namespace orgsim::agents
