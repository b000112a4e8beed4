// The parameter table and the conversions around it.
#include "orgsim/agents/parameters.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

namespace orgsim::agents {

namespace {

using P = ModelParams;

struct TableBuilder {
  std::vector<ParamSpec> table;
  void integer(std::string_view name, std::int64_t value, double lo, double hi, std::string_view unit,
               std::string_view help, std::int64_t P::*field) {
    table.push_back({name, ParamType::integer, value, lo, hi, {}, unit, help, field});
  }
  void real(std::string_view name, double value, double lo, double hi, std::string_view unit,
            std::string_view help, double P::*field) {
    table.push_back({name, ParamType::real, value, lo, hi, {}, unit, help, field});
  }
  void boolean(std::string_view name, bool value, std::string_view help, bool P::*field) {
    table.push_back({name, ParamType::boolean, value, 0, 1, {}, "switch", help, field});
  }
  void choice(std::string_view name, std::string_view value, std::vector<std::string_view> choices,
              std::string_view help, std::string P::*field) {
    table.push_back({name, ParamType::choice, std::string(value), 0, 0, std::move(choices), "choice",
                     help, field});
  }
};

std::vector<ParamSpec> build_table() {
  constexpr double kMaxTick = 10'000'000;
  TableBuilder t;
  // --- org -------------------------------------------------------------------------------------
  t.integer("org.employees", 50, 1, 100'000'000, "employees", "Number of employees at the start of a run.", &P::org_employees);
  t.integer("org.teams", 1, 1, 10'000'000, "teams",
            "Number of teams when structure is off; employees are split into contiguous, near-equal "
            "teams (at most one team per employee). With structure on, teams follow from "
            "structure.type and structure.span_of_control.", &P::org_teams);
  // --- learning ----------------------------------------------------------------------------------
  t.integer("learning.dimensions", 30, 1, static_cast<std::int64_t>(kMaxDimensions), "dimensions",
            "Number of dimensions m of reality, the organizational code and beliefs (March 1991's m).",
            &P::learning_dimensions);
  t.real("learning.socialization_rate", 0.1, 0, 1, "probability/tick",
         "March's p1: per tick and per dimension where an employee's belief differs from a non-zero "
         "code value, the probability that the belief moves one step toward it.",
         &P::learning_socialization_rate);
  t.real("learning.code_learning_rate", 0.5, 0, 1, "probability/tick",
         "March's p2: the code adopts the superior group's majority on a dimension with probability "
         "1-(1-p2)^k, k = |#(+1) - #(-1)| among that group's actions.", &P::learning_code_learning_rate);
  t.real("learning.turnover_rate", 0.0, 0, 1, "probability/tick",
         "March's p3: per tick, the probability that an employee leaves and is replaced by a new hire "
         "with random beliefs.", &P::learning_turnover_rate);
  t.real("learning.turbulence_rate", 0.0, 0, 1, "probability/tick",
         "March's p4: per tick, the probability that each dimension of reality flips sign.",
         &P::learning_turbulence_rate);
  t.real("learning.fast_learner_share", 0.0, 0, 1, "share",
         "Share of employees (drawn at hire) who socialize at learning.fast_socialization_rate instead "
         "of p1 (March's heterogeneous socialization).", &P::learning_fast_learner_share);
  t.real("learning.fast_socialization_rate", 0.9, 0, 1, "probability/tick",
         "Socialization rate of fast learners.", &P::learning_fast_socialization_rate);
  // --- environment ---------------------------------------------------------------------------------
  t.boolean("environment.enabled", false, "Shocks and market demand (docs/ODD.md 7.8).", &P::environment_enabled);
  t.integer("environment.shock_at", 0, 0, kMaxTick, "tick", "Tick of a scheduled shock (0 = none).", &P::environment_shock_at);
  t.integer("environment.shock_every", 0, 0, kMaxTick, "ticks", "Period of recurring shocks after shock_at (0 = none).",
            &P::environment_shock_every);
  t.real("environment.shock_rate", 0.0, 0, 1, "probability/tick", "Probability of a random shock each tick.",
         &P::environment_shock_rate);
  t.real("environment.shock_size", 0.3, 0, 1, "share of dimensions",
         "Share of reality's dimensions flipped by a shock.", &P::environment_shock_size);
  t.real("environment.market_growth", 0.002, -0.1, 0.1, "1/tick", "Growth rate of the market (compounded per tick).",
         &P::environment_market_growth);
  t.real("environment.base_demand", 0.35, 0, 100, "tasks/employee/tick",
         "Task arrivals per tick per initial employee, before market growth and loyalty.",
         &P::environment_base_demand);
  t.real("environment.loyalty_effect", 0.5, 0, 2, "factor",
         "Demand multiplier slope in customer loyalty: demand x (1 + effect (loyalty - 0.5)).",
         &P::environment_loyalty_effect);
  // --- strategy ------------------------------------------------------------------------------------
  t.boolean("strategy.enabled", false, "Strategy reviews on a cadence with sensing noise (7.9).", &P::strategy_enabled);
  t.integer("strategy.review_interval", 1, 1, 520, "ticks",
            "Ticks between strategy reviews; the code learns only at reviews (1 = weekly agile cycles, "
            "52 = annual plans).", &P::strategy_review_interval);
  t.real("strategy.sensing_noise", 0.0, 0, 5, "sd x sqrt(m)",
         "Noise in how the organization perceives each employee's performance at reviews (standard "
         "deviation in units of sqrt(m)); data-driven automation reduces it.", &P::strategy_sensing_noise);
  // --- structure -----------------------------------------------------------------------------------
  t.boolean("structure.enabled", false, "Teams, hierarchy, code cascade, network, sites (7.10).", &P::structure_enabled);
  t.choice("structure.type", "functional", {"functional", "flat", "matrix", "cross_functional"},
           "Organization design: functional departments, flat, matrix (two reporting lines) or "
           "cross-functional squads.", &P::structure_type);
  t.integer("structure.span_of_control", 8, 2, 100, "employees/manager",
            "Team size and span of control; the number of hierarchy levels follows from it.",
            &P::structure_span_of_control);
  t.integer("structure.functions", 4, 1, 16, "functions", "Number of skill functions (departments).",
            &P::structure_functions);
  t.integer("structure.sites", 1, 1, 64, "sites", "Number of sites; teams are spread over sites round-robin.",
            &P::structure_sites);
  t.integer("structure.ties_per_employee", 6, 0, 64, "ties", "Communication ties per employee.",
            &P::structure_ties_per_employee);
  t.real("structure.cross_team_ties", 0.2, 0, 1, "share",
         "Share of an employee's ties that go outside their team (low = silos).", &P::structure_cross_team_ties);
  t.real("structure.peer_learning_rate", 0.0, 0, 1, "probability/tick",
         "Interpersonal learning: per differing dimension, probability of moving one step toward a "
         "better-performing contact's belief.", &P::structure_peer_learning_rate);
  t.choice("structure.peer_learning", "contact", {"contact", "superior_majority"},
           "Interpersonal learning rule: each tick learn from one random contact who performs better "
           "(contact), or from the majority belief of all better-performing contacts (superior_majority, "
           "Fang, Lee & Schilling 2010).", &P::structure_peer_learning);
  t.integer("structure.cascade_lag", 1, 0, 52, "ticks/level", "Delay per hierarchy level before a code change reaches a team.",
            &P::structure_cascade_lag);
  t.real("structure.cascade_distortion", 0.05, 0, 1, "probability/level",
         "Probability per level that a cascaded code change arrives garbled.", &P::structure_cascade_distortion);
  t.real("structure.centralization", 0.5, 0, 1, "share",
         "Centralization of decisions: decision latency and lower autonomy.", &P::structure_centralization);
  t.integer("structure.latency_per_level", 2, 0, 52, "ticks/level",
            "Decision latency per hierarchy level at full centralization.", &P::structure_latency_per_level);
  t.integer("structure.cross_site_delay", 2, 0, 52, "ticks", "Extra delay for handoffs and cascades to other sites.",
            &P::structure_cross_site_delay);
  t.integer("structure.restructure_at", 0, 0, kMaxTick, "tick", "Tick of a restructuring event (0 = none).",
            &P::structure_restructure_at);
  t.choice("structure.restructure_to", "cross_functional", {"functional", "flat", "matrix", "cross_functional"},
           "Structure after a restructuring event.", &P::structure_restructure_to);
  t.integer("structure.transition_ticks", 8, 0, 520, "ticks",
            "Duration of the productivity dip after a restructuring (capacity -50 % fading linearly).",
            &P::structure_transition_ticks);
  // --- people --------------------------------------------------------------------------------------
  t.boolean("people.enabled", false, "Skills, engagement, resistance, engagement-driven quits (7.11).", &P::people_enabled);
  t.real("people.skill_learning", 0.02, 0, 1, "1/tick", "Skill growth rate with practice.", &P::people_skill_learning);
  t.real("people.skill_decay", 0.002, 0, 1, "1/tick", "Skill decay rate without use.", &P::people_skill_decay);
  t.real("people.initial_digital_skill", 0.3, 0, 1, "skill", "Mean digital skill of employees and hires.",
         &P::people_initial_digital_skill);
  t.real("people.engagement_adjustment", 0.1, 0, 1, "1/tick", "Speed at which engagement moves toward its target.",
         &P::people_engagement_adjustment);
  t.real("people.quit_sensitivity", 0.02, 0, 1, "probability/tick",
         "Extra quit probability per tick at zero engagement (scaled by (1 - engagement)^2).",
         &P::people_quit_sensitivity);
  t.real("people.mean_resistance", 0.4, 0, 1, "resistance", "Mean resistance to change of employees.",
         &P::people_mean_resistance);
  // --- work ----------------------------------------------------------------------------------------
  t.boolean("work.enabled", false, "Tasks, queues, handoffs, rework, customers, finance (7.12).", &P::work_enabled);
  t.real("work.tasks_per_employee", 1.0, 0.01, 100, "tasks/tick", "Task capacity of a fully skilled, engaged employee.",
         &P::work_tasks_per_employee);
  t.real("work.routine_share", 0.6, 0, 1, "share", "Share of tasks that are routine (automatable); the rest are complex.",
         &P::work_routine_share);
  t.integer("work.handoff_delay", 2, 0, 52, "ticks", "Delay when a complex task crosses a team boundary.",
            &P::work_handoff_delay);
  t.real("work.error_rate", 0.05, 0, 1, "share", "Human error rate at medium skill; errors return as rework.",
         &P::work_error_rate);
  t.real("work.target_lead_time", 4, 0.1, 520, "ticks", "Lead time customers consider good.", &P::work_target_lead_time);
  // --- automation ----------------------------------------------------------------------------------
  t.boolean("automation.enabled", false, "Process, data-driven and communication automation (7.13).",
            &P::automation_enabled);
  t.choice("automation.level", "custom", {"custom", "none", "low", "medium", "high"},
           "Automation programme: other than custom it sets all three targets (none 0, low 0.25, "
           "medium 0.5, high 0.8).", &P::automation_level);
  t.real("automation.process_target", 0.0, 0, 1, "level", "Target level of process automation (share of routine work).",
         &P::automation_process_target);
  t.real("automation.data_target", 0.0, 0, 1, "level", "Target level of data-driven automation (less sensing noise).",
         &P::automation_data_target);
  t.real("automation.communication_target", 0.0, 0, 1, "level",
         "Target level of communication automation (less cascade distortion and handoff delay).",
         &P::automation_communication_target);
  t.integer("automation.start", 0, 0, kMaxTick, "tick", "Tick at which adoption starts.", &P::automation_start);
  t.real("automation.adoption_speed", 0.05, 0, 1, "1/tick",
         "Adoption speed toward the targets before resistance and skill gaps slow it.", &P::automation_adoption_speed);
  t.real("automation.error_rate", 0.1, 0, 1, "share",
         "Error rate of automated work when the supervising team has no digital skill.", &P::automation_error_rate);
  t.real("automation.security_investment", 0.5, 0, 1, "level", "Security investment; lowers cyber incidents.",
         &P::automation_security_investment);
  t.real("automation.incident_rate", 0.02, 0, 1, "probability/tick",
         "Cyber incident probability per tick at full automation and no security.", &P::automation_incident_rate);
  t.integer("automation.incident_downtime", 2, 0, 52, "ticks", "Downtime of automated work after an incident.",
            &P::automation_incident_downtime);
  t.choice("automation.freed_capacity", "redeploy", {"redeploy", "layoff"},
           "What happens to staff capacity freed by process automation.", &P::automation_freed_capacity);
  t.boolean("automation.training", true, "Train staff in digital skills alongside automation (and when redeploying).",
            &P::automation_training);
  t.integer("automation.training_ticks", 8, 0, 520, "ticks", "Length of a retraining.", &P::automation_training_ticks);
  // --- culture -------------------------------------------------------------------------------------
  t.boolean("culture.enabled", false, "Cultural dimensions that modulate other submodels (7.14).", &P::culture_enabled);
  t.choice("culture.preset", "custom", {"custom", "anglo", "nordic", "germanic", "east_asian", "latin"},
           "A national/organizational profile; other than custom it sets the four dimensions below.",
           &P::culture_preset);
  t.real("culture.collectivism", 0.5, 0, 1, "level", "Consensus decisions: the code adopts only broad majorities.",
         &P::culture_collectivism);
  t.real("culture.power_distance", 0.5, 0, 1, "level", "Adds to centralization and lowers autonomy.",
         &P::culture_power_distance);
  t.real("culture.uncertainty_avoidance", 0.5, 0, 1, "level", "Raises resistance to change.",
         &P::culture_uncertainty_avoidance);
  t.real("culture.learning_orientation", 0.5, 0, 1, "level",
         "Spread of individual socialization rates (heterogeneous p1) and exploration.", &P::culture_learning_orientation);
  t.choice("culture.other_sites_preset", "same", {"same", "custom", "anglo", "nordic", "germanic", "east_asian", "latin"},
           "Culture of sites other than the first (same = as the first site).", &P::culture_other_sites_preset);
  // --- growth --------------------------------------------------------------------------------------
  t.boolean("growth.enabled", false, "Hiring to demand, growth phases, formalization, bureaucracy (7.15).",
            &P::growth_enabled);
  t.integer("growth.target_employees", 0, 0, 100'000'000, "employees", "Headcount cap for growth (0 = no cap).",
            &P::growth_target_employees);
  t.real("growth.hiring_rate", 0.03, 0, 1, "1/tick", "Maximum headcount growth per tick.", &P::growth_hiring_rate);
  t.integer("growth.growth_threshold", 50, 1, 100'000'000, "employees", "Headcount where startup becomes growth.",
            &P::growth_growth_threshold);
  t.integer("growth.maturity_threshold", 250, 1, 100'000'000, "employees", "Headcount where growth becomes maturity.",
            &P::growth_maturity_threshold);
  t.real("growth.bureaucracy", 0.03, 0, 0.5, "share/level", "Capacity overhead per hierarchy level in maturity.",
         &P::growth_bureaucracy);
  // --- policy --------------------------------------------------------------------------------------
  t.boolean("policy.enabled", false, "Realignment triggers and framework presets (7.16).", &P::policy_enabled);
  t.choice("policy.framework", "none", {"none", "agile", "lean", "systems"},
           "Framework preset: a named bundle of review cadence, trigger and action (overrides them).",
           &P::policy_framework);
  t.real("policy.realign_threshold", 0.3, -1, 1, "strategic fit", "Realign when perceived strategic fit drops below this.",
         &P::policy_realign_threshold);
  t.choice("policy.realign_action", "recascade", {"recascade", "retrain", "restructure"},
           "What a realignment does.", &P::policy_realign_action);
  t.integer("policy.realign_cooldown", 13, 1, 520, "ticks", "Minimum ticks between realignments.",
            &P::policy_realign_cooldown);
  // --- finance -------------------------------------------------------------------------------------
  t.real("finance.salary", 1500, 0, 1e7, "currency/employee/tick", "Salary cost per employee per tick.", &P::finance_salary);
  t.real("finance.task_value", 8000, 0, 1e9, "currency/task", "Revenue of a completed on-strategy task.",
         &P::finance_task_value);
  t.real("finance.automation_cost", 300, 0, 1e7, "currency/employee/tick",
         "Running cost of automation per employee per tick at level 1 of all three kinds.", &P::finance_automation_cost);
  t.real("finance.training_cost", 400, 0, 1e7, "currency/tick", "Cost per employee per tick in training.",
         &P::finance_training_cost);
  t.real("finance.security_cost", 100, 0, 1e7, "currency/employee/tick", "Security cost per employee per tick at investment 1.",
         &P::finance_security_cost);
  t.real("finance.restructuring_cost", 3000, 0, 1e9, "currency/employee", "One-off cost of a restructuring per employee.",
         &P::finance_restructuring_cost);
  t.real("finance.incident_cost", 50000, 0, 1e12, "currency", "Direct cost of a cyber incident.", &P::finance_incident_cost);
  return std::move(t.table);
}

}  // namespace

std::string short_number(double x) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);  // shortest round trip
  return std::string(buffer, result.ptr);
}

