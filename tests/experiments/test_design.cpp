// Sampling designs: counts, bounds, stratification, Sobol/Saltelli structure, Morris shape,
// reproducibility, and mixing discrete with continuous parameters.
#include "orgsim/experiments/experiment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace orgsim::experiments {
namespace {

ExperimentSpec spec_of(const std::string& design, std::uint64_t seed = 5) {
  return parse_experiment("[experiment]\nseed = " + std::to_string(seed) + "\n" + design,
                          "design.toml");
}

double number(const ParamValue& v) {
  return std::holds_alternative<double>(v) ? std::get<double>(v)
                                           : static_cast<double>(std::get<std::int64_t>(v));
}

const char* kTwo = R"(
learning.socialization_rate = { min = 0.1, max = 0.9 }
learning.code_learning_rate = { min = 0.2, max = 0.6 }
)";

TEST(Design, ListGivesExplicitPointsAndFillsGapsFromTheScenario) {
  const auto spec = spec_of(R"([scenario]
org.employees = 40
[sweep.list]
points = [ { "structure.type" = "flat", org.teams = 2 }, { "structure.type" = "matrix" } ]
)");
  ASSERT_EQ(spec.design_point_count(), 2u);
  EXPECT_EQ(spec.params_at(0).structure.type, agents::StructureType::flat);
  EXPECT_EQ(spec.params_at(0).org.teams, 2);
  EXPECT_EQ(spec.params_at(1).structure.type, agents::StructureType::matrix);
  EXPECT_EQ(spec.params_at(1).org.teams, 1);  // the scenario's (default) value
  EXPECT_EQ(spec.params_at(1).org.employees, 40);
}

TEST(Design, RandomDrawsWithinBoundsAndFollowsItsDistribution) {
  const auto spec = spec_of(R"([sweep.random]
samples = 4000
learning.socialization_rate = { min = 0.2, max = 0.4 }
learning.code_learning_rate = { distribution = "normal", mean = 0.5, sd = 0.1 }
learning.turnover_rate = { distribution = "lognormal", mean = -4.0, sd = 0.5 }
"structure.type" = { distribution = "choice", values = ["flat", "matrix"] }
)");
  ASSERT_EQ(spec.design_point_count(), 4000u);
  double sum_normal = 0, sum_log = 0;
  std::set<agents::StructureType> types;
  for (std::size_t i = 0; i < 4000; ++i) {
    const auto p = spec.params_at(i);
    ASSERT_GE(p.learning.socialization_rate, 0.2);
    ASSERT_LE(p.learning.socialization_rate, 0.4);
    ASSERT_GE(p.learning.code_learning_rate, 0.0);
    ASSERT_LE(p.learning.code_learning_rate, 1.0);
    sum_normal += p.learning.code_learning_rate;
    sum_log += std::log(p.learning.turnover_rate);
    types.insert(p.structure.type);
  }
  EXPECT_NEAR(sum_normal / 4000, 0.5, 5 * 0.1 / std::sqrt(4000.0));
  EXPECT_NEAR(sum_log / 4000, -4.0, 5 * 0.5 / std::sqrt(4000.0));
  EXPECT_EQ(types, (std::set<agents::StructureType>{agents::StructureType::flat,
                                                    agents::StructureType::matrix}));
}

TEST(Design, LatinHypercubeHasOneSamplePerStratumPerParameter) {
  const std::size_t n = 50;
  const auto spec = spec_of("[sweep.lhs]\nsamples = 50\n" + std::string(kTwo) +
                            "org.employees = { min = 10, max = 59 }\n");
  ASSERT_EQ(spec.design_point_count(), n);
  const auto& ranges = spec.design.ranges;
  for (std::size_t p = 0; p < ranges.size(); ++p) {
    std::vector<int> hits(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double x = number(spec.design.values(i)[p]);
      const double span = ranges[p].parameter->type == agents::ParamType::integer
                              ? ranges[p].max - ranges[p].min + 1
                              : ranges[p].max - ranges[p].min;
      const auto stratum = static_cast<std::size_t>(
          std::floor((x - ranges[p].min) * static_cast<double>(n) / span + 1e-9));
      ASSERT_LT(stratum, n);
      ++hits[stratum];
    }
    for (int h : hits) EXPECT_EQ(h, 1) << "parameter " << p;
  }
}

