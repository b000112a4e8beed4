// Sobol indices with bootstrap intervals, and Morris elementary effects.
#include "orgsim/analysis/sensitivity.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/rng.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

namespace {

constexpr StreamId kBootstrapStream = stream_id("bootstrap");

struct PointEstimate {
  double first, total;
};

// Estimates for one parameter over base samples `rows` (indices into the outputs).
std::vector<PointEstimate> estimate_all(std::span<const double> y_a, std::span<const double> y_b,
                                        const std::vector<std::vector<double>>& y_ab,
                                        const std::vector<std::size_t>& rows) {
  const double n = static_cast<double>(rows.size());
  double sum = 0, squares = 0;
  for (std::size_t j : rows) sum += y_a[j] + y_b[j];
  const double mean = sum / (2 * n);
  for (std::size_t j : rows)
    squares += (y_a[j] - mean) * (y_a[j] - mean) + (y_b[j] - mean) * (y_b[j] - mean);
  const double variance = squares / (2 * n - 1);
  std::vector<PointEstimate> out;
  for (const auto& ab : y_ab) {
    double first = 0, total = 0;
    for (std::size_t j : rows) {
      first += (y_b[j] - mean) * (ab[j] - y_a[j]);  // centred: same expectation, far less variance
      total += (y_a[j] - ab[j]) * (y_a[j] - ab[j]);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.push_back(variance > 0 ? PointEstimate{first / n / variance, total / (2 * n) / variance}
                               : PointEstimate{nan, nan});
  }
  return out;
}

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  return fmt::format("{:.3f}", x);
}

}  // namespace

std::vector<SobolIndex> sobol_indices(std::span<const double> y_a, std::span<const double> y_b,
                                      const std::vector<std::vector<double>>& y_ab,
                                      std::size_t bootstrap, std::uint64_t seed,
                                      double confidence) {
  const std::size_t n = y_a.size();
  std::vector<std::size_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = j;
  const std::vector<PointEstimate> point = estimate_all(y_a, y_b, y_ab, rows);
  std::vector<SobolIndex> out(y_ab.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].first = point[i].first;
    out[i].total = point[i].total;
    out[i].first_low = out[i].first_high = out[i].first;
    out[i].total_low = out[i].total_high = out[i].total;
  }
  if (bootstrap == 0 || n < 2) return out;
  std::vector<std::vector<double>> firsts(out.size()), totals(out.size());
  std::vector<std::size_t> resample(n);
  for (std::size_t b = 0; b < bootstrap; ++b) {
    RandomStream draw(seed, kBootstrapStream, 0, b, 0);
    for (auto& j : resample) j = draw.below(n);
    const std::vector<PointEstimate> e = estimate_all(y_a, y_b, y_ab, resample);
    for (std::size_t i = 0; i < out.size(); ++i) {
      firsts[i].push_back(e[i].first);
      totals[i].push_back(e[i].total);
    }
  }
  const double tail = (1 - confidence) / 2;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].first_low = percentile(firsts[i], tail);
    out[i].first_high = percentile(firsts[i], 1 - tail);
    out[i].total_low = percentile(totals[i], tail);
    out[i].total_high = percentile(totals[i], 1 - tail);
  }
  return out;
}

