#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one libFuzzer target for a while:   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
# TARGET: policy | request | snapshot | events | test_file | requests   (tests/README.md, "Fuzzing").
#
# Builds build/fuzz first if needed (clang-14, the library with libFuzzer coverage, ASan and
# UBSan; AFTERSALE_BUILD_FUZZERS). Starts from the committed seeds (tests/fuzz/corpus/TARGET,
# never written to) plus the inputs earlier runs found (build/fuzz/corpus/TARGET), with the
# target's dictionary. Prints libFuzzer's progress, then one summary line:
#   fuzz TARGET: 123456 execs in 60 s, cov: 4321 ft: 9876, corpus 210 inputs
# A crash or broken property exits non-zero and leaves the input in build/fuzz/crashes/TARGET/;
# copy it to tests/fuzz/regressions/TARGET/ so ctest `fuzz.TARGET` checks it from then on.
#
# Environment: AFTERSALE_FUZZ_SEED (libFuzzer -seed, default random), AFTERSALE_FUZZ_MAX_LEN
# (default 8192 bytes), AFTERSALE_FUZZ_FRESH=1 (start from the seeds only, in a scratch corpus).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(policy request snapshot events test_file requests)
if [ $# -lt 2 ] || [[ ! " ${targets[*]} " =~ " $1 " ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]   TARGET: ${targets[*]}" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

build=build/fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  # -O1 -g: fast enough, readable stack traces; assertions stay on (no NDEBUG).
  cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DAFTERSALE_DEVELOPER_MODE=ON -DAFTERSALE_BUILD_FUZZERS=ON \
    -DAFTERSALE_BUILD_TESTS=OFF -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF -DAFTERSALE_INSTALL=OFF
fi
cmake --build "$build" --target "fuzz_$target" -j"$(nproc)"

seeds=tests/fuzz/corpus/$target
work=$build/corpus/$target
if [ "${AFTERSALE_FUZZ_FRESH:-0}" = 1 ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/aftersale-fuzz-$target.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
crashes=$build/crashes/$target
mkdir -p "$work" "$crashes"
flags=(-max_total_time="$seconds" -max_len="${AFTERSALE_FUZZ_MAX_LEN:-8192}" -timeout=30 -rss_limit_mb=2048
       -print_final_stats=1 -artifact_prefix="$crashes/")
[ -n "${AFTERSALE_FUZZ_SEED:-}" ] && flags+=(-seed="$AFTERSALE_FUZZ_SEED")
[ -f "tests/fuzz/$target.dict" ] && flags+=(-dict="tests/fuzz/$target.dict")

log=$(mktemp "${TMPDIR:-/tmp}/aftersale-fuzz-$target.log.XXXXXX")
status=0
# UBSan reports abort (halt_on_error) so that libFuzzer saves the input like for any crash.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$build/tests/fuzz/fuzz_$target" "${flags[@]}" "$@" "$work" "$seeds" 2>&1 | tee "$log" || status=$?
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
inputs=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
rm -f "$log"
echo "fuzz $target: ${execs:-?} execs in $seconds s, cov: ${cov:-?} ft: ${ft:-?}, corpus ${inputs:-?} inputs"
if [ "$status" -ne 0 ]; then
  echo "fuzz $target: FAILED (exit $status); the input is in $crashes/ — reproduce with" >&2
  echo "  $build/tests/fuzz/fuzz_$target $crashes/<file>" >&2
  exit 1
fi
