"""Writes the example notebooks (sobol_study.ipynb, option_comparison.ipynb) from the cells below,
without outputs, so that the repository holds no results and a change to a notebook is a readable
diff here. Run it after editing a cell:

    /usr/bin/python3 examples/make_notebooks.py

Needs nbformat (Debian: python3-nbformat). tests/e2e/test_examples.py executes the notebooks."""
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))

# Shared by both notebooks: import orgsim (installed, or from a source checkout's build) and find
# the command-line program ($ORGSIM, else `orgsim` on PATH, else the build's).
SETUP = '''\
import io
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd

try:
    import orgsim
except ImportError:  # a source checkout, built but not installed: its build/python
    sys.path.insert(0, os.path.abspath(os.path.join("..", "build", "python")))
    import orgsim

# The command-line program (for the analysis commands the module does not have): $ORGSIM, else
# `orgsim` on PATH, else a source checkout's build/cli/orgsim.
ORGSIM = (os.environ.get("ORGSIM") or shutil.which("orgsim")
          or os.path.abspath(os.path.join("..", "build", "cli", "orgsim")))
if not os.access(ORGSIM, os.X_OK):
    raise RuntimeError(f"no orgsim program at {ORGSIM}: set ORGSIM=/path/to/orgsim")

try:
    import matplotlib.pyplot as plt  # Debian: python3-matplotlib; without it, tables only
except ImportError:
    plt = None

print(f"orgsim {orgsim.__version__} from {os.path.dirname(orgsim.__file__)}")
print(f"Python {sys.version.split()[0]} ({sys.executable}); command line: {ORGSIM}")
print("plots:", "matplotlib" if plt else "none (python3-matplotlib is not installed)")'''


def notebook(cells):
    nb = new_notebook(cells=[new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                             for kind, text in cells])
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating changes only what was edited
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


