// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Business calendars: working hours per weekday, rest days, public holidays and make-up
/// working days (调休), in an IANA time zone. Deadlines are computed here.
///
///     aftersale::calendar_def def;
///     def.id = "cn";
///     def.time_zone = "Asia/Shanghai";
///     def.week[0] = {{9 * 60, 12 * 60}, {13 * 60, 18 * 60}};  // Monday 09:00-12:00, 13:00-18:00
///     ...
///     auto cal = aftersale::business_calendar::create(def);   // throws calendar_error on a bad zone
///     auto due = cal.add(now, {aftersale::clock_kind::business_days, 2});
///
/// All instants are UTC; the zone is used only to find local dates and working hours.
/// A `business_calendar` is immutable and cheap to copy (shared implementation).
#include <aftersale/error.hpp>
#include <aftersale/time.hpp>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aftersale {

namespace detail {
struct calendar_access;  // test-only access to the day-by-day path (src/calendar/walk_access.hpp)
}  // namespace detail

/// Kinds of SLA duration.
enum class clock_kind : std::uint8_t {
  elapsed,        ///< wall-clock time: `{hours: 48}`, `{minutes: 5}`
  calendar_days,  ///< the same local time N calendar days later (DST-aware): `{days: 10}`
  business_time,  ///< working time on the calendar: `{business_hours: 8}`, `{business_minutes: 30}`
  business_days,  ///< end of working hours on the Nth working day after the start's local date:
                  ///< `{business_days: 2}`
};

/// An SLA duration: how much, counted how.
struct clock_duration {
  clock_kind kind = clock_kind::elapsed;
  std::int64_t amount = 0;  ///< seconds for elapsed/business_time; days for calendar_days/business_days
};

/// A civil date (no time zone), e.g. a public holiday.
struct local_date {
  int year = 1970;
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..31

  friend bool operator==(const local_date& a, const local_date& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
  friend bool operator<(const local_date& a, const local_date& b) {
    if (a.year != b.year) return a.year < b.year;
    if (a.month != b.month) return a.month < b.month;
    return a.day < b.day;
  }
};

/// A span of working time within one local day, in minutes after local midnight:
/// `0 <= open < close <= 1440`. A boundary inside a DST gap is the end of the gap; a boundary
/// in a repeated hour is its first occurrence.
struct working_period {
  int open_minute = 0;
  int close_minute = 0;
};

/// The declaration of a calendar, as written in the policy.
struct calendar_def {
  std::string id;
  std::string time_zone = "UTC";  ///< IANA name, e.g. `Asia/Shanghai`, `Europe/Berlin`
  /// Working periods per weekday, index 0 = Monday ... 6 = Sunday; empty = rest day.
  std::array<std::vector<working_period>, 7> week{};
  std::vector<local_date> holidays;         ///< no work on these dates, whatever the weekday
  std::vector<local_date> makeup_workdays;  ///< 调休: work on these dates although the weekday is a rest day
  /// Hours on a make-up working day; empty = Monday's hours.
  std::vector<working_period> makeup_hours;
  /// The years whose public holidays and make-up days are all listed (`covers:`), consecutive and
  /// increasing. Empty: the years from the first to the last date of `holidays` and
  /// `makeup_workdays`; a calendar that lists neither knows every year (its weeks are all alike).
  /// A holiday or make-up day outside these years is refused (E248). Dates after the last year
  /// are counted by the weekly hours alone; `aftersale lint` warns when a deadline can get there
  /// (A420).
  std::vector<int> covers;
  /// Where the calendar was written (for diagnostics); no location for a calendar built in code.
  source_span where;
};

/// The years a calendar knows the holidays of, first and last inclusive.
struct covered_years {
  int first = 0;
  int last = 0;
};

/// A calendar definition that cannot be compiled. `code()` says what is wrong: E203 (unknown
/// time zone), E204 (a period out of 00:00-24:00, opening after closing, overlapping; a date
/// both a holiday and a make-up day), E108 (a date that does not exist), E106 (make-up days
/// with no hours), E247 (`covers` years not consecutive and increasing, or outside 1..9999),
/// E248 (a holiday or make-up day outside the `covers` years). `what()` is the message alone, starting with
/// "calendar `id`: " when the calendar has an id. The loader reports these as diagnostics; code that builds a
/// `calendar_def` itself sees the exception.
class calendar_error : public error {
 public:
  calendar_error(error_code code, const std::string& message) : error(message), code_(code) {}
  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

/// A compiled calendar. Thread-safe; copies share one immutable implementation.
class business_calendar {
 public:
  /// Compiles a calendar. @throws calendar_error when the time zone is unknown or
  /// the working periods are malformed (overlapping, out of 0..1440, open >= close).
  /// Also refused: periods of a day out of order, a date that does not exist, a date that is
  /// both a holiday and a make-up day, and make-up days with no hours to work. The message
  /// starts with "calendar `id`: " when the calendar has an id.
  static business_calendar create(calendar_def def);

