# SPDX-License-Identifier: Apache-2.0
# Multi-step tests of `aftersale case`: each scenario runs the CLI several times on one
# snapshot file and checks exit codes, output and the file's bytes between steps.
#   cmake -DCLI=<aftersale> -DSOURCE=<project dir> -DWORK=<scratch dir> -DSCENARIO=<name> -P case_scenario.cmake
cmake_minimum_required(VERSION 3.21)

foreach(var CLI SOURCE WORK SCENARIO)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "case_scenario.cmake: -D${var}=... is required")
  endif()
endforeach()

set(fixtures "${SOURCE}/tests/cli/fixtures")
set(policy "${fixtures}/case_policy.yaml")
set(requests "${fixtures}/case_requests")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(case "${WORK}/case.json")

# step(<label> EXIT <code> [STDOUT re]... [STDOUT_NOT re] [STDERR re] [STDERR_EMPTY] ARGS <cli args>...)
# Several STDOUT regexes may be given; each must match. The output is kept in `last_stdout`.
function(step label)
  cmake_parse_arguments(arg "STDERR_EMPTY" "EXIT;STDOUT_NOT;STDERR" "STDOUT;ARGS" ${ARGN})
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
  if(DEFINED arg_STDERR AND NOT err MATCHES "${arg_STDERR}")
    list(APPEND failures "stderr does not match: ${arg_STDERR}")
  endif()
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

# Copies the snapshot aside, to compare bytes after a step that must not change it.
function(keep_copy name)
  file(COPY_FILE "${case}" "${WORK}/${name}")
endfunction()

function(expect_bytes_equal name label)
  file(SHA256 "${case}" now_hash)
  file(SHA256 "${WORK}/${name}" kept_hash)
  if(NOT now_hash STREQUAL kept_hash)
    message(FATAL_ERROR "step `${label}`: the snapshot changed, expected the same bytes as before")
  endif()
endfunction()

function(expect_bytes_differ name label)
  file(SHA256 "${case}" now_hash)
  file(SHA256 "${WORK}/${name}" kept_hash)
  if(now_hash STREQUAL kept_hash)
    message(FATAL_ERROR "step `${label}`: the snapshot was not rewritten")
  endif()
endfunction()

# No temporary files left next to the snapshot (the atomic write renames its temp file).
function(expect_no_temp_files label)
  file(GLOB leftovers "${WORK}/*.tmp-*")
  if(leftovers)
    message(FATAL_ERROR "step `${label}`: temporary files left behind: ${leftovers}")
  endif()
endfunction()

