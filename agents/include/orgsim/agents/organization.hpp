// The state of one simulated organization: the market's hidden reality, the organizational code
// (strategy and codified practice), teams with their codes and work queues, and the employees
// (struct of arrays, stable ids). Submodels (one file each under agents/src) read and write it
// in the phases of docs/ODD.md section 3.
#pragma once

#include "orgsim/agents/events.hpp"
#include "orgsim/agents/landscape.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/agents/settings.hpp"
#include "orgsim/agents/ternary.hpp"
#include "orgsim/core/network.hpp"
#include "orgsim/core/population.hpp"
#include "orgsim/core/rng.hpp"
#include "orgsim/core/scheduler.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace orgsim::agents {

/// What a run's random streams are keyed by: the experiment seed and the replication index (not
/// the design point), so every design point of a replication sees the same random events.
struct RunKey {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;

  /// The stream for (name, entity, tick) of this run.
  [[nodiscard]] RandomStream stream(StreamId name, std::uint64_t entity, std::uint64_t tick) const {
    return RandomStream(seed, name, replication, entity, tick);
  }
  /// The streams (name, entities[slot], tick) of slots visited in increasing order up to `end`,
  /// their first blocks computed several at a time (the same draws as stream()).
  [[nodiscard]] StreamsAhead streams(StreamId name, std::span<const std::uint64_t> entities,
                                     std::uint64_t tick, std::size_t end) const {
    return StreamsAhead(seed, name, replication, tick, entities, end);
  }
};

/// Named random streams of the model (one per purpose, so submodels never share draws).
namespace streams {
inline constexpr StreamId reality = stream_id("reality");
inline constexpr StreamId landscape_start = stream_id("landscape_start");
inline constexpr StreamId new_beliefs = stream_id("new_beliefs");
inline constexpr StreamId turbulence = stream_id("turbulence");
inline constexpr StreamId act = stream_id("act");
inline constexpr StreamId code_learning = stream_id("code_learning");
inline constexpr StreamId new_traits = stream_id("new_traits");
inline constexpr StreamId shock = stream_id("shock");
inline constexpr StreamId sensing = stream_id("sensing");
inline constexpr StreamId network = stream_id("network");
inline constexpr StreamId cascade = stream_id("cascade");
inline constexpr StreamId arrivals = stream_id("arrivals");
inline constexpr StreamId incident = stream_id("incident");
inline constexpr StreamId selection = stream_id("selection");
inline constexpr StreamId learning =
    stream_id("learning");  ///< an employee's tick: turnover, act (or peers), socialize, explore
inline constexpr StreamId event = stream_id("event");  ///< whether an uncertain event happens
}  // namespace streams

/// Whether an uncertain event happens in the run of `key` (always, for probability 1): one
/// uniform number of the stream "event", keyed by a hash of the event's name and by the
/// replication, not by the design point, so every option sees the same outcome.
bool event_happens(const ScheduledEvent& event, RunKey key);

/// Growth phase of the organization (docs/ODD.md 7.15).
enum class GrowthPhase : std::uint8_t { startup = 0, growth = 1, maturity = 2 };

