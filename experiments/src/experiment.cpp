// Loading and validating experiment files with toml++ (source positions for every error).
#include "orgsim/experiments/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace orgsim::experiments {

namespace {

using agents::ParamSpec;
using agents::ParamType;

SourceLocation location(const toml::source_region& region, std::string_view fallback) {
  SourceLocation where;
  where.file = region.path ? *region.path : std::string(fallback);
  where.line = region.begin.line;
  where.column = region.begin.column;
  return where;
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1u : 0u)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// " (did you mean \"x\"?)" for the closest candidate, if it is close enough.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close enough to be a typo: at most 3 edits, and fewer for short words.
  if (best.empty() || best_distance > std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 5))) return "";
  return " (did you mean \"" + best + "\"?)";
}

/// A value somewhere in the input: its dotted path, node, and where its key and value are.
struct Leaf {
  std::string path;
  const toml::node* node = nullptr;
  SourceLocation key_at;
  SourceLocation value_at;
  std::size_t order = 0;  // input order: file positions first, then --set arguments
};

class Loader {
 public:
  Loader(std::string_view source_name) : source_name_(source_name) {}

  void add_file(std::string_view text) {
    tables_.push_back(parse(text, source_name_));
    file_ = tables_.back().get();
    collect(*file_, "");
  }

