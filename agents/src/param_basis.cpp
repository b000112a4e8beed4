// Where each parameter's default comes from (issue 20: the parameter table says which parameters
// are calibrated, from what, and which are illustrative). docs/ODD.md gives the equations and
// the sources of each mechanism's direction; this table is about the default values.
#include "orgsim/agents/parameters.hpp"

#include <array>
#include <utility>

namespace orgsim::agents {

namespace {

constexpr std::string_view kMarch = "March (1991): the value of his model";
constexpr std::string_view kScenario =
    "scenario: describes the organization or market modelled; set it from the client's or the "
    "study's figures (the default is a placeholder)";

/// Parameters whose default is not an illustrative assumption.
constexpr std::array<std::pair<std::string_view, std::string_view>, 35> kBasis{{
    {"org.employees", kScenario},
    {"org.teams", kScenario},
    {"org.time_to_fill", "calibrated: SHRM benchmarking, average time to fill about 6 weeks"},
    {"org.ramp_up", "calibrated: Oxford Economics (2014), 28 weeks to full productivity"},
    {"org.initial_fit", kScenario},
    {"learning.dimensions", kMarch},
    {"learning.socialization_rate", kMarch},
    {"learning.code_learning_rate", kMarch},
    {"learning.turnover_rate", kMarch},
    {"learning.turbulence_rate", kMarch},
    {"learning.fast_learner_share", kMarch},
    {"learning.fast_socialization_rate", kMarch},
    {"environment.market_growth", kScenario},
    {"environment.base_demand", kScenario},
    {"environment.shock_at", kScenario},
    {"environment.shock_every", kScenario},
    {"environment.shock_rate", kScenario},
    {"environment.shock_size", kScenario},
    {"structure.functions", kScenario},
    {"structure.sites", kScenario},
    {"structure.restructure_at", kScenario},
    {"automation.start", kScenario},
    {"growth.target_employees", kScenario},
    {"finance.salary", kScenario},
    {"finance.task_value", kScenario},
    {"finance.initial_cash", kScenario},
    {"finance.credit_line", kScenario},
    {"finance.fixed_cost", kScenario},
    {"finance.overtime_premium", "calibrated: time and a half, the legal minimum in the US (FLSA)"},
    {"finance.automation_task_cost",
     "calibrated: a software robot costs about a fifth of an onshore employee doing the same work "
     "(HfS Research, Fersht & Slaby 2012: $15K vs $80K a year) and a third of an offshore one "
     "(Lacity & Willcocks 2016); here a fifth of salary / work.tasks_per_employee"},
    {"landscape.k", "model: Kauffman (1993), Levinthal (1997)"},
    {"landscape.cross_share", "model: Rivkin & Siggelkow (2003)"},
    {"landscape.seed", "model: Levinthal (1997)'s population of firms on one landscape"},
    {"landscape.alternatives", "model: Rivkin & Siggelkow (2003)"},
    {"landscape.proposals", "model: Rivkin & Siggelkow (2003)"},
}};

}  // namespace

std::string_view parameter_basis(const ParamSpec& spec) {
  for (const auto& [name, basis] : kBasis) {
    if (name == spec.name) return basis;
  }
  if (spec.type == ParamType::boolean || spec.type == ParamType::choice)
    return "choice: a switch or a design alternative";
  return "illustrative: a documented assumption, not calibrated to data";
}

std::span<const std::pair<std::string_view, std::string_view>> parameter_bases() {
  return kBasis;
}

}  // namespace orgsim::agents
