// Rejection ABC (calibrate.hpp).
#include "orgsim/analysis/calibrate.hpp"
#include "orgsim/analysis/statistics.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace orgsim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SourceLocation where(const std::string& path, const toml::source_region& region) {
  return {path, region.begin.line, region.begin.column};
}

double number(const std::string& path, const toml::node& node, const std::string& what) {
  if (const auto v = node.value<double>()) return *v;
  throw ConfigError(where(path, node.source()), what + ": expected a number");
}

void read_priors(const std::string& path, const toml::table& table, CalibrationPlan& plan) {
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const auto* range = node.as_table();
    const agents::ParamSpec* spec = agents::find_parameter(name);
    if (!spec ||
        (spec->type != agents::ParamType::real && spec->type != agents::ParamType::integer))
      throw ConfigError(
          where(path, key.source()),
          "priors: '" + name + "' is not a numeric parameter (orgsim params lists them)");
    if (!range || !range->contains("min") || !range->contains("max"))
      throw ConfigError(where(path, node.source()),
                        "priors." + name + ": expected { min = .., max = .. } (a uniform prior)");
    Prior prior{name, number(path, *range->get("min"), "priors." + name + ".min"),
                number(path, *range->get("max"), "priors." + name + ".max")};
    if (!(prior.min < prior.max) || prior.min < spec->min || prior.max > spec->max)
      throw ConfigError(where(path, node.source()),
                        fmt::format("priors.{}: expected min < max inside the parameter's range "
                                    "[{}, {}]",
                                    name, spec->min, spec->max));
    plan.priors.push_back(prior);
  }
}

void read_targets(const std::string& path, const toml::table& table, CalibrationPlan& plan) {
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const auto* spec = node.as_table();
    if (!spec || !spec->contains("value"))
      throw ConfigError(
          where(path, node.source()),
          "targets." + name + ": expected { value = .., at = \"mean:52-260\", sd = .. }");
    Target target;
    target.metric = name;
    target.value = number(path, *spec->get("value"), "targets." + name + ".value");
    if (const auto* at = spec->get("at")) {
      const auto text = at->value<std::string>();
      if (!text)
        throw ConfigError(where(path, at->source()), "targets." + name + ".at: expected a string");
      target.at = *text;
    }
    try {
      target.window = parse_window(target.at);
    } catch (const UsageError& e) {
      throw ConfigError(where(path, node.source()), "targets." + name + ".at: " + e.what());
    }
    if (const auto* sd = spec->get("sd")) {
      target.sd = number(path, *sd, "targets." + name + ".sd");
      if (!(target.sd > 0))
        throw ConfigError(where(path, sd->source()), "targets." + name + ".sd: expected > 0");
    }
    plan.targets.push_back(target);
  }
}

void read_settings(const std::string& path, const toml::table& abc, CalibrationPlan& plan) {
  for (auto&& [key, node] : abc) {
    const std::string name(key.str());
    const double v = number(path, node, "abc." + name);
    const auto at = where(path, node.source());
    if (name == "samples") {
      if (v < 10 || v > 1e7 || v != std::floor(v))
        throw ConfigError(at, "abc.samples: expected an integer in [10, 10^7]");
      plan.samples = static_cast<std::size_t>(v);
    } else if (name == "replications") {
      if (v < 1 || v > 1e4 || v != std::floor(v))
        throw ConfigError(at, "abc.replications: expected an integer in [1, 10^4]");
      plan.replications = static_cast<std::size_t>(v);
    } else if (name == "accept") {
      if (!(v > 0 && v <= 1)) throw ConfigError(at, "abc.accept: expected a share in (0, 1]");
      plan.accept = v;
    } else {
      throw ConfigError(where(path, key.source()),
                        "abc: unknown key '" + name + "' (samples, replications, accept)");
    }
  }
}

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return kNaN;
  const double m = mean_of(v);
  double squares = 0;
  for (double x : v) squares += (x - m) * (x - m);
  return std::sqrt(squares / static_cast<double>(v.size() - 1));
}

/// Each target's scale: its sd, or the MAD (x 1.4826, the sd of a normal) over the draws.
std::vector<double> scales(const CalibrationPlan& plan,
                           const std::vector<std::vector<double>>& stats) {
  std::vector<double> out;
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    if (plan.targets[t].sd > 0) {
      out.push_back(plan.targets[t].sd);
      continue;
    }
    std::vector<double> column;
    for (const auto& s : stats)
      if (!std::isnan(s[t])) column.push_back(s[t]);
    double scale = 0;
    if (!column.empty()) {
      const double median = percentile(column, 0.5);
      std::vector<double> deviation;
      for (double x : column) deviation.push_back(std::abs(x - median));
      scale = 1.4826 * percentile(deviation, 0.5);
      if (scale <= 0) scale = sd_of(column);
    }
    out.push_back(scale > 0 && std::isfinite(scale) ? scale : 1.0);
  }
  return out;
}

}  // namespace

