// SPDX-License-Identifier: Apache-2.0
// business_calendar: local dates of instants, and local wall-clock text in and out.
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "base/wall_clock.hpp"
#include "calendar/impl.hpp"

namespace aftersale {

namespace {

// Keeps arithmetic on instants (t + offset) away from int64 overflow; date/tz is asked about
// years 0001..9999 only anyway.
std::int64_t clamp_instant(sys_seconds t) {
  constexpr std::int64_t k_limit = std::int64_t{1} << 50;
  return std::clamp<std::int64_t>(t.time_since_epoch().count(), -k_limit, k_limit);
}

// `+08:00`, or `+00:53:28` for the odd historical offset with seconds.
std::string offset_text(std::int64_t offset) {
  const char sign = offset < 0 ? '-' : '+';
  const std::int64_t a = offset < 0 ? -offset : offset;
  std::array<char, 16> buf{};
  if (a % 60 == 0) {
    std::snprintf(buf.data(), buf.size(), "%c%02d:%02d", sign, static_cast<int>(a / 3600),
                  static_cast<int>(a / 60 % 60));
  } else {
    std::snprintf(buf.data(), buf.size(), "%c%02d:%02d:%02d", sign, static_cast<int>(a / 3600),
                  static_cast<int>(a / 60 % 60), static_cast<int>(a % 60));
  }
  return buf.data();
}

std::string wall_text(std::int64_t local, char separator) {
  return detail::wall_text(detail::civil_from_seconds(local), separator);
}

// `t` shifted by the zone's `offset` at that instant. The zone is asked about a clamped
// instant, but the text is of `t` itself: an instant past year 35 million is written as it is
// (in ISO 8601's expanded year), never as the clamp's. Within a day of the int64 limits, where
// t + offset would overflow, the text is UTC's (offset 0).
std::int64_t shifted(sys_seconds t, std::int64_t& offset) {
  constexpr std::int64_t k_margin = 2 * detail::k_day;
  const std::int64_t s = t.time_since_epoch().count();
  if (s > std::numeric_limits<std::int64_t>::max() - k_margin ||
      s < std::numeric_limits<std::int64_t>::min() + k_margin)
    offset = 0;
  return s + offset;
}

}  // namespace

local_date business_calendar::local_date_of(sys_seconds t) const {
  const detail::civil_time c = detail::civil_from_seconds(impl_->local_day(clamp_instant(t)) * detail::k_day);
  return local_date{static_cast<int>(c.year), c.month, c.day};
}

std::int64_t business_calendar::local_days_between(sys_seconds from, sys_seconds to) const {
  return impl_->local_day(clamp_instant(to)) - impl_->local_day(clamp_instant(from));
}

std::string business_calendar::format_local(sys_seconds t) const {
  if (t == never_due) return "never";
  const std::int64_t s = clamp_instant(t);
  const date::sys_info info =
      impl_->zone->get_info(date::sys_seconds{std::chrono::seconds{detail::clamp_to_calendar_range(s)}});
  std::int64_t offset = info.offset.count();
  const std::int64_t local = shifted(t, offset);
  return wall_text(local, ' ') + ' ' + (offset == info.offset.count() ? info.abbrev : std::string("UTC")) +
         " (" + offset_text(offset) + ')';
}

std::string business_calendar::format_iso_local(sys_seconds t) const {
  if (t == never_due) return "never";
  std::int64_t offset = impl_->offset_at(clamp_instant(t));
  const std::int64_t local = shifted(t, offset);
  return wall_text(local, 'T') + offset_text(offset);
}

std::string business_calendar::format_readable(sys_seconds t) const {
  std::string iso = format_iso_local(t);  // 2026-10-08T17:30:00+08:00
  if (iso == "never") return iso;
  const std::size_t time = iso.find('T');
  if (time == std::string::npos || iso.size() < time + 9) return iso;
  iso[time] = ' ';
  const std::string offset = iso.substr(time + 9);
  std::string clock = iso.substr(0, time + 9);
  if (clock.compare(clock.size() - 3, 3, ":00") == 0) clock.resize(clock.size() - 3);
  return clock + ' ' + offset;
}

std::optional<sys_seconds> business_calendar::parse_local(std::string_view text) const {
  detail::wall_clock w;
  if (!detail::parse_wall_clock(text, w) || !text.empty()) return std::nullopt;
  const std::int64_t local = detail::seconds_since_epoch(w);
  return sys_seconds{std::chrono::seconds{impl_->to_sys(local, detail::local_rule::point)}};
}

}  // namespace aftersale
