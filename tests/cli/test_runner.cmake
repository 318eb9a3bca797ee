# SPDX-License-Identifier: Apache-2.0
# `aftersale test` (label cli): exit codes, `FAIL file:line` lines, the closing line and
# --coverage-min, on the suites of tests/testing/. Included by tests/cli/tests.cmake.
if(TARGET aftersale_cli)
  set(runner "tests/testing")

  aftersale_cli_test(test.pass EXIT 0 STDERR_EMPTY
                     STDOUT "^8 passed, 0 failed\n$"
                     ARGS test ${runner}/pass)
  aftersale_cli_test(test.verbose EXIT 0
                     STDOUT "^ok   tests/testing/pass/decide\\.test\\.yaml:6: unshipped order, refunded at once\n.*ok   tests/testing/pass/flow\\.test\\.yaml:53: nobody inspects the parcel for three days\n8 passed, 0 failed\n$"
                     ARGS test -v ${runner}/pass)
  aftersale_cli_test(test.fail EXIT 1
                     STDOUT "^FAIL tests/testing/fail/mismatch\\.test\\.yaml:10: wrong solution and deadline\n  tests/testing/fail/mismatch\\.test\\.yaml:14: expected solution `return_then_refund`, got `refund_immediately`\n  tests/testing/fail/mismatch\\.test\\.yaml:16: expected deadline `first_response` `2026-11-16 13:00:00`, got `2026-11-16 12:00:00[^\n]*\nFAIL tests/testing/fail/mismatch\\.test\\.yaml:18: wrong status\n  tests/testing/fail/mismatch\\.test\\.yaml:21: expected status `no_match`, got `matched`\n.*FAIL tests/testing/fail/mismatch\\.test\\.yaml:23: wrong state after a step\n  tests/testing/fail/mismatch\\.test\\.yaml:30: .*\n1 passed, 3 failed\n$"
                     ARGS test ${runner}/fail)
  # Passing and failing together: still 1, and both counted.
  aftersale_cli_test(test.mixed EXIT 1 STDOUT "\n9 passed, 3 failed\n$"
                     ARGS test ${runner}/pass ${runner}/fail)
  aftersale_cli_test(test.malformed EXIT 2
                     STDOUT "tests/testing/malformed/unknown_fact\\.test\\.yaml:7:43: error: case `colour is not a fact`: unknown fact `colour`\n.*tests/testing/malformed/unknown_key\\.test\\.yaml:7:5: error: unknown key `expected` in a case\n  help: did you mean `expect`\\? allowed keys: `name`, .*\n1 passed, 0 failed, 6 errors\n$"
                     ARGS test ${runner}/malformed)
  aftersale_cli_test(test.missing_path EXIT 2 STDOUT "no_such_dir: error: no such file or directory\n.*0 passed, 0 failed, 1 error\n$"
                     ARGS test ${runner}/no_such_dir)
  aftersale_cli_test(test.bad_option EXIT 2 ARGS test --coverage-min 120 ${runner}/pass)
  # `nan` compares false with everything: it passed the range check and disabled the minimum.
  aftersale_cli_test(test.coverage_min_nan EXIT 2 STDERR "--coverage-min: .*a number from 0 to 100"
                     ARGS test --coverage-min nan ${runner}/pass/decide.test.yaml)

  # Coverage: the report, and the minimum.
  aftersale_cli_test(test.coverage EXIT 0
                     STDOUT "coverage of tests/testing/shop\\.yaml\n  tests/testing/pass/decide\\.test\\.yaml: rows 5/5 \\[after_sales 3/3, notes 2/2\\], transitions 0/6, timers 0/2\n.*  total: rows 5/5 \\(100\\.0%\\), transitions 6/6 \\(100\\.0%\\), timers 2/2 \\(100\\.0%\\)\n"
                     ARGS test --coverage ${runner}/pass)
  aftersale_cli_test(test.coverage_min_met EXIT 0 STDOUT "\n8 passed, 0 failed\n$"
                     ARGS test --coverage-min 100 ${runner}/pass)
  aftersale_cli_test(test.coverage_min_short EXIT 1
                     STDOUT "flow returns: transitions 0/6, timers 0/2, not fired:\n.*    tests/testing/shop\\.yaml:100: awaiting_return --\\(timer return_shipment\\)--> cancelled \\(timer\\)\n.*coverage below the minimum: tests/testing/shop\\.yaml: transition coverage 0\\.0% is below 60\\.0%\n4 passed, 0 failed\n$"
                     STDOUT_NOT "row coverage"
                     ARGS test --coverage-min 60 --coverage-full ${runner}/pass/decide.test.yaml)
  # The default report is a summary: a flow nothing fired is one line, its ids are not listed.
  aftersale_cli_test(test.coverage_summary EXIT 1
                     STDOUT "  flow returns: transitions 0/6, timers 0/2, none fired\n  \\(--coverage-full lists every id, and each transition with its place\\)\n"
                     STDOUT_NOT "tests/testing/shop\\.yaml:100:"
                     ARGS test --coverage-min 60 ${runner}/pass/decide.test.yaml)
  aftersale_cli_test(test.json EXIT 1
                     STDOUT "^{\n  \"passed\": 1,\n  \"failed\": 3,\n  \"errors\": 0,\n  \"exit_code\": 1,.*\"line\": 14,.*\"field\": \"solution\",\n *\"expected\": \"`return_then_refund`\""
                     ARGS test --format json ${runner}/fail)
endif()
