// The orgsim executable: run, validate, analyze, params, info. User errors print one message and
// exit with status 2; results go only where -o says.
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <new>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

using namespace orgsim;

constexpr int kUserError = 2;

struct RunArgs {
  std::string file;
  std::string output;
  std::size_t threads = 0;
  std::vector<std::string> sets;
  bool quiet = false;
  bool force = false;
};

experiments::ExperimentSpec load(const std::string& file, const std::vector<std::string>& sets) {
  if (file.empty()) {
    return experiments::parse_experiment(experiments::default_experiment_text(),
                                         "<default experiment>", sets);
  }
  return experiments::load_experiment(file, sets);
}

std::string default_output(const RunArgs& args) {
  if (args.file.empty()) return "orgsim-default.h5";
  return std::filesystem::path(args.file).stem().string() + ".h5";
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

int command_run(const RunArgs& args) {
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  const std::string output = args.output.empty() ? default_output(args) : args.output;
  experiments::check_output_path(output);
  if (!args.file.empty() && std::filesystem::exists(output) &&
      std::filesystem::equivalent(args.file, output)) {
    throw UsageError(output + ": is the experiment file itself; choose another output with -o");
  }
  if (!args.force && std::filesystem::exists(output) && !experiments::is_results_file(output)) {
    throw UsageError(output + ": exists and is not an orgsim results file; refusing to overwrite it "
                              "(choose another -o, or add --force)");
  }
  ThreadLimit limit(args.threads);
  if (!args.quiet) {
    std::cerr << "orgsim " << version() << ": ";
    describe(std::cerr, spec);
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  if (!args.quiet) {
    options.on_progress = [tty, step = std::max<std::size_t>(1, spec.run_count() / 10)](
                              std::size_t done, std::size_t total) {
      if (tty) {
        std::cerr << "\r  runs " << done << '/' << total << std::flush;
        if (done == total) std::cerr << '\n';
      } else if (done % step == 0 || done == total) {
        std::cerr << "  runs " << done << '/' << total << '\n';
      }
    };
  }
  const experiments::SweepReport report = experiments::run_experiment(spec, output, options);
  if (!args.quiet) {
    std::cerr << std::fixed << std::setprecision(2) << "  " << report.runs << " runs in "
              << report.wall_seconds << " s on " << limit.threads() << " threads\n";
  }
  std::cout << "results written to " << output << "\n"
            << "summarize them with: " << program_name << " analyze " << output << "\n";
  return 0;
}

int command_validate(const std::string& file, const std::vector<std::string>& sets) {
  const experiments::ExperimentSpec spec = load(file, sets);
  std::cout << (file.empty() ? "<default experiment>" : file) << ": ok\n";
  describe(std::cout, spec);
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
                    const std::string& format) {
  experiments::ResultsReader results(file);
  const analysis::Summary summary =
      analysis::summarize_final(results, split_list(by, "--by"), split_list(metrics, "--metrics"));
  if (format == "csv") {
    analysis::print_csv(std::cout, summary);
  } else {
    std::cout << "final-tick summary of " << file << " (" << summary.runs_used
              << " runs; 95% confidence intervals, Student t)\n";
    analysis::print_table(std::cout, summary);
  }
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
  experiments::ResultsReader results(file);
  std::cout << file << "\n";
  for (const char* name : {"experiment_name", "orgsim_version", "git_revision", "created",
                           "finished", "host"}) {
    if (auto v = results.attribute(name)) std::cout << "  " << name << ": " << *v << '\n';
  }
  std::cout << "  runs: " << results.run_count() << ", tick rows per run: " << results.tick_rows()
            << '\n';
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
  run->add_option("-o,--output", run_args.output, "Results file (HDF5); default: <file stem>.h5");
  run->add_option("--threads", run_args.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_option("--set", run_args.sets, "Override a key, e.g. --set experiment.seed=7 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  run->add_flag("--force", run_args.force, "Overwrite an output file that is not an orgsim results file");
  run->add_flag("-q,--quiet", run_args.quiet, "No progress on stderr");

  std::string validate_file;
  std::vector<std::string> validate_sets;
  auto* validate = app.add_subcommand("validate", "Check an experiment file without running it");
  validate->add_option("file", validate_file, "Experiment file (TOML)");
  validate->add_option("--set", validate_sets, "Override a key (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");

  std::string analyze_file, analyze_by, analyze_metrics, analyze_format = "table";
  auto* analyze = app.add_subcommand("analyze", "Summarize final metrics per design point");
  analyze->add_option("results", analyze_file, "Results file (HDF5)")->required();
  analyze->add_option("--by", analyze_by, "Group by these swept parameters (comma-separated)");
  analyze->add_option("--metrics", analyze_metrics, "Only these metrics (comma-separated)");
  analyze->add_option("--format", analyze_format, "table or csv")
      ->check(CLI::IsMember({"table", "csv"}));

  std::string params_format = "table";
  auto* params = app.add_subcommand("params", "List every model parameter and metric");
  params->add_option("--format", params_format, "table or md")->check(CLI::IsMember({"table", "md"}));

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

  try {
    if (*run) return command_run(run_args);
    if (*validate) return command_validate(validate_file, validate_sets);
    if (*analyze) return command_analyze(analyze_file, analyze_by, analyze_metrics, analyze_format);
    if (*params) return command_params(params_format);
    if (*info) return command_info(info_file);
  } catch (const orgsim::ConfigError& e) {
    std::cerr << e.what() << '\n';
    return kUserError;
  } catch (const orgsim::Error& e) {
    std::cerr << "orgsim: error: " << e.what() << '\n';
    return kUserError;
  } catch (const std::bad_alloc&) {
    std::cerr << "orgsim: error: out of memory: the experiment needs more memory than this machine "
                 "has (fewer employees, dimensions or threads help)\n";
    return kUserError;
  } catch (const std::exception& e) {
    std::cerr << "orgsim: internal error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
