// Loading and validating experiment files with toml++ (source positions for every error).
#include "orgsim/experiments/experiment.hpp"

#include "organization_section.hpp"
#include "results_schema.hpp"
#include "sample_matrix.hpp"

#include <toml++/toml.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
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

namespace detail {

SourceLocation location(const toml::source_region& region, std::string_view fallback) {
  SourceLocation where;
  where.file = region.path ? *region.path : std::string(fallback);
  where.line = region.begin.line;
  where.column = region.begin.column;
  return where;
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return node.as_array()->empty() ? "an empty array" : "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
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
  if (best.empty() ||
      best_distance > std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 5)))
    return "";
  return " (did you mean \"" + best + "\"?)";
}

std::string describe(const toml::node& node) {
  std::ostringstream out;
  if (auto f = node.as_floating_point()) return agents::short_number(f->get());
  if (auto t = node.as_string()) return "\"" + t->get() + "\"";
  if (node.is_value()) {
    node.visit([&](auto&& v) { out << v; });
    return out.str();
  }
  return std::string(toml_type_name(node));
}

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
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

}  // namespace detail

namespace {

using agents::ParamSpec;
using agents::ParamType;
using detail::append_escaped;
using detail::location;
using detail::suggestion;
using detail::toml_type_name;

/// A value somewhere in the input: its dotted path, node, and where its key and value are.
struct Leaf {
  std::string path;
  const toml::node* node = nullptr;
  SourceLocation key_at;
  SourceLocation value_at;
  std::size_t order = 0;  // input order: file positions first, then --set arguments
};

constexpr std::size_t kMaxDesignPoints = 100'000'000;
constexpr std::size_t kMaxMatrixPoints =
    10'000'000;  // designs that hold a [point][parameter] matrix
constexpr std::size_t kMaxRuns = 1'000'000'000'000;

const std::vector<std::string> kDesignNames = {"grid",  "list",     "random", "lhs",
                                               "sobol", "saltelli", "morris", "samples"};

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Whether `key` ("coordination.attenton") starts with the group of some parameter
/// ("coordination."), which is not one of the file's own tables.
bool in_parameter_group(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return false;
  const std::string_view group(key.data(), dot + 1);
  if (group == "experiment." || group == "scenario." || group == "sweep." || group == "output." ||
      group == "organization.")
    return false;
  for (const auto& param : agents::parameter_table())
    if (std::string_view(param.name).starts_with(group)) return true;
  return false;
}

class Loader {
 public:
  Loader(std::string_view source_name) : source_name_(source_name) {}

  void add_file(std::string_view text) {
    tables_.push_back(parse(text, source_name_));
    file_ = tables_.back().get();
    collect(*file_, "");
    reject_duplicate_paths();
  }

  void add_override(const std::string& argument) {
    // One --set is one key: a line break (or another control character) could add more.
    if (std::any_of(argument.begin(), argument.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      throw ConfigError({"--set", 0, 0},
                        "a --set argument holds a line break or another control character; one "
                        "--set sets one key (write \\n inside a quoted string for a line break)");
    }
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
    const bool bare_word =
        !value.empty() && (std::isalpha(static_cast<unsigned char>(value[0])) || value[0] == '_') &&
        value.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
            std::string::npos &&
        value != "true" && value != "false" && value != "inf" && value != "nan";
    std::string text = argument;
    if (bare_word) text = argument.substr(0, eq) + "=\"" + value + "\"";  // structure.type=flat
    std::unique_ptr<toml::table> table = parse(text, name);
    tables_.push_back(std::move(table));
    // A parameter's own name is a key of [scenario]: --set learning.socialization_rate=0.3. So
    // is a name in a parameter group ("coordination.attenton"), so that a misspelt parameter
    // gets the scenario's "did you mean" rather than "unknown table [coordination]".
    const std::string key = trimmed(argument.substr(0, eq));
    const bool parameter = agents::find_parameter(key) != nullptr || in_parameter_group(key);
    collect(*tables_.back(), parameter ? "scenario." : "");
  }

  /// A parameter both set in [scenario] (or by --set) and varied by the design: one error.
  static void reject_fixed_and_swept(const ExperimentSpec& spec,
                                     const std::map<std::string, const Leaf*>& last) {
    for (const ParamSpec* param : spec.design.parameters) {
      const std::string name(param->name);
      const auto it = last.find("scenario." + name);
      if (it == last.end()) continue;
      const std::string design(design_kind_name(spec.design.kind));
      // From the command line the user wants one value: say how to narrow the sweep instead.
      const bool from_set = it->second->key_at.file.starts_with("--set");
      throw ConfigError(it->second->key_at,
                        from_set ? "'" + name + "' is varied in [sweep." + design +
                                       "]; to run one value, narrow the sweep: --set sweep." +
                                       design + "." + name + "=[VALUE]"
                                 : "'" + name + "' is set in [scenario] and varied in [sweep." +
                                       design + "]; remove one (the sweep would silently win)");
    }
  }

  ExperimentSpec build() {
    ExperimentSpec spec;
    spec.source_name = source_name_;
    if (file_ && !file_->contains("experiment")) {
      throw ConfigError(
          {source_name_, 1, 1},
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
      } else if (path.starts_with("organization.")) {
        organization_.keys.push_back({path.substr(13), leaf->node, leaf->key_at});
      } else if (path == "scenario.org.chart") {
        organization_.chart = leaf->node;
        organization_.chart_key_at = leaf->key_at;
      } else if (path.starts_with("scenario.")) {
        const ParamSpec& param = parameter(*leaf, path.substr(9), "scenario.");
        if (!agents::moved_event(param).empty())
          throw ConfigError(leaf->key_at, "'" + std::string(param.name) +
                                              "' in [scenario]: write at = ... on the event "
                                              "itself; events.<name>.at is for a [sweep] or an "
                                              "option that moves the event");
        agents::assign(spec.scenario, param, value_for(param, *leaf->node, leaf->value_at));
        where_[std::string(param.name)] = leaf->value_at;
      } else if (path.starts_with("sweep.")) {
        sweep_key(spec, *leaf, path.substr(6));
      } else if (path == "output.every") {
        spec.record_every = integer_in(*leaf, "output.every", 1, 10'000'000);
      } else if (path == "output.snapshots.every") {
        spec.snapshots.every = static_cast<Tick>(integer_in(*leaf, path, 1, 10'000'000));
      } else if (path == "output.snapshots.sample") {
        spec.snapshots.agents = static_cast<std::size_t>(integer_in(*leaf, path, 0, 100'000'000));
      } else if (path == "output.snapshots.fields") {
        snapshot_fields(spec, *leaf);
      } else if (path == "events") {
        events_ = leaf;
      } else if (path == "options") {
        options_ = leaf;
      } else {
        throw unknown_key(*leaf);
      }
    }
    apply_organization(spec);
    finish_design(spec);
    if (options_) read_options(spec, *options_);
    if (events_) read_events(spec, *events_);
    check_event_times(spec);
    finish_snapshots(spec);
    if (spec.name.empty()) {
      const auto slash = source_name_.find_last_of('/');
      std::string stem = source_name_.substr(slash == std::string::npos ? 0 : slash + 1);
      if (const auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
      spec.name = stem;
    }
    reject_fixed_and_swept(spec, last);
    if (spec.design_point_count() > kMaxRuns / static_cast<std::size_t>(spec.replications)) {
      throw ConfigError({source_name_, 0, 0},
                        "more than 10^12 runs (design points x replications)");
    }
    check_design(spec);
    note_inert_parameters(spec);
    return spec;
  }

 private:
  static std::unique_ptr<toml::table> parse(std::string_view text, std::string_view name) {
    try {
      return std::make_unique<toml::table>(toml::parse(text, name));
    } catch (const toml::parse_error& e) {
      throw ConfigError(location(e.source(), name), "TOML syntax: " + std::string(e.description()));
    }
  }

  /// A quoted key "a.b" and the dotted key a.b (or [a] b) are different keys to TOML but the same
  /// setting here: one of them would be dropped silently.
  void reject_duplicate_paths() const {
    std::vector<const Leaf*> sorted;
    for (const Leaf& leaf : leaves_) sorted.push_back(&leaf);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Leaf* a, const Leaf* b) { return a->path < b->path; });
    for (std::size_t k = 1; k < sorted.size(); ++k) {
      if (sorted[k]->path != sorted[k - 1]->path) continue;
      const Leaf& later = sorted[k]->order > sorted[k - 1]->order ? *sorted[k] : *sorted[k - 1];
      const Leaf& earlier = &later == sorted[k] ? *sorted[k - 1] : *sorted[k];
      throw ConfigError(
          later.key_at,
          fmt::format("'{}' is set twice (also at line {}, column {}): a quoted key "
                      "\"a.b\" and the dotted key a.b name the same setting; keep one",
                      later.path, earlier.key_at.line, earlier.key_at.column));
    }
  }

  /// Text may not hold a NUL character: names are C strings in the results file (and would be
  /// cut at the NUL), and no setting needs one.
  void reject_nul(const toml::node& node) const {
    if (const auto* text = node.as_string(); text && text->get().find('\0') != std::string::npos) {
      throw ConfigError(location(node.source(), source_name_),
                        "a text value holds a NUL character (\\u0000), which names and labels "
                        "cannot hold");
    }
    if (const auto* array = node.as_array()) {
      for (const toml::node& element : *array) reject_nul(element);
    } else if (const auto* table = node.as_table()) {
      for (auto&& [key, value] : *table) {
        if (key.str().find('\0') != std::string_view::npos) {
          throw ConfigError(location(key.source(), source_name_),
                            "a key holds a NUL character (\\u0000)");
        }
        reject_nul(value);
      }
    }
  }

  void collect(const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
      if (key.str().find('\0') != std::string_view::npos) {
        throw ConfigError(location(key.source(), source_name_),
                          "a key holds a NUL character (\\u0000)");
      }
      reject_nul(node);
      const std::string path = prefix + std::string(key.str());
      if (const auto* sub = node.as_table(); sub && !is_range_table(path, *sub)) {
        check_section(path, location(key.source(), source_name_));
        collect(*sub, path + ".");
        continue;
      }
      Leaf leaf{path, &node, location(key.source(), source_name_),
                location(node.source(), source_name_), 0};
      leaf.order =
          (tables_.size() << 40) | (std::uint64_t{leaf.key_at.line} << 20) | leaf.key_at.column;
      leaves_.push_back(std::move(leaf));
    }
  }

  /// A parameter's range in a sampled design: { min = .., max = .. }, { values = [..] }, ...
  static bool is_range_table(const std::string& path, const toml::table& table) {
    if (!path.starts_with("sweep.")) return false;
    for (const char* key : {"min", "max", "values", "distribution", "mean", "sd"}) {
      if (table.contains(key)) return true;
    }
    return false;
  }

