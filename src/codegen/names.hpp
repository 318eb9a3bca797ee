// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: C++ names for the policy's ids. Every name the generator writes goes through
// `cpp_name`; `name_scope` keeps the names of one scope (a namespace, an enum, a struct) apart.
#include <set>
#include <string>
#include <string_view>

namespace aftersale::codegen {

/// A C++ identifier for a policy id: every byte that is not `[A-Za-z0-9_]` becomes `_` and a
/// run of `_` becomes one (a name with `__` is reserved to the implementation, and a UTF-8 id
/// would give nothing but underscores); an empty result is `_`, a leading digit gets a `_`
/// prefix, a leading `_` before an upper-case letter an `x` prefix (`_X` is reserved). Keywords,
/// alternative tokens, macros a compiler or the C library predefines (`linux`, `errno`, ...)
/// and `std` get a `_` suffix.
std::string cpp_name(std::string_view id);

/// The names of one C++ scope. `take` gives each id its `cpp_name`, with `_2`, `_3`, ... when
/// that name is already taken in the scope (first come, first served: deterministic for a
/// deterministic order of calls).
class name_scope {
 public:
  name_scope() = default;
  /// A scope where `reserved` are taken already (the generator's own names).
  explicit name_scope(std::initializer_list<std::string_view> reserved);
  /// Marks `name` (already a C++ name) as taken.
  void reserve(std::string_view name);
  /// True when `name` is taken.
  bool taken(std::string_view name) const;
  /// The name for policy id `id` in this scope, now taken.
  std::string take(std::string_view id);
  /// `name` (already a C++ name, e.g. `cpp_name(id) + "_value"`) made unique in this scope.
  std::string take_exact(std::string name);

 private:
  std::set<std::string, std::less<>> taken_;
};

}  // namespace aftersale::codegen
