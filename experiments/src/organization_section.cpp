// The [organization] section of experiment files: sites, departments and an org chart, resolved
// into an OrgDesign with every name checked (docs/experiment-files.md).
#include "organization_section.hpp"

#include "orgsim/agents/org_view.hpp"
#include "orgsim/experiments/org_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace orgsim::experiments::detail {

namespace {

using agents::DepartmentSpec;
using agents::OrgDesign;
using agents::SiteSpec;

constexpr std::int64_t kMaxPeople = 100'000'000;
constexpr const char* kDefaultSite = "headquarters";

const std::vector<std::string> kOrganizationKeys = {"sites", "departments", "functions",
                                                    "chart_csv", "chart_path"};
const std::vector<std::string> kSiteKeys = {"name", "culture"};
const std::vector<std::string> kDepartmentKeys = {
    "name",           "headcount", "function",      "site",          "team_size",
    "span",           "levels",    "annual_salary", "routine_share", "automation_target",
    "freed_capacity", "handoff_to"};

/// A choice parameter's names, in the order of its enum.
std::vector<std::string> choices_of(std::string_view parameter) {
  std::vector<std::string> names;
  for (std::string_view c : agents::find_parameter(parameter)->choices) names.emplace_back(c);
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "\"" : ", \"") + n + "\"";
  return text;
}

/// A department as written, before its names are resolved to indices.
struct DepartmentDraft {
  DepartmentSpec spec;
  SourceLocation table_at, headcount_at, function_at, site_at, handoff_at;
  std::string function, site, handoff;  ///< as written; empty = the default
  bool has_headcount = false;
};

class SectionReader {
 public:
  SectionReader(const OrganizationInput& input, std::vector<std::string>* notes)
      : input_(input), notes_(notes) {}

  OrgDesign read() {
    for (const OrganizationKey& key : input_.keys) section_key(key);
    check_unique();
    load_chart();
    if (drafts_.empty() && design_.chart_text.empty() && !input_.chart) {
      throw ConfigError(first_key_at(),
                        "[organization] needs departments ([[organization.departments]] with name "
                        "and headcount) or an org chart (org.chart = \"staff.csv\" in [scenario])");
    }
    resolve_functions();
    if (!design_.chart_text.empty() || input_.chart) {
      experiments::read_org_chart(design_.chart_text, chart_source_, design_, notes_);
      check_chart_headcounts();
    }
    if (design_.sites.empty()) design_.sites.push_back(SiteSpec{kDefaultSite, std::nullopt});
    resolve_sites_and_handoffs();
    check_sizes();
    return std::move(design_);
  }

 private:
  SourceLocation at(const toml::node& node) const {
    return location(node.source(), input_.source_name);
  }

  SourceLocation first_key_at() const {
    if (!input_.keys.empty()) return input_.keys.front().key_at;
    return input_.chart_key_at;
  }

  std::string text(const toml::node& node, const std::string& what) const {
    auto s = node.as_string();
    if (!s || s->get().empty())
      throw ConfigError(at(node), what + ": expected a non-empty string, got " + describe(node));
    return s->get();
  }

  std::int64_t integer(const toml::node& node, const std::string& what, std::int64_t lo,
                       std::int64_t hi) const {
    auto v = node.as_integer();
    if (!v || v->get() < lo || v->get() > hi) {
      throw ConfigError(at(node), fmt::format("{}: expected an integer in [{}, {}], got {}", what,
                                              lo, hi, describe(node)));
    }
    return v->get();
  }

  double real(const toml::node& node, const std::string& what, double lo, double hi) const {
    auto v = node.value<double>();
    if (!v || !std::isfinite(*v) || *v < lo || *v > hi || node.is_boolean()) {
      throw ConfigError(at(node), fmt::format("{}: expected a number in [{}, {}], got {}", what,
                                              agents::short_number(lo), agents::short_number(hi),
                                              describe(node)));
    }
    return *v;
  }

  /// The index of a choice parameter's value, e.g. culture.preset.
  std::size_t choice(const toml::node& node, const std::string& what,
                     std::string_view parameter) const {
    const auto names = choices_of(parameter);
    auto s = node.as_string();
    const auto it = s ? std::find(names.begin(), names.end(), s->get()) : names.end();
    if (it == names.end()) {
      throw ConfigError(at(node), what + ": expected one of " + joined(names) + ", got " +
                                      describe(node) + (s ? suggestion(s->get(), names) : ""));
    }
    return static_cast<std::size_t>(it - names.begin());
  }

