// The crash screen: a file orgsim did not just write is first read in a child process, so that
// a corrupt file on which the HDF5 library crashes or loops gives an error, not a dead orgsim.
#include "orgsim/experiments/results.hpp"

#include "results_schema.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>

namespace orgsim::experiments {

namespace {
constexpr const char* kDamaged = "the file is damaged or not an orgsim results file";

/// Reads `path` as the commands do (metadata, provenance, the /runs table, a few runs): 0 when
/// it reads, 2 for an ordinary error (which the reader in the parent then reports).
int read_like_the_commands(const std::string& path) {
  try {
    const ResultsReader results(path);
    for (const char* name : {"experiment_name", "orgsim_version", "created", "finished", "design",
                             "shard", "experiment"}) {
      (void)results.attribute(name);
    }
    for (const auto& column : results.run_columns()) {
      for (std::size_t row = 0; row < std::min<std::size_t>(results.run_count(), 4); ++row)
        (void)column.format(row);
    }
    for (std::size_t run = 0; run < std::min<std::size_t>(results.run_count(), 4); ++run)
      (void)results.final_row(run);
  } catch (...) {
    return 2;
  }
  return 0;
}
}  // namespace

bool is_results_file(const std::string& path) {
  try {
    h5::Handle file = schema::open_for_reading(path);
    return H5Lexists(file, schema::kMetrics, H5P_DEFAULT) > 0 &&
           H5Lexists(file, schema::kRuns, H5P_DEFAULT) > 0;
  } catch (const ResultsError&) {
    return false;
  }
}

void screen_results_file(const std::string& path, double limit_seconds) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return;  // no process to spare: the reader runs in this one, as without screening
  if (child == 0) {
    const int quiet = ::open("/dev/null", O_WRONLY);
    if (quiet >= 0) {
      ::dup2(quiet, STDOUT_FILENO);
      ::dup2(quiet, STDERR_FILENO);
    }
    ::_exit(read_like_the_commands(path));  // no exit handlers: the parent owns the process's state
  }
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
        limit_seconds) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw ResultsError(
          fmt::format("{}: the HDF5 library had not finished reading this file "
                      "after {} s (it loops on some corrupt files): {}",
                      path, static_cast<int>(limit_seconds), kDamaged));
    }
    ::usleep(2000);
  }
  // The child exits 0 (read) or 2 (an ordinary error, which the reader here reports); anything
  // else is a crash: a signal, or a sanitizer's report (its own exit status).
  const bool crashed = WIFSIGNALED(status) ||
                       (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2);
  if (crashed) {
    const std::string how = WIFSIGNALED(status)
                                ? fmt::format("signal {}", WTERMSIG(status))
                                : fmt::format("exit status {}", WEXITSTATUS(status));
    throw ResultsError(fmt::format(
        "{}: the HDF5 library crashed reading this file ({}, in a separate process): {}", path, how,
        kDamaged));
  }
}

}  // namespace orgsim::experiments