  /// Tables may only appear where the format has them.
  void check_section(const std::string& path, const SourceLocation& at) {
    static const std::vector<std::string> top = {"experiment", "scenario",     "sweep",
                                                 "output",     "organization", "events"};
    const auto dot = path.find('.');
    const std::string head = path.substr(0, dot);
    if (head == "options") {
      throw ConfigError(at,
                        "options are an array of tables: write [[options]] (one per option, "
                        "each with name = \"...\")");
    }
    if (std::find(top.begin(), top.end(), head) == top.end()) {
      throw ConfigError(at, "unknown table [" + path +
                                "]; expected [experiment], [scenario], [sweep.<design>], "
                                "[output], [organization], [[events]] or [[options]]" +
                                suggestion(head, top));
    }
    if ((head == "experiment" || head == "organization" ||
         (head == "output" && path != "output.snapshots")) &&
        dot != std::string::npos) {
      throw ConfigError(at, "[" + head + "] has no sub-table '" + path.substr(dot + 1) + "'");
    }
    if (head == "sweep" && dot != std::string::npos) {
      const std::string kind = path.substr(dot + 1, path.find('.', dot + 1) - dot - 1);
      if (!parse_design_kind(kind)) {
        throw ConfigError(at, "unknown sweep design '" + kind +
                                  "'; expected grid, list, random, lhs, sobol, "
                                  "saltelli or morris" +
                                  suggestion(kind, kDesignNames));
      }
    }
  }

  ConfigError unknown_key(const Leaf& leaf) const {
    std::vector<std::string> known = {
        "experiment.name",        "experiment.description", "experiment.currency",
        "experiment.warmup",      "experiment.ticks",       "experiment.replications",
        "experiment.seed",        "experiment.stop",        "experiment.first_replication",
        "output.every",           "output.snapshots.every", "output.snapshots.sample",
        "output.snapshots.fields"};
    for (const ParamSpec& p : agents::parameter_table()) {
      known.push_back("scenario." + std::string(p.name));
      known.push_back("sweep.grid." + std::string(p.name));
    }
    return ConfigError(leaf.key_at,
                       "unknown key '" + leaf.path + "'" + suggestion(leaf.path, known));
  }

  const ParamSpec& parameter(const Leaf& leaf, const std::string& name, const std::string& prefix) {
    if (const ParamSpec* p = agents::find_parameter(name)) return *p;
    if (name == "org.chart") throw chart_not_swept(leaf.key_at);
    std::vector<std::string> known;
    for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
    throw ConfigError(leaf.key_at,
                      "unknown parameter '" + name + "' in " + prefix.substr(0, prefix.size() - 1) +
                          suggestion(name, known) + "; `orgsim params` lists them all");
  }

  static ConfigError chart_not_swept(const SourceLocation& at) {
    return ConfigError(at,
                       "org.chart cannot be varied: an experiment describes one organization "
                       "(compare charts in separate experiments, or vary what the chart leaves "
                       "open)");
  }

  /// [organization] and org.chart: the described organization, and the parameters it fixes.
  void apply_organization(ExperimentSpec& spec) {
    if (organization_.empty()) return;
    organization_.source_name = source_name_;
    auto design =
        std::make_shared<agents::OrgDesign>(detail::read_organization(organization_, &spec.notes));
    const SourceLocation at =
        organization_.keys.empty() ? organization_.chart_key_at : organization_.keys.front().key_at;
    const auto functions = static_cast<std::int64_t>(design->functions.size());
    const auto sites = static_cast<std::int64_t>(design->sites.size());
    const std::int64_t people = detail::design_headcount(*design);
    follow_design(spec, "org.employees", people, fmt::format("it has {} people", people), at);
    follow_design(spec, "structure.enabled", true, "it has teams and a hierarchy", at);
    follow_design(spec, "structure.functions", functions,
                  fmt::format("it has {} functions", functions), at);
    follow_design(spec, "structure.sites", sites, fmt::format("it has {} sites", sites), at);
    spec.scenario.design = std::move(design);
  }

  /// Sets a parameter that follows from the described organization; the file may repeat the
  /// same value but not contradict it or vary it. `fact` says why, e.g. "it has 140 people".
  void follow_design(ExperimentSpec& spec, const std::string& name, const ParamValue& value,
                     const std::string& fact, const SourceLocation& organization_at) {
    const ParamSpec& param = *agents::find_parameter(name);
    const auto& varied = spec.design.parameters;
    if (std::find(varied.begin(), varied.end(), &param) != varied.end()) {
      throw ConfigError(where_.at(name),
                        fmt::format("{} cannot be varied with a described organization "
                                    "([organization], org.chart): it follows from it, and {}",
                                    name, fact));
    }
    const auto ok = agents::coerce(param, value);
    if (!ok) {
      throw ConfigError(organization_at,
                        fmt::format("the described organization is too large for orgsim: {}, "
                                    "and {} must be {}",
                                    fact, name, agents::expected_value(param)));
    }
    const auto set = where_.find(name);
    if (set != where_.end() && agents::value_of(spec.scenario, param) != *ok) {
      throw ConfigError(
          set->second,
          fmt::format("{} = {} contradicts the described organization ({}); remove it or write {}",
                      name, agents::format_value(agents::value_of(spec.scenario, param)), fact,
                      agents::format_value(*ok)));
    }
    agents::assign(spec.scenario, param, *ok);
  }

