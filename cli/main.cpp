// The orgsim executable: run, validate, analyze, plot, params, info. User errors print one message and
// exit with status 2; results go only where -o says.
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/plot.hpp"
#include "orgsim/analysis/report.hpp"
#include "orgsim/analysis/resilience.hpp"
#include "orgsim/analysis/sensitivity.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/mpi.hpp"
#include "orgsim/experiments/slurm.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <new>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

using namespace orgsim;

// Exit statuses (docs/experiment-files.md, "Interrupting, resource limits and failures").
constexpr int kUserError = 2;    // bad input or a plan that cannot fit; nothing was written
constexpr int kOutputError = 3;  // writing the results failed during the sweep (disk full, I/O)

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
};

// The signal that interrupted the sweep (0: none). The handler only stores into this lock-free
// atomic; the runner's writer thread polls it.
std::atomic<int> interrupt_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");

extern "C" void on_interrupt(int signal) {
  int none = 0;
  if (interrupt_signal.compare_exchange_strong(none, signal)) return;
  // A second signal while shutting down: leave at once. The live SWMR file keeps every run flushed
  // so far, as after a kill; --resume finishes it.
  static const char message[] = "\norgsim: second signal: exiting immediately (complete runs are kept; --resume)\n";
  if (::write(STDERR_FILENO, message, sizeof message - 1) < 0) {
  }
  ::_exit(128 + signal);
}

/// SIGINT and SIGTERM set interrupt_signal instead of ending the process.
void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

/// A word as the shell reads it back: quoted unless it is plainly safe.
std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-@%") ==
                           std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// "I/N" -> Shard (0 <= I < N). @throws UsageError.
experiments::Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t index = 0, count = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    index = std::stoul(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    count = std::stoul(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw UsageError("--shard '" + text + "': expected I/N with 0 <= I < N, e.g. --shard 0/4");
  }
  if (text.find_first_not_of("0123456789/") != std::string::npos || count == 0 || index >= count || count > 1'000'000) {
    throw UsageError("--shard '" + text + "': expected I/N with 0 <= I < N, e.g. --shard 0/4");
  }
  return {index, count};
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  if (seconds >= 86400.0 * 365 * 100) return "more than 100 years";
  if (seconds >= 86400.0 * 2) {
    char days[64];
    std::snprintf(days, sizeof days, "%.1f days", seconds / 86400.0);
    return days;
  }
  const auto s = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", s / 60, s % 60);
  }
  return buffer;
}

/// Progress on stderr: a live bar on a terminal, plain lines every 10 % or 30 s otherwise.
class Progress {
 public:
  explicit Progress(bool tty) : tty_(tty), start_(std::chrono::steady_clock::now()), last_line_(start_) {}

  void update(std::size_t done, std::size_t total) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (first_done_ < 0) first_done_ = static_cast<double>(done) - 1;  // runs taken over on resume
    const double computed = static_cast<double>(done) - first_done_;
    const double rate = elapsed > 0 ? computed / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : -1;
    char line[160];
    if (tty_) {
      const int width = 30;
      const int filled = total ? static_cast<int>(width * done / total) : width;
      std::snprintf(line, sizeof line, "\r  [%s%s] %zu/%zu runs  %.1f runs/s  ETA %s ", std::string(filled, '#').c_str(),
                    std::string(width - filled, '.').c_str(), done, total, rate, format_duration(eta).c_str());
      std::cerr << line << (done == total ? "\n" : "") << std::flush;
      return;
    }
    const std::size_t step = std::max<std::size_t>(1, total / 10);
    if (done == total || done % step == 0 || now - last_line_ > std::chrono::seconds(30)) {
      std::snprintf(line, sizeof line, "  runs %zu/%zu (%.0f%%), %.1f runs/s, ETA %s", done, total,
                    total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0, rate,
                    format_duration(eta).c_str());
      std::cerr << line << '\n';
      last_line_ = now;
    }
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_line_;
  double first_done_ = -1;
};

experiments::ExperimentSpec load(const std::string& file, const std::vector<std::string>& sets) {
  if (file.empty()) {
    return experiments::parse_experiment(experiments::default_experiment_text(),
                                         "<default experiment>", sets);
  }
  return experiments::load_experiment(file, sets);
}

