# SPDX-License-Identifier: Apache-2.0
# Store policies on the platform baseline (examples/stores/): the apparel shop's test file passes
# and lint finds no error in it; the deliberately weakened variant is refused with A410, its
# witness and both outcomes. The stores extend policies/default.yaml, outside their own folder:
# every command names it with `--policy-path policies`, and without it the base is refused (E216).
# Included by tests/cli/tests.cmake.
#   ctest -R cli.stores
if(TARGET aftersale_cli)
  aftersale_cli_test(stores.apparel_tests EXIT 0
                     STDOUT "[1-9][0-9]* passed, 0 failed\n$"
                     ARGS test examples/stores/tests --policy-path policies)
  aftersale_cli_test(stores.apparel_lint EXIT 0
                     STDOUT "\n0 errors, [0-9]+ warnings"
                     ARGS lint --policy-path policies examples/stores/apparel.yaml)
  aftersale_cli_test(stores.weakened_lint EXIT 1
                     STDOUT "examples/stores/apparel_weakened.yaml:17:9: error\\[A410\\]: protected outcome `seven_day_return` is weakened: [^\n]*the base's rule `seven_day_return_delivered` gives `return_then_refund`[^\n]*the store's rule `three_day_window` gives `decline_politely`[^\n]*\n  help: [^\n]*\n  witness: [^\n]*days_since_delivery=[4-7],"
                     ARGS lint examples/stores/apparel_weakened.yaml --policy-path policies)
  # The evening-shift shop puts its customer-service clocks on its own calendar, which has more
  # working time than the baseline's: its tests pass and lint proves the protected first response.
  aftersale_cli_test(stores.evening_lint EXIT 0 STDOUT "\n0 errors, [0-9]+ warnings" STDOUT_NOT "error\\[A410\\]"
                     ARGS lint --policy-path policies examples/stores/evening.yaml)
  # Closed three days: one A410, at the store's calendar, with the start that shows it.
  aftersale_cli_test(stores.evening_closed_lint EXIT 1
                     STDOUT "^examples/stores/evening_closed\\.yaml:14:3: error\\[A410\\]: protected outcome `first_response` is weakened: clock `first_response` runs 2 business hours on calendar `evening_shift`, which is not always within 2 business hours on calendar `cn_customer_service` \\(the base's\\): for a start at 2026-02-16 00:00 \\+08:00 the base's deadline is 2026-02-16 11:00 \\+08:00, the store's 2026-02-19 10:00 \\+08:00\n  help: give calendar `evening_shift` working time whenever `cn_customer_service` works [^\n]*\n  see: policies/default\\.yaml:[0-9]+:7\n  see: policies/default\\.yaml:[0-9]+:3\n.*\n1 errors, "
                     ARGS lint --policy-path policies examples/stores/evening_closed.yaml)
  aftersale_cli_test(stores.validate EXIT 0 STDERR_EMPTY
                     STDOUT "^ok: examples/stores/apparel\\.yaml [^\n]*\nok: examples/stores/apparel_weakened\\.yaml "
                     ARGS validate --policy-path policies examples/stores/apparel.yaml
                          examples/stores/apparel_weakened.yaml)
  aftersale_cli_test(stores.decide EXIT 0 STDOUT "return_then_refund"
                     ARGS decide --policy examples/stores/apparel.yaml --policy-path policies
                          --request examples/requests/02_return_refund_seven_day.json)
  # Without the policy path, the base is outside the store's folder.
  aftersale_cli_test(stores.without_policy_path EXIT 1 STDOUT "^$"
                     STDERR "^examples/stores/apparel\\.yaml:14:1: error\\[E216\\]: base policy `policies/default\\.yaml` is outside the folders policies may be read from\n  help: [^\n]*--policy-path"
                     ARGS validate examples/stores/apparel.yaml)
  aftersale_cli_test(stores.policy_path_must_exist EXIT 2 STDERR "--policy-path"
                     ARGS validate --policy-path no/such/folder examples/stores/apparel.yaml)
  # A system file named by `extends:` is refused and never quoted, whatever the command.
  aftersale_cli_test(stores.extends_etc_passwd EXIT 1 STDOUT "^$"
                     STDERR "^tests/errors/E216_outside_policy_paths\\.yaml:3:1: error\\[E216\\]: base policy `/etc/passwd` is outside the folders policies may be read from\n  help: [^\n]*\n$"
                     ARGS validate tests/errors/E216_outside_policy_paths.yaml)
  # The sales-peak shop patches one timer of the baseline's return flow (docs/store-policies.md):
  # lint finds no error (its one warning is the baseline calendar's A420: 2027's holidays are not
  # announced yet), and counting only what the stores write, their tests cover all of it.
  aftersale_cli_test(stores.sales_peak_lint EXIT 0
                     STDOUT "warning\\[A420\\][^\n]*\n(.*\n)*0 errors, 1 warnings, [0-9]+ notes\n$"
                     ARGS lint --policy-path policies examples/stores/sales_peak.yaml)
  aftersale_cli_test(stores.own_coverage EXIT 0
                     STDOUT "coverage of examples/stores/sales_peak\\.yaml \\(its own rules and transitions\\)\n[^\n]*\n  total: rows 0/0 \\(100\\.0%\\), transitions 1/1 \\(100\\.0%\\), timers 1/1 \\(100\\.0%\\)\n  flow return_then_refund: transitions 1/1, timers 1/1\n"
                     ARGS test examples/stores/tests --policy-path policies --coverage-own --coverage-min 100)
  set_tests_properties(cli.stores.sales_peak_lint cli.stores.own_coverage PROPERTIES LABELS "cli;policy")
  set_tests_properties(cli.stores.apparel_tests cli.stores.apparel_lint cli.stores.weakened_lint
                       cli.stores.evening_lint cli.stores.evening_closed_lint
                       cli.stores.validate cli.stores.decide cli.stores.without_policy_path
                       cli.stores.policy_path_must_exist cli.stores.extends_etc_passwd
                       PROPERTIES LABELS "cli;policy")
endif()
