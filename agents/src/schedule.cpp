// The order of the phases of a tick (docs/ODD.md section 3): one explicit list, because the order
// is model semantics. Each name is a phase a submodel declares (or one of the two core phases
// here); a phase runs when its submodel's `active` condition holds for the run's parameters.
// Phases of extension submodels (Registration) run after these, in registry order.
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/submodel.hpp"
#include "orgsim/agents/submodels.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace orgsim::agents {

namespace {

/// The tick, in order. Alternatives that exclude each other (act + peer learning, or
/// act_and_socialize) both have a slot; their `active` conditions pick one.
constexpr std::string_view kTickOrder[] = {
    "begin_tick",                      // core: the per-tick outcomes reset
    "events",                          // core: the experiment's [[events]] for this tick
    "turbulence",                      // learning
    "shocks",                          // environment
    "market",                          // environment
    "structural_events",               // structure
    "act",                             // learning (with peer learning)
    "learn_from_peers_and_socialize",  // structure
    "publish_peer_beliefs",            // structure
    "act_and_socialize",               // learning (without peer learning)
    "learn_code",                      // learning, strategy
    "search_decisions",                // landscape
    "track_landscape",                 // landscape
    "realign",                         // policy
    "cascade_code",                    // structure
    "team_capacity",                   // work
    "process_work",                    // work
    "update_people",                   // people
    "fade_change_pressure",            // people
    "adopt_automation",                // automation
    "draw_turnover",                   // learning, people
    "renew_leavers",                   // learning
    "onboard_hires",                   // learning
    "grow",                            // growth
    "settle_cash",                     // finance
    "sense_performance",               // policy: the tick's results reported (with delay)
    "track_resilience",                // environment (shocks also come from [[events]])
};

/// The phases defined by the model itself rather than a submodel.
const std::vector<PhaseRow>& core_phases() {
  static const std::vector<PhaseRow> rows = {
      {"begin_tick", PhaseRow::Kind::serial, begin_tick},
      {"events", PhaseRow::Kind::serial, apply_events},
  };
  return rows;
}

const PhaseRow* find_phase(std::string_view name) {
  for (const PhaseRow& row : core_phases()) {
    if (row.name == name) return &row;
  }
  for (const Submodel* submodel : submodels()) {
    for (const PhaseRow& row : submodel->phases) {
      if (row.name == name) return &row;
    }
  }
  return nullptr;
}

bool builtin(const Submodel* submodel) {
  const auto all = submodels();
  const auto first_extension = all.begin() + static_cast<std::ptrdiff_t>(builtin_submodel_count());
  return std::find(all.begin(), first_extension, submodel) != first_extension;
}

void append(Schedule<Organization>& schedule, const PhaseRow& row) {
  switch (row.kind) {
    case PhaseRow::Kind::serial:
      schedule.serial(std::string(row.name), row.serial);
      break;
    case PhaseRow::Kind::over_employees:
      schedule.parallel(
          std::string(row.name), [](const Organization& org) { return org.headcount(); }, row.chunk,
          row.grain);
      break;
    case PhaseRow::Kind::over_teams:
      schedule.parallel(
          std::string(row.name), [](const Organization& org) { return org.teams.count; }, row.chunk,
          row.grain);
      break;
  }
}

}  // namespace

std::span<const std::string_view> tick_order() {
  return kTickOrder;
}

Schedule<Organization> make_schedule(const ModelParams& params) {
  Schedule<Organization> schedule;
  for (std::string_view name : kTickOrder) {
    const PhaseRow* row = find_phase(name);
    if (!row)
      throw std::logic_error("the tick order names a phase no submodel declares: " +
                             std::string(name));
    if (!row->active || row->active(params)) append(schedule, *row);
  }
  for (const Submodel* submodel : submodels()) {
    if (builtin(submodel)) continue;
    for (const PhaseRow& row : submodel->phases) {
      if (!row.active || row.active(params)) append(schedule, row);
    }
  }
  return schedule;
}

}  // namespace orgsim::agents
