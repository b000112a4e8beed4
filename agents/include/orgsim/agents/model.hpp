// The organization model as a whole: its schedule of phases, its metrics, its stop rules, and
// simulate(), which runs one organization from tick 0 to the end and returns its metric rows.
#pragma once

#include "orgsim/agents/organization.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/core/metrics.hpp"
#include "orgsim/core/scheduler.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace orgsim::agents {

/// The phases of one tick, in order, for the submodels switched on in `params`
/// (docs/ODD.md section 3). With every submodel off, these are March's phases.
Schedule<Organization> make_schedule(const ModelParams& params);

/// The metrics the model reports every recorded tick, in column order (names are stable).
std::span<const MetricInfo> metric_table();

/// Index of a metric in metric_table(), or nullopt.
std::optional<std::size_t> find_metric(std::string_view name);

/// Fills `row` (metric_table().size() values) with the organization's current metrics. Metrics
/// of a submodel that is switched off are NaN.
void measure(const Organization& org, std::span<double> row);

/// When a run may end before its tick limit.
enum class StopRule {
  none,         ///< run to the tick limit
  equilibrium,  ///< stop once at_equilibrium() holds (March's steady state)
};

/// "none" or "equilibrium" -> StopRule.
std::optional<StopRule> parse_stop_rule(std::string_view name);
std::string_view stop_rule_name(StopRule rule);

/// Per-agent values a snapshot can record.
enum class SnapshotField : std::uint8_t {
  id,
  team,
  engagement,
  resistance,
  digital_skill,
  alignment,
  knowledge,
  beliefs,
  department,  ///< index into the run's department names (/snapshots attribute)
  function,    ///< the function the employee works in
  manager,     ///< the agent id of their line manager (NaN at the top)
  site,
  level  ///< reporting steps from the top (0 = the top)
};
std::optional<SnapshotField> parse_snapshot_field(std::string_view name);
/// Whether a field holds whole numbers (ids and indices: stored as int64 in results files, -1
/// where there is no value).
bool snapshot_field_integer(SnapshotField field);
std::string_view snapshot_field_name(SnapshotField field);

/// What per-agent snapshots to take: every `every` ticks (0 = none) and at the last tick, of
/// `agents` employees spread evenly over the slots.
struct SnapshotOptions {
  Tick every = 0;
  std::size_t agents = 0;
  std::vector<SnapshotField> fields;
};

/// Snapshots of one run: for each field but beliefs, values [snapshot][agent] (NaN where the
/// organization had fewer employees); beliefs [snapshot][agent][dimension].
struct Snapshots {
  std::size_t count = 0;
  std::vector<std::vector<double>> values;  ///< one per field except beliefs, in field order
  std::vector<std::int8_t> beliefs;
};

/// The outcome of one run: metric rows for ticks 0..ticks_run and how many ticks ran.
struct RunOutcome {
  MetricTable metrics;
  Tick ticks_run = 0;
  Snapshots snapshots;
};

struct RunOptions {
  Tick max_ticks = 100;
  /// Ticks simulated before tick 0 and not recorded: the firm's past, so that tick 0 is today
  /// (docs/ODD.md 5.). Scheduled times (shocks, restructuring, automation start, events) count
  /// from the end of the warm-up; the books are reopened with today's cash.
  Tick warmup = 0;
  StopRule stop = StopRule::none;
  Tick record_every = 1;               ///< record rows at ticks 0, k, 2k, ... and the last tick
  std::vector<ScheduledEvent> events;  ///< applied at the start of their tick
  SnapshotOptions snapshots;
  /// When set and it becomes non-zero (an interrupted sweep), the run ends after the tick in
  /// progress; its outcome is then incomplete and must be discarded by the caller.
  const std::atomic<int>* abandon = nullptr;
};

/// Number of metric rows a run of `ticks_run` ticks records with `every`.
std::size_t recorded_rows(Tick ticks_run, Tick every);

/// Builds a run's organization as it is today: its events (uncertain ones drawn), its times
/// counted from today, its warm-up simulated (options.warmup, docs/ODD.md 5); then hands it and
/// its schedule to `run` (simulate records from there; `orgsim org` looks at a later tick).
void from_today(const ModelParams& params, RunKey key, const RunOptions& options,
                const std::function<void(Organization&, const Schedule<Organization>&)>& run);

/// Runs one organization and records its metrics (row 0 is the initial state).
RunOutcome simulate(const ModelParams& params, RunKey key, const RunOptions& options);
/// Runs for up to `max_ticks` ticks, recording every tick.
RunOutcome simulate(const ModelParams& params, RunKey key, Tick max_ticks, StopRule stop);

}  // namespace orgsim::agents
