#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The long differential run: the library (Release Python package in build/python) against the
# reference evaluator of tests/differential on POLICIES generated policies with
# REQUESTS_PER_POLICY requests each, and as many flow policies with STREAMS event streams of
# STEPS events. Mismatch reproducers go to build/differential/. Exit 1 on any mismatch.
#   scripts/differential.sh [POLICIES [REQUESTS_PER_POLICY [STREAMS [STEPS [SEED]]]]]
#   scripts/differential.sh 1000 1000          # 1,000 policies, 1,000,000 requests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
policies=${1:-1000}
requests=${2:-1000}
streams=${3:-20}
steps=${4:-50}
seed=${5:-7}
if [[ ! -f build/python/CMakeCache.txt ]]; then
  cmake -S . -B build/python -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_DEVELOPER_MODE=ON \
    -DAFTERSALE_BUILD_PYTHON=ON -DAFTERSALE_BUILD_TESTS=ON -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF
fi
cmake --build build/python --target _core -j"$(nproc)"
PYTHONPATH=build/python/bindings/python exec /usr/bin/python3 -W error tests/differential/run.py \
  --policies "$policies" --requests "$requests" --flows "$policies" --streams "$streams" --steps "$steps" \
  --seed "$seed" --out build/differential
