// The resource gate: estimates of memory, disk space and CPU time, and the checks on them.
#include "orgsim/experiments/resources.hpp"

#include "orgsim/agents/organization.hpp"

#include "orgsim/core/error.hpp"

#include "sweep.hpp"

#include <fmt/format.h>

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace orgsim::experiments {

namespace {

// Throughput per core, a little below the measured one (benchmarks/README.md, BM_Tick and
// BM_FullTick at 100k employees, 1 thread): used for time estimates only.
constexpr double kCoreEmployeeTicksPerSecond = 5.0e6;  // the learning core alone
constexpr double kFullEmployeeTicksPerSecond = 2.0e6;  // every submodel on

std::size_t bytes_per_employee(const agents::ModelParams& p) {
  const std::size_t m = static_cast<std::size_t>(p.learning.dimensions);
  std::size_t bytes = 2 * m + 50;  // beliefs, actions, scalar state
  if (p.structure.enabled)
    bytes += m + 8 + 12 * static_cast<std::size_t>(p.structure.ties_per_employee);
  bytes += 4 * (static_cast<std::size_t>(p.structure.functions) + 1);
  return bytes;
}

}  // namespace

std::size_t estimate_run_memory(const ExperimentSpec& spec) {
  std::size_t largest = 0;
  const std::size_t points = std::min<std::size_t>(spec.design_point_count(), 1000);
  for (std::size_t point = 0; point < points; ++point) {
    const agents::ModelParams p = spec.params_at(point);
    // A run that can hire is planned at its headcount ceiling (hiring stops there).
    const auto employees = static_cast<std::size_t>(
        agents::can_grow(p) ? agents::headcount_ceiling(p) : p.org.employees);
    largest = std::max(largest, employees * bytes_per_employee(p));
  }
  const std::size_t rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  std::size_t snapshots = 0;
  if (spec.snapshots.every > 0) {
    const std::size_t count =
        agents::recorded_rows(static_cast<Tick>(spec.ticks), spec.snapshots.every);
    snapshots = count * spec.snapshots.agents *
                (spec.snapshots.fields.size() * sizeof(double) +
                 static_cast<std::size_t>(spec.scenario.learning.dimensions));
  }
  return largest + rows * agents::metric_table().size() * sizeof(double) + snapshots + 64 * 1024;
}

double estimate_cpu_seconds(const ExperimentSpec& spec) {
  const agents::ModelParams p = spec.params_at(0);
  const bool full = p.structure.enabled || p.work.enabled || p.people.enabled;
  const double per_second = full ? kFullEmployeeTicksPerSecond : kCoreEmployeeTicksPerSecond;
  return static_cast<double>(spec.run_count()) * static_cast<double>(spec.ticks + spec.warmup) *
         static_cast<double>(std::max<std::int64_t>(p.org.employees, 1)) / per_second;
}

namespace {
/// A number from the first line of a file ("max" or unreadable: nullopt).
std::optional<std::uint64_t> read_number(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word.empty() || word.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(word);
}

/// The cgroup's memory still free to this process (v2 memory.max - memory.current, or v1).
std::optional<std::uint64_t> cgroup_memory_left() {
  std::ifstream self("/proc/self/cgroup");
  for (std::string line; std::getline(self, line);) {
    if (line.rfind("0::", 0) == 0) {  // cgroup v2: "0::/path"
      const std::string dir = "/sys/fs/cgroup" + line.substr(3);
      const auto limit = read_number(dir + "/memory.max");
      const auto used = read_number(dir + "/memory.current");
      if (limit) return *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
      return std::nullopt;
    }
  }
  const auto limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const auto used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit && *limit < (std::uint64_t{1} << 60))
    return *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
  return std::nullopt;
}

std::string gigabytes(std::uintmax_t bytes) {
  const auto x = static_cast<double>(bytes);
  return bytes >= 1'000'000'000 ? fmt::format("{:.1f} GB", x / 1e9)
                                : fmt::format("{:.1f} MB", x / 1e6);
}

// Compressed /metrics bytes per raw 8-byte value of default-size full-model runs, with some
// margin (deflate_rows' ratios: benchmarks/README.md, BM_CompressMetrics). Runs with submodels
// off compress better (their NaN and constant columns become references), so the estimate errs
// high for them.
constexpr double kMetricsCompression = 0.60;
}  // namespace

std::size_t available_memory() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    std::uint64_t kilobytes = 0;
    meminfo >> kilobytes;
    if (key == "MemAvailable:") {
      available = kilobytes * 1024;
      break;
    }
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  if (available == 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    available = pages > 0 && page > 0
                    ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                    : std::uint64_t{2} << 30;
  }
  if (const auto left = cgroup_memory_left()) available = std::min(available, *left);
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    available = std::min<std::uint64_t>(available, limit.rlim_cur);
  }
  return static_cast<std::size_t>(available);
}

std::size_t memory_budget() {
  return available_memory() / 2;
}

