# SPDX-License-Identifier: Apache-2.0
# Install rules, the package config for find_package(aftersale) and the pkg-config file:
#   lib/libaftersale.a, include/aftersale/**, bin/aftersale (when built),
#   lib/cmake/aftersale/{aftersaleConfig,aftersaleConfigVersion,aftersaleTargets,aftersaleCliTargets,
#   AftersaleCompilePolicy}.cmake,
#   lib/pkgconfig/aftersale.pc, share/aftersale/policies/*.yaml
# Components (the Debian packages of cmake/AftersalePackaging.cmake): `dev` (library, headers,
# CMake and pkg-config files, policies), `cli` (bin/aftersale), `python` (bindings/CMakeLists.txt).
# Do not install a sanitizer build: the static library would then need the sanitizer
# runtime in every consumer.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AFTERSALE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/aftersale"
    CACHE STRING "Where aftersaleConfig.cmake is installed, relative to the prefix")

# yaml-cpp and date are PRIVATE dependencies of the static library; CMake exports them as
# $<LINK_ONLY:yaml-cpp> and $<LINK_ONLY:date::date-tz> because a static library's users must
# link them. aftersaleConfig.cmake finds them, so those targets exist for consumers.
install(TARGETS aftersale EXPORT aftersaleTargets COMPONENT dev
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/aftersale" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT dev FILES_MATCHING PATTERN "*.hpp")

# The CLI is exported as aftersale::cli (aftersale_compile_policy runs it) in an export set of its
# own, installed with the `cli` component: a prefix with the `dev` component only still loads.
if(TARGET aftersale_cli)
  set_target_properties(aftersale_cli PROPERTIES EXPORT_NAME cli)
  install(TARGETS aftersale_cli EXPORT aftersaleCliTargets RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT cli)
  install(EXPORT aftersaleCliTargets NAMESPACE aftersale:: DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}" COMPONENT cli)
endif()

set(AFTERSALE_INSTALL_POLICYDIR "${CMAKE_INSTALL_DATADIR}/aftersale/policies")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/policies/" DESTINATION "${AFTERSALE_INSTALL_POLICYDIR}" COMPONENT dev
        FILES_MATCHING PATTERN "*.yaml")

install(EXPORT aftersaleTargets NAMESPACE aftersale:: DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}" COMPONENT dev)

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/aftersaleConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/aftersaleConfig.cmake"
                              INSTALL_DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}"
                              PATH_VARS AFTERSALE_INSTALL_POLICYDIR)
# The promises of docs/versioning.md: in 0.x a new minor version may break the API, so only the
# same minor version is compatible (0.1 takes 0.1.x); from 1.0 on, the same major version.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(aftersale_compatibility SameMinorVersion)
else()
  set(aftersale_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/aftersaleConfigVersion.cmake"
                                 VERSION "${PROJECT_VERSION}" COMPATIBILITY ${aftersale_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/aftersaleConfig.cmake" "${PROJECT_BINARY_DIR}/aftersaleConfigVersion.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/AftersaleCompilePolicy.cmake"
        DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}" COMPONENT dev)

# aftersale.pc: the private dependencies come from what the library links (AftersaleDependencies.cmake,
# included by the top-level CMakeLists.txt), so a static link with `pkg-config --static` is complete.
set(AFTERSALE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH AFTERSALE_PC_PREFIX_FROM_PCDIR "/prefix/${AFTERSALE_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" AFTERSALE_PC_PREFIX_FROM_PCDIR "${AFTERSALE_PC_PREFIX_FROM_PCDIR}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/aftersale.pc.in" "${PROJECT_BINARY_DIR}/aftersale.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/aftersale.pc" DESTINATION "${AFTERSALE_INSTALL_PKGCONFIGDIR}" COMPONENT dev)
