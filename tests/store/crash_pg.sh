#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest `store.crash.postgresql`: the crash tests (crash_supervisor.py) on PostgreSQL.
#
#   tests/store/crash_pg.sh SUPERVISOR-ARGS...        (without --url: the URL is provided here)
#
# With AFTERSALE_TEST_PG_URL set, on that database (its `public` schema is dropped first).
# Otherwise on a throwaway cluster from scripts/pg_cluster.sh (started in a fresh temporary
# directory, stopped and removed at the end, also on failure). No PostgreSQL server, or no
# cluster script: prints why and exits 77 (ctest: SKIPPED), or fails when AFTERSALE_REQUIRE_PG=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
supervise=(python3 "$here/crash_supervisor.py" --url-from-env AFTERSALE_TEST_PG_URL "$@")

skip() {
  echo "SKIPPED: $1: the PostgreSQL crash tests did not run" >&2
  if [ "${AFTERSALE_REQUIRE_PG:-0}" = 1 ]; then
    echo "error: AFTERSALE_REQUIRE_PG=1 and no PostgreSQL server to test against" >&2
    exit 1
  fi
  exit 77
}

if [ -n "${AFTERSALE_TEST_PG_URL:-}" ]; then
  exec "${supervise[@]}"
fi
[ -x "$root/scripts/pg_cluster.sh" ] || skip "AFTERSALE_TEST_PG_URL is not set and scripts/pg_cluster.sh is missing"
dir="$(mktemp -d /tmp/aftersale-crash-pg.XXXXXX)"
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT
set +e
"$root/scripts/pg_cluster.sh" run "$dir/data" -- "${supervise[@]}"
status=$?
set -e
[ "$status" -eq 2 ] && skip "no PostgreSQL server installed (Debian package \`postgresql\`)"
exit "$status"
