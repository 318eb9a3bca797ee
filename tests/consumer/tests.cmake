# SPDX-License-Identifier: Apache-2.0
# Consumer-project tests (label `consumer`): build tests/consumer against aftersale the
# ways users do — add_subdirectory and find_package after `cmake --install`, each in C++17 and
# C++20, and a plain Makefile with pkg-config — then run it; and check that find_package refuses
# a version this one is not compatible with (docs/versioning.md). Included by tests/CMakeLists.txt.
#   ctest -L consumer          only these;   ctest -LE consumer   everything else
set(AFTERSALE_CONSUMER_ROOT "${CMAKE_CURRENT_BINARY_DIR}/consumer")
set(AFTERSALE_CONSUMER_PREFIX "${AFTERSALE_CONSUMER_ROOT}/prefix")
set(AFTERSALE_CONSUMER_JOBS 2 CACHE STRING "Parallel jobs inside each consumer-test build")
set(aftersale_consumer_common -DLAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER} -DCXX=${CMAKE_CXX_COMPILER}
                              -DJOBS=${AFTERSALE_CONSUMER_JOBS})
set(aftersale_consumer_script "${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.cmake")

add_test(NAME consumer.install
         COMMAND ${CMAKE_COMMAND} -DSTEP=install -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -DBINARY_DIR=${AFTERSALE_CONSUMER_ROOT}/install-build -DPREFIX=${AFTERSALE_CONSUMER_PREFIX}
                 ${aftersale_consumer_common} -P ${aftersale_consumer_script})
set_tests_properties(consumer.install PROPERTIES FIXTURES_SETUP aftersale_installed)

foreach(mode add_subdirectory find_package)
  foreach(standard 17 20)
    set(name consumer.${mode}.cxx${standard})
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -DSTEP=consumer -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
                     -DBINARY_DIR=${AFTERSALE_CONSUMER_ROOT}/${mode}-cxx${standard} -DMODE=${mode}
                     -DSTANDARD=${standard} -DPREFIX=${AFTERSALE_CONSUMER_PREFIX} -DREPO_DIR=${PROJECT_SOURCE_DIR}
                     -DREQUEST=${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
                     ${aftersale_consumer_common} -P ${aftersale_consumer_script})
    if(mode STREQUAL "find_package")
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED aftersale_installed)
    endif()
  endforeach()
endforeach()

# aftersale_compile_policy's depfile: editing the base of a store policy regenerates its header, and
# `aftersale compile --check` says stale before that build and fresh after it.
add_test(NAME consumer.compile_policy.regenerates
         COMMAND ${CMAKE_COMMAND} -DSTEP=regenerate -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
                 -DBINARY_DIR=${AFTERSALE_CONSUMER_ROOT}/regenerate -DPREFIX=${AFTERSALE_CONSUMER_PREFIX}
                 ${aftersale_consumer_common} -P ${aftersale_consumer_script})
set_tests_properties(consumer.compile_policy.regenerates PROPERTIES FIXTURES_REQUIRED aftersale_installed)

# find_package(aftersale X REQUIRED) with an X this version does not satisfy: the next minor
# version (it may have API this one lacks; in 0.x it may also break API) and the next major.
math(EXPR aftersale_next_minor "${PROJECT_VERSION_MINOR} + 1")
math(EXPR aftersale_next_major "${PROJECT_VERSION_MAJOR} + 1")
set(aftersale_refused_minor "${PROJECT_VERSION_MAJOR}.${aftersale_next_minor}")
foreach(kind minor major)
  if(kind STREQUAL "minor")
    set(request "${aftersale_refused_minor}")
  else()
    set(request "${aftersale_next_major}.0")
  endif()
  add_test(NAME consumer.find_package.refuses_${kind}
           COMMAND ${CMAKE_COMMAND} -DSTEP=incompatible -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
                   -DBINARY_DIR=${AFTERSALE_CONSUMER_ROOT}/refuses-${kind} -DPREFIX=${AFTERSALE_CONSUMER_PREFIX}
                   -DREQUEST=${request} ${aftersale_consumer_common} -P ${aftersale_consumer_script})
  set_tests_properties(consumer.find_package.refuses_${kind} PROPERTIES FIXTURES_REQUIRED aftersale_installed)
endforeach()

# A plain Makefile with pkg-config (aftersale.pc, --static), against the same installed prefix.
add_test(NAME consumer.pkg_config
         COMMAND ${CMAKE_COMMAND} -DSTEP=make -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
                 -DBINARY_DIR=${AFTERSALE_CONSUMER_ROOT}/pkg-config
                 -DPKG_CONFIG_PATH=${AFTERSALE_CONSUMER_PREFIX}/lib/pkgconfig ${aftersale_consumer_common}
                 -P ${aftersale_consumer_script})
set_tests_properties(consumer.pkg_config PROPERTIES FIXTURES_REQUIRED aftersale_installed)

# Each of these builds the library; one at a time keeps the machine's cores for the rest.
set(aftersale_consumer_tests consumer.install consumer.add_subdirectory.cxx17 consumer.add_subdirectory.cxx20
                             consumer.find_package.cxx17 consumer.find_package.cxx20
                             consumer.compile_policy.regenerates
                             consumer.find_package.refuses_minor consumer.find_package.refuses_major
                             consumer.pkg_config)
set_tests_properties(${aftersale_consumer_tests} PROPERTIES LABELS consumer TIMEOUT 1200
                     RESOURCE_LOCK aftersale_consumer_build)
