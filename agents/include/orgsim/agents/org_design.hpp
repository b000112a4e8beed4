// A described organization: the client's departments, sites and (optionally) its org chart, as
// read from an experiment file's [organization] section and an HR-style chart CSV
// (docs/experiment-files.md, docs/ODD.md 7.10). Without a description the organization is
// generated from org.employees and the structure.* parameters.
#pragma once

#include "orgsim/agents/params/automation.hpp"
#include "orgsim/agents/params/culture.hpp"
#include "orgsim/agents/params/structure.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orgsim::agents {

/// A site (office, depot, plant) and its culture.
struct SiteSpec {
  std::string name;
  std::optional<CulturePreset> culture;  ///< unset: culture.preset at the first site, else
                                         ///< culture.other_sites_preset
};

/// A department: its people, what they do, where, and how it is managed.
struct DepartmentSpec {
  std::string name;
  std::int32_t function = 0;   ///< index into OrgDesign::functions
  std::int32_t site = 0;       ///< index into OrgDesign::sites (generated people)
  std::int64_t headcount = 0;  ///< people (with a chart: its rows in this department)
  std::int64_t team_size = 0;  ///< 0 = structure.team_size
  std::int64_t span = 0;       ///< managers' span above team leads; 0 = structure.span_of_control
  std::int64_t levels = 0;     ///< management levels in the department; 0 = follow from span
  double annual_salary = -1;   ///< per FTE; < 0 = finance.salary x 52
  double routine_share = -1;   ///< share of its work that is routine; < 0 = work.routine_share
  double automation_target = -1;  ///< process-automation target; < 0 = the company's target
  std::optional<FreedCapacity> freed_capacity;  ///< unset = automation.freed_capacity
  std::int32_t handoff_to = -1;  ///< function doing its complex tasks' second stage; -1 = the
                                 ///< function of the next department in order (cyclic)
};

/// One row of an org chart: a person in a position. Indices refer to rows of OrgDesign::chart,
/// departments and sites; strings are kept for export.
struct ChartPerson {
  std::string id;               ///< as in the chart
  std::int32_t manager = -1;    ///< row of the line manager; -1 for the one person at the top
  std::int32_t dotted = -1;     ///< row of the dotted-line (matrix) manager; -1 = none
  std::int32_t department = 0;  ///< index into OrgDesign::departments
  std::int32_t site = 0;        ///< index into OrgDesign::sites
  std::string title;
  double annual_salary = 0;   ///< for this person's FTE
  double fte = 1;             ///< (0, 1]
  std::string hire_date;      ///< as written (ISO 8601 date), kept for export
  std::vector<float> skills;  ///< per function (OrgDesign::functions order), in [0, 1]; NaN = draw;
                              ///< empty = all drawn
};

/// A described organization, fully resolved (every index valid, headcounts consistent).
struct OrgDesign {
  std::vector<std::string> functions;       ///< skill functions, in order
  std::vector<SiteSpec> sites;              ///< at least one; index 0 is headquarters
  std::vector<DepartmentSpec> departments;  ///< at least one; the first one's head leads the
                                            ///< company when people are generated
  std::vector<ChartPerson> chart;           ///< empty: people generated from departments (in order)
  std::string chart_path;                   ///< as written in the experiment file
  std::string chart_text;                   ///< the chart file's bytes (recorded in results files)

  /// People in the organization at tick 0.
  [[nodiscard]] std::int64_t headcount() const;
};

}  // namespace orgsim::agents
