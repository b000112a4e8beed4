#!/usr/bin/python3
"""End-to-end tests of sweeps at scale: kill and resume, shards and merge, common random numbers,
reading while the sweep runs, events and recording intervals. One case per invocation."""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from e2e_common import ORGSIM, check, orgsim, write
H5DIFF = os.environ.get("H5DIFF", "h5diff")

# About 3 s on two cores (2026-12-02): long enough to be killed at several points (the file is
# flushed every 0.25 s, so a live reader sees finished runs in steps).
SWEEP = """
[experiment]
name = "killable"
ticks = 120
replications = 12
seed = 42
[scenario]
org.employees = 6000
learning.turnover_rate = 0.01
learning.turbulence_rate = 0.01
structure.enabled = true
people.enabled = true
work.enabled = true
environment.enabled = true
environment.base_demand = 0.3
[sweep.grid]
learning.socialization_rate = [0.1, 0.5, 0.9]
"structure.type" = ["functional", "cross_functional"]
"""


def read(path):
    with h5py.File(path, "r") as f:
        return f["metrics"][:], f["runs"][:]


def same_content(a, b):
    """/metrics bitwise (NaN-aware) and /runs by h5diff: identical content."""
    ma, ra = read(a)
    mb, rb = read(b)
    check(ma.tobytes() == mb.tobytes(), f"/metrics differ between {a} and {b}")
    check(ra.tobytes() == rb.tobytes(), f"/runs differ between {a} and {b}")
    diff = subprocess.run([H5DIFF, "-d", "0", a, b, "/runs", "/runs"], capture_output=True, text=True)
    check(diff.returncode == 0, f"h5diff /runs: {diff.stdout}{diff.stderr}")


def complete_runs(path):
    with h5py.File(path, "r", libver="latest", swmr=True) as f:
        return int((f["runs"]["status"][:] == 1).sum())


def kill_midway(args, path):
    """Starts orgsim and SIGKILLs it once the file holds at least one complete run."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            if complete_runs(path) >= 1:
                break
        except (OSError, KeyError):
            continue
    check(proc.poll() is None, "the run ended before it could be killed; make it longer")
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def kill_and_resume(tmp):
    exp = write(tmp, "sweep.toml", SWEEP)
    reference = os.path.join(tmp, "reference.h5")
    orgsim("run", exp, "-o", reference, "--quiet")
    total = 72
    out = os.path.join(tmp, "out.h5")
    rng = random.Random(7)
    kills = 0
    for attempt in range(3):
        # Kill at a random point: after 3 to 12 more runs are complete (plus the poll's latency,
        # so the kill also lands while a run is being written).
        before = complete_runs(out) if attempt > 0 else 0
        target = before + rng.randint(3, 12)
        args = [ORGSIM, "run", exp, "-o", out, "--threads", "2", "--quiet"] + (["--resume"] if attempt > 0 else [])
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            time.sleep(0.02)
            try:
                if complete_runs(out) >= target:
                    break
            except (OSError, KeyError):
                continue
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        check(complete_runs(out) >= before, "a resumed sweep never loses complete runs")
    check(kills == 3, f"the sweep finished before it was killed three times ({kills} kills)")
    check(complete_runs(out) < total, "the sweep was interrupted before its end")
    # The plain command refuses to overwrite an interrupted sweep.
    proc = orgsim("run", exp, "-o", out, expect=2)
    check("--resume" in proc.stderr, proc.stderr)
    before = complete_runs(out)
    proc = orgsim("run", exp, "-o", out, "--resume")
    kept = int(proc.stderr.split("(")[-1].split(" complete runs kept")[0])
    computed = int(proc.stderr.split(" runs in ")[0].split()[-1])
    check(kept == before, f"every complete run is kept ({kept} kept, {before} were complete)")
    check(computed == total - before, f"only the missing runs are computed ({computed} computed)")
    same_content(reference, out)
    with h5py.File(out, "r") as f:
        check("finished" in f.attrs and int(f.attrs["runs_complete"]) == total, "finished and complete")


def resume_refuses_other_experiment(tmp):
    exp = write(tmp, "sweep.toml", SWEEP.replace("ticks = 120", "ticks = 5"))
    out = os.path.join(tmp, "out.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    other = write(tmp, "other.toml", SWEEP.replace("ticks = 120", "ticks = 5").replace("seed = 42", "seed = 43"))
    proc = orgsim("run", other, "-o", out, "--resume", expect=2)
    check("different experiment" in proc.stderr, proc.stderr)
    orgsim("run", exp, "-o", os.path.join(tmp, "none.h5"), "--resume", expect=2)


def shards_and_merge(tmp):
    exp = write(tmp, "sweep.toml", SWEEP.replace("ticks = 120", "ticks = 20"))
    single = os.path.join(tmp, "single.h5")
    orgsim("run", exp, "-o", single, "--quiet")
    shards = []
    for i in range(3):
        path = os.path.join(tmp, f"shard{i}.h5")
        orgsim("run", exp, "-o", path, "--shard", f"{i}/3", "--quiet")
        with h5py.File(path, "r") as f:
            status = f["runs"]["status"][:]
            check(list(np.nonzero(status)[0]) == list(range(i, 72, 3)), f"shard {i} holds runs i mod 3")
        shards.append(path)
    merged = os.path.join(tmp, "merged.h5")
    orgsim("merge", "-o", merged, *reversed(shards))
    same_content(single, merged)
    # Refusals: a missing shard, a duplicated one, one from another experiment, an incomplete one.
    check("missing" in orgsim("merge", "-o", os.path.join(tmp, "m1.h5"), *shards[:2], expect=2).stderr, "missing")
    check("twice" in orgsim("merge", "-o", os.path.join(tmp, "m2.h5"), shards[0], shards[0], shards[1], expect=2).stderr,
          "duplicate")
    other = write(tmp, "other.toml", SWEEP.replace("ticks = 120", "ticks = 20").replace("seed = 42", "seed = 9"))
    foreign = os.path.join(tmp, "foreign.h5")
    orgsim("run", other, "-o", foreign, "--shard", "2/3", "--quiet")
    check("different experiment" in orgsim("merge", "-o", os.path.join(tmp, "m3.h5"), shards[0], shards[1], foreign,
                                            expect=2).stderr, "foreign")
    check("not a shard" in orgsim("merge", "-o", os.path.join(tmp, "m4.h5"), single, expect=2).stderr, "not a shard")
    for bad in ("3/3", "-1/2", "0/-2", "1/0", "x/2", "1"):
        check("expected I/N" in orgsim("run", exp, "--shard", bad, "-o", os.path.join(tmp, "bad.h5"), expect=2).stderr,
              f"--shard {bad} is refused")
    check("no such file" in orgsim("merge", "-o", os.path.join(tmp, "m6.h5"), os.path.join(tmp, "nope.h5"), expect=2).stderr,
          "missing input")
    check("one of the shards" in orgsim("merge", "-o", shards[0], *shards, expect=2).stderr, "output is an input")
    long_exp = write(tmp, "long.toml", SWEEP)
    partial = os.path.join(tmp, "partial.h5")
    kill_midway([ORGSIM, "run", long_exp, "-o", partial, "--shard", "0/3", "--quiet"], partial)
    long_shards = []
    for i in (1, 2):
        path = os.path.join(tmp, f"long{i}.h5")
        orgsim("run", long_exp, "-o", path, "--shard", f"{i}/3", "--quiet")
        long_shards.append(path)
    check("incomplete" in orgsim("merge", "-o", os.path.join(tmp, "m5.h5"), partial, *long_shards, expect=2).stderr,
          "incomplete shard")
    for name in ("m1.h5", "m2.h5", "m3.h5", "m4.h5", "m5.h5", "m6.h5", "bad.h5"):
        check(not os.path.exists(os.path.join(tmp, name)), f"a refused merge writes nothing ({name})")


def common_random_numbers(tmp):
    # The two design points differ only in a shock at tick 30: ticks 0..29 must be identical.
    exp = write(tmp, "crn.toml", """
