// One-at-a-time sensitivity around one option: the experiment it runs and the bars it draws.
#include "orgsim/analysis/tornado.hpp"

#include "format.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

namespace orgsim::analysis {

using detail::csv_field;

namespace {

/// A value as an experiment file would give it, checked and coerced by the loader itself (so
/// ranges, types and choices are those of `[scenario]`).
ParamValue checked_value(const std::string& parameter, const std::string& value,
                         const std::string& argument) {
  if (!agents::moved_event(*agents::find_parameter(parameter)).empty()) {
    std::int64_t tick = 0;  // an event's time: checked against the run and its events later
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), tick);
    if (ec != std::errc{} || end != value.data() + value.size() || tick < 1)
      throw UsageError("--vary " + argument + ": expected a tick (an integer >= 1), got '" + value +
                       "'");
    return tick;
  }
  try {
    const auto spec = experiments::parse_experiment("[experiment]\n", "--vary",
                                                    {"scenario." + parameter + "=" + value});
    return agents::value_of(spec.scenario, *agents::find_parameter(parameter));
  } catch (const ConfigError& e) {
    std::string message = e.what();
    if (const auto at = message.find("error: "); at != std::string::npos)
      message = message.substr(at + 7);
    throw UsageError("--vary " + argument + ": " + message);
  }
}

/// Each assumption's LOW and HIGH lie on either side of the base, LOW below HIGH.
void check_around_base(const std::vector<TornadoInput>& inputs,
                       const std::vector<ParamValue>& base) {
  const auto number = [](const ParamValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* x = std::get_if<double>(&v)) return *x;
    return std::nan("");
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = inputs[i].parameter;
    for (const ParamValue& v : {inputs[i].low, inputs[i].high})
      if (v == base[i])
        throw UsageError("--vary " + name + ": " + agents::format_value(v) +
                         " is the base value (the option's own); give a low and a high value on "
                         "either side of it");
    if (number(inputs[i].low) > number(inputs[i].high))
      throw UsageError("--vary " + name + ": LOW (" + agents::format_value(inputs[i].low) +
                       ") is above HIGH (" + agents::format_value(inputs[i].high) + ")");
  }
}

/// The tornado's events: the option's, each moved to a held "events.<name>.at" (which then
/// leaves the scenario), in tick order.
void hold_events(experiments::ExperimentSpec& t, std::vector<agents::ScheduledEvent> events) {
  for (agents::ScheduledEvent& e : events) {
    const auto moved = t.scenario.extensions.find("events." + e.name + ".at");
    if (!e.name.empty() && moved != t.scenario.extensions.end())
      e.at = static_cast<Tick>(std::get<std::int64_t>(moved->second));
  }
  std::erase_if(t.scenario.extensions,
                [](const auto& entry) { return entry.first.starts_with("events."); });
  std::stable_sort(
      events.begin(), events.end(),
      [](const agents::ScheduledEvent& a, const agents::ScheduledEvent& b) { return a.at < b.at; });
  t.events = std::move(events);
  t.option_events.clear();
}

/// The experiment's own factors (a grid or list of uncertainties) held at a central setting: each
/// grid axis at its middle value, a list at its first point.
void hold_design_factors(const experiments::ExperimentSpec& spec, experiments::ExperimentSpec& t,
                         std::vector<std::string>& notes) {
  // The experiment's own factors (a grid or list of uncertainties) are held at a central
  // setting: each grid axis at its middle value, a list at its first point.
  if (spec.design.parameters.empty()) return;
  const auto& design = spec.design;
  std::vector<std::string> held;
  for (std::size_t p = 0; p < design.parameters.size(); ++p) {
    const ParamValue v = design.kind == experiments::DesignKind::grid
                             ? design.grid_values[p][(design.grid_values[p].size() - 1) / 2]
                             : design.values(0)[p];
    agents::assign(t.scenario, *design.parameters[p], v);
    held.push_back(std::string(design.parameters[p]->name) + " = " + agents::format_value(v));
  }
  notes.push_back("the experiment's own factors are held at " + detail::join(held) +
                  (design.kind == experiments::DesignKind::grid ? " (the middle of each grid axis)"
                                                                : " (the list's first point)") +
                  "; --set scenario.NAME=VALUE after removing them from the design chooses "
                  "others");
  if (design.kind != experiments::DesignKind::grid && design.kind != experiments::DesignKind::list)
    throw UsageError("tornado varies assumptions around one option; the experiment's [sweep." +
                     std::string(experiments::design_kind_name(design.kind)) +
                     "] has no central setting: remove it");
}

}  // namespace

