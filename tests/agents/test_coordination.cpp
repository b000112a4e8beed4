// Coordination load and contingency (issue 19; docs/ODD.md 7.20): which design fits which
// environment. Paired runs (common random numbers: the same seed and replication in every arm),
// margins of two standard errors of the paired differences, several settings.
#include "orgsim/agents/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace orgsim::agents {
namespace {

constexpr Tick kTicks = 156;  // three years
constexpr Tick kFrom = 52;    // after the first year (the code has been learned)
constexpr std::uint64_t kReplications = 30;

/// A company with coordination on, as the contingency questions use it.
ModelParams company(std::int64_t employees, double demand) {
  ModelParams p = ModelParams::defaults();
  p.org.employees = employees;
  p.learning.socialization_rate = 0.1;
  p.learning.turnover_rate = 0.003;
  p.strategy.enabled = true;
  p.strategy.review_interval = 4;
  p.structure.enabled = true;
  p.people.enabled = true;
  p.work.enabled = true;
  p.environment.enabled = true;
  p.environment.base_demand = demand;
  p.growth.enabled = true;  // hiring to demand: an efficient design needs fewer people
  p.coordination.enabled = true;
  // Structure against the environment, not survival: an unlimited credit line keeps every firm
  // running for the whole window (issue 20's exit would otherwise end the weakest early).
  p.finance.credit_line = 1000;
  return p;
}

/// Burns & Stalker's two designs.
ModelParams mechanistic(ModelParams p) {
  p.structure.type = StructureType::functional;
  p.structure.centralization = 0.8;
  return p;
}
ModelParams organic(ModelParams p) {
  p.structure.type = StructureType::cross_functional;
  p.structure.centralization = 0.2;
  return p;
}

/// A stable, simple market (no drift, mostly routine work, little cross-department
/// interdependence; Perrow 1967's routine technology) or a turbulent, complex, interdependent one.
ModelParams stable(ModelParams p) {
  p.learning.turbulence_rate = 0.0;
  p.work.routine_share = 0.8;
  p.coordination.interdependence = 0.1;
  return p;
}
ModelParams turbulent(ModelParams p) {
  p.learning.turbulence_rate = 0.03;
  p.work.routine_share = 0.3;
  p.coordination.interdependence = 0.6;
  return p;
}

/// Per replication, the mean of each metric over ticks [kFrom, kTicks].
std::vector<std::vector<double>> window(const ModelParams& p,
                                        const std::vector<std::string>& metrics,
                                        std::uint64_t replications = kReplications) {
  RunOptions options;
  options.max_ticks = kTicks;
  std::vector<std::vector<double>> out(metrics.size(), std::vector<double>(replications));
  for (std::uint64_t rep = 0; rep < replications; ++rep) {
    const RunOutcome run = simulate(p, {19, rep}, options);
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const std::size_t column = find_metric(metrics[k]).value();
      double sum = 0;
      for (Tick t = kFrom; t <= kTicks; ++t)  // a run that ended holds its last row
        sum += run.metrics.row(std::min<Tick>(t, run.metrics.rows() - 1))[column];
      out[k][rep] = sum / static_cast<double>(kTicks - kFrom + 1);
    }
  }
  return out;
}

struct Stats {
  double mean = 0, se = 0;
};

