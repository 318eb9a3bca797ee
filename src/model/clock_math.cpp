// SPDX-License-Identifier: Apache-2.0
// Clock arithmetic shared by decisions, cases and analysis: where a duration ends on a
// policy's business calendar, or in plain UTC when the policy has no calendar.
#include <cstdint>
#include <limits>

#include "model/semantics.hpp"

namespace aftersale::detail {

namespace {

// `start + seconds`, saturating like the calendars do (a restored snapshot may carry any
// instant, so overflow must not be possible).
sys_seconds add_saturating(sys_seconds start, std::int64_t seconds) {
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t s = start.time_since_epoch().count();
  if (seconds > 0 && s > k_max - seconds) return sys_seconds{std::chrono::seconds{k_max}};
  if (seconds < 0 && s < k_min - seconds) return sys_seconds{std::chrono::seconds{k_min}};
  return sys_seconds{std::chrono::seconds{s + seconds}};
}

// Without any calendar: plain UTC arithmetic, a day being 24 h.
sys_seconds add_utc(sys_seconds start, const clock_duration& d) {
  constexpr std::int64_t k_day = 86400;
  constexpr std::int64_t k_days_max = std::numeric_limits<std::int64_t>::max() / k_day;
  switch (d.kind) {
    case clock_kind::elapsed:
    case clock_kind::business_time:
      return add_saturating(start, d.amount);
    case clock_kind::calendar_days:
    case clock_kind::business_days: {
      const std::int64_t days = d.amount > k_days_max    ? k_days_max
                                : d.amount < -k_days_max ? -k_days_max
                                                         : d.amount;
      return add_saturating(start, days * k_day);
    }
  }
  return start;
}

}  // namespace

const business_calendar* calendar_or_default(const policy& p, std::uint32_t id) noexcept {
  const std::uint32_t cal = id != npos ? id : p.info.default_calendar;
  return cal < p.calendars.size() ? &p.calendars[cal] : nullptr;
}

sys_seconds add_on_calendar(const policy& p, std::uint32_t calendar, sys_seconds start,
                            const clock_duration& d) {
  const business_calendar* cal = calendar_or_default(p, calendar);
  return cal ? cal->add(start, d) : add_utc(start, d);
}

sys_seconds clock_due(const policy& p, std::uint32_t clock, sys_seconds start) {
  const clock_def& c = p.clocks[clock];
  return add_on_calendar(p, c.calendar, start, c.within);
}

}  // namespace aftersale::detail
