// The entry point of the orgsim command line (orgsim/cli/cli.hpp): registers the commands,
// parses the arguments, starts MPI under an MPI launcher, runs the chosen command and turns its
// errors into one message and an exit status.
#include "orgsim/cli/cli.hpp"

#include "command.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/mpi.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <new>
#include <optional>
#include <vector>

namespace orgsim::cli {

namespace {

using namespace detail;

/// Every command, in the order `orgsim --help` lists them.
std::vector<Command> add_commands(CLI::App& app, Session& session) {
  return {add_run_command(app, session), add_validate_command(app),
          add_analyze_command(app),      add_slurm_command(app, session),
          add_compare_command(app),      add_sensitivity_command(app),
          add_report_command(app),       add_resilience_command(app),
          add_plot_command(app),         add_params_command(app),
          add_merge_command(app),        add_info_command(app),
          add_org_command(app),          add_landscape_command(app),
          add_tornado_command(app),      add_export_command(app),
          add_problem_command(app),      add_discover_command(app),
          add_calibrate_command(app)};
}

/// Under mpirun (or srun), `run` becomes an MPI task farm; other commands run on rank 0 only.
/// Returns an exit status when MPI cannot start (the message is printed).
/// The number of processes an MPI launcher started (1 when unknown).
long launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* value = std::getenv(name)) {
      char* end = nullptr;
      const long n = std::strtol(value, &end, 10);
      if (end != value && n > 0) return n;
    }
  }
  return 1;
}

/// This process's rank among those an MPI launcher started (0 when unknown).
long launched_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"}) {
    if (const char* value = std::getenv(name)) {
      char* end = nullptr;
      const long n = std::strtol(value, &end, 10);
      if (end != value && n >= 0) return n;
    }
  }
  return 0;
}

std::optional<int> start_mpi(bool is_run, const std::string& command, Session& session) {
  try {
    // Only `run` shares work between ranks; any other command would run once per rank (three
    // merges into one file under `mpirun -n 3`).
    if (!is_run && experiments::launched_by_mpi() && launched_ranks() > 1) {
      // Rank 0 says so and fails the job; the others end quietly at once (were they to fail
      // too, mpirun could kill rank 0 before it has printed).
      if (launched_rank() != 0) return 0;
      std::cerr << "orgsim: error: `orgsim " << command
                << "` does not use MPI: under mpirun every rank would do it once; run it without "
                   "mpirun (only `orgsim run` farms runs over ranks)\n";
      return kUserError;
    }
    if (is_run && experiments::launched_by_mpi()) {
      if (!experiments::mpi_built()) {
        const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
        if (size && std::string(size) != "1") {
          throw UsageError(
              "this orgsim was built without MPI, so under mpirun every rank would run the whole "
              "sweep; rebuild with -DORGSIM_WITH_MPI=ON (needs libopenmpi-dev and "
              "libboost-mpi-dev), "
              "or run it without mpirun");
        }
      } else {
        session.mpi = std::make_unique<experiments::MpiSession>();
      }
    }
  } catch (const orgsim::Error& e) {
    std::cerr << "orgsim: error: " << e.what() << '\n';
    return kUserError;
  }
  return std::nullopt;
}

/// Runs `command`; a user error prints one message (on rank 0 only) and gives exit status 2.
int run_reporting_errors(const Command& command, Session& session) {
  const bool quiet_rank =
      session.mpi && session.mpi->rank() != 0;  // workers leave user errors to rank 0
  const auto fail = [&](int status) {
    if (session.multi_rank()) session.mpi->end(status);
    return status;
  };
  try {
    return command.run();
  } catch (const orgsim::ConfigError& e) {
    if (!quiet_rank) std::cerr << e.what() << '\n';
    return fail(kUserError);
  } catch (const orgsim::Error& e) {
    if (!quiet_rank) std::cerr << "orgsim: error: " << e.what() << '\n';
    return fail(kUserError);
  } catch (const orgsim::OutputError& e) {  // writing failed outside a sweep (merge)
    std::cerr << "orgsim: error: " << (e.disk_full() ? "disk full while writing " : "cannot write ")
              << e.path() << " (" << e.what() << ")\n";
    if (session.multi_rank()) session.mpi->abort(kOutputError);
    std::cerr.flush();
    std::_Exit(kOutputError);  // see run.cpp: HDF5's exit handler crashes on the failed file
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave that the system refuses (too long, a loop of links, no permission):
    // a user error that names the path, not an internal one.
    if (!quiet_rank) {
      std::cerr << "orgsim: error: "
                << (e.path1().empty() ? std::string("a path") : e.path1().string()) << ": "
                << e.code().message() << '\n';
    }
    return fail(kUserError);
  } catch (const std::bad_alloc&) {
    std::cerr << "orgsim: error: out of memory: the experiment needs more memory than this machine "
                 "has (fewer employees, dimensions or threads help)\n";
    return fail(kUserError);
  } catch (const std::exception& e) {
    std::cerr << "orgsim: internal error: " << e.what() << '\n';
    return fail(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Session session;
  if (argc > 0 && argv[0] && *argv[0]) session.program_name = argv[0];
  CLI::App app{"orgsim: agent-based simulator of dynamic organizational alignment"};
  app.set_version_flag("--version",
                       std::string(version()) + " (" + std::string(git_revision()) + ")");
  app.require_subcommand(1);
  const std::vector<Command> commands = add_commands(app, session);
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
  const Command& run = commands.front();
  std::string chosen;
  for (const Command& command : commands)
    if (*command.app) chosen = command.app->get_name();
  if (const auto status = start_mpi(static_cast<bool>(*run.app), chosen, session)) return *status;
  for (const Command& command : commands) {
    if (*command.app) return run_reporting_errors(command, session);
  }
  return 0;
}

}  // namespace orgsim::cli
