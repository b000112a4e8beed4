#!/usr/bin/env bash
# Runs the benchmark set and compares it with the saved baseline (benchmarks/baseline.json) as
# ratios, so that a regression shows up in review. Absolute times on a shared 2-core VM are
# noisy; each benchmark is repeated and the medians are compared.
#
#   benchmarks/compare.sh [--build DIR] [--repetitions N] [--filter REGEX] [--save]
#
# --save writes the current medians as the new baseline. Exit status 0 always (it reports; the
# reviewer judges); ratios beyond 10 % are marked.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
repetitions=3
filter='.'
save=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --repetitions) repetitions=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --save) save=1; shift ;;
    *) echo "compare.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done
binary="$build/benchmarks/orgsim_benchmarks"
[[ -x "$binary" ]] || { echo "compare.sh: $binary not found; build first (cmake --build $build -j2)" >&2; exit 2; }
current=$(mktemp --suffix=.json)
trap 'rm -f "$current"' EXIT
"$binary" --benchmark_filter="$filter" --benchmark_repetitions="$repetitions" \
  --benchmark_report_aggregates_only=true --benchmark_out="$current" --benchmark_out_format=json >&2
/usr/bin/python3 - "$current" benchmarks/baseline.json "$save" <<'PY'
import json, sys
current_path, baseline_path, save = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
def medians(path):
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]
        # Higher is better for rates; lower is better for time.
        rate = b.get("employee_ticks") or b.get("runs")
        out[name] = {"real_time": b["real_time"], "time_unit": b["time_unit"], "rate": rate}
    return out
now = medians(current_path)
try:
    base = {b["name"]: b for b in json.load(open(baseline_path))["benchmarks"]}
except FileNotFoundError:
    base = {}
print(f"{'benchmark':58} {'baseline':>12} {'now':>12} {'ratio':>7}")
for name, m in now.items():
    b = base.get(name)
    value = m["rate"] if m["rate"] else m["real_time"]
    unit = "/s" if m["rate"] else m["time_unit"]
    if b is None:
        print(f"{name:58} {'-':>12} {value:>12.4g} {'new':>7}  {unit}")
        continue
    old = b["rate"] if m["rate"] else b["real_time"]
    ratio = value / old if old else float("nan")
    worse = (ratio < 0.9) if m["rate"] else (ratio > 1.1)
    better = (ratio > 1.1) if m["rate"] else (ratio < 0.9)
    mark = "  <-- slower" if worse else ("  faster" if better else "")
    print(f"{name:58} {old:>12.4g} {value:>12.4g} {ratio:>7.2f}  {unit}{mark}")
if save:
    json.dump({"benchmarks": [dict(name=n, **m) for n, m in now.items()]}, open(baseline_path, "w"), indent=1)
    print(f"saved {len(now)} medians to {baseline_path}")
PY
