// Scheduled events of a run: a shock, a restructuring or a change of parameters at a tick
// (experiment files' [[events]]; docs/ODD.md 7.18).
#pragma once

#include "orgsim/agents/parameters.hpp"
#include "orgsim/agents/settings.hpp"
#include "orgsim/core/scheduler.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orgsim::agents {

struct ScheduledEvent {
  enum class Kind { shock, restructure, set, automate, layoff };
  Tick at = 0;
  Kind kind = Kind::shock;
  double shock_size = 0;                                ///< shock: share of reality flipped
  StructureType structure = StructureType::functional;  ///< restructure: the new structure
  /// restructure, automate: the departments concerned (indices into OrgDesign::departments, or
  /// of the generated organization: one department per function); empty = the whole company.
  std::vector<std::int32_t> departments;
  double automation_target = 0;  ///< automate: new process-automation target of the departments
  double layoff_share = 0;       ///< layoff: share of the departments' staff laid off
  std::optional<FreedCapacity> freed_capacity;  ///< automate: unset = the departments' own rule
  std::vector<std::pair<const ParamSpec*, ParamValue>> changes;  ///< set: new values
};

/// Whether a parameter may change during a run (not: sizes, switches and what builds the teams
/// and the network at the start).
bool changeable_during_run(const ParamSpec& spec);

}  // namespace orgsim::agents
