// Helpers that several commands share (common.hpp).
#include "common.hpp"

#include "orgsim/agents/model.hpp"
#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace orgsim::cli::detail {

experiments::ExperimentSpec load(const std::string& file, const std::vector<std::string>& sets) {
  if (file.empty()) {
    return experiments::parse_experiment(experiments::default_experiment_text(),
                                         "<default experiment>", sets);
  }
  experiments::ExperimentSpec spec = experiments::load_experiment(file, sets);
  for (const std::string& note : spec.notes) std::cerr << "note: " << note << "\n";
  return spec;
}

void print_warnings(const experiments::ExperimentSpec& spec) {
  for (const std::string& warning : spec.warnings) std::cerr << "warning: " << warning << "\n";
}

experiments::Shard parse_shard(const std::string& text) {
  const auto bad = [&] {
    return UsageError(
        fmt::format("--shard '{}': expected I/N with 0 <= I < N, e.g. --shard 0/4", text));
  };
  const auto slash = text.find('/');
  std::size_t index = 0, count = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    index = std::stoul(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    count = std::stoul(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw bad();
  }
  if (text.find_first_not_of("0123456789/") != std::string::npos || count == 0 || index >= count ||
      count > 1'000'000) {
    throw bad();
  }
  return {index, count};
}

std::string default_output(const std::string& file, const std::string& shard) {
  std::string stem = file.empty() ? "orgsim-default" : std::filesystem::path(file).stem().string();
  if (!shard.empty()) {
    const auto parsed = parse_shard(shard);
    stem += fmt::format(".shard-{}-of-{}", parsed.index, parsed.count);
  }
  return stem + ".h5";
}

void describe(std::ostream& out, const experiments::ExperimentSpec& spec) {
  const auto plural = [](std::size_t count, const char* word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
  };
  out << spec.name << ": " << plural(spec.run_count(), "run") << " = "
      << plural(spec.design_point_count(), "design point") << " x "
      << plural(static_cast<std::size_t>(spec.replications), "replication") << ", up to "
      << plural(static_cast<std::size_t>(spec.ticks), "tick") << " each";
  if (spec.stop != agents::StopRule::none) {
    out << " (stop at " << agents::stop_rule_name(spec.stop) << ")";
  }
  out << '\n';
}

experiments::ResultsReader open_results(const std::string& file) {
  experiments::screen_results_file(file);
  return experiments::ResultsReader(file);
}

std::vector<std::string> split_list(const std::string& text, const char* option) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) throw UsageError(fmt::format("{}: empty name in '{}'", option, text));
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      throw UsageError(fmt::format("{}: '{}' is listed twice", option, item));
    }
    items.push_back(item);
  }
  return items;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  if (seconds >= 86400.0 * 365 * 100) return "more than 100 years";
  if (seconds >= 86400.0 * 2) return fmt::format("{:.1f} days", seconds / 86400.0);
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

}  // namespace orgsim::cli::detail
