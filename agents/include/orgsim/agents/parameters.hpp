// The model's parameter table: every parameter declared once (name, type, default, range, unit,
// help). The same table drives experiment-file validation, `orgsim params`, docs/parameters.md
// and the column names of swept parameters in the results file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace orgsim::agents {

/// Every parameter of one simulated organization. Build with ModelParams::defaults().
struct ModelParams {
  std::int64_t employees = 0;             ///< org.employees
  std::int64_t teams = 0;                 ///< org.teams
  std::int64_t dimensions = 0;            ///< learning.dimensions (March's m)
  double socialization_rate = 0;          ///< learning.socialization_rate (March's p1)
  double code_learning_rate = 0;          ///< learning.code_learning_rate (March's p2)
  double turnover_rate = 0;               ///< learning.turnover_rate (March's p3)
  double turbulence_rate = 0;             ///< learning.turbulence_rate (March's p4)

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