# ---- a return walked by hand: open, refusals, accepted, duplicate, timer, guard, close, reopen
function(scenario_walk)
  step(open EXIT 0 STDERR_EMPTY
       STDOUT "saved +[^\n]*case\\.json\n"
              "decision +rule delivered_return → return_then_refund  \\(table after_sales\\)\n"
              "flow +return_refund  \\(return then refund after inspection\\)\n"
              "state +submitted  已提交\n"
              "phase +active\n"
              "first_response +running +due 2026-11-23 12:00:00 CST \\(\\+08:00\\)  first response\n"
              "events +approve  \\(agent, supervisor\\)\n"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${case})
  expect_no_temp_files(open)
  step(open_again EXIT 2 STDOUT "^$" STDERR "case\\.json: error: the file exists: give --force"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${case})

  # Refusals: exit 3, the reason and message printed, the file byte for byte as it was.
  keep_copy(opened.json)
  step(refused_role EXIT 3
       STDOUT "result +refused \\(role_not_allowed\\)\nmessage +[^\n]*`approve`" "unchanged +[^\n]*case\\.json\n"
       STDOUT_NOT "saved"
       ARGS case apply ${policy} ${case} --event approve --as customer --now 2026-11-23T10:10:00+08:00)
  expect_bytes_equal(opened.json refused_role)
  step(refused_event EXIT 3 STDOUT "result +refused \\(unknown_event\\)\nmessage +[^\n]*`ship`"
       ARGS case apply ${policy} ${case} --event ship --as customer --now 2026-11-23T10:10:00+08:00)
  expect_bytes_equal(opened.json refused_event)
  step(refused_unknown_role EXIT 3 STDOUT "result +refused \\(unknown_role\\)\nmessage +[^\n]*`courier`"
       ARGS case apply ${policy} ${case} --event approve --as courier --now 2026-11-23T10:10:00+08:00)
  expect_bytes_equal(opened.json refused_unknown_role)
  step(refused_misspelt_event EXIT 3
       STDOUT "\"message\": \"refused `aprove` in state `[a-z_]+`: flow `[a-z_]+` has no such event; did you mean `approve`\\?\""
       ARGS case apply ${policy} ${case} --event aprove --as agent --format json --now 2026-11-23T10:10:00+08:00)
  expect_bytes_equal(opened.json refused_misspelt_event)
  step(refused_json EXIT 3 STDOUT "\"written\": false" "\"status\": \"refused\",\n *\"reason\": \"role_not_allowed\""
       ARGS case apply ${policy} ${case} --event approve --as customer --format json --now 2026-11-23T10:10:00+08:00)
  expect_bytes_equal(opened.json refused_json)

  # Accepted: written back, the new history and status printed.
  step(approve EXIT 0 STDERR_EMPTY
       STDOUT "result +accepted\nmessage +[^\n]*submitted → awaiting_return"
              "actions +send_return_address\n"
              "history +[^\n]*approve[^\n]*submitted → awaiting_return"
              "state +awaiting_return  待买家寄回\nphase +waiting_on_customer\n"
              "return_shipment +running +due 2026-11-25 10:30:00 CST \\(\\+08:00\\)"
              "next +2026-11-25 10:30:00 CST \\(\\+08:00\\)  timer → follow_up\n"
              "saved +[^\n]*case\\.json\n"
       ARGS case apply ${policy} ${case} --event approve --as agent --id evt-1 --now 2026-11-23T10:30:00+08:00)
  expect_bytes_differ(opened.json approve)
  expect_no_temp_files(approve)

  # The same id again: a no-op that says so, exit 0, the file unchanged.
  keep_copy(approved.json)
  step(duplicate EXIT 0 STDOUT "result +duplicate\nmessage +[^\n]*evt-1"
       ARGS case apply ${policy} ${case} --event approve --as agent --id evt-1 --now 2026-11-23T10:40:00+08:00)
  expect_bytes_equal(approved.json duplicate)

  # show: both locales, agent and customer labels, JSON
  step(show_en EXIT 0 STDERR_EMPTY
       STDOUT "state +awaiting_return  awaiting the return\n" "escalation +-\n"
              "facts +order_status = delivered\n +amount = 129\\.00\n"
              "variables +inspection_ok = \\(unset\\)\n +refund_amount = \\(unset\\)\n"
              "first_response +stopped" "events +ship  \\(customer\\)\n"
              "resolution +paused +7h30m left  resolve the request\n"
              "history +[^\n]*opened[^\n]*\n +[^\n]*approve"
       ARGS case show ${policy} ${case} --locale en --now 2026-11-23T11:00:00+08:00)
  step(show_customer_zh EXIT 0
       STDOUT "state +awaiting_return  请寄回商品\n" "progress +退货退款中 → 请寄回商品\n"
       ARGS case show ${policy} ${case} --customer --now 2026-11-23T11:00:00+08:00)
  step(show_customer_en EXIT 0 STDOUT "state +awaiting_return  please ship the item back\n"
       ARGS case show ${policy} ${case} --customer --locale en --now 2026-11-23T11:00:00+08:00)
  step(show_json EXIT 0
       STDOUT "\"state\": \"awaiting_return\",\n *\"label\": \"待买家寄回\",\n *\"labels\": {\n *\"agent\": \"待买家寄回\",\n *\"customer\": \"请寄回商品\""
              "\"phase\": \"waiting_on_customer\""
              "\"clock\": \"return_shipment\",\n *\"label\": \"buyer ships the return\",\n *\"status\": \"running\",\n *\"started\": {[^}]*},\n *\"due\": {\n *\"utc\": \"2026-11-25T02:30:00Z\",\n *\"local\": \"2026-11-25T10:30:00\\+08:00\""
              "\"next_deadline\": {\n *\"utc\": \"2026-11-25T02:30:00Z\",\n *\"local\": \"2026-11-25T10:30:00\\+08:00\",\n *\"to\": \"follow_up\",\n *\"due\": false"
              "\"events\": .\n *{\n *\"event\": \"ship\",\n *\"roles\": .\n *\"customer\""
       ARGS case show ${policy} ${case} --format json --now 2026-11-23T11:00:00+08:00)
  # A clock past its deadline is marked, and so is a timer `advance` would fire.
  step(show_overdue EXIT 0 STDOUT "return_shipment +running +due [^\n]*OVERDUE" "next +[^\n]*\\(due: "
       ARGS case show ${policy} ${case} --now 2026-11-26T09:00:00+08:00)
  expect_bytes_equal(approved.json show)

  # advance: nothing due yet (file untouched), then the 48 h timer fires at its due time.
  step(advance_early EXIT 0 STDOUT "advanced +to 2026-11-24 10:00:00 CST \\(\\+08:00\\): 0 timers fired\n" "unchanged +"
       ARGS case advance ${policy} ${case} --now 2026-11-24T10:00:00+08:00)
  expect_bytes_equal(approved.json advance_early)
  step(advance EXIT 0 STDERR_EMPTY
       STDOUT "1 timer fired\ntimer 1 +accepted\nmessage +[^\n]*awaiting_return → follow_up[^\n]*\nactions +phone_follow_up\n"
              "history +2026-11-25T02:30:00Z [^\n]*awaiting_return → follow_up"
              "state +follow_up  电话跟进\n" "escalation +[a-z]+\n" "saved +"
       ARGS case advance ${policy} ${case} --now 2026-11-26T09:00:00+08:00)

  # Thursday 09:30: the 7h30m of working time left run out at 17:00 the same day.
  step(ship EXIT 0 STDOUT "result +accepted\n" "state +inspecting"
       "resolution +running +due 2026-11-26 17:00:00 CST \\(\\+08:00\\)"
       ARGS case apply ${policy} ${case} --event ship --as customer --now 2026-11-26T09:30:00+08:00)
  # The guard names the condition that failed.
  keep_copy(inspecting.json)
  step(guard_failed EXIT 3 STDOUT "result +refused \\(guard_failed\\)\nmessage +[^\n]*inspection_ok"
       ARGS case apply ${policy} ${case} --event inspect --as warehouse --now 2026-11-26T10:00:00+08:00)
  expect_bytes_equal(inspecting.json guard_failed)
  step(bad_payload EXIT 3 STDOUT "result +refused \\(bad_payload\\)\nmessage +[^\n]*colour"
       ARGS case apply ${policy} ${case} --event inspect --as warehouse --set colour=red --now 2026-11-26T10:00:00+08:00)
  step(bad_payload_type EXIT 3 STDOUT "result +refused \\(bad_payload\\)\nmessage +[^\n]*inspection_ok"
       ARGS case apply ${policy} ${case} --event inspect --as warehouse --set inspection_ok=maybe --now 2026-11-26T10:00:00+08:00)
  expect_bytes_equal(inspecting.json bad_payload)
  step(inspect EXIT 0
       STDOUT "result +accepted\n" "actions +refund\\(channel=original\\)\n" "state +refunded  已退款  \\(terminal\\)\n"
              "phase +resolved\n" "events +close  \\(agent, system\\)\n +reopen  \\(customer, agent\\)\n"
       ARGS case apply ${policy} ${case} --event inspect --as warehouse --set inspection_ok=true --now 2026-11-26T10:00:00+08:00)
  step(show_variables EXIT 0 STDOUT "inspection_ok = true\n +refund_amount = 129\\.00\n" "resolution +stopped"
       ARGS case show ${policy} ${case} --now 2026-11-26T10:00:00+08:00)

  # The lifecycle: close by an allowed role, then the flow's events are refused until reopened.
  step(close_refused EXIT 3 STDOUT "refused \\(role_not_allowed\\)"
       ARGS case apply ${policy} ${case} --event close --as customer --now 2026-11-26T11:00:00+08:00)
  step(close EXIT 0 STDOUT "result +accepted\n" "phase +closed\n"
       ARGS case apply ${policy} ${case} --event close --as agent --now 2026-11-26T11:00:00+08:00)
  step(closed EXIT 3 STDOUT "refused \\(case_closed\\)"
       ARGS case apply ${policy} ${case} --event approve --as agent --now 2026-11-26T11:30:00+08:00)
  step(reopen EXIT 0 STDOUT "result +accepted\n" "state +submitted  已提交\n"
       ARGS case apply ${policy} ${case} --event reopen --as customer --now 2026-11-27T09:00:00+08:00)
  step(history_json EXIT 0
       STDOUT "\"kind\": \"opened\"" "\"kind\": \"event\",\n *\"at\": {\n *\"utc\": \"2026-11-23T02:30:00Z\",\n *\"local\": \"[^\"]*\"\n *},\n *\"actor\": \"agent\",\n *\"from\": \"submitted\",\n *\"to\": \"awaiting_return\",\n *\"event_id\": \"evt-1\""
              "\"kind\": \"timer\"" "\"kind\": \"close\"" "\"kind\": \"reopen\""
       ARGS case show ${policy} ${case} --format json --now 2026-11-27T09:00:00+08:00)
