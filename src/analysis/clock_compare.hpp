// SPDX-License-Identifier: Apache-2.0
#pragma once
// Is one clock due no later than another for every start? Protected clocks (A410) compare the
// store's clock on its calendar with the base's limit on the base's calendar.
#include <aftersale/calendar.hpp>
#include <optional>

namespace aftersale::analysis {

/// A start at which the clock compared is due later than the limit.
struct later_start {
  sys_seconds start;
  sys_seconds limit_due;  ///< the limit's deadline (on its calendar)
  sys_seconds clock_due;  ///< the clock's deadline (on its calendar), later
};

struct clock_comparison {
  bool within = false;                 ///< proved due no later, for every start
  std::optional<later_start> witness;  ///< when not within: a start that shows it, if one was found
};

/// Compares `clock` (on `clock_calendar`) with `limit` (on `limit_calendar`); a null calendar is
/// plain UTC. Without regard to calendars: wall time is never longer than business time of the same
/// amount, a calendar day may be 23 h (DST), the Nth business day ends at least N-1 days after the
/// start. Two business durations of one kind (business time, business days) on calendars are
/// compared exactly for every start (to the second) between January 1 of the first and December
/// 31 of the last year both calendars cover (`business_calendar::coverage`; the year of `at` and
/// the next when neither lists holidays): deadlines change only where a calendar opens, closes or
/// starts a date, or where the limit's deadline reaches such an instant, so those starts are all
/// that is tried. Two calendars of one definition compare amounts, for every start.
clock_comparison compare_clocks(const clock_duration& clock, const business_calendar* clock_calendar,
                                const clock_duration& limit, const business_calendar* limit_calendar,
                                sys_seconds at);

/// True when two calendars have one definition (zone, hours, holidays, make-up days and hours).
bool same_definition(const business_calendar* a, const business_calendar* b);

}  // namespace aftersale::analysis
