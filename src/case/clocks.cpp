// SPDX-License-Identifier: Apache-2.0
// SLA clocks of a case: start, pause, resume, reset and stop, each counted on the clock's
// calendar, and the SLA notices (`warn_at` warnings, then the breach) a running clock sends.
#include <algorithm>

#include "case/runtime.hpp"
#include "model/semantics.hpp"

namespace aftersale::detail {

namespace {

// Business clocks count working time: pausing one keeps the working time left, not the hours.
bool counts_working_time(clock_kind k) noexcept {
  return k == clock_kind::business_time || k == clock_kind::business_days;
}

}  // namespace

case_clock clock_after(const policy& p, case_clock k, clock_action action, sys_seconds now) {
  const clock_def& def = p.clocks[k.clock];
  using status = case_clock::status;
  switch (action) {
    case clock_action::reset:
      // Only a clock that is counting starts again; an idle or a met one stays as it is.
      if (k.state != status::running && k.state != status::paused) return k;
      [[fallthrough]];
    case clock_action::start:
      k.state = status::running;
      k.started = now;
      k.due = clock_due(p, k.clock, now);
      k.remaining = std::chrono::seconds{0};
      k.notified = 0;  // a fresh start sends its notices again
      return k;
    case clock_action::stop:
      if (k.state == status::running || k.state == status::paused) k.state = status::stopped;
      return k;
    case clock_action::pause: {
      if (k.state != status::running) return k;
      // An overdue clock is paused with nothing left: resuming it leaves it due at once. One
      // that never falls due keeps `due` == never_due (as its snapshot does), and resuming it
      // leaves it never due: its time left is not a number of seconds.
      const business_calendar* cal = calendar_or_default(p, def.calendar);
      std::chrono::seconds left{0};
      if (k.due > now && k.due != never_due)
        left =
            cal && counts_working_time(def.within.kind) ? cal->working_time_between(now, k.due) : k.due - now;
      k.state = status::paused;
      k.remaining = left;
      return k;
    }
    case clock_action::resume: {
      if (k.state != status::paused) return k;
      const clock_duration rest{
          counts_working_time(def.within.kind) ? clock_kind::business_time : clock_kind::elapsed,
          k.remaining.count()};
      k.state = status::running;
      if (k.due != never_due) k.due = add_on_calendar(p, def.calendar, now, rest);
      k.remaining = std::chrono::seconds{0};
      return k;
    }
  }
  return k;
}

bool next_notice(const policy& p, const case_clock& k, sys_seconds& at, std::uint8_t& percent) {
  if (k.state != case_clock::status::running || k.notified >= 100 || k.clock >= p.clocks.size()) return false;
  const clock_def& def = p.clocks[k.clock];
  if (def.warn_at.empty() || k.due == never_due) return false;
  percent = 100;
  for (const std::uint8_t w : def.warn_at) {
    if (w > k.notified) {
      percent = w;
      break;
    }
  }
  at = k.due;
  if (percent == 100) return true;
  // A warning falls when the time left before the deadline is (100 - percent) % of the limit the
  // clock was started with. Defined from the deadline, it moves with it when the clock is paused
  // and resumed. Time is counted like the clock's pause counts it: working time for business
  // clocks, elapsed time otherwise; the instant is found forward from the start (the working time
  // between two instants adds up, so the paused stretch counts on both sides and cancels out).
  const sys_seconds full = clock_due(p, k.clock, k.started);
  if (full == never_due) return true;  // no limit to take a fraction of: the breach only
  const business_calendar* cal = calendar_or_default(p, def.calendar);
  const bool working = cal && counts_working_time(def.within.kind);
  const auto between = [&](sys_seconds from, sys_seconds to) {
    if (to <= from) return std::chrono::seconds{0};
    return working ? cal->working_time_between(from, to) : std::chrono::seconds{to - from};
  };
  const std::int64_t limit = between(k.started, full).count();
  const std::int64_t left = limit - limit * percent / 100;
  const std::int64_t offset = between(k.started, k.due).count() - left;
  if (offset <= 0) {
    at = k.started;
    return true;
  }
  at = add_on_calendar(p, def.calendar, k.started,
                       clock_duration{working ? clock_kind::business_time : clock_kind::elapsed, offset});
  at = std::min(at, k.due);
  return true;
}

std::uint32_t clock_slot(const std::vector<case_clock>& clocks, std::uint32_t policy_clock) noexcept {
  const auto it = std::lower_bound(clocks.begin(), clocks.end(), policy_clock,
                                   [](const case_clock& k, std::uint32_t id) { return k.clock < id; });
  return it != clocks.end() && it->clock == policy_clock ? static_cast<std::uint32_t>(it - clocks.begin())
                                                         : npos;
}

}  // namespace aftersale::detail
