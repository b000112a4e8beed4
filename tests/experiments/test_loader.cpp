// Experiment files: valid input, every kind of error with its location, --set, grids.
#include "orgsim/agents/model.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

namespace orgsim::experiments {
namespace {

ConfigError error_of(std::string_view text, const std::vector<std::string>& sets = {}) {
  try {
    parse_experiment(text, "exp.toml", sets);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ConfigError({}, "none");
}

TEST(Loader, MinimalFileUsesDefaults) {
  const ExperimentSpec spec = parse_experiment("[experiment]\nticks = 5\n", "dir/minimal.toml");
  EXPECT_EQ(spec.name, "minimal");
  EXPECT_EQ(spec.ticks, 5);
  EXPECT_EQ(spec.replications, 1);
  EXPECT_EQ(spec.run_count(), 1u);
  EXPECT_EQ(spec.scenario.org.employees, agents::ModelParams::defaults().org.employees);
}

TEST(Loader, ReadsScenarioAsTablesOrDottedKeys) {
  const auto a = parse_experiment(
      "[experiment]\n[scenario.learning]\nsocialization_rate = 0.7\n[scenario.org]\nemployees = "
      "9\n",
      "a.toml");
  const auto b = parse_experiment(
      "[experiment]\n[scenario]\nlearning.socialization_rate = 0.7\norg.employees = 9\n", "b.toml");
  EXPECT_DOUBLE_EQ(a.scenario.learning.socialization_rate, 0.7);
  EXPECT_EQ(a.scenario.org.employees, 9);
  EXPECT_EQ(a.resolved_text().substr(a.resolved_text().find("[scenario]")),
            b.resolved_text().substr(b.resolved_text().find("[scenario]")));
}

TEST(Loader, UnknownKeyNamesLineColumnAndSuggests) {
  const auto e =
      error_of("[experiment]\nticks = 5\n\n[scenario]\nlearning.socialisation_rate = 0.5\n");
  EXPECT_EQ(e.where().file, "exp.toml");
  EXPECT_EQ(e.where().line, 5u);
  EXPECT_EQ(e.where().column, 10u);  // the misspelt segment
  EXPECT_NE(e.message().find("did you mean \"learning.socialization_rate\""), std::string::npos)
      << e.what();
}

TEST(Loader, WrongTypeSaysWhatWasExpected) {
  const auto e = error_of("[experiment]\n[scenario]\norg.employees = \"many\"\n");
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_EQ(e.where().column, 17u);
  EXPECT_NE(e.message().find("expected an integer in [1, 100000000]"), std::string::npos)
      << e.what();
}

TEST(Loader, OutOfRangeValueIsRejected) {
  const auto e = error_of("[experiment]\n[scenario]\nlearning.turnover_rate = 1.5\n");
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_NE(e.message().find("a real number in [0, 1], got 1.5"), std::string::npos) << e.what();
}

TEST(Loader, SyntaxErrorHasLocation) {
  const auto e = error_of("[experiment]\nticks = = 5\n");
  EXPECT_EQ(e.where().line, 2u);
  EXPECT_GT(e.where().column, 0u);
  EXPECT_NE(e.message().find("TOML syntax"), std::string::npos);
}

TEST(Loader, DuplicateKeysAreRejected) {
  const auto e = error_of("[experiment]\nticks = 5\nticks = 6\n");
  EXPECT_EQ(e.where().line, 3u);
}

TEST(Loader, ExperimentTableIsRequired) {
  const auto e = error_of("[scenario]\norg.employees = 5\n");
  EXPECT_NE(e.message().find("[experiment]"), std::string::npos);
}

TEST(Loader, UnknownTablesAndDesignsAreRejected) {
  EXPECT_NE(
      std::string(error_of("[experiment]\n[senario]\n").what()).find("did you mean \"scenario\""),
      std::string::npos);
  EXPECT_NE(std::string(error_of("[experiment]\n[sweep.grdi]\nx = [1]\n").what()).find("grid"),
            std::string::npos);
}

TEST(Loader, ExperimentKeysAreChecked) {
  EXPECT_EQ(error_of("[experiment]\nticks = 0\n").where().line, 2u);
  EXPECT_EQ(error_of("[experiment]\nreplications = -1\n").where().line, 2u);
  EXPECT_EQ(error_of("[experiment]\nseed = 1.5\n").where().line, 2u);
  EXPECT_NE(std::string(error_of("[experiment]\nstop = \"never\"\n").what()).find("equilibrium"),
            std::string::npos);
  EXPECT_NE(std::string(error_of("[experiment]\ntick = 3\n").what()).find("experiment.ticks"),
            std::string::npos);
}

TEST(Loader, GridExpandsFullFactorialLastAxisFastest) {
  const auto spec = parse_experiment(
      "[experiment]\nreplications = 3\n[sweep.grid]\nlearning.socialization_rate = [0.1, 0.9]\n"
      "org.employees = [10, 20, 30]\n",
      "g.toml");
  EXPECT_EQ(spec.design_point_count(), 6u);
  EXPECT_EQ(spec.run_count(), 18u);
  const auto points = design_points(spec);
  EXPECT_EQ(points[1].params.org.employees, 20);
  EXPECT_DOUBLE_EQ(points[1].params.learning.socialization_rate, 0.1);
  EXPECT_EQ(points[3].params.org.employees, 10);
  EXPECT_DOUBLE_EQ(points[3].params.learning.socialization_rate, 0.9);
}

TEST(Loader, GridValuesAreCheckedEachWithItsOwnLocation) {
  const auto e = error_of("[experiment]\n[sweep.grid]\nlearning.turnover_rate = [0.1, 2.0]\n");
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_EQ(e.where().column, 32u);
  EXPECT_EQ(error_of("[experiment]\n[sweep.grid]\norg.teams = []\n").where().line, 3u);
  EXPECT_EQ(error_of("[experiment]\n[sweep.grid]\norg.teams = 3\n").where().line, 3u);
  EXPECT_NE(std::string(error_of("[experiment]\n[sweep.grid]\norg.teams = [2, 2]\n").what())
                .find("duplicate"),
            std::string::npos);
}

TEST(Loader, InconsistentDesignPointPointsAtTheParameter) {
  const auto e =
      error_of("[experiment]\n[scenario]\norg.employees = 5\n[sweep.grid]\norg.teams = [1, 6]\n");
  EXPECT_EQ(e.where().line, 5u);
  EXPECT_NE(e.message().find("must not exceed"), std::string::npos);
}

TEST(Loader, SetOverridesTheFile) {
  const auto spec = parse_experiment("[experiment]\nseed = 1\n[scenario]\norg.employees = 5\n",
                                     "s.toml", {"experiment.seed=7", "scenario.org.employees=9"});
  EXPECT_EQ(spec.seed, 7u);
  EXPECT_EQ(spec.scenario.org.employees, 9);
  EXPECT_EQ(spec.overrides.size(), 2u);
}

TEST(Loader, SetErrorsNameTheArgument) {
  const auto e = error_of("[experiment]\n", {"scenario.learning.turnover_rate=3"});
  EXPECT_EQ(e.where().file, "--set 'scenario.learning.turnover_rate=3'");
  EXPECT_NE(e.message().find("learning.turnover_rate"), std::string::npos);
  EXPECT_EQ(error_of("[experiment]\n", {"noequals"}).where().file, "--set");
  EXPECT_NE(std::string(error_of("[experiment]\n", {"scenario.org.employees=lots"}).what())
                .find("got \"lots\""),
            std::string::npos);
  // A malformed value is a TOML error, not silently a string.
  EXPECT_NE(std::string(error_of("[experiment]\n", {"sweep.grid.org.teams=[1, 2"}).what())
                .find("TOML syntax"),
            std::string::npos);
}

TEST(Loader, AParameterCannotBeBothSetAndSwept) {
  const auto e =
      error_of("[experiment]\n[scenario]\norg.teams = 2\n[sweep.grid]\norg.teams = [1, 3]\n");
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_NE(e.message().find("set in [scenario] and varied in [sweep.grid]"), std::string::npos);
}

TEST(Loader, ResultsFilesAreNotExperimentFiles) {
  const auto path = std::filesystem::temp_directory_path() / "orgsim-fake-results.toml";
  std::ofstream(path, std::ios::binary) << "\x89HDF\r\n\x1a\n";
  try {
    load_experiment(path.string());
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_NE(e.message().find("HDF5"), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(Loader, SuggestionsAreOnlyForLikelyTypos) {
  EXPECT_EQ(std::string(error_of("[experiment]\nfoo = 1\n").what()).find("did you mean"),
            std::string::npos);
}

TEST(Loader, ResolvedTextParsesBackToTheSameExperiment) {
  const auto spec = parse_experiment(default_experiment_text(), "<default>");
  const auto again = parse_experiment(spec.resolved_text(), "<resolved>");
  EXPECT_EQ(again.resolved_text(), spec.resolved_text());
  EXPECT_EQ(again.run_count(), spec.run_count());
}

TEST(Loader, ListWhoseLaterPointAddsAParameterRoundTrips) {
  const auto spec = parse_experiment(
      "[experiment]\n[sweep.list]\npoints = [\n  { structure.type = \"flat\", org.teams = 2 },\n"
      "  { automation.enabled = true },\n]\n",
      "list.toml");
  ASSERT_EQ(spec.design.parameters.size(), 3u);
  EXPECT_EQ(spec.design.parameters[0]->name, "automation.enabled");
  const auto again = parse_experiment(spec.resolved_text(), "<merged shards>");
  EXPECT_EQ(again.resolved_text(), spec.resolved_text());
  EXPECT_EQ(again.design.list_points, spec.design.list_points);
}

TEST(Loader, OptionsWithTheirOwnEventsRoundTripAndCrossTheGrid) {
  const auto spec = parse_experiment(R"([experiment]
ticks = 60
currency = "CHF"
[scenario]
structure.enabled = true
work.enabled = true
[sweep.grid]
learning.socialization_rate = [0.1, 0.5]
[[events]]
at = 30
name = "contract loss"
probability = 0.4
demand = -0.2
[[options]]
name = "today"
[[options]]
name = "squads"
baseline = true
structure.type = "cross_functional"
[[options.events]]
at = 10
restructure = "flat"
cost = 25000
)",
                                     "options.toml");
  ASSERT_EQ(spec.design.options.names.size(), 2u);
  EXPECT_EQ(spec.design.options.baseline, 1u);
  EXPECT_EQ(spec.design_point_count(), 4u);  // 2 options x 2 rates, options slowest
  EXPECT_EQ(spec.design.option_of(1), 0u);
  EXPECT_EQ(spec.design.option_of(2), 1u);
  EXPECT_EQ(spec.params_at(1).structure.type, agents::StructureType::functional);
  EXPECT_EQ(spec.params_at(2).structure.type, agents::StructureType::cross_functional);
  EXPECT_DOUBLE_EQ(spec.params_at(3).learning.socialization_rate, 0.5);
  EXPECT_EQ(spec.events_at(0).size(), 1u);  // today: the shared event only
  const auto squads = spec.events_at(3);
  ASSERT_EQ(squads.size(), 2u);
  EXPECT_EQ(squads[0].at, 10);  // in tick order
  EXPECT_DOUBLE_EQ(squads[0].cost, 25000);
  EXPECT_EQ(squads[1].name, "contract loss");
  EXPECT_DOUBLE_EQ(squads[1].probability, 0.4);
  EXPECT_DOUBLE_EQ(squads[1].demand_change, -0.2);
  EXPECT_EQ(spec.currency, "CHF");
  const auto again = parse_experiment(spec.resolved_text(), "<merged shards>");
  EXPECT_EQ(again.resolved_text(), spec.resolved_text());
  EXPECT_EQ(again.design.options.values, spec.design.options.values);
  EXPECT_EQ(again.design.options.baseline, 1u);
}

/// Run `run` of `spec` as the runner computes it (its start parameters, its events).
agents::RunOutcome run_of(const ExperimentSpec& spec, std::size_t run) {
  const std::size_t reps = static_cast<std::size_t>(spec.replications);
  agents::RunOptions options = spec.run_options();
  if (spec.events_differ_by_point()) options.events = spec.events_at(run / reps);
  return agents::simulate(spec.run_params_at(run / reps),
                          {spec.seed, spec.first_replication + run % reps}, options);
}

bool same_row(const agents::RunOutcome& a, const agents::RunOutcome& b, std::size_t row) {
  const auto x = a.metrics.row(row), y = b.metrics.row(row);
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

// Review of 2026-12-07: an option's parameter values held through the warm-up too, so options
// differed at week 0 (a year of the option was inside "today"). Now every option's past is the
// baseline's and its values take effect in week 1; a value that cannot change during a run
// (structure.type) describes another firm and holds throughout.
TEST(Options, AfterAWarmUpEveryOptionStartsFromTheBaselinesToday) {
  const auto spec = parse_experiment(R"([experiment]
ticks = 30
warmup = 26
replications = 3
seed = 5
[scenario]
org.employees = 60
structure.enabled = true
people.enabled = true
work.enabled = true
environment.enabled = true
[[options]]
name = "today"
[[options]]
name = "costly people"
learning.turnover_rate = 0.05
finance.salary = 2500
environment.shock_at = 12
[[options]]
name = "matrix"
structure.type = "matrix"
)",
                                     "options.toml");
  ASSERT_EQ(spec.design_point_count(), 3u);
  EXPECT_DOUBLE_EQ(spec.params_at(1).finance.salary, 2500);      // the option, as recorded
  EXPECT_DOUBLE_EQ(spec.run_params_at(1).finance.salary, 1500);  // its past: the baseline's
  EXPECT_EQ(spec.run_params_at(2).structure.type, agents::StructureType::matrix);
  EXPECT_EQ(spec.run_params_at(1).environment.shock_at, 12);  // a time from today: as given
  const auto events = spec.events_at(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at, 1);
  EXPECT_EQ(events[0].kind, agents::ScheduledEvent::Kind::set);
  EXPECT_EQ(events[0].changes.size(), 2u);
  EXPECT_TRUE(spec.events_at(2).empty());
  const std::size_t metric_count = agents::metric_table().size();
  std::size_t later_differ = 0;
  for (std::size_t rep = 0; rep < 3; ++rep) {
    const auto today = run_of(spec, rep);
    const auto costly = run_of(spec, 3 + rep);
    const auto matrix = run_of(spec, 6 + rep);
    ASSERT_EQ(today.metrics.width(), metric_count);
    EXPECT_TRUE(same_row(today, costly, 0)) << "replication " << rep;   // the same today
    EXPECT_FALSE(same_row(today, matrix, 0)) << "replication " << rep;  // another firm
    for (std::size_t row = 1; row < today.metrics.rows(); ++row)
      later_differ += same_row(today, costly, row) ? 0 : 1;
    // --rerun: the single-run experiment of each run reproduces it bit for bit.
    for (const std::size_t run : {3 + rep, 6 + rep}) {
      const auto one = parse_experiment(single_run_experiment(spec, run), "rerun.toml");
      const auto again = run_of(one, 0);
      const auto& original = run == 3 + rep ? costly : matrix;
      ASSERT_EQ(again.metrics.rows(), original.metrics.rows());
      for (std::size_t row = 0; row < again.metrics.rows(); ++row)
        EXPECT_TRUE(same_row(again, original, row)) << "run " << run << ", row " << row;
    }
  }
  EXPECT_GT(later_differ, 60u);  // the option acts from week 1
  // A value that only shapes the starting state would be lost after the warm-up: an error.
  const auto e = error_of(
      "[experiment]\nwarmup = 10\n[[options]]\nname = \"a\"\n[[options]]\nname = \"b\"\n"
      "finance.initial_cash = 20\n");
  EXPECT_EQ(e.where().line, 7u);
  EXPECT_NE(e.message().find("every option starts from the same today"), std::string::npos)
      << e.what();
  EXPECT_NO_THROW(
      parse_experiment("[experiment]\n[[options]]\nname = \"a\"\n[[options]]\nname = \"b\"\n"
                       "finance.initial_cash = 20\n",
                       "no-warmup.toml"));
}

TEST(Loader, DefaultExperimentIsASmallDesignComparison) {
  const auto spec = parse_experiment(default_experiment_text(), "<default>");
  EXPECT_GE(spec.design_point_count(), 4u);
  EXPECT_GE(spec.replications, 10);
}

TEST(Loader, UnreadableFilesAndDirectoriesAreConfigErrors) {
  EXPECT_THROW(load_experiment("/nonexistent/exp.toml"), ConfigError);
  EXPECT_THROW(load_experiment(std::filesystem::temp_directory_path().string()), ConfigError);
}

// ---- [organization], org.chart and scoped events (issue 18) ----

constexpr std::string_view kLogistics = R"([experiment]
ticks = 30
[scenario]
automation.enabled = true
[[organization.sites]]
name = "port depot"
culture = "germanic"
[[organization.sites]]
name = "city office"
[[organization.departments]]
name = "dispatch"
headcount = 60
site = "port depot"
team_size = 10
span = 6
annual_salary = 42000
routine_share = 0.7
automation_target = 0.6
freed_capacity = "layoff"
handoff_to = "warehouse"
[[organization.departments]]
name = "warehouse"
headcount = 40
site = "port depot"
levels = 2
[[organization.departments]]
name = "invoicing"
function = "finance"
headcount = 8
site = "city office"
[[organization.departments]]
name = "admin"
function = "finance"
headcount = 4
)";

/// kLogistics with `extra` appended (more keys of the last department, or more tables).
std::string logistics(std::string_view extra) {
  return std::string(kLogistics) + std::string(extra);
}

TEST(Organization, DepartmentsAndSitesBecomeTheDesign) {
  const auto spec = parse_experiment(kLogistics, "exp.toml");
  ASSERT_TRUE(spec.scenario.design);
  const agents::OrgDesign& design = *spec.scenario.design;
  EXPECT_EQ(design.functions, (std::vector<std::string>{"dispatch", "warehouse", "finance"}));
  ASSERT_EQ(design.sites.size(), 2u);
  EXPECT_EQ(design.sites[0].culture, agents::CulturePreset::germanic);
  EXPECT_FALSE(design.sites[1].culture);
  ASSERT_EQ(design.departments.size(), 4u);
  const agents::DepartmentSpec& dispatch = design.departments[0];
  EXPECT_EQ(dispatch.headcount, 60);
  EXPECT_EQ(dispatch.team_size, 10);
  EXPECT_EQ(dispatch.span, 6);
  EXPECT_EQ(dispatch.levels, 0);
  EXPECT_DOUBLE_EQ(dispatch.annual_salary, 42000);
  EXPECT_DOUBLE_EQ(dispatch.routine_share, 0.7);
  EXPECT_DOUBLE_EQ(dispatch.automation_target, 0.6);
  EXPECT_EQ(dispatch.freed_capacity, agents::FreedCapacity::layoff);
  EXPECT_EQ(dispatch.handoff_to, 1);
  EXPECT_EQ(design.departments[1].levels, 2);
  EXPECT_EQ(design.departments[2].function, 2);
  EXPECT_EQ(design.departments[3].function, 2);
  EXPECT_EQ(design.departments[3].site, 0);  // the first site by default
  EXPECT_EQ(design.departments[3].handoff_to, -1);
  EXPECT_LT(design.departments[3].routine_share, 0);  // unset: work.routine_share
  EXPECT_TRUE(design.chart.empty());
  EXPECT_EQ(spec.scenario.org.employees, 112);
  EXPECT_TRUE(spec.scenario.structure.enabled);
  EXPECT_EQ(spec.scenario.structure.functions, 3);
  EXPECT_EQ(spec.scenario.structure.sites, 2);
  EXPECT_EQ(spec.params_at(0).design, spec.scenario.design);
}

TEST(Organization, DepartmentsAloneGetOneSite) {
  const auto spec = parse_experiment(
      "[experiment]\n[[organization.departments]]\nname = \"all\"\nheadcount = 7\n", "exp.toml");
  ASSERT_EQ(spec.scenario.design->sites.size(), 1u);
  EXPECT_EQ(spec.scenario.design->sites[0].name, "headquarters");
  EXPECT_EQ(spec.scenario.org.employees, 7);
}

TEST(Organization, ExplicitFunctionsFixTheirOrder) {
  const auto spec = parse_experiment(
      logistics("[organization]\nfunctions = [\"finance\", \"it\", \"warehouse\", \"dispatch\"]\n"),
      "exp.toml");
  EXPECT_EQ(spec.scenario.design->functions.size(), 4u);
  EXPECT_EQ(spec.scenario.design->departments[0].function, 3);
  EXPECT_EQ(spec.scenario.structure.functions, 4);
}

/// The error's line:column and that its message contains `words`.
void expect_error(const std::string& text, std::uint32_t line, std::uint32_t column,
                  std::string_view words) {
  const ConfigError e = error_of(text);
  EXPECT_EQ(e.where().line, line) << e.what();
  EXPECT_EQ(e.where().column, column) << e.what();
  EXPECT_NE(e.message().find(words), std::string::npos) << e.what();
}

TEST(Organization, ErrorsPointAtTheKeyOrValue) {
  // The last department is "admin" from line 31; extra lines start at 35.
  expect_error(logistics("hedcount = 3\n"), 35, 1, "did you mean \"headcount\"");
  expect_error(logistics("site = \"harbour\"\n"), 35, 8, "unknown site \"harbour\"");
  expect_error(logistics("handoff_to = \"it\"\n"), 35, 14, "unknown function \"it\"");
  expect_error(logistics("span = 4\nlevels = 2\n"), 36, 10, "both span and levels");
  expect_error(logistics("routine_share = 1.5\n"), 35, 17, "expected a number in [0, 1]");
  expect_error(logistics("freed_capacity = \"fire\"\n"), 35, 18, "\"redeploy\", \"layoff\"");
  expect_error(logistics("[[organization.departments]]\nname = \"admin\"\nheadcount = 1\n"), 36, 8,
               "two departments are called \"admin\"");
  expect_error(logistics("[[organization.sites]]\nname = \"city office\"\n"), 36, 8,
               "two sites are called \"city office\"");
  expect_error(logistics("[[organization.sites]]\nname = \"x\"\nculture = \"martian\"\n"), 37, 11,
               "expected one of \"custom\"");
  expect_error(logistics("[[organization.departments]]\nname = \"it\"\n"), 36, 8,
               "'it' needs headcount");
  expect_error(logistics("[organization]\nfunctions = [\"dispatch\"]\n"), 22, 8,
               "function \"warehouse\" of 'warehouse' is not in organization.functions");
  expect_error(logistics("[organization]\nsize = 3\n"), 36, 1, "unknown key 'organization.size'");
  expect_error(logistics("[organization.extra]\nx = 1\n"), 35, 15, "has no sub-table");
}

TEST(Organization, NegativeHeadcountIsRejected) {
  expect_error("[experiment]\n[[organization.departments]]\nname = \"a\"\nheadcount = -5\n", 4, 13,
               "expected an integer in [0, 100000000], got -5");
}

TEST(Organization, ParametersItFixesMustAgree) {
  const auto with = [](std::string_view line) {
    std::string text(kLogistics);
    return text.insert(text.find("automation.enabled"), line);
  };
  expect_error(with("org.employees = 50\n"), 4, 17,
               "org.employees = 50 contradicts the described organization (it has 112 people); "
               "remove it or write 112");
  expect_error(with("structure.enabled = false\n"), 4, 21, "structure.enabled = false contradicts");
  EXPECT_EQ(parse_experiment(with("org.employees = 112\nstructure.enabled = true\n"), "exp.toml")
                .scenario.org.employees,
            112);
  expect_error(logistics("[sweep.grid]\norg.employees = [100, 112]\n"), 36, 17,
               "org.employees cannot be varied with a described organization");
  expect_error(logistics("[sweep.grid]\norg.chart = [\"a.csv\", \"b.csv\"]\n"), 36, 5,
               "org.chart cannot be varied");
  expect_error("[experiment]\n[sweep.list]\npoints = [{ \"org.chart\" = \"a.csv\" }]\n", 3, 27,
               "org.chart cannot be varied");
}

TEST(Organization, UnreadableChartIsAnErrorAtTheKey) {
  const ConfigError e = [] {
    try {
      parse_experiment("[experiment]\n[scenario]\norg.chart = \"no-such-staff.csv\"\n",
                       "dir/exp.toml");
    } catch (const ConfigError& error) {
      return error;
    }
    return ConfigError({}, "none");
  }();
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_EQ(e.where().column, 5u);  // the dotted key's last segment
  EXPECT_NE(e.message().find("cannot read the chart file 'dir/no-such-staff.csv'"),
            std::string::npos)
      << e.what();
}

TEST(Organization, ResolvedTextIsSelfContainedAndRoundTrips) {
  const auto spec = parse_experiment(
      logistics("[[events]]\nat = 13\nrestructure = \"cross_functional\"\nfunction = "
                "\"finance\"\n[[events]]\nat = 20\nautomate = 0.6\ndepartment = \"dispatch\"\n"
                "freed_capacity = \"redeploy\"\n"),
      "exp.toml");
  const std::string text = spec.resolved_text();
  EXPECT_NE(text.find("[[organization.departments]]"), std::string::npos) << text;
  const auto again = parse_experiment(text, "<merged shards>");
  EXPECT_EQ(again.resolved_text(), text);
  ASSERT_TRUE(again.scenario.design);
  const auto& a = *spec.scenario.design;
  const auto& b = *again.scenario.design;
  EXPECT_EQ(a.functions, b.functions);
  ASSERT_EQ(a.departments.size(), b.departments.size());
  for (std::size_t d = 0; d < a.departments.size(); ++d) {
    EXPECT_EQ(a.departments[d].name, b.departments[d].name);
    EXPECT_EQ(a.departments[d].function, b.departments[d].function);
    EXPECT_EQ(a.departments[d].site, b.departments[d].site);
    EXPECT_EQ(a.departments[d].headcount, b.departments[d].headcount);
    EXPECT_EQ(a.departments[d].span, b.departments[d].span);
    EXPECT_EQ(a.departments[d].levels, b.departments[d].levels);
    EXPECT_EQ(a.departments[d].team_size, b.departments[d].team_size);
    EXPECT_EQ(a.departments[d].annual_salary, b.departments[d].annual_salary);
    EXPECT_EQ(a.departments[d].routine_share, b.departments[d].routine_share);
    EXPECT_EQ(a.departments[d].automation_target, b.departments[d].automation_target);
    EXPECT_EQ(a.departments[d].freed_capacity, b.departments[d].freed_capacity);
    EXPECT_EQ(a.departments[d].handoff_to, b.departments[d].handoff_to);
  }
  ASSERT_EQ(again.events.size(), 2u);
  EXPECT_EQ(again.events[0].departments, (std::vector<std::int32_t>{2, 3}));
  EXPECT_EQ(again.events[1].departments, (std::vector<std::int32_t>{0}));
  EXPECT_EQ(again.events[1].freed_capacity, agents::FreedCapacity::redeploy);
}

/// A folder with an experiment file and its chart, removed at the end of the test.
class ChartFolder {
 public:
  ChartFolder(std::string_view experiment, std::string_view chart)
      : dir_(std::filesystem::temp_directory_path() /
             ("orgsim-chart-" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()))) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "exp.toml", std::ios::binary) << experiment;
    std::ofstream(dir_ / "staff.csv", std::ios::binary) << chart;
  }
  ChartFolder(const ChartFolder&) = delete;
  ChartFolder& operator=(const ChartFolder&) = delete;
  ~ChartFolder() { std::filesystem::remove_all(dir_); }
  [[nodiscard]] std::string experiment() const { return (dir_ / "exp.toml").string(); }

