// `orgsim run`: runs an experiment (the default experiment without FILE) into an HDF5 results
// file, with progress, shards, --resume after an interruption, and one clear message (and the
// command that finishes the sweep) when writing fails or a signal stops it.
#include "command.hpp"
#include "common.hpp"
#include "interrupts.hpp"
#include "progress.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/mpi.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

namespace orgsim::cli::detail {

namespace {

struct RunArgs {
  std::string file;
  std::string output;
  std::size_t threads = 0;
  std::vector<std::string> sets;
  bool quiet = false;
  bool force = false;
  bool resume = false;
  bool no_space_check = false;
  bool output_given = false;  ///< -o was on the command line (possibly as an empty string)
  std::string shard;
  std::optional<std::size_t> rerun;       ///< --rerun RUN: FILE is a results file
  std::optional<std::int64_t> snapshots;  ///< --snapshots EVERY
};

/// A word as the shell reads it back: quoted unless it is plainly safe.
std::string shell_quote(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-@%") ==
          std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// The command that finishes this sweep: the same options, with --resume.
std::string resume_command(const RunArgs& args, const std::string& output, const Session& session) {
  std::string resume = session.program_name + " run";
  if (!args.file.empty()) resume += " " + shell_quote(args.file);
  resume += " -o " + shell_quote(output);
  if (args.rerun) resume += " --rerun " + std::to_string(*args.rerun);
  if (args.snapshots) resume += " --snapshots " + std::to_string(*args.snapshots);
  for (const std::string& set : args.sets) resume += " --set " + shell_quote(set);
  if (!args.shard.empty()) resume += " --shard " + shell_quote(args.shard);
  if (args.threads) resume += " --threads " + std::to_string(args.threads);
  if (args.no_space_check) resume += " --no-space-check";
  if (args.quiet) resume += " --quiet";
  return resume + " --resume";
}

/// Refuses an output that is the experiment file, not a results file, an unfinished sweep or
/// finished results of another experiment (without --force or --resume); true when it holds the
/// finished results of this very experiment with this build (nothing to do: runs are
/// deterministic). @throws UsageError.
bool check_output(const RunArgs& args, const std::string& output,
                  const experiments::ExperimentSpec& spec) {
  experiments::check_output_path(output);
  if (!args.file.empty() && std::filesystem::exists(output) &&
      std::filesystem::equivalent(args.file, output)) {
    throw UsageError(output + ": is the experiment file itself; choose another output with -o");
  }
  const bool exists = std::filesystem::exists(output);
  if (!args.force && !args.resume && exists && !experiments::is_results_file(output)) {
    throw UsageError(output +
                     ": exists and is not an orgsim results file; refusing to overwrite it "
                     "(choose another -o, or add --force)");
  }
  if (exists && !args.force && experiments::is_results_file(output))
    experiments::screen_results_file(output);
  if (!args.force && !args.resume && exists && experiments::is_results_file(output)) {
    if (!experiments::ResultsReader(output).finished()) {
      throw UsageError(output +
                       ": holds an interrupted (or running) sweep; finish it with --resume, or "
                       "start over with --force");
    }
    const experiments::ResultsReader finished(output);
    if (finished.attribute("experiment") == spec.resolved_text() &&
        finished.attribute("git_revision") == std::string(git_revision()) && args.shard.empty())
      return true;
    throw UsageError(output +
                     ": holds the finished results of another experiment (or of another orgsim "
                     "build); refusing to overwrite them (choose another -o, or add --force to "
                     "replace them)");
  }
  return false;
}

/// Writing the results failed mid-sweep: one message with the command that finishes the sweep,
/// then exit status 3 without exit handlers.
[[noreturn]] void exit_after_output_error(const OutputError& e, const RunArgs& args, bool tty,
                                          const std::string& output, const std::string& resume,
                                          Session& session) {
  if (tty && !args.quiet) std::cerr << '\n';
  if (!std::filesystem::exists(output)) {  // the file could not even be created: it is removed
    std::cerr << fmt::format(
        "orgsim: error: {} while creating {}: nothing was written and no file is left; {} and "
        "run the same command again\n",
        e.disk_full() ? "disk full" : fmt::format("cannot write ({})", e.what()), output,
        e.disk_full() ? "free space" : "fix the cause");
  } else if (e.disk_full()) {
    std::cerr << fmt::format(
        "orgsim: error: disk full while writing {}: {} runs complete; free space and run `{}`\n",
        output, e.runs_complete(), resume);
  } else {
    std::cerr << fmt::format(
        "orgsim: error: cannot write {} ({}): {} runs complete; fix the cause and run `{}`\n",
        output, e.what(), e.runs_complete(), resume);
  }
  if (session.multi_rank()) session.mpi->end(kOutputError);
  // Leave without exit handlers: HDF5 1.10.8's own (H5_term_library) crashes on a file whose
  // close failed, and nothing more may be written to the frozen file anyway.
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(kOutputError);
}

/// The closing line on stderr: runs, time, threads, writer load.
void print_timing(const experiments::SweepReport& report, const RunArgs& args, std::size_t threads,
                  const Session& session) {
  const std::string ranks =
      session.multi_rank() ? fmt::format(" per rank, {} computing ranks", session.mpi->size() - 1)
                           : "";
  const double writer_busy = 100.0 * report.writer_seconds / std::max(report.wall_seconds, 1e-9);
  std::cerr << fmt::format(
      "  {} runs in {:.2f} s on {} thread{}{}; results writer busy {:.1f} % of the time",
      report.runs_computed, report.wall_seconds, threads, threads == 1 ? "" : "s", ranks,
      writer_busy);
  if (args.resume) {
    std::cerr << fmt::format(" ({} complete runs kept from the interrupted sweep)",
                             report.runs_reused);
  }
  std::cerr << '\n';
}

/// An MPI worker rank: rank 0 checks, writes and reports.
int run_as_worker(const RunArgs& args, const experiments::ExperimentSpec& spec,
                  const std::string& output, const Session& session) {
  ThreadLimit limit(args.threads);
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  experiments::run_experiment_mpi(*session.mpi, spec, output, options);
  return 0;
}

/// --set arguments with --snapshots EVERY as the first.
std::vector<std::string> all_sets(const RunArgs& args) {
  std::vector<std::string> sets;
  if (args.snapshots) sets.push_back("output.snapshots.every=" + std::to_string(*args.snapshots));
  sets.insert(sets.end(), args.sets.begin(), args.sets.end());
  return sets;
}

/// The experiment to run: the file (the default experiment without one), or with --rerun one
/// run of the results file's sweep, re-created from the experiment it records.
experiments::ExperimentSpec experiment_to_run(const RunArgs& args) {
  const bool results = !args.file.empty() && experiments::is_results_file(args.file);
  if (!args.rerun) {
    if (results)
      throw UsageError(args.file +
                       ": is a results file; re-run one of its runs with --rerun RUN "
                       "(e.g. with --snapshots 10), or finish it with -o " +
                       args.file + " --resume and the experiment file");
    return load(args.file, all_sets(args));
  }
  if (!results)
    throw UsageError("--rerun: " + (args.file.empty() ? std::string("give a results file")
                                                      : args.file + " is not a results file"));
  const experiments::ResultsReader reader = open_results(args.file);
  const auto recorded = reader.attribute("experiment");
  if (!recorded) throw UsageError(args.file + ": does not record its experiment; cannot re-run");
  const auto sweep = experiments::parse_experiment(*recorded, args.file + " (its experiment)");
  return experiments::parse_experiment(experiments::single_run_experiment(sweep, *args.rerun),
                                       fmt::format("{} run {}", args.file, *args.rerun),
                                       all_sets(args));
}

int run_sweep(const RunArgs& args, Session& session) {
  const experiments::ExperimentSpec spec = experiment_to_run(args);
  if (args.output_given && args.output.empty()) throw UsageError("-o: the output path is empty");
  const std::string stem = args.rerun
                               ? std::filesystem::path(args.file).replace_extension().string() +
                                     "-run" + std::to_string(*args.rerun) + ".toml"
                               : args.file;
  const std::string output = args.output.empty() ? default_output(stem, args.shard) : args.output;
  if (session.mpi && session.mpi->rank() != 0) return run_as_worker(args, spec, output, session);
  print_warnings(spec);
  if (check_output(args, output, spec)) {
    std::cout << output << " already holds the finished results of this experiment (same file, "
              << "settings and orgsim build: runs are deterministic); nothing to do (--force "
              << "runs it again)\n"
              << "summarize them with: " << session.program_name << " analyze " << output << "\n";
    return 0;
  }
  ThreadLimit limit(args.threads);
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  options.resume = args.resume;
  if (!args.shard.empty()) options.shard = parse_shard(args.shard);
  if (!args.quiet) {
    std::cerr << "orgsim " << version() << ": ";
    describe(std::cerr, spec);
    if (options.shard) std::cerr << "  shard " << options.shard->str() << '\n';
  }
  options.space_check = !args.no_space_check;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  Progress progress(tty);
  if (!args.quiet)
    options.on_progress = [&](std::size_t done, std::size_t total) {
      progress.update(done, total);
    };
  const std::string resume = resume_command(args, output, session);
  // Under a multi-rank mpirun, mpirun itself ends the ranks on SIGINT/SIGTERM (docs/cluster.md).
  if (!session.multi_rank()) options.stop = catch_interrupts();
  experiments::SweepReport report;
  try {
    report = session.mpi ? experiments::run_experiment_mpi(*session.mpi, spec, output, options)
                         : experiments::run_experiment(spec, output, options);
  } catch (const OutputError& e) {
    exit_after_output_error(e, args, tty, output, resume, session);
  }
  if (report.interrupted_by != 0) {
    if (tty && !args.quiet) std::cerr << '\n';
    const char* name = report.interrupted_by == SIGINT    ? "SIGINT"
                       : report.interrupted_by == SIGTERM ? "SIGTERM"
                                                          : "a signal";
    std::cerr << fmt::format(
        "orgsim: interrupted by {}: {} of {} runs complete in {}; resume with: {}\n", name,
        report.runs_complete, report.runs, output, resume);
    return 128 + report.interrupted_by;
  }
  if (!args.quiet) print_timing(report, args, limit.threads(), session);
  std::cout << "results written to " << output << "\n"
            << "summarize them with: " << session.program_name << " analyze " << output << "\n";
  if (!spec.design.options.names.empty())
    std::cout << "compare the options with: " << session.program_name << " compare " << output
              << " --by option --per year\n";
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& app, Session& session) {
  auto args = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run an experiment (the default experiment without FILE)");
  auto* file = run->add_option("file", args->file, "Experiment file (TOML)");
  auto* output =
      run->add_option("-o,--output", args->output, "Results file (HDF5); default: <file stem>.h5");
  run->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_option("--set", args->sets, "Override a key, e.g. --set experiment.seed=7 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  run->add_flag("--force", args->force,
                "Overwrite an output file that is not a finished orgsim results file");
  run->add_flag("--resume", args->resume,
                "Finish an interrupted sweep in the output file, keeping its complete runs");
  run->add_option("--shard", args->shard,
                  "Run only shard I of N (runs r with r mod N = I), e.g. 0/4")
      ->type_name("I/N");
  run->add_flag("--no-space-check", args->no_space_check,
                "Start even if the results are estimated larger than the free disk space");
  run->add_option("--rerun", args->rerun,
                  "FILE is a results file: re-run its run RUN alone, bit for bit (default output "
                  "<stem>-runRUN.h5)")
      ->type_name("RUN");
  run->add_option("--snapshots", args->snapshots,
                  "Take per-agent snapshots every N ticks (output.snapshots.every)")
      ->type_name("N")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  run->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
  return {run, [args, output, file, &session] {
            args->output_given = output->count() > 0;
            if (file->count() > 0 && args->file.empty())
              throw UsageError(
                  "FILE: the path is empty (leave FILE out for the default "
                  "experiment)");
            return run_sweep(*args, session);
          }};
}

}  // namespace orgsim::cli::detail
