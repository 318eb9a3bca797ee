// SPDX-License-Identifier: Apache-2.0
#include <date/date.h>

#include <aftersale/time.hpp>
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <string>

#include "base/wall_clock.hpp"

namespace aftersale {
namespace detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits.
bool read_digits(std::string_view& text, std::size_t n, int& out) {
  if (text.size() < n) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  out = v;
  text.remove_prefix(n);
  return true;
}

bool read_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

bool parse_wall_clock(std::string_view& text, wall_clock& out) {
  std::string_view in = text;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(in, 4, year) || !read_char(in, '-') || !read_digits(in, 2, month) || !read_char(in, '-') ||
      !read_digits(in, 2, day))
    return false;
  if (in.empty() || (in.front() != 'T' && in.front() != 't' && in.front() != ' ')) return false;
  in.remove_prefix(1);
  if (!read_digits(in, 2, hour) || !read_char(in, ':') || !read_digits(in, 2, minute)) return false;
  if (read_char(in, ':')) {
    if (!read_digits(in, 2, second)) return false;
    // One-second resolution: a fraction is accepted (RFC 3339 producers often emit one) and dropped.
    if (read_char(in, '.')) {
      if (in.empty() || !is_digit(in.front())) return false;
      while (!in.empty() && is_digit(in.front())) in.remove_prefix(1);
    }
  }
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return false;
  out = wall_clock{year, static_cast<unsigned>(month), static_cast<unsigned>(day), hour, minute, second};
  text = in;
  return true;
}

std::int64_t seconds_since_epoch(const wall_clock& w) {
  const date::sys_days d{date::year{w.year} / date::month{w.month} / date::day{w.day}};
  return static_cast<std::int64_t>(d.time_since_epoch().count()) * 86400 + w.hour * 3600 + w.minute * 60 +
         w.second;
}

civil_time civil_from_seconds(std::int64_t seconds) {
  // H. Hinnant's civil_from_days, in int64 so that every sys_seconds value has a date.
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  civil_time c;
  c.day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = static_cast<int>(rest / 3600);
  c.minute = static_cast<int>(rest / 60 % 60);
  c.second = static_cast<int>(rest % 60);
  return c;
}

std::string wall_text(const civil_time& c, char separator) {
  const bool expanded = c.year < 0 || c.year > 9999;
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(),
                expanded ? "%+05lld-%02u-%02u%c%02d:%02d:%02d" : "%04lld-%02u-%02u%c%02d:%02d:%02d",
                static_cast<long long>(c.year), c.month, c.day, separator, c.hour, c.minute, c.second);
  return buf.data();
}

}  // namespace detail