  const toml::array& tables(const OrganizationKey& key) const {
    const auto* array = key.node->as_array();
    if (!array || !array->is_array_of_tables() || array->empty()) {
      throw ConfigError(at(*key.node), "organization." + key.key + ": expected [[organization." +
                                           key.key + "]] tables, got " + describe(*key.node));
    }
    return *array;
  }

  void section_key(const OrganizationKey& key) {
    if (key.key == "sites") {
      for (const toml::node& element : tables(key)) site(*element.as_table(), at(element));
    } else if (key.key == "departments") {
      for (const toml::node& element : tables(key)) department(*element.as_table(), at(element));
    } else if (key.key == "functions") {
      functions_key(key);
    } else if (key.key == "chart_csv") {
      auto s = key.node->as_string();
      if (!s) {
        throw ConfigError(at(*key.node),
                          "organization.chart_csv: expected the chart's CSV text "
                          "as a string, got " +
                              describe(*key.node));
      }
      design_.chart_text = s->get();
      has_chart_csv_ = true;
    } else if (key.key == "chart_path") {
      design_.chart_path = text(*key.node, "organization.chart_path");
      chart_path_at_ = key.key_at;
    } else {
      throw ConfigError(key.key_at, "unknown key 'organization." + key.key + "'; expected " +
                                        joined(kOrganizationKeys) +
                                        suggestion(key.key, kOrganizationKeys));
    }
  }

  void functions_key(const OrganizationKey& key) {
    const auto* array = key.node->as_array();
    if (!array || array->empty()) {
      throw ConfigError(at(*key.node),
                        "organization.functions: expected a non-empty array of "
                        "function names, got " +
                            describe(*key.node));
    }
    for (const toml::node& element : *array) {
      std::string name = text(element, "organization.functions");
      if (std::find(design_.functions.begin(), design_.functions.end(), name) !=
          design_.functions.end()) {
        throw ConfigError(at(element), "organization.functions: \"" + name + "\" is listed twice");
      }
      design_.functions.push_back(std::move(name));
    }
    functions_given_ = true;
  }

  void site(const toml::table& table, const SourceLocation& table_at) {
    SiteSpec spec;
    for (auto&& [key, node] : table) {
      const std::string k(key.str());
      if (k == "name") {
        spec.name = text(node, "organization.sites.name");
        site_at_.push_back(at(node));
      } else if (k == "culture") {
        spec.culture = static_cast<agents::CulturePreset>(
            choice(node, "organization.sites.culture", "culture.preset"));
      } else {
        throw unknown_key("organization.sites", k, key, kSiteKeys);
      }
    }
    if (spec.name.empty())
      throw ConfigError(table_at, "organization.sites: each site needs name = \"...\"");
    design_.sites.push_back(std::move(spec));
  }

  ConfigError unknown_key(const std::string& table, const std::string& k, const toml::key& key,
                          const std::vector<std::string>& known) const {
    return ConfigError(location(key.source(), input_.source_name),
                       "unknown key '" + k + "' in " + table + "; expected " + joined(known) +
                           suggestion(k, known));
  }

  void department(const toml::table& table, const SourceLocation& table_at) {
    DepartmentDraft d;
    d.table_at = table_at;
    SourceLocation span_at, levels_at;
    for (auto&& [key, node] : table) {
      const std::string k(key.str());
      const std::string what = "organization.departments." + k;
      if (k == "name") {
        d.spec.name = text(node, what);
        d.table_at = at(node);
      } else if (k == "headcount") {
        d.spec.headcount = integer(node, what, 0, kMaxPeople);
        d.has_headcount = true;
        d.headcount_at = at(node);
      } else if (k == "function") {
        d.function = text(node, what);
        d.function_at = at(node);
      } else if (k == "site") {
        d.site = text(node, what);
        d.site_at = at(node);
      } else if (k == "handoff_to") {
        d.handoff = text(node, what);
        d.handoff_at = at(node);
      } else if (k == "span") {
        d.spec.span = integer(node, what, 2, 100);
        span_at = at(node);
      } else if (k == "levels") {
        d.spec.levels = integer(node, what, 1, 12);
        levels_at = at(node);
      } else {
        department_value(d.spec, k, key, node);
      }
    }
    if (d.spec.name.empty())
      throw ConfigError(table_at, "organization.departments: each department needs name = \"...\"");
    if (span_at.line != 0 && levels_at.line != 0) {
      const SourceLocation& later = span_at.line > levels_at.line ? span_at : levels_at;
      throw ConfigError(later, "organization.departments: '" + d.spec.name +
                                   "' gives both span and levels; give one (levels fixes the "
                                   "management levels above team leads, span derives them)");
    }
    drafts_.push_back(std::move(d));
  }

