# SPDX-License-Identifier: Apache-2.0
# The docs check (label `docs`, scripts/check_docs.py): every ```sh runnable block of docs/*.md,
# README.md and CONTRIBUTING.md runs with the built `aftersale` first on PATH, in a scratch copy
# of the tree, and must exit 0 (terminal sessions must print what they show); every relative link
# resolves. Included by tests/CMakeLists.txt.
if(TARGET aftersale_cli)
  add_test(NAME docs.check
           COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${PROJECT_SOURCE_DIR}/scripts/check_docs.py"
                   --aftersale $<TARGET_FILE:aftersale_cli>
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  # The check itself must be able to fail: a fixture tree with a failing command, an output that
  # differs, and broken links (a missing file, a missing heading, one outside the tree).
  add_test(NAME docs.check.finds_problems
           COMMAND ${CMAKE_COMMAND} "-DPYTHON=${AFTERSALE_SYSTEM_PYTHON}"
                   "-DCHECK=${PROJECT_SOURCE_DIR}/scripts/check_docs.py" -DCLI=$<TARGET_FILE:aftersale_cli>
                   "-DTREE=${CMAKE_CURRENT_SOURCE_DIR}/docs/bad_tree"
                   "-DEXPECTED=${CMAKE_CURRENT_SOURCE_DIR}/docs/bad_tree.expected"
                   -P "${CMAKE_CURRENT_SOURCE_DIR}/docs/expect_problems.cmake"
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(docs.check docs.check.finds_problems PROPERTIES LABELS docs TIMEOUT 600)
endif()