TornadoInput parse_tornado_input(const std::string& text) {
  const auto eq = text.find('=');
  const auto comma = text.find(',', eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || comma == std::string::npos ||
      text.find(',', comma + 1) != std::string::npos) {
    throw UsageError("--vary '" + text +
                     "': expected NAME=LOW,HIGH, e.g. environment.market_growth=0,0.004");
  }
  TornadoInput input;
  input.parameter = text.substr(0, eq);
  if (!agents::find_parameter(input.parameter))
    throw UsageError("--vary " + text + ": unknown parameter '" + input.parameter +
                     "' (orgsim params lists them)");
  input.low = checked_value(input.parameter, text.substr(eq + 1, comma - eq - 1), text);
  input.high = checked_value(input.parameter, text.substr(comma + 1), text);
  if (input.low == input.high) throw UsageError("--vary " + text + ": LOW and HIGH are the same");
  return input;
}

experiments::ExperimentSpec tornado_experiment(const experiments::ExperimentSpec& spec,
                                               const std::string& option,
                                               const std::vector<TornadoInput>& inputs,
                                               std::vector<std::string>& notes) {
  if (inputs.empty()) throw UsageError("give at least one --vary NAME=LOW,HIGH");
  const auto& options = spec.design.options;
  std::size_t chosen = options.baseline;
  if (!option.empty()) {
    const auto it = std::find(options.names.begin(), options.names.end(), option);
    if (it == options.names.end()) {
      throw UsageError("--option '" + option + "': " +
                       (options.names.empty() ? std::string("the experiment has no [[options]]")
                                              : "its options are: " + detail::join(options.names)));
    }
    chosen = static_cast<std::size_t>(it - options.names.begin());
  }
  experiments::ExperimentSpec t = spec;
  hold_design_factors(spec, t, notes);
  const std::size_t point = options.names.empty() ? 0 : chosen * spec.design.inner_size();
  if (!options.names.empty()) {
    for (std::size_t p = 0; p < options.parameters.size(); ++p)
      agents::assign(t.scenario, *options.parameters[p], options.values[chosen][p]);
  }
  hold_events(t, spec.events_at(point));
  t.design = experiments::Design{};
  t.design.kind = experiments::DesignKind::list;
  t.design.seed = spec.seed;
  t.name = spec.name + " tornado" +
           (options.names.empty() ? std::string() : ", option " + options.names[chosen]);
  std::vector<ParamValue> base;
  for (const TornadoInput& input : inputs) {
    const auto* param = agents::find_parameter(input.parameter);
    if (std::find(t.design.parameters.begin(), t.design.parameters.end(), param) !=
        t.design.parameters.end())
      throw UsageError("--vary " + input.parameter + ": given twice");
    t.design.parameters.push_back(param);
    if (const auto event = agents::moved_event(*param); !event.empty()) {
      const auto e = std::find_if(t.events.begin(), t.events.end(),
                                  [&](const agents::ScheduledEvent& x) { return x.name == event; });
      if (e == t.events.end())
        throw UsageError("--vary " + input.parameter + ": the option has no event named \"" +
                         std::string(event) + "\"");
      base.push_back(static_cast<std::int64_t>(e->at));
    } else {
      base.push_back(agents::value_of(t.scenario, *param));
    }
  }
  check_around_base(inputs, base);  // before anything runs
  t.design.list_points.push_back(base);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (const ParamValue& v : {inputs[i].low, inputs[i].high}) {
      t.design.list_points.push_back(base);
      t.design.list_points.back()[i] = v;
    }
  }
  // Through the loader once more: every point checked for consistency, the text that the results
  // file records reads back as this experiment.
  try {
    return experiments::parse_experiment(t.resolved_text(), t.source_name);
  } catch (const ConfigError& e) {
    throw UsageError(std::string("the tornado's design is inconsistent: ") + e.what());
  }
}

