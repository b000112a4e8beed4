// Coordination load (docs/ODD.md 7.20): work the team's rules do not cover raises exceptions
// (Galbraith 1973, 1974); they go up to the level centralization sets and wait in managers'
// limited attention, or are resolved laterally (cross-team ties, a matrix's second line,
// integrators; Lawrence & Lorsch 1967); late ones are ignored and the work redone (the Virtual
// Design Team's exception handling: Jin & Levitt 1996). Specialization economies and squads'
// overhead are applied where the work is done (work.cpp, people.cpp).
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace orgsim::agents {

bool coordination_on(const ModelParams& p) {
  return p.coordination.enabled && p.structure.enabled && p.work.enabled;
}

namespace {

constexpr StreamId kCorrections = stream_id("exception_corrections");
constexpr std::size_t kTeamGrain = 512;  // teams per parallel chunk

/// Where each team's exceptions go and how much the managers can take this tick.
struct Routes {
  std::vector<std::int32_t> local;  ///< the lead whose level centralization sets
  std::vector<std::int32_t> top;    ///< the top of the team's line (cross-department decisions)
  std::vector<double> queue;        ///< exceptions waiting at each team's lead
};

/// A team's exceptions go up round(c x its layer) levels: its own lead when decisions
/// are decentralized, the top when they are fully centralized. Cross-department exceptions need
/// someone over both departments: the top of the line.
Routes route(const Organization& org) {
  const Teams& teams = org.teams;
  const double c = org.hierarchy.centralization;
  Routes r;
  r.local.resize(teams.count);
  r.top.resize(teams.count);
  r.queue.assign(teams.count, 0.0);
  parallel_chunks(teams.count, kTeamGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const int target =
          teams.layer[t] - static_cast<int>(std::lround(c * static_cast<double>(teams.layer[t])));
      auto at = static_cast<std::int32_t>(t);
      std::size_t guard = 0;  // a parent chain is a tree; the guard only bounds a broken one
      while (teams.parent[static_cast<std::size_t>(at)] >= 0 &&
             teams.layer[static_cast<std::size_t>(at)] > target && ++guard < teams.count)
        at = teams.parent[static_cast<std::size_t>(at)];
      r.local[t] = at;
      while (teams.parent[static_cast<std::size_t>(at)] >= 0 && ++guard < 2 * teams.count)
        at = teams.parent[static_cast<std::size_t>(at)];
      r.top[t] = at;
    }
  });
  for (std::size_t t = 0; t < teams.count; ++t) {  // in team order: the same sums
    r.queue[static_cast<std::size_t>(r.local[t])] += teams.pending_local[t];
    r.queue[static_cast<std::size_t>(r.top[t])] += teams.pending_cross[t];
  }
  return r;
}

/// Probability that a cross-department exception is resolved laterally: cross-team ties, as far
/// as decisions are delegated, a matrix's second reporting line (half of what is left),
/// integrator roles (their share of the rest).
double lateral_reach(const Organization& org) {
  const ModelParams& p = org.params();
  const double ties = static_cast<double>(p.structure.ties_per_employee) *
                      org.settings().cross_team_ties;  // cross-team ties per employee
  // Colleagues settle between them only what they may decide: under centralization the
  // decision is reserved to the line (Burns & Stalker 1961: vertical interaction in mechanistic
  // firms, lateral consultation in organic ones; Galbraith 1974: lateral relations move
  // decisions down to where the information is). Formal roles (a matrix's second line,
  // integrators) carry their own authority.
  const double delegated = 1.0 - org.hierarchy.centralization;
  double reach = 1.0 - std::exp(-p.coordination.lateral_effectiveness * ties * delegated);
  if (org.hierarchy.type == StructureType::matrix) reach += 0.5 * (1.0 - reach);
  return reach + p.coordination.integrators * (1.0 - reach);
}

