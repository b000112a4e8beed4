// `orgsim landscape`: the statistics of the NK landscapes an experiment's runs search (docs/ODD.md
// 7.19), per design point: local peaks (exact census), steepest-ascent walks from random starts,
// the optimum and the share of interactions that cross departments. Each landscape is built
// exactly as a run builds it, by the organization of (design point, replication).
#include "command.hpp"
#include "common.hpp"

#include "orgsim/agents/organization.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

namespace orgsim::cli::detail {

namespace {

/// The random starts of the walks: a stream of its own, so no run's draws are touched.
constexpr StreamId kWalkStarts = stream_id("landscape_walk_starts");

struct LandscapeArgs {
  std::string file, format = "text";
  std::vector<std::string> sets;
  std::int64_t replications = 0;
  bool replications_given = false;  ///< otherwise the experiment's replications
  std::int64_t starts = 100;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Mean and standard error (sd / sqrt(n)) of a sample; NaN where undefined.
struct Estimate {
  double mean = kNaN;
  double se = kNaN;
};

Estimate estimate(const std::vector<double>& values) {
  Estimate e;
  if (values.empty()) return e;
  const auto n = static_cast<double>(values.size());
  double sum = 0;
  for (const double v : values) sum += v;
  e.mean = sum / n;
  if (values.size() < 2) return e;
  if (std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); })) {
    e.mean = values.front();  // one shared landscape: exact, without rounding in the sum
    e.se = 0;
    return e;
  }
  double squares = 0;
  for (const double v : values) squares += (v - e.mean) * (v - e.mean);
  e.se = std::sqrt(squares / (n - 1) / n);
  return e;
}

/// One design point's landscapes, summarized over its replications.
struct PointStats {
  std::size_t point = 0;
  std::vector<std::string> swept;  ///< "name = value" of the design's parameters
  std::int64_t n = 0, k = 0;
  std::string pattern;
  std::size_t landscapes = 0;
  Estimate peaks, walk, optimum, cross_share;
};

/// A parameter value as text: a choice as its bare name, a number as TOML writes it.
std::string plain(const agents::ParamValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return agents::format_value(value);
}

/// The mean number of moves of a steepest-ascent walk from `starts` random configurations.
double mean_walk(const agents::Landscape& land, std::uint64_t seed, std::uint64_t replication,
                 std::int64_t starts) {
  RandomStream draw(seed, kWalkStarts, replication, 0, 0);
  double moves = 0;
  for (std::int64_t s = 0; s < starts; ++s) {
    std::size_t steps = 0;
    static_cast<void>(land.climb(draw() & land.all(), &steps));
    moves += static_cast<double>(steps);
  }
  return moves / static_cast<double>(starts);
}

PointStats describe_point(const experiments::ExperimentSpec& spec, std::size_t point,
                          std::size_t replications, std::int64_t starts) {
  const agents::ModelParams params = spec.params_at(point);
  if (!params.landscape.enabled) {
    throw UsageError(fmt::format(
        "design point {} has landscape.enabled = false: there is no landscape to describe (set "
        "scenario.landscape.enabled = true)",
        point));
  }
  PointStats s;
  s.point = point;
  const std::vector<agents::ParamValue> values = spec.design.values(point);
  for (std::size_t i = 0; i < values.size(); ++i)
    s.swept.push_back(spec.design.parameters[i]->name + " = " + plain(values[i]));
  s.n = params.learning.dimensions;
  s.k = params.landscape.k;
  s.pattern = plain(agents::value_of(params, *agents::find_parameter("landscape.pattern")));
  s.landscapes = replications;
  // One landscape per replication, in parallel; each writes only its own slots.
  std::vector<double> peaks(replications, kNaN), walks(replications), optima(replications),
      crossing(replications);
  parallel_chunks(replications, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const agents::Organization org(params, agents::RunKey{spec.seed, r});
      const agents::Landscape& land = org.landscape;
      if (land.exact_best()) peaks[r] = static_cast<double>(land.census(true).peaks);
      walks[r] = mean_walk(land, spec.seed, r, starts);
      optima[r] = land.best_value();
      crossing[r] = land.cross_share();
    }
  });
  if (!std::isnan(peaks.front())) s.peaks = estimate(peaks);  // beyond the census: n/a
  s.walk = estimate(walks);
  s.optimum = estimate(optima);
  s.cross_share = estimate(crossing);
  return s;
}

