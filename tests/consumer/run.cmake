# SPDX-License-Identifier: Apache-2.0
# Steps of the consumer tests, run with `cmake -P` so each starts from a fresh binary dir.
#   -DSTEP=install  -DSOURCE_DIR=<repo> -DBINARY_DIR=<dir> -DPREFIX=<dir>
#   -DSTEP=consumer -DSOURCE_DIR=<tests/consumer> -DBINARY_DIR=<dir> -DMODE=... -DSTANDARD=17|20
#                   [-DPREFIX=<dir>] [-DREPO_DIR=<repo>] [-DREQUEST=<version find_package asks for>]
#   -DSTEP=regenerate -DSOURCE_DIR=<tests/consumer> -DBINARY_DIR=<dir> -DPREFIX=<dir>
#                   editing a base the store policy extends regenerates its header; --check agrees
#   -DSTEP=incompatible -DSOURCE_DIR=<tests/consumer> -DBINARY_DIR=<dir> -DPREFIX=<dir> -DREQUEST=<version>
#                   find_package(aftersale <REQUEST> REQUIRED) must fail, and say why
#   -DSTEP=make     -DSOURCE_DIR=<tests/consumer> -DBINARY_DIR=<dir> -DPKG_CONFIG_PATH=<dir> [-DSTANDARD=17|20]
#                   the consumer built by tests/consumer/Makefile with pkg-config
# Common: -DLAUNCHER=<ccache or empty> -DCXX=<compiler> -DJOBS=<n>
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} COMMAND_ERROR_IS_FATAL ANY)
endfunction()

set(common_args -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX})
if(LAUNCHER)
  list(APPEND common_args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
if(NOT JOBS)
  set(JOBS 2)
endif()

file(REMOVE_RECURSE "${BINARY_DIR}")

if(STEP STREQUAL "install")
  # A build of its own, without sanitizers: an installed static library must not need them.
  file(REMOVE_RECURSE "${PREFIX}")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${common_args} -DAFTERSALE_BUILD_TESTS=OFF
      -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=ON -DAFTERSALE_INSTALL=ON)
  run(${CMAKE_COMMAND} --build "${BINARY_DIR}" -j ${JOBS})
  run(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${PREFIX}")
  run("${PREFIX}/bin/aftersale" --version)
  foreach(f lib/cmake/aftersale/aftersaleConfig.cmake lib/cmake/aftersale/aftersaleConfigVersion.cmake
          lib/cmake/aftersale/aftersaleCliTargets.cmake lib/cmake/aftersale/AftersaleCompilePolicy.cmake
          lib/pkgconfig/aftersale.pc include/aftersale/aftersale.hpp share/aftersale/policies)
    if(NOT EXISTS "${PREFIX}/${f}")
      message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
    endif()
  endforeach()
elseif(STEP STREQUAL "consumer")
  set(args ${common_args} -DCMAKE_CXX_STANDARD=${STANDARD} -DAFTERSALE_CONSUMER_MODE=${MODE})
  if(MODE STREQUAL "find_package")
    list(APPEND args -DCMAKE_PREFIX_PATH=${PREFIX} -DAFTERSALE_EXPECTED_PREFIX=${PREFIX})
  else()
    list(APPEND args -DAFTERSALE_SOURCE_DIR=${REPO_DIR})
  endif()
  if(REQUEST)
    list(APPEND args -DAFTERSALE_CONSUMER_REQUEST=${REQUEST})
  endif()
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${args})
  run(${CMAKE_COMMAND} --build "${BINARY_DIR}" -j ${JOBS})
  run("${BINARY_DIR}/consumer" "${SOURCE_DIR}/policy.yaml")
  if(MODE STREQUAL "find_package")
    set(policy_dir "${PREFIX}/share/aftersale/policies")
  else()
    set(policy_dir "${REPO_DIR}/policies")
  endif()
  run("${BINARY_DIR}/compiled" "${policy_dir}/default.yaml" "${SOURCE_DIR}/store.yaml" "${policy_dir}")
