# SPDX-License-Identifier: Apache-2.0
# Tests of the `aftersale` command-line tool (label `cli`): each runs the built binary via
# check.cmake and checks its exit code and output. Included by tests/CMakeLists.txt.
#   ctest -L cli
if(TARGET aftersale_cli)
  set(aftersale_cli_fixtures "${CMAKE_CURRENT_SOURCE_DIR}/cli/fixtures")

  # aftersale_cli_test(<name> EXIT <code> [STDOUT re] [STDOUT_NOT re] [STDERR re] [STDERR_EMPTY]
  #                    [INPUT file] ARGS <cli arguments>...)
  function(aftersale_cli_test name)
    cmake_parse_arguments(arg "STDERR_EMPTY" "EXIT;STDOUT;STDOUT_NOT;STDERR;INPUT" "ARGS" ${ARGN})
    set(defs "-DEXPECT_EXIT=${arg_EXIT}")
    foreach(pair STDOUT:STDOUT_MATCHES STDOUT_NOT:STDOUT_NOT_MATCHES STDERR:STDERR_MATCHES INPUT:INPUT)
      string(REPLACE ":" ";" pair "${pair}")
      list(GET pair 0 key)
      list(GET pair 1 var)
      if(DEFINED arg_${key})
        list(APPEND defs "-D${var}=${arg_${key}}")
      endif()
    endforeach()
    if(arg_STDERR_EMPTY)
      list(APPEND defs -DSTDERR_EMPTY=ON)
    endif()
    add_test(NAME cli.${name}
             COMMAND ${CMAKE_COMMAND} ${defs} -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/check.cmake" --
                     $<TARGET_FILE:aftersale_cli> ${arg_ARGS}
             WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
    set_tests_properties(cli.${name} PROPERTIES LABELS cli)
  endfunction()

  # The CLI's helpers, tested directly (they are not part of the library).
  add_executable(aftersale_cli_units_test "${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_units_test.cpp"
                                          "${PROJECT_SOURCE_DIR}/src/cli/request_json.cpp"
                                          "${PROJECT_SOURCE_DIR}/src/cli/text.cpp"
                                          "${PROJECT_SOURCE_DIR}/src/cli/store_url.cpp")
  target_include_directories(aftersale_cli_units_test PRIVATE "${PROJECT_SOURCE_DIR}/src/cli" "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(aftersale_cli_units_test PRIVATE aftersale::aftersale nlohmann_json::nlohmann_json
                                                         GTest::gtest_main)
  aftersale_target_options(aftersale_cli_units_test)
  gtest_discover_tests(aftersale_cli_units_test TEST_PREFIX cli. PROPERTIES LABELS cli DISCOVERY_TIMEOUT 60)

  set(good "${aftersale_cli_fixtures}/good.yaml")
  set(requests "${aftersale_cli_fixtures}/requests")
  set(errors "${aftersale_cli_fixtures}/errors")

  # The three numbers come from include/aftersale/version.hpp (and store.hpp), as CMake's do.
  aftersale_cli_test(version EXIT 0
                     STDOUT "^aftersale ${PROJECT_VERSION}\npolicy format ${AFTERSALE_POLICY_FORMAT_VERSION}\nsnapshot format aftersale-case/${AFTERSALE_SNAPSHOT_FORMAT_VERSION}\nstore schema [0-9]+\n$"
                     ARGS --version)

  # validate
  aftersale_cli_test(validate.fixture EXIT 0 STDERR_EMPTY
                     STDOUT "^ok: [^\n]*good\\.yaml \\(6 facts, 3 tables, 7 rules, 2 clocks\\)\n$"
                     ARGS validate ${good})
  aftersale_cli_test(validate.unknown_key EXIT 1 STDOUT "^$"
                     STDERR "bad_unknown_key\\.yaml:11:1: error\\[E105\\]: [^\n]*`colour`"
                     ARGS validate ${aftersale_cli_fixtures}/bad_unknown_key.yaml)
  aftersale_cli_test(validate.unknown_reference EXIT 1
                     STDERR "bad_reference\\.yaml:17:[0-9]+: error\\[E200\\]: [^\n]*`teleport_parcel`"
                     ARGS validate ${aftersale_cli_fixtures}/bad_reference.yaml)
  # Several files: good ones still say ok, the exit code reports the bad one.
  aftersale_cli_test(validate.mixed EXIT 1 STDOUT "^ok: [^\n]*good\\.yaml "
                     STDERR "bad_reference\\.yaml:17:[0-9]+: error\\[E200\\]"
                     ARGS validate ${good} ${aftersale_cli_fixtures}/bad_reference.yaml)
  aftersale_cli_test(validate.missing_file EXIT 1 STDERR "error\\[E109\\]"
                     ARGS validate ${aftersale_cli_fixtures}/no_such_policy.yaml)
  aftersale_cli_test(validate.default EXIT 0 STDERR_EMPTY
                     STDOUT "^ok: policies/default\\.yaml \\([0-9]+ facts, [0-9]+ tables, [0-9]+ rules, [0-9]+ clocks\\)\n$"
                     ARGS validate policies/default.yaml)

  # decide: JSON output
  aftersale_cli_test(decide.json EXIT 0 STDERR_EMPTY
                     STDOUT "\"rule\": \"seven_day_return\",[^{]*\"solution\": \"return_then_refund\""
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --format json)
  aftersale_cli_test(decide.json_deadlines EXIT 0
                     STDOUT "\"clock\": \"refund_after_inspection\",\n *\"label\": [^\n]*\n *\"due_utc\": \"2026-11-24T10:00:00Z\",\n *\"due_local\": \"2026-11-24T18:00:00\\+08:00\""
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --format json)
  aftersale_cli_test(decide.json_amounts EXIT 0 STDOUT "\"amounts\": {\n *\"refund\": 12900\n"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --format json)
  # An amount over an absent fact is left out, never shown as 0.
  aftersale_cli_test(decide.json_absent_amount EXIT 0 STDOUT "\"amounts\": {}" STDOUT_NOT "\"refund\""
                     ARGS decide --policy ${good} --request ${requests}/changed_mind_no_amount.json --format json)
  aftersale_cli_test(decide.json_outputs EXIT 0
                     STDOUT "\"fee_payer\": \"merchant\",[^{]*\"escalation\": \"supervisor\",\n *\"vocabulary_labels\": {\n *\"solution\": null,\n *\"fee_payer\": null,\n *\"evidence\": \\[\n *null,\n *null\n *\\],\n *\"escalation\": null\n *},\n *\"remark\": {\n *\"flag\": \"yellow\""
                     ARGS decide --policy ${good} --request ${requests}/quality.json --format json)
  # The vocabulary labels of a decision's ids, in the asked locale (the default policy has zh and en).
  aftersale_cli_test(decide.vocabulary_labels_en EXIT 0
                     STDOUT "solution    exchange \\(Exchange\\)\n.*shipping    merchant \\(Merchant\\) pays shipping\nevidence    photos \\(Photos of the problem \\(filed under the buyer's id\\)\\)\n"
                     ARGS decide --policy policies/default.yaml --request examples/requests/03_exchange_quality.json --locale en)
  aftersale_cli_test(decide.vocabulary_labels_zh EXIT 0
                     STDOUT "solution    exchange \\(换货\\)\n.*shipping    merchant \\(商家\\) pays shipping\nevidence    photos \\(问题照片（按买家ID存档）\\)\n"
                     ARGS decide --policy policies/default.yaml --request examples/requests/03_exchange_quality.json --locale zh)
  aftersale_cli_test(decide.explain EXIT 0 STDOUT "\"explanation\": .\n *\"rule `seven_day_return`"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --format json --explain)
  aftersale_cli_test(decide.json_audit EXIT 0
                     STDOUT "\"audit\": {\n *\"decision_id\": \"[0-9a-f]+\",\n *\"policy_id\": \"cli_fixture\",\n *\"policy_version\": \"1\",\n *\"policy_hash\": \"[0-9a-f]+\"\n *}\n}\n$"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --format json)
  aftersale_cli_test(decide.multi_hit EXIT 0
                     STDOUT "\"matches\": .*\"rule\": \"note_delivered\".*\"rule\": \"note_quality\""
                     ARGS decide --policy ${good} --table extras --request ${requests}/quality.json --format json)
  aftersale_cli_test(decide.conflict EXIT 0
                     STDOUT "\"status\": \"conflict\",.*\"solution\": null,.*\"matches\": .*\"rule\": \"any_delivered\".*\"rule\": \"any_quality\""
                     ARGS decide --policy ${good} --table strict --request ${requests}/quality.json --format json)
  aftersale_cli_test(decide.no_match EXIT 0 STDOUT "status      no_match\n"
                     ARGS decide --policy ${good} --table strict --request ${requests}/unshipped_plain.json
                          --now 2026-11-23T10:00:00+08:00)
  aftersale_cli_test(decide.unknown_table EXIT 2 STDERR "E304"
                     ARGS decide --policy ${good} --table nope --request ${requests}/quality.json)

  # decide: the shipped default policy and example requests (what scripts/demo.sh runs)
  aftersale_cli_test(decide.default_json EXIT 0 STDERR_EMPTY
                     STDOUT "\"rule\": \"seven_day_return_delivered\",\n *\"solution\": \"return_then_refund\",.*\"fee_payer\": \"customer\""
                     ARGS decide --policy policies/default.yaml
                          --request examples/requests/02_return_refund_seven_day.json --format json)
  aftersale_cli_test(decide.default_examples EXIT 0 STDERR_EMPTY
                     STDOUT "^request +solution +steps +pays shipping +evidence +deadlines.*\n01_[a-z_]+ +[a-z_]+ +1\\. "
                     STDOUT_NOT "no rule matched|conflict"
                     ARGS decide --policy policies/default.yaml --request examples/requests/)

  # decide: the decision instant
  # No `now` in the file nor --now: the wall clock, as for `case` and `store` (resolve_now).
  aftersale_cli_test(decide.missing_now EXIT 0 STDOUT "\"now\": \"2[0-9][0-9][0-9]-"
                     ARGS decide --policy ${good} --request ${requests}/unshipped_plain.json --format json)
  aftersale_cli_test(decide.now_option EXIT 0 STDOUT "\"solution\": \"refund_immediately\""
                     ARGS decide --policy ${good} --request ${requests}/unshipped_plain.json
                          --now 2026-11-23T10:00:00+08:00 --format json)
  aftersale_cli_test(decide.now_overrides_file EXIT 0 STDOUT "\"now\": \"2026-11-01T00:00:00Z\""
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json
                          --now 2026-11-01T00:00:00Z --format json)
  aftersale_cli_test(decide.wall_clock EXIT 0 STDOUT "\"now\": \"2[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"
                     ARGS decide --policy ${good} --request ${requests}/unshipped_plain.json --now now --format json)
  aftersale_cli_test(decide.bad_now EXIT 2 STDERR "ISO 8601"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --now tomorrow)
  aftersale_cli_test(decide.stdin EXIT 0 STDOUT "\"solution\": \"return_then_refund\""
                     INPUT ${requests}/changed_mind.json
                     ARGS decide --policy ${good} --request - --format json)

  # decide: table output, one request and several
  aftersale_cli_test(decide.table_one EXIT 0
                     STDOUT "solution    return_then_refund\n.*deadlines   first_response +2026-11-20 22:00:00 CST"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json)
  aftersale_cli_test(decide.table_directory EXIT 0
                     STDOUT "^request +solution +steps.*\nchanged_mind +return_then_refund.*\nquality +return_then_refund.*\nunshipped_plain +refund_immediately"
                     ARGS decide --policy ${good} --request ${requests} --now 2026-11-20T20:00:00+08:00)

  # decide: errors
  aftersale_cli_test(decide.unknown_fact EXIT 2 STDERR "unknown_fact\\.json#/facts/colour: error\\[E300\\]: [^\n]*`colour`"
                     ARGS decide --policy ${good} --request ${errors}/unknown_fact.json)
  aftersale_cli_test(decide.undeclared_value EXIT 2 STDERR "error\\[E302\\]: [^\n]*`order_status`"
                     ARGS decide --policy ${good} --request ${errors}/undeclared_value.json)
  aftersale_cli_test(decide.fractional_money EXIT 2 STDERR "error\\[E301\\]: fact `amount` is money but was given a number with a fraction \\(129\\.00\\)"
                     ARGS decide --policy ${good} --request ${errors}/fractional_money.json)
  # Aggregating collect tables and decimals read from the JSON number's text (docs/policy-format.md).
  aftersale_cli_test(decide.aggregate_json EXIT 0
                     STDOUT "\"aggregate\": \\{\n *\"op\": \"sum\",\n *\"output\": \"compensation\",\n *\"value\": 2700"
                     ARGS decide --policy ${aftersale_cli_fixtures}/aggregate.yaml --format json
                          --request ${aftersale_cli_fixtures}/aggregate_request.json)
  aftersale_cli_test(decide.aggregate_text EXIT 0 STDOUT "aggregate   sum of amount `compensation` = 27\\.00"
                     ARGS decide --policy ${aftersale_cli_fixtures}/aggregate.yaml
                          --request ${aftersale_cli_fixtures}/aggregate_request.json)
  aftersale_cli_test(decide.decimal_digits EXIT 2
                     STDERR "error\\[E307\\]: `4\\.55` has 2 digits after the point, fact `rating` has scale 1"
                     ARGS decide --policy ${aftersale_cli_fixtures}/aggregate.yaml
                          --request ${errors}/decimal_digits.json)
  aftersale_cli_test(decide.malformed_json EXIT 2 STDERR "malformed\\.json: error: invalid json: "
                     ARGS decide --policy ${good} --request ${errors}/malformed.json)
  aftersale_cli_test(decide.negative_money EXIT 2
                     STDERR "negative_money\\.json#/facts/amount: error\\[E305\\]: fact `amount` is money and cannot be negative: was given -12900"
                     ARGS decide --policy ${good} --request ${errors}/negative_money.json)
  aftersale_cli_test(decide.duplicate_key EXIT 2
                     STDERR "duplicate_key\\.json:4: error: duplicate key `amount`"
                     ARGS decide --policy ${good} --request ${errors}/duplicate_key.json)
  aftersale_cli_test(decide.number_overflow EXIT 2
                     STDERR "^[^\n]*number_overflow\\.json: error: number out of range: [^\n]*1e400"
                     STDOUT "^$" ARGS decide --policy ${good} --request ${errors}/number_overflow.json)
  aftersale_cli_test(decide.integer_overflow EXIT 2
                     STDERR "integer_overflow\\.json#/facts/amount: error: fact `amount`: integer out of range"
                     ARGS decide --policy ${good} --request ${errors}/integer_overflow.json)
  # Every problem of a request at once, each located by the JSON pointer of its fact; the
  # nearest declared fact for an unknown one.
  aftersale_cli_test(decide.every_problem EXIT 2 STDOUT "^$"
                     STDERR "^[^\n]*three_bad_facts\\.json#/facts/amount: error\\[E301\\]: fact `amount` is money but was given text: expected an integer amount in minor units\n[^\n]*three_bad_facts\\.json#/facts/order_staus: error\\[E300\\]: unknown fact `order_staus`\n  help: did you mean `order_status`\\?\n[^\n]*three_bad_facts\\.json#/facts/reason: error\\[E302\\]: `bored` is not a declared value of fact `reason`: expected one of `changed_mind`, `quality_issue`\n[^\n]*three_bad_facts\\.json#/facts: error\\[E303\\]: required fact `order_status` is missing\n$"
                     ARGS decide --policy ${good} --request ${errors}/three_bad_facts.json)
  aftersale_cli_test(decide.every_unreadable_value EXIT 2
                     STDERR "^[^\n]*reader_problems\\.json#/facts/amount: error: fact `amount`: `1\\.295e4` is not accepted: write a number with digits and an optional point, no exponent\n[^\n]*reader_problems\\.json#/facts/opened: error: fact `opened`: null is not a value: leave the fact out instead\n[^\n]*reader_problems\\.json#/facts/reason: error: fact `reason`: expected a string, an integer or a boolean\n$"
                     ARGS decide --policy ${good} --request ${errors}/reader_problems.json)
  # Facts at the top level next to `now`: a hint to put them under `facts`.
  aftersale_cli_test(decide.facts_at_top_level EXIT 2
                     STDERR "^[^\n]*facts_at_top_level\\.json#/now: error: `now` sits at the top level with the facts: a request with `now` or `note` puts its facts under `facts`\n  help: write `{\"facts\": {\"order_status\": \\.\\.\\.}, \"now\": \\.\\.\\.}`, or leave `now` and `note` out and give --now\n$"
                     ARGS decide --policy ${good} --request ${errors}/facts_at_top_level.json)
  aftersale_cli_test(decide.keys_beside_facts EXIT 2
                     STDERR "^[^\n]*beside_facts\\.json#/nwo: error: unknown key `nwo`: expected `facts`, `now` or `note`\n  help: did you mean `now`\\?\n[^\n]*beside_facts\\.json#/reason: error: unknown key `reason`: expected `facts`, `now` or `note`\n  help: if `reason` is a fact, move it under `facts`\n$"
                     ARGS decide --policy ${good} --request ${errors}/beside_facts.json)
  aftersale_cli_test(decide.misspelt_table EXIT 2
                     STDERR "changed_mind\\.json: error\\[E304\\]: unknown decision table `after_sale`: the policy has [^\n]*\n  help: did you mean `after_sales`\\?\n$"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --table after_sale)
  # An unknown subcommand: the nearest ones.
  aftersale_cli_test(unknown_command EXIT 2 STDOUT "^$"
                     STDERR "^error: unknown command `decde` for `aftersale`\n  help: did you mean `decide`\\? commands: `validate`, `decide`, [^\n]*`case`[^\n]*\n$"
                     ARGS decde --policy ${good})
  aftersale_cli_test(unknown_case_command EXIT 2
                     STDERR "^error: unknown command `aply` for `aftersale case`\n  help: did you mean `apply`\\? commands: `open`, `apply`[^\n]*\n$"
                     ARGS case aply x.yaml)

  # Requests are bounded (1 MiB unless --max-request-bytes): a larger file, stdin or a device is
  # refused at once, naming it.
  aftersale_cli_test(decide.request_too_large EXIT 2
                     STDERR "changed_mind\\.json: error: the request is larger than 10 bytes"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json --max-request-bytes 10)
  aftersale_cli_test(decide.stdin_too_large EXIT 2 STDERR "<stdin>: error: the request is larger than 10 bytes"
                     INPUT ${requests}/changed_mind.json
                     ARGS decide --policy ${good} --request - --max-request-bytes 10)
  if(EXISTS /dev/zero)
    aftersale_cli_test(decide.dev_zero EXIT 2 STDERR "/dev/zero: error: it is a device, not a regular file"
                       ARGS decide --policy ${good} --request /dev/zero)
    aftersale_cli_test(case.open_dev_zero EXIT 2 STDERR "/dev/zero: error: it is a device, not a regular file"
                       ARGS case open ${good} --request /dev/zero -o ${CMAKE_CURRENT_BINARY_DIR}/dev_zero_case.json)
  endif()
  aftersale_cli_test(decide.bad_policy EXIT 1 STDOUT "^$" STDERR "error\\[E200\\]"
                     ARGS decide --policy ${aftersale_cli_fixtures}/bad_reference.yaml
                          --request ${requests}/changed_mind.json)
  # One bad request among good ones: the good ones print, the exit code says 2.
  aftersale_cli_test(decide.some_bad EXIT 2 STDOUT "changed_mind" STDERR "E300"
                     ARGS decide --policy ${good} --request ${requests}/changed_mind.json
                          --request ${requests}/quality.json --request ${errors}/unknown_fact.json)

  # A deadline past year 9999 prints in ISO 8601's expanded form, and --now reads it back.
  aftersale_cli_test(decide.far_deadline EXIT 0
                     STDOUT "\"due_utc\": \"\\+10050-01-01T00:00:00Z\",\n *\"due_local\": \"\\+10050-01-01T00:00:00\\+00:00\""
                     ARGS decide --policy ${aftersale_cli_fixtures}/far_deadline.yaml
                          --request ${aftersale_cli_fixtures}/far_deadline.json --format json)
  aftersale_cli_test(decide.far_deadline_read_back EXIT 0 STDOUT "\"now\": \"\\+10050-01-01T00:00:00Z\""
                     ARGS decide --policy ${aftersale_cli_fixtures}/far_deadline.yaml
                          --request ${aftersale_cli_fixtures}/far_deadline.json --format json
                          --now +10050-01-01T00:00:00Z)
  # A deadline that never falls due is `never` in JSON, in text and in the explanation.
  aftersale_cli_test(decide.never_json EXIT 0
                     STDOUT "\"due_utc\": \"never\",\n *\"due_local\": \"never\""
                     ARGS decide --policy ${aftersale_cli_fixtures}/never_deadline.yaml
                          --request ${aftersale_cli_fixtures}/far_deadline.json --format json)
  aftersale_cli_test(decide.never_text EXIT 0 STDOUT "reply +never +a reply.*deadline `reply` never falls due"
                     STDOUT_NOT "[0-9]{6}-"
                     ARGS decide --policy ${aftersale_cli_fixtures}/never_deadline.yaml
                          --request ${aftersale_cli_fixtures}/far_deadline.json --explain)

  # case: walking a case by hand on a snapshot file (case_scenario.cmake runs several steps on
  # one file; fixtures/case_policy.yaml keeps these tests independent of the default flows).
  function(aftersale_case_scenario name)
    add_test(NAME cli.case.${name}
             COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> "-DSOURCE=${PROJECT_SOURCE_DIR}"
                     "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_case/${name}" -DSCENARIO=${name}
                     -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/case_scenario.cmake")
    set_tests_properties(cli.case.${name} PROPERTIES LABELS cli)
  endfunction()
  aftersale_case_scenario(walk)
  aftersale_case_scenario(catch_up)
  aftersale_case_scenario(open)
  aftersale_case_scenario(bad_snapshot)
  aftersale_case_scenario(default)
  aftersale_case_scenario(time_order)
  aftersale_case_scenario(never)
  # Many `case apply` processes at once on one file: each waits for the lock, none is lost.
  add_test(NAME cli.case.concurrent_apply
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> "-DSOURCE=${PROJECT_SOURCE_DIR}"
                   "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_case/concurrent_apply" -DN=16
                   -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/case_concurrent.cmake")
  set_tests_properties(cli.case.concurrent_apply PROPERTIES LABELS cli)
  aftersale_cli_test(case.help EXIT 0 STDOUT "open.*apply.*advance.*show" ARGS case --help)

  # Manners: `aftersale` alone prints the help and succeeds, as does a command of commands alone;
  # every subcommand's --help ends with one example and its exit codes (docs/cli.md).
  aftersale_cli_test(help.no_arguments EXIT 0 STDOUT "^aftersale: after-sales policy.*\nUsage: aftersale \\[OPTIONS\\] SUBCOMMAND\n.*lint +Analyse policies"
                     STDERR_EMPTY)
  aftersale_cli_test(help.case_alone EXIT 0 STDOUT "Usage: aftersale case \\[OPTIONS\\] SUBCOMMAND.*Exit codes:" ARGS case)
  aftersale_cli_test(help.store_alone EXIT 0 STDOUT "Usage: aftersale store \\[OPTIONS\\] SUBCOMMAND.*Exit codes:" ARGS store)
  aftersale_cli_test(help.lint EXIT 0
                     STDOUT "\n\nExample:\n  aftersale lint policies/default\\.yaml --strict\n\nExit codes:\n  0  no error finding \\(warnings and notes do not count without --strict\\)\n  1  an error finding \\(with --strict, also a warning\\), or a policy that does not load\n  2  a bad command line\n$"
                     ARGS lint --help)
  aftersale_cli_test(help.case_apply EXIT 0
                     STDOUT "Example:\n  aftersale case apply policies/default\\.yaml case\\.json --event approve --as agent --id evt-1 --now 2026-10-14T10:30:00\\+08:00\n\nExit codes:\n  0  success\n  1  a policy does not load \\(its diagnostics on stderr\\)\n  2  a request, snapshot, option or file is wrong\n  3  the case refused the event, or another process changed it \\(the file is unchanged\\)\n$"
                     ARGS case apply --help)
  foreach(command validate decide diff "case open" "case apply" "case advance" "case show" lint test graph paths
                  "store init" "store migrate" "store list" "store show" "store due" "store breaches" "store open"
                  "store apply" worker)
    string(REPLACE " " ";" command_args "${command}")
    string(REPLACE " " "_" command_name "${command}")
    aftersale_cli_test(help.footer.${command_name} EXIT 0
                       STDOUT "\n\nExample:\n  aftersale ${command} [^\n]+\n\nExit codes:\n  0  [^\n]+\n(  [1-4]  [^\n]+\n)+$"
                       ARGS ${command_args} --help)
  endforeach()

  add_executable(aftersale_cli_case_units_test "${CMAKE_CURRENT_SOURCE_DIR}/cli/case_units_test.cpp"
                                               "${PROJECT_SOURCE_DIR}/src/cli/case_io.cpp"
                                               "${PROJECT_SOURCE_DIR}/src/cli/case_payload.cpp")
  target_include_directories(aftersale_cli_case_units_test PRIVATE "${PROJECT_SOURCE_DIR}/src/cli" "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(aftersale_cli_case_units_test PRIVATE aftersale::aftersale GTest::gtest_main)
  aftersale_target_options(aftersale_cli_case_units_test)
  gtest_discover_tests(aftersale_cli_case_units_test TEST_PREFIX cli. PROPERTIES LABELS cli DISCOVERY_TIMEOUT 60)
endif()

# The C++ example in docs/getting-started.md, extracted at configure time, compiled with
# the tests and run, so the documentation cannot drift from the API (label `docs`).
set(aftersale_doc "${PROJECT_SOURCE_DIR}/docs/getting-started.md")
if(EXISTS "${aftersale_doc}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${aftersale_doc}")
  file(READ "${aftersale_doc}" doc_text)
  set(fence "```cpp\n#include <aftersale/aftersale.hpp>")
  string(FIND "${doc_text}" "${fence}" doc_start)
  if(doc_start EQUAL -1)
    message(FATAL_ERROR "docs/getting-started.md: no ```cpp block starting with #include <aftersale/aftersale.hpp>")
  endif()
  math(EXPR doc_start "${doc_start} + 7")  # skip "```cpp\n"
  string(SUBSTRING "${doc_text}" ${doc_start} -1 doc_code)
  string(FIND "${doc_code}" "```" doc_end)
  string(SUBSTRING "${doc_code}" 0 ${doc_end} doc_code)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/getting_started.cpp.tmp" "${doc_code}")
  configure_file("${CMAKE_CURRENT_BINARY_DIR}/getting_started.cpp.tmp"
                 "${CMAKE_CURRENT_BINARY_DIR}/getting_started.cpp" COPYONLY)  # rewritten only on change
  add_executable(aftersale_doc_getting_started "${CMAKE_CURRENT_BINARY_DIR}/getting_started.cpp")
  target_link_libraries(aftersale_doc_getting_started PRIVATE aftersale::aftersale)
  aftersale_target_options(aftersale_doc_getting_started)
  add_test(NAME docs.getting_started
           COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=0
                   "-DSTDOUT_MATCHES=^rule      seven_day_return_delivered\nsolution  return_then_refund\n.*accepted: requested → awaiting_return.*restored\n$"
                   -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/check.cmake" -- $<TARGET_FILE:aftersale_doc_getting_started>
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(docs.getting_started PROPERTIES LABELS docs)
endif()

# aftersale graph and aftersale paths (and the paths unit test's yaml-cpp link).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/graph_paths.cmake")

# The default policy's test files under aftersale test, at 100% coverage.
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/default_policy_tests.cmake")

# Store policies on the baseline (examples/stores/): the apparel tests, lint, the weakened variant.
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/store_policies.cmake")

# aftersale test: the runner on passing, failing and malformed suites (tests/testing/).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/test_runner.cmake")

# aftersale lint: exit codes, text and JSON output (tests/lint/ fixtures).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/lint.cmake")

# Lint witnesses replay through aftersale decide (money in minor units, typed JSON).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/lint_witness.cmake")

# aftersale store and aftersale worker on a temporary SQLite store (store_scenario.cmake,
# store_worker_signal.cmake).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/store_cli.cmake")

# Texts in a chosen locale: decide and case commands with --locale (fixtures/locale/).
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/locale.cmake")

# aftersale diff: the requests readers, the command against decide, its refusals.
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/diff.cmake")

# aftersale compile: the generated header, --check (fresh, stale, an edited base), its refusals.
include("${CMAKE_CURRENT_SOURCE_DIR}/cli/compile.cmake")
