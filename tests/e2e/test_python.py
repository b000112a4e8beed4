"""The Python module orgsim (issue 23), through Debian's /usr/bin/python3: installed from the build
by cmake --install, run() and open() against h5py, xarray's h5netcdf engine on the files,
evaluate() in an EMA-style loop and against the same run inside a sweep, Ctrl-C, errors and
the memory of a lazy read.

Environment: ORGSIM (the binary), ORGSIM_PYTHONPATH (the build's python/ directory),
ORGSIM_BUILD_DIR (for cmake --install)."""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import h5py
import numpy as np

from e2e_common import check, write

PYTHONPATH = os.environ["ORGSIM_PYTHONPATH"]
sys.path.insert(0, PYTHONPATH)
import orgsim  # noqa: E402

SMALL = """
[experiment]
name = "small"
ticks = 40
replications = 3
seed = 11
[scenario]
org.employees = 60
learning.turnover_rate = 0.01
structure.enabled = true
people.enabled = true
work.enabled = true
environment.enabled = true
[sweep.grid]
learning.socialization_rate = [0.1, 0.5]
"structure.type" = ["functional", "cross_functional"]
[output.snapshots]
every = 10
sample = 4
fields = ["id", "engagement", "beliefs"]
"""


def python(script, env=None, cwd=None, timeout=600):
    """Runs a Python script with /usr/bin/python3 (the Python the module is built for)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=timeout)


def installed_module_matches_h5py(tmp):
    # cmake --install puts the module where this Python finds it under the prefix.
    prefix = os.path.join(tmp, "prefix")
    build = os.environ["ORGSIM_BUILD_DIR"]
    done = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True,
                          text=True, timeout=300)
    check(done.returncode == 0, done.stdout + done.stderr)
    site = os.path.join(prefix, "lib", "python%d.%d" % sys.version_info[:2], "dist-packages")
    exp = write(tmp, "small.toml", SMALL)
    out = os.path.join(tmp, "small.h5")
    script = f"""
        import orgsim, sys
        assert orgsim.__file__.startswith({prefix!r}), orgsim.__file__
        path, ds = orgsim.run({exp!r}, {out!r}, threads=2, progress=False)
        print(path, ds.sizes["run"], ds.sizes["tick"])
    """
    proc = python(script, env={"PYTHONPATH": site})
    check(proc.returncode == 0, proc.stdout + proc.stderr)
    check(proc.stdout.split() == [out, "12", "41"], proc.stdout)
    ds = orgsim.open(out)
    with h5py.File(out, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["metrics"].attrs["names"]]
        metrics = f["metrics"][:]
        runs = f["runs"][:]
        ticks = f["metrics"].attrs["tick_of_row"]
        info = {r["name"].decode(): r for r in f["metric_info"][:]}
    check(list(ds.data_vars) == names, "one variable per metric, in the file's order")
    for k, name in enumerate(names):
        check(np.array_equal(ds[name].values, metrics[:, :, k], equal_nan=True), f"{name} as h5py reads it")
        check(ds[name].attrs["units"] == info[name]["unit"].decode(), f"{name}: units")
    check(np.array_equal(ds["tick"].values, ticks), "tick coordinate")
    check(np.array_equal(ds["replication"].values, runs["replication"]), "replication coordinate")
    check(np.array_equal(ds["seed"].values, runs["seed"]), "seed coordinate")
    check(list(ds["structure.type"].values) == [v.decode() for v in runs["structure.type"]], "design coordinate")
    check(np.array_equal(ds["learning.socialization_rate"].values, runs["learning.socialization_rate"]), "grid coordinate")
    # Slices read what they select, and match too.
    one = ds["lead_time"].isel(run=[2, 7], tick=slice(10, 20)).values
    check(np.array_equal(one, metrics[[2, 7], 10:20, names.index("lead_time")], equal_nan=True), "a slice")
    mean = ds["strategic_fit"].groupby("structure.type").mean(...)
    check(set(mean["structure.type"].values) == {"functional", "cross_functional"}, "groupby a design column")
    check("[sweep.grid]" in ds.attrs["experiment"], "provenance attributes")
    ds.close()


def h5netcdf_named_dimensions(tmp):
    import xarray as xr
    exp = write(tmp, "small.toml", SMALL)
    out = os.path.join(tmp, "small.h5")
    orgsim.run(exp, out, progress=False)
    ds = xr.open_dataset(out, engine="h5netcdf")
    check(ds["metrics"].dims == ("run", "tick", "metric"), f"named dims: {ds['metrics'].dims}")
    check(not [d for d in ds.dims if str(d).startswith("phony_dim")], f"no phony dims: {list(ds.dims)}")
    check(list(ds["tick"].values) == list(range(41)) and ds["tick"].attrs["units"] == "week", "tick axis")
    check(ds["run"].values.tolist() == list(range(12)), "run axis")
    with h5py.File(out, "r") as f:
        column = f["metrics"][:, :, list(ds["metric"].values).index("lead_time")]
    check(np.array_equal(ds["metrics"].sel(metric="lead_time").values, column, equal_nan=True), "values by name")
    check(ds["runs"].dims == ("run",) and ds["metric_info"].dims == ("metric",), "tables on their axes")
    snap = xr.open_dataset(out, engine="h5netcdf", group="snapshots")
    check(snap["engagement"].dims == ("run", "snapshot", "agent"), f"snapshot dims {snap['engagement'].dims}")
    check(snap["beliefs"].dims == ("run", "snapshot", "agent", "dimension"), "belief dims")
    check(snap["snapshot"].values.tolist() == [0, 10, 20, 30, 40], f"snapshot ticks {snap['snapshot'].values}")
    ds.close()
    snap.close()


def evaluate_in_an_ema_loop(tmp):
    exp = write(tmp, "small.toml", SMALL)
    # An EMA Workbench-style loop: a sample of two uncertainties, one function call per row.
    rng = np.random.default_rng(3)
    sample = np.column_stack([rng.uniform(0.05, 0.9, 8), rng.uniform(0.0, 0.05, 8)])
    outcomes = []
    for p1, p4 in sample:
        result = orgsim.evaluate(exp, **{"learning.socialization_rate": p1,
                                          "learning.turbulence_rate": p4})
        check(isinstance(result["strategic_fit"], float), "scalar outcomes")
        check(result["strategic_fit_series"].shape == result["ticks"].shape == (41,), "time series outcomes")
        check(result["strategic_fit"] == result["strategic_fit_series"][-1], "scalar = last value")
        outcomes.append(result["strategic_fit"])
    check(len(set(outcomes)) > 1, f"outcomes depend on the inputs: {outcomes}")
    again = orgsim.evaluate(exp, learning__socialization_rate=sample[0, 0],
                            learning__turbulence_rate=sample[0, 1])
    check(again["strategic_fit"] == outcomes[0], "deterministic, and __ stands for a dot")
    # evaluate is the same run as inside a sweep: design point 3, replication 2.
    out = os.path.join(tmp, "small.h5")
    path, ds = orgsim.run(exp, out, progress=False)
    run = 3 * 3 + 2
    single = orgsim.evaluate(exp, design_point=3, replication=2)
    for name in ("strategic_fit", "lead_time", "engagement", "headcount"):
        check(np.array_equal(single[name + "_series"], ds[name].isel(run=run).values, equal_nan=True),
              f"{name}: evaluate equals run {run} of the sweep")
    other = orgsim.evaluate(exp, design_point=3, replication=1)
    check(not np.array_equal(other["strategic_fit_series"], single["strategic_fit_series"]),
          "another replication draws other numbers")
    ds.close()


def ctrl_c_leaves_a_resumable_file(tmp):
    exp = write(tmp, "sweep.toml", SMALL.replace("org.employees = 60", "org.employees = 4000")
                .replace("replications = 3", "replications = 12").replace("ticks = 40", "ticks = 120"))
    out = os.path.join(tmp, "sweep.h5")
    script = f"""
        import orgsim, sys
        try:
            orgsim.run({exp!r}, {out!r}, threads=2, progress=False)
            print("finished")
        except KeyboardInterrupt as e:
            print("KeyboardInterrupt:", e)
    """
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": PYTHONPATH})
    deadline = time.time() + 120
    complete = 0
    while time.time() < deadline and proc.poll() is None and complete < 3:
        try:
            with h5py.File(out, "r", libver="latest", swmr=True) as f:
                complete = int((f["runs"]["status"][:] == 1).sum())
        except (OSError, KeyError):
            pass
        time.sleep(0.05)
    check(proc.poll() is None, "the sweep is still running when interrupted; make it longer")
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    seconds = time.time() - t0
    check(proc.returncode == 0 and stdout.startswith("KeyboardInterrupt:"), stdout + stderr)
    check("resume=True" in stdout, f"the message says how to finish: {stdout}")
    with h5py.File(out, "r") as f:  # closed cleanly: opens without SWMR
        status = f["runs"]["status"][:]
        check("finished" not in f.attrs, "not marked finished")
    check(3 <= status.sum() < len(status), f"{status.sum()} of {len(status)} runs kept")
    path, ds = orgsim.run(exp, out, resume=True, progress=False)
    check(int((ds["status"] == 1).sum()) == len(status), "resume completes the sweep")
    single = orgsim.evaluate(exp, design_point=0, replication=0)
    check(np.array_equal(single["strategic_fit_series"], ds["strategic_fit"].isel(run=0).values), "a kept run is intact")
    ds.close()
    print(f"Ctrl-C: {int(status.sum())} of {len(status)} runs kept, stopped in {seconds:.2f} s")


def errors_are_exceptions(tmp):
    bad = write(tmp, "bad.toml", "[experiment]\nticks = -3\n")
    try:
        orgsim.run(bad, os.path.join(tmp, "bad.h5"), progress=False)
        raise AssertionError("a bad file must raise")
    except orgsim.ConfigError as e:
        check(str(e).startswith(bad + ":2:"), f"file:line:column message: {e}")
        check(isinstance(e, ValueError), "a ValueError")
    check(not os.path.exists(os.path.join(tmp, "bad.h5")), "no output file for bad input")
    try:
        orgsim.evaluate(**{"learning.socialisation_rate": 0.3})
        raise AssertionError("an unknown parameter must raise")
    except orgsim.UsageError as e:
        check("did you mean" in str(e) and "learning.socialization_rate" in str(e), str(e))
    try:
        orgsim.evaluate(**{"learning.socialization_rate": 3.0})
        raise AssertionError("an out-of-range value must raise")
    except orgsim.UsageError as e:
        check("[0, 1]" in str(e), str(e))
    # A dict experiment, then overwriting rules: same experiment reused, another refused.
    experiment = {"experiment": {"name": "from-dict", "ticks": 10, "replications": 2},
                  "scenario": {"org.employees": 30, "learning": {"socialization_rate": 0.4}}}
    out = os.path.join(tmp, "d.h5")
    first = orgsim.run(experiment, out, progress=False)
    check(first.report["runs_computed"] == 2 and first.dataset.attrs["experiment_name"] == "from-dict", str(first.report))
    check(float(first.dataset.attrs["ticks"]) == 10, "dict values reach the run")
    first.dataset.close()
    again = orgsim.run(experiment, out, progress=False)
    check(again.report["runs_computed"] == 0, "the finished results of the same experiment are reused")
    check(again.report["runs"] == 2 and again.report["design_points"] == 1, "the same report keys")
    check(again.dataset["replication"].dtype == np.int64, "counts are int64 (no uint64 wrap-around)")
    again.dataset.close()
    try:
        orgsim.run(experiment, out, progress=False, experiment__seed=9)
        raise AssertionError("other results must not be overwritten silently")
    except orgsim.UsageError as e:
        check("force=True" in str(e), str(e))
    held = orgsim.open(out)  # a Dataset an earlier notebook cell still holds
    forced = orgsim.run(experiment, out, progress=False, force=True, experiment__seed=9)
    check(int(held.attrs["seed"]) == 1 and held["strategic_fit"].values.shape == (2, 11),
          "the old Dataset still reads the old file")
    held.close()
    check(forced.report["runs_computed"] == 2 and int(forced.dataset.attrs["seed"]) == 9, "force replaces")
    check("experiment.seed=9" in forced.dataset.attrs["overrides"], "overrides recorded")
    forced.dataset.close()


def sobol_in_numpy(y_a, y_b, y_ab):
    """First-order and total indices with the estimators docs/analysis.md gives (first order
    Saltelli 2010 with f(B) centred, total Jansen 1999), from scratch."""
    y = np.concatenate([y_a, y_b])
    variance = y.var(ddof=1)
    first = [np.mean((y_b - y.mean()) * (ab - y_a)) / variance for ab in y_ab]
    total = [np.mean((y_a - ab) ** 2) / 2 / variance for ab in y_ab]
    return np.array(first), np.array(total)


def salib_samples_and_sensitivity(tmp):
    # A SALib-style Saltelli sample (second and first order), made in numpy in SALib's row order
    # (A, AB_1..AB_k, [BA_1..BA_k,] B) over the bounds `orgsim problem` prints, saved as
    # numpy.savetxt does ("# a,b" header), run with [sweep.samples], analysed by orgsim
    # sensitivity and by numpy.
    base = write(tmp, "base.toml", """
