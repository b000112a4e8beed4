// The [organization] section of experiment files (and org.chart in [scenario]): reading it into
// a resolved OrgDesign, writing the design back as self-contained TOML, and the department names
// that events may scope (docs/experiment-files.md, "Describing the organization").
#pragma once

#include "orgsim/agents/org_design.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/core/error.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

namespace orgsim::experiments::detail {

/// Where a TOML node is (`fallback` when toml++ has no path).
SourceLocation location(const toml::source_region& region, std::string_view fallback);
/// A value as the user wrote it, for messages ("\"x\"", "1.5", "an array").
std::string describe(const toml::node& node);
/// " (did you mean \"x\"?)" for the closest candidate, if it is close enough; else "".
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);
/// Appends `text` as a TOML basic string, quotes included.
void append_escaped(std::string& out, std::string_view text);

/// One key of [organization], as written.
struct OrganizationKey {
  std::string key;  ///< "sites", "departments", "functions", "chart_csv" or "chart_path"
  const toml::node* node = nullptr;
  SourceLocation key_at;
};

/// What an experiment file says about its organization.
struct OrganizationInput {
  std::string source_name;            ///< the experiment file: org.chart is relative to its folder
  std::vector<OrganizationKey> keys;  ///< [organization]
  const toml::node* chart = nullptr;  ///< org.chart in [scenario], or null
  SourceLocation chart_key_at;        ///< where org.chart is written

  [[nodiscard]] bool empty() const { return keys.empty() && chart == nullptr; }
};

/// Builds the described organization: sites, departments, functions (from the departments'
/// `function` values in first-appearance order, or `functions = [..]`) and the chart (read from
/// org.chart or from the embedded chart_csv).
/// @param notes receives the chart reader's remarks (unknown columns, ...).
/// @throws ConfigError with file:line:column of the first problem.
agents::OrgDesign read_organization(const OrganizationInput& input,
                                    std::vector<std::string>* notes);

/// People at tick 0: the chart's rows, or the departments' headcounts.
std::int64_t design_headcount(const agents::OrgDesign& design);

/// The [organization] section (chart embedded as chart_csv) that read_organization reads back as
/// exactly `design`, without any file.
void append_organization(std::string& out, const agents::OrgDesign& design);

/// The departments events can scope, with their functions: the design's, or for a generated
/// organization one department per function, "function 1", "function 2", ... (agents::org_names)
struct ScopeNames {
  std::vector<std::string> departments;
  std::vector<std::string> functions;             ///< every function, in order
  std::vector<std::int32_t> department_function;  ///< per department, index into functions
};
ScopeNames scope_names(const agents::ModelParams& scenario);

}  // namespace orgsim::experiments::detail
