// Metric rows: the model exposes named metrics; a run records one row per recorded tick into a
// MetricTable, which the results store (not the model) writes out.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace orgsim {

/// Which way a metric is better. Inputs and context (decision latency, headcount) are `none`:
/// comparisons give them no verdict.
enum class Better : std::uint8_t { none, higher, lower };

/// "none", "higher" or "lower".
constexpr std::string_view better_name(Better better) {
  return better == Better::higher ? "higher" : better == Better::lower ? "lower" : "none";
}
/// The inverse of better_name(), or nullopt.
constexpr std::optional<Better> parse_better(std::string_view name) {
  if (name == "higher") return Better::higher;
  if (name == "lower") return Better::lower;
  if (name == "none") return Better::none;
  return std::nullopt;
}

/// Describes one metric column: stable name, category, unit, a plain-language label, meaning,
/// the better direction, and whether it is a headline metric (shown first by compare and
/// report). Results files carry these, so analysis reads them from the file, not the binary.
struct MetricInfo {
  std::string name;
  std::string category;
  std::string unit;
  std::string label;
  std::string help;
  Better better = Better::none;
  bool headline = false;
};

/// Rows of metric values (row-major), one row per recorded tick.
class MetricTable {
 public:
  explicit MetricTable(std::size_t width = 0) : width_(width) {}

  void reserve_rows(std::size_t rows) { values_.reserve(rows * width_); }
  void append(std::span<const double> row) {
    assert(row.size() == width_);
    values_.insert(values_.end(), row.begin(), row.end());
  }
  [[nodiscard]] std::size_t width() const noexcept { return width_; }
  [[nodiscard]] std::size_t rows() const noexcept { return width_ ? values_.size() / width_ : 0; }
  [[nodiscard]] std::span<const double> row(std::size_t r) const {
    return {values_.data() + r * width_, width_};
  }
  [[nodiscard]] std::span<const double> values() const noexcept { return values_; }

 private:
  std::size_t width_;
  std::vector<double> values_;
};

}  // namespace orgsim
