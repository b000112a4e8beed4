#!/usr/bin/python3
"""End-to-end tests of a consultant's business case (issue 21): named options with their own
events, uncertain events, `compare` over options (pairs by replication, blocked factors, Holm),
calendar roll-ups and NPV, and the checks around them (an inert sweep, overwriting, bad values).

Run one case: test_options.py CASE (ctest runs every case as its own test). Environment: ORGSIM
(the binary), ORGSIM_SOURCE_DIR.
"""
import io
import math
import os
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

from e2e_common import check, orgsim, write

SOURCE = os.environ.get("ORGSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
LOGISTICS = os.path.join(SOURCE, "experiments", "configs", "scenarios", "logistics-options.toml")

# Options x one uncertain factor (market growth), 16 replications: a multi-factor design.
OPTIONS = """[experiment]
name = "options-test"
ticks = 104
replications = 16
seed = 21
currency = "EUR"

[scenario]
org.employees = 96
org.replace_below = 0   # every leaver replaced: headcount changes only by the options' layoffs
structure.enabled = true
people.enabled = true
work.enabled = true
environment.enabled = true

[sweep.grid]
environment.market_growth = [0.0, 0.003]

[[events]]
at = 40
name = "contract loss"
probability = 0.5
demand = -0.3

[[options]]
name = "today"
baseline = true

[[options]]
name = "squads"
[[options.events]]
at = 13
restructure = "cross_functional"
cost = 50000

[[options]]
name = "layoffs"
"finance.severance" = 12
[[options.events]]
at = 26
layoff = 0.1
"""


def read(path):
    with h5py.File(path, "r") as f:
        runs = pd.DataFrame(f["runs"][:])
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["metrics"].attrs["names"]]
        metrics = f["metrics"][...]
        ticks = f["metrics"].attrs["tick_of_row"]
    for column in runs.columns:
        if runs[column].dtype == object:
            runs[column] = [v.decode() if isinstance(v, bytes) else v for v in runs[column]]
    return runs, names, metrics, ticks


def t_sf(t, df):
    """P(T > t) for Student's t with df degrees of freedom, by Simpson's rule on the density
    (no SciPy on a plain Debian): accurate to about 1e-9 here."""
    t = abs(t)
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    # Substitute x = t + u / (1 - u), u in [0, 1): the tail becomes a finite interval.
    u = np.linspace(0.0, 1.0, 200001)[:-1]
    x = t + u / (1 - u)
    f = np.exp(log_c - (df + 1) / 2 * np.log1p(x * x / df)) / (1 - u) ** 2
    h = u[1] - u[0]
    return h / 3 * (f[0] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum() + f[-1])