std::string default_output(const RunArgs& args) {
  std::string stem = args.file.empty() ? "orgsim-default" : std::filesystem::path(args.file).stem().string();
  if (!args.shard.empty()) {
    const auto shard = parse_shard(args.shard);
    stem += ".shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
  }
  return stem + ".h5";
}

void describe(std::ostream& out, const experiments::ExperimentSpec& spec) {
  const auto plural = [](std::size_t count, const char* word) {
    return std::to_string(count) + ' ' + word + (count == 1 ? "" : "s");
  };
  out << spec.name << ": " << plural(spec.run_count(), "run") << " = "
      << plural(spec.design_point_count(), "design point") << " x "
      << plural(static_cast<std::size_t>(spec.replications), "replication") << ", up to "
      << plural(static_cast<std::size_t>(spec.ticks), "tick") << " each";
  if (spec.stop != agents::StopRule::none) {
    out << " (stop at " << agents::stop_rule_name(spec.stop) << ")";
  }
  out << '\n';
}

std::string program_name = "orgsim";

// Set in main when an MPI launcher started this process (built with MPI).
std::unique_ptr<experiments::MpiSession> mpi_session;

int command_run(const RunArgs& args) {
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  if (args.output_given && args.output.empty()) throw UsageError("-o: the output path is empty");
  const std::string output = args.output.empty() ? default_output(args) : args.output;
  if (mpi_session && mpi_session->rank() != 0) {  // a worker: rank 0 checks, writes and reports
    ThreadLimit limit(args.threads);
    experiments::RunnerOptions options;
    options.threads = limit.threads();
    experiments::run_experiment_mpi(*mpi_session, spec, output, options);
    return 0;
  }
  experiments::check_output_path(output);
  if (!args.file.empty() && std::filesystem::exists(output) &&
      std::filesystem::equivalent(args.file, output)) {
    throw UsageError(output + ": is the experiment file itself; choose another output with -o");
  }
  const bool exists = std::filesystem::exists(output);
  if (!args.force && !args.resume && exists && !experiments::is_results_file(output)) {
    throw UsageError(output + ": exists and is not an orgsim results file; refusing to overwrite it "
                              "(choose another -o, or add --force)");
  }
  if (exists && !args.force && experiments::is_results_file(output)) experiments::screen_results_file(output);
  if (!args.force && !args.resume && exists && experiments::is_results_file(output) &&
      !experiments::ResultsReader(output).finished()) {
    throw UsageError(output + ": holds an interrupted (or running) sweep; finish it with --resume, or start "
                              "over with --force");
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
  if (!args.quiet) options.on_progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
  // The command that finishes this sweep: the same options, with --resume.
  std::string resume = program_name + " run";
  if (!args.file.empty()) resume += " " + shell_quote(args.file);
  resume += " -o " + shell_quote(output);
  for (const std::string& set : args.sets) resume += " --set " + shell_quote(set);
  if (!args.shard.empty()) resume += " --shard " + shell_quote(args.shard);
  if (args.threads) resume += " --threads " + std::to_string(args.threads);
  if (args.no_space_check) resume += " --no-space-check";
  if (args.quiet) resume += " --quiet";
  resume += " --resume";
  // Under a multi-rank mpirun, mpirun itself ends the ranks on SIGINT/SIGTERM (docs/cluster.md).
  if (!mpi_session || mpi_session->size() == 1) {
    catch_interrupts();
    options.stop = &interrupt_signal;
  }
  experiments::SweepReport report;
  try {
    report = mpi_session ? experiments::run_experiment_mpi(*mpi_session, spec, output, options)
                         : experiments::run_experiment(spec, output, options);
  } catch (const OutputError& e) {
    if (tty && !args.quiet) std::cerr << '\n';
    if (e.disk_full()) {
      std::cerr << "orgsim: error: disk full while writing " << output << ": " << e.runs_complete()
                << " runs complete; free space and run `" << resume << "`\n";
    } else {
      std::cerr << "orgsim: error: cannot write " << output << " (" << e.what() << "): " << e.runs_complete()
                << " runs complete; fix the cause and run `" << resume << "`\n";
    }
    if (mpi_session && mpi_session->size() > 1) mpi_session->end(kOutputError);
    // Leave without exit handlers: HDF5 1.10.8's own (H5_term_library) crashes on a file whose
    // close failed, and nothing more may be written to the frozen file anyway.
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(kOutputError);
  }
  if (report.interrupted_by != 0) {
    if (tty && !args.quiet) std::cerr << '\n';
    const char* name = report.interrupted_by == SIGINT ? "SIGINT" : report.interrupted_by == SIGTERM ? "SIGTERM" : "a signal";
    std::cerr << "orgsim: interrupted by " << name << ": " << report.runs_complete << " of " << report.runs
              << " runs complete in " << output << "; resume with: " << resume << "\n";
    return 128 + report.interrupted_by;
  }
  if (!args.quiet) {
    std::cerr << std::fixed << std::setprecision(2) << "  " << report.runs_computed << " runs in "
              << report.wall_seconds << " s on " << limit.threads() << " threads"
              << (mpi_session && mpi_session->size() > 1
                      ? " per rank, " + std::to_string(mpi_session->size() - 1) + " computing ranks"
                      : std::string())
              << "; results writer busy "
              << std::setprecision(1) << 100.0 * report.writer_seconds / std::max(report.wall_seconds, 1e-9)
              << " % of the time";
    if (args.resume) std::cerr << " (" << report.runs_reused << " complete runs kept from the interrupted sweep)";
    std::cerr << '\n';
  }
  std::cout << "results written to " << output << "\n"
            << "summarize them with: " << program_name << " analyze " << output << "\n";
  return 0;
}

struct SlurmArgs {
  std::string file, output, partition, time, memory;
  std::vector<std::string> sets;
  std::size_t array = 0;
  std::size_t cpus = 1;
};

int command_slurm(const SlurmArgs& args) {
  if (args.file.empty()) throw UsageError("slurm needs an experiment file (the cluster runs a copy of nothing else)");
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  if (args.array == 0 || args.array > spec.run_count()) {
    throw UsageError("--array " + std::to_string(args.array) + ": expected 1 to " + std::to_string(spec.run_count()) +
                     " shards (the experiment has " + std::to_string(spec.run_count()) + " runs)");
  }
  namespace fs = std::filesystem;
  experiments::SlurmOptions o;
  std::error_code error;
  o.orgsim = fs::canonical("/proc/self/exe", error).string();
  if (error) o.orgsim = fs::absolute(program_name).string();
  o.experiment = fs::absolute(args.file).lexically_normal().string();
  const std::string output = args.output.empty() ? fs::path(args.file).stem().string() + ".h5" : args.output;
  if (!output.ends_with(".h5")) throw UsageError("-o " + output + ": the merged results file must end in .h5");
  o.output = fs::absolute(output).lexically_normal().string();
  o.sets = args.sets;
  o.name = spec.name;
  o.shards = args.array;
  o.runs = spec.run_count();
  o.partition = args.partition;
  o.cpus = args.cpus;
  o.memory = args.memory;
  o.time = args.time;
  if (o.time.empty()) {  // three times the estimate per task, at least ten minutes
    const double seconds = std::max(600.0, 3.0 * experiments::estimate_cpu_seconds(spec) /
                                               static_cast<double>(args.array * args.cpus));
    const auto total = static_cast<long long>(std::ceil(seconds / 60.0)) * 60;
    char text[32];
    std::snprintf(text, sizeof text, "%02lld:%02lld:00", total / 3600, (total % 3600) / 60);
    o.time = text;
  }
  if (args.array > 1000) {
    std::cerr << "orgsim: note: many clusters cap job arrays at 1001 tasks (MaxArraySize); check yours\n";
  }
  std::cout << experiments::sbatch_script(o);
  return 0;
}

/// A results file given on the command line, screened first: a file on which libhdf5 itself
/// crashes or hangs gets an error, not a crash (docs/reliability.md).
experiments::ResultsReader open_results(const std::string& file) {
  experiments::screen_results_file(file);
  return experiments::ResultsReader(file);
}

std::string readable_megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / 1e6);
  return text;
}