SOBOL = [
    ("md", r"""# A Sobol sensitivity study of March's mutual learning

**Question.** In March's (1991) model of mutual learning, a hidden *reality*, an organization's
*code* (its strategy) that learns from the employees who beat it, and employees whose beliefs are
socialized toward the code, with staff turnover bringing in newcomers with fresh beliefs: how much
of the variation in the **strategic fit** a 50-person organization has reached after 100 weeks is
due to each of three learning parameters, alone or through their interactions?

| parameter | March's name | meaning | range studied |
|---|---|---|---|
| `learning.socialization_rate` | p1 | how fast employees adopt the code's beliefs (per week) | 0.05 to 0.9 |
| `learning.code_learning_rate` | p2 | how fast the code learns from the best employees (per week) | 0.05 to 0.9 |
| `learning.turnover_rate` | p3 | weekly chance that an employee leaves and a newcomer with random beliefs replaces them | 0 to 0.02 (0 to about 65 % a year) |

Strategic fit is March's code knowledge: the share of the 30 dimensions of reality the code gets
right minus the share it gets wrong (from -1 to 1; 1 is a code that matches reality).

**Method.** A variance-based (Sobol) sensitivity analysis. The *first-order index* $S_i$ of a
parameter is the share of the output's variance it explains on its own (how much the output
would vary if only that parameter varied, averaged over the others). The *total index* $S_{Ti}$
adds every interaction the parameter takes part in. $S_i \approx S_{Ti}$ means the parameter acts
alone; $S_{Ti} \gg S_i$ means it matters mostly in combination with others; $\sum_i S_i$ is the
share of the variance the parameters explain acting alone.

This notebook writes the experiment as a Python dict, runs it with `orgsim.run`, reads it with
`orgsim.open` (an xarray Dataset), computes the indices in numpy, checks them against
`orgsim sensitivity`, puts bootstrap intervals on them, follows them over the 100 weeks and says
what they mean. It runs in a few seconds."""),
    ("code", SETUP),
    ("md", r"""## The experiment

A `[sweep.saltelli]` design: two matrices A and B of `samples` points each (from a Sobol
sequence), and for each parameter $i$ a matrix $AB_i$: A with column $i$ taken from B. With
$k = 3$ parameters and $N = 256$ base samples that is $N(k + 2) = 1280$ design points, each run
twice (two replications; the output of a design point is the mean of its two runs). Every other
submodel is off: this is March's model with turnover, in a stable world (no turbulence).

The replications use *common random numbers*: replication $r$ of every design point draws the
same random numbers, so the difference between two design points comes from their parameters,
not from luck."""),
    ("code", r'''SAMPLES = 256       # base samples N (a power of two suits the Sobol sequence)
REPLICATIONS = 2    # runs per design point; its output is their mean

experiment = {
    "experiment": {"name": "sobol-study", "ticks": 100, "replications": REPLICATIONS, "seed": 23},
    "scenario": {"org.employees": 50},
    "sweep": {"saltelli": {
        "samples": SAMPLES,
        "learning.socialization_rate": {"min": 0.05, "max": 0.9},
        "learning.code_learning_rate": {"min": 0.05, "max": 0.9},
        "learning.turnover_rate": {"min": 0.0, "max": 0.02},
    }},
}
PARAMETERS = [key for key in experiment["sweep"]["saltelli"] if key != "samples"]
K = len(PARAMETERS)

# The design's size is in the file name: an existing file with the same experiment is reused
# (runs are deterministic), and editing SAMPLES or REPLICATIONS then writes a new file rather
# than failing on the old one.
output = f"sobol-study-{SAMPLES}x{REPLICATIONS}.h5"
result = orgsim.run(experiment, output=output, threads=2, progress=False)
path, ds = result
print(f"{ds.sizes['run']} runs of {int(ds.attrs['ticks'])} weeks in {path} "
      f"({result.report['runs_computed']} computed now, in {result.report['wall_seconds']:.1f} s)")'''),
    ("md", r"""## What `orgsim.open` gives

`ds` is a lazily read xarray Dataset: one variable per metric with dimensions `(run, tick)`, and
along `run` the `/runs` table as coordinates: the three parameters, `design_point`,
`replication`, and for a Saltelli design `sample` (the base sample $j$) and `block`
(0 = $A_j$, 1 = $B_j$, $1 + i$ = $AB_j^i$ for parameter $i = 1 \dots k$ in the order of the
file: blocks 2, 3 and 4 here). `ds.drop_dims("tick").to_dataframe()` turns those
coordinates into a pandas table. The first two base samples: in each, the $AB_i$ rows take
parameter $i$ from B and the others from A."""),
    ("code", r'''runs = ds.drop_dims("tick").to_dataframe()   # one row per run: the /runs table
runs[runs["sample"] < 2][["sample", "block", "replication", *PARAMETERS]]'''),
    ("md", r"""## Sobol indices in numpy

For base sample $j$ let $f_A(j)$, $f_B(j)$ and $f_{AB_i}(j)$ be the outputs (strategic fit at
week 100, the mean of the two replications) of its A, B and $AB_i$ points. With $\bar f$ and $V$
the mean and variance (ddof = 1) of all $2N$ outputs of A and B:

* first order (Saltelli et al. 2010, outputs centred):
  $S_i = \frac{1}{N}\sum_j \big(f_B(j) - \bar f\big)\big(f_{AB_i}(j) - f_A(j)\big) / V$
* total (Jansen 1999): $S_{Ti} = \frac{1}{N}\sum_j \big(f_A(j) - f_{AB_i}(j)\big)^2 / (2V)$

`by_block` arranges any per-run values (one value per run, or a time series per run) as
`[sample, block, ...]`, averaging the replications. The `sample` and `block` coordinates are
unsigned 64-bit integers, as in the file; they are converted to signed integers before any
arithmetic (with `uint64`, `block - 2` wraps around to 18446744073709551614)."""),
    ("code", r'''sample = ds["sample"].values.astype(np.int64)
block = ds["block"].values.astype(np.int64)


def by_block(values):
    """Per-run values [run, ...] as [sample, block, ...], each design point the mean of its runs."""
    values = np.asarray(values, dtype=float)
    total = np.zeros((SAMPLES, K + 2) + values.shape[1:])
    count = np.zeros((SAMPLES, K + 2))
    np.add.at(total, (sample, block), values)
    np.add.at(count, (sample, block), 1)
    assert (count == REPLICATIONS).all(), "every design point has all its replications"
    return total / count.reshape(count.shape + (1,) * (values.ndim - 1))


def sobol(f):
    """First-order and total indices [parameter, ...] from outputs f[sample, block, ...]."""
    f_a, f_b = f[:, 0], f[:, 1]
    both = np.concatenate([f_a, f_b])
    mean, variance = both.mean(axis=0), both.var(axis=0, ddof=1)
    f_ab = [f[:, 2 + i] for i in range(K)]   # AB_1 .. AB_k: blocks 2 .. k + 1
    first = np.array([np.mean((f_b - mean) * (ab - f_a), axis=0) for ab in f_ab])
    total = np.array([np.mean((f_a - ab) ** 2, axis=0) for ab in f_ab])
    return first / variance, total / (2 * variance)


# Every run recorded all 101 rows (none stopped early), so the last tick is each run's end, which
# is what `orgsim sensitivity --at end` uses.
assert (ds["rows"].values == ds.sizes["tick"]).all()
fit = by_block(ds["strategic_fit"].isel(tick=-1).values)
first, total = sobol(fit)
indices = pd.DataFrame({"first_order": first, "total": total},
                       index=pd.Index(PARAMETERS, name="parameter"))
print(f"strategic fit at week 100: mean {fit[:, :2].mean():.3f}, sd {fit[:, :2].std(ddof=1):.3f} "
      f"over the {2 * SAMPLES} A and B points\n")
print(indices.to_string(float_format="%.6f"))'''),
    ("md", r"""## The same numbers from `orgsim sensitivity`

The command line computes the same estimators (`--bootstrap 0`: point estimates only; CSV for
pandas). They must agree to rounding, at the end and at any other tick (`--at 50`)."""),
    ("code", r'''def orgsim_sensitivity(*args):
    """`orgsim sensitivity` of this file as a DataFrame indexed by parameter."""
    proc = subprocess.run([ORGSIM, "sensitivity", path, "--format", "csv", "--bootstrap", "0", *args],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return pd.read_csv(io.StringIO(proc.stdout)).set_index("parameter")


cli_end = orgsim_sensitivity()
first_50, total_50 = sobol(by_block(ds["strategic_fit"].sel(tick=50).values))
cli_50 = orgsim_sensitivity("--at", "50")
gaps = np.concatenate([cli_end.loc[PARAMETERS, "first"] - first, cli_end.loc[PARAMETERS, "total"] - total,
                       cli_50.loc[PARAMETERS, "first"] - first_50, cli_50.loc[PARAMETERS, "total"] - total_50])
largest = np.abs(gaps).max()
assert largest < 1e-9, f"numpy and orgsim sensitivity differ by {largest}"
print(f"numpy and orgsim sensitivity agree: largest difference {largest:.1e} "
      f"over {len(gaps)} indices (weeks 100 and 50)")'''),
    ("md", r"""## How sure are we? Bootstrap intervals

An index estimated from $N = 256$ base samples is itself uncertain. Resampling the base samples
with replacement (1,000 times) and recomputing the indices gives 95 % percentile intervals.
`orgsim sensitivity` does the same with its own resamples, so its intervals agree with these only
roughly. The intervals cover the sampling of the parameter space; they do not cover the choice of
the two replications' random numbers, nor the ranges chosen above (other ranges give other
indices: a Sobol index answers a question about *these* ranges). An estimated first-order index
can come out slightly negative when the true one is near zero."""),
    ("code", r'''rng = np.random.default_rng(2026)
resampled = [sobol(fit[rng.integers(0, SAMPLES, SAMPLES)]) for _ in range(1000)]
boot_first = np.array([r[0] for r in resampled])
boot_total = np.array([r[1] for r in resampled])
intervals = indices.assign(
    first_low=np.percentile(boot_first, 2.5, axis=0), first_high=np.percentile(boot_first, 97.5, axis=0),
    total_low=np.percentile(boot_total, 2.5, axis=0), total_high=np.percentile(boot_total, 97.5, axis=0),
)[["first_order", "first_low", "first_high", "total", "total_low", "total_high"]]
print(intervals.round(3).to_string())
print("\nsum of first-order indices:", round(first.sum(), 3))
print("\norgsim sensitivity (its own 1,000 resamples):")
print(subprocess.run([ORGSIM, "sensitivity", path], capture_output=True, text=True, check=True).stdout)'''),
    ("md", r"""## The indices over time

`ds["strategic_fit"]` holds every week of every run, so the indices can be followed from week 1
to week 100 (at week 0 every design point starts from the same random state: no variance to
explain)."""),
    ("code", r'''series = by_block(ds["strategic_fit"].values)               # [sample, block, tick]
ticks = ds["tick"].values
has_variance = np.concatenate([series[:, 0], series[:, 1]]).var(axis=0, ddof=1) > 0
first_t = np.full((K, len(ticks)), np.nan)
total_t = np.full((K, len(ticks)), np.nan)
first_t[:, has_variance], total_t[:, has_variance] = sobol(series[:, :, has_variance])
over_time = pd.DataFrame({(kind, p): values[i] for kind, values in (("first", first_t), ("total", total_t))
                          for i, p in enumerate(PARAMETERS)}, index=pd.Index(ticks, name="week"))
print(over_time.loc[[10, 25, 50, 75, 100]].round(3).T.to_string())

if plt is not None:
    fig, axes = plt.subplots(1, K + 1, figsize=(16, 3.6))
    a_and_b = fit[:, :2].ravel()
    for i, p in enumerate(PARAMETERS):
        x = by_block(ds[p].values)[:, :2].ravel()
        axes[i].scatter(x, a_and_b, s=6, alpha=0.4)
        axes[i].set_xlabel(p)
    axes[0].set_ylabel("strategic fit, week 100")
    for i, p in enumerate(PARAMETERS):
        line, = axes[K].plot(ticks, first_t[i], label=f"{p.split('.')[1]}: first order")
        axes[K].plot(ticks, total_t[i], "--", color=line.get_color(), label="total")
    axes[K].set_xlabel("week")
    axes[K].set_ylabel("Sobol index")
    axes[K].legend(fontsize=7)
    fig.tight_layout()
    plt.show()'''),
    ("md", r"""## What the numbers mean

The cell below writes the reading out from the numbers above (it changes with them). How to read
it:

* A first-order index is the share of the spread in strategic fit that one parameter explains by
  itself; a total index adds its interactions. They are shares of the variance *within the
  ranges chosen*: widen a range and its parameter gains importance.
* Whatever the first-order indices leave unexplained ($1 - \sum_i S_i$) comes from interactions,
  and from the jaggedness of a stochastic simulation averaged over only two replications (which
  behaves like an interaction: it moves with every parameter at once).
* With 256 base samples the intervals are about ±0.1 wide: indices closer than that are not
  ranked by this study. Four times the samples would halve the intervals' width (about 5 s here).
* Sobol indices say *how much* a parameter matters, not in which direction. The scatter plots (and
  the rank correlations printed below) give the direction; March (1991) found that slow
  socialization and some turnover help the code learn, because they keep the variety of beliefs
  it learns from. Compare that with the directions found here, within these ranges."""),
    ("code", r'''def share(x):
    return f"{100 * x:.0f} %"


print(f"Strategic fit after 100 weeks averages {fit[:, :2].mean():.2f} (on a scale from -1 to 1) "
      f"with a standard deviation of {fit[:, :2].std(ddof=1):.2f} across the parameter ranges.")
for p, row in intervals.sort_values("total", ascending=False).iterrows():
    alone = (f"explains about {share(row.first_order)} of that variance on its own "
             f"(95 % interval {share(row.first_low)} to {share(row.first_high)})")
    if row.first_low <= 0:
        alone += ", which this sample cannot tell apart from nothing"
    print(f"- {p}: {alone}, and about {share(row.total)} with its interactions "
          f"({share(row.total_low)} to {share(row.total_high)}).")
a_and_b = pd.DataFrame({p: by_block(ds[p].values)[:, :2].ravel() for p in PARAMETERS})
rank_correlation = a_and_b.corrwith(pd.Series(fit[:, :2].ravel()), method="spearman")
for p in PARAMETERS:
    r = rank_correlation[p]
    print(f"- Higher {p} goes with {'higher' if r > 0 else 'lower'} strategic fit "
          f"(Spearman rank correlation {r:+.2f} over the A and B points).")
print(f"Acting alone, the three explain about {share(first.sum())}; the remaining "
      f"{share(1 - first.sum())} comes from interactions (and the runs' jaggedness).")
ranked = intervals.sort_values("total", ascending=False)
top, second = ranked.index[0], ranked.index[1]
if ranked.loc[top, "total_low"] > ranked.loc[second, "total_high"]:
    print(f"{top} is the most influential parameter: its total index's interval lies above {second}'s.")
else:
    print(f"{top} has the largest total index, but its interval overlaps {second}'s: "
          f"this sample does not rank the two.")
early = over_time.loc[25, "total"]
print("Over time: at week 25 the total indices are "
      + ", ".join(f"{p.split('.')[1]} {early[p]:.2f}" for p in PARAMETERS)
      + ", at week 100 " + ", ".join(f"{p.split('.')[1]} {total[i]:.2f}" for i, p in enumerate(PARAMETERS)) + ".")'''),
]


