// SLA clocks of a case: start, pause, resume and stop, each counted on the clock's calendar.
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
    case clock_action::start:
      k.state = status::running;
      k.started = now;
      k.due = clock_due(p, k.clock, now);
      k.remaining = std::chrono::seconds{0};
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

std::uint32_t clock_slot(const std::vector<case_clock>& clocks, std::uint32_t policy_clock) noexcept {
  const auto it = std::lower_bound(clocks.begin(), clocks.end(), policy_clock,
                                   [](const case_clock& k, std::uint32_t id) { return k.clock < id; });
  return it != clocks.end() && it->clock == policy_clock ? static_cast<std::uint32_t>(it - clocks.begin())
                                                         : npos;
}

}  // namespace aftersale::detail