endfunction()

# ---- a case restored after days offline: every due timer fires, each at its own due time
function(scenario_catch_up)
  step(open EXIT 0
       STDOUT "\"decision\": {\n *\"table\": \"after_sales\",\n *\"rule\": \"delivered_return\",\n *\"solution\": \"return_then_refund\",\n *\"flow\": \"return_refund\"\n *},\n *\"case\": {"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${case} --format json)
  step(approve EXIT 0
       STDOUT "\"written\": true,\n *\"event\": {\n *\"name\": \"approve\",\n *\"role\": \"agent\",\n *\"id\": null\n *},\n *\"outcome\": {\n *\"status\": \"accepted\",\n *\"reason\": null,"
              "\"from\": \"submitted\",\n *\"to\": \"awaiting_return\",\n *\"steps\": 1,\n *\"actions\": .\n *{\n *\"name\": \"send_return_address\""
       ARGS case apply ${policy} ${case} --event approve --as agent --now 2026-11-23T10:30:00+08:00 --format json)
  step(advance EXIT 0
       STDOUT "\"fired\": 2," "\"written\": true"
              "\"message\": \"[^\"]*awaiting_return → follow_up[^\"]*\",\n *\"from\": \"awaiting_return\",\n *\"to\": \"follow_up\",\n *\"steps\": 1,\n *\"actions\": .\n *{\n *\"name\": \"phone_follow_up\""
              "\"message\": \"[^\"]*follow_up → cancelled[^\"]*\",\n *\"from\": \"follow_up\",\n *\"to\": \"cancelled\",\n *\"steps\": 1,\n *\"actions\": .\n *{\n *\"name\": \"notify_customer\""
              "\"kind\": \"timer\",\n *\"at\": {\n *\"utc\": \"2026-11-25T02:30:00Z\""
              "\"kind\": \"timer\",\n *\"at\": {\n *\"utc\": \"2026-11-28T02:30:00Z\""
              "\"state\": \"cancelled\"" "\"phase\": \"resolved\"" "\"next_deadline\": null"
       ARGS case advance ${policy} ${case} --now 2026-12-10T09:00:00+08:00 --format json)
  keep_copy(done.json)
  step(advance_again EXIT 0 STDOUT "0 timers fired\n" "next +- \\(no timer pending\\)\n"
       ARGS case advance ${policy} ${case} --now 2026-12-11T09:00:00+08:00)
  expect_bytes_equal(done.json advance_again)
