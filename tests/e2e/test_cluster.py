#!/usr/bin/python3
"""Cluster routes end to end: the MPI task farm under a real mpirun, and the Slurm script run
locally (each array task, then the merge) with a stand-in for sbatch.

Run one case: test_cluster.py CASE. Environment: ORGSIM, ORGSIM_SOURCE_DIR, H5DIFF, MPIRUN.
"""
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ORGSIM = os.environ["ORGSIM"]
SOURCE = os.environ["ORGSIM_SOURCE_DIR"]
H5DIFF = os.environ.get("H5DIFF", "h5diff")
MPIRUN = os.environ.get("MPIRUN", "mpirun")
MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe"]
DEFAULT = os.path.join(SOURCE, "experiments", "configs", "default.toml")
SMALL = os.path.join(SOURCE, "tests", "data", "configs", "small.toml")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def run(args, expect=0, **kwargs):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    if proc.returncode != expect:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}, expected {expect}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def same_results(a, b):
    """/metrics and /runs identical in content (h5diff, NaN equal to NaN)."""
    for dataset in ("/metrics", "/runs"):
        proc = subprocess.run([H5DIFF, "--use-system-epsilon", "-q", a, b, dataset, dataset], capture_output=True)
        if proc.returncode != 0:
            # h5diff counts NaN != NaN; compare the datasets with numpy then.
            with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
                x, y = fa[dataset], fb[dataset]
                check(x.shape == y.shape and x.dtype == y.dtype, f"{dataset}: {x.shape} vs {y.shape}")
                if dataset == "/runs":
                    check(np.array_equal(x[:], y[:]), f"{dataset} differs")
                else:
                    for run in range(x.shape[0]):
                        check(np.array_equal(x[run], y[run], equal_nan=True), f"{dataset} run {run} differs")


def mpi_matches_single_process(tmp):
    single = os.path.join(tmp, "single.h5")
    farmed = os.path.join(tmp, "mpi.h5")
    run([ORGSIM, "run", DEFAULT, "-o", single, "--quiet", "--set", "experiment.ticks=80"])
    proc = run([MPIRUN, *MPI_FLAGS, "-np", "3", ORGSIM, "run", DEFAULT, "-o", farmed, "--set", "experiment.ticks=80"])
    check("2 computing ranks" in proc.stderr, f"three ranks: one writer, two computing: {proc.stderr[-500:]}")
    check(proc.stdout.count("results written to") == 1, f"only rank 0 reports: {proc.stdout}")
    same_results(single, farmed)
    with h5py.File(farmed, "r") as f:
        check("finished" in f.attrs, "the farmed file is finished")


