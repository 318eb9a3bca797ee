# SPDX-License-Identifier: Apache-2.0
# aftersale compile: the header of the default policy, --check fresh / stale / edited base
# (compile_check.cmake, in a scratch copy of fixtures/compile), and the command's refusals.
# Included by tests/cli/tests.cmake.
#   ctest -R cli.compile
if(TARGET aftersale_cli)
  add_test(NAME cli.compile.check
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli>
                   "-DFIXTURES=${CMAKE_CURRENT_SOURCE_DIR}/cli/fixtures/compile"
                   "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_compile_check"
                   -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/compile_check.cmake")
  set_tests_properties(cli.compile.check PROPERTIES LABELS cli)
  aftersale_cli_test(compile.default_policy EXIT 0 STDERR_EMPTY STDOUT "^$"
                     ARGS compile policies/default.yaml -o "${CMAKE_CURRENT_BINARY_DIR}/cli_compile_default.hpp")
  aftersale_cli_test(compile.store_needs_policy_path EXIT 1 STDERR "error\\[E216\\]"
                     ARGS compile examples/stores/apparel.yaml -o "${CMAKE_CURRENT_BINARY_DIR}/cli_compile_apparel.hpp")
  aftersale_cli_test(compile.needs_output EXIT 2
                     STDERR "^error: compile needs --output \\(-o\\) HEADER, or --check HEADER\n$"
                     ARGS compile policies/default.yaml)
  aftersale_cli_test(compile.unwritable EXIT 2
                     STDERR "^error\\[E511\\]: cannot write `no/such/folder/p\\.hpp`: "
                     ARGS compile policies/default.yaml -o no/such/folder/p.hpp)
  aftersale_cli_test(compile.check_excludes_output EXIT 2 STDERR "excludes"
                     ARGS compile --check a.hpp policies/default.yaml -o b.hpp)
endif()
