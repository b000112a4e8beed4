// The simulated organization as an org chart at one tick: who reports to whom, in which
// department, function, team and site. Read by `orgsim org` (summaries, the chart CSV, the
// Graphviz picture) and by per-agent snapshots; written back as a chart CSV it rebuilds the same
// organization (docs/experiment-files.md).
#pragma once

#include "orgsim/agents/model.hpp"
#include "orgsim/agents/org_design.hpp"
#include "orgsim/agents/organization.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace orgsim::agents {

/// One employee in the chart.
struct OrgPerson {
  AgentId agent = 0;            ///< the model's stable employee id
  std::string id;               ///< the chart's id (generated people: "E<agent>")
  std::int64_t manager = -1;    ///< index into OrgView::people of the line manager; -1 at the top
  std::int64_t dotted = -1;     ///< index of the dotted-line (matrix) manager; -1 = none
  std::int32_t department = 0;  ///< index into OrgView::departments
  std::int32_t function = 0;    ///< index into OrgView::functions (the function practised)
  std::int32_t site = 0;        ///< index into OrgView::sites
  std::int32_t team = 0;        ///< the model's team index
  std::int32_t level = 0;       ///< 0 at the top, +1 per reporting step
  std::string title;
  double annual_salary = 0;
  double fte = 1;
  std::string hire_date;      ///< chart people: as read; later hires: empty
  std::vector<float> skills;  ///< per function, then nothing else (digital skill is not exported)
};

/// The organization at one tick.
struct OrgView {
  std::int64_t tick = 0;
  std::vector<std::string> functions, departments, sites;
  std::vector<OrgPerson> people;  ///< in slot order; managers are found by index
};

/// The organization's chart now.
OrgView view_organization(const Organization& org);

/// Names of the functions, departments and sites a run with these parameters starts with
/// (generated organizations: "function 1", ..., "site 1", ...).
struct OrgNames {
  std::vector<std::string> functions, departments, sites;
};
OrgNames org_names(const ModelParams& params);

/// Runs one organization to `tick` (events included) and returns its chart then, as
/// simulate(params, key, options) would have it at that tick.
OrgView view_at(const ModelParams& params, RunKey key, const RunOptions& options, Tick tick);

}  // namespace orgsim::agents