[experiment]
name = "sobol"
ticks = 60
[scenario]
org.employees = 50
learning.turnover_rate = 0.01
[sweep.lhs]
samples = 10
learning.socialization_rate = { min = 0.05, max = 0.95 }
learning.code_learning_rate = { min = 0.05, max = 0.95 }
""")
    cli = subprocess.run([os.environ["ORGSIM"], "problem", base], capture_output=True, text=True)
    check(cli.returncode == 0, cli.stderr)
    import json
    problem = json.loads(cli.stdout)
    check(problem == orgsim.problem(base), "the CLI and the module give the same problem")
    check(problem["names"] == ["learning.socialization_rate", "learning.code_learning_rate"] and
          problem["bounds"] == [[0.05, 0.95], [0.05, 0.95]], f"problem: {problem}")
    rng = np.random.default_rng(7)
    n, k = 48, 2
    lows, highs = np.array(problem["bounds"]).T
    for second_order in (True, False):
        a, b = rng.random((n, k)), rng.random((n, k))
        rows = []
        for j in range(n):
            rows.append(a[j])
            rows += [np.where(np.arange(k) == i, b[j], a[j]) for i in range(k)]
            if second_order:
                rows += [np.where(np.arange(k) == i, a[j], b[j]) for i in range(k)]
            rows.append(b[j])
        x = lows + np.array(rows) * (highs - lows)
        csv = os.path.join(tmp, "X.csv")
        np.savetxt(csv, x, delimiter=",", header=",".join(problem["names"]))
        exp = write(tmp, "samples.toml", f"""
