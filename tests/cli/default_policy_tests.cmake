# SPDX-License-Identifier: Apache-2.0
# The shipped default policy's test files (policies/tests/*.test.yaml): every decide and flow case
# passes, and together they reach every decision row and fire every transition of
# policies/default.yaml. Included by tests/cli/tests.cmake.
#   ctest -R cli.default_policy
if(TARGET aftersale_cli)
  aftersale_cli_test(default_policy.tests EXIT 0
                     STDOUT "total: rows [0-9]+/[0-9]+ \\(100\\.0%\\), transitions [0-9]+/[0-9]+ \\(100\\.0%\\).*\n[0-9]+ passed, 0 failed\n$"
                     ARGS test policies/tests --coverage --coverage-min 100)
  set_tests_properties(cli.default_policy.tests PROPERTIES LABELS "cli;policy")
endif()
