// The crash screen: a file orgsim did not just write is first read in a child process, so that
// a corrupt file on which the HDF5 library crashes or loops gives an error, not a dead orgsim.
#include "orgsim/experiments/results.hpp"

#include "orgsim/core/error.hpp"

#include "results_schema.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string_view>

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

namespace {

/// The column's value in `row`, which must be a whole number (NaN and fractions are not).
std::optional<std::uint64_t> whole(const RunColumn* column, std::size_t row) {
  if (column == nullptr || column->is_text || row >= column->numbers.size()) return std::nullopt;
  const double v = column->numbers[row];
  if (!(v >= 0) || v > 1.8e19 || v != std::floor(v)) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

}  // namespace

void check_run_table(const ResultsReader& results, const std::string& path,
                     const ExperimentSpec& spec, const Shard* shard) {
  const std::size_t runs = spec.run_count();
  if (results.run_count() != runs) {
    throw UsageError(fmt::format("{}: /runs has {} rows, but its experiment has {} runs", path,
                                 results.run_count(), runs));
  }
  const RunColumn* ids = results.run_column("run_id");
  const RunColumn* points = results.run_column("design_point");
  const RunColumn* replications = results.run_column("replication");
  const RunColumn* seeds = results.run_column("seed");
  const RunColumn* status = results.run_column("status");
  const auto per_point = static_cast<std::uint64_t>(std::max<std::int64_t>(spec.replications, 1));
  for (std::size_t row = 0; row < runs; ++row) {
    const auto state = whole(status, row);
    if (!state || *state > 1) {
      throw UsageError(
          fmt::format("{}: /runs row {} has status {}, not 0 or 1 (the file was "
                      "edited or is damaged)",
                      path, row, status ? status->format(row) : "(none)"));
    }
    if (*state == 0) continue;  // never run or half-written: redone, nothing of it is used
    const auto wrong = [&](std::string_view what, const RunColumn* column, std::uint64_t expected) {
      throw UsageError(fmt::format(
          "{}: /runs row {} is a complete run whose {} is {}, but run {} of this experiment has "
          "{} (the file was edited or is damaged; run the shard again)",
          path, row, what, column ? column->format(row) : "(missing)", row, expected));
    };
    const std::uint64_t r = row;
    if (whole(ids, row) != r) wrong("run_id", ids, r);
    if (whole(points, row) != r / per_point) wrong("design_point", points, r / per_point);
    const std::uint64_t replication = spec.first_replication + r % per_point;
    if (whole(replications, row) != replication) wrong("replication", replications, replication);
    if (seeds && whole(seeds, row) != spec.seed) wrong("seed", seeds, spec.seed);
    if (shard && !shard->contains(row)) {
      throw UsageError(fmt::format(
          "{}: /runs row {} is marked complete, but run {} belongs to shard {}/{}, not to this "
          "file's shard {} (the file was edited or is damaged)",
          path, row, row, row % shard->count, shard->count, shard->str()));
    }
  }
}

}  // namespace orgsim::experiments
