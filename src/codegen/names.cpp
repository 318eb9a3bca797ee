// SPDX-License-Identifier: Apache-2.0
// C++ names for policy ids, and the scopes that keep them apart.
#include "codegen/names.hpp"

#include <algorithm>
#include <iterator>

namespace aftersale::codegen {

namespace {

// Keywords and alternative tokens of C++20, and names a C++ compiler or the C library defines
// as macros (GNU mode defines `linux` and `unix`), and `std`, which would hide the standard
// library from the generated namespace.
constexpr std::string_view k_reserved[] = {
    "alignas",     "alignof",   "and",        "and_eq",    "asm",       "auto",         "bitand",
    "bitor",       "bool",      "break",      "case",      "catch",     "char",         "char8_t",
    "char16_t",    "char32_t",  "class",      "compl",     "concept",   "const",        "consteval",
    "constexpr",   "constinit", "const_cast", "continue",  "co_await",  "co_return",    "co_yield",
    "decltype",    "default",   "delete",     "do",        "double",    "dynamic_cast", "else",
    "enum",        "explicit",  "export",     "extern",    "false",     "float",        "for",
    "friend",      "goto",      "if",         "inline",    "int",       "long",         "mutable",
    "namespace",   "new",       "noexcept",   "not",       "not_eq",    "nullptr",      "operator",
    "or",          "or_eq",     "private",    "protected", "public",    "register",     "reinterpret_cast",
    "requires",    "return",    "short",      "signed",    "sizeof",    "static",       "static_assert",
    "static_cast", "struct",    "switch",     "template",  "this",      "thread_local", "throw",
    "true",        "try",       "typedef",    "typeid",    "typename",  "union",        "unsigned",
    "using",       "virtual",   "void",       "volatile",  "wchar_t",   "while",        "xor",
    "xor_eq",      "final",     "override",   "import",    "module",    "linux",        "unix",
    "errno",       "assert",    "NULL",       "EOF",       "stdin",     "stdout",       "stderr",
    "offsetof",    "setjmp",    "va_arg",     "major",     "minor",     "makedev",      "std",
    "i386",        "BUFSIZ",    "CHAR_BIT",   "INT64_MAX", "INT64_MIN", "UINT64_MAX",   "SIZE_MAX"};

bool is_reserved(std::string_view name) {
  return std::find(std::begin(k_reserved), std::end(k_reserved), name) != std::end(k_reserved);
}

bool identifier_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string cpp_name(std::string_view id) {
  std::string out;
  out.reserve(id.size() + 2);
  for (const unsigned char c : id) {
    const char ch = identifier_byte(c) ? static_cast<char>(c) : '_';
    if (ch == '_' && !out.empty() && out.back() == '_') continue;
    out += ch;
  }
  if (out.empty()) return "_";
  if (out[0] >= '0' && out[0] <= '9') out.insert(0, 1, '_');
  if (out.size() > 1 && out[0] == '_' && out[1] >= 'A' && out[1] <= 'Z') out.insert(0, 1, 'x');
  if (is_reserved(out)) out += '_';
  return out;
}

name_scope::name_scope(std::initializer_list<std::string_view> reserved) {
  for (std::string_view r : reserved) reserve(r);
}

void name_scope::reserve(std::string_view name) { taken_.emplace(name); }

bool name_scope::taken(std::string_view name) const { return taken_.find(name) != taken_.end(); }

std::string name_scope::take(std::string_view id) { return take_exact(cpp_name(id)); }

std::string name_scope::take_exact(std::string name) {
  std::string candidate = name;
  for (int n = 2; taken(candidate); ++n) {
    // `_2` after a trailing `_` would make `__`.
    candidate = name + (name.back() == '_' ? "" : "_") + std::to_string(n);
  }
  taken_.insert(candidate);
  return candidate;
}

}  // namespace aftersale::codegen
