// SIGINT and SIGTERM during a sweep: the first stops it cleanly (complete runs kept, --resume
// finishes it), a second leaves at once.
#pragma once

#include <atomic>

namespace orgsim::cli::detail {

/// Makes SIGINT and SIGTERM store their number into the returned flag (0: none yet) instead of
/// ending the process; the runner's writer thread polls it.
const std::atomic<int>* catch_interrupts();

}  // namespace orgsim::cli::detail
