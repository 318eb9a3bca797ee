#!/usr/bin/env bash
# The main job: build the aftersale CLI (Release) and decide every example request with the
# default policy. Installs missing Debian packages with apt first (run as root on a fresh box).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
aftersale_ensure_deps

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release \
  -DAFTERSALE_BUILD_TESTS=OFF -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=ON
cmake --build build/release --target aftersale_cli -j"$(nproc)"

aftersale=build/release/src/cli/aftersale
echo
echo "\$ aftersale validate policies/default.yaml"
"$aftersale" validate policies/default.yaml
echo
echo "\$ aftersale decide --policy policies/default.yaml --request examples/requests/"
"$aftersale" decide --policy policies/default.yaml --request examples/requests/