def options_and_uncertain_events(tmp):
    """Options cross the grid; each option's own events happen only in it; the uncertain contract
    loss happens in the same replications in every option and design point, in about half."""
    exp = write(tmp, "options.toml", OPTIONS)
    out = os.path.join(tmp, "options.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    runs, names, metrics, ticks = read(out)
    check(len(runs) == 3 * 2 * 16, f"3 options x 2 growth rates x 16 replications: {len(runs)}")
    for column in ("option", "finance.severance", "environment.market_growth"):
        check(column in runs.columns, f"/runs has {column}: {list(runs.columns)}")
    check(list(dict.fromkeys(runs["option"])) == ["today", "squads", "layoffs"], "options in order")
    check(set(runs.loc[runs["option"] == "layoffs", "finance.severance"]) == {12.0}, "option value")
    check(set(runs.loc[runs["option"] != "layoffs", "finance.severance"]) == {8.0},
          "the scenario's value where an option leaves a parameter out")
    with h5py.File(out, "r") as f:
        check(f.attrs["baseline_option"] == "today" or f.attrs["baseline_option"] == b"today",
              "baseline option recorded")
        design = f.attrs["design"]
        check((design.decode() if isinstance(design, bytes) else design) == "3 options x grid",
              f"the design names the options: {design}")
        check("currency" in f.attrs, "currency recorded")
    row = {t: i for i, t in enumerate(ticks)}
    head, demand = names.index("headcount"), names.index("demand")
    # The layoff happens in the layoffs option only.
    after = metrics[:, row[27], head]
    check(np.all(after[runs["option"] == "layoffs"] < 96), "layoffs option lays off")
    check(np.all(after[runs["option"] != "layoffs"] == 96), "the other options keep everyone")
    # The contract loss: demand falls by 30 % at tick 40 in the same replications everywhere.
    ratio = metrics[:, row[40], demand] / metrics[:, row[39], demand]
    lost = ratio < 0.8
    by_replication = pd.DataFrame({"rep": runs["replication"], "lost": lost}).groupby("rep")["lost"]
    check((by_replication.nunique() == 1).all(), "every option and design point shares the draw")
    share = by_replication.first().mean()
    check(0.15 <= share <= 0.85, f"about half the replications lose the contract: {share}")
    check(np.allclose(ratio[lost], 0.7, atol=0.02), f"a 30 % cut: {ratio[lost][:4]}")
    check((runs["contract loss"].to_numpy() == lost).all(), "/runs says in which runs it happened")
    # Conditions on one column are alternatives: two options kept, compared with each other.
    two = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--where", "option=today",
                                         "--where", "option=squads", "--metrics", "profit",
                                         "--format", "csv").stdout))
    check(list(two["design"]) == ["squads"] and (two["where"] == "option = today or squads").all(),
          f"--where on one column twice keeps both values: {two[['design', 'where']]}")
    # State metrics are read at the window's last week: the share recovered by week 60 is the
    # share whose `recovered` flag is 1 at week 60, not a mean of the flag over weeks 1-60.
    # (At a price of 3,000 a task firms go bust within the window.)
    poor = os.path.join(tmp, "poor.h5")
    orgsim("run", exp, "-o", poor, "--quiet", "--set", "scenario.finance.task_value=3000",
           "--set", "experiment.replications=6")
    poor_runs = read(poor)[0]
    check(((poor_runs["ticks_run"] > 1) & (poor_runs["ticks_run"] < 60)).any(),
          f"some firms exit within weeks 1-60 (the two readings differ): {poor_runs['ticks_run']}")
    state = pd.read_csv(io.StringIO(orgsim("compare", poor, "--by", "option", "--at", "mean:1-60",
                                           "--metrics", "exited", "--format", "csv").stdout))
    at_60 = pd.read_csv(io.StringIO(orgsim("compare", poor, "--by", "option", "--at", "60",
                                           "--metrics", "exited", "--format", "csv").stdout))
    check(np.allclose(state["design_mean"], at_60["design_mean"], equal_nan=True) and
          np.allclose(state["baseline_mean"], at_60["baseline_mean"], equal_nan=True),
          f"exited at mean:1-60 is exited at week 60:\n{state}\n{at_60}")
    split = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--by", "contract loss",
                                           "--metrics", "demand", "--format", "csv").stdout))
    check(set(split["where"]) == {"contract loss = 0", "contract loss = 1"}, f"{set(split['where'])}")
    # resilience follows the named event in exactly the runs where it happened.
    text = orgsim("resilience", out, "--event", "contract loss", "--metric", "throughput",
                  "--by", "option").stdout
    missed = int((~lost).sum())
    check(f"({missed} runs where the uncertain event did not happen left out)" in text, text)
    for option in ("today", "squads", "layoffs"):
        line = next(l for l in text.splitlines() if l.startswith(option + " "))
        check(int(line.split()[1]) == int(lost.sum()) // 3, f"{option}: runs with the event: {line}")
    proc = orgsim("resilience", out, "--event", "contract", expect=2)
    check("named events are: contract loss" in proc.stderr, proc.stderr)
    # The squads option's one-off cost is booked at its event's tick.
    cost = names.index("cost")
    squads = (runs["option"] == "squads").to_numpy()
    today = (runs["option"] == "today").to_numpy()
    jump = metrics[squads, row[13], cost] - metrics[today, row[13], cost]
    check(np.all(jump >= 50000), f"the event's cost is in week 13's cost: {jump[:3]}")


def compare_multifactor_numpy(tmp):
    """compare --by option on options x growth: n = replications, each replication's difference
    the mean over the growth rates, t intervals, paired t p-values and Holm's adjustment, all
    recomputed from the file."""
    exp = write(tmp, "options.toml", OPTIONS)
    out = os.path.join(tmp, "options.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    runs, names, metrics, _ = read(out)
    shown = ["profit", "lead_time", "engagement", "customer_satisfaction", "goal_alignment"]
    csv = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--metrics",
                                         ",".join(shown), "--format", "csv").stdout))
    check(set(csv["baseline"]) == {"today"} and set(csv["design"]) == {"squads", "layoffs"},
          f"options against the baseline option: {set(csv['design'])}")
    final = np.stack([metrics[i, int(r) - 1, :] for i, r in enumerate(runs["rows"])])
    t975_15 = 2.131449545559323  # Student t, df = 15
    raw = {}
    for option in ("squads", "layoffs"):
        for metric in shown:
            values = pd.DataFrame({"v": final[:, names.index(metric)], "option": runs["option"],
                                   "rep": runs["replication"],
                                   "growth": runs["environment.market_growth"]})
            wide = values.pivot_table(index=["rep", "growth"], columns="option", values="v")
            d = (wide[option] - wide["today"]).groupby(level="rep").mean().to_numpy()
            row = csv[(csv["design"] == option) & (csv["metric"] == metric)].iloc[0]
            check(row["pairs"] == 16 and row["run_pairs"] == 32, f"{metric}: n = 16 replications")
            check(np.isclose(row["difference"], d.mean(), rtol=1e-12, atol=1e-12), f"{metric} mean")
            check(np.isclose(row["sd"], d.std(ddof=1), rtol=1e-9, atol=1e-12), f"{metric} sd")
            half = t975_15 * d.std(ddof=1) / 4
            check(np.isclose(row["ci95_high"] - row["difference"], half, rtol=1e-9, atol=1e-12),
                  f"{metric}: t interval")
            t = d.mean() / (d.std(ddof=1) / 4)
            p = min(1.0, 2 * t_sf(t, 15))
            check(abs(row["p"] - p) < 1e-7 + 1e-6 * p, f"{option} {metric}: p {row['p']} vs {p}")
            raw[(option, metric)] = row["p"]
    # Holm by hand over the 10 tests (every metric shown has a direction).
    order = sorted(raw, key=lambda k: raw[k])
    running, holm = 0.0, {}
    for i, key in enumerate(order):
        running = max(running, min(1.0, (len(order) - i) * raw[key]))
        holm[key] = running
    for (option, metric), adjusted in holm.items():
        row = csv[(csv["design"] == option) & (csv["metric"] == metric)].iloc[0]
        check(np.isclose(row["p_holm"], adjusted, rtol=1e-12, atol=1e-15), f"{option} {metric}: Holm")
        small = abs(row["difference"]) < 0.01 * abs(row["baseline_mean"])  # --min-effect 1 (%)
        expected = ("not significant" if adjusted >= 0.05 else "negligible" if small else None)
        if expected:
            check(row["verdict"] == expected, f"{option} {metric}: {row['verdict']} at p_holm {adjusted}")
        else:
            check(row["verdict"] in ("better", "worse"), f"{option} {metric}: {row['verdict']}")
    # The smallest effect of interest: with --min-effect 0 every significant difference has a
    # verdict; with 50 % none of these does.
    for threshold, allowed in (("0", {"better", "worse", "not significant"}),
                               ("50", {"negligible", "not significant"})):
        again = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--metrics",
                                               ",".join(shown), "--format", "csv",
                                               "--min-effect", threshold).stdout))
        check(set(again["verdict"]) <= allowed, f"--min-effect {threshold}: {set(again['verdict'])}")
        check((again["p_holm"] == csv["p_holm"]).all(), "the threshold does not change the tests")
    # The option's own parameter is confounded with it, not a blocking factor; the grid factor is.
    table = orgsim("compare", out, "--by", "option").stdout
    check("averaged over environment.market_growth" in table, table[:600])
    check("(set by each option and compared with it: finance.severance)" in table, table[:800])
    # --where and a second --by: one comparison per growth rate.
    only = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--where",
                                          "environment.market_growth=0", "--metrics", "profit",
                                          "--format", "csv").stdout))
    check((only["run_pairs"] == 16).all() and (only["where"] == "environment.market_growth = 0").all(),
          f"--where keeps one growth rate: {only[['run_pairs', 'where']]}")
    split = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--by",
                                           "environment.market_growth", "--metrics", "profit",
                                           "--format", "csv").stdout))
    check(len(split) == 4 and split["where"].nunique() == 2, f"one comparison per growth rate:\n{split}")
    # The split comparisons are one Holm family (4 tests), not two of 2.
    order = split["p"].sort_values()
    expected, running = {}, 0.0
    for i, (index, p) in enumerate(order.items()):
        running = max(running, min(1.0, (len(order) - i) * p))
        expected[index] = running
    check(np.allclose(split["p_holm"], pd.Series(expected).sort_index(), rtol=1e-12, atol=1e-15),
          f"one family across the splits:\n{split[['where', 'design', 'p', 'p_holm']]}")
    for args, message in ((["--baseline", "tomorrow"], "is not a value of option"),
                          (["--where", "option"], "expected NAME=VALUE"),
                          (["--where", "nope=1"], "no such column"),
                          (["--where", "option=nope"], "selects no complete run"),
                          (["--metrics", "proft"], 'did you mean "profit"')):
        proc = orgsim("compare", out, "--by", "option", *args, expect=2)
        check(message in proc.stderr, f"{args}: {proc.stderr}")
    proc = orgsim("compare", out, "--by", "opton", expect=2)
    check('did you mean "option"' in proc.stderr, proc.stderr)