[experiment]
name = "sobol"
ticks = 60
[scenario]
org.employees = 50
learning.turnover_rate = 0.01
[sweep.samples]
file = "X.csv"
layout = "saltelli"
second_order = {"true" if second_order else "false"}
""")
        out = os.path.join(tmp, f"samples-{second_order}.h5")
        path, ds = orgsim.run(exp, out, progress=False)
        check(ds.sizes["run"] == len(x), f"{ds.sizes['run']} runs for {len(x)} rows")
        check(np.array_equal(ds["learning.socialization_rate"].values, x[:, 0]), "the sample's values, exactly")
        stride = 2 * k + 2 if second_order else k + 2
        check(list(ds["block"].values[:stride]) == ([0, 2, 3, 4, 5, 1] if second_order else [0, 2, 3, 1]),
              f"blocks in SALib's order: {ds['block'].values[:stride]}")
        y = ds["strategic_fit"].isel(tick=-1).values
        y_a, y_b = y[0::stride], y[stride - 1::stride]
        y_ab = [y[1 + i::stride] for i in range(k)]
        first, total = sobol_in_numpy(y_a, y_b, y_ab)
        sens = subprocess.run([os.environ["ORGSIM"], "sensitivity", out, "--format", "csv",
                               "--bootstrap", "0"], capture_output=True, text=True)
        check(sens.returncode == 0, sens.stderr)
        lines = [l.split(",") for l in sens.stdout.strip().splitlines()]
        header = lines[0]
        for i, name in enumerate(problem["names"]):
            row = next(l for l in lines[1:] if name in l)
            got_first, got_total = float(row[header.index("first")]), float(row[header.index("total")])
            check(abs(got_first - first[i]) < 1e-9 and abs(got_total - total[i]) < 1e-9,
                  f"{name}: orgsim {got_first}, {got_total}; numpy {first[i]}, {total[i]}")
        frame = orgsim.sensitivity(out, bootstrap=0)  # the same, as a DataFrame
        check(np.allclose(frame.set_index("parameter").loc[problem["names"], "first"], first, atol=1e-12),
              f"orgsim.sensitivity: {frame}")
        print(f"second_order={second_order}: S1 {np.round(first, 3)}, ST {np.round(total, 3)}")
        ds.close()


def r_lhs_without_header(tmp):
    # R's lhs: unit-cube values written without a header; columns named in the file; an integer
    # parameter written as reals (rounded), a choice as a number u in [0, n) (`orgsim problem`'s
    # orgsim_values), blanks between values.
    problem = orgsim.problem(parameters=["org.employees", "structure.type"])
    check(problem["orgsim_values"]["structure.type"] == ["functional", "flat", "matrix", "cross_functional"], str(problem))
    write(tmp, "lhs.txt", "60.4 0.2\n 71.6   3.9\n\n55.5 1.0\n")
    exp = write(tmp, "r.toml", """
