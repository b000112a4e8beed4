// PRIM scenario discovery (prim.hpp): peeling (Friedman & Fisher 1999, section 4.1) without
// pasting, the box chosen by a density threshold as EMA Workbench's Prim.find_box does, and
// quasi-p-values of the restrictions (Bryant & Lempert 2010).
#include "orgsim/analysis/prim.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>
#include <boost/math/distributions/binomial.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <ostream>

namespace orgsim::analysis {

namespace {

bool inside(const PrimBox& box, const std::vector<PrimColumn>& columns, std::size_t point,
            std::size_t skip = static_cast<std::size_t>(-1)) {
  for (std::size_t d = 0; d < columns.size(); ++d) {
    if (d == skip) continue;
    const double v = columns[d].values[point];
    if (columns[d].categorical) {
      if (!box.kept[d][static_cast<std::size_t>(v)]) return false;
    } else if (v < box.low[d] || v > box.high[d]) {
      return false;
    }
  }
  return true;
}

/// The box's counts and the shares they give.
void set_shares(PrimBox& box, std::size_t points, std::size_t cases, std::size_t total_points,
                std::size_t total_cases) {
  box.points = points;
  box.cases = cases;
  box.mass = static_cast<double>(points) / static_cast<double>(total_points);
  box.density = points ? static_cast<double>(cases) / static_cast<double>(points) : 0;
  box.coverage = static_cast<double>(cases) / static_cast<double>(total_cases);
}

/// A candidate peel: the box after it and how many points and cases it keeps.
struct Peel {
  PrimBox box;
  std::size_t points = 0, cases = 0;
};

/// The peels of dimension d: the lowest and highest alpha share of a numeric one, each present
/// category of a categorical one (while another stays).
std::vector<Peel> peels_of(const PrimBox& box, const std::vector<PrimColumn>& columns,
                           const std::vector<std::size_t>& members,
                           const std::vector<bool>& is_case, std::size_t d, double alpha) {
  std::vector<Peel> out;
  const PrimColumn& column = columns[d];
  const auto keep_if = [&](PrimBox next, auto&& keeps) {
    Peel peel{std::move(next), 0, 0};
    for (std::size_t i : members) {
      if (!keeps(column.values[i])) continue;
      ++peel.points;
      peel.cases += is_case[i] ? 1 : 0;
    }
    if (peel.points < members.size() && peel.points > 0) out.push_back(std::move(peel));
  };
  if (column.categorical) {
    std::vector<std::size_t> count(column.categories.size(), 0);
    for (std::size_t i : members) ++count[static_cast<std::size_t>(column.values[i])];
    std::size_t present = 0;
    for (std::size_t c : count) present += c > 0;
    if (present < 2) return out;
    for (std::size_t c = 0; c < count.size(); ++c) {
      if (count[c] == 0) continue;
      PrimBox next = box;
      next.kept[d][c] = false;
      keep_if(std::move(next), [c](double v) { return static_cast<std::size_t>(v) != c; });
    }
    return out;
  }
  std::vector<double> sorted;
  sorted.reserve(members.size());
  for (std::size_t i : members) sorted.push_back(column.values[i]);
  std::sort(sorted.begin(), sorted.end());
  const std::size_t k = std::max<std::size_t>(
      1, static_cast<std::size_t>(alpha * static_cast<double>(sorted.size())));
  if (k >= sorted.size()) return out;
  double low = sorted[k], high = sorted[sorted.size() - 1 - k];
  // Tied values (a grid's levels): a peel that would remove nothing takes the whole tied block
  // at that end instead, so that grids can be peeled too; the criterion weighs it by its size.
  if (low == sorted.front()) {
    const auto above = std::upper_bound(sorted.begin(), sorted.end(), sorted.front());
    if (above != sorted.end()) low = *above;
  }
  if (high == sorted.back()) {
    const auto below = std::lower_bound(sorted.begin(), sorted.end(), sorted.back());
    if (below != sorted.begin()) high = *(below - 1);
  }
  PrimBox raised = box;
  raised.low[d] = low;
  keep_if(std::move(raised), [low](double v) { return v >= low; });
  PrimBox lowered = box;
  lowered.high[d] = high;
  keep_if(std::move(lowered), [high](double v) { return v <= high; });
  return out;
}

double quasi_p_value(const PrimBox& box, const std::vector<PrimColumn>& columns,
                     const std::vector<bool>& is_case, std::size_t d) {
  std::size_t points = 0, cases = 0;
  for (std::size_t i = 0; i < is_case.size(); ++i) {
    if (!inside(box, columns, i, d)) continue;
    ++points;
    cases += is_case[i] ? 1 : 0;
  }
  if (points == 0 || box.cases == 0) return 1.0;
  const double p = static_cast<double>(cases) / static_cast<double>(points);
  if (p <= 0) return 0.0;
  if (p >= 1) return 1.0;
  const boost::math::binomial_distribution<double> binomial(static_cast<double>(box.points), p);
  return boost::math::cdf(boost::math::complement(binomial, static_cast<double>(box.cases) - 1));
}

}  // namespace

PrimResult prim(std::vector<PrimColumn> columns, const std::vector<bool>& is_case,
                const PrimOptions& options) {
  PrimResult r;
  r.points = is_case.size();
  r.cases = static_cast<std::size_t>(std::count(is_case.begin(), is_case.end(), true));
  if (r.points == 0) throw UsageError("discover: no complete runs to look at");
  if (columns.empty()) throw UsageError("discover: the sweep varies no parameter");
  if (r.cases == 0) throw UsageError("discover: no run meets the condition; nothing to find");
  if (r.cases == r.points)
    throw UsageError("discover: every run meets the condition; there is no box to find");
  PrimBox box;
  for (const PrimColumn& c : columns) {
    if (c.categorical) {
      box.low.push_back(0);
      box.high.push_back(0);
      box.kept.emplace_back(c.categories.size(), true);
      continue;
    }
    const auto [lo, hi] = std::minmax_element(c.values.begin(), c.values.end());
    box.low.push_back(*lo);
    box.high.push_back(*hi);
    box.kept.emplace_back();
  }
  set_shares(box, r.points, r.cases, r.points, r.cases);  // the whole space holds every point
  r.trajectory.push_back(box);
  const auto least =
      static_cast<std::size_t>(std::ceil(options.min_mass * static_cast<double>(r.points)));
  for (;;) {
    const PrimBox& current = r.trajectory.back();
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < r.points; ++i)
      if (inside(current, columns, i)) members.push_back(i);
    // Friedman & Fisher's criterion: the gain in density per point peeled off, so that a peel
    // of a whole category (many points) must earn its size ("patient" rule induction).
    std::optional<Peel> best;
    double best_gain = 0;
    for (std::size_t d = 0; d < columns.size(); ++d) {
      for (Peel& peel : peels_of(current, columns, members, is_case, d, options.alpha)) {
        if (peel.points < least) continue;
        const double density = static_cast<double>(peel.cases) / static_cast<double>(peel.points);
        const double gain =
            (density - current.density) / static_cast<double>(members.size() - peel.points);
        if (gain > best_gain + 1e-15) {  // ties: the first dimension, the lower end
          best_gain = gain;
          best = std::move(peel);
        }
      }
    }
    if (!best) break;  // no peel raises the density
    set_shares(best->box, best->points, best->cases, r.points, r.cases);
    r.trajectory.push_back(std::move(best->box));
  }
  // The chosen box: the highest coverage among those dense enough (else the densest).
  r.chosen = 0;
  bool dense = false;
  for (std::size_t k = 0; k < r.trajectory.size(); ++k) {
    const PrimBox& b = r.trajectory[k];
    if (b.density + 1e-12 >= options.threshold) {
      if (!dense || b.coverage > r.trajectory[r.chosen].coverage) r.chosen = k;
      dense = true;
    } else if (!dense && b.density > r.trajectory[r.chosen].density) {
      r.chosen = k;
    }
  }
  const PrimBox& chosen = r.trajectory[r.chosen];
  const PrimBox& whole = r.trajectory.front();
  for (std::size_t d = 0; d < columns.size(); ++d) {
    bool restricted =
        columns[d].categorical
            ? std::find(chosen.kept[d].begin(), chosen.kept[d].end(), false) != chosen.kept[d].end()
            : chosen.low[d] > whole.low[d] || chosen.high[d] < whole.high[d];
    r.restricted.push_back(restricted);
    r.qp_value.push_back(restricted ? quasi_p_value(chosen, columns, is_case, d)
                                    : std::numeric_limits<double>::quiet_NaN());
  }
  r.columns = std::move(columns);
  return r;
}

