// The parts of `orgsim report` shared by its sections (private to the module): what every section
// reads, the page as it grows, and figures drawn once every chart is known.
#pragma once

#include "orgsim/analysis/report.hpp"
#include "orgsim/core/html.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace orgsim::analysis::detail {

/// What every section reads: the results, their experiment, and the choices of this report.
struct ReportInput {
  const experiments::ResultsReader& results;
  const std::string& results_path;
  std::string experiment_text;  ///< the resolved experiment the results file records
  experiments::ExperimentSpec spec;
  std::vector<std::string> swept;  ///< swept parameters, in design order
  std::string by;  ///< parameter to compare and draw lines by ("" when none is swept)
  std::vector<std::string> metrics;  ///< reported metrics
  const experiments::RunColumn* status = nullptr;
  std::function<void(const std::string&)> progress;  ///< never empty
  /// Default metrics left out because every complete run ended with the same value ("name = v").
  std::vector<std::string> constant;
};

/// The page body as it grows, with the headings and figure count for the caller.
struct Page {
  std::ostringstream body;
  ReportSummary summary;

  void section(const std::string& heading) {
    summary.sections.push_back(heading);
    body << "<h2>" << html_escaped(heading) << "</h2>\n";
  }
};

/// A figure to draw once every chart is known (drawing takes most of the time: progress).
struct PendingFigure {
  std::string section;
  std::function<std::string()> draw;
  std::string caption;
};

/// The executive summary: options x KPIs by year with traffic lights, what each option does,
/// caveats from the data, pictures (differences with their intervals, the KPIs over time with
/// the events, org charts before and after each restructuring, a tornado) and the assumptions in
/// business terms. Figures are drawn here (few); the analyst appendix follows.
void executive_sections(Page& page, const ReportInput& in, const ReportOptions& options);

/// A number for people: three significant figures, thousands separated ("3,060,000", "0.00464",
/// "37.9"), `nan_text` for NaN; trailing zeros dropped ("2.9", "78") unless `keep_zeros` ("2.90",
/// "78.0": a KPI's value).
std::string rounded(double x, const char* nan_text = "–", bool keep_zeros = false);

/// The figure element of an SVG document, inline as a data URI; `css_class` (e.g. "wide",
/// "small") sets its width on the page.
std::string figure(const std::string& svg, const std::string& caption,
                   const std::string& css_class = "");

}  // namespace orgsim::analysis::detail
