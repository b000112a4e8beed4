// libFuzzer target: bytes -> an org chart CSV (docs/org-charts.md) through the path an experiment
// with `org.chart = "staff.csv"` takes. The reader itself first (detail::read_org_chart with small
// limits, so absurd charts are refused quickly), then what a chart that reads feeds:
//   - the design must be fully resolved (every index valid, one top person, headcounts and skill
//     widths consistent: agents/org_design.hpp);
//   - write_org_chart of its OrgView must read back as the same chart (people, order, managers,
//     dotted managers, departments, sites, functions, titles, salaries, FTE, hire dates, skills)
//     and write the same text again (org_chart.hpp promises this round trip);
//   - the chart as a file beside an experiment (org.chart), once alone and once with the same
//     sites, departments and functions spelt out in [organization]: both parse, give the same
//     resolved experiment, and that text (the chart embedded as chart_csv) parses back to itself;
//   - the organization a run starts from (agents::view_at at tick 0, small charts) has the
//     chart's people, managers, departments, titles, hire dates and skills, and its export
//     (`orgsim org --csv`) reads back.
// Any orgsim::Error is the expected outcome for bad input; any other exception, crash, leak or
// sanitizer report is a bug, and so is a broken property above (the target aborts).
// Found by this target (issue 24) and fixed in the chart reader, kept as seeds
// (corpus/org_chart/bug-*.csv): a department or site named with a leading or trailing blank
// (written as a skill column the reader trimmed: the export read back with another function);
// a salary above float's range or an fte below it (the export wrote inf or 0); a NUL byte in a
// field (names are C strings in the results file).
#include "orgsim/agents/org_view.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/org_chart.hpp"
#include "orgsim/experiments/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using orgsim::agents::ChartPerson;
using orgsim::agents::OrgDesign;
using orgsim::agents::OrgView;
using orgsim::experiments::ExperimentSpec;

/// The reader's limits here: small, so that huge charts are refused fast (the defaults are 10^8
/// rows and 4,096-byte fields). Charts written back are read with the defaults, as a user would.
constexpr orgsim::experiments::detail::ChartLimits kLimits{2000, 256};
/// Charts up to this many people are also built into a model organization.
constexpr std::size_t kMostModelPeople = 300;

[[noreturn]] void fail(const std::string& what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_org_chart: %s\n%.*s\n", what.c_str(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void check(bool ok, const std::string& what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

/// A per-process scratch directory ($TMPDIR or /tmp) for the chart file, removed at exit.
const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path d = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                              ("orgsim-fuzz-chart-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return d;
  }();
  return dir;
}

/// A TOML basic string (the text is valid UTF-8: the reader checked it).
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04X", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

/// The invariants of a resolved design (agents/org_design.hpp).
void check_design(const OrgDesign& d, std::string_view text) {
  const auto n = static_cast<std::int64_t>(d.chart.size());
  check(n > 0 && !d.sites.empty() && !d.departments.empty(), "empty chart, sites or departments",
        text);
  std::int64_t tops = 0;
  std::vector<std::int64_t> people(d.departments.size(), 0);
  for (const ChartPerson& p : d.chart) {
    check(p.manager >= -1 && p.manager < n && p.dotted >= -1 && p.dotted < n,
          "manager or dotted manager out of range", text);
    check(p.department >= 0 && static_cast<std::size_t>(p.department) < d.departments.size() &&
              p.site >= 0 && static_cast<std::size_t>(p.site) < d.sites.size(),
          "department or site out of range", text);
    check(p.skills.empty() || p.skills.size() == d.functions.size(), "skills of the wrong width",
          text);
    check(p.fte > 0 && p.fte <= 1, "fte out of (0, 1]", text);
    tops += p.manager < 0 ? 1 : 0;
    ++people[static_cast<std::size_t>(p.department)];
  }
  check(tops == 1, "not exactly one top person", text);
  for (std::size_t k = 0; k < d.departments.size(); ++k) {
    const auto& dep = d.departments[k];
    check(dep.function >= 0 && static_cast<std::size_t>(dep.function) < d.functions.size() &&
              dep.site >= 0 && static_cast<std::size_t>(dep.site) < d.sites.size(),
          "a department's function or site out of range", text);
    check(dep.headcount == people[k], "a department's headcount is not its chart rows", text);
  }
}