CalibrationPlan read_calibration_plan(const std::string& path) {
  toml::table file;
  try {
    file = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(where(path, e.source()), std::string(e.description()));
  }
  CalibrationPlan plan;
  for (auto&& [key, node] : file) {
    const std::string name(key.str());
    const auto* table = node.as_table();
    if (!table || (name != "priors" && name != "targets" && name != "abc"))
      throw ConfigError(where(path, key.source()),
                        "expected the tables [priors], [targets] and [abc], not '" + name + "'");
  }
  if (const auto* priors = file["priors"].as_table()) read_priors(path, *priors, plan);
  if (const auto* targets = file["targets"].as_table()) read_targets(path, *targets, plan);
  if (const auto* abc = file["abc"].as_table()) read_settings(path, *abc, plan);
  if (plan.priors.empty())
    throw ConfigError({path, 1, 1},
                      "[priors] names no parameter, e.g. \"learning.turnover_rate\" = { min = "
                      "0.001, max = 0.02 }");
  if (plan.targets.empty())
    throw ConfigError({path, 1, 1},
                      "[targets] names no statistic, e.g. turnover_rate = { value = 0.004, at = "
                      "\"mean:1-260\" }");
  if (static_cast<double>(plan.samples) * plan.accept < 1)
    throw ConfigError({path, 1, 1}, "abc: samples x accept keeps no draw");
  return plan;
}

std::string calibration_experiment(const std::string& experiment, const CalibrationPlan& plan) {
  // The resolved text sets every parameter in [scenario]: the priors' lines go (the sweep
  // varies them; a parameter set in both is refused).
  std::string text;
  std::size_t pos = 0;
  while (pos < experiment.size()) {
    std::size_t end = experiment.find('\n', pos);
    if (end == std::string::npos) end = experiment.size();
    const std::string_view line(experiment.data() + pos, end - pos);
    const bool prior = std::any_of(plan.priors.begin(), plan.priors.end(), [&](const Prior& p) {
      return line.starts_with(p.parameter + " = ");
    });
    if (!prior) text.append(line).append("\n");
    pos = end + 1;
  }
  text += "\n[sweep.lhs]\nsamples = " + std::to_string(plan.samples) + "\n";
  for (const Prior& p : plan.priors)
    text += fmt::format("\"{}\" = {{ min = {:.17g}, max = {:.17g} }}\n", p.parameter, p.min, p.max);
  return text;
}

Calibration calibrate(const experiments::ResultsReader& results, const CalibrationPlan& plan) {
  Calibration c;
  c.plan = plan;
  const auto* point = results.run_column("design_point");
  std::size_t points = 0;
  for (double p : point->numbers) points = std::max(points, static_cast<std::size_t>(p) + 1);
  c.draws.assign(points, std::vector<double>(plan.priors.size(), kNaN));
  std::vector<std::vector<double>> sum(points, std::vector<double>(plan.targets.size(), 0));
  std::vector<std::vector<std::size_t>> count(points,
                                              std::vector<std::size_t>(plan.targets.size(), 0));
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    const auto metric = metric_indices(results, {plan.targets[t].metric}).front();
    const auto values = run_values(results, {metric}, plan.targets[t].window);
    for (std::size_t run = 0; run < values.size(); ++run) {
      if (values[run].empty() || std::isnan(values[run][0])) continue;
      const auto p = static_cast<std::size_t>(point->numbers[run]);
      sum[p][t] += values[run][0];
      ++count[p][t];
    }
  }
  for (std::size_t k = 0; k < plan.priors.size(); ++k) {
    const auto* column = results.run_column(plan.priors[k].parameter);
    if (!column)
      throw UsageError("calibrate: the results lack the column " + plan.priors[k].parameter);
    for (std::size_t run = 0; run < column->numbers.size(); ++run)
      c.draws[static_cast<std::size_t>(point->numbers[run])][k] = column->numbers[run];
  }
  c.stats.assign(points, std::vector<double>(plan.targets.size(), kNaN));
  for (std::size_t p = 0; p < points; ++p)
    for (std::size_t t = 0; t < plan.targets.size(); ++t)
      if (count[p][t]) c.stats[p][t] = sum[p][t] / static_cast<double>(count[p][t]);
  c.scale = scales(plan, c.stats);
  std::vector<std::size_t> valid;
  for (std::size_t p = 0; p < points; ++p) {
    double squares = 0;
    for (std::size_t t = 0; t < plan.targets.size(); ++t) {
      const double z = (c.stats[p][t] - plan.targets[t].value) / c.scale[t];
      squares += z * z;
    }
    c.distance.push_back(std::sqrt(squares));
    if (!std::isnan(c.distance.back())) valid.push_back(p);
  }
  if (valid.empty()) throw UsageError("calibrate: no draw has every target statistic");
  std::stable_sort(valid.begin(), valid.end(),
                   [&](std::size_t a, std::size_t b) { return c.distance[a] < c.distance[b]; });
  const auto keep = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::llround(plan.accept * static_cast<double>(valid.size()))));
  c.accepted.assign(valid.begin(),
                    valid.begin() + static_cast<std::ptrdiff_t>(std::min(keep, valid.size())));
  return c;
}