  static ParamValue value_for(const ParamSpec& param, const toml::node& node,
                              const SourceLocation& at) {
    std::optional<ParamValue> raw;
    if (auto v = node.as_integer())
      raw = v->get();
    else if (auto f = node.as_floating_point())
      raw = f->get();
    else if (auto b = node.as_boolean())
      raw = b->get();
    else if (auto s = node.as_string())
      raw = s->get();
    std::optional<ParamValue> ok = raw ? agents::coerce(param, *raw) : std::nullopt;
    if (!ok) {
      std::string got = raw ? agents::format_value(*raw) : std::string(toml_type_name(node));
      throw ConfigError(at, std::string(param.name) + ": expected " +
                                agents::expected_value(param) + ", got " + got);
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
    } else if (key == "warmup") {
      spec.warmup = integer(0, 10'000'000);
    } else if (key == "replications") {
      spec.replications = integer(1, 1'000'000'000);
    } else if (key == "seed") {
      spec.seed = static_cast<std::uint64_t>(integer(0, std::numeric_limits<std::int64_t>::max()));
    } else if (key == "first_replication") {
      spec.first_replication = static_cast<std::uint64_t>(integer(0, 1'000'000'000'000));
    } else if (key == "stop") {
      const std::string rule = text();
      auto parsed = agents::parse_stop_rule(rule);
      if (!parsed) {
        throw ConfigError(leaf.value_at,
                          "experiment.stop: expected \"none\" or \"equilibrium\", "
                          "got \"" +
                              rule + "\"");
      }
      spec.stop = *parsed;
    } else if (key == "currency") {
      spec.currency = text();
      const auto& codes = currency_codes();
      if (std::find(codes.begin(), codes.end(), spec.currency) == codes.end()) {
        throw ConfigError(leaf.value_at, "experiment.currency: unknown currency \"" +
                                             spec.currency +
                                             "\"; expected an ISO 4217 code such as EUR, USD, "
                                             "GBP, CHF or JPY" +
                                             suggestion(spec.currency, codes));
      }
    } else {
      throw unknown_key(leaf);
    }
  }

  /// ISO 4217 codes of the currencies in use (2024).
  static const std::vector<std::string>& currency_codes() {
    static const std::vector<std::string> codes = {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
        "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
        "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
        "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
        "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
        "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
        "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
        "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
        "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL", "THB", "TJS",
        "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
        "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL"};
    return codes;
  }

  static std::string describe(const toml::node& node) { return detail::describe(node); }

  std::int64_t integer_in(const Leaf& leaf, const std::string& name, std::int64_t lo,
                          std::int64_t hi) const {
    auto v = leaf.node->as_integer();
    if (!v || v->get() < lo || v->get() > hi) {
      throw ConfigError(leaf.value_at, name + ": expected an integer in [" + std::to_string(lo) +
                                           ", " + std::to_string(hi) + "], got " +
                                           describe(*leaf.node));
    }
    return v->get();
  }

  /// A key under [sweep.<kind>]: the design's settings or one varied parameter.
  void sweep_key(ExperimentSpec& spec, const Leaf& leaf, const std::string& rest) {
    const std::string kind_name = rest.substr(0, rest.find('.'));
    const auto parsed = parse_design_kind(kind_name);
    if (!parsed || rest.size() <= kind_name.size()) {
      throw ConfigError(leaf.key_at, "sweep." + rest +
                                         ": expected a design table, e.g. [sweep.grid]" +
                                         suggestion(kind_name, kDesignNames));
    }
    const DesignKind kind = *parsed;
    Design& design = spec.design;
    if (design.kind != DesignKind::none && design.kind != kind) {
      throw ConfigError(leaf.key_at, "only one design per experiment: [sweep." +
                                         std::string(design_kind_name(design.kind)) +
                                         "] and [sweep." + kind_name + "] are both given");
    }
    design.kind = kind;
    if (design_at_.line == 0) design_at_ = leaf.key_at;
    const std::string key = rest.size() > kind_name.size() ? rest.substr(kind_name.size() + 1) : "";
    const std::string full = "sweep." + kind_name + "." + key;
    if (kind == DesignKind::grid) return grid_axis(spec, leaf, key);
    if (kind == DesignKind::list) {
      if (key != "points") throw unknown_key(leaf);
      return list_points(spec, leaf);
    }
    if (kind == DesignKind::samples) return samples_key(spec, leaf, key);
    if (key == "samples" && kind != DesignKind::morris) {
      design.samples = static_cast<std::size_t>(integer_in(leaf, full, 1, 100'000'000));
      samples_at_ = leaf.value_at;
      return;
    }
    if (kind == DesignKind::morris && key == "trajectories") {
      design.samples = static_cast<std::size_t>(integer_in(leaf, full, 1, 10'000'000));
      samples_at_ = leaf.value_at;
      return;
    }
    if (kind == DesignKind::morris && key == "levels") {
      design.levels = static_cast<int>(integer_in(leaf, full, 2, 1000));
      if (design.levels % 2 != 0)
        throw ConfigError(leaf.value_at, full + ": expected an even number of levels");
      return;
    }
    const ParamSpec& param = parameter(leaf, key, "sweep." + kind_name + ".");
    design.parameters.push_back(&param);
    design.ranges.push_back(parameter_range(param, leaf, kind));
    where_[std::string(param.name)] = leaf.value_at;
  }

  ParameterRange parameter_range(const ParamSpec& param, const Leaf& leaf, DesignKind kind) const {
    const std::string name = std::string(param.name);
    const toml::table* table = leaf.node->as_table();
    const bool discrete_type =
        param.type == agents::ParamType::boolean || param.type == agents::ParamType::choice;
    if (!table) {
      throw ConfigError(leaf.value_at,
                        "sweep: " + name + ": expected a range such as { min = .., max = .. }" +
                            std::string(discrete_type ? " or { values = [..] }" : "") + ", got " +
                            describe(*leaf.node));
    }
    ParameterRange range;
    range.parameter = &param;
    std::string distribution;
    for (auto&& [key, node] : *table) read_range_key(range, distribution, param, key, node, kind);
    check_range(range, param, *table, leaf, distribution);
    return range;
  }

  /// One key of a sweep range table (min, max, values; for random designs distribution, mean, sd).
  void read_range_key(ParameterRange& range, std::string& distribution, const ParamSpec& param,
                      const toml::key& key, const toml::node& node, DesignKind kind) const {
    const std::string name = std::string(param.name);
    const std::string k(key.str());
    const SourceLocation at = location(node.source(), source_name_);
    if (k == "distribution") {
      auto text = node.as_string();
      distribution = text ? text->get() : "";
      if (kind != DesignKind::random) {
        throw ConfigError(
            at,
            name + ": 'distribution' is only for [sweep.random]; this design samples uniformly");
      }
      if (distribution != "uniform" && distribution != "normal" && distribution != "lognormal" &&
          distribution != "choice") {
        throw ConfigError(at, name +
                                  ": distribution: expected \"uniform\", \"normal\", \"lognormal\" "
                                  "or \"choice\", got " +
                                  describe(node));
      }
    } else if (k == "min" || k == "max") {
      const ParamValue v = value_for(param, node, at);
      const double x = std::holds_alternative<double>(v) ? std::get<double>(v)
                       : std::holds_alternative<std::int64_t>(v)
                           ? static_cast<double>(std::get<std::int64_t>(v))
                           : std::nan("");
      if (std::isnan(x))
        throw ConfigError(at, name + ": min and max are for numbers; use values = [..]");
      (k == "min" ? range.min : range.max) = x;
    } else if (k == "mean" || k == "sd") {
      auto number = node.value<double>();
      if (!number || !std::isfinite(*number) || (k == "sd" && *number <= 0)) {
        throw ConfigError(at, name + ": " + k + ": expected a finite number" +
                                  (k == "sd" ? " > 0" : "") + ", got " + describe(node));
      }
      (k == "mean" ? range.mean : range.sd) = *number;
    } else if (k == "values") {
      const auto* array = node.as_array();
      if (!array || array->empty())
        throw ConfigError(at, name + ": values: expected a non-empty array");
      for (const toml::node& element : *array) {
        range.values.push_back(value_for(param, element, location(element.source(), source_name_)));
      }
    } else {
      throw ConfigError(
          location(key.source(), source_name_),
          name + ": unknown range key '" + k + "'; expected min, max, values" +
              std::string(kind == DesignKind::random ? ", distribution, mean, sd" : ""));
    }
  }

  /// Checks that a range's keys fit together and fills what they imply (the distribution; every
  /// value of a boolean or choice given no values).
  void check_range(ParameterRange& range, const ParamSpec& param, const toml::table& table,
                   const Leaf& leaf, const std::string& distribution) const {
    const std::string name = std::string(param.name);
    const bool discrete_type =
        param.type == agents::ParamType::boolean || param.type == agents::ParamType::choice;
    using D = ParameterRange::Distribution;
    const bool shaped = distribution == "normal" || distribution == "lognormal";
    for (const char* key : {"mean", "sd"}) {
      if (table.contains(key) && !shaped) {
        throw ConfigError(leaf.value_at,
                          name + ": '" + key + "' belongs to a normal or lognormal distribution");
      }
    }
    if (shaped && (table.contains("min") || table.contains("max") || table.contains("values"))) {
      throw ConfigError(leaf.value_at, name + ": a " + distribution +
                                           " distribution takes mean and sd only "
                                           "(draws are clipped to the parameter's range)");
    }
    range.distribution = distribution == "normal"      ? D::normal
                         : distribution == "lognormal" ? D::lognormal
                         : distribution == "choice"    ? D::choice
                                                       : D::uniform;
    const bool has_min = table.contains("min"), has_max = table.contains("max");
    if (range.distribution == D::normal || range.distribution == D::lognormal) {
      if (!table.contains("mean") || !table.contains("sd")) {
        throw ConfigError(leaf.value_at,
                          name + ": a " + distribution + " distribution needs mean and sd");
      }
      const double center = range.distribution == D::lognormal ? std::exp(range.mean) : range.mean;
      if (center < param.min || center > param.max) {
        throw ConfigError(leaf.value_at, name + ": the distribution's center (" +
                                             agents::short_number(center) +
                                             ") is outside the parameter's range: expected " +
                                             agents::expected_value(param));
      }
      return;
    }
    if (range.values.empty() && discrete_type && !has_min && !has_max) {
      if (param.type == agents::ParamType::boolean) {
        range.values = {false, true};
      } else {
        for (auto c : param.choices) range.values.push_back(std::string(c));
      }
    }
    if (range.values.empty()) {
      if (!has_min || !has_max)
        throw ConfigError(leaf.value_at, name + ": expected both min and max (or values = [..])");
      if (!(range.min < range.max))
        throw ConfigError(leaf.value_at, name + ": min must be below max");
    } else if (has_min || has_max) {
      throw ConfigError(leaf.value_at, name + ": give either min and max or values, not both");
    }
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
    std::vector<ParamValue> values;
    for (const toml::node& element : *array) {
      ParamValue value = value_for(param, element, location(element.source(), source_name_));
      if (std::find(values.begin(), values.end(), value) != values.end()) {
        throw ConfigError(
            location(element.source(), source_name_),
            "sweep.grid." + name + ": duplicate value " + agents::format_value(value));
      }
      values.push_back(std::move(value));
    }
    where_[std::string(param.name)] = leaf.value_at;
    spec.design.parameters.push_back(&param);
    spec.design.grid_values.push_back(std::move(values));
  }

  /// [sweep.samples]: file (a sample matrix made elsewhere) or rows (what the resolved text
  /// writes), columns, layout ("rows" or "saltelli"), second_order.
  void samples_key(ExperimentSpec& spec, const Leaf& leaf, const std::string& key) {
    Samples& s = samples_;
    if (key == "file") {
      const auto text = leaf.node->as_string();
      if (!text || text->get().empty())
        throw ConfigError(leaf.value_at, "sweep.samples.file: expected the path of a CSV file");
      s.file = text->get();
      s.file_at = leaf.value_at;
    } else if (key == "columns") {
      const auto* array = leaf.node->as_array();
      if (!array || array->empty())
        throw ConfigError(leaf.value_at,
                          "sweep.samples.columns: expected a non-empty array of parameter names");
      std::vector<std::string> names;
      std::vector<SourceLocation> where;
      for (const toml::node& element : *array) {
        const auto name = element.as_string();
        where.push_back(location(element.source(), source_name_));
        if (!name) throw ConfigError(where.back(), "sweep.samples.columns: expected a name");
        names.push_back(name->get());
      }
      s.columns = sample_columns(names, where);
      s.columns_at = leaf.value_at;
    } else if (key == "rows") {
      s.rows = leaf.node->as_array();
      if (!s.rows)
        throw ConfigError(leaf.value_at, "sweep.samples.rows: expected an array of rows");
      s.rows_at = leaf.value_at;
    } else if (key == "layout") {
      const auto text = leaf.node->as_string();
      if (!text || (text->get() != "rows" && text->get() != "saltelli"))
        throw ConfigError(leaf.value_at,
                          "sweep.samples.layout: expected \"rows\" (one design "
                          "point per row) or \"saltelli\" (SALib's Saltelli "
                          "sample), got " +
                              describe(*leaf.node));
      spec.design.saltelli_layout = text->get() == "saltelli";
    } else if (key == "second_order") {
      const auto flag = leaf.node->as_boolean();
      if (!flag)
        throw ConfigError(leaf.value_at, "sweep.samples.second_order: expected true or false");
      spec.design.second_order = flag->get();
    } else {
      throw unknown_key(leaf);
    }
  }

  /// The sample matrix of [sweep.samples], from its file or its rows.
  void finish_samples(ExperimentSpec& spec) {
    Design& design = spec.design;
    Samples& s = samples_;
    if (s.file.empty() == (s.rows == nullptr))
      throw ConfigError(design_at_,
                        "[sweep.samples] needs file = \"X.csv\" (or rows = [...] "
                        "with columns), not both");
    SampleMatrix matrix;
    if (!s.file.empty()) {
      const bool from_file = !source_name_.empty() && source_name_.front() != '<' &&
                             !source_name_.starts_with("--set");
      const std::filesystem::path file =
          from_file ? std::filesystem::path(source_name_).parent_path() / s.file
                    : std::filesystem::path(s.file);
      matrix = parse_sample_matrix(read_sample_file(file, s.file_at), file.string(), s.columns);
    } else {
      if (s.columns.empty())
        throw ConfigError(s.rows_at, "sweep.samples.rows: name the columns with columns = [...]");
      matrix.parameters = s.columns;
      for (const toml::node& element : *s.rows) {
        const SourceLocation at = location(element.source(), source_name_);
        const auto* row = element.as_array();
        if (!row || row->size() != s.columns.size())
          throw ConfigError(
              at, fmt::format("sweep.samples.rows: expected a row of {} values", s.columns.size()));
        std::vector<ParamValue> values;
        for (std::size_t c = 0; c < row->size(); ++c) {
          const toml::node& cell = *row->get(c);
          values.push_back(value_for(*s.columns[c], cell, location(cell.source(), source_name_)));
        }
        matrix.rows.push_back(std::move(values));
      }
      if (matrix.rows.empty()) throw ConfigError(s.rows_at, "sweep.samples.rows: no rows");
    }
    design.parameters = matrix.parameters;
    design.list_points = std::move(matrix.rows);
    for (const ParamSpec* p : design.parameters) where_[std::string(p->name)] = design_at_;
    if (design.list_points.size() > kMaxDesignPoints)
      throw ConfigError(design_at_, "[sweep.samples] has more than " +
                                        std::to_string(kMaxDesignPoints) + " rows");
    if (design.saltelli_layout) {
      const std::size_t stride = design.rows_per_sample();
      if (design.list_points.size() % stride != 0)
        throw ConfigError(design_at_,
                          fmt::format("[sweep.samples] layout = \"saltelli\": {} rows is not a "
                                      "multiple of {} (2k + 2 rows per base sample for k = {} "
                                      "parameters{}; SALib's calc_second_order=False gives k + 2: "
                                      "set second_order = false)",
                                      design.list_points.size(), stride, design.parameters.size(),
                                      design.second_order ? ", second order" : ""));
      design.samples = design.list_points.size() / stride;
    }
  }

  /// [sweep.list] points = [ { param = value, ... }, ... ]
  void list_points(ExperimentSpec& spec, const Leaf& leaf) {
    const auto* array = leaf.node->as_array();
    if (!array || array->empty()) {
      throw ConfigError(
          leaf.value_at,
          "sweep.list.points: expected a non-empty array of tables, got " + describe(*leaf.node));
    }
    Design& design = spec.design;
    std::vector<std::vector<std::optional<ParamValue>>> points;
    for (const toml::node& element : *array) {
      const auto* table = element.as_table();
      if (!table || table->empty()) {
        throw ConfigError(location(element.source(), source_name_),
                          "sweep.list.points: each point must be a table of parameter values, e.g. "
                          "{ \"structure.type\" = \"flat\" }");
      }
      std::vector<std::optional<ParamValue>> point(design.parameters.size());
      std::vector<std::pair<std::string, const toml::node*>> entries;
      flatten_inline(*table, "", entries);
      for (const auto& [name, node] : entries) {
        const ParamSpec* param = agents::find_parameter(name);
        const SourceLocation at = location(node->source(), source_name_);
        if (name == "org.chart") throw chart_not_swept(at);
        if (!param) {
          std::vector<std::string> known;
          for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
          throw ConfigError(
              at, "sweep.list.points: unknown parameter '" + name + "'" + suggestion(name, known));
        }
        put_column(design.parameters, points, point, param, value_for(*param, *node, at), name, at);
      }
      points.push_back(std::move(point));
    }
    sort_list_columns(design.parameters, points);
    list_pending_ = std::move(points);
  }

  /// Sparse rows (list points, options) made whole: a parameter a row leaves out keeps its
  /// [scenario] value.
  static std::vector<std::vector<ParamValue>> filled_rows(
      const ModelParams& scenario, const std::vector<const ParamSpec*>& columns,
      const std::vector<std::vector<std::optional<ParamValue>>>& rows) {
    std::vector<std::vector<ParamValue>> out;
    for (const auto& row : rows) {
      std::vector<ParamValue> values;
      for (std::size_t p = 0; p < columns.size(); ++p)
        values.push_back(p < row.size() && row[p] ? *row[p]
                                                  : agents::value_of(scenario, *columns[p]));
      out.push_back(std::move(values));
    }
    return out;
  }

  /// Puts `value` in `row`'s column of `param` (list points, options: each sets some parameters),
  /// adding the column, empty in the rows read before, the first time a row sets it.
  void put_column(std::vector<const ParamSpec*>& columns,
                  std::vector<std::vector<std::optional<ParamValue>>>& rows,
                  std::vector<std::optional<ParamValue>>& row, const ParamSpec* param,
                  ParamValue value, const std::string& name, const SourceLocation& at) {
    auto column = std::find(columns.begin(), columns.end(), param);
    if (column == columns.end()) {
      columns.push_back(param);
      for (auto& other : rows) other.emplace_back();
      row.emplace_back();
      column = columns.end() - 1;
      where_[name] = at;
    }
    row[static_cast<std::size_t>(column - columns.begin())] = std::move(value);
  }

  /// Orders a list design's parameters by name, as toml++ reads an inline table, so that the
  /// resolved text (which writes every parameter in every point) reads back in the same order
  /// even when a later point introduces a parameter.
  static void sort_list_columns(std::vector<const ParamSpec*>& parameters,
                                std::vector<std::vector<std::optional<ParamValue>>>& points) {
    std::vector<std::size_t> order(parameters.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return parameters[a]->name < parameters[b]->name;
    });
    std::vector<const ParamSpec*> sorted;
    for (std::size_t k : order) sorted.push_back(parameters[k]);
    parameters = std::move(sorted);
    for (auto& point : points) {
      std::vector<std::optional<ParamValue>> values;
      for (std::size_t k : order) values.push_back(k < point.size() ? point[k] : std::nullopt);
      point = std::move(values);
    }
  }

