// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A policy that one thread may replace while others decide and run cases with it.
///
///     aftersale::policy_handle live(aftersale::load_policy_file("policies/default.yaml"));
///
///     // Any number of threads, for each request (or case):
///     std::shared_ptr<const aftersale::policy> p = live.current();  // pin one version
///     aftersale::decision d = aftersale::decide(p, request, now);    // d and its case keep p alive
///
///     // The thread that reloads. A refused load throws before `replace` is called, so the
///     // handle keeps the policy it had:
///     live.replace(aftersale::load_policy_file("policies/default.yaml"));
///
/// `current()` hands out the policy as it is at that instant; a caller keeps that one for the
/// whole of its request or case, so a replacement never changes a decision half-way. A replaced
/// policy lives on for as long as a decision, a case or a caller still holds it. The whole
/// thread-safety contract of the library is in docs/threads.md.
///
/// C++17: the pointer is guarded by a mutex (`std::atomic<std::shared_ptr>` is C++20, and
/// `std::atomic_load` on a `shared_ptr` is deprecated there). The lock covers a pointer copy and a
/// reference count, never a policy's destruction.
#include <aftersale/model.hpp>
#include <cstdint>
#include <memory>
#include <mutex>

namespace aftersale {

/// A policy with the version number the handle gave it.
struct policy_version {
  std::shared_ptr<const aftersale::policy> policy;
  /// 1 for the policy the handle was made with, one more at each `replace`.
  std::uint64_t version = 0;
};

/// Holds the current policy; every member may be called from any thread at any time.
/// Not copyable nor movable: share the handle itself (by reference or `shared_ptr`).
class policy_handle {
 public:
  /// @throws usage_error: E500 for a null policy, E505 for one without its compiled part.
  explicit policy_handle(std::shared_ptr<const policy> initial);
  policy_handle(const policy_handle&) = delete;
  policy_handle& operator=(const policy_handle&) = delete;

  /// The current policy; never null.
  std::shared_ptr<const policy> current() const;
  /// The current policy and its version, read together.
  policy_version current_version() const;
  /// The current version: 1 until the first `replace`.
  std::uint64_t version() const;

  /// Makes `next` the current policy and returns its version. Callers that already hold the
  /// previous one keep it. Checked before anything changes: on a throw the handle is as it was.
  /// @throws usage_error: E500 for a null policy, E505 for one without its compiled part.
  std::uint64_t replace(std::shared_ptr<const policy> next);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const policy> current_;
  std::uint64_t version_ = 1;
};

}  // namespace aftersale