/// Mean and standard error of a paired contrast, one value per replication.
Stats contrast(const std::function<double(std::size_t)>& value,
               std::uint64_t replications = kReplications) {
  std::vector<double> x(replications);
  for (std::size_t r = 0; r < replications; ++r) x[r] = value(r);
  Stats s;
  s.mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double var = 0;
  for (double v : x) var += (v - s.mean) * (v - s.mean);
  s.se = std::sqrt(var / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
  return s;
}

std::string describe(const char* what, const Stats& s) {
  return std::string(what) + " = " + std::to_string(s.mean) + " (se " + std::to_string(s.se) + ")";
}

struct Setting {
  std::int64_t employees;
  double demand;
};

TEST(Contingency, MechanisticFitsStableMarketsAndOrganicsAdvantageGrowsWithTurbulence) {
  const std::vector<std::string> metrics = {"profit", "lead_time", "rework_rate"};
  for (const Setting s : {Setting{100, 0.35}, Setting{100, 0.4}, Setting{140, 0.35}}) {
    SCOPED_TRACE(std::to_string(s.employees) + " employees, demand " + std::to_string(s.demand));
    const ModelParams base = company(s.employees, s.demand);
    const auto ms = window(mechanistic(stable(base)), metrics);
    const auto os = window(organic(stable(base)), metrics);
    const auto mt = window(mechanistic(turbulent(base)), metrics);
    const auto ot = window(organic(turbulent(base)), metrics);
    // Stable and simple: the mechanistic design is at least as good on profit and on rework.
    const Stats profit_edge = contrast([&](std::size_t r) { return ms[0][r] - os[0][r]; });
    EXPECT_GT(profit_edge.mean, -2 * profit_edge.se) << describe("profit mech - org", profit_edge);
    const Stats rework_edge = contrast([&](std::size_t r) { return os[2][r] - ms[2][r]; });
    EXPECT_GT(rework_edge.mean, -2 * rework_edge.se) << describe("rework org - mech", rework_edge);
    // Turbulent and interdependent: the organic advantage grows (difference in differences of
    // the organic-minus-mechanistic advantage, paired by replication).
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const double better = k == 0 ? 1.0 : -1.0;  // profit up, lead time and rework down
      const Stats did = contrast(
          [&](std::size_t r) { return better * ((ot[k][r] - mt[k][r]) - (os[k][r] - ms[k][r])); });
      EXPECT_GT(did.mean, 2 * did.se) << describe(metrics[k].c_str(), did);
    }
  }
}

/// A functional company whose work is interdependent across departments or not.
ModelParams functional(double interdependence, double cross_team_ties) {
  ModelParams p = company(120, 0.22);
  p.structure.centralization = 0.5;
  p.learning.turbulence_rate = 0.02;
  p.coordination.interdependence = interdependence;
  p.structure.cross_team_ties = cross_team_ties;
  return p;
}

TEST(Contingency, SilosRaiseDecisionWaitAndLeadTimeOnlyWhenWorkIsInterdependent) {
  const std::vector<std::string> metrics = {"decision_wait", "lead_time", "manager_load"};
  const auto silo_high = window(functional(0.7, 0.02), metrics);
  const auto open_high = window(functional(0.7, 0.5), metrics);
  const auto silo_low = window(functional(0.02, 0.02), metrics);
  const auto open_low = window(functional(0.02, 0.5), metrics);
  for (std::size_t k = 0; k < 2; ++k) {
    const Stats high = contrast([&](std::size_t r) { return silo_high[k][r] - open_high[k][r]; });
    const Stats low = contrast([&](std::size_t r) { return silo_low[k][r] - open_low[k][r]; });
    EXPECT_GT(high.mean, 2 * high.se) << describe(metrics[k].c_str(), high);
    // With little interdependence silos cost (almost) nothing: under a tenth of the effect.
    EXPECT_LT(std::abs(low.mean), 0.1 * high.mean + 2 * low.se)
        << describe(metrics[k].c_str(), low);
  }
}

TEST(Contingency, UncertaintyRaisesManagerLoadAndLateralChannelsRelieveIt) {
  const std::vector<std::string> metrics = {"manager_load", "exceptions_raised"};
  for (const double centralization : {0.5, 0.8}) {
    SCOPED_TRACE("centralization " + std::to_string(centralization));
    ModelParams calm = company(120, 0.22);
    calm.structure.centralization = centralization;
    calm.coordination.interdependence = 0.5;
    ModelParams uncertain = calm;
    uncertain.learning.turbulence_rate = 0.03;
    const auto c = window(calm, metrics);
    const auto u = window(uncertain, metrics);
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const Stats more = contrast([&](std::size_t r) { return u[k][r] - c[k][r]; });
      EXPECT_GT(more.mean, 2 * more.se) << describe(metrics[k].c_str(), more);
    }
    // Lateral channels: integrator roles, and a matrix's second line.
    ModelParams integrated = uncertain;
    integrated.coordination.integrators = 0.8;
    ModelParams matrix = uncertain;
    matrix.structure.type = StructureType::matrix;
    for (const ModelParams* lateral : {&integrated, &matrix}) {
      const auto l = window(*lateral, metrics);
      const Stats relief = contrast([&](std::size_t r) { return u[0][r] - l[0][r]; });
      EXPECT_GT(relief.mean, 2 * relief.se) << describe("manager load relieved", relief);
    }
  }
}

