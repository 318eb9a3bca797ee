// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the pieces the case runtime is made of (src/case/).
//
// Every change to a case is first *planned* against the unchanged case (a `planner` records the
// transitions it would fire, the values it would assign and the clocks it would change, in small
// overlays), then *committed*: the allocating writes (history entries, applied id, remark text)
// come first and are rolled back if one throws, then only noexcept writes. So a refused event, or
// one that fails half-way through planning, leaves the case exactly as it was.
#include <aftersale/case.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "case/access.hpp"
#include "case/lifecycle.hpp"
#include "model/compiled.hpp"
#include "model/semantics.hpp"

namespace aftersale::detail {

/// A vector of trivially copyable values with room for `N` of them inline: planning an event
/// allocates nothing until a plan outgrows it.
template <class T, std::size_t N>
class small_vector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  small_vector() noexcept {}  // NOLINT: the inline storage stays uninitialised on purpose
  small_vector(const small_vector&) = delete;
  small_vector& operator=(const small_vector&) = delete;

  void push_back(const T& v) { append() = v; }
  /// A new last element, default-initialised: the caller fills its fields in place (building a
  /// temporary and copying it costs a store-forwarding stall on this hot path).
  T& append() {
    if (heap_.empty() && size_ < N) {
      T* slot = ::new (static_cast<void*>(inline_ + size_ * sizeof(T))) T;
      ++size_;
      return *slot;
    }
    if (heap_.empty()) heap_.assign(begin(), end());  // first overflow: move everything out
    heap_.emplace_back();
    ++size_;
    return heap_.back();
  }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T* begin() noexcept { return heap_.empty() ? std::launder(reinterpret_cast<T*>(inline_)) : heap_.data(); }
  T* end() noexcept { return begin() + size_; }
  const T* begin() const noexcept {
    return heap_.empty() ? std::launder(reinterpret_cast<const T*>(inline_)) : heap_.data();
  }
  const T* end() const noexcept { return begin() + size_; }
  T& operator[](std::size_t i) noexcept { return begin()[i]; }
  const T& operator[](std::size_t i) const noexcept { return begin()[i]; }
  T& back() noexcept { return begin()[size_ - 1]; }

 private:
  alignas(T) unsigned char inline_[N * sizeof(T)];
  std::size_t size_ = 0;
  std::vector<T> heap_;
};

/// Room for `extra` more elements, growing geometrically so appends stay amortised O(1) (a plain
/// `reserve(size() + 1)` would reallocate on every append). The first allocation takes room for
/// `first` elements: a case's history usually stays within 8 entries, so it is allocated once.
template <class V>
void make_room(V& v, std::size_t extra, std::size_t first = 8) {
  if (v.capacity() - v.size() >= extra) return;
  v.reserve(std::max({v.size() + extra, 2 * v.capacity(), first}));
}

// ---------------------------------------------------------------------------------------------
// Clocks (clocks.cpp)

/// Clock `k` after `action` at `now`, computed on the clock's calendar: `start` sets a new
/// deadline, `pause` freezes the time left (working time for business clocks), `resume` counts
/// it again from `now`, `reset` starts a running or paused clock again, `stop` marks it met. An action that
/// does not apply (pausing a clock that is not running, resuming one that is not paused, stopping an idle
/// one) changes nothing.
case_clock clock_after(const policy& p, case_clock k, clock_action action, sys_seconds now);

/// The next SLA notice a clock sends: a running clock whose policy clock has `warn_at` warns at
/// each percentage of its limit above `k.notified` (when the time left is the rest of the limit,
/// so the warnings move with a paused deadline), then reports the breach (100) at its deadline.
/// Writes its instant and percentage; false when none is pending (not running, a clock without
/// warnings, never due, or every notice sent).
bool next_notice(const policy& p, const case_clock& k, sys_seconds& at, std::uint8_t& percent);

/// Index in `clocks` (sorted by policy clock) of the slot for `policy_clock`, or npos.
std::uint32_t clock_slot(const std::vector<case_clock>& clocks, std::uint32_t policy_clock) noexcept;

// ---------------------------------------------------------------------------------------------
// Planning and committing (case_plan.cpp)

/// What the lifecycle is told when the flow enters `s`.
inline lifecycle_input entry_input(const state_def& s) noexcept {
  if (s.terminal || s.phase == state_phase::resolved) return lifecycle_input::entered_terminal;
  return s.phase == state_phase::waiting_on_customer ? lifecycle_input::entered_waiting
                                                     : lifecycle_input::entered_active;
}

/// One value assigned while planning: a value index (facts, then the flow's variables).
struct planned_value {
  std::uint32_t index;
  std::int64_t value;
};

/// One clock slot changed while planning.
struct planned_clock {
  std::uint32_t slot;
  case_clock value;
};

/// One transition (or lifecycle step) the plan fires; becomes one history entry.
struct planned_step {
  history_entry::kind what;
  std::uint32_t transition;
  std::uint32_t role;
  std::uint32_t from, to;
  std::uint32_t values_begin, values_end;  ///< its assignments: a range of planner::values_
  sys_seconds at;
};

/// Where the first false condition of a guard is, and what it saw.
struct guard_failure {
  std::uint32_t condition = npos;  ///< npos: the guard holds
  std::int64_t value = 0;
  bool present = false;
};

/// Checks `guard` against values read by `get(index, out) -> bool present` (the case's, or a
/// plan's overlay over them).
template <class Get>
guard_failure check_guard(const std::vector<condition>& guard, const Get& get) noexcept {
  guard_failure g;
  for (std::uint32_t i = 0; i < guard.size(); ++i) {
    std::int64_t v = 0;
    const bool present = get(guard[i].fact, v);
    if (condition_holds(guard[i], present, v)) continue;
    g.condition = i;
    g.value = present ? v : 0;
    g.present = present;
    return g;
  }
  return g;
}