/// Per-team state (struct of arrays over teams; team codes are row-major [team][dimension]).
struct Teams {
  std::size_t count = 0;
  std::vector<std::int8_t> code;         ///< team code as received through the cascade
  std::vector<std::int8_t> received;     ///< last org-code value each team was sent
  std::vector<std::int32_t> function;    ///< the function of its work (squads: their lead's)
  std::vector<std::int32_t> department;  ///< the department it belongs to (its lead's)
  std::vector<std::int32_t> site;
  std::vector<std::int32_t> parent;  ///< team whose lead manages this team's lead; -1 at the top
  std::vector<std::int32_t> layer;   ///< reporting steps from the top to this team's lead
  std::vector<double> salary;        ///< this tick's salary cost of its members (per tick)
  std::vector<std::uint8_t> squad;  ///< 1 = a cross-functional squad (hands off only what it lacks)
  std::vector<std::int32_t> settle_at;  ///< tick its restructuring's capacity dip has faded by
  std::vector<std::int32_t> delay;      ///< cascade delay in ticks (levels x lag + site delay)
  // work queues (tasks; fractional counts are expected values of aggregated flows)
  std::vector<double> routine_queue;
  std::vector<double> complex_queue;       ///< complex tasks waiting for their first stage
  std::vector<double> second_queue;        ///< complex tasks waiting for their second stage
  std::vector<double> pipeline;            ///< handoffs in transit [team][delay slot]
  std::vector<double> capacity;            ///< this tick's human capacity (tasks)
  std::vector<double> utilization;         ///< this tick's used / available capacity
  std::vector<double> digital_skill;       ///< mean digital skill of members
  std::vector<double> skill;               ///< mean skill of members in the work they do
  std::vector<std::uint32_t> in_training;  ///< members in training this tick
  std::vector<std::uint32_t> vacant;  ///< positions not yet filled this tick (org.time_to_fill)
  std::vector<double> overtime;       ///< overtime worked this tick, share of normal capacity
  std::vector<double> staffed;  ///< members at full productivity equivalent (vacant 0, new < 1)
  std::vector<double> fit;      ///< share of dimensions where the team code = reality
  /// Routine share and process automation of the work it receives: its department's; a squad's,
  /// the mean over its members' departments (set each tick by team_capacity)
  std::vector<double> routine_share;
  std::vector<double> process;
  // coordination (7.20)
  std::vector<double> depth;         ///< share of members working in its main function
  std::vector<double> routine_done;  ///< routine tasks done this tick
  std::vector<double> complex_done;  ///< complex task stages done this tick
  std::vector<double> completed;     ///< tasks it finished this tick
  std::vector<double> work_in;  ///< effort of the work that reached its queues this tick (7.12)
  std::vector<double> pending_local;      ///< its exceptions waiting for a manager in its line
  std::vector<double> pending_cross;      ///< its cross-department exceptions waiting at the top
  std::vector<double> coordination_cost;  ///< capacity its lead/members owe to resolving them
  // membership index (CSR: members of team t are member_slots[member_offsets[t] ..])
  std::vector<std::uint64_t> member_offsets;
  std::vector<std::uint32_t> member_slots;
  /// Bit f set when some member practises function f (mod 32); rebuilt with the membership. A
  /// squad keeps a complex task's second stage only when it has the function that does it.
  std::vector<std::uint32_t> functions_present;
  /// The department every member belongs to, or -1 when they belong to several (squads drawn
  /// from several departments); rebuilt with the membership.
  std::vector<std::int32_t> sole_department;
};

/// A department: what its people do, where, how it is staffed and automated (docs/ODD.md
/// 7.10, 7.13). A generated organization has one department per function.
struct Department {
  std::string name;
  std::int32_t function = 0;
  std::int32_t site = 0;
  std::int32_t handoff_to = 0;   ///< function doing its complex tasks' second stage
  std::int64_t team_size = 8;    ///< members per team, lead included
  std::int64_t span = 8;         ///< team leads per manager above them
  double routine_share = 0;      ///< share of its arriving work that is routine
  double automation_target = 0;  ///< process-automation target
  FreedCapacity freed_capacity = FreedCapacity::redeploy;
  double process = 0;    ///< adopted process-automation level
  double freed_fte = 0;  ///< capacity freed by automation, not yet acted on
  /// Tick of its last round of layoffs of freed people (7.13: at most one a quarter).
  std::int64_t last_layoff_round = -1000;
  /// Workload over capacity of its teams, averaged over about a quarter (work on; -1 before the
  /// first tick of work): what org.replace_below is compared with.
  double load = -1;
  // What hiring to backlog plans on (7.12; work on): the effort of the work reaching its people
  // per tick, averaged over about a quarter (-1 before the first tick of work); the effort
  // waiting in its queues now; and the capacity one of its people delivers at full
  // productivity, without overtime or a restructuring's dip, averaged like `work_in`.
  double work_in = -1;
  double backlog = 0;
  double productivity = -1;
};

/// Structure as it is now (structure submodel; docs/ODD.md 7.10).
struct Hierarchy {
  StructureType type = StructureType::functional;
  int depth = 0;              ///< reporting steps from the top to the deepest team lead
  double centralization = 0;  ///< effective (with power distance): effective_centralization()
  int decision_latency = 0;
};

