// Serial, deterministic bookkeeping of agent ids for Population.
#include "orgsim/core/population.hpp"

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
  std::size_t out = 0;
  for (std::size_t slot = 0; slot < keep.size(); ++slot) {
    if (keep[slot]) ids_[out++] = ids_[slot];
  }
  ids_.resize(out);
  for (auto& column : columns_) column->compact(keep);
}

}  // namespace orgsim