OrgView view_of(const OrgDesign& d) {
  OrgView view;
  view.functions = d.functions;
  for (const auto& s : d.sites) view.sites.push_back(s.name);
  for (const auto& dep : d.departments) view.departments.push_back(dep.name);
  for (const ChartPerson& c : d.chart) {
    orgsim::agents::OrgPerson p;
    p.id = c.id;
    p.manager = c.manager;
    p.dotted = c.dotted;
    p.department = c.department;
    p.site = c.site;
    p.title = c.title;
    p.annual_salary = c.annual_salary;
    p.fte = c.fte;
    p.hire_date = c.hire_date;
    p.skills = c.skills;
    view.people.push_back(std::move(p));
  }
  return view;
}

std::string written(const OrgView& view) {
  std::ostringstream out;
  orgsim::experiments::write_org_chart(view, out);
  return out.str();
}

/// write_org_chart, then read_org_chart: the same chart, and the same text when written again.
void check_round_trip(const OrgDesign& d, std::string_view input) {
  const std::string text = written(view_of(d));
  OrgDesign again;
  try {
    orgsim::experiments::read_org_chart(text, "written.csv", again);
  } catch (const orgsim::Error& e) {
    fail(std::string("the written chart is rejected: ") + e.what(), text);
  }
  const auto differs = [&](const char* what) {
    fail(std::string("the written chart reads back with different ") + what,
         std::string(input) + "\n--- written:\n" + text);
  };
  if (again.chart.size() != d.chart.size()) differs("people");
  if (again.functions != d.functions) differs("functions");
  if (again.sites.size() != d.sites.size()) differs("sites");
  for (std::size_t s = 0; s < d.sites.size(); ++s)
    if (again.sites[s].name != d.sites[s].name) differs("site names");
  if (again.departments.size() != d.departments.size()) differs("departments");
  for (std::size_t k = 0; k < d.departments.size(); ++k) {
    const auto &a = again.departments[k], &b = d.departments[k];
    if (a.name != b.name || a.function != b.function || a.site != b.site ||
        a.headcount != b.headcount)
      differs("departments (name, function, site or headcount)");
  }
  for (std::size_t i = 0; i < d.chart.size(); ++i) {
    const ChartPerson &a = again.chart[i], &b = d.chart[i];
    if (a.id != b.id || a.manager != b.manager || a.dotted != b.dotted) differs("ids or managers");
    if (a.department != b.department || a.site != b.site) differs("departments or sites");
    if (a.title != b.title || a.hire_date != b.hire_date) differs("titles or hire dates");
    if (a.annual_salary != b.annual_salary || a.fte != b.fte) differs("salaries or FTE");
    if (a.skills.size() != b.skills.size()) differs("skill widths");
    for (std::size_t f = 0; f < a.skills.size(); ++f)
      if (!same_float(a.skills[f], b.skills[f])) differs("skills");
  }
  check(written(view_of(again)) == text, "the written chart does not write the same text again",
        text);
}

ExperimentSpec parse_or_empty(const std::string& experiment, const std::string& source, bool& ok) {
  ok = false;
  try {
    ExperimentSpec spec = orgsim::experiments::parse_experiment(experiment, source);
    ok = true;
    return spec;
  } catch (const orgsim::Error&) {
    return {};
  }
}

/// What validate and the run farm read, and the resolved text parsing back to itself (checked
/// unless `checked` is false).
void exercise(const ExperimentSpec& spec, bool checked = true) {
  (void)spec.run_count();
  (void)orgsim::experiments::estimate_run_memory(spec);
  (void)orgsim::experiments::estimate_cpu_seconds(spec);
  (void)spec.run_options();
  (void)orgsim::agents::org_names(spec.params_at(0));
  const std::string resolved = spec.resolved_text();
  try {
    const ExperimentSpec again = orgsim::experiments::parse_experiment(resolved, "<resolved>");
    check(!checked || again.resolved_text() == resolved,
          "resolved text does not parse back to itself", resolved);
  } catch (const orgsim::Error& e) {
    if (checked) fail(std::string("resolved text is rejected: ") + e.what(), resolved);
  }
}

