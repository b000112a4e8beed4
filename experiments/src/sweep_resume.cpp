// The resume stage of a sweep: the complete runs of an interrupted file are copied into a fresh
// file that replaces it; the sweep then computes only the others.
#include "orgsim/agents/model.hpp"
#include "orgsim/core/error.hpp"

#include "metric_info.hpp"
#include "sweep.hpp"

#include <filesystem>

namespace orgsim::experiments::sweep {

std::unique_ptr<ResultsReader> open_resumed(const ExperimentSpec& spec,
                                            const std::string& output_path,
                                            const std::optional<Shard>& shard) {
  if (!std::filesystem::exists(output_path)) {
    throw UsageError(output_path + ": nothing to resume (the file does not exist)");
  }
  auto previous = std::make_unique<ResultsReader>(output_path);
  if (previous->attribute("experiment") != spec.resolved_text()) {
    throw UsageError(output_path +
                     ": holds a different experiment; refusing to resume it with this one");
  }
  const std::string ours = shard ? shard->str() : "";
  if (previous->attribute("shard").value_or("") != ours) {
    throw UsageError(output_path + ": holds shard '" + previous->attribute("shard").value_or("") +
                     "', not '" + ours + "'");
  }
  check_run_table(*previous, output_path, spec, shard ? &*shard : nullptr);
  const std::string other_metrics =
      metric_info_difference(agents::metric_table(), previous->metric_info());
  if (!other_metrics.empty()) {
    throw UsageError(output_path + ": was written by a build with other metrics (" + other_metrics +
                     "); resume it with that build");
  }
  return previous;
}

std::unique_ptr<ResultsWriter> create_writer(const ExperimentSpec& spec, const std::string& path,
                                             std::size_t threads, const std::optional<Shard>& shard,
                                             WriterLock& lock) {
  try {
    return std::make_unique<ResultsWriter>(path, spec, threads, shard);
  } catch (const OutputError&) {
    lock.discard();
    throw;
  }
}

ResumeCopy copy_complete_runs(std::unique_ptr<ResultsReader> previous,
                              std::unique_ptr<ResultsWriter>& writer,
                              const std::vector<std::size_t>& todo, Halt& halt,
                              const std::string& output_path, const std::string& copy_path,
                              std::size_t previous_complete) {
  namespace fs = std::filesystem;
  ResumeCopy copy;
  try {
    for (std::size_t run : todo) {
      if (halt.poll()) break;
      if (previous->complete(run)) {
        writer->write(previous->record(run));
        ++copy.reused;
      } else {
        copy.remaining.push_back(run);  // never run, or half-written: redone
      }
    }
  } catch (const OutputError& e) {
    // The interrupted file is untouched: drop the copy, keep it.
    writer.reset();
    previous.reset();
    std::error_code ec;
    fs::remove(copy_path, ec);
    throw OutputError(output_path, e.disk_full(), previous_complete, e.what());
  }
  previous.reset();
  if (halt.value() != 0) {  // interrupted while copying: the interrupted file stays as it was
    writer.reset();
    std::error_code ec;
    fs::remove(copy_path, ec);
    copy.interrupted = true;
    return copy;
  }
  std::error_code ec;
  fs::rename(copy_path, output_path, ec);
  if (ec) throw ResultsError("cannot replace " + output_path + ": " + ec.message());
  writer->rename(output_path);
  return copy;
}

}  // namespace orgsim::experiments::sweep