  void flatten_inline(const toml::table& table, const std::string& prefix,
                      std::vector<std::pair<std::string, const toml::node*>>& out) const {
    for (auto&& [key, node] : table) {
      const std::string path = prefix + std::string(key.str());
      if (const auto* sub = node.as_table()) {
        flatten_inline(*sub, path + ".", out);
        continue;
      }
      for (const auto& [other, ignored] : out) {
        if (other == path) {  // {"a.b" = 1, a.b = 2}: one of them would be dropped
          throw ConfigError(location(key.source(), source_name_),
                            "'" + path +
                                "' is set twice in this table: a quoted key \"a.b\" and the "
                                "dotted key a.b name the same setting; keep one");
        }
      }
      out.emplace_back(path, &node);
    }
  }

  void finish_design(ExperimentSpec& spec) {
    Design& design = spec.design;
    design.seed = spec.seed;
    if (design.kind == DesignKind::grid) {
      std::size_t points = 1;
      for (const auto& values : design.grid_values) {
        if (points > kMaxDesignPoints / values.size()) {
          throw ConfigError(design_at_, "[sweep.grid] has more than " +
                                            std::to_string(kMaxDesignPoints) +
                                            " design points (the product of its lists)");
        }
        points *= values.size();
      }
    }
    if (design.kind == DesignKind::list) {
      design.list_points = filled_rows(spec.scenario, design.parameters, list_pending_);
    }
    if (design.kind == DesignKind::samples) finish_samples(spec);
    const bool sampled = design.kind == DesignKind::random || design.kind == DesignKind::lhs ||
                         design.kind == DesignKind::sobol || design.kind == DesignKind::saltelli ||
                         design.kind == DesignKind::morris;
    if (sampled) {
      const std::string section = "[sweep." + std::string(design_kind_name(design.kind)) + "]";
      if (design.samples == 0) {
        throw ConfigError(design_at_,
                          section + " needs " +
                              (design.kind == DesignKind::morris ? "trajectories" : "samples") +
                              " = N");
      }
      if (design.parameters.empty()) {
        throw ConfigError(design_at_, section +
                                          " varies no parameter; add e.g. "
                                          "learning.socialization_rate = { min = 0.1, max = 0.9 }");
      }
      if (design.kind == DesignKind::sobol || design.kind == DesignKind::saltelli) {
        const std::size_t dims =
            design.parameters.size() * (design.kind == DesignKind::saltelli ? 2 : 1);
        if (dims > 1000)
          throw ConfigError(samples_at_, section + ": too many parameters for the Sobol sequence");
      }
      if (design.samples > kMaxMatrixPoints / (design.parameters.size() + 2)) {
        throw ConfigError(samples_at_,
                          section + ": more than " + std::to_string(kMaxMatrixPoints) +
                              " design points (split the study into several experiments)");
      }
      design.prepare();
    }
  }

