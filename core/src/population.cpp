// Deterministic bookkeeping of agent ids for Population (ids are given serially, in slot order).
#include "orgsim/core/population.hpp"

#include "orgsim/core/parallel.hpp"

namespace orgsim {

std::size_t Population::append(std::size_t count) {
  const std::size_t first = ids_.size();
  ids_.reserve(first + count);
  for (std::size_t k = 0; k < count; ++k) ids_.push_back(next_id_++);
  for (auto& column : columns_) column->resize(ids_.size());
  return first;
}

AgentId Population::renew(std::size_t slot) {
  assert(slot < ids_.size());
  ids_[slot] = next_id_++;
  return ids_[slot];
}

void Population::remove_unless(std::span<const std::uint8_t> keep) {
  assert(keep.size() == ids_.size());
  const std::vector<std::size_t> removed =
      parallel_select(keep.size(), 16384, [&](std::size_t slot) { return keep[slot] == 0; });
  if (removed.empty()) return;
  std::size_t out = removed[0];
  for (std::size_t slot = out; slot < keep.size(); ++slot) {
    if (keep[slot]) ids_[out++] = ids_[slot];
  }
  ids_.resize(out);
  // Columns are independent: each is compacted on its own, in parallel (a serial phase's cost
  // when people leave at 100,000 employees; issue 19's end-to-end target).
  parallel_chunks(columns_.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) columns_[c]->remove(removed);
  });
}

}  // namespace orgsim
