// Management policies: realignment triggers and actions (docs/ODD.md 7.16). Framework presets
// (agile, lean, systems) are expanded into these settings in settings.cpp.
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/submodels.hpp"

#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <boost/random/normal_distribution.hpp>

namespace orgsim::agents {

namespace {

constexpr StreamId kSignals = stream_id("performance_signals");
constexpr StreamId kChange = stream_id("strategic_change");
constexpr std::size_t kSignalCount = 3;  // at most: financial, customers (or actions), people
constexpr double kQuarter = 13;          // ticks: the period the change hazard is stated for

/// A strategy refresh: market research re-estimates every dimension of the code, right with
/// probability research_accuracy + 0.25 x data-driven automation (at most 0.95), and the new
/// code goes to every team at once (an all-hands re-cascade). Market research is the one
/// decision input that looks at the market itself, with its error, cost and delay.
void refresh_and_recascade(Organization& org, Tick tick) {
  const std::size_t m = org.dimensions();
  const double accuracy =
      std::min(0.95, org.params().policy.research_accuracy + 0.25 * org.automation.data);
  RandomStream draw = org.key().stream(streams::selection, 1, tick);
  for (std::size_t d = 0; d < m; ++d) {
    org.code[d] =
        draw.bernoulli(accuracy) ? org.reality[d] : static_cast<std::int8_t>(-org.reality[d]);
  }
  for (std::size_t t = 0; t < org.teams.count; ++t) {
    std::copy(org.code.begin(), org.code.end(), org.team_code(t).begin());
    std::copy(org.code.begin(), org.code.end(),
              org.teams.received.begin() + static_cast<std::ptrdiff_t>(t * m));
  }
  org.record_code_history(tick);
}

/// The realignment the research leads to: the refresh, then `realign_action`.
void act_on_research(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  org.this_tick.realigned = true;
  switch (org.settings().realign_action) {
    case RealignAction::recascade:
      refresh_and_recascade(org, tick);
      org.climate.add_fatigue(0.05);
      break;
    case RealignAction::retrain: {
      refresh_and_recascade(org, tick);
      // Everyone spends this tick in training (half capacity; process_work charges the
      // training cost) that brings beliefs toward the team's code.
      auto training = org.training_until();
      const auto team = org.teams_of();
      for (std::size_t slot = 0; slot < org.headcount(); ++slot) {
        training[slot] = static_cast<std::int32_t>(tick);
        const PackedCode code(org.guiding_code(static_cast<std::size_t>(team[slot])));
        RandomStream draw = org.key().stream(streams::selection, org.employees().id(slot), tick);
        move_toward(org.beliefs(slot), code.view(), 0.5, draw);
      }
      org.climate.add_fatigue(0.1);
      break;
    }
    case RealignAction::restructure:
      refresh_and_recascade(org, tick);
      if (p.structure.enabled && org.hierarchy.type != StructureType::cross_functional) {
        restructure(org, StructureType::cross_functional, tick);
      }
      break;
  }
}

/// Mean payoff of this tick's actions in [0, 1]: what the work of the employees earns, as an
/// aggregate the organization observes (the scores are where reality is read, 7.1).
double action_performance(const Organization& org) {
  const std::size_t n = org.this_tick.acted;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto scores = org.action_scores();
  const std::int64_t sum = deterministic_reduce(
      n, 4096, std::int64_t{0},
      [&](std::size_t begin, std::size_t end, std::int64_t acc) {
        for (std::size_t slot = begin; slot < end; ++slot) acc += scores[slot];
        return acc;
      },
      [](std::int64_t a, std::int64_t b) { return a + b; });
  const double mean = static_cast<double>(sum) / static_cast<double>(n);
  if (org.landscape.active()) return mean / static_cast<double>(landscape_score(1.0));
  return 0.5 * (1.0 + mean / static_cast<double>(org.dimensions()));
}

/// This tick's performance signals, each in [0, 1] (NaN: not observed in this organization).
std::array<double, kSignalCount> performance_signals(const Organization& org) {
  const ModelParams& p = org.params();
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  std::array<double, kSignalCount> s{kNone, kNone, kNone};
  if (p.work.enabled) {
    // Financial results: the margin (revenue - cost) / max(revenue, cost), from -1 to 1.
    const double revenue = org.this_tick.revenue, cost = org.this_tick.cost;
    const double scale = std::max(revenue, cost);
    s[0] = scale > 0 ? 0.5 * (1.0 + (revenue - cost) / scale) : 0.5;
    s[1] = org.market.satisfaction;  // customer feedback: complaints, surveys
  } else {
    s[0] = action_performance(org);
  }
  if (p.people.enabled && org.headcount() > 0) {
    const auto engagement = org.engagement();
    double sum = 0;  // (an employee survey)
    for (const float e : engagement) sum += e;
    s[2] = sum / static_cast<double>(engagement.size());
  }
  // Power distance: bad news travels up less (organizational silence). What people report up
  // the line (every signal but the audited accounts) hides a share of its shortfall.
  const double silence = org.settings().site_culture.front().silence();
  for (std::size_t k = p.work.enabled ? 1 : 0; k < kSignalCount; ++k)
    s[k] += silence * (1.0 - s[k]);
  return s;
}

}  // namespace

double change_hazard(double gap, double tolerance, double sensitivity) {
  return std::clamp(sensitivity * (-gap - tolerance), 0.0, 1.0);
}

void sense_performance(Organization& org, Tick tick) {
  const PolicyParams& p = org.params().policy;
  PolicyState& state = org.policy;
  const auto slots = static_cast<std::size_t>(p.signal_delay) + 1;
  if (state.signals.size() != slots * kSignalCount)
    state.signals.assign(slots * kSignalCount, std::numeric_limits<double>::quiet_NaN());
  const auto now = performance_signals(org);
  std::copy(now.begin(), now.end(),
            state.signals.begin() + static_cast<std::ptrdiff_t>((tick % slots) * kSignalCount));
  if (tick < static_cast<Tick>(p.signal_delay) + 1) return;  // nothing reported yet
  const double* reported =
      state.signals.data() + ((tick - static_cast<Tick>(p.signal_delay)) % slots) * kSignalCount;
  RandomStream draw = org.key().stream(kSignals, 0, tick);
  boost::random::normal_distribution<double> error(0.0, p.signal_noise);
  // Financial results weigh twice as much as the other two together (performance feedback is
  // chiefly financial: Greve 2003 measures it by return on assets).
  constexpr std::array<double, kSignalCount> kWeight{4.0, 1.0, 1.0};
  double sum = 0, weights = 0;
  for (std::size_t k = 0; k < kSignalCount; ++k) {
    const double noise = p.signal_noise > 0 ? error(draw) : 0.0;  // drawn whether used or not
    if (std::isnan(reported[k])) continue;
    sum += kWeight[k] * std::clamp(reported[k] + noise, 0.0, 1.0);
    weights += kWeight[k];
  }
  if (weights == 0) return;
  state.period_sum += sum / weights;  // a review looks at the reports since the last one
  ++state.period_reports;
}

void realign(Organization& org, Tick tick) {
  const ModelParams& p = org.params();
  PolicyState& state = org.policy;
  if (state.research_due == static_cast<int>(tick)) {  // the findings are in
    state.research_due = -1;
    act_on_research(org, tick);
  }
  if (!p.policy.enabled || !org.this_tick.reviewed || state.period_reports == 0) return;
  state.perceived = state.period_sum / static_cast<double>(state.period_reports);
  state.period_sum = 0;
  state.period_reports = 0;
  // Performance feedback (Cyert & March 1963; Greve 2003): judged against an aspiration that
  // adapts to past performance; a shortfall beyond the tolerance makes a strategic change
  // likely in proportion to its size.
  // The first period's reports hold the start-up (an empty pipeline in the first week); the
  // aspiration is first set from the second period's.
  if (++state.reviews_seen == 1) return;
  if (std::isnan(state.aspiration)) state.aspiration = state.perceived;
  state.gap = state.perceived - state.aspiration;
  const double w = p.policy.aspiration_weight;
  state.aspiration = w * state.aspiration + (1.0 - w) * state.perceived;
  RandomStream draw = org.key().stream(kChange, 0, tick);
  const double u = draw.uniform();  // drawn at every review, used or not
  if (static_cast<int>(tick) < state.realign_ready_at || state.research_due >= 0) return;
  const Settings& s = org.settings();
  // The hazard is per quarter of reviewing (Greve's is per period): a firm that reviews more
  // often sees a shortfall sooner, but does not change more often for the same shortfall.
  const double quarterly =
      change_hazard(state.gap, s.realign_threshold, p.policy.change_sensitivity);
  const double per_review =
      1.0 - std::pow(1.0 - quarterly, static_cast<double>(s.review_interval) / kQuarter);
  if (u >= per_review) return;
  // Market research is an investment: without the cash for it there is no distant search.
  if (cash_is_low(org)) return;
  // Distant search: market research, paid now, reporting after research_time.
  org.this_tick.research_started = true;
  state.realign_ready_at = static_cast<int>(tick) + s.realign_cooldown;
  org.this_tick.spend(CostKind::change,
                      0.5 * p.finance.training_cost * static_cast<double>(org.headcount()));
  if (p.policy.research_time == 0) {
    act_on_research(org, tick);
  } else {
    state.research_due = static_cast<int>(tick + static_cast<Tick>(p.policy.research_time));
  }
}

namespace {

/// v with the policy submodel on, otherwise NaN.
double on(const Observation& o, double v) {
  return o.params.policy.enabled ? v : kNaN;
}

std::vector<MetricRow> policy_metrics() {
  return {
      {{"realigned", "policy", "0/1", "Realignment",
        "1 if a realignment (market research's findings acted on) took place this tick.",
        Better::none, false},
       [](const Observation& o) { return o.org.this_tick.realigned ? 1.0 : 0.0; }},
      {{"research_started", "policy", "0/1", "Market research commissioned",
        "1 if a strategic change was decided this tick (market research commissioned); NaN "
        "without the policy submodel.",
        Better::none, false},
       [](const Observation& o) { return on(o, o.org.this_tick.research_started ? 1 : 0); }},
      {{"perceived_performance", "policy", "[0, 1]", "Perceived performance",
        "What the last review saw: the reports since the review before, each a weighted mean of "
        "delayed, noisy signals (financial margin x 4, customer satisfaction x 1, employee survey "
        "x 1; the actions' payoff without work; power distance hides part of the bad news); NaN "
        "before the first review with a report or "
        "without the policy submodel.",
        Better::higher, false},
       [](const Observation& o) { return on(o, o.org.policy.perceived); }},
      {{"aspiration", "policy", "[0, 1]", "Aspiration level",
        "The performance management judges itself by (adapts to perceived performance at each "
        "review); NaN before the first review with a report or without the policy submodel.",
        Better::none, false},
       [](const Observation& o) { return on(o, o.org.policy.aspiration); }},
      {{"performance_gap", "policy", "[-1, 1]", "Performance - aspiration",
        "Perceived performance minus aspiration at the last review (negative: a shortfall); "
        "NaN before the first review with a report or without the policy submodel.",
        Better::none, false},
       [](const Observation& o) { return on(o, o.org.policy.gap); }},
  };
}

}  // namespace

const Submodel& policy_submodel() {
  static const Submodel submodel{
      "policy",
      "7.16",
      "Realignment triggers and actions; Agile, Lean and Systems framework presets.",
      [](std::vector<ParamSpec>& table) {
        declare_group<PolicyParams, &ModelParams::policy>("policy", table);
      },
      policy_metrics(),
      {{"realign", PhaseRow::Kind::serial, realign, nullptr, 0,
        [](const ModelParams& p) { return p.policy.enabled; }},
       {"sense_performance", PhaseRow::Kind::serial, sense_performance, nullptr, 0,
        [](const ModelParams& p) { return p.policy.enabled; }}}};
  return submodel;
}

}  // namespace orgsim::agents
