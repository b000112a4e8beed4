// Progress of a sweep on stderr, for `orgsim run`.
#pragma once

#include <chrono>
#include <cstddef>

namespace orgsim::cli::detail {

/// Progress on stderr: a live bar on a terminal, plain lines every 10 % or 30 s otherwise.
class Progress {
 public:
  explicit Progress(bool tty);

  /// `done` of `total` runs are complete.
  void update(std::size_t done, std::size_t total);

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_line_;
  double first_done_ = -1;
};

}  // namespace orgsim::cli::detail
