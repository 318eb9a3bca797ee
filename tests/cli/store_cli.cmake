# SPDX-License-Identifier: Apache-2.0
# Tests of `aftersale store` and `aftersale worker` (label `cli`): scenarios on a temporary SQLite
# store with the shipped default policy, and the worker stopped by SIGTERM and SIGINT.
# Included by tests/cli/tests.cmake.
#   ctest -R 'cli\.store\.|cli\.worker\.'
if(TARGET aftersale_cli)
  foreach(scenario walk errors pinning crafted never)
    add_test(NAME cli.store.${scenario}
             COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> "-DSOURCE=${PROJECT_SOURCE_DIR}"
                     "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_store/${scenario}" -DSCENARIO=${scenario}
                     -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/store_scenario.cmake")
    set_tests_properties(cli.store.${scenario} PROPERTIES LABELS cli SKIP_REGULAR_EXPRESSION "SKIPPED:")
  endforeach()
  foreach(signal TERM INT)
    add_test(NAME cli.worker.sig${signal}
             COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> "-DSOURCE=${PROJECT_SOURCE_DIR}"
                     "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_store/sig${signal}" -DSIGNAL=${signal}
                     -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/store_worker_signal.cmake")
    set_tests_properties(cli.worker.sig${signal} PROPERTIES LABELS cli TIMEOUT 60)
  endforeach()
  # Stopped while firing 5,001 due cases: between two cases, every case counted.
  add_test(NAME cli.worker.sigTERM_busy
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> "-DSOURCE=${PROJECT_SOURCE_DIR}"
                   "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_store/sigTERM_busy" -DSIGNAL=TERM -DBUSY=ON
                   -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/store_worker_signal.cmake")
  set_tests_properties(cli.worker.sigTERM_busy PROPERTIES LABELS cli TIMEOUT 120 SKIP_REGULAR_EXPRESSION "SKIPPED:")
  aftersale_cli_test(store.help EXIT 0 STDOUT "init.*migrate.*list.*show.*due.*breaches.*open.*apply"
                     ARGS store --help)
  # `aftersale store` alone prints its help: tests.cmake, cli.help.store_alone.
  aftersale_cli_test(worker.needs_policy EXIT 2 STDERR "--policy is required" ARGS worker --store x.db)
endif()