/// A resolved exception tells the team what the strategy it was sent means: each dimension
/// where its code differs from what the cascade sent is corrected with probability
/// resolved / #such dimensions (at most 1), so a garbled cascade is repaired by the exceptions
/// it causes (Galbraith 1973: the hierarchy handles what the rules got wrong).
void correct_team_code(Organization& org, std::size_t t, double resolved) {
  const std::size_t m = org.dimensions();
  auto code = org.team_code(t);
  const std::int8_t* sent = org.teams.received.data() + t * m;
  std::size_t wrong = 0;
  for (std::size_t d = 0; d < m; ++d) wrong += code[d] != sent[d] ? 1 : 0;
  if (wrong == 0) return;
  const double p = std::min(1.0, resolved / static_cast<double>(wrong));
  RandomStream draw = org.key().stream(kCorrections, t, org.this_tick.tick);
  for (std::size_t d = 0; d < m; ++d) {
    if (code[d] != sent[d] && draw.bernoulli(p)) code[d] = sent[d];
  }
}

/// Managers resolve what waits for them, up to their attention; what they cannot reach within
/// the teams' patience is ignored and redone. The shares served and ignored apply to every
/// team's exceptions waiting at that manager (first come is not tracked: proportional service).
void serve_managers(Organization& org, const Routes& r, CoordinationOutcome& out) {
  const CoordinationParams& p = org.params().coordination;
  Teams& teams = org.teams;
  std::vector<double> served(teams.count, 0.0), ignored(teams.count, 0.0);
  for (std::size_t m = 0; m < teams.count; ++m) {
    const double q = r.queue[m];
    if (q <= 0) continue;
    org.this_tick.manager_demand += q;
    ++org.this_tick.managers_asked;
    const double done = std::min(q, p.attention);
    const double dropped = std::max(0.0, q - done - p.attention * static_cast<double>(p.patience));
    served[m] = done / q;
    ignored[m] = dropped / q;
    teams.coordination_cost[m] += done * p.exception_effort;  // the manager's own time
  }
  // Each team settles its own exceptions in parallel (its rows only); the terms are added to
  // the tick's totals in team order afterwards, so every sum is the same at any thread count.
  struct Settled {
    double resolved, misjudged, dropped, defaulted, ignored, spread;
  };
  const auto settled = std::make_unique_for_overwrite<Settled[]>(teams.count);
  parallel_chunks(teams.count, kTeamGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const auto local = static_cast<std::size_t>(r.local[t]);
      const auto top = static_cast<std::size_t>(r.top[t]);
      // A decision taken h levels above the work misses local knowledge: a share
      // distance_error x h of them is wrong and the work is redone (Hayek 1945; Galbraith 1973).
      auto wrong = [&](std::size_t m) {
        const double levels = static_cast<double>(teams.layer[t] - teams.layer[m]);
        return std::min(1.0, p.distance_error * std::max(0.0, levels));
      };
      const double decided_local = served[local] * teams.pending_local[t];
      const double decided_top = served[top] * teams.pending_cross[t];
      const double misjudged = decided_local * wrong(local) + decided_top * wrong(top);
      const double resolved = decided_local + decided_top - misjudged;
      // Not decided in time, the team decides by default and goes on; a share default_error of
      // those guesses is wrong and the work is redone (Jin & Levitt 1996, the Virtual Design
      // Team: an ignored exception is a quality risk, not certain rework).
      const double ignored_now =
          ignored[local] * teams.pending_local[t] + ignored[top] * teams.pending_cross[t];
      const double defaulted = ignored_now * (1.0 - p.default_error);
      const double dropped = ignored_now - defaulted + misjudged;
      // A wrong answer to a cross-department exception also spoils the other department's
      // dependent work (the Virtual Design Team's rework links: Jin & Levitt 1996).
      const double wrong_cross =
          ignored[top] * teams.pending_cross[t] * p.default_error + decided_top * wrong(top);
      const double spread = wrong_cross * p.rework_propagation;
      teams.pending_local[t] *= 1.0 - served[local] - ignored[local];
      teams.pending_cross[t] *= 1.0 - served[top] - ignored[top];
      if (resolved > 0) correct_team_code(org, t, resolved);
      // A wrong decision or a wrong guess: the work is redone, and the dependent work with it.
      teams.complex_queue[t] += dropped + spread;
      settled[t] = {resolved, misjudged, dropped, defaulted, ignored_now, spread};
    }
  });
  for (std::size_t t = 0; t < teams.count; ++t) {
    const auto [resolved, misjudged, dropped, defaulted, ignored_now, spread] = settled[t];
    out.completed += resolved + defaulted - spread;  // the held-back work is finished
    out.on_strategy += (resolved + defaulted - spread) * teams.fit[t];
    out.reworked += dropped + spread;
    org.this_tick.exceptions_resolved += resolved + misjudged;
    org.this_tick.exceptions_ignored += ignored_now;
    org.this_tick.exceptions_misjudged += misjudged;
  }
}

