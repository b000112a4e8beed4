// Schedule, metrics and the run loop of the organization model.
#include "orgsim/agents/model.hpp"

#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

namespace orgsim::agents {

namespace {

const std::vector<MetricRow>& metric_rows() {
  static const std::vector<MetricRow> rows = [] {
    std::vector<MetricRow> all;
    for (const Submodel* submodel : submodels()) {
      all.insert(all.end(), submodel->metrics.begin(), submodel->metrics.end());
    }
    return all;
  }();
  return rows;
}

/// Spread of goal alignment between teams: the headcount-weighted standard deviation over teams
/// of the team mean of the employees' code matches / m (a range, highest minus lowest, grew with
/// the number of teams by itself). Teams are counted in parallel through the membership index
/// (integer sums), or by one pass over the employees if the index is out of date; the spread is
/// then summed in team order.
double alignment_spread(const Organization& org, const std::vector<std::int32_t>& slot_matches) {
  const std::size_t team_count = org.teams.count;
  const auto m = static_cast<double>(org.dimensions());
  const Teams& teams = org.teams;
  std::vector<std::int64_t> team_matches(team_count, 0);
  std::vector<std::int64_t> team_size(team_count, 0);
  if (org.membership_changed || teams.member_offsets.size() != team_count + 1) {
    const auto team_of = org.teams_of();
    for (std::size_t slot = 0; slot < org.headcount(); ++slot) {
      const auto team = static_cast<std::size_t>(team_of[slot]);
      team_matches[team] += slot_matches[slot];
      ++team_size[team];
    }
  } else {
    parallel_chunks(team_count, 256, [&](std::size_t begin, std::size_t end) {
      for (std::size_t t = begin; t < end; ++t) {
        const std::uint64_t first = teams.member_offsets[t], last = teams.member_offsets[t + 1];
        for (std::uint64_t k = first; k < last; ++k)
          team_matches[t] += slot_matches[teams.member_slots[k]];
        team_size[t] = static_cast<std::int64_t>(last - first);
      }
    });
  }
  std::int64_t matches = 0, members = 0;
  for (std::size_t t = 0; t < team_count; ++t) {
    matches += team_matches[t];
    members += team_size[t];
  }
  if (members == 0) return 0.0;
  const double mean = static_cast<double>(matches) / (static_cast<double>(members) * m);
  double squares = 0;
  for (std::size_t t = 0; t < team_count; ++t) {
    if (team_size[t] == 0) continue;
    const double size = static_cast<double>(team_size[t]);
    const double d = static_cast<double>(team_matches[t]) / (size * m) - mean;
    squares += size * d * d;
  }
  return std::sqrt(squares / static_cast<double>(members));
}

/// Adds one employee's share to the sums (and their code matches to `slot_matches`).
struct EmployeeSummer {
  const Organization& org;
  ConstTernary code;
  const std::array<std::uint64_t, kMaxWords>& reality;
  std::size_t acted;
  std::vector<std::int32_t>& slot_matches;
  const std::vector<std::array<std::uint64_t, kMaxWords>>& domains;  ///< per function (7.11)