 private:
  std::filesystem::path dir_;
};

constexpr std::string_view kChart =
    "id,manager_id,department,site,title,annual_salary,fte,hire_date\n"
    "1,,admin,office,CEO,150000,1,2010-01-04\n"
    "2,1,sales,office,Head of sales,90000,1,2012-03-01\n"
    "3,2,sales,office,Account manager,52000,0.8,2019-09-15\n"
    "4,1,dispatch,depot,Head of dispatch,80000,1,2011-06-01\n"
    "5,4,dispatch,depot,Dispatcher,41000,1,2020-02-03\n"
    "6,4,dispatch,depot,Dispatcher,41000,0.5,2021-05-10\n";

TEST(Organization, ChartOnlyBuildsTheDesignAndEmbedsTheChart) {
  const ChartFolder folder("[experiment]\n[scenario]\norg.chart = \"staff.csv\"\n", kChart);
  const auto spec = load_experiment(folder.experiment());
  ASSERT_TRUE(spec.scenario.design);
  const auto& design = *spec.scenario.design;
  EXPECT_EQ(design.chart.size(), 6u);
  EXPECT_EQ(design.chart_path, "staff.csv");
  EXPECT_EQ(design.chart_text, kChart);
  EXPECT_EQ(design.departments.size(), 3u);
  EXPECT_EQ(spec.scenario.org.employees, 6);
  EXPECT_EQ(spec.scenario.structure.sites, 2);
  const std::string text = spec.resolved_text();
  EXPECT_NE(text.find("chart_csv = '''\nid,manager_id,"), std::string::npos) << text;
  EXPECT_EQ(text.find("org.chart"), std::string::npos) << text;
  const auto again = parse_experiment(text, "<merged shards>");
  EXPECT_EQ(again.resolved_text(), text);
  ASSERT_TRUE(again.scenario.design);
  EXPECT_EQ(again.scenario.design->chart_text, kChart);
  ASSERT_EQ(again.scenario.design->chart.size(), 6u);
  for (std::size_t r = 0; r < design.chart.size(); ++r) {
    EXPECT_EQ(again.scenario.design->chart[r].manager, design.chart[r].manager);
    EXPECT_EQ(again.scenario.design->chart[r].department, design.chart[r].department);
    EXPECT_EQ(again.scenario.design->chart[r].site, design.chart[r].site);
    EXPECT_EQ(again.scenario.design->chart[r].fte, design.chart[r].fte);
  }
}

TEST(Organization, ChartWithCarriageReturnsRoundTripsAsAnEscapedString) {
  std::string windows;
  for (char c : kChart) windows += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const ChartFolder folder("[experiment]\n[scenario]\norg.chart = \"staff.csv\"\n", windows);
  const auto spec = load_experiment(folder.experiment());
  const std::string text = spec.resolved_text();
  EXPECT_NE(text.find("chart_csv = \"id,manager_id,"), std::string::npos) << text;
  const auto again = parse_experiment(text, "<merged shards>");
  EXPECT_EQ(again.scenario.design->chart_text, windows);
  EXPECT_EQ(again.resolved_text(), text);
}

TEST(Organization, ChartWithDepartmentsChecksHeadcounts) {
  const std::string departments =
      "[[organization.departments]]\nname = \"admin\"\n"
      "[[organization.departments]]\nname = \"sales\"\nheadcount = 2\nannual_salary = 50000\n"
      "[[organization.departments]]\nname = \"dispatch\"\nheadcount = 3\n";
  const std::string head = "[experiment]\n[scenario]\norg.chart = \"staff.csv\"\n";
  const ChartFolder good(head + departments, kChart);
  const auto spec = load_experiment(good.experiment());
  EXPECT_EQ(spec.scenario.design->departments[0].headcount, 1);
  EXPECT_EQ(spec.scenario.design->departments[2].site, 1);  // where its people are: the depot
  EXPECT_DOUBLE_EQ(spec.scenario.design->departments[1].annual_salary, 50000);
  const auto again = parse_experiment(spec.resolved_text(), "<merged shards>");
  EXPECT_EQ(again.resolved_text(), spec.resolved_text());
  const ChartFolder bad(
      head + std::regex_replace(departments, std::regex("headcount = 3"), "headcount = 30"),
      kChart);
  try {
    load_experiment(bad.experiment());
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().line, 12u) << e.what();
    EXPECT_EQ(e.where().column, 13u) << e.what();
    EXPECT_NE(e.message().find("'dispatch' has headcount = 30, but the chart has 3 people"),
              std::string::npos)
        << e.what();
  }
}

