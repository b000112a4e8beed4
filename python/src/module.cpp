// orgsim._orgsim: the C++ side of the Python module (docs/python.md). It runs experiments into
// results files exactly as `orgsim run` does (same code path, same files), simulates single runs
// in memory for evaluate(), and hands out the parameter and metric tables. Runs release the GIL;
// Ctrl-C (SIGINT) stops a sweep as the command line's does, leaving a file that --resume (or
// run(..., resume=True)) finishes. orgsim's errors become Python exceptions carrying the same
// message (file:line:column for experiment files).
#include "orgsim/agents/model.hpp"
#include "orgsim/agents/parameters.hpp"
#include "orgsim/analysis/compare.hpp"
#include "orgsim/analysis/sensitivity.hpp"
#include "orgsim/core/error.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/core/version.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/problem.hpp"
#include "orgsim/experiments/runner.hpp"
#include "orgsim/experiments/writer_lock.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace py = pybind11;
using namespace orgsim;

namespace {

/// A parameter value as Python sees it.
py::object to_python(const agents::ParamValue& value) {
  return std::visit([](const auto& v) { return py::cast(v); }, value);
}

/// A Python value as a parameter value (bool before int: Python's bool is an int).
agents::ParamValue from_python(const std::string& name, const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<std::int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  // numpy scalars and other numbers
  if (py::hasattr(value, "__index__"))
    return py::reinterpret_borrow<py::object>(value).attr("__index__")().cast<std::int64_t>();
  if (py::hasattr(value, "__float__"))
    return py::reinterpret_borrow<py::object>(value).attr("__float__")().cast<double>();
  throw UsageError(fmt::format("parameter {}: a {} is not a parameter value", name,
                               std::string(py::str(value.get_type().attr("__name__")))));
}

py::list parameter_rows() {
  py::list rows;
  for (const agents::ParamSpec& spec : agents::parameter_table()) {
    py::dict row;
    row["name"] = spec.name;
    row["submodel"] = std::string(spec.submodel());
    row["type"] = std::string(agents::type_name(spec.type));
    row["default"] = to_python(spec.default_value);
    const bool numeric =
        spec.type == agents::ParamType::integer || spec.type == agents::ParamType::real;
    row["min"] = numeric ? py::cast(spec.min) : py::none();
    row["max"] = numeric ? py::cast(spec.max) : py::none();
    std::vector<std::string> choices(spec.choices.begin(), spec.choices.end());
    row["choices"] = choices;
    row["unit"] = std::string(spec.unit);
    row["label"] = std::string(agents::parameter_label(spec.name));
    row["help"] = std::string(spec.help);
    row["basis"] = std::string(agents::parameter_basis(spec));
    rows.append(row);
  }
  return rows;
}

py::list metric_rows() {
  py::list rows;
  for (const MetricInfo& metric : agents::metric_table()) {
    py::dict row;
    row["name"] = metric.name;
    row["category"] = metric.category;
    row["unit"] = metric.unit;
    row["label"] = metric.label;
    row["help"] = metric.help;
    row["better"] = std::string(better_name(metric.better));
    row["headline"] = metric.headline;
    rows.append(row);
  }
  return rows;
}

/// The experiment: a file (`is_path`) or TOML text named `source_name` in messages.
experiments::ExperimentSpec load(const std::string& experiment, bool is_path,
                                 const std::string& source_name,
                                 const std::vector<std::string>& sets) {
  if (is_path) return experiments::load_experiment(experiment, sets);
  return experiments::parse_experiment(experiment, source_name, sets);
}

py::dict describe(const experiments::ExperimentSpec& spec) {
  py::dict out;
  out["name"] = spec.name;
  out["description"] = spec.description;
  out["resolved"] = spec.resolved_text();
  out["runs"] = spec.run_count();
  out["design_points"] = spec.design_point_count();
  out["replications"] = spec.replications;
  out["ticks"] = spec.ticks;
  out["seed"] = spec.seed;
  out["notes"] = spec.notes;
  out["warnings"] = spec.warnings;
  return out;
}

/// Runs `work` on another thread with the GIL released; every 100 ms, back on this thread with
/// the GIL, reports progress and lets Python handle pending signals. A KeyboardInterrupt (or any
/// exception a signal handler raises) sets `stop` so that the sweep winds down; once `work` has
/// returned, another exception is raised, and a KeyboardInterrupt is cleared and reported by
/// returning true (the caller raises it with the sweep's numbers).
template <class Work>
bool run_interruptibly(Work&& work, std::atomic<int>& stop, const std::atomic<std::size_t>& done,
                       const std::atomic<std::size_t>& total, const py::object& progress) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr error;
  bool interrupted = false;
  std::size_t reported = static_cast<std::size_t>(-1);
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      const std::lock_guard lock(mutex);
      finished = true;
      finished_cv.notify_all();
    });
    for (;;) {
      {
        std::unique_lock lock(mutex);
        if (finished_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; }))
          break;
      }
      py::gil_scoped_acquire acquire;
      if (!progress.is_none() && done.load() != reported && total.load() > 0) {
        reported = done.load();
        try {
          progress(reported, total.load());
        } catch (py::error_already_set&) {  // a failing progress callback: stop, then raise
          stop.store(SIGINT);
          interrupted = true;
          PyErr_Clear();
        }
      }
      if (!interrupted && PyErr_CheckSignals() != 0) {
        stop.store(SIGINT);
        interrupted = true;  // the exception stays set until the sweep has stopped
      }
    }
    worker.join();
  }
  if (interrupted && PyErr_Occurred() != nullptr) {
    if (!PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) throw py::error_already_set();
    PyErr_Clear();
  }
  if (error) std::rethrow_exception(error);
  if (!progress.is_none() && !interrupted && done.load() != reported && total.load() > 0)
    progress(done.load(), total.load());  // the last runs, finished since the last report
  return interrupted;
}

