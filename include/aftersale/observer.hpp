// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Observability hooks: what a host implements to log or count what the library does, without
/// patching it (docs/store.md, "Observers").
///
///     struct counts : aftersale::observer {
///       std::atomic<long> decisions{0}, refused{0};
///       void on_decision(const aftersale::decision&) override { ++decisions; }
///       void on_event_refused(const aftersale::event_notice&) override { ++refused; }
///     };
///     auto obs = std::make_shared<counts>();
///     aftersale::decide_options o;  o.observer = obs.get();        // decisions
///     aftersale::decide(policy, request, now, o);
///     store.set_observer(obs);                                      // the store's events, timers, SLAs
///
/// Where each hook is called from:
/// - `on_decision`: by `decide` when `decide_options::observer` is set, before it returns.
/// - `on_event_applied` / `on_event_refused`: by `case_store::apply`, after its transaction
///   committed (refused means `refused`, `duplicate` or `conflict`: the log row is written).
/// - `on_timer_fired`: by `case_store::fire_due`, once per timer, after that case's commit.
/// - `on_sla_warning`: for every action named `sla_warning` that an applied event or a fired
///   timer emitted (after the commit), with its `clock` and `fraction` arguments.
/// - `on_sla_breach`: by `case_store::apply`, `fire_due` and `migrate`, after the commit, for each clock
///   of the case that is running and whose deadline is at or before the call's `now` but was
///   not before the case's previous change: each breach is reported once, by the call that
///   first moves the case past it.
///
/// Threading: every hook runs synchronously on the thread that made the call, while that call
/// runs (a store handle is used by one thread at a time, so one handle's hooks never overlap;
/// `decide` on several threads with one observer calls it from all of them: make it
/// thread-safe, e.g. with atomics). Hooks should be quick: they run inside the call.
///
/// Hooks must not throw. If one does, the library catches the exception and throws
/// `usage_error` E506 (naming the hook and the exception's message) from the call that invoked
/// it — after the work was done: a decision is lost to the caller, but a store change was
/// already committed and stands (read the case to see it); `fire_due` stops after the case
/// whose hook threw (the cases it fired before stay fired; the rest are fired by the next call).
///
/// With no observer set, nothing is called: decide pays one test of a null pointer.
#include <aftersale/time.hpp>
#include <cstdint>
#include <string_view>

namespace aftersale {

class decision;       // decide.hpp
struct event;         // case.hpp
struct outcome_view;  // case.hpp

/// An event the store applied, or refused (`outcome.result`: `refused`, `duplicate`, `conflict`).
struct event_notice {
  std::string_view case_id;
  const aftersale::event& event;
  const aftersale::outcome_view& outcome;
  sys_seconds at;            ///< the call's `now`
  std::int64_t version = 0;  ///< the case's version after the call
};

/// One timer that `fire_due` fired (the case's history has it at its own due time).
struct timer_notice {
  std::string_view case_id;
  const aftersale::outcome_view& outcome;
  sys_seconds at;  ///< the call's `now`
};

/// An SLA clock passing a warning fraction or its deadline.
struct sla_notice {
  std::string_view case_id;
  std::string_view clock;     ///< the policy clock's id
  std::string_view fraction;  ///< warnings: as the action gave it (e.g. `0.8`); breaches: `1`
  sys_seconds due;            ///< the clock's deadline (breaches; for warnings when the action gives `due`)
  sys_seconds at;             ///< the call's `now`
};

/// Override the hooks you need; the others do nothing.
class observer {
 public:
  virtual ~observer() = default;
  observer() = default;
  observer(const observer&) = default;
  observer& operator=(const observer&) = default;

  virtual void on_decision(const decision& d) { (void)d; }
  virtual void on_event_applied(const event_notice& n) { (void)n; }
  virtual void on_event_refused(const event_notice& n) { (void)n; }
  virtual void on_timer_fired(const timer_notice& n) { (void)n; }
  virtual void on_sla_warning(const sla_notice& n) { (void)n; }
  virtual void on_sla_breach(const sla_notice& n) { (void)n; }
};

}  // namespace aftersale
