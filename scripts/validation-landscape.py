#!/usr/bin/python3
"""The tables and figures of the landscape validations in docs/validation.md (Kauffman, Levinthal
1997, Rivkin & Siggelkow 2003, Siggelkow & Rivkin 2005) and of Greve (2003), from the output of the shipped
experiment files in experiments/configs/validation/. Prints each table as Markdown (mean with its
standard error in parentheses) and draws the figure with gnuplot (SVG, the style of `orgsim plot`).

  validation-landscape.py nk NK.csv FIGURE.svg          # from `orgsim landscape ... --format csv`
  validation-landscape.py levinthal RESULTS.h5 FIGURE.svg
  validation-landscape.py rivkin RESULTS.h5 FIGURE.svg
  validation-landscape.py speed RESULTS.h5 FIGURE.svg
  validation-landscape.py greve RESULTS.h5 FIGURE.svg
  validation-landscape.py contingency RESULTS.h5 FIGURE.svg   # scenarios/structure-comparison.toml
  validation-landscape.py matrix RESULTS.h5 FIGURE.svg        # scenarios/matrix-or-functional.toml

Needs Debian's python3 (h5py, pandas, numpy) and gnuplot. The validation tests
(tests/validation/test_findings.py) check the findings themselves; this script only reports.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

TERMINAL = "set terminal svg size 760,500 dynamic font 'sans,13' background rgb 'white'\n"


def mean_se(values):
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values))


def cell(values, digits=3):
    m, s = mean_se(values)
    return f"{m:.{digits}f} ({s:.{digits}f})"


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    print("\n".join(lines) + "\n")


def read_runs(path, metric):
    """/runs (text columns decoded) and the [run, tick] values of one metric. A run that ended
    early holds its last row, as orgsim's analysis does (no survivor bias), except that a firm
    that went bust has no flows (per-tick metrics: profit, revenue, ...) after its exit."""
    with h5py.File(path, "r") as f:
        runs = pd.DataFrame(f["runs"][:])
        names = [n.decode() if isinstance(n, bytes) else n for n in f["metrics"].attrs["names"]]
        units = [u.decode() if isinstance(u, bytes) else u for u in f["metrics"].attrs["units"]]
        values = f["metrics"][:, :, names.index(metric)]
        exited = f["metrics"][:, :, names.index("exited")] if "exited" in names else None
    flow = units[names.index(metric)].endswith("/tick")
    for i, rows in enumerate(runs["rows"].to_numpy().astype(int)):
        if 0 < rows < values.shape[1]:
            bust = exited is not None and exited[i, rows - 1] == 1
            values[i, rows:] = 0.0 if bust and flow else values[i, rows - 1]
    for column in runs.columns:
        if runs[column].dtype == object:
            runs[column] = runs[column].str.decode("utf-8")
    return runs, values


def gnuplot(script, data, output):
    """Runs a gnuplot script; `data` maps a name to rows written to a file $name in the script."""
    with tempfile.TemporaryDirectory(prefix="orgsim-validation-") as tmp:
        for name, rows in data.items():
            with open(os.path.join(tmp, name), "w") as f:
                for row in rows:
                    f.write(" ".join(str(x) for x in row) + "\n")
            script = script.replace("$" + name, os.path.join(tmp, name))
        subprocess.run(["gnuplot"], input=TERMINAL + f"set output '{output}'\n" + script, text=True, check=True)


def nk(csv_path, output):
    t = pd.read_csv(csv_path).sort_values("k")
    n = int(t["n"].iloc[0])
    rows = [(k, f"{p:.2f} ({ps:.2f})", f"{w:.3f} ({ws:.3f})", f"{o:.4f} ({os_:.4f})")
            for k, p, ps, w, ws, o, os_ in zip(t.k, t.peaks_mean, t.peaks_se, t.walk_mean, t.walk_se,
                                               t.optimum_mean, t.optimum_se)]
    markdown(["K", "local peaks", "walk length (moves)", "optimum"], rows)
    print(f"Kauffman's expectation at K = N - 1: 2^N/(N+1) = {2 ** n / (n + 1):.2f}\n")
    gnuplot(f"""set xlabel 'K (interactions per decision), N = {n}'