OPTIONS = [
    ("md", r"""# A consultant's option comparison: the logistics business case

**The client**: a 140-person freight forwarder (a port depot with dispatch and warehouse, a city
office with sales, finance/admin and IT), described by its own org chart.

**The question**: over three years, in euros, which of four options beats *today* (changing
nothing) on profit, lead time and engagement, when the largest customer (a quarter of the volume)
may not renew its contract at the start of year 2 (probability 0.5)?

| option | what happens |
|---|---|
| today | nothing changes (the baseline) |
| squads | cross-functional customer squads from week 13 |
| automate + redeploy | dispatch planning and invoicing automated from week 26; freed people retrained and redeployed |
| automate + layoffs | the same automation; freed people in dispatch and finance/admin laid off |
| squads + automation + culture | squads and a culture programme from week 13, automation with redeployment from week 26 |

The business case ships with orgsim:
`experiments/configs/scenarios/logistics-options.toml` (its comments explain the calibration).

**How options are compared.** Each option is simulated 30 times (replications). Replication $k$
of every option sees the same random events, *including whether the contract is lost*: common
random numbers. So the fair comparison is **paired**: option minus today within each
replication, then the mean of those 30 differences, its standard error and a 95 % t interval.
Pairing removes the luck both options share (the contract, who quits when), which is most of it."""),
    ("code", SETUP + r'''


def find_scenario(name="logistics-options.toml"):
    """The shipped scenario: under $ORGSIM_SOURCE_DIR, or the source tree around this notebook."""
    roots = [os.environ.get("ORGSIM_SOURCE_DIR")]
    here = os.getcwd()
    while True:
        roots.append(here)
        if os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    for root in filter(None, roots):
        candidate = os.path.join(root, "experiments", "configs", "scenarios", name)
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f"{name}: set ORGSIM_SOURCE_DIR to orgsim's source tree")


SCENARIO = find_scenario()
print("scenario:", SCENARIO)

from scipy import stats  # t quantiles for the intervals (Debian: python3-scipy)'''),
    ("md", r"""## Running the business case

`orgsim.run` takes the file as it is; keyword arguments override its settings, as `--set` does
on the command line (`experiment__replications` is `experiment.replications`). The file asks for
30 replications and three years (156 weeks) after a year of warm-up that is not recorded; on two
cores that takes about a second, so nothing needs trimming. Lower `REPLICATIONS` for a quicker
look, and expect wider intervals."""),
    ("code", r'''REPLICATIONS = 30

result = orgsim.run(SCENARIO, output="logistics-options.h5", threads=2, progress=False,
                    experiment__replications=REPLICATIONS)
path, ds = result
options = list(dict.fromkeys(ds["option"].values))     # in the file's order
baseline = ds.attrs["baseline_option"]
others = [o for o in options if o != baseline]
currency = ds.attrs.get("currency", "")
lost = ds["contract loss"].values.astype(bool)           # an uncertain event: 1 where it happened
print(f"{ds.sizes['run']} runs in {path}: {len(options)} options x {REPLICATIONS} replications, "
      f"{int(ds.attrs['ticks'])} weeks after {int(ds.attrs['warmup'])} weeks of warm-up "
      f"({result.report['runs_computed']} computed now, in {result.report['wall_seconds']:.1f} s)")
print(f"baseline: {baseline}; money in {currency}")
print(f"the contract is lost in {lost[ds['option'].values == baseline].sum()} of {REPLICATIONS} replications "
      f"(the same ones for every option: "
      f"{all((lost[ds['option'].values == o] == lost[ds['option'].values == baseline]).all() for o in options)})")'''),
    ("md", r"""## One row per run

`profit` is a flow: euros per week. The three years are weeks 1-52, 53-104 and 105-156 (week 0 is
the state after the warm-up and belongs to no year, as in `orgsim compare --per year`); summing a
year's recorded rows gives the year's profit because this file records every week (`every = 1`).
`lead_time` (in weeks; ×7 for days) and `engagement` are states: they are read at each run's last
recorded row (`rows - 1`), which is week 156 unless a firm went bust earlier."""),
    ("code", r'''assert ds.attrs["every"] == 1, "sums of recorded rows are totals only when every week is recorded"
last_row = ds["rows"].values.astype(np.int64) - 1       # each run's last recorded row
every_run = np.arange(ds.sizes["run"])
profit = ds["profit"]
table = pd.DataFrame({
    "option": ds["option"].values,
    "replication": ds["replication"].values.astype(np.int64),
    "contract lost": lost,
    "profit, 3 years": profit.sel(tick=slice(1, 156)).sum("tick").values,
    **{f"profit, year {y}": profit.sel(tick=slice(52 * (y - 1) + 1, 52 * y)).sum("tick").values
       for y in (1, 2, 3)},
    "lead time at the end [days]": 7 * ds["lead_time"].values[every_run, last_row],
    "engagement at the end": ds["engagement"].values[every_run, last_row],
    "exited": ds["exited"].values[every_run, last_row] > 0,
})
print(f"firms that went bust: {table['exited'].sum()} of {len(table)} runs")
table.head()'''),
    ("md", r"""## Paired differences against today

For each option and each replication: the option's value minus today's in the same replication.
The table gives both means, the mean difference, its standard error (sd / √n), a 95 % t interval,
and in how many replications the option came out ahead."""),
    ("code", r'''def paired(column, higher_is_better=True, rows=None):
    """Per option: means, the mean paired difference against the baseline, its standard error, a
    95 % t interval, and in how many of the n replications the option did better. `rows`: a
    boolean selection of the runs (default all)."""
    runs = table if rows is None else table[rows]
    wide = runs.pivot(index="replication", columns="option", values=column)
    result = {}
    for option in others:
        d = wide[option] - wide[baseline]
        n = len(d)
        se = d.std(ddof=1) / np.sqrt(n)
        half = stats.t.ppf(0.975, n - 1) * se
        result[option] = {"option mean": wide[option].mean(), f"{baseline} mean": wide[baseline].mean(),
                          "difference": d.mean(), "se": se, "low": d.mean() - half, "high": d.mean() + half,
                          "better in": int(((d > 0) if higher_is_better else (d < 0)).sum()), "n": n}
    return pd.DataFrame.from_dict(result, orient="index").rename_axis("option")


def money(x):
    return f"{x:,.0f}"


profit_3y = paired("profit, 3 years")
print(f"Profit over three years [{currency}], paired against {baseline}:\n")
print(profit_3y.to_string(float_format=money))'''),
    ("md", r"""The same numbers from `orgsim compare` (`--at total`: every week's profit summed; CSV for
pandas) must agree: the command line pairs by replication in the same way."""),
    ("code", r'''proc = subprocess.run([ORGSIM, "compare", path, "--by", "option", "--at", "total", "--metrics", "profit",
                       "--format", "csv"], capture_output=True, text=True, check=True)
cli = pd.read_csv(io.StringIO(proc.stdout)).set_index("design")
for option in others:
    for mine, theirs in (("difference", "difference"), ("low", "ci95_low"), ("high", "ci95_high")):
        a, b = float(profit_3y.loc[option, mine]), float(cli.loc[option, theirs])
        assert abs(a - b) <= 1e-6 * max(1.0, abs(b)), (option, mine, a, b)
print(f"paired profit differences and intervals agree with orgsim compare for {len(others)} options")'''),
    ("md", r"""## Year by year, and by the contract's fate

The three-year total hides the path: an option can cost money in year 1 (a restructuring, an
investment) and earn it back later. And the contract's loss hits every option, but not equally;
the replications where it was lost and kept are compared separately below (fewer pairs each, so
wider intervals)."""),
    ("code", r'''years = pd.concat({f"year {y}": paired(f"profit, year {y}")[["difference", "low", "high"]]
                   for y in (1, 2, 3)}, axis=1)
print(f"Profit difference against {baseline} by year [{currency}] (95 % intervals):\n")
print(years.to_string(float_format=money))

split = pd.concat({fate: paired("profit, 3 years", rows=rows)[["n", "difference", "low", "high"]]
                   for fate, rows in (("contract lost", table["contract lost"]),
                                      ("contract kept", ~table["contract lost"]))}, axis=1)
print(f"\nThree-year profit difference against {baseline}, by the contract's fate [{currency}]:\n")
print(split.to_string(float_format=money))'''),
    ("md", r"""## Lead time and engagement at the end of year 3

Lead time is how long a shipment takes from order to delivery (lower is better); engagement is the
staff's mean engagement from 0 to 1 (higher is better). A value at the end says nothing about the
way there: the figure shows the weekly means (a restructuring's dip in engagement, for one), and
the summary reports the deepest dip against today."""),
    ("code", r'''lead = paired("lead time at the end [days]", higher_is_better=False)
engagement = paired("engagement at the end")
print(f"Lead time at week 156 [days], paired against {baseline}:\n")
print(lead.to_string(float_format=lambda x: f"{x:.2f}"))
print(f"\nEngagement at week 156 [0-1], paired against {baseline}:\n")
print(engagement.to_string(float_format=lambda x: f"{x:.3f}"))

if plt is not None:
    fig, axes = plt.subplots(1, 3, figsize=(16, 4))
    y = np.arange(len(others))
    axes[0].errorbar(profit_3y["difference"] / 1e6, y, fmt="o",
                     xerr=[(profit_3y["difference"] - profit_3y["low"]) / 1e6,
                           (profit_3y["high"] - profit_3y["difference"]) / 1e6])
    axes[0].axvline(0, color="grey", lw=0.8)
    axes[0].set_yticks(y, others)
    axes[0].invert_yaxis()   # the options top to bottom in the file's order
    axes[0].set_xlabel(f"3-year profit vs {baseline} [million {currency}], 95 % interval")
    weeks = ds["tick"].values
    for option in options:
        runs_of = ds["option"].values == option
        axes[1].plot(weeks, 7 * ds["lead_time"].values[runs_of].mean(axis=0), label=option, lw=1)
        axes[2].plot(weeks, ds["engagement"].values[runs_of].mean(axis=0), label=option, lw=1)
    for ax, label in ((axes[1], "lead time [days]"), (axes[2], "engagement")):
        ax.set_xlabel("week")
        ax.set_ylabel(label + ", mean of the replications")
        for week in (13, 26, 53):   # squads and culture, automation, the contract decision
            ax.axvline(week, color="grey", lw=0.5, ls=":")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    plt.show()'''),
    ("md", r"""## `orgsim compare`, year by year

The command line's comparison covers every metric with a direction, per calendar year, with
p-values adjusted for the many comparisons (Holm) and verdicts, plus caveats it finds in the data
(bimodal outcomes, firms that went bust). Here restricted to the metrics of the question."""),
    ("code", r'''proc = subprocess.run([ORGSIM, "compare", path, "--by", "option", "--per", "year",
                       "--metrics", "profit,lead_time,turnover_rate,engagement,customer_satisfaction"],
                      capture_output=True, text=True, check=True)
print(proc.stdout)'''),
    ("md", r"""## Summary

Written from the numbers above (re-run the notebook and it follows them). The 95 % intervals are
per comparison: with four options and several metrics, one interval in twenty may exclude zero
by chance; `orgsim compare`'s verdicts above correct for that. The model's money is calibrated to
a typical forwarder's margins (the scenario file explains how), not to this client's books:
differences between options are what the model is for, not the level of profit."""),
    ("code", r'''def verdict(row, unit="", scale=1.0, digits=2, higher_is_better=True, negligible=0.01):
    """better / worse when the 95 % interval excludes 0; negligible when the difference is below 1 %
    of the baseline's level (as orgsim compare's --min-effect); else no clear difference."""
    d, low, high = (row[c] / scale for c in ("difference", "low", "high"))
    size = f"{d:+,.{digits}f}{' ' + unit if unit else ''} (95 % interval {low:+,.{digits}f} to {high:+,.{digits}f})"
    if low <= 0 <= high:
        return "no clear difference: " + size
    if abs(row["difference"]) < negligible * abs(row[f"{baseline} mean"]):
        return "negligible: " + size
    return ("better: " if (low > 0) == higher_is_better else "worse: ") + size


print(f"Against {baseline}, over three years, with {REPLICATIONS} paired replications:\n")
for option in others:
    row = profit_3y.loc[option]
    path_by_year = ", ".join(f"{y} {years.loc[option, (y, 'difference')] / 1e6:+.2f}" for y in ("year 1", "year 2", "year 3"))
    print(f"{option}")
    print(f"  profit      {verdict(row, 'million ' + currency, 1e6)}; ahead in {int(row['better in'])} "
          f"of {int(row['n'])} replications; by year (million): {path_by_year}")
    print(f"  lead time   {verdict(lead.loc[option], 'days', higher_is_better=False)}")
    print(f"  engagement  {verdict(engagement.loc[option], digits=3)}")
    path_of = ds["engagement"].values[ds["option"].values == option].mean(axis=0)
    today_path = ds["engagement"].values[ds["option"].values == baseline].mean(axis=0)
    dip = int(np.argmin(path_of - today_path))
    if path_of[dip] - today_path[dip] < -0.01:
        print(f"              on the way: {path_of[dip] - today_path[dip]:+.3f} against {baseline} at its lowest "
              f"(week {ds['tick'].values[dip]}, mean of the replications)")
best = profit_3y["difference"].idxmax()
runner_up = profit_3y["difference"].drop(best).idxmax()
wide = table.pivot(index="replication", columns="option", values="profit, 3 years")
d = (wide[best] - wide[runner_up]) / 1e6
half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
print(f"\nHighest three-year profit: {best}. Against the runner-up, {runner_up}, it earns "
      f"{d.mean():+.2f} million {currency} (95 % interval {d.mean() - half:+.2f} to {d.mean() + half:+.2f}): "
      + ("a clear lead." if d.mean() - half > 0 else "not a clear lead at this number of replications."))
fate = split.loc[best]
print(f"{best} against {baseline}: {fate[('contract lost', 'difference')] / 1e6:+.2f} million {currency} in the "
      f"{int(fate[('contract lost', 'n')])} replications where the contract is lost, "
      f"{fate[('contract kept', 'difference')] / 1e6:+.2f} million in the {int(fate[('contract kept', 'n')])} where it is kept.")'''),
]


def main():
    for name, cells in (("sobol_study.ipynb", SOBOL), ("option_comparison.ipynb", OPTIONS)):
        nb = notebook(cells)
        nbformat.validate(nb)
        nbformat.write(nb, os.path.join(HERE, name))
        print("wrote", os.path.join(HERE, name))


if __name__ == "__main__":
    main()
