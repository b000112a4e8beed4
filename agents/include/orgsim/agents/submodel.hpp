// A submodel as one unit (docs/ODD.md section 7): its name, ODD section, parameter rows, metric
// rows and phases, declared in its own source file; and the registry that lists them. The phase
// order of a tick is not here: it is one explicit list in schedule.cpp (model semantics).
// Learned from ns-3 (attributes declared where they live), FLAME GPU 2 (a model description apart
// from its execution) and Agents.jl (a step made of small named verbs).
#pragma once

#include "orgsim/agents/parameters.hpp"
#include "orgsim/core/metrics.hpp"
#include "orgsim/core/scheduler.hpp"

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace orgsim::agents {

class Organization;
struct Observation;

/// A metric column: its metadata (what results files carry) and how to measure it from one
/// observation of the organization (a pure function; NaN where its submodel is off).
struct MetricRow {
  MetricInfo info;
  double (*measure)(const Observation&) = nullptr;
};

/// A phase a submodel offers to the schedule: serial, or parallel over employees or teams (a
/// chunk of slots, writing only those slots). `active` says whether it runs for the parameters.
struct PhaseRow {
  enum class Kind { serial, over_employees, over_teams };
  std::string_view name;
  Kind kind = Kind::serial;
  void (*serial)(Organization&, Tick) = nullptr;
  void (*chunk)(Organization&, Tick, std::size_t begin, std::size_t end) = nullptr;
  std::size_t grain = 0;
  bool (*active)(const ModelParams&) = nullptr;  ///< nullptr: always
};

/// One submodel's description.
struct Submodel {
  std::string_view name;
  std::string_view odd_section;  ///< e.g. "7.10"
  std::string_view summary;
  void (*parameters)(std::vector<ParamSpec>& table) = nullptr;  ///< appends its rows
  std::vector<MetricRow> metrics;
  std::vector<PhaseRow> phases;
};

/// Every submodel: orgsim's own (registry.cpp, in documentation order), then those registered
/// with Registration, by name. Parameter and metric tables follow this order.
std::span<const Submodel* const> submodels();

/// How many of submodels() are orgsim's own (the rest are extensions).
std::size_t builtin_submodel_count();

/// The phase names of a tick in order (schedule.cpp), orgsim's own submodels only.
std::span<const std::string_view> tick_order();

/// Registers a submodel defined outside orgsim's list (an extension, e.g. in a test) with one
/// line at namespace scope: `const orgsim::agents::Registration toy{toy_submodel()};`. Its
/// phases run at the end of each tick, after orgsim's own (schedule.cpp). Registration must
/// happen before the first use of the tables (static initialization does).
class Registration {
 public:
  explicit Registration(const Submodel& submodel);
};

}  // namespace orgsim::agents
