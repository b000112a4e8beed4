// Runs a March organization for 10 ticks through the installed orgsim libraries.
#include <orgsim/agents/model.hpp>
#include <orgsim/experiments/experiment.hpp>

#include <iostream>

int main() {
  const auto spec = orgsim::experiments::parse_experiment("[experiment]\nticks = 10\n", "inline");
  const auto out =
      orgsim::agents::simulate(spec.scenario, {spec.seed, 0}, 10, orgsim::agents::StopRule::none);
  std::cout << "rows " << out.metrics.rows() << '\n';
  return out.metrics.rows() == 11 ? 0 : 1;
}
