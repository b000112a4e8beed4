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


# A stand-in for sbatch that behaves like Slurm where it matters: it reads the job script at
# submission, refuses a log directory that does not exist, answers --parsable with "id;cluster",
# checks --dependency names a job it issued, and fails on request (FAKE_SBATCH_FAIL=merge: the
# submission carrying --dependency; =all: every submission, like a site that needs --account).
FAKE_SBATCH = r"""#!/usr/bin/python3
import json, os, sys
state = os.environ["FAKE_SLURM_DIR"]
args = sys.argv[1:]
options = [a for a in args if a.startswith("--")]
script = next(a for a in args if not a.startswith("--"))
fail = os.environ.get("FAKE_SBATCH_FAIL", "")
if fail == "all" or (fail == "merge" and any(a.startswith("--dependency") for a in options)):
    sys.exit("sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified")
for a in options:
    if a.startswith("--output="):
        directory = os.path.dirname(a.split("=", 1)[1])
        if not os.path.isdir(directory):
            sys.exit(f"sbatch: error: the log directory {directory} does not exist")
    if a.startswith("--dependency=afterok:"):
        issued = [json.loads(l)["id"] for l in open(os.path.join(state, "calls"))]
        if int(a.split(":")[1]) not in issued:
            sys.exit("sbatch: error: Job dependency problem")
calls = os.path.join(state, "calls")
job = 4242 + (sum(1 for _ in open(calls)) if os.path.exists(calls) else 0)
body = open(script).read()
open(calls, "a").write(json.dumps({"id": job, "args": args, "script_bytes": len(body)}) + "\n")
print(f"{job};cluster" if "--parsable" in options else f"Submitted batch job {job}")
"""

FAKE_SCANCEL = r"""#!/usr/bin/python3
import os, sys
open(os.path.join(os.environ["FAKE_SLURM_DIR"], "cancelled"), "a").write(" ".join(sys.argv[1:]) + "\n")
"""


def fake_slurm(tmp):
    """A PATH with the stand-in sbatch and scancel, and a function that returns their calls."""
    import json
    bin_dir = os.path.join(tmp, "bin")
    state = os.path.join(tmp, "slurm-state")
    os.makedirs(bin_dir)
    os.makedirs(state)
    for name, text in (("sbatch", FAKE_SBATCH), ("scancel", FAKE_SCANCEL)):
        path = os.path.join(bin_dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], FAKE_SLURM_DIR=state)
    env.pop("SLURM_JOB_ID", None)

    def calls():
        path = os.path.join(state, "calls")
        if os.path.exists(path):
            result = [json.loads(line) for line in open(path)]
            os.remove(path)
            return result
        return []

    def cancelled():
        path = os.path.join(state, "cancelled")
        return open(path).read().split() if os.path.exists(path) else []
    return env, calls, cancelled


def option(call, name):
    values = [a.split("=", 1)[1] for a in call["args"] if a.startswith(name + "=")]
    return values[0] if values else None


