#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The fuzz stage of scripts/test.sh: every fuzz target for a short, bounded time (default 30 s
# each; scripts/fuzz_ci.sh SECONDS), reproducibly (fixed -seed, -max_len, the committed seeds
# only, a scratch corpus). Fails on the first crash or broken property. Longer runs:
# scripts/fuzz.sh TARGET SECONDS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-30}
export AFTERSALE_FUZZ_SEED=${AFTERSALE_FUZZ_SEED:-1} AFTERSALE_FUZZ_MAX_LEN=${AFTERSALE_FUZZ_MAX_LEN:-8192}
export AFTERSALE_FUZZ_FRESH=1
mkdir -p build
summary=()
for target in policy request snapshot events test_file requests; do
  scripts/fuzz.sh "$target" "$seconds" >"build/fuzz-$target.log" 2>&1 || {
    tail -n 60 "build/fuzz-$target.log" >&2
    echo "fuzz stage failed: target $target (log: build/fuzz-$target.log)" >&2
    exit 1
  }
  summary+=("$(tail -n 1 "build/fuzz-$target.log")")
done
printf '%s\n' "${summary[@]}"
