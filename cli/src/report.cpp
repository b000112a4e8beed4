// `orgsim report`: writes a self-contained HTML report of a results file (an executive summary,
// then the analyst appendix; figures by gnuplot and Graphviz, inline), and with --pdf its PDF.
#include "command.hpp"
#include "common.hpp"

#include "orgsim/analysis/report.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/resources.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

namespace orgsim::cli::detail {

namespace {

/// The most recorded rows per run a report reads: 100 years of weeks.
constexpr std::size_t kReportRows = 5201;

struct ReportArgs {
  std::string file, output, by, metrics, kpis, tornado;
  bool quiet = false, pdf = false;
};

int report(const ReportArgs& args) {
  const experiments::ResultsReader results = open_results(args.file);
  // A report reads every run whole several times and tabulates every year: runs of more than
  // kReportRows recorded rows (a million-tick equilibrium study) are refused at once, with what
  // draws them instead, rather than growing without bound (issue 24).
  if (results.tick_rows() > kReportRows) {
    throw UsageError(fmt::format(
        "{}: runs of {} recorded rows are more than a report shows (at most {}: its yearly "
        "totals need every week); draw them with `orgsim plot {} --x tick` (thinned to {} "
        "points) and summarize them with `orgsim analyze {}`",
        args.file, results.tick_rows(), kReportRows, args.file, kPlotRows, args.file));
  }
  const std::string output = args.output.empty()
                                 ? std::filesystem::path(args.file).stem().string() + "-report.html"
                                 : args.output;
  experiments::check_path_length(output);
  analysis::ReportOptions options;
  options.by = args.by;
  options.metrics = split_list(args.metrics, "--metrics");
  options.kpis = split_list(args.kpis, "--kpis");
  options.tornado = args.tornado;
  if (args.pdf) options.pdf = std::filesystem::path(output).replace_extension(".pdf");
  if (!args.quiet) options.progress = [](const std::string& line) { std::cerr << line << '\n'; };
  const auto start = std::chrono::steady_clock::now();
  const analysis::ReportSummary summary =
      analysis::write_report(results, args.file, output, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << output << " (" << summary.figures << " figures, "
            << summary.sections.size() << " sections, " << std::fixed << std::setprecision(1)
            << seconds << " s)\n";
  if (args.pdf)
    std::cout << "wrote " << options.pdf.string() << " (A4 landscape, by headless Chromium)\n";
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* command = app.add_subcommand(
      "report", "Write a self-contained HTML report (figures by gnuplot, inline)");
  command->add_option("results", args->file, "Results file (HDF5)")->required();
  command->add_option("-o,--output", args->output, "HTML file (default: RESULTS-report.html)");
  command->add_option(
      "--by", args->by,
      "Parameter to compare designs by and to draw lines by (default: the first swept)");
  command->add_option("--metrics", args->metrics,
                      "Metrics (comma-separated; default: the headline metrics measured)");
  command->add_option(
      "--kpis", args->kpis,
      "The executive summary's KPIs (comma-separated metrics; default: profit, "
      "lead_time, customer_satisfaction, engagement, turnover_rate, strategic_fit)");
  command->add_option("--tornado", args->tornado,
                      "A tornado's results file (orgsim tornado -o) to chart in the summary");
  command->add_flag("--pdf", args->pdf,
                    "Also print the report to a PDF beside it (A4 landscape, headless Chromium)");
  command->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
  return {command, [args] { return report(*args); }};
}

}  // namespace orgsim::cli::detail
