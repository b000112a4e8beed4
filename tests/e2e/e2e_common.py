"""Helpers shared by the end-to-end test scripts: running the orgsim binary (ORGSIM in the
environment), checks that fail with a message, and writing experiment files."""
import os
import subprocess

ORGSIM = os.environ["ORGSIM"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def orgsim(*args, expect=0, cwd=None, env=None):
    """Runs orgsim with args (and `env` added to the environment); fails unless it exits with
    `expect`. Returns the completed process."""
    proc = subprocess.run([ORGSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, **env} if env else None)
    check(proc.returncode == expect,
          f"orgsim {' '.join(args)} exited {proc.returncode}, expected {expect}\n"
          f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def png_ink(path):
    """Share of non-white bytes in a PNG's decoded scanlines (a blank page is ~0)."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return sum(1 for b in raw[::97] if b not in (0, 255)) / len(raw[::97])
