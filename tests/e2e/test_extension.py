"""A submodel is one unit (issue 17): the toy submodel of tests/extension/toy_submodel.cpp (one
parameter, one metric, one phase, registered with one line) linked into `orgsim_toy` shows up in
`orgsim_toy params`, in a results file with its metadata, and in the analysis of an ordinary
orgsim build that does not know it.

Environment: ORGSIM (the ordinary binary), ORGSIM_TOY (the binary with the toy submodel)."""
import io
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from e2e_common import check, orgsim, write  # noqa: E402

TOY = os.environ["ORGSIM_TOY"]

EXPERIMENT = """
[experiment]
name = "toy"
ticks = 12
replications = 4
seed = 5

[sweep.grid]
"toy.rate" = [0.25, 0.5]
"""


def toy(*args, expect=0):
    proc = subprocess.run([TOY, *args], capture_output=True, text=True, timeout=600)
    check(proc.returncode == expect, f"orgsim_toy {' '.join(args)} exited {proc.returncode}\n{proc.stderr}")
    return proc


def decode(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # 1. The parameter and the metric are in the tables (and not in the ordinary build's).
        params = toy("params").stdout
        check("toy.rate" in params and "toy_level" in params, "orgsim_toy params lists toy.rate and toy_level")
        plain = orgsim("params").stdout
        check("toy.rate" not in plain and "toy_level" not in plain, "the ordinary build has no toy")

        # 2. A run writes the metric and its metadata; the values are the phase's: rate x tick.
        path = write(tmp, "toy.toml", EXPERIMENT)
        out = os.path.join(tmp, "toy.h5")
        toy("run", path, "-o", out, "--quiet")
        with h5py.File(out, "r") as f:
            names = decode(f["metrics"].attrs["names"])
            check(names[-1] == "toy_level", f"extension metrics follow orgsim's own: {names[-3:]}")
            metrics = f["metrics"][...]
            runs = pd.DataFrame(f["runs"][:])
            info = f["metric_info"][...]
        fields = info.dtype.names
        row = info[names.index("toy_level")]
        meta = {k: (row[k].decode() if isinstance(row[k], bytes) else row[k]) for k in fields}
        check(meta["name"] == "toy_level" and meta["category"] == "innovation_adaptability" and
              meta["unit"] == "level" and meta["label"] == "Toy level" and meta["better"] == "higher",
              f"the file carries the toy metric's metadata: {meta}")
        k = names.index("toy_level")
        ticks = np.arange(metrics.shape[1])
        for r, rate in enumerate(runs["toy.rate"]):
            expected = np.cumsum(np.r_[0.0, np.full(len(ticks) - 1, rate)])
            check(np.array_equal(metrics[r, :, k], expected), f"run {r}: toy_level = rate x tick")

        # 3. The ordinary build analyses the file: the unknown metric with the file's metadata.
        csv = orgsim("analyze", out, "--metrics", "toy_level", "--format", "csv").stdout
        frame = pd.read_csv(io.StringIO(csv))
        for rate in (0.25, 0.5):
            mean = frame[(frame["toy.rate"] == rate) & (frame["metric"] == "toy_level")]["mean"].iloc[0]
            check(abs(mean - 12 * rate) < 1e-12, f"analyze: toy_level at the end is 12 x {rate}: {mean}")
        compare = orgsim("compare", out, "--by", "toy.rate", "--baseline", "0.25",
                         "--metrics", "toy_level").stdout
        line = next((l for l in compare.splitlines() if "toy_level" in l), "")
        check("better" in line, f"compare gives toy_level the file's direction (higher is better):\n{compare}")
    print("ok")


if __name__ == "__main__":
    main()
