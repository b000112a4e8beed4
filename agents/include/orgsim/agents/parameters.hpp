// The model's parameters: ModelParams (one struct per submodel) and the parameter table, the
// rows every registered submodel declares (name, type, default, range, unit, help). The same
// table drives experiment-file validation, `orgsim params`, docs/parameters.md and the column
// names of swept parameters in the results file.
#pragma once

#include "orgsim/agents/org_design.hpp"
#include "orgsim/agents/param_rows.hpp"
#include "orgsim/agents/params/automation.hpp"
#include "orgsim/agents/params/coordination.hpp"
#include "orgsim/agents/params/culture.hpp"
#include "orgsim/agents/params/environment.hpp"
#include "orgsim/agents/params/finance.hpp"
#include "orgsim/agents/params/growth.hpp"
#include "orgsim/agents/params/landscape.hpp"
#include "orgsim/agents/params/learning.hpp"
#include "orgsim/agents/params/org.hpp"
#include "orgsim/agents/params/people.hpp"
#include "orgsim/agents/params/policy.hpp"
#include "orgsim/agents/params/strategy.hpp"
#include "orgsim/agents/params/structure.hpp"
#include "orgsim/agents/params/work.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace orgsim::agents {

/// Every parameter of one simulated organization, as a plain description (it is never changed
/// by a run): one struct per submodel (params/<submodel>.hpp, where each parameter's row is
/// declared beside its field). Each submodel has an `enabled` switch, off by default, so the
/// defaults are March (1991). Build with ModelParams::defaults(); see docs/parameters.md.
struct ModelParams {
  OrgParams org;
  LearningParams learning;
  EnvironmentParams environment;
  StrategyParams strategy;
  StructureParams structure;
  PeopleParams people;
  WorkParams work;
  AutomationParams automation;
  CultureParams culture;
  GrowthParams growth;
  PolicyParams policy;
  FinanceParams finance;
  LandscapeParams landscape;
  CoordinationParams coordination;
  /// Parameters of submodels registered from outside orgsim's own list (Registration), by name.
  std::map<std::string, ParamValue, std::less<>> extensions;
  /// The described organization ([organization] and org.chart in an experiment file); null =
  /// generated from org.employees and structure.* (docs/ODD.md 7.10).
  std::shared_ptr<const OrgDesign> design;

  /// The defaults of the parameter table.
  static ModelParams defaults();
  /// An extension submodel's parameter (`name` as in its row, e.g. "toy.rate").
  template <class T>
  [[nodiscard]] const T& extension(std::string_view name) const {
    return std::get<T>(extensions.find(name)->second);
  }
};

/// Declares the rows of the group `member` of ModelParams under `prefix` (Group::declare).
template <class Group, Group ModelParams::*member>
void declare_group(std::string_view prefix, std::vector<ParamSpec>& table) {
  ParamRows<Group> rows(
      prefix, [](ModelParams& p) -> Group& { return p.*member; },
      [](const ModelParams& p) -> const Group& { return p.*member; }, table);
  Group::declare(rows);
}

/// Declares the parameters of an extension submodel (Registration), kept by name in
/// ModelParams::extensions and read with ModelParams::extension<T>(name).
class ExtensionRows {
 public:
  ExtensionRows(std::string_view prefix, std::vector<ParamSpec>& table)
      : prefix_(prefix), table_(table) {}

  void integer(std::string_view name, std::int64_t value, double lo, double hi,
               std::string_view unit, std::string_view help) {
    add(name, ParamType::integer, value, lo, hi, unit, help);
  }
  void real(std::string_view name, double value, double lo, double hi, std::string_view unit,
            std::string_view help) {
    add(name, ParamType::real, value, lo, hi, unit, help);
  }
  void boolean(std::string_view name, bool value, std::string_view help) {
    add(name, ParamType::boolean, value, 0, 1, "switch", help);
  }

 private:
  void add(std::string_view name, ParamType type, ParamValue value, double lo, double hi,
           std::string_view unit, std::string_view help) {
    const std::string full = std::string(prefix_) + "." + std::string(name);
    ParamSpec spec{full, type, value, lo, hi, {}, unit, help, {}, {}};
    spec.set = [full](ModelParams& p, const ParamValue& v) { p.extensions[full] = v; };
    spec.get = [full, value](const ModelParams& p) {
      const auto it = p.extensions.find(full);
      return it == p.extensions.end() ? value : it->second;
    };
    table_.push_back(std::move(spec));
  }

  std::string_view prefix_;
  std::vector<ParamSpec>& table_;
};

/// All parameters, in documentation order.
std::span<const ParamSpec> parameter_table();

/// The parameter called `name`, or nullptr. "events.<event>.at" is the time of the events named
/// <event> (event_time_parameter), whether or not the experiment has such an event.
const ParamSpec* find_parameter(std::string_view name);

/// The time of the events named `event` as a parameter, "events.<event>.at" (tick, integer): a
/// design, an option or a tornado that sets it moves every event of that name to that tick
/// (ExperimentSpec::events_at); unset, the events keep their `at`. Kept like an extension's
/// parameter in ModelParams::extensions. One row per name, made on first use and kept.
const ParamSpec* event_time_parameter(std::string_view event);

/// The event an event-time parameter moves ("contract loss" for "events.contract loss.at"), or
/// empty for every other parameter.
std::string_view moved_event(const ParamSpec& spec);

/// "integer", "real", "boolean" or "choice".
std::string_view type_name(ParamType type);

/// Where the parameter's default comes from: "calibrated: <source>", "March (1991): ...",
/// "model: <source>", "scenario: ..." (set from the organization modelled), "choice: ..." or
/// "illustrative: ..." (param_basis.cpp).
std::string_view parameter_basis(const ParamSpec& spec);
/// The parameters with a basis other than the defaults for their type (name, basis).
std::span<const std::pair<std::string_view, std::string_view>> parameter_bases();

/// The parameter's plain-language label for reports ("Salary per employee"; param_labels.cpp),
/// or empty for a name without one (every row of the table has one: a test checks).
std::string_view parameter_label(std::string_view name);

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
