# SPDX-License-Identifier: Apache-2.0
# Multi-step tests of `aftersale store` and `aftersale worker` on a temporary SQLite store, with
# the shipped default policy and example requests: each scenario runs the CLI several times on one
# store file and checks exit codes, output and JSON.
#   cmake -DCLI=<aftersale> -DSOURCE=<project dir> -DWORK=<scratch dir> -DSCENARIO=<name> -P store_scenario.cmake
# Scenarios that need the sqlite3 shell to craft a file print `SKIPPED:` without it (ctest
# reports them skipped, never passed).
cmake_minimum_required(VERSION 3.21)

foreach(var CLI SOURCE WORK SCENARIO)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "store_scenario.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(db "${WORK}/cases.db")
set(policy policies/default.yaml)
set(request examples/requests/02_return_refund_seven_day.json)

# step(<label> EXIT <code> [STDOUT re]... [STDOUT_NOT re] [STDERR re]... [STDERR_EMPTY] ARGS <cli args>...)
# Every STDOUT and STDERR regex must match. The output is kept in `last_stdout`.
function(step label)
  cmake_parse_arguments(arg "STDERR_EMPTY" "EXIT;STDOUT_NOT" "STDOUT;STDERR;ARGS" ${ARGN})
  execute_process(COMMAND "${CLI}" ${arg_ARGS} WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(failures)
  if(NOT "${code}" STREQUAL "${arg_EXIT}")
    list(APPEND failures "exit code ${code}, expected ${arg_EXIT}")
  endif()
  foreach(re IN LISTS arg_STDOUT)
    if(NOT out MATCHES "${re}")
      list(APPEND failures "stdout does not match: ${re}")
    endif()
  endforeach()
  if(DEFINED arg_STDOUT_NOT AND out MATCHES "${arg_STDOUT_NOT}")
    list(APPEND failures "stdout matches: ${arg_STDOUT_NOT}")
  endif()
  foreach(re IN LISTS arg_STDERR)
    if(NOT err MATCHES "${re}")
      list(APPEND failures "stderr does not match: ${re}")
    endif()
  endforeach()
  if(arg_STDERR_EMPTY AND NOT err STREQUAL "")
    list(APPEND failures "stderr is not empty")
  endif()
  if(failures)
    list(JOIN arg_ARGS " " args_text)
    list(JOIN failures "\n  " failure_text)
    message(FATAL_ERROR "step `${label}`: aftersale ${args_text}\n  ${failure_text}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
  set(last_stdout "${out}" PARENT_SCOPE)
endfunction()

# expect_json(<label> <expected> <member>...): the member of `last_stdout` (parsed as JSON) equals
# `expected`; a document that does not parse fails.
function(expect_json label expected)
  string(JSON value ERROR_VARIABLE json_error GET "${last_stdout}" ${ARGN})
  if(json_error)
    message(FATAL_ERROR "step `${label}`: ${json_error}\n--- stdout ---\n${last_stdout}")
  endif()
  if(NOT "${value}" STREQUAL "${expected}")
    list(JOIN ARGN "." path)
    message(FATAL_ERROR "step `${label}`: ${path} is `${value}`, expected `${expected}`\n--- stdout ---\n${last_stdout}")
  endif()
endfunction()

# expect_json_length(<label> <expected> <member>...): the array or object has that many members.
function(expect_json_length label expected)
  string(JSON value ERROR_VARIABLE json_error LENGTH "${last_stdout}" ${ARGN})
  if(json_error OR NOT "${value}" STREQUAL "${expected}")
    message(FATAL_ERROR "step `${label}`: length `${value}` ${json_error}, expected ${expected}\n--- stdout ---\n${last_stdout}")
  endif()
endfunction()

# A store with RMA-1 opened from the example request (2026-10-14 10:15 +08:00) and approved at
# 10:30: its return_shipment_follow_up clock falls due on 2026-10-16 10:30 +08:00.
macro(open_and_approve)
  step(init EXIT 0 STDERR_EMPTY STDOUT "^initialised [^\n]*cases\\.db: schema version 2 " ARGS store init --store ${db})
  step(open EXIT 0 STDERR_EMPTY
       STDOUT "^opened +RMA-1  \\(version 1\\)\ndecision +rule seven_day_return_delivered → return_then_refund"
              "\nstate +requested "
       ARGS store open --store ${db} -p ${policy} --request ${request} --case RMA-1)
  step(approve EXIT 0 STDERR_EMPTY
       STDOUT "^result +accepted\nmessage +accepted: requested → awaiting_return\n"
              "\nversion +2\n" "\nnext +2026-10-16 10:30:00 CST \\(\\+08:00\\)  timer → return_follow_up"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event approve --actor agent --id evt-1
            --now 2026-10-14T10:30:00+08:00)
endmacro()

if(SCENARIO STREQUAL "walk")
  open_and_approve()
  # init on an existing store changes nothing; sqlite: URLs name the same file.
  step(init_again EXIT 0 STDOUT "schema version 2" ARGS store init --store sqlite:${db})
  step(migrate EXIT 0 STDOUT "^migrated [^\n]*: schema version 2 " ARGS store migrate --store ${db})
  step(open_taken EXIT 4 STDERR "error\\[E602\\]: a case `RMA-1` already exists"
       ARGS store open --store ${db} -p ${policy} --request ${request} --case RMA-1)

  # Refusals write a log row and change nothing (exit 3); duplicates are answered, exit 0.
  step(refused EXIT 3 STDOUT "^result +refused \\(role_not_allowed\\)\n" "\nversion +2  \\(unchanged\\)\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event return_shipped --actor supervisor
            --now 2026-10-14T10:40:00+08:00)
  step(duplicate EXIT 0 STDOUT "^result +duplicate\n" "\nversion +2  \\(unchanged\\)\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event approve --actor agent --id evt-1
            --now 2026-10-14T10:41:00+08:00)
  step(conflict EXIT 3 STDOUT "^result +conflict\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event withdraw --actor customer --id evt-1
            --now 2026-10-14T10:42:00+08:00)
  step(stale_version EXIT 4 STDERR "error\\[E604\\]: case `RMA-1` is at version 2, not 1"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event withdraw --actor customer
            --expected-version 1 --now 2026-10-14T10:43:00+08:00)
  step(bad_payload EXIT 3 STDOUT "^result +refused \\(bad_payload\\)\n[^\n]*no variable `tracking`"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event return_shipped --actor customer
            --payload "{\"tracking\": 1}" --now 2026-10-14T10:44:00+08:00)
  step(malformed_payload EXIT 2 STDERR "--payload: error: invalid json"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event return_shipped --actor customer
            --payload "{nope" --now 2026-10-14T10:44:00+08:00)

  # Listing, filtered and as JSON.
  step(list EXIT 0 STDOUT "^case +version +flow +state +phase +policy +opened +updated +next due\n-"
       "\nRMA-1 +2 +return_then_refund +awaiting_return +waiting_on_customer +cn_platform_baseline 2026\\.1 +2026-10-14T02:15:00Z +2026-10-14T02:30:00Z +2026-10-16T02:30:00Z\n$"
       ARGS store list --store ${db})
  step(list_filtered EXIT 0 STDOUT_NOT "RMA-1" ARGS store list --store ${db} --state requested)
  step(list_json EXIT 0 ARGS store list --store ${db} --phase waiting_on_customer --format json)
  expect_json(list_json RMA-1 0 case)
  expect_json(list_json 2026-10-16T02:30:00Z 0 next_due)
  expect_json(list_json cn_platform_baseline 0 policy id)

  # What falls due, and the clock breached, at a later instant; nothing before it.
  step(due_early EXIT 0 STDOUT_NOT "RMA-1" ARGS store due --store ${db} --now 2026-10-16T10:29:59+08:00)
  step(due EXIT 0 STDOUT "\nRMA-1 +2026-10-16T02:30:00Z\n$" ARGS store due --store ${db} --now 2026-10-17T09:00:00+08:00)
  step(due_json EXIT 0 ARGS store due --store ${db} --now 2026-10-17T09:00:00+08:00 --format json)
  expect_json(due_json 2026-10-16T02:30:00Z 0 due)
  step(breaches EXIT 0
       STDOUT "\nRMA-1 +return_shipment_follow_up +2026-10-16 10:30:00 CST \\(\\+08:00\\) +22h30m +awaiting_return "
              "\n1 breach in 1 case at 2026-10-17T01:00:00Z\n$"
       ARGS store breaches --store ${db} -p ${policy} --now 2026-10-17T09:00:00+08:00)
  step(breaches_json EXIT 0 ARGS store breaches --store ${db} -p ${policy} --now 2026-10-17T09:00:00+08:00 --format json)
  expect_json(breaches_json 1 checked)
  expect_json(breaches_json return_shipment_follow_up breaches 0 clock)
  expect_json(breaches_json 81000 breaches 0 late_seconds)
  step(no_breach_yet EXIT 0 STDOUT "^case[^\n]*\n-[^\n]*\n0 breaches in 1 case"
       ARGS store breaches --store ${db} -p ${policy} --now 2026-10-14T10:35:00+08:00)

  # The worker fires the timer once; a second pass finds nothing.
  step(worker EXIT 0 STDOUT "^advanced RMA-1\n$"
       STDERR "^worker: started on [^\n]*cases\\.db with 1 policy, batches of 100\n"
              "\nworker: done: 1 cases advanced, 1 timers fired, 0 skipped, 0 errors in "
       ARGS worker --store ${db} -p ${policy} --once --now 2026-10-17T09:00:00+08:00 -v)
  step(worker_again EXIT 0 STDOUT "^$" STDERR "done: 0 cases advanced, 0 timers fired"
       ARGS worker --store ${db} -p ${policy} --once --now 2026-10-17T09:00:00+08:00 -v)
  step(due_after EXIT 0 STDOUT_NOT "RMA-1" ARGS store due --store ${db} --now 2026-10-17T09:00:00+08:00)

  # The log, every row: opened, the refusal, the accepted event, the duplicate, the conflict,
  # the refused payload, then the worker's advance.
  step(show EXIT 0
       STDOUT "^case +RMA-1\nversion +3\npolicy +cn_platform_baseline 2026\\.1  \\(content hash [0-9a-f]+\\)\nflow +return_then_refund\nstate +return_follow_up\nphase +escalated\n"
              "\n1 +2026-10-14T02:15:00Z +opened +- +- +- +accepted +- +- → requested +1 +1 +-\n"
              "\n2 +2026-10-14T02:30:00Z +event +approve +agent +evt-1 +accepted +- +requested → awaiting_return +1 +2 +extend_receipt_deadline\\(by=10d\\), notify_customer\\(about=return_address\\)\n"
              "\n3 +2026-10-14T02:40:00Z +event +return_shipped +supervisor +- +refused +role_not_allowed "
              "\n4 [^\n]* +duplicate "
              "\n5 [^\n]* +withdraw +customer +evt-1 +conflict "
              "\n6 [^\n]* +return_shipped +customer +- +refused +bad_payload "
              "\n7 +2026-10-17T01:00:00Z +advance +- +- +- +accepted +- +awaiting_return → return_follow_up +1 +3 +phone_follow_up\n$"
       ARGS store show --store ${db} --case RMA-1)
  # With the policy: the case restored, its clocks marked against --now.
  step(show_policy EXIT 0
       STDOUT "\nstate +return_follow_up " "\nclocks [^\n]*\n[^\n]*\n +return_shipment_follow_up +running +due 2026-10-16 10:30:00 CST \\(\\+08:00\\)  OVERDUE"
       ARGS store show --store ${db} --case RMA-1 -p ${policy} --now 2026-10-17T09:00:00+08:00)
  step(show_json EXIT 0 ARGS store show --store ${db} --case RMA-1 -p ${policy} --format json)
  expect_json_length(show_json 7 log)
  expect_json(show_json advance log 6 kind)
  expect_json(show_json return_follow_up log 6 to)
  expect_json(show_json phone_follow_up log 6 actions 0 name)
  expect_json(show_json 10d log 1 actions 0 args by)
  expect_json(show_json 1 log 5 payload tracking)
  expect_json(show_json return_follow_up case state)
  expect_json(show_json 3 row version)
  step(show_json_row_only EXIT 0 ARGS store show --store ${db} --case RMA-1 --format json)
  expect_json(show_json_row_only return_follow_up row state)

  # Payloads three ways: --payload-file, --set (read by the variable's type), never two at once.
  file(WRITE "${WORK}/empty_payload.json" "{}\n")
  step(shipped EXIT 0 STDOUT "^result +accepted\nmessage +accepted: return_follow_up → return_in_transit\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event return_shipped --actor customer
            --id evt-2 --now 2026-10-17T10:00:00+08:00)
  step(received EXIT 0 STDOUT "^result +accepted\n[^\n]*→ received\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event return_received --actor warehouse
            --payload-file ${WORK}/empty_payload.json --now 2026-10-18T10:00:00+08:00)
  step(two_payloads EXIT 2 STDERR "--payload: error: give the payload one way"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event inspect --actor warehouse
            --set goods_resalable=true --payload "{}" --now 2026-10-18T11:00:00+08:00)
  step(inspect EXIT 0 STDOUT "^result +accepted\n[^\n]*received → refund_due\n" "\nversion +6\n"
       ARGS store apply --store ${db} -p ${policy} --case RMA-1 --event inspect --actor warehouse
            --set goods_resalable=true --expected-version 5 --now 2026-10-18T11:00:00+08:00)
  step(inspect_json EXIT 0 ARGS store show --store ${db} --case RMA-1 --format json)
  expect_json(inspect_json ON log 9 payload goods_resalable)  # a JSON boolean (string(JSON) says ON)
  expect_json(inspect_json refund_due row state)

elseif(SCENARIO STREQUAL "never")
  # A clock on a calendar without working time never falls due: never listed as due, never
  # breached, however late --now is; the worker fires nothing.
  set(never_policy tests/cli/fixtures/never_case.yaml)
  step(open EXIT 0 STDOUT "\nclocks +k  running  due never\n"
       ARGS store open --store ${db} -p ${never_policy} --request tests/cli/fixtures/far_deadline.json --case N-1
            --now 2026-10-10T00:00:00Z)
  step(list EXIT 0 STDOUT "\nN-1 +1 +f +open +active +never_clock 1 +[^ ]+ +[^ ]+ +-\n$" ARGS store list --store ${db})
  step(breaches EXIT 0 STDOUT "\n0 breaches in 1 case at 2100-01-01T00:00:00Z\n$"
       ARGS store breaches --store ${db} -p ${never_policy} --now 2100-01-01T00:00:00Z)
  step(due EXIT 0 STDOUT_NOT "N-1" ARGS store due --store ${db} --now 2100-01-01T00:00:00Z)
  step(worker EXIT 0 STDERR "done: 0 cases advanced, 0 timers fired"
       ARGS worker --store ${db} -p ${never_policy} --once --now 2100-01-01T00:00:00Z)

elseif(SCENARIO STREQUAL "errors")
  step(bad_scheme EXIT 4 STDOUT "^$" STDERR "^error\\[E600\\]: unknown store URL scheme `mysql`"
       ARGS store list --store mysql://localhost/cases)
  step(bad_path EXIT 4 STDERR "^error\\[E600\\]: cannot open the store `[^`]*/no/such/folder/cases\\.db`"
       ARGS store init --store ${WORK}/no/such/folder/cases.db)
  step(worker_bad_url EXIT 4 STDERR "^error\\[E600\\]: unknown store URL scheme"
       ARGS worker --store mysql://localhost/cases -p ${policy})
  step(init EXIT 0 ARGS store init --store ${db})
  step(show_unknown EXIT 4 STDERR "^error\\[E602\\]: no case `RMA-404` in the store\n$"
       ARGS store show --store ${db} --case RMA-404)
  step(show_unknown_policy EXIT 4 STDERR "error\\[E602\\]: no case `RMA-404`"
       ARGS store show --store ${db} --case RMA-404 -p ${policy})
  step(apply_unknown EXIT 4 STDERR "error\\[E602\\]: no case `RMA-404`"
       ARGS store apply --store ${db} -p ${policy} --case RMA-404 --event approve --actor agent)
  step(bad_policy EXIT 1 STDERR "bad_reference\\.yaml:[0-9]+:[0-9]+: error\\[E200\\]"
       ARGS store breaches --store ${db} -p tests/cli/fixtures/bad_reference.yaml)
  step(bad_now EXIT 2 STDERR "--now: error: not an ISO 8601 timestamp" ARGS store due --store ${db} --now tomorrow)
  step(request_error EXIT 2 STDERR "unknown_fact\\.json#/facts/colour: error\\[E300\\]"
       ARGS store open --store ${db} -p ${policy} --request tests/cli/fixtures/errors/unknown_fact.json --case X)
  step(missing_store EXIT 2 STDERR "--store is required" ARGS store list)

elseif(SCENARIO STREQUAL "pinning")
  # A case is read only with the exact policy it was opened under (E603); old and new versions
  # run side by side when both are given.
  open_and_approve()
  set(store_policy examples/stores/apparel.yaml)
  step(other_policy EXIT 4 STDERR "error\\[E603\\]: case `RMA-1` is pinned to policy `cn_platform_baseline`"
       ARGS store apply --store ${db} -p ${store_policy} --policy-path policies --case RMA-1
            --event withdraw --actor customer --now 2026-10-14T11:00:00+08:00)
  step(open_on_store_policy EXIT 0 STDOUT "^opened +RMA-2 "
       ARGS store open --store ${db} -p ${store_policy} --policy-path policies --request ${request} --case RMA-2)
  step(approve_on_store_policy EXIT 0 STDOUT "^result +accepted\n"
       ARGS store apply --store ${db} -p ${store_policy} --policy-path policies --case RMA-2 --event approve
            --actor agent --now 2026-10-14T10:30:00+08:00)
  step(breaches_one_policy EXIT 0 STDERR "warning: 1 case was not checked: pinned to a policy not given"
       STDOUT "\n[0-9]+ breach(es)? in 1 case "
       ARGS store breaches --store ${db} -p ${policy} --now 2026-10-17T09:00:00+08:00)
  step(worker_one_policy EXIT 0 STDOUT "^advanced RMA-1\n$"
       ARGS worker --store ${db} -p ${policy} --once --now 2026-10-17T09:00:00+08:00 -v)
  step(still_due EXIT 0 STDOUT "\nRMA-2 " STDOUT_NOT "RMA-1" ARGS store due --store ${db} --now 2026-10-17T09:00:00+08:00)
  step(worker_both EXIT 0 STDOUT "^advanced RMA-2\n$"
       ARGS worker --store ${db} -p ${policy} -p ${store_policy} --policy-path policies --once
            --now 2026-10-17T09:00:00+08:00 -v)
  step(withdraw_both EXIT 0 STDOUT "^result +accepted\n"
       ARGS store apply --store ${db} -p ${store_policy} -p ${policy} --policy-path policies --case RMA-1
            --event withdraw --actor customer --now 2026-10-17T10:00:00+08:00)

elseif(SCENARIO STREQUAL "crafted")
  # Files written behind the store's back, with the sqlite3 shell.
  find_program(sqlite3 sqlite3)
  if(NOT sqlite3)
    message("SKIPPED: the sqlite3 shell is not installed (Debian: sqlite3)")
    return()
  endif()
  open_and_approve()
  file(COPY_FILE "${db}" "${WORK}/newer.db")
  execute_process(COMMAND "${sqlite3}" "${WORK}/newer.db" "INSERT INTO schema_migrations VALUES (3, 0)"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sqlite3 failed: ${rc}")
  endif()
  foreach(cmd "store;migrate" "store;list" "worker;-p;${policy}")
    string(REPLACE ";" "_" label "${cmd}")
    step(newer_${label} EXIT 4
         STDERR "error\\[E601\\]: the store `[^`]*newer\\.db` has schema version 3, newer than this library's 2"
         ARGS ${cmd} --store ${WORK}/newer.db)
  endforeach()
  # A case whose snapshot no longer reads: the worker logs it once and passes over it (the store
  # holds it for an hour of `now`), so the cases due behind it still fire; --once then exits 4.
  execute_process(COMMAND "${sqlite3}" "${db}" "UPDATE cases SET snapshot = '{}' WHERE case_id = 'RMA-1'"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sqlite3 failed: ${rc}")
  endif()
  # RMA-2 is due at the same instant and sorts after RMA-1: the broken case must not block it.
  step(open_rma2 EXIT 0 ARGS store open --store ${db} -p ${policy} --request ${request} --case RMA-2)
  step(approve_rma2 EXIT 0 ARGS store apply --store ${db} -p ${policy} --case RMA-2 --event approve --actor agent
                                --now 2026-10-14T10:30:00+08:00)
  step(worker_bad_snapshot EXIT 4
       STDOUT "^advanced RMA-2\n$"
       STDERR "\nworker: error: case `RMA-1` could not be fired: \\$: missing key `format` \\(passed over for 60 min\\)\nworker: stopped on an error: 1 cases advanced, 1 timers fired, 0 skipped, 1 errors in "
       ARGS worker --store ${db} -p ${policy} --once --now 2026-10-17T09:00:00+08:00 -v)
  step(rma2_fired EXIT 0 STDOUT "\nRMA-1 " STDOUT_NOT "RMA-2" ARGS store due --store ${db} --now 2026-10-17T09:00:00+08:00)
  # Running, it reports the broken case once (not once per pass) and still stops cleanly on SIGTERM.
  find_program(timeout timeout)
  if(timeout)
    execute_process(COMMAND "${timeout}" --preserve-status -s TERM 2.5 "${CLI}" worker --store ${db}
                            -p ${policy} --now 2026-10-17T09:00:00+08:00 --status-every 0 --interval 0.2
                    WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    string(REGEX MATCHALL "could not be fired" reports "${err}")
    list(LENGTH reports n_reports)
    if(NOT rc EQUAL 0 OR NOT n_reports EQUAL 1
       OR NOT err MATCHES "\nworker: stopped \\(SIGTERM\\): 0 cases advanced, 0 timers fired, 0 skipped, 1 errors in ")
      message(FATAL_ERROR "step `worker_holds_broken_case`: exit ${rc}\n--- stderr ---\n${err}")
    endif()
  endif()
else()
  message(FATAL_ERROR "store_scenario.cmake: unknown scenario `${SCENARIO}`")
endif()
