// Arrays of plain values allocated without being initialised, for arrays that are then filled
// in parallel: value-initialising a large std::vector writes all of its memory on one thread,
// and the first touch of fresh memory (page faults) is slow.
#pragma once

#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace orgsim {

namespace detail {

/// std::allocator, except that a vector's resize (or sized construction) leaves new values
/// default-initialised: uninitialised for plain types.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>& /*other*/) noexcept {}  // NOLINT
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace detail

/// A vector of plain values whose resize leaves the new values uninitialised.
template <class T>
using Buffer = std::vector<T, detail::UninitializedAllocator<T>>;

/// Sets values [0, count) at `data` to zero, in parallel chunks.
template <class T>
void zero_in_parallel(T* data, std::size_t count) {
  static_assert(std::is_trivial_v<T>);
  parallel_chunks(count, 16384, [data](std::size_t begin, std::size_t end) {
    std::fill(data + begin, data + end, T{});
  });
}

}  // namespace orgsim