/// The market and its customers (environment and work submodels; 7.8, 7.12).
/// Bounds that keep the market's numbers finite (ODD 7.7): the market grows to at most 10^6
/// times its starting size, and demand is at most 10^12 tasks a tick (Poisson arrivals are
/// int64; no firm a run can hold works through more).
inline constexpr double kMostMarketSize = 1e6;
inline constexpr double kMostDemand = 1e12;

struct MarketState {
  double size = 1;
  double demand = 0;  ///< expected task arrivals this tick
  double loyalty = 0.5;
  double satisfaction = 0.5;
  double customers = 1;  ///< customer base relative to the starting one (7.12)
  /// The satisfaction customers expect (work.customer_expectation; after a warm-up with
  /// work.expectation_from_today, what holds today's customer base).
  double expectation = 0.75;
  double volume = 1;  ///< contracted volume relative to today's: lost contracts, new ones (7.18)
};

/// Cash and survival (finance submodel; 7.17).
struct FinanceState {
  double cash = 0;
  double payroll = 0;    ///< the starting payroll per tick: the unit of cash and credit
  double wage_bill = 0;  ///< salaries of the people employed this tick (no overtime): the reserve's
                         ///< unit
  double profit_average = 0;  ///< profit per tick, smoothed over about a quarter (weight 1/13)
  double headcount = 0;       ///< the starting headcount: the scale of the automation platforms
  bool exited = false;
  /// Cash above the reserve that may be invested this tick, less what was spent already.
  double budget = 0;
};

/// Work in process across ticks (work submodel; 7.12).
struct Flow {
  std::size_t pipeline_slots = 2;  ///< handoff ring per team: longer than any handoff delay
  double backlog = 0, lead_time = 0, throughput_average = 0;
  /// Capacity per employee at full-productivity equivalent as management perceives it: the
  /// planned capacity (no overtime, no restructuring dip) per staffed employee, smoothed over
  /// about a quarter (weight 1/13; Sterman 2000, ch. 19). 0 until the first tick with staff.
  double productivity = 0;
};

/// Adopted technology (automation submodel; 7.13).
struct AutomationState {
  double process = 0, data = 0, communication = 0;
  int downtime_left = 0;
  double freed_fte = 0;  ///< accumulated capacity freed by automation
  /// Sum and mean of the three adopted levels.
  [[nodiscard]] double level_sum() const { return process + data + communication; }
  [[nodiscard]] double mean_level() const { return level_sum() / 3.0; }
};

/// Organization-wide pressures on engagement (people submodel; 7.11).
struct Climate {
  double change_fatigue = 0;
  double layoff_fear = 0;
  int last_layoff = -1'000'000;  ///< tick of the latest layoff (a new round after 13 quiet ticks)
  int hiring_frozen_until =
      -1;  ///< last tick of the hiring freeze after a layoff (org.hiring_freeze)
  [[nodiscard]] bool hiring_frozen(Tick tick) const {
    return static_cast<std::int64_t>(tick) <= hiring_frozen_until;
  }
  double change_aversion = 1;  ///< uncertainty avoidance's multiplier of every change's strain
  /// Change fatigue rises by `amount` (a shock, a restructuring, a realignment, an incident) x
  /// the culture's change aversion, at most 1.
  void add_fatigue(double amount) {
    change_fatigue = std::min(1.0, change_fatigue + amount * change_aversion);
  }
};

/// The drop in strategic fit after the last shock (environment submodel; 7.8).
struct ResilienceState {
  double fit_before_shock = 0;
  double fit_lowest_since_shock = 0;
  int shock_tick = -1;
  int recovered_tick = -1;
};

/// What management perceives and aspires to, and the research under way (policy submodel;
/// 7.16). Filled only from observable signals: nothing here is computed from reality.
struct PolicyState {
  int realign_ready_at = 0;
  int research_due = -1;        ///< tick the commissioned market research reports (-1: none)
  std::vector<double> signals;  ///< [tick % (delay + 1)][signal]: what happened, awaiting report
  double period_sum = 0;        ///< reported performance since the last review, summed
  int period_reports = 0;
  int reviews_seen = 0;  ///< reviews with reports so far (the first period is the start-up's)
  double perceived = std::numeric_limits<double>::quiet_NaN();   ///< at the last review
  double aspiration = std::numeric_limits<double>::quiet_NaN();  ///< the level it is judged by
  double gap = std::numeric_limits<double>::quiet_NaN();  ///< perceived - aspiration at review
};

