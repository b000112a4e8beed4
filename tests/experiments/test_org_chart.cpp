// Org chart CSV files: the round trip through write_org_chart, what is created from a chart and
// what is checked against a given design, the CSV rules (quotes, CRLF, BOM), and every broken
// chart in tests/data/broken-charts with its exact error line (expected-errors.txt).
#include "orgsim/experiments/org_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace {

using namespace orgsim;
using experiments::read_org_chart;
using experiments::write_org_chart;

constexpr float kDrawn = std::numeric_limits<float>::quiet_NaN();

agents::OrgDesign read(const std::string& text, std::vector<std::string>* notes = nullptr) {
  agents::OrgDesign design;
  read_org_chart(text, "staff.csv", design, notes);
  return design;
}

/// The message of the ConfigError reading `text` gives (with its location), or "" if none.
std::string error_of(const std::string& text, agents::OrgDesign design = {}) {
  try {
    read_org_chart(text, "staff.csv", design);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

agents::OrgPerson person(std::string id, std::int64_t manager, std::int32_t department,
                         std::int32_t site) {
  agents::OrgPerson p;
  p.id = std::move(id);
  p.manager = manager;
  p.department = department;
  p.site = site;
  return p;
}

/// A view with the awkward cases: quotes, commas, line breaks and non-ASCII in text, a dotted
/// line, default salary, part time, drawn skills, a department first seen after another.
agents::OrgView awkward_view() {
  agents::OrgView view;
  view.functions = {"Sales \"B2B\"", "operations"};
  view.departments = {"operations", "Sales \"B2B\""};
  view.sites = {"Zürich depot", "city office"};
  view.people = {person("E1", -1, 0, 1), person("E2", 0, 1, 0), person("E 3", 1, 1, 0),
                 person("E4", 0, 0, 1)};
  view.people[0].title = "Chief, executive";
  view.people[0].annual_salary = 123456.78901234567;
  view.people[0].hire_date = "2015-01-05";
  view.people[0].skills = {0.1f, 0.3333333432674408f};
  view.people[1].title = "Head of sales\nline two";
  view.people[1].annual_salary = -1;  // the finance default
  view.people[1].fte = 0.6;
  view.people[1].skills = {kDrawn, 1.0f};
  view.people[2].dotted = 3;
  view.people[2].annual_salary = 0;
  view.people[2].skills = {0.0f, kDrawn};
  view.people[3].title = "  padded  ";
  view.people[3].annual_salary = 1e-7;
  view.people[3].skills = {kDrawn, kDrawn};
  return view;
}

bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

TEST(OrgChart, RoundTripGivesBackEveryPerson) {
  const agents::OrgView view = awkward_view();
  std::ostringstream out;
  write_org_chart(view, out);
  const agents::OrgDesign design = read(out.str());
  ASSERT_EQ(design.chart.size(), view.people.size());
  for (std::size_t i = 0; i < view.people.size(); ++i) {
    const agents::OrgPerson& p = view.people[i];
    const agents::ChartPerson& c = design.chart[i];
    EXPECT_EQ(c.id, p.id);
    EXPECT_EQ(c.manager, p.manager);
    EXPECT_EQ(c.dotted, p.dotted);
    EXPECT_EQ(design.departments[static_cast<std::size_t>(c.department)].name,
              view.departments[static_cast<std::size_t>(p.department)]);
    EXPECT_EQ(design.sites[static_cast<std::size_t>(c.site)].name,
              view.sites[static_cast<std::size_t>(p.site)]);
    EXPECT_EQ(c.title, p.title);
    EXPECT_EQ(c.annual_salary, p.annual_salary);
    EXPECT_EQ(c.fte, p.fte);
    EXPECT_EQ(c.hire_date, p.hire_date);
    ASSERT_EQ(c.skills.size(), design.functions.size());
    for (std::size_t f = 0; f < view.functions.size(); ++f)
      EXPECT_TRUE(same_float(c.skills[f], p.skills[f])) << p.id << " skill " << f;
  }
  EXPECT_EQ(design.functions, view.functions);      // from the skill columns, in their order
  EXPECT_EQ(design.departments.at(0).function, 1);  // operations
  std::ostringstream again;
  write_org_chart(view, again);
  EXPECT_EQ(again.str(), out.str());
}

TEST(OrgChart, CreatesDepartmentsSitesAndFunctionsInFirstAppearanceOrder) {
  const agents::OrgDesign design = read(
      "id,manager_id,department,site\n"
      "a,,management,city\n"
      "b,a,dispatch,port\n"
      "c,b,dispatch,city\n"
      "d,a,sales,\n");
  ASSERT_EQ(design.departments.size(), 3u);
  EXPECT_EQ(design.departments[1].name, "dispatch");
  EXPECT_EQ(design.departments[1].headcount, 2);
  EXPECT_EQ(design.departments[1].site, 1);  // its first person's site
  EXPECT_EQ(design.departments[2].site, 0);  // nobody named one: the first site
  EXPECT_EQ(design.chart[3].site, 0);
  EXPECT_EQ(design.functions, (std::vector<std::string>{"management", "dispatch", "sales"}));
  EXPECT_EQ(design.departments[2].function, 2);
  ASSERT_EQ(design.sites.size(), 2u);
  EXPECT_EQ(design.sites[1].name, "port");
  EXPECT_EQ(design.chart[2].manager, 1);
  EXPECT_EQ(design.chart[0].manager, -1);
  EXPECT_EQ(design.chart[0].annual_salary, -1);  // no salary anywhere: the finance default
  EXPECT_TRUE(design.chart[0].skills.empty());
  EXPECT_EQ(read("id,manager_id,department\na,,x\n").sites.at(0).name, "headquarters");
}

TEST(OrgChart, ChecksNamesAgainstAGivenDesign) {
  agents::OrgDesign design;
  design.functions = {"logistics", "selling"};
  design.sites = {{"depot", {}}, {"office", {}}};
  design.departments.resize(2);
  design.departments[0].name = "dispatch";
  design.departments[0].site = 0;
  design.departments[0].annual_salary = 40000;
  design.departments[1].name = "sales";
  design.departments[1].function = 1;
  design.departments[1].site = 1;
  const std::string chart =
      "id,manager_id,department,site,fte\na,,dispatch,,0.5\nb,a,dispatch,office,\nc,a,dispatch,,\n";
  std::vector<std::string> notes;
  read_org_chart(chart, "staff.csv", design, &notes);
  EXPECT_EQ(design.departments[0].headcount, 3);
  EXPECT_EQ(design.departments[1].headcount, 0);
  EXPECT_EQ(design.chart[0].site, 0);  // empty: the department's site
  EXPECT_EQ(design.chart[1].site, 1);
  EXPECT_EQ(design.chart[0].annual_salary, 20000);  // the department's salary x FTE
  EXPECT_EQ(design.functions.size(), 2u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "staff.csv: nobody in department 'sales'");
  EXPECT_EQ(error_of("id,manager_id,department\na,,Dispatch\n", design),
            "staff.csv:2:4: error: department 'Dispatch' is not one of the experiment's "
            "departments ('dispatch', 'sales'); names are compared exactly");
  EXPECT_EQ(error_of("id,manager_id,department,site\na,,sales,port\n", design),
            "staff.csv:2:10: error: site 'port' is not one of the experiment's sites ('depot', "
            "'office'); names are compared exactly");
  EXPECT_EQ(error_of("id,manager_id,department,skill_it\na,,sales,0.5\n", design),
            "staff.csv:1:26: error: column 'skill_it' names no function of the experiment "
            "(logistics, selling)");
}

TEST(OrgChart, ReadsRfc4180AndHrExports) {
  std::vector<std::string> notes;
  const agents::OrgDesign design = read(
      "\xEF\xBB\xBF"
      " Employee ID ,Reports To,Department,Job Title,Cost Center,Salary,Skill_Sales\r\n"
      "1,,sales,\"CEO, founder\",cc1, 90000 ,0.5\r\n"
      "\r\n"
      "2,1,sales,\"Says \"\"hi\"\"\nevery day\",cc2,,\r\n",
      &notes);
  ASSERT_EQ(design.chart.size(), 2u);
  EXPECT_EQ(design.chart[0].id, "1");
  EXPECT_EQ(design.chart[0].title, "CEO, founder");
  EXPECT_EQ(design.chart[0].annual_salary, 90000);
  EXPECT_EQ(design.chart[1].title, "Says \"hi\"\nevery day");
  EXPECT_EQ(design.chart[1].manager, 0);
  EXPECT_EQ(design.functions, std::vector<std::string>{"Sales"});
  EXPECT_EQ(design.departments[0].function, 0);  // "sales" is the function "Sales"
  EXPECT_TRUE(std::isnan(design.chart[1].skills[0]));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].substr(0, 45), "staff.csv: ignored 1 unknown column: Cost Cen");
  // Without a final line end, and with an empty last field.
  EXPECT_EQ(read("id,manager_id,department,title\na,,x,").chart.at(0).title, "");
}