def calendar_rollups(tmp):
    """compare --per year sums weekly flows into years (profit in EUR/year), shows stocks at the
    year's end and lead times in days; --at npv:RATE discounts the weekly flows."""
    exp = write(tmp, "options.toml", OPTIONS)
    out = os.path.join(tmp, "options.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    runs, names, metrics, ticks = read(out)
    check(list(ticks) == list(range(0, 105)), "every week recorded")
    csv = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "option", "--per", "year",
                                         "--metrics", "profit,lead_time,headcount,turnover_rate",
                                         "--format", "csv").stdout))
    check(set(csv["where"].fillna("")) == {""}, "no conditions")
    years = csv[csv["metric"] == "profit"]
    check(len(years) == 4, f"two years x two options: {len(years)}")
    check(set(years["unit"]) == {"EUR/year"}, f"profit in EUR/year: {set(years['unit'])}")
    profit, lead, head = names.index("profit"), names.index("lead_time"), names.index("headcount")
    for year, (first, last) in enumerate(((1, 52), (53, 104))):
        yearly = metrics[:, first:last + 1, profit].sum(axis=1)
        frame = pd.DataFrame({"v": yearly, "option": runs["option"], "rep": runs["replication"]})
        for option in ("squads", "layoffs"):
            expected = frame[frame["option"] == option].groupby("rep")["v"].mean().mean()
            rows = csv[(csv["design"] == option) & (csv["metric"] == "profit")]
            got = rows.iloc[year]["design_mean"]
            check(np.isclose(got, expected, rtol=1e-10), f"year {year + 1} {option}: {got} vs {expected}")
            lead_rows = csv[(csv["design"] == option) & (csv["metric"] == "lead_time")]
            lead_end = metrics[(runs["option"] == option).to_numpy(), last, lead].mean() * 7
            check(np.isclose(lead_rows.iloc[year]["design_mean"], lead_end, rtol=1e-10),
                  "lead time: the year's last week, in days")
            check(lead_rows.iloc[year]["unit"] == "days", "days")
            head_rows = csv[(csv["design"] == option) & (csv["metric"] == "headcount")]
            check(np.isclose(head_rows.iloc[year]["design_mean"],
                             metrics[(runs["option"] == option).to_numpy(), last, head].mean()),
                  "headcount: a stock, at the year's end")
    turnover = csv[csv["metric"] == "turnover_rate"]
    check(set(turnover["unit"]) == {"1/year"}, f"turnover per year: {set(turnover['unit'])}")
    # NPV at 8 % a year: sum over weeks t = 1..104 of profit_t / 1.08^(t / 52).
    npv = pd.read_csv(io.StringIO(orgsim("analyze", out, "--by", "option", "--metrics", "profit",
                                         "--at", "npv:0.08", "--format", "csv").stdout))
    discount = 1.08 ** (-np.arange(1, 105) / 52)
    for option in ("today", "squads", "layoffs"):
        values = metrics[(runs["option"] == option).to_numpy(), 1:105, profit] @ discount
        got = npv[npv["option"] == option]["mean"].iloc[0]
        check(np.isclose(got, values.mean(), rtol=1e-10), f"NPV of {option}: {got} vs {values.mean()}")
    total = pd.read_csv(io.StringIO(orgsim("analyze", out, "--by", "option", "--metrics", "profit",
                                           "--at", "total", "--format", "csv").stdout))
    for option in ("today", "squads"):
        values = metrics[(runs["option"] == option).to_numpy(), 1:105, profit].sum(axis=1)
        check(np.isclose(total[total["option"] == option]["mean"].iloc[0], values.mean(), rtol=1e-10),
              "total = the sum of the weekly profits")
    # Quarters and 4-4-5 months tile the weeks.
    quarters = orgsim("compare", out, "--by", "option", "--per", "quarter", "--metrics", "profit").stdout
    check("quarter 8 (weeks 92-104)" in quarters, "eight 13-week quarters")
    months = orgsim("compare", out, "--by", "option", "--per", "month", "--metrics", "profit").stdout
    check("month 3 (weeks 9-13)" in months and "month 24 (weeks 100-104)" in months, "4-4-5 months")
    # Totals need every week recorded.
    sparse = os.path.join(tmp, "sparse.h5")
    orgsim("run", exp, "-o", sparse, "--quiet", "--set", "output.every=4")
    proc = orgsim("compare", sparse, "--by", "option", "--per", "year", expect=2)
    check("need every tick" in proc.stderr and "every = 1" in proc.stderr, proc.stderr)


