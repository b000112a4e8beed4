// Paired design comparisons with common random numbers.
#include "orgsim/analysis/compare.hpp"

#include "format.hpp"
#include "orgsim/core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace orgsim::analysis {

using detail::csv_field;

namespace {

std::string number(double x, int precision = 4) {
  return detail::readable_number(x, precision);
}

std::string signed_number(double x, int precision = 4) {
  if (std::isnan(x)) return "nan";
  return (x > 0 ? "+" : "") + number(x, precision);
}

std::string verdict_word(int verdict, int direction) {
  if (direction == 0) return "(context)";
  return verdict > 0 ? "better" : verdict < 0 ? "worse" : "no difference";
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace

std::string category_label(const std::string& category) {
  static const std::map<std::string, std::string> labels = {
      {"strategic_alignment", "strategic alignment"},
      {"operational_efficiency", "efficiency"},
      {"engagement", "engagement"},
      {"customer", "customers"},
      {"innovation_adaptability", "innovation"},
      {"finance", "finance"},
      {"resilience", "resilience"}};
  const auto it = labels.find(category);
  if (it != labels.end()) return it->second;
  std::string label = category;
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

namespace {

const MetricInfo& info_of(const experiments::ResultsReader& results, const std::string& metric) {
  const auto& names = results.metric_names();
  const auto at = std::find(names.begin(), names.end(), metric);
  if (at == names.end())
    throw UsageError("unknown metric '" + metric +
                     "'; the file's metrics are: " + detail::join(names));
  return results.metric_info()[static_cast<std::size_t>(at - names.begin())];
}

int direction(const MetricInfo& info) {
  return info.better == Better::higher ? 1 : info.better == Better::lower ? -1 : 0;
}

}  // namespace

int better_direction(const experiments::ResultsReader& results, const std::string& metric) {
  return direction(info_of(results, metric));
}

std::vector<std::string> verdict_categories(const experiments::ResultsReader& results) {
  std::vector<std::string> categories = {"strategic_alignment",
                                         "operational_efficiency",
                                         "engagement",
                                         "customer",
                                         "innovation_adaptability",
                                         "finance",
                                         "resilience"};
  std::vector<std::string> present;
  for (const MetricInfo& info : results.metric_info()) {
    if (direction(info) == 0 || info.category.empty()) continue;
    if (std::find(present.begin(), present.end(), info.category) == present.end())
      present.push_back(info.category);
  }
  std::vector<std::string> ordered;
  for (const auto& category : categories) {
    if (std::find(present.begin(), present.end(), category) != present.end())
      ordered.push_back(category);
  }
  for (const auto& category : present) {
    if (std::find(ordered.begin(), ordered.end(), category) == ordered.end())
      ordered.push_back(category);
  }
  return ordered;
}

std::vector<std::string> headline_metrics(const experiments::ResultsReader& results) {
  std::vector<std::string> names;
  const auto& infos = results.metric_info();
  for (const auto& category : verdict_categories(results)) {
    for (const MetricInfo& info : infos) {
      if (info.headline && info.category == category) names.push_back(info.name);
    }
  }
  for (const MetricInfo& info : infos) {  // headline metrics outside the verdict categories
    if (info.headline && std::find(names.begin(), names.end(), info.name) == names.end())
      names.push_back(info.name);
  }
  return names;
}

namespace {

/// Runs pair up by replication and by the values of every swept parameter other than the
/// compared one: with common random numbers such runs saw the same random events.
class Pairing {
 public:
  Pairing(const experiments::ResultsReader& results, const std::string& by)
      : results_(results),
        by_(by),
        swept_(results.parameter_columns()),
        replication_(results.run_column("replication")) {}

  using Key = std::pair<std::vector<std::string>, std::size_t>;

  [[nodiscard]] Key key(std::size_t run) const {
    std::vector<std::string> others;
    for (const auto& s : swept_) {
      if (s != by_) others.push_back(results_.run_column(s)->format(run));
    }
    return std::make_pair(others, static_cast<std::size_t>(replication_->numbers[run]));
  }

 private:
  const experiments::ResultsReader& results_;
  std::string by_;
  std::vector<std::string> swept_;
  const experiments::RunColumn* replication_;
};

/// The values of a run column in order of first appearance (design order).
std::vector<std::string> distinct_values(const experiments::ResultsReader& results,
                                         const experiments::RunColumn& column) {
  std::vector<std::string> values;
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    const std::string v = column.format(run);
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  return values;
}

/// The paired values of one design: x[k], b[k] and their differences per metric k.
struct PairedValues {
  std::size_t pairs = 0;
  std::vector<std::vector<double>> design, baseline, difference;
};

/// What compare() shares between designs.
struct ComparisonInput {
  const experiments::ResultsReader& results;
  const experiments::RunColumn* column;  ///< the compared parameter
  const experiments::RunColumn* status;
  std::vector<std::string> metrics;
  std::vector<std::vector<double>> value;  ///< value[run][k] at the window
  Pairing pairing;
  std::map<Pairing::Key, std::size_t> baseline_run;  ///< the complete baseline run of each pair key
};

PairedValues paired_values(const ComparisonInput& in, const std::string& design) {
  const std::size_t metrics = in.metrics.size();
  PairedValues p{0, std::vector<std::vector<double>>(metrics),
                 std::vector<std::vector<double>>(metrics),
                 std::vector<std::vector<double>>(metrics)};
  for (std::size_t run = 0; run < in.results.run_count(); ++run) {
    if (in.status->numbers[run] != 1 || in.column->format(run) != design) continue;
    const auto partner = in.baseline_run.find(in.pairing.key(run));
    if (partner == in.baseline_run.end()) continue;
    ++p.pairs;
    for (std::size_t k = 0; k < metrics; ++k) {
      const double xv = in.value[run][k];
      const double bv = in.value[partner->second][k];
      p.design[k].push_back(xv);
      p.baseline[k].push_back(bv);
      p.difference[k].push_back(xv - bv);  // NaN when either is NaN (skipped by estimate)
    }
  }
  return p;
}

MetricComparison compare_metric(const MetricInfo& info, const PairedValues& p, std::size_t k,
                                double confidence) {
  MetricComparison m;
  m.metric = info.name;
  m.category = info.category;
  m.direction = direction(info);
  m.design = estimate(p.design[k], confidence);
  m.baseline = estimate(p.baseline[k], confidence);
  m.difference = estimate(p.difference[k], confidence);
  if (m.direction != 0 && m.difference.n >= 2 && !std::isnan(m.difference.ci_low)) {
    if (m.difference.ci_low > 0) m.verdict = m.direction;
    if (m.difference.ci_high < 0) m.verdict = -m.direction;
  }
  return m;
}

/// Per category: "better", "worse", "mixed", "same" or "" (no metric with an interval).
std::vector<std::string> category_verdicts(const std::vector<std::string>& categories,
                                           const std::vector<MetricComparison>& metrics) {
  std::vector<std::string> verdicts;
  for (const std::string& category : categories) {
    bool measured = false, better = false, worse = false;
    for (const auto& m : metrics) {
      if (m.category != category || m.direction == 0 || m.difference.n < 2)
        continue;  // no interval, no verdict
      measured = true;
      better |= m.verdict > 0;
      worse |= m.verdict < 0;
    }
    verdicts.push_back(!measured         ? ""
                       : better && worse ? "mixed"
                       : better          ? "better"
                       : worse           ? "worse"
                                         : "same");
  }
  return verdicts;
}

/// The metrics to compare: the requested ones, or ("all" or none) every metric with a better
/// direction, the headline metrics shown unless "all" was asked for.
std::vector<std::string> compared_metrics(const experiments::ResultsReader& results,
                                          std::vector<std::string> metrics, Comparison& c,
                                          bool& all_metrics) {
  const bool show_all = metrics.size() == 1 && metrics[0] == "all";
  if (show_all) metrics.clear();
  all_metrics = metrics.empty();
  if (all_metrics && !show_all) c.shown = headline_metrics(results);
  if (all_metrics) {
    for (const MetricInfo& info : results.metric_info()) {
      if (direction(info) != 0) metrics.push_back(info.name);
    }
  }
  return metrics;
}

}  // namespace

Comparison compare(const experiments::ResultsReader& results, const std::string& by,
                   const std::string& baseline, std::vector<std::string> metrics,
                   const Window& window) {
  const auto swept = results.parameter_columns();
  if (std::find(swept.begin(), swept.end(), by) == swept.end()) {
    throw UsageError("cannot compare by '" + by +
                     "'; the swept parameters are: " + detail::join(swept));
  }
  const auto* column = results.run_column(by);
  const std::vector<std::string> values = distinct_values(results, *column);
  Comparison c;
  c.parameter = by;
  c.window = window;
  c.categories = verdict_categories(results);
  c.baseline = baseline.empty() ? values.front() : baseline;
  if (std::find(values.begin(), values.end(), c.baseline) == values.end()) {
    throw UsageError("--baseline '" + baseline + "' is not a value of " + by +
                     "; its values are: " + detail::join(values));
  }
  bool all_metrics = false;
  metrics = compared_metrics(results, std::move(metrics), c, all_metrics);
  const std::vector<std::size_t> index = metric_indices(results, metrics);
  ComparisonInput in{results,
                     column,
                     results.run_column("status"),
                     metrics,
                     run_values(results, index, window),
                     Pairing(results, by),
                     {}};
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (in.status->numbers[run] == 1 && column->format(run) == c.baseline)
      in.baseline_run.emplace(in.pairing.key(run), run);
  }
  for (const std::string& v : values) {
    if (v == c.baseline) continue;
    DesignComparison d;
    d.value = v;
    const PairedValues p = paired_values(in, v);
    d.pairs = p.pairs;
    if (d.pairs == 0) {
      throw UsageError(
          fmt::format("no run of {} = {} pairs with a baseline run (same replication and the same "
                      "other swept parameters): compare needs a grid or list design",
                      by, v));
    }
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      MetricComparison m = compare_metric(info_of(results, metrics[k]), p, k, c.confidence);
      if (all_metrics && m.design.n == 0 && m.baseline.n == 0) continue;  // submodel switched off
      d.metrics.push_back(std::move(m));
    }
    d.categories = category_verdicts(c.categories, d.metrics);
    c.designs.push_back(std::move(d));
  }
  if (c.designs.empty()) throw UsageError(by + " has only one value; nothing to compare");
  return c;
}

std::string verdict_sentence(const Comparison& comparison, const DesignComparison& design) {
  std::vector<std::string> better, worse, mixed, same;
  const auto& categories = comparison.categories;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string label = category_label(categories[i]);
    if (design.categories[i] == "better") better.push_back(label);
    if (design.categories[i] == "worse") worse.push_back(label);
    if (design.categories[i] == "mixed") mixed.push_back(label);
    if (design.categories[i] == "same") same.push_back(label);
  }
  const std::string start = fmt::format("{} vs {}: ", design.value, comparison.baseline);
  if (design.pairs < 2) {
    return fmt::format(
        "{}only {} paired run: no confidence intervals, no verdict (run more replications)", start,
        design.pairs);
  }
  std::vector<std::string> parts;
  if (!better.empty()) parts.push_back("better on " + join_words(better));
  if (!worse.empty()) parts.push_back("worse on " + join_words(worse));
  if (!mixed.empty()) parts.push_back("mixed on " + join_words(mixed));
  if (!same.empty()) parts.push_back("no significant difference on " + join_words(same));
  if (parts.empty()) parts.push_back("no category measured");
  return fmt::format("{}{} ({} paired runs, 95% CIs)", start, fmt::join(parts, "; "), design.pairs);
}

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t text_columns = 0;  // left-aligned leading columns
};

