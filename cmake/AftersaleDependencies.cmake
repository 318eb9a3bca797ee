# SPDX-License-Identifier: Apache-2.0
# What each library the static library links stands for outside CMake, so that the pkg-config
# file and the Debian packages derive their dependencies from what src/CMakeLists.txt really
# links (target_link_libraries(aftersale PRIVATE ...)), and cannot drift from it.
#
#   <CMake target>|<aftersale.pc: pkg-config module, or -l flags>|<Debian -dev package>|<Debian runtime package>
#
# A header-only target has empty link columns. A target linked but missing here stops the
# configuration (with AFTERSALE_INSTALL) and fails ctest `licenses`: add its line here, its
# row in docs/licenses.md and NOTICE, and its find_dependency() in cmake/aftersaleConfig.cmake.in.
set(AFTERSALE_DEPENDENCY_MAP
    "yaml-cpp|yaml-cpp|libyaml-cpp-dev|libyaml-cpp0.7"
    "yaml-cpp::yaml-cpp|yaml-cpp|libyaml-cpp-dev|libyaml-cpp0.7"
    "date::date-tz|-ldate-tz|libhowardhinnant-date-dev|libdate-tz3"
    "Boost::boost||libboost-dev|"
    "Boost::headers||libboost-dev|"
    "SQLite::SQLite3|sqlite3|libsqlite3-dev|libsqlite3-0"
    # -lpq, not the libpq module: Debian's libpq.pc lists private libraries for a static libpq
    # (-lpgcommon -lpgport -lgssapi_krb5) that Debian does not ship, so `pkg-config --static`
    # through it cannot link; the shared libpq.so needs none of them.
    "PostgreSQL::PostgreSQL|-lpq|libpq-dev|libpq5")

# aftersale_linked_dependencies(<target> <prefix>) sets, from <target>'s LINK_LIBRARIES:
#   <prefix>_TARGETS        the linked targets, as written
#   <prefix>_PC_REQUIRES    pkg-config modules (Requires.private), comma separated
#   <prefix>_PC_LIBS        -l flags (Libs.private), space separated
#   <prefix>_DEB_DEV        Debian -dev packages, comma separated
#   <prefix>_DEB_RUNTIME    Debian runtime packages, comma separated
function(aftersale_linked_dependencies target prefix)
  get_target_property(linked ${target} LINK_LIBRARIES)
  if(NOT linked)
    set(linked "")
  endif()
  set(targets "")
  set(requires "")
  set(libs "")
  set(dev "")
  set(runtime "")
  foreach(item IN LISTS linked)
    if(TARGET "${item}")
      get_target_property(imported ${item} IMPORTED)
      get_target_property(type ${item} TYPE)
      if(NOT imported AND type STREQUAL "OBJECT_LIBRARY")
        continue()  # one of our own object libraries: part of the archive
      endif()
    endif()
    set(found FALSE)
    foreach(line IN LISTS AFTERSALE_DEPENDENCY_MAP)
      string(REPLACE "|" ";" fields "${line}")
      list(GET fields 0 name)
      if(name STREQUAL item)
        set(found TRUE)
        list(APPEND targets "${item}")
        list(GET fields 1 pc)
        list(GET fields 2 deb_dev)
        list(GET fields 3 deb_runtime)
        if(pc MATCHES "^-")
          list(APPEND libs "${pc}")
        elseif(pc)
          list(APPEND requires "${pc}")
        endif()
        if(deb_dev)
          list(APPEND dev "${deb_dev}")
        endif()
        if(deb_runtime)
          list(APPEND runtime "${deb_runtime}")
        endif()
      endif()
    endforeach()
    if(NOT found)
      message(FATAL_ERROR "${target} links `${item}`, which cmake/AftersaleDependencies.cmake does not know: add "
                          "its pkg-config and Debian names there, its license to docs/licenses.md and NOTICE")
    endif()
  endforeach()
  foreach(list targets requires libs dev runtime)
    list(REMOVE_DUPLICATES ${list})
  endforeach()
  list(JOIN requires ", " requires)
  list(JOIN libs " " libs)
  list(JOIN dev ", " dev)
  list(JOIN runtime ", " runtime)
  set(${prefix}_TARGETS "${targets}" PARENT_SCOPE)
  set(${prefix}_PC_REQUIRES "${requires}" PARENT_SCOPE)
  set(${prefix}_PC_LIBS "${libs}" PARENT_SCOPE)
  set(${prefix}_DEB_DEV "${dev}" PARENT_SCOPE)
  set(${prefix}_DEB_RUNTIME "${runtime}" PARENT_SCOPE)
endfunction()
