// The HTML report of a results file: one self-contained page (figures inline as SVG data URIs,
// no scripts, no external resources) that opens with an executive summary (options x KPIs by
// year with traffic lights, verdicts, caveats, pictures, assumptions; executive.cpp) and follows
// with the analyst appendix: the experiment and its provenance, summary tables,
// the paired comparison, time series with confidence bands, final-value charts, a heat map for
// two-parameter sweeps and sensitivity bars for saltelli/morris sweeps. Figures are drawn by
// gnuplot (plot.hpp).
#pragma once

#include "orgsim/experiments/results.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace orgsim::analysis {

struct ReportOptions {
  std::string by;  ///< parameter to compare and to draw lines by (default: the first swept)
  std::vector<std::string> metrics;  ///< default: the headline metrics this experiment measured
  std::size_t bootstrap = 500;       ///< resamples for Sobol intervals
  /// The executive summary's KPIs (default: profit, lead time, customer satisfaction, engagement,
  /// turnover and strategic fit, those measured).
  std::vector<std::string> kpis;
  /// A tornado's results file (`orgsim tornado -o`) whose chart the summary shows ("": none).
  std::string tornado;
  /// Also print the page to this PDF (print_pdf; "": no PDF). Checked before any work: Chromium
  /// must be there and the PDF's directory writable.
  std::filesystem::path pdf;
  /// Called with a short status line while long steps run (reading runs, drawing figures).
  std::function<void(const std::string&)> progress;
};

/// What the report contains, for callers and tests.
struct ReportSummary {
  std::size_t figures = 0;
  std::vector<std::string> sections;  ///< section headings, in order
};

/// Writes the report of `results` (read from `results_path`) to `output` (.html). The file
/// appears only when complete (written under a temporary name, then renamed).
/// @throws UsageError for a bad output path, an unknown metric or parameter, or missing gnuplot.
ReportSummary write_report(const experiments::ResultsReader& results,
                           const std::string& results_path, const std::filesystem::path& output,
                           const ReportOptions& options = {});

/// Prints the report `html` to `pdf` (A4 landscape, as the page's print style sets it) with
/// headless Chromium (the program $CHROMIUM names, else chromium). The PDF appears only whole.
/// @throws UsageError when Chromium is missing or fails.
void print_pdf(const std::filesystem::path& html, const std::filesystem::path& pdf);

}  // namespace orgsim::analysis
