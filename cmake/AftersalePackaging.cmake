# SPDX-License-Identifier: Apache-2.0
# Debian packages with CPack (scripts/package.sh runs it on a Release build configured with
# -DCMAKE_INSTALL_PREFIX=/usr):
#   libaftersale-dev   component `dev`: headers, libaftersale.a, CMake and pkg-config files, policies
#   aftersale          component `cli`: /usr/bin/aftersale
#   python3-aftersale  component `python`: the module for /usr/bin/python3 (AFTERSALE_BUILD_PYTHON)
# Depends: the -dev package names the -dev packages of what the static library links
# (AftersaleDependencies.cmake); the binaries' runtime packages come from dpkg-shlibdeps, which
# reads the libraries they really load. tzdata: `date` reads the OS time-zone database.
set(CPACK_PACKAGE_NAME aftersale)
set(CPACK_PACKAGE_VENDOR "The aftersale authors")
set(CPACK_PACKAGE_CONTACT "The aftersale authors <aftersale@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_COMPONENTS_ALL dev)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libaftersale-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${AFTERSALE_LINKED_DEB_DEV}, tzdata")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "aftersale C++ library: headers, static library, CMake and pkg-config files\n"
    "After-sales policy YAML as decisions, SLA deadlines and case flows. Also the example policies.")

if(TARGET aftersale_cli)
  list(APPEND CPACK_COMPONENTS_ALL cli)
  set(CPACK_DEBIAN_CLI_PACKAGE_NAME aftersale)
  set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
  set(CPACK_DEBIAN_CLI_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "tzdata")
  set(CPACK_COMPONENT_CLI_DESCRIPTION "aftersale command-line tool\n"
                                      "Validate, decide, lint, test and run cases of after-sales policies.")
endif()

if(TARGET _core)
  list(APPEND CPACK_COMPONENTS_ALL python)
  execute_process(COMMAND "${Python_EXECUTABLE}" -c "import sys; print('%d.%d' % sys.version_info[:2])"
                  OUTPUT_VARIABLE aftersale_python_version OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  string(REGEX REPLACE "^([0-9]+)\\.([0-9]+)$" "\\2" aftersale_python_minor "${aftersale_python_version}")
  math(EXPR aftersale_python_next "${aftersale_python_minor} + 1")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-aftersale)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS ON)
  # The extension is built for one interpreter (its ABI tag is in the file name).
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
      "python3 (>= ${aftersale_python_version}), python3 (<< 3.${aftersale_python_next}), tzdata")
  set(CPACK_COMPONENT_PYTHON_DESCRIPTION "aftersale Python module for python3\n"
                                         "Load policies, decide requests in batches, run cases from Python.")
endif()

# Each package carries the license (Debian keeps it as /usr/share/doc/<package>/copyright).
foreach(component IN LISTS CPACK_COMPONENTS_ALL)
  string(TOUPPER "${component}" upper)
  install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME}"
          RENAME copyright COMPONENT ${component})
  install(FILES "${PROJECT_SOURCE_DIR}/NOTICE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME}"
          COMPONENT ${component})
endforeach()

include(CPack)
