# Install rules and the package config for find_package(aftersale):
#   lib/libaftersale.a, include/aftersale/**, bin/aftersale (when built),
#   lib/cmake/aftersale/{aftersaleConfig,aftersaleConfigVersion,aftersaleTargets}.cmake,
#   share/aftersale/policies/*.yaml
# Do not install a sanitizer build: the static library would then need the sanitizer
# runtime in every consumer.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AFTERSALE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/aftersale"
    CACHE STRING "Where aftersaleConfig.cmake is installed, relative to the prefix")

# yaml-cpp and date are PRIVATE dependencies of the static library; CMake exports them as
# $<LINK_ONLY:yaml-cpp> and $<LINK_ONLY:date::date-tz> because a static library's users must
# link them. aftersaleConfig.cmake finds them, so those targets exist for consumers.
install(TARGETS aftersale EXPORT aftersaleTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/aftersale" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")

if(TARGET aftersale_cli)
  install(TARGETS aftersale_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()

set(AFTERSALE_INSTALL_POLICYDIR "${CMAKE_INSTALL_DATADIR}/aftersale/policies")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/policies/" DESTINATION "${AFTERSALE_INSTALL_POLICYDIR}"
        FILES_MATCHING PATTERN "*.yaml")

install(EXPORT aftersaleTargets NAMESPACE aftersale:: DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}")

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/aftersaleConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/aftersaleConfig.cmake"
                              INSTALL_DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}"
                              PATH_VARS AFTERSALE_INSTALL_POLICYDIR)
# 0.x: a new minor version may change the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/aftersaleConfigVersion.cmake"
                                 VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/aftersaleConfig.cmake" "${PROJECT_BINARY_DIR}/aftersaleConfigVersion.cmake"
        DESTINATION "${AFTERSALE_INSTALL_CMAKEDIR}")
