// libFuzzer target: a consultant's option file (docs/experiment-files.md: [organization] with
// sites and departments, org.chart or chart_csv, [[events]], [[options]] with parameter values
// and [[options.events]]) through the path `orgsim validate` and `orgsim run` take:
// parse_experiment, the counts and estimates validate prints, then for each option (up to 16) its
// first and last design point: the option a point belongs to, its parameters, its events (shared
// and its own, moved by events.<name>.at) and the names of the uncertain events the results
// record; the single-run experiment of the option's first run (`run --rerun`), which must parse
// and hold one run with the same events; and the resolved text, which must parse back to itself
// (merge and --resume rely on it).
// Input: experiment text (seeds: experiments/configs/scenarios/*.toml and fuzz/corpus/options,
// dictionary fuzz/options.dict). Text without [organization], org.chart, chart_csv, [[events]]
// or [[options]] gets a small consultant-style organization, events and options appended, so
// every input reaches that code. Leading "#set key=value" lines become --set overrides. The
// experiment is named as if it were in experiments/configs/scenarios, so org.chart = "staff.csv"
// reads the shipped chart.
// Any orgsim::Error is the expected outcome for bad input; any other exception, crash, leak or
// sanitizer report is a bug, and so is a broken property above (the target aborts).
// Found by this target (issue 24) and fixed: an event time "events.<name>.at" that some options
// (or [sweep.list] points) set and others leave out was 0 in the others, which moved the event to
// tick 0 there and resolved to a value that was refused when read back; 0 now means "not moved"
// (seed: corpus/options/bug-option-moves-event-in-one-option.toml).
#include "overrides.hpp"

#include "orgsim/agents/org_view.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/runner.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

using orgsim::agents::ScheduledEvent;
using orgsim::experiments::ExperimentSpec;

constexpr std::size_t kMostOptions = 16;  ///< options whose points are checked
constexpr std::size_t kMostReruns = 4;    ///< options whose single-run experiment is parsed

/// Appended to text that has none of the option-file sections.
constexpr std::string_view kConsultantTail = R"(
[[organization.sites]]
name = "city office"
[[organization.sites]]
name = "port depot"
culture = "germanic"

[[organization.departments]]
name = "dispatch"
headcount = 12
site = "port depot"
handoff_to = "sales"
[[organization.departments]]
name = "sales"
headcount = 6
team_size = 3

[[events]]
at = 2
name = "shake-up"
probability = 0.5
shock = 0.1

[[options]]
name = "today"
baseline = true

[[options]]
name = "squads"
[[options.events]]
at = 1
restructure = "cross_functional"
departments = ["sales"]
[[options.events]]
at = 2
name = "cuts"
layoff = 0.1
department = "dispatch"
)";

std::string& scenarios_dir() {
  static std::string dir;
  return dir;
}

[[noreturn]] void fail(const std::string& what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_options: %s\n%.*s\n", what.c_str(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void check(bool ok, const std::string& what, std::string_view detail) {
  if (!ok) fail(what, detail);
}

bool has_option_sections(std::string_view text) {
  for (const std::string_view marker :
       {"[organization", "org.chart", "chart_csv", "[[events]]", "[[options"})
    if (text.find(marker) != std::string_view::npos) return true;
  return false;
}

/// Events of a point: in tick order, each within the run.
void check_events(const ExperimentSpec& spec, const std::vector<ScheduledEvent>& events,
                  const std::string& resolved) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    check(events[i].at >= 1 && static_cast<std::int64_t>(events[i].at) <= spec.ticks,
          "an event outside the run's ticks", resolved);
    check(i == 0 || events[i - 1].at <= events[i].at, "events not in tick order", resolved);
  }
}

