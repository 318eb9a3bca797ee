# SPDX-License-Identifier: Apache-2.0
# Options for targets of this project only (never for consumers' targets).
function(aftersale_target_options target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(AFTERSALE_DEVELOPER_MODE)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(AFTERSALE_SANITIZERS)
      target_compile_options(${target} PRIVATE -fsanitize=${AFTERSALE_SANITIZERS} -fno-omit-frame-pointer
                                               -fno-sanitize-recover=all)
      target_link_options(${target} PRIVATE -fsanitize=${AFTERSALE_SANITIZERS})
    endif()
    if(AFTERSALE_BUILD_FUZZERS)
      # Coverage feedback for libFuzzer in every object; only the fuzz targets link its main.
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
  endif()
endfunction()