/// The organization a run starts from: the chart's people in its order, with its managers.
void check_model(const ExperimentSpec& spec, const OrgDesign& d, std::string_view input) {
  OrgView view;
  try {
    view = orgsim::agents::view_at(spec.params_at(0), {spec.seed, 0}, spec.run_options(), 0);
  } catch (const orgsim::Error&) {
    return;
  }
  const auto differs = [&](const char* what) {
    fail(std::string("the organization at tick 0 differs from the chart: ") + what, input);
  };
  if (view.people.size() != d.chart.size()) differs("headcount");
  for (std::size_t i = 0; i < d.chart.size(); ++i) {
    const ChartPerson& c = d.chart[i];
    const orgsim::agents::OrgPerson& p = view.people[i];
    if (p.id != c.id) differs("ids");
    if (p.manager != c.manager) differs("managers");
    if (view.departments[static_cast<std::size_t>(p.department)] !=
        d.departments[static_cast<std::size_t>(c.department)].name)
      differs("departments");
    if (p.title != c.title || p.hire_date != c.hire_date) differs("titles or hire dates");
    if (static_cast<float>(p.fte) != static_cast<float>(c.fte)) differs("FTE");
    for (std::size_t f = 0; f < c.skills.size(); ++f)
      if (!std::isnan(c.skills[f]) && (f >= p.skills.size() || p.skills[f] != c.skills[f]))
        differs("skills");
  }
  const std::string text = written(view);
  try {
    OrgDesign exported;
    orgsim::experiments::read_org_chart(text, "export.csv", exported);
  } catch (const orgsim::Error& e) {
    fail(std::string("the export of the organization at tick 0 is rejected: ") + e.what(), text);
  }
}

/// The chart as an experiment's org.chart: alone, and with its organization spelt out.
void check_experiments(std::string_view input, const OrgDesign& d) {
  const std::filesystem::path& dir = scratch_dir();
  {
    std::ofstream out(dir / "staff.csv", std::ios::binary | std::ios::trunc);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
    if (!out) fail("cannot write the scratch chart", (dir / "staff.csv").string());
  }
  const std::string source = (dir / "fuzz.toml").string();
  const std::string head = "[experiment]\nticks = 3\n\n[scenario]\norg.chart = \"staff.csv\"\n";
  bool ok = false;
  const ExperimentSpec alone = parse_or_empty(head, source, ok);
  if (!ok) return;  // more than 16 functions or 64 sites: refused by the experiment, not the chart
  exercise(alone, true);
  if (d.chart.size() <= kMostModelPeople) check_model(alone, d, input);

  std::string spelt = head + "\n[organization]\nfunctions = [";
  for (std::size_t f = 0; f < d.functions.size(); ++f)
    spelt += (f ? ", " : "") + toml_string(d.functions[f]);
  spelt += "]\n";
  for (const auto& s : d.sites) spelt += "\n[[organization.sites]]\nname = " + toml_string(s.name);
  for (const auto& dep : d.departments) {
    spelt += "\n[[organization.departments]]\nname = " + toml_string(dep.name) +
             "\nheadcount = " + std::to_string(dep.headcount) +
             "\nfunction = " + toml_string(d.functions[static_cast<std::size_t>(dep.function)]) +
             "\nsite = " + toml_string(d.sites[static_cast<std::size_t>(dep.site)].name) + "\n";
  }
  try {
    const ExperimentSpec given = orgsim::experiments::parse_experiment(spelt, source);
    exercise(given);
    check(given.resolved_text() == alone.resolved_text(),
          "the chart with its organization spelt out resolves differently from the chart alone",
          spelt);
  } catch (const orgsim::Error& e) {
    fail(std::string("the chart with its own organization spelt out is rejected: ") + e.what(),
         spelt);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  OrgDesign design;
  std::vector<std::string> notes;
  try {
    orgsim::experiments::detail::read_org_chart(text, "fuzz.csv", design, &notes, kLimits);
  } catch (const orgsim::Error&) {
    return 0;  // a clean user error: what bad input must give
  }
  check_design(design, text);
  check_round_trip(design, text);
  check_experiments(text, design);
  return 0;
}
