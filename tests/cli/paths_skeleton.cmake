# SPDX-License-Identifier: Apache-2.0
# `aftersale paths -o FILE` writes a test file naming the policy relative to FILE, and
# `aftersale test` runs that skeleton of a guard-free flow and passes it as written.
#   cmake -DCLI=aftersale -DPOLICY=fixture.yaml -DWORK=dir -P paths_skeleton.cmake
cmake_minimum_required(VERSION 3.21)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/tests")
set(out "${WORK}/tests/plain.test.yaml")

execute_process(COMMAND "${CLI}" paths "${POLICY}" --flow plain -o "${out}" --now 2026-03-02T10:00:00+08:00
                RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT rc EQUAL 0 OR NOT stdout STREQUAL "" OR NOT stderr MATCHES "wrote [^\n]*plain\\.test\\.yaml: 2 cases")
  message(FATAL_ERROR "paths -o: exit ${rc}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}")
endif()

file(READ "${out}" text)
file(RELATIVE_PATH expected "${WORK}/tests" "${POLICY}")
string(FIND "${text}" "\npolicy: \"${expected}\"\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the skeleton does not name the policy as `${expected}`:\n${text}")
endif()

execute_process(COMMAND "${CLI}" test "${WORK}/tests" RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT rc EQUAL 0 OR NOT stdout MATCHES "(^|\n)2 passed, 0 failed\n")
  message(FATAL_ERROR "aftersale test on the skeleton: exit ${rc}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}\n--- skeleton ---\n${text}")
endif()