def inert_sweep_and_overwrite(tmp):
    """A varied parameter of a switched-off submodel gets a note; run refuses to overwrite the
    finished results of another experiment and does nothing for the same one."""
    inert = write(tmp, "inert.toml", "[experiment]\nticks = 5\n[sweep.grid]\n"
                  "culture.collectivism = [0.1, 0.9]\n")
    proc = orgsim("validate", inert)
    check("warning: culture.collectivism is varied, but culture.enabled is false in every design "
          "point" in proc.stderr, proc.stderr)
    # Options: a value of a submodel that is off in that option changes nothing; after a warm-up
    # a switch holds through the warm-up, so that option's week 0 is not today (review 2026-12-08).
    options = write(tmp, "options.toml", "[experiment]\nticks = 5\nwarmup = 4\n[scenario]\n"
                    "work.enabled = true\n[[options]]\nname = \"today\"\n[[options]]\n"
                    "name = \"lean\"\n\"policy.framework\" = \"lean\"\n[[options]]\n"
                    "name = \"policy\"\n\"policy.enabled\" = true\n")
    proc = orgsim("validate", options)
    check("warning: option \"lean\" sets policy.framework, but policy.enabled is false in that "
          "option: it changes nothing" in proc.stderr, proc.stderr)
    check("warning: option \"policy\" sets policy.enabled, which cannot change during a run: it "
          "holds through the warm-up too" in proc.stderr and proc.stderr.count("warning") == 2,
          proc.stderr)
    # A sweep of a parameter every described department sets for itself changes nothing: said;
    # not when one department leaves it to the company's value (review 2026-12-08).
    departments = ("[[organization.departments]]\nname = \"engineering\"\nheadcount = 30\n"
                   "routine_share = 0.25\n[[organization.departments]]\nname = \"finance\"\n"
                   "headcount = 10\nroutine_share = 0.6\n")
    swept = write(tmp, "swept.toml", "[experiment]\nticks = 5\n[scenario]\nwork.enabled = true\n"
                  "[sweep.grid]\nwork.routine_share = [0.3, 0.8]\n" + departments)
    proc = orgsim("validate", swept)
    check("warning: work.routine_share is varied, but every department in [organization] sets its "
          "own routine_share: it changes nothing" in proc.stderr, proc.stderr)
    proc = orgsim("validate", write(tmp, "swept_one.toml", open(swept).read().replace(
        "routine_share = 0.6\n", "")))
    check("warning" not in proc.stderr, proc.stderr)
    # Structure settings without the structure submodel do nothing: said once.
    off = write(tmp, "off.toml", "[experiment]\nticks = 5\n[scenario]\nstructure.type = \"matrix\"\n"
                "structure.centralization = 0.2\nwork.enabled = true\n")
    proc = orgsim("validate", off)
    check("warning: structure.type, structure.centralization are set, but structure.enabled is "
          "false" in proc.stderr and proc.stderr.count("warning") == 1, proc.stderr)
    proc = orgsim("validate", write(tmp, "on.toml", "[experiment]\nticks = 5\n[scenario]\n"
                                    "structure.enabled = true\nstructure.type = \"matrix\"\n"
                                    "coordination.enabled = true\nwork.enabled = true\n"))
    check("warning" not in proc.stderr, proc.stderr)
    out = os.path.join(tmp, "out.h5")
    orgsim("run", inert, "-o", out, "--quiet")
    before = open(out, "rb").read()
    again = orgsim("run", inert, "-o", out, "--quiet")
    check("already holds the finished results of this experiment" in again.stdout, again.stdout)
    other = write(tmp, "other.toml", "[experiment]\nticks = 6\n")
    proc = orgsim("run", other, "-o", out, "--quiet", expect=2)
    check("holds the finished results of another experiment" in proc.stderr and "--force" in proc.stderr,
          proc.stderr)
    check(open(out, "rb").read() == before, "the finished results are untouched")
    orgsim("run", other, "-o", out, "--quiet", "--force")
    check(open(out, "rb").read() != before, "--force replaces them")


