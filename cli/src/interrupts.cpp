// SIGINT and SIGTERM during a sweep (interrupts.hpp).
#include "interrupts.hpp"

#include <signal.h>
#include <unistd.h>

namespace orgsim::cli::detail {

namespace {

// The signal that interrupted the sweep (0: none). The handler only stores into this lock-free
// atomic; the runner's writer thread polls it. A signal belongs to the process, hence one flag.
std::atomic<int> interrupt_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");

extern "C" void on_interrupt(int signal) {
  int none = 0;
  if (interrupt_signal.compare_exchange_strong(none, signal)) return;
  // A second signal while shutting down: leave at once. The live SWMR file keeps every run
  // flushed so far, as after a kill; --resume finishes it.
  static const char message[] =
      "\norgsim: second signal: exiting immediately (complete runs are kept; --resume)\n";
  if (::write(STDERR_FILENO, message, sizeof message - 1) < 0) {
  }
  ::_exit(128 + signal);
}

}  // namespace

const std::atomic<int>* catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return &interrupt_signal;
}

}  // namespace orgsim::cli::detail
