// SLA deadlines of a rule outcome, each on its clock's business calendar.
#include "evaluate_internal.hpp"

namespace aftersale::detail {

namespace {

// Without any calendar: plain UTC arithmetic, a day being 24 h.
sys_seconds add_utc(sys_seconds start, const clock_duration& d) {
  switch (d.kind) {
    case clock_kind::elapsed:
    case clock_kind::business_time: return start + std::chrono::seconds{d.amount};
    case clock_kind::calendar_days:
    case clock_kind::business_days: return start + std::chrono::seconds{d.amount * 86400};
  }
  return start;
}

}  // namespace

void compute_deadlines(const policy& p, const rule_outcome& then, sys_seconds now, std::vector<deadline>& out) {
  out.clear();
  out.reserve(then.clocks.size());
  for (std::uint32_t id : then.clocks) {
    if (id >= p.clocks.size()) continue;  // the loader resolves every clock; stay safe
    const clock_def& c = p.clocks[id];
    const std::uint32_t cal = c.calendar != npos ? c.calendar : p.info.default_calendar;
    const sys_seconds due = cal < p.calendars.size() ? p.calendars[cal].add(now, c.within) : add_utc(now, c.within);
    out.push_back(deadline{id, due});
  }
}

}  // namespace aftersale::detail
