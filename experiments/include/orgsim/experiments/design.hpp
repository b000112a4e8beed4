// Sampling designs: which parameter values each design point of a sweep gets. Points are
// computed on demand (a million-point design does not hold a million parameter sets):
//   grid      full factorial of explicit values (last parameter fastest)
//   list      explicit points
//   random    independent draws per parameter: uniform, normal, lognormal (clipped to the
//             parameter's range) or choice
//   lhs       Latin hypercube: each parameter's range cut into N strata, one sample per stratum
//   sobol     Sobol quasi-random points (Boost.Random; its sequence starts at (0.5, ..., 0.5))
//   saltelli  for Sobol indices: base samples A and B from a 2k-dimensional Sobol sequence and
//             the k matrices AB_i (A with column i from B); per base sample j the rows are
//             A_j, B_j, AB_j^1..AB_j^k (block 0, 1, 2..k+1)
//   morris    r one-at-a-time trajectories of k+1 points on a p-level grid, step p/(2(p-1));
//             block 0 is a trajectory's base point, block i the point after parameter i-1 moved
//   samples   a sample matrix made elsewhere (SALib, EMA Workbench, R's lhs): one row per point,
//             one column per parameter; with layout "saltelli" the rows are SALib's Saltelli
//             sample, per base sample j A_j, AB_j^1..AB_j^k (, BA_j^1..BA_j^k), B_j, given the
//             blocks of orgsim's own saltelli design (A 0, B 1, AB_i 1+i; BA_i k+1+i)
// Discrete parameters (choices, booleans, or explicit `values`) mix with continuous ones: a unit
// coordinate u picks values[floor(u * count)].
#pragma once

#include "orgsim/agents/parameters.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orgsim::experiments {

using agents::ParamSpec;
using agents::ParamValue;

enum class DesignKind { none, grid, list, random, lhs, sobol, saltelli, morris, samples };

/// "grid", "list", ... -> DesignKind (nullopt for an unknown name).
std::optional<DesignKind> parse_design_kind(std::string_view name);
std::string_view design_kind_name(DesignKind kind);

/// How one parameter is varied by a sampled design.
struct ParameterRange {
  enum class Distribution { uniform, normal, lognormal, choice };
  const ParamSpec* parameter = nullptr;
  Distribution distribution = Distribution::uniform;
  double min = 0, max = 0;         ///< uniform (and the clip range of normal / lognormal)
  double mean = 0, sd = 0;         ///< normal: of the value; lognormal: of its logarithm
  std::vector<ParamValue> values;  ///< discrete values (choice, or explicit `values`)

  /// The value at unit coordinate u in [0, 1] (uniform and discrete ranges).
  [[nodiscard]] ParamValue at_unit(double u) const;
  [[nodiscard]] bool discrete() const { return !values.empty(); }
};

/// Named options (a consultant's alternatives, [[options]] in experiment files): an outer factor
/// crossed with the design's points. Option o holds points o * inner_size() to
/// (o + 1) * inner_size() - 1, each with the same values of the design's own parameters.
struct DesignOptions {
  std::vector<std::string> names;               ///< empty: no options
  std::size_t baseline = 0;                     ///< the option the others are compared with
  std::vector<const ParamSpec*> parameters;     ///< the parameters some option sets, by name
  std::vector<std::vector<ParamValue>> values;  ///< [option][parameter]; unset: the scenario's
};

class Design {
 public:
  DesignKind kind = DesignKind::none;
  std::vector<const ParamSpec*> parameters;          ///< the varied parameters, column order
  std::vector<std::vector<ParamValue>> grid_values;  ///< grid: values per parameter
  std::vector<std::vector<ParamValue>> list_points;  ///< list, samples: a value per parameter
  /// samples: the rows are SALib's Saltelli sample (A, AB_1..AB_k, [BA_1..BA_k,] B per base
  /// sample), with second-order rows BA_i when `second_order`.
  bool saltelli_layout = false;
  bool second_order = true;
  std::vector<ParameterRange> ranges;  ///< sampled designs: one per parameter
  std::size_t samples = 0;  ///< random / lhs / sobol: N; saltelli: base N; morris: trajectories r
  int levels = 4;           ///< morris: grid levels p (even)
  std::uint64_t seed = 0;   ///< draws of random, lhs and morris come from the experiment seed
  DesignOptions options;    ///< named options, crossed with the rest (none, grid or list)

  /// Builds the unit-cube matrix of lhs / sobol / saltelli / morris (call once after setup).
  void prepare();

  /// Number of design points: options x the points of the design's own parameters.
  [[nodiscard]] std::size_t size() const;
  /// Number of points of the design's own parameters (the points of one option).
  [[nodiscard]] std::size_t inner_size() const;
  /// The option of a design point (0 without options).
  [[nodiscard]] std::size_t option_of(std::size_t point) const;
  /// The varied parameters' values at a design point (one per entry of `parameters`).
  [[nodiscard]] std::vector<ParamValue> values(std::size_t point) const;
  /// Whether the design has sample/block columns (saltelli, morris, a Saltelli sample file).
  [[nodiscard]] bool has_blocks() const {
    return kind == DesignKind::saltelli || kind == DesignKind::morris || saltelli_samples();
  }
  /// Whether Sobol indices can be computed from its points (saltelli, a Saltelli sample file).
  [[nodiscard]] bool sobol_blocks() const {
    return kind == DesignKind::saltelli || saltelli_samples();
  }
  [[nodiscard]] bool saltelli_samples() const {
    return kind == DesignKind::samples && saltelli_layout;
  }
  /// Rows per base sample of a Sobol design: k + 2 (2k + 2 for a second-order sample file).
  [[nodiscard]] std::size_t rows_per_sample() const;
  /// The design point of block `block` (0 = A, 1 = B, 1 + i = AB_i) of base sample `sample` in
  /// a Sobol design (saltelli, or a Saltelli sample file).
  [[nodiscard]] std::size_t sobol_point(std::size_t sample, std::size_t block) const;
  /// Base sample (saltelli) or trajectory (morris) of a point.
  [[nodiscard]] std::uint64_t sample_of(std::size_t point) const;
  /// Block of a point within its sample (see the file comment).
  [[nodiscard]] std::uint64_t block_of(std::size_t point) const;

 private:
  std::vector<double> unit_;  ///< [point][parameter] in [0, 1]
};

}  // namespace orgsim::experiments
