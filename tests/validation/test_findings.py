#!/usr/bin/python3
"""Validation: March (1991), Fang, Lee & Schilling (2010), on NK landscapes Kauffman (1993),
Levinthal (1997), Rivkin & Siggelkow (2003) and Siggelkow & Rivkin (2005), and Greve (2003),
through the shipped
experiment files in experiments/configs/validation, run by the real orgsim binary with fewer
replications. Each finding is a comparison between cells (or with a published constant), checked
with a margin of three standard errors of the difference computed from the runs themselves; no
number from our own output is written into the tests."""
import io
import os
import subprocess
import sys
import tempfile
import tomllib

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
    def spread(p2):  # fall from p1 = 0.1 to p1 = 0.9, with its standard error
        (m1, s1), (m9, s9) = fit(0.1, p2), fit(0.9, p2)
        return m1 - m9, np.hypot(s1, s9)
    for p2 in (0.5, 0.9):
        greater(spread(p2), spread(0.1), f"the p2 = 0.1 curve is flatter than the p2 = {p2} curve")


def heterogeneous(tmp):
    # The finding compares groups with the same mean socialization rate: check the file's premise.
    with open(os.path.join(CONFIGS, "march-heterogeneous.toml"), "rb") as f:
        spec = tomllib.load(f)
    fast = spec["scenario"]["learning"]["fast_socialization_rate"]  # dotted keys nest in TOML
    points = [p["learning"] for p in spec["sweep"]["list"]["points"]]
    means = [p["fast_learner_share"] * fast + (1 - p["fast_learner_share"]) * p["socialization_rate"] for p in points]
    check(np.allclose(means, means[0]) and fast > max(p["socialization_rate"] for p in points),
          f"the mixed and the uniform group must have the same mean rate, with faster fast learners: {means}")
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
    greater(renewed, stale, "turnover sustains knowledge under turbulence")
    # Without turnover knowledge first rises, then decays: the final value is far below the peak
    # of the mean curve, closer to zero than to the peak.
    with h5py.File(os.path.join(tmp, "march-turbulence.h5"), "r") as f:
        names = list(f["metrics"].attrs["names"])
        curves = f["metrics"][:, :, names.index("strategic_fit")][runs["learning.turnover_rate"].to_numpy() == 0.0]
    mean = curves.mean(axis=0)
    se = curves.std(axis=0, ddof=1) / np.sqrt(len(curves))
    peak = int(np.argmax(mean))
    check(0 < peak < len(mean) - 1, f"the curve peaks inside the run (tick {peak})")
    greater((mean[peak], se[peak]), stale, "knowledge decays from its peak without turnover")
    check(stale[0] + 3 * stale[1] < mean[peak] / 2, f"decay toward zero: {stale[0]:.3f} vs peak {mean[peak]:.3f}")


def fang(tmp):
    runs = final_fit(tmp, "fang-subgroups", "experiment.replications=40", "experiment.ticks=200",
                     "sweep.grid.structure.cross_team_ties=[0.0, 0.1, 1.0]", metric="employee_knowledge")
    knowledge = lambda r: cell(runs, structure__cross_team_ties=r)
    greater(knowledge(0.1), knowledge(0.0), "moderate cross-team linking beats isolated teams")
    greater(knowledge(0.1), knowledge(1.0), "moderate cross-team linking beats a fully mixed organization")


def landscape_table(name, *args):
    """`orgsim landscape` on a validation file (CSV read back): one row per design point."""
    proc = subprocess.run([ORGSIM, "landscape", os.path.join(CONFIGS, name + ".toml"), "--format", "csv", *args],
                          check=True, timeout=600, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(proc.stdout))


def nk_landscape(tmp):
    table = landscape_table("nk-landscape", "--replications", "200").set_index("k")
    n = int(table["n"].iloc[0])
    peaks = lambda k: (table.loc[k, "peaks_mean"], table.loc[k, "peaks_se"])
    walk = lambda k: (table.loc[k, "walk_mean"], table.loc[k, "walk_se"])
    check(peaks(0) == (1, 0), f"K = 0: one peak on every landscape, got {peaks(0)}")
    # From a random start a K = 0 walk flips each wrong decision once: N/2 moves on average.
    check(abs(walk(0)[0] - n / 2) < 3 * walk(0)[1] + 1e-12, f"K = 0 walks {walk(0)}, expected {n / 2}")
    for k in range(n - 1):
        greater(peaks(k + 1), peaks(k), f"more local peaks at K = {k + 1} than at K = {k}")
        greater(walk(k), walk(k + 1), f"shorter walks to a peak at K = {k + 1} than at K = {k}")
    # Kauffman: at K = N - 1 the landscape is fully random and a configuration is a peak with
    # probability 1/(N + 1): 2^N/(N + 1) peaks. An equality, so a precise estimate (one census
    # is half a millisecond at N = 10).
    full = landscape_table("nk-landscape", "--replications", "20000", "--starts", "1",
                           "--set", f"sweep.grid.landscape.k=[{n - 1}]").iloc[0]
    expected = 2 ** n / (n + 1)
    check(abs(full["peaks_mean"] - expected) < 3 * full["peaks_se"],
          f"K = N - 1: {full['peaks_mean']:.2f} ({full['peaks_se']:.2f}) peaks, Kauffman's 2^N/(N+1) = {expected:.2f}")


