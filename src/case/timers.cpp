// SPDX-License-Identifier: Apache-2.0
// Timers: next_deadline() and advance(), which fires due timers one by one at their own due time:
// timer transitions of the current state and the SLA notices of running clocks.
#include <algorithm>

#include "case/runtime.hpp"
#include "model/semantics.hpp"

namespace aftersale {

using detail::case_access;

namespace detail {

bool earliest_timer(const service_case& c, pending_timer& out) {
  if (!c.policy_ptr()) return false;
  const lifecycle_phase phase = c.phase();
  if (phase == lifecycle_phase::closed || phase == lifecycle_phase::resolved) return false;
  const flow_def& f = c.flow();
  const flow_dispatch& d = dispatch_of(c);
  const policy& p = c.source_policy();
  bool found = false;
  // SLA notices first: at the same instant a notice goes before a transition (a timer on the
  // clock's deadline reports the breach, then acts on it).
  for (std::uint32_t slot = 0; slot < c.clocks().size(); ++slot) {
    sys_seconds at{};
    std::uint8_t percent = 0;
    if (!next_notice(p, c.clocks()[slot], at, percent)) continue;
    if (found && at >= out.due) continue;
    out.due = at;
    out.transition = npos;
    out.slot = slot;
    out.percent = percent;
    found = true;
  }
  if (c.state_index() >= d.timers_from.size()) return found;
  const std::vector<std::uint32_t>& timers = d.timers_from[c.state_index()];
  if (timers.empty()) return found;
  std::vector<emitted_action> unused;
  const planner values(c, c.entered_at(), unused);
  for (std::uint32_t t : timers) {
    const transition_def& td = f.transitions[t];
    sys_seconds due{};
    if (td.timer.clock != npos) {
      // A clock timer catches the moment its clock falls due while the case is in the state.
      const std::uint32_t slot = clock_slot(c.clocks(), td.timer.clock);
      if (slot == npos || c.clocks()[slot].state != case_clock::status::running) continue;
      due = c.clocks()[slot].due;
    } else {
      due = add_on_calendar(p, td.timer.calendar, c.entered_at(), td.timer.after);
    }
    // Only a moment after entering counts: a timer fired at its due time does not fire again
    // in the state it entered, and a calendar with no working time never falls due.
    if (due <= c.entered_at() || due == sys_seconds::max()) continue;
    if (found && due >= out.due) continue;  // ties: a notice, then the earlier transition
    if (values.check(td.guard).condition != npos) continue;
    out.due = due;
    out.transition = t;
    out.slot = npos;
    out.percent = 0;
    found = true;
  }
  return found;
}

namespace {

// One SLA notice: the action for the host, then the clock marks it sent. Strong guarantee.
void fire_notice(service_case& c, const pending_timer& t, std::vector<outcome>& fired) {
  const policy& p = c.source_policy();
  const case_clock& k = c.clocks()[t.slot];
  outcome o = make_outcome(c, npos, npos);
  std::vector<emitted_action>& actions = case_access::actions(o);
  actions.push_back(emitted_action{t.percent == 100 ? "sla_breached" : "sla_warning",
                                   {{"clock", p.clocks[k.clock].id},
                                    {"fraction", std::to_string(t.percent)},
                                    {"deadline", format_utc(k.due)}}});
  case_access::status(o) = outcome::status::accepted;
  case_access::from(o) = c.state_index();
  case_access::to(o) = c.state_index();
  case_access::notice_clock(o) = k.clock;
  case_access::notice_percent(o) = t.percent;
  make_room(fired, 1);
  fired.push_back(std::move(o));
  case_access::clocks(c)[t.slot].notified = t.percent;  // noexcept from here
}

}  // namespace

void fire_due_timers(service_case& c, sys_seconds now, std::vector<outcome>& fired) {
  pending_timer t;
  while (earliest_timer(c, t) && t.due <= now) {
    if (t.transition == npos) {
      fire_notice(c, t, fired);
      continue;
    }
    // Fired at its own due time, as if on time: history, deadlines and entered_at say so. Never
    // before the last history entry, though: a case restored from a format-1 snapshot may hold
    // steps later than its state's entry, and history stays in time order.
    outcome o = make_outcome(c, npos, npos);
    const flow_def& f = c.flow();
    const transition_def& td = f.transitions[t.transition];
    const sys_seconds at = c.history().empty() ? t.due : std::max(t.due, c.history().back().at);
    planner plan(c, at, case_access::actions(o));
    plan.begin(history_entry::kind::timer, t.transition, npos);
    plan.effects(td);
    plan.enter(td.to);
    const bool complete = plan.automatic();
    make_room(fired, 1);  // before the commit: nothing may fail after it
    plan.commit(c, {});
    case_access::status(o) = outcome::status::accepted;
    case_access::transition(o) = t.transition;
    case_access::from(o) = case_access::state_of(o);
    case_access::to(o) = plan.state();
    case_access::steps(o) = plan.steps();
    if (!complete) case_access::detail(o) = "automatic transitions stopped: they loop";
    fired.push_back(std::move(o));
  }
}

}  // namespace detail

std::optional<sys_seconds> next_deadline(const service_case& c) {
  detail::pending_timer t;
  if (!detail::earliest_timer(c, t)) return std::nullopt;
  return t.due;
}

std::vector<outcome> advance(service_case& c, sys_seconds now) {
  std::vector<outcome> fired;
  detail::fire_due_timers(c, now, fired);
  return fired;
}

}  // namespace aftersale