/// Reads a case's own values (no plan).
struct case_values {
  const service_case& c;
  bool operator()(std::uint32_t i, std::int64_t& out) const noexcept {
    if (!c.has_value(i)) return false;
    out = c.value(i);
    return true;
  }
};

/// The dispatch lists of `c`'s flow (`c` has a policy). Unchecked: a case gets its policy only
/// from `open_case` or `from_json`, which check that it is compiled.
inline const flow_dispatch& dispatch_of(const service_case& c) noexcept {
  return c.source_policy().compiled->flows[c.flow_index()];
}

/// True when firing transition `t` only moves the case: no effects, a target without clock
/// actions and without automatic transitions. Such a step needs no plan (`commit_move`).
inline bool plain_move(const flow_def& f, const flow_dispatch& d, const transition_def& t) noexcept {
  return t.effects.empty() && f.states[t.to].on_entry.empty() &&
         (t.to >= d.automatic_from.size() || d.automatic_from[t.to].empty());
}

/// Fires a plain move (see `plain_move`) of `c` to state `to` at `now` as one history entry.
/// Strong guarantee, like `planner::commit`.
void commit_move(service_case& c, history_entry::kind what, std::uint32_t transition, std::uint32_t role,
                 std::uint32_t to, sys_seconds now, std::string_view id, std::uint64_t digest);

/// Plans changes to one case without touching it, then commits them.
class planner {
 public:
  /// `actions` receives the actions emitted, in order (the outcome's list).
  planner(const service_case& c, sys_seconds now, std::vector<emitted_action>& actions) noexcept;

  /// The value `i` as planned so far; false when absent.
  bool get(std::uint32_t i, std::int64_t& out) const noexcept;
  /// Checks `guard` against the values as planned so far.
  guard_failure check(const std::vector<condition>& guard) const noexcept;
  /// True when `role` may fire `t` (no roles listed: any role).
  static bool allows(const std::vector<std::uint32_t>& roles, std::uint32_t role) noexcept;

  /// Starts a history step leaving the current state (npos when opening).
  void begin(history_entry::kind what, std::uint32_t transition, std::uint32_t role);
  /// Names the transition the current step fires (chosen after the payload was planned).
  void choose(std::uint32_t transition) noexcept { steps_.back().transition = transition; }
  /// Assigns value `i` in the current step.
  void assign(std::uint32_t i, std::int64_t v);
  /// Runs the effects of transition `t` in order.
  void effects(const transition_def& t);
  /// Enters state `s` (its clock actions, the lifecycle input) and ends the current step there.
  void enter(std::uint32_t s);
  /// Ends the current step without entering a state (`close`).
  void stay();
  /// Feeds the lifecycle; an input the lifecycle refuses leaves the phase as it is.
  void lifecycle(lifecycle_input in) noexcept;
  /// Fires automatic transitions from the current state while one's guard holds, at most
  /// `states.size()` of them (the loader refuses automatic cycles; this bounds hand-built flows).
  /// Returns false when it stopped at that bound.
  bool automatic();

  std::uint32_t state() const noexcept { return state_; }
  lifecycle_phase phase() const noexcept { return phase_; }
  std::uint32_t steps() const noexcept { return static_cast<std::uint32_t>(steps_.size()); }

  /// Writes the plan into `c` (the case it was planned on), recording `id` as applied when not
  /// empty, with the event's `digest` (see `event_digest`). Strong guarantee: if it throws, `c`
  /// is unchanged.
  void commit(service_case& c, std::string_view id, std::uint64_t digest = 0) const;

 private:
  case_clock clock(std::uint32_t slot) const noexcept;
  void clock_action_on(std::uint32_t policy_clock, clock_action a);
  void escalate(std::uint32_t role);

  const service_case& c_;
  const policy& p_;
  const flow_def& f_;
  const flow_dispatch& d_;
  sys_seconds now_;
  std::vector<emitted_action>& actions_;
  std::uint32_t state_;
  lifecycle_phase phase_;
  std::uint32_t escalation_;
  std::uint32_t remark_flag_;
  const localized_text* remark_ = nullptr;  ///< new remark text; nullptr = unchanged
  sys_seconds entered_at_;
  small_vector<planned_value, 8> values_;
  small_vector<planned_clock, 4> clocks_;
  small_vector<planned_step, 4> steps_;
};

// ---------------------------------------------------------------------------------------------
// Applying (case_apply.cpp) and timers (case_timers.cpp)

/// The hash of an event as sent, kept with its id in the history (`history_entry::event_digest`):
/// the event and role names and the payload's values as given. Never 0 (0 means unknown).
std::uint64_t event_digest(std::string_view event, std::string_view role, const request* payload);

/// The outcome skeleton for an event on `c` (policy, flow, state, event and role filled in).
outcome make_outcome(const service_case& c, std::uint32_t event, std::uint32_t role);

/// The earliest timer of the case: a timer transition of the current state that can fire, or
/// an SLA notice of a running clock (`next_notice`). Ties: notices first (in clock order), then
/// transitions in policy order. Nothing when the case is resolved or closed, or nothing is pending.
struct pending_timer {
  sys_seconds due;
  std::uint32_t transition = npos;  ///< a timer transition; npos for a notice
  std::uint32_t slot = npos;        ///< a notice: the clock slot
  std::uint8_t percent = 0;         ///< a notice: the percentage of the limit (100: the breach)
};
bool earliest_timer(const service_case& c, pending_timer& out);

/// Fires every timer and notice due at or before `now` (see `advance`), appending one outcome each.
void fire_due_timers(service_case& c, sys_seconds now, std::vector<outcome>& fired);

}  // namespace aftersale::detail
