#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined) in build-fuzz and
# runs each for SECONDS (default 60) from the seed corpora (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: experiment results_bytes results_structure
# New corpus entries go to build-fuzz/corpus/<target> (not committed); crashes, leaks, timeouts
# and out-of-memory inputs to build-fuzz/artifacts/<target>/. Prints libFuzzer's final line per
# target (executions, cov: edges, ft: features, exec/s) and exits 1 if any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(experiment results_bytes results_structure)
jobs=${JOBS:-2}
cc=${CC_FUZZ:-clang-14}
cxx=${CXX_FUZZ:-clang++-14}

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DORGSIM_FUZZ=ON -DORGSIM_BUILD_TESTS=OFF -DORGSIM_BUILD_BENCHMARKS=OFF -DORGSIM_WITH_MPI=OFF >/dev/null || exit 1
cmake --build build-fuzz -j"$jobs" --target "${targets[@]/#/fuzz_}" || exit 1

# UBSan findings abort (the fuzzer records them as crashes); leaks are reported per input.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
status=0
summary=()
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  artifacts=build-fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds=(fuzz/corpus/$target)
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$artifacts/")
  case $target in
    experiment) seeds+=(experiments/configs tests/data/bad-configs); options+=(-dict=fuzz/experiment.dict) ;;
    results_bytes) options+=(-max_len=65536) ;;
    results_structure) options+=(-max_len=2048) ;;
  esac
  log=build-fuzz/$target.log
  echo "fuzz: $target for ${seconds} s (seeds: ${seeds[*]})"
  build-fuzz/fuzz/fuzz_$target "${options[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  final=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  line="$target: ${execs:-?} executions, ${rate:-?} exec/s; final: ${final:-none}"
  if [[ $rc -ne 0 ]]; then
    status=1
    line+=" -- FAILED (exit $rc): $(grep -m1 -E 'ERROR: |SUMMARY: ' "$log")"
    line+=" artifact: $(ls -t "$artifacts" | head -1)"
  fi
  echo "fuzz: $line"
  summary+=("$line")
done
echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit $status
