// Grouping runs by parameter values and summarizing their final metrics.
#include "orgsim/analysis/summary.hpp"

#include "format.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <map>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

using detail::csv_field;
using detail::join;

namespace {

std::string number(double x, int precision = 6) {
  if (std::isnan(x)) return "nan";
  return fmt::format("{:.{}g}", x, precision);
}

}  // namespace

Window parse_window(const std::string& text) {
  const auto bad = [&] {
    return UsageError("--at '" + text +
                      "': expected end, a tick (e.g. 52), mean:FROM-TO (e.g. mean:150-260), "
                      "sum:FROM-TO (flows summed, e.g. sum:1-52), total or npv:RATE (e.g. "
                      "npv:0.08 a year)");
  };
  const auto integer = [&](const std::string& digits) {
    if (digits.empty() || digits.size() > 12 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      throw bad();
    return static_cast<std::int64_t>(std::stoll(digits));
  };
  Window w;
  if (text == "end") return w;
  if (text == "total") {
    w.kind = Window::Kind::sum;
    w.from = 1;
    w.to = -1;
    return w;
  }
  if (text.rfind("npv:", 0) == 0) {
    w.kind = Window::Kind::npv;
    const std::string rate = text.substr(4);
    char* end = nullptr;
    w.rate = std::strtod(rate.c_str(), &end);
    if (rate.empty() || end != rate.c_str() + rate.size() || !(w.rate >= 0 && w.rate <= 1))
      throw UsageError("--at '" + text +
                       "': expected npv:RATE with a yearly rate in [0, 1], "
                       "e.g. npv:0.08");
    return w;
  }
  const bool mean = text.rfind("mean:", 0) == 0, sum = text.rfind("sum:", 0) == 0;
  if (mean || sum) {
    const std::string range = text.substr(mean ? 5 : 4);
    const auto dash = range.find('-');
    if (dash == std::string::npos) throw bad();
    w.kind = mean ? Window::Kind::mean : Window::Kind::sum;
    w.from = integer(range.substr(0, dash));
    w.to = integer(range.substr(dash + 1));
    if (w.to < w.from) throw UsageError("--at '" + text + "': the window ends before it starts");
    return w;
  }
  w.kind = Window::Kind::tick;
  w.from = integer(text);
  return w;
}

std::string describe(const Window& window) {
  switch (window.kind) {
    case Window::Kind::end:
      return "end";
    case Window::Kind::tick:
      return std::to_string(window.from);
    case Window::Kind::mean:
      return fmt::format("mean:{}-{}", window.from, window.to);
    case Window::Kind::sum:
      if (!window.label.empty()) return window.label;
      return window.to < 0 ? std::string("total")
                           : fmt::format("sum:{}-{}", window.from, window.to);
    case Window::Kind::npv:
      return fmt::format("npv:{}", window.rate);
  }
  return "end";
}

bool is_flow_unit(const std::string& unit) {
  return unit.size() > 5 && unit.ends_with("/tick");
}

std::vector<Window> calendar_periods(const std::string& period, std::int64_t ticks) {
  std::vector<std::int64_t> lengths;  // one calendar cycle (a year) of period lengths
  if (period == "year") {
    lengths = {kTicksPerYear};
  } else if (period == "quarter") {
    lengths = {13, 13, 13, 13};
  } else if (period == "month") {
    for (int q = 0; q < 4; ++q) lengths.insert(lengths.end(), {4, 4, 5});  // 4-4-5 calendar
  } else {
    throw UsageError("--per '" + period + "': expected year, quarter or month");
  }
  std::vector<Window> out;
  std::int64_t from = 1;
  for (std::size_t k = 0; from <= ticks; ++k) {
    const std::int64_t length = lengths[k % lengths.size()];
    Window w;
    w.kind = Window::Kind::sum;
    w.from = from;
    w.to = std::min(ticks, from + length - 1);
    w.period = period;
    w.label = fmt::format("{} {} (weeks {}-{}{})", period, k + 1, w.from, w.to,
                          w.to - w.from + 1 < length ? ", partial" : "");
    out.push_back(w);
    from += length;
  }
  return out;
}

std::vector<std::size_t> metric_indices(const experiments::ResultsReader& results,
                                        const std::vector<std::string>& names) {
  const auto& all = results.metric_names();
  std::vector<std::size_t> out;
  for (const auto& m : names) {
    auto it = std::find(all.begin(), all.end(), m);
    if (it == all.end())
      throw UsageError("unknown metric '" + m + "'" + experiments::did_you_mean(m, all) +
                       "; this file has: " + join(all));
    out.push_back(static_cast<std::size_t>(it - all.begin()));
  }
  return out;
}

std::vector<double> held_rows(const experiments::ResultsReader& results, std::size_t run) {
  std::vector<double> all = results.run_metrics(run);
  const std::size_t width = results.metric_names().size();
  const auto rows = static_cast<std::size_t>(results.run_column("rows")->numbers.at(run));
  if (rows == 0) return all;
  for (std::size_t r = rows; r < results.tick_rows(); ++r) {
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>((rows - 1) * width), width,
                all.begin() + static_cast<std::ptrdiff_t>(r * width));
  }
  return all;
}

