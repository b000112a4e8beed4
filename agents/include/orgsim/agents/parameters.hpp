// The model's parameter table: every parameter declared once (name, type, default, range, unit,
// help). The same table drives experiment-file validation, `orgsim params`, docs/parameters.md
// and the column names of swept parameters in the results file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace orgsim::agents {

/// Largest number of dimensions m (learning.dimensions).
inline constexpr std::size_t kMaxDimensions = 1024;

/// Every parameter of one simulated organization, as a plain description (it is never changed
/// by a run). Field names are the table names with the dot replaced by an underscore; each
/// submodel has an `enabled` switch, all off by default, so the defaults are March (1991).
/// Build with ModelParams::defaults(); see docs/parameters.md for meanings and ranges.
struct ModelParams {
  // org
  std::int64_t org_employees = 0;
  std::int64_t org_teams = 0;
  // learning (March 1991)
  std::int64_t learning_dimensions = 0;
  double learning_socialization_rate = 0;   ///< March's p1
  double learning_code_learning_rate = 0;   ///< March's p2
  double learning_turnover_rate = 0;        ///< March's p3
  double learning_turbulence_rate = 0;      ///< March's p4
  double learning_fast_learner_share = 0;
  double learning_fast_socialization_rate = 0;
  // environment
  bool environment_enabled = false;
  std::int64_t environment_shock_at = 0;
  std::int64_t environment_shock_every = 0;
  double environment_shock_rate = 0;
  double environment_shock_size = 0;
  double environment_market_growth = 0;
  double environment_base_demand = 0;
  double environment_loyalty_effect = 0;
  // strategy
  bool strategy_enabled = false;
  std::int64_t strategy_review_interval = 0;
  double strategy_sensing_noise = 0;
  // structure
  bool structure_enabled = false;
  std::string structure_type;
  std::int64_t structure_span_of_control = 0;
  std::int64_t structure_functions = 0;
  std::int64_t structure_sites = 0;
  std::int64_t structure_ties_per_employee = 0;
  double structure_cross_team_ties = 0;
  double structure_peer_learning_rate = 0;
  std::string structure_peer_learning;
  std::int64_t structure_cascade_lag = 0;
  double structure_cascade_distortion = 0;
  double structure_centralization = 0;
  std::int64_t structure_latency_per_level = 0;
  std::int64_t structure_cross_site_delay = 0;
  std::int64_t structure_restructure_at = 0;
  std::string structure_restructure_to;
  std::int64_t structure_transition_ticks = 0;
  // people
  bool people_enabled = false;
  double people_skill_learning = 0;
  double people_skill_decay = 0;
  double people_initial_digital_skill = 0;
  double people_engagement_adjustment = 0;
  double people_quit_sensitivity = 0;
  double people_mean_resistance = 0;
  // work
  bool work_enabled = false;
  double work_tasks_per_employee = 0;
  double work_routine_share = 0;
  std::int64_t work_handoff_delay = 0;
  double work_error_rate = 0;
  double work_target_lead_time = 0;
  // automation
  bool automation_enabled = false;
  std::string automation_level;
  double automation_process_target = 0;
  double automation_data_target = 0;
  double automation_communication_target = 0;
  std::int64_t automation_start = 0;
  double automation_adoption_speed = 0;
  double automation_error_rate = 0;
  double automation_security_investment = 0;
  double automation_incident_rate = 0;
  std::int64_t automation_incident_downtime = 0;
  std::string automation_freed_capacity;
  bool automation_training = false;
  std::int64_t automation_training_ticks = 0;
  // culture
  bool culture_enabled = false;
  std::string culture_preset;
  double culture_collectivism = 0;
  double culture_power_distance = 0;
  double culture_uncertainty_avoidance = 0;
  double culture_learning_orientation = 0;
  std::string culture_other_sites_preset;
  // growth
  bool growth_enabled = false;
  std::int64_t growth_target_employees = 0;
  double growth_hiring_rate = 0;
  std::int64_t growth_growth_threshold = 0;
  std::int64_t growth_maturity_threshold = 0;
  double growth_bureaucracy = 0;
  // policy
  bool policy_enabled = false;
  std::string policy_framework;
  double policy_realign_threshold = 0;
  std::string policy_realign_action;
  std::int64_t policy_realign_cooldown = 0;
  // finance
  double finance_salary = 0;
  double finance_task_value = 0;
  double finance_automation_cost = 0;
  double finance_training_cost = 0;
  double finance_security_cost = 0;
  double finance_restructuring_cost = 0;
  double finance_incident_cost = 0;

  /// The defaults of the parameter table.
  static ModelParams defaults();
};

enum class ParamType { integer, real, boolean, choice };

/// A parameter value as read from an experiment file.
using ParamValue = std::variant<std::int64_t, double, bool, std::string>;

struct ParamSpec {
  std::string_view name;      ///< dotted, "<submodel>.<parameter>"
  ParamType type;
  ParamValue default_value;
  double min = 0;             ///< inclusive lower bound (integer and real)
  double max = 0;             ///< inclusive upper bound (integer and real)
  std::vector<std::string_view> choices;  ///< allowed values (choice)
  std::string_view unit;
  std::string_view help;
  using Field = std::variant<std::int64_t ModelParams::*, double ModelParams::*,
                             bool ModelParams::*, std::string ModelParams::*>;
  Field field;

  /// The submodel: the part of the name before the first dot.
  [[nodiscard]] std::string_view submodel() const { return name.substr(0, name.find('.')); }
};

/// All parameters, in documentation order.
std::span<const ParamSpec> parameter_table();

/// The parameter called `name`, or nullptr.
const ParamSpec* find_parameter(std::string_view name);

/// "integer", "real", "boolean" or "choice".
std::string_view type_name(ParamType type);

/// Human description of what a parameter accepts, e.g. "a real number in [0, 1]".
std::string expected_value(const ParamSpec& spec);

/// Converts `value` to the parameter's type (an integer is accepted where a real is expected) and
/// checks its range; returns the converted value, or nullopt if it is not acceptable.
std::optional<ParamValue> coerce(const ParamSpec& spec, const ParamValue& value);

/// Stores a value (already coerced) into its field.
void assign(ModelParams& params, const ParamSpec& spec, const ParamValue& value);

/// Reads a parameter's value out of `params`.
ParamValue value_of(const ModelParams& params, const ParamSpec& spec);

/// The shortest text that reads back as exactly `x` ("0.1", "1e+06").
std::string short_number(double x);

/// Formats a value as TOML would write it.
std::string format_value(const ParamValue& value);

/// A violated constraint between parameters: which parameter and why.
struct ConsistencyProblem {
  std::string parameter;
  std::string message;
};

/// Checks constraints that involve more than one parameter (e.g. teams <= employees).
std::optional<ConsistencyProblem> check_consistency(const ModelParams& params);

}  // namespace orgsim::agents