std::string with_se(const Estimate& e, int digits) {
  if (std::isnan(e.mean)) return "n/a";
  if (std::isnan(e.se)) return fmt::format("{:.{}f}", e.mean, digits);
  return fmt::format("{:.{}f} ({:.{}f})", e.mean, digits, e.se, digits);
}

void print_text(std::ostream& out, const experiments::ExperimentSpec& spec,
                const std::vector<PointStats>& points, std::int64_t starts) {
  out << fmt::format(
      "landscapes of {}: {} design points x {} replications (one landscape each), "
      "{} walks from random starts per landscape\n"
      "mean (standard error) over the landscapes; peaks by exhaustive census (up to {} "
      "decisions); the optimum is exact up to {} decisions, the best peak found beyond\n\n",
      spec.source_name, points.size(), points.empty() ? 0 : points.front().landscapes, starts,
      agents::Landscape::kExhaustiveDecisions, agents::Landscape::kExhaustiveDecisions);
  out << fmt::format("{:>5}  {:>3}  {:>3}  {:<14}  {:>18}  {:>16}  {:>18}  {:>16}\n", "point", "N",
                     "K", "pattern", "local peaks", "walk length", "optimum", "cross share");
  for (const PointStats& p : points) {
    out << fmt::format("{:>5}  {:>3}  {:>3}  {:<14}  {:>18}  {:>16}  {:>18}  {:>16}", p.point, p.n,
                       p.k, p.pattern, with_se(p.peaks, 2), with_se(p.walk, 2),
                       with_se(p.optimum, 4), with_se(p.cross_share, 3));
    for (const std::string& swept : p.swept) out << "  " << swept;
    out << '\n';
  }
}

std::string csv_number(double x) {
  return std::isnan(x) ? "" : fmt::format("{}", x);
}

void print_csv(std::ostream& out, const experiments::ExperimentSpec& spec,
               const std::vector<PointStats>& points) {
  out << "design_point";
  for (const agents::ParamSpec* parameter : spec.design.parameters) out << ',' << parameter->name;
  out << ",n,k,pattern,landscapes,peaks_mean,peaks_se,walk_mean,walk_se,optimum_mean,optimum_se,"
         "cross_share_mean,cross_share_se\n";
  for (const PointStats& p : points) {
    out << p.point;
    for (const agents::ParamValue& v : spec.design.values(p.point)) out << ',' << plain(v);
    out << fmt::format(",{},{},{},{}", p.n, p.k, p.pattern, p.landscapes);
    for (const Estimate& e : {p.peaks, p.walk, p.optimum, p.cross_share})
      out << ',' << csv_number(e.mean) << ',' << csv_number(e.se);
    out << '\n';
  }
}

int landscape(const LandscapeArgs& args) {
  if (args.format != "text" && args.format != "csv")
    throw UsageError("--format " + args.format + ": expected text or csv");
  if (args.starts < 1)
    throw UsageError(fmt::format("--starts {}: expected at least 1", args.starts));
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  if (args.replications_given && args.replications < 1) {
    throw UsageError(
        fmt::format("--replications {}: expected at least 1 landscape", args.replications));
  }
  const auto replications =
      static_cast<std::size_t>(args.replications_given ? args.replications : spec.replications);
  std::vector<PointStats> points;
  for (std::size_t point = 0; point < spec.design_point_count(); ++point)
    points.push_back(describe_point(spec, point, replications, args.starts));
  if (args.format == "csv") {
    print_csv(std::cout, spec, points);
  } else {
    print_text(std::cout, spec, points, args.starts);
  }
  return 0;
}

}  // namespace

Command add_landscape_command(CLI::App& app) {
  auto args = std::make_shared<LandscapeArgs>();
  auto* command = app.add_subcommand(
      "landscape",
      "Describe the NK landscapes an experiment's runs search, per design point: local peaks, "
      "walks to a peak, the optimum, cross-department interactions");
  command->add_option("file", args->file, "Experiment file (TOML)")->required();
  auto* replications =
      command->add_option("--replications", args->replications,
                          "Landscapes per design point: replications 0 to R-1 (default: the "
                          "experiment's replications)");
  command
      ->add_option("--starts", args->starts,
                   "Steepest-ascent walks from random starts per landscape")
      ->capture_default_str();
  command->add_option("--set", args->sets,
                      "Override a key, e.g. --set scenario.landscape.k=3 (repeatable)");
  command->add_option("--format", args->format, "text or csv")->capture_default_str();
  return {command, [args, replications] {
            args->replications_given = replications->count() > 0;
            return landscape(*args);
          }};
}

}  // namespace orgsim::cli::detail
