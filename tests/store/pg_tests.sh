#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest `store.postgres`: the PostgreSQL half of the store tests on a throwaway cluster.
#
#   tests/store/pg_tests.sh BUILD/tests/aftersale_store_backends_test [gtest args...]
#
# With AFTERSALE_TEST_PG_URL already set, runs against that server. Otherwise starts a cluster
# with scripts/pg_cluster.sh in a fresh temporary directory (stopped and removed at the end,
# also on failure) and runs the tests with the URL set. No PostgreSQL server on the machine:
# prints why and exits 77 (ctest reports SKIPPED), or fails when AFTERSALE_REQUIRE_PG=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
test_binary="$1"
shift
filter=(--gtest_filter='*/postgres:StorePostgres.*' --gtest_brief=0)

if [ -n "${AFTERSALE_TEST_PG_URL:-}" ]; then
  exec "$test_binary" "${filter[@]}" "$@"
fi

dir="$(mktemp -d /tmp/aftersale-pg.XXXXXX)"
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT
set +e
"$root/scripts/pg_cluster.sh" run "$dir/data" -- "$test_binary" "${filter[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 2 ]; then
  echo "SKIPPED: no PostgreSQL server installed (Debian package \`postgresql\`): the PostgreSQL store tests did not run" >&2
  if [ "${AFTERSALE_REQUIRE_PG:-0}" = 1 ]; then
    echo "error: AFTERSALE_REQUIRE_PG=1 and no PostgreSQL server to test against" >&2
    exit 1
  fi
  exit 77
fi
exit "$status"
