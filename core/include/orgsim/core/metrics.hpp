// Metric rows: the model exposes named metrics; a run records one row per recorded tick into a
// MetricTable, which the results store (not the model) writes out.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace orgsim {

/// Describes one metric column: stable name, category, unit and meaning.
struct MetricInfo {
  std::string name;
  std::string category;
  std::string unit;
  std::string help;
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