std::uintmax_t estimate_results_bytes(const ExperimentSpec& spec, std::size_t runs) {
  const auto ticks = static_cast<Tick>(spec.ticks);
  const bool may_stop_early = spec.stop != agents::StopRule::none;
  std::size_t rows = agents::recorded_rows(ticks, static_cast<Tick>(spec.record_every));
  if (may_stop_early) rows = metrics_rows_per_chunk(rows);  // at least one chunk
  const double metrics =
      static_cast<double>(rows * agents::metric_table().size() * sizeof(double)) *
      kMetricsCompression;
  double snapshots = 0;
  if (spec.snapshots.every > 0) {
    std::size_t count = agents::recorded_rows(ticks, spec.snapshots.every);
    if (may_stop_early) count = std::min<std::size_t>(count, 2);
    snapshots = kMetricsCompression * static_cast<double>(count * spec.snapshots.agents) *
                static_cast<double>(spec.snapshots.fields.size() * sizeof(double) +
                                    static_cast<std::size_t>(spec.scenario.learning.dimensions));
  }
  const double table_rows =
      64.0 + 16.0 * static_cast<double>(spec.design.parameters.size());  // /runs, /run_info, index
  const double bytes =
      static_cast<double>(runs) * (metrics + snapshots + table_rows) + 256.0 * 1024;
  constexpr auto most = static_cast<double>(std::numeric_limits<std::uintmax_t>::max() / 2);
  return static_cast<std::uintmax_t>(
      std::min(bytes, most));  // 10^12 runs of 10^7 ticks overflow 64 bits
}

ResourceCheck check_resources(const ExperimentSpec& spec, const std::string& output_path,
                              const std::optional<Shard>& shard, std::size_t runs_kept,
                              std::uintmax_t kept_bytes) {
  namespace fs = std::filesystem;
  ResourceCheck check;
  check.run_memory = estimate_run_memory(spec);
  check.available_memory = available_memory();
  if (check.run_memory > check.available_memory) {
    check.memory_ok = false;
    check.memory_message = fmt::format(
        "the experiment's largest run needs an estimated {} of memory, but this machine has {} "
        "available; use fewer employees (org.employees, growth.target_employees) or fewer "
        "dimensions (learning.dimensions)",
        gigabytes(check.run_memory), gigabytes(check.available_memory));
  }
  const std::size_t count = shard.value_or(Shard{}).runs_of(spec.run_count());
  const std::uintmax_t all = estimate_results_bytes(spec, count);
  // Resuming writes the kept runs into a fresh copy while the old file still exists; once it
  // replaces the old one, the rest is written.
  const std::uintmax_t rest =
      count > runs_kept ? estimate_results_bytes(spec, count - runs_kept) : 0;
  check.results_bytes = runs_kept > 0 ? std::max(kept_bytes, rest) : all;
  std::error_code ec;
  const fs::path parent = fs::absolute(fs::path(output_path), ec).parent_path();
  struct statvfs disk {};
  if (::statvfs(parent.c_str(), &disk) != 0) return check;  // unknown: not refused
  check.free_disk = static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize;
  // An existing output that is replaced gives its space back (only after it is unlinked, but a
  // finished file is replaced as the new one is created).
  std::uintmax_t replaced = 0;
  if (runs_kept == 0 && fs::is_regular_file(output_path, ec))
    replaced = fs::file_size(output_path, ec);
  if (check.results_bytes > check.free_disk + replaced) {
    check.disk_ok = false;
    check.disk_message = fmt::format(
        "{}: the results need an estimated {} but its file system has {} free; free space, "
        "choose another -o, record less (output.every, output.snapshots), or add "
        "--no-space-check if the estimate is too high",
        output_path, gigabytes(check.results_bytes), gigabytes(check.free_disk));
  }
  return check;
}

void check_path_length(const std::string& path) {
  namespace fs = std::filesystem;
  // Every name of the path within NAME_MAX (255 bytes on Linux file systems), and room left for
  // the temporaries written beside the file (OUT.h5.resume-PID, .merge-PID).
  for (const fs::path& part : fs::path(path)) {
    if (part.native().size() + 20 > 255) {
      throw UsageError(
          fmt::format("{}: the name '{}...' is {} bytes long; file systems allow 255 "
                      "and orgsim needs 20 of them for temporary names",
                      path.size() > 60 ? path.substr(0, 60) + "..." : path,
                      part.native().substr(0, 24), part.native().size()));
    }
  }
  if (path.size() + 20 >= PATH_MAX)
    throw UsageError(path.substr(0, 40) + "...: the path is too long");
}

void check_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw UsageError("the output path is empty");
  check_path_length(path);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(path + ": is a directory; give a file name such as " +
                     (fs::path(path) / "results.h5").string());
  }
  const fs::path parent = fs::absolute(fs::path(path), ec).parent_path();
  if (!fs::is_directory(parent, ec)) {
    throw UsageError(path + ": the directory " + parent.string() + " does not exist");
  }
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(path + ": cannot write in " + parent.string() + " (" + std::strerror(errno) +
                     ")");
  }
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) {
    throw UsageError(path + ": cannot be overwritten (" + std::strerror(errno) + ")");
  }
  // A FIFO or a device would block or swallow the results: never a place for them, --force
  // or not.
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    throw UsageError(path +
                     ": is not a regular file (a pipe or a device?); results go to a "
                     "regular file");
  }
}

namespace sweep {

void check_resources_or_refuse(const ExperimentSpec& spec, const std::string& output_path,
                               const RunnerOptions& options, std::size_t runs_kept, bool resuming) {
  std::uintmax_t kept_bytes = 0;
  std::error_code ec;
  if (resuming) kept_bytes = std::filesystem::file_size(output_path, ec);
  const ResourceCheck check =
      check_resources(spec, output_path, options.shard, runs_kept, kept_bytes);
  if (!check.memory_ok) throw ResourceError(check.memory_message);
  if (!check.disk_ok && options.space_check) throw ResourceError(check.disk_message);
}

}  // namespace sweep

}  // namespace orgsim::experiments