def mpi_kill_and_resume(tmp):
    single = os.path.join(tmp, "single.h5")
    farmed = os.path.join(tmp, "killed.h5")
    run([ORGSIM, "run", DEFAULT, "-o", single, "--quiet"])
    job = subprocess.Popen([MPIRUN, *MPI_FLAGS, "-np", "3", ORGSIM, "run", DEFAULT, "-o", farmed, "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    # Once some runs are in the file, one computing rank dies (SIGKILL, as on a node failure):
    # mpirun then ends the whole job; rank 0's file keeps every run it had received.
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        if os.path.exists(farmed):
            try:
                with h5py.File(farmed, "r", swmr=True) as f:
                    if (f["runs"]["status"] == 1).sum() >= 20:
                        break
            except OSError:
                pass
    ranks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getsid(int(pid)) != job.pid or not open(f"/proc/{pid}/comm").read().startswith("orgsim"):
                continue
            environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except (OSError, ProcessLookupError):
            continue
        for entry in environ:
            if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                ranks[int(entry.split(b"=")[1])] = int(pid)
    check(sorted(ranks) == [0, 1, 2], f"three ranks found: {ranks}")
    os.kill(ranks[1], signal.SIGKILL)
    try:
        job.wait(timeout=60)
    finally:
        subprocess.run(["pkill", "-KILL", "-s", str(job.pid)])  # nothing of the job may outlive it
    check(job.returncode != 0, f"mpirun reports the failure: {job.returncode}")
    time.sleep(0.5)
    alive = subprocess.run(["ps", "-o", "pid=,stat=", "-s", str(job.pid)], capture_output=True, text=True).stdout.split("\n")
    alive = [line for line in alive if line.strip() and not line.split()[1].startswith("Z")]  # zombies are dead
    check(not alive, f"no rank left running: {alive}")
    with h5py.File(farmed, "r", swmr=True) as f:
        complete = int((f["runs"]["status"] == 1).sum())
        total = len(f["runs"])
    check(0 < complete < total, f"killed mid-way: {complete} of {total} runs complete")
    proc = run([MPIRUN, *MPI_FLAGS, "-np", "3", ORGSIM, "run", DEFAULT, "-o", farmed, "--resume"])
    check(f"({complete} complete runs kept" in proc.stderr, proc.stderr[-500:])
    same_results(single, farmed)


def slurm_script_runs_locally(tmp):
    shards = 3
    out = os.path.join(tmp, "cluster", "small.h5")
    script = os.path.join(tmp, "small.sbatch")
    text = run([ORGSIM, "slurm", SMALL, "--array", str(shards), "-o", out, "--cpus", "2", "--partition", "short",
                "--set", "experiment.ticks=15"]).stdout
    with open(script, "w") as f:
        f.write(text)
    run(["bash", "-n", script])
    for directive in ("#SBATCH --array=0-2", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time="):
        check(directive in text, f"{directive} missing")
    # A stand-in for sbatch that records its arguments.
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    log = os.path.join(tmp, "sbatch.log")
    fake = os.path.join(bin_dir, "sbatch")
    with open(fake, "w") as f:
        f.write(f"#!/usr/bin/python3\nimport json, sys\nopen({log!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
                "print('777')\n")
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], SLURM_ARRAY_JOB_ID="4242",
               SLURM_CPUS_PER_TASK="2")
    for task in range(shards):
        run(["bash", script], env=dict(env, SLURM_ARRAY_TASK_ID=str(task)))
        check(os.path.exists(os.path.join(tmp, "cluster", f"small.shard-{task}-of-{shards}.h5")), f"shard {task} file")
    import json
    calls = [json.loads(line) for line in open(log)]
    check(len(calls) == 1, f"task 0 alone submits the merge: {calls}")
    merge = calls[0]
    check("--dependency=afterok:4242" in merge and "--kill-on-invalid-dep=yes" in merge, f"afterok on the array: {merge}")
    wrap = merge[merge.index("--wrap") + 1]
    check(" merge -o " in wrap, wrap)
    # The dependency is satisfied: run the merge job's command as Slurm would.
    run(["bash", "-c", wrap])
    single = os.path.join(tmp, "single.h5")
    run([ORGSIM, "run", SMALL, "-o", single, "--quiet", "--set", "experiment.ticks=15"])
    same_results(single, out)
    # A resubmitted task resumes its shard (keeps its runs), and `bash SCRIPT merge` merges by hand.
    proc = run(["bash", script], env=dict(env, SLURM_ARRAY_TASK_ID="1", ORGSIM_MERGE_SUBMITTED="1"))
    os.remove(out)
    run(["bash", script, "merge"], env=env)
    same_results(single, out)
    # Bad requests.
    proc = run([ORGSIM, "slurm", SMALL, "--array", "13"], expect=2)
    check("expected 1 to 12 shards" in proc.stderr, proc.stderr)
    proc = run([ORGSIM, "slurm", SMALL, "--array", "2", "-o", "x.txt"], expect=2)
    check("must end in .h5" in proc.stderr, proc.stderr)


def stacks_of_session(session):
    """Every thread's stack of mpirun and the orgsim ranks in a session (gdb), to tell why a job
    hung (a rank that has exited shows as a zombie without stacks)."""
    out = []
    for pid in os.listdir("/proc"):
        try:
            if not pid.isdigit() or os.getsid(int(pid)) != session:
                continue
            comm = open(f"/proc/{pid}/comm").read().strip()
            if not comm.startswith(("orgsim", "mpirun")):
                continue
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except (OSError, ProcessLookupError):
            continue
        try:
            proc = subprocess.run(["gdb", "-p", pid, "-batch", "-ex", "thread apply all bt 20"],
                                  capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            out.append(f"== pid {pid}: no stacks ({e})")
            continue
        out.append(f"== pid {pid} ({comm}, state {state})\n" + "\n".join(l for l in proc.stdout.splitlines() if l.startswith(("#", "Thread"))))
    return "\n".join(out) or "(no process of the job left)"


def mpi_disk_full(tmp):
    """Rank 0's writer fails (a full disk) while the other ranks compute: the job ends with the
    writer's error (exit 3, one message), no rank hands in runs for ever, and the file keeps every
    run flushed before the failure."""
    from test_reliability import SWEEP, Tmpfs, fill  # the reliability cases' sweep and tmpfs
    exp = os.path.join(tmp, "sweep.toml")
    with open(exp, "w") as f:
        f.write(SWEEP)
    with Tmpfs(os.path.join(tmp, "disk"), 16) as disk:
        out = os.path.join(disk.path, "out.h5")
        job = subprocess.Popen([MPIRUN, *MPI_FLAGS, "-np", "3", ORGSIM, "run", exp, "-o", out, "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.time() + 120
        complete = 0
        while time.time() < deadline and complete < 3:
            time.sleep(0.1)
            try:
                with h5py.File(out, "r", libver="latest", swmr=True) as f:
                    complete = int((f["runs"]["status"][:] == 1).sum())
            except (OSError, KeyError):
                pass
        check(complete >= 3, "the farm wrote runs before the disk filled")
        filler = fill(disk.path)
        try:
            _, err = job.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            raise AssertionError("the job hung after the disk filled; its ranks:\n" + stacks_of_session(job.pid))
        finally:
            subprocess.run(["pkill", "-KILL", "-s", str(job.pid)])  # nothing of the job may outlive it
        check(job.returncode == 3, f"a full disk ends the job with 3, not {job.returncode}:\n{err}")
        message = [line for line in err.splitlines() if line.startswith("orgsim: ")]
        check(len(message) == 1 and message[0].startswith(f"orgsim: error: disk full while writing {out}: "), err)
        os.remove(filler)
        with h5py.File(out, "r", libver="latest", swmr=True) as f:
            kept = int((f["runs"]["status"][:] == 1).sum())
        said = int(message[0].split(": ")[3].split(" runs complete")[0])
        check(said == kept >= complete, f"the message says {said} runs complete, the file holds {kept}")


def mpirun_needs_an_mpi_build(tmp):
    proc = run([MPIRUN, *MPI_FLAGS, "-np", "2", ORGSIM, "run", SMALL, "-o", os.path.join(tmp, "x.h5")], expect=2)
    check("built without MPI" in proc.stderr, proc.stderr)
    check(not os.path.exists(os.path.join(tmp, "x.h5")), "nothing written")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="orgsim-cluster-") as tmp:
        globals()[case](tmp)
    print(f"{case}: passed")