  void snapshot_fields(ExperimentSpec& spec, const Leaf& leaf) {
    const auto* array = leaf.node->as_array();
    if (!array || array->empty()) {
      throw ConfigError(leaf.value_at,
                        "output.snapshots.fields: expected a non-empty array of field names");
    }
    spec.snapshots.fields.clear();
    std::vector<std::string> names;
    for (int f = 0; f <= static_cast<int>(agents::SnapshotField::beliefs); ++f) {
      names.emplace_back(agents::snapshot_field_name(static_cast<agents::SnapshotField>(f)));
    }
    for (const toml::node& element : *array) {
      const SourceLocation at = location(element.source(), source_name_);
      auto text = element.as_string();
      const auto field = text ? agents::parse_snapshot_field(text->get()) : std::nullopt;
      if (!field) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw ConfigError(at, "output.snapshots.fields: unknown field " + describe(element) +
                                  "; expected " + list +
                                  (text ? suggestion(text->get(), names) : ""));
      }
      if (std::find(spec.snapshots.fields.begin(), spec.snapshots.fields.end(), *field) !=
          spec.snapshots.fields.end()) {
        throw ConfigError(at, "output.snapshots.fields: " + describe(element) + " is listed twice");
      }
      spec.snapshots.fields.push_back(*field);
    }
  }

  void finish_snapshots(ExperimentSpec& spec) {
    auto& snap = spec.snapshots;
    if (snap.every == 0) {
      if (snap.agents != 0 || !snap.fields.empty()) {
        throw ConfigError({source_name_, 0, 0},
                          "[output.snapshots] needs every = K (ticks between snapshots)");
      }
      return;
    }
    if (snap.fields.empty()) {
      using F = agents::SnapshotField;
      snap.fields = {F::id, F::team, F::alignment, F::knowledge};
      if (spec.scenario.people.enabled) snap.fields.push_back(F::engagement);
    }
    if (snap.agents == 0) {  // all employees: the largest initial (or target) headcount
      for (std::size_t point = 0; point < std::min<std::size_t>(spec.design_point_count(), 1000);
           ++point) {
        const auto p = spec.params_at(point);
        snap.agents = std::max<std::size_t>(
            snap.agents, static_cast<std::size_t>(std::max(
                             p.org.employees, p.growth.enabled ? p.growth.target_employees : 0)));
      }
    }
  }

  /// [[events]]: at = tick and one action (shock, restructure, set, automate), restructure and
  /// automate optionally scoped to departments.
  void read_events(ExperimentSpec& spec, const Leaf& leaf) {
    const auto* array = leaf.node->as_array();
    if (!array) throw ConfigError(leaf.value_at, "events: expected [[events]] tables");
    for (const toml::node& element : *array) {
      const auto* table = element.as_table();
      const SourceLocation where = location(element.source(), source_name_);
      if (!table)
        throw ConfigError(where, "events: expected a table with at = TICK and one action");
      spec.events.push_back(read_event(spec, *table, where));
    }
    std::stable_sort(spec.events.begin(), spec.events.end(),
                     [](const agents::ScheduledEvent& a, const agents::ScheduledEvent& b) {
                       return a.at < b.at;
                     });
  }

  /// [[options]]: named options, each with a name, parameter values and its own
  /// [[options.events]]; crossed with the design's own points (none, grid or list).
  void read_options(ExperimentSpec& spec, const Leaf& leaf) {
    const auto* array = leaf.node->as_array();
    if (!array || array->empty() || !array->is_array_of_tables())
      throw ConfigError(leaf.value_at,
                        "options: expected [[options]] tables, each with "
                        "name = \"...\"");
    Design& design = spec.design;
    if (design.kind != DesignKind::none && design.kind != DesignKind::grid &&
        design.kind != DesignKind::list) {
      throw ConfigError(leaf.key_at,
                        "[[options]] combine with [sweep.grid] or [sweep.list] (the "
                        "uncertain factors every option is run under), not with "
                        "[sweep." +
                            std::string(design_kind_name(design.kind)) + "]");
    }
    DesignOptions& options = design.options;
    std::vector<std::vector<std::optional<ParamValue>>> set;
    std::vector<const toml::array*> events;
    std::optional<std::size_t> baseline;
    for (const toml::node& element : *array) {
      const toml::table& table = *element.as_table();
      const SourceLocation where = location(element.source(), source_name_);
      std::vector<std::optional<ParamValue>> values(options.parameters.size());
      const toml::array* own_events = nullptr;
      std::string name;
      for (auto&& [key, node] : table) {
        const std::string k(key.str());
        const SourceLocation at = location(node.source(), source_name_);
        if (k == "name") {
          name = option_name(node, at, options.names);
        } else if (k == "baseline") {
          if (!node.is_boolean())
            throw ConfigError(at,
                              "options.baseline: expected true or false, got " + describe(node));
          if (node.as_boolean()->get()) {
            if (baseline) throw ConfigError(at, "options: only one option can be the baseline");
            baseline = options.names.size();
          }
        } else if (k == "events") {
          own_events = node.as_array();
          if (!own_events || !own_events->is_array_of_tables())
            throw ConfigError(at, "options.events: expected [[options.events]] tables");
        } else {
          option_values(spec, k, node, options, set, values);
        }
      }
      if (name.empty()) throw ConfigError(where, "options: each option needs name = \"...\"");
      options.names.push_back(name);
      set.push_back(std::move(values));
      events.push_back(own_events);
    }
    options.baseline = baseline.value_or(0);
    sort_list_columns(options.parameters, set);
    options.values = filled_rows(spec.scenario, options.parameters, set);
    option_events(spec, events);
  }

  std::string option_name(const toml::node& node, const SourceLocation& at,
                          const std::vector<std::string>& taken) const {
    auto v = node.as_string();
    if (!v || v->get().empty() || v->get().size() >= schema::kTextColumnBytes)
      throw ConfigError(at, "options.name: expected a name of 1 to " +
                                std::to_string(schema::kTextColumnBytes - 1) + " characters, got " +
                                describe(node));
    if (std::find(taken.begin(), taken.end(), v->get()) != taken.end())
      throw ConfigError(at, "options.name: \"" + v->get() + "\" names two options");
    return v->get();
  }

  /// An option's parameter value (a key, or a table of dotted keys).
  void option_values(const ExperimentSpec& spec, const std::string& k, const toml::node& node,
                     DesignOptions& options,
                     std::vector<std::vector<std::optional<ParamValue>>>& set,
                     std::vector<std::optional<ParamValue>>& values) {
    std::vector<std::pair<std::string, const toml::node*>> entries;
    if (const auto* sub = node.as_table()) {
      flatten_inline(*sub, k + ".", entries);
    } else {
      entries.emplace_back(k, &node);
    }
    for (const auto& [name, value] : entries) {
      const SourceLocation at = location(value->source(), source_name_);
      if (name == "org.chart") throw chart_not_swept(at);
      const ParamSpec* param = agents::find_parameter(name);
      if (!param) {
        std::vector<std::string> known = {"name", "baseline", "events"};
        for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
        throw ConfigError(at, "options: unknown key '" + name +
                                  "'; expected name, baseline, events or a parameter" +
                                  suggestion(name, known));
      }
      const auto& varied = spec.design.parameters;
      if (std::find(varied.begin(), varied.end(), param) != varied.end()) {
        throw ConfigError(at, "'" + name + "' is set by an option and varied in [sweep." +
                                  std::string(design_kind_name(spec.design.kind)) +
                                  "]; an option fixes a parameter, the sweep varies it in every "
                                  "option: remove one");
      }
      // After a warm-up every option starts from the baseline's today (run_params_at): values
      // that only shape the starting state would be silently lost.
      if (spec.warmup > 0 && (name == "finance.initial_cash" || name == "org.initial_fit" ||
                              name == "people.initial_digital_skill")) {
        throw ConfigError(at, "'" + name +
                                  "' shapes the firm's starting state, and after the "
                                  "warm-up (experiment.warmup) every option starts from the "
                                  "same today: set it in [scenario], or drop the warm-up");
      }
      const auto column = std::find(options.parameters.begin(), options.parameters.end(), param);
      const auto index = static_cast<std::size_t>(column - options.parameters.begin());
      if (column != options.parameters.end() && index < values.size() && values[index]) {
        throw ConfigError(at, "'" + name +
                                  "' is set twice in this option: a quoted key \"a.b\" and the "
                                  "dotted key a.b name the same setting; keep one");
      }
      put_column(options.parameters, set, values, param, value_for(*param, *value, at), name, at);
    }
  }

  /// Each option's own events, checked against that option's organization.
  void option_events(ExperimentSpec& spec, const std::vector<const toml::array*>& events) {
    spec.option_events.assign(spec.design.options.names.size(), {});
    for (std::size_t o = 0; o < events.size(); ++o) {
      if (!events[o]) continue;
      ExperimentSpec scoped = spec;  // the option's organization, for the events' checks
      scoped.scenario = spec.params_at(o * spec.design.inner_size());
      auto& own = spec.option_events[o];
      for (const toml::node& element : *events[o])
        own.push_back(
            read_event(scoped, *element.as_table(), location(element.source(), source_name_)));
      std::stable_sort(own.begin(), own.end(),
                       [](const agents::ScheduledEvent& a, const agents::ScheduledEvent& b) {
                         return a.at < b.at;
                       });
    }
  }

  /// The departments an event names (department, departments or function), as written.
  struct EventScope {
    std::vector<std::pair<std::string, SourceLocation>> departments;
    std::optional<std::pair<std::string, SourceLocation>> function;
    SourceLocation first_at;
    int keys = 0;
    SourceLocation freed_at;
  };

  agents::ScheduledEvent read_event(const ExperimentSpec& spec, const toml::table& table,
                                    const SourceLocation& where) {
    agents::ScheduledEvent event;
    EventScope scope;
    int actions = 0;
    bool has_at = false;
    SourceLocation action_at, probability_at;
    for (auto&& [key, node] : table) {
      const std::string k(key.str());
      const SourceLocation at = location(node.source(), source_name_);
      if (k == "at") {
        auto v = node.as_integer();
        if (!v || v->get() < 1 || v->get() > spec.ticks) {
          throw ConfigError(at, "events.at: expected a tick in [1, " + std::to_string(spec.ticks) +
                                    "], got " + describe(node));
        }
        event.at = static_cast<Tick>(v->get());
        has_at = true;
      } else if (k == "name") {
        auto v = node.as_string();
        if (!v || v->get().empty() || v->get().size() > 64)
          throw ConfigError(
              at, "events.name: expected a name of 1 to 64 characters, got " + describe(node));
        event.name = v->get();
        const auto& fixed = schema::kFixedRunColumns;
        if (agents::find_parameter(event.name) || event.name == "option" ||
            std::find(fixed.begin(), fixed.end(), event.name) != fixed.end())
          throw ConfigError(at, "events.name: \"" + event.name +
                                    "\" is a parameter or a column of /runs; choose another name");
      } else if (k == "cost") {
        auto v = node.value<double>();
        if (!v || node.is_boolean() || !(*v >= 0 && *v <= 1e12))
          throw ConfigError(at,
                            "events.cost: expected a one-off cost in [0, 1e12] (currency), "
                            "got " +
                                describe(node));
        event.cost = *v;
      } else if (k == "probability") {
        auto v = node.value<double>();
        if (!v || node.is_boolean() || !(*v >= 0 && *v <= 1))
          throw ConfigError(
              at, "events.probability: expected a probability in [0, 1], got " + describe(node));
        event.probability = *v;
        probability_at = at;
      } else if (event_action(spec, event, k, node, at)) {
        ++actions;
        action_at = at;
      } else if (!event_scope(event, scope, k, node, at)) {
        throw ConfigError(
            location(key.source(), source_name_),
            "events: unknown key '" + k +
                "'; expected at, name, probability, cost and one of shock, restructure, "
                "set, automate, layoff or demand (and for restructure, automate "
                "and layoff: department, departments or function; for automate: "
                "freed_capacity)" +
                suggestion(k, {"at", "name", "probability", "cost", "shock", "restructure", "set",
                               "automate", "layoff", "demand", "department", "departments",
                               "function", "freed_capacity"}));
      }
    }
    if (!has_at || actions != 1) {
      throw ConfigError(where,
                        "events: each event needs at = TICK and exactly one of shock, "
                        "restructure, set, automate, layoff, demand");
    }
    if (event.probability < 1 && event.name.empty()) {
      throw ConfigError(probability_at,
                        "events.probability: an uncertain event needs a name (name = \"...\"): "
                        "whether it happens is drawn from a stream keyed by its name, so that "
                        "every option sees the same outcome");
    }
    resolve_scope(spec, event, scope);
    if (event.kind == agents::ScheduledEvent::Kind::layoff) check_layoff(spec, event, action_at);
    return event;
  }

  /// A layoff that rounds to nobody in every department it scopes (at the starting headcounts)
  /// is an error, not a silent no-op.
  static void check_layoff(const ExperimentSpec& spec, const agents::ScheduledEvent& event,
                           const SourceLocation& at) {
    const ModelParams& p = spec.scenario;
    std::vector<std::pair<std::string, std::int64_t>> people;  // scoped departments' headcounts
    if (p.design) {
      for (std::size_t d = 0; d < p.design->departments.size(); ++d)
        people.emplace_back(p.design->departments[d].name, p.design->departments[d].headcount);
    } else {
      const std::int64_t functions = p.structure.enabled ? p.structure.functions : 1;
      for (std::int64_t f = 0; f < functions; ++f)
        people.emplace_back("function " + std::to_string(f + 1), p.org.employees / functions);
    }
    std::int64_t largest = 0;
    std::string name;
    for (std::size_t d = 0; d < people.size(); ++d) {
      const bool scoped = event.departments.empty() ||
                          std::find(event.departments.begin(), event.departments.end(),
                                    static_cast<std::int32_t>(d)) != event.departments.end();
      if (scoped && people[d].second > largest) std::tie(name, largest) = people[d];
    }
    if (std::lround(event.layoff_share * static_cast<double>(largest)) == 0) {
      throw ConfigError(
          at, "events.layoff: " + agents::format_value(ParamValue{event.layoff_share}) + " of \"" +
                  name + "\" (" + std::to_string(largest) +
                  " people at the start) lays off nobody; give at least " +
                  agents::format_value(
                      ParamValue{0.5 / static_cast<double>(std::max<std::int64_t>(1, largest))}) +
                  " (half a person rounds up to one)");
    }
  }

  /// An event's action key; false if `k` is not one.
  bool event_action(const ExperimentSpec& spec, agents::ScheduledEvent& event, const std::string& k,
                    const toml::node& node, const SourceLocation& at) {
    using Kind = agents::ScheduledEvent::Kind;
    if (k == "shock") {
      auto v = node.value<double>();
      if (!v || !(*v > 0 && *v <= 1))
        throw ConfigError(
            at, "events.shock: expected a share of dimensions in (0, 1], got " + describe(node));
      event.kind = Kind::shock;
      event.shock_size = *v;
    } else if (k == "restructure") {
      const ParamSpec& type = *agents::find_parameter("structure.type");
      const ParamValue v = value_for(type, node, at);
      if (!spec.scenario.structure.enabled)
        throw ConfigError(at, "events.restructure needs structure.enabled = true in [scenario]");
      event.kind = Kind::restructure;
      ModelParams chosen;  // the row converts the (validated) name to the enum
      type.set(chosen, v);
      event.structure = chosen.structure.type;
    } else if (k == "automate") {
      auto v = node.value<double>();
      if (!v || node.is_boolean() || !(*v >= 0 && *v <= 1)) {
        throw ConfigError(at,
                          "events.automate: expected a process-automation target in [0, 1], "
                          "got " +
                              describe(node));
      }
      if (!spec.scenario.automation.enabled)
        throw ConfigError(at, "events.automate needs automation.enabled = true in [scenario]");
      event.kind = Kind::automate;
      event.automation_target = *v;
    } else if (k == "layoff") {
      auto v = node.value<double>();
      if (!v || node.is_boolean() || !(*v > 0 && *v < 1)) {
        throw ConfigError(
            at, "events.layoff: expected a share of the staff in (0, 1), got " + describe(node));
      }
      event.kind = Kind::layoff;
      event.layoff_share = *v;
    } else if (k == "demand") {
      auto v = node.value<double>();
      if (!v || node.is_boolean() || !(*v >= -1 && *v <= 10 && *v != 0)) {
        throw ConfigError(at,
                          "events.demand: expected a change of the contracted volume in "
                          "[-1, 10], not 0 (-0.3: a contract worth 30 % of the volume is lost; "
                          "0.2: a new customer adds 20 %), got " +
                              describe(node));
      }
      if (!spec.scenario.work.enabled && !spec.scenario.environment.enabled)
        throw ConfigError(at,
                          "events.demand needs work.enabled or environment.enabled = true "
                          "in [scenario] (without them there is no demand)");
      event.kind = Kind::demand;
      event.demand_change = *v;
    } else if (k == "set") {
      event_changes(event, node, at);
      event.kind = Kind::set;
    } else {
      return false;
    }
    return true;
  }

  void event_changes(agents::ScheduledEvent& event, const toml::node& node,
                     const SourceLocation& at) {
    const auto* changes = node.as_table();
    if (!changes || changes->empty())
      throw ConfigError(at, "events.set: expected a table of parameter values");
    std::vector<std::pair<std::string, const toml::node*>> entries;
    flatten_inline(*changes, "", entries);
    for (const auto& [name, value] : entries) {
      const ParamSpec* param = agents::find_parameter(name);
      const SourceLocation vat = location(value->source(), source_name_);
      if (!param) throw ConfigError(vat, "events.set: unknown parameter '" + name + "'");
      if (!agents::changeable_during_run(*param)) {
        throw ConfigError(vat, "events.set: " + name +
                                   " cannot change during a run (sizes, switches and the "
                                   "structure's layout are fixed; use restructure = \"...\" "
                                   "for the structure type)");
      }
      event.changes.emplace_back(param, value_for(*param, *value, vat));
    }
  }

  /// An event's scope key (department, departments, function) or freed_capacity; false if `k`
  /// is none of them.
  bool event_scope(agents::ScheduledEvent& event, EventScope& scope, const std::string& k,
                   const toml::node& node, const SourceLocation& at) {
    auto name = [&](const toml::node& n) {
      auto s = n.as_string();
      if (!s || s->get().empty())
        throw ConfigError(location(n.source(), source_name_),
                          "events." + k + ": expected a name, got " + describe(n));
      return std::make_pair(s->get(), location(n.source(), source_name_));
    };
    if (k == "freed_capacity") {
      const ParamValue v =
          value_for(*agents::find_parameter("automation.freed_capacity"), node, at);
      event.freed_capacity = std::get<std::string>(v) == "layoff" ? agents::FreedCapacity::layoff
                                                                  : agents::FreedCapacity::redeploy;
      scope.freed_at = at;
      return true;
    }
    if (k != "department" && k != "departments" && k != "function") return false;
    if (scope.keys++ > 0) {
      throw ConfigError(at,
                        "events: give one of department, departments or function (the "
                        "departments the event applies to), not several");
    }
    scope.first_at = at;
    if (k == "department") {
      scope.departments.push_back(name(node));
    } else if (k == "function") {
      scope.function = name(node);
    } else {
      const auto* array = node.as_array();
      if (!array || array->empty())
        throw ConfigError(at, "events.departments: expected a non-empty array of department names");
      for (const toml::node& element : *array) scope.departments.push_back(name(element));
    }
    return true;
  }

  /// Turns the names an event's scope gives into department indices.
  void resolve_scope(const ExperimentSpec& spec, agents::ScheduledEvent& event,
                     const EventScope& scope) {
    using Kind = agents::ScheduledEvent::Kind;
    const bool scoped_kind = event.kind == Kind::restructure || event.kind == Kind::automate ||
                             event.kind == Kind::layoff;
    if (scope.keys > 0 && !scoped_kind) {
      throw ConfigError(scope.first_at,
                        "events: department, departments and function scope a "
                        "restructure, automate or layoff event only");
    }
    if (scope.freed_at.line != 0 && event.kind != Kind::automate)
      throw ConfigError(scope.freed_at, "events.freed_capacity belongs to an automate event");
    if (scope.keys == 0) return;
    const auto& varied = spec.design.parameters;
    if (!spec.scenario.design &&
        std::find(varied.begin(), varied.end(), agents::find_parameter("structure.functions")) !=
            varied.end()) {
      throw ConfigError(scope.first_at,
                        "events: a scoped event in a generated organization needs "
                        "a fixed structure.functions (its departments are "
                        "\"function 1\", \"function 2\", ...)");
    }
    const detail::ScopeNames names = detail::scope_names(spec.scenario);
    if (scope.function) {
      const auto& [function, at] = *scope.function;
      const auto it = std::find(names.functions.begin(), names.functions.end(), function);
      if (it == names.functions.end()) {
        throw ConfigError(at, "events.function: unknown function \"" + function + "\"" +
                                  suggestion(function, names.functions));
      }
      const auto f = static_cast<std::int32_t>(it - names.functions.begin());
      for (std::size_t d = 0; d < names.departments.size(); ++d)
        if (names.department_function[d] == f)
          event.departments.push_back(static_cast<std::int32_t>(d));
      return;
    }
    for (const auto& [department, at] : scope.departments) {
      const auto it = std::find(names.departments.begin(), names.departments.end(), department);
      if (it == names.departments.end()) {
        throw ConfigError(at, "events: unknown department \"" + department + "\"" +
                                  suggestion(department, names.departments));
      }
      const auto d = static_cast<std::int32_t>(it - names.departments.begin());
      if (std::find(event.departments.begin(), event.departments.end(), d) !=
          event.departments.end())
        throw ConfigError(at, "events.departments: \"" + department + "\" is listed twice");
      event.departments.push_back(d);
    }
    std::sort(event.departments.begin(), event.departments.end());
  }

  /// Each "events.<name>.at" the file sets or varies moves an event that exists, to a tick of the
  /// run.
  void check_event_times(const ExperimentSpec& spec) {
    std::vector<const ParamSpec*> moved;
    for (const auto* list : {&spec.design.parameters, &spec.design.options.parameters})
      for (const ParamSpec* p : *list)
        if (!agents::moved_event(*p).empty()) moved.push_back(p);
    if (moved.empty()) return;
    std::vector<std::string> names;
    for (const auto& e : spec.events) names.push_back(e.name);
    for (const auto& own : spec.option_events)
      for (const auto& e : own) names.push_back(e.name);
    for (const ParamSpec* p : moved) {
      const std::string event(agents::moved_event(*p));
      const auto it = where_.find(std::string(p->name));
      const SourceLocation at =
          it != where_.end() ? it->second : SourceLocation{source_name_, 0, 0};
      if (std::find(names.begin(), names.end(), event) == names.end()) {
        std::vector<std::string> known;
        for (const auto& n : names)
          if (!n.empty()) known.push_back(n);
        throw ConfigError(at, "'" + std::string(p->name) + "': no event is named \"" + event +
                                  "\" (give the event name = \"" + event + "\")" +
                                  suggestion(event, known));
      }
      const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 100'000);
      for (std::size_t point = 0; point < points; ++point) {
        const auto tick = std::get<std::int64_t>(agents::value_of(spec.params_at(point), *p));
        if (tick > spec.ticks) {
          throw ConfigError(at, "'" + std::string(p->name) + "': tick " + std::to_string(tick) +
                                    " is past the end of the run (experiment.ticks = " +
                                    std::to_string(spec.ticks) + ")");
        }
      }
    }
  }

  /// A note for each parameter the design varies whose submodel is switched off in every
  /// design point: varying it changes nothing (options: note_option_values).
  static void note_inert_parameters(ExperimentSpec& spec) {
    const std::vector<const ParamSpec*>& varied = spec.design.parameters;
    const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 100'000);
    for (const ParamSpec* param : varied) {
      const std::string name(param->name);
      const std::string group = name.substr(0, name.find('.'));
      const ParamSpec* on = agents::find_parameter(group + ".enabled");
      if (!on || on == param) continue;
      bool ever = false;
      for (std::size_t point = 0; point < points && !ever; ++point)
        ever = std::get<bool>(agents::value_of(spec.params_at(point), *on));
      if (!ever) {
        spec.warnings.push_back(
            name + " is varied, but " + group +
            ".enabled is false in every design point: it changes nothing (set " + group +
            ".enabled = true in [scenario])");
      }
    }
    note_structure_switched_off(spec);
    note_option_values(spec);
    note_overridden_by_departments(spec);
  }

  /// A note for each parameter a sweep or an option varies that every described department
  /// sets for itself ([[organization.departments]]): the departments' values win, so varying it
  /// changes nothing (a review swept work.routine_share over departments with their own
  /// routine shares and got two identical halves).
  static void note_overridden_by_departments(ExperimentSpec& spec) {
    const ModelParams first = spec.params_at(0);
    if (!first.design || first.design->departments.empty()) return;
    struct Override {
      const char* parameter;
      const char* key;
      bool (*sets)(const agents::DepartmentSpec&);
    };
    static constexpr std::array<Override, 6> kOverrides{{
        {"work.routine_share", "routine_share",
         [](const agents::DepartmentSpec& d) { return d.routine_share >= 0; }},
        {"structure.team_size", "team_size",
         [](const agents::DepartmentSpec& d) { return d.team_size > 0; }},
        {"structure.span_of_control", "span or levels",
         [](const agents::DepartmentSpec& d) { return d.span > 0 || d.levels > 0; }},
        {"automation.process_target", "automation_target",
         [](const agents::DepartmentSpec& d) { return d.automation_target >= 0; }},
        {"automation.freed_capacity", "freed_capacity",
         [](const agents::DepartmentSpec& d) { return d.freed_capacity.has_value(); }},
        {"finance.salary", "annual_salary",
         [](const agents::DepartmentSpec& d) { return d.annual_salary >= 0; }},
    }};
    std::vector<const ParamSpec*> varied = spec.design.parameters;
    varied.insert(varied.end(), spec.design.options.parameters.begin(),
                  spec.design.options.parameters.end());
    for (const Override& o : kOverrides) {
      const bool varies = std::any_of(varied.begin(), varied.end(), [&](const ParamSpec* p) {
        return p->name == std::string_view(o.parameter);
      });
      // With a chart, salaries come from its rows first: only the departments' own keys count
      // here, and a chart's salary cells are not looked at (finance.salary may still act).
      if (!varies || (o.key == std::string_view("annual_salary") && !first.design->chart.empty()))
        continue;
      const auto& departments = first.design->departments;
      if (std::all_of(departments.begin(), departments.end(), o.sets)) {
        spec.warnings.push_back(std::string(o.parameter) +
                                " is varied, but every department in [organization] sets its "
                                "own " +
                                o.key +
                                ": it changes nothing (the departments' values hold; to "
                                "compare other values, change them in [organization])");
      }
    }
  }

  /// Option values that do not act as a consultant expects (review of 2026-12-08): a value
  /// whose submodel is off in that option changes nothing; after a warm-up, a value that cannot
  /// change during a run (a switch, a size, structure.type) holds through the warm-up as well,
  /// so that option's week 0 is not the baseline's today.
  static void note_option_values(ExperimentSpec& spec) {
    const DesignOptions& options = spec.design.options;
    if (options.names.empty()) return;
    const std::size_t inner = std::min<std::size_t>(spec.design.inner_size(), 1000);
    const ModelParams baseline = spec.params_at(options.baseline * spec.design.inner_size());
    for (std::size_t o = 0; o < options.names.size(); ++o) {
      if (o == options.baseline) continue;
      const std::size_t first = o * spec.design.inner_size();
      const ModelParams own = spec.params_at(first);
      for (const ParamSpec* param : options.parameters) {
        if (agents::value_of(own, *param) == agents::value_of(baseline, *param)) continue;
        const std::string name(param->name);
        const std::string group = name.substr(0, name.find('.'));
        const std::string option = "option \"" + options.names[o] + "\" sets " + name;
        if (const ParamSpec* on = agents::find_parameter(group + ".enabled"); on && on != param) {
          bool ever = false;
          for (std::size_t point = first; point < first + inner && !ever; ++point)
            ever = std::get<bool>(agents::value_of(spec.params_at(point), *on));
          if (!ever) {
            spec.warnings.push_back(option + ", but " + group +
                                    ".enabled is false in that option: it changes nothing");
            continue;
          }
        }
        if (spec.warmup > 0 && !agents::changeable_during_run(*param)) {
          spec.warnings.push_back(
              option +
              ", which cannot change during a run: it holds through the warm-up too, "
              "so this option's week 0 is not the baseline's today" +
              (name == "structure.type" ? " (to restructure today, give the option a restructure "
                                          "event at week 1)"
                                        : ""));
        }
      }
    }
  }

  /// A note for structure.* values other than their defaults (the type, spans,
  /// centralization...) while the structure submodel is off in every design point: the
  /// hierarchy, handoffs between functions, peer learning and coordination are then all off, so
  /// structures would differ by almost nothing.
  static void note_structure_switched_off(ExperimentSpec& spec) {
    const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 100'000);
    for (std::size_t point = 0; point < points; ++point)
      if (spec.params_at(point).structure.enabled) return;
    const agents::ModelParams defaults = agents::ModelParams::defaults();
    const agents::ModelParams first = spec.params_at(0);
    std::vector<std::string> set;
    for (const ParamSpec& param : agents::parameter_table()) {
      const std::string name(param.name);
      if (!name.starts_with("structure.") || name == "structure.enabled") continue;
      if (agents::value_of(first, param) != agents::value_of(defaults, param)) set.push_back(name);
    }
    if (!set.empty()) {
      std::string names = set.front();
      for (std::size_t k = 1; k < set.size(); ++k) names += ", " + set[k];
      spec.warnings.push_back(names + (set.size() == 1 ? " is" : " are") +
                              " set, but structure.enabled is false: the hierarchy, handoffs "
                              "between functions, peer learning and coordination are off, so "
                              "structures differ by almost nothing (set structure.enabled = "
                              "true in [scenario])");
    }
  }

  /// Every design point must be a consistent organization.
  void check_design(const ExperimentSpec& spec) {
    static const std::vector<std::string_view> related = {
        "org.employees", "org.teams", "growth.growth_threshold", "growth.maturity_threshold"};
    bool varies = false;
    for (const ParamSpec* p : spec.design.parameters) {
      varies |= std::find(related.begin(), related.end(), p->name) != related.end();
    }
    const std::size_t points = varies ? spec.design_point_count() : 1;
    for (std::size_t point = 0; point < points; ++point) {
      if (auto problem = agents::check_consistency(spec.params_at(point))) {
        auto it = where_.find(problem->parameter);
        SourceLocation at = it != where_.end() ? it->second : SourceLocation{source_name_, 0, 0};
        std::string message = problem->message;
        if (spec.design.kind != DesignKind::none)
          message += " (design point " + std::to_string(point) + ")";
        throw ConfigError(at, message);
      }
    }
  }

  std::string source_name_;
  detail::OrganizationInput organization_;
  std::vector<std::unique_ptr<toml::table>> tables_;
  const toml::table* file_ = nullptr;
  std::vector<Leaf> leaves_;
  std::map<std::string, SourceLocation> where_;
  const Leaf* events_ = nullptr;
  const Leaf* options_ = nullptr;
  SourceLocation samples_at_;
  SourceLocation design_at_;  ///< the first key of the design section
  std::vector<std::vector<std::optional<ParamValue>>> list_pending_;
  struct Samples {
    std::string file;
    SourceLocation file_at, columns_at, rows_at;
    std::vector<const ParamSpec*> columns;
    const toml::array* rows = nullptr;
  } samples_;
};