// The matrix (Galbraith 1973; Davis & Lawrence 1977; Burton & Obel 2004): its second line is a
// lateral channel with a fixed price (its project managers, matrix_overhead) and a price per
// use (both lines' time). It pays where cross-department exceptions are many: in a stable,
// simple market with little interdependence the functional design is at least as profitable,
// and the matrix's advantage grows as the work becomes uncertain, complex and interdependent.
TEST(Contingency, TheMatrixPaysWhereWorkIsUncertainAndInterdependent) {
  // The matrix's price and its gain are a few percent of the payroll each: 120 replications
  // (a few seconds) resolve them; 30 leave the profit contrasts inside their noise.
  constexpr std::uint64_t kReps = 120;
  const std::vector<std::string> metrics = {"profit", "lead_time", "rework_rate"};
  for (const double centralization : {0.5, 0.8}) {
    for (const Setting s : {Setting{100, 0.35}, Setting{140, 0.35}}) {
      SCOPED_TRACE("centralization " + std::to_string(centralization) + ", " +
                   std::to_string(s.employees) + " employees");
      ModelParams functional = company(s.employees, s.demand);
      functional.structure.type = StructureType::functional;
      functional.structure.centralization = centralization;
      ModelParams matrix = functional;
      matrix.structure.type = StructureType::matrix;
      const auto fs = window(stable(functional), metrics, kReps);
      const auto ms = window(stable(matrix), metrics, kReps);
      const auto ft = window(turbulent(functional), metrics, kReps);
      const auto mt = window(turbulent(matrix), metrics, kReps);
      // Stable and simple: the second line is paid for and little used.
      const Stats edge = contrast([&](std::size_t r) { return fs[0][r] - ms[0][r]; }, kReps);
      EXPECT_GT(edge.mean, 2 * edge.se) << describe("stable: profit functional - matrix", edge);
      // Uncertain, complex, interdependent: the matrix's advantage grows on every measure.
      for (std::size_t k = 0; k < metrics.size(); ++k) {
        const double better = k == 0 ? 1.0 : -1.0;  // profit up, lead time and rework down
        const Stats did = contrast(
            [&](std::size_t r) { return better * ((mt[k][r] - ft[k][r]) - (ms[k][r] - fs[k][r])); },
            kReps);
        EXPECT_GT(did.mean, 2 * did.se) << describe(metrics[k].c_str(), did);
      }
    }
  }
}

// Lateral settlement needs delegated decisions: the same ties settle fewer cross-department
// exceptions in a centralized firm (Galbraith 1974: lateral relations move decisions down).
TEST(Contingency, LateralSettlementNeedsDelegatedDecisions) {
  ModelParams delegated = company(120, 0.3);
  delegated.coordination.interdependence = 0.6;
  delegated.structure.centralization = 0.2;
  ModelParams central = delegated;
  central.structure.centralization = 0.8;
  const auto d = window(delegated, {"lateral_share"});
  const auto c = window(central, {"lateral_share"});
  const Stats more = contrast([&](std::size_t r) { return d[0][r] - c[0][r]; });
  EXPECT_GT(more.mean, 2 * more.se) << describe("lateral share, delegated - central", more);
}

// Jin & Levitt (1996): an exception nobody decides in time is a quality risk, not certain
// rework. The team decides it by default and redoes the wrong guesses: an overloaded,
// centralized firm reworks more the more of those guesses are wrong; a delegated firm, whose
// leads reach every exception, does not depend on it.
TEST(Contingency, UndecidedExceptionsAreAQualityRiskNotCertainRework) {
  ModelParams central = turbulent(company(120, 0.3));
  central.structure.centralization = 0.8;
  ModelParams guesses_right = central, guesses_wrong = central;
  guesses_right.coordination.default_error = 0.5;
  guesses_wrong.coordination.default_error = 1.0;
  const auto r = window(guesses_right, {"rework_rate", "exceptions_ignored"});
  const auto w = window(guesses_wrong, {"rework_rate", "exceptions_ignored"});
  const Stats more = contrast([&](std::size_t k) { return w[0][k] - r[0][k]; });
  EXPECT_GT(more.mean, 2 * more.se) << describe("rework, every guess wrong - half", more);
  ModelParams delegated_right = guesses_right, delegated_wrong = guesses_wrong;
  delegated_right.structure.centralization = delegated_wrong.structure.centralization = 0.2;
  const auto dr = window(delegated_right, {"rework_rate"});
  const auto dw = window(delegated_wrong, {"rework_rate"});
  const Stats delegated = contrast([&](std::size_t k) { return dw[0][k] - dr[0][k]; });
  EXPECT_LT(std::abs(delegated.mean), 0.1 * more.mean + 2 * delegated.se)
      << describe("delegated firm", delegated);
}

}  // namespace
}  // namespace orgsim::agents