TEST(OrgChart, ErrorsPointAtTheCellInCharacters) {
  EXPECT_EQ(
      error_of("id,manager_id,department,fte\nä,,x,2\n"),
      "staff.csv:2:6: error: fte '2' is out of range: expected a number with 0.01 <= fte <= 1 "
      "(1 = full time)");
  EXPECT_EQ(error_of("id,manager_id,department,title\na,,x,\"multi\nline\"\nb,a,,t\n"),
            "staff.csv:4:5: error: empty department: every person belongs to a department");
}

TEST(OrgChart, DeepChainsAndLongCyclesNeedNoRecursion) {
  constexpr int kPeople = 100'000;
  std::string chain = "id,manager_id,department\np0,,x\n";
  for (int i = 1; i < kPeople; ++i)
    chain += "p" + std::to_string(i) + ",p" + std::to_string(i - 1) + ",x\n";
  EXPECT_EQ(read(chain).chart.back().manager, kPeople - 2);
  std::string cycle = "id,manager_id,department\ntop,,x\n";
  for (int i = 0; i < kPeople; ++i)
    cycle += "p" + std::to_string(i) + ",p" + std::to_string((i + 1) % kPeople) + ",x\n";
  EXPECT_EQ(
      error_of(cycle),
      "staff.csv:3:4: error: manager cycle of 100000 people: p0 -> p1 -> p2 -> p3 -> p4 -> p5 "
      "-> p6 -> p7 -> ... (each reports to the next); nobody in it reports up to the top person "
      "'top'");
}