/// "[a, b, c]" in TOML.
std::string value_list(const std::vector<ParamValue>& values) {
  std::string text = "[";
  for (std::size_t k = 0; k < values.size(); ++k)
    text += (k ? ", " : "") + agents::format_value(values[k]);
  return text + "]";
}

/// One sampled parameter's range as a TOML inline table line.
void append_range(std::string& out, DesignKind kind, const ParameterRange& r) {
  out += std::string(r.parameter->name) + " = { ";
  using D = ParameterRange::Distribution;
  if (kind == DesignKind::random) {
    out += std::string("distribution = \"") +
           (r.distribution == D::normal      ? "normal"
            : r.distribution == D::lognormal ? "lognormal"
            : r.discrete()                   ? "choice"
                                             : "uniform") +
           "\", ";
  }
  if (r.distribution == D::normal || r.distribution == D::lognormal) {
    out += "mean = " + agents::format_value(ParamValue{r.mean}) +
           ", sd = " + agents::format_value(ParamValue{r.sd});
  } else if (r.discrete()) {
    out += "values = " + value_list(r.values);
  } else {
    const bool integer = r.parameter->type == agents::ParamType::integer;
    auto number = [&](double x) {
      return integer ? std::to_string(static_cast<std::int64_t>(x))
                     : agents::format_value(ParamValue{x});
    };
    out += "min = " + number(r.min) + ", max = " + number(r.max);
  }
  out += " }\n";
}