/// This tick's exceptions: complex stages raise them at the exception rate, routine tasks at a
/// fraction of it, both scaled by task uncertainty (floor + 1 - team fit). A share involves
/// another department: a squad settles it inside (it has the functions), otherwise lateral
/// channels resolve it with probability `lateral`, or it waits at the top. The rest waits in the
/// line at the level centralization sets. Work with an open exception is held back.
void raise_exceptions(Organization& org, double interdependence, double lateral,
                      CoordinationOutcome& out) {
  const CoordinationParams& p = org.params().coordination;
  Teams& teams = org.teams;
  // Two reporting lines settle more laterally but talk more: both lines spend the time.
  const double lateral_effort =
      p.exception_effort * (org.hierarchy.type == StructureType::matrix ? 2.0 : 1.0);
  struct Raised {
    double raised, sideways, held, guessed_wrong, hidden;
  };
  const auto terms = std::make_unique_for_overwrite<Raised[]>(teams.count);
  parallel_chunks(teams.count, kTeamGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const double uncertainty = std::min(1.0, p.uncertainty_floor + 1.0 - teams.fit[t]);
      const double work = p.routine_exceptions * teams.routine_done[t] + teams.complex_done[t];
      const double arising = std::min(teams.completed[t], p.exception_rate * work * uncertainty);
      // Power distance: a share of the problems is not reported up the line; people guess, and
      // the wrong guesses are redone (Morrison & Milliken 2000).
      const double hidden = arising * org.culture_of_team(t).silence();
      const double across = teams.squad[t] ? 0.0 : interdependence;  // cross-department share
      // Wrong guesses are redone, with the dependent work of the cross-department ones.
      const double guessed_wrong = hidden * p.default_error * (1.0 + across * p.rework_propagation);
      teams.complex_queue[t] += guessed_wrong;
      const double raised = arising - hidden;
      terms[t] = {raised, 0.0, 0.0, guessed_wrong, hidden};
      if (raised <= 0) continue;
      const double cross = raised * across;
      const double sideways = cross * lateral;
      teams.coordination_cost[t] += sideways * lateral_effort;
      teams.pending_cross[t] += cross - sideways;
      teams.pending_local[t] += raised - cross;
      terms[t] = {raised, sideways, raised - sideways, guessed_wrong, hidden};
    }
  });
  for (std::size_t t = 0; t < teams.count; ++t) {  // in team order: the same sums
    const auto [raised, sideways, held, guessed_wrong, hidden] = terms[t];
    out.completed -= guessed_wrong;
    out.on_strategy -= guessed_wrong * teams.fit[t];
    out.reworked += guessed_wrong;
    org.this_tick.exceptions_hidden += hidden;
    if (raised <= 0) continue;
    out.completed -= held;
    out.on_strategy -= held * teams.fit[t];
    org.this_tick.exceptions_raised += raised;
    org.this_tick.exceptions_lateral += sideways;
  }
}

}  // namespace

double interdependence(const Organization& org) {
  return org.landscape.active() && org.landscape.blocks() > 1
             ? org.landscape.cross_share()
             : org.params().coordination.interdependence;
}

CoordinationOutcome coordinate_work(Organization& org, Tick /*tick*/) {
  CoordinationOutcome out;
  if (!coordination_on(org.params())) return out;
  const Routes routes = route(org);
  serve_managers(org, routes, out);  // what waited from earlier ticks (a decision takes a tick)
  raise_exceptions(org, interdependence(org), lateral_reach(org), out);
  double pending = 0;
  for (std::size_t t = 0; t < org.teams.count; ++t)
    pending += org.teams.pending_local[t] + org.teams.pending_cross[t];
  out.pending = pending;
  org.this_tick.exceptions_pending = pending;
  CoordinationState& state = org.coordination;
  state.resolution_rate = 0.9 * state.resolution_rate + 0.1 * org.this_tick.exceptions_resolved;
  return out;
}

