// Merging the shard files of one experiment into one file, identical in content to a
// single-process run.
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/runner.hpp"
#include "orgsim/experiments/writer_lock.hpp"

#include "metric_info.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgsim::experiments {

namespace {

/// A whole number of at most 9 digits, nothing else (a shard attribute's I or N).
std::optional<std::size_t> whole_number(std::string_view text) {
  std::size_t value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// The I and N of a shard file's `shard` attribute "I/N". @throws UsageError
std::pair<std::size_t, std::size_t> shard_of(const ResultsReader& reader, const std::string& path,
                                             const std::string& shard) {
  const auto slash = shard.find('/');
  if (shard.empty() || slash == std::string::npos) {
    throw UsageError(path + ": not a shard file (it has no shard I/N; was it run with --shard?)");
  }
  const auto index = whole_number(std::string_view(shard).substr(0, slash));
  const auto of = whole_number(std::string_view(shard).substr(slash + 1));
  if (!index || !of) {
    throw UsageError(path + ": has an unreadable shard attribute '" + shard +
                     "' (expected I/N; the file was edited or is damaged)");
  }
  if (*of == 0 || *of > reader.run_count() + 1'000'000 || *index >= *of) {
    throw UsageError(path + ": has an invalid shard '" + shard + "'");
  }
  return {*index, *of};
}

}  // namespace

void merge_shards(const std::vector<std::string>& inputs, const std::string& output_path) {
  check_output_path(output_path);
  if (inputs.empty()) throw UsageError("merge: no shard files given");
  WriterLock lock(output_path);  // one merge (or run) into a file at a time
  std::vector<std::unique_ptr<ResultsReader>> shards;
  std::vector<std::size_t> shard_index;  // I of each input's I/N
  std::string experiment;
  std::size_t count = 0;
  std::vector<int> seen;
  for (const std::string& path : inputs) {
    auto reader = std::make_unique<ResultsReader>(path);
    const std::string text = reader->attribute("experiment").value_or("");
    const std::string shard = reader->attribute("shard").value_or("");
    const auto [index, of] = shard_of(*reader, path, shard);
    if (shards.empty()) {
      experiment = text;
      count = of;
      seen.assign(count, 0);
    } else if (text != experiment) {
      throw UsageError(path + ": is from a different experiment than " + inputs.front());
    } else if (of != count) {
      throw UsageError(
          fmt::format("{}: is shard {} but {} is one of {}", path, shard, inputs.front(), count));
    } else if (const std::string other =
                   metric_info_difference(shards.front()->metric_info(), reader->metric_info());
               !other.empty()) {
      throw UsageError(
          fmt::format("{}: has other metric metadata than {} ({})", path, inputs.front(), other));
    }
    if (index >= count || seen[index]++)
      throw UsageError(path + ": shard " + shard + " is given twice");
    if (!reader->finished())
      throw UsageError(path + ": shard " + shard + " is incomplete (finish it with --resume)");
    for (std::size_t run = index; run < reader->run_count(); run += count) {
      if (!reader->complete(run))
        throw UsageError(fmt::format("{}: shard {} lacks run {}", path, shard, run));
    }
    shards.push_back(std::move(reader));
    shard_index.push_back(index);
  }
  for (std::size_t index = 0; index < count; ++index) {
    if (!seen[index]) {
      throw UsageError(fmt::format("merge: shard {}/{} is missing", index, count));
    }
  }
  const ExperimentSpec spec = parse_experiment(experiment, "<merged shards>");
  if (spec.resolved_text() != experiment)
    throw ResultsError("merge: the shards' experiment does not parse back");
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const Shard shard{shard_index[k], count};
    check_run_table(*shards[k], inputs[k], spec, &shard);
  }
  // Written under a temporary name and renamed when complete: a merge that fails (a full disk, a
  // shard that cannot be read) leaves no partial file, and a previous output stays as it was.
  const std::string partial = output_path + ".merge-" + std::to_string(::getpid());
  WriterLock partial_lock(partial);  // removed on every exit path until renamed
  {
    ResultsWriter writer(partial, spec, 1, std::nullopt, shards.front()->metric_info());
    std::size_t written = 0;
    for (std::size_t k = 0; k < shards.size(); ++k) {
      for (std::size_t run = shard_index[k]; run < shards[k]->run_count(); run += count) {
        writer.write(shards[k]->record(run));
        ++written;
      }
    }
    writer.finish(written);
  }
  std::error_code ec;
  std::filesystem::rename(partial, output_path, ec);
  if (ec) throw ResultsError("cannot replace " + output_path + ": " + ec.message());
  lock = std::move(partial_lock);
  lock.keep();
}

}  // namespace orgsim::experiments