namespace {

/// The rows a run recorded when it ended by going bust (its last recorded row has exited = 1),
/// else 0: after an exit a firm no longer trades, so it has no flows (its held rows repeat its
/// last week, which is right for stocks, not for flows).
std::size_t bust_rows(const experiments::ResultsReader& results, const std::vector<double>& all,
                      std::size_t run) {
  const auto& names = results.metric_names();
  const auto exited_at = std::find(names.begin(), names.end(), "exited");
  const auto recorded = static_cast<std::size_t>(results.run_column("rows")->numbers.at(run));
  if (exited_at == names.end() || recorded == 0) return 0;
  const std::size_t width = names.size();
  const auto column = static_cast<std::size_t>(exited_at - names.begin());
  return all[(recorded - 1) * width + column] == 1.0 ? recorded : 0;
}

/// Sum and npv windows: flows summed (discounted) over every tick of the window, which must all
/// be recorded; stocks at the window's last tick.
std::vector<std::vector<double>> flow_values(const experiments::ResultsReader& results,
                                             const std::vector<std::size_t>& metrics,
                                             const Window& window) {
  const auto& ticks = results.tick_of_row();
  const std::int64_t from = window.kind == Window::Kind::npv ? 1 : window.from;
  const std::int64_t to =
      window.kind == Window::Kind::npv || window.to < 0 ? ticks.back() : window.to;
  const auto first =
      static_cast<std::size_t>(std::lower_bound(ticks.begin(), ticks.end(), from) - ticks.begin());
  const auto last =
      static_cast<std::size_t>(std::upper_bound(ticks.begin(), ticks.end(), to) - ticks.begin());
  if (from < 1 || to > ticks.back() || first >= last ||
      static_cast<std::int64_t>(last - first) != to - from + 1) {
    throw UsageError(fmt::format(
        "--at {}: totals need every tick from {} to {} recorded; this file records ticks {} to {}{}"
        " (record every tick with [output] every = 1)",
        describe(window), from, to, ticks.front(), ticks.back(),
        ticks.size() > 1 ? fmt::format(" every {}", ticks[1] - ticks[0]) : ""));
  }
  const std::size_t width = results.metric_names().size();
  const auto& info = results.metric_info();
  const auto* status = results.run_column("status");
  std::vector<std::vector<double>> out(results.run_count());
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] != 1) continue;
    const std::vector<double> all = held_rows(results, run);
    const std::size_t recorded = bust_rows(results, all, run);
    const bool bust = recorded > 0;
    for (std::size_t k : metrics) {
      if (!is_flow_unit(info[k].unit)) {
        out[run].push_back(all[(last - 1) * width + k]);  // a stock at the period's end
        continue;
      }
      const bool money = info[k].unit.find("currency") != std::string::npos;  // npv: money only
      double sum = 0;
      for (std::size_t r = first; r < last; ++r) {
        if (bust && r >= recorded) break;
        const double x = all[r * width + k];
        const double discount =
            window.kind == Window::Kind::npv && money
                ? std::pow(1.0 + window.rate,
                           -static_cast<double>(ticks[r]) / static_cast<double>(kTicksPerYear))
                : 1.0;
        sum += x * discount;  // NaN stays NaN: a flow not measured in some tick has no total
      }
      out[run].push_back(sum);
    }
  }
  return out;
}

}  // namespace