def bad_values_exit_2(tmp):
    """Bad option and event values: one file:line:column error, exit 2, no output file."""
    cases = [
        ('name = "x"\nbaseline = true\n[[options]]\nname = "x"\n', 'options.name: "x" names two options'),
        ('name = "a"\nbaseline = true\n[[options]]\nname = "b"\nbaseline = true\n',
         "only one option can be the baseline"),
        ('name = "a"\nstructure.typo = "flat"\n', "options: unknown key 'structure.typo'"),
        ('baseline = true\n', "each option needs name"),
        ('name = "a"\n[[options.events]]\nat = 10\nname = "e"\nprobability = 1.5\nlayoff = 0.1\n',
         "events.probability: expected a probability in [0, 1], got 1.5"),
        ('name = "a"\n[[options.events]]\nat = 10\nprobability = 0.5\nlayoff = 0.1\n',
         "an uncertain event needs a name"),
        ('name = "a"\n[[options.events]]\nat = 10\ncost = -5\nlayoff = 0.1\n', "events.cost: expected a one-off cost"),
        ('name = "a"\n[[options.events]]\nat = 500\nlayoff = 0.1\n', "events.at: expected a tick in [1, 104]"),
        ('name = "a"\n"environment.market_growth" = 0.01\n', "is set by an option and varied in [sweep.grid]"),
    ]
    head = OPTIONS.split("[[options]]")[0]
    for k, (option, message) in enumerate(cases):
        exp = write(tmp, f"bad{k}.toml", head + "[[options]]\n" + option)
        out = os.path.join(tmp, f"bad{k}.h5")
        proc = orgsim("run", exp, "-o", out, "--quiet", expect=2)
        line = proc.stderr.strip()
        check(message in line and len(line.splitlines()) == 1 and line.startswith(exp + ":"),
              f"case {k}: {line}")
        check(":" in line.split(exp)[1][:12], f"case {k}: line and column: {line}")
        check(not os.path.exists(out), f"case {k}: no output file")
    currency = write(tmp, "currency.toml", OPTIONS.replace('currency = "EUR"', 'currency = "EURO"'))
    proc = orgsim("validate", currency, expect=2)
    check('unknown currency "EURO"' in proc.stderr and "did you mean" in proc.stderr.lower(), proc.stderr)
    typo = write(tmp, "typo.toml", OPTIONS.replace("restructure = ", "restucture = "))
    proc = orgsim("validate", typo, expect=2)
    check('did you mean "restructure"' in proc.stderr, proc.stderr)
    # A misspelt parameter in --set gets the scenario's suggestion, not "unknown table".
    valid = write(tmp, "valid.toml", OPTIONS)
    proc = orgsim("validate", valid, "--set", "coordination.attenton=5", expect=2)
    check('did you mean "coordination.attention"' in proc.stderr and "unknown table" not in proc.stderr,
          proc.stderr)
    sobol = write(tmp, "sobol.toml", "[experiment]\nticks = 5\n[sweep.sobol]\nsamples = 4\n"
                  "learning.socialization_rate = { min = 0.1, max = 0.9 }\n[[options]]\nname = \"a\"\n")
    proc = orgsim("validate", sobol, expect=2)
    check("combine with [sweep.grid] or [sweep.list]" in proc.stderr, proc.stderr)