int command_validate(const std::string& file, const std::vector<std::string>& sets, const std::string& output_arg) {
  const experiments::ExperimentSpec spec = load(file, sets);
  std::cout << (file.empty() ? "<default experiment>" : file) << ": ok\n";
  describe(std::cout, spec);
  RunArgs defaults;
  defaults.file = file;
  const std::string output = output_arg.empty() ? default_output(defaults) : output_arg;
  const experiments::ResourceCheck check = experiments::check_resources(spec, output);
  const std::size_t per_run = check.run_memory;
  const double per_run_mb = static_cast<double>(per_run) / 1e6;
  const std::size_t threads = hardware_threads();
  const double fit = std::max<double>(1.0, static_cast<double>(experiments::memory_budget() / std::max<std::size_t>(per_run, 1)));
  const double in_flight = std::min({2.0 * static_cast<double>(threads), static_cast<double>(spec.run_count()), fit});
  const double seconds = experiments::estimate_cpu_seconds(spec) / static_cast<double>(threads);
  std::cout << std::fixed << std::setprecision(1) << "estimated memory: " << per_run_mb << " MB per run, about "
            << per_run_mb * in_flight << " MB with " << std::setprecision(0) << in_flight << std::setprecision(1)
            << " runs in flight; " << static_cast<double>(check.available_memory) / 1e6 << " MB available"
            << (check.memory_ok ? "" : " (MORE THAN THIS MACHINE HAS: `orgsim run` refuses it)") << "\n"
            << "estimated results: " << static_cast<double>(check.results_bytes) / 1e6 << " MB; "
            << (check.free_disk == 0 && check.disk_ok ? std::string("unknown free space")
                                                      : readable_megabytes(check.free_disk) + " MB free")
            << " on the file system of " << output
            << (check.disk_ok ? "" : " (TOO LITTLE: `orgsim run` refuses it without --no-space-check)") << "\n"
            << "estimated time: " << format_duration(seconds) << " on " << threads
            << " threads (from the benchmarked employee-ticks per second)\n";
  if (!check.memory_ok) throw ResourceError(check.memory_message);
  if (!check.disk_ok) throw ResourceError(check.disk_message);
  return 0;
}

