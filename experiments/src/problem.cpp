// Sampling problems for SALib and EMA Workbench (problem.hpp).
#include "orgsim/experiments/problem.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace orgsim::experiments {

namespace {

using Distribution = ParameterRange::Distribution;

bool discrete_type(const ParamSpec& p) {
  return p.type == agents::ParamType::boolean || p.type == agents::ParamType::choice;
}

std::string text_of(const ParamValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return agents::format_value(v);
}

double number_of(const ParamValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::numeric_limits<double>::quiet_NaN();
}

/// A discrete variable over `values`: u in [0, n).
ProblemVariable discrete(const ParamSpec& p, const std::vector<ParamValue>& values) {
  ProblemVariable v{std::string(p.name), 0, static_cast<double>(values.size()), "unif", {}};
  for (const auto& value : values) v.values.push_back(text_of(value));
  return v;
}

ProblemVariable numeric(const ParamSpec& p, double low, double high) {
  const bool integer = p.type == agents::ParamType::integer;
  return {std::string(p.name), integer ? low - 0.5 : low, integer ? high + 0.5 : high, "unif", {}};
}

/// The whole range of a parameter, from the parameter table.
ProblemVariable whole_range(const ParamSpec& p) {
  if (p.type == agents::ParamType::boolean) return discrete(p, {false, true});
  if (p.type == agents::ParamType::choice) {
    std::vector<ParamValue> values;
    for (auto c : p.choices) values.emplace_back(std::string(c));
    return discrete(p, values);
  }
  return numeric(p, p.min, p.max);
}

ProblemVariable from_range(const ParameterRange& r) {
  const ParamSpec& p = *r.parameter;
  if (r.discrete()) return discrete(p, r.values);
  if (r.distribution == Distribution::normal)
    return {std::string(p.name), r.mean, r.sd, "norm", {}};
  if (r.distribution == Distribution::lognormal)
    return {std::string(p.name), r.mean, r.sd, "lognorm", {}};
  return numeric(p, r.min, r.max);
}

/// A parameter given as a list of values (grid, list, samples): their span, or the values.
ProblemVariable from_values(const ParamSpec& p, const std::vector<ParamValue>& values) {
  if (discrete_type(p)) {
    std::vector<ParamValue> distinct;
    for (const auto& v : values)
      if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
    return discrete(p, distinct);
  }
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const auto& v : values) {
    low = std::min(low, number_of(v));
    high = std::max(high, number_of(v));
  }
  return numeric(p, low, high);
}

std::vector<ProblemVariable> design_problem(const Design& design) {
  std::vector<ProblemVariable> out;
  const std::size_t k = design.parameters.size();
  for (std::size_t p = 0; p < k; ++p) {
    const ParamSpec& param = *design.parameters[p];
    if (!design.ranges.empty()) {
      out.push_back(from_range(design.ranges[p]));
    } else if (design.kind == DesignKind::grid) {
      out.push_back(from_values(param, design.grid_values[p]));
    } else {
      std::vector<ParamValue> column;
      for (const auto& point : design.list_points) column.push_back(point[p]);
      out.push_back(from_values(param, column));
    }
  }
  return out;
}

void append_string(std::string& out, const std::string& text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      continue;
    }
    out += c;
  }
  out += '"';
}

std::string json_number(double x) {
  return agents::format_value(ParamValue{x});
}

}  // namespace

std::vector<ProblemVariable> sampling_problem(const ExperimentSpec& spec,
                                              const std::vector<std::string>& parameters) {
  if (parameters.empty()) {
    if (spec.design.parameters.empty())
      throw UsageError(
          "the experiment's design varies no parameter: name them with --parameters a,b (their "
          "whole ranges), or give the file a [sweep.*] design");
    return design_problem(spec.design);
  }
  std::vector<ProblemVariable> out;
  std::vector<std::string> known;
  for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
  for (const std::string& name : parameters) {
    const ParamSpec* p = agents::find_parameter(name);
    if (!p || name == "org.chart")
      throw UsageError(
          fmt::format("--parameters: '{}' is not a parameter{}", name, did_you_mean(name, known)));
    out.push_back(whole_range(*p));
  }
  return out;
}

std::string problem_json(const std::vector<ProblemVariable>& variables) {
  std::string out = fmt::format("{{\n  \"num_vars\": {},\n  \"names\": [", variables.size());
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (i) out += ", ";
    append_string(out, variables[i].name);
  }
  out += "],\n  \"bounds\": [";
  for (std::size_t i = 0; i < variables.size(); ++i)
    out += fmt::format("{}[{}, {}]", i ? ", " : "", json_number(variables[i].low),
                       json_number(variables[i].high));
  out += "],\n  \"dists\": [";
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (i) out += ", ";
    append_string(out, variables[i].dist);
  }
  out += "]";
  bool any = false;
  for (const auto& v : variables) {
    if (v.values.empty()) continue;
    out += any ? ",\n    " : ",\n  \"orgsim_values\": {\n    ";
    any = true;
    append_string(out, v.name);
    out += ": [";
    for (std::size_t k = 0; k < v.values.size(); ++k) {
      if (k) out += ", ";
      append_string(out, v.values[k]);
    }
    out += "]";
  }
  if (any) out += "\n  }";
  out += "\n}\n";
  return out;
}

}  // namespace orgsim::experiments
