#!/usr/bin/env bash
# Builds orgsim under sanitizers and runs the test suites (docs/reliability.md).
#   scripts/sanitize.sh asan   build-asan: ASan+UBSan (GCC), the whole ctest suite, every label
#   scripts/sanitize.sh tsan   build-tsan: TSan (GCC), the parallel scheduler, the thread-count
#                              determinism tests and the runner's worker/writer threads, linked
#                              against a oneTBB built with -fsanitize=thread from Debian's source
#                              package (build-tsan/tbb-tsan, built once and cached; see tsan_tbb)
#   scripts/sanitize.sh all    both, one after the other
# JOBS (default 2) sets the build and ctest parallelism. Each phase prints its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
mode=${1:-all}

# Every sanitizer report fails the process; the suppression files name each exception and why.
export ASAN_OPTIONS="abort_on_error=0:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/sanitizers/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

phase() {  # phase NAME COMMAND...: runs and times one step; returns the step's status
  local name=$1 start end status=0
  shift
  echo "sanitize: $name: $*"
  start=$(date +%s)
  "$@" || status=$?  # (errexit does not apply where the caller tests the status: keep it)
  end=$(date +%s)
  echo "sanitize: $name took $((end - start)) s$([ $status -eq 0 ] || echo ", status $status")"
  return $status
}

run_asan() {
  phase "asan configure" cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DORGSIM_SANITIZE=address,undefined -DORGSIM_BUILD_BENCHMARKS=OFF
  phase "asan build" cmake --build build-asan -j"$jobs"
  # OpenMPI (libmpi, libopen-pal, hwloc and MCA plugins it dlopens and unloads, so their stacks
  # often show no module) leaks at MPI_Finalize by design. Leak detection is therefore off only in
  # the two MPI farm tests (everything mpirun starts there); ASan and UBSan errors stay fatal.
  local mpi_cases='^cluster[.]mpi_'
  # The Python module is an ASan-built extension loaded into Debian's /usr/bin/python3, which is
  # not: the ASan runtime (and libstdc++, whose __cxa_throw ASan intercepts) must be preloaded, and
  # CPython's own allocations at exit are not leaks of ours. The quarantine is off there so that
  # lazy_read_memory measures orgsim's reads, not freed memory ASan holds back. ASan and UBSan
  # errors stay fatal.
  local python_cases='^e2e[.](python|examples)[.]|^e2e[.]reliability[.]single_writer_lock$'
  local status=0
  phase "asan tests" ctest --test-dir build-asan -j"$jobs" --output-on-failure \
    -E "$mpi_cases|$python_cases" || status=1
  (
    export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:quarantine_size_mb=0"
    export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)"
    phase "asan python tests (runtime preloaded, no leak detection)" \
      ctest --test-dir build-asan -j"$jobs" --output-on-failure -R "$python_cases"
  ) || status=1
  (
    export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
    phase "asan mpi tests (no leak detection)" ctest --test-dir build-asan --output-on-failure -R "$mpi_cases"
  ) || status=1
  return $status
}

