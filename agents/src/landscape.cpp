// The landscape submodel (docs/ODD.md 7.19): reality as an NK landscape over the organization's
// decisions, allocated to departments; the departments' search and the top's screening (Rivkin
// & Siggelkow 2003); the peaks the organization finds. The landscape itself is landscape_core.cpp.
#include "orgsim/agents/submodels.hpp"
#include "orgsim/core/parallel.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/agents/ternary.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace orgsim::agents {

namespace {
constexpr StreamId kSearch = stream_id("landscape_search");
}  // namespace

CodeBits code_bits(std::span<const std::int8_t> code) {
  // Packed sixteen values at a time (ternary.hpp); a landscape has at most 64 decisions.
  const PackedCode packed(code.first(std::min<std::size_t>(code.size(), 64)));
  const ConstTernary bits = packed.view();
  return bits.words() > 0 ? CodeBits{bits.known(0), bits.positive(0)} : CodeBits{};
}

CodeBits code_bits(const Organization& org) {
  return code_bits(std::span<const std::int8_t>(org.code));
}

void landscape_team_fit(Organization& org) {
  const Landscape& land = org.landscape;
  const std::size_t count = org.teams.count;
  const std::size_t n = land.n();
  // A team's code changes only where the cascade sends a change or an exception corrects it,
  // and a contribution only when its table is redrawn: each team keeps its decisions' expected
  // contributions and evaluates again those that read a changed decision or a redrawn table.
  Organization::TeamPayoffs& cache = org.team_payoffs;
  std::uint64_t redrawn = 0;  // decisions whose tables changed since the last evaluation
  if (cache.payoff.size() != count || cache.epochs.size() != n) {
    cache.known.assign(count, 0);
    cache.positive.assign(count, 0);
    cache.parts.assign(count * n, 0.0);
    cache.payoff.assign(count, 0.0);
    cache.epochs.assign(n, 0);
    redrawn = land.all();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (cache.epochs[i] != land.epoch(i)) redrawn |= std::uint64_t{1} << i;
    cache.epochs[i] = land.epoch(i);
  }
  // A random code's payoff (the mean over every configuration: every decision open) maps to
  // 0.5, the best known configuration's to 1; at K = 0 with March's contributions this is the
  // share of decisions that agree with reality.
  const double random = land.expected(0, 0, land.all());
  const double best = land.best_value();
  parallel_chunks(count, 256, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const CodeBits bits = code_bits(org.guiding_code(t));
      const std::uint64_t positive = bits.positive & bits.known;
      std::uint64_t changed = (bits.known ^ cache.known[t]) | (positive ^ cache.positive[t]);
      std::uint64_t stale = redrawn;
      for (; changed != 0; changed &= changed - 1)
        stale |= land.dependents(static_cast<std::size_t>(std::countr_zero(changed)));
      if (stale != 0) {
        cache.known[t] = bits.known;
        cache.positive[t] = positive;
        double* part = cache.parts.data() + t * n;
        for (; stale != 0; stale &= stale - 1) {
          const auto i = static_cast<std::size_t>(std::countr_zero(stale));
          part[i] = land.expected_contribution(i, bits.known, positive);
        }
        // The terms summed in the order expected() sums them: the same double.
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += part[i];
        cache.payoff[t] = sum / static_cast<double>(n);
      }
      org.teams.fit[t] =
          best > random
              ? std::clamp(0.5 + 0.5 * (cache.payoff[t] - random) / (best - random), 0.0, 1.0)
              : 1.0;
    }
  });
}

RandomStream market_stream(const Organization& org, StreamId name, std::uint64_t entity,
                           Tick tick) {
  const LandscapeParams& p = org.params().landscape;
  if (p.enabled && p.seed > 0)
    return RandomStream(static_cast<std::uint64_t>(p.seed), name, 0, entity, tick);
  return org.key().stream(name, entity, tick);
}

void change_decision(Organization& org, std::size_t d) {
  if (!org.landscape.active() || org.landscape.march())
    org.reality[d] = static_cast<std::int8_t>(-org.reality[d]);
  if (org.landscape.active()) org.landscape.redraw(d);
}

void settle_landscape(Organization& org) {
  Landscape& land = org.landscape;
  if (!land.active() || !land.stale()) return;
  land.refresh(code_bits(org).positive);
  if (land.march()) return;  // reality is March's own, mirrored by the tables
  for (std::size_t d = 0; d < land.n(); ++d)
    org.reality[d] = (land.best() >> d) & 1u ? std::int8_t{1} : std::int8_t{-1};
}