endfunction()

# ---- time only moves forward: an event or an advance before the case's last step is refused,
# the file untouched; the same instant as the last step is accepted
function(scenario_time_order)
  step(open EXIT 0 ARGS case open ${policy} --request ${requests}/delivered.json -o ${case})
  step(approve EXIT 0 STDOUT "result +accepted"
       ARGS case apply ${policy} ${case} --event approve --as agent --now 2026-11-23T10:30:00+08:00)
  keep_copy(approved.json)
  step(event_before EXIT 2 STDOUT "^$"
       STDERR "--now: error: `2026-11-23T02:29:59Z` is earlier than the case's last step at `2026-11-23T02:30:00Z`: a case's history only moves forward"
       ARGS case apply ${policy} ${case} --event ship --as customer --now 2026-11-23T10:29:59+08:00)
  expect_bytes_equal(approved.json event_before)
  step(advance_before EXIT 2 STDERR "--now: error: [^\n]*is earlier than the case's last step"
       ARGS case advance ${policy} ${case} --now 2026-11-22T10:00:00+08:00)
  expect_bytes_equal(approved.json advance_before)
  step(show_before EXIT 0 STDOUT "state +awaiting_return"
       ARGS case show ${policy} ${case} --now 2026-11-22T10:00:00+08:00)
  step(advance_same_instant EXIT 0 STDOUT "0 timers fired"
       ARGS case advance ${policy} ${case} --now 2026-11-23T10:30:00+08:00)
