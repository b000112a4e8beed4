#!/usr/bin/python3
"""End-to-end tests of `orgsim landscape`: the statistics of the NK landscapes an experiment's runs
search (docs/ODD.md 7.19), as text and CSV, and its errors.

Run one case: test_landscape.py CASE (ctest runs every case as its own test). Environment: ORGSIM
(the binary).
"""
import csv
import io
import math
import sys
import tempfile

from e2e_common import check, orgsim, write

EXPERIMENT = """[experiment]
ticks = 5
replications = 40
seed = 17
[scenario]
learning.dimensions = 10
landscape.enabled = true
landscape.pattern = "random"
[sweep.grid]
landscape.k = [0, 9]
"""


def rows(*args):
    proc = orgsim("landscape", *args, "--format", "csv")
    return list(csv.DictReader(io.StringIO(proc.stdout)))


def csv_numbers(tmp):
    """K = 0 has one peak on every landscape and walks of N/2 moves on average; K = N - 1 has many
    peaks and short walks; the swept parameter and the design are columns."""
    exp = write(tmp, "nk.toml", EXPERIMENT)
    table = rows(exp)
    check(len(table) == 2, f"one row per design point: {table}")
    check(list(table[0])[:6] == ["design_point", "landscape.k", "n", "k", "pattern", "landscapes"],
          f"columns: {list(table[0])}")
    smooth, rugged = table
    check(smooth["k"] == "0" and rugged["k"] == "9" and smooth["n"] == "10", str(table))
    check(smooth["landscapes"] == "40" and smooth["pattern"] == "random", str(smooth))
    check(float(smooth["peaks_mean"]) == 1 and float(smooth["peaks_se"]) == 0,
          f"K = 0: exactly one peak on every landscape: {smooth}")
    # From a random start a K = 0 walk flips each wrong decision once: N/2 moves on average.
    walk, se = float(smooth["walk_mean"]), float(smooth["walk_se"])
    check(abs(walk - 5) < 3 * se + 1e-9, f"K = 0 walks: {walk} ({se}), expected 5")
    check(float(rugged["peaks_mean"]) > 20 and float(rugged["walk_mean"]) < walk - 1, str(rugged))
    for row in table:
        check(0 < float(row["optimum_mean"]) < 1, f"optimum in (0, 1): {row}")
        check(float(row["cross_share_mean"]) == 0, f"one department: no crossing links: {row}")


def text_table(tmp):
    exp = write(tmp, "nk.toml", EXPERIMENT)
    out = orgsim("landscape", exp, "--replications", "3").stdout
    check("2 design points x 3 replications" in out, out)
    lines = [l for l in out.splitlines() if l.strip().startswith(("0 ", "1 "))]
    check(len(lines) == 2 and "landscape.k = 9" in lines[1] and "random" in lines[1], out)
    check(out == orgsim("landscape", exp, "--replications", "3").stdout, "the same output twice")


def departments_and_seeds(tmp):
    """The landscapes are the runs' own: departments own blocks of decisions (cross-department
    links follow landscape.cross_share), one shared landscape with landscape.seed, and another
    experiment seed draws other landscapes; beyond 20 decisions there is no census."""
    exp = write(tmp, "nk.toml", EXPERIMENT)
    two = ["--set", "scenario.structure.enabled=true", "--set", "scenario.structure.functions=2",
           "--set", "scenario.landscape.pattern=nearly_modular", "--set", "sweep.grid.landscape.k=[3]"]
    inside = rows(exp, *two, "--set", "scenario.landscape.cross_share=0")[0]
    across = rows(exp, *two, "--set", "scenario.landscape.cross_share=1")[0]
    check(float(inside["cross_share_mean"]) == 0 and float(across["cross_share_mean"]) == 1,
          f"cross share 0 and 1: {inside} {across}")
    shared = rows(exp, "--set", "scenario.landscape.seed=5")[1]
    check(float(shared["peaks_se"]) == 0 and float(shared["optimum_se"]) == 0,
          f"landscape.seed: every replication searches one landscape: {shared}")
    other = rows(exp, "--set", "experiment.seed=18")[1]
    check(other["optimum_mean"] != rows(exp)[1]["optimum_mean"], "another seed, other landscapes")
    big = rows(exp, "--replications", "2", "--set", "scenario.learning.dimensions=24",
               "--set", "sweep.grid.landscape.k=[2]")[0]
    check(big["peaks_mean"] == "" and not math.isnan(float(big["walk_mean"])),
          f"24 decisions: no census, walks still: {big}")


def errors_exit_2(tmp):
    exp = write(tmp, "nk.toml", EXPERIMENT)
    cases = [(["landscape", f"{tmp}/missing.toml"], "cannot read"),
             (["landscape", exp, "--format", "json"], "text or csv"),
             (["landscape", exp, "--replications", "0"], "at least 1 landscape"),
             (["landscape", exp, "--starts", "0"], "--starts 0"),
             (["landscape", exp, "--set", "scenario.landscape.enabled=false"], "landscape.enabled = false"),
             (["landscape", exp, "--set", "scenario.landscape.k=12"], "landscape.k"),
             (["landscape", exp, "--set", "scenario.landscape.pattern=ring"], "landscape.pattern")]
    for args, message in cases:
        proc = orgsim(*args, expect=2)
        check(message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1,
              f"{args}: {proc.stderr}")
        check(proc.stdout == "", f"{args}: nothing printed on stdout: {proc.stdout}")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="orgsim-e2e-") as tmp:
        globals()[case](tmp)
    print(f"{case}: passed")