set ylabel 'local peaks (log scale)'
set y2label 'steepest-ascent walk to a peak (moves)'
set logscale y
set yrange [0.8:200]
set y2range [0:6]
set ytics nomirror
set y2tics
set xrange [-0.5:{n - 0.5}]
set key top center
set grid
plot '$peaks' using 1:2:3 with yerrorlines lw 2 pt 7 title 'local peaks (census)', \\
     '$kauffman' using 1:2 with points pt 6 ps 2 lc rgb 'black' title 'Kauffman: 2^N/(N+1) at K = N-1', \\
     '$peaks' using 1:4:5 axes x1y2 with yerrorlines lw 2 pt 5 title 'walk length (right axis)'
""", {"peaks": zip(t.k, t.peaks_mean, 3 * t.peaks_se, t.walk_mean, 3 * t.walk_se),
      "kauffman": [(n - 1, 2 ** n / (n + 1))]}, output)


def levinthal_landscapes(runs, config, performance, peaks):
    """One row per landscape (design point): the firms' forms before the change and whether they
    sat on a peak, performance before and after it, and which firms reoriented (adopted a move of
    several decisions at once) after it."""
    before, change = 49, 50
    rows = []
    for (k, jump, seed), g in runs.groupby(["landscape.k", "landscape.long_jump", "landscape.seed"]):
        i = g.sort_values("replication").index.to_numpy()
        moves = config[i, change:].astype(np.int64) ^ config[i, change - 1:-1].astype(np.int64)
        reoriented = (np.vectorize(lambda x: bin(x).count("1"))(moves) > 1).any(axis=1)
        rows.append({"k": k, "jump": jump, "seed": seed, "configs": config[i, before].astype(np.int64),
                     "at_peak": peaks[i, before] >= 1, "p49": performance[i, before],
                     "p50": performance[i, change], "p100": performance[i, -1], "reoriented": reoriented})
    return rows


def levinthal(path, output):
    runs, performance = read_runs(path, "landscape_performance")
    _, config = read_runs(path, "code_config")
    _, peaks = read_runs(path, "peaks_found")
    landscapes = levinthal_landscapes(runs, config, performance, peaks)
    ks = sorted(runs["landscape.k"].unique())
    rows, effect_rows = [], []
    for k in ks:
        alone = [l for l in landscapes if l["k"] == k and l["jump"] == 0]
        jumping = {l["seed"]: l for l in landscapes if l["k"] == k and l["jump"] > 0}
        # Without long jumps a firm that has sat on a peak never leaves it before the change.
        held = [len(set(l["configs"][l["at_peak"]])) for l in alone]
        rows.append((k, cell([len(set(l["configs"])) for l in alone], 1), cell(held, 1),
                     cell([l["p49"].mean() for l in alone]), cell([l["p50"].mean() for l in alone]),
                     cell([l["p100"].mean() for l in alone])))
        with_jumps = [jumping[l["seed"]] for l in alone]
        gain = [j["p100"].mean() - l["p100"].mean() for j, l in zip(with_jumps, alone)]
        # Firms that reoriented after the change against those that did not, per landscape.
        edge = [l["p100"][l["reoriented"]].mean() - l["p100"][~l["reoriented"]].mean() for l in with_jumps]
        effect_rows.append((k, cell([l["p100"].mean() for l in alone]),
                            cell([l["p100"].mean() for l in with_jumps]), cell(gain),
                            cell([l["reoriented"].mean() for l in with_jumps], 2), cell(edge)))
    markdown(["K", "distinct forms, tick 49", "distinct peaks held, tick 49", "performance, tick 49",
              "tick 50 (after the change)", "tick 100"], rows)
    markdown(["K", "tick 100, local search", "with long jumps (0.1)", "gain from long jumps",
              "share of firms reoriented after the change", "tick 100: reoriented minus not"], effect_rows)
    draw_levinthal(runs, config, performance, ks, output)


def draw_levinthal(runs, config, performance, ks, output):
    forms, curves = [], []
    for k in ks:
        alone = runs[(runs["landscape.k"] == k) & (runs["landscape.long_jump"] == 0)]
        by_landscape = [config[g.index.to_numpy(), :50] for _, g in alone.groupby("landscape.seed")]
        forms.append([np.mean([len(set(c[:, t])) for c in by_landscape]) for t in range(50)])
        for jump in (0.0, 0.1):
            i = runs.index[(runs["landscape.k"] == k) & (runs["landscape.long_jump"] == jump)].to_numpy()
            curves.append(performance[i].mean(axis=0))
    ticks = range(performance.shape[1])
    plots_forms = ", ".join(f"'$forms' using 1:{j + 2} with lines lw 2 lc {j + 1} title 'K = {k}'"
                            for j, k in enumerate(ks))
    plots_perf = ", ".join(
        f"'$perf' using 1:{2 * j + 2} with lines lw 2 lc {j + 1} dt 1 title 'K = {k}', "
        f"'$perf' using 1:{2 * j + 3} with lines lw 2 lc {j + 1} dt 2 notitle" for j, k in enumerate(ks))
    gnuplot(f"""set multiplot layout 1,2
