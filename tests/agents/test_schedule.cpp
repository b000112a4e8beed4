// The tick's phase order: the explicit list in schedule.cpp, the phases the submodels declare, and
// the table in docs/ODD.md section 3 must say the same thing.
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/submodel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace orgsim;
using namespace orgsim::agents;

namespace {

struct OddRow {
  std::string phase, kind, submodel;
};

std::vector<OddRow> odd_section_3() {
  std::ifstream in(std::string(ORGSIM_SOURCE_DIR) + "/docs/ODD.md");
  std::string line;
  bool inside = false;
  std::vector<OddRow> rows;
  const std::regex row(R"(^\| \d+ \| `([a-z_]+)` \| ([a-z ]+) \| ([a-z]+) \|)");
  while (std::getline(in, line)) {
    if (line.starts_with("## 3."))
      inside = true;
    else if (line.starts_with("## "))
      inside = false;
    std::smatch m;
    if (inside && std::regex_search(line, m, row)) rows.push_back({m[1], m[2], m[3]});
  }
  return rows;
}

std::string kind_name(PhaseRow::Kind kind) {
  switch (kind) {
    case PhaseRow::Kind::serial:
      return "serial";
    case PhaseRow::Kind::over_employees:
      return "over employees";
    case PhaseRow::Kind::over_teams:
      return "over teams";
  }
  return "?";
}

/// The submodel that declares `phase` and the phase's kind ("core" for the model's own phases).
std::pair<std::string, std::string> declared(std::string_view phase) {
  for (const Submodel* submodel : submodels()) {
    for (const PhaseRow& row : submodel->phases) {
      if (row.name == phase) return {std::string(submodel->name), kind_name(row.kind)};
    }
  }
  return {"core", "serial"};
}

}  // namespace

TEST(Schedule, MatchesOddSection3) {
  const std::vector<OddRow> odd = odd_section_3();
  const auto order = tick_order();
  ASSERT_EQ(odd.size(), order.size())
      << "docs/ODD.md section 3 and schedule.cpp list different numbers of phases";
  for (std::size_t k = 0; k < order.size(); ++k) {
    EXPECT_EQ(odd[k].phase, order[k]) << "phase " << k + 1;
    const auto [submodel, kind] = declared(order[k]);
    EXPECT_EQ(odd[k].submodel, submodel) << order[k];
    EXPECT_EQ(odd[k].kind, kind) << order[k];
  }
}

TEST(Schedule, EveryDeclaredPhaseHasExactlyOneSlot) {
  const auto order = tick_order();
  std::set<std::string_view> seen;
  for (std::string_view name : order)
    EXPECT_TRUE(seen.insert(name).second) << name << " has two slots";
  for (std::size_t s = 0; s < builtin_submodel_count(); ++s) {
    for (const PhaseRow& row : submodels()[s]->phases) {
      EXPECT_TRUE(seen.contains(row.name))
          << submodels()[s]->name << " declares " << row.name << " without a slot";
    }
  }
}

TEST(Schedule, RunsThePhasesOfTheSubmodelsSwitchedOn) {
  auto names = [](const ModelParams& p) {
    std::vector<std::string> out;
    const Schedule<Organization> schedule = make_schedule(p);
    for (const auto& phase : schedule.phases()) out.push_back(phase.name);
    return out;
  };
  const ModelParams march = ModelParams::defaults();
  EXPECT_EQ(names(march), (std::vector<std::string>{
                              "begin_tick", "events", "turbulence", "act_and_socialize",
                              "learn_code", "fade_change_pressure", "draw_turnover",
                              "renew_leavers", "onboard_hires", "grow", "track_resilience"}));
  ModelParams all = march;
  all.environment.enabled = all.structure.enabled = all.people.enabled = all.work.enabled = true;
  all.automation.enabled = all.policy.enabled = true;
  all.landscape.enabled = all.landscape.search = true;
  all.structure.peer_learning_rate = 0.1;
  const auto full = names(all);
  EXPECT_EQ(full.size(),
            tick_order().size() - 1);  // act_and_socialize gives way to act + peer learning
  EXPECT_EQ(std::find(full.begin(), full.end(), "act_and_socialize"), full.end());
  EXPECT_TRUE(
      std::is_sorted(full.begin(), full.end(), [&](const std::string& a, const std::string& b) {
        const auto order = tick_order();
        return std::find(order.begin(), order.end(), a) < std::find(order.begin(), order.end(), b);
      }));
}

TEST(Registry, EveryParameterAndMetricBelongsToOneSubmodel) {
  std::set<std::string> names;
  for (const ParamSpec& spec : parameter_table())
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
  std::set<std::string> metrics;
  for (const MetricInfo& info : metric_table()) {
    EXPECT_TRUE(metrics.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.label.empty()) << info.name;
    EXPECT_FALSE(info.unit.empty()) << info.name;
  }
  EXPECT_EQ(submodels().size(), builtin_submodel_count());  // nothing registered in this binary
}