TEST(Design, SobolPointsAreQuasiRandomAndFillTheSquare) {
  const auto spec = spec_of("[sweep.sobol]\nsamples = 64\n" + std::string(kTwo));
  ASSERT_EQ(spec.design_point_count(), 64u);
  // The base-2 Sobol sequence: (0.5, 0.5), (0.75, 0.25), (0.25, 0.75), ...
  EXPECT_NEAR(number(spec.design.values(0)[0]), 0.1 + 0.5 * 0.8, 1e-12);
  EXPECT_NEAR(number(spec.design.values(1)[0]), 0.1 + 0.75 * 0.8, 1e-12);
  EXPECT_NEAR(number(spec.design.values(1)[1]), 0.2 + 0.25 * 0.4, 1e-12);
  // Every quarter of the square holds exactly 16 of the first 64 points.
  int quarter[2][2] = {{0, 0}, {0, 0}};
  for (std::size_t i = 0; i < 64; ++i) {
    const auto v = spec.design.values(i);
    ++quarter[(number(v[0]) - 0.1) / 0.8 >= 0.5][(number(v[1]) - 0.2) / 0.4 >= 0.5];
  }
  EXPECT_EQ(quarter[0][0], 16);
  EXPECT_EQ(quarter[1][1], 16);
}

TEST(Design, SaltelliHasTheABAndABiMatrices) {
  const auto spec = spec_of("[sweep.saltelli]\nsamples = 16\n" + std::string(kTwo) +
                            "culture.collectivism = { min = 0, max = 1 }\n");
  const std::size_t k = 3;
  ASSERT_EQ(spec.design_point_count(), 16 * (k + 2));
  for (std::size_t j = 0; j < 16; ++j) {
    const std::size_t base = j * (k + 2);
    const auto a = spec.design.values(base), b = spec.design.values(base + 1);
    // A_j and B_j are different points (the Sobol sequence's first point, 0.5 in all 2k
    // dimensions, would make sample 0's A and B one point: it is skipped).
    EXPECT_NE(a, b) << "sample " << j;
    EXPECT_EQ(spec.design.block_of(base), 0u);
    EXPECT_EQ(spec.design.block_of(base + 1), 1u);
    EXPECT_EQ(spec.design.sample_of(base + 4), j);
    for (std::size_t i = 0; i < k; ++i) {
      const auto ab = spec.design.values(base + 2 + i);
      EXPECT_EQ(spec.design.block_of(base + 2 + i), 2 + i);
      for (std::size_t p = 0; p < k; ++p)
        EXPECT_EQ(ab[p], p == i ? b[p] : a[p]) << "AB_" << i << " column " << p;
    }
  }
}

TEST(Design, MorrisTrajectoriesMoveOneParameterAtATimeByDelta) {
  const auto spec = spec_of("[sweep.morris]\ntrajectories = 10\nlevels = 4\n" + std::string(kTwo) +
                            "\"structure.type\" = { values = [\"functional\", \"flat\", "
                            "\"matrix\", \"cross_functional\"] }\n");
  const std::size_t k = 3;
  ASSERT_EQ(spec.design_point_count(), 10 * (k + 1));
  const double delta = 4.0 / (2.0 * 3.0);  // p / (2 (p - 1))
  for (std::size_t t = 0; t < 10; ++t) {
    std::set<std::uint64_t> moved;
    for (std::size_t step = 1; step <= k; ++step) {
      const std::size_t point = t * (k + 1) + step;
      const auto before = spec.design.values(point - 1), now = spec.design.values(point);
      const std::uint64_t block = spec.design.block_of(point);
      ASSERT_GE(block, 1u);
      moved.insert(block);
      for (std::size_t p = 0; p < 2; ++p) {  // the continuous parameters
        if (p + 1 == block) {
          const double span = p == 0 ? 0.8 : 0.4;
          EXPECT_NEAR(number(now[p]) - number(before[p]), delta * span, 1e-12);
        } else {
          EXPECT_EQ(now[p], before[p]);
        }
      }
    }
    EXPECT_EQ(moved.size(), k) << "every parameter moves once per trajectory";
  }
}