int command_merge(const std::string& output, const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    if (!std::filesystem::exists(input)) throw UsageError(input + ": no such file");
    if (std::filesystem::exists(output) && std::filesystem::equivalent(input, output)) {
      throw UsageError(output + ": is one of the shards; merge into another file");
    }
    experiments::screen_results_file(input);
  }
  experiments::merge_shards(inputs, output);
  std::cout << "merged " << inputs.size() << " shards into " << output << "\n";
  return 0;
}

std::vector<std::string> split_list(const std::string& text, const char* option) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) throw UsageError(std::string(option) + ": empty name in '" + text + "'");
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      throw UsageError(std::string(option) + ": '" + item + "' is listed twice");
    }
    items.push_back(item);
  }
  return items;
}

int command_analyze(const std::string& file, const std::string& by, const std::string& metrics,
                    const std::string& at, const std::string& format) {
  const experiments::ResultsReader results = open_results(file);
  const analysis::Window window = analysis::parse_window(at);
  const analysis::Summary summary =
      analysis::summarize(results, split_list(by, "--by"), split_list(metrics, "--metrics"), window);
  if (format == "csv") {
    analysis::print_csv(std::cout, summary);
  } else if (format == "json") {
    analysis::print_json(std::cout, summary);
  } else if (format == "md") {
    analysis::print_markdown(std::cout, summary);
  } else {
    const std::string where = window.kind == analysis::Window::Kind::end    ? "final-tick"
                              : window.kind == analysis::Window::Kind::tick ? "tick-" + std::to_string(window.from)
                                                                            : "window " + analysis::describe(window);
    std::cout << where << " summary of " << file << " (" << summary.runs_used
              << " runs; 95% confidence intervals, Student t)\n";
    analysis::print_table(std::cout, summary);
  }
  return 0;
}

int command_compare(const std::string& file, const std::string& by, const std::string& baseline,
                    const std::string& metrics, const std::string& at, const std::string& format) {
  const experiments::ResultsReader results = open_results(file);
  const analysis::Comparison comparison =
      analysis::compare(results, by, baseline, split_list(metrics, "--metrics"), analysis::parse_window(at));
  if (format == "csv") {
    analysis::print_comparison_csv(std::cout, comparison);
  } else if (format == "md") {
    analysis::print_comparison_markdown(std::cout, comparison);
  } else {
    analysis::print_comparison(std::cout, comparison);
  }
  return 0;
}

int command_sensitivity(const std::string& file, const std::string& metrics, const std::string& at,
                        std::size_t bootstrap, const std::string& format) {
  const experiments::ResultsReader results = open_results(file);
  const analysis::SensitivityResult result =
      analysis::sensitivity(results, split_list(metrics, "--metrics"), analysis::parse_window(at), bootstrap);
  if (format == "csv") {
    analysis::print_sensitivity_csv(std::cout, result);
  } else {
    analysis::print_sensitivity(std::cout, result);
  }
  return 0;
}

