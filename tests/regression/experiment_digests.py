"""Digests of what every shipped experiment computes, so refactorings can prove they change no
result (issue 17). For each experiment file under experiments/configs/ the real orgsim binary runs
it; the digest is a SHA-256 per metric of its /metrics column as decoded float64 values (bit
patterns, NaN payloads included: independent of how chunks are compressed and of the column's
position), and one of /runs field by field (the fields recorded with the digest, so a later
added field does not break the comparison).

  experiment_digests.py check   compare with tests/regression/experiment-digests.json (the test)
  experiment_digests.py save    write that file (only when results are meant to change: say why
                                in the commit)
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ORGSIM = os.environ["ORGSIM"]
SOURCE = os.environ["ORGSIM_SOURCE_DIR"]
STORED = os.path.join(SOURCE, "tests", "regression", "experiment-digests.json")


def experiment_files():
    root = os.path.join(SOURCE, "experiments", "configs")
    found = []
    for directory, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(directory, n), SOURCE) for n in names if n.endswith(".toml")]
    return sorted(found)


def digest_file(path, run_fields=None):
    with h5py.File(path, "r") as f:
        dataset = f["metrics"]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in dataset.attrs["names"]]
        shape = dataset.shape
        hashes = {name: hashlib.sha256() for name in names}
        block = max(1, (64 << 20) // max(1, 8 * shape[1] * shape[2]))  # about 64 MB at a time
        for first in range(0, shape[0], block):
            values = np.asarray(dataset[first:first + block], dtype="<f8")
            for k, name in enumerate(names):
                hashes[name].update(np.ascontiguousarray(values[:, :, k]).view(np.uint64).tobytes())
        runs = f["runs"][...]
    fields = run_fields if run_fields is not None else list(runs.dtype.names)
    runs_hash = hashlib.sha256()
    for name in fields:
        column = np.ascontiguousarray(runs[name])
        runs_hash.update(name.encode())
        runs_hash.update(column.tobytes())
    return {
        "metrics_shape": [shape[0], shape[1]],
        "metrics_sha256": {name: h.hexdigest() for name, h in sorted(hashes.items())},
        "runs_fields": fields,
        "runs_sha256": runs_hash.hexdigest(),
    }


def run(relative, tmp):
    out = os.path.join(tmp, os.path.basename(relative).replace(".toml", ".h5"))
    proc = subprocess.run([ORGSIM, "run", os.path.join(SOURCE, relative), "-o", out, "--quiet", "--force"],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"orgsim run {relative} exited {proc.returncode}\n{proc.stderr}")
    return out


def describe_change(relative, expected, got):
    """Which metric columns changed, appeared or disappeared, and whether /runs or the shape did."""
    old, new = expected.get("metrics_sha256", {}), got.get("metrics_sha256", {})
    parts = []
    changed = sorted(k for k in old if k in new and old[k] != new[k])
    if changed:
        parts.append("changed metrics: " + ", ".join(changed))
    if set(new) - set(old):
        parts.append("new metrics: " + ", ".join(sorted(set(new) - set(old))))
    if set(old) - set(new):
        parts.append("removed metrics: " + ", ".join(sorted(set(old) - set(new))))
    for key in ("metrics_shape", "runs_fields", "runs_sha256"):
        if expected.get(key) != got.get(key):
            parts.append(f"{key}: {expected.get(key)} -> {got.get(key)}")
    return f"{relative}: results changed ({'; '.join(parts)})"


def main(mode):
    stored = {}
    if mode == "check":
        with open(STORED) as f:
            stored = json.load(f)
    digests, failures = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        files = experiment_files()
        if mode == "check" and sorted(stored) != files:
            failures.append(f"shipped experiments {files} differ from the digested ones {sorted(stored)}: "
                            "save the digests of a new experiment in the commit that adds it")
        for relative in files:
            out = run(relative, tmp)
            expected = stored.get(relative)
            digests[relative] = digest_file(out, expected["runs_fields"] if expected else None)
            os.remove(out)
            if expected and digests[relative] != expected:
                failures.append(describe_change(relative, expected, digests[relative]))
    if mode == "save":
        with open(STORED, "w") as f:
            json.dump(digests, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"saved the digests of {len(digests)} experiments to {STORED}")
        return 0
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print(f"{len(digests)} shipped experiments give the stored results")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check"))