Table metric_table(const Comparison& c) {
  Table t;
  t.header = {c.parameter,  "metric", "n",      "design", c.baseline + " (baseline)",
              "difference", "95% CI", "verdict"};
  t.text_columns = 2;
  for (const auto& d : c.designs) {
    for (const auto& m : d.metrics) {
      if (!c.shown.empty() && std::find(c.shown.begin(), c.shown.end(), m.metric) == c.shown.end())
        continue;
      t.rows.push_back({d.value, m.metric, std::to_string(m.difference.n), number(m.design.mean),
                        number(m.baseline.mean), signed_number(m.difference.mean),
                        std::isnan(m.difference.ci_low)
                            ? "-"
                            : "[" + signed_number(m.difference.ci_low) + ", " +
                                  signed_number(m.difference.ci_high) + "]",
                        verdict_word(m.verdict, m.direction)});
    }
  }
  return t;
}

Table dominance_table(const Comparison& c) {
  Table t;
  t.header = {c.parameter};
  for (const auto& category : c.categories) t.header.push_back(category_label(category));
  t.text_columns = t.header.size();
  for (const auto& d : c.designs) {
    std::vector<std::string> row = {d.value};
    for (const auto& v : d.categories) row.push_back(v.empty() ? "-" : v);
    t.rows.push_back(std::move(row));
  }
  return t;
}