set grid
set xlabel 'tick'
set ylabel 'distinct forms among 100 firms'
set title 'diversity on one landscape (local search)'
set key top right
plot {plots_forms}
set ylabel 'performance (share of the optimum)'
set title 'change at tick 50; dashed: long jumps 0.1'
set yrange [0.6:1.01]
set key bottom right
plot {plots_perf}
unset multiplot
""", {"forms": [(t, *[f[t] for f in forms]) for t in range(50)],
      "perf": [(t, *[c[t] for c in curves]) for t in ticks]}, output)


def rivkin(path, output):
    runs, performance = read_runs(path, "landscape_performance")
    runs["final"] = performance[:, -1]
    designs = [("rubber_stamp", "departmental"), ("rubber_stamp", "firm"), ("active", "departmental"),
               ("active", "firm")]
    rows, lines = [], []
    for share, g in runs.groupby("landscape.cross_share"):
        by = {d: g[(g["landscape.ceo"] == d[0]) & (g["landscape.incentive"] == d[1])]
              .sort_values("replication")["final"].to_numpy() for d in designs}
        difference = by[("active", "firm")] - by[("rubber_stamp", "departmental")]
        rows.append((share, *[cell(by[d]) for d in designs], cell(difference)))
        lines.append((share, *[x for d in designs for x in (mean_se(by[d])[0], 3 * mean_se(by[d])[1])]))
    markdown(["cross share", "rubber stamp, departmental", "rubber stamp, firm-wide", "active, departmental",
              "active, firm-wide", "active & firm-wide minus rubber stamp & departmental (paired)"], rows)
    plots = ", ".join(f"'$lines' using 1:{2 * j + 2}:{2 * j + 3} with yerrorlines lw 2 pt {j + 4} "
                      f"title '{ceo.replace('_', ' ')}, {incentive}'" for j, (ceo, incentive) in enumerate(designs))
    gnuplot(f"""set grid
set xlabel 'share of interactions across the two departments (landscape.cross\\_share)'
set ylabel 'performance at tick 100 (share of the optimum)'
set key bottom left
set xrange [-0.05:1.05]
plot {plots}
""", {"lines": lines}, output)


def speed(path, output):
    runs, performance = read_runs(path, "landscape_performance")
    runs["perf"] = performance[:, 101:].mean(axis=1)
    key = ["landscape.k", "learning.turbulence_rate", "strategy.review_interval", "landscape.long_jump"]
    table = runs.pivot_table(index=["replication"] + key[:2], columns=key[2:], values="perf")
    rows, effects = [], []
    for (k, turbulence), g in table.groupby(level=[1, 2]):
        slow, fast = max(c[0] for c in g.columns), min(c[0] for c in g.columns)
        narrow, broad = min(c[1] for c in g.columns), max(c[1] for c in g.columns)
        speed_gain = g[(fast, narrow)] - g[(slow, narrow)]
        breadth_gain = g[(fast, broad)] - g[(fast, narrow)]
        rows.append((k, turbulence, *[cell(g[c]) for c in [(slow, narrow), (slow, broad), (fast, narrow),
                                                              (fast, broad)]],
                     cell(speed_gain), cell(breadth_gain), cell(g[(slow, broad)] - g[(slow, narrow)])))
        effects.append((k, turbulence, *mean_se(speed_gain), *mean_se(breadth_gain)))
    markdown(["K", "turbulence", "slow, narrow", "slow, broad", "fast, narrow", "fast, broad",
              "speed gain (narrow)", "breadth gain (fast)", "breadth gain (slow)"], rows)
    data = {}
    for turbulence in sorted({e[1] for e in effects}):
        data[f"t{len(data)}"] = [(e[0], e[2], 3 * e[3], e[4], 3 * e[5]) for e in effects if e[1] == turbulence]
    names = sorted({e[1] for e in effects})
    speed_plot = ", ".join(f"'$t{j}' using 1:2:3 with yerrorlines lw 2 pt 7 lc {j + 1} title 'turbulence {t}'"
                           for j, t in enumerate(names))
    breadth_plot = ", ".join(f"'$t{j}' using 1:4:5 with yerrorlines lw 2 pt 5 lc {j + 1} title 'turbulence {t}'"
                             for j, t in enumerate(names))
    gnuplot(f"""set multiplot layout 1,2