[experiment]
name = "r-lhs"
ticks = 5
[scenario]
structure.enabled = true
[sweep.samples]
file = "lhs.txt"
columns = ["org.employees", "structure.type"]
""")
    out = os.path.join(tmp, "r.h5")
    path, ds = orgsim.run(exp, out, progress=False)
    check(list(ds["org.employees"].values) == [60, 72, 56], f"rounded: {ds['org.employees'].values}")
    check(list(ds["structure.type"].values) == ["functional", "cross_functional", "flat"], str(ds["structure.type"].values))
    check(int(ds["headcount"].isel(run=1, tick=0)) == 72, "the value reaches the run")
    # The resolved experiment holds the sample itself: merge, resume and --rerun need no CSV.
    check("rows = [" in ds.attrs["experiment"] and "lhs.txt" not in ds.attrs["experiment"], "sample embedded")
    ds.close()
    os.remove(os.path.join(tmp, "lhs.txt"))
    info = subprocess.run([os.environ["ORGSIM"], "analyze", out], capture_output=True, text=True)
    check(info.returncode == 0, "the file is read without the CSV: " + info.stderr)
    # Bad input: one error naming the CSV's line and column; nothing written.
    write(tmp, "bad.csv", "learning.socialization_rate,org.employees\n0.5,40\n0.7,many\n")
    bad = write(tmp, "bad.toml", "[experiment]\n[sweep.samples]\nfile = \"bad.csv\"\n")
    proc = subprocess.run([os.environ["ORGSIM"], "run", bad, "-o", os.path.join(tmp, "bad.h5")],
                          capture_output=True, text=True)
    check(proc.returncode == 2 and os.path.join(tmp, "bad.csv") + ":3:5: error: org.employees" in proc.stderr, proc.stderr)
    check(not os.path.exists(os.path.join(tmp, "bad.h5")), "no output for bad input")
    write(tmp, "odd.csv", "learning.socialisation_rate\n0.5\n")
    odd = write(tmp, "odd.toml", "[experiment]\n[sweep.samples]\nfile = \"odd.csv\"\nlayout = \"saltelli\"\n")
    proc = subprocess.run([os.environ["ORGSIM"], "run", odd], capture_output=True, text=True, cwd=tmp)
    check(proc.returncode == 2 and "did you mean" in proc.stderr and "odd.csv:1:1" in proc.stderr, proc.stderr)
    write(tmp, "odd.csv", "learning.socialization_rate\n0.5\n0.6\n")
    proc = subprocess.run([os.environ["ORGSIM"], "run", odd], capture_output=True, text=True, cwd=tmp)
    check(proc.returncode == 2 and "not a multiple of 4" in proc.stderr, proc.stderr)
    # --set takes a parameter's own name; info shows the overrides.
    out2 = os.path.join(tmp, "set.h5")
    proc = subprocess.run([os.environ["ORGSIM"], "run", exp, "-o", out2,
                           "--set", "learning.socialization_rate=0.35", "--quiet"], capture_output=True, text=True)
    check(proc.returncode == 2 and "lhs.txt" in proc.stderr, "the CSV is gone: " + proc.stderr)
    simple = write(tmp, "simple.toml", "[experiment]\nticks = 3\n")
    subprocess.run([os.environ["ORGSIM"], "run", simple, "-o", out2, "--quiet",
                    "--set", "learning.socialization_rate=0.35"], check=True, capture_output=True)
    shown = subprocess.run([os.environ["ORGSIM"], "info", out2], capture_output=True, text=True).stdout
    check("--set learning.socialization_rate=0.35" in shown, shown)
    ds2 = orgsim.open(out2)
    check("learning.socialization_rate = 0.35" in ds2.attrs["experiment"], "the override reached the scenario")
    ds2.close()


def rerun_and_plot_one_run(tmp):
    # One run of a sweep again, alone, with snapshots: bit for bit the run inside the sweep.
    exp = write(tmp, "small.toml", SMALL.replace("[output.snapshots]\nevery = 10\nsample = 4\n"
                                                 "fields = [\"id\", \"engagement\", \"beliefs\"]\n", ""))
    out = os.path.join(tmp, "small.h5")
    orgsim.run(exp, out, progress=False)[1].close()
    orgsim_bin = os.environ["ORGSIM"]
    proc = subprocess.run([orgsim_bin, "run", out, "--rerun", "7", "--snapshots", "5", "--quiet"],
                          capture_output=True, text=True, cwd=tmp)
    check(proc.returncode == 0, proc.stderr)
    one = os.path.join(tmp, "small-run7.h5")
    with h5py.File(out, "r") as f, h5py.File(one, "r") as g:
        check(g["metrics"].shape[0] == 1, "one run")
        check(f["metrics"][7].tobytes() == g["metrics"][0].tobytes(), "bit for bit the run inside the sweep")
        check(g["runs"]["replication"][0] == f["runs"]["replication"][7] == 1, "its replication")
        check(g["snapshots/id"].dtype == np.int64, "snapshot ids are integers")
        check(list(g["snapshots/snapshot"][:]) == list(range(0, 41, 5)), "snapshot tick axis")
        check("structure.type" not in g["runs"].dtype.names, "the design point's values are the scenario")
    # The same from Python, with the snapshots as an override.
    path, ds = orgsim.run(out, rerun=10, output=os.path.join(tmp, "r10.h5"), progress=False,
                          output__snapshots__every=20)
    whole = orgsim.open(out)
    check(np.array_equal(ds["strategic_fit"].values[0], whole["strategic_fit"].values[10], equal_nan=True),
          "Python rerun equals run 10")
    ds.close()
    # plot --run K draws that run alone: its values, not a mean.
    script = os.path.join(tmp, "run7.gp")
    proc = subprocess.run([orgsim_bin, "plot", out, "--run", "7", "--metric", "lead_time", "-o",
                           os.path.join(tmp, "run7.svg"), "--gnuplot-script", script],
                          capture_output=True, text=True)
    check(proc.returncode == 0, proc.stderr)
    text = open(script).read()
    block = text.split("$s0 << EOD\n")[1].split("EOD")[0].strip().splitlines()
    drawn = np.array([float(line.split()[1]) for line in block])
    expected = whole["lead_time"].values[7]
    expected = expected[~np.isnan(expected)]
    check(len(drawn) == len(expected) and np.allclose(drawn, expected), "the run's own values")
    check("run 7 (design point 2, replication 1)" in text, "titled with the run")
    whole.close()
    bad = subprocess.run([orgsim_bin, "run", out, "--rerun", "99"], capture_output=True, text=True)
    check(bad.returncode == 2 and "runs 0 to 11" in bad.stderr, bad.stderr)
    bad = subprocess.run([orgsim_bin, "run", out], capture_output=True, text=True)
    check(bad.returncode == 2 and "--rerun" in bad.stderr, bad.stderr)


def discover_and_feature_scores(tmp):
    # An LHS over the turbulence rate (which drives strategic fit down) and a parameter of a
    # switched-off submodel (no effect at all): PRIM's box and the feature scores find the first
    # and not the second.
    exp = write(tmp, "lhs.toml", """
