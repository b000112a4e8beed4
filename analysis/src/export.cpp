// The tables of `orgsim export` and their CSV and XLSX writers.
#include "orgsim/analysis/export.hpp"

#include "format.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/summary.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/experiment.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace orgsim::analysis {

using agents::ParamSpec;
using agents::ParamValue;

namespace {

/// Excel's rows per sheet, the header row included.
constexpr std::size_t kMaxSheetRows = 1'048'576;

ExportCell number_cell(double x) {
  return std::isnan(x) ? ExportCell{} : ExportCell{x};
}

/// A money unit gets thousands separators, everything else Excel's General format.
std::string format_of(const std::string& unit, const std::string& currency) {
  return unit.starts_with("currency") || (!currency.empty() && unit.starts_with(currency)) ? "#,##0"
                                                                                           : "";
}

/// Each design point's mean of every metric at each recorded tick (runs that stopped early hold
/// their final state), one row per design point and tick.
ExportTable time_series(const experiments::ResultsReader& results, const std::string& currency) {
  ExportTable t;
  t.name = "timeseries";
  const auto parameters = results.parameter_columns();
  const auto& info = results.metric_info();
  for (const auto& p : parameters) t.headers.push_back(p), t.formats.emplace_back();
  t.headers.emplace_back("tick [week]");
  t.formats.emplace_back();
  for (const auto& m : info) {
    const std::string unit = display_unit(m, Window{}, currency).first;  // currency named
    t.headers.push_back(m.name + " [" + unit + "] mean");
    t.formats.push_back(format_of(unit, currency));
  }
  const auto* point_column = results.run_column("design_point");
  const std::size_t rows = results.tick_rows(), width = info.size();
  struct Point {
    std::size_t run = 0;         ///< a run of the point, for its design values
    std::vector<double> sum, n;  ///< per row and metric, over the runs with a value
  };
  std::map<double, Point> points;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (!results.complete(run)) continue;
    auto [it, fresh] = points.try_emplace(point_column->numbers[run]);
    Point& point = it->second;
    if (fresh)
      point = {run, std::vector<double>(rows * width, 0.0), std::vector<double>(rows * width, 0.0)};
    const std::vector<double> values = held_rows(results, run);
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (std::isnan(values[k])) continue;
      point.sum[k] += values[k];
      point.n[k] += 1;
    }
  }
  const auto& ticks = results.tick_of_row();
  for (const auto& [value, point] : points) {
    const std::size_t run = point.run;
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<ExportCell> row;
      for (const auto& p : parameters) {
        const auto* column = results.run_column(p);
        row.emplace_back(column->is_text ? ExportCell{column->texts[run]}
                                         : number_cell(column->numbers[run]));
      }
      row.emplace_back(static_cast<double>(ticks[r]));
      for (std::size_t m = 0; m < width; ++m) {
        const std::size_t k = r * width + m;
        row.push_back(point.n[k] > 0 ? number_cell(point.sum[k] / point.n[k]) : ExportCell{});
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

/// Each design point's mean and 95% interval per calendar period, in the calendar's units.
ExportTable period_summary(const experiments::ResultsReader& results, const std::string& per,
                           const std::string& currency) {
  ExportTable t;
  t.name = "summary";
  const auto windows = calendar_periods(per, results.tick_of_row().back());
  const auto& info = results.metric_info();
  bool first = true;
  for (const Window& window : windows) {
    const Summary s = summarize(results, {}, {}, window);
    std::vector<std::pair<std::string, double>> units;  // per summarized metric
    for (const auto& name : s.metrics) {
      const auto at = std::find_if(info.begin(), info.end(),
                                   [&](const MetricInfo& m) { return m.name == name; });
      units.push_back(display_unit(*at, window, currency));
    }
    if (first) {
      for (const auto& g : s.group_by) t.headers.push_back(g), t.formats.emplace_back();
      t.headers.emplace_back("period");
      t.formats.emplace_back();
      t.headers.emplace_back("runs");
      t.formats.emplace_back();
      for (std::size_t k = 0; k < s.metrics.size(); ++k) {
        const std::string head = s.metrics[k] + " [" + units[k].first + "]";
        for (const char* what : {" mean", " 95% CI low", " 95% CI high"}) {
          t.headers.push_back(head + what);
          t.formats.push_back(format_of(units[k].first, currency));
        }
      }
      first = false;
    }
    for (const GroupSummary& g : s.groups) {
      std::vector<ExportCell> row;
      for (std::size_t c = 0; c < g.key.size(); ++c) {
        if (s.group_numeric[c])
          row.emplace_back(std::stod(g.key[c]));
        else
          row.emplace_back(g.key[c]);
      }
      row.emplace_back(window.label);
      row.emplace_back(g.estimates.empty() ? 0.0 : static_cast<double>(g.estimates.front().n));
      for (std::size_t k = 0; k < g.estimates.size(); ++k) {
        const double scale = units[k].second;
        const Estimate& e = g.estimates[k];
        row.push_back(number_cell(e.mean * scale));
        row.push_back(number_cell(e.ci_low * scale));
        row.push_back(number_cell(e.ci_high * scale));
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

/// Every complete run: its /runs columns and each metric at its end.
ExportTable run_outcomes(const experiments::ResultsReader& results, const std::string& currency) {
  ExportTable t;
  t.name = "runs";
  const auto& columns = results.run_columns();
  const auto& info = results.metric_info();
  for (const auto& c : columns) t.headers.push_back(c.name), t.formats.emplace_back();
  for (const auto& m : info) {
    const std::string unit = display_unit(m, Window{}, currency).first;  // currency named
    t.headers.push_back(m.name + " [" + unit + "] at end");
    t.formats.push_back(format_of(unit, currency));
  }
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (!results.complete(run)) continue;
    std::vector<ExportCell> row;
    for (const auto& c : columns)
      row.emplace_back(c.is_text ? ExportCell{c.texts[run]} : number_cell(c.numbers[run]));
    for (const double v : results.final_row(run)) row.push_back(number_cell(v));
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string value_list(const std::vector<ParamValue>& values) {
  std::vector<std::string> texts;
  for (const auto& v : values) texts.push_back(agents::format_value(v));
  return fmt::format("{}", fmt::join(texts, ", "));
}

/// The experiment's assumptions: every parameter of [scenario], what the design varies, each
/// option's values and every event.
ExportTable assumptions(const experiments::ExperimentSpec& spec) {
  ExportTable t;
  t.name = "assumptions";
  t.headers = {"where", "parameter", "value", "unit", "meaning", "basis"};
  t.formats.assign(t.headers.size(), "");
  const auto& varied = spec.design.parameters;
  for (const ParamSpec& p : agents::parameter_table()) {
    const bool swept = std::find(varied.begin(), varied.end(), &p) != varied.end();
    std::string value = agents::format_value(agents::value_of(spec.scenario, p));
    if (swept) {
      const auto a =
          static_cast<std::size_t>(std::find(varied.begin(), varied.end(), &p) - varied.begin());
      value = spec.design.kind == experiments::DesignKind::grid
                  ? "varied: " + value_list(spec.design.grid_values[a])
                  : "varied by the design";
    }
    t.rows.push_back({std::string(swept ? "design" : "scenario"), std::string(p.name), value,
                      std::string(p.unit), std::string(p.help),
                      std::string(agents::parameter_basis(p))});
  }
  for (std::size_t a = 0; a < varied.size(); ++a) {  // event times and other non-table factors
    if (agents::moved_event(*varied[a]).empty()) continue;
    t.rows.push_back({std::string("design"), std::string(varied[a]->name),
                      spec.design.kind == experiments::DesignKind::grid
                          ? "varied: " + value_list(spec.design.grid_values[a])
                          : std::string("varied by the design"),
                      std::string(varied[a]->unit), std::string(varied[a]->help), std::string()});
  }
  const auto& options = spec.design.options;
  for (std::size_t o = 0; o < options.names.size(); ++o) {
    const std::string where =
        "option " + options.names[o] + (o == options.baseline ? " (baseline)" : "");
    for (std::size_t p = 0; p < options.parameters.size(); ++p)
      t.rows.push_back({where, std::string(options.parameters[p]->name),
                        agents::format_value(options.values[o][p]),
                        std::string(options.parameters[p]->unit),
                        std::string(options.parameters[p]->help), std::string()});
  }
  auto add_events = [&](const std::vector<agents::ScheduledEvent>& events,
                        const std::string& where) {
    static constexpr const char* kinds[] = {"shock",    "restructure", "set",
                                            "automate", "layoff",      "demand"};
    for (const auto& e : events) {
      std::string what = kinds[static_cast<int>(e.kind)];
      if (e.probability < 1) what += fmt::format(", probability {}", e.probability);
      if (e.cost > 0) what += fmt::format(", one-off cost {}", e.cost);
      t.rows.push_back({where, "event " + (e.name.empty() ? std::string(what) : e.name),
                        static_cast<double>(e.at), std::string("tick (week)"), what,
                        std::string()});
    }
  };
  add_events(spec.events, "every option");
  for (std::size_t o = 0; o < spec.option_events.size(); ++o)
    add_events(spec.option_events[o], "option " + options.names[o]);
  return t;
}

/// A temporary path next to `path` (renamed over it when complete).
std::string temporary(const std::string& path) {
  return path + ".partial";
}

}  // namespace

std::vector<ExportTable> export_tables(const experiments::ResultsReader& results,
                                       const std::string& per) {
  const std::optional<std::string> text = results.attribute("experiment");
  if (!text) throw UsageError("the results file does not record its experiment");
  const auto spec = experiments::parse_experiment(*text, "the results file's experiment");
  const std::string currency = results.attribute("currency").value_or("");
  return {period_summary(results, per, currency), run_outcomes(results, currency),
          assumptions(spec), time_series(results, currency)};
}

void write_csv_tables(const std::vector<ExportTable>& tables, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError("--csv " + dir + ": cannot create the directory: " + ec.message());
  std::vector<std::string> written;
  for (const ExportTable& t : tables) {
    const std::string path = (std::filesystem::path(dir) / (t.name + ".csv")).string();
    std::ofstream out(temporary(path), std::ios::binary);
    for (std::size_t c = 0; c < t.headers.size(); ++c)
      out << (c ? "," : "") << detail::csv_field(t.headers[c]);
    out << '\n';
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c) out << ',';
        if (const auto* x = std::get_if<double>(&row[c]))
          out << agents::short_number(*x);
        else if (const auto* s = std::get_if<std::string>(&row[c]))
          out << detail::csv_field(*s);
      }
      out << '\n';
    }
    out.close();
    if (!out) throw UsageError("--csv " + path + ": cannot write the file");
    written.push_back(path);
  }
  for (const auto& path : written) std::filesystem::rename(temporary(path), path);
}

void write_xlsx(const std::vector<ExportTable>& tables, const std::string& path) {
  for (const ExportTable& t : tables) {
    if (t.rows.size() + 1 > kMaxSheetRows)
      throw UsageError(fmt::format(
          "--xlsx: the {} table has {} rows, more than a sheet holds ({}); export it with --csv",
          t.name, t.rows.size(), kMaxSheetRows - 1));
  }
  const auto parent = std::filesystem::absolute(path).parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec))
    throw UsageError("--xlsx " + path + ": no directory " + parent.string());
  const std::string partial = temporary(path);
  lxw_workbook* book = workbook_new(partial.c_str());
  if (!book) throw UsageError("--xlsx " + path + ": cannot create the workbook");
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  format_set_text_wrap(bold);
  std::map<std::string, lxw_format*> formats;
  for (const ExportTable& t : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, t.name.c_str());
    for (std::size_t c = 0; c < t.headers.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      worksheet_write_string(sheet, 0, col, t.headers[c].c_str(), bold);
      lxw_format* f = nullptr;
      if (!t.formats[c].empty()) {
        auto [it, fresh] = formats.try_emplace(t.formats[c], nullptr);
        if (fresh) {
          it->second = workbook_add_format(book);
          format_set_num_format(it->second, t.formats[c].c_str());
        }
        f = it->second;
      }
      worksheet_set_column(sheet, col, col, c == 0 ? 24 : 16, f);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        if (const auto* x = std::get_if<double>(&t.rows[r][c]))
          worksheet_write_number(sheet, row, col, *x, nullptr);
        else if (const auto* s = std::get_if<std::string>(&t.rows[r][c]))
          worksheet_write_string(sheet, row, col, s->c_str(), nullptr);
      }
    }
  }
  const lxw_error error = workbook_close(book);
  if (error != LXW_NO_ERROR) {
    std::filesystem::remove(partial);
    throw UsageError("--xlsx " + path + ": " + lxw_strerror(error));
  }
  std::filesystem::rename(partial, path);
}

}  // namespace orgsim::analysis
