# SPDX-License-Identifier: Apache-2.0
# ctest spdx.fix: scripts/spdx.sh --fix on a copy of tests/package/fixtures/spdx adds the line to
# the three files without it, leaves the misplaced one to a person, keeps scripts executable,
# and changes nothing when run again.
#   cmake -DSCRIPT=<spdx.sh> -DFIXTURE=<dir> -DWORK=<dir> -P spdx_fix.cmake
file(REMOVE_RECURSE "${WORK}")
file(COPY "${FIXTURE}/" DESTINATION "${WORK}" USE_SOURCE_PERMISSIONS)

function(fix expected)
  execute_process(COMMAND "${SCRIPT}" --fix "${WORK}" OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "spdx.sh --fix said:\n${out}\nexpected: ${expected}")
  endif()
endfunction()

fix("spdx: 5 files checked, 3 fixed, 1 without the license line")
fix("spdx: 5 files checked, 0 fixed, 1 without the license line")

file(STRINGS "${WORK}/scripts/tool.sh" tool)
list(GET tool 0 first)
list(GET tool 1 second)
if(NOT first STREQUAL "#!/usr/bin/env bash" OR NOT second STREQUAL "# SPDX-License-Identifier: Apache-2.0")
  message(FATAL_ERROR "tool.sh: the license line belongs after the #! line: ${tool}")
endif()
execute_process(COMMAND "${WORK}/scripts/tool.sh" RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tool.sh is no longer executable after --fix")
endif()
file(READ "${WORK}/src/missing.hpp" hpp)
if(NOT hpp STREQUAL "// SPDX-License-Identifier: Apache-2.0\n#pragma once\nint missing();\n")
  message(FATAL_ERROR "missing.hpp after --fix:\n${hpp}")
endif()
file(READ "${WORK}/misplaced.py" py)
file(READ "${FIXTURE}/misplaced.py" original)
if(NOT py STREQUAL original)
  message(FATAL_ERROR "misplaced.py was changed; it should be left to a person")
endif()
message(STATUS "spdx.sh --fix: added where missing, idempotent")