[experiment]
name = "lhs-discover"
ticks = 80
[scenario]
org.employees = 40
learning.turnover_rate = 0.01
[sweep.lhs]
samples = 300
learning.turbulence_rate = { min = 0.0, max = 0.06 }
culture.power_distance = { min = 0.0, max = 1.0 }
""")
    out = os.path.join(tmp, "lhs.h5")
    orgsim.run(exp, out, progress=False)[1].close()
    ds = orgsim.open(out)
    fit = ds["strategic_fit"].isel(tick=-1).values
    threshold = float(np.quantile(fit, 0.3))
    where = f"strategic_fit < {threshold!r}"
    proc = subprocess.run([os.environ["ORGSIM"], "discover", out, "--where", where, "--format", "csv"],
                          capture_output=True, text=True)
    check(proc.returncode == 0, proc.stderr)
    import csv, io
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    chosen = next(r for r in rows if r["chosen"] == "1")
    check(float(rows[0]["coverage"]) == 1.0 and float(rows[0]["mass"]) == 1.0, "step 0 is the whole space")
    low = float(chosen["learning.turbulence_rate low"])
    check(low > 0.005, f"the box needs turbulence: it starts at {low}")
    # The box's numbers are what the file says.
    turbulence = ds["learning.turbulence_rate"].values
    pd_ = ds["culture.power_distance"].values
    inside = ((turbulence >= low) & (turbulence <= float(chosen["learning.turbulence_rate high"])) &
              (pd_ >= float(chosen["culture.power_distance low"])) &
              (pd_ <= float(chosen["culture.power_distance high"])))
    cases = fit < threshold
    check(int(chosen["points"]) == inside.sum() and int(chosen["cases"]) == (inside & cases).sum(),
          "counts of the chosen box")
    check(abs(float(chosen["density"]) - (inside & cases).sum() / inside.sum()) < 1e-12, "density")
    check(abs(float(chosen["coverage"]) - (inside & cases).sum() / cases.sum()) < 1e-12, "coverage")
    table = subprocess.run([os.environ["ORGSIM"], "discover", out, "--where", where],
                           capture_output=True, text=True)
    check(table.returncode == 0 and "learning.turbulence_rate" in table.stdout and "qp-value" in table.stdout,
          table.stdout + table.stderr)
    scores = orgsim.feature_scores(ds, where=where)
    check(scores.index[0] == "learning.turbulence_rate" and scores["culture.power_distance"] < 0.2,
          f"feature scores: {scores.to_dict()}")
    check(abs(scores.sum() - 1) < 1e-9, "scores sum to 1")
    regression = orgsim.feature_scores(out, metric="strategic_fit")
    check(regression.index[0] == "learning.turbulence_rate", str(regression))
    print(f"PRIM box: turbulence >= {low:.4f}, coverage {float(chosen['coverage']):.2f}, "
          f"density {float(chosen['density']):.2f}; scores {scores.round(3).to_dict()}")
    for bad, message in ((["--where", "strategic_fit = 3"], "METRIC OP NUMBER"),
                         (["--where", "nonsense < 3"], "nonsense"),
                         (["--where", "strategic_fit < -1"], "no run meets")):
        proc = subprocess.run([os.environ["ORGSIM"], "discover", out, *bad], capture_output=True, text=True)
        check(proc.returncode == 2 and message in proc.stderr, proc.stderr)
    ds.close()


def abc_recovers_known_parameters(tmp):
    # Data made by the model itself with known parameters (replications the calibration never
    # draws): rejection ABC's 95% interval must hold the truth and be much narrower than the prior.
    exp = write(tmp, "firm.toml", """