TEST(Design, TheSameSeedGivesTheSameDesignAndAnotherSeedAnother) {
  const std::string design = "[sweep.lhs]\nsamples = 20\n" + std::string(kTwo);
  const auto a = spec_of(design, 1), b = spec_of(design, 1), c = spec_of(design, 2);
  bool differs = false;
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(a.design.values(i), b.design.values(i));
    differs |= a.design.values(i) != c.design.values(i);
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(spec_of("[sweep.random]\nsamples = 5\n" + std::string(kTwo), 9).design.values(3),
            spec_of("[sweep.random]\nsamples = 5\n" + std::string(kTwo), 9).design.values(3));
}

TEST(Design, EveryDesignRoundTripsThroughTheResolvedText) {
  for (const std::string& design :
       std::vector<std::string>{"[sweep.list]\npoints = [ { org.teams = 2 }, { org.teams = 3 } ]\n",
                                "[sweep.random]\nsamples = 7\nlearning.code_learning_rate = { "
                                "distribution = \"normal\", mean = 0.5, sd = 0.1 }\n",
                                "[sweep.lhs]\nsamples = 7\n" + std::string(kTwo),
                                "[sweep.sobol]\nsamples = 7\n" + std::string(kTwo),
                                "[sweep.saltelli]\nsamples = 7\n" + std::string(kTwo),
                                "[sweep.morris]\ntrajectories = 3\nlevels = 6\n" +
                                    std::string(kTwo) + "automation.training = {}\n"}) {
    const auto spec = spec_of(design);
    const auto again = parse_experiment(spec.resolved_text(), "<resolved>");
    EXPECT_EQ(again.resolved_text(), spec.resolved_text()) << design;
    for (std::size_t i = 0; i < spec.design_point_count(); ++i)
      ASSERT_EQ(again.design.values(i), spec.design.values(i));
  }
}

TEST(Design, BadDesignsAreConfigErrors) {
  for (const std::string& design : std::vector<std::string>{
           "[sweep.lhs]\nlearning.socialization_rate = { min = 0.1, max = 0.9 }\n",  // no samples
           "[sweep.lhs]\nsamples = 5\n",  // nothing varied
           "[sweep.lhs]\nsamples = 5\nlearning.socialization_rate = { min = 0.9, max = 0.1 }\n",
           "[sweep.lhs]\nsamples = 5\nlearning.socialization_rate = { min = 0.1, max = 1.9 }\n",
           "[sweep.lhs]\nsamples = 5\nlearning.socialization_rate = { distribution = \"normal\", "
           "mean = 0, sd = 1 }\n",
           "[sweep.random]\nsamples = 5\nlearning.socialization_rate = { distribution = "
           "\"normal\", mean = 0.5 }\n",
           "[sweep.morris]\ntrajectories = 5\nlevels = 3\nlearning.socialization_rate = { min = "
           "0.1, max = 0.9 }\n",
           "[sweep.grid]\norg.teams = [1]\n[sweep.lhs]\nsamples = 2\n",
           "[sweep.list]\npoints = [ { org.teamz = 2 } ]\n"}) {
    EXPECT_THROW(spec_of(design), ConfigError) << design;
  }
}

}  // namespace
}  // namespace orgsim::experiments
