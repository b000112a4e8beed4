#!/usr/bin/python3
"""Validation: March (1991) and Fang, Lee & Schilling (2010) through the shipped experiment files in experiments/configs/validation,
run by the real orgsim binary with fewer replications. Findings are checked with margins of three
standard errors of the difference, computed from the runs themselves (never hard-coded values)."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

ORGSIM = os.environ["ORGSIM"]
CONFIGS = os.path.join(os.environ["ORGSIM_SOURCE_DIR"], "experiments", "configs", "validation")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def final_fit(tmp, name, *sets, metric="strategic_fit"):
    """Runs a validation file and returns /runs joined with each run's final value of `metric`
    (strategic fit: the code's knowledge) in a column "fit"."""
    out = os.path.join(tmp, name + ".h5")
    args = [ORGSIM, "run", os.path.join(CONFIGS, name + ".toml"), "-o", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True, timeout=600)
    with h5py.File(out, "r") as f:
        runs = pd.DataFrame(f["runs"][:])
        names = list(f["metrics"].attrs["names"])
        metrics = f["metrics"][:, :, names.index(metric)]
    runs["fit"] = metrics[np.arange(len(runs)), runs["rows"].to_numpy() - 1]
    return runs


def cell(runs, **where):
    mask = np.ones(len(runs), dtype=bool)
    for key, value in where.items():
        mask &= np.isclose(runs[key.replace("__", ".")], value)
    values = runs.loc[mask, "fit"].to_numpy()
    check(len(values) > 0, f"no runs for {where}")
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values))


def greater(a, b, what):
    (ma, sa), (mb, sb) = a, b
    check(ma - mb > 3 * np.hypot(sa, sb), f"{what}: {ma:.4f} vs {mb:.4f} (se {np.hypot(sa, sb):.4f})")


def figure1(tmp):
    runs = final_fit(tmp, "march-figure1", "experiment.replications=300",
                     "sweep.grid.learning.socialization_rate=[0.1, 0.5, 0.9]")
    fit = lambda p1, p2: cell(runs, learning__socialization_rate=p1, learning__code_learning_rate=p2)
    greater(fit(0.1, 0.9), fit(0.1, 0.1), "at p1 = 0.1 knowledge rises with p2")
    for p2 in (0.5, 0.9):
        greater(fit(0.1, p2), fit(0.5, p2), f"p2 = {p2}: knowledge falls from p1 = 0.1 to 0.5")
        greater(fit(0.5, p2), fit(0.9, p2), f"p2 = {p2}: knowledge falls from p1 = 0.5 to 0.9")
    greater(fit(0.9, 0.1), fit(0.9, 0.5), "the p2 = 0.1 curve ends highest at p1 = 0.9 (vs p2 = 0.5)")
    greater(fit(0.9, 0.1), fit(0.9, 0.9), "the p2 = 0.1 curve ends highest at p1 = 0.9 (vs p2 = 0.9)")
    spread = lambda p2: fit(0.1, p2)[0] - fit(0.9, p2)[0]
    check(spread(0.1) < spread(0.5) and spread(0.1) < spread(0.9), "the p2 = 0.1 curve is the flattest")


def heterogeneous(tmp):
    runs = final_fit(tmp, "march-heterogeneous", "experiment.replications=400")
    uniform = cell(runs, learning__fast_learner_share=0.0)
    mixed = cell(runs, learning__fast_learner_share=0.5)
    greater(mixed, uniform, "a mix of fast and slow learners beats a uniform group with the same mean p1")


def turnover(tmp):
    runs = final_fit(tmp, "march-turnover", "experiment.replications=300")
    fit = lambda p1, p3: cell(runs, learning__socialization_rate=p1, learning__turnover_rate=p3)
    greater(fit(0.9, 0.1), fit(0.9, 0.0), "at p1 = 0.9 moderate turnover raises knowledge")
    greater(fit(0.1, 0.0), fit(0.1, 0.3), "at p1 = 0.1 heavy turnover hurts")


def turbulence(tmp):
    runs = final_fit(tmp, "march-turbulence", "experiment.replications=300")
    stale = cell(runs, learning__turnover_rate=0.0)
    renewed = cell(runs, learning__turnover_rate=0.1)
    check(abs(stale[0]) < 3 * stale[1] + 0.1, f"without turnover knowledge decays toward zero: {stale[0]:.3f}")
    greater(renewed, stale, "turnover sustains knowledge under turbulence")


def fang(tmp):
    runs = final_fit(tmp, "fang-subgroups", "experiment.replications=40", "experiment.ticks=200",
                     "sweep.grid.structure.cross_team_ties=[0.0, 0.1, 1.0]", metric="employee_knowledge")
    knowledge = lambda r: cell(runs, structure__cross_team_ties=r)
    greater(knowledge(0.1), knowledge(0.0), "moderate cross-team linking beats isolated teams")
    greater(knowledge(0.1), knowledge(1.0), "moderate cross-team linking beats a fully mixed organization")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="orgsim-validation-") as tmp:
        globals()[sys.argv[1]](tmp)
    print(f"{sys.argv[1]}: passed")