[experiment]
name = "firm"
ticks = 100
[scenario]
org.employees = 60
""")
    truth = {"learning.turnover_rate": 0.02, "learning.turbulence_rate": 0.01}
    observed = {"turnover_rate": [], "reality_change": []}
    for replication in range(1000, 1004):
        out = orgsim.evaluate(exp, replication=replication, **truth)
        for metric in observed:
            observed[metric].append(out[metric + "_series"][1:].mean())  # mean over ticks 1-100
    targets = write(tmp, "targets.toml", f"""
[priors]
"learning.turnover_rate" = {{ min = 0.0, max = 0.06 }}
"learning.turbulence_rate" = {{ min = 0.0, max = 0.04 }}

[targets]
turnover_rate = {{ value = {np.mean(observed["turnover_rate"])!r}, at = "mean:1-100" }}
reality_change = {{ value = {np.mean(observed["reality_change"])!r}, at = "mean:1-100" }}

[abc]
samples = 1500
accept = 0.04
""")
    posterior = os.path.join(tmp, "posterior.csv")
    proc = subprocess.run([os.environ["ORGSIM"], "calibrate", exp, "--targets", targets, "-o",
                           os.path.join(tmp, "abc.h5"), "--posterior", posterior, "--quiet"],
                          capture_output=True, text=True)
    check(proc.returncode == 0, proc.stdout + proc.stderr)
    import pandas as pd
    kept = pd.read_csv(posterior)
    check(len(kept) == 60, f"4% of 1500 draws kept: {len(kept)}")
    check(kept["distance"].is_monotonic_increasing, "closest first")
    for name, value in truth.items():
        low, high = kept[name].quantile([0.025, 0.975])
        prior = 0.06 if "turnover" in name else 0.04
        check(low <= value <= high, f"{name}: truth {value} outside [{low:.4g}, {high:.4g}]")
        check(high - low < 0.4 * prior, f"{name}: [{low:.4g}, {high:.4g}] barely narrower than the prior")
        print(f"{name}: truth {value}, posterior 95% [{low:.4g}, {high:.4g}] ({(high - low) / prior:.0%} of the prior)")
    check("Posterior" in proc.stdout and "Fit" in proc.stdout, proc.stdout)
    # The draws are an ordinary results file: the kept statistics are its values.
    ds = orgsim.open(os.path.join(tmp, "abc.h5"))
    check(ds.sizes["run"] == 1500 and ds.attrs["design"] == "lhs", "the draws are a Latin hypercube sweep")
    ds.close()
    # Bad input: one message with the targets file's line and column, exit 2.
    bad = write(tmp, "bad.toml", "[priors]\n\"learning.turnover_rate\" = { min = 0.1, max = 0.05 }\n"
                                 "[targets]\nturnover_rate = { value = 0.01 }\n")
    proc = subprocess.run([os.environ["ORGSIM"], "calibrate", exp, "--targets", bad], capture_output=True, text=True)
    check(proc.returncode == 2 and bad + ":2:" in proc.stderr, proc.stderr)
    swept = write(tmp, "swept.toml", "[experiment]\n[sweep.grid]\nlearning.socialization_rate = [0.1, 0.2]\n")
    proc = subprocess.run([os.environ["ORGSIM"], "calibrate", swept, "--targets", targets], capture_output=True, text=True)
    check(proc.returncode == 2 and "design" in proc.stderr, proc.stderr)


def last_values_and_option_order(tmp):
    # Runs that stop early (equilibrium) end before the last tick: last_values reads each run's
    # own last row; options keep the file's order.
    exp = write(tmp, "eq.toml", """
