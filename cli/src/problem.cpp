// `orgsim problem`: a design's parameters as a SALib problem dict (JSON, also a Python literal),
// so that a sample made with SALib or EMA Workbench covers the space orgsim's design would; run
// the sample with [sweep.samples] (docs/python.md).
#include "command.hpp"
#include "common.hpp"

#include "orgsim/experiments/problem.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct ProblemArgs {
  std::string file;
  std::string parameters;
  std::vector<std::string> sets;
};

int problem(const ProblemArgs& args) {
  const experiments::ExperimentSpec spec = load(args.file, args.sets);
  std::cout << experiments::problem_json(
      experiments::sampling_problem(spec, split_list(args.parameters, "--parameters")));
  return 0;
}

}  // namespace

Command add_problem_command(CLI::App& app) {
  auto args = std::make_shared<ProblemArgs>();
  auto* command = app.add_subcommand(
      "problem",
      "Print a SALib problem dict (JSON) for a design's parameters, for samples made "
      "elsewhere ([sweep.samples])");
  command->add_option("file", args->file,
                      "Experiment file (TOML; default: the default experiment)");
  command->add_option("--parameters", args->parameters,
                      "Parameters to describe with their whole ranges (comma-separated; default: "
                      "the ones the file's design varies)");
  command->add_option("--set", args->sets, "Override a key, e.g. --set experiment.seed=7");
  return {command, [args] { return problem(*args); }};
}

}  // namespace orgsim::cli::detail
