// PRIM on synthetic data with a known box (Friedman & Fisher 1999): the cases of interest lie in
// x0 > 0.6 and x1 < 0.3 (with label noise), x2 and a category are irrelevant, or a category is
// the box.
#include "orgsim/analysis/prim.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/rng.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace orgsim::analysis {
namespace {

struct Synthetic {
  std::vector<PrimColumn> columns;
  std::vector<bool> is_case;
};

/// n points uniform in [0, 1]^3 and a category of three; a point is a case inside the box
/// (with probability 1 - noise) or outside it (with probability noise).
Synthetic synthetic(std::size_t n, double noise, bool category_box, std::uint64_t seed) {
  Synthetic s;
  for (const char* name : {"x0", "x1", "x2"}) s.columns.push_back({name, false, {}, {}});
  s.columns.push_back({"kind", true, {}, {"a", "b", "c"}});
  RandomStream draw(seed, stream_id("prim test"), 0, 0, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < 3; ++d) s.columns[d].values.push_back(draw.uniform());
    const auto kind = static_cast<double>(draw.below(3));
    s.columns[3].values.push_back(kind);
    const bool in = category_box
                        ? kind == 1 && s.columns[0].values.back() > 0.5
                        : s.columns[0].values.back() > 0.6 && s.columns[1].values.back() < 0.3;
    s.is_case.push_back(draw.uniform() < noise ? !in : in);
  }
  return s;
}

TEST(Prim, RecoversAKnownBox) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Synthetic s = synthetic(4000, 0.02, false, seed);
    // The true box's density is 0.98 (2% label noise): ask for a box nearly as pure.
    const PrimResult r = prim(s.columns, s.is_case, {.threshold = 0.95});
    const PrimBox& box = r.trajectory[r.chosen];
    EXPECT_NEAR(box.low[0], 0.6, 0.04) << "seed " << seed;
    EXPECT_NEAR(box.high[1], 0.3, 0.04) << "seed " << seed;
    EXPECT_TRUE(r.restricted[0] && r.restricted[1]);
    EXPECT_FALSE(r.restricted[3]) << "the category is irrelevant";
    EXPECT_GE(box.density, 0.95);   // the threshold
    EXPECT_GE(box.coverage, 0.75);  // most cases found
    EXPECT_LT(r.qp_value[0], 1e-6);
    EXPECT_LT(r.qp_value[1], 1e-6);
    // The trajectory starts with the whole space and never loses density.
    EXPECT_DOUBLE_EQ(r.trajectory.front().mass, 1.0);
    for (std::size_t k = 1; k < r.trajectory.size(); ++k) {
      EXPECT_GE(r.trajectory[k].density + 1e-12, r.trajectory[k - 1].density);
      EXPECT_LT(r.trajectory[k].mass, r.trajectory[k - 1].mass);
    }
    EXPECT_GE(r.trajectory.back().mass, 0.05 - 1e-12);  // min_mass
  }
}

TEST(Prim, RecoversACategoryInTheBox) {
  Synthetic s = synthetic(3000, 0.02, true, 9);
  const PrimResult r = prim(s.columns, s.is_case, {.threshold = 0.95});
  const PrimBox& box = r.trajectory[r.chosen];
  EXPECT_TRUE(box.kept[3][1]);
  EXPECT_FALSE(box.kept[3][0]);
  EXPECT_FALSE(box.kept[3][2]);
  EXPECT_NEAR(box.low[0], 0.5, 0.04);
  EXPECT_FALSE(r.restricted[1]);
}

TEST(Prim, PeelsAGrid) {
  // A 4 x 3 grid, 8 points per cell: the cases are x0's top level (with noise). A 5% peel of
  // tied values would remove nothing; whole levels are peeled instead.
  Synthetic s;
  s.columns = {{"x0", false, {}, {}}, {"x1", false, {}, {}}};
  RandomStream draw(5, stream_id("prim grid"), 0, 0, 0);
  for (double a : {0.0, 0.01, 0.02, 0.05})
    for (double b : {0.1, 0.5, 0.9})
      for (int rep = 0; rep < 8; ++rep) {
        s.columns[0].values.push_back(a);
        s.columns[1].values.push_back(b);
        s.is_case.push_back(draw.uniform() < (a > 0.03 ? 0.95 : 0.05));
      }
  const PrimResult r = prim(s.columns, s.is_case);
  const PrimBox& box = r.trajectory[r.chosen];
  EXPECT_DOUBLE_EQ(box.low[0], 0.05);
  EXPECT_FALSE(r.restricted[1]);
  EXPECT_GE(box.density, 0.8);
}

TEST(Prim, RefusesDegenerateCases) {
  Synthetic s = synthetic(100, 0.0, false, 4);
  std::vector<bool> none(s.is_case.size(), false), all(s.is_case.size(), true);
  EXPECT_THROW(prim(s.columns, none), UsageError);
  EXPECT_THROW(prim(s.columns, all), UsageError);
}

TEST(Prim, ParsesConditions) {
  const MetricCondition c = parse_metric_condition(" profit <= -2.5e3 ");
  EXPECT_EQ(c.metric, "profit");
  EXPECT_EQ(c.op, "<=");
  EXPECT_DOUBLE_EQ(c.value, -2500);
  EXPECT_TRUE(c.holds(-3000));
  EXPECT_FALSE(c.holds(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_THROW(parse_metric_condition("profit = 3"), UsageError);
  EXPECT_THROW(parse_metric_condition("< 3"), UsageError);
  EXPECT_THROW(parse_metric_condition("profit < x"), UsageError);
}

}  // namespace
}  // namespace orgsim::analysis
