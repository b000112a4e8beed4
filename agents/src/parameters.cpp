// The parameter table and the conversions around it.
#include "orgsim/agents/parameters.hpp"

#include <cmath>
#include <sstream>

namespace orgsim::agents {

namespace {

using P = ModelParams;

std::vector<ParamSpec> build_table() {
  std::vector<ParamSpec> t;
  t.push_back({"org.employees", ParamType::integer, std::int64_t{50}, 1, 100'000'000, {},
               "employees", "Number of employees at the start of a run.", &P::employees});
  t.push_back({"org.teams", ParamType::integer, std::int64_t{1}, 1, 10'000'000, {}, "teams",
               "Number of teams; employees are split into contiguous, near-equal teams "
               "(at most one team per employee).",
               &P::teams});
  t.push_back({"learning.dimensions", ParamType::integer, std::int64_t{30}, 1, 1024, {},
               "dimensions",
               "Number of dimensions m of reality, the organizational code and beliefs "
               "(March 1991's m).",
               &P::dimensions});
  t.push_back({"learning.socialization_rate", ParamType::real, 0.1, 0, 1, {}, "probability/tick",
               "March's p1: per tick and per dimension where an employee's belief differs from a "
               "non-zero code value, the probability that the belief moves one step toward it.",
               &P::socialization_rate});
  t.push_back({"learning.code_learning_rate", ParamType::real, 0.5, 0, 1, {}, "probability/tick",
               "March's p2: the code adopts the superior group's majority on a dimension with "
               "probability 1-(1-p2)^k, k = |#(+1) - #(-1)| among that group's actions.",
               &P::code_learning_rate});
  t.push_back({"learning.turnover_rate", ParamType::real, 0.0, 0, 1, {}, "probability/tick",
               "March's p3: per tick, the probability that an employee leaves and is replaced by "
               "a new hire with random beliefs.",
               &P::turnover_rate});
  t.push_back({"learning.turbulence_rate", ParamType::real, 0.0, 0, 1, {}, "probability/tick",
               "March's p4: per tick, the probability that each dimension of reality flips sign.",
               &P::turbulence_rate});
  return t;
}

std::string format_number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  std::string s = out.str();
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::span<const ParamSpec> parameter_table() {
  static const std::vector<ParamSpec> table = build_table();
  return table;
}

const ParamSpec* find_parameter(std::string_view name) {
  for (const ParamSpec& spec : parameter_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

ModelParams ModelParams::defaults() {
  ModelParams params;
  for (const ParamSpec& spec : parameter_table()) assign(params, spec, spec.default_value);
  return params;
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::boolean: return "boolean";
    case ParamType::choice: return "choice";
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
      out << "a real number in [" << spec.min << ", " << spec.max << "]";
      break;
    case ParamType::boolean: out << "true or false"; break;
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
  std::visit(
      [&](auto member) {
        using Field = std::remove_reference_t<decltype(params.*member)>;
        params.*member = std::get<Field>(value);
      },
      spec.field);
}

ParamValue value_of(const ModelParams& params, const ParamSpec& spec) {
  return std::visit([&](auto member) { return ParamValue(params.*member); }, spec.field);
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
  if (params.teams > params.employees) {
    return ConsistencyProblem{"org.teams", "org.teams (" + std::to_string(params.teams) +
                                               ") must not exceed org.employees (" +
                                               std::to_string(params.employees) + ")"};
  }
  return std::nullopt;
}

}  // namespace orgsim::agents
