// Experiment files: valid input, every kind of error with its location, --set, grids.
#include "orgsim/experiments/experiment.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

TEST(Loader, DefaultExperimentIsASmallDesignComparison) {
  const auto spec = parse_experiment(default_experiment_text(), "<default>");
  EXPECT_GE(spec.design_point_count(), 4u);
  EXPECT_GE(spec.replications, 10);
}

TEST(Loader, UnreadableFilesAndDirectoriesAreConfigErrors) {
  EXPECT_THROW(load_experiment("/nonexistent/exp.toml"), ConfigError);
  EXPECT_THROW(load_experiment(std::filesystem::temp_directory_path().string()), ConfigError);
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
