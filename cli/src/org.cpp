// `orgsim org`: the simulated organization of one run at one tick, as a chart: headcount by
// department and site, layers, spans and layers (span bands after McKinsey's manager
// archetypes), the chart as CSV (read back by org.chart) and a Graphviz picture
// (docs/org-charts.md).
#include "command.hpp"
#include "common.hpp"

#include "orgsim/agents/org_view.hpp"
#include "orgsim/analysis/org_picture.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/org_chart.hpp"
#include "orgsim/experiments/resources.hpp"

#include "orgsim/core/html.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

namespace orgsim::cli::detail {

namespace {

struct OrgArgs {
  std::string file, csv, picture, format = "text";
  std::int64_t at = 0;
  std::int64_t run = -1, point = -1;  ///< -1: not given
  bool detail = false;
};

/// Which organization to show: the run's parameters, key and options, and what to call it.
struct RunChoice {
  experiments::ExperimentSpec spec;
  std::size_t point = 0, replication = 0;
  std::string label;
};

RunChoice choose_from_results(const OrgArgs& args) {
  if (args.point >= 0)
    throw UsageError("--point is for experiment files; pick a run of " + args.file +
                     " with --run K");
  const experiments::ResultsReader results = open_results(args.file);
  const std::optional<std::string> text = results.attribute("experiment");
  if (!text) throw ResultsError(args.file + " records no experiment (root attribute 'experiment')");
  RunChoice choice{experiments::parse_experiment(*text, args.file + " (its experiment)"), 0, 0, {}};
  const auto run = static_cast<std::size_t>(std::max<std::int64_t>(args.run, 0));
  if (run >= results.run_count()) {
    throw UsageError(
        fmt::format("--run {}: {} has runs 0 to {}", run, args.file, results.run_count() - 1));
  }
  const auto* point = results.run_column("design_point");
  const auto* replication = results.run_column("replication");
  if (!point || !replication) throw ResultsError(args.file + ": /runs has no design_point column");
  choice.point = static_cast<std::size_t>(point->numbers.at(run));
  choice.replication = static_cast<std::size_t>(replication->numbers.at(run));
  choice.label = fmt::format("{}, run {} (design point {}, replication {})", args.file, run,
                             choice.point, choice.replication);
  return choice;
}

RunChoice choose(const OrgArgs& args) {
  if (experiments::is_results_file(args.file)) return choose_from_results(args);
  RunChoice choice{load(args.file, {}),
                   static_cast<std::size_t>(std::max<std::int64_t>(args.point, 0)),
                   static_cast<std::size_t>(std::max<std::int64_t>(args.run, 0)),
                   {}};
  if (choice.point >= choice.spec.design_point_count()) {
    throw UsageError(fmt::format("--point {}: {} has design points 0 to {}", choice.point,
                                 args.file, choice.spec.design_point_count() - 1));
  }
  if (choice.replication >= static_cast<std::size_t>(choice.spec.replications)) {
    throw UsageError(fmt::format("--run {}: {} has replications 0 to {}", choice.replication,
                                 args.file, choice.spec.replications - 1));
  }
  choice.label = fmt::format("{}, design point {}, replication {}", args.file, choice.point,
                             choice.replication);
  return choice;
}

agents::OrgView view_of(const OrgArgs& args, std::string& label) {
  const RunChoice choice = choose(args);
  if (args.at < 0 || args.at > choice.spec.ticks) {
    throw UsageError(
        fmt::format("--at {}: the experiment runs ticks 0 to {}", args.at, choice.spec.ticks));
  }
  label = choice.label;
  agents::RunOptions options = choice.spec.run_options();
  options.events = choice.spec.events_at(choice.point);
  return agents::view_at(choice.spec.run_params_at(choice.point),
                         {choice.spec.seed, choice.spec.first_replication + choice.replication},
                         options, static_cast<Tick>(args.at));
}

// Span bands: McKinsey's five manager archetypes (player/coach 3-5 direct reports, coach 6-7,
// supervisor 8-10, facilitator 11-15, coordinator 15+; Acharya et al. 2017), plus 1-2 below
// them. Upper bounds, inclusive.
constexpr std::array<int, 6> kBandTop = {2, 5, 7, 10, 15, std::numeric_limits<int>::max()};
constexpr std::array<const char*, 6> kBandName = {"1-2", "3-5", "6-7", "8-10", "11-15", "16+"};

struct SpanRow {
  std::string layer;       ///< a level, or "all"
  std::vector<int> spans;  ///< direct reports of each manager in it
};

/// What `orgsim org` prints: the numbers, computed once for text and JSON.
struct Summary {
  std::vector<std::vector<std::int64_t>> headcount;  ///< [department][site]
  std::vector<std::int64_t> people_per_level, managers_per_level;
  std::vector<SpanRow> spans;  ///< per manager level, then all managers
};

Summary summarize(const agents::OrgView& view) {
  Summary s;
  s.headcount.assign(view.departments.size(), std::vector<std::int64_t>(view.sites.size(), 0));
  std::vector<int> reports(view.people.size(), 0);
  for (const agents::OrgPerson& p : view.people) {
    ++s.headcount[static_cast<std::size_t>(p.department)][static_cast<std::size_t>(p.site)];
    if (p.manager >= 0) ++reports[static_cast<std::size_t>(p.manager)];
    const auto level = static_cast<std::size_t>(p.level);
    if (s.people_per_level.size() <= level) s.people_per_level.resize(level + 1, 0);
    ++s.people_per_level[level];
  }
  s.managers_per_level.assign(s.people_per_level.size(), 0);
  std::vector<SpanRow> by_level(s.people_per_level.size());
  SpanRow all{"all", {}};
  for (std::size_t i = 0; i < view.people.size(); ++i) {
    if (reports[i] == 0) continue;
    const auto level = static_cast<std::size_t>(view.people[i].level);
    ++s.managers_per_level[level];
    by_level[level].spans.push_back(reports[i]);
    all.spans.push_back(reports[i]);
  }
  for (std::size_t level = 0; level < by_level.size(); ++level) {
    if (by_level[level].spans.empty()) continue;
    by_level[level].layer = std::to_string(level);
    s.spans.push_back(std::move(by_level[level]));
  }
  s.spans.push_back(std::move(all));
  return s;
}

std::array<double, 6> band_shares(const std::vector<int>& spans) {
  std::array<double, 6> shares{};
  for (const int span : spans) {
    const auto band = std::lower_bound(kBandTop.begin(), kBandTop.end(), span) - kBandTop.begin();
    shares[static_cast<std::size_t>(band)] += 1.0 / static_cast<double>(spans.size());
  }
  return shares;
}

double mean_of(const std::vector<int>& v) {
  double sum = 0;
  for (const int x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double median_of(std::vector<int> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void print_headcount(std::ostream& out, const agents::OrgView& view, const Summary& s) {
  std::size_t width = 10;
  for (const std::string& d : view.departments) width = std::max(width, d.size());
  out << "headcount by department and site\n" << fmt::format("  {:<{}}", "department", width);
  for (const std::string& site : view.sites)
    out << fmt::format("  {:>{}}", site, std::max<std::size_t>(site.size(), 5));
  out << "  total\n";
  std::vector<std::int64_t> site_totals(view.sites.size(), 0);
  for (std::size_t d = 0; d < view.departments.size(); ++d) {
    out << fmt::format("  {:<{}}", view.departments[d], width);
    std::int64_t total = 0;
    for (std::size_t site = 0; site < view.sites.size(); ++site) {
      out << fmt::format("  {:>{}}", s.headcount[d][site],
                         std::max<std::size_t>(view.sites[site].size(), 5));
      total += s.headcount[d][site];
      site_totals[site] += s.headcount[d][site];
    }
    out << fmt::format("  {:>5}\n", total);
  }
  out << fmt::format("  {:<{}}", "total", width);
  for (std::size_t site = 0; site < view.sites.size(); ++site)
    out << fmt::format("  {:>{}}", site_totals[site],
                       std::max<std::size_t>(view.sites[site].size(), 5));
  out << fmt::format("  {:>5}\n", view.people.size());
}

void print_text(std::ostream& out, const agents::OrgView& view, const Summary& s,
                const std::string& label) {
  out << fmt::format("organization of {}, tick {}: {} people\n\n", label, view.tick,
                     view.people.size());
  print_headcount(out, view, s);
  out << "\nlayers (level 0 is the top)\n  level  people  managers\n";
  for (std::size_t level = 0; level < s.people_per_level.size(); ++level) {
    out << fmt::format("  {:>5}  {:>6}  {:>8}\n", level, s.people_per_level[level],
                       s.managers_per_level[level]);
  }
  out << "\nspans and layers (share of managers by direct reports; bands after McKinsey's manager "
         "archetypes)\n  level  managers";
  for (const char* band : kBandName) out << fmt::format("  {:>5}", band);
  out << "   mean  median\n";
  for (const SpanRow& row : s.spans) {
    out << fmt::format("  {:>5}  {:>8}", row.layer, row.spans.size());
    for (const double share : band_shares(row.spans))
      out << fmt::format("  {:>4.0f}%", 100 * share);
    out << fmt::format("  {:>5.2f}  {:>6.1f}\n", mean_of(row.spans), median_of(row.spans));
  }
}

nlohmann::json to_json(const agents::OrgView& view, const Summary& s, const std::string& label) {
  nlohmann::json doc;
  doc["organization"] = label;
  doc["tick"] = view.tick;
  doc["people"] = view.people.size();
  doc["departments"] = view.departments;
  doc["sites"] = view.sites;
  doc["headcount"] = s.headcount;
  doc["layers"] = nlohmann::json::array();
  for (std::size_t level = 0; level < s.people_per_level.size(); ++level) {
    doc["layers"].push_back({{"level", level},
                             {"people", s.people_per_level[level]},
                             {"managers", s.managers_per_level[level]}});
  }
  doc["span_bands"] = kBandName;
  doc["spans"] = nlohmann::json::array();
  for (const SpanRow& row : s.spans) {
    const std::array<double, 6> shares = band_shares(row.spans);
    doc["spans"].push_back({{"level", row.layer},
                            {"managers", row.spans.size()},
                            {"shares", shares},
                            {"mean", mean_of(row.spans)},
                            {"median", median_of(row.spans)}});
  }
  return doc;
}

/// A file written beside `output` and renamed over it only once complete, so that a failure
/// leaves `output` as it was.
class PendingFile {
 public:
  explicit PendingFile(const std::string& output)
      : output_(output), path_(output + fmt::format(".orgsim-{}.tmp", ::getpid())) {}
  ~PendingFile() {
    std::error_code ignored;
    if (!committed_) std::filesystem::remove(path_, ignored);
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  void commit() {
    std::error_code error;
    std::filesystem::rename(path_, output_, error);
    if (error) throw UsageError("cannot write " + output_ + " (" + error.message() + ")");
    committed_ = true;
  }

 private:
  std::string output_, path_;
  bool committed_ = false;
};

void check_picture_name(const std::string& output) {
  const std::string extension = std::filesystem::path(output).extension().string();
  if (extension != ".svg" && extension != ".png" && extension != ".pdf") {
    throw UsageError("--picture " + output + ": expected a file ending in .svg, .png or .pdf");
  }
}

void write_csv(const agents::OrgView& view, const std::string& output) {
  PendingFile pending(output);
  {
    std::ofstream out(pending.path(), std::ios::binary);
    experiments::write_org_chart(view, out);
    if (!out.flush()) throw UsageError("cannot write " + output);
  }
  pending.commit();
}

int org(const OrgArgs& args) {
  if (args.format != "text" && args.format != "json")
    throw UsageError("--format " + args.format + ": expected text or json");
  if (!args.picture.empty()) check_picture_name(args.picture);
  if (!args.picture.empty()) experiments::check_path_length(args.picture);
  if (!args.csv.empty()) experiments::check_path_length(args.csv);
  std::string label;
  const agents::OrgView view = view_of(args, label);
  const Summary summary = summarize(view);
  if (!args.csv.empty()) write_csv(view, args.csv);
  if (!args.picture.empty()) analysis::draw_org_chart(view, args.detail, args.picture);
  if (args.format == "json") {
    std::cout << to_json(view, summary, label).dump(2) << '\n';
  } else {
    print_text(std::cout, view, summary, label);
    if (!args.csv.empty()) std::cout << "\nwrote " << args.csv << '\n';
    if (!args.picture.empty())
      std::cout << (args.csv.empty() ? "\n" : "") << "drew " << args.picture << '\n';
  }
  return 0;
}

}  // namespace

Command add_org_command(CLI::App& app) {
  auto args = std::make_shared<OrgArgs>();
  auto* command = app.add_subcommand(
      "org",
      "Show a run's organization as a chart: headcount by department and site, spans and layers; "
      "write it as CSV (read back by org.chart) or draw it with Graphviz");
  command->add_option("file", args->file, "Experiment file (TOML) or results file (HDF5)")
      ->required();
  command->add_option(
      "--at", args->at,
      "Tick counted from today, after any warm-up, as the metrics count (default 0: today)");
  command->add_option("--run", args->run,
                      "Results file: run K (a /runs row); experiment file: replication K "
                      "(default 0)");
  command->add_option("--point", args->point, "Experiment file: design point P (default 0)");
  command->add_option("--csv", args->csv, "Write the chart as CSV (the org.chart shape)");
  command->add_option("--picture", args->picture,
                      "Draw the chart with Graphviz: a .svg, .png or .pdf file");
  command->add_flag("--detail", args->detail,
                    "Draw every person (default: each manager's staff as one node)");
  command->add_option("--format", args->format, "text or json")->capture_default_str();
  return {command, [args] { return org(*args); }};
}

}  // namespace orgsim::cli::detail
