// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal, for tests: the day-by-day path of business_calendar, which works for any date and
// uses date/tz directly, without the precomputed window tables. The fast path must agree with it.
// Deliberately free of date/tz so tests can include it.
#include <aftersale/calendar.hpp>

namespace aftersale::detail {

struct calendar_access {
  /// `cal.add(start, d)` computed by walking local dates one by one.
  static sys_seconds walk_add(const business_calendar& cal, sys_seconds start, const clock_duration& d);
  /// `cal.working_time_between(from, to)` computed by walking local dates.
  static std::chrono::seconds walk_working_time_between(const business_calendar& cal, sys_seconds from,
                                                        sys_seconds to);
  /// `cal.is_working_time(t)` without the tables.
  static bool walk_is_working_time(const business_calendar& cal, sys_seconds t);
  /// The instants where the precomputed window starts and ends (local 2015-01-01 and 2045-01-01).
  static sys_seconds window_begin(const business_calendar& cal);
  static sys_seconds window_end(const business_calendar& cal);
};

}  // namespace aftersale::detail
