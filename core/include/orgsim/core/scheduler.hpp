// The tick scheduler: an ordered list of phases. A parallel phase is a TBB loop over a population
// whose body writes only the slots of its own chunk; a serial phase is an organization-level
// step. Phases run one after another, so a phase reads what earlier phases wrote.
#pragma once

#include "orgsim/core/parallel.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace orgsim {

using Tick = std::uint64_t;

template <class Model>
class Schedule {
 public:
  using SerialStep = std::function<void(Model&, Tick)>;
  using AgentCount = std::function<std::size_t(const Model&)>;
  /// Processes agents [begin, end) at a tick; must write only those agents' slots.
  using ChunkStep = std::function<void(Model&, Tick, std::size_t begin, std::size_t end)>;

  struct Phase {
    std::string name;
    SerialStep serial;  // set for serial phases
    AgentCount count;   // set for parallel phases
    ChunkStep chunk;    // set for parallel phases
    std::size_t grain = 0;
    [[nodiscard]] bool parallel() const noexcept { return static_cast<bool>(chunk); }
  };

  /// Appends an organization-level phase.
  Schedule& serial(std::string name, SerialStep step) {
    phases_.push_back(Phase{std::move(name), std::move(step), {}, {}, 0});
    return *this;
  }

  /// Appends a phase that runs `step` over chunks of [0, count(model)) in parallel.
  Schedule& parallel(std::string name, AgentCount count, ChunkStep step, std::size_t grain = 256) {
    phases_.push_back(Phase{std::move(name), {}, std::move(count), std::move(step), grain});
    return *this;
  }

  [[nodiscard]] const std::vector<Phase>& phases() const noexcept { return phases_; }

  /// Runs one tick: every phase, in order.
  void step(Model& model, Tick tick) const {
    for (const Phase& phase : phases_) {
      if (phase.parallel()) {
        const std::size_t n = phase.count(model);
        if (n <= phase.grain) {  // one chunk: no task scheduling for small populations
          phase.chunk(model, tick, 0, n);
          continue;
        }
        parallel_chunks(n, phase.grain, [&](std::size_t begin, std::size_t end) {
          phase.chunk(model, tick, begin, end);
        });
      } else {
        phase.serial(model, tick);
      }
    }
  }

 private:
  std::vector<Phase> phases_;
};

/// Runs ticks first..first + max_ticks - 1. After each tick calls observe(model, tick), then
/// stops early if stop(model, tick) holds. Returns the number of ticks run.
template <class Model, class Stop, class Observe>
Tick run_ticks(Model& model, const Schedule<Model>& schedule, Tick max_ticks, Stop&& stop,
               Observe&& observe, Tick first = 1) {
  for (Tick tick = first; tick < first + max_ticks; ++tick) {
    schedule.step(model, tick);
    observe(model, tick);
    if (stop(model, tick)) return tick - first + 1;
  }
  return max_ticks;
}

}  // namespace orgsim
