// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the instants that have ISO 8601 text (four-digit years) and the years the calendars
// ask the tz database about. Snapshots, calendars and their text share these bounds.
#include <cstdint>

namespace aftersale::detail {

/// 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z: instants written as ISO 8601 text.
inline constexpr std::int64_t k_iso_first_second = -62167219200;
inline constexpr std::int64_t k_iso_last_second = 253402300799;

/// Calendars work in years 0001..9999 (date/tz knows nothing meaningful beyond), from
/// 0001-01-01T00:00:00Z to the last ISO second.
inline constexpr int k_calendar_first_year = 1;
inline constexpr int k_calendar_last_year = 9999;
inline constexpr std::int64_t k_calendar_first_second = -62135596800;

constexpr bool is_calendar_year(std::int64_t year) {
  return year >= k_calendar_first_year && year <= k_calendar_last_year;
}

}  // namespace aftersale::detail