namespace {

std::string format_number(double x) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);  // shortest round trip
  std::string s(buffer, result.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::span<const ParamSpec> parameter_table() {
  static const std::vector<ParamSpec> table = build_table();
  return table;
}

const ParamSpec* find_parameter(std::string_view name) {
  for (const ParamSpec& spec : parameter_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

ModelParams ModelParams::defaults() {
  ModelParams params;
  for (const ParamSpec& spec : parameter_table()) assign(params, spec, spec.default_value);
  return params;
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::boolean: return "boolean";
    case ParamType::choice: return "choice";
  }
  return "?";
}

std::string expected_value(const ParamSpec& spec) {
  std::ostringstream out;
  switch (spec.type) {
    case ParamType::integer:
      out << "an integer in [" << static_cast<std::int64_t>(spec.min) << ", "
          << static_cast<std::int64_t>(spec.max) << "]";
      break;
    case ParamType::real:
      out << "a real number in [" << short_number(spec.min) << ", " << short_number(spec.max) << "]";
      break;
    case ParamType::boolean: out << "true or false"; break;
    case ParamType::choice: {
      out << "one of";
      for (std::size_t k = 0; k < spec.choices.size(); ++k) {
        out << (k ? ", " : " ") << '"' << spec.choices[k] << '"';
      }
      break;
    }
  }
  return out.str();
}

std::optional<ParamValue> coerce(const ParamSpec& spec, const ParamValue& value) {
  switch (spec.type) {
    case ParamType::integer: {
      const auto* v = std::get_if<std::int64_t>(&value);
      if (!v || static_cast<double>(*v) < spec.min || static_cast<double>(*v) > spec.max) {
        return std::nullopt;
      }
      return *v;
    }
    case ParamType::real: {
      double x;
      if (const auto* d = std::get_if<double>(&value)) {
        x = *d;
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        x = static_cast<double>(*i);
      } else {
        return std::nullopt;
      }
      if (!std::isfinite(x) || x < spec.min || x > spec.max) return std::nullopt;
      return x;
    }
    case ParamType::boolean:
      if (!std::holds_alternative<bool>(value)) return std::nullopt;
      return value;
    case ParamType::choice: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) return std::nullopt;
      for (std::string_view c : spec.choices) {
        if (c == *s) return value;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void assign(ModelParams& params, const ParamSpec& spec, const ParamValue& value) {
  std::visit(
      [&](auto member) {
        using Field = std::remove_reference_t<decltype(params.*member)>;
        params.*member = std::get<Field>(value);
      },
      spec.field);
}

ParamValue value_of(const ModelParams& params, const ParamSpec& spec) {
  return std::visit([&](auto member) { return ParamValue(params.*member); }, spec.field);
}

std::string format_value(const ParamValue& value) {
  struct Formatter {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return format_number(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return '"' + v + '"'; }
  };
  return std::visit(Formatter{}, value);
}

std::optional<ConsistencyProblem> check_consistency(const ModelParams& params) {
  if (params.org_teams > params.org_employees) {
    return ConsistencyProblem{"org.teams", "org.teams (" + std::to_string(params.org_teams) +
                                               ") must not exceed org.employees (" +
                                               std::to_string(params.org_employees) + ")"};
  }
  if (params.growth_maturity_threshold < params.growth_growth_threshold) {
    return ConsistencyProblem{"growth.maturity_threshold",
                              "growth.maturity_threshold must not be below growth.growth_threshold"};
  }
  return std::nullopt;
}

}  // namespace orgsim::agents