/// Exceptions and managers' attention (coordination submodel; 7.20).
struct CoordinationState {
  double resolution_rate = 0;  ///< escalated exceptions resolved per tick (smoothed)
};

/// What the organization has found on its landscape (landscape submodel; 7.19).
struct LandscapeState {
  std::vector<std::uint64_t> peaks;  ///< distinct local peaks the code has sat on, sorted
};

/// Growth phase (growth submodel; 7.15).
struct GrowthState {
  GrowthPhase phase = GrowthPhase::startup;
};

/// Where a tick's costs go (7.17): salaries with overtime; running overhead (per head, fixed,
/// a matrix's second line); automation (usage, platforms, security, incidents, investment); and
/// change (hiring, severance, training, market research, restructuring, events' costs).
enum class CostKind : std::uint8_t { payroll, overhead, automation, change };
inline constexpr std::size_t kCostKinds = 4;

/// What happened in the tick being simulated: written by serial phases, read by the metrics,
/// reset as one value at the start of every tick (begin_tick).
struct TickOutcomes {
  /// Books a cost of this tick under its kind (the total and its breakdown).
  void spend(CostKind kind, double amount) {
    cost += amount;
    cost_by[static_cast<std::size_t>(kind)] += amount;
  }

  Tick tick = 0;  ///< the tick being simulated
  std::size_t acted =
      0;  ///< employees who acted this tick: slots [0, acted) (later hires have not)
  std::int64_t code_score = 0;     ///< sum over dimensions of code * reality before learning
  std::size_t superior_count = 0;  ///< employees whose actions beat the code this tick
  std::size_t leavers = 0;         ///< employees who left this tick (turnover, quits, layoffs)
  std::size_t hires = 0;           ///< employees hired this tick
  std::size_t reality_flips = 0;   ///< dimensions of reality flipped this tick
  bool shocked = false;            ///< a shock hit this tick
  bool reviewed = false;           ///< a strategy review took place this tick
  bool realigned = false;          ///< a realignment action was taken this tick
  bool research_started = false;   ///< market research was commissioned this tick
  std::size_t incidents = 0;       ///< cyber incidents this tick
  std::size_t laid_off = 0;
  double exceptions_raised = 0, exceptions_lateral = 0, exceptions_resolved = 0;
  double exceptions_ignored = 0, exceptions_pending = 0, exceptions_misjudged = 0;
  double exceptions_hidden = 0;    ///< problems not reported up the line (power distance)
  double manager_demand = 0;       ///< exceptions waiting for managers this tick (before serving)
  std::size_t managers_asked = 0;  ///< managers with exceptions waiting this tick
  std::size_t proposals = 0;       ///< departments' proposals sent up at this tick's review
  std::size_t proposals_adopted = 0;  ///< of which the top adopted
  double arrivals = 0, completed = 0, on_strategy_completed = 0, reworked = 0, handoffs = 0;
  double revenue = 0, cost = 0;              ///< cost: booked only through spend()
  std::array<double, kCostKinds> cost_by{};  ///< the tick's cost by CostKind
  double lost_demand = 0;  ///< orders not placed this tick (balking at the lead time)
  double cancelled = 0;    ///< waiting work cancelled this tick (reneging at the lead time)
  double automated = 0;    ///< routine tasks process automation took this tick
  double overtime = 0;     ///< overtime worked this tick (capacity units)
  std::size_t vacancies = 0;
  double staffed = 0;  ///< employees at full-productivity equivalent (Teams::staffed summed)
  double capacity_total = 0, used_capacity = 0;
  /// Capacity without this tick's overtime and restructuring dips: what hiring plans on.
  double planned_capacity = 0;
};

/// The growth phase of an organization of `employees` (docs/ODD.md 7.15).
GrowthPhase growth_phase(const ModelParams& params, std::int64_t employees);
/// The most employees hiring can bring the organization to: org.max_employees, or when 0 the
/// largest of 10 x org.employees, growth.target_employees and 1,000 (ODD 7.15).
std::int64_t headcount_ceiling(const ModelParams& params);
/// True when some submodel can hire beyond the starting headcount (growth, hiring to backlog).
bool can_grow(const ModelParams& params);