namespace {

std::vector<MetricRow> coordination_metrics() {
  return {
      {{"exceptions_raised", "operational_efficiency", "exceptions/tick", "Exceptions raised",
        "Exceptions this tick's work raised (uncertain, interdependent work the rules do not "
        "cover); NaN without the coordination submodel.",
        Better::lower, false},
       [](const Observation& o) {
         return coordination_on(o.params) ? o.org.this_tick.exceptions_raised : kNaN;
       }},
      {{"exceptions_resolved", "operational_efficiency", "[0, 1]", "Exceptions resolved",
        "Share of this tick's exception outcomes that were resolutions (laterally or by a "
        "manager) rather than ignored; NaN when none was settled.",
        Better::higher, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         const double settled = t.exceptions_lateral + t.exceptions_resolved + t.exceptions_ignored;
         if (!coordination_on(o.params) || settled <= 0) return kNaN;
         return (t.exceptions_lateral + t.exceptions_resolved) / settled;
       }},
      {{"exceptions_ignored", "operational_efficiency", "exceptions/tick", "Exceptions ignored",
        "Exceptions no manager reached within the teams' patience this tick: the teams decide "
        "them by default, and the wrong guesses (coordination.default_error) are redone.",
        Better::lower, false},
       [](const Observation& o) {
         return coordination_on(o.params) ? o.org.this_tick.exceptions_ignored : kNaN;
       }},
      {{"exceptions_hidden", "operational_efficiency", "exceptions/tick", "Exceptions hidden",
        "Problems not reported up the line this tick (power distance's silence share, culture "
        "on): people guess, and the wrong guesses (coordination.default_error) are redone; NaN "
        "without the coordination submodel.",
        Better::lower, false},
       [](const Observation& o) {
         return coordination_on(o.params) ? o.org.this_tick.exceptions_hidden : kNaN;
       }},
      {{"lateral_share", "operational_efficiency", "[0, 1]", "Resolved laterally",
        "Share of this tick's exceptions resolved laterally (cross-team ties, a matrix's second "
        "line, integrators) instead of waiting for a manager: interdependence x the lateral "
        "reach of the design, so it stays constant unless ties, centralization, integrators, "
        "interdependence or the structure change; NaN without exceptions.",
        Better::none, false},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         if (!coordination_on(o.params) || t.exceptions_raised <= 0) return kNaN;
         return t.exceptions_lateral / t.exceptions_raised;
       }},
      {{"manager_load", "operational_efficiency", "x attention", "Manager load",
        "Exceptions waiting for the managers who have any, over their attention (1 = fully "
        "used; above 1 exceptions queue); 0 when none waits.",
        Better::lower, true},
       [](const Observation& o) {
         const TickOutcomes& t = o.org.this_tick;
         if (!coordination_on(o.params)) return kNaN;
         if (t.managers_asked == 0) return 0.0;
         return t.manager_demand /
                (static_cast<double>(t.managers_asked) * o.params.coordination.attention);
       }},
      {{"decision_wait", "operational_efficiency", "ticks", "Decision wait",
        "Exceptions waiting for a decision over the rate managers resolve them (Little's law).",
        Better::lower, true},
       [](const Observation& o) {
         if (!coordination_on(o.params)) return kNaN;
         const double pending = o.org.this_tick.exceptions_pending;
         if (pending <= 0) return 0.0;
         return pending / std::max(o.org.coordination.resolution_rate, 1e-3);
       }},
  };
}

}  // namespace

const Submodel& coordination_submodel() {
  static const Submodel submodel{
      "coordination",
      "7.20",
      "Exceptions from uncertain and interdependent work, managers' limited attention, lateral "
      "channels, specialization economies, squads' overhead (Galbraith 1973; Jin & Levitt 1996).",
      [](std::vector<ParamSpec>& table) {
        declare_group<CoordinationParams, &ModelParams::coordination>("coordination", table);
      },
      coordination_metrics(),
      {}};
  return submodel;
}

}  // namespace orgsim::agents
