// Progress of a sweep on stderr (progress.hpp).
#include "progress.hpp"

#include "common.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace orgsim::cli::detail {

Progress::Progress(bool tty)
    : tty_(tty), start_(std::chrono::steady_clock::now()), last_line_(start_) {}

void Progress::update(std::size_t done, std::size_t total) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (first_done_ < 0) first_done_ = static_cast<double>(done) - 1;  // runs taken over on resume
  const double computed = static_cast<double>(done) - first_done_;
  const double rate = elapsed > 0 ? computed / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : -1;
  char line[160];
  if (tty_) {
    const int width = 30;
    const int filled = total ? static_cast<int>(width * done / total) : width;
    std::snprintf(line, sizeof line, "\r  [%s%s] %zu/%zu runs  %.1f runs/s  ETA %s ",
                  std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done,
                  total, rate, format_duration(eta).c_str());
    std::cerr << line << (done == total ? "\n" : "") << std::flush;
    return;
  }
  const std::size_t step = std::max<std::size_t>(1, total / 10);
  if (done == total || done % step == 0 || now - last_line_ > std::chrono::seconds(30)) {
    std::snprintf(line, sizeof line, "  runs %zu/%zu (%.0f%%), %.1f runs/s, ETA %s", done, total,
                  total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0,
                  rate, format_duration(eta).c_str());
    std::cerr << line << '\n';
    last_line_ = now;
  }
}

}  // namespace orgsim::cli::detail