set grid
set xlabel 'K (complexity)'
set xrange [-0.5:6.5]
set key top left
set yrange [-0.01:0.06]
set title 'speed: review every tick vs every 4'
set ylabel 'performance gain, ticks 101-200'
plot {speed_plot}
set title 'breadth: long jumps 0.3 vs none (fast)'
plot {breadth_plot}
unset multiplot
""", data, output)


def contingency(path, output):
    """The structure comparison: Burns & Stalker's organic design (squads, decisions delegated:
    centralization 0.2) against the mechanistic one (functional, centralization 0.8) in the four
    environments (stable or fast market x simple or complex work), with the differences in
    differences along each axis; then each structure against the functional one at the same
    centralization. Profit per week, weeks 53-156, paired by replication."""
    runs, values = read_runs(path, "profit")
    runs["profit"] = np.nanmean(values[:, 53:157], axis=1)
    runs["design"] = runs["structure.type"] + "@" + runs["structure.centralization"].astype(str)
    table = runs.pivot_table(index=["learning.turbulence_rate", "work.routine_share", "replication"],
                             columns="design", values="profit")
    stable, fast = sorted(table.index.get_level_values(0).unique())
    complex_, simple = sorted(table.index.get_level_values(1).unique())
    envs = [(stable, simple), (fast, simple), (stable, complex_), (fast, complex_)]
    names = {(stable, simple): "stable market, simple work", (fast, simple): "fast market, simple work",
             (stable, complex_): "stable market, complex work", (fast, complex_): "fast market, complex work"}
    fmt = lambda m, s: f"{m:+,.0f} ({s:,.0f})"
    mech = "functional@0.8"
    contrasts = {"organic (squads, 0.2)": "cross_functional@0.2", "functional, 0.2": "functional@0.2",
                 "matrix, 0.2": "matrix@0.2", "flat, 0.2": "flat@0.2"}
    rows, bars = [], []
    for e in envs:
        cell = table.loc[e]
        row = [names[e], f"{cell[mech].mean():,.0f}"]
        bar = ['"' + names[e].replace(" market, ", "\\n").replace(" work", "") + '"']
        for label, design in contrasts.items():
            m, s = mean_se((cell[design] - cell[mech]).to_numpy())
            row.append(fmt(m, s))
            bar += [m, 3 * s]
        rows.append(row)
        bars.append(tuple(bar))
    markdown(["environment", "mechanistic (functional, 0.8)"] + [f"{k} - mechanistic" for k in contrasts], rows)
    print()
    diff = lambda e, d: (table.loc[e][d] - table.loc[e][mech]).to_numpy()
    did_rows = []
    for label, design in contrasts.items():
        did_rows.append([label] + [fmt(*mean_se(diff(b, design) - diff(a, design)))
                                   for a, b in (((stable, simple), (fast, simple)),
                                                ((stable, simple), (stable, complex_)),
                                                ((stable, simple), (fast, complex_)))])
    markdown(["against the mechanistic design", "turbulence (simple work)", "complexity (stable market)",
              "both"], did_rows)
    print()
    same_rows = []
    for c in sorted(runs["structure.centralization"].unique(), reverse=True):
        for kind, label in (("flat", "flat"), ("matrix", "matrix"), ("cross_functional", "squads")):
            same_rows.append([str(c), label] + [fmt(*mean_se((table.loc[e][f"{kind}@{c}"] -
                                                               table.loc[e][f"functional@{c}"]).to_numpy()))
                                                for e in envs])
    markdown(["centralization", "design against functional"] + [names[e] for e in envs], same_rows)
    bar_chart(list(contrasts), bars, "profit a week against the mechanistic design (bars: 3 s.e.)", output)


def bar_chart(titles, bars, ylabel, output, extra=""):
    """Grouped bars with error bars: each row of `bars` is (label, mean, error, mean, error, ...),
    one mean and error per title."""
    series = ", ".join(f"'' using {2 + 2 * k}:{3 + 2 * k} title '{title}'" for k, title in enumerate(titles))
    series = series.replace("'' using 2:3", "'$bars' using 2:3:xtic(1)", 1)
    gnuplot(f"""set grid ytics
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set ylabel '{ylabel}'
set xtics nomirror
set key top left
{extra}plot {series}
""", {"bars": bars}, output)


def matrix(path, output):
    """When a matrix pays: matrix minus functional at the same centralization, paired by
    replication, in each environment (stable or fast market x simple or complex work) with little
    or much cross-department interdependence; profit per week, lead time and rework rate over
    weeks 53-156, and the difference in differences of interdependence (0.6 minus 0.1)."""
    metrics = {"profit": "{:+,.0f} ({:,.0f})", "lead_time": "{:+.3f} ({:.3f})", "rework_rate": "{:+.3f} ({:.3f})"}
    keys = ["structure.centralization", "learning.turbulence_rate", "work.routine_share",
            "coordination.interdependence", "replication"]
    tables = {}
    for metric in metrics:
        runs, values = read_runs(path, metric)
        runs[metric] = np.nanmean(values[:, 53:157], axis=1)
        tables[metric] = runs.pivot_table(index=keys, columns="structure.type", values=metric)
    t = tables["profit"]
    centralizations = sorted(t.index.get_level_values(0).unique(), reverse=True)
    stable, fast = sorted(t.index.get_level_values(1).unique())
    complex_, simple = sorted(t.index.get_level_values(2).unique())
    low, high = sorted(t.index.get_level_values(3).unique())
    envs = [(stable, simple, "stable market, simple work"), (fast, simple, "fast market, simple work"),
            (stable, complex_, "stable market, complex work"), (fast, complex_, "fast market, complex work")]
    diff = lambda metric, c, m, r, i: (tables[metric].loc[(c, m, r, i)]["matrix"] -
                                       tables[metric].loc[(c, m, r, i)]["functional"]).to_numpy()
    rows, bars = [], []
    for m, r, name in envs:
        bar = ['"' + name.replace(" market, ", "\\n").replace(" work", "") + '"']
        for i in (low, high):
            row = [name, f"{i:g}"]
            for c in centralizations:
                row += [metrics[k].format(*mean_se(diff(k, c, m, r, i))) for k in metrics]
                bar += list(mean_se(diff("profit", c, m, r, i)) * np.array([1, 3]))
            rows.append(row)
        bars.append(tuple(bar))
    header = ["environment", "interdependence"]
    for c in centralizations:
        header += [f"profit, {c:g}", f"lead time, {c:g}", f"rework, {c:g}"]
    markdown(header, rows)
    print()
    did_rows = []
    for m, r, name in envs:
        row = [name]
        for c in centralizations:
            row += [metrics[k].format(*mean_se(diff(k, c, m, r, high) - diff(k, c, m, r, low))) for k in metrics]
        did_rows.append(row)
    markdown(["environment"] + header[2:], did_rows)
    labels = [f"interdependence {i:g}, centralization {c:g}" for i in (low, high) for c in centralizations]
    bar_chart(labels, bars, "profit a week, matrix - functional (bars: 3 s.e.)", output,
              "set offsets 0, 0, graph 0.45, 0\n")


def posen(path, output):
    """Employees' knowledge (their actions' expected payoff) over 500 ticks by socialization rate
    and turbulence; the best rate per turbulence, with the share of bootstrap resamples of the
    replications in which it is best."""
    runs, values = read_runs(path, "employee_knowledge")
    runs["payoff"] = np.nanmean(values[:, 1:], axis=1)
    table = runs.pivot_table(index=["learning.turbulence_rate", "replication"],
                             columns="learning.socialization_rate", values="payoff")
    rates = list(table.columns)
    rng = np.random.default_rng(2012)
    rows, curves = [], {}
    for p4 in table.index.get_level_values(0).unique():
        x = table.loc[p4].to_numpy()
        mean, se = x.mean(axis=0), x.std(axis=0, ddof=1) / np.sqrt(len(x))
        best = int(np.argmax(mean))
        resampled = [int(np.argmax(x[rng.integers(0, len(x), len(x))].mean(axis=0))) for _ in range(200)]
        cells = [f"{'**' if j == best else ''}{m:.3f}{'**' if j == best else ''} ({s:.3f})"
                 for j, (m, s) in enumerate(zip(mean, se))]
        rows.append([p4] + cells + [f"{rates[best]} ({np.mean(np.array(resampled) == best):.2f})"])
        curves[f"p{len(curves)}"] = [(r, m, 3 * s) for r, m, s in zip(rates, mean, se)]
    markdown(["p4 \\ p1"] + [str(r) for r in rates] + ["best p1 (share of resamples)"], rows)
    turbulences = list(table.index.get_level_values(0).unique())
    plots = ", ".join(f"'${name}' using 1:2:3 with yerrorlines lw 2 title 'p4 = {p4}'"
                      for name, p4 in zip(curves, turbulences))
    gnuplot(f"""set grid
