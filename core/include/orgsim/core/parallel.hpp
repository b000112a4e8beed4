// Process-wide thread limit, deterministic parallel reductions and filters over index ranges.
#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

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
/// A range of one grain or less is one call on this thread (no task scheduling).
template <class Body>
void parallel_chunks(std::size_t n, std::size_t grain, Body&& body) {
  if (n <= grain) {
    body(std::size_t{0}, n);
    return;
  }
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

/// The indices i in [0, n) for which pred(i) holds, in increasing order (a parallel filter: each
/// chunk of `grain` counts its hits, then writes them at its offset). pred must only read.
template <class Pred>
std::vector<std::size_t> parallel_select(std::size_t n, std::size_t grain, Pred&& pred) {
  std::vector<std::size_t> out;
  if (n <= grain) {
    for (std::size_t i = 0; i < n; ++i)
      if (pred(i)) out.push_back(i);
    return out;
  }
  const std::size_t chunks = (n + grain - 1) / grain;
  std::vector<std::size_t> offset(chunks + 1, 0);
  parallel_chunks(chunks, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t c = first; c < last; ++c) {
      std::size_t hits = 0;
      for (std::size_t i = c * grain; i < std::min(n, (c + 1) * grain); ++i)
        hits += pred(i) ? 1 : 0;
      offset[c + 1] = hits;
    }
  });
  for (std::size_t c = 0; c < chunks; ++c) offset[c + 1] += offset[c];
  out.resize(offset[chunks]);
  parallel_chunks(chunks, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t c = first; c < last; ++c) {
      std::size_t at = offset[c];
      for (std::size_t i = c * grain; i < std::min(n, (c + 1) * grain); ++i)
        if (pred(i)) out[at++] = i;
    }
  });
  return out;
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
