# SPDX-License-Identifier: Apache-2.0
# Release checks, included by tests/CMakeLists.txt (docs/versioning.md, docs/licenses.md):
#   licenses, spdx (label `style`, fast): the license table against what CMake finds and links;
#     the license line of every source file; each with a fixture that shows the check can fail.
#   package.build, package.deb, package.wheel (label `package`, slow): scripts/package.sh builds
#     the Debian packages and the wheel in AFTERSALE_PACKAGE_BUILD_DIR (Release, reused between
#     runs), then they are checked from the outside: extracted with dpkg-deb -x and used, installed
#     into a fresh venv and used.
#   ctest -L package          only the packages;   ctest -LE package   everything else
set(aftersale_package_fixtures "${CMAKE_CURRENT_SOURCE_DIR}/package/fixtures")

add_test(NAME licenses COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${PROJECT_SOURCE_DIR}/scripts/check_licenses.py"
                               --root "${PROJECT_SOURCE_DIR}" --build "${PROJECT_BINARY_DIR}")
add_test(NAME licenses.finds_differences
         COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${PROJECT_SOURCE_DIR}/scripts/check_licenses.py"
                 --root "${aftersale_package_fixtures}/licenses" --build "${aftersale_package_fixtures}/licenses/linked")
set_tests_properties(licenses.finds_differences PROPERTIES
                     PASS_REGULAR_EXPRESSION "2 packages found by CMake, 3 rows in docs/licenses.md, 4 differences")
add_test(NAME spdx COMMAND "${PROJECT_SOURCE_DIR}/scripts/spdx.sh" "${PROJECT_SOURCE_DIR}")
add_test(NAME spdx.finds_missing COMMAND "${PROJECT_SOURCE_DIR}/scripts/spdx.sh" "${aftersale_package_fixtures}/spdx")
set_tests_properties(spdx.finds_missing PROPERTIES
                     PASS_REGULAR_EXPRESSION "spdx: 5 files checked, 0 fixed, 4 without the license line")
add_test(NAME spdx.fix COMMAND ${CMAKE_COMMAND} -DSCRIPT=${PROJECT_SOURCE_DIR}/scripts/spdx.sh
                               -DFIXTURE=${aftersale_package_fixtures}/spdx -DWORK=${CMAKE_CURRENT_BINARY_DIR}/spdx-fix
                               -P ${CMAKE_CURRENT_SOURCE_DIR}/package/spdx_fix.cmake)
set_tests_properties(licenses licenses.finds_differences spdx spdx.finds_missing spdx.fix PROPERTIES
                     LABELS style WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")

# The packages. The build folder is outside this build tree by default so that scripts/package.sh,
# scripts/release-check.sh and every test build share (and reuse) one.
set(AFTERSALE_PACKAGE_BUILD_DIR "${PROJECT_SOURCE_DIR}/build/package"
    CACHE PATH "Where ctest package.build builds the Release packages (scripts/package.sh --build-dir)")
set(aftersale_package_dist "${CMAKE_CURRENT_BINARY_DIR}/package/dist")
add_test(NAME package.build
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/package.sh" --build-dir "${AFTERSALE_PACKAGE_BUILD_DIR}"
                 --out "${aftersale_package_dist}")
set_tests_properties(package.build PROPERTIES FIXTURES_SETUP aftersale_packages)
add_test(NAME package.deb
         COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${CMAKE_CURRENT_SOURCE_DIR}/package/check_debs.py"
                 --dist "${aftersale_package_dist}" --work "${CMAKE_CURRENT_BINARY_DIR}/package/deb"
                 --source "${PROJECT_SOURCE_DIR}" --cxx "${CMAKE_CXX_COMPILER}"
                 --dev-depends "${AFTERSALE_LINKED_DEB_DEV}" --runtime-depends "${AFTERSALE_LINKED_DEB_RUNTIME}")
add_test(NAME package.wheel
         COMMAND "${AFTERSALE_SYSTEM_PYTHON}" "${CMAKE_CURRENT_SOURCE_DIR}/package/check_wheel.py"
                 --dist "${aftersale_package_dist}" --work "${CMAKE_CURRENT_BINARY_DIR}/package/wheel"
                 --source "${PROJECT_SOURCE_DIR}")
set_tests_properties(package.deb package.wheel PROPERTIES FIXTURES_REQUIRED aftersale_packages)
# Builds of the library: one at a time, like the consumer tests.
set_tests_properties(package.build package.deb package.wheel PROPERTIES
                     LABELS package TIMEOUT 3600 RESOURCE_LOCK aftersale_consumer_build)
