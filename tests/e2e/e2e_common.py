"""Helpers shared by the end-to-end test scripts: running the orgsim binary (ORGSIM in the
environment), checks that fail with a message, and writing experiment files."""
import os
import subprocess

ORGSIM = os.environ["ORGSIM"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def orgsim(*args, expect=0, cwd=None):
    """Runs orgsim with args; fails unless it exits with `expect`. Returns the completed process."""
    proc = subprocess.run([ORGSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=600)
    check(proc.returncode == expect,
          f"orgsim {' '.join(args)} exited {proc.returncode}, expected {expect}\n"
          f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path
