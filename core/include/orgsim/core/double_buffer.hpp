// Double-buffered per-agent state for phases in which agents read each other: a phase reads
// only previous() and writes only its own slot of next(); swap() publishes next() between
// phases. No locks, and the result does not depend on the order agents are processed in.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace orgsim {

template <class T>
class DoubleBuffer {
 public:
  DoubleBuffer() = default;
  explicit DoubleBuffer(std::size_t size, const T& value = T{}) : front_(size, value), back_(size, value) {}

  [[nodiscard]] std::size_t size() const noexcept { return front_.size(); }
  /// The state every agent reads during a phase.
  [[nodiscard]] std::span<const T> previous() const noexcept { return front_; }
  /// The state agents write (each only its own slot) during a phase.
  [[nodiscard]] std::span<T> next() noexcept { return back_; }
  /// Publishes next() as the new previous(); the old values become the scratch buffer.
  void swap() noexcept { std::swap(front_, back_); }
  /// Sets both buffers (e.g. at initialization, or when agents are hired).
  void resize(std::size_t size, const T& value = T{}) {
    front_.resize(size, value);
    back_.resize(size, value);
  }

 private:
  std::vector<T> front_;
  std::vector<T> back_;
};

}  // namespace orgsim