  /// A department key that is a plain value (sizes, money, shares).
  void department_value(DepartmentSpec& spec, const std::string& k, const toml::key& key,
                        const toml::node& node) const {
    const std::string what = "organization.departments." + k;
    if (k == "team_size") {
      spec.team_size = integer(node, what, 1, 100'000);
    } else if (k == "annual_salary") {
      spec.annual_salary = real(node, what, 0, 1e9);
    } else if (k == "routine_share") {
      spec.routine_share = real(node, what, 0, 1);
    } else if (k == "automation_target") {
      spec.automation_target = real(node, what, 0, 1);
    } else if (k == "freed_capacity") {
      spec.freed_capacity =
          static_cast<agents::FreedCapacity>(choice(node, what, "automation.freed_capacity"));
    } else {
      throw unknown_key("organization.departments", k, key, kDepartmentKeys);
    }
  }

  void check_unique() const {
    for (std::size_t s = 0; s < design_.sites.size(); ++s) {
      for (std::size_t t = 0; t < s; ++t) {
        if (design_.sites[t].name == design_.sites[s].name) {
          throw ConfigError(site_at_[s], "organization.sites: two sites are called \"" +
                                             design_.sites[s].name + "\"");
        }
      }
    }
    for (std::size_t a = 0; a < drafts_.size(); ++a) {
      for (std::size_t b = 0; b < a; ++b) {
        if (drafts_[a].spec.name == drafts_[b].spec.name) {
          throw ConfigError(drafts_[a].table_at,
                            "organization.departments: two departments are "
                            "called \"" +
                                drafts_[a].spec.name + "\"");
        }
      }
    }
  }

  /// The chart's text: from org.chart (a file beside the experiment file) or chart_csv.
  void load_chart() {
    if (chart_path_at_.line != 0 && !has_chart_csv_) {
      throw ConfigError(chart_path_at_,
                        "organization.chart_path only names an embedded "
                        "organization.chart_csv; read a chart file with "
                        "org.chart = \"staff.csv\" in [scenario]");
    }
    if (has_chart_csv_) {
      if (input_.chart) {
        throw ConfigError(input_.chart_key_at,
                          "org.chart and organization.chart_csv both give "
                          "the chart; keep one");
      }
      chart_source_ = design_.chart_path.empty() ? "organization.chart_csv" : design_.chart_path;
      return;
    }
    if (!input_.chart) return;
    design_.chart_path = text(*input_.chart, "org.chart");
    const std::filesystem::path file =
        std::filesystem::path(input_.source_name).parent_path() / design_.chart_path;
    chart_source_ = file.string();
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
      throw ConfigError(input_.chart_key_at, "org.chart: '" + chart_source_ + "' is a directory");
    // A FIFO or a device (/dev/zero) would block or never end, and a chart is text of at most
    // a few hundred megabytes (the reader's own limits are far below): regular files only.
    if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec)) {
      throw ConfigError(input_.chart_key_at, "org.chart: '" + chart_source_ +
                                                 "' is not a regular file (a pipe or a device?)");
    }
    constexpr std::uintmax_t kMostBytes = 512ull << 20;
    if (const auto size = std::filesystem::file_size(file, ec); !ec && size > kMostBytes) {
      throw ConfigError(input_.chart_key_at,
                        "org.chart: '" + chart_source_ + "' is larger than 512 MiB");
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    if (in) bytes << in.rdbuf();
    if (!in || in.bad()) {
      throw ConfigError(input_.chart_key_at,
                        "org.chart: cannot read the chart file '" + chart_source_ + "'");
    }
    design_.chart_text = bytes.str();
  }