TEST(OrgChart, RefusesAbsurdSizes) {
  agents::OrgDesign design;
  const experiments::detail::ChartLimits limits{2, 16};
  EXPECT_THROW(experiments::detail::read_org_chart("id,manager_id,department\na,,x\nb,a,x\nc,a,x\n",
                                                   "staff.csv", design, nullptr, limits),
               ConfigError);
  try {
    experiments::detail::read_org_chart("id,manager_id,department\na,,x\nb,a,x\nc,a,x\n",
                                        "staff.csv", design, nullptr, limits);
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "staff.csv:4:1: error: more than 2 rows: too many people for an org chart (is this "
              "the right file?)");
  }
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// Each chart fails with its line in expected-errors.txt, named as `orgsim run` names it from the
/// directory of its experiment file.
TEST(OrgChart, BrokenChartsGiveTheirExpectedErrors) {
  const std::filesystem::path dir =
      std::filesystem::path(ORGSIM_SOURCE_DIR) / "tests" / "data" / "broken-charts";
  std::ifstream expected(dir / "expected-errors.txt");
  int checked = 0;
  for (std::string line; std::getline(expected, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::string name = line.substr(0, line.find(':'));
    ASSERT_TRUE(std::filesystem::exists(dir / name)) << name;
    const std::string stem = name.substr(0, name.size() - 4);
    EXPECT_TRUE(std::filesystem::exists(dir / (stem + ".toml"))) << stem;
    agents::OrgDesign design;
    try {
      read_org_chart(file_text(dir / name), name, design);
      ADD_FAILURE() << name << " was read without an error";
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), line);
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
  int charts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    charts += entry.path().extension() == ".csv";
  EXPECT_EQ(charts, checked) << "every chart in broken-charts has its expected error";
}

}  // namespace