std::vector<MorrisIndex> morris_indices(const std::vector<std::vector<double>>& effects) {
  std::vector<MorrisIndex> out;
  for (const auto& ee : effects) {
    MorrisIndex m;
    double sum = 0, absolute = 0;
    for (double e : ee) {
      if (std::isnan(e)) continue;
      sum += e;
      absolute += std::fabs(e);
      ++m.effects;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (m.effects == 0) {
      out.push_back({0, nan, nan, nan});
      continue;
    }
    m.mu = sum / static_cast<double>(m.effects);
    m.mu_star = absolute / static_cast<double>(m.effects);
    double squares = 0;
    for (double e : ee) {
      if (!std::isnan(e)) squares += (e - m.mu) * (e - m.mu);
    }
    m.sigma = m.effects > 1 ? std::sqrt(squares / static_cast<double>(m.effects - 1)) : nan;
    out.push_back(m);
  }
  return out;
}

namespace {

/// The experiment of a saltelli or morris sweep. @throws UsageError for another design.
experiments::ExperimentSpec sensitivity_experiment(const experiments::ResultsReader& results) {
  const std::optional<std::string> text = results.attribute("experiment");
  if (!text)
    throw UsageError("the results file does not record its experiment; cannot tell its design");
  experiments::ExperimentSpec spec =
      experiments::parse_experiment(*text, "the results file's experiment");
  const auto kind = spec.design.kind;
  if (!spec.design.sobol_blocks() && kind != experiments::DesignKind::morris) {
    throw UsageError(
        std::string(
            "sensitivity needs a saltelli sweep (Sobol indices) or a morris sweep (elementary "
            "effects); this file's design is ") +
        (kind == experiments::DesignKind::none ? "none (a single design point)"
                                               : std::string(experiments::design_kind_name(kind))) +
        " (see docs/experiment-files.md: [sweep.saltelli], [sweep.morris], or [sweep.samples] "
        "with layout = \"saltelli\")");
  }
  return spec;
}

/// Each design point's output per metric: the mean over its complete runs (NaN when it has none).
class PointOutputs {
 public:
  PointOutputs(const experiments::ResultsReader& results, const std::vector<std::size_t>& index,
               const Window& window, std::size_t points)
      : sum_(points, std::vector<double>(index.size(), 0.0)),
        count_(points, std::vector<std::size_t>(index.size(), 0)) {
    const std::vector<std::vector<double>> values = run_values(results, index, window);
    const auto* point_column = results.run_column("design_point");
    for (std::size_t run = 0; run < results.run_count(); ++run) {
      if (values[run].empty()) continue;  // incomplete
      const auto point = static_cast<std::size_t>(point_column->numbers[run]);
      if (point >= points) continue;
      for (std::size_t m = 0; m < index.size(); ++m) {
        if (std::isnan(values[run][m])) continue;
        sum_[point][m] += values[run][m];
        ++count_[point][m];
      }
    }
  }

  /// The output of design point `point` for metric `m`.
  double operator()(std::size_t point, std::size_t m) const {
    return count_[point][m] ? sum_[point][m] / static_cast<double>(count_[point][m])
                            : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  std::vector<std::vector<double>> sum_;
  std::vector<std::vector<std::size_t>> count_;
};

/// Sobol indices of metric `m` from the base samples whose k + 2 points all have an output.
void add_sobol(SensitivityResult& r, const experiments::ExperimentSpec& spec,
               const PointOutputs& output, std::size_t m, std::size_t bootstrap) {
  const std::size_t k = spec.design.parameters.size();
  std::vector<double> y_a, y_b;
  std::vector<std::vector<double>> y_ab(k);
  std::size_t dropped = 0;
  const experiments::Design& design = spec.design;
  for (std::size_t j = 0; j < design.samples; ++j) {
    bool complete = true;
    for (std::size_t b = 0; b < k + 2; ++b)
      complete &= !std::isnan(output(design.sobol_point(j, b), m));
    if (!complete) {
      ++dropped;
      continue;
    }
    y_a.push_back(output(design.sobol_point(j, 0), m));
    y_b.push_back(output(design.sobol_point(j, 1), m));
    for (std::size_t i = 0; i < k; ++i) y_ab[i].push_back(output(design.sobol_point(j, 2 + i), m));
  }
  if (y_a.size() < 2) {
    throw UsageError(
        fmt::format("too few complete base samples for Sobol indices of {} ({}; the metric may be "
                    "off in this experiment)",
                    r.metrics[m], y_a.size()));
  }
  r.samples_used = y_a.size();
  r.samples_dropped = dropped;
  r.sobol.push_back(sobol_indices(y_a, y_b, y_ab, bootstrap, spec.seed));
}

/// Morris statistics of metric `m` from the trajectories whose k + 1 points all have an output.
void add_morris(SensitivityResult& r, const experiments::Design& design, const PointOutputs& output,
                std::size_t m) {
  const std::size_t k = design.parameters.size();
  const double delta = static_cast<double>(design.levels) / (2.0 * (design.levels - 1));
  std::vector<std::vector<double>> effects(k);
  std::size_t used = 0, dropped = 0;
  for (std::size_t t = 0; t < design.samples; ++t) {
    const std::size_t base = t * (k + 1);
    bool complete = !std::isnan(output(base, m));
    for (std::size_t step = 1; step <= k; ++step) complete &= !std::isnan(output(base + step, m));
    if (!complete) {
      ++dropped;
      continue;
    }
    ++used;
    for (std::size_t step = 1; step <= k; ++step) {
      const std::size_t moved =
          design.block_of(base + step) - 1;  // block i: parameter i (1-based) moved
      effects[moved].push_back((output(base + step, m) - output(base + step - 1, m)) / delta);
    }
  }
  if (used == 0) throw UsageError("no complete trajectory for Morris effects of " + r.metrics[m]);
  r.samples_used = used;
  r.samples_dropped = dropped;
  r.morris.push_back(morris_indices(effects));
}

}  // namespace

SensitivityResult sensitivity(const experiments::ResultsReader& results,
                              std::vector<std::string> metrics, const Window& window,
                              std::size_t bootstrap) {
  const experiments::ExperimentSpec spec = sensitivity_experiment(results);
  const experiments::Design& design = spec.design;
  const bool saltelli = design.sobol_blocks();
  if (metrics.empty()) metrics = {"strategic_fit"};
  const std::vector<std::size_t> index = metric_indices(results, metrics);

  SensitivityResult r;
  r.method = saltelli ? "sobol" : "morris";
  for (const auto* p : design.parameters) r.parameters.push_back(std::string(p->name));
  r.metrics = metrics;
  r.window = window;
  r.bootstrap = saltelli ? bootstrap : 0;
  const PointOutputs output(results, index, window, design.size());
  for (std::size_t m = 0; m < index.size(); ++m) {
    if (saltelli) {
      add_sobol(r, spec, output, m, bootstrap);
    } else {
      add_morris(r, design, output, m);
    }
  }
  return r;
}

void print_sensitivity(std::ostream& out, const SensitivityResult& r) {
  const std::string dropped = r.samples_dropped
                                  ? fmt::format(", {} left out (incomplete)", r.samples_dropped)
                                  : std::string();
  if (r.method == "sobol") {
    out << fmt::format(
        "Sobol indices at {} ({} base samples{}; 95% bootstrap intervals, {} resamples)\n",
        describe(r.window), r.samples_used, dropped, r.bootstrap);
  } else {
    out << fmt::format(
        "Morris elementary effects at {} ({} trajectories{}; effects per unit of each parameter's "
        "range)\n",
        describe(r.window), r.samples_used, dropped);
  }
  std::size_t width = 9;
  for (const auto& p : r.parameters) width = std::max(width, p.size());
  for (std::size_t m = 0; m < r.metrics.size(); ++m) {
    out << '\n'
        << r.metrics[m] << '\n'
        << std::left << std::setw(static_cast<int>(width)) << "parameter";
    if (r.method == "sobol") {
      out << "  first order  95% CI            total  95% CI\n";
      for (std::size_t i = 0; i < r.parameters.size(); ++i) {
        const SobolIndex& s = r.sobol[m][i];
        out << std::setw(static_cast<int>(width)) << r.parameters[i] << "  " << std::right
            << std::setw(11) << number(s.first) << "  [" << number(s.first_low) << ", "
            << number(s.first_high) << "]  " << std::setw(6) << number(s.total) << "  ["
            << number(s.total_low) << ", " << number(s.total_high) << "]\n"
            << std::left;
      }
    } else {
      out << "      mu*       mu    sigma  effects\n";
      for (std::size_t i = 0; i < r.parameters.size(); ++i) {
        const MorrisIndex& e = r.morris[m][i];
        out << std::setw(static_cast<int>(width)) << r.parameters[i] << std::right << std::setw(9)
            << number(e.mu_star) << std::setw(9) << number(e.mu) << std::setw(9) << number(e.sigma)
            << std::setw(9) << e.effects << '\n'
            << std::left;
      }
    }
  }
}

void print_sensitivity_csv(std::ostream& out, const SensitivityResult& r) {
  const auto full = [](double x) {
    return std::isnan(x) ? std::string("nan") : fmt::format("{:.17g}", x);
  };
  if (r.method == "sobol") {
    out << "metric,parameter,first,first_low,first_high,total,total_low,total_high\n";
    for (std::size_t m = 0; m < r.metrics.size(); ++m) {
      for (std::size_t i = 0; i < r.parameters.size(); ++i) {
        const SobolIndex& s = r.sobol[m][i];
        out << r.metrics[m] << ',' << r.parameters[i] << ',' << full(s.first) << ','
            << full(s.first_low) << ',' << full(s.first_high) << ',' << full(s.total) << ','
            << full(s.total_low) << ',' << full(s.total_high) << '\n';
      }
    }
  } else {
    out << "metric,parameter,mu_star,mu,sigma,effects\n";
    for (std::size_t m = 0; m < r.metrics.size(); ++m) {
      for (std::size_t i = 0; i < r.parameters.size(); ++i) {
        const MorrisIndex& e = r.morris[m][i];
        out << r.metrics[m] << ',' << r.parameters[i] << ',' << full(e.mu_star) << ',' << full(e.mu)
            << ',' << full(e.sigma) << ',' << e.effects << '\n';
      }
    }
  }
}

}  // namespace orgsim::analysis