  void add_override(const std::string& argument) {
    const auto eq = argument.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError({"--set", 0, 0},
                        "'" + argument + "': expected KEY=VALUE, e.g. experiment.seed=7");
    }
    // Errors name the argument: "--set 'experiment.ticks=0':1:18: error: ...".
    const std::string name = "--set '" + argument + "'";
    std::string value = argument.substr(eq + 1);
    const auto first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    const bool bare_word = !value.empty() && (std::isalpha(static_cast<unsigned char>(value[0])) || value[0] == '_') &&
                           value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                               std::string::npos &&
                           value != "true" && value != "false" && value != "inf" && value != "nan";
    std::string text = argument;
    if (bare_word) text = argument.substr(0, eq) + "=\"" + value + "\"";  // structure.type=flat
    std::unique_ptr<toml::table> table = parse(text, name);
    tables_.push_back(std::move(table));
    collect(*tables_.back(), "");
  }

  ExperimentSpec build() {
    ExperimentSpec spec;
    spec.source_name = source_name_;
    if (file_ && !file_->contains("experiment")) {
      throw ConfigError({source_name_, 1, 1},
                        "missing required table [experiment] (an empty [experiment] uses every default)");
    }
    std::map<std::string, const Leaf*> last;  // last value wins (--set after the file)
    for (const Leaf& leaf : leaves_) last[leaf.path] = &leaf;
    std::vector<const Leaf*> ordered;
    for (const auto& [path, leaf] : last) ordered.push_back(leaf);
    std::sort(ordered.begin(), ordered.end(),
              [](const Leaf* a, const Leaf* b) { return a->order < b->order; });

    for (const Leaf* leaf : ordered) {
      const std::string& path = leaf->path;
      if (path.starts_with("experiment.")) {
        experiment_key(spec, *leaf, path.substr(11));
      } else if (path.starts_with("scenario.")) {
        const ParamSpec& param = parameter(*leaf, path.substr(9), "scenario.");
        agents::assign(spec.scenario, param, value_for(param, *leaf->node, leaf->value_at));
        where_[std::string(param.name)] = leaf->value_at;
      } else if (path.starts_with("sweep.grid.")) {
        grid_axis(spec, *leaf, path.substr(11));
      } else {
        throw unknown_key(*leaf);
      }
    }
    if (spec.name.empty()) {
      const auto slash = source_name_.find_last_of('/');
      std::string stem = source_name_.substr(slash == std::string::npos ? 0 : slash + 1);
      if (const auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
      spec.name = stem;
    }
    for (const SweepAxis& axis : spec.grid) {
      const std::string name(axis.parameter->name);
      if (auto it = last.find("scenario." + name); it != last.end()) {
        throw ConfigError(it->second->key_at, "'" + name + "' is set in [scenario] and swept in [sweep.grid]; "
                                              "remove one (the sweep would silently win)");
      }
    }
    check_design(spec);
    return spec;
  }

 private:
  static std::unique_ptr<toml::table> parse(std::string_view text, std::string_view name) {
    try {
      return std::make_unique<toml::table>(toml::parse(text, name));
    } catch (const toml::parse_error& e) {
      throw ConfigError(location(e.source(), name),
                        "TOML syntax: " + std::string(e.description()));
    }
  }

  void collect(const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
      const std::string path = prefix + std::string(key.str());
      if (const auto* sub = node.as_table()) {
        check_section(path, location(key.source(), source_name_));
        collect(*sub, path + ".");
        continue;
      }
      Leaf leaf{path, &node, location(key.source(), source_name_),
                location(node.source(), source_name_), 0};
      leaf.order = (tables_.size() << 40) | (std::uint64_t{leaf.key_at.line} << 20) |
                   leaf.key_at.column;
      leaves_.push_back(std::move(leaf));
    }
  }

  /// Tables may only appear where the format has them.
  void check_section(const std::string& path, const SourceLocation& at) {
    static const std::vector<std::string> top = {"experiment", "scenario", "sweep"};
    const auto dot = path.find('.');
    const std::string head = path.substr(0, dot);
    if (std::find(top.begin(), top.end(), head) == top.end()) {
      throw ConfigError(at, "unknown table [" + path + "]; expected [experiment], [scenario] or "
                            "[sweep.grid]" + suggestion(head, top));
    }
    if (head == "experiment" && dot != std::string::npos) {
      throw ConfigError(at, "[experiment] has no sub-table '" + path.substr(dot + 1) + "'");
    }
    if (head == "sweep" && dot != std::string::npos && !path.starts_with("sweep.grid")) {
      const std::string kind = path.substr(dot + 1, path.find('.', dot + 1) - dot - 1);
      throw ConfigError(at, "unknown sweep design '" + kind + "'; expected [sweep.grid]" +
                                suggestion(kind, {"grid"}));
    }
  }

  ConfigError unknown_key(const Leaf& leaf) const {
    std::vector<std::string> known = {"experiment.name", "experiment.description",
                                      "experiment.ticks", "experiment.replications",
                                      "experiment.seed", "experiment.stop"};
    for (const ParamSpec& p : agents::parameter_table()) {
      known.push_back("scenario." + std::string(p.name));
      known.push_back("sweep.grid." + std::string(p.name));
    }
    return ConfigError(leaf.key_at, "unknown key '" + leaf.path + "'" + suggestion(leaf.path, known));
  }

  const ParamSpec& parameter(const Leaf& leaf, const std::string& name, const std::string& prefix) {
    if (const ParamSpec* p = agents::find_parameter(name)) return *p;
    std::vector<std::string> known;
    for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
    throw ConfigError(leaf.key_at, "unknown parameter '" + name + "' in " +
                                       prefix.substr(0, prefix.size() - 1) + suggestion(name, known) +
                                       "; `orgsim params` lists them all");
  }

  static ParamValue value_for(const ParamSpec& param, const toml::node& node,
                              const SourceLocation& at) {
    std::optional<ParamValue> raw;
    if (auto v = node.as_integer()) raw = v->get();
    else if (auto f = node.as_floating_point()) raw = f->get();
    else if (auto b = node.as_boolean()) raw = b->get();
    else if (auto s = node.as_string()) raw = s->get();
    std::optional<ParamValue> ok = raw ? agents::coerce(param, *raw) : std::nullopt;
    if (!ok) {
      std::string got = raw ? agents::format_value(*raw) : std::string(toml_type_name(node));
      throw ConfigError(at, std::string(param.name) + ": expected " + agents::expected_value(param) +
                                ", got " + got);
    }
    return *ok;
  }

  void experiment_key(ExperimentSpec& spec, const Leaf& leaf, const std::string& key) {
    const toml::node& node = *leaf.node;
    auto integer = [&](std::int64_t lo, std::int64_t hi) {
      auto v = node.as_integer();
      if (!v || v->get() < lo || v->get() > hi) {
        throw ConfigError(leaf.value_at, "experiment." + key + ": expected an integer in [" +
                                             std::to_string(lo) + ", " + std::to_string(hi) +
                                             "], got " + describe(node));
      }
      return v->get();
    };
    auto text = [&]() {
      auto s = node.as_string();
      if (!s) {
        throw ConfigError(leaf.value_at,
                          "experiment." + key + ": expected a string, got " + describe(node));
      }
      return s->get();
    };
    if (key == "name") {
      spec.name = text();
      if (spec.name.empty()) throw ConfigError(leaf.value_at, "experiment.name: must not be empty");
    } else if (key == "description") {
      spec.description = text();
    } else if (key == "ticks") {
      spec.ticks = integer(1, 10'000'000);
    } else if (key == "replications") {
      spec.replications = integer(1, 1'000'000'000);
    } else if (key == "seed") {
      spec.seed = static_cast<std::uint64_t>(integer(0, std::numeric_limits<std::int64_t>::max()));
    } else if (key == "stop") {
      const std::string rule = text();
      auto parsed = agents::parse_stop_rule(rule);
      if (!parsed) {
        throw ConfigError(leaf.value_at, "experiment.stop: expected \"none\" or \"equilibrium\", "
                                         "got \"" + rule + "\"");
      }
      spec.stop = *parsed;
    } else {
      throw unknown_key(leaf);
    }
  }

  static std::string describe(const toml::node& node) {
    std::ostringstream out;
    if (node.is_value()) {
      node.visit([&](auto&& v) { out << v; });
      return out.str();
    }
    return std::string(toml_type_name(node));
  }

  void grid_axis(ExperimentSpec& spec, const Leaf& leaf, const std::string& name) {
    const ParamSpec& param = parameter(leaf, name, "sweep.grid.");
    const auto* array = leaf.node->as_array();
    if (!array || array->empty()) {
      throw ConfigError(leaf.value_at, "sweep.grid." + name +
                                           ": expected a non-empty array of values, each " +
                                           agents::expected_value(param) + ", got " +
                                           (array ? "an empty array" : describe(*leaf.node)));
    }
    SweepAxis axis{&param, {}};
    for (const toml::node& element : *array) {
      ParamValue value = value_for(param, element, location(element.source(), source_name_));
      if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end()) {
        throw ConfigError(location(element.source(), source_name_),
                          "sweep.grid." + name + ": duplicate value " + agents::format_value(value));
      }
      axis.values.push_back(std::move(value));
    }
    where_[std::string(param.name)] = leaf.value_at;
    spec.grid.push_back(std::move(axis));
  }

  /// Every design point must be a consistent organization.
  void check_design(const ExperimentSpec& spec) {
    for (const DesignPoint& point : design_points(spec)) {
      if (auto problem = agents::check_consistency(point.params)) {
        auto it = where_.find(problem->parameter);
        SourceLocation at = it != where_.end() ? it->second : SourceLocation{source_name_, 0, 0};
        std::string message = problem->message;
        if (!spec.grid.empty()) message += " (design point " + std::to_string(point.index) + ")";
        throw ConfigError(at, message);
      }
    }
  }

  std::string source_name_;
  std::vector<std::unique_ptr<toml::table>> tables_;
  const toml::table* file_ = nullptr;
  std::vector<Leaf> leaves_;
  std::map<std::string, SourceLocation> where_;
};

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::size_t ExperimentSpec::design_point_count() const {
  std::size_t count = 1;
  for (const SweepAxis& axis : grid) count *= axis.values.size();
  return count;
}

