// Sensitivity estimators on functions with known indices.
#include "orgsim/analysis/sensitivity.hpp"

#include <gtest/gtest.h>
#include <boost/random/sobol.hpp>

#include <cmath>
#include <numbers>
#include <vector>

namespace orgsim::analysis {
namespace {

double ishigami(double x1, double x2, double x3) {
  constexpr double a = 7, b = 0.1;
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

TEST(Sensitivity, SobolIndicesOfTheIshigamiFunction) {
  // Analytical values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
  const double pi = std::numbers::pi;
  const double variance = 0.5 + 49.0 / 8 + 0.1 * std::pow(pi, 4) / 5 + 0.01 * std::pow(pi, 8) / 18;
  const double v1 = 0.5 * std::pow(1 + 0.1 * std::pow(pi, 4) / 5, 2);
  const double v2 = 49.0 / 8;
  const double v13 = 0.01 * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
  const double first[3] = {v1 / variance, v2 / variance, 0.0};
  const double total[3] = {(v1 + v13) / variance, v2 / variance, v13 / variance};

  // Saltelli points from a 6-dimensional Sobol sequence on [-pi, pi]^3 x [-pi, pi]^3.
  const std::size_t n = 8192;
  boost::random::sobol engine(6);
  std::vector<double> y_a(n), y_b(n);
  std::vector<std::vector<double>> y_ab(3, std::vector<double>(n));
  const double scale = 1.0 / (static_cast<double>(engine.max()) + 1.0);
  for (std::size_t j = 0; j < n; ++j) {
    double u[6];
    for (double& x : u) x = -pi + 2 * pi * static_cast<double>(engine()) * scale;
    const double a[3] = {u[0], u[1], u[2]}, b[3] = {u[3], u[4], u[5]};
    y_a[j] = ishigami(a[0], a[1], a[2]);
    y_b[j] = ishigami(b[0], b[1], b[2]);
    for (int i = 0; i < 3; ++i) {
      double ab[3] = {a[0], a[1], a[2]};
      ab[i] = b[i];
      y_ab[static_cast<std::size_t>(i)][j] = ishigami(ab[0], ab[1], ab[2]);
    }
  }
  const auto indices = sobol_indices(y_a, y_b, y_ab, 300, 7);
  ASSERT_EQ(indices.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(indices[i].first, first[i], 0.03) << "S" << i + 1;
    EXPECT_NEAR(indices[i].total, total[i], 0.03) << "ST" << i + 1;
    // The bootstrap interval brackets the estimate and is a few hundredths wide.
    EXPECT_LE(indices[i].first_low, indices[i].first);
    EXPECT_GE(indices[i].first_high, indices[i].first);
    EXPECT_LT(indices[i].first_high - indices[i].first_low, 0.15);
    EXPECT_LE(indices[i].total_low, indices[i].total);
    EXPECT_GE(indices[i].total_high, indices[i].total);
  }
  // x3 acts only through its interaction with x1: no first-order effect, a clear total effect.
  EXPECT_GT(indices[2].total, 0.2);
}

TEST(Sensitivity, SobolIntervalsNarrowWithMoreSamples) {
  auto width = [](std::size_t n) {
    boost::random::sobol engine(4);
    const double scale = 1.0 / (static_cast<double>(engine.max()) + 1.0);
    std::vector<double> y_a(n), y_b(n);
    std::vector<std::vector<double>> y_ab(2, std::vector<double>(n));
    for (std::size_t j = 0; j < n; ++j) {
      double u[4];
      for (double& x : u) x = static_cast<double>(engine()) * scale;
      auto f = [](double x1, double x2) { return 4 * x1 + x2 * x2; };
      y_a[j] = f(u[0], u[1]);
      y_b[j] = f(u[2], u[3]);
      y_ab[0][j] = f(u[2], u[1]);
      y_ab[1][j] = f(u[0], u[3]);
    }
    const auto s = sobol_indices(y_a, y_b, y_ab, 400, 3);
    return s[0].first_high - s[0].first_low;
  };
  EXPECT_LT(width(4096), 0.6 * width(512));
}

TEST(Sensitivity, MorrisStatisticsOfKnownEffects) {
  // y = 3 x1 - 2 x2 + x1 x3 on the unit cube, trajectories with step 2/3 (4 levels): the effect
  // of x1 is 3 + x3 (varies with x3), of x2 exactly -2, of x3 equal to x1.
  const double delta = 4.0 / 6.0;
  auto f = [](const double* x) { return 3 * x[0] - 2 * x[1] + x[0] * x[2]; };
  std::vector<std::vector<double>> effects(3);
  const double bases[4][3] = {
      {0, 0, 0}, {1.0 / 3, 0, 1.0 / 3}, {0, 1.0 / 3, 1.0 / 3}, {1.0 / 3, 1.0 / 3, 0}};
  for (const auto& start : bases) {
    double x[3] = {start[0], start[1], start[2]};
    for (int i : {2, 0, 1}) {
      const double before = f(x);
      x[i] += delta;
      effects[static_cast<std::size_t>(i)].push_back((f(x) - before) / delta);
    }
  }
  const auto m = morris_indices(effects);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[1].effects, 4u);
  EXPECT_NEAR(m[1].mu, -2.0, 1e-12);
  EXPECT_NEAR(m[1].mu_star, 2.0, 1e-12);
  EXPECT_NEAR(m[1].sigma, 0.0, 1e-12);  // linear, no interaction
  EXPECT_GT(m[0].mu_star, 3.0);         // 3 + x3 > 3
  EXPECT_GT(m[0].sigma, 0.0);           // depends on x3: an interaction
  EXPECT_GT(m[0].mu_star, m[2].mu_star);
  EXPECT_GT(m[2].mu_star, 0.0);
}

}  // namespace
}  // namespace orgsim::analysis
