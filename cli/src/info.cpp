// `orgsim info`: shows a results file's provenance (version, revision, host, times, the
// experiment file and the --set overrides), its runs, metrics and swept parameters, and the
// resolved experiment it ran.
#include "command.hpp"
#include "common.hpp"

#include <iostream>
#include <sstream>

namespace orgsim::cli::detail {

namespace {

int info(const std::string& file) {
  const experiments::ResultsReader results = open_results(file);
  std::cout << file << "\n";
  for (const char* name : {"experiment_name", "orgsim_version", "git_revision", "created",
                           "finished", "host", "design", "shard"}) {
    if (auto v = results.attribute(name); v && !v->empty())
      std::cout << "  " << name << ": " << *v << '\n';
  }
  if (auto source = results.attribute("experiment_source_name"); source && !source->empty())
    std::cout << "  experiment file: " << *source << '\n';
  // The --set overrides, one per line in the attribute: what the file alone does not say.
  if (auto overrides = results.attribute("overrides"); overrides && !overrides->empty()) {
    std::istringstream in(*overrides);
    for (std::string line; std::getline(in, line);) std::cout << "  --set " << line << '\n';
  }
  std::size_t complete = 0;
  for (std::size_t run = 0; run < results.run_count(); ++run) complete += results.complete(run);
  std::cout << "  runs: " << results.run_count() << " (" << complete << " complete)"
            << (results.finished() ? ""
                                   : ", not finished: resume with orgsim run FILE -o OUT --resume")
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

Command add_info_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* command = app.add_subcommand("info", "Show a results file's provenance and layout");
  command->add_option("results", *file, "Results file (HDF5)")->required();
  return {command, [file] { return info(*file); }};
}

}  // namespace orgsim::cli::detail
