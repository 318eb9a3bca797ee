# SPDX-License-Identifier: Apache-2.0
# The docs check must be able to fail: run on a fixture tree, it exits 1 and prints exactly the
# expected problems, and the files its commands write stay out of the fixture tree.
#   cmake -DPYTHON=... -DCHECK=scripts/check_docs.py -DCLI=aftersale -DTREE=dir -DEXPECTED=file
#         -P expect_problems.cmake
cmake_minimum_required(VERSION 3.21)
execute_process(COMMAND "${PYTHON}" "${CHECK}" --aftersale "${CLI}" --root "${TREE}"
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ "${EXPECTED}" expected)
set(failures)
if(NOT exit_code STREQUAL "1")
  list(APPEND failures "exit code ${exit_code}, expected 1")
endif()
if(NOT out STREQUAL expected)
  list(APPEND failures "stdout differs from ${EXPECTED}")
endif()
if(EXISTS "${TREE}/note.txt")
  list(APPEND failures "a runnable block wrote ${TREE}/note.txt: commands must run in a scratch copy")
endif()
if(failures)
  message(FATAL_ERROR "${failures}\n--- stdout:\n${out}\n--- stderr:\n${err}")
endif()
