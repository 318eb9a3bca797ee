#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The case store's crash tests at full size (docs/store.md, "What happens on a crash"): worker
# processes killed with SIGKILL at random moments and restarted, then every timer checked fired
# exactly once, every accepted event logged once, every case equal to its log replayed.
# ctest runs the same supervisor at CI size (label `crash`); this runs >= 100,000 timers.
#   scripts/crash.sh                      # SQLite in $BUILD_DIR (default build/crash), Release
#   AFTERSALE_TEST_PG_URL=postgresql://... scripts/crash.sh    # PostgreSQL there (schema dropped!),
#                                         # else on a throwaway cluster (scripts/pg_cluster.sh)
#   CASES=25000 WORKERS=4 EVENTS=40000 SEED=7 SYNC=full scripts/crash.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build/crash}"
cases="${CASES:-25000}"      # 4 timers each: 100,000 timers
workers="${WORKERS:-4}"
events="${EVENTS:-40000}"
seed="${SEED:-7}"
sync="${SYNC:-full}"
kill_every="${KILL_EVERY:-0.5}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_DEVELOPER_MODE=ON -DAFTERSALE_SANITIZERS= \
  -DAFTERSALE_BUILD_TESTS=ON -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target aftersale_crash_driver
driver="$build/tests/aftersale_crash_driver"
supervise=(python3 "$root/tests/store/crash_supervisor.py" --driver "$driver" --workers "$workers" --sync "$sync"
  --kill-every "$kill_every")
db="$build/crash-db"
mkdir -p "$db"

echo "== SQLite: $cases cases, $((cases * 4)) timers, $workers workers"
"${supervise[@]}" --url "$db/timers.db" --mode timers --cases "$cases" --seed "$seed"
echo "== SQLite: $events events sent by each of $workers workers, then the timers of $((cases / 5)) cases"
"${supervise[@]}" --url "$db/events.db" --mode events --cases "$((cases / 5))" --events "$events" --seed "$((seed + 1))"
echo "== SQLite: both at once"
"${supervise[@]}" --url "$db/both.db" --mode both --cases "$((cases / 5))" --events "$((events / 4))" --seed "$((seed + 2))"
echo "== SQLite: torn writes, 200 kills during commits"
"${supervise[@]}" --url "$db/torn.db" --mode torn --cases 50 --rounds 200 --seed "$((seed + 3))"
# PostgreSQL: on AFTERSALE_TEST_PG_URL, else on a throwaway cluster (tests/store/crash_pg.sh).
pg=("$root/tests/store/crash_pg.sh" --driver "$driver" --workers "$workers" --sync "$sync" --kill-every "$kill_every")
echo "== PostgreSQL: $cases cases, $((cases * 4)) timers, $workers workers"
set +e
"${pg[@]}" --mode timers --cases "$cases" --seed "$seed"
status=$?
if [ "$status" -eq 0 ]; then
  echo "== PostgreSQL: both at once"
  "${pg[@]}" --mode both --cases "$((cases / 5))" --events "$events" --seed "$((seed + 2))"
  status=$?
fi
set -e
[ "$status" -eq 77 ] && echo "== PostgreSQL: SKIPPED (no server: see above)"
[ "$status" -ne 0 ] && [ "$status" -ne 77 ] && exit "$status"
rm -rf "$db"
