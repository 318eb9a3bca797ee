# SPDX-License-Identifier: Apache-2.0
# Lint witnesses are requests `aftersale decide` accepts (money in minor units, numbers and
# booleans typed in JSON). Included by tests/cli/tests.cmake.
if(TARGET aftersale_cli)
  foreach(policy "${aftersale_cli_fixtures}/lint/typed_gaps.yaml" "${PROJECT_SOURCE_DIR}/tests/lint/A406_gap.yaml"
                 "${PROJECT_SOURCE_DIR}/tests/lint/A406_gap_regions.yaml" "${PROJECT_SOURCE_DIR}/tests/lint/A406_gap_intervals.yaml"
                 "${PROJECT_SOURCE_DIR}/tests/lint/A416_intended_gap.yaml")
    get_filename_component(stem "${policy}" NAME_WE)
    add_test(NAME cli.lint.witness_replays.${stem}
             COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:aftersale_cli> -DPOLICY=${policy}
                     -DAT=2026-01-07T04:00:00Z -DWORK=${CMAKE_CURRENT_BINARY_DIR}/witness_replay/${stem}
                     -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/replay_witness.cmake"
             WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
    set_tests_properties(cli.lint.witness_replays.${stem} PROPERTIES LABELS cli)
  endforeach()
endif()
