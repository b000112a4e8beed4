#!/usr/bin/python3
"""End-to-end thread scaling of one large run, as a user runs it (issue 19).

Times `orgsim run FILE --threads 1` and `--threads 2` (default FILE: benchmarks/e2e-100k.toml,
one run of 100,000 employees x 100 ticks), setup and writing included, and prints the speed-up:
median wall time on 1 thread / median wall time on 2 threads (the target is at least 1.7).
A round times every binary (--orgsim, repeatable: to compare builds) on 1 and 2 threads, in an
order that rotates from round to round; each round's own ratio is printed too. With --profile,
also prints where the time of one run goes on 1 and 2 threads (orgsim_phase_profile: setup,
each phase of the tick, metrics, compression; `orgsim run` adds process start, the results file
and the writer thread).

Every timed command holds /tmp/orgsim-cpu.lock (flock) while it runs, so that runs of this
script, and builds and measurements that take the same lock, do not overlap on a shared machine.
A measurement during which other processes (which do not take the lock) used more than 5% of a
core is discarded and taken again (/proc/stat): the 2-thread time needs both cores.

Usage: benchmarks/e2e_threads.py [--orgsim BIN]... [--rounds N] [--profile [--profiler BIN]]
                                 [FILE]
"""

import argparse
import fcntl
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LOCK = "/tmp/orgsim-cpu.lock"


def busy_cpu_seconds():
    """CPU time every process of the machine has used so far (/proc/stat, all CPUs)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def locked(command, max_others=0.05, tries=10):
    """Runs `command` holding LOCK; returns (wall seconds, user + system CPU seconds, stdout).

    Other work on the machine that does not take the lock (other processes' CPU time during the
    run, from /proc/stat, more than `max_others` of the wall time) disturbs a measurement: it is
    discarded and run again after a pause, up to `tries` times (then kept, marked on stderr)."""
    for attempt in range(tries):
        with open(LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            busy = busy_cpu_seconds()
            start = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
            wall = time.perf_counter() - start
            others = busy_cpu_seconds() - busy
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        others -= cpu
        if others <= max_others * wall:
            return wall, cpu, done.stdout
        print(f"  (discarded: other processes used {others:.2f} s of CPU during "
              f"{wall:.2f} s; attempt {attempt + 1})", file=sys.stderr)
        time.sleep(5)
    print("  (kept a disturbed measurement)", file=sys.stderr)
    return wall, cpu, done.stdout


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress as it comes, also into a pipe
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=os.path.join(HERE, "e2e-100k.toml"))
    parser.add_argument("--orgsim", action="append",
                        help="orgsim binary (repeat to compare builds; default build/cli/orgsim)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="also print the phase profile on 1 and 2 threads")
    parser.add_argument("--profiler",
                        default=os.path.join(ROOT, "build", "benchmarks", "orgsim_phase_profile"))
    args = parser.parse_args()
    binaries = args.orgsim or [os.path.join(ROOT, "build", "cli", "orgsim")]

    jobs = [(b, threads) for b in range(len(binaries)) for threads in (1, 2)]
    walls = {job: [] for job in jobs}
    cpus = {job: [] for job in jobs}
    print(f"{args.file}: {args.rounds} rounds of `orgsim run --threads 1|2`")
    for b, binary in enumerate(binaries):
        print(f"  binary {b}: {binary}")
    with tempfile.TemporaryDirectory(prefix="orgsim-e2e-") as tmp:
        out = os.path.join(tmp, "e2e.h5")
        for round_ in range(args.rounds):
            shift = round_ % len(jobs)
            for b, threads in jobs[shift:] + jobs[:shift]:
                wall, cpu, _ = locked([binaries[b], "run", args.file, "-o", out, "--force",
                                       "--quiet", "--threads", str(threads)])
                os.remove(out)  # outside the timing, as the benchmarks do
                walls[(b, threads)].append(wall)
                cpus[(b, threads)].append(cpu)
            print(f"round {round_ + 1}: " + "; ".join(
                f"binary {b}: {walls[(b, 1)][-1]:.3f} s / {walls[(b, 2)][-1]:.3f} s = "
                f"{walls[(b, 1)][-1] / walls[(b, 2)][-1]:.2f}x" for b in range(len(binaries))))
    for b in range(len(binaries)):
        one, two = statistics.median(walls[(b, 1)]), statistics.median(walls[(b, 2)])
        rounds = statistics.median(x / y for x, y in zip(walls[(b, 1)], walls[(b, 2)]))
        print(f"binary {b}: median wall 1 thread {one:.3f} s, 2 threads {two:.3f} s: "
              f"speed-up {one / two:.2f}x (median of the rounds' ratios {rounds:.2f}x); "
              f"median CPU {statistics.median(cpus[(b, 1)]):.3f} s / "
              f"{statistics.median(cpus[(b, 2)]):.3f} s")
    if args.profile:
        profile(args.profiler, args.file, args.rounds)


def profile(profiler, file, rounds):
    """Prints the median seconds of each part of a run on 1 and 2 threads over `rounds` runs of
    the profiler each (alternated), their ratio, and each part's share of the 2-thread run."""
    seconds = {1: {}, 2: {}}
    for round_ in range(rounds):
        for threads in (1, 2) if round_ % 2 == 0 else (2, 1):
            _, _, text = locked([profiler, file, str(threads)])
            for line in text.splitlines():
                name, value = line.split("\t")
                seconds[threads].setdefault(name, []).append(float(value))
    median = {t: {name: statistics.median(v) for name, v in seconds[t].items()} for t in (1, 2)}
    total = median[2]["total"]
    print(f"where the time of one run goes (orgsim_phase_profile), medians of {rounds} runs:")
    print(f"| part | 1 thread (s) | 2 threads (s) | speed-up | share of 2 threads |")
    print("|---|---|---|---|---|")
    for name in seconds[1]:
        one, two = median[1][name], median[2][name]
        if name != "total" and max(one, two) < 0.0005:
            continue  # phases that cost nothing here
        print(f"| {name} | {one:.4f} | {two:.4f} | {one / two if two > 0 else float('nan'):.2f}x | "
              f"{100 * two / total:.1f}% |")


if __name__ == "__main__":
    main()
