// Running gnuplot, dot and Chromium (tools.hpp).
#include "tools.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <thread>

extern char** environ;

namespace orgsim::analysis::detail {

std::string temporary_file(const std::string& stem, const std::string& suffix) {
  std::string path =
      (std::filesystem::temp_directory_path() / (stem + "-XXXXXX" + suffix)).string();
  const int fd = ::mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    throw UsageError("cannot create a temporary file in " +
                     std::filesystem::temp_directory_path().string());
  }
  ::close(fd);
  return path;
}

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

namespace {

/// Waits for `pid`; kills it after `timeout_seconds` (> 0). Returns its wait status and whether
/// it was killed for taking too long.
std::pair<int, bool> wait_for(pid_t pid, int timeout_seconds) {
  int status = 0;
  if (timeout_seconds <= 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {status, false};
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return {status, false};
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return {status, true};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void run_tool(std::vector<std::string> argv, const std::string& what, const std::string& package,
              int timeout_seconds) {
  const std::string program = argv.front();
  std::string log = temporary_file("orgsim-" + program, ".log");
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_TRUNC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (log_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  }
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  bool timed_out = false;
  if (spawned == 0) std::tie(status, timed_out) = wait_for(pid, timeout_seconds);
  if (log_fd >= 0) ::close(log_fd);
  std::string messages;
  {
    std::ifstream in(log);
    messages.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ignored;
  std::filesystem::remove(log, ignored);
  if (spawned != 0)
    throw UsageError(fmt::format("cannot run {} (install Debian's {})", program, package));
  if (timed_out) {
    throw UsageError(
        fmt::format("{} could not {}: it took longer than {} s", program, what, timeout_seconds));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw UsageError(program + " could not " + what +
                     (messages.empty() ? std::string() : ":\n" + messages.substr(0, 2000)));
  }
}

}  // namespace orgsim::analysis::detail
