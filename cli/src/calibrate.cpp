// `orgsim calibrate`: fits chosen parameters to target statistics by rejection ABC
// (analysis/calibrate.hpp): a Latin hypercube of the priors run as one sweep into a results
// file, the closest draws kept as the posterior.
#include "command.hpp"
#include "common.hpp"
#include "interrupts.hpp"
#include "progress.hpp"

#include "orgsim/analysis/calibrate.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/runner.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct CalibrateArgs {
  std::string file, targets, output, posterior;
  std::vector<std::string> sets;
  std::size_t threads = 0;
  bool quiet = false, force = false;
};

/// The sweep of prior draws, checked before anything runs.
experiments::ExperimentSpec draws_experiment(const CalibrateArgs& args,
                                             const analysis::CalibrationPlan& plan) {
  const experiments::ExperimentSpec base = load(args.file, args.sets);
  if (base.design.kind != experiments::DesignKind::none || !base.design.options.names.empty())
    throw UsageError(args.file +
                     ": has a [sweep] design or [[options]]; calibrate draws the "
                     "design from the priors of " +
                     args.targets + " (remove them, or calibrate one option's file)");
  // A target window beyond the run is an error now, not after every draw has run.
  for (const analysis::Target& t : plan.targets) {
    const std::int64_t last = std::max(t.window.from, t.window.to);
    if (last > base.ticks)
      throw UsageError(fmt::format("{}: target {} at {}: the experiment runs ticks 0 to {}",
                                   args.targets, t.metric, t.at, base.ticks));
  }
  return experiments::parse_experiment(
      analysis::calibration_experiment(base.resolved_text(), plan),
      args.file + " with the priors of " + args.targets,
      {"experiment.replications=" + std::to_string(plan.replications)});
}

/// Runs the draws into `output` unless it already holds exactly them (runs are deterministic).
void run_draws(const CalibrateArgs& args, const experiments::ExperimentSpec& spec,
               const std::string& output) {
  if (std::filesystem::exists(output)) {
    if (experiments::is_results_file(output)) {
      const experiments::ResultsReader old = open_results(output);
      if (old.finished() && old.attribute("experiment") == spec.resolved_text()) {
        if (!args.quiet) std::cerr << "calibrate: reusing the draws in " << output << '\n';
        return;
      }
    }
    if (!args.force)
      throw UsageError(output +
                       ": exists and holds other results (choose another -o, or add "
                       "--force to replace it)");
  }
  ThreadLimit limit(args.threads);
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  options.stop = catch_interrupts();
  Progress progress(::isatty(STDERR_FILENO) != 0);
  if (!args.quiet) {
    std::cerr << fmt::format("calibrate: {} draws x {} replications into {}\n",
                             spec.design_point_count(), spec.replications, output);
    options.on_progress = [&](std::size_t done, std::size_t total) {
      progress.update(done, total);
    };
  }
  const auto report = experiments::run_experiment(spec, output, options);
  if (report.interrupted_by != 0)
    throw UsageError(
        fmt::format("calibrate: interrupted; {} of {} draws' runs are in {} (run the "
                    "same command with --force to start again)",
                    report.runs_complete, report.runs, output));
}

int calibrate(const CalibrateArgs& args) {
  const analysis::CalibrationPlan plan = analysis::read_calibration_plan(args.targets);
  const experiments::ExperimentSpec spec = draws_experiment(args, plan);
  const std::string output = args.output.empty()
                                 ? std::filesystem::path(args.file).stem().string() + "-abc.h5"
                                 : args.output;
  run_draws(args, spec, output);
  const experiments::ResultsReader results = open_results(output);
  const analysis::Calibration c = analysis::calibrate(results, plan);
  analysis::print_calibration(std::cout, c);
  if (!args.posterior.empty()) {
    // Written beside it under a temporary name and renamed: a failed write (a full disk) leaves
    // neither a partial nor an empty file.
    const std::string partial = args.posterior + ".partial-" + std::to_string(::getpid());
    std::ofstream csv(partial);
    analysis::print_posterior_csv(csv, c);
    csv.close();
    std::error_code ec;
    if (!csv || (std::filesystem::rename(partial, args.posterior, ec), ec)) {
      std::filesystem::remove(partial, ec);
      throw UsageError("--posterior: cannot write " + args.posterior);
    }
    std::cout << "\nkept draws written to " << args.posterior << '\n';
  }
  std::cout << "all draws: " << output << '\n';
  return 0;
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  auto* command =
      app.add_subcommand("calibrate",
                         "Fit parameters to target statistics by approximate Bayesian computation "
                         "(rejection ABC over a Latin hypercube of uniform priors)");
  command->add_option("file", args->file, "Experiment file (TOML) without a design")->required();
  command->add_option("--targets", args->targets, "Targets file (TOML: [priors], [targets], [abc])")
      ->required();
  command->add_option("-o,--output", args->output,
                      "Results file of all draws (default <stem>-abc.h5)");
  command->add_option("--posterior", args->posterior, "Write the kept draws as CSV");
  command->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  command->add_option("--set", args->sets,
                      "Override a key of the experiment, e.g. --set experiment.ticks=104");
  command->add_flag("--force", args->force, "Replace an output file that holds other results");
  command->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
  return {command, [args] { return calibrate(*args); }};
}

}  // namespace orgsim::cli::detail
