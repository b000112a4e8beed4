"""orgsim from Python: run experiments, read results as xarray, evaluate single runs.

    import orgsim
    path, ds = orgsim.run("experiments/configs/scenarios/structure-comparison.toml", threads=2)
    orgsim.last_values(ds)["lead_time"].groupby("structure.type").mean()
    orgsim.evaluate(**{"learning.socialization_rate": 0.3})["strategic_fit"]

The runs are orgsim's own (the same code as ``orgsim run``, the same results files). See
docs/python.md.
"""

import os
import sys

import numpy as np

from . import _orgsim
from ._orgsim import (ConfigError, Error, OutputError, ResourceError, ResultsError,  # noqa: F401
                      UsageError)
from ._discovery import feature_scores  # noqa: F401
from ._toml import dumps as _dumps
from ._toml import value as _toml_value

__version__ = _orgsim.__version__
__all__ = ["params", "metrics", "run", "open", "last_values", "evaluate", "problem", "feature_scores",
           "sensitivity", "compare", "executable",
           "default_experiment", "Error",
           "ConfigError", "ResultsError", "UsageError", "ResourceError", "OutputError",
           "RunResult"]


def params():
    """The parameter table as a pandas DataFrame indexed by name: submodel, type, default, min,
    max, choices, unit, label, help and basis (calibrated from what, or illustrative)."""
    import pandas as pd
    return pd.DataFrame(_orgsim.parameters()).set_index("name")


def metrics():
    """The metric table as a pandas DataFrame indexed by name, in the order of the results
    files' columns: category, unit, label, help, better (higher, lower, none) and headline."""
    import pandas as pd
    return pd.DataFrame(_orgsim.metrics()).set_index("name")


def default_experiment():
    """The default experiment's TOML text (what ``orgsim run`` runs without a file)."""
    return _orgsim.default_experiment()


def _parameter_names():
    return {row["name"] for row in _orgsim.parameters()}


def _experiment(experiment):
    """(text or path, is_path, name for messages, default output stem) of an experiment given as
    None (the default experiment), a path, TOML text or a dict of tables."""
    if experiment is None:
        return _orgsim.default_experiment(), False, "<default experiment>", "orgsim-default"
    if isinstance(experiment, dict):
        return _dumps(experiment), False, "<experiment dict>", None
    if isinstance(experiment, os.PathLike):
        experiment = os.fspath(experiment)
    if not isinstance(experiment, str):
        raise TypeError("experiment: expected a path, TOML text or a dict, not %s"
                        % type(experiment).__name__)
    if "\n" in experiment or experiment.lstrip().startswith("["):
        return experiment, False, "<experiment text>", None
    stem = os.path.splitext(os.path.basename(experiment))[0]
    return experiment, True, experiment, stem


def _sets(overrides):
    """Keyword overrides as --set arguments. A key is a parameter name (``scenario.`` is implied)
    or a full key such as ``experiment.seed``; ``__`` stands for a dot, so that
    ``learning__socialization_rate=0.3`` works as a keyword."""
    rows = {row["name"]: row for row in _orgsim.parameters()} if overrides else {}
    submodels = {name.split(".")[0] for name in rows}
    sets = []
    for key, v in overrides.items():
        key = key.replace("__", ".")
        if key in rows:
            if rows[key]["type"] == "integer" and isinstance(v, float) and v.is_integer():
                v = int(v)  # 50.0 from a sampler or a DataFrame row is 50
            key = "scenario." + key
        elif key.split(".")[0] in submodels:
            import difflib
            close = difflib.get_close_matches(key, list(rows), n=1)
            raise UsageError("unknown parameter '%s'%s" % (
                key, " (did you mean \"%s\"?)" % close[0] if close else ""))
        sets.append("%s=%s" % (key, _toml_value(v)))
    return sets


class RunResult(tuple):
    """What run() returns: unpacks as ``path, dataset``; ``report`` has the sweep's numbers
    (runs computed and reused, wall seconds, threads, interrupted_by)."""

    def __new__(cls, path, dataset, report):
        result = tuple.__new__(cls, (path, dataset))
        result.report = report
        return result

    @property
    def path(self):
        return self[0]

    @property
    def dataset(self):
        return self[1]


def _progress_printer(stream):
    def show(done, total):
        stream.write("\rorgsim: %d of %d runs" % (done, total))
        if done == total:
            stream.write("\n")
        stream.flush()
    return show