def run_metrics(tmp, name, metrics, *sets):
    """Runs a validation file; returns /runs (text decoded) and {metric: [run, tick] values}."""
    out = os.path.join(tmp, name + ".h5")
    args = [ORGSIM, "run", os.path.join(CONFIGS, name + ".toml"), "-o", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True, timeout=600)
    with h5py.File(out, "r") as f:
        runs = pd.DataFrame(f["runs"][:])
        names = list(f["metrics"].attrs["names"])
        values = {m: f["metrics"][:, :, names.index(m)] for m in metrics}
    for column in runs.columns:
        if runs[column].dtype == object:
            runs[column] = runs[column].str.decode("utf-8")
    return runs, values


def mean_se(values):
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values))


def levinthal(tmp):
    # One landscape per design point (landscape.seed), so the unit of every comparison is a
    # landscape: firms on one landscape are not independent of each other.
    runs, m = run_metrics(tmp, "levinthal-rugged", ["code_config", "peaks_found", "landscape_performance"],
                          "experiment.replications=50")
    before, end = 49, -1  # the environment changes at tick 50
    held, final = {}, {}
    for (k, jump, seed), g in runs.groupby(["landscape.k", "landscape.long_jump", "landscape.seed"]):
        i = g.sort_values("replication").index.to_numpy()
        at_peak = m["peaks_found"][i, before] >= 1  # without long jumps a peak once reached is kept
        held.setdefault((k, jump), []).append(len(set(m["code_config"][i, before][at_peak])))
        final[(k, jump, seed)] = m["landscape_performance"][i, end]
    ks = sorted(runs["landscape.k"].unique())
    seeds = sorted(runs["landscape.seed"].unique())
    check(held[(0, 0.0)] == [1] * len(seeds), f"K = 0: every firm at a peak holds the one peak: {held[(0, 0.0)]}")
    for low, high in zip(ks, ks[1:]):
        greater(mean_se(held[(high, 0.0)]), mean_se(held[(low, 0.0)]),
                f"more distinct peaks held by the population at K = {high} than at K = {low}")
    adapted = lambda k: mean_se([final[(k, 0.0, s)].mean() for s in seeds])
    greater(adapted(0), adapted(5), "after the change local search adapts worse at K = 5 than at K = 0")
    greater(adapted(5), adapted(9), "after the change local search adapts worse at K = 9 than at K = 5")
    gain = lambda k: np.array([final[(k, 0.1, s)].mean() - final[(k, 0.0, s)].mean() for s in seeds])
    greater(mean_se(gain(max(ks))), (0, 0), f"long jumps raise performance after the change at K = {max(ks)}")
    greater(mean_se(gain(max(ks)) - gain(0)), (0, 0), f"long jumps matter more at K = {max(ks)} than at K = 0")


def rivkin_siggelkow(tmp):
    runs, m = run_metrics(tmp, "rivkin-siggelkow-design", ["landscape_performance"], "experiment.replications=200")
    runs["final"] = m["landscape_performance"][:, -1]
    def design(share, ceo, incentive):  # final performance by replication
        g = runs[np.isclose(runs["landscape.cross_share"], share) & (runs["landscape.ceo"] == ceo)
                 & (runs["landscape.incentive"] == incentive)]
        return g.sort_values("replication")["final"].to_numpy()
    shares = sorted(runs["landscape.cross_share"].unique())
    # Paired by replication: the designs of one cross share search the same landscapes.
    edge = {s: design(s, "active", "firm") - design(s, "rubber_stamp", "departmental") for s in shares}
    low, high = mean_se(edge[shares[0]]), mean_se(edge[shares[-1]])
    check(abs(low[0]) <= 3 * low[1], f"no cross-department interaction: the designs perform alike, {low}")
    greater(high, (0, 0), f"cross share {shares[-1]}: active top and firm-wide incentives beat a rubber "
                          "stamp with departmental incentives")
    greater(high, low, "the advantage of an active top with firm-wide incentives grows with interaction")
    greater(mean_se(design(shares[0], "rubber_stamp", "departmental")),
            mean_se(design(shares[-1], "rubber_stamp", "departmental")),
            "a rubber stamp with departmental incentives does worse when departments interact")