[experiment]
name = "eq"
ticks = 400
replications = 3
stop = "equilibrium"
[scenario]
org.employees = 20
[[options]]
name = "zeta"
learning.socialization_rate = 0.5
[[options]]
name = "alpha"
learning.socialization_rate = 0.9
""")
    path, ds = orgsim.run(exp, os.path.join(tmp, "eq.h5"), progress=False)
    ends = orgsim.last_values(ds, ["strategic_fit"])
    with h5py.File(path, "r") as f:
        rows = f["runs"]["rows"][:].astype(int)
        fit = f["metrics"][:, :, list(ds.data_vars).index("strategic_fit")]
    check(rows.max() < 401, "the runs stop at equilibrium")
    check(np.isnan(ds["strategic_fit"].isel(tick=-1).values).all(), "the last tick is NaN for them")
    check(np.array_equal(ends["strategic_fit"].values, fit[np.arange(len(rows)), rows - 1]), "last rows")
    check(ds["option"].attrs["order"] == ["zeta", "alpha"], str(ds["option"].attrs))
    # orgsim.compare is the CLI's table as a DataFrame.
    frame = orgsim.compare(path, by="option", metrics=["strategic_fit"])
    cli = subprocess.run([orgsim.executable(), "compare", path, "--by", "option", "--metrics",
                          "strategic_fit", "--format", "csv"], capture_output=True, text=True)
    check(cli.returncode == 0, cli.stderr)
    import io
    import pandas as pd
    expected = pd.read_csv(io.StringIO(cli.stdout))
    check(frame.equals(expected), f"orgsim.compare equals the CLI's csv:\n{frame}\n{expected}")
    check(orgsim.executable() == os.path.realpath(os.environ["ORGSIM"]), orgsim.executable())
    ds.close()


def lazy_read_memory(tmp):
    # 10,000 runs; reading one metric must not load the others (memory ~ what is read).
    exp = write(tmp, "many.toml", """
