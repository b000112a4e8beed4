// Helpers that several commands share: loading an experiment, naming its default output,
// describing it in one line, opening a results file safely, and reading list options.
#pragma once

#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace orgsim::cli::detail {

/// The most rows per run `plot` draws over time: longer runs are thinned (thin_rows) to this.
inline constexpr std::size_t kPlotRows = 2000;

/// The experiment in `file` (the default experiment when empty) with `--set` overrides.
/// @throws ConfigError with file:line:column.
experiments::ExperimentSpec load(const std::string& file, const std::vector<std::string>& sets);

/// Prints the experiment's warnings ("warning: ..." on stderr), for run and validate.
void print_warnings(const experiments::ExperimentSpec& spec);

/// "I/N" -> Shard (0 <= I < N). @throws UsageError.
experiments::Shard parse_shard(const std::string& text);

/// The results file a run writes without -o: <file stem>[.shard-I-of-N].h5.
std::string default_output(const std::string& file, const std::string& shard);

/// "NAME: R runs = P design points x K replications, up to T ticks each".
void describe(std::ostream& out, const experiments::ExperimentSpec& spec);

/// A results file given on the command line, screened first: a file on which libhdf5 itself
/// crashes or hangs gets an error, not a crash (docs/reliability.md).
experiments::ResultsReader open_results(const std::string& file);

/// "a,b" -> {"a", "b"} ("" -> {}). @throws UsageError naming `option` for an empty or repeated
/// item.
std::vector<std::string> split_list(const std::string& text, const char* option);

/// Seconds as MM:SS, H:MM:SS, "N.N days" or "--:--" (unknown).
std::string format_duration(double seconds);

}  // namespace orgsim::cli::detail