# TSan cannot see synchronization inside an uninstrumented library, and Debian's libtbb.so.12 is
# not instrumented: TBB's hand-off of tasks to its worker threads shows up as races. tsan_tbb
# builds the same oneTBB (Debian's source package, the version of the installed libtbb-dev, with
# Debian's patches) with -fsanitize=thread into build-tsan/tbb-tsan/prefix, once: a stamp file
# records the version and flags, and a later run with the same stamp reuses the prefix.
# TBB_DSC=/path/to/onetbb_*.dsc uses an already downloaded source package instead of apt-get.
tbb_dir=$root/build-tsan/tbb-tsan
tbb_prefix=$tbb_dir/prefix
tsan_tbb() {
  local version stamp
  version=$(dpkg-query -W -f='${source:Version}' libtbb-dev 2>/dev/null) || {
    echo "sanitize: libtbb-dev is not installed (apt-get install libtbb-dev)" >&2; return 1; }
  stamp="onetbb $version $(c++ --version | head -1) RelWithDebInfo TBB_SANITIZE=thread"
  if [[ -f $tbb_prefix/lib/cmake/TBB/TBBConfig.cmake && -f $tbb_dir/stamp && $(<"$tbb_dir/stamp") == "$stamp" ]]; then
    echo "sanitize: TSan oneTBB $version cached in $tbb_prefix"
    return
  fi
  rm -rf "$tbb_dir"
  mkdir -p "$tbb_dir/download"
  local dsc=${TBB_DSC:-}
  if [[ -z $dsc ]]; then
    if ! grep -Eqs '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
      local debsrc=/etc/apt/sources.list.d/orgsim-deb-src.sources
      if [[ $(id -u) -ne 0 || ! -f /etc/apt/sources.list.d/debian.sources ]]; then
        cat >&2 <<MSG
sanitize: tsan needs Debian's oneTBB source package (apt-get source onetbb), and apt has no
deb-src entry. As root this script adds $debsrc (a copy of
/etc/apt/sources.list.d/debian.sources with Types: deb-src); it is not root, or that file is
missing. Either add a deb-src entry yourself and run apt-get update, or download the source
package (onetbb_$version.dsc and its tarballs) and run with TBB_DSC=/path/to/onetbb_$version.dsc.
MSG
        return 1
      fi
      echo "sanitize: adding $debsrc (deb-src for apt-get source onetbb)"
      sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$debsrc"
      apt-get update
    fi
    # --download-only: no build dependencies or dpkg-buildpackage; dpkg-source applies the patches.
    (cd "$tbb_dir/download" && apt-get source --download-only "onetbb=$version")
    dsc=$(ls "$tbb_dir"/download/onetbb_*.dsc)
  fi
  # dpkg-source warns that it cannot check the .dsc's signature (no debian-keyring); apt-get
  # source has already checked the files' checksums against the signed Sources index.
  dpkg-source -x "$dsc" "$tbb_dir/src"
  # Only the tbb library: no tests, examples or tbbmalloc (orgsim links TBB::tbb alone), no hwloc
  # binding; TBB_STRICT=OFF as GCC 12 warns in oneTBB 2021.8 under -fsanitize=thread.
  cmake -S "$tbb_dir/src" -B "$tbb_dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
    -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON -DCMAKE_INSTALL_PREFIX="$tbb_prefix" -DCMAKE_INSTALL_LIBDIR=lib
  cmake --build "$tbb_dir/build" -j"$jobs"
  cmake --install "$tbb_dir/build"
  echo "$stamp" > "$tbb_dir/stamp"
}

run_tsan() {
  phase "tsan oneTBB (instrumented)" tsan_tbb
  # TBB_DIR selects the instrumented oneTBB over the system one; the test binaries and orgsim get
  # its lib directory first in their build-tree RUNPATH (checked below: the run fails if they load
  # Debian's uninstrumented libtbb).
  phase "tsan configure" cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DORGSIM_SANITIZE=thread -DORGSIM_BUILD_BENCHMARKS=OFF -DTBB_DIR="$tbb_prefix/lib/cmake/TBB"
  phase "tsan build" cmake --build build-tsan -j"$jobs" --target test_core test_agents test_experiments orgsim
  local bin lib
  for bin in build-tsan/tests/test_core build-tsan/tests/test_agents build-tsan/tests/test_experiments build-tsan/cli/orgsim; do
    lib=$(ldd "$bin" | awk '$1 ~ /^libtbb[.]so/ {print $3}')
    if [[ $lib != "$tbb_prefix"/lib/* ]]; then
      echo "sanitize: $bin loads libtbb from '$lib', not the instrumented $tbb_prefix/lib" >&2
      return 1
    fi
    echo "sanitize: $bin loads $lib"
  done
  # test_core: the scheduler and parallel reductions; test_agents: bit-identical runs at 1, 2 and
  # 4 threads; e2e.threads_give_identical_metrics: the orgsim binary's TBB workers and writer thread;
  # Results.*: the runner's writer thread and queue on their stop and failure paths.
  phase "tsan test_core" build-tsan/tests/test_core
  phase "tsan test_agents" build-tsan/tests/test_agents
  phase "tsan runner" build-tsan/tests/test_experiments --gtest_filter='Results.*'
  phase "tsan e2e" ctest --test-dir build-tsan --output-on-failure -R '^e2e[.]threads_give_identical_metrics$'
}

case $mode in
  asan) run_asan ;;
  tsan) run_tsan ;;
  all) run_asan; run_tsan ;;
  *) echo "usage: scripts/sanitize.sh [asan|tsan|all]" >&2; exit 2 ;;
esac
