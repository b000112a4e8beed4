// `orgsim export`: a results file's tables for spreadsheets, as an XLSX workbook or CSV files.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/export.hpp"
#include "orgsim/core/error.hpp"

#include <iostream>

namespace orgsim::cli::detail {

namespace {

struct ExportArgs {
  std::string file, xlsx, csv, per = "year";
};

int export_tables(const ExportArgs& args) {
  if (args.xlsx.empty() && args.csv.empty())
    throw UsageError("give --xlsx BOOK.xlsx, --csv DIR or both");
  const experiments::ResultsReader results = open_results(args.file);
  const auto tables = analysis::export_tables(results, args.per);
  if (!args.xlsx.empty()) analysis::write_xlsx(tables, args.xlsx);
  if (!args.csv.empty()) analysis::write_csv_tables(tables, args.csv);
  for (const auto& t : tables)
    std::cout << t.name << ": " << t.rows.size() << " rows x " << t.headers.size() << " columns\n";
  if (!args.xlsx.empty()) std::cout << "workbook written to " << args.xlsx << '\n';
  if (!args.csv.empty()) std::cout << "CSV files written to " << args.csv << '\n';
  return 0;
}

}  // namespace

Command add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  auto* command = app.add_subcommand(
      "export",
      "Tables for spreadsheets: summary by option and period, runs, assumptions, time series");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("--xlsx", args->xlsx, "Write an Excel workbook (one sheet per table)");
  command->add_option("--csv", args->csv, "Write one CSV file per table into this directory");
  command->add_option("--per", args->per, "Calendar period of the summary")
      ->capture_default_str()
      ->check(CLI::IsMember({"year", "quarter", "month"}));
  return {command, [args] { return export_tables(*args); }};
}

}  // namespace orgsim::cli::detail
