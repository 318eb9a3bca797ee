// SPDX-License-Identifier: Apache-2.0
#pragma once
// Calling an observer hook (observer.hpp): an exception escaping a hook becomes usage_error
// E506, thrown after the caller's work is done.
#include <aftersale/observer.hpp>
#include <exception>

namespace aftersale::detail {

/// Throws usage_error E506 for an exception that escaped hook `hook`.
[[noreturn]] void observer_threw(const char* hook, std::exception_ptr e);

/// Calls `call(*o)`; `o` must not be null.
template <class Call>
void notify(observer* o, const char* hook, Call&& call) {
  try {
    call(*o);
  } catch (...) {
    observer_threw(hook, std::current_exception());
  }
}

}  // namespace aftersale::detail
