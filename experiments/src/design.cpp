// Sampling designs (see design.hpp for the definitions).
#include "orgsim/experiments/design.hpp"

#include "orgsim/core/rng.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace orgsim::experiments {

namespace {
constexpr StreamId kDesignStream = stream_id("design");
}  // namespace

std::optional<DesignKind> parse_design_kind(std::string_view name) {
  if (name == "grid") return DesignKind::grid;
  if (name == "list") return DesignKind::list;
  if (name == "random") return DesignKind::random;
  if (name == "lhs") return DesignKind::lhs;
  if (name == "sobol") return DesignKind::sobol;
  if (name == "saltelli") return DesignKind::saltelli;
  if (name == "morris") return DesignKind::morris;
  if (name == "samples") return DesignKind::samples;
  return std::nullopt;
}

std::string_view design_kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::none:
      return "none";
    case DesignKind::grid:
      return "grid";
    case DesignKind::list:
      return "list";
    case DesignKind::random:
      return "random";
    case DesignKind::lhs:
      return "lhs";
    case DesignKind::sobol:
      return "sobol";
    case DesignKind::saltelli:
      return "saltelli";
    case DesignKind::morris:
      return "morris";
    case DesignKind::samples:
      return "samples";
  }
  return "?";
}

ParamValue ParameterRange::at_unit(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (discrete()) {
    const auto index = std::min(values.size() - 1,
                                static_cast<std::size_t>(u * static_cast<double>(values.size())));
    return values[index];
  }
  if (parameter->type == agents::ParamType::integer) {
    const double span = max - min + 1;
    return static_cast<std::int64_t>(std::min(max, min + std::floor(u * span)));
  }
  return min + u * (max - min);
}

std::size_t Design::size() const {
  return inner_size() * std::max<std::size_t>(1, options.names.size());
}

std::size_t Design::option_of(std::size_t point) const {
  return options.names.empty() ? 0 : point / inner_size();
}

std::size_t Design::inner_size() const {
  switch (kind) {
    case DesignKind::none:
      return 1;
    case DesignKind::grid: {
      std::size_t n = 1;
      for (const auto& v : grid_values) n *= v.size();
      return n;
    }
    case DesignKind::list:
    case DesignKind::samples:
      return list_points.size();
    case DesignKind::random:
    case DesignKind::lhs:
    case DesignKind::sobol:
      return samples;
    case DesignKind::saltelli:
      return samples * (parameters.size() + 2);
    case DesignKind::morris:
      return samples * (parameters.size() + 1);
  }
  return 1;
}

void Design::prepare() {
  const std::size_t k = parameters.size();
  unit_.clear();
  switch (kind) {
    case DesignKind::lhs: {
      // One random permutation of the N strata per parameter; a uniform point inside each.
      unit_.assign(samples * k, 0.0);
      for (std::size_t p = 0; p < k; ++p) {
        std::vector<std::size_t> strata(samples);
        std::iota(strata.begin(), strata.end(), 0);
        RandomStream draw(seed, kDesignStream, 0, p, 0);
        for (std::size_t i = samples; i > 1; --i) std::swap(strata[i - 1], strata[draw.below(i)]);
        for (std::size_t i = 0; i < samples; ++i) {
          unit_[i * k + p] =
              (static_cast<double>(strata[i]) + draw.uniform()) / static_cast<double>(samples);
        }
      }
      break;
    }
    case DesignKind::sobol:
    case DesignKind::saltelli: {
      const std::size_t dims = kind == DesignKind::sobol ? k : 2 * k;
      boost::random::sobol engine(
          dims);  // Boost's sequence starts at (0.5, ..., 0.5): no all-zero point
      std::vector<double> row(dims);
      const double scale = std::ldexp(1.0, -64);
      const std::size_t per_sample = kind == DesignKind::sobol ? 1 : k + 2;
      // Saltelli: the sequence's first point is (0.5, ..., 0.5) in all 2k dimensions, so A_0 =
      // B_0 and the k + 2 points of base sample 0 would be one point run k + 2 times, adding
      // nothing to the estimators and pulling them toward 0. Skipped, as SALib skips it.
      if (kind == DesignKind::saltelli) engine.discard(dims);  // dims coordinates: one point
      unit_.assign(samples * per_sample * k, 0.0);
      for (std::size_t j = 0; j < samples; ++j) {
        for (double& x : row) x = static_cast<double>(engine()) * scale;
        if (kind == DesignKind::sobol) {
          std::copy(row.begin(), row.end(), unit_.begin() + static_cast<std::ptrdiff_t>(j * k));
          continue;
        }
        double* a = unit_.data() + (j * per_sample) * k;
        double* b = a + k;
        for (std::size_t p = 0; p < k; ++p) {
          a[p] = row[p];
          b[p] = row[k + p];
        }
        for (std::size_t i = 0; i < k; ++i) {
          double* ab = a + (2 + i) * k;
          for (std::size_t p = 0; p < k; ++p) ab[p] = p == i ? b[p] : a[p];
        }
      }
      break;
    }
    case DesignKind::morris: {
      const double delta = static_cast<double>(levels) / (2.0 * (levels - 1));
      const auto base_levels =
          static_cast<std::uint64_t>(levels / 2);  // levels i/(p-1) <= 1 - delta
      unit_.assign(samples * (k + 1) * k, 0.0);
      for (std::size_t t = 0; t < samples; ++t) {
        RandomStream draw(seed, kDesignStream, 1, t, 0);
        double* base = unit_.data() + t * (k + 1) * k;
        for (std::size_t p = 0; p < k; ++p) {
          base[p] = static_cast<double>(draw.below(base_levels)) / static_cast<double>(levels - 1);
        }
        std::vector<std::size_t> order(k);
        std::iota(order.begin(), order.end(), 0);
        for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[draw.below(i)]);
        for (std::size_t step = 1; step <= k; ++step) {
          double* point = base + step * k;
          std::copy(point - k, point, point);
          point[order[step - 1]] += delta;
        }
      }
      break;
    }
    default:
      break;
  }
}

