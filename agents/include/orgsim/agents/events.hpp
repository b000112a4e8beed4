// Scheduled events of a run: a shock, a restructuring, automation, a layoff, a change in demand or
// of parameters at a tick, certain or uncertain (experiment files' [[events]] and options' events;
// docs/ODD.md 7.18).
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
  enum class Kind { shock, restructure, set, automate, layoff, demand };
  Tick at = 0;
  Kind kind = Kind::shock;
  /// The event's name (for reports, `resilience --event` and the draw of an uncertain event).
  std::string name;
  /// The chance that the event happens in a run: drawn once per replication from a stream keyed
  /// by the name, so every design point and option sees the same outcome (common random numbers).
  double probability = 1;
  /// One-off cost booked when the event happens (a programme, a project, consultants), currency.
  double cost = 0;
  double shock_size = 0;                                ///< shock: share of reality flipped
  StructureType structure = StructureType::functional;  ///< restructure: the new structure
  /// restructure, automate: the departments concerned (indices into OrgDesign::departments, or
  /// of the generated organization: one department per function); empty = the whole company.
  std::vector<std::int32_t> departments;
  double automation_target = 0;  ///< automate: new process-automation target of the departments
  double layoff_share = 0;       ///< layoff: share of the departments' staff laid off
  double demand_change = 0;      ///< demand: relative change of the customer base (-0.3: 30 % lost)
  std::optional<FreedCapacity> freed_capacity;  ///< automate: unset = the departments' own rule
  std::vector<std::pair<const ParamSpec*, ParamValue>> changes;  ///< set: new values
};

/// Whether a parameter may change during a run (not: sizes, switches and what builds the teams
/// and the network at the start).
bool changeable_during_run(const ParamSpec& spec);

}  // namespace orgsim::agents