def tornado_one_at_a_time(tmp):
    """orgsim tornado: each assumption at its low and high value around an option, paired by
    replication with the base, recomputed from its results file; the chart is drawn."""
    exp = write(tmp, "options.toml", OPTIONS.replace("replications = 16", "replications = 6"))
    out, chart = os.path.join(tmp, "tornado.h5"), os.path.join(tmp, "tornado.svg")
    csv = pd.read_csv(io.StringIO(orgsim(
        "tornado", exp, "--option", "layoffs", "--vary", "finance.task_value=3000,10000",
        "--vary", "environment.base_demand=0.2,0.5", "--vary", "culture.collectivism=0.2,0.8",
        "--metrics", "profit", "--format", "csv", "-o", out, "--chart", chart).stdout))
    check(list(csv["parameter"])[:2] == ["environment.base_demand", "finance.task_value"] or
          list(csv["parameter"])[:2] == ["finance.task_value", "environment.base_demand"],
          f"the money and demand assumptions swing most: {list(csv['parameter'])}")
    check((csv["swing"].diff().dropna() <= 0).all(), "widest swing first")
    inert = csv[csv["parameter"] == "culture.collectivism"].iloc[0]
    check(inert["swing"] == 0, "culture is off in this experiment: no swing")
    runs, names, metrics, ticks = read(out)
    profit = names.index("profit")
    # Rows after a run's end are NaN in the file: a firm that went bust has no flows after it.
    total = np.nansum(metrics[:, 1:, profit], axis=1)
    exited = names.index("exited")
    check(np.nanmax(metrics[:, :, exited]) == 1, "some firms go bust at a low price (exits tested)")
    # In means too: a window's mean of a flow is its total over the window's length (the held
    # rows of a bust run would repeat its exit week's loss).
    last = int(ticks[-1])
    at = {w: pd.read_csv(io.StringIO(orgsim("analyze", out, "--at", w, "--metrics", "profit",
                                            "--format", "csv").stdout)) for w in (f"mean:1-{last}", f"sum:1-{last}")}
    check(np.allclose(at[f"mean:1-{last}"]["mean"] * last, at[f"sum:1-{last}"]["mean"], rtol=1e-9),
          f"mean x weeks = total: {list(at[f'mean:1-{last}']['mean'] * last)} vs {list(at[f'sum:1-{last}']['mean'])}")
    check((runs["design_point"].max() + 1) == 7, "base + 3 assumptions x 2 values")
    with h5py.File(out, "r") as f:
        text = f.attrs["experiment"]
        text = text.decode() if isinstance(text, bytes) else text
    check("layoff = 0.1" in text, "the option's events are in the tornado's runs")
    check("finance.severance = 12" in text, "the option's own values are the base")
    for _, row in csv.iterrows():
        column = runs[row["parameter"]].astype(float)
        low = total[(column == float(row["low"])).to_numpy() & (runs["design_point"] > 0).to_numpy()]
        base = total[(runs["design_point"] == 0).to_numpy()]
        if row["swing"] > 0:
            check(np.isclose(row["change_low"], (low - base).mean(), rtol=1e-9),
                  f"{row['parameter']}: change at low {row['change_low']} vs {(low - base).mean()}")
    check(os.path.getsize(chart) > 1000 and open(chart).read().lstrip().startswith("<?xml"), "an SVG")
    proc = orgsim("tornado", exp, "--vary", "finance.task_value=5", "-o", out, "--force", expect=2)
    check("expected NAME=LOW,HIGH" in proc.stderr, proc.stderr)
    proc = orgsim("tornado", exp, "--vary", "finance.task_value=-5,6", "-o", out, "--force", expect=2)
    check("--vary finance.task_value=-5,6:" in proc.stderr, proc.stderr)
    proc = orgsim("tornado", exp, "--option", "nope", "--vary", "finance.task_value=5,6", "-o", out,
                  "--force", expect=2)
    check("its options are: today, squads, layoffs" in proc.stderr, proc.stderr)


