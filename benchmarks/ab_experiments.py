#!/usr/bin/python3
"""A/B timing of two orgsim binaries on every shipped experiment (benchmarks/README.md).

Usage: benchmarks/ab_experiments.py A_BINARY B_BINARY [--pairs N] [--short-pairs M]
                                    [--threads T] [--out DIR] [--only NAME,...]

Runs `orgsim run FILE -o OUT.h5 --quiet --force --threads T` for experiments/configs/default.toml,
experiments/configs/scenarios/*.toml and experiments/configs/validation/*.toml, N pairs each (M
pairs for experiments under 3 s, where noise weighs more), alternating which binary goes first
from one pair to the next (ABBA...), and the experiments inside each pair, so that a slow spell
of a shared machine falls on both. Records wall time and the child's user+sys CPU time (less
sensitive to other processes on the machine than wall time), and the results file's size. Prints
one line per run as it goes (to --out/runs.tsv too), then a Markdown table of medians with the
spread (min-max) and the time A saves against B (1 - A/B, on the medians; and the median of
the pairs' own savings, with how many pairs A won).

It also checks that both binaries wrote the same /metrics values (bit patterns, NaNs included)
and the same /runs, so a faster encoder is compared on identical results.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def experiments():
    configs = os.path.join(ROOT, "experiments", "configs")
    files = [os.path.join(configs, "default.toml")]
    for group in ("scenarios", "validation"):
        folder = os.path.join(configs, group)
        files += sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".toml"))
    return files


def run(binary, config, output, threads):
    """Runs one experiment; returns (wall seconds, user+sys CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([binary, "run", config, "-o", output, "--quiet", "--force", "--threads", str(threads)],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def same_results(a, b):
    """True if the two files hold the same /metrics bit patterns (NaNs included) and the same
    /runs. Reads /metrics a block of runs at a time, only the rows the runs recorded: the
    dataset's full extent (every run to its last possible tick) can be far larger than memory."""
    import h5py
    import numpy as np
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        runs_a, runs_b = fa["runs"][...], fb["runs"][...]
        if runs_a.tobytes() != runs_b.tobytes():
            return False
        ma, mb = fa["metrics"], fb["metrics"]
        if ma.shape != mb.shape:
            return False
        rows = runs_a["rows"].astype(np.int64)
        width = ma.shape[2]
        first = 0
        while first < len(rows):
            last = first + 1  # a block of at most about 64 MB of recorded rows
            while last < len(rows) and (last + 1 - first) * max(rows[first:last + 1].max(), 1) * width * 8 <= 64 << 20:
                last += 1
            depth = int(rows[first:last].max())
            block_a = ma[first:last, :depth, :]
            block_b = mb[first:last, :depth, :]
            if not np.array_equal(block_a.view(np.uint64), block_b.view(np.uint64)):
                return False
            first = last
        return True


def metrics_storage(path):
    import h5py
    with h5py.File(path, "r") as f:
        return f["metrics"].id.get_storage_size()


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def print_table(names, pairs, times, out):
    """The Markdown table of medians (spread) per experiment, from the timings and the last
    results file each binary wrote."""
    print("| experiment | pairs | wall A (s) | wall B (s) | A saves (wall) | A saves, paired (A faster) "
          "| CPU A (s) | CPU B (s) | A saves (CPU) | file A (MB) | file B (MB) | /metrics A (MB) | /metrics B (MB) | same results |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        a, b = times[(name, "A")], times[(name, "B")]
        wa, wb = [w for w, _ in a], [w for w, _ in b]
        ca, cb = [c for _, c in a], [c for _, c in b]
        fa, fb = (os.path.join(out, f"{name}-{v}.h5") for v in "AB")
        saving_wall = 100 * (1 - statistics.median(wa) / statistics.median(wb))
        saving_cpu = 100 * (1 - statistics.median(ca) / statistics.median(cb))
        # Pair by pair (the two runs of a pair ran back to back): the median saving and how often A won.
        paired = [100 * (1 - x / y) for x, y in zip(wa, wb)]
        wins = sum(x < y for x, y in zip(wa, wb))
        mb = 1e6
        print(f"| {name} | {pairs[name]} | {spread(wa)} | {spread(wb)} | {saving_wall:+.1f}% "
              f"| {statistics.median(paired):+.1f}% ({wins}/{len(paired)}) | {spread(ca)} "
              f"| {spread(cb)} | {saving_cpu:+.1f}% | {os.path.getsize(fa) / mb:.2f} | {os.path.getsize(fb) / mb:.2f} "
              f"| {metrics_storage(fa) / mb:.2f} | {metrics_storage(fb) / mb:.2f} "
              f"| {'yes' if same_results(fa, fb) else 'NO'} |", flush=True)



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--short-pairs", type=int, default=9)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="ab-experiments")
    parser.add_argument("--only", default="", help="comma-separated experiment names")
    parser.add_argument("--table-only", action="store_true",
                        help="no runs: print the table from --out's runs.tsv and results files")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    binaries = {"A": os.path.abspath(args.a), "B": os.path.abspath(args.b)}
    configs = experiments()
    if args.only:
        keep = set(args.only.split(","))
        configs = [c for c in configs if os.path.basename(c)[:-5] in keep]
    names = [os.path.basename(c)[:-5] for c in configs]
    if args.table_only:
        times = {(n, v): [] for n in names for v in "AB"}
        with open(os.path.join(args.out, "runs.tsv")) as log:
            next(log)
            for line in log:
                _, name, variant, wall, cpu = line.split("\t")
                if (name, variant) in times:
                    times[(name, variant)].append((float(wall), float(cpu)))
        names = [n for n in names if times[(n, "A")] and times[(n, "B")]]
        pairs = {n: min(len(times[(n, "A")]), len(times[(n, "B")])) for n in names}
        print_table(names, pairs, times, args.out)
        return

    # A first probe run of each (A only, not counted) says which experiments are short.
    pairs = {}
    for config, name in zip(configs, names):
        wall, _ = run(binaries["A"], config, os.path.join(args.out, f"{name}-A.h5"), args.threads)
        pairs[name] = args.short_pairs if wall < 3 else args.pairs

    times = {(n, v): [] for n in names for v in "AB"}
    log = open(os.path.join(args.out, "runs.tsv"), "w")
    print("pair\texperiment\tvariant\twall_s\tcpu_s", file=log, flush=True)
    for pair in range(max(pairs.values())):
        order = "AB" if pair % 2 == 0 else "BA"
        for config, name in zip(configs, names):
            if pair >= pairs[name]:
                continue
            for variant in order:
                wall, cpu = run(binaries[variant], config, os.path.join(args.out, f"{name}-{variant}.h5"), args.threads)
                times[(name, variant)].append((wall, cpu))
                line = f"{pair}\t{name}\t{variant}\t{wall:.3f}\t{cpu:.3f}"
                print(line, file=log, flush=True)
                print(line, file=sys.stderr, flush=True)

    print_table(names, pairs, times, args.out)


if __name__ == "__main__":
    main()