void print_aligned(std::ostream& out, const Table& t) {
  std::vector<std::size_t> width(t.header.size());
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    width[c] = t.header[c].size();
    for (const auto& row : t.rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out << "  ";
      out << (c < t.text_columns || c + 1 == cells.size() ? std::left : std::right)
          << std::setw(static_cast<int>(width[c])) << cells[c];
    }
    out << std::left << '\n';
  };
  line(t.header);
  std::size_t total = 0;
  for (std::size_t w : width) total += w + 2;
  out << std::string(total - 2, '-') << '\n';
  for (const auto& row : t.rows) line(row);
}

void print_markdown_table(std::ostream& out, const Table& t) {
  out << '|';
  for (const auto& h : t.header) out << ' ' << h << " |";
  out << "\n|";
  for (std::size_t c = 0; c < t.header.size(); ++c) out << (c < t.text_columns ? "---|" : "--:|");
  out << '\n';
  for (const auto& row : t.rows) {
    out << '|';
    for (const auto& cell : row) out << ' ' << cell << " |";
    out << '\n';
  }
}

std::string heading(const Comparison& c) {
  return fmt::format(
      "Paired comparison of {} against {} at {} (common random numbers: replication k saw the "
      "same random events in every design; 95% t confidence intervals of the mean difference)",
      c.parameter, c.baseline, describe(c.window));
}

}  // namespace