endfunction()

# ---- a clock that never falls due: `never` in text, JSON and the snapshot, across pause/resume
function(scenario_never)
  set(never_policy "${fixtures}/never_case.yaml")
  step(open EXIT 0 STDOUT "clocks +k  running  due never\n"
       ARGS case open ${never_policy} --request ${fixtures}/far_deadline.json -o ${case} --now 2026-10-10T00:00:00Z)
  step(pause EXIT 0 STDOUT "clocks +k  paused   due never\n" STDOUT_NOT "left"
       ARGS case apply ${never_policy} ${case} --event wait --as agent --now 2026-10-10T01:00:00Z)
  file(READ "${case}" snapshot)
  if(NOT snapshot MATCHES "\"clock\":\"k\",\"status\":\"paused\",\"started\":\"2026-10-10T00:00:00Z\",\"due\":\"never\"}")
    message(FATAL_ERROR "step pause: the snapshot does not keep `\"due\":\"never\"`:\n${snapshot}")
  endif()
  step(paused_json EXIT 0 STDOUT "\"status\": \"paused\"" "\"remaining\": \"never\""
       ARGS case show ${never_policy} ${case} --now 2026-10-10T01:00:00Z --format json)
  step(resume EXIT 0 STDOUT "clocks +k  running  due never\n"
       ARGS case apply ${never_policy} ${case} --event back --as agent --now 2026-10-11T01:00:00Z)
  step(json EXIT 0 STDOUT "\"due\": {\n *\"utc\": \"never\",\n *\"local\": \"never\"" "\"overdue\": false"
       "\"next_deadline\": null"
       ARGS case show ${never_policy} ${case} --now 2100-01-01T00:00:00Z --format json)
  step(advance EXIT 0 STDOUT "0 timers fired"
       ARGS case advance ${never_policy} ${case} --now 2100-01-01T00:00:00Z)
endfunction()

# ---- opening: automatic transitions, --flow, --force, what cannot be opened
function(scenario_open)
  step(automatic EXIT 0
       STDOUT "decision +rule unshipped_refund → refund_immediately" "state +refunded  已退款  \\(terminal\\)\n"
              "phase +resolved\n" "history +[^\n]*\n +[^\n]*submitted → refunded"
       ARGS case open ${policy} --request ${requests}/unshipped_small.json -o ${case})
  step(force EXIT 0 STDOUT "\"decision\": null," "\"flow\": \"return_refund\"," "\"state\": \"submitted\","
       ARGS case open ${policy} --request ${requests}/unshipped_small.json -o ${case} --flow return_refund
            --force --format json --locale en)
  step(now_option EXIT 0 STDOUT "opened +2026-11-30 08:00:00 CST"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${WORK}/now.json --now 2026-11-30T00:00:00Z)
  step(wall_clock EXIT 0 STDOUT "\"opened_at\": {\n *\"utc\": \"2[0-9][0-9][0-9]-"
       ARGS case open ${policy} --request ${fixtures}/requests/unshipped_plain.json -o ${WORK}/wall.json
            --flow quick_refund --format json)
  step(no_flow EXIT 2 STDOUT "^$"
       STDERR "delivered_no_amount\\.json: error: no case to open: rule `no_amount` names no flow"
       ARGS case open ${policy} --request ${requests}/delivered_no_amount.json -o ${WORK}/none.json)
  step(unknown_flow EXIT 2 STDERR "--flow: error: unknown flow `nope` \\(flows: `quick_refund`, `return_refund`\\)"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${WORK}/none.json --flow nope)
  step(misspelt_flow EXIT 2
       STDERR "--flow: error: unknown flow `quick_refnd` \\(flows: `quick_refund`, `return_refund`\\); did you mean `quick_refund`\\?\n$"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${WORK}/none.json --flow quick_refnd)
  step(bad_request EXIT 2 STDERR "unknown_fact\\.json#/facts/colour: error\\[E300\\]: [^\n]*`colour`"
       ARGS case open ${policy} --request ${fixtures}/errors/unknown_fact.json -o ${WORK}/none.json --flow quick_refund)
  step(bad_now EXIT 2 STDERR "--now: error: not an ISO 8601 timestamp with an offset: `tomorrow`"
       ARGS case open ${policy} --request ${requests}/delivered.json -o ${WORK}/none.json --now tomorrow)
  if(EXISTS "${WORK}/none.json")
    message(FATAL_ERROR "a failed `case open` wrote its output file")
  endif()
  step(bad_policy EXIT 1 STDERR "error\\[E200\\]"
       ARGS case open ${fixtures}/bad_reference.yaml --request ${requests}/delivered.json -o ${WORK}/none.json)