int command_report(const std::string& file, std::string output, const std::string& by, const std::string& metrics,
                   bool quiet) {
  const experiments::ResultsReader results = open_results(file);
  if (output.empty()) output = std::filesystem::path(file).stem().string() + "-report.html";
  analysis::ReportOptions options;
  options.by = by;
  options.metrics = split_list(metrics, "--metrics");
  if (!quiet) options.progress = [](const std::string& line) { std::cerr << line << '\n'; };
  const auto start = std::chrono::steady_clock::now();
  const analysis::ReportSummary summary = analysis::write_report(results, file, output, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << output << " (" << summary.figures << " figures, " << summary.sections.size()
            << " sections, " << std::fixed << std::setprecision(1) << seconds << " s)\n";
  return 0;
}

int command_resilience(const std::string& file, const std::string& metric, double within, const std::string& by,
                       bool per_run) {
  const experiments::ResultsReader results = open_results(file);
  const analysis::Resilience r = analysis::resilience(results, metric, within, split_list(by, "--by"));
  if (per_run) {
    analysis::print_resilience_runs_csv(std::cout, results, r);
  } else {
    analysis::print_resilience(std::cout, r);
  }
  return 0;
}

int command_plot(const std::string& file, const std::string& x, const std::string& by, const std::string& metric,
                 std::string output, const std::string& script, bool points) {
  const experiments::ResultsReader results = open_results(file);
  analysis::LineChart chart = x == "tick" ? analysis::time_series_chart(results, by, metric)
                                           : analysis::final_metric_chart(results, x, by, metric);
  if (points) chart.lines = false;
  if (!chart.note.empty()) std::cerr << "orgsim: note: " << chart.note << '\n';
  if (output.empty()) output = std::filesystem::path(file).stem().string() + "-" + metric + ".svg";
  if (!script.empty()) {
    // The script alone, to restyle the figure by hand: `gnuplot SCRIPT` draws OUTPUT.
    const std::string text = analysis::gnuplot_script(chart, output);
    std::ofstream out(script);
    out << text;
    if (!out.flush()) throw UsageError("cannot write " + script);
    std::cout << "wrote " << script << " (run `gnuplot " << script << "` to draw " << output << ")\n";
    return 0;
  }
  analysis::render(chart, output);
  std::cout << "drew " << output << '\n';
  return 0;
}

int command_params(const std::string& format) {
  const auto table = agents::parameter_table();
  if (format == "md") {
    std::cout << "# Model parameters\n\n"
                 "Generated by `orgsim params --format md`; do not edit by hand.\n"
                 "Set them under `[scenario]` or sweep them under `[sweep.grid]` "
                 "(see docs/experiment-files.md).\n\n"
                 "| name | type | default | range | unit | meaning |\n"
                 "|---|---|---|---|---|---|\n";
  }
  for (const agents::ParamSpec& p : table) {
    std::string range;
    if (p.type == agents::ParamType::integer || p.type == agents::ParamType::real) {
      range = '[' + agents::short_number(p.min) + ", " + agents::short_number(p.max) + ']';
    } else if (p.type == agents::ParamType::choice) {
      for (auto c : p.choices) range += (range.empty() ? "" : " | ") + std::string(c);
    }
    if (format == "md") {
      std::cout << "| `" << p.name << "` | " << agents::type_name(p.type) << " | "
                << agents::format_value(p.default_value) << " | " << range << " | " << p.unit
                << " | " << p.help << " |\n";
    } else {
      std::cout << p.name << "  (" << agents::type_name(p.type) << ", default "
                << agents::format_value(p.default_value) << ", range " << range << ", " << p.unit
                << ")\n    " << p.help << "\n";
    }
  }
  if (format != "md") {
    std::cout << "\nmetrics (recorded every tick in /metrics):\n";
    for (const MetricInfo& m : agents::metric_table()) {
      std::cout << m.name << "  (" << m.category << ", " << m.unit << ")\n    " << m.help << '\n';
    }
  }
  if (format == "md") {
    std::cout << "\n# Metrics\n\nRecorded every tick in `/metrics` (see docs/results-format.md)."
                 "\n\n| name | category | unit | meaning |\n|---|---|---|---|\n";
    for (const MetricInfo& m : agents::metric_table()) {
      std::cout << "| `" << m.name << "` | " << m.category << " | " << m.unit << " | " << m.help
                << " |\n";
    }
  }
  return 0;
}

int command_info(const std::string& file) {
  const experiments::ResultsReader results = open_results(file);
  std::cout << file << "\n";
  for (const char* name : {"experiment_name", "orgsim_version", "git_revision", "created", "finished", "host",
                           "design", "shard"}) {
    if (auto v = results.attribute(name); v && !v->empty()) std::cout << "  " << name << ": " << *v << '\n';
  }
  std::size_t complete = 0;
  for (std::size_t run = 0; run < results.run_count(); ++run) complete += results.complete(run);
  std::cout << "  runs: " << results.run_count() << " (" << complete << " complete)"
            << (results.finished() ? "" : ", not finished: resume with orgsim run FILE -o OUT --resume")
            << ", tick rows per run: " << results.tick_rows() << '\n';
  std::cout << "  metrics:";
  for (const auto& m : results.metric_names()) std::cout << ' ' << m;
  std::cout << "\n  swept parameters:";
  for (const auto& p : results.parameter_columns()) std::cout << ' ' << p;
  std::cout << "\n  resolved experiment:\n";
  if (auto text = results.attribute("experiment")) {
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) std::cout << "    " << line << '\n';
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0 && argv[0] && *argv[0]) program_name = argv[0];
  CLI::App app{"orgsim: agent-based simulator of dynamic organizational alignment"};
  app.set_version_flag("--version", std::string(orgsim::version()) + " (" +
                                        std::string(orgsim::git_revision()) + ")");
  app.require_subcommand(1);

  RunArgs run_args;
  auto* run = app.add_subcommand("run", "Run an experiment (the default experiment without FILE)");
  run->add_option("file", run_args.file, "Experiment file (TOML)");
  auto* run_output = run->add_option("-o,--output", run_args.output, "Results file (HDF5); default: <file stem>.h5");
  run->add_option("--threads", run_args.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_option("--set", run_args.sets, "Override a key, e.g. --set experiment.seed=7 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  run->add_flag("--force", run_args.force, "Overwrite an output file that is not a finished orgsim results file");
  run->add_flag("--resume", run_args.resume,
                "Finish an interrupted sweep in the output file, keeping its complete runs");
  run->add_option("--shard", run_args.shard, "Run only shard I of N (runs r with r mod N = I), e.g. 0/4")
      ->type_name("I/N");
  run->add_flag("--no-space-check", run_args.no_space_check,
                "Start even if the results are estimated larger than the free disk space");
  run->add_flag("-q,--quiet", run_args.quiet, "No progress on stderr");

  std::string validate_file;
  std::vector<std::string> validate_sets;
  auto* validate = app.add_subcommand("validate", "Check an experiment file without running it");
  std::string validate_output;
  validate->add_option("file", validate_file, "Experiment file (TOML)");
  validate->add_option("-o,--output", validate_output,
                       "Results file whose file system the disk-space check uses (default: <file stem>.h5)");
  validate->add_option("--set", validate_sets, "Override a key (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");

  std::string analyze_file, analyze_by, analyze_metrics, analyze_at = "end", analyze_format = "table";
  auto* analyze = app.add_subcommand("analyze", "Summarize metrics per design point (mean, sd, 95% CI)");
  analyze->add_option("results", analyze_file, "Results file (HDF5)")->required();
  analyze->add_option("--by", analyze_by, "Group by these swept parameters (comma-separated)");
  analyze->add_option("--metrics", analyze_metrics, "Only these metrics (comma-separated)");
  analyze->add_option("--at", analyze_at, "end (each run's last tick), a tick, or mean:FROM-TO")
      ->capture_default_str();
  analyze->add_option("--format", analyze_format, "table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));

  SlurmArgs slurm_args;
  auto* slurm = app.add_subcommand("slurm", "Print an sbatch script: the shards as a job array, then a dependent merge");
  slurm->add_option("file", slurm_args.file, "Experiment file (TOML)")->required();
  slurm->add_option("--array", slurm_args.array, "Number of shards (array tasks)")->required();
  slurm->add_option("-o,--output", slurm_args.output, "Merged results file (default: <file stem>.h5)");
  slurm->add_option("--partition", slurm_args.partition, "Slurm partition (default: the cluster's)");
  slurm->add_option("--time", slurm_args.time, "Time limit per task, e.g. 02:00:00 (default: 3 x the estimate)");
  slurm->add_option("--cpus", slurm_args.cpus, "CPUs per task (orgsim --threads)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  slurm->add_option("--mem", slurm_args.memory, "Memory per task, e.g. 4G (default: the cluster's)");
  slurm->add_option("--set", slurm_args.sets, "Override a key (repeatable), passed to every shard")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");

  std::string compare_file, compare_by, compare_baseline, compare_metrics, compare_at = "end", compare_format = "table";
  auto* compare = app.add_subcommand("compare", "Paired differences of designs against a baseline, with a verdict per category");
  compare->add_option("results", compare_file, "Results file (HDF5)")->required();
  compare->add_option("--by", compare_by, "The swept parameter whose values are the designs")->required();
  compare->add_option("--baseline", compare_baseline, "The design to compare against (default: the first)");
  compare->add_option("--metrics", compare_metrics, "Only these metrics (comma-separated; default: all with a better direction)");
  compare->add_option("--at", compare_at, "end (each run's last tick), a tick, or mean:FROM-TO")->capture_default_str();
  compare->add_option("--format", compare_format, "table, csv or md")->check(CLI::IsMember({"table", "csv", "md"}));

  std::string sensitivity_file, sensitivity_metrics, sensitivity_at = "end", sensitivity_format = "table";
  std::size_t sensitivity_bootstrap = 1000;
  auto* sensitivity = app.add_subcommand(
      "sensitivity", "Sobol indices (saltelli sweep) or Morris elementary effects (morris sweep)");
  sensitivity->add_option("results", sensitivity_file, "Results file (HDF5)")->required();
  sensitivity->add_option("--metrics", sensitivity_metrics, "Metrics (comma-separated; default strategic_fit)");
  sensitivity->add_option("--at", sensitivity_at, "end (each run's last tick), a tick, or mean:FROM-TO")
      ->capture_default_str();
  sensitivity->add_option("--bootstrap", sensitivity_bootstrap, "Bootstrap resamples for Sobol intervals")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000}));
  sensitivity->add_option("--format", sensitivity_format, "table or csv")->check(CLI::IsMember({"table", "csv"}));

  std::string report_file, report_output, report_by, report_metrics;
  bool report_quiet = false;
  auto* report = app.add_subcommand("report", "Write a self-contained HTML report (figures by gnuplot, inline)");
  report->add_option("results", report_file, "Results file (HDF5)")->required();
  report->add_option("-o,--output", report_output, "HTML file (default: RESULTS-report.html)");
  report->add_option("--by", report_by, "Parameter to compare designs by and to draw lines by (default: the first swept)");
  report->add_option("--metrics", report_metrics, "Metrics (comma-separated; default: the headline metrics measured)");
  report->add_flag("-q,--quiet", report_quiet, "No progress on stderr");

  std::string resilience_file, resilience_metric = "strategic_fit", resilience_by;
  double resilience_within = 0.05;
  bool resilience_per_run = false;
  auto* resilience = app.add_subcommand("resilience", "Drop depth and recovery time after each run's first shock");
  resilience->add_option("results", resilience_file, "Results file (HDF5)")->required();
  resilience->add_option("--metric", resilience_metric, "Metric to follow through the shock")->capture_default_str();
  resilience->add_option("--within", resilience_within, "Recovered when back within this share of the pre-shock level")
      ->capture_default_str();
  resilience->add_option("--by", resilience_by, "Group by these swept parameters (comma-separated; default: all)");
  resilience->add_flag("--per-run", resilience_per_run, "One CSV line per run instead of the summary");

  std::string plot_file, plot_x, plot_by, plot_metric = "strategic_fit", plot_output;
  auto* plot = app.add_subcommand(
      "plot", "Draw a metric (mean, 95% CI) over a swept parameter at each run's end, or over time (gnuplot: SVG or PNG)");
  plot->add_option("results", plot_file, "Results file (HDF5)")->required();
  plot->add_option("--x", plot_x, "Swept parameter on the x axis (value at each run's end), or 'tick' (over time)")
      ->required();
  plot->add_option("--by", plot_by, "One line per value of this swept parameter");
  plot->add_option("--metric", plot_metric, "Metric on the y axis")->capture_default_str();
  bool plot_points = false;
  plot->add_flag("--points", plot_points, "Points with error bars, not joined by lines");
  plot->add_option("-o,--output", plot_output, "Image file, .svg or .png (default: RESULTS-METRIC.svg)");
  std::string plot_script;
  plot->add_option("--gnuplot-script", plot_script, "Write the gnuplot script (data inline) instead of drawing");

  std::string params_format = "table";
  auto* params = app.add_subcommand("params", "List every model parameter and metric");
  params->add_option("--format", params_format, "table or md")->check(CLI::IsMember({"table", "md"}));

  std::string merge_output;
  std::vector<std::string> merge_inputs;
  auto* merge = app.add_subcommand("merge", "Combine the shard files of one experiment");
  merge->add_option("-o,--output", merge_output, "Merged results file (HDF5)")->required();
  merge->add_option("shards", merge_inputs, "Shard files (from run --shard I/N)")->required();

  std::string info_file;
  auto* info = app.add_subcommand("info", "Show a results file's provenance and layout");
  info->add_option("results", info_file, "Results file (HDF5)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "orgsim: error: " << e.what() << "\n(run `orgsim --help` for usage)\n";
    return kUserError;
  }

  // Under mpirun (or srun), `run` becomes an MPI task farm; other commands run on rank 0 only.
  const auto fail = [](int status) {
    if (mpi_session && mpi_session->size() > 1) mpi_session->end(status);
    return status;
  };
  const bool quiet_rank = [&] {
    try {
      if (*run && experiments::launched_by_mpi()) {
        if (!experiments::mpi_built()) {
          const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
          if (size && std::string(size) != "1") {
            throw UsageError("this orgsim was built without MPI, so under mpirun every rank would run the whole "
                             "sweep; rebuild with -DORGSIM_WITH_MPI=ON (needs libopenmpi-dev and libboost-mpi-dev), "
                             "or run it without mpirun");
          }
        } else {
          mpi_session = std::make_unique<experiments::MpiSession>();
        }
      }
    } catch (const orgsim::Error& e) {
      std::cerr << "orgsim: error: " << e.what() << '\n';
      std::exit(kUserError);
    }
    return mpi_session && mpi_session->rank() != 0;  // workers leave user errors to rank 0
  }();
  try {
    run_args.output_given = run_output->count() > 0;
    if (*run) return command_run(run_args);
    if (*validate) return command_validate(validate_file, validate_sets, validate_output);
    if (*analyze) return command_analyze(analyze_file, analyze_by, analyze_metrics, analyze_at, analyze_format);
    if (*slurm) return command_slurm(slurm_args);
    if (*compare) return command_compare(compare_file, compare_by, compare_baseline, compare_metrics, compare_at, compare_format);
    if (*sensitivity) {
      return command_sensitivity(sensitivity_file, sensitivity_metrics, sensitivity_at, sensitivity_bootstrap,
                                 sensitivity_format);
    }
    if (*resilience) {
      return command_resilience(resilience_file, resilience_metric, resilience_within, resilience_by, resilience_per_run);
    }
    if (*report) return command_report(report_file, report_output, report_by, report_metrics, report_quiet);
    if (*plot) return command_plot(plot_file, plot_x, plot_by, plot_metric, plot_output, plot_script, plot_points);
    if (*params) return command_params(params_format);
    if (*info) return command_info(info_file);
    if (*merge) return command_merge(merge_output, merge_inputs);
  } catch (const orgsim::ConfigError& e) {
    if (!quiet_rank) std::cerr << e.what() << '\n';
    return fail(kUserError);
  } catch (const orgsim::Error& e) {
    if (!quiet_rank) std::cerr << "orgsim: error: " << e.what() << '\n';
    return fail(kUserError);
  } catch (const orgsim::OutputError& e) {  // writing failed outside a sweep (merge)
    std::cerr << "orgsim: error: " << (e.disk_full() ? "disk full while writing " : "cannot write ") << e.path()
              << " (" << e.what() << ")\n";
    if (mpi_session && mpi_session->size() > 1) mpi_session->abort(kOutputError);
    std::cerr.flush();
    std::_Exit(kOutputError);  // see command_run: HDF5's exit handler crashes on the failed file
  } catch (const std::bad_alloc&) {
    std::cerr << "orgsim: error: out of memory: the experiment needs more memory than this machine "
                 "has (fewer employees, dimensions or threads help)\n";
    return fail(kUserError);
  } catch (const std::exception& e) {
    std::cerr << "orgsim: internal error: " << e.what() << '\n';
    return fail(1);
  }
  return 0;
}