bool MetricCondition::holds(double x) const {
  if (std::isnan(x)) return false;
  if (op == "<") return x < value;
  if (op == "<=") return x <= value;
  if (op == ">") return x > value;
  return x >= value;
}

MetricCondition parse_metric_condition(const std::string& text) {
  const auto bad = [&] {
    return UsageError(fmt::format(
        "--where '{}': expected METRIC OP NUMBER with OP one of <, <=, >, >=, e.g. \"profit < 0\"",
        text));
  };
  const std::size_t op_at = text.find_first_of("<>");
  if (op_at == std::string::npos) throw bad();
  MetricCondition c;
  const auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  c.metric = trim(text.substr(0, op_at));
  const bool equal = op_at + 1 < text.size() && text[op_at + 1] == '=';
  c.op = text.substr(op_at, equal ? 2 : 1);
  const std::string number = trim(text.substr(op_at + c.op.size()));
  if (c.metric.empty() || number.empty()) throw bad();
  try {
    std::size_t used = 0;
    c.value = std::stod(number, &used);
    if (used != number.size() || !std::isfinite(c.value)) throw bad();
  } catch (const std::logic_error&) {
    throw bad();
  }
  return c;
}

PrimResult discover(const experiments::ResultsReader& results, const MetricCondition& condition,
                    const Window& window, const PrimOptions& options) {
  const std::size_t metric = metric_indices(results, {condition.metric}).front();
  const auto values = run_values(results, {metric}, window);
  std::vector<std::size_t> runs;
  std::vector<bool> is_case;
  for (std::size_t run = 0; run < values.size(); ++run) {
    if (values[run].empty()) continue;  // incomplete
    runs.push_back(run);
    is_case.push_back(condition.holds(values[run][0]));
  }
  std::vector<PrimColumn> columns;
  for (const std::string& name : results.parameter_columns()) {
    const experiments::RunColumn* column = results.run_column(name);
    PrimColumn c{name, column->is_text, {}, {}};
    std::map<std::string, std::size_t> code;
    for (std::size_t run : runs) {
      if (!column->is_text) {
        c.values.push_back(column->numbers[run]);
        continue;
      }
      const auto [it, added] = code.emplace(column->texts[run], c.categories.size());
      if (added) c.categories.push_back(column->texts[run]);
      c.values.push_back(static_cast<double>(it->second));
    }
    const auto [lo, hi] = std::minmax_element(c.values.begin(), c.values.end());
    if (!c.values.empty() && *lo < *hi) columns.push_back(std::move(c));  // constant: no dimension
  }
  return prim(std::move(columns), is_case, options);
}