set logscale x
set xrange [0.008:0.25]
set xlabel 'socialization rate p1 (lower = more exploration)'
set ylabel 'knowledge of reality (payoff of actions), mean over 500 ticks'
set key outside right
plot {plots}
""", curves, output)


def greve(path, output):
    """Change hazard by bin of performance - aspiration, one observation per strategy review."""
    metrics = {}
    for name in ["performance_gap", "research_started", "review", "shock", "realigned", "strategic_fit"]:
        runs, metrics[name] = read_runs(path, name)
    gap, change = metrics["performance_gap"], metrics["research_started"]
    observed = (metrics["review"] == 1) & ~np.isnan(gap) & ~np.isnan(change)
    observed[:, :27] = False
    edges = [-1, -0.03, -0.015, -0.006, 0, 0.01, 0.03, 1]
    rows, lines = [], []
    for lo, hi in zip(edges, edges[1:]):
        at = observed & (gap >= lo) & (gap < hi)
        n = int(at.sum())
        h = change[at].mean()
        se = np.sqrt(max(h * (1 - h), 1.0 / n) / n)
        after = np.array([np.nansum(metrics["shock"][i, t - 17:t - 4]) > 0 for i, t in zip(*np.nonzero(at))])
        changed = np.array([np.nansum(metrics["realigned"][i, t - 26:t]) > 0 for i, t in zip(*np.nonzero(at))])
        label = f"[{lo:+.3f}, {hi:+.3f})".replace("-1.000", "-1").replace("+1.000", "+1")
        rows.append((label, n, f"{h:.3f} ({se:.3f})", f"{after.mean():.2f}", f"{changed.mean():.2f}"))
        lines.append((np.mean(gap[at]), h, 3 * se))
    markdown(["performance - aspiration", "reviews", "change hazard", "share after a shock",
              "share after a change"], rows)
    gnuplot("""set grid
set xlabel 'perceived performance - aspiration at the review (bin means)'
set ylabel 'probability of a strategic change (market research)'
set key top right
set yrange [-0.05:1.05]
set arrow from 0, graph 0 to 0, graph 1 nohead dt 2
plot '$lines' using 1:2:3 with yerrorlines lw 2 pt 7 title 'simulated firms (bars: 3 standard errors)'
""", {"lines": lines}, output)


if __name__ == "__main__":
    {"nk": nk, "levinthal": levinthal, "rivkin": rivkin, "speed": speed, "greve": greve,
     "posen": posen, "contingency": contingency, "matrix": matrix}[sys.argv[1]](*sys.argv[2:])
