#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined) in build-fuzz and
# runs each for SECONDS (default 60) from the seed corpora (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: experiment results_bytes results_structure
#                                             org_chart options (default: all five, one after another)
# New corpus entries go to build-fuzz/corpus/<target> (not committed); crashes, leaks, timeouts
# and out-of-memory inputs to build-fuzz/artifacts/<target>/. Prints libFuzzer's final line per
# target (executions, cov: edges, ft: features, exec/s) and exits 1 if any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(experiment results_bytes results_structure org_chart options)
jobs=${JOBS:-2}
cc=${CC_FUZZ:-clang-14}
cxx=${CXX_FUZZ:-clang++-14}

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DORGSIM_FUZZ=ON -DORGSIM_BUILD_TESTS=OFF -DORGSIM_BUILD_BENCHMARKS=OFF -DORGSIM_WITH_MPI=OFF >/dev/null || exit 1
cmake --build build-fuzz -j"$jobs" --target "${targets[@]/#/fuzz_}" || exit 1

# UBSan findings abort (the fuzzer records them as crashes); leaks are reported per input.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
# One narrow exception, explained in the file: libhdf5's own leak when it decodes corrupt metadata.
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0"
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
    # Raw bytes reach libhdf5's own decoders, which can loop on corrupt metadata (an upstream
    # limitation, fuzz/upstream/): fork mode records such timeouts as artifacts and goes on.
    results_bytes) options+=(-max_len=65536 -fork=1 -ignore_timeouts=1 -ignore_crashes=1) ;;
    results_structure) options+=(-max_len=2048) ;;
    org_chart) options+=(-dict=fuzz/org_chart.dict) ;;
    # Option files name their chart relative to experiments/configs/scenarios (fuzz_options.cpp).
    options) seeds+=(experiments/configs/scenarios); options+=(-dict=fuzz/options.dict) ;;
  esac
  log=build-fuzz/$target.log
  echo "fuzz: $target for ${seconds} s (seeds: ${seeds[*]})"
  touch "$log.start"
  build-fuzz/fuzz/fuzz_$target "${options[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  final=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  timeouts=$(find "$artifacts" -name 'timeout-*' -newer "$log.start" | wc -l)
  line="$target: ${execs:-${final%%:*}} executions, ${rate:-?} exec/s, $timeouts timeouts; final: ${final:-none}"
  if [[ $rc -ne 0 && $target != results_bytes ]]; then  # results_bytes: see the triage below
    status=1
    line+=" -- FAILED (exit $rc): $(grep -m1 -E 'ERROR: |SUMMARY: ' "$log")"
    line+=" artifact: $(ls -t "$artifacts" | head -1)"
  fi
  # Triage what fork mode recorded: a crash whose first frame outside the sanitizer runtime is in
  # libhdf5 is upstream (docs/reliability.md); any other is an orgsim bug and fails the script.
  while IFS= read -r artifact; do
    where=$(build-fuzz/fuzz/fuzz_$target -runs=1 "$artifact" 2>&1 |
            grep -E '^ +#[0-9]+ ' | grep -v -E '__interceptor_|__asan|__sanitizer|__ubsan' | head -1 | sed 's/^ *//')
    if [[ $where == *libhdf5* ]]; then
      echo "fuzz: $target: upstream (libhdf5) crash $artifact: $where"
    else
      echo "fuzz: $target: ORGSIM BUG $artifact: $where"
      status=1
    fi
  done < <(find "$artifacts" -name 'crash-*' -newer "$log.start")
  if [[ $target != results_bytes && $timeouts -gt 0 ]]; then status=1; fi
  echo "fuzz: $line"
  summary+=("$line")
done
echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit $status