def siggelkow_rivkin(tmp):
    runs, m = run_metrics(tmp, "siggelkow-rivkin-speed", ["landscape_performance"], "experiment.replications=100",
                          "sweep.grid.landscape.k=[0, 6]")
    runs["perf"] = m["landscape_performance"][:, 101:].mean(axis=1)  # ticks 101-200
    key = ["landscape.k", "learning.turbulence_rate", "strategy.review_interval", "landscape.long_jump"]
    table = runs.pivot_table(index="replication", columns=key, values="perf")  # paired by replication
    ks, turbulences = sorted(runs[key[0]].unique()), sorted(runs[key[1]].unique())
    fast, slow = sorted(runs[key[2]].unique())
    narrow, broad = sorted(runs[key[3]].unique())
    speed = lambda k, t: table[(k, t, fast, narrow)] - table[(k, t, slow, narrow)]
    breadth = lambda k, t: table[(k, t, fast, broad)] - table[(k, t, fast, narrow)]
    calm, turbulent = turbulences[0], turbulences[-1]
    simple, complex_ = ks[0], ks[-1]
    for k in ks:
        greater(mean_se(speed(k, turbulent) - speed(k, calm)), (0, 0), f"K = {k}: turbulence favours fast reviews")
    greater(mean_se(breadth(complex_, calm) - breadth(simple, calm)), (0, 0),
            "without turbulence, complexity favours broad search")
    # Both high: in this model fast reviews gain more than broad search does.
    greater(mean_se(speed(complex_, turbulent) - breadth(complex_, turbulent)), (0, 0),
            "turbulent and complex: speed gains more than breadth")


def greve(tmp):
    runs, m = run_metrics(tmp, "greve-aspiration",
                          ["performance_gap", "research_started", "review", "shock", "realigned"],
                          "experiment.replications=100")
    gap, change, review = m["performance_gap"], m["research_started"], m["review"]
    shock, realigned = m["shock"], m["realigned"]
    observed = (review == 1) & ~np.isnan(gap) & ~np.isnan(change)
    observed[:, :27] = False  # a period and its reports lie inside the run

    def hazard(lo, hi):
        at = observed & (gap >= lo) & (gap < hi)
        n = at.sum()
        check(n >= 30, f"at least 30 reviews with a gap in [{lo}, {hi}): {n}")
        h = change[at].mean()
        return h, np.sqrt(max(h * (1 - h), 1.0 / n) / n)

    far, near, above = hazard(-1, -0.03), hazard(-0.015, -0.006), hazard(0, 1)
    greater(far, near, "change is likelier far below aspiration than just below it")
    greater(near, above, "change is likelier just below aspiration than above it")
    check(above[0] < 0.01, f"above aspiration there is (almost) no problemistic search: {above[0]:.4f}")
    # The shortfall is perceived, not read from the market, but it reflects what happened: reviews
    # whose reported period held a shock (ticks t-17..t-4: a quarter, reported a month late) see a
    # lower performance relative to aspiration than the others (realignments in the half year
    # before are left out: a change moves performance by itself).
    after, other = [], []
    for i, t in zip(*np.nonzero(observed)):
        if np.nansum(realigned[i, t - 26:t]) > 0:
            continue
        (after if np.nansum(shock[i, t - 17:t - 4]) > 0 else other).append(gap[i, t])
    greater(mean_se(other), mean_se(after), "a shock in the reported period lowers the perceived gap")


def posen_levinthal(tmp):
    # Posen & Levinthal (2012): with learning by doing, exploration (slow socialization) costs
    # current payoff, so with no change the fastest socialization is best; as the world changes
    # faster the best exploration rises (the first part of their curve; the fall beyond it is
    # not reproduced, docs/validation.md). Paired by replication (common random numbers).
    runs, m = run_metrics(tmp, "posen-levinthal-turbulence", ["employee_knowledge"],
                          "experiment.replications=40",
                          "sweep.grid.learning.turbulence_rate=[0.0, 0.02]")
    runs["payoff"] = np.nanmean(m["employee_knowledge"][:, 1:], axis=1)
    table = runs.pivot_table(index=["learning.turbulence_rate", "replication"],
                             columns="learning.socialization_rate", values="payoff")

    def better(p4, fast, slow, what):
        diff = (table.loc[p4][fast] - table.loc[p4][slow]).to_numpy()
        mean, se = mean_se(diff)
        check(mean > 3 * se, f"{what}: {mean:.4f} (se {se:.4f})")

    better(0.0, 0.2, 0.02, "no change: exploration costs, fast socialization is better")
    better(0.02, 0.05, 0.2, "change: exploration pays, slower socialization is better")
    best = {p4: table.loc[p4].mean().idxmax() for p4 in (0.0, 0.02)}
    check(best[0.02] < best[0.0], f"the best socialization rate falls with the rate of change: {best}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="orgsim-validation-") as tmp:
        globals()[sys.argv[1]](tmp)
    print(f"{sys.argv[1]}: passed")