def _finished_same(path, resolved):
    """Whether `path` holds the finished results of exactly this experiment and build."""
    import h5py
    try:
        with h5py.File(path, "r") as f:
            attrs = f.attrs
            def text(name):
                v = attrs.get(name)
                return v.decode() if isinstance(v, bytes) else v
            return ("finished" in attrs and text("experiment") == resolved
                    and text("git_revision") == _orgsim.git_revision)
    except (OSError, ValueError):
        return False


def _rerun_experiment(path, run_id):
    """(TOML text of run `run_id` of the sweep recorded in results file `path`, its name for
    messages, the default output stem)."""
    import h5py
    with h5py.File(path, "r") as f:
        recorded = f.attrs.get("experiment")
    if recorded is None:
        raise ResultsError("%s: does not record its experiment; cannot re-run" % path)
    if isinstance(recorded, bytes):
        recorded = recorded.decode("utf-8")
    stem = os.path.splitext(os.path.basename(path))[0]
    return (_orgsim.single_run(recorded, path, int(run_id)), "%s run %d" % (path, run_id),
            "%s-run%d" % (stem, run_id))


def run(experiment=None, output=None, *, threads=None, progress=True, resume=False, force=False,
        rerun=None, **overrides):
    """Runs an experiment into a results file, as ``orgsim run`` does, and opens it.

    experiment: a path to a TOML file, TOML text, a dict of tables
        (``{"experiment": {"ticks": 52}, "scenario": {"org.employees": 60}}``), or None for the
        default experiment.
    output: the results file; default ``<file stem>.h5`` (``<experiment name>.h5`` for text and
        dicts) in the current directory.
    threads: worker threads (default: every core). Results do not depend on it.
    progress: True prints "orgsim: k of n runs" on stderr; a callable gets (done, total).
    resume: finish an interrupted sweep in `output` (after Ctrl-C, or a full disk).
    force: replace an `output` that holds other results.
    rerun: `experiment` is a results file; run its run `rerun` alone, bit for bit as in the
        sweep (e.g. with ``output__snapshots__every=10``; default output ``<stem>-run<K>.h5``).
    overrides: parameters or keys to set on top of the file, e.g. ``seed`` is
        ``experiment__seed=7``, a parameter ``learning__socialization_rate=0.3`` (or
        ``**{"learning.socialization_rate": 0.3}``).

    Returns RunResult: ``path, dataset = orgsim.run(...)``; the dataset is ``orgsim.open(path)``.
    Ctrl-C stops the sweep cleanly and raises KeyboardInterrupt; the file keeps every finished
    run and ``run(..., resume=True)`` completes it. Bad input raises orgsim.ConfigError with the
    file:line:column message of the command line.
    """
    if rerun is not None:
        text, source, stem = _rerun_experiment(os.fspath(experiment), rerun)
        is_path = False
    else:
        text, is_path, source, stem = _experiment(experiment)
    sets = _sets(overrides)
    described = _orgsim.describe(text, is_path, source, sets)
    for line in described["notes"]:
        sys.stderr.write("note: %s\n" % line)
    for line in described["warnings"]:
        sys.stderr.write("warning: %s\n" % line)
    if output is None:
        output = (stem or described["name"] or "orgsim-results") + ".h5"
    output = os.fspath(output)
    if not output:
        raise UsageError("output: the path is empty")
    if os.path.exists(output) and not resume:
        if _finished_same(output, described["resolved"]) and not force:
            report = dict(described, output=output, runs_computed=0,
                          runs_reused=described["runs"], runs_complete=described["runs"],
                          wall_seconds=0.0, threads=0, interrupted_by=0)
            return RunResult(output, open(output), report)  # runs are deterministic
        if not force:
            raise UsageError(
                "%s: holds other results (another experiment, or unfinished); pass force=True to "
                "replace them, resume=True to finish an interrupted sweep, or another output"
                % output)
        if _orgsim.writer_busy(output):
            raise UsageError("%s: another orgsim process is writing this file (it holds the "
                             "file's writer lock); wait for it to end or stop it, or choose "
                             "another output" % output)
        # Replaced: unlinked first, so that a Dataset still open on the old file (an earlier
        # notebook cell) keeps reading it and does not block the new one.
        if os.path.isfile(output):
            os.remove(output)
    if progress is True:
        progress = _progress_printer(sys.stderr)
    elif progress is False:
        progress = None
    if threads is not None and int(threads) < 1:
        raise UsageError("threads: expected at least 1 (None: every core)")
    report = _orgsim.run(text, is_path, source, sets, output, int(threads or 0), bool(resume),
                         progress)
    if report["interrupted_by"]:
        raise KeyboardInterrupt("orgsim: sweep interrupted; %d of %d runs complete in %s; "
                                "finish it with run(..., resume=True)"
                                % (report["runs_complete"], report["runs"], output))
    return RunResult(output, open(output), report)


