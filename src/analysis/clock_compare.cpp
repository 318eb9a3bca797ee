// SPDX-License-Identifier: Apache-2.0
// Clock durations compared for every start: by kind where that proves it, else exactly over the
// calendars' covered years (see clock_compare.hpp).
#include "analysis/clock_compare.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace aftersale::analysis {

namespace {

bool same_periods(const std::vector<working_period>& a, const std::vector<working_period>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const working_period& x, const working_period& y) {
                      return x.open_minute == y.open_minute && x.close_minute == y.close_minute;
                    });
}

// What holds for every start whatever the calendars: business time is at least as much wall
// time; a calendar day may be 23 h (DST); the Nth business day ends at least N-1 days later.
// Business durations of one kind on one calendar compare by amount.
bool provably_within(const clock_duration& actual, const clock_duration& required, bool same_cal) {
  constexpr std::int64_t day = 86400;
  constexpr std::int64_t dst = 3600;
  const std::int64_t a = actual.amount;
  const std::int64_t r = required.amount;
  using k = clock_kind;
  switch (actual.kind) {
    case k::elapsed:
      switch (required.kind) {
        case k::elapsed:
        case k::business_time:
          return a <= r;
        case k::calendar_days:
          return a <= r * day - dst;
        case k::business_days:
          return a <= (r - 1) * day - dst;
      }
      break;
    case k::calendar_days:
      switch (required.kind) {
        case k::elapsed:
          return a * day + dst <= r;
        case k::calendar_days:
          return a <= r;
        case k::business_days:
          return a <= r - 1;
        case k::business_time:
          return false;
      }
      break;
    case k::business_time:
      return same_cal && required.kind == k::business_time && a <= r;
    case k::business_days:
      return same_cal && required.kind == k::business_days && a <= r;
  }
  return false;
}

bool is_business(clock_kind k) { return k == clock_kind::business_time || k == clock_kind::business_days; }

// Lint proves a clock for the requests of the years around `at`, not for every year a calendar
// may name (`covers: [1, 9999]` would take minutes and reach years no instant has text for).
constexpr int k_years_before_at = 1;
constexpr int k_years_after_at = 10;

// The years both calendars know, else the one that knows some, else the year of `at` and the
// next; in each case only those from a year before `at` to ten years after it.
covered_years window_years(const business_calendar& a, const business_calendar& b, sys_seconds at) {
  const int y = b.local_date_of(at).year;
  const covered_years around{y - k_years_before_at, y + k_years_after_at};
  const auto ca = a.coverage();
  const auto cb = b.coverage();
  covered_years known{y, y + 1};
  if (ca && cb && std::max(ca->first, cb->first) <= std::min(ca->last, cb->last))
    known = {std::max(ca->first, cb->first), std::min(ca->last, cb->last)};
  else if (cb)
    known = *cb;
  else if (ca)
    known = *ca;
  const covered_years clipped{std::max(known.first, around.first), std::min(known.last, around.last)};
  return clipped.first <= clipped.last ? clipped : covered_years{y, y + 1};
}

sys_seconds new_year(const business_calendar& cal, int year) {
  char text[24];
  std::snprintf(text, sizeof text, "%04d-01-01 00:00", year);
  return cal.parse_local(text).value_or(sys_seconds{});
}

}  // namespace

bool same_definition(const business_calendar* x, const business_calendar* y) {
  if (!x || !y) return x == y;
  const calendar_def& a = x->definition();
  const calendar_def& b = y->definition();
  if (a.time_zone != b.time_zone || a.holidays != b.holidays || a.makeup_workdays != b.makeup_workdays ||
      !same_periods(a.makeup_hours, b.makeup_hours)) {
    return false;
  }
  for (std::size_t d = 0; d < 7; ++d) {
    if (!same_periods(a.week[d], b.week[d])) return false;
  }
  return true;
}

clock_comparison compare_clocks(const clock_duration& clock, const business_calendar* clock_calendar,
                                const clock_duration& limit, const business_calendar* limit_calendar,
                                sys_seconds at) {
  const bool same = same_definition(clock_calendar, limit_calendar);
  if (provably_within(clock, limit, same)) return {true, std::nullopt};
  if (!clock_calendar || !limit_calendar) return {false, std::nullopt};
  const business_calendar& cc = *clock_calendar;
  const business_calendar& lc = *limit_calendar;
  const covered_years years = window_years(cc, lc, at);
  const sys_seconds from = new_year(lc, years.first);
  const sys_seconds to = new_year(lc, years.last + 1);

  // Where either deadline can change its course: each calendar's openings, closings and midnights.
  std::vector<sys_seconds> starts = lc.changes_between(from, to);
  const std::vector<sys_seconds> theirs = cc.changes_between(from, to);
  const std::vector<sys_seconds> changes = [&] {
    std::vector<sys_seconds> all = starts;
    all.insert(all.end(), theirs.begin(), theirs.end());
    return all;
  }();
  starts.insert(starts.end(), theirs.begin(), theirs.end());
  if (limit.kind == clock_kind::business_time) {
    // The starts whose limit falls due exactly at a change: C(t) = C(x) - amount, C counting the
    // limit's working time from `from`. Past them the clock's working time before the limit's
    // deadline grows at another rate.
    // Walked forward once, never from `from` again (that was quadratic in the years covered):
    // working time adds up between sorted changes, and the wanted starts rise with them.
    std::vector<sys_seconds> sorted = changes;
    std::sort(sorted.begin(), sorted.end());
    std::int64_t worked = 0;  // C(x) for the change x reached so far
    sys_seconds last_change = from;
    std::int64_t target_at = 0;  // C(t) of the last start found
    sys_seconds last_start = from;
    for (const sys_seconds x : sorted) {
      if (x < from) continue;
      worked += lc.working_time_between(last_change, x).count();
      last_change = x;
      const std::int64_t before = worked - limit.amount;
      if (before < target_at) continue;
      last_start = lc.add(last_start, {clock_kind::business_time, before - target_at});
      target_at = before;
      starts.push_back(last_start);
    }
  }
  const bool exact = clock.kind == limit.kind && is_business(clock.kind);
  if (!exact) {
    // Best effort for other kinds: the second before each change too (a step function's last value).
    for (const sys_seconds x : changes) starts.push_back(x - std::chrono::seconds{1});
  }
  starts.push_back(from);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  for (const sys_seconds t : starts) {
    if (t < from || t >= to) continue;
    const sys_seconds mine = cc.add(t, clock);
    const sys_seconds allowed = lc.add(t, limit);
    if (mine > allowed) return {false, later_start{t, allowed, mine}};
  }
  return {exact, std::nullopt};
}

}  // namespace aftersale::analysis
