// Process-wide thread limit and deterministic parallel reductions over index ranges.
#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>

#include <atomic>
#include <cstddef>
#include <memory>

namespace orgsim {

/// Caps the number of TBB worker threads for as long as the object lives (0 = all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(std::size_t threads);
  /// The number of threads TBB will use while this limit is active.
  [[nodiscard]] std::size_t threads() const noexcept { return threads_; }

 private:
  std::unique_ptr<tbb::global_control> control_;
  std::size_t threads_;
};

/// Number of hardware threads TBB sees.
std::size_t hardware_threads();

/// Calls body(begin, end) on disjoint chunks covering [0, n) in parallel. The body must write only
/// to slots in its own chunk; then the result is independent of thread count and scheduling.
template <class Body>
void parallel_chunks(std::size_t n, std::size_t grain, Body&& body) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                    [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); });
}

/// True if pred(i) holds for some i in [0, n). Stops early: chunks not yet started are skipped
/// once one chunk has found an i, so the cost is proportional to how far the first hits are.
/// The answer (not which i) is independent of thread count and scheduling; pred must only read.
template <class Pred>
bool parallel_any(std::size_t n, std::size_t grain, Pred&& pred) {
  if (n <= grain) {
    for (std::size_t i = 0; i < n; ++i) {
      if (pred(i)) return true;
    }
    return false;
  }
  std::atomic<bool> found{false};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      if (found.load(std::memory_order_relaxed)) return;
                      for (std::size_t i = r.begin(); i < r.end(); ++i) {
                        if (pred(i)) {
                          found.store(true, std::memory_order_relaxed);
                          return;
                        }
                      }
                    });
  return found.load();
}

/// Reduces over [0, n) with a split tree that depends only on n and grain, never on the thread
/// count, so floating-point sums are bit-identical at any number of threads.
/// @param chunk   (begin, end, T accumulated) -> T
/// @param combine (T left, T right) -> T, applied left before right
template <class T, class Chunk, class Combine>
T deterministic_reduce(std::size_t n, std::size_t grain, T identity, Chunk&& chunk,
                       Combine&& combine) {
  // A range that fits in one grain is never split: the same single chunk, without scheduling.
  if (n <= grain) return chunk(std::size_t{0}, n, std::move(identity));
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, grain), identity,
      [&](const tbb::blocked_range<std::size_t>& r, T acc) {
        return chunk(r.begin(), r.end(), std::move(acc));
      },
      combine);
}

}  // namespace orgsim
