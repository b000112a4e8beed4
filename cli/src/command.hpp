// What the command files share: the exit statuses, the invocation's session, and the shape of a
// command (a subcommand registered on the app plus the action that runs it once parsed).
#pragma once

#include "orgsim/experiments/mpi.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

namespace orgsim::cli::detail {

// Exit statuses (docs/experiment-files.md, "Interrupting, resource limits and failures").
constexpr int kUserError = 2;    // bad input or a plan that cannot fit; nothing was written
constexpr int kOutputError = 3;  // writing the results failed during the sweep (disk full, I/O)

/// One invocation of the command line.
struct Session {
  std::string program_name = "orgsim";  ///< argv[0], for the commands orgsim prints
  /// Set when an MPI launcher started this process (built with MPI).
  std::unique_ptr<experiments::MpiSession> mpi;

  /// True under a multi-rank MPI launch.
  [[nodiscard]] bool multi_rank() const { return mpi && mpi->size() > 1; }
};

/// A registered subcommand and what runs it. The action returns the exit status and throws
/// orgsim errors for the entry point to report.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// One per command file, in the order `orgsim --help` lists them.
Command add_run_command(CLI::App& app, Session& session);
Command add_validate_command(CLI::App& app);
Command add_analyze_command(CLI::App& app);
Command add_slurm_command(CLI::App& app, const Session& session);
Command add_compare_command(CLI::App& app);
Command add_sensitivity_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_resilience_command(CLI::App& app);
Command add_plot_command(CLI::App& app);
Command add_params_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_org_command(CLI::App& app);
Command add_landscape_command(CLI::App& app);
Command add_tornado_command(CLI::App& app);
Command add_export_command(CLI::App& app);
Command add_problem_command(CLI::App& app);
Command add_discover_command(CLI::App& app);
Command add_calibrate_command(CLI::App& app);

}  // namespace orgsim::cli::detail
