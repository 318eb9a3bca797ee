#!/usr/bin/env bash
# All tests: Debug with -Werror, AddressSanitizer and UBSan, then every ctest test.
# Installs missing Debian packages with apt first (run as root on a fresh box).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
aftersale_ensure_deps

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug \
  -DAFTERSALE_DEVELOPER_MODE=ON -DAFTERSALE_SANITIZERS=address,undefined
cmake --build build/test -j"$(nproc)"
# ctest ends with its summary: "100% tests passed, 0 tests failed out of N" or the failed list.
cd build/test
ctest --output-on-failure -j"$(nproc)"