/// The [sweep.*] section of a resolved experiment (nothing without a design).
void append_design(std::string& out, const Design& design) {
  const auto& varied = design.parameters;
  const std::string kind(design_kind_name(design.kind));
  if (design.kind == DesignKind::grid) {
    out += "\n[sweep.grid]\n";
    for (std::size_t a = 0; a < varied.size(); ++a) {
      if (agents::moved_event(*varied[a]).empty())
        out += std::string(varied[a]->name);
      else
        append_escaped(out, varied[a]->name);  // an event's name may have spaces: one quoted key
      out += " = " + value_list(design.grid_values[a]) + "\n";
    }
  } else if (design.kind == DesignKind::list) {
    out += "\n[sweep.list]\npoints = [\n";
    for (const auto& point : design.list_points) {
      out += "  {";
      for (std::size_t p = 0; p < varied.size(); ++p) {
        out += (p ? ", " : " ") + std::string("\"") + std::string(varied[p]->name) +
               "\" = " + agents::format_value(point[p]);
      }
      out += " },\n";
    }
    out += "]\n";
  } else if (design.kind == DesignKind::samples) {
    out += "\n[sweep.samples]\n";
    if (design.saltelli_layout)
      out += std::string("layout = \"saltelli\"\nsecond_order = ") +
             (design.second_order ? "true" : "false") + "\n";
    out += "columns = [";
    for (std::size_t p = 0; p < varied.size(); ++p) {
      if (p) out += ", ";
      append_escaped(out, varied[p]->name);
    }
    out += "]\nrows = [\n";
    for (const auto& point : design.list_points) {
      out += "  [";
      for (std::size_t p = 0; p < varied.size(); ++p)
        out += (p ? ", " : "") + agents::format_value(point[p]);
      out += "],\n";
    }
    out += "]\n";
  } else if (design.kind != DesignKind::none) {
    out += "\n[sweep." + kind + "]\n";
    if (design.kind == DesignKind::morris) {
      out += "trajectories = " + std::to_string(design.samples) +
             "\nlevels = " + std::to_string(design.levels) + "\n";
    } else {
      out += "samples = " + std::to_string(design.samples) + "\n";
    }
    for (const ParameterRange& r : design.ranges) append_range(out, design.kind, r);
  }
}

/// The [output] and [output.snapshots] sections, where they differ from the defaults.
void append_output(std::string& out, const ExperimentSpec& spec) {
  if (spec.record_every != 1)
    out += "\n[output]\nevery = " + std::to_string(spec.record_every) + "\n";
  if (spec.snapshots.every > 0) {
    out += "\n[output.snapshots]\nevery = " + std::to_string(spec.snapshots.every) +
           "\nsample = " + std::to_string(spec.snapshots.agents) + "\nfields = [";
    for (std::size_t k = 0; k < spec.snapshots.fields.size(); ++k) {
      out += (k ? ", \"" : "\"") +
             std::string(agents::snapshot_field_name(spec.snapshots.fields[k])) + "\"";
    }
    out += "]\n";
  }
}

/// An event's departments by name (they read back as the same indices).
void append_event_scope(std::string& out, const agents::ScheduledEvent& e,
                        const detail::ScopeNames& names) {
  if (e.departments.empty()) return;
  out += "departments = [";
  for (std::size_t k = 0; k < e.departments.size(); ++k) {
    if (k) out += ", ";
    append_escaped(out, names.departments[static_cast<std::size_t>(e.departments[k])]);
  }
  out += "]\n";
}