[experiment]
ticks = 40
replications = 3
seed = 5
[scenario]
org.employees = 300
learning.turnover_rate = 0.01
learning.turbulence_rate = 0.01
environment.enabled = true
strategy.enabled = true
structure.enabled = true
people.enabled = true
work.enabled = true
automation.enabled = true
automation.level = "medium"
culture.enabled = true
[sweep.grid]
environment.shock_at = [0, 30]
""")
    out = os.path.join(tmp, "crn.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    metrics, runs = read(out)
    for rep in range(3):
        a = metrics[rep]      # design point 0, replication rep
        b = metrics[3 + rep]  # design point 1, same replication
        check(a[:30].tobytes() == b[:30].tobytes(), f"replication {rep}: ticks before the shock must be identical")
        check(a[31:].tobytes() != b[31:].tobytes(), "the shock changes what follows")
    check(metrics[0, 1:30].tobytes() != metrics[1, 1:30].tobytes(), "different replications differ")


def readable_while_running(tmp):
    exp = write(tmp, "sweep.toml", SWEEP)
    out = os.path.join(tmp, "live.h5")
    proc = subprocess.Popen([ORGSIM, "run", exp, "-o", out, "--quiet", "--threads", "2"])
    seen = 0
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if not os.path.exists(out):
            continue
        try:
            with h5py.File(out, "r", libver="latest", swmr=True) as f:
                status = f["runs"]["status"][:]
                done = np.nonzero(status == 1)[0]
                if 0 < len(done) < len(status):
                    names = list(f["metrics"].attrs["names"])
                    row = f["metrics"][done[0], :, names.index("strategic_fit")]
                    check(not np.isnan(row).any(), "a finished run's rows are all there mid-sweep")
                    seen = len(done)
                    break
        except OSError:
            continue  # the file is being created
    proc.wait()
    check(proc.returncode == 0, "the sweep finished")
    check(seen > 0, "h5py read finished runs while the sweep was running")
    with h5py.File(out, "r") as f:
        check((f["runs"]["status"][:] == 1).all(), "complete at the end")


def events_and_every(tmp):
    exp = write(tmp, "events.toml", """
