#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The long run of the compiled-code differential (tests/codegen/diff.cmake, docs/compile.md):
# POLICIES random policies (from seed FIRST) plus the default and the example store policies,
# each compiled by `aftersale compile` into the driver, and REQUESTS random requests (in total,
# spread over every table of every policy) decided by the generated code and by the interpreter
# with request seed SEED. Release build in build/compile-diff. Exit 1 on any mismatch (each
# printed with its seed, policy file, table, now and request).
#   scripts/compile_diff.sh [POLICIES [REQUESTS [SEED [FIRST]]]]
#   scripts/compile_diff.sh 500 20000000        # 500 policies, 20,000,000 requests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
policies=${1:-400}
requests=${2:-10000000}
seed=${3:-20261207}
first=${4:-5000}
cmake -S . -B build/compile-diff -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_DEVELOPER_MODE=ON \
  -DAFTERSALE_BUILD_TESTS=ON -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF -DAFTERSALE_BUILD_CLI=ON \
  -DAFTERSALE_CODEGEN_DIFF_POLICIES="$policies" -DAFTERSALE_CODEGEN_DIFF_FIRST_SEED="$first" >/dev/null
cmake --build build/compile-diff --target aftersale_codegen_diff -j"$(nproc)"
exec build/compile-diff/tests/aftersale_codegen_diff --requests "$requests" --seed "$seed"