py::dict run(const std::string& experiment, bool is_path, const std::string& source_name,
             const std::vector<std::string>& sets, const std::string& output, std::size_t threads,
             bool resume, const py::object& progress) {
  const experiments::ExperimentSpec spec = load(experiment, is_path, source_name, sets);
  std::atomic<int> stop{0};
  std::atomic<std::size_t> done{0}, total{0};
  experiments::SweepReport report;
  std::size_t used_threads = 0;
  const bool keyboard_interrupt = run_interruptibly(
      [&] {
        ThreadLimit limit(threads);
        used_threads = limit.threads();
        experiments::RunnerOptions options;
        options.threads = limit.threads();
        options.resume = resume;
        options.stop = &stop;
        options.on_progress = [&](std::size_t d, std::size_t t) {
          total.store(t);
          done.store(d);
        };
        report = experiments::run_experiment(spec, output, options);
      },
      stop, done, total, progress);
  py::dict out = describe(spec);
  out["output"] = output;
  out["runs_computed"] = report.runs_computed;
  out["runs_reused"] = report.runs_reused;
  out["runs_complete"] = report.runs_complete;
  out["wall_seconds"] = report.wall_seconds;
  out["threads"] = used_threads;
  // Ctrl-C: a KeyboardInterrupt, even when the last run finished before the sweep noticed it.
  out["interrupted_by"] = report.interrupted_by != 0 ? report.interrupted_by
                          : keyboard_interrupt       ? SIGINT
                                                     : 0;
  return out;
}

