// The organization as a picture (Graphviz) and its shape in numbers: `orgsim org --picture` and
// the report's org charts before and after a restructuring (docs/org-charts.md).
#pragma once

#include "orgsim/agents/org_view.hpp"

#include <filesystem>
#include <string>

namespace orgsim::analysis {

/// The chart in Graphviz's DOT language: managers (title, id, site when there are several)
/// coloured by department; without `detail`, the staff of each manager (people managing nobody)
/// collapsed into one node, merged with their lead when the lead manages only them; dotted
/// (matrix) lines dashed; a legend of the departments with their headcounts.
std::string org_chart_dot(const agents::OrgView& view, bool detail = false);

/// The chart drawn by Graphviz's dot as an SVG document.
/// @throws UsageError when dot is missing or fails.
std::string org_chart_svg(const agents::OrgView& view, bool detail = false);
/// Draws the org chart into `output` (.svg, .png or .pdf, by its extension) with Graphviz's dot:
/// drawn under a temporary name beside it, checked whole, then renamed over it.
/// @throws UsageError when dot is missing or fails, OutputError when the disk is full
void draw_org_chart(const agents::OrgView& view, bool detail, const std::filesystem::path& output);

/// The shape of an organization: its size, layers and spans of control.
struct OrgShape {
  std::size_t people = 0;
  std::size_t layers = 0;    ///< levels with someone in them (the top is one)
  std::size_t managers = 0;  ///< people with direct reports
  double mean_span = 0;      ///< direct reports per manager
  std::size_t widest_span = 0;
  std::size_t top_span = 0;  ///< direct reports of the person at the top (the first at level 0)
};
OrgShape org_shape(const agents::OrgView& view);

}  // namespace orgsim::analysis
