// Progress of a sweep on stderr (progress.hpp).
#include "progress.hpp"

#include "common.hpp"

#include <fmt/format.h>

#include <algorithm>
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
  if (tty_) {
    const std::size_t width = 30;
    const std::size_t filled = total ? width * done / total : width;
    std::cerr << fmt::format("\r  [{}{}] {}/{} runs  {:.1f} runs/s  ETA {} ",
                             std::string(filled, '#'), std::string(width - filled, '.'), done,
                             total, rate, format_duration(eta))
              << (done == total ? "\n" : "") << std::flush;
    return;
  }
  const std::size_t step = std::max<std::size_t>(1, total / 10);
  if (done == total || done % step == 0 || now - last_line_ > std::chrono::seconds(30)) {
    const double percent =
        total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
    std::cerr << fmt::format("  runs {}/{} ({:.0f}%), {:.1f} runs/s, ETA {}\n", done, total,
                             percent, rate, format_duration(eta));
    last_line_ = now;
  }
}

}  // namespace orgsim::cli::detail