TEST(Organization, ChartAndEmbeddedChartAreExclusive) {
  expect_error(
      "[experiment]\n[scenario]\norg.chart = \"x.csv\"\n[organization]\nchart_csv = \"id\\n\"\n", 3,
      5, "org.chart and organization.chart_csv both give the chart");
}

TEST(Events, ScopedRestructureAndAutomate) {
  const auto spec = parse_experiment(
      logistics("[[events]]\nat = 5\nrestructure = \"flat\"\ndepartments = [\"warehouse\", "
                "\"dispatch\"]\n[[events]]\nat = 6\nautomate = 0.8\nfunction = \"finance\"\n"
                "freed_capacity = \"layoff\"\n[[events]]\nat = 7\nautomate = 0.2\n"),
      "exp.toml");
  ASSERT_EQ(spec.events.size(), 3u);
  using Kind = agents::ScheduledEvent::Kind;
  EXPECT_EQ(spec.events[0].kind, Kind::restructure);
  EXPECT_EQ(spec.events[0].structure, agents::StructureType::flat);
  EXPECT_EQ(spec.events[0].departments, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(spec.events[1].kind, Kind::automate);
  EXPECT_DOUBLE_EQ(spec.events[1].automation_target, 0.8);
  EXPECT_EQ(spec.events[1].freed_capacity, agents::FreedCapacity::layoff);
  EXPECT_EQ(spec.events[1].departments, (std::vector<std::int32_t>{2, 3}));
  EXPECT_TRUE(spec.events[2].departments.empty());
  EXPECT_FALSE(spec.events[2].freed_capacity);
}

// A layoff event (issue 20): a share of the staff of the departments in scope, written back as
// read in the resolved experiment; a share outside (0, 1) or an automate key is an error.
TEST(Events, LayoffEvents) {
  const auto spec =
      parse_experiment(logistics("[[events]]\nat = 5\nlayoff = 0.1\ndepartment = \"dispatch\"\n"
                                 "[[events]]\nat = 9\nlayoff = 0.05\n"),
                       "exp.toml");
  ASSERT_EQ(spec.events.size(), 2u);
  EXPECT_EQ(spec.events[0].kind, agents::ScheduledEvent::Kind::layoff);
  EXPECT_DOUBLE_EQ(spec.events[0].layoff_share, 0.1);
  EXPECT_EQ(spec.events[0].departments, (std::vector<std::int32_t>{0}));
  EXPECT_TRUE(spec.events[1].departments.empty());
  const std::string resolved = spec.resolved_text();
  EXPECT_NE(resolved.find("layoff = 0.1\ndepartments = [\"dispatch\"]"), std::string::npos)
      << resolved;
  const auto again = parse_experiment(resolved, "resolved.toml");
  EXPECT_EQ(again.events[0].departments, spec.events[0].departments);
  EXPECT_DOUBLE_EQ(again.events[1].layoff_share, 0.05);
  expect_error(logistics("[[events]]\nat = 5\nlayoff = 1.0\n"), 37, 10,
               "events.layoff: expected a share of the staff in (0, 1), got 1");
  expect_error(logistics("[[events]]\nat = 5\nlayoff = true\n"), 37, 10,
               "events.layoff: expected a share of the staff in (0, 1)");
  expect_error(logistics("[[events]]\nat = 5\nlayoff = 0.1\nfreed_capacity = \"layoff\"\n"), 38, 18,
               "freed_capacity belongs to an automate event");
  // A layoff that rounds to nobody is an error (admin has 4 people: 0.1 of them is 0.4).
  expect_error(logistics("[[events]]\nat = 5\nlayoff = 0.1\ndepartment = \"admin\"\n"), 37, 10,
               "events.layoff: 0.1 of \"admin\" (4 people at the start) lays off nobody; give at "
               "least 0.125");
  EXPECT_NO_THROW(parse_experiment(
      logistics("[[events]]\nat = 5\nlayoff = 0.13\ndepartment = \"admin\"\n"), "exp.toml"));
}

TEST(Events, GeneratedOrganizationsHaveOneDepartmentPerFunction) {
  const auto spec = parse_experiment(
      "[experiment]\n[scenario]\nstructure.enabled = true\nstructure.functions = 3\n"
      "[[events]]\nat = 5\nrestructure = \"matrix\"\ndepartment = \"function 3\"\n",
      "exp.toml");
  EXPECT_EQ(spec.events[0].departments, (std::vector<std::int32_t>{2}));
  EXPECT_NE(spec.resolved_text().find("departments = [\"function 3\"]"), std::string::npos);
  expect_error(
      "[experiment]\n[scenario]\nstructure.enabled = true\n[[events]]\nat = 5\n"
      "restructure = \"matrix\"\ndepartment = \"function 5\"\n",
      7, 14, "unknown department \"function 5\"");
}

TEST(Events, ScopeAndAutomateErrors) {
  expect_error("[experiment]\n[[events]]\nat = 5\nautomate = 0.5\n", 4, 12,
               "events.automate needs automation.enabled = true");
  expect_error(logistics("[[events]]\nat = 5\nautomate = 1.5\n"), 37, 12,
               "expected a process-automation target in [0, 1]");
  expect_error(logistics("[[events]]\nat = 5\nshock = 0.2\ndepartment = \"dispatch\"\n"), 38, 14,
               "scope a restructure, automate or layoff event only");
  expect_error(
      logistics("[[events]]\nat = 5\nrestructure = \"flat\"\nfreed_capacity = \"layoff\"\n"), 38,
      18, "freed_capacity belongs to an automate event");
  expect_error(logistics("[[events]]\nat = 5\nautomate = 0.5\ndepartment = \"dispach\"\n"), 38, 14,
               "did you mean \"dispatch\"");
  expect_error(logistics("[[events]]\nat = 5\nautomate = 0.5\ndepartment = \"admin\"\n"
                         "function = \"finance\"\n"),
               39, 12, "give one of department, departments or function");
  expect_error(logistics("[[events]]\nat = 5\nautomate = 0.5\nfunction = \"legal\"\n"), 38, 12,
               "unknown function \"legal\"");
}

TEST(Loader, EveryShippedConfigLoads) {
  const std::filesystem::path configs =
      std::filesystem::path(ORGSIM_SOURCE_DIR) / "experiments/configs";
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(configs)) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_NO_THROW(load_experiment(entry.path().string())) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 1);
}

}  // namespace
}  // namespace orgsim::experiments