[experiment]
ticks = 30
replications = 2
[scenario]
org.employees = 200
[output]
every = 7
[[events]]
at = 10
shock = 0.5
[[events]]
at = 20
set = { "learning.turbulence_rate" = 1.0 }
""")
    out = os.path.join(tmp, "every.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    with h5py.File(out, "r") as f:
        check(list(f["metrics"].attrs["tick_of_row"]) == [0, 7, 14, 21, 28, 30], "rows at 0, 7, ..., and the last tick")
        check(f["metrics"].shape[1] == 6, "6 rows")
        every = f["metrics"][:]
        check((f["runs"]["rows"][:] == 6).all(), "rows column")
    full = os.path.join(tmp, "full.h5")
    orgsim("run", exp, "-o", full, "--quiet", "--set", "output.every=1")
    with h5py.File(full, "r") as f:
        names = list(f["metrics"].attrs["names"])
        m = f["metrics"][:]
    for row, tick in enumerate([0, 7, 14, 21, 28, 30]):
        check(every[:, row].tobytes() == m[:, tick].tobytes(), f"row {row} is tick {tick}")
    shock, change = names.index("shock"), names.index("reality_change")
    check((m[:, 10, shock] == 1).all() and (m[:, 10, change] == 0.5).all(), "the scheduled shock flips half of reality")
    check((m[:, 1:20, change][:, np.arange(19) != 9] == 0).all(), "no change before the turbulence event")
    check((m[:, 21:, change] == 1.0).all(), "turbulence 1.0 after the set event flips every dimension")


def snapshots(tmp):
    exp = write(tmp, "snap.toml", """
[experiment]
ticks = 25
replications = 4
seed = 3
[scenario]
org.employees = 300
learning.turnover_rate = 0.05
people.enabled = true
[sweep.grid]
learning.socialization_rate = [0.2, 0.8]
[output.snapshots]
every = 10
sample = 40
fields = ["id", "team", "engagement", "alignment", "knowledge", "beliefs"]
""")
    single = os.path.join(tmp, "single.h5")
    orgsim("run", exp, "-o", single, "--quiet")
    with h5py.File(single, "r") as f:
        group = f["snapshots"]
        check(list(group.attrs["fields"]) == ["id", "team", "engagement", "alignment", "knowledge", "beliefs"], "fields")
        check(group["alignment"].shape == (8, 4, 40), f"[run, snapshot (0, 10, 20, 25), agent]: {group['alignment'].shape}")
        check(group["alignment"].chunks == (1, 1, 40), "one snapshot per chunk")
        check(group["beliefs"].shape == (8, 4, 40, 30), "beliefs [run, snapshot, agent, dimension]")
        one = group["alignment"][5, 2]            # one snapshot, read on its own
        check(((one >= 0) & (one <= 1)).all(), "alignment in [0, 1]")
        ids = group["id"][0, 3]
        check(len(set(ids)) == 40, "distinct employees in a snapshot")
        check(set(np.unique(group["beliefs"][0, 0])) <= {-1, 0, 1}, "ternary beliefs")
        check((group["id"][0, 0] == np.arange(0, 300, 300 / 40).astype(int)).all(), "agents spread evenly")
        check((f["runs"]["snapshots"][:] == 4).all(), "snapshot count per run")
        # knowledge is the mean of belief x reality: consistent with the metrics
        names = list(f["metrics"].attrs["names"])
    shards = []
    for i in range(2):
        path = os.path.join(tmp, f"s{i}.h5")
        orgsim("run", exp, "-o", path, "--shard", f"{i}/2", "--quiet")
        shards.append(path)
    merged = os.path.join(tmp, "merged.h5")
    orgsim("merge", "-o", merged, *shards)
    with h5py.File(single, "r") as a, h5py.File(merged, "r") as b:
        for field in a["snapshots"]:
            check(a["snapshots"][field][:].tobytes() == b["snapshots"][field][:].tobytes(), f"merged {field} identical")


def progress_lines(tmp):
    exp = write(tmp, "sweep.toml", SWEEP.replace("ticks = 120", "ticks = 5"))
    proc = orgsim("run", exp, "-o", os.path.join(tmp, "p.h5"))
    lines = [l for l in proc.stderr.splitlines() if l.strip().startswith("runs ")]
    check(len(lines) >= 5, f"periodic progress lines when stderr is not a terminal: {proc.stderr}")
    check("72/72 (100%)" in lines[-1] and "runs/s" in lines[-1] and "ETA" in lines[-1], lines[-1])
    quiet = orgsim("run", exp, "-o", os.path.join(tmp, "q.h5"), "--quiet")
    check(quiet.stderr == "", "--quiet silences progress")


def validate_estimates(tmp):
    exp = write(tmp, "sweep.toml", SWEEP)
    text = orgsim("validate", exp).stdout
    check("72 runs" in text and "estimated memory" in text and "estimated time" in text, text)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="orgsim-sweeps-") as tmp:
        globals()[sys.argv[1]](tmp)
    print(f"{sys.argv[1]}: passed")
