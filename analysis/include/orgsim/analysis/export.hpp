// Tables of a results file for spreadsheets (`orgsim export`): the summary by design point and
// calendar period, every run's outcomes, the assumptions, and the mean time series, each with
// units in its headers; written as an XLSX workbook (libxlsxwriter) or as CSV files.
#pragma once

#include "orgsim/experiments/results.hpp"

#include <string>
#include <variant>
#include <vector>

namespace orgsim::analysis {

/// A cell: empty (NaN or not applicable), a number or a text.
using ExportCell = std::variant<std::monostate, double, std::string>;

/// One sheet or CSV file.
struct ExportTable {
  std::string name;                  ///< sheet name and CSV file stem
  std::vector<std::string> headers;  ///< with units: "profit [EUR/year] mean"
  /// Per column: a spreadsheet number format ("#,##0" for money, "0.000" for shares, "" for
  /// General).
  std::vector<std::string> formats;
  std::vector<std::vector<ExportCell>> rows;
};

/// The tables of a results file: "summary" (each design point and calendar period `per` —
/// "year", "quarter" or "month" — flows summed over the period, stocks at its end: the values of
/// `orgsim analyze --at sum:FROM-TO`; mean and 95% t interval), "runs" (every complete run's
/// design values and metrics at its end), "assumptions" (every parameter's value, unit and
/// meaning, the design's varied values, options and events) and "timeseries" (the mean over
/// replications of each metric at each recorded tick, per design point).
/// @throws UsageError for an unknown period or a results file without its experiment.
std::vector<ExportTable> export_tables(const experiments::ResultsReader& results,
                                       const std::string& per = "year");

/// Writes each table to DIR/<name>.csv (creating DIR), through temporary files renamed at the end.
/// @throws UsageError when DIR cannot be written.
void write_csv_tables(const std::vector<ExportTable>& tables, const std::string& dir);

/// Writes the tables as sheets of an XLSX workbook at `path` (a temporary file renamed at the
/// end: a failure leaves no partial workbook). A sheet is limited to 1,048,575 data rows; a
/// longer table is refused with the advice to use --csv.
/// @throws UsageError when the workbook cannot be written.
void write_xlsx(const std::vector<ExportTable>& tables, const std::string& path);

}  // namespace orgsim::analysis
