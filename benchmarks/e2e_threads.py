#!/usr/bin/python3
"""End-to-end thread scaling of one large run, as a user runs it (issue 19).

Times `orgsim run FILE --threads 1` and `--threads 2` (default FILE: benchmarks/e2e-100k.toml,
one run of 100,000 employees x 100 ticks), setup and writing included, and prints the speed-up:
median wall time on 1 thread / median wall time on 2 threads (the target is at least 1.7).
A round times every binary (--orgsim, repeatable: to compare builds) on 1 and 2 threads, in an
order that rotates from round to round; each round's own ratio is printed too, and so is the time
of two 1-thread runs side by side: if the two cores slow each other down (shared caches, memory,
the host), no program can be twice as fast on two threads, and this says how far. With --profile,
also prints where the time of one run goes on 1 and 2 threads (orgsim_phase_profile: setup,
each phase of the tick, metrics, compression; `orgsim run` adds process start, the results file
and the writer thread).

Every timed command holds /tmp/orgsim-cpu.lock (flock) while it runs, so that runs of this
script, and builds and measurements that take the same lock, do not overlap on a shared machine.
A measurement during which other processes (which do not take the lock) used more than 5% of a
core is discarded and taken again (/proc/stat): the 2-thread time needs both cores.

Usage: benchmarks/e2e_threads.py [--orgsim BIN]... [--rounds N]
                                 [--profile [--profiler BIN]...] [FILE]
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


def locked(commands, max_others=0.05, tries=10):
    """Runs `commands` (side by side) holding LOCK; returns (wall seconds until all have ended,
    their user + system CPU seconds, the first one's stdout).

    Other work on the machine that does not take the lock (other processes' CPU time during the
    run, from /proc/stat, more than `max_others` of the wall time) disturbs a measurement: it is
    discarded and run again after a pause, up to `tries` times (then kept, marked on stderr)."""
    for attempt in range(tries):
        with open(LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            busy = busy_cpu_seconds()
            start = time.perf_counter()
            running = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True) for c in commands]
            outputs = [p.communicate() for p in running]
            wall = time.perf_counter() - start
            others = busy_cpu_seconds() - busy
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        for command, process, (_, err) in zip(commands, running, outputs):
            if process.returncode != 0:
                sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{err}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        others -= cpu
        if others <= max_others * wall:
            return wall, cpu, outputs[0][0]
        print(f"  (discarded: other processes used {others:.2f} s of CPU during "
              f"{wall:.2f} s; attempt {attempt + 1})", file=sys.stderr)
        time.sleep(5)
    print("  (kept a disturbed measurement)", file=sys.stderr)
    return wall, cpu, outputs[0][0]


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress as it comes, also into a pipe
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=os.path.join(HERE, "e2e-100k.toml"))
    parser.add_argument("--orgsim", action="append",
                        help="orgsim binary (repeat to compare builds; default build/cli/orgsim)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="also print the phase profile on 1 and 2 threads")
    parser.add_argument("--profiler", action="append",
                        help="orgsim_phase_profile binary (repeat: one per build; default "
                             "build/benchmarks/orgsim_phase_profile)")
    args = parser.parse_args()
    binaries = args.orgsim or [os.path.join(ROOT, "build", "cli", "orgsim")]

    # Jobs: each binary on 1 and 2 threads, and two 1-thread runs of the first binary side by
    # side ("threads" 0): how much two busy cores slow each other down on this machine now.
    jobs = [(b, threads) for b in range(len(binaries)) for threads in (1, 2)] + [(0, 0)]
    walls = {job: [] for job in jobs}
    cpus = {job: [] for job in jobs}
    print(f"{args.file}: {args.rounds} rounds of `orgsim run --threads 1|2`")
    for b, binary in enumerate(binaries):
        print(f"  binary {b}: {binary}")
    with tempfile.TemporaryDirectory(prefix="orgsim-e2e-") as tmp:
        def run(b, threads, k=0):
            return [binaries[b], "run", args.file, "-o", os.path.join(tmp, f"e2e{k}.h5"),
                    "--force", "--quiet", "--threads", str(max(1, threads))]
        for round_ in range(args.rounds):
            shift = round_ % len(jobs)
            for b, threads in jobs[shift:] + jobs[:shift]:
                commands = [run(b, threads)] if threads else [run(b, 1, 0), run(b, 1, 1)]
                wall, cpu, _ = locked(commands)
                for k in range(len(commands)):  # outside the timing, as the benchmarks do
                    os.remove(os.path.join(tmp, f"e2e{k}.h5"))
                walls[(b, threads)].append(wall)
                cpus[(b, threads)].append(cpu)
            print(f"round {round_ + 1}: " + "; ".join(
                f"binary {b}: {walls[(b, 1)][-1]:.3f} s / {walls[(b, 2)][-1]:.3f} s = "
                f"{walls[(b, 1)][-1] / walls[(b, 2)][-1]:.2f}x" for b in range(len(binaries))) +
                f"; two 1-thread runs side by side {walls[(0, 0)][-1]:.3f} s")
    for b in range(len(binaries)):
        one, two = statistics.median(walls[(b, 1)]), statistics.median(walls[(b, 2)])
        rounds = statistics.median(x / y for x, y in zip(walls[(b, 1)], walls[(b, 2)]))
        print(f"binary {b}: median wall 1 thread {one:.3f} s, 2 threads {two:.3f} s: "
              f"speed-up {one / two:.2f}x (median of the rounds' ratios {rounds:.2f}x); "
              f"median CPU {statistics.median(cpus[(b, 1)]):.3f} s / "
              f"{statistics.median(cpus[(b, 2)]):.3f} s")
    side = statistics.median(walls[(0, 0)])
    print(f"two 1-thread runs of binary 0 side by side: median {side:.3f} s, "
          f"{side / statistics.median(walls[(0, 1)]):.2f}x one alone: a run whose work were all "
          f"parallel would be at most {2 * statistics.median(walls[(0, 1)]) / side:.2f}x faster "
          f"on 2 threads here")
    if args.profile:
        profile(args.profiler or [os.path.join(ROOT, "build", "benchmarks", "orgsim_phase_profile")],
                args.file, args.rounds)


def profile(profilers, file, rounds):
    """Prints the median seconds of each part of a run on 1 and 2 threads over `rounds` runs of
    each profiler (one per build) and thread count, in rotated order: one column per build and
    thread count, the speed-up, and each part's share of the 2-thread run."""
    jobs = [(p, threads) for p in range(len(profilers)) for threads in (1, 2)]
    seconds = {job: {} for job in jobs}
    for round_ in range(rounds):
        shift = round_ % len(jobs)
        for p, threads in jobs[shift:] + jobs[:shift]:
            _, _, text = locked([[profilers[p], file, str(threads)]])
            for line in text.splitlines():
                name, value = line.split("\t")
                seconds[(p, threads)].setdefault(name, []).append(float(value))
    median = {job: {name: statistics.median(v) for name, v in seconds[job].items()}
              for job in jobs}
    print(f"where the time of one run goes (orgsim_phase_profile), medians of {rounds} runs:")
    header, rule = "| part |", "|---|"
    for p in range(len(profilers)):
        header += f" build {p}: 1 thread (s) | 2 threads (s) | speed-up | share of 2 threads |"
        rule += "---|---|---|---|"
    print(header)
    print(rule)
    for name in seconds[jobs[0]]:
        if name != "total" and max(median[job].get(name, 0) for job in jobs) < 0.0005:
            continue  # phases that cost nothing here
        line = f"| {name} |"
        for p in range(len(profilers)):
            one, two = median[(p, 1)].get(name, 0), median[(p, 2)].get(name, 0)
            speed_up = f"{one / two:.2f}x" if two > 0 else "-"
            line += (f" {one:.4f} | {two:.4f} | {speed_up} | "
                     f"{100 * two / median[(p, 2)]['total']:.1f}% |")
        print(line)


if __name__ == "__main__":
    main()
