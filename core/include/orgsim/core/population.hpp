// Struct-of-arrays storage for a population of agents with stable ids. Each attribute is one
// contiguous column (optionally `width` values per agent, row-major), so a phase streams through
// memory. Ids are assigned serially in slot order, so hiring and leaving stay deterministic.
#pragma once

#include "orgsim/core/buffer.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace orgsim {

using AgentId = std::uint64_t;

namespace detail {

class ColumnBase {
 public:
  virtual ~ColumnBase() = default;
  virtual void resize(std::size_t agents) = 0;
  /// Removes the rows at `removed` (increasing slots); the others keep their order.
  virtual void remove(std::span<const std::size_t> removed) = 0;
};

template <class T>
class Column final : public ColumnBase {
  static_assert(std::is_trivial_v<T>, "columns hold plain values");

 public:
  explicit Column(std::size_t width) : width_(width) {}
  /// New rows are value-initialised (zero), in parallel: the first touch of a large column's
  /// memory (page faults) is a large part of setting up a big population.
  void resize(std::size_t agents) override {
    const std::size_t old = data_.size();
    data_.resize(agents * width_);
    if (data_.size() > old) zero_in_parallel(data_.data() + old, data_.size() - old);
  }
  void remove(std::span<const std::size_t> removed) override {
    if (removed.empty() || width_ == 0) return;  // (a column switched off has width 0)
    // The rows between two removed ones move down as one run (a memmove), by the number of
    // rows removed before them; rows before the first removed one stay where they are.
    const std::size_t rows = data_.size() / width_;
    std::size_t out = removed[0];
    for (std::size_t j = 0; j < removed.size(); ++j) {
      const std::size_t from = removed[j] + 1;
      const std::size_t to = j + 1 < removed.size() ? removed[j + 1] : rows;
      std::copy(data_.data() + from * width_, data_.data() + to * width_,
                data_.data() + out * width_);  // to a lower address: std::copy may overlap
      out += to - from;
    }
    data_.resize(out * width_);
  }
  Buffer<T> data_;
  std::size_t width_;
};
}  // namespace detail

/// Typed handle to a column of a Population (an index, cheap to copy).
template <class T>
struct ColumnHandle {
  std::size_t index = 0;
};

/// A population of agents: ids plus any number of typed columns.
class Population {
 public:
  Population() = default;
  Population(Population&&) noexcept = default;
  Population& operator=(Population&&) noexcept = default;

  /// Adds a column of `width` values per agent, value-initialised for existing agents.
  template <class T>
  ColumnHandle<T> add_column(std::size_t width = 1) {
    auto column = std::make_unique<detail::Column<T>>(width);
    column->resize(size());
    columns_.push_back(std::move(column));
    return ColumnHandle<T>{columns_.size() - 1};
  }

  /// The whole column as one span (size() * width values).
  template <class T>
  std::span<T> column(ColumnHandle<T> handle) {
    return std::span<T>(typed(handle).data_);
  }
  template <class T>
  std::span<const T> column(ColumnHandle<T> handle) const {
    return std::span<const T>(typed(handle).data_);
  }

  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
  [[nodiscard]] AgentId id(std::size_t slot) const noexcept { return ids_[slot]; }
  [[nodiscard]] std::span<const AgentId> ids() const noexcept { return ids_; }
  /// The id the next hired agent will get.
  [[nodiscard]] AgentId next_id() const noexcept { return next_id_; }

  /// Adds `count` agents at the end with fresh ids; returns the first new slot.
  std::size_t append(std::size_t count);
  /// Gives the agent in `slot` a fresh id (a replacement hire in the same position).
  AgentId renew(std::size_t slot);
  /// Removes agents whose keep[slot] == 0, preserving the order of the others.
  void remove_unless(std::span<const std::uint8_t> keep);

 private:
  template <class T>
  detail::Column<T>& typed(ColumnHandle<T> handle) const {
    assert(handle.index < columns_.size());
    return static_cast<detail::Column<T>&>(*columns_[handle.index]);
  }

  std::vector<AgentId> ids_;
  AgentId next_id_ = 0;
  std::vector<std::unique_ptr<detail::ColumnBase>> columns_;
};

}  // namespace orgsim
