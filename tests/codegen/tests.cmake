# SPDX-License-Identifier: Apache-2.0
# The code generator (docs/compile.md): unit tests of its names and stamps, and the quick guard
# that generated decisions equal interpreted ones. The build generates headers with the built
# `aftersale` CLI and compiles the comparison once as C++17 and once as C++20 (label `codegen`).
# Included by tests/CMakeLists.txt.
if(TARGET aftersale_cli)
  set(aftersale_codegen_dir "${CMAKE_CURRENT_BINARY_DIR}/codegen")
  set(aftersale_codegen_headers)
  file(MAKE_DIRECTORY "${aftersale_codegen_dir}")
  foreach(spec "default|${PROJECT_SOURCE_DIR}/policies/default.yaml"
               "apparel|${PROJECT_SOURCE_DIR}/examples/stores/apparel.yaml"
               "edge|${PROJECT_SOURCE_DIR}/tests/codegen/edge.yaml")
    string(REPLACE "|" ";" spec "${spec}")
    list(GET spec 0 name)
    list(GET spec 1 policy)
    set(header "${aftersale_codegen_dir}/codegen_${name}.hpp")
    add_custom_command(
      OUTPUT "${header}"
      COMMAND aftersale_cli compile "${policy}" -o "${header}" --namespace gen_${name}
              --depfile "${header}.d" --policy-path "${PROJECT_SOURCE_DIR}/policies"
      DEPENDS aftersale_cli "${policy}"
      DEPFILE "${header}.d"
      COMMENT "aftersale compile ${name}"
      VERBATIM)
    list(APPEND aftersale_codegen_headers "${header}")
  endforeach()
  add_custom_target(aftersale_codegen_headers DEPENDS ${aftersale_codegen_headers})

  foreach(standard 17 20)
    set(target aftersale_codegen_equal_cxx${standard}_test)
    add_executable(${target} codegen/equal_test.cpp)
    add_dependencies(${target} aftersale_codegen_headers)
    set_target_properties(${target} PROPERTIES CXX_STANDARD ${standard} CXX_STANDARD_REQUIRED ON)
    target_link_libraries(${target} PRIVATE aftersale::aftersale GTest::gtest_main)
    target_include_directories(${target} PRIVATE "${aftersale_codegen_dir}" "${CMAKE_CURRENT_SOURCE_DIR}")
    target_compile_definitions(${target} PRIVATE AFTERSALE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    aftersale_target_options(${target})
    gtest_discover_tests(${target} TEST_PREFIX cxx${standard}. WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                         DISCOVERY_TIMEOUT 60 PROPERTIES LABELS codegen)
  endforeach()
endif()

# The same headers through clang++ too (g++ builds them above), when it is installed.
find_program(AFTERSALE_CLANGXX NAMES clang++-14 clang++)
if(TARGET aftersale_cli AND AFTERSALE_CLANGXX)
  foreach(standard 17 20)
    add_test(NAME codegen.clang.cxx${standard}
             COMMAND "${AFTERSALE_CLANGXX}" -std=c++${standard} -fsyntax-only -Wall -Wextra -Wpedantic -Werror
                     -I "${PROJECT_SOURCE_DIR}/include" -I "${aftersale_codegen_dir}"
                     "${CMAKE_CURRENT_SOURCE_DIR}/codegen/all_headers.cpp")
    set_tests_properties(codegen.clang.cxx${standard} PROPERTIES LABELS codegen)
  endforeach()
endif()
