// Running gnuplot, dot and Chromium (tools.hpp).
#include "tools.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <thread>
#include <utility>

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

namespace {

/// The first and last `n` bytes of a file ("" when it cannot be read).
std::pair<std::string, std::string> ends_of(const std::filesystem::path& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0'), tail(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  in.clear();
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  in.seekg(static_cast<std::streamoff>(size > n ? size - n : 0));
  in.read(tail.data(), static_cast<std::streamsize>(n));
  tail.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return {head, tail};
}

bool whole(const std::string& extension, const std::string& head, std::string tail) {
  while (!tail.empty() && std::isspace(static_cast<unsigned char>(tail.back()))) tail.pop_back();
  if (extension == ".svg") return tail.ends_with("</svg>");
  if (extension == ".png") {
    static const std::string signature("\x89PNG\r\n\x1a\n", 8);
    static const std::string iend("IEND\xae\x42\x60\x82", 8);
    return head.starts_with(signature) && tail.ends_with(iend);
  }
  if (extension == ".pdf") return head.starts_with("%PDF-") && tail.ends_with("%%EOF");
  return !head.empty();
}

}  // namespace

void check_complete_output(const std::filesystem::path& path, const std::string& program,
                           const std::filesystem::path& shown) {
  const std::string name = shown.empty() ? path.string() : shown.string();
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto [head, tail] = ends_of(path, 64);
  if (whole(extension, head, tail)) return;
  const std::filesystem::path directory = path.parent_path().empty() ? "." : path.parent_path();
  struct statvfs disk {};
  const bool full = ::statvfs(directory.c_str(), &disk) == 0 && disk.f_bavail == 0;
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::string detail =
      fmt::format("{} wrote an incomplete {} ({} bytes){}; nothing was kept", program,
                  extension.empty() ? "file" : extension.substr(1) + " file", ec ? 0 : size,
                  full ? ": the file system is full" : "");
  if (full) throw OutputError(name, true, 0, detail);
  throw UsageError(name + ": " + detail);
}

std::filesystem::path partial_beside(const std::filesystem::path& output) {
  return output.parent_path() / ("." + output.stem().string() + ".partial-" +
                                 std::to_string(::getpid()) + output.extension().string());
}

void throw_write_error(const std::filesystem::path& output, int error) {
  if (error == ENOSPC || error == EDQUOT)
    throw OutputError(output.string(), true, 0, std::strerror(error));
  throw UsageError("cannot write '" + output.string() + "'" +
                   (error ? std::string(" (") + std::strerror(error) + ")" : std::string()));
}

}  // namespace orgsim::analysis::detail
