// libFuzzer target: experiment-file text -> ExperimentSpec through the path `orgsim run` and
// `orgsim validate` take (parse_experiment, then the counts and estimates validate prints, the
// design points a sweep starts from, and the resolved text recorded in results files).
// Any orgsim::Error is the expected outcome for bad input; any other exception, crash, leak or
// sanitizer report is a bug. The resolved text must parse back to itself (merge relies on it).
#include "overrides.hpp"

#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/runner.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using orgsim::experiments::ExperimentSpec;

void exercise(const ExperimentSpec& spec) {
  // What `orgsim validate` prints.
  const std::size_t runs = spec.run_count();
  const std::size_t memory = orgsim::experiments::estimate_run_memory(spec);
  const double seconds = orgsim::experiments::estimate_cpu_seconds(spec);
  // What the run farm reads first: the first and last design points and the run options.
  const std::size_t points = spec.design_point_count();
  if (points > 0) {
    (void)spec.params_at(0);
    (void)spec.params_at(points - 1);
  }
  (void)spec.run_options();
  (void)runs;
  (void)memory;
  (void)seconds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ExperimentSpec spec;
  try {
    spec =
        orgsim::experiments::parse_experiment(text, "fuzz.toml", orgsim::fuzz::overrides_of(text));
  } catch (const orgsim::Error&) {
    return 0;  // a clean user error: what bad input must give
  }
  exercise(spec);
  const std::string resolved = spec.resolved_text();
  try {
    const ExperimentSpec again = orgsim::experiments::parse_experiment(resolved, "<resolved>");
    if (again.resolved_text() != resolved) {
      std::fprintf(stderr, "resolved text does not parse back to itself:\n%s\n", resolved.c_str());
      std::abort();
    }
  } catch (const orgsim::Error& e) {
    std::fprintf(stderr, "resolved text is rejected: %s\n%s\n", e.what(), resolved.c_str());
    std::abort();
  }
  return 0;
}
