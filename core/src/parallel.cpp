// Thread-count control for the whole process (TBB's global_control).
#include "orgsim/core/parallel.hpp"

#include <oneapi/tbb/info.h>

namespace orgsim {

std::size_t hardware_threads() {
  return static_cast<std::size_t>(tbb::info::default_concurrency());
}

ThreadLimit::ThreadLimit(std::size_t threads)
    : threads_(threads == 0 ? hardware_threads() : threads) {
  control_ =
      std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads_);
}

}  // namespace orgsim