[experiment]
name = "many"
ticks = 30
replications = 10000
[scenario]
org.employees = 12
""")
    out = os.path.join(tmp, "many.h5")
    orgsim.run(exp, out, progress=False)
    script = f"""
        import orgsim
        def status(field):  # kB in /proc/self/status
            for line in open("/proc/self/status"):
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        ds = orgsim.open({out!r})
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets the peak (VmHWM) to the current resident size
        before = status("VmRSS")
        values = ds["strategic_fit"].values
        print(values.nbytes, status("VmHWM") - before, ds.sizes["run"], len(ds.data_vars))
    """
    proc = python(script, env={"PYTHONPATH": PYTHONPATH})
    check(proc.returncode == 0, proc.stderr)
    read, grown, runs, variables = (int(x) for x in proc.stdout.split())
    whole = runs * 31 * variables * 8
    check(runs == 10000, "10,000 runs")
    print(f"one metric of {runs} runs: {read / 1e6:.1f} MB read, peak memory grew "
          f"{grown / 1e6:.1f} MB; all metrics would be {whole / 1e6:.0f} MB")
    check(grown < read + 20e6, f"memory grew {grown / 1e6:.1f} MB for {read / 1e6:.1f} MB read")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        globals()[case](tmp)
    print(f"{case}: ok")
