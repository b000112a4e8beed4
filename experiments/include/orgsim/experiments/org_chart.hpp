// Org chart CSV files in the shape HR systems export (docs/org-charts.md): reading one into an
// OrgDesign's chart (org.chart = "staff.csv" in an experiment file) and writing an OrgView back
// in the same shape (`orgsim org --csv`), so an exported chart can be edited and run again.
#pragma once

#include "orgsim/agents/org_design.hpp"
#include "orgsim/agents/org_view.hpp"
#include "orgsim/core/error.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace orgsim::experiments {

/// Reads an HR-style org chart CSV (`text`, named `source_name` in messages) into design.chart.
///
/// If design.departments / sites / functions are empty they are created from the chart
/// (first-appearance order; each department its own function named like it, unless a
/// `skill_<function>` column names the functions first; DepartmentSpec.headcount = its rows,
/// site = its first person's site); otherwise every department/site named in the chart must be
/// one of them (names compared exactly), and headcounts are set from the chart.
///
/// Salaries: ChartPerson.annual_salary is what the person is paid a year for their FTE. An empty
/// `annual_salary` cell gives the department's DepartmentSpec.annual_salary x fte when that is
/// set (>= 0), else -1, which means "the finance default" (finance.salary x 52 x fte).
/// ChartPerson.skills is empty without skill columns, else one value per design.functions entry,
/// NaN where the model draws it.
///
/// Linear time; the manager-cycle check is iterative (a 10^5-deep chain is fine).
/// @param notes when given, receives one line per remark that is not an error (unknown columns
///        ignored, a design department nobody in the chart belongs to).
/// @throws ConfigError with file:line:column of the first problem and what was expected.
void read_org_chart(std::string_view text, const std::string& source_name,
                    agents::OrgDesign& design, std::vector<std::string>* notes = nullptr);

/// Writes the chart in the shape read_org_chart reads: read_org_chart(write_org_chart(v)) gives
/// back the same people, order, managers, dotted managers, departments, sites, titles, salaries,
/// FTE, hire dates and skills (numbers as shortest round-trip decimals). A salary < 0 is written
/// empty; skill columns appear only when someone has skills.
void write_org_chart(const agents::OrgView& view, std::ostream& out);

namespace detail {
/// The sizes read_org_chart refuses as absurd (smaller in tests).
struct ChartLimits {
  std::int64_t max_rows = 100'000'000;
  std::size_t max_field_bytes = 4096;
};
void read_org_chart(std::string_view text, const std::string& source_name,
                    agents::OrgDesign& design, std::vector<std::string>* notes,
                    const ChartLimits& limits);
}  // namespace detail

}  // namespace orgsim::experiments