std::size_t ExperimentSpec::run_count() const {
  return design_point_count() * static_cast<std::size_t>(replications);
}

std::string ExperimentSpec::resolved_text() const {
  std::string out = "[experiment]\nname = ";
  append_escaped(out, name);
  out += "\ndescription = ";
  append_escaped(out, description);
  out += "\nticks = " + std::to_string(ticks);
  out += "\nreplications = " + std::to_string(replications);
  out += "\nseed = " + std::to_string(seed);
  out += "\nstop = \"" + std::string(agents::stop_rule_name(stop)) + "\"\n\n[scenario]\n";
  for (const ParamSpec& p : agents::parameter_table()) {
    const bool swept = std::any_of(grid.begin(), grid.end(), [&](const SweepAxis& a) { return a.parameter == &p; });
    if (swept) continue;  // it appears under [sweep.grid]
    out += std::string(p.name) + " = " + agents::format_value(agents::value_of(scenario, p)) + "\n";
  }
  if (!grid.empty()) {
    out += "\n[sweep.grid]\n";
    for (const SweepAxis& axis : grid) {
      out += std::string(axis.parameter->name) + " = [";
      for (std::size_t k = 0; k < axis.values.size(); ++k) {
        out += (k ? ", " : "") + agents::format_value(axis.values[k]);
      }
      out += "]\n";
    }
  }
  return out;
}

std::vector<DesignPoint> design_points(const ExperimentSpec& spec) {
  std::vector<DesignPoint> points;
  const std::size_t count = spec.design_point_count();
  points.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    DesignPoint point{index, {}, spec.scenario};
    std::size_t rest = index;
    point.values.resize(spec.grid.size());
    for (std::size_t a = spec.grid.size(); a-- > 0;) {  // last axis varies fastest
      const SweepAxis& axis = spec.grid[a];
      point.values[a] = axis.values[rest % axis.values.size()];
      rest /= axis.values.size();
      agents::assign(point.params, *axis.parameter, point.values[a]);
    }
    points.push_back(std::move(point));
  }
  return points;
}

ExperimentSpec parse_experiment(std::string_view text, std::string_view source_name,
                                const std::vector<std::string>& overrides) {
  Loader loader(source_name);
  loader.add_file(text);
  for (const std::string& argument : overrides) loader.add_override(argument);
  ExperimentSpec spec = loader.build();
  spec.source_text = std::string(text);
  spec.overrides = overrides;
  return spec;
}

ExperimentSpec load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError({path, 0, 0}, "is a directory, expected an experiment file (TOML)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "cannot read the experiment file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({path, 0, 0}, "cannot read the experiment file");
  if (text.str().starts_with("\x89HDF\r\n")) {
    throw ConfigError({path, 0, 0}, "is an HDF5 file (results?), expected an experiment file (TOML)");
  }
  return parse_experiment(text.str(), path, overrides);
}

}  // namespace orgsim::experiments