  /// Functions in order (explicit, or the departments' in first-appearance order), and each
  /// department's function index.
  void resolve_functions() {
    if (!functions_given_) {
      for (const DepartmentDraft& d : drafts_) {
        const std::string& name = d.function.empty() ? d.spec.name : d.function;
        if (std::find(design_.functions.begin(), design_.functions.end(), name) ==
            design_.functions.end())
          design_.functions.push_back(name);
      }
    }
    for (DepartmentDraft& d : drafts_) {
      const std::string& name = d.function.empty() ? d.spec.name : d.function;
      const auto it = std::find(design_.functions.begin(), design_.functions.end(), name);
      if (it == design_.functions.end()) {
        throw ConfigError(d.function.empty() ? d.table_at : d.function_at,
                          "organization.departments: function \"" + name + "\" of '" + d.spec.name +
                              "' is not in organization.functions (" + joined(design_.functions) +
                              ")" + suggestion(name, design_.functions));
      }
      d.spec.function = static_cast<std::int32_t>(it - design_.functions.begin());
      design_.departments.push_back(d.spec);
    }
  }

  /// With a chart, a written headcount must be the chart's number of people in the department;
  /// a department without a written site is where its first person in the chart is.
  void check_chart_headcounts() {
    std::vector<std::int64_t> people(design_.departments.size(), 0);
    for (const agents::ChartPerson& person : design_.chart) {
      const auto d = static_cast<std::size_t>(person.department);
      if (people[d]++ == 0 && d < drafts_.size() && drafts_[d].site.empty())
        design_.departments[d].site = person.site;
    }
    for (std::size_t k = 0; k < design_.departments.size(); ++k) {
      if (k < drafts_.size() && drafts_[k].has_headcount &&
          drafts_[k].spec.headcount != people[k]) {
        throw ConfigError(drafts_[k].headcount_at,
                          fmt::format("organization.departments: '{}' has headcount = {}, but the "
                                      "chart has {} people in it",
                                      drafts_[k].spec.name, drafts_[k].spec.headcount, people[k]));
      }
      design_.departments[k].headcount = people[k];
    }
  }

  void resolve_sites_and_handoffs() {
    std::vector<std::string> sites, functions = design_.functions;
    for (const SiteSpec& s : design_.sites) sites.push_back(s.name);
    for (std::size_t k = 0; k < drafts_.size(); ++k) {
      const DepartmentDraft& d = drafts_[k];
      DepartmentSpec& spec = design_.departments[k];
      if (!d.site.empty()) {
        const auto it = std::find(sites.begin(), sites.end(), d.site);
        if (it == sites.end()) {
          throw ConfigError(d.site_at, "organization.departments: unknown site \"" + d.site +
                                           "\"; expected one of " + joined(sites) +
                                           suggestion(d.site, sites));
        }
        spec.site = static_cast<std::int32_t>(it - sites.begin());
      }
      if (!d.handoff.empty()) {
        const auto it = std::find(functions.begin(), functions.end(), d.handoff);
        if (it == functions.end()) {
          throw ConfigError(d.handoff_at,
                            "organization.departments: handoff_to: unknown function "
                            "\"" +
                                d.handoff + "\"; expected one of " + joined(functions) +
                                suggestion(d.handoff, functions));
        }
        spec.handoff_to = static_cast<std::int32_t>(it - functions.begin());
      }
    }
  }

  void check_sizes() const {
    if (design_.chart.empty()) {
      for (const DepartmentDraft& d : drafts_) {
        if (!d.has_headcount) {
          throw ConfigError(d.table_at, "organization.departments: '" + d.spec.name +
                                            "' needs headcount = N (people; or give a chart)");
        }
        if (d.spec.headcount == 0) {
          throw ConfigError(d.headcount_at, "organization.departments: '" + d.spec.name +
                                                "': expected headcount >= 1 without a chart");
        }
      }
    }
    const std::int64_t people = design_headcount(design_);
    if (people > kMaxPeople) {
      throw ConfigError(first_key_at(), fmt::format("the organization has {} people; at most {}",
                                                    people, kMaxPeople));
    }
  }

