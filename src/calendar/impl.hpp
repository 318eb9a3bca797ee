// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the compiled form of a business_calendar, shared by the calendar_*.cpp files.
// This is the only place that sees date/tz; public headers never include it.
#include <date/tz.h>

#include <aftersale/calendar.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/time_range.hpp"

namespace aftersale {
namespace detail {

/// How a local wall-clock time that does not exist once maps to an instant.
enum class local_rule : std::uint8_t {
  // A point in time (a deadline, a parsed text): a time in a DST gap is read with the offset
  // before the gap (02:30 -> 03:30), a repeated time is the earlier instant (RFC 5545, java.time).
  point,
  // A boundary of working hours: a time in a DST gap is the end of the gap (02:30 -> 03:00),
  // a repeated time is the earlier instant. Monotone, so periods stay ordered and never overlap.
  boundary,
};

/// Local dates as day numbers: days since 1970-01-01.
using day_number = std::int64_t;

constexpr std::int64_t k_day = 86400;
/// "Never": no working time is left (a deadline that cannot be reached).
constexpr std::int64_t k_never = std::numeric_limits<std::int64_t>::max();

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// The fast-path tables cover the local dates [k_window_first, k_window_last).
inline constexpr day_number k_window_first = 16436;  // 2015-01-01
inline constexpr day_number k_window_last = 27394;   // 2045-01-01
/// The day-by-day walk gives up (returns sys_seconds::max()) past 9999-12-31.
inline constexpr day_number k_walk_last_day = (k_iso_last_second + 1) / k_day - 1;

/// `t` moved into the instants the tz database is asked about (years 0001..9999).
inline std::int64_t clamp_to_calendar_range(std::int64_t t) {
  return t < k_calendar_first_second ? k_calendar_first_second
         : t > k_iso_last_second     ? k_iso_last_second
                                     : t;
}

}  // namespace detail

struct business_calendar::impl {
  calendar_def def;
  const date::time_zone* zone = nullptr;  // cached: never locate_zone on the hot path

  // Definition, normalised.
  std::vector<detail::day_number> holidays;  // sorted, unique
  std::vector<detail::day_number> makeups;   // sorted, unique
  std::vector<working_period> makeup_hours;  // resolved: empty in def -> Monday's hours
  bool has_weekly_hours = false;             // false: only make-up days ever work

  // Offsets of the zone over the window (plus a margin), from date::sys_info, with
  // equal-offset neighbours merged. offset_begin[i] is the first instant with offset_seconds[i].
  std::vector<std::int64_t> offset_begin;
  std::vector<std::int32_t> offset_seconds;
  std::int64_t offset_end = 0;  // offsets are tabled for [offset_begin.front(), offset_end)

  // Working periods of the window as UTC intervals, ordered and disjoint, never empty.
  // period_cum[i] = working seconds in periods 0..i (inclusive).
  std::vector<std::int64_t> period_open;
  std::vector<std::int64_t> period_close;
  std::vector<std::int64_t> period_cum;
  std::int64_t window_begin = 0;  // the instant local 2015-01-01 00:00 starts
  std::int64_t window_end = 0;    // the instant local 2045-01-01 00:00 starts

  // Working days of the window: close instant of each, and for each local day of the window
  // (plus one past the end) the index of the first working day on or after it.
  std::vector<std::int64_t> workday_close;
  std::vector<std::int32_t> next_workday;
  // For each local day of the window (plus one past the end): the index of its first period, or
  // of the next day's with work. Turns "which period is current" into a short forward scan.
  std::vector<std::int32_t> first_period_of_day;

  // --- the definition, per local date (no tables) ---
  bool is_holiday(detail::day_number d) const;
  bool is_makeup(detail::day_number d) const;
  /// The working periods of a local date; empty on a rest day or holiday.
  const std::vector<working_period>& hours_of(detail::day_number d) const;
  /// True when no local date after `d` can be a working day.
  bool no_work_after(detail::day_number d) const;

  // --- conversions through the tables (fall back to date/tz outside them) ---
  std::int64_t offset_at(std::int64_t t) const;
  std::int64_t to_sys(std::int64_t local, detail::local_rule rule) const;
  detail::day_number local_day(std::int64_t t) const {
    return detail::floor_div(t + offset_at(t), detail::k_day);
  }

  // --- conversions straight through date/tz, for the walk ---
  std::int64_t offset_at_tz(std::int64_t t) const;
  std::int64_t to_sys_tz(std::int64_t local, detail::local_rule rule) const;
  detail::day_number local_day_tz(std::int64_t t) const {
    return detail::floor_div(t + offset_at_tz(t), detail::k_day);
  }

  // --- the day-by-day walk: correct everywhere, used outside the window and by tests ---
  std::int64_t walk_business_time(std::int64_t start, std::int64_t amount) const;
  std::int64_t walk_nth_workday_close(detail::day_number from, std::int64_t n) const;
  std::int64_t walk_business_days(std::int64_t start, std::int64_t n) const;
  std::int64_t walk_working_time(std::int64_t from, std::int64_t to) const;
  bool walk_is_working_time(std::int64_t t) const;
  std::int64_t calendar_days_tz(std::int64_t start, std::int64_t n) const;

  void build_tables();
};

}  // namespace aftersale
