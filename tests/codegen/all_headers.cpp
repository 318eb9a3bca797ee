// SPDX-License-Identifier: Apache-2.0
// The generated headers together in one translation unit: ctest `codegen.clang.*` checks them
// with clang++ (when installed) as C++17 and C++20, warnings as errors (tests/codegen/tests.cmake).
#include "codegen_apparel.hpp"
#include "codegen_default.hpp"
#include "codegen_edge.hpp"

int main() { return gen_default::reflect::table_count == 0 ? 1 : 0; }