/// The [[events]] of a resolved experiment.
void append_events(std::string& out, const std::vector<agents::ScheduledEvent>& events,
                   const ModelParams& scenario, std::string_view header = "events") {
  const detail::ScopeNames names = detail::scope_names(scenario);
  for (const agents::ScheduledEvent& e : events) {
    out += "\n[[" + std::string(header) + "]]\nat = " + std::to_string(e.at) + "\n";
    if (!e.name.empty()) {
      out += "name = ";
      append_escaped(out, e.name);
      out += "\n";
    }
    if (e.probability < 1)
      out += "probability = " + agents::format_value(ParamValue{e.probability}) + "\n";
    if (e.cost > 0) out += "cost = " + agents::format_value(ParamValue{e.cost}) + "\n";
    switch (e.kind) {
      case agents::ScheduledEvent::Kind::shock:
        out += "shock = " + agents::format_value(ParamValue{e.shock_size}) + "\n";
        break;
      case agents::ScheduledEvent::Kind::restructure: {
        static const char* structures[] = {"functional", "flat", "matrix", "cross_functional"};
        out += std::string("restructure = \"") + structures[static_cast<int>(e.structure)] + "\"\n";
        break;
      }
      case agents::ScheduledEvent::Kind::automate:
        out += "automate = " + agents::format_value(ParamValue{e.automation_target}) + "\n";
        if (e.freed_capacity) {
          out += e.freed_capacity == agents::FreedCapacity::layoff
                     ? "freed_capacity = \"layoff\"\n"
                     : "freed_capacity = \"redeploy\"\n";
        }
        break;
      case agents::ScheduledEvent::Kind::layoff:
        out += "layoff = " + agents::format_value(ParamValue{e.layoff_share}) + "\n";
        break;
      case agents::ScheduledEvent::Kind::demand:
        out += "demand = " + agents::format_value(ParamValue{e.demand_change}) + "\n";
        break;
      case agents::ScheduledEvent::Kind::set:
        out += "set = {";
        for (std::size_t k = 0; k < e.changes.size(); ++k) {
          out += (k ? ", " : " ") + std::string("\"") + std::string(e.changes[k].first->name) +
                 "\" = " + agents::format_value(e.changes[k].second);
        }
        out += " }\n";
        break;
    }
    append_event_scope(out, e, names);
  }
}

/// The [[options]] of a resolved experiment: every option parameter's value written out.
void append_options(std::string& out, const ExperimentSpec& spec) {
  const DesignOptions& options = spec.design.options;
  for (std::size_t o = 0; o < options.names.size(); ++o) {
    out += "\n[[options]]\nname = ";
    append_escaped(out, options.names[o]);
    out += "\n";
    if (o == options.baseline) out += "baseline = true\n";
    for (std::size_t p = 0; p < options.parameters.size(); ++p) {
      out += "\"" + std::string(options.parameters[p]->name) +
             "\" = " + agents::format_value(options.values[o][p]) + "\n";
    }
    if (!spec.option_events.empty())
      append_events(out, spec.option_events[o], spec.params_at(o * spec.design.inner_size()),
                    "options.events");
  }
}

}  // namespace

ModelParams ExperimentSpec::params_at(std::size_t point) const {
  ModelParams params = scenario;
  const DesignOptions& options = design.options;
  if (!options.names.empty()) {
    const auto& chosen = options.values[design.option_of(point)];
    for (std::size_t p = 0; p < chosen.size(); ++p)
      agents::assign(params, *options.parameters[p], chosen[p]);
  }
  const std::vector<ParamValue> values = design.values(point);
  for (std::size_t p = 0; p < values.size(); ++p)
    agents::assign(params, *design.parameters[p], values[p]);
  return params;
}

namespace {

/// An option's value of `spec` takes effect today, after a warm-up under the baseline's: the
/// parameter may change during a run and is not a time. Event times (events_at moves them) and
/// the scheduled times the warm-up moves (simulate: shocks, restructuring, automation's start)
/// count from today and hold as the option gives them.
bool from_today(const ParamSpec& spec) {
  constexpr std::array<std::string_view, 3> scheduled = {
      "environment.shock_at", "structure.restructure_at", "automation.start"};
  return agents::changeable_during_run(spec) && agents::moved_event(spec).empty() &&
         std::find(scheduled.begin(), scheduled.end(), spec.name) == scheduled.end();
}

}  // namespace

ModelParams ExperimentSpec::run_params_at(std::size_t point) const {
  ModelParams params = params_at(point);
  const DesignOptions& options = design.options;
  if (warmup <= 0 || options.names.empty()) return params;
  // The same point of the baseline option: the same values of the design's own parameters.
  const std::size_t inner = design.inner_size();
  const ModelParams past = params_at(options.baseline * inner + point % inner);
  for (const ParamSpec* p : options.parameters)
    if (from_today(*p)) agents::assign(params, *p, agents::value_of(past, *p));
  return params;
}

agents::RunOptions ExperimentSpec::run_options() const {
  agents::RunOptions options;
  options.max_ticks = static_cast<Tick>(ticks);
  options.warmup = static_cast<Tick>(warmup);
  options.stop = stop;
  options.record_every = static_cast<Tick>(record_every);
  options.events = events;
  options.snapshots = snapshots;
  return options;
}

std::vector<agents::ScheduledEvent> ExperimentSpec::events_at(std::size_t point) const {
  std::vector<agents::ScheduledEvent> all = events;
  if (!option_events.empty()) {
    const auto& own = option_events[design.option_of(point)];
    all.insert(all.end(), own.begin(), own.end());
  }
  const ModelParams params = params_at(point);
  if (warmup > 0 && !design.options.names.empty()) {
    // The option's own values, where its past ran with the baseline's (run_params_at), from
    // the first week after the warm-up: before the option's other events of that week.
    const ModelParams past = run_params_at(point);
    agents::ScheduledEvent today;
    today.at = 1;
    today.kind = agents::ScheduledEvent::Kind::set;
    for (const ParamSpec* p : design.options.parameters) {
      if (!from_today(*p)) continue;
      ParamValue value = agents::value_of(params, *p);
      if (value != agents::value_of(past, *p)) today.changes.emplace_back(p, std::move(value));
    }
    if (!today.changes.empty()) all.insert(all.begin(), std::move(today));
  }
  for (agents::ScheduledEvent& e : all) {  // events moved by "events.<name>.at"
    if (e.name.empty()) continue;
    const auto it = params.extensions.find("events." + e.name + ".at");
    // 0 is "not moved": the value an option or list point that leaves the time out gets.
    if (it != params.extensions.end() && std::get<std::int64_t>(it->second) > 0)
      e.at = static_cast<Tick>(std::get<std::int64_t>(it->second));
  }
  std::stable_sort(
      all.begin(), all.end(),
      [](const agents::ScheduledEvent& a, const agents::ScheduledEvent& b) { return a.at < b.at; });
  return all;
}

std::vector<std::string> ExperimentSpec::uncertain_events() const {
  std::vector<std::string> names;
  auto add = [&](const std::vector<agents::ScheduledEvent>& list) {
    for (const auto& e : list)
      if (e.probability < 1 && std::find(names.begin(), names.end(), e.name) == names.end())
        names.push_back(e.name);
  };
  add(events);
  for (const auto& own : option_events) add(own);
  return names;
}

bool ExperimentSpec::events_differ_by_point() const {
  const auto moves = [](const ParamSpec* p) { return !agents::moved_event(*p).empty(); };
  const bool from_today_values =
      warmup > 0 && std::any_of(design.options.parameters.begin(), design.options.parameters.end(),
                                [](const ParamSpec* p) { return from_today(*p); });
  return from_today_values ||
         std::any_of(option_events.begin(), option_events.end(),
                     [](const auto& own) { return !own.empty(); }) ||
         std::any_of(design.parameters.begin(), design.parameters.end(), moves) ||
         std::any_of(design.options.parameters.begin(), design.options.parameters.end(), moves);
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
  if (warmup > 0) out += "\nwarmup = " + std::to_string(warmup);
  out += "\nreplications = " + std::to_string(replications);
  out += "\nseed = " + std::to_string(seed);
  if (first_replication > 0) out += "\nfirst_replication = " + std::to_string(first_replication);
  if (!currency.empty()) out += "\ncurrency = \"" + currency + "\"";
  out += "\nstop = \"" + std::string(agents::stop_rule_name(stop)) + "\"\n\n[scenario]\n";
  const auto& varied = design.parameters;
  for (const ParamSpec& p : agents::parameter_table()) {
    if (std::find(varied.begin(), varied.end(), &p) != varied.end()) continue;  // under [sweep]
    out += std::string(p.name) + " = " + agents::format_value(agents::value_of(scenario, p)) + "\n";
  }
  if (scenario.design) detail::append_organization(out, *scenario.design);
  append_design(out, design);
  append_output(out, *this);
  append_events(out, events, scenario);
  append_options(out, *this);
  return out;
}

std::vector<DesignPoint> design_points(const ExperimentSpec& spec) {
  std::vector<DesignPoint> points;
  const std::size_t count = spec.design_point_count();
  points.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    points.push_back(DesignPoint{index, spec.design.values(index), spec.params_at(index)});
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
  if (path.empty())
    throw ConfigError({"<empty path>", 0, 0}, "the experiment file's path is empty");
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) {
    throw ConfigError({path, 0, 0}, "is a directory, expected an experiment file (TOML)");
  }
  // A FIFO, a device (/dev/zero) or a socket would block or never end: regular files only, and
  // no larger than any experiment file is (an embedded sample of 10^7 values is ~200 MB).
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw ConfigError({path, 0, 0},
                      "is not a regular file (a pipe or a device?), expected an "
                      "experiment file (TOML)");
  }
  constexpr std::uintmax_t kMostBytes = 512ull << 20;
  if (std::filesystem::exists(status) && std::filesystem::file_size(path, ec) > kMostBytes) {
    throw ConfigError({path, 0, 0},
                      "is larger than 512 MiB; an experiment file is TOML text "
                      "(a large sample belongs in [sweep.samples] file = ...)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "cannot read the experiment file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({path, 0, 0}, "cannot read the experiment file");
  if (text.str().starts_with("\x89HDF\r\n")) {
    throw ConfigError({path, 0, 0},
                      "is an HDF5 file (results?), expected an experiment file (TOML)");
  }
  return parse_experiment(text.str(), path, overrides);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  return detail::suggestion(word, candidates);
}

}  // namespace orgsim::experiments

namespace orgsim::experiments {

std::string single_run_experiment(const ExperimentSpec& spec, std::size_t run) {
  if (run >= spec.run_count())
    throw UsageError(fmt::format("run {}: the sweep has runs 0 to {}", run, spec.run_count() - 1));
  const std::size_t replications = static_cast<std::size_t>(spec.replications);
  const std::size_t point = run / replications;
  ExperimentSpec one = spec;
  // The design point's values, written explicitly (after a warm-up an option's own values
  // come with the set event of week 1, events_at).
  one.scenario = spec.run_params_at(point);
  one.design = Design{};
  one.design.seed = spec.seed;
  one.events = spec.events_at(point);
  one.option_events.clear();
  one.replications = 1;
  one.first_replication = spec.first_replication + run % replications;
  one.description =
      fmt::format("run {} of {} (design point {}, replication {}){}{}", run, spec.name, point,
                  one.first_replication, spec.description.empty() ? "" : ": ", spec.description);
  return one.resolved_text();
}

}  // namespace orgsim::experiments
