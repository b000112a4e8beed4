// Grouping runs by parameter values and summarizing their final metrics.
#include "orgsim/analysis/summary.hpp"

#include "orgsim/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

std::string number(double x, int precision = 6) {
  if (std::isnan(x)) return "nan";
  std::ostringstream out;
  out << std::setprecision(precision) << x;
  return out.str();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

Summary summarize_final(const experiments::ResultsReader& results, std::vector<std::string> by,
                        std::vector<std::string> metrics) {
  Summary summary;
  const auto& names = results.metric_names();
  const bool all_metrics = metrics.empty();
  if (all_metrics) metrics = names;
  std::vector<std::size_t> metric_index;
  for (const auto& m : metrics) {
    auto it = std::find(names.begin(), names.end(), m);
    if (it == names.end()) {
      throw UsageError("unknown metric '" + m + "'; this file has: " + join(names));
    }
    metric_index.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  const bool default_grouping = by.empty();
  if (default_grouping) by = results.parameter_columns();
  std::vector<const experiments::RunColumn*> columns;
  for (const auto& b : by) {
    const auto* column = results.run_column(b);
    if (!column) {
      throw UsageError("cannot group by '" + b + "'; the swept parameters are: " +
                       join(results.parameter_columns()));
    }
    columns.push_back(column);
  }
  summary.group_by = by;
  summary.metrics = metrics;

  const auto* status = results.run_column("status");
  std::map<std::vector<std::string>, std::size_t> group_of;
  std::vector<std::vector<std::vector<double>>> values;  // [group][metric][run]
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] != 1) {
      ++summary.runs_incomplete;
      continue;
    }
    std::vector<std::string> key;
    for (const auto* column : columns) key.push_back(column->format(run));
    auto [it, inserted] = group_of.try_emplace(key, summary.groups.size());
    if (inserted) {
      summary.groups.push_back({key, {}});
      values.emplace_back(metrics.size());
    }
    const std::vector<double> row = results.final_row(run);
    for (std::size_t k = 0; k < metric_index.size(); ++k) {
      values[it->second][k].push_back(row[metric_index[k]]);
    }
    ++summary.runs_used;
  }
  for (std::size_t g = 0; g < summary.groups.size(); ++g) {
    for (const auto& v : values[g]) summary.groups[g].estimates.push_back(estimate(v));
  }
  if (all_metrics) {
    // Without an explicit list, leave out metrics of switched-off submodels (NaN in every run).
    std::vector<std::size_t> kept;
    for (std::size_t k = 0; k < summary.metrics.size(); ++k) {
      for (const auto& group : summary.groups) {
        if (group.estimates[k].n > 0) {
          kept.push_back(k);
          break;
        }
      }
    }
    std::vector<std::string> names_kept;
    for (std::size_t k : kept) names_kept.push_back(summary.metrics[k]);
    for (auto& group : summary.groups) {
      std::vector<Estimate> estimates;
      for (std::size_t k : kept) estimates.push_back(group.estimates[k]);
      group.estimates = std::move(estimates);
    }
    summary.metrics = std::move(names_kept);
  }
  return summary;
}

void print_table(std::ostream& out, const Summary& summary) {
  std::vector<std::string> header = summary.group_by;
  for (const char* h : {"metric", "n", "mean", "sd", "ci95_low", "ci95_high"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows;
  for (const auto& group : summary.groups) {
    for (std::size_t k = 0; k < summary.metrics.size(); ++k) {
      const Estimate& e = group.estimates[k];
      std::vector<std::string> row = group.key;
      row.push_back(summary.metrics[k]);
      row.push_back(std::to_string(e.n));
      for (double x : {e.mean, e.sd, e.ci_low, e.ci_high}) row.push_back(number(x));
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  const std::size_t text_columns = summary.group_by.size() + 1;  // left-aligned
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out << "  ";
      if (c < text_columns) {
        out << std::left << std::setw(static_cast<int>(width[c])) << cells[c];
      } else {
        out << std::right << std::setw(static_cast<int>(width[c])) << cells[c];
      }
    }
    out << '\n';
  };
  line(header);
  std::size_t total = 0;
  for (std::size_t w : width) total += w;
  out << std::string(total + 2 * (width.size() - 1), '-') << '\n';
  for (const auto& row : rows) line(row);
  out << std::left;
  if (summary.runs_incomplete > 0) {
    out << "(" << summary.runs_incomplete << " incomplete runs left out)\n";
  }
}

void print_csv(std::ostream& out, const Summary& summary) {
  for (const auto& b : summary.group_by) out << csv_field(b) << ',';
  out << "metric,n,mean,sd,ci95_low,ci95_high\n";
  for (const auto& group : summary.groups) {
    for (std::size_t k = 0; k < summary.metrics.size(); ++k) {
      const Estimate& e = group.estimates[k];
      for (const auto& v : group.key) out << csv_field(v) << ',';
      out << summary.metrics[k] << ',' << e.n;
      for (double x : {e.mean, e.sd, e.ci_low, e.ci_high}) out << ',' << number(x, 17);
      out << '\n';
    }
  }
}

}  // namespace orgsim::analysis