std::vector<std::vector<double>> run_values(const experiments::ResultsReader& results,
                                            const std::vector<std::size_t>& metrics,
                                            const Window& window) {
  const auto& ticks = results.tick_of_row();
  const std::size_t width = results.metric_names().size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::size_t row = 0, first = 0, last = 0;  // rows used by a tick or a window
  if (window.kind == Window::Kind::tick) {
    const auto it = std::find(ticks.begin(), ticks.end(), window.from);
    if (it == ticks.end()) {
      throw UsageError(
          fmt::format("--at {}: tick {} is not recorded; recorded ticks run from {} to {}{}",
                      describe(window), window.from, ticks.front(), ticks.back(),
                      ticks.size() > 1 ? fmt::format(" every {}", ticks[1] - ticks[0]) : ""));
    }
    row = static_cast<std::size_t>(it - ticks.begin());
  } else if (window.kind == Window::Kind::mean) {
    first = static_cast<std::size_t>(std::lower_bound(ticks.begin(), ticks.end(), window.from) -
                                     ticks.begin());
    last = static_cast<std::size_t>(std::upper_bound(ticks.begin(), ticks.end(), window.to) -
                                    ticks.begin());
    if (first >= last) {
      throw UsageError(
          fmt::format("--at {}: no recorded tick in the window; recorded ticks run from {} to {}",
                      describe(window), ticks.front(), ticks.back()));
    }
  } else if (window.kind == Window::Kind::sum || window.kind == Window::Kind::npv) {
    return flow_values(results, metrics, window);
  }
  const auto* status = results.run_column("status");
  const auto& info = results.metric_info();
  std::vector<std::vector<double>> out(results.run_count());
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (status->numbers[run] != 1) continue;
    auto& v = out[run];
    if (window.kind == Window::Kind::end) {
      const std::vector<double> final = results.final_row(run);
      for (std::size_t k : metrics) v.push_back(final[k]);
      continue;
    }
    const std::vector<double> all = held_rows(results, run);
    // A bust firm's flows are 0 after its exit in means too, so that a window's mean is its
    // total over its length (the held rows would repeat the exit week's loss).
    const std::size_t bust = bust_rows(results, all, run);
    for (std::size_t k : metrics) {
      // The first row with no flow: the exit's for a bust firm's flows, none otherwise.
      const std::size_t gone = bust > 0 && is_flow_unit(info[k].unit) ? bust : SIZE_MAX;
      if (window.kind == Window::Kind::tick) {
        v.push_back(row >= gone ? 0.0 : all[row * width + k]);
        continue;
      }
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t r = first; r < last; ++r) {
        const double x = r >= gone ? 0.0 : all[r * width + k];
        if (std::isnan(x)) continue;
        sum += x;
        ++count;
      }
      v.push_back(count ? sum / static_cast<double>(count) : nan);
    }
  }
  return out;
}