void print_comparison(std::ostream& out, const Comparison& c) {
  out << heading(c) << "\n\n";
  print_aligned(out, metric_table(c));
  if (!c.shown.empty())
    out << "(headline metrics; the verdicts below use every metric: --metrics all lists them)\n";
  out << "\nBy category (better/worse: at least one metric differs significantly in that "
         "direction):\n\n";
  print_aligned(out, dominance_table(c));
  out << '\n';
  for (const auto& d : c.designs) out << verdict_sentence(c, d) << '\n';
}

void print_comparison_markdown(std::ostream& out, const Comparison& c) {
  out << heading(c) << "\n\n";
  print_markdown_table(out, metric_table(c));
  if (!c.shown.empty())
    out << "\n(headline metrics; the verdicts use every metric: `--metrics all` lists them)\n";
  out << '\n';
  print_markdown_table(out, dominance_table(c));
  out << '\n';
  for (const auto& d : c.designs) out << "- " << verdict_sentence(c, d) << '\n';
}

void print_comparison_csv(std::ostream& out, const Comparison& c) {
  out << "parameter,design,baseline,metric,category,direction,pairs,design_mean,baseline_mean,"
         "difference,sd,"
         "ci95_low,ci95_high,verdict\n";
  for (const auto& d : c.designs) {
    for (const auto& m : d.metrics) {
      out << csv_field(c.parameter) << ',' << csv_field(d.value) << ',' << csv_field(c.baseline)
          << ',' << m.metric << ',' << m.category << ',' << m.direction << ',' << m.difference.n
          << ',' << number(m.design.mean, 17) << ',' << number(m.baseline.mean, 17) << ','
          << number(m.difference.mean, 17) << ',' << number(m.difference.sd, 17) << ','
          << number(m.difference.ci_low, 17) << ',' << number(m.difference.ci_high, 17) << ','
          << verdict_word(m.verdict, m.direction) << '\n';
    }
  }
}

}  // namespace orgsim::analysis