Tornado tornado(const experiments::ResultsReader& results, const std::string& metric,
                const Window& window) {
  const auto text = results.attribute("experiment");
  if (!text) throw UsageError("the results file does not record its experiment");
  const auto spec = experiments::parse_experiment(*text, "<results file>");
  const auto& design = spec.design;
  const std::size_t k = design.parameters.size();
  if (design.kind != experiments::DesignKind::list || design.list_points.size() != 2 * k + 1)
    throw UsageError("not the results of a tornado (orgsim tornado writes them)");
  const std::size_t index = metric_indices(results, {metric}).front();
  const auto values = run_values(results, {index}, window);
  const auto* point = results.run_column("design_point");
  const auto* replication = results.run_column("replication");
  const auto replications = static_cast<std::size_t>(spec.replications);
  // value[point][replication]
  std::vector<std::vector<double>> value(2 * k + 1,
                                         std::vector<double>(replications, std::nan("")));
  for (std::size_t run = 0; run < results.run_count(); ++run) {
    if (values[run].empty()) continue;  // incomplete
    value[static_cast<std::size_t>(point->numbers[run])]
         [static_cast<std::size_t>(replication->numbers[run])] = values[run][0];
  }
  const MetricInfo& info = results.metric_info()[index];
  const auto [unit, scale] = display_unit(info, window, results.attribute("currency").value_or(""));
  Tornado t;
  t.metric = metric;
  t.unit = unit;
  t.window = window;
  std::vector<double> base = value[0];
  for (double& v : base) v *= scale;
  t.base = estimate(base);
  const auto& points = design.list_points;
  for (std::size_t j = 0; j < k; ++j) {
    // Points 2j+1 and 2j+2 move one assumption (the loader orders the columns by name, so find
    // which one differs from the base).
    std::size_t i = 0;
    while (i < k && points[2 * j + 1][i] == points[0][i]) ++i;
    if (i == k) throw UsageError("not the results of a tornado (a setting equals the base)");
    TornadoBar bar;
    bar.parameter = std::string(design.parameters[i]->name);
    bar.low_value = agents::format_value(points[2 * j + 1][i]);
    bar.high_value = agents::format_value(points[2 * j + 2][i]);
    std::vector<double> low, high;
    for (std::size_t r = 0; r < replications; ++r) {
      low.push_back((value[2 * j + 1][r] - value[0][r]) * scale);
      high.push_back((value[2 * j + 2][r] - value[0][r]) * scale);
    }
    bar.low = estimate(low);
    bar.high = estimate(high);
    bar.swing = std::abs(bar.high.mean - bar.low.mean);
    t.bars.push_back(std::move(bar));
  }
  std::stable_sort(t.bars.begin(), t.bars.end(),
                   [](const TornadoBar& a, const TornadoBar& b) { return a.swing > b.swing; });
  return t;
}

namespace {

std::string interval(const Estimate& e) {
  if (std::isnan(e.ci_low)) return "-";
  return "[" + detail::readable_number(e.ci_low, 4) + ", " + detail::readable_number(e.ci_high, 4) +
         "]";
}

}  // namespace

void print_tornado(std::ostream& out, const Tornado& t) {
  out << fmt::format(
      "Tornado of {} {} at {}: base {} (95% CI {}, n = {}); each assumption at its low and "
      "high value with the others at the base, change from the base paired by replication\n\n",
      t.metric, !t.unit.empty() && t.unit.front() == '[' ? t.unit : "[" + t.unit + "]",
      describe(t.window), detail::readable_number(t.base.mean, 4), interval(t.base), t.base.n);
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"assumption", "low", "change at low", "95% CI", "high", "change at high",
                  "95% CI", "swing"});
  for (const auto& b : t.bars) {
    rows.push_back({b.parameter, b.low_value, detail::readable_number(b.low.mean, 4),
                    interval(b.low), b.high_value, detail::readable_number(b.high.mean, 4),
                    interval(b.high), detail::readable_number(b.swing, 4)});
  }
  std::vector<std::size_t> width(rows.front().size());
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (c) out << "  ";
      out << (c == 0 ? fmt::format("{:<{}}", rows[r][c], width[c])
                     : fmt::format("{:>{}}", rows[r][c], width[c]));
    }
    out << '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : width) total += w + 2;
      out << std::string(total - 2, '-') << '\n';
    }
  }
}

void print_tornado_csv(std::ostream& out, const Tornado& t, bool header) {
  if (header) {
    out << "metric,unit,at,base,parameter,low,change_low,ci95_low_low,ci95_high_low,high,"
           "change_high,ci95_low_high,ci95_high_high,swing\n";
  }
  auto n = [](double x) { return detail::readable_number(x, 17); };
  for (const auto& b : t.bars) {
    out << t.metric << ',' << csv_field(t.unit) << ',' << csv_field(describe(t.window)) << ','
        << n(t.base.mean) << ',' << b.parameter << ',' << csv_field(b.low_value) << ','
        << n(b.low.mean) << ',' << n(b.low.ci_low) << ',' << n(b.low.ci_high) << ','
        << csv_field(b.high_value) << ',' << n(b.high.mean) << ',' << n(b.high.ci_low) << ','
        << n(b.high.ci_high) << ',' << n(b.swing) << '\n';
  }
}

}  // namespace orgsim::analysis
