# SPDX-License-Identifier: Apache-2.0
# Tests of `aftersale lint` (label `cli`): exit codes, the text summary, the JSON shape, and
# bad command lines. Included by tests/cli/tests.cmake.
if(TARGET aftersale_cli)
  set(lint_dir tests/lint)

  # The default policy has no error and one warning: `cn_store` knows the holidays of 2025 and
  # 2026 only (A420, until 2027's are announced and added); the rest are the notes (A416) of the
  # gaps `fast_review` declares intended. With --strict the warning fails the run.
  aftersale_cli_test(lint.default EXIT 0 STDERR_EMPTY STDOUT "^policies/default\\.yaml:[0-9]+:3: warning\\[A420\\]: calendar `cn_store` knows holidays through 2026 only: .*note.A416.: table `fast_review` leaves requests with `blacklisted` = `true` unanswered on purpose: .*\n0 errors, 1 warnings, [1-9][0-9]* notes\n$"
                     STDOUT_NOT "error.A4|A41[57]"
                     ARGS lint policies/default.yaml)
  aftersale_cli_test(lint.default_strict EXIT 1 STDOUT "\n0 errors, 1 warnings, [1-9][0-9]* notes\n$"
                     ARGS lint --strict policies/default.yaml)
  aftersale_cli_test(lint.gap EXIT 0 STDERR_EMPTY
                     STDOUT "^tests/lint/A406_gap\\.yaml:13:3: warning.A406.: no rule of table `after_sales` matches requests with `order_status` = `shipped`, `kind` = `refund`\n  help: [^\n]*no_match[^\n]*\n  witness: order_status=shipped, kind=refund\n0 errors, 1 warnings, 0 notes\n$"
                     ARGS lint ${lint_dir}/A406_gap.yaml)
  aftersale_cli_test(lint.strict EXIT 1 STDOUT "0 errors, 1 warnings" ARGS lint ${lint_dir}/A406_gap.yaml --strict)
  aftersale_cli_test(lint.error EXIT 1 STDERR_EMPTY
                     STDOUT "error.A407.: rules `cheap` and `shipped`.*\n  see: tests/lint/A407_overlap\\.yaml:13:9\n1 errors, 0 warnings, 0 notes\n$"
                     ARGS lint ${lint_dir}/A407_overlap.yaml)
  # Several policies: one summary over all of them.
  aftersale_cli_test(lint.several EXIT 1 STDOUT "A406_gap.*A407_overlap.*\n1 errors, 1 warnings, 0 notes\n$"
                     ARGS lint ${lint_dir}/A406_gap.yaml ${lint_dir}/A407_overlap.yaml)
  aftersale_cli_test(lint.json EXIT 0 STDERR_EMPTY
                     STDOUT "^{\"findings\":.{\"code\":\"A406\",\"severity\":\"warning\",\"where\":{\"file\":\"tests/lint/A409_uncovered_pair\\.yaml\",\"line\":11,\"column\":3},.*\"witness\":{\"order_status\":\"shipped\",\"request\":\"refund\"},\"related\":..}.*\"coverage\":.{\"table\":\"after_sales\",\"unhandled\":.*,\"errors\":0,\"warnings\":2,\"notes\":0}\n$"
                     ARGS lint ${lint_dir}/A409_uncovered_pair.yaml --format json)
  aftersale_cli_test(lint.budget EXIT 0 STDOUT "note.A411.: the gap check .*\n0 errors, 0 warnings, 2 notes\n$"
                     ARGS lint ${lint_dir}/A411_budget.yaml --max-regions 3)
  aftersale_cli_test(lint.budget_default EXIT 0 STDOUT "^0 errors, 0 warnings, 0 notes\n$"
                     ARGS lint ${lint_dir}/A411_budget.yaml)
  # --status-fact / --request-fact choose the coverage pairs: none when they are not enum facts.
  aftersale_cli_test(lint.pair_facts EXIT 0 STDOUT "^tests/lint/A409_uncovered_pair\\.yaml:11:3: warning.A406.[^\n]*\n[^\n]*\n[^\n]*\n0 errors, 1 warnings, 0 notes\n$"
                     ARGS lint ${lint_dir}/A409_uncovered_pair.yaml --request-fact nope)
  aftersale_cli_test(lint.at EXIT 0 STDOUT "0 errors" ARGS lint ${lint_dir}/A406_gap.yaml --at 2026-10-01T12:00:00+08:00)
  # A policy that does not load: its diagnostics on stderr and counted, exit 1; in JSON they are findings.
  aftersale_cli_test(lint.bad_policy EXIT 1 STDERR "error\\[E200\\]" STDOUT "^[1-9][0-9]* errors, 0 warnings, 0 notes"
                     ARGS lint ${aftersale_cli_fixtures}/bad_reference.yaml)
  aftersale_cli_test(lint.bad_policy_json EXIT 1 STDOUT "\"code\":\"E200\".*\"errors\":[1-9]"
                     ARGS lint ${aftersale_cli_fixtures}/bad_reference.yaml --format json)
  aftersale_cli_test(lint.bad_at EXIT 2 STDERR "^--at: error: `yesterday` is not a timestamp"
                     ARGS lint ${lint_dir}/A406_gap.yaml --at yesterday)
  aftersale_cli_test(lint.bad_format EXIT 2 STDERR "--format" ARGS lint ${lint_dir}/A406_gap.yaml --format xml)
  aftersale_cli_test(lint.no_policy EXIT 2 STDERR "policies" ARGS lint)
endif()
