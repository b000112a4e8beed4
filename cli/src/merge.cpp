// `orgsim merge`: combines the shard files of one experiment (from `run --shard I/N`) into one
// results file.
#include "command.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/experiments/results.hpp"

#include <filesystem>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct MergeArgs {
  std::string output;
  std::vector<std::string> inputs;
};

int merge(const MergeArgs& args) {
  for (const std::string& input : args.inputs) {
    if (!std::filesystem::exists(input)) throw UsageError(input + ": no such file");
    if (std::filesystem::exists(args.output) && std::filesystem::equivalent(input, args.output)) {
      throw UsageError(args.output + ": is one of the shards; merge into another file");
    }
    experiments::screen_results_file(input);
  }
  experiments::merge_shards(args.inputs, args.output);
  std::cout << "merged " << args.inputs.size() << " shards into " << args.output << "\n";
  return 0;
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* command = app.add_subcommand("merge", "Combine the shard files of one experiment");
  command->add_option("-o,--output", args->output, "Merged results file (HDF5)")->required();
  command->add_option("shards", args->inputs, "Shard files (from run --shard I/N)")->required();
  return {command, [args] { return merge(*args); }};
}

}  // namespace orgsim::cli::detail
