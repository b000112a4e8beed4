// Experiment files (TOML): what to run. An ExperimentSpec is the validated, immutable description
// of a sweep; the loader reports every problem with file:line:column (docs/experiment-files.md).
#pragma once

#include "orgsim/agents/model.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/design.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orgsim::experiments {

using agents::ModelParams;
using agents::ParamValue;

struct ExperimentSpec {
  std::string name;
  std::string description;
  std::int64_t ticks = 100;
  std::int64_t warmup = 0;  ///< ticks simulated before tick 0, not recorded (docs/ODD.md 5.)
  std::int64_t replications = 1;
  std::uint64_t seed = 1;
  /// The random numbers of replications first_replication .. + replications - 1 (a run's
  /// replication r draws with the key (seed, r)): 0 unless the runs continue or repeat others.
  std::uint64_t first_replication = 0;
  std::string currency;  ///< ISO 4217 code money is reported in (empty: "currency")
  agents::StopRule stop = agents::StopRule::none;
  ModelParams scenario = ModelParams::defaults();  ///< defaults + [scenario]
  Design design;                                   ///< [sweep.<design>]
  std::int64_t record_every = 1;                   ///< [output] every
  agents::SnapshotOptions snapshots;               ///< [output.snapshots]
  std::vector<agents::ScheduledEvent> events;      ///< [[events]], in tick order
  /// [[options.events]]: each option's own events, in tick order (empty without options).
  std::vector<std::vector<agents::ScheduledEvent>> option_events;
  std::string source_name;             ///< file path, or "<default experiment>"
  std::string source_text;             ///< the file as written
  std::vector<std::string> overrides;  ///< the --set arguments applied
  std::vector<std::string> notes;      ///< remarks that are not errors (e.g. chart columns ignored)
  /// Doubts about the design that run and validate print (e.g. a varied parameter of a
  /// switched-off submodel); commands that only read the design leave them out.
  std::vector<std::string> warnings;

  /// Number of design points (1 without a sweep).
  [[nodiscard]] std::size_t design_point_count() const { return design.size(); }
  /// The parameters of a design point: the scenario with the design's values.
  [[nodiscard]] ModelParams params_at(std::size_t point) const;
  /// The parameters a design point's runs start with: params_at(point), except that after a
  /// warm-up the firm's past is the baseline option's. An option's values of parameters that
  /// may change during a run then take effect today, by a `set` event in week 1 (events_at);
  /// values that may not (sizes, structure.type, ...) describe another firm and hold throughout.
  [[nodiscard]] ModelParams run_params_at(std::size_t point) const;
  /// The run options (ticks, stop rule, recording, [[events]]) shared by every run.
  [[nodiscard]] agents::RunOptions run_options() const;
  /// The events of a design point: [[events]] and its option's own, each moved to the point's
  /// "events.<name>.at" where the design or the option sets it, in tick order ([[events]] first
  /// within a tick); after a warm-up, first of all the `set` event in week 1 that gives an option
  /// its own values where the past was the baseline's (run_params_at).
  [[nodiscard]] std::vector<agents::ScheduledEvent> events_at(std::size_t point) const;
  /// Whether the runs' events differ by design point: some option has events of its own, the
  /// design or an option moves an event, or options set values that take effect after a warm-up.
  [[nodiscard]] bool events_differ_by_point() const;
  /// The names of the uncertain events (probability < 1), [[events]] first, each once: /runs
  /// has a 0/1 column per name saying whether the event happened in the run.
  [[nodiscard]] std::vector<std::string> uncertain_events() const;
  /// design_point_count() * replications.
  [[nodiscard]] std::size_t run_count() const;
  /// The experiment with every value explicit, as TOML (recorded in results files).
  [[nodiscard]] std::string resolved_text() const;
};

/// One point of the design: its index, the swept values (one per grid axis) and the parameters.
struct DesignPoint {
  std::size_t index = 0;
  std::vector<ParamValue> values;
  ModelParams params;
};

/// Every design point (for small designs and tests; large sweeps use params_at on demand).
std::vector<DesignPoint> design_points(const ExperimentSpec& spec);

/// Parses and validates an experiment. `overrides` are "key=value" strings (--set), applied on
/// top of the file; keys are dotted paths such as "experiment.seed" or
/// "scenario.learning.socialization_rate".
/// @throws ConfigError with the location of the first problem.
ExperimentSpec parse_experiment(std::string_view text, std::string_view source_name,
                                const std::vector<std::string>& overrides = {});

/// Reads a file and parses it as above. @throws ConfigError (also when the file is unreadable).
ExperimentSpec load_experiment(const std::string& path,
                               const std::vector<std::string>& overrides = {});

/// An experiment of exactly one run: run `run` of `spec` (its design point's parameters and
/// events, its replication's random numbers), as TOML. Running it reproduces that run bit for
/// bit (`orgsim run RESULTS.h5 --rerun RUN`). @throws UsageError for a run the sweep lacks.
std::string single_run_experiment(const ExperimentSpec& spec, std::size_t run);

/// The embedded default experiment (experiments/configs/default.toml).
std::string_view default_experiment_text();

/// " (did you mean \"x\"?)" for the closest of `candidates` to a mistyped `word` (at most three
/// edits, fewer for short words), or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace orgsim::experiments
