# SPDX-License-Identifier: Apache-2.0
# Reads the version numbers from include/aftersale/version.hpp, the one place they are written
# (docs/versioning.md). Included before project(), which takes AFTERSALE_VERSION from here.
# Sets AFTERSALE_VERSION (MAJOR.MINOR.PATCH), AFTERSALE_POLICY_FORMAT_VERSION and
# AFTERSALE_SNAPSHOT_FORMAT_VERSION.
set(aftersale_version_header "${CMAKE_CURRENT_LIST_DIR}/../include/aftersale/version.hpp")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${aftersale_version_header}")
file(STRINGS "${aftersale_version_header}" aftersale_version_defines
     REGEX "^#define AFTERSALE_[A-Z_]+ +[0-9]+$")
foreach(name VERSION_MAJOR VERSION_MINOR VERSION_PATCH POLICY_FORMAT_VERSION SNAPSHOT_FORMAT_VERSION)
  set(value "")
  foreach(line IN LISTS aftersale_version_defines)
    if(line MATCHES "^#define AFTERSALE_${name} +([0-9]+)$")
      set(value "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(value STREQUAL "")
    message(FATAL_ERROR "${aftersale_version_header}: no `#define AFTERSALE_${name} N`")
  endif()
  set(AFTERSALE_${name} "${value}")
endforeach()
set(AFTERSALE_VERSION "${AFTERSALE_VERSION_MAJOR}.${AFTERSALE_VERSION_MINOR}.${AFTERSALE_VERSION_PATCH}")
