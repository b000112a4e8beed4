// Each parameter's plain-language label, for the executive report and docs/parameters.md: a
// short name a client's CEO reads without knowing the model (the unit is shown beside it, and
// the help text says exactly what the parameter does). Every row of the parameter table has one.
#include "orgsim/agents/parameters.hpp"

#include <array>
#include <utility>

namespace orgsim::agents {

namespace {

/// Parameter name -> label, in the order of docs/parameters.md.
constexpr std::array<std::pair<std::string_view, std::string_view>, 155> kLabels{{
    // org
    {"org.employees", "Employees at start"},
    {"org.teams", "Number of teams"},
    {"org.hiring_freeze", "Hiring freeze after a layoff"},
    {"org.replace_below", "Workload below which leavers are not replaced"},
    {"org.initial_fit", "Starting strategic fit"},
    {"org.time_to_fill", "Time to fill a vacancy"},
    {"org.ramp_up", "New-hire ramp-up time"},
    {"org.overtime", "Maximum overtime when overloaded"},
    {"org.overload_hiring", "Hiring pace to clear a backlog"},
    {"org.max_employees", "Most employees hiring can reach"},
    // learning
    {"learning.dimensions", "Number of strategic issues"},
    {"learning.socialization_rate", "Speed at which people adopt the firm's beliefs"},
    {"learning.code_learning_rate", "Firm's speed of learning from top performers"},
    {"learning.turnover_rate", "Staff turnover rate"},
    {"learning.turbulence_rate", "Market turbulence"},
    {"learning.fast_learner_share", "Share of fast learners"},
    {"learning.fast_socialization_rate", "Speed at which fast learners adopt beliefs"},
    // environment
    {"environment.enabled", "Market environment on"},
    {"environment.shock_at", "Time of a scheduled market shock"},
    {"environment.shock_every", "Interval between recurring shocks"},
    {"environment.shock_rate", "Chance of a random market shock"},
    {"environment.shock_size", "Size of a market shock"},
    {"environment.market_growth", "Market growth rate"},
    {"environment.base_demand", "Base demand per employee"},
    {"environment.loyalty_effect", "Effect of customer loyalty on demand"},
    // strategy
    {"strategy.enabled", "Strategy reviews on"},
    {"strategy.review_interval", "Time between strategy reviews"},
    {"strategy.sensing_noise", "Noise in judging individual performance"},
    // structure
    {"structure.enabled", "Organization structure on"},
    {"structure.type", "Organization design"},
    {"structure.span_of_control", "Span of control (direct reports per manager)"},
    {"structure.team_size", "Team size"},
    {"structure.functions", "Number of functions"},
    {"structure.sites", "Number of sites"},
    {"structure.ties_per_employee", "Working contacts per employee"},
    {"structure.cross_team_ties", "Share of contacts outside the team"},
    {"structure.peer_learning_rate", "Speed of learning from colleagues"},
    {"structure.peer_learning", "How people learn from colleagues"},
    {"structure.cascade_lag", "Strategy cascade delay per level"},
    {"structure.cascade_distortion", "Strategy cascade distortion per level"},
    {"structure.centralization", "Centralization of decisions"},
    {"structure.latency_per_level", "Decision delay per management level"},
    {"structure.cross_site_delay", "Extra delay between sites"},
    {"structure.restructure_at", "Time of restructuring"},
    {"structure.restructure_to", "Structure after restructuring"},
    {"structure.transition_ticks", "Duration of the restructuring dip"},
    // people
    {"people.enabled", "People dynamics on"},
    {"people.skill_learning", "Skill growth with practice"},
    {"people.skill_decay", "Skill loss without use"},
    {"people.initial_digital_skill", "Starting digital skill"},
    {"people.engagement_adjustment", "Speed of engagement change"},
    {"people.quit_sensitivity", "Quit risk when disengaged"},
    {"people.mean_resistance", "Average resistance to change"},
    {"people.experience_learning", "Learning by doing"},
    {"people.tie_formation", "Time to build working relationships"},
    // work
    {"work.enabled", "Work, customers and finance on"},
    {"work.tasks_per_employee", "Work capacity per employee"},
    {"work.routine_share", "Share of routine work"},
    {"work.handoff_delay", "Delay per handoff between teams"},
    {"work.error_rate", "Human error rate"},
    {"work.target_lead_time", "Lead time customers consider good"},
    {"work.balking", "Orders lost to long lead times"},
    {"work.reneging", "Orders cancelled in long queues"},
    {"work.customer_sensitivity", "Customer sensitivity to satisfaction"},
    {"work.customer_expectation", "Satisfaction customers expect"},
    {"work.expectation_from_today", "Customers expect today's service"},
    {"work.churn_time", "Time for unhappy customers to leave"},
    {"work.winback_time", "Time to win customers back"},
    // automation
    {"automation.enabled", "Automation on"},
    {"automation.level", "Automation programme"},
    {"automation.process_target", "Process automation target"},
    {"automation.data_target", "Data-driven automation target"},
    {"automation.communication_target", "Communication automation target"},
    {"automation.start", "Automation start"},
    {"automation.adoption_speed", "Automation adoption speed"},
    {"automation.error_rate", "Error rate of automated work"},
    {"automation.security_investment", "Security investment"},
    {"automation.incident_rate", "Cyber incident likelihood"},
    {"automation.incident_downtime", "Downtime after a cyber incident"},
    {"automation.freed_capacity", "Handling of staff freed by automation"},
    {"automation.training", "Retrain staff alongside automation"},
    {"automation.training_ticks", "Length of retraining"},
    // culture
    {"culture.enabled", "Culture effects on"},
    {"culture.preset", "Culture profile"},
    {"culture.collectivism", "Collectivism (group orientation)"},
    {"culture.power_distance", "Power distance (deference to hierarchy)"},
    {"culture.uncertainty_avoidance", "Uncertainty avoidance (discomfort with change)"},
    {"culture.learning_orientation", "Learning orientation (openness to experiment)"},
    {"culture.other_sites_preset", "Culture profile of other sites"},
    // growth
    {"growth.enabled", "Growth dynamics on"},
    {"growth.target_employees", "Headcount cap for growth"},
    {"growth.hiring_rate", "Maximum hiring pace for growth"},
    {"growth.growth_threshold", "Headcount ending the startup phase"},
    {"growth.maturity_threshold", "Headcount ending the growth phase"},
    {"growth.bureaucracy", "Bureaucracy overhead per level"},
    // policy
    {"policy.enabled", "Realignment policy on"},
    {"policy.framework", "Management framework"},
    {"policy.realign_threshold", "Shortfall tolerated before change"},
    {"policy.realign_action", "Realignment action"},
    {"policy.realign_cooldown", "Minimum time between realignments"},
    {"policy.aspiration_weight", "Inertia of performance aspirations"},
    {"policy.change_sensitivity", "Readiness to change when underperforming"},
    {"policy.signal_noise", "Noise in performance reports"},
    {"policy.signal_delay", "Reporting delay"},
    {"policy.research_time", "Time for market research"},
    {"policy.research_accuracy", "Accuracy of market research"},
    // finance
    {"finance.salary", "Salary per employee"},
    {"finance.task_value", "Revenue per completed task"},
    {"finance.automation_cost", "Platform running cost per employee"},
    {"finance.automation_task_cost", "Cost per automated task"},
    {"finance.training_cost", "Training cost per employee"},
    {"finance.security_cost", "Security cost per employee"},
    {"finance.restructuring_cost", "Restructuring cost per employee"},
    {"finance.incident_cost", "Cost of a cyber incident"},
    {"finance.overhead_cost", "Overhead cost per employee"},
    {"finance.initial_cash", "Starting cash"},
    {"finance.credit_line", "Credit line"},
    {"finance.cash_reserve", "Minimum cash reserve"},
    {"finance.runway", "Weeks of losses looked ahead"},
    {"finance.invest_share", "Share of spare cash invested"},
    {"finance.automation_capex", "Automation investment per employee"},
    {"finance.hiring_cost", "Recruiting cost per hire"},
    {"finance.severance", "Severance per laid-off employee"},
    {"finance.overtime_premium", "Overtime pay premium"},
    {"finance.fixed_cost", "Fixed operating cost"},
    // landscape
    {"landscape.enabled", "Interdependent decisions on"},
    {"landscape.k", "Interdependence of decisions"},
    {"landscape.pattern", "Pattern of decision interdependence"},
    {"landscape.cross_share", "Cross-department interdependence"},
    {"landscape.contributions", "How decisions create value"},
    {"landscape.seed", "Business landscape draw"},
    {"landscape.random_start", "Start from a random strategy"},
    {"landscape.search", "Departments propose strategy changes"},
    {"landscape.alternatives", "Options each department considers"},
    {"landscape.long_jump", "Chance of a radical option"},
    {"landscape.proposals", "Proposals each department submits"},
    {"landscape.ceo", "How the top chooses proposals"},
    {"landscape.incentive", "What departments optimize for"},
    {"landscape.ceo_attention", "Top management's review capacity"},
    // coordination
    {"coordination.enabled", "Coordination and manager attention on"},
    {"coordination.exception_rate", "Exceptions in complex work"},
    {"coordination.routine_exceptions", "Relative exceptions in routine work"},
    {"coordination.uncertainty_floor", "Minimum task uncertainty"},
    {"coordination.interdependence", "Share of exceptions across departments"},
    {"coordination.attention", "Exceptions a manager can handle"},
    {"coordination.exception_effort", "Effort to resolve an exception"},
    {"coordination.patience", "How long teams wait for decisions"},
    {"coordination.distance_error", "Decision errors from distance to work"},
    {"coordination.lateral_effectiveness", "Effectiveness of lateral coordination"},
    {"coordination.integrators", "Liaison roles between departments"},
    {"coordination.squad_overhead", "Coordination overhead in mixed teams"},
    {"coordination.matrix_overhead", "Overhead of a matrix's two reporting lines"},
    {"coordination.rework_propagation", "Dependent rework per wrong cross-department decision"},
    {"coordination.default_error", "Wrong guesses on undecided exceptions"},
    {"coordination.specialization", "Benefit of specialization"},
}};

}  // namespace

std::string_view parameter_label(std::string_view name) {
  for (const auto& [param, label] : kLabels) {
    if (param == name) return label;
  }
  return "";
}

}  // namespace orgsim::agents