namespace {

__extension__ typedef __int128 wide;

constexpr bool is_leap(std::int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// H. Hinnant's days_from_civil in 128 bits: every year an int64 second can reach.
wide days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  const wide yy = static_cast<wide>(y) - (m <= 2 ? 1 : 0);
  const wide era = (yy >= 0 ? yy : yy - 399) / 400;
  const wide yoe = yy - era * 400;
  const wide doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const wide doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// An ISO 8601 expanded year (`+10000-01-01T00:00:00Z`, `-0001-...`), as format_utc writes the
// years outside 0000..9999: a sign and 4 to 12 digits. The rest is read as an ordinary
// timestamp in a stand-in year with the same leap day, then moved to the year written.
std::optional<wide> expanded_seconds(std::string_view& text) {
  const bool negative = text.front() == '-';
  text.remove_prefix(1);
  std::int64_t year = 0;
  std::size_t digits = 0;
  for (; digits < text.size() && detail::is_digit(text[digits]); ++digits) {
    if (digits == 12) return std::nullopt;
    year = year * 10 + (text[digits] - '0');
  }
  if (digits < 4) return std::nullopt;
  if (negative) year = -year;
  text.remove_prefix(digits);
  std::string stand_in = is_leap(year) ? "2000" : "2001";
  stand_in.append(text.substr(0, std::min<std::size_t>(text.size(), 64)));
  std::string_view rest = stand_in;
  detail::wall_clock w;
  if (!detail::parse_wall_clock(rest, w)) return std::nullopt;
  text.remove_prefix(stand_in.size() - 4 - rest.size());  // what the wall clock took
  return days_from_civil(year, w.month, w.day) * 86400 + w.hour * 3600 + w.minute * 60 + w.second;
}

}  // namespace

std::optional<sys_seconds> parse_timestamp(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    const std::optional<wide> local = expanded_seconds(text);
    if (!local || text.empty()) return std::nullopt;
    const std::optional<sys_seconds> zero = parse_timestamp(std::string("1970-01-01T00:00:00").append(text));
    if (!zero) return std::nullopt;  // the offset, read the ordinary way
    const wide utc = *local + zero->time_since_epoch().count();
    if (utc < std::numeric_limits<std::int64_t>::min() || utc > std::numeric_limits<std::int64_t>::max())
      return std::nullopt;
    return sys_seconds{std::chrono::seconds{static_cast<std::int64_t>(utc)}};
  }
  detail::wall_clock w;
  if (!detail::parse_wall_clock(text, w) || text.empty()) return std::nullopt;
  std::int64_t offset = 0;
  if (text == "Z" || text == "z") {
    text.remove_prefix(1);
  } else {
    const char sign = text.front();
    if (sign != '+' && sign != '-') return std::nullopt;
    text.remove_prefix(1);
    // ISO 8601 offsets: +HH, +HHMM or +HH:MM.
    int hh = 0, mm = 0;
    if (!detail::read_digits(text, 2, hh)) return std::nullopt;
    if (!text.empty()) {
      detail::read_char(text, ':');
      if (!detail::read_digits(text, 2, mm)) return std::nullopt;
    }
    if (!text.empty() || hh > 23 || mm > 59) return std::nullopt;
    offset = (sign == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  }
  if (!text.empty()) return std::nullopt;
  return sys_seconds{std::chrono::seconds{detail::seconds_since_epoch(w) - offset}};
}

std::string format_utc(sys_seconds t) {
  if (t == never_due) return "never";
  return detail::wall_text(detail::civil_from_seconds(t.time_since_epoch().count()), 'T') + 'Z';
}

namespace {

struct duration_unit {
  char letter;
  std::int64_t seconds;
};
// Largest first: a written duration lists its units in this order, each at most once.
constexpr std::array<duration_unit, 4> k_units{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units must come in decreasing size: `1h30m`, not `30m1h`
  while (!text.empty()) {
    if (!detail::is_digit(text.front())) return std::nullopt;
    std::int64_t n = 0;
    while (!text.empty() && detail::is_digit(text.front())) {
      const int digit = text.front() - '0';
      if (n > (k_max - digit) / 10) return std::nullopt;
      n = n * 10 + digit;
      text.remove_prefix(1);
    }
    if (text.empty()) return std::nullopt;  // a number without a unit
    const char letter = text.front();
    text.remove_prefix(1);
    std::size_t u = next_unit;
    while (u < k_units.size() && k_units[u].letter != letter) ++u;
    if (u == k_units.size()) return std::nullopt;  // unknown unit, or a unit out of order / repeated
    next_unit = u + 1;
    if (n > k_max / k_units[u].seconds) return std::nullopt;
    const std::int64_t part = n * k_units[u].seconds;
    if (total > k_max - part) return std::nullopt;
    total += part;
  }
  return std::chrono::seconds{total};
}

std::string format_duration(std::chrono::seconds d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0s";
  std::string out;
  // Unsigned magnitude: -INT64_MIN does not fit an int64.
  std::uint64_t rest = count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  if (count < 0) out += '-';
  for (const auto& unit : k_units) {
    const auto size = static_cast<std::uint64_t>(unit.seconds);
    if (rest >= size) {
      out += std::to_string(rest / size);
      out += unit.letter;
      rest %= size;
    }
  }
  return out;
}

}  // namespace aftersale