def event_times_swept(tmp):
    """"events.<name>.at" in a grid moves the named event in each design point (the uncertain draw
    stays the same: common random numbers), the recorded experiment reads back, tornado varies an
    event's time, and bad times are one clear error."""
    text = OPTIONS.replace("environment.market_growth = [0.0, 0.003]",
                           '"events.contract loss.at" = [30, 60]').replace("replications = 16",
                                                                          "replications = 8")
    exp = write(tmp, "moved.toml", text)
    out = os.path.join(tmp, "moved.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    runs, names, metrics, ticks = read(out)
    check("events.contract loss.at" in runs.columns, f"/runs has the event's time: {list(runs.columns)}")
    row = {t: i for i, t in enumerate(ticks)}
    demand = names.index("demand")
    lost = {}
    for at in (30, 60):
        rows = (runs["events.contract loss.at"] == at).to_numpy()
        check(rows.sum() == 3 * 8, f"3 options x 8 replications at {at}")
        ratio = metrics[rows, row[at], demand] / metrics[rows, row[at - 1], demand]
        before = metrics[rows, row[at - 1], demand] / metrics[rows, row[at - 2], demand]
        check(np.all(before > 0.9), f"no cut before tick {at}: {before}")
        cut = ratio < 0.8
        check(np.allclose(ratio[cut], 0.7, atol=0.02), f"a 30 % cut at tick {at}: {ratio}")
        lost[at] = pd.Series(cut, index=runs.loc[rows, "replication"]).groupby(level=0).first()
        check((runs.loc[rows, "contract loss"].to_numpy() == cut).all(), "/runs says where it happened")
    check((lost[30] == lost[60]).all(), "the same replications lose the contract at either time")
    check(0 < lost[30].sum() < 8, f"an uncertain event: {lost[30].sum()} of 8")
    with h5py.File(out, "r") as f:
        recorded = f.attrs["experiment"]
    recorded = recorded.decode() if isinstance(recorded, bytes) else recorded
    again = write(tmp, "recorded.toml", recorded)
    check("ok" in orgsim("validate", again).stdout, "the recorded experiment reads back")
    split = pd.read_csv(io.StringIO(orgsim("compare", out, "--by", "events.contract loss.at",
                                           "--metrics", "demand", "--format", "csv").stdout))
    check(set(split["pairs"]) == {8}, f"pairs are replications (options blocked): {split}")
    # A tornado over the loss's time, around the layoffs option.
    single = write(tmp, "single.toml", OPTIONS.replace("replications = 16", "replications = 4"))
    csv = pd.read_csv(io.StringIO(orgsim(
        "tornado", single, "--option", "layoffs", "--vary", "events.contract loss.at=20,90",
        "--metrics", "demand", "--at", "60", "--format", "csv",
        "-o", os.path.join(tmp, "tornado.h5")).stdout))
    check(list(csv["parameter"]) == ["events.contract loss.at"], f"{csv}")
    # Demand at tick 60 is the same whether the contract went at tick 20 or 40 (the base), higher
    # where it goes only at tick 90 (in the replications that lose it).
    low, high = csv["change_low"].iloc[0], csv["change_high"].iloc[0]
    check(high > 0 and abs(low) < 0.1 * high, f"the loss's time moves demand at tick 60: {csv.T}")
    bad = [
        ('"events.contract loss.at" = [30, 600]', "tick 600 is past the end of the run"),
        ('"events.contract los.at" = [30]', 'no event is named "contract los"'),
    ]
    for k, (grid, message) in enumerate(bad):
        path = write(tmp, f"bad{k}.toml", text.replace('"events.contract loss.at" = [30, 60]', grid))
        proc = orgsim("run", path, "-o", os.path.join(tmp, f"bad{k}.h5"), "--quiet", expect=2)
        check(message in proc.stderr and proc.stderr.startswith(path + ":"), proc.stderr)
        check(not os.path.exists(os.path.join(tmp, f"bad{k}.h5")), "no output file")
    scenario = write(tmp, "scenario.toml", text.replace("[scenario]\n", '[scenario]\n"events.contract loss.at" = 5\n'))
    proc = orgsim("validate", scenario, expect=2)
    check("write at = ... on the event itself" in proc.stderr, proc.stderr)


def export_xlsx_and_csv(tmp):
    """orgsim export: the workbook read back with openpyxl has the four sheets, units in the
    headers, and the summary's values equal orgsim analyze's for the same period; the CSV files
    hold the same tables; bad output paths exit 2 and write nothing."""
    import openpyxl
    exp = write(tmp, "options.toml", OPTIONS.replace("replications = 16", "replications = 6"))
    out = os.path.join(tmp, "options.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    book, folder = os.path.join(tmp, "book.xlsx"), os.path.join(tmp, "csv")
    orgsim("export", out, "--xlsx", book, "--csv", folder)
    wb = openpyxl.load_workbook(book, read_only=True)
    check(wb.sheetnames == ["summary", "runs", "assumptions", "timeseries"], f"{wb.sheetnames}")
    rows = list(wb["summary"].iter_rows(values_only=True))
    head = list(rows[0])
    for column in ("option", "environment.market_growth", "period", "profit [EUR/year] mean",
                   "lead_time [days] mean", "headcount [positions] mean"):
        check(column in head, f"summary header {column}: {head[:12]}")
    frame = pd.DataFrame(rows[1:], columns=head)
    check(set(frame["period"]) == {"year 1 (weeks 1-52)", "year 2 (weeks 53-104)"},
          f"{set(frame['period'])}")
    # Year 2 from analyze: flows summed over weeks 53-104 (EUR), lead time in weeks.
    expected = pd.read_csv(io.StringIO(orgsim("analyze", out, "--at", "sum:53-104", "--metrics",
                                              "profit,lead_time", "--format", "csv").stdout))
    year2 = frame[frame["period"] == "year 2 (weeks 53-104)"]
    for _, e in expected.iterrows():
        row = year2[(year2["option"] == e["option"]) &
                    np.isclose(year2["environment.market_growth"], e["environment.market_growth"]) &
                    (year2["contract loss"] == e["contract loss"])]
        check(len(row) == 1, f"one summary row for {e['option']}")
        scale = 7 if e["metric"] == "lead_time" else 1  # days in the workbook, weeks in analyze
        unit = "EUR/year" if e["metric"] == "profit" else "days"
        got = row[f"{e['metric']} [{unit}] mean"].iloc[0]
        check(np.isclose(got, e["mean"] * scale, rtol=1e-12), f"{e['metric']}: {got} vs {e['mean']}")
        low = row[f"{e['metric']} [{unit}] 95% CI low"].iloc[0]
        check(np.isclose(low, e["ci95_low"] * scale, rtol=1e-12), f"{e['metric']} CI")
    runs = list(wb["runs"].iter_rows(values_only=True))
    check(len(runs) == 1 + 3 * 2 * 6 and "profit [EUR/tick] at end" in runs[0], f"{runs[0][:12]}")
    assumptions = pd.DataFrame(list(wb["assumptions"].iter_rows(values_only=True))[1:],
                               columns=["where", "parameter", "value", "unit", "meaning", "basis"])
    severance = assumptions[(assumptions["where"] == "option layoffs") &
                            (assumptions["parameter"] == "finance.severance")]
    check(len(severance) == 1 and float(severance["value"].iloc[0]) == 12, f"{severance}")
    check((assumptions["parameter"] == "event contract loss").any(), "events listed")
    series = list(wb["timeseries"].iter_rows(values_only=True))
    check(len(series) == 1 + 6 * 105, f"6 design points x 105 ticks: {len(series)}")
    csv = pd.read_csv(os.path.join(folder, "summary.csv"))
    check(list(csv.columns) == head and len(csv) == len(frame), "the CSV holds the same table")
    check(np.allclose(csv["profit [EUR/year] mean"], frame["profit [EUR/year] mean"], rtol=1e-12),
          "the same numbers")
    for args in (["--xlsx", os.path.join(tmp, "nodir", "b.xlsx")], []):
        proc = orgsim("export", out, *args, expect=2)
        check(len(proc.stderr.strip().splitlines()) == 1, proc.stderr)
    check(not os.path.exists(os.path.join(tmp, "nodir")), "nothing written")


def logistics_options_scenario(tmp):
    """The shipped business case runs and compares per year: five options, profit in EUR/year,
    lead time in days, the contract loss in the same replications for every option."""
    out = os.path.join(tmp, "logistics.h5")
    # 30 replications (about half keep the contract): without management research (policy off)
    # the market's slow drift erodes a few firms' fit, and their profit with it, so a handful of
    # runs is too few to tell a start-up from that drift.
    orgsim("run", LOGISTICS, "-o", out, "--quiet", "--set", "experiment.replications=30")
    runs, names, metrics, ticks = read(out)
    check(list(dict.fromkeys(runs["option"])) == ["today", "squads", "automate + redeploy",
                                                  "automate + layoffs",
                                                  "squads + automation + culture"], "five options")
    text = orgsim("compare", out, "--by", "option", "--per", "year", "--metrics",
                  "profit,lead_time,turnover_rate,engagement,customer_satisfaction").stdout
    for needle in ("year 3 (weeks 105-156)", "profit [EUR/year]", "lead_time [days]",
                   "turnover_rate [1/year]", "automate + layoffs vs today"):
        check(needle in text, f"'{needle}' missing:\n{text[:1500]}")
    # A year of warm-up keeps the chart's people: row 0 has all 140 of them in every run, and
    # today's profit is a steady state (no start-up: year 1 within 25 % of year 3 where the
    # contract is kept).
    head, profit = names.index("headcount"), names.index("profit")
    check((metrics[:, 0, head] == 140).all(), "the chart's 140 people at week 0")
    today = (runs["option"] == "today").to_numpy() & (runs["contract loss"] == 0).to_numpy()
    y1, y3 = metrics[today, 1:53, profit].sum(axis=1).mean(), metrics[today, 105:157, profit].sum(axis=1).mean()
    check(0.75 < y1 / y3 < 1.25, f"steady state, not a start-up: year 1 {y1:.0f}, year 3 {y3:.0f}")
    demand = names.index("demand")
    lost = metrics[:, 53, demand] / metrics[:, 52, demand] < 0.8
    frame = pd.DataFrame({"rep": runs["replication"], "lost": lost})
    check((frame.groupby("rep")["lost"].nunique() == 1).all(), "same fate in every option")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="orgsim-e2e-") as tmp:
        globals()[case](tmp)
    print(f"{case}: passed")
