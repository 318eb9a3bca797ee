# Store policies on the platform baseline (examples/stores/): the apparel shop's test file passes
# and lint finds no error in it; the deliberately weakened variant is refused with A410, its
# witness and both outcomes. Included by tests/cli/tests.cmake.
#   ctest -R cli.stores
if(TARGET aftersale_cli)
  aftersale_cli_test(stores.apparel_tests EXIT 0
                     STDOUT "[1-9][0-9]* passed, 0 failed\n$"
                     ARGS test examples/stores/tests)
  aftersale_cli_test(stores.apparel_lint EXIT 0
                     STDOUT "\n0 errors, [0-9]+ warnings"
                     ARGS lint examples/stores/apparel.yaml)
  aftersale_cli_test(stores.weakened_lint EXIT 1
                     STDOUT "examples/stores/apparel_weakened.yaml:17:9: error\\[A410\\]: protected outcome `seven_day_return` is weakened: [^\n]*the base's rule `seven_day_return_delivered` gives `return_then_refund`[^\n]*the store's rule `three_day_window` gives `decline_politely`[^\n]*\n  help: [^\n]*\n  witness: [^\n]*days_since_delivery=[4-7],"
                     ARGS lint examples/stores/apparel_weakened.yaml)
  set_tests_properties(cli.stores.apparel_tests cli.stores.apparel_lint cli.stores.weakened_lint
                       PROPERTIES LABELS "cli;policy")
endif()