  const calendar_def& definition() const;
  const std::string& id() const { return definition().id; }

  /// The years whose holidays this calendar knows (`calendar_def::covers`, else derived from the
  /// dates listed); nothing when it lists no date at all and so knows every year.
  std::optional<covered_years> coverage() const;

  /// The instants in `[from, to)` where working time opens or closes, and the local midnights
  /// there, in increasing order: between two of them, whether the calendar works and which local
  /// date it is stay the same. For comparing deadlines of two calendars exactly
  /// (`aftersale lint`, protected clocks).
  std::vector<sys_seconds> changes_between(sys_seconds from, sys_seconds to) const;

  /// The deadline `d` after `start`. Business time counts only working time; business
  /// days end at the close of the Nth working day after `start`'s local date; calendar
  /// days keep the local wall-clock time (DST-aware); elapsed time is plain UTC arithmetic.
  ///
  /// In detail (docs/calendar.md has examples):
  /// - business_time: a start inside a period counts from the start, a start outside (or exactly
  ///   at a close) from the next opening; a deadline that lands exactly on a close stays there.
  ///   An amount <= 0 is due at `start`.
  /// - business_days: N = 0 is the close of the start's date if it is a working day, else of the
  ///   next working day; a negative N counts as 0.
  /// - calendar_days: a wall-clock time that falls in a DST gap is read with the offset before
  ///   the gap (02:30 becomes 03:30); a repeated wall-clock time is the earlier instant.
  /// - When no working time is left (a calendar with no hours), the deadline is
  ///   `never_due` (`sys_seconds::max()`); elapsed and calendar days saturate at max()/min()
  ///   instead of overflowing.
  /// O(log n) and allocation-free for starts between local 2015-01-01 and 2045-01-01 (precomputed
  /// tables); elsewhere the same answers come from a walk over local dates.
  sys_seconds add(sys_seconds start, const clock_duration& d) const;

  /// Working time (seconds) between two instants; 0 when `to <= from`.
  std::chrono::seconds working_time_between(sys_seconds from, sys_seconds to) const;

  /// True when `t` falls inside a working period.
  bool is_working_time(sys_seconds t) const;
  /// True when the local date is a working day (weekday with hours or make-up day, and not a holiday).
  /// A make-up day works `makeup_hours` whatever its weekday. False for a date that does not exist.
  bool is_working_day(local_date d) const;

  /// The local date of an instant in this calendar's zone.
  local_date local_date_of(sys_seconds t) const;
  /// Whole local calendar dates from `from` to `to` (negative when `to` is earlier).
  std::int64_t local_days_between(sys_seconds from, sys_seconds to) const;

  /// `2026-10-08 17:30:00 CST (+08:00)` in the calendar's zone; `never` for `never_due`.
  std::string format_local(sys_seconds t) const;
  /// `2026-10-08T17:30:00+08:00`: ISO 8601 with the zone's offset at that instant; `never`
  /// for `never_due`.
  std::string format_iso_local(sys_seconds t) const;

  /// `2026-10-08 17:30 +08:00`: the local date and time with the zone's offset, seconds only when
  /// not zero (`17:30:15 +08:00`); `never` for `never_due`. How explanations and lint messages
  /// write instants.
  std::string format_readable(sys_seconds t) const;

  /// An instant from a local wall-clock time (`2026-10-08 17:30` or `2026-10-08T17:30:00`),
  /// resolving DST gaps forward and overlaps to the earlier instant. Returns nothing on
  /// malformed text.
  std::optional<sys_seconds> parse_local(std::string_view text) const;

  struct impl;

 private:
  friend struct detail::calendar_access;
  explicit business_calendar(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<const impl> impl_;
};

}  // namespace aftersale
