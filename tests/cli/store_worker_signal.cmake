# SPDX-License-Identifier: Apache-2.0
# `aftersale worker` stops on SIGTERM and SIGINT: started in the background on a store with a case
# due, it fires it, then is sent the signal while it sleeps (--interval 60) and must exit 0 with
# its summary within a second.
#   cmake -DCLI=<aftersale> -DSOURCE=<project dir> -DWORK=<scratch dir> -DSIGNAL=TERM|INT [-DBUSY=ON] -P store_worker_signal.cmake
cmake_minimum_required(VERSION 3.21)

foreach(var CLI SOURCE WORK SIGNAL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "store_worker_signal.cmake: -D${var}=... is required")
  endif()
endforeach()
find_program(bash bash REQUIRED)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(db "${WORK}/cases.db")
set(policy policies/default.yaml)
foreach(args
        "store;open;--store;${db};-p;${policy};--request;examples/requests/02_return_refund_seven_day.json;--case;RMA-1"
        "store;apply;--store;${db};-p;${policy};--case;RMA-1;--event;approve;--actor;agent;--now;2026-10-14T10:30:00+08:00")
  execute_process(COMMAND "${CLI}" ${args} WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE rc OUTPUT_QUIET
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "setup failed (${rc}): ${args}\n${err}")
  endif()
endforeach()

# BUSY: 5,000 more copies of the case, written with the sqlite3 shell, so that the signal arrives
# while the worker is firing: it must stop between two cases, and the cases it says it advanced
# must be exactly those no longer due.
set(total 1)
if(BUSY)
  find_program(sqlite3 sqlite3)
  if(NOT sqlite3)
    message("SKIPPED: the sqlite3 shell is not installed (Debian: sqlite3)")
    return()
  endif()
  set(total 5001)
  execute_process(COMMAND "${sqlite3}" "${db}" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO cases SELECT printf('RMA-%05d', i), version, policy_id, policy_version, policy_hash, flow, state, phase, opened_at, updated_at, next_due, snapshot FROM cases, n WHERE case_id = 'RMA-1'"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sqlite3 failed: ${err}")
  endif()
endif()

# The worker prints `worker: started` once its signal handlers are in place; the script waits for
# that line (at most 10 s), waits for the first batch, sends the signal, and measures how long the
# worker takes to exit.
set(script [=[
cli=$1 db=$2 policy=$3 sig=$4 err=$5
"$cli" worker --store "$db" -p "$policy" --now 2026-10-17T09:00:00+08:00 --interval 60 --status-every 0 -v \
  >"$err.out" 2>"$err" &
pid=$!
for _ in $(seq 1000); do grep -q 'worker: started' "$err" 2>/dev/null && break; sleep 0.01; done
for _ in $(seq 1000); do grep -q 'advanced RMA-' "$err.out" 2>/dev/null && break; sleep 0.01; done
start=$(date +%s%N)
kill -s "$sig" "$pid"
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
if kill -0 "$pid" 2>/dev/null; then echo "still running 3 s after SIG$sig"; kill -s KILL "$pid"; exit 1; fi
wait "$pid"
rc=$?
echo "exit=$rc elapsed_ms=$((($(date +%s%N) - start) / 1000000))"
]=])
execute_process(COMMAND "${bash}" -c "${script}" bash "${CLI}" "${db}" "${policy}" "${SIGNAL}" "${WORK}/worker.err"
                WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ "${WORK}/worker.err" worker_err)
file(READ "${WORK}/worker.err.out" worker_out)
set(failures)
if(NOT rc EQUAL 0 OR NOT out MATCHES "exit=0 elapsed_ms=([0-9]+)")
  list(APPEND failures "the worker did not exit 0: ${out}${err}")
elseif(CMAKE_MATCH_1 GREATER 1000)
  list(APPEND failures "the worker took ${CMAKE_MATCH_1} ms to stop, more than a second")
endif()
string(REGEX MATCHALL "advanced RMA-[0-9]+\n" advanced "${worker_out}")
list(LENGTH advanced advanced_count)
if(NOT BUSY AND NOT worker_out STREQUAL "advanced RMA-1\n")
  list(APPEND failures "stdout is not `advanced RMA-1`")
endif()
if(NOT worker_err MATCHES "\nworker: stopped \\(SIG${SIGNAL}\\): ${advanced_count} cases advanced, ${advanced_count} timers fired, 0 skipped, 0 errors in [0-9.]+ s \\([0-9.]+ timers/s\\)\n$")
  list(APPEND failures "no summary line for SIG${SIGNAL} counting the ${advanced_count} cases advanced at the end of stderr")
endif()
if(BUSY)
  # Stopped mid-way: some advanced, some still due, and nothing lost between the two.
  execute_process(COMMAND "${CLI}" store due --store ${db} --now 2026-10-17T09:00:00+08:00 --limit 100000 --format json
                  WORKING_DIRECTORY "${SOURCE}" OUTPUT_VARIABLE due_json)
  string(JSON still_due LENGTH "${due_json}")
  math(EXPR accounted "${advanced_count} + ${still_due}")
  if(advanced_count EQUAL 0 OR still_due EQUAL 0 OR NOT accounted EQUAL total)
    list(APPEND failures "${advanced_count} advanced + ${still_due} still due != ${total} cases (or the signal came too early or too late)")
  endif()
endif()
if(failures)
  list(JOIN failures "\n  " failure_text)
  message(FATAL_ERROR "worker SIG${SIGNAL}:\n  ${failure_text}\n--- worker stdout ---\n${worker_out}--- worker stderr ---\n${worker_err}")
endif()
message("worker stopped on SIG${SIGNAL}: ${out}, ${advanced_count} cases advanced")
