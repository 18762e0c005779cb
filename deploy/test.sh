#!/usr/bin/env bash
# Builds citymatch and runs every test with ctest.
#   deploy/test.sh             Release build in build/
#   deploy/test.sh --sanitize  AddressSanitizer + UBSan build in build-sanitize/
#   deploy/test.sh --fuzz [S]  libFuzzer build (clang) in build-fuzz/; runs
#                              each fuzz target for S seconds (default 60)
# A second run reuses the build directory and ccache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deploy/install-deps.sh

# The fuzz targets need clang and its libFuzzer runtime, which the normal
# build does not.
install_clang() {
  local missing=()
  for pkg in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# Runs every fuzz target of build-fuzz/ for $1 seconds from its seed corpus
# and prints how many inputs each one ran. New inputs go to
# build-fuzz/tests/fuzz/corpus/<target>/, never into the committed seeds.
run_fuzzers() {
  local seconds=$1 failed=0
  local bin=build-fuzz/tests/fuzz
  for seeds in tests/fuzz/corpus/*/; do
    local target
    target=$(basename "$seeds")
    mkdir -p "$bin/corpus/$target" "$bin/crashes"
    local log="$bin/$target.log"
    if "$bin/$target" -max_total_time="$seconds" -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$bin/crashes/$target-" \
        "$bin/corpus/$target" "$seeds" >"$log" 2>&1; then
      local runs
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
      printf '%-24s %12s executions in %ss\n' "$target" "$runs" "$seconds"
    else
      printf '%-24s FAILED, see %s\n' "$target" "$log"
      tail -n 30 "$log"
      failed=1
    fi
  done
  return "$failed"
}

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
case "${1:-}" in
  --sanitize)
    build_dir=build-sanitize
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCITYMATCH_SANITIZE=ON)
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  --fuzz)
    install_clang
    seconds=${2:-60}
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCITYMATCH_FUZZ=ON >/dev/null
    targets=()
    for seeds in tests/fuzz/corpus/*/; do targets+=("$(basename "$seeds")"); done
    cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_fuzzers "$seconds"
    exit
    ;;
esac
jobs=$(nproc)
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout 300
