"""The examples (issue 23): the two Jupyter notebooks in examples/ executed with nbclient through
Debian's ipykernel (a kernel of this very Python, /usr/bin/python3 under ctest, importing orgsim
from the build), and the R example (hdf5r) run with Rscript. Each is checked against numbers
computed here with h5py from the results files they read.

Environment: ORGSIM (the binary), ORGSIM_PYTHONPATH (the build's python/ directory),
ORGSIM_SOURCE_DIR (the source tree: examples/ and the scenarios). A case exits 77 (skipped) when
what it needs is not installed: nbclient, nbformat and ipykernel (Debian python3-nbclient,
python3-nbformat, python3-ipykernel) for the notebooks, Rscript and hdf5r (r-base-core,
r-cran-hdf5r) for the R example."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from e2e_common import check, orgsim

SKIP = 77
ORGSIM = os.path.abspath(os.environ["ORGSIM"])
# The notebooks' kernel imports orgsim from here; the R example needs no module.
PYTHONPATH = os.path.abspath(os.environ["ORGSIM_PYTHONPATH"]) if os.environ.get("ORGSIM_PYTHONPATH") else None
SOURCE = os.path.abspath(os.environ["ORGSIM_SOURCE_DIR"])
EXAMPLES = os.path.join(SOURCE, "examples")


def skip(message):
    print(f"skipped: {message}")
    sys.exit(SKIP)


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def execute_notebook(name, tmp):
    """Executes examples/<name> in a fresh working directory `tmp`/work with a kernel of this
    Python; fails on any cell's error. Returns (the executed notebook, the working directory)."""
    check(PYTHONPATH, "ORGSIM_PYTHONPATH: the build's python/ directory")
    try:
        import ipykernel  # noqa: F401
        import nbformat
        from nbclient import NotebookClient
    except ImportError as e:
        skip(f"{e.name} is not installed (Debian: python3-nbclient python3-nbformat python3-ipykernel)")
    # A kernelspec of our own, first on JUPYTER_PATH: the kernel is this interpreter, whichever
    # kernels the machine or the user has installed (a pyenv `python3` kernel would lack the
    # module's dependencies, or find another orgsim).
    jupyter = os.path.join(tmp, "jupyter")
    spec = os.path.join(jupyter, "kernels", "orgsim-test-python3")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w") as f:
        json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "Python 3 (orgsim tests)", "language": "python"}, f)
    os.environ["JUPYTER_PATH"] = jupyter
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(tmp, "runtime")  # connection files
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    nb = nbformat.read(os.path.join(EXAMPLES, name), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    check(code and all(not c.outputs and c.execution_count is None for c in code),
          f"{name} is saved without outputs")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [PYTHONPATH, os.environ.get("PYTHONPATH")])),
           "ORGSIM": ORGSIM,
           "PATH": os.pathsep.join([os.path.dirname(ORGSIM), os.environ.get("PATH", "")]),
           "ORGSIM_SOURCE_DIR": SOURCE,
           "IPYTHONDIR": os.path.join(tmp, "ipython"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("MPLBACKEND", None)  # the kernel's inline backend, so that figures become outputs
    client = NotebookClient(nb, kernel_name="orgsim-test-python3", timeout=600,
                            resources={"metadata": {"path": work}})
    client.execute(env=env)  # raises CellExecutionError, with the cell and traceback, on an error
    return nb, work


def outputs(nb):
    """Every code cell's printed and displayed text, one string per cell; and the number of
    images (figures) the notebook displayed."""
    texts, images = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for out in cell.outputs:
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(out.data.get("text/plain", ""))
                images += "image/png" in out.data
        texts.append("".join(parts))
    return texts, images


def matplotlib_installed():
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


def the_kernel_was_this_python(texts):
    setup = texts[0]
    check(f"({sys.executable})" in setup, f"the kernel runs {sys.executable}:\n{setup}")
    check(f"from {os.path.join(PYTHONPATH, 'orgsim')}" in setup, f"orgsim from the build:\n{setup}")
    check(f"command line: {ORGSIM}" in setup, f"the binary from ORGSIM:\n{setup}")


def runs_and_metric(path, metric):
    """(the /runs table, metric's values [run, row]) with h5py."""
    with h5py.File(path, "r") as f:
        names = [text(n) for n in f["metrics"].attrs["names"]]
        return f["runs"][:], f["metrics"][:, :, names.index(metric)]


def sobol_notebook(tmp):
    nb, work = execute_notebook("sobol_study.ipynb", tmp)
    texts, images = outputs(nb)
    the_kernel_was_this_python(texts)
    everything = "\n".join(texts)
    check("numpy and orgsim sensitivity agree: largest difference" in everything,
          "the assertion against orgsim sensitivity ran")
    files = glob.glob(os.path.join(work, "sobol-study-*.h5"))
    check(len(files) == 1, f"one results file in the working directory: {files}")
    # The indices again, here: from h5py's /runs and /metrics, with the block layout read from
    # the file's sample and block columns.
    runs, fit = runs_and_metric(files[0], "strategic_fit")
    check(len(set(runs["rows"])) == 1, "no run stopped early")
    samples, blocks = int(runs["sample"].max()) + 1, int(runs["block"].max()) + 1
    k = blocks - 2
    parameters = [n for n in runs.dtype.names if n.startswith("learning.")]
    check(len(parameters) == k == 3, f"three parameters: {parameters}")
    f = np.zeros((samples, blocks))
    n = np.zeros((samples, blocks))
    np.add.at(f, (runs["sample"].astype(int), runs["block"].astype(int)), fit[:, -1])
    np.add.at(n, (runs["sample"].astype(int), runs["block"].astype(int)), 1)
    f /= n
    y = np.concatenate([f[:, 0], f[:, 1]])
    # Blocks: 0 = A, 1 = B, 1 + i = AB_i for parameter i = 1..k.
    first = [np.mean((f[:, 1] - y.mean()) * (f[:, 2 + i] - f[:, 0])) / y.var(ddof=1) for i in range(k)]
    total = [np.mean((f[:, 0] - f[:, 2 + i]) ** 2) / 2 / y.var(ddof=1) for i in range(k)]
    table = next(t for t in texts if re.search(r"parameter\s*\n", t) and "first_order" in t)
    for i, p in enumerate(parameters):
        line = re.search(re.escape(p) + r"\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$", table, re.M)
        check(line, f"{p} in the notebook's table:\n{table}")
        got = float(line.group(1)), float(line.group(2))
        check(abs(got[0] - first[i]) < 1e-6 and abs(got[1] - total[i]) < 1e-6,
              f"{p}: notebook {got}, h5py {first[i]:.6f} {total[i]:.6f}")
    check("Acting alone, the three explain about" in texts[-1], f"the summary cell:\n{texts[-1]}")
    if matplotlib_installed():
        check(images >= 1, "a figure")
    print("notebook and h5py: first order " + " ".join(f"{x:.3f}" for x in first)
          + ", total " + " ".join(f"{x:.3f}" for x in total))


def option_notebook(tmp):
    nb, work = execute_notebook("option_comparison.ipynb", tmp)
    texts, images = outputs(nb)
    the_kernel_was_this_python(texts)
    everything = "\n".join(texts)
    check("agree with orgsim compare for 4 options" in everything, "the assertion against compare ran")
    check("Paired comparison of option against today at year 1 (weeks 1-52)" in everything,
          "orgsim compare --per year's output is shown")
    path = os.path.join(work, "logistics-options.h5")
    runs, profit = runs_and_metric(path, "profit")
    options = list(dict.fromkeys(text(o) for o in runs["option"]))
    check(options[0] == "today" and len(options) == 5, f"options: {options}")
    check(len(runs) == 5 * 30 and (runs["rows"] == 157).all(), "30 replications of 156 weeks")
    # Three-year profit (weeks 1-156) per run; paired by replication against today.
    totals = profit[:, 1:157].sum(axis=1)
    by = {o: dict() for o in options}
    for run, total in zip(runs, totals):
        by[text(run["option"])][int(run["replication"])] = total
    table = next(t for t in texts if t.startswith("Profit over three years"))
    differences = {}
    for option in options[1:]:
        d = np.array([by[option][r] - by["today"][r] for r in range(30)])
        differences[option] = d.mean()
        line = next((l for l in table.splitlines() if re.match(re.escape(option) + r"\s{2,}[-\d]", l)), None)
        check(line, f"{option} in the notebook's profit table:\n{table}")
        numbers = [float(x.replace(",", "")) for x in re.findall(r"-?[\d,]+\.?\d*", line[len(option):])]
        option_mean, today_mean, difference = numbers[:3]
        check(abs(difference - d.mean()) <= 1 and abs(option_mean - np.mean(list(by[option].values()))) <= 1
              and abs(today_mean - np.mean(list(by["today"].values()))) <= 1,
              f"{option}: notebook {numbers[:3]}, h5py difference {d.mean():.0f}")
    best = max(differences, key=differences.get)
    summary = texts[-1]
    check(f"Highest three-year profit: {best}." in summary, f"the summary names {best}:\n{summary}")
    check(summary.count("  profit ") == 4, f"a profit verdict per option:\n{summary}")
    if matplotlib_installed():
        check(images >= 1, "a figure")
    print("paired three-year profit differences against today (h5py): "
          + ", ".join(f"{o} {d / 1e6:+.2f}M" for o, d in differences.items()))


def r_example(tmp):
    rscript = shutil.which("Rscript")
    if not rscript:
        skip("Rscript is not installed (Debian: r-base-core)")
    has = subprocess.run([rscript, "-e", 'quit(status = if (requireNamespace("hdf5r", quietly = TRUE)) 0 else 1)'],
                         capture_output=True, text=True)
    if has.returncode != 0:
        skip("the R package hdf5r is not installed (Debian: r-cran-hdf5r)")
    script = os.path.join(EXAMPLES, "read_results.R")
    # The default experiment: 12 design points x 30 replications, and firms that go bust, whose
    # runs stop early (NaN after their last recorded row).
    out = os.path.join(tmp, "default.h5")
    orgsim("run", "-o", out, "--quiet", "--threads", "2")
    runs, fit = runs_and_metric(out, "strategic_fit")
    check((runs["rows"] < fit.shape[1]).any(), "some runs stopped early")
    last = fit[np.arange(len(runs)), runs["rows"].astype(int) - 1]
    check(not np.isnan(last).any(), "every run's last recorded row has a value")
    proc = subprocess.run([rscript, script, out], capture_output=True, text=True, timeout=300)
    check(proc.returncode == 0, f"Rscript exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    overall = re.search(r"over (\d+) complete runs: (\S+)$", proc.stdout, re.M)
    check(overall, proc.stdout)
    check(int(overall.group(1)) == len(runs), f"{overall.group(1)} runs")
    check(abs(float(overall.group(2)) - last.mean()) < 1e-12,
          f"R's mean {overall.group(2)}, h5py's {last.mean()!r}")
    # The table: one line per design point, with its values and mean (4 significant digits).
    rows = {int(m.group(1)): m for m in re.finditer(
        r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)$", proc.stdout, re.M)}
    check(sorted(rows) == list(range(12)), f"12 design points:\n{proc.stdout}")
    for p, m in rows.items():
        mine = runs["design_point"] == p
        check(m.group(2) == text(runs["structure.type"][mine][0]) and m.group(3) == text(runs["automation.level"][mine][0]),
              f"design point {p}: {m.group(0)}")
        check(int(m.group(4)) == mine.sum(), f"design point {p}: runs")
        mean = last[mine].mean()
        check(abs(float(m.group(5)) - mean) <= 5e-4 * abs(mean), f"design point {p}: R {m.group(5)}, h5py {mean}")
    # Another metric by name; errors exit non-zero with one message.
    proc = subprocess.run([rscript, script, out, "lead_time"], capture_output=True, text=True)
    check(proc.returncode == 0 and "mean lead_time at each run's last recorded row" in proc.stdout, proc.stderr)
    junk = os.path.join(tmp, "junk.h5")
    with open(junk, "w") as f:
        f.write("not HDF5\n")
    for args, status, message in (([junk], 1, "not an HDF5 file"), ([out, "no_such_metric"], 1, "no metric"),
                                  ([os.path.join(tmp, "missing.h5")], 1, "no such file"), ([], 2, "usage")):
        proc = subprocess.run([rscript, script, *args], capture_output=True, text=True)
        check(proc.returncode == status and message in proc.stderr,
              f"{args}: exit {proc.returncode}, expected {status}:\n{proc.stderr}")
    print(f"R and h5py: mean strategic_fit {last.mean():.6f} over {len(runs)} runs")


if __name__ == "__main__":
    case = sys.argv[1]
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        globals()[case](tmp)
    print(f"{case}: ok ({time.monotonic() - start:.1f} s)")
