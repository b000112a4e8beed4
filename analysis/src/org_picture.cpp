// Org charts drawn by Graphviz (org_picture.hpp).
#include "orgsim/analysis/org_picture.hpp"

#include "tools.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/html.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

namespace orgsim::analysis {

namespace {

// ColorBrewer's Set3: pale enough for black text, one colour per department (cycling).
constexpr std::array<const char*, 12> kDepartmentColours = {
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"};

/// A DOT double-quoted string, one line per item (line breaks inside an item become spaces).
std::string dot_quoted(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (const std::string& line : lines) {
    if (out.size() > 1) out += "\\n";
    for (const char c : line) {
      if (c == '"' || c == '\\') out += '\\';
      out += (c == '\n' || c == '\r') ? ' ' : c;
    }
  }
  return out + '"';
}

/// The DOT drawing: managers (title, id, site when there are several) coloured by department;
/// without `detail`, the staff of each manager (people managing nobody) collapsed into one node,
/// merged with their lead when the lead manages only them. Dotted lines dashed.
class DotChart {
 public:
  DotChart(const agents::OrgView& view, bool detail) : view_(view), detail_(detail) {
    reports_.resize(view.people.size());
    for (std::size_t i = 0; i < view.people.size(); ++i)
      if (view.people[i].manager >= 0)
        reports_[static_cast<std::size_t>(view.people[i].manager)].push_back(i);
    staff_.assign(view.people.size(), 0);
    for (std::size_t i = 0; i < view.people.size(); ++i)
      for (const std::size_t r : reports_[i]) staff_[i] += reports_[r].empty();
  }

  [[nodiscard]] std::string text() const {
    std::string out =
        "digraph org {\n  graph [rankdir=TB, nodesep=0.25, ranksep=0.6, fontname=\"Helvetica\"];\n"
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
        "  edge [arrowhead=none, color=\"#555555\"];\n";
    for (std::size_t i = 0; i < view_.people.size(); ++i) add_person(out, i);
    add_dotted_lines(out);
    add_legend(out);
    return out + "}\n";
  }

 private:
  [[nodiscard]] bool collapsed(std::size_t i) const {  // drawn inside its manager's staff node
    const std::int64_t m = view_.people[i].manager;
    return !detail_ && m >= 0 && reports_[i].empty() && staff_[static_cast<std::size_t>(m)] >= 2;
  }
  [[nodiscard]] bool merged_team(std::size_t i) const {  // lead and staff in one node
    return !detail_ && staff_[i] >= 2 && staff_[i] == reports_[i].size();
  }
  [[nodiscard]] std::string node_of(std::size_t i) const {
    if (!collapsed(i)) return "p" + std::to_string(i);
    const auto m = static_cast<std::size_t>(view_.people[i].manager);
    return (merged_team(m) ? "p" : "g") + std::to_string(m);
  }
  [[nodiscard]] const char* colour(std::int32_t department) const {
    return kDepartmentColours[static_cast<std::size_t>(department) % kDepartmentColours.size()];
  }

  void add_person(std::string& out, std::size_t i) const {
    if (collapsed(i)) return;
    const agents::OrgPerson& p = view_.people[i];
    std::vector<std::string> label{p.title.empty() ? p.id : p.title};
    if (!p.title.empty()) label.push_back(p.id);
    if (view_.sites.size() > 1) label.push_back(view_.sites[static_cast<std::size_t>(p.site)]);
    if (merged_team(i)) label.push_back(fmt::format("+ {} staff", staff_[i]));
    out += fmt::format("  p{} [label={}, fillcolor=\"{}\"];\n", i, dot_quoted(label),
                       colour(p.department));
    if (p.manager >= 0) out += fmt::format("  p{} -> p{};\n", p.manager, i);
    if (staff_[i] >= 2 && !merged_team(i) && !detail_) {
      const std::size_t first = *std::find_if(reports_[i].begin(), reports_[i].end(),
                                              [&](std::size_t r) { return reports_[r].empty(); });
      out += fmt::format("  g{} [label={}, fillcolor=\"{}\", shape=box3d];\n  p{} -> g{};\n", i,
                         dot_quoted({fmt::format("{} staff", staff_[i])}),
                         colour(view_.people[first].department), i, i);
    }
  }

  void add_dotted_lines(std::string& out) const {
    std::vector<std::pair<std::string, std::string>> drawn;
    for (std::size_t i = 0; i < view_.people.size(); ++i) {
      if (view_.people[i].dotted < 0) continue;
      std::pair edge{node_of(static_cast<std::size_t>(view_.people[i].dotted)), node_of(i)};
      if (edge.first == edge.second || std::find(drawn.begin(), drawn.end(), edge) != drawn.end())
        continue;
      out += fmt::format("  {} -> {} [style=dashed, constraint=false, color=\"#999999\"];\n",
                         edge.first, edge.second);
      drawn.push_back(std::move(edge));
    }
  }

  /// One node: a row of department names (with headcounts) in their colours.
  void add_legend(std::string& out) const {
    std::vector<std::int64_t> headcount(view_.departments.size(), 0);
    for (const agents::OrgPerson& p : view_.people)
      ++headcount[static_cast<std::size_t>(p.department)];
    out +=
        "  legend [shape=plaintext, style=\"\", label=<<table border=\"0\" cellspacing=\"4\"><tr>";
    for (std::size_t d = 0; d < view_.departments.size(); ++d) {
      out += fmt::format("<td bgcolor=\"{}\" style=\"rounded\">{} ({})</td>",
                         colour(static_cast<std::int32_t>(d)), html_escaped(view_.departments[d]),
                         headcount[d]);
    }
    out += "</tr></table>>];\n";
  }

  const agents::OrgView& view_;
  bool detail_;
  std::vector<std::vector<std::size_t>> reports_;
  std::vector<std::size_t> staff_;  ///< direct reports who manage nobody
};

}  // namespace

std::string org_chart_dot(const agents::OrgView& view, bool detail) {
  return DotChart(view, detail).text();
}

std::string org_chart_svg(const agents::OrgView& view, bool detail) {
  const std::string source = detail::temporary_file("orgsim-org", ".dot");
  const std::string picture = detail::temporary_file("orgsim-org", ".svg");
  std::error_code ignored;
  const auto clean = [&] {
    std::filesystem::remove(source, ignored);
    std::filesystem::remove(picture, ignored);
  };
  try {
    {
      std::ofstream out(source);
      out << org_chart_dot(view, detail);
      if (!out.flush()) throw UsageError("cannot write " + source);
    }
    detail::run_tool({"dot", "-Tsvg", "-o", picture, source}, "draw the org chart", "graphviz");
    detail::check_complete_output(picture, "Graphviz's dot");
  } catch (...) {
    clean();
    throw;
  }
  std::ifstream in(picture);
  std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  clean();
  if (svg.empty()) throw UsageError("Graphviz's dot drew nothing for the org chart");
  return svg;
}

void draw_org_chart(const agents::OrgView& view, bool detail, const std::filesystem::path& output) {
  const std::string extension = output.extension().string();
  const std::string source = detail::temporary_file("orgsim-org", ".dot");
  const std::filesystem::path partial = detail::partial_beside(output);
  std::error_code ignored;
  try {
    {
      std::ofstream out(source);
      out << org_chart_dot(view, detail);
      if (!out.flush()) throw UsageError("cannot write " + source);
    }
    detail::run_tool({"dot", "-T" + extension.substr(1), "-o", partial.string(), source},
                     "draw " + output.string(), "graphviz");
    detail::check_complete_output(partial, "Graphviz's dot", output);
    std::filesystem::rename(partial, output);
  } catch (...) {
    std::filesystem::remove(source, ignored);
    std::filesystem::remove(partial, ignored);
    throw;
  }
  std::filesystem::remove(source, ignored);
}

OrgShape org_shape(const agents::OrgView& view) {
  OrgShape shape;
  shape.people = view.people.size();
  std::vector<std::size_t> reports(view.people.size(), 0);
  std::int32_t deepest = -1;
  for (const agents::OrgPerson& p : view.people) {
    if (p.manager >= 0) ++reports[static_cast<std::size_t>(p.manager)];
    deepest = std::max(deepest, p.level);
  }
  shape.layers = static_cast<std::size_t>(deepest + 1);
  std::size_t total = 0;
  bool top_seen = false;
  for (std::size_t i = 0; i < view.people.size(); ++i) {
    if (!top_seen && view.people[i].level == 0) {
      shape.top_span = reports[i];
      top_seen = true;
    }
    if (reports[i] == 0) continue;
    ++shape.managers;
    total += reports[i];
    shape.widest_span = std::max(shape.widest_span, reports[i]);
  }
  shape.mean_span =
      shape.managers ? static_cast<double>(total) / static_cast<double>(shape.managers) : 0;
  return shape;
}

}  // namespace orgsim::analysis
