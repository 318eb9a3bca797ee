// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the wall-clock part of a timestamp, shared by parse_timestamp (time.cpp) and
// business_calendar::parse_local (calendar_text.cpp). Not installed.
#include <cstdint>
#include <string>
#include <string_view>

namespace aftersale::detail {

/// A validated civil date and time of day, without a zone.
struct wall_clock {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

/// Reads `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]` from the front of `text` and advances past it.
/// Ranges are checked (month 1..12, a day that exists in that month, hour 0..23, minute and
/// second 0..59); a fraction of a second is read and dropped. Returns false on anything else.
bool parse_wall_clock(std::string_view& text, wall_clock& out);

/// Seconds from 1970-01-01 00:00:00 to `w`, as if `w` were UTC.
std::int64_t seconds_since_epoch(const wall_clock& w);

/// The civil date and time of `seconds` after 1970-01-01 00:00:00, for any int64 (the year
/// is 64-bit so even `sys_seconds::max()` formats without overflow).
struct civil_time {
  std::int64_t year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
};
civil_time civil_from_seconds(std::int64_t seconds);

/// `YYYY-MM-DD<separator>HH:MM:SS`; a year outside 0000..9999 in ISO 8601's expanded form
/// (`+10000`, `-0001`), which parse_timestamp reads back. format_utc and the calendars' local
/// text both write through it, so every instant the tool prints is one it can read.
std::string wall_text(const civil_time& c, char separator);

}  // namespace aftersale::detail
