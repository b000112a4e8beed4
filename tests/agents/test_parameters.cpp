// The parameter table: defaults, type coercion, ranges, consistency.
#include "orgsim/agents/parameters.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

namespace orgsim::agents {
namespace {

TEST(Parameters, NamesAreUniqueAndDefaultsAreInRange) {
  std::set<std::string_view> names;
  for (const ParamSpec& p : parameter_table()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_FALSE(p.help.empty()) << p.name;
    EXPECT_FALSE(p.unit.empty()) << p.name;
    EXPECT_NE(p.name.find('.'), std::string_view::npos) << p.name << " needs a submodel prefix";
    EXPECT_TRUE(coerce(p, p.default_value).has_value()) << p.name;
  }
}

TEST(Parameters, DefaultsComeFromTheTable) {
  const ModelParams d = ModelParams::defaults();
  EXPECT_EQ(d.org.employees, 50);
  EXPECT_EQ(d.learning.dimensions, 30);
  EXPECT_DOUBLE_EQ(d.learning.socialization_rate, 0.1);
  for (const ParamSpec& p : parameter_table()) EXPECT_EQ(value_of(d, p), p.default_value) << p.name;
}

TEST(Parameters, CoerceChecksTypeAndRange) {
  const ParamSpec& rate = *find_parameter("learning.socialization_rate");
  EXPECT_EQ(coerce(rate, ParamValue{std::int64_t{1}}), ParamValue{1.0});  // integer -> real
  EXPECT_FALSE(coerce(rate, ParamValue{1.5}));
  EXPECT_FALSE(coerce(rate, ParamValue{-0.1}));
  EXPECT_FALSE(coerce(rate, ParamValue{std::numeric_limits<double>::quiet_NaN()}));
  EXPECT_FALSE(coerce(rate, ParamValue{std::string("high")}));
  const ParamSpec& employees = *find_parameter("org.employees");
  EXPECT_FALSE(coerce(employees, ParamValue{50.0}));  // a real is not an integer
  EXPECT_FALSE(coerce(employees, ParamValue{std::int64_t{0}}));
  EXPECT_TRUE(coerce(employees, ParamValue{std::int64_t{1'000'000}}));
  EXPECT_EQ(find_parameter("no.such"), nullptr);
}

TEST(Parameters, TeamsMayNotExceedEmployees) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = 10;
  p.org.teams = 11;
  const auto problem = check_consistency(p);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->parameter, "org.teams");
  p.org.teams = 10;
  EXPECT_FALSE(check_consistency(p));
}

TEST(Parameters, FormatValueWritesTomlLiterals) {
  EXPECT_EQ(format_value(ParamValue{0.5}), "0.5");
  EXPECT_EQ(format_value(ParamValue{1.0}), "1.0");
  EXPECT_EQ(format_value(ParamValue{std::int64_t{7}}), "7");
  EXPECT_EQ(format_value(ParamValue{true}), "true");
  EXPECT_EQ(format_value(ParamValue{std::string("flat")}), "\"flat\"");
}

// Every parameter says where its default comes from; the named bases name real parameters (a
// renamed parameter cannot silently fall back to "illustrative").
TEST(Parameters, EveryDefaultHasABasis) {
  for (const auto& [name, basis] : parameter_bases()) {
    ASSERT_NE(find_parameter(name), nullptr) << name;
    EXPECT_FALSE(basis.empty()) << name;
  }
  for (const ParamSpec& p : parameter_table()) {
    const std::string_view basis = parameter_basis(p);
    EXPECT_TRUE(basis.starts_with("calibrated: ") || basis.starts_with("March (1991)") ||
                basis.starts_with("model: ") || basis.starts_with("scenario: ") ||
                basis.starts_with("choice: ") || basis.starts_with("illustrative: "))
        << p.name << ": " << basis;
  }
  EXPECT_TRUE(parameter_basis(*find_parameter("org.time_to_fill")).starts_with("calibrated"));
  EXPECT_TRUE(
      parameter_basis(*find_parameter("policy.change_sensitivity")).starts_with("illustrative"));
}

// Every parameter has a plain-language label for reports, and no two share one (a label must say
// which parameter a number belongs to).
TEST(Parameters, EveryParameterHasADistinctLabel) {
  std::set<std::string_view> seen;
  for (const ParamSpec& p : parameter_table()) {
    const std::string_view label = parameter_label(p.name);
    EXPECT_FALSE(label.empty()) << p.name;
    EXPECT_TRUE(seen.insert(label).second) << p.name << ": " << label;
  }
  EXPECT_EQ(parameter_label("finance.salary"), "Salary per employee");
  EXPECT_EQ(parameter_label("no.such"), "");
}

}  // namespace
}  // namespace orgsim::agents
