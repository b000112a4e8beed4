// What the results commands read from a file (see results_fuzz.hpp).
#include "results_fuzz.hpp"

#include "orgsim/analysis/summary.hpp"
#include "orgsim/experiments/results.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace orgsim::fuzz {

const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string p = std::string(dir && *dir ? dir : "/tmp") + "/orgsim-fuzz-" +
                    std::to_string(getpid()) + ".h5";
    std::atexit([] { std::remove(scratch_path().c_str()); });
    return p;
  }();
  return path;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw std::runtime_error("fuzz: cannot write " + path);
}

void read_like_the_commands(const std::string& path) {
  try {
    (void)experiments::is_results_file(path);  // run's output protection
    const experiments::ResultsReader results(path, kReaderMemoryLimit);
    // orgsim info
    for (const char* name : {"experiment_name", "orgsim_version", "created", "finished", "design",
                             "shard", "experiment"}) {
      (void)results.attribute(name);
    }
    (void)results.finished();
    (void)results.tick_rows();
    (void)results.tick_of_row();
    (void)results.metric_names();
    (void)results.metric_info();
    (void)results.parameter_columns();
    for (const auto& column : results.run_columns()) {
      for (std::size_t row = 0; row < std::min<std::size_t>(results.run_count(), 4); ++row)
        (void)column.format(row);
    }
    // run --resume and merge: every complete run's record; a few rows of the others.
    const std::size_t runs = std::min<std::size_t>(results.run_count(), 16);
    for (std::size_t run = 0; run < runs; ++run) {
      if (results.complete(run)) {
        (void)results.record(run);
      } else {
        (void)results.run_metrics(run);
      }
      (void)results.final_row(run);
    }
    // orgsim analyze (final tick, every metric, no grouping)
    (void)analysis::summarize(results, {}, {});
  } catch (const orgsim::Error&) {
    // the expected outcome for a bad file
  }
}

}  // namespace orgsim::fuzz