  const OrganizationInput& input_;
  std::vector<std::string>* notes_;
  OrgDesign design_;
  std::vector<DepartmentDraft> drafts_;
  std::vector<SourceLocation> site_at_;
  SourceLocation chart_path_at_;
  bool has_chart_csv_ = false, functions_given_ = false;
  std::string chart_source_;
};

/// The chart as a TOML string: a multi-line literal string when the text allows one (it reads as
/// the CSV file does), else an escaped basic string.
void append_chart_text(std::string& out, std::string_view text) {
  const bool literal = text.find("'''") == std::string_view::npos && !text.ends_with('\'') &&
                       std::none_of(text.begin(), text.end(), [](char c) {
                         const auto u = static_cast<unsigned char>(c);
                         return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f;
                       });
  if (literal) {
    out += "'''\n";
    out += text;
    out += "'''";
  } else {
    append_escaped(out, text);
  }
  out += '\n';
}

void append_department(std::string& out, const OrgDesign& design, const DepartmentSpec& d) {
  auto line = [&](std::string_view key, const std::string& value) {
    out += fmt::format("{} = {}\n", key, value);
  };
  auto quoted = [](std::string_view name) {
    std::string text;
    append_escaped(text, name);
    return text;
  };
  auto number = [](double x) { return agents::format_value(agents::ParamValue{x}); };
  out += "\n[[organization.departments]]\n";
  line("name", quoted(d.name));
  line("headcount", std::to_string(d.headcount));
  line("function", quoted(design.functions[static_cast<std::size_t>(d.function)]));
  line("site", quoted(design.sites[static_cast<std::size_t>(d.site)].name));
  if (d.team_size > 0) line("team_size", std::to_string(d.team_size));
  if (d.span > 0) line("span", std::to_string(d.span));
  if (d.levels > 0) line("levels", std::to_string(d.levels));
  if (d.annual_salary >= 0) line("annual_salary", number(d.annual_salary));
  if (d.routine_share >= 0) line("routine_share", number(d.routine_share));
  if (d.automation_target >= 0) line("automation_target", number(d.automation_target));
  if (d.freed_capacity) {
    line("freed_capacity",
         quoted(
             choices_of("automation.freed_capacity")[static_cast<std::size_t>(*d.freed_capacity)]));
  }
  if (d.handoff_to >= 0)
    line("handoff_to", quoted(design.functions[static_cast<std::size_t>(d.handoff_to)]));
}

}  // namespace

agents::OrgDesign read_organization(const OrganizationInput& input,
                                    std::vector<std::string>* notes) {
  return SectionReader(input, notes).read();
}

std::int64_t design_headcount(const agents::OrgDesign& design) {
  if (!design.chart.empty()) return static_cast<std::int64_t>(design.chart.size());
  std::int64_t people = 0;
  for (const DepartmentSpec& d : design.departments) people += d.headcount;
  return people;
}

void append_organization(std::string& out, const agents::OrgDesign& design) {
  out += "\n[organization]\nfunctions = [";
  for (std::size_t f = 0; f < design.functions.size(); ++f) {
    if (f) out += ", ";
    append_escaped(out, design.functions[f]);
  }
  out += "]\n";
  if (!design.chart_text.empty()) {
    if (!design.chart_path.empty()) {
      out += "chart_path = ";
      append_escaped(out, design.chart_path);
      out += '\n';
    }
    out += "chart_csv = ";
    append_chart_text(out, design.chart_text);
  }
  const auto cultures = choices_of("culture.preset");
  for (const SiteSpec& site : design.sites) {
    out += "\n[[organization.sites]]\nname = ";
    append_escaped(out, site.name);
    out += '\n';
    if (site.culture)
      out += "culture = \"" + cultures[static_cast<std::size_t>(*site.culture)] + "\"\n";
  }
  for (const DepartmentSpec& d : design.departments) append_department(out, design, d);
}

ScopeNames scope_names(const agents::ModelParams& scenario) {
  const agents::OrgNames org = agents::org_names(scenario);
  ScopeNames names;
  names.functions = org.functions;
  names.departments = org.departments;
  for (std::size_t d = 0; d < org.departments.size(); ++d) {
    // A generated organization has one department per function, in order.
    names.department_function.push_back(scenario.design ? scenario.design->departments[d].function
                                                        : static_cast<std::int32_t>(d));
  }
  return names;
}

}  // namespace orgsim::experiments::detail