namespace {

/// One department's proposals: its best alternatives that beat its status quo, best first.
struct Proposals {
  std::uint64_t mask = 0;      ///< the department's decisions
  std::vector<CodeBits> best;  ///< at most landscape.proposals
};

/// A department generates its alternatives (local moves and long jumps over its own decisions)
/// and ranks them by its incentive: its own decisions' payoff or the firm's.
Proposals propose(const Organization& org, std::int32_t department, const CodeBits& now,
                  Tick tick) {
  const LandscapeParams& p = org.params().landscape;
  const Landscape& land = org.landscape;
  Proposals out;
  out.mask = land.block_mask(department);
  if (out.mask == 0) return out;
  const std::uint64_t judged = p.incentive == Incentive::departmental ? out.mask : land.all();
  RandomStream draw = org.key().stream(kSearch, static_cast<std::uint64_t>(department), tick);
  const double status_quo = land.expected(now.known, now.positive, judged);
  std::vector<std::pair<double, CodeBits>> ranked;
  for (std::int64_t a = 0; a < p.alternatives; ++a) {
    CodeBits alt = now;
    const double jump = draw.uniform();
    const std::uint64_t bits = draw();
    const std::uint64_t pick = draw.below(static_cast<std::uint64_t>(std::popcount(out.mask)));
    if (jump < p.long_jump) {  // long jump: every decision of the department drawn afresh
      alt.known |= out.mask;
      alt.positive = (alt.positive & ~out.mask) | (bits & out.mask);
    } else {  // local move: one decision changed (an undecided one decided at random)
      std::uint64_t left = out.mask;
      for (std::uint64_t s = 0; s < pick; ++s) left &= left - 1;
      const std::uint64_t bit = left & (~left + 1);
      if (alt.known & bit) {
        alt.positive ^= bit;
      } else {
        alt.known |= bit;
        alt.positive = (alt.positive & ~bit) | (bits & bit);
      }
    }
    const double v = land.expected(alt.known, alt.positive, judged);
    if (v > status_quo) ranked.emplace_back(v, alt);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; k < ranked.size() && k < static_cast<std::size_t>(p.proposals); ++k)
    out.best.push_back(ranked[k].second);
  return out;
}

/// `base` with department d's decisions taken from `choice`.
CodeBits with(const CodeBits& base, const Proposals& d, const CodeBits& choice) {
  return {(base.known & ~d.mask) | (choice.known & d.mask),
          (base.positive & ~d.mask) | (choice.positive & d.mask)};
}

/// An active top: the combination of proposals (each department's status quo included) best
/// for the firm, all combinations when they are at most landscape.ceo_attention, otherwise
/// department by department given the choices before it.
CodeBits choose(const Organization& org, const CodeBits& now, const std::vector<Proposals>& all) {
  const Landscape& land = org.landscape;
  std::size_t combinations = 1;
  for (const Proposals& d : all) {
    combinations *= d.best.size() + 1;
    if (combinations > static_cast<std::size_t>(org.params().landscape.ceo_attention)) break;
  }
  CodeBits best = now;
  double best_value = land.expected(now.known, now.positive, land.all());
  if (combinations <= static_cast<std::size_t>(org.params().landscape.ceo_attention)) {
    for (std::size_t c = 1; c < combinations; ++c) {
      CodeBits x = now;
      std::size_t rest = c;
      for (const Proposals& d : all) {
        const std::size_t option = rest % (d.best.size() + 1);
        rest /= d.best.size() + 1;
        if (option > 0) x = with(x, d, d.best[option - 1]);
      }
      const double v = land.expected(x.known, x.positive, land.all());
      if (v > best_value) {
        best_value = v;
        best = x;
      }
    }
    return best;
  }
  for (const Proposals& d : all) {
    const CodeBits before = best;
    for (const CodeBits& option : d.best) {
      const CodeBits x = with(before, d, option);
      const double v = land.expected(x.known, x.positive, land.all());
      if (v > best_value) {
        best_value = v;
        best = x;
      }
    }
  }
  return best;
}

/// The adopted configuration becomes the code, now or after the decision latency.
void decide(Organization& org, Tick tick, const CodeBits& from, const CodeBits& to) {
  const std::size_t m = org.dimensions();
  const std::size_t due =
      (tick + static_cast<Tick>(org.hierarchy.decision_latency)) % org.decision_slots;
  for (std::size_t d = 0; d < org.landscape.n(); ++d) {
    const std::uint64_t bit = std::uint64_t{1} << d;
    if (((from.known ^ to.known) | (from.positive ^ to.positive)) & bit) {
      const std::int8_t value = !(to.known & bit) ? 0 : (to.positive & bit) ? 1 : -1;
      if (org.hierarchy.decision_latency == 0) {
        org.code[d] = value;
      } else {
        org.decisions[due * m + d] = value;
      }
    }
  }
}

}  // namespace

