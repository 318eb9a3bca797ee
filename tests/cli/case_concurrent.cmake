# SPDX-License-Identifier: Apache-2.0
# Concurrent `aftersale case apply` on one snapshot file: N real processes at once, each with its
# own event id. With the file locked for the whole read-modify-write, every one is accepted and
# the file ends with all N events; without the lock, processes read the same case and the last
# rename wins, losing the others' events.
#   cmake -DCLI=<aftersale> -DSOURCE=<project dir> -DWORK=<scratch dir> [-DN=16] -P case_concurrent.cmake
cmake_minimum_required(VERSION 3.21)

foreach(var CLI SOURCE WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "case_concurrent.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED N)
  set(N 16)
endif()

set(policy "${SOURCE}/tests/cli/fixtures/case_counter.yaml")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(case "${WORK}/case.json")
file(WRITE "${WORK}/request.json" "{\"facts\": {\"order_status\": \"delivered\"}, \"now\": \"2026-11-23T10:00:00+08:00\"}\n")
execute_process(COMMAND "${CLI}" case open "${policy}" -r "${WORK}/request.json" -o "${case}" RESULT_VARIABLE code
                OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "case open failed (${code}): ${err}")
endif()

# One shell starts every process in the background, then waits for each and records its exit code.
set(script "")
foreach(i RANGE 1 ${N})
  string(APPEND script "\"$0\" case apply \"$1\" \"$2\" --event touch --as agent --id touch-${i} "
                       "--now 2026-11-23T11:00:00+08:00 --lock-wait 120 >\"$3/out-${i}\" 2>&1 & p${i}=$!\n")
endforeach()
string(APPEND script "status=0\n")
foreach(i RANGE 1 ${N})
  string(APPEND script "wait $p${i} || { echo \"process ${i} exited $?\"; status=1; }\n")
endforeach()
string(APPEND script "exit $status\n")
execute_process(COMMAND sh -c "${script}" "${CLI}" "${policy}" "${case}" "${WORK}" RESULT_VARIABLE code
                OUTPUT_VARIABLE out ERROR_VARIABLE err)

set(failures)
if(NOT code EQUAL 0)
  list(APPEND failures "not every process succeeded: ${out}${err}")
endif()
file(READ "${case}" snapshot)
foreach(i RANGE 1 ${N})
  file(READ "${WORK}/out-${i}" printed)
  if(NOT printed MATCHES "result +accepted")
    list(APPEND failures "process ${i} did not report accepted: ${printed}")
  endif()
  if(NOT snapshot MATCHES "\"touch-${i}\"")
    list(APPEND failures "the event of process ${i} (`touch-${i}`) is lost")
  endif()
endforeach()
file(GLOB leftovers "${WORK}/*.tmp-*")
if(leftovers)
  list(APPEND failures "temporary files left behind: ${leftovers}")
endif()
# A lock held elsewhere (util-linux `flock`, when installed) for longer than --lock-wait: the
# command gives up loudly, exit 2, and the file is untouched.
find_program(flock_program flock)
if(flock_program AND NOT failures)
  file(SHA256 "${case}" before)
  execute_process(COMMAND sh -c "\"$0\" \"$3\" sleep 3 & sleep 0.5; \"$1\" case apply \"$2\" \"$3\" --event touch --as agent --id held --now 2026-11-23T11:00:00+08:00 --lock-wait 0.5; code=$?; wait; exit $code"
                          "${flock_program}" "${CLI}" "${policy}" "${case}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  file(SHA256 "${case}" after)
  if(NOT code EQUAL 2 OR NOT err MATCHES "case\\.json: error: another process is changing this case \\(the file is locked\\); gave up after 500 ms \\(--lock-wait\\)")
    list(APPEND failures "a held lock: exit ${code}, stderr: ${err}")
  endif()
  if(NOT before STREQUAL after)
    list(APPEND failures "a held lock: the file changed")
  endif()
endif()
if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "concurrent case apply:\n  ${text}")
endif()