/// `run --rerun`: the experiment of one run parses, has one run and the point's events.
void check_rerun(const ExperimentSpec& spec, std::size_t point,
                 const std::vector<ScheduledEvent>& events, const std::string& resolved) {
  const std::size_t run = point * static_cast<std::size_t>(spec.replications);
  const std::string one_text = orgsim::experiments::single_run_experiment(spec, run);
  try {
    const ExperimentSpec one = orgsim::experiments::parse_experiment(one_text, "<rerun>");
    check(one.run_count() == 1, "the single-run experiment has more than one run", one_text);
    check(one.events_at(0).size() == events.size(),
          "the single-run experiment has other events than its design point", one_text);
    check(one.resolved_text() == one_text, "the single-run experiment does not parse to itself",
          one_text);
  } catch (const orgsim::Error& e) {
    fail(std::string("the single-run experiment is rejected: ") + e.what(),
         one_text + "\n--- from:\n" + resolved);
  }
}

/// What validate prints, what the run farm and the results writer read, per option (with its
/// properties checked when `checked`).
void exercise(const ExperimentSpec& spec, const std::string& resolved, bool checked) {
  (void)spec.run_count();
  (void)orgsim::experiments::estimate_run_memory(spec);
  (void)orgsim::experiments::estimate_cpu_seconds(spec);
  (void)spec.run_options();
  (void)spec.events_differ_by_point();
  (void)spec.uncertain_events();
  const std::size_t points = spec.design_point_count();
  if (points == 0) return;
  (void)orgsim::agents::org_names(spec.params_at(0));  // the results file's organization names
  const auto& options = spec.design.options;
  const std::size_t inner = spec.design.inner_size();
  if (options.names.empty()) {
    check(spec.option_events.empty(), "option events without options", resolved);
    return;
  }
  check(points == options.names.size() * inner, "points are not options x inner points", resolved);
  check(options.baseline < options.names.size(), "the baseline is not an option", resolved);
  check(spec.option_events.size() == options.names.size(), "option events not one per option",
        resolved);
  for (std::size_t o = 0; o < std::min(options.names.size(), kMostOptions); ++o) {
    for (const std::size_t point : {o * inner, o * inner + inner - 1}) {
      check(spec.design.option_of(point) == o, "a point in the wrong option", resolved);
      (void)spec.params_at(point);
      (void)spec.design.values(point);
      const std::vector<ScheduledEvent> events = spec.events_at(point);
      check(events.size() == spec.events.size() + spec.option_events[o].size(),
            "a point's events are not the shared ones and its option's", resolved);
      if (!checked) {
        if (point == o * inner && o < kMostReruns)
          (void)orgsim::experiments::single_run_experiment(
              spec, point * static_cast<std::size_t>(spec.replications));
        continue;
      }
      check_events(spec, events, resolved);
      if (point == o * inner && o < kMostReruns) check_rerun(spec, point, events, resolved);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** argv) {
  // The seeds' org.chart = "staff.csv" is relative to experiments/configs/scenarios: find it from
  // the binary (build-fuzz/fuzz/fuzz_options) or the working directory (scripts/fuzz.sh).
  namespace fs = std::filesystem;
  const fs::path relative = "experiments/configs/scenarios";
  std::error_code ec;
  fs::path dir =
      fs::weakly_canonical(fs::path((*argv)[0]), ec).parent_path().parent_path().parent_path() /
      relative;
  if (ec || !fs::is_directory(dir, ec)) dir = fs::current_path(ec) / relative;
  scenarios_dir() = dir.string();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (!has_option_sections(text)) text += kConsultantTail;
  ExperimentSpec spec;
  try {
    spec = orgsim::experiments::parse_experiment(text, scenarios_dir() + "/fuzz.toml",
                                                 orgsim::fuzz::overrides_of(text));
  } catch (const orgsim::Error&) {
    return 0;  // a clean user error: what bad input must give
  }
  const std::string resolved = spec.resolved_text();
  exercise(spec, resolved, true);
  try {
    const ExperimentSpec again = orgsim::experiments::parse_experiment(resolved, "<resolved>");
    check(again.resolved_text() == resolved, "resolved text does not parse back to itself",
          resolved);
    check(again.run_count() == spec.run_count() &&
              again.design.options.names == spec.design.options.names &&
              again.design.options.baseline == spec.design.options.baseline,
          "the resolved text has other runs or options", resolved);
  } catch (const orgsim::Error& e) {
    fail(std::string("resolved text is rejected: ") + e.what(), resolved);
  }
  return 0;
}
