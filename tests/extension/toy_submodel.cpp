// A toy submodel defined outside orgsim, to show that a submodel is one unit: one parameter
// (toy.rate), one metric (toy_level) and one phase (accumulate: the level grows by the rate each
// tick), registered with one line. Linked into `orgsim_toy`, an orgsim binary with this extra
// submodel (tests/e2e/test_extension.py drives it).
#include "orgsim/agents/observation.hpp"
#include "orgsim/agents/submodel.hpp"

namespace {

using namespace orgsim;
using namespace orgsim::agents;

const Submodel& toy_submodel() {
  static const Submodel submodel{
      "toy",
      "none (a test)",
      "A level that grows by toy.rate every tick.",
      [](std::vector<ParamSpec>& table) {
        ExtensionRows rows("toy", table);
        rows.real("rate", 0.1, 0, 1, "level/tick", "How much the toy level grows each tick.");
      },
      {{{"toy_level", "innovation_adaptability", "level", "Toy level",
         "The toy level: toy.rate x ticks so far.", Better::higher, true},
        [](const Observation& o) {
          const std::vector<double>* state = o.org.extension_state("toy");
          return state && !state->empty() ? state->front() : 0.0;
        }}},
      {{"accumulate", PhaseRow::Kind::serial, [](Organization& org, Tick) {
          std::vector<double>& state = org.extension_state("toy");
          if (state.empty()) state.assign(1, 0.0);
          state.front() += org.params().extension<double>("toy.rate");
        }}}};
  return submodel;
}

}  // namespace

const orgsim::agents::Registration toy_registration{toy_submodel()};