endfunction()

# ---- snapshots that do not fit: the error names the file and the JSON path, exit 2
function(scenario_bad_snapshot)
  step(open EXIT 0 ARGS case open ${policy} --request ${requests}/delivered.json -o ${case})
  file(READ "${case}" good)

  string(REGEX REPLACE "\"state\": *\"submitted\"" "\"state\":\"nowhere\"" bad "${good}")
  file(WRITE "${WORK}/bad_state.json" "${bad}")
  step(bad_state EXIT 2 STDOUT "^$" STDERR "bad_state\\.json: error: \\$\\.state: [^\n]*`nowhere`"
       ARGS case show ${policy} ${WORK}/bad_state.json)

  string(REGEX REPLACE "\"due\": *\"[^\"]*\"" "\"due\":\"soon\"" bad "${good}")
  file(WRITE "${WORK}/bad_due.json" "${bad}")
  file(COPY_FILE "${WORK}/bad_due.json" "${WORK}/bad_due.orig")
  step(bad_due EXIT 2 STDERR "bad_due\\.json: error: \\$\\.clocks\\[0\\]\\.due: "
       ARGS case apply ${policy} ${WORK}/bad_due.json --event approve --as agent)
  file(SHA256 "${WORK}/bad_due.json" a)
  file(SHA256 "${WORK}/bad_due.orig" b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "a snapshot that could not be read was rewritten")
  endif()
  step(bad_due_advance EXIT 2 STDERR "bad_due\\.json: error: \\$\\.clocks\\[0\\]\\.due: "
       ARGS case advance ${policy} ${WORK}/bad_due.json)

  step(malformed EXIT 2 STDERR "case_malformed\\.json: error: \\$: "
       ARGS case show ${policy} ${fixtures}/case_malformed.json)
  step(missing EXIT 2 STDERR "no_such_case\\.json: error: cannot read the file: it does not exist"
       ARGS case show ${policy} ${WORK}/no_such_case.json)
  # A snapshot of another policy.
  step(other_policy EXIT 2 STDERR "case\\.json: error: [^\n]*cli_case_fixture"
       ARGS case show policies/default.yaml ${case})
  # Command-line mistakes
  step(set_syntax EXIT 2 STDERR "--set: error: expected `variable=value`, got `inspection_ok`"
       ARGS case apply ${policy} ${case} --event approve --as agent --set inspection_ok)
  step(apply_bad_now EXIT 2 STDERR "--now: error: not an ISO 8601"
       ARGS case apply ${policy} ${case} --event approve --as agent --now 2026-13-01T00:00:00Z)
  step(no_event EXIT 2 STDERR "--event"
       ARGS case apply ${policy} ${case} --as agent)
  step(bad_locale EXIT 2 STDERR "--locale"
       ARGS case show ${policy} ${case} --locale "fr FR")
endfunction()

# ---- the shipped default policy: an example request opens a case in its flow
function(scenario_default)
  set(default_policy "${SOURCE}/policies/default.yaml")
  step(open EXIT 0 STDERR_EMPTY STDOUT "saved +" "decision +rule seven_day_return_delivered → return_then_refund"
       "flow +[a-z_]+" "state +[a-z_]+"
       ARGS case open ${default_policy} --request ${SOURCE}/examples/requests/02_return_refund_seven_day.json -o ${case})
  step(show EXIT 0 STDOUT "\"flow\": \"[a-z_]+\"" "\"history\": .\n *{\n *\"kind\": \"opened\""
       ARGS case show ${default_policy} ${case} --format json --locale en --now 2026-10-14T10:15:00+08:00)
  step(advance EXIT 0 STDOUT "advanced +to "
       ARGS case advance ${default_policy} ${case} --now 2026-10-30T10:15:00+08:00)
endfunction()

if(NOT COMMAND scenario_${SCENARIO})
  message(FATAL_ERROR "case_scenario.cmake: no scenario `${SCENARIO}`")
endif()
cmake_language(CALL scenario_${SCENARIO})
