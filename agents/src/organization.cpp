// Initialization of an organization (tick 0).
#include "orgsim/agents/organization.hpp"

#include "orgsim/core/parallel.hpp"

#include <cassert>

namespace orgsim::agents {

Organization::Organization(const ModelParams& params, RunKey key)
    : params_(params), key_(key), dimensions_(static_cast<std::size_t>(params.dimensions)) {
  assert(params.employees >= 1 && params.teams >= 1 && params.teams <= params.employees);
  const auto m = dimensions_;
  reality.resize(m);
  code.assign(m, 0);
  RandomStream draw = key_.stream(streams::reality, 0, 0);
  for (std::size_t d = 0; d < m; ++d) reality[d] = (draw() & 1u) ? 1 : -1;

  beliefs_ = employees_.add_column<std::int8_t>(m);
  actions_ = employees_.add_column<std::int8_t>(m);
  action_score_ = employees_.add_column<std::int32_t>();
  team_ = employees_.add_column<std::int32_t>();
  leaving_ = employees_.add_column<std::uint8_t>();

  const auto n = static_cast<std::size_t>(params.employees);
  const auto team_count = static_cast<std::size_t>(params.teams);
  employees_.append(n);
  auto team = employees_.column(team_);
  parallel_chunks(n, 1024, [&](std::size_t begin, std::size_t end) {
    for (std::size_t slot = begin; slot < end; ++slot) {
      team[slot] = static_cast<std::int32_t>(slot * team_count / n);
      draw_new_beliefs(slot);
    }
  });
}

void Organization::draw_new_beliefs(std::size_t slot) {
  RandomStream draw = key_.stream(streams::new_beliefs, employees_.id(slot), 0);
  for (std::int8_t& belief : beliefs(slot)) belief = static_cast<std::int8_t>(draw.below(3)) - 1;
}

std::int64_t agreement(std::span<const std::int8_t> a, std::span<const std::int8_t> b) {
  assert(a.size() == b.size());
  std::int64_t sum = 0;
  for (std::size_t d = 0; d < a.size(); ++d) sum += a[d] * b[d];
  return sum;
}

}  // namespace orgsim::agents