namespace {

std::string limits(const PrimResult& r, const PrimBox& box, std::size_t d) {
  const PrimColumn& c = r.columns[d];
  if (!c.categorical) return fmt::format("[{:.4g}, {:.4g}]", box.low[d], box.high[d]);
  std::string kept;
  for (std::size_t k = 0; k < c.categories.size(); ++k)
    if (box.kept[d][k]) kept += (kept.empty() ? "" : ", ") + c.categories[k];
  return "{" + kept + "}";
}

}  // namespace

void print_prim(std::ostream& out, const PrimResult& r, const MetricCondition& condition,
                const Window& window) {
  const PrimBox& box = r.trajectory[r.chosen];
  out << fmt::format("PRIM: runs where {} {} {:g} at {}: {} of {} complete runs ({:.1f}%)\n\n",
                     condition.metric, condition.op, condition.value, describe(window), r.cases,
                     r.points,
                     100.0 * static_cast<double>(r.cases) / static_cast<double>(r.points));
  out << fmt::format(
      "Chosen box (step {} of {}): coverage {:.3f} (share of those runs inside), density {:.3f} "
      "(share of the box's runs that are such runs), mass {:.3f} ({} runs)\n",
      r.chosen, r.trajectory.size() - 1, box.coverage, box.density, box.mass, box.points);
  std::size_t width = 9;
  for (const auto& c : r.columns) width = std::max(width, c.name.size());
  out << fmt::format("\n{:<{}}  {:<28}  {:<28}  {}\n", "parameter", width, "box", "whole range",
                     "qp-value");
  for (std::size_t d = 0; d < r.columns.size(); ++d) {
    if (!r.restricted[d]) continue;
    out << fmt::format("{:<{}}  {:<28}  {:<28}  {:.3g}\n", r.columns[d].name, width,
                       limits(r, box, d), limits(r, r.trajectory.front(), d), r.qp_value[d]);
  }
  std::string free;
  for (std::size_t d = 0; d < r.columns.size(); ++d)
    if (!r.restricted[d]) free += (free.empty() ? "" : ", ") + r.columns[d].name;
  if (!free.empty()) out << "not restricted: " << free << '\n';
  out << "\nPeeling trajectory (step: coverage, density, mass, restricted dimensions)\n";
  for (std::size_t k = 0; k < r.trajectory.size(); ++k) {
    const PrimBox& b = r.trajectory[k];
    std::size_t restricted = 0;
    for (std::size_t d = 0; d < r.columns.size(); ++d) {
      const PrimBox& whole = r.trajectory.front();
      restricted += r.columns[d].categorical
                        ? std::find(b.kept[d].begin(), b.kept[d].end(), false) != b.kept[d].end()
                        : b.low[d] > whole.low[d] || b.high[d] < whole.high[d];
    }
    out << fmt::format("{:>4}{} {:.3f}  {:.3f}  {:.3f}  {}\n", k, k == r.chosen ? "*" : ":",
                       b.coverage, b.density, b.mass, restricted);
  }
}

void print_prim_csv(std::ostream& out, const PrimResult& r) {
  out << "step,chosen,coverage,density,mass,points,cases";
  for (const auto& c : r.columns)
    out << (c.categorical ? "," + c.name + " kept" : "," + c.name + " low," + c.name + " high");
  out << '\n';
  for (std::size_t k = 0; k < r.trajectory.size(); ++k) {
    const PrimBox& b = r.trajectory[k];
    out << fmt::format("{},{},{:.17g},{:.17g},{:.17g},{},{}", k, k == r.chosen ? 1 : 0, b.coverage,
                       b.density, b.mass, b.points, b.cases);
    for (std::size_t d = 0; d < r.columns.size(); ++d) {
      if (r.columns[d].categorical) {
        out << ",\"" << limits(r, b, d) << '"';
      } else {
        out << fmt::format(",{:.17g},{:.17g}", b.low[d], b.high[d]);
      }
    }
    out << '\n';
  }
}

}  // namespace orgsim::analysis
