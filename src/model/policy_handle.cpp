// SPDX-License-Identifier: Apache-2.0
// The replaceable policy (policy_handle.hpp): a shared_ptr behind a mutex, checked on the way in.
#include <aftersale/policy_handle.hpp>
#include <utility>

#include "model/compiled.hpp"

namespace aftersale {

namespace {

// What every reader may assume of the current policy: present and compiled (decide and the
// case runtime would throw E500 or E505 for it later, on every request, on every thread).
std::shared_ptr<const policy> checked(std::shared_ptr<const policy> p) {
  if (!p) throw usage_error(error_code::no_policy, "the policy handle needs a policy, got none");
  detail::compiled_of(*p);
  return p;
}

}  // namespace

policy_handle::policy_handle(std::shared_ptr<const policy> initial) : current_(checked(std::move(initial))) {}

std::shared_ptr<const policy> policy_handle::current() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

policy_version policy_handle::current_version() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return {current_, version_};
}

std::uint64_t policy_handle::version() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return version_;
}

std::uint64_t policy_handle::replace(std::shared_ptr<const policy> next) {
  next = checked(std::move(next));
  std::uint64_t now_current = 0;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    current_.swap(next);
    now_current = ++version_;
  }
  // `next` now holds the previous policy; if this was its last reference it is destroyed here,
  // outside the lock, so readers never wait for a policy's destruction.
  return now_current;
}

}  // namespace aftersale