/// One run in memory: design point `point` of the experiment with `params` on top, replication
/// `replication` (its random numbers). Returns the ticks and the metric rows as arrays.
py::dict simulate(const std::string& experiment, bool is_path, const std::string& source_name,
                  const std::vector<std::string>& sets, const py::dict& params, std::size_t point,
                  std::uint64_t replication) {
  const experiments::ExperimentSpec spec = load(experiment, is_path, source_name, sets);
  if (point >= spec.design_point_count())
    throw UsageError(fmt::format("design point {}: the experiment has {} design points", point,
                                 spec.design_point_count()));
  agents::ModelParams model = spec.run_params_at(point);
  std::vector<const agents::ParamSpec*> given_here;  // params set here hold from the start
  for (const auto& [key, value] : params) {
    const std::string name = py::str(key);
    const agents::ParamSpec* row = agents::find_parameter(name);
    if (row == nullptr) {
      std::vector<std::string> names;
      for (const auto& p : agents::parameter_table()) names.push_back(p.name);
      throw UsageError(
          fmt::format("unknown parameter '{}'{}", name, experiments::did_you_mean(name, names)));
    }
    agents::ParamValue given = from_python(name, value);
    if (const auto* real = std::get_if<double>(&given);
        real && row->type == agents::ParamType::integer && std::floor(*real) == *real &&
        std::abs(*real) < 9.0e15)
      given = static_cast<std::int64_t>(*real);  // 50.0 from a sampler or a DataFrame is 50
    const auto coerced = agents::coerce(*row, given);
    if (!coerced)
      throw UsageError(fmt::format("parameter {} = {}: expected {}", name,
                                   std::string(py::repr(value)), agents::expected_value(*row)));
    agents::assign(model, *row, *coerced);
    given_here.push_back(row);
  }
  if (const auto problem = agents::check_consistency(model))
    throw UsageError(fmt::format("parameter {}: {}", problem->parameter, problem->message));
  agents::RunOptions options = spec.run_options();
  if (spec.events_differ_by_point()) options.events = spec.events_at(point);
  for (agents::ScheduledEvent& e : options.events) {  // an option's values from today (week 1)
    if (e.kind != agents::ScheduledEvent::Kind::set || !e.name.empty()) continue;
    std::erase_if(e.changes, [&](const auto& change) {
      return std::find(given_here.begin(), given_here.end(), change.first) != given_here.end();
    });
  }
  agents::RunOutcome outcome;
  {
    py::gil_scoped_release release;
    outcome = agents::simulate(model, {spec.seed, replication}, options);
  }
  const std::size_t rows = outcome.metrics.rows(), width = outcome.metrics.width();
  py::array_t<double> values({rows, width});
  std::copy(outcome.metrics.values().begin(), outcome.metrics.values().end(),
            values.mutable_data());
  // The tick of each row: every `record_every` ticks, and the last tick simulated.
  py::array_t<std::int64_t> ticks(static_cast<py::ssize_t>(rows));
  auto* tick = ticks.mutable_data();
  for (std::size_t r = 0; r < rows; ++r)
    tick[r] = std::min<std::int64_t>(static_cast<std::int64_t>(r) * spec.record_every,
                                     static_cast<std::int64_t>(outcome.ticks_run));
  py::dict out;
  out["ticks"] = ticks;
  out["values"] = values;
  out["ticks_run"] = outcome.ticks_run;
  return out;
}

/// `orgsim sensitivity --format csv` of a results file.
std::string sensitivity_csv(const std::string& path, const std::vector<std::string>& metrics,
                            const std::string& at, std::size_t bootstrap) {
  const experiments::ResultsReader results(path);
  std::ostringstream out;
  analysis::print_sensitivity_csv(
      out, analysis::sensitivity(results, metrics, analysis::parse_window(at), bootstrap));
  return out.str();
}

/// `orgsim compare --by BY --format csv` of a results file (one --by, no --per).
std::string compare_csv(const std::string& path, const std::string& by, const std::string& baseline,
                        const std::vector<std::string>& metrics, const std::string& at) {
  const experiments::ResultsReader results(path);
  std::ostringstream out;
  analysis::print_comparison_csv(
      out, analysis::compare(results, by, baseline, metrics, analysis::parse_window(at)));
  return out.str();
}

}  // namespace

