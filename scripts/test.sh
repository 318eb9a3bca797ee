#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# All tests: Debug with -Werror, AddressSanitizer and UBSan, then every ctest test (the PostgreSQL
# store tests on a throwaway cluster, required); then the threads test under ThreadSanitizer; then
# the Python package (Release) and its pytest suite; then the Debian packages and the wheel, used
# from the outside; then every fuzz target for 30 s (clang-14, libFuzzer + ASan + UBSan).
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
# The PostgreSQL store tests (ctest store.postgres start a throwaway cluster) must run here and
# never skip: without a server they fail (docs/store.md).
export AFTERSALE_REQUIRE_PG=1
ctest --output-on-failure -j"$(nproc)" -LE package

cd ../..

# ThreadSanitizer (label `tsan`, docs/threads.md): its own build, since TSan cannot share one with
# ASan; only the library and the threads test (8+ workers while the policy is swapped 1,000
# times). The test sets TSAN_OPTIONS=halt_on_error=1: any report fails it.
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAFTERSALE_DEVELOPER_MODE=ON \
  -DAFTERSALE_SANITIZERS=thread -DAFTERSALE_BUILD_TESTS=ON -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF
cmake --build build/tsan --target aftersale_threads_test -j"$(nproc)"
ctest --test-dir build/tsan -L tsan --output-on-failure

# The Python package against Debian's /usr/bin/python3: a separate build without sanitizers
# (an ASan-instrumented extension cannot be loaded into an uninstrumented interpreter).
cmake -S . -B build/python -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_DEVELOPER_MODE=ON \
  -DAFTERSALE_BUILD_PYTHON=ON -DAFTERSALE_BUILD_TESTS=ON -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF
cmake --build build/python --target _core -j"$(nproc)"
ctest --test-dir build/python -L python --output-on-failure

# Release packages (docs/versioning.md): scripts/package.sh builds the three Debian packages and
# the wheel in build/package (Release, reused), and they are used from the outside: dpkg-deb -x
# and consumers built against the extracted tree, the wheel in a fresh venv.
ctest --test-dir build/test -L package --output-on-failure

# Fuzzing: each target of tests/fuzz for 30 s under libFuzzer + ASan + UBSan, fixed seed, in
# build/fuzz (clang-14); fails on any crash or broken property. Longer: scripts/fuzz.sh TARGET SECONDS.
scripts/fuzz_ci.sh 30
