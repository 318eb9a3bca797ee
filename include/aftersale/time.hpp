// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Time points and durations used across the library.
///
/// Inside the library time is always UTC (`sys_seconds`); time zones appear only at the
/// edges, in `business_calendar`.
///
///     auto t = aftersale::parse_timestamp("2026-10-08T09:30:00+08:00");  // 01:30 UTC
///     std::string s = aftersale::format_utc(t);                          // "2026-10-08T01:30:00Z"
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersale {

/// A UTC time point with one-second resolution (C++17-compatible spelling of
/// `std::chrono::sys_seconds`).
using sys_seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

/// Parses an ISO 8601 timestamp with an explicit offset: `2026-10-08T09:30:00+08:00`,
/// `2026-10-08T01:30:00Z`, `2026-10-08 09:30+08:00` (seconds optional, `T` or space).
/// Returns nothing when the text is not such a timestamp (a timestamp without an offset is
/// refused: it is ambiguous) or a field is out of range (month 13, 30 February, hour 24).
/// Offsets may be `Z`, `+HH:MM`, `+HHMM` or `+HH`; a fraction of a second (`:00.250`) is dropped.
std::optional<sys_seconds> parse_timestamp(std::string_view text);

/// The due time of a deadline that never falls due: a business clock on a calendar without
/// working hours, or one whose working time runs past 9999-12-31. Every text and JSON output
/// writes it as `never` (format_utc, business_calendar::format_local, explain, the CLI and
/// snapshots); Python shows it as `datetime.max` without microseconds.
inline constexpr sys_seconds never_due = sys_seconds::max();

/// Formats as `YYYY-MM-DDTHH:MM:SSZ` (years outside 0000..9999 in ISO 8601's expanded form,
/// `+10000-01-01T00:00:00Z`, which parse_timestamp reads back); `never_due` as `never`.
std::string format_utc(sys_seconds t);

/// Parses a duration written as a number and a unit: `90s`, `30m`, `48h`, `10d` (d = 24 h),
/// or combinations such as `1h30m`, `1d2h` (units largest first, each at most once).
/// Returns nothing on malformed text: empty, a sign, a unit missing or unknown, or a total
/// that does not fit in 64-bit seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// Formats a duration in the shortest form `parse_duration` reads back (`1d2h`, `45m`, `0s`):
/// each unit from days down, zero units left out. A negative duration gets a leading `-`
/// (which `parse_duration` refuses).
std::string format_duration(std::chrono::seconds d);

}  // namespace aftersale