elseif(STEP STREQUAL "regenerate")
  # find_package, C++17, the baseline copied to a folder of its own: build; the header is fresh
  # (`aftersale compile --check`); edit the base (not the store policy): --check says stale, the
  # next build regenerates the store's header (the depfile names the base), --check is fresh again.
  set(policies "${BINARY_DIR}-policies")
  file(REMOVE_RECURSE "${policies}")
  file(COPY "${PREFIX}/share/aftersale/policies/default.yaml" DESTINATION "${policies}")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${common_args} -DCMAKE_CXX_STANDARD=17
      -DAFTERSALE_CONSUMER_MODE=find_package -DCMAKE_PREFIX_PATH=${PREFIX} -DAFTERSALE_EXPECTED_PREFIX=${PREFIX}
      -DAFTERSALE_CONSUMER_POLICY_DIR=${policies})
  run(${CMAKE_COMMAND} --build "${BINARY_DIR}" -j ${JOBS})
  set(header "${BINARY_DIR}/aftersale_compile/store_policy/store.hpp")
  set(check "${PREFIX}/bin/aftersale" compile --check "${header}" "${SOURCE_DIR}/store.yaml" --policy-path "${policies}")
  run(${check})
  file(READ "${header}" before)
  file(APPEND "${policies}/default.yaml" "# edited after the first build\n")
  execute_process(COMMAND ${check} RESULT_VARIABLE stale OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT stale EQUAL 1)
    message(FATAL_ERROR "--check after editing the base: exit ${stale}, expected 1 (stale)\n${out}${err}")
  endif()
  run(${CMAKE_COMMAND} --build "${BINARY_DIR}" -j ${JOBS})
  run(${check})
  file(READ "${header}" after)
  if(before STREQUAL after)
    message(FATAL_ERROR "editing the base did not regenerate ${header}")
  endif()
  run("${BINARY_DIR}/compiled" "${policies}/default.yaml" "${SOURCE_DIR}/store.yaml" "${policies}")
  message(STATUS "the base's edit regenerated the store's header; --check: stale before, fresh after")
elseif(STEP STREQUAL "incompatible")
  # The version file (aftersaleConfigVersion.cmake) must refuse REQUEST, with CMake's own message
  # naming the version it found.
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${common_args}
                          -DAFTERSALE_CONSUMER_MODE=find_package -DAFTERSALE_CONSUMER_REQUEST=${REQUEST}
                          -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
                          -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(result EQUAL 0)
    message(FATAL_ERROR "find_package(aftersale ${REQUEST} REQUIRED) was accepted:\n${out}${err}")
  endif()
  if(NOT err MATCHES "compatible with requested version \"${REQUEST}\"" OR NOT err MATCHES "version: [0-9]+\\.[0-9]+\\.[0-9]+")
    message(FATAL_ERROR "find_package(aftersale ${REQUEST}) failed, but not by its version check:\n${err}")
  endif()
  message(STATUS "refused as expected: find_package(aftersale ${REQUEST} REQUIRED)")
elseif(STEP STREQUAL "make")
  find_program(make_program NAMES make gmake REQUIRED)
  if(NOT STANDARD)
    set(STANDARD 17)
  endif()
  file(MAKE_DIRECTORY "${BINARY_DIR}")
  set(ENV{PKG_CONFIG_PATH} "${PKG_CONFIG_PATH}")
  set(cxx "${CXX}")
  if(LAUNCHER)
    set(cxx "${LAUNCHER} ${CXX}")
  endif()
  run(${make_program} -f "${SOURCE_DIR}/Makefile" "OUT=${BINARY_DIR}" "CXX=${cxx}" "CXXSTD=c++${STANDARD}")
  run("${BINARY_DIR}/consumer" "${SOURCE_DIR}/policy.yaml")
else()
  message(FATAL_ERROR "STEP must be install, consumer, regenerate, incompatible or make")
endif()
