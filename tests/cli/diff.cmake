# SPDX-License-Identifier: Apache-2.0
# aftersale diff (docs/whatif.md): the requests file readers as unit tests, and the command end to
# end against reports counted independently from `aftersale decide` (diff_check.py), with every
# refusal of tests/errors/whatif/. Included by tests.cmake.
if(TARGET aftersale_cli)
  add_executable(aftersale_cli_requests_test "${CMAKE_CURRENT_SOURCE_DIR}/cli/requests_reader_test.cpp"
                                             "${PROJECT_SOURCE_DIR}/src/cli/byte_source.cpp"
                                             "${PROJECT_SOURCE_DIR}/src/cli/csv_reader.cpp"
                                             "${PROJECT_SOURCE_DIR}/src/cli/request_rows.cpp"
                                             "${PROJECT_SOURCE_DIR}/src/cli/request_json.cpp")
  target_include_directories(aftersale_cli_requests_test PRIVATE "${PROJECT_SOURCE_DIR}/src/cli" "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(aftersale_cli_requests_test PRIVATE aftersale::aftersale nlohmann_json::nlohmann_json
                                                            GTest::gtest_main)
  aftersale_target_options(aftersale_cli_requests_test)
  gtest_discover_tests(aftersale_cli_requests_test TEST_PREFIX cli. PROPERTIES LABELS cli DISCOVERY_TIMEOUT 60)

  find_program(AFTERSALE_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  add_test(NAME cli.diff.check
           COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${CMAKE_CURRENT_SOURCE_DIR}/cli/diff_check.py"
                   $<TARGET_FILE:aftersale_cli> "${PROJECT_SOURCE_DIR}")
  set_tests_properties(cli.diff.check PROPERTIES LABELS cli TIMEOUT 300)
endif()