void search_decisions(Organization& org, Tick tick) {
  if (!org.this_tick.reviewed) return;
  const CodeBits now = code_bits(org);
  std::vector<Proposals> all;
  for (std::int32_t d = 0; d < org.landscape.blocks(); ++d) {
    all.push_back(propose(org, d, now, tick));
    org.this_tick.proposals += all.back().best.size();
  }
  CodeBits adopted = now;
  if (org.params().landscape.ceo == CeoRole::rubber_stamp) {
    for (const Proposals& d : all) {
      if (!d.best.empty()) adopted = with(adopted, d, d.best.front());
    }
  } else {
    adopted = choose(org, now, all);
  }
  for (const Proposals& d : all) {
    if (((adopted.known ^ now.known) | (adopted.positive ^ now.positive)) & d.mask)
      ++org.this_tick.proposals_adopted;
  }
  decide(org, tick, now, adopted);
}

void track_landscape(Organization& org, Tick /*tick*/) {
  const Landscape& land = org.landscape;
  const CodeBits bits = code_bits(org);
  if (bits.known != land.all() || !land.is_peak(bits.positive)) return;
  auto& peaks = org.found.peaks;
  const auto at = std::lower_bound(peaks.begin(), peaks.end(), bits.positive);
  if (at == peaks.end() || *at != bits.positive) peaks.insert(at, bits.positive);
}

namespace {

bool landscape_on(const ModelParams& p) {
  return p.landscape.enabled;
}

std::vector<MetricRow> landscape_metrics() {
  return {
      {{"landscape_performance", "strategic_alignment", "[0, 1]", "Landscape performance",
        "The code's payoff on the landscape (undecided decisions as coin flips) over the best "
        "known configuration's: exact optimum for up to 20 decisions, the best peak found by "
        "repeated climbs beyond (docs/ODD.md 7.19). NaN without the landscape.",
        Better::higher, true},
       [](const Observation& o) {
         const Landscape& land = o.org.landscape;
         if (!land.active()) return kNaN;
         const CodeBits bits = code_bits(o.org);
         return land.expected(bits.known, bits.positive, land.all()) / land.best_value();
       }},
      {{"peaks_found", "innovation_adaptability", "peaks", "Local peaks found",
        "Distinct local peaks of the landscape the code has settled on so far in the run "
        "(a peak: no single decision change pays). NaN without the landscape.",
        Better::none, false},
       [](const Observation& o) {
         return o.org.landscape.active() ? static_cast<double>(o.org.found.peaks.size()) : kNaN;
       }},
      {{"code_config", "strategic_alignment", "configuration", "Code configuration",
        "The code as an integer (bit d set where decision d is +1) when every decision is "
        "made and there are at most 52: which form the organization has (diversity across "
        "replications). NaN otherwise.",
        Better::none, false},
       [](const Observation& o) {
         const Landscape& land = o.org.landscape;
         const CodeBits bits = code_bits(o.org);
         if (!land.active() || land.n() > 52 || bits.known != land.all()) return kNaN;
         return static_cast<double>(bits.positive);
       }},
      {{"proposals_adopted", "innovation_adaptability", "proposals/review", "Proposals adopted",
        "Departments' proposals the top adopted at this tick's review; NaN off review ticks or "
        "without departmental search.",
        Better::none, false},
       [](const Observation& o) {
         if (!o.params.landscape.enabled || !o.params.landscape.search || !o.org.this_tick.reviewed)
           return kNaN;
         return static_cast<double>(o.org.this_tick.proposals_adopted);
       }},
  };
}

std::vector<PhaseRow> landscape_phases() {
  using K = PhaseRow::Kind;
  return {
      {"search_decisions", K::serial, search_decisions, nullptr, 0,
       [](const ModelParams& p) { return p.landscape.enabled && p.landscape.search; }},
      {"track_landscape", K::serial, track_landscape, nullptr, 0, landscape_on},
  };
}

}  // namespace

const Submodel& landscape_submodel() {
  static const Submodel submodel{
      "landscape",
      "7.19",
      "NK landscape of interdependent decisions allocated to departments; departmental search "
      "and the top's screening (Kauffman 1993; Levinthal 1997; Rivkin & Siggelkow 2003).",
      [](std::vector<ParamSpec>& table) {
        declare_group<LandscapeParams, &ModelParams::landscape>("landscape", table);
      },
      landscape_metrics(),
      landscape_phases()};
  return submodel;
}

}  // namespace orgsim::agents