void print_calibration(std::ostream& out, const Calibration& c) {
  const CalibrationPlan& plan = c.plan;
  out << fmt::format(
      "Rejection ABC: {} of {} draws kept (the closest {:.1f}%; distance <= {:.3g}), {} "
      "replication{} per draw\n\nPosterior (kept draws)\n",
      c.accepted.size(), c.draws.size(), 100.0 * plan.accept, c.distance[c.accepted.back()],
      plan.replications, plan.replications == 1 ? "" : "s");
  std::size_t width = 9;
  for (const auto& p : plan.priors) width = std::max(width, p.parameter.size());
  out << fmt::format("{:<{}}  {:>10}  {:>10}  {:>23}  {:>23}  {:>6}\n", "parameter", width, "mean",
                     "median", "95% interval", "prior", "width");
  for (std::size_t k = 0; k < plan.priors.size(); ++k) {
    std::vector<double> v;
    for (std::size_t d : c.accepted) v.push_back(c.draws[d][k]);
    const Prior& p = plan.priors[k];
    const double low = percentile(v, 0.025), high = percentile(v, 0.975);
    out << fmt::format(
        "{:<{}}  {:>10.4g}  {:>10.4g}  {:>23}  {:>23}  {:>5.0f}%\n", p.parameter, width, mean_of(v),
        percentile(v, 0.5), fmt::format("[{:.4g}, {:.4g}]", low, high),
        fmt::format("[{:.4g}, {:.4g}]", p.min, p.max), 100.0 * (high - low) / (p.max - p.min));
  }
  out << "(width: the interval as a share of the prior's; near 100%: the targets do not inform "
         "the parameter)\n\nFit\n";
  out << fmt::format("{:<32}  {:>12}  {:>12}  {:>10}  {:>12}  {}\n", "target", "value", "kept mean",
                     "kept sd", "prior mean", "scale");
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    std::vector<double> kept, all;
    for (std::size_t d : c.accepted) kept.push_back(c.stats[d][t]);
    for (const auto& s : c.stats)
      if (!std::isnan(s[t])) all.push_back(s[t]);
    const Target& target = plan.targets[t];
    out << fmt::format("{:<32}  {:>12.4g}  {:>12.4g}  {:>10.3g}  {:>12.4g}  {:.3g} ({})\n",
                       target.metric + " @ " + target.at, target.value, mean_of(kept), sd_of(kept),
                       mean_of(all), c.scale[t], target.sd > 0 ? "sd" : "MAD");
  }
  // Caveats: a target the kept draws do not reach is not fitted, whatever the posterior says.
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    std::vector<double> kept;
    for (std::size_t d : c.accepted) kept.push_back(c.stats[d][t]);
    const double miss = std::abs(mean_of(kept) - plan.targets[t].value) / c.scale[t];
    if (miss > 2)
      out << fmt::format(
          "caveat: {} is missed by {:.1f} scales (kept mean {:.4g} against {:.4g}): no draw "
          "reproduces it; widen the priors, add a parameter that moves it, or check the target\n",
          plan.targets[t].metric, miss, mean_of(kept), plan.targets[t].value);
  }
}

void print_posterior_csv(std::ostream& out, const Calibration& c) {
  out << "distance";
  for (const auto& p : c.plan.priors) out << ',' << p.parameter;
  for (const auto& t : c.plan.targets) out << ',' << t.metric;
  out << '\n';
  for (std::size_t d : c.accepted) {
    out << fmt::format("{:.17g}", c.distance[d]);
    for (double v : c.draws[d]) out << fmt::format(",{:.17g}", v);
    for (double v : c.stats[d]) out << fmt::format(",{:.17g}", v);
    out << '\n';
  }
}

}  // namespace orgsim::analysis
