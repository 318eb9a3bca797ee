// SPDX-License-Identifier: Apache-2.0
// The definition per local date, conversions through date/tz, and the day-by-day walk that
// answers outside the precomputed window (and, in tests, checks the window tables).
#include <algorithm>
#include <limits>

#include "calendar/impl.hpp"

namespace aftersale {

using detail::day_number;
using detail::k_day;
using detail::k_never;
using detail::local_rule;

namespace {

// date/tz is asked only about years 0001..9999; beyond that the answer would be meaningless.
constexpr std::int64_t k_first_instant = detail::k_calendar_first_second;
constexpr std::int64_t k_last_instant = detail::k_iso_last_second;

}  // namespace

bool business_calendar::impl::is_holiday(day_number d) const {
  return std::binary_search(holidays.begin(), holidays.end(), d);
}

bool business_calendar::impl::is_makeup(day_number d) const {
  return std::binary_search(makeups.begin(), makeups.end(), d);
}

const std::vector<working_period>& business_calendar::impl::hours_of(day_number d) const {
  static const std::vector<working_period> k_none;
  if (is_holiday(d)) return k_none;
  if (is_makeup(d)) return makeup_hours;
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const auto weekday = static_cast<std::size_t>(d + 3 - detail::floor_div(d + 3, 7) * 7);
  return def.week[weekday];
}

bool business_calendar::impl::no_work_after(day_number d) const {
  return !has_weekly_hours && (makeups.empty() || d >= makeups.back());
}

std::int64_t business_calendar::impl::offset_at_tz(std::int64_t t) const {
  const date::sys_seconds at{std::chrono::seconds{detail::clamp_to_calendar_range(t)}};
  return zone->get_info(at).offset.count();
}

std::int64_t business_calendar::impl::to_sys_tz(std::int64_t local, local_rule rule) const {
  const std::int64_t l = detail::clamp_to_calendar_range(local);
  const date::local_info info = zone->get_info(date::local_seconds{std::chrono::seconds{l}});
  if (info.result == date::local_info::nonexistent && rule == local_rule::boundary)
    return info.first.end.time_since_epoch().count();
  // Unique: the only offset. In a gap: the offset before it. Repeated: the earlier instant.
  return l - info.first.offset.count();
}

std::int64_t business_calendar::impl::walk_business_time(std::int64_t start, std::int64_t amount) const {
  if (amount <= 0) return start;
  if (start < k_first_instant || start > k_last_instant) return k_never;
  std::int64_t remaining = amount;
  // A day's periods lie within that local date, so the walk starts one date early to be safe.
  for (day_number d = local_day_tz(start) - 1; d <= detail::k_walk_last_day; ++d) {
    if (no_work_after(d - 1)) return k_never;
    for (const working_period& p : hours_of(d)) {
      const std::int64_t open = to_sys_tz(d * k_day + p.open_minute * 60, local_rule::boundary);
      const std::int64_t close = to_sys_tz(d * k_day + p.close_minute * 60, local_rule::boundary);
      if (close <= start || open >= close) continue;
      const std::int64_t from = std::max(open, start);
      // `<=`: a deadline landing exactly on a close stays at that close.
      if (remaining <= close - from) return from + remaining;
      remaining -= close - from;
    }
  }
  return k_never;
}

std::int64_t business_calendar::impl::walk_nth_workday_close(day_number from, std::int64_t n) const {
  for (day_number d = from; d <= detail::k_walk_last_day; ++d) {
    if (no_work_after(d - 1)) return k_never;
    const auto& hours = hours_of(d);
    if (hours.empty()) continue;
    if (n == 0) return to_sys_tz(d * k_day + hours.back().close_minute * 60, local_rule::boundary);
    --n;
  }
  return k_never;
}

std::int64_t business_calendar::impl::walk_business_days(std::int64_t start, std::int64_t n) const {
  if (start < k_first_instant || start > k_last_instant) return k_never;
  const day_number d0 = local_day_tz(start);
  if (n <= 0) return walk_nth_workday_close(d0, 0);
  return walk_nth_workday_close(d0 + 1, n - 1);
}

std::int64_t business_calendar::impl::walk_working_time(std::int64_t from, std::int64_t to) const {
  from = detail::clamp_to_calendar_range(from);
  to = detail::clamp_to_calendar_range(to);
  if (to <= from) return 0;
  std::int64_t sum = 0;
  const day_number last = local_day_tz(to) + 1;
  for (day_number d = local_day_tz(from) - 1; d <= last; ++d) {
    if (no_work_after(d - 1)) break;
    for (const working_period& p : hours_of(d)) {
      const std::int64_t open = to_sys_tz(d * k_day + p.open_minute * 60, local_rule::boundary);
      const std::int64_t close = to_sys_tz(d * k_day + p.close_minute * 60, local_rule::boundary);
      const std::int64_t a = std::max(open, from);
      const std::int64_t b = std::min(close, to);
      if (a < b) sum += b - a;
    }
  }
  return sum;
}

bool business_calendar::impl::walk_is_working_time(std::int64_t t) const {
  if (t < k_first_instant || t > k_last_instant) return false;
  const day_number d0 = local_day_tz(t);
  for (day_number d = d0 - 1; d <= d0 + 1; ++d) {
    for (const working_period& p : hours_of(d)) {
      const std::int64_t open = to_sys_tz(d * k_day + p.open_minute * 60, local_rule::boundary);
      const std::int64_t close = to_sys_tz(d * k_day + p.close_minute * 60, local_rule::boundary);
      if (open <= t && t < close) return true;
    }
  }
  return false;
}

std::int64_t business_calendar::impl::calendar_days_tz(std::int64_t start, std::int64_t n) const {
  if (start < k_first_instant || start > k_last_instant) return k_never;
  // |n| beyond ~10000 years leaves the supported range whatever the start.
  if (n > 4'000'000) return k_never;
  if (n < -4'000'000) return std::numeric_limits<std::int64_t>::min();
  const std::int64_t local = start + offset_at_tz(start) + n * k_day;
  if (local > k_last_instant) return k_never;
  if (local < k_first_instant) return std::numeric_limits<std::int64_t>::min();
  return to_sys_tz(local, local_rule::point);
}

}  // namespace aftersale