def problem(experiment=None, parameters=None):
    """A SALib problem dict for the parameters an experiment's design varies (or `parameters`,
    with their whole ranges): num_vars, names, bounds, dists, and orgsim_values for discrete
    parameters (a sample's number u in [0, n) picks the value with index floor(u)). Integers get
    bounds [min - 0.5, max + 0.5]: samples are rounded. Sample with SALib or EMA Workbench, save
    with column names, and run with ``[sweep.samples] file = "X.csv"``."""
    import json
    text, is_path, source, _ = _experiment(experiment)
    return json.loads(_orgsim.problem(text, is_path, source, [], list(parameters or [])))


def open(path):  # noqa: A001 (orgsim.open, as xarray.open_dataset)
    """A results file as an xarray.Dataset, read lazily and in slices: one variable per metric
    (run, tick) with units and labels, run coordinates for the design's parameters,
    replication, seed and status, and the file's provenance as attributes."""
    from ._files import open_results
    return open_results(path)


def sensitivity(path, metrics=None, at="end", bootstrap=1000):
    """`orgsim sensitivity` as a DataFrame: Sobol indices of a saltelli sweep (or a Saltelli
    sample file) or Morris effects of a morris sweep, one row per metric and parameter. `at`:
    end, a tick, mean:A-B, sum:A-B, total or npv:RATE."""
    import io
    import pandas as pd
    text = _orgsim.sensitivity_csv(os.fspath(path), list(metrics or []), at, int(bootstrap))
    return pd.read_csv(io.StringIO(text))


def compare(path, by="option", baseline="", metrics=None, at="end"):
    """`orgsim compare --by BY` as a DataFrame: each value of `by` against the baseline, paired
    by replication (common random numbers), with the differences, their intervals, Holm-adjusted
    p-values and verdicts, one row per design and metric (docs/analysis.md)."""
    import io
    import pandas as pd
    text = _orgsim.compare_csv(os.fspath(path), by, baseline or "", list(metrics or []), at)
    return pd.read_csv(io.StringIO(text))


def executable():
    """The orgsim command-line program next to this module (the build tree's cli/orgsim, or
    <prefix>/bin/orgsim of an installed one), else the one on PATH, else None."""
    import shutil
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "..", "cli", "orgsim"),        # build/python/orgsim
                      os.path.join(here, "..", "..", "..", "..", "bin", "orgsim")):  # installed
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    return shutil.which("orgsim")


def last_values(ds, metrics=None):
    """Each run's value at its last recorded row, as a Dataset over run (`ds` from open; a run
    that stopped early, at equilibrium or because the firm exited, has NaN after its end, so
    ``ds.isel(tick=-1)`` would miss it). `metrics`: names (default: every metric)."""
    from ._files import last_values as _last
    return _last(ds, metrics)


def evaluate(experiment=None, *, design_point=0, replication=0, series=True, **params):
    """One run of an experiment, in memory, as a dict of outcomes (for EMA Workbench's
    ``Model(name, function=orgsim.evaluate)``, optimizers and ABC).

    experiment: as for run() (default: the default experiment); its `design_point` (default 0)
        with `params` on top, e.g. ``evaluate(**{"learning.socialization_rate": 0.3})`` or
        ``evaluate(learning__socialization_rate=0.3)``. replication: whose random numbers
        (runs with the same replication share them: common random numbers). As in run(), an
        option's design point warms up with the baseline's values and takes its own from week 1
        (docs/experiment-files.md, Options); `params` given here hold from the start.

    Returns {metric: its value at the last recorded tick} for every metric, and with series=True
    also {metric + "_series": numpy array over the recorded ticks} and "ticks" (those ticks).
    """
    if int(replication) < 0 or int(design_point) < 0:
        raise UsageError("replication and design_point: expected numbers >= 0")
    text, is_path, source, _ = _experiment(experiment)
    values = {key.replace("__", "."): v for key, v in params.items()}
    out = _orgsim.simulate(text, is_path, source, [], values, int(design_point), int(replication))
    names = [row["name"] for row in _orgsim.metrics()]
    rows = out["values"]
    result = {name: float(rows[-1, i]) for i, name in enumerate(names)}
    if series:
        for i, name in enumerate(names):
            result[name + "_series"] = np.array(rows[:, i])
        result["ticks"] = np.array(out["ticks"])
    return result