std::vector<ParamValue> Design::values(std::size_t point) const {
  point %= inner_size();  // the same factors' values in every option
  const std::size_t k = parameters.size();
  std::vector<ParamValue> out(k);
  switch (kind) {
    case DesignKind::none:
      break;
    case DesignKind::grid: {
      std::size_t rest = point;
      for (std::size_t a = k; a-- > 0;) {  // last parameter varies fastest
        out[a] = grid_values[a][rest % grid_values[a].size()];
        rest /= grid_values[a].size();
      }
      break;
    }
    case DesignKind::list:
    case DesignKind::samples:
      out = list_points[point];
      break;
    case DesignKind::random: {
      for (std::size_t p = 0; p < k; ++p) {
        const ParameterRange& r = ranges[p];
        RandomStream draw(seed, kDesignStream, 2, point * k + p, 0);
        const double lo = r.parameter->min, hi = r.parameter->max;
        switch (r.distribution) {
          case ParameterRange::Distribution::uniform:
          case ParameterRange::Distribution::choice:
            out[p] = r.at_unit(draw.uniform());
            break;
          case ParameterRange::Distribution::normal:
          case ParameterRange::Distribution::lognormal: {
            boost::random::normal_distribution<double> z(0.0, 1.0);
            double x = r.mean + r.sd * z(draw);
            if (r.distribution == ParameterRange::Distribution::lognormal) x = std::exp(x);
            x = std::clamp(x, lo, hi);  // documented: clipped to the parameter's range
            if (r.parameter->type == agents::ParamType::integer) {
              out[p] = static_cast<std::int64_t>(std::llround(x));
            } else {
              out[p] = x;
            }
            break;
          }
        }
      }
      break;
    }
    case DesignKind::lhs:
    case DesignKind::sobol:
    case DesignKind::saltelli:
    case DesignKind::morris:
      for (std::size_t p = 0; p < k; ++p) out[p] = ranges[p].at_unit(unit_[point * k + p]);
      break;
  }
  return out;
}

std::size_t Design::rows_per_sample() const {
  const std::size_t k = parameters.size();
  return saltelli_samples() && second_order ? 2 * k + 2 : k + 2;
}

std::size_t Design::sobol_point(std::size_t sample, std::size_t block) const {
  const std::size_t stride = rows_per_sample();
  if (!saltelli_samples()) return sample * stride + block;
  // SALib's order: A, AB_1..AB_k, [BA_1..BA_k,] B.
  if (block == 0) return sample * stride;
  if (block == 1) return sample * stride + stride - 1;
  return sample * stride + (block - 1);
}

std::uint64_t Design::sample_of(std::size_t point) const {
  if (saltelli_samples()) return point / rows_per_sample();
  if (kind == DesignKind::saltelli) return point / (parameters.size() + 2);
  if (kind == DesignKind::morris) return point / (parameters.size() + 1);
  return point;
}

std::uint64_t Design::block_of(std::size_t point) const {
  const std::size_t k = parameters.size();
  if (saltelli_samples()) {
    const std::size_t stride = rows_per_sample(), row = point % stride;
    if (row == 0) return 0;           // A
    if (row == stride - 1) return 1;  // B
    return 1 + row;                   // AB_i (row i): 1 + i; BA_i (row k + i): k + 1 + i
  }
  if (kind == DesignKind::saltelli) return point % (k + 2);
  if (kind == DesignKind::morris) {
    const std::size_t step = point % (k + 1);
    if (step == 0) return 0;
    // The parameter that moved at this step: the one whose coordinate differs from the step before.
    const double* now = unit_.data() + point * k;
    const double* before = now - k;
    for (std::size_t p = 0; p < k; ++p) {
      if (now[p] != before[p]) return p + 1;
    }
  }
  return 0;
}

}  // namespace orgsim::experiments