  void add(std::size_t slot, EmployeeSums& acc) const {
    const std::size_t m = org.dimensions();
    const ConstTernary beliefs = org.beliefs(slot);
    const auto actions = org.actions(slot);
    std::int64_t matches = 0, knowledge = 0, exploring = 0, expert = 0, domain_size = 0;
    const auto& domain = domains[org.practised_function(slot) % domains.size()];
    for (std::size_t w = 0; w < org.words(); ++w) {
      const std::uint64_t valid = valid_bits(m, w);
      const std::uint64_t differ =
          (beliefs.known(w) ^ code.known(w)) | (beliefs.positive(w) ^ code.positive(w));
      matches += std::popcount(~differ & valid);
      const std::uint64_t wrong = beliefs.known(w) & (beliefs.positive(w) ^ reality[w]);
      knowledge += std::popcount(beliefs.known(w) & valid) - 2 * std::popcount(wrong & valid);
      expert += std::popcount(beliefs.known(w) & domain[w]) - 2 * std::popcount(wrong & domain[w]);
      domain_size += std::popcount(domain[w]);
      // An action differs from the code where the code is 0 or has the other sign.
      if (slot < acted)
        exploring += std::popcount((~code.known(w) | (actions[w] ^ code.positive(w))) & valid);
    }
    if (!slot_matches.empty()) slot_matches[slot] = static_cast<std::int32_t>(matches);
    acc.matches += matches;
    acc.knowledge += knowledge;
    acc.exploring += exploring;
    if (domain_size > 0)
      acc.expertise += static_cast<double>(expert) / static_cast<double>(domain_size);
    const auto skill = org.skills(slot);
    acc.skill += skill[org.practised_function(slot)];
    acc.digital += skill[org.skill_count() - 1];
    acc.engagement += org.engagement()[slot];
  }
};

EmployeeSums combine(EmployeeSums a, const EmployeeSums& b) {
  a.matches += b.matches;
  a.knowledge += b.knowledge;
  a.exploring += b.exploring;
  a.engagement += b.engagement;
  a.skill += b.skill;
  a.digital += b.digital;
  a.expertise += b.expertise;
  return a;
}

}  // namespace

std::span<const MetricInfo> metric_table() {
  static const std::vector<MetricInfo> table = [] {
    std::vector<MetricInfo> infos;
    for (const MetricRow& row : metric_rows()) infos.push_back(row.info);
    return infos;
  }();
  return table;
}

std::optional<std::size_t> find_metric(std::string_view name) {
  const auto table = metric_table();
  for (std::size_t k = 0; k < table.size(); ++k) {
    if (table[k].name == name) return k;
  }
  return std::nullopt;
}

Observation observe(const Organization& org) {
  const std::size_t n = org.headcount();
  const std::size_t acted = std::min(org.this_tick.acted, n);  // later hires have not acted
  const PackedCode packed_code(org.code);
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  const bool per_team = org.teams.count > 1;
  std::vector<std::int32_t> slot_matches(per_team ? n : 0);
  std::vector<std::array<std::uint64_t, kMaxWords>> domains;
  const std::size_t functions = org.skill_count() - 1;
  for (std::size_t f = 0; f < std::max<std::size_t>(1, functions); ++f)
    domains.push_back(domain_mask(f, functions, org.dimensions()));
  const EmployeeSummer summer{org, packed_code.view(), reality, acted, slot_matches, domains};
  const EmployeeSums sums = deterministic_reduce(
      n, 1024, EmployeeSums{},
      [&](std::size_t begin, std::size_t end, EmployeeSums acc) {
        for (std::size_t slot = begin; slot < end; ++slot) summer.add(slot, acc);
        return acc;
      },
      combine);
  const double gap = per_team ? alignment_spread(org, slot_matches) : 0.0;
  return Observation{
      org,  org.params(), static_cast<double>(org.dimensions()), static_cast<double>(n), acted,
      sums, gap};
}

void measure(const Organization& org, std::span<double> row) {
  const Observation observation = observe(org);
  const auto& rows = metric_rows();
  for (std::size_t k = 0; k < rows.size(); ++k) row[k] = rows[k].measure(observation);
}

std::optional<StopRule> parse_stop_rule(std::string_view name) {
  if (name == "none") return StopRule::none;
  if (name == "equilibrium") return StopRule::equilibrium;
  return std::nullopt;
}

std::string_view stop_rule_name(StopRule rule) {
  return rule == StopRule::equilibrium ? "equilibrium" : "none";
}

std::optional<SnapshotField> parse_snapshot_field(std::string_view name) {
  for (int f = 0; f <= static_cast<int>(SnapshotField::level); ++f) {
    if (snapshot_field_name(static_cast<SnapshotField>(f)) == name)
      return static_cast<SnapshotField>(f);
  }
  return std::nullopt;
}

bool snapshot_field_integer(SnapshotField field) {
  switch (field) {
    case SnapshotField::id:
    case SnapshotField::team:
    case SnapshotField::department:
    case SnapshotField::function:
    case SnapshotField::manager:
    case SnapshotField::site:
    case SnapshotField::level:
      return true;
    default:
      return false;
  }
}

std::string_view snapshot_field_name(SnapshotField field) {
  switch (field) {
    case SnapshotField::id:
      return "id";
    case SnapshotField::team:
      return "team";
    case SnapshotField::engagement:
      return "engagement";
    case SnapshotField::resistance:
      return "resistance";
    case SnapshotField::digital_skill:
      return "digital_skill";
    case SnapshotField::alignment:
      return "alignment";
    case SnapshotField::knowledge:
      return "knowledge";
    case SnapshotField::beliefs:
      return "beliefs";
    case SnapshotField::department:
      return "department";
    case SnapshotField::function:
      return "function";
    case SnapshotField::manager:
      return "manager";
    case SnapshotField::site:
      return "site";
    case SnapshotField::level:
      return "level";
  }
  return "?";
}

namespace {

/// An employee's place in the organization (department, function, manager, site, level).
double position_field(const Organization& org, SnapshotField field, std::size_t slot,
                      const std::vector<std::int64_t>& lead_of) {
  const auto t = static_cast<std::size_t>(org.teams_of()[slot]);
  const bool lead = org.leads()[slot] != 0;
  const bool teams = org.teams.count > 0 && !org.teams.parent.empty();
  switch (field) {
    case SnapshotField::department:
      return org.department_of()[slot];
    case SnapshotField::function:
      return org.function_of()[slot];
    case SnapshotField::site:
      return teams ? org.teams.site[t] : 0;
    case SnapshotField::level:
      return (teams ? org.teams.layer[t] : 0) + (lead ? 0 : 1);
    case SnapshotField::manager: {
      const std::int64_t above = !lead
                                     ? lead_of[t]
                                     : (teams && org.teams.parent[t] >= 0
                                            ? lead_of[static_cast<std::size_t>(org.teams.parent[t])]
                                            : -1);
      return above < 0 ? std::numeric_limits<double>::quiet_NaN()
                       : static_cast<double>(org.employees().id(static_cast<std::size_t>(above)));
    }
    default:
      return 0;
  }
}

/// Appends one snapshot of `options.agents` employees spread evenly over the slots.
void take_snapshot(const Organization& org, const SnapshotOptions& options, Snapshots& out) {
  const std::size_t n = org.headcount();
  const std::size_t m = org.dimensions();
  const std::size_t agents = options.agents;
  if (out.values.empty()) {
    for (SnapshotField f : options.fields) {
      if (f != SnapshotField::beliefs) out.values.emplace_back();
    }
  }
  std::vector<std::int64_t> lead_of(org.teams.count, -1);  // team -> its lead's slot
  for (std::size_t slot = 0; slot < n; ++slot)
    if (org.leads()[slot])
      lead_of[static_cast<std::size_t>(org.teams_of()[slot])] = static_cast<std::int64_t>(slot);
  const PackedCode packed_code(org.code);
  std::array<std::uint64_t, kMaxWords> reality{};
  pack_signs(org.reality, reality);
  std::size_t column = 0;
  for (SnapshotField field : options.fields) {
    if (field == SnapshotField::beliefs) {
      for (std::size_t i = 0; i < agents; ++i) {
        if (i >= n) {
          out.beliefs.insert(out.beliefs.end(), m, 0);
          continue;
        }
        const ConstTernary b = org.beliefs(n > agents ? i * n / agents : i);
        for (std::size_t d = 0; d < m; ++d) out.beliefs.push_back(b.get(d));
      }
      continue;
    }
    std::vector<double>& values = out.values[column++];
    for (std::size_t i = 0; i < agents; ++i) {
      if (i >= n) {
        values.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      const std::size_t slot = n > agents ? i * n / agents : i;
      double v = 0;
      switch (field) {
        case SnapshotField::id:
          v = static_cast<double>(org.employees().id(slot));
          break;
        case SnapshotField::team:
          v = org.teams_of()[slot];
          break;
        case SnapshotField::engagement:
          v = org.engagement()[slot];
          break;
        case SnapshotField::resistance:
          v = org.resistance()[slot];
          break;
        case SnapshotField::digital_skill:
          v = org.skills(slot)[org.skill_count() - 1];
          break;
        case SnapshotField::alignment:
          v = static_cast<double>(same_values(org.beliefs(slot), packed_code.view(), m)) /
              static_cast<double>(m);
          break;
        case SnapshotField::knowledge:
          v = static_cast<double>(agreement(org.beliefs(slot), reality, m)) /
              static_cast<double>(m);
          break;
        case SnapshotField::beliefs:
          break;
        default:
          v = position_field(org, field, slot, lead_of);
          break;
      }
      values.push_back(v);
    }
  }
  ++out.count;
}

}  // namespace

std::size_t recorded_rows(Tick ticks_run, Tick every) {
  return static_cast<std::size_t>(ticks_run / every) + 1 + (ticks_run % every != 0 ? 1 : 0);
}

namespace {

/// The parameters and events of a run whose first `warmup` ticks are the firm's past: every
/// scheduled time moves back by the warm-up, so that it counts from today.
ModelParams after_warmup(ModelParams params, Tick warmup) {
  const auto w = static_cast<std::int64_t>(warmup);
  if (params.environment.shock_at > 0) params.environment.shock_at += w;
  if (params.structure.restructure_at > 0) params.structure.restructure_at += w;
  params.automation.start += w;  // the automation studied starts today
  return params;
}

/// Simulates the warm-up (nothing recorded; only an exit or an interruption ends it early)
/// and reopens the books with today's cash. An organization read from an org chart keeps its
/// people through it (docs/ODD.md 5): the chart is today's staff, so during the warm-up nobody
/// leaves (no turnover, no quits) and nobody is hired (no hiring to the backlog, a market that
/// does not grow); the firm's code, beliefs, engagement, customers and cash settle as before.
/// Every firm replaces its leavers through the warm-up (org.replace_below applies from today):
/// the headcount given is today's. Departments described by their headcounts are staffed to
/// their work during the warm-up like a generated firm (freezing them made a firm whose work
/// needs more people than given spiral into overload in its past: tried 2026-12-08).
void warm_up(Organization& org, const Schedule<Organization>& schedule, const RunOptions& options) {
  const ModelParams given = org.params();
  ModelParams past = given;
  past.org.replace_below = 0;
  if (given.design && !given.design->chart.empty()) {
    past.learning.turnover_rate = 0;
    past.people.quit_sensitivity = 0;
    past.org.overload_hiring = 0;
    past.environment.market_growth = 0;
  }
  org.change_parameters(past);
  for (Tick tick = 1; tick <= options.warmup; ++tick) {
    schedule.step(org, tick);
    if (org.finance.exited) return;
    if (options.abandon && options.abandon->load(std::memory_order_relaxed) != 0) return;
  }
  org.change_parameters(given);
  org.anchor_customer_expectation();
  org.open_the_books();
}

/// Runs the organization from today (its warm-up done) and records its metrics and snapshots.
void record_run(Organization& org, const Schedule<Organization>& schedule,
                const RunOptions& options, RunOutcome& outcome) {
  const Tick warmup = options.warmup;
  const Tick every = std::max<Tick>(1, options.record_every);
  const std::size_t width = metric_table().size();
  outcome.metrics.reserve_rows(std::min<std::size_t>(recorded_rows(options.max_ticks, every), 512));
  std::vector<double> row(width);
  measure(org, row);
  outcome.metrics.append(row);
  const SnapshotOptions& snap = options.snapshots;
  if (snap.every > 0) take_snapshot(org, snap, outcome.snapshots);
  const StopRule stop = options.stop;
  const std::atomic<int>* abandon = options.abandon;
  if (org.finance.exited) return;  // it did not survive its past (row 0 says so)
  outcome.ticks_run = run_ticks(
      org, schedule, options.max_ticks,
      [stop, abandon](const Organization& o, Tick) {
        if (abandon && abandon->load(std::memory_order_relaxed) != 0)
          return true;                      // one relaxed load per tick
        if (o.finance.exited) return true;  // the firm could not pay (7.17)
        return stop == StopRule::equilibrium && at_equilibrium(o);
      },
      [&](Organization& o, Tick absolute) {
        const Tick tick = absolute - warmup;  // recorded ticks count from today
        if (snap.every > 0 && tick % snap.every == 0) take_snapshot(o, snap, outcome.snapshots);
        if (tick % every != 0) return;
        measure(o, row);
        outcome.metrics.append(row);
      },
      warmup + 1);
  if (outcome.ticks_run % every != 0) {  // the last tick is always recorded
    measure(org, row);
    outcome.metrics.append(row);
  }
  if (snap.every > 0 && outcome.ticks_run % snap.every != 0)
    take_snapshot(org, snap, outcome.snapshots);
}

}  // namespace

void from_today(const ModelParams& given, RunKey key, const RunOptions& options,
                const std::function<void(Organization&, const Schedule<Organization>&)>& run) {
  const Tick warmup = options.warmup;
  const ModelParams params = warmup > 0 ? after_warmup(given, warmup) : given;
  Organization org(params, key);
  for (const ScheduledEvent& event : options.events)
    if (event_happens(event, key)) org.events.push_back(event);
  for (ScheduledEvent& event : org.events) event.at += static_cast<decltype(event.at)>(warmup);
  const Schedule<Organization> schedule = make_schedule(params);
  if (warmup > 0) warm_up(org, schedule, options);
  run(org, schedule);
}

RunOutcome simulate(const ModelParams& given, RunKey key, const RunOptions& options) {
  RunOutcome outcome{MetricTable(metric_table().size()), 0, {}};
  from_today(given, key, options, [&](Organization& org, const Schedule<Organization>& schedule) {
    record_run(org, schedule, options, outcome);
  });
  return outcome;
}

RunOutcome simulate(const ModelParams& params, RunKey key, Tick max_ticks, StopRule stop) {
  RunOptions options;
  options.max_ticks = max_ticks;
  options.stop = stop;
  return simulate(params, key, options);
}

}  // namespace orgsim::agents