PYBIND11_MODULE(_orgsim, m) {
  m.doc() = "orgsim's C++ core (use the package orgsim, not this module)";
  m.attr("__version__") = std::string(version());
  m.attr("git_revision") = std::string(git_revision());

  // Errors a user can fix: orgsim.Error and its kinds, all ValueErrors; a failed write is an
  // OSError (the file keeps the runs finished before it; resume=True completes it).
  static py::exception<Error> error(m, "Error", PyExc_ValueError);
  static py::exception<ConfigError> config_error(m, "ConfigError", error.ptr());
  static py::exception<ResultsError> results_error(m, "ResultsError", error.ptr());
  static py::exception<UsageError> usage_error(m, "UsageError", error.ptr());
  static py::exception<ResourceError> resource_error(m, "ResourceError", error.ptr());
  static py::exception<OutputError> output_error(m, "OutputError", PyExc_OSError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const ConfigError& e) {
      PyErr_SetString(config_error.ptr(), e.what());
    } catch (const ResultsError& e) {
      PyErr_SetString(results_error.ptr(), e.what());
    } catch (const UsageError& e) {
      PyErr_SetString(usage_error.ptr(), e.what());
    } catch (const ResourceError& e) {
      PyErr_SetString(resource_error.ptr(), e.what());
    } catch (const Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    } catch (const OutputError& e) {
      PyErr_SetString(output_error.ptr(),
                      fmt::format("cannot write {} ({}): {} runs complete; resume=True finishes it",
                                  e.path(), e.what(), e.runs_complete())
                          .c_str());
    }
  });

  m.def("parameters", &parameter_rows, "The parameter table: one dict per parameter");
  m.def("metrics", &metric_rows, "The metric table: one dict per metric, in /metrics order");
  m.def(
      "default_experiment", [] { return std::string(experiments::default_experiment_text()); },
      "The default experiment's TOML text");
  m.def(
      "describe",
      [](const std::string& experiment, bool is_path, const std::string& source_name,
         const std::vector<std::string>& sets) {
        return describe(load(experiment, is_path, source_name, sets));
      },
      py::arg("experiment"), py::arg("is_path"), py::arg("source_name"), py::arg("sets"),
      "Parses and validates an experiment; its name, size and resolved text");
  m.def(
      "problem",
      [](const std::string& experiment, bool is_path, const std::string& source_name,
         const std::vector<std::string>& sets, const std::vector<std::string>& parameters) {
        return experiments::problem_json(experiments::sampling_problem(
            load(experiment, is_path, source_name, sets), parameters));
      },
      py::arg("experiment"), py::arg("is_path"), py::arg("source_name"), py::arg("sets"),
      py::arg("parameters"), "A SALib problem dict (JSON) for a design's parameters");
  m.def(
      "single_run",
      [](const std::string& recorded, const std::string& results_path, std::size_t run) {
        return experiments::single_run_experiment(
            experiments::parse_experiment(recorded, results_path + " (its experiment)"), run);
      },
      py::arg("recorded"), py::arg("results_path"), py::arg("run"),
      "The experiment of one run of a recorded sweep, as TOML (run(path, rerun=K))");
  m.def("sensitivity_csv", &sensitivity_csv, py::arg("path"), py::arg("metrics"), py::arg("at"),
        py::arg("bootstrap"), py::call_guard<py::gil_scoped_release>(),
        "orgsim sensitivity --format csv");
  m.def("compare_csv", &compare_csv, py::arg("path"), py::arg("by"), py::arg("baseline"),
        py::arg("metrics"), py::arg("at"), py::call_guard<py::gil_scoped_release>(),
        "orgsim compare --format csv");
  m.def("run", &run, py::arg("experiment"), py::arg("is_path"), py::arg("source_name"),
        py::arg("sets"), py::arg("output"), py::arg("threads"), py::arg("resume"),
        py::arg("progress"), "Runs an experiment into a results file, as `orgsim run` does");
  m.def("writer_busy", &experiments::WriterLock::held, py::arg("path"),
        "True when another process holds the writer lock of the file (is writing it)");
  m.def("simulate", &simulate, py::arg("experiment"), py::arg("is_path"), py::arg("source_name"),
        py::arg("sets"), py::arg("params"), py::arg("design_point"), py::arg("replication"),
        "One run in memory: ticks and metric rows");
}