def slurm_script_runs_locally(tmp):
    shards = 3
    out = os.path.join(tmp, "cluster", "deeper", "small.h5")
    script = os.path.join(tmp, "small.sh")
    text = run([ORGSIM, "slurm", SMALL, "--array", str(shards), "-o", out, "--cpus", "2", "--partition", "short",
                "--account", "proj-7", "--mem", "2G", "--set", "experiment.ticks=15",
                "--set", "experiment.name=\"it's; rm -rf $HOME\""]).stdout
    with open(script, "w") as f:
        f.write(text)
    run(["bash", "-n", script])
    check("#SBATCH" not in text, "no directives: every option is a quoted word of the submitting command")
    env, calls, cancelled = fake_slurm(tmp)
    # Submitting: the directories exist before sbatch sees them, and both jobs go in together.
    proc = run(["bash", script], env=env)
    submitted = calls()
    check(len(submitted) == 2, f"the array and the merge: {submitted}")
    array, merge = submitted
    check(option(array, "--array") == f"0-{shards - 1}" and option(array, "--cpus-per-task") == "2", array)
    for call in submitted:
        check(option(call, "--partition") == "short" and option(call, "--account") == "proj-7"
              and option(call, "--mem") == "2G" and "--parsable" in call["args"], call)
        check(os.path.isdir(os.path.dirname(option(call, "--output"))), "log directory made first")
        check(call["args"][-2] == os.path.realpath(script), f"the job body is this script: {call['args']}")
    check(array["args"][-1] == "task" and merge["args"][-1] == "merge", submitted)
    check(option(merge, "--dependency") == f"afterok:{array['id']}" and "--kill-on-invalid-dep=yes" in merge["args"],
          f"the merge waits for every task: {merge}")
    check(option(merge, "--cpus-per-task") == "1" and option(merge, "--time") == "00:10:00", merge)
    check(f"array job {array['id']}" in proc.stdout and f"merge job {merge['id']}" in proc.stdout, proc.stdout)
    # Slurm runs each task: `SCRIPT task` with its id; a task never submits anything.
    for task in range(shards):
        run(["bash", script, "task"], env=dict(env, SLURM_ARRAY_TASK_ID=str(task), SLURM_JOB_ID="9",
                                               SLURM_CPUS_PER_TASK="2"))
        check(os.path.exists(os.path.join(tmp, "cluster", "deeper", f"small.shard-{task}-of-{shards}.h5")), task)
    check(calls() == [], "tasks submit nothing (a requeued task cannot submit a second merge)")
    # The dependency is met: the merge job runs `SCRIPT merge`.
    run(["bash", script, "merge"], env=dict(env, SLURM_JOB_ID="10"))
    single = os.path.join(tmp, "single.h5")
    run([ORGSIM, "run", SMALL, "-o", single, "--quiet", "--set", "experiment.ticks=15",
         "--set", "experiment.name=\"it's; rm -rf $HOME\""])
    same_results(single, out)
    # A requeued task resumes its shard file and keeps its runs.
    proc = run(["bash", script, "task"], env=dict(env, SLURM_ARRAY_TASK_ID="1", SLURM_JOB_ID="11"))
    # After failures: resubmit some tasks and a merge after them.
    os.remove(out)
    run(["bash", script, "resubmit", "1,2"], env=env)
    again = calls()
    check(len(again) == 2 and option(again[0], "--array") == "1,2"
          and option(again[1], "--dependency") == f"afterok:{again[0]['id']}", again)
    run(["bash", script, "resubmit", "1;true"], env=env, expect=2)
    # A merge that cannot be submitted (a site that needs another account, a QOS limit) cancels the
    # array at once, in the submitting shell: no task runs without a merge to follow.
    proc = run(["bash", script], env=dict(env, FAKE_SBATCH_FAIL="merge"), expect=1)
    failed = calls()
    check(len(failed) == 1 and cancelled() == [str(failed[0]["id"])], f"the array is cancelled: {cancelled()}")
    check("could not be submitted" in proc.stderr and "Invalid account" in proc.stderr, proc.stderr)
    proc = run(["bash", script], env=dict(env, FAKE_SBATCH_FAIL="all"), expect=1)
    check(calls() == [] and "Invalid account" in proc.stderr, proc.stderr)
    # Submitted with sbatch by mistake (the old way): refused, nothing submitted.
    proc = run(["bash", script], env=dict(env, SLURM_JOB_ID="12"), expect=2)
    check("not with sbatch" in proc.stderr and calls() == [], proc.stderr)
    # Piped into bash: refused (Slurm needs the file).
    proc = subprocess.run(["bash"], input=text, capture_output=True, text=True, env=env)
    check(proc.returncode == 2 and "save this script to a file" in proc.stderr, proc.stderr)
    # Bad requests: one clear error, exit 2, nothing printed on stdout.
    proc = run([ORGSIM, "slurm", SMALL, "--array", "13"], expect=2)
    check("expected 1 to 12 shards" in proc.stderr, proc.stderr)
    proc = run([ORGSIM, "slurm", SMALL, "--array", "2", "-o", "x.txt"], expect=2)
    check("must end in .h5" in proc.stderr, proc.stderr)
    for flag, value, expected in (("--time", "1:00;touch /tmp/x", "a Slurm time limit"),
                                  ("--time", "01:00:00\n#SBATCH --wrap=id", "a Slurm time limit"),
                                  ("--mem", "4G\n#SBATCH --qos=top", "a Slurm memory size"),
                                  ("--mem", "4 G", "a Slurm memory size"),
                                  ("--partition", "short;reboot", "names"),
                                  ("--account", "a b", "names")):
        proc = run([ORGSIM, "slurm", SMALL, "--array", "2", flag, value.replace("\\n", "\n")], expect=2)
        check(expected in proc.stderr and proc.stdout == "" and len(proc.stderr.splitlines()) == 1,
              f"{flag} {value!r}: {proc.stderr}")
    for value in ("30", "90:00", "1-12", "2-00:30:00"):
        run([ORGSIM, "slurm", SMALL, "--array", "2", "--time", value])
    # The merge's time limit grows with the sweep (three times its estimate, at least ten minutes).
    big = run([ORGSIM, "slurm", DEFAULT, "--array", "4", "--set", "experiment.replications=30000"]).stdout
    merge_time = [line for line in big.splitlines() if line.startswith("MERGE_OPTIONS=")][0]
    check("--time='00:10:00'" not in merge_time, f"a 360,000-run merge gets more than ten minutes: {merge_time}")


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


def mpirun_only_for_run(tmp):
    # Only `run` shares its work between ranks: any other command under a multi-rank mpirun is
    # refused once (rank 0 prints), instead of merging three times into one file.
    shards = []
    for i in range(2):
        shards.append(os.path.join(tmp, f"s.shard-{i}-of-2.h5"))
        run([ORGSIM, "run", SMALL, "-o", shards[-1], "--shard", f"{i}/2", "--quiet", "--set", "experiment.ticks=5"])
    out = os.path.join(tmp, "merged.h5")
    proc = subprocess.run([MPIRUN, *MPI_FLAGS, "-np", "3", ORGSIM, "merge", "-o", out, *shards],
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr}")
    check(proc.stderr.count("orgsim: error:") == 1 and "does not use MPI" in proc.stderr, proc.stderr)
    check(not os.path.exists(out), "nothing merged")
    run([MPIRUN, *MPI_FLAGS, "-np", "1", ORGSIM, "merge", "-o", out, *shards])  # one rank: fine
    check(os.path.exists(out), "merged with one rank")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="orgsim-cluster-") as tmp:
        globals()[case](tmp)
    print(f"{case}: passed")
