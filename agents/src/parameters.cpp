// The parameter table (the rows of every registered submodel) and the conversions around it.
#include "orgsim/agents/parameters.hpp"

#include "orgsim/agents/submodel.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <deque>
#include <mutex>
#include <sstream>

namespace orgsim::agents {

std::string short_number(double x) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);  // shortest round trip
  return std::string(buffer, result.ptr);
}

namespace {

std::string format_number(double x) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);  // shortest round trip
  std::string s(buffer, result.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::span<const ParamSpec> parameter_table() {
  static const std::vector<ParamSpec> table = [] {
    std::vector<ParamSpec> rows;
    for (const Submodel* submodel : submodels()) {
      if (submodel->parameters) submodel->parameters(rows);
    }
    return rows;
  }();
  return table;
}

const ParamSpec* find_parameter(std::string_view name) {
  for (const ParamSpec& spec : parameter_table()) {
    if (spec.name == name) return &spec;
  }
  constexpr std::string_view head = "events.", tail = ".at";
  if (name.size() > head.size() + tail.size() && name.starts_with(head) && name.ends_with(tail))
    return event_time_parameter(name.substr(head.size(), name.size() - head.size() - tail.size()));
  return nullptr;
}

const ParamSpec* event_time_parameter(std::string_view event) {
  static std::mutex mutex;
  static std::deque<ParamSpec> rows;  // a deque keeps the rows where they are as it grows
  const std::string full = "events." + std::string(event) + ".at";
  const std::lock_guard lock(mutex);
  for (const ParamSpec& row : rows)
    if (row.name == full) return &row;
  ParamSpec spec{full,
                 ParamType::integer,
                 std::int64_t{0},
                 0,
                 1e9,
                 {},
                 "tick",
                 "Time of the events with this name: moves each of them to this tick (0 or unset: "
                 "their own at = ..., as in an option or list point that leaves it out).",
                 {},
                 {}};
  spec.set = [full](ModelParams& p, const ParamValue& v) { p.extensions[full] = v; };
  spec.get = [full](const ModelParams& p) {
    const auto it = p.extensions.find(full);
    return it == p.extensions.end() ? ParamValue{std::int64_t{0}} : it->second;
  };
  return &rows.emplace_back(std::move(spec));
}

std::string_view moved_event(const ParamSpec& spec) {
  const std::string_view name = spec.name;
  if (name.size() <= 10 || !name.starts_with("events.") || !name.ends_with(".at")) return {};
  return name.substr(7, name.size() - 10);
}

ModelParams ModelParams::defaults() {
  ModelParams params;
  for (const ParamSpec& spec : parameter_table()) assign(params, spec, spec.default_value);
  return params;
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "real";
    case ParamType::boolean:
      return "boolean";
    case ParamType::choice:
      return "choice";
  }
  return "?";
}

std::string expected_value(const ParamSpec& spec) {
  std::ostringstream out;
  switch (spec.type) {
    case ParamType::integer:
      out << "an integer in [" << static_cast<std::int64_t>(spec.min) << ", "
          << static_cast<std::int64_t>(spec.max) << "]";
      break;
    case ParamType::real:
      out << "a real number in [" << short_number(spec.min) << ", " << short_number(spec.max)
          << "]";
      break;
    case ParamType::boolean:
      out << "true or false";
      break;
    case ParamType::choice: {
      out << "one of";
      for (std::size_t k = 0; k < spec.choices.size(); ++k) {
        out << (k ? ", " : " ") << '"' << spec.choices[k] << '"';
      }
      break;
    }
  }
  return out.str();
}

std::optional<ParamValue> coerce(const ParamSpec& spec, const ParamValue& value) {
  switch (spec.type) {
    case ParamType::integer: {
      const auto* v = std::get_if<std::int64_t>(&value);
      if (!v || static_cast<double>(*v) < spec.min || static_cast<double>(*v) > spec.max) {
        return std::nullopt;
      }
      return *v;
    }
    case ParamType::real: {
      double x;
      if (const auto* d = std::get_if<double>(&value)) {
        x = *d;
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        x = static_cast<double>(*i);
      } else {
        return std::nullopt;
      }
      if (!std::isfinite(x) || x < spec.min || x > spec.max) return std::nullopt;
      return x;
    }
    case ParamType::boolean:
      if (!std::holds_alternative<bool>(value)) return std::nullopt;
      return value;
    case ParamType::choice: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) return std::nullopt;
      for (std::string_view c : spec.choices) {
        if (c == *s) return value;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void assign(ModelParams& params, const ParamSpec& spec, const ParamValue& value) {
  spec.set(params, value);
}

ParamValue value_of(const ModelParams& params, const ParamSpec& spec) {
  return spec.get(params);
}

std::string format_value(const ParamValue& value) {
  struct Formatter {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return format_number(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return '"' + v + '"'; }
  };
  return std::visit(Formatter{}, value);
}

std::optional<ConsistencyProblem> check_consistency(const ModelParams& params) {
  if (params.org.teams > params.org.employees) {
    return ConsistencyProblem{"org.teams",
                              fmt::format("org.teams ({}) must not exceed org.employees ({})",
                                          params.org.teams, params.org.employees)};
  }
  if (params.growth.maturity_threshold < params.growth.growth_threshold) {
    return ConsistencyProblem{
        "growth.maturity_threshold",
        "growth.maturity_threshold must not be below growth.growth_threshold"};
  }
  if (params.coordination.enabled && !(params.structure.enabled && params.work.enabled)) {
    return ConsistencyProblem{"coordination.enabled",
                              "coordination.enabled needs structure.enabled and work.enabled "
                              "(exceptions come from the teams' work and go up their hierarchy)"};
  }
  if (params.landscape.enabled && params.learning.dimensions > kMaxLandscapeDecisions) {
    return ConsistencyProblem{
        "learning.dimensions",
        fmt::format("a landscape has at most {} decisions: learning.dimensions is {}",
                    kMaxLandscapeDecisions, params.learning.dimensions)};
  }
  if (params.landscape.enabled && params.landscape.k >= params.learning.dimensions &&
      params.landscape.k > 0) {
    return ConsistencyProblem{"landscape.k",
                              fmt::format("landscape.k ({}) must be below learning.dimensions ({})",
                                          params.landscape.k, params.learning.dimensions)};
  }
  if (params.landscape.enabled && params.landscape.contributions == Contributions::march &&
      params.landscape.k != 0) {
    return ConsistencyProblem{"landscape.k",
                              "landscape.contributions = \"march\" needs landscape.k = 0 (March's "
                              "dimensions are independent)"};
  }
  return std::nullopt;
}

}  // namespace orgsim::agents