namespace {

/// The grouping columns; records in `summary` which hold numbers. @throws UsageError for an unknown
/// name.
std::vector<const experiments::RunColumn*> grouping_columns(
    const experiments::ResultsReader& results, const std::vector<std::string>& by,
    Summary& summary) {
  std::vector<const experiments::RunColumn*> columns;
  for (const auto& b : by) {
    const auto* column = results.run_column(b);
    if (!column) {
      throw UsageError("cannot group by '" + b +
                       "'; the swept parameters are: " + join(results.parameter_columns()));
    }
    columns.push_back(column);
    summary.group_numeric.push_back(!column->is_text);
  }
  return columns;
}

/// Leaves out the metrics of switched-off submodels (no value in any group).
void drop_unmeasured(Summary& summary) {
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

}  // namespace

Summary summarize(const experiments::ResultsReader& results, std::vector<std::string> by,
                  std::vector<std::string> metrics, const Window& window) {
  Summary summary;
  summary.window = window;
  const bool all_metrics = metrics.empty();
  if (all_metrics) metrics = results.metric_names();
  const std::vector<std::size_t> metric_index = metric_indices(results, metrics);
  if (by.empty()) by = results.parameter_columns();
  const std::vector<const experiments::RunColumn*> columns = grouping_columns(results, by, summary);
  summary.group_by = by;
  summary.metrics = metrics;

  const std::vector<std::vector<double>> values_of_run = run_values(results, metric_index, window);
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
    for (std::size_t k = 0; k < metric_index.size(); ++k)
      values[it->second][k].push_back(values_of_run[run][k]);
    ++summary.runs_used;
  }
  for (std::size_t g = 0; g < summary.groups.size(); ++g) {
    for (const auto& v : values[g]) summary.groups[g].estimates.push_back(estimate(v));
  }
  // Without an explicit list, leave out metrics of switched-off submodels (NaN in every run).
  if (all_metrics) drop_unmeasured(summary);
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
      // Four significant figures, money and counts in full (no 1.00945e+07 for a profit).
      for (double x : {e.mean, e.sd, e.ci_low, e.ci_high})
        row.push_back(detail::readable_number(x, 4));
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
      out << csv_field(summary.metrics[k]) << ',' << e.n;
      for (double x : {e.mean, e.sd, e.ci_low, e.ci_high}) out << ',' << number(x, 17);
      out << '\n';
    }
  }
}

void print_json(std::ostream& out, const Summary& summary) {
  const auto number_or_null = [](double x) {
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
  };
  nlohmann::json doc;
  doc["at"] = describe(summary.window);
  doc["group_by"] = summary.group_by;
  doc["runs_used"] = summary.runs_used;
  doc["runs_incomplete"] = summary.runs_incomplete;
  doc["confidence"] = 0.95;
  doc["groups"] = nlohmann::json::array();
  for (const auto& group : summary.groups) {
    nlohmann::json g;
    g["key"] = nlohmann::json::object();
    for (std::size_t c = 0; c < summary.group_by.size(); ++c) {
      const bool numeric = c < summary.group_numeric.size() && summary.group_numeric[c];
      g["key"][summary.group_by[c]] =
          numeric ? nlohmann::json(std::stod(group.key[c])) : nlohmann::json(group.key[c]);
    }
    g["metrics"] = nlohmann::json::object();
    for (std::size_t k = 0; k < summary.metrics.size(); ++k) {
      const Estimate& e = group.estimates[k];
      g["metrics"][summary.metrics[k]] = {{"n", e.n},
                                          {"mean", number_or_null(e.mean)},
                                          {"sd", number_or_null(e.sd)},
                                          {"ci95_low", number_or_null(e.ci_low)},
                                          {"ci95_high", number_or_null(e.ci_high)}};
    }
    doc["groups"].push_back(std::move(g));
  }
  out << doc.dump(2) << '\n';
}

void print_markdown(std::ostream& out, const Summary& summary) {
  const auto cell = [](const std::string& text) {
    std::string escaped;
    for (char c : text) {
      if (c == '|') escaped += '\\';
      escaped += c;
    }
    return escaped;
  };
  out << '|';
  for (const auto& b : summary.group_by) out << ' ' << cell(b) << " |";
  out << " metric | n | mean | 95% CI |\n|";
  for (std::size_t c = 0; c < summary.group_by.size() + 4; ++c)
    out << (c < summary.group_by.size() + 1 ? "---|" : "--:|");
  out << '\n';
  for (const auto& group : summary.groups) {
    for (std::size_t k = 0; k < summary.metrics.size(); ++k) {
      const Estimate& e = group.estimates[k];
      out << '|';
      for (const auto& v : group.key) out << ' ' << cell(v) << " |";
      out << ' ' << summary.metrics[k] << " | " << e.n << " | "
          << detail::readable_number(e.mean, 4) << " | ";
      if (std::isnan(e.ci_low))
        out << "–";
      else
        out << '[' << detail::readable_number(e.ci_low, 4) << ", "
            << detail::readable_number(e.ci_high, 4) << ']';
      out << " |\n";
    }
  }
}

}  // namespace orgsim::analysis