/// Effective centralization of decisions: structure.centralization moved by the culture's power
/// distance (docs/ODD.md 7.10, 7.14).
double effective_centralization(const ModelParams& params, const Culture& culture);

class Organization {
 public:
  /// Initialises tick 0 (docs/ODD.md section 5). `params` must be consistent.
  Organization(const ModelParams& params, RunKey key);

  Organization(const Organization&) = delete;
  Organization& operator=(const Organization&) = delete;
  Organization(Organization&&) noexcept = default;

  [[nodiscard]] const ModelParams& params() const noexcept { return params_; }
  [[nodiscard]] const Settings& settings() const noexcept { return settings_; }
  [[nodiscard]] const RunKey& key() const noexcept { return key_; }
  [[nodiscard]] std::size_t dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] std::size_t headcount() const noexcept { return employees_.size(); }
  [[nodiscard]] std::size_t skill_count() const noexcept { return skills_width_; }

  // --- organization-level state: March's core, then one struct per submodel ---------------
  std::vector<std::int8_t> reality;       ///< hidden market reality, each +1 or -1
  std::vector<std::int8_t> code;          ///< organizational code, each -1, 0 or +1
  std::vector<std::int8_t> code_history;  ///< past codes, ring [history_length][m]
  std::size_t history_length = 1;
  std::vector<std::int8_t> decisions;  ///< decided code changes waiting, ring [L+1][m]; 2 = none
  std::size_t decision_slots = 1;
  Teams teams;
  std::vector<Department> departments;
  CsrNetwork network;  ///< communication ties between employee slots
  Hierarchy hierarchy;
  MarketState market;
  FinanceState finance;
  Flow flow;
  AutomationState automation;
  Climate climate;
  ResilienceState resilience;
  PolicyState policy;
  GrowthState growth;
  Landscape landscape;  ///< inactive unless landscape.enabled (then reality is its best known)
  /// The payoffs of the teams' codes last evaluated (landscape_team_fit): team t's code as
  /// bits decided and decided bits +1, each decision's expected contribution to its payoff
  /// ([team][decision]), the payoff, and each decision's table epoch then. A contribution is
  /// evaluated again only when a decision it reads changed in the team's code or its table was
  /// redrawn (it depends on nothing else).
  struct TeamPayoffs {
    std::vector<std::uint64_t> known, positive;
    std::vector<double> parts, payoff;
    std::vector<std::uint32_t> epochs;
  } team_payoffs;
  LandscapeState found;
  CoordinationState coordination;
  bool membership_changed = false;  ///< teams index must be rebuilt
  TickOutcomes this_tick;           ///< reset as one value by begin_tick

  /// March's knowledge of the code: (#dims where code = reality - #dims where code = -reality) / m.
  [[nodiscard]] double strategic_fit() const;
  /// The function an employee works in: their own, kept when they move (a position's function
  /// goes to whoever fills it).
  [[nodiscard]] std::size_t practised_function(std::size_t slot) const {
    return static_cast<std::size_t>(employees_.column(function_)[slot]);
  }

  // --- employees (struct of arrays) -----------------------------------------------------------
  [[nodiscard]] Population& employees() noexcept { return employees_; }
  [[nodiscard]] const Population& employees() const noexcept { return employees_; }
  /// An employee's beliefs, packed (ternary.hpp).
  [[nodiscard]] Ternary beliefs(std::size_t slot) {
    return {employees_.column(beliefs_).data() + slot * 2 * words_, words_};
  }
  [[nodiscard]] ConstTernary beliefs(std::size_t slot) const {
    return {employees_.column(beliefs_).data() + slot * 2 * words_, words_};
  }
  /// Scratch beliefs written by interpersonal learning (double buffer with beliefs).
  [[nodiscard]] Ternary next_beliefs(std::size_t slot) {
    return {employees_.column(next_beliefs_).data() + slot * 2 * words_, words_};
  }
  void swap_beliefs() { std::swap(beliefs_, next_beliefs_); }
  /// An employee's actions this tick (each +1 or -1) as one bit per dimension: set = +1.
  [[nodiscard]] std::span<std::uint64_t> actions(std::size_t slot) {
    return employees_.column(actions_).subspan(slot * words_, words_);
  }
  [[nodiscard]] std::span<const std::uint64_t> actions(std::size_t slot) const {
    return employees_.column(actions_).subspan(slot * words_, words_);
  }
  /// Words per bit plane of a packed vector (ternary.hpp).
  [[nodiscard]] std::size_t words() const noexcept { return words_; }
  [[nodiscard]] std::span<std::int32_t> action_scores() { return employees_.column(action_score_); }
  [[nodiscard]] std::span<const std::int32_t> action_scores() const {
    return employees_.column(action_score_);
  }
  /// The function each employee works in (index into the functions; skills()[function]).
  [[nodiscard]] std::span<std::int32_t> function_of() { return employees_.column(function_); }
  [[nodiscard]] std::span<const std::int32_t> function_of() const {
    return employees_.column(function_);
  }
  [[nodiscard]] std::span<std::int32_t> department_of() { return employees_.column(department_); }
  [[nodiscard]] std::span<const std::int32_t> department_of() const {
    return employees_.column(department_);
  }
  /// 1 for the lead of their team (the manager of its other members).
  [[nodiscard]] std::span<std::uint8_t> leads() { return employees_.column(lead_); }
  [[nodiscard]] std::span<const std::uint8_t> leads() const { return employees_.column(lead_); }
  /// Full-time equivalent (capacity and salary scale with it).
  [[nodiscard]] std::span<float> fte() { return employees_.column(fte_); }
  [[nodiscard]] std::span<const float> fte() const { return employees_.column(fte_); }
  /// Annual salary for the employee's FTE.
  [[nodiscard]] std::span<float> annual_salary() { return employees_.column(salary_); }
  [[nodiscard]] std::span<const float> annual_salary() const { return employees_.column(salary_); }
  [[nodiscard]] std::span<std::int32_t> team_of() { return employees_.column(team_); }
  [[nodiscard]] std::span<const std::int32_t> teams_of() const { return employees_.column(team_); }
  /// Second reporting line (matrix structures): a project team.
  [[nodiscard]] std::span<std::int32_t> project_team_of() {
    return employees_.column(project_team_);
  }
  [[nodiscard]] std::span<const std::int32_t> project_team_of() const {
    return employees_.column(project_team_);
  }
  /// How far each employee's working ties have formed this tick, in sixteenths (people submodel:
  /// min(16, 16 x tenure / people.tie_formation), so 0 in a vacancy; 16 without tie formation;
  /// written when acting).
  [[nodiscard]] std::span<std::uint8_t> tie_strength() { return employees_.column(tie_strength_); }
  [[nodiscard]] std::span<const std::uint8_t> tie_strength() const {
    return employees_.column(tie_strength_);
  }
  [[nodiscard]] std::span<std::uint8_t> leaving() { return employees_.column(leaving_); }
  [[nodiscard]] std::span<const std::uint8_t> leaving() const {
    return employees_.column(leaving_);
  }
  /// The uniform number this tick's engagement-driven quit is decided by, drawn with the
  /// employee's first numbers of the tick, when acting (empty without quits).
  [[nodiscard]] std::span<double> quit_draw() { return employees_.column(quit_draw_); }
  /// Personal socialization rate (p1, or the fast learners' rate, spread by culture).
  [[nodiscard]] std::span<double> socialization_rate() { return employees_.column(p1_); }
  [[nodiscard]] std::span<const double> socialization_rate() const {
    return employees_.column(p1_);
  }
  /// Dimensions where the belief equals the code the employee is socialized to (after this tick).
  [[nodiscard]] std::span<std::int16_t> code_matches() { return employees_.column(code_matches_); }
  [[nodiscard]] std::span<const std::int16_t> code_matches() const {
    return employees_.column(code_matches_);
  }
  /// Skills [function skills..., digital], each in [0, 1].
  [[nodiscard]] std::span<float> skills(std::size_t slot) {
    return employees_.column(skills_).subspan(slot * skills_width_, skills_width_);
  }
  [[nodiscard]] std::span<const float> skills(std::size_t slot) const {
    return employees_.column(skills_).subspan(slot * skills_width_, skills_width_);
  }
  [[nodiscard]] std::span<float> engagement() { return employees_.column(engagement_); }
  [[nodiscard]] std::span<const float> engagement() const { return employees_.column(engagement_); }
  [[nodiscard]] std::span<float> resistance() { return employees_.column(resistance_); }
  [[nodiscard]] std::span<const float> resistance() const { return employees_.column(resistance_); }
  /// Tick until which the employee is in training (capacity halved).
  [[nodiscard]] std::span<std::int32_t> training_until() {
    return employees_.column(training_until_);
  }
  [[nodiscard]] std::span<const std::int32_t> training_until() const {
    return employees_.column(training_until_);
  }
  /// Tick from which each employee works: later while the position is vacant (org.time_to_fill);
  /// output ramps up from it over org.ramp_up ticks.
  [[nodiscard]] std::span<std::int32_t> starts_at() { return employees_.column(starts_at_); }
  [[nodiscard]] std::span<const std::int32_t> starts_at() const {
    return employees_.column(starts_at_);
  }

  /// Recomputes the personal socialization rate and resistance of every employee from the current
  /// parameters (the same random numbers as at hire), after a parameter change.
  void refresh_personal_traits();
  /// Draws beliefs, personal traits and skills of the employee in `slot` (a new hire), keyed by
  /// its id so hires are reproducible. `tick` is the hiring tick.
  void onboard(std::size_t slot, Tick tick);
  /// The code an employee is socialized to (its team's when structure is on).
  [[nodiscard]] std::span<const std::int8_t> guiding_code(std::size_t team) const;
  /// Team codes row.
  [[nodiscard]] std::span<std::int8_t> team_code(std::size_t team) {
    return {teams.code.data() + team * dimensions_, dimensions_};
  }
  [[nodiscard]] std::span<const std::int8_t> team_code(std::size_t team) const {
    return {teams.code.data() + team * dimensions_, dimensions_};
  }
  /// Cash at `finance.initial_cash` weeks of today's payroll, and its investment budget: at the
  /// start, and again when a warm-up ends (today's balance sheet, docs/ODD.md 5.).
  void open_the_books();
  /// After a warm-up (work.expectation_from_today): customers expect what the firm delivers
  /// today, so that its customer base is in equilibrium at week 0 (docs/ODD.md 7.12).
  void anchor_customer_expectation();
  /// People per department (one department: everyone, without a pass over the employees),
  /// counted in parallel as integers (exact in any order).
  [[nodiscard]] std::vector<double> department_headcounts() const;

  /// The culture of a team's site.
  [[nodiscard]] const Culture& culture_of_team(std::size_t team) const {
    return settings_.site_culture[static_cast<std::size_t>(teams.site[team])];
  }

  /// Regroups the people of `departments` (all when empty) into teams of the structure `to` by
  /// their functions (squads: a mix of every function), keeping everyone's identity, skills,
  /// beliefs and engagement; rebuilds the reporting lines, membership and network.
  /// Returns the index of the first new team (the new teams are the last ones).
  std::size_t regroup(StructureType to, std::span<const std::int32_t> departments, Tick tick);
  /// Moves the employee in `slot` to `team` (taking its function and department; not a lead).
  void move_to_team(std::size_t slot, std::size_t team);
  /// Annual salary of a hire in a department (its described salary, else finance.salary x 52).
  [[nodiscard]] double department_salary(std::size_t department) const;
  /// The chart identity (id, title, hire date) of an employee of the initial chart, by agent id;
  /// null for generated people and later hires.
  [[nodiscard]] const ChartPerson* chart_person(AgentId agent) const;
  /// Teams whose leads report to the lead of `team`, i.e. the team's place in the tree is
  /// recomputed (layers, cascade delays, depth, decision latency) after reporting lines change.
  void update_hierarchy();
  /// Records the current code in the history the cascade reads (slot tick mod history length).
  void record_code_history(Tick tick);
  /// Rebuilds the communication network over the current slots.
  void build_network(Tick tick);
  /// Rebuilds the team membership index (after hires, leavers or reassignment).
  void rebuild_membership();
  /// The employees whose `keep` is 0 (`count` of them, who acted this tick) leave without
  /// replacement: they count as leavers, and the membership and the network are rebuilt.
  void remove_employees(std::span<const std::uint8_t> keep, std::size_t count, Tick tick);
  /// Adds one employee per entry of `departments` at the end (hires into those departments, each
  /// to its smallest team or the smallest squad; -1: to the smallest team).
  void hire_into(std::span<const std::int32_t> departments, Tick tick);
  /// Replaces the parameters during a run (a scheduled `set` event); only parameters for which
  /// changeable_during_run() holds may differ.
  void change_parameters(const ModelParams& params);

  /// State of an extension submodel (Registration), by its name: values it keeps across ticks.
  [[nodiscard]] std::vector<double>& extension_state(std::string_view submodel) {
    return extension_state_.try_emplace(std::string(submodel)).first->second;
  }
  [[nodiscard]] const std::vector<double>* extension_state(std::string_view submodel) const {
    const auto it = extension_state_.find(submodel);
    return it == extension_state_.end() ? nullptr : &it->second;
  }

  /// Scheduled events of this run, in tick order (applied by the `events` phase).
  std::vector<ScheduledEvent> events;

 private:
  void set_personal_traits(std::size_t slot, const Culture& culture, double fast,
                           double spread_draw, double resistance_draw);
  /// A new team t starts with the organization's code (its function, department, site and
  /// parent are set by the caller).
  void start_team(std::size_t t);
  /// Departments at tick 0: one per function (generated) or the design's.
  void init_departments();
  /// The landscape over the decisions, allocated to departments (landscape.enabled).
  void init_landscape();
  /// With work on, the starting code is an existing strategy of fit org.initial_fit (5.).
  void start_from_today();
  /// Cash, the starting payroll and the first budget (7.17).

  /// Tick-0 people and teams: generated (no design) or from the design's departments or chart.
  void staff_generated();
  void staff_departments();
  void staff_chart();
  /// Team rows for the employees' team column and lead flags: count, function, department and
  /// squad flag (from each lead), codes from the organization's (reporting lines are not set).
  void form_teams(bool squads);
  /// Reporting lines among `list` (team indices) by the structure's rule; the first team's lead
  /// reports to the lead of `top` (-1: they are the top).
  void link_teams(std::span<const std::size_t> list, StructureType type, std::int32_t top);
  void resize_teams(std::size_t count);
  /// The team size of a regrouping: the first department's in `scope`, or the company's.
  [[nodiscard]] std::size_t team_size_of(std::span<const std::int32_t> scope) const;
  /// Reporting line of a team formed by growth.
  void link_new_team(std::size_t team);
  /// Sizes the cascade history and the decision ring for the deepest the organization can be.
  void size_rings();

  ModelParams params_;
  Settings settings_;
  RunKey key_;
  std::size_t dimensions_;
  std::size_t words_;
  std::size_t skills_width_;
  Population employees_;
  ColumnHandle<std::uint64_t> beliefs_;       // 2 x words_ per employee
  ColumnHandle<std::uint64_t> next_beliefs_;  // 2 x words_ per employee (structure on)
  ColumnHandle<std::uint64_t> actions_;       // words_ per employee
  ColumnHandle<std::int32_t> action_score_;
  ColumnHandle<std::int32_t> team_;
  ColumnHandle<std::int32_t> project_team_;
  ColumnHandle<std::int32_t> function_;
  ColumnHandle<std::int32_t> department_;
  ColumnHandle<std::uint8_t> lead_;
  ColumnHandle<float> fte_;
  ColumnHandle<float> salary_;
  ColumnHandle<std::uint8_t> leaving_;
  ColumnHandle<std::uint8_t> tie_strength_;
  ColumnHandle<double> quit_draw_;  // people submodel with quits
  ColumnHandle<double> p1_;
  ColumnHandle<std::int16_t> code_matches_;
  ColumnHandle<float> skills_;
  ColumnHandle<float> engagement_;
  ColumnHandle<float> resistance_;
  ColumnHandle<std::int32_t> training_until_;
  ColumnHandle<std::int32_t> starts_at_;
  std::map<std::string, std::vector<double>, std::less<>> extension_state_;
};

/// sum over d of a[d] * b[d] for ternary vectors: (#agree - #disagree), zeros count for neither.
std::int64_t agreement(std::span<const std::int8_t> a, std::span<const std::int8_t> b);
/// agreement() of packed beliefs with reality's positive plane (every reality value is +-1).
std::int64_t agreement(ConstTernary beliefs, std::span<const std::uint64_t> reality_positive,
                       std::size_t m);

}  // namespace orgsim::agents
