// The simulated organization as an org chart (for `orgsim org`, snapshots and chart export).
#include "orgsim/agents/org_view.hpp"

#include "orgsim/core/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace orgsim::agents {

namespace {

/// A generated person's title from their place in the tree.
std::string generated_title(const Organization& org, std::size_t slot, std::int32_t level,
                            bool manages_leads) {
  const auto department = static_cast<std::size_t>(org.department_of()[slot]);
  if (level == 0) return "Chief executive";
  if (!org.leads()[slot]) return "Staff";
  if (manages_leads) return "Head of " + org.departments[department].name;
  return "Team lead";
}

}  // namespace

OrgView view_organization(const Organization& org) {
  OrgView view;
  view.tick = static_cast<std::int64_t>(org.this_tick.tick);
  const OrgNames names = org_names(org.params());
  view.functions = names.functions;
  view.sites = names.sites;
  for (const Department& d : org.departments) view.departments.push_back(d.name);
  const std::size_t n = org.headcount();
  const Teams& teams = org.teams;
  std::vector<std::int64_t> lead_of(teams.count, -1);
  for (std::size_t slot = 0; slot < n; ++slot)
    if (org.leads()[slot])
      lead_of[static_cast<std::size_t>(org.teams_of()[slot])] = static_cast<std::int64_t>(slot);
  std::vector<std::uint8_t> manages_leads(teams.count, 0);
  for (std::size_t t = 0; t < teams.count; ++t)
    if (teams.parent[t] >= 0) manages_leads[static_cast<std::size_t>(teams.parent[t])] = 1;
  const std::size_t functions = org.skill_count() - 1;
  std::map<AgentId, std::int64_t> chart_slot;  // chart people (agent id = chart row) -> slot
  for (std::size_t slot = 0; slot < n; ++slot)
    if (org.chart_person(org.employees().id(slot)))
      chart_slot[org.employees().id(slot)] = static_cast<std::int64_t>(slot);
  view.people.resize(n);
  for (std::size_t slot = 0; slot < n; ++slot) {
    OrgPerson& person = view.people[slot];
    const auto t = static_cast<std::size_t>(org.teams_of()[slot]);
    const bool lead = org.leads()[slot] != 0;
    person.agent = org.employees().id(slot);
    person.team = static_cast<std::int32_t>(t);
    person.department = org.department_of()[slot];
    person.function = org.function_of()[slot];
    person.site = teams.count ? teams.site[t] : 0;
    // A lead reports to the lead of the team above; everyone else to their team's lead.
    const std::int64_t above =
        lead ? (teams.parent[t] >= 0 ? lead_of[static_cast<std::size_t>(teams.parent[t])] : -1)
             : lead_of[t];
    person.manager = above;
    person.level = teams.count ? teams.layer[t] + (lead ? 0 : 1) : (lead ? 0 : 1);
    const auto project = static_cast<std::size_t>(org.project_team_of()[slot]);
    person.dotted = org.hierarchy.type == StructureType::matrix && project != t &&
                            project < teams.count && lead_of[project] >= 0 &&
                            lead_of[project] != static_cast<std::int64_t>(slot)
                        ? lead_of[project]
                        : -1;
    person.annual_salary = org.annual_salary()[slot];
    person.fte = org.fte()[slot];
    const auto skills = org.skills(slot);
    person.skills.assign(skills.begin(), skills.begin() + static_cast<std::ptrdiff_t>(functions));
    const ChartPerson* chart = org.chart_person(person.agent);
    if (org.this_tick.tick == 0) {
      // Before the first tick, skills the model drew are not written (NaN): a run from the
      // exported chart draws the same ones in every replication, as the original does.
      for (std::size_t f = 0; f < functions; ++f)
        if (!chart || f >= chart->skills.size() || std::isnan(chart->skills[f]))
          person.skills[f] = std::numeric_limits<float>::quiet_NaN();
    }
    if (chart) {
      person.id = chart->id;
      person.title = chart->title;
      person.hire_date = chart->hire_date;
      // The chart's dotted line, while both people are still here.
      person.dotted = chart->dotted >= 0 && chart_slot.count(static_cast<AgentId>(chart->dotted))
                          ? chart_slot.at(static_cast<AgentId>(chart->dotted))
                          : -1;
    } else {
      person.id = "E" + std::to_string(person.agent);
      person.title = generated_title(org, slot, person.level, lead && manages_leads[t]);
    }
  }
  return view;
}

OrgNames org_names(const ModelParams& params) {
  OrgNames names;
  if (params.design) {
    names.functions = params.design->functions;
    for (const SiteSpec& s : params.design->sites) names.sites.push_back(s.name);
    for (const DepartmentSpec& d : params.design->departments) names.departments.push_back(d.name);
    return names;
  }
  const Settings settings(params);
  for (int f = 0; f < settings.functions; ++f) {
    names.functions.push_back("function " + std::to_string(f + 1));
    names.departments.push_back("function " + std::to_string(f + 1));
  }
  for (int s = 0; s < settings.sites; ++s) names.sites.push_back("site " + std::to_string(s + 1));
  return names;
}

OrgView view_at(const ModelParams& params, RunKey key, const RunOptions& options, Tick tick) {
  // The run simulate records: from today, after its warm-up (until 2026-12-08 the warm-up was
  // skipped, so `orgsim org --at T` showed a firm T ticks after a cold start instead).
  const Tick ticks = std::min(tick, options.max_ticks);
  OrgView view;
  from_today(params, key, options, [&](Organization& org, const Schedule<Organization>& schedule) {
    if (ticks > 0 && !org.finance.exited) {
      run_ticks(
          org, schedule, ticks, [](const Organization& o, Tick) { return o.finance.exited; },
          [](Organization&, Tick) {}, options.warmup + 1);
    }
    view = view_organization(org);
  });
  view.tick = static_cast<std::int64_t>(ticks);
  return view;
}

}  // namespace orgsim::agents
