// SPDX-License-Identifier: Apache-2.0
// business_calendar: validation, the precomputed window tables, and the O(log n) hot path.
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

#include "calendar/impl.hpp"
#include "calendar/walk_access.hpp"

namespace aftersale {

using detail::day_number;
using detail::k_day;
using detail::k_never;
using detail::local_rule;

namespace {

constexpr std::array<const char*, 7> k_day_keys{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string minute_text(int minute) {
  if (minute < 0 || minute > 1440) return std::to_string(minute) + " minutes";
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", minute / 60, minute % 60);
  return buf.data();
}

std::string period_text(const working_period& p) {
  return minute_text(p.open_minute) + "-" + minute_text(p.close_minute);
}

std::string date_text(const local_date& d) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf.data();
}

// Every message starts with the calendar it is about, when the calendar has an id.
struct complaint {
  std::string prefix;
  [[noreturn]] void operator()(error_code code, const std::string& what) const {
    throw calendar_error(code, prefix + what);
  }
};

void check_periods(const std::vector<working_period>& periods, const std::string& where,
                   const complaint& fail) {
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const working_period& p = periods[i];
    if (p.open_minute < 0 || p.close_minute > 1440 || p.open_minute > 1440 || p.close_minute < 0)
      fail(error_code::invalid_range,
           "working period " + period_text(p) + " of " + where + " is outside 00:00-24:00");
    if (p.open_minute >= p.close_minute)
      fail(error_code::invalid_range,
           "working period " + period_text(p) + " of " + where + " must open before it closes");
    if (i > 0 && periods[i - 1].close_minute > p.open_minute)
      fail(error_code::invalid_range, "working periods " + period_text(periods[i - 1]) + " and " +
                                          period_text(p) + " of " + where + " overlap or are out of order");
  }
}

// The day of `d`, when that date exists in the calendar years 0001..9999.
std::optional<day_number> existing_day(const local_date& d) {
  const date::year_month_day ymd{date::year{d.year}, date::month{d.month}, date::day{d.day}};
  if (!detail::is_calendar_year(d.year) || !ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::vector<day_number> day_numbers(const std::vector<local_date>& dates, const char* what,
                                    const complaint& fail) {
  std::vector<day_number> out;
  out.reserve(dates.size());
  for (const local_date& d : dates) {
    const std::optional<day_number> day = existing_day(d);
    if (!day) fail(error_code::invalid_value, std::string("invalid ") + what + " date " + date_text(d));
    out.push_back(*day);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// `covers`: consecutive increasing years of 1..9999, and every listed date inside them.
void check_covers(const calendar_def& def, const complaint& fail) {
  if (def.covers.empty()) return;
  for (std::size_t i = 0; i < def.covers.size(); ++i) {
    const int y = def.covers[i];
    if (y < 1 || y > 9999)
      fail(error_code::covers_invalid, "covered year " + std::to_string(y) + " is outside 1..9999");
    if (i > 0 && y != def.covers[i - 1] + 1)
      fail(error_code::covers_invalid,
           "covered years must be consecutive and increasing: " + std::to_string(def.covers[i - 1]) +
               " is followed by " + std::to_string(y));
  }
  for (const auto* dates : {&def.holidays, &def.makeup_workdays}) {
    for (const local_date& d : *dates) {
      if (d.year < def.covers.front() || d.year > def.covers.back())
        fail(error_code::date_not_covered,
             "date " + date_text(d) + " is outside the years the calendar covers (" +
                 std::to_string(def.covers.front()) +
                 (def.covers.size() > 1 ? "-" + std::to_string(def.covers.back()) : std::string()) + ")");
    }
  }
}

local_date to_local_date(day_number d) {
  const date::year_month_day ymd{date::sys_days{date::days{d}}};
  return local_date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                    static_cast<unsigned>(ymd.day())};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Conversions through the offset table.

std::int64_t business_calendar::impl::offset_at(std::int64_t t) const {
  if (t < offset_begin.front() || t >= offset_end) return offset_at_tz(t);
  const auto it = std::upper_bound(offset_begin.begin(), offset_begin.end(), t);
  return offset_seconds[static_cast<std::size_t>(it - offset_begin.begin() - 1)];
}

std::int64_t business_calendar::impl::to_sys(std::int64_t local, local_rule rule) const {
  const std::int64_t off = offset_at(local - offset_at(local));
  const std::int64_t u = local - off;
  if (u >= offset_begin.front() && u < offset_end) {
    const auto i = static_cast<std::size_t>(std::upper_bound(offset_begin.begin(), offset_begin.end(), u) -
                                            offset_begin.begin() - 1);
    const std::int64_t span_end = i + 1 < offset_begin.size() ? offset_begin[i + 1] : offset_end;
    // u is a solution (its span has offset `off`). Offsets differ by less than 27 h, so any other
    // solution would lie within 3 days of u: none exists when the span reaches 3 days both ways.
    if (offset_seconds[i] == off && u - offset_begin[i] >= 3 * k_day && span_end - u > 3 * k_day) return u;
  }
  // Near a transition: let date/tz decide.
  return to_sys_tz(local, rule);
}

// ---------------------------------------------------------------------------------------------
// Tables.

void business_calendar::impl::build_tables() {
  // Offsets over the window plus a margin wider than any offset, merged where equal.
  const std::int64_t lo = detail::k_window_first * k_day - 4 * k_day;
  const std::int64_t hi = detail::k_window_last * k_day + 4 * k_day;
  for (std::int64_t t = lo; t < hi;) {
    const date::sys_info info = zone->get_info(date::sys_seconds{std::chrono::seconds{t}});
    const auto off = static_cast<std::int32_t>(info.offset.count());
    if (offset_seconds.empty() || offset_seconds.back() != off) {
      offset_begin.push_back(info.begin.time_since_epoch().count());
      offset_seconds.push_back(off);
    }
    offset_end = info.end.time_since_epoch().count();
    t = offset_end;
  }

  window_begin = to_sys(detail::k_window_first * k_day, local_rule::boundary);
  window_end = to_sys(detail::k_window_last * k_day, local_rule::boundary);

  const auto days = static_cast<std::size_t>(detail::k_window_last - detail::k_window_first);
  std::size_t per_week = 0;
  for (const auto& w : def.week) per_week += w.size();
  period_open.reserve(days * per_week / 7 + 64);
  period_close.reserve(days * per_week / 7 + 64);
  period_cum.reserve(days * per_week / 7 + 64);
  workday_close.reserve(days);
  std::vector<day_number> workday_of;  // local date of each working day
  workday_of.reserve(days);

  first_period_of_day.reserve(days + 1);
  std::int64_t cum = 0;
  for (day_number d = detail::k_window_first; d < detail::k_window_last; ++d) {
    first_period_of_day.push_back(static_cast<std::int32_t>(period_open.size()));
    const auto& hours = hours_of(d);
    if (hours.empty()) continue;
    workday_of.push_back(d);
    workday_close.push_back(to_sys(d * k_day + hours.back().close_minute * 60, local_rule::boundary));
    for (const working_period& p : hours) {
      std::int64_t open = to_sys(d * k_day + p.open_minute * 60, local_rule::boundary);
      const std::int64_t close = to_sys(d * k_day + p.close_minute * 60, local_rule::boundary);
      // INVARIANT: periods ordered and disjoint (the boundary rule is monotone; this only guards it).
      if (!period_close.empty()) open = std::max(open, period_close.back());
      if (open >= close) continue;  // wholly inside a DST gap
      cum += close - open;
      period_open.push_back(open);
      period_close.push_back(close);
      period_cum.push_back(cum);
    }
  }

  first_period_of_day.push_back(static_cast<std::int32_t>(period_open.size()));
  next_workday.assign(days + 1, static_cast<std::int32_t>(workday_of.size()));
  std::size_t w = 0;
  for (std::size_t k = 0; k < days; ++k) {
    const day_number d = detail::k_window_first + static_cast<day_number>(k);
    while (w < workday_of.size() && workday_of[w] < d) ++w;
    next_workday[k] = static_cast<std::int32_t>(w);
  }
}

// ---------------------------------------------------------------------------------------------
// create()

business_calendar business_calendar::create(calendar_def def) {
  const complaint fail{def.id.empty() ? std::string() : "calendar `" + def.id + "`: "};
  auto p = std::make_shared<impl>();
  try {
    p->zone = date::locate_zone(def.time_zone);
  } catch (const std::exception&) {
    fail(error_code::unknown_time_zone, "unknown time zone `" + def.time_zone + "`");
  }
  for (std::size_t i = 0; i < def.week.size(); ++i) {
    check_periods(def.week[i], std::string("`") + k_day_keys[i] + "`", fail);
    if (!def.week[i].empty()) p->has_weekly_hours = true;
  }
  check_periods(def.makeup_hours, "`makeup_hours`", fail);
  p->holidays = day_numbers(def.holidays, "holiday", fail);
  p->makeups = day_numbers(def.makeup_workdays, "make-up working day", fail);
  for (const day_number d : p->makeups) {
    if (std::binary_search(p->holidays.begin(), p->holidays.end(), d))
      fail(error_code::invalid_range,
           "date " + date_text(to_local_date(d)) + " is both a holiday and a make-up working day");
  }
  check_covers(def, fail);
  p->makeup_hours = def.makeup_hours.empty() ? def.week[0] : def.makeup_hours;
  if (!p->makeups.empty() && p->makeup_hours.empty())
    fail(error_code::missing_key, "make-up working days need hours: set `makeup_hours` or Monday's hours");
  p->def = std::move(def);
  p->build_tables();
  return business_calendar(std::move(p));
}

const calendar_def& business_calendar::definition() const { return impl_->def; }

// ---------------------------------------------------------------------------------------------
// The hot path: O(log n) lookups in the window tables (usually a few steps), no allocation.

namespace {

using impl_t = business_calendar::impl;

// The first period that closes after `t`, for t in [window_begin, window_end]; the size of the
// table when none does. Starts from the periods of t's local date (minus one day, for zones
// whose clocks fall back across midnight) and scans forward: a few steps, in cache.
std::size_t first_period_after(const impl_t& c, std::int64_t t) {
  const auto& close = c.period_close;
  const day_number k = c.local_day(t) - detail::k_window_first - 1;
  const auto days = static_cast<day_number>(c.first_period_of_day.size()) - 1;
  if (k >= 0 && k <= days) {
    auto i = static_cast<std::size_t>(c.first_period_of_day[static_cast<std::size_t>(k)]);
    // The scan is valid only when every earlier period has closed by t; otherwise search.
    if (i == 0 || close[i - 1] <= t) {
      for (int steps = 0; steps < 16; ++steps, ++i) {
        if (i == close.size() || close[i] > t) return i;
      }
    }
  }
  return static_cast<std::size_t>(std::upper_bound(close.begin(), close.end(), t) - close.begin());
}

// Working seconds from the window's start to `t`, for t in [window_begin, window_end].
std::int64_t worked_until(const impl_t& c, std::int64_t t) {
  const std::size_t i = first_period_after(c, t);
  if (i == c.period_close.size()) return c.period_cum.empty() ? 0 : c.period_cum.back();
  const std::int64_t before = c.period_cum[i] - (c.period_close[i] - c.period_open[i]);
  return before + std::max<std::int64_t>(0, t - c.period_open[i]);
}

// The first period at or after `from` whose running total reaches `target` (the last period
// reaches it). Galloping: SLAs are short, so the answer is usually a few periods ahead.
std::size_t period_reaching(const impl_t& c, std::size_t from, std::int64_t target) {
  const auto& cum = c.period_cum;
  if (cum[from] >= target) return from;
  std::size_t lo = from;  // INVARIANT: cum[lo] < target
  std::size_t step = 1;
  while (lo + step < cum.size() && cum[lo + step] < target) {
    lo += step;
    step *= 2;
  }
  const std::size_t hi = std::min(lo + step, cum.size() - 1);  // cum[hi] >= target
  return static_cast<std::size_t>(std::lower_bound(cum.begin() + static_cast<std::ptrdiff_t>(lo) + 1,
                                                   cum.begin() + static_cast<std::ptrdiff_t>(hi) + 1,
                                                   target) -
                                  cum.begin());
}

std::int64_t add_business_time(const impl_t& c, std::int64_t start, std::int64_t amount) {
  if (amount <= 0) return start;
  if (start < c.window_begin || start >= c.window_end) return c.walk_business_time(start, amount);
  const std::int64_t total = c.period_cum.empty() ? 0 : c.period_cum.back();
  const std::size_t i = first_period_after(c, start);
  std::int64_t worked = total;  // no period left in the window after start
  if (i < c.period_close.size()) {
    worked = c.period_cum[i] - (c.period_close[i] - c.period_open[i]) +
             std::max<std::int64_t>(0, start - c.period_open[i]);
  }
  // Past the window's last period: carry on day by day from the window's end.
  if (amount > total - worked) return c.walk_business_time(c.window_end, amount - (total - worked));
  const std::int64_t target = worked + amount;
  // First period whose running total reaches the target: a target met exactly at a close stays there.
  const std::size_t j = period_reaching(c, i, target);
  return c.period_close[j] - (c.period_cum[j] - target);
}

std::int64_t add_business_days(const impl_t& c, std::int64_t start, std::int64_t n) {
  if (n < 0) n = 0;
  if (start < c.window_begin || start >= c.window_end) return c.walk_business_days(start, n);
  const day_number k = c.local_day(start) - detail::k_window_first;
  const auto days = static_cast<day_number>(c.next_workday.size()) - 1;
  if (k < 0 || k >= days) return c.walk_business_days(start, n);
  const auto workdays = static_cast<std::int64_t>(c.workday_close.size());
  // N = 0: the start's own date if it works; N >= 1: the Nth working date after it.
  const std::int64_t first =
      n == 0 ? c.next_workday[static_cast<std::size_t>(k)] : c.next_workday[static_cast<std::size_t>(k + 1)];
  const std::int64_t skip = n == 0 ? 0 : n - 1;
  if (skip < workdays - first) return c.workday_close[static_cast<std::size_t>(first + skip)];
  return c.walk_nth_workday_close(detail::k_window_last, skip - (workdays - first));
}

std::int64_t add_calendar_days(const impl_t& c, std::int64_t start, std::int64_t n) {
  if (start < c.window_begin || start >= c.window_end || n > 20000 || n < -20000)
    return c.calendar_days_tz(start, n);
  return c.to_sys(start + c.offset_at(start) + n * k_day, local_rule::point);
}

std::int64_t add_elapsed(std::int64_t start, std::int64_t amount) {
  constexpr auto k_min = std::numeric_limits<std::int64_t>::min();
  if (amount > 0 && start > k_never - amount) return k_never;
  if (amount < 0 && start < k_min - amount) return k_min;
  return start + amount;
}

sys_seconds at(std::int64_t t) { return sys_seconds{std::chrono::seconds{t}}; }

}  // namespace

sys_seconds business_calendar::add(sys_seconds start, const clock_duration& d) const {
  const std::int64_t s = start.time_since_epoch().count();
  switch (d.kind) {
    case clock_kind::elapsed:
      return at(add_elapsed(s, d.amount));
    case clock_kind::calendar_days:
      return at(add_calendar_days(*impl_, s, d.amount));
    case clock_kind::business_time:
      return at(add_business_time(*impl_, s, d.amount));
    case clock_kind::business_days:
      return at(add_business_days(*impl_, s, d.amount));
  }
  return start;
}

std::chrono::seconds business_calendar::working_time_between(sys_seconds from, sys_seconds to) const {
  const impl_t& c = *impl_;
  std::int64_t a = from.time_since_epoch().count();
  const std::int64_t b = to.time_since_epoch().count();
  std::int64_t sum = 0;
  if (a < b && a < c.window_begin) {
    sum += c.walk_working_time(a, std::min(b, c.window_begin));
    a = c.window_begin;
  }
  if (a < b && a < c.window_end) {
    const std::int64_t e = std::min(b, c.window_end);
    sum += worked_until(c, e) - worked_until(c, a);
    a = e;
  }
  if (a < b) sum += c.walk_working_time(a, b);
  return std::chrono::seconds{sum};
}

bool business_calendar::is_working_time(sys_seconds t) const {
  const impl_t& c = *impl_;
  const std::int64_t s = t.time_since_epoch().count();
  if (s < c.window_begin || s >= c.window_end) return c.walk_is_working_time(s);
  const std::size_t i = first_period_after(c, s);
  return i < c.period_close.size() && c.period_open[i] <= s;
}

bool business_calendar::is_working_day(local_date d) const {
  const std::optional<day_number> day = existing_day(d);
  return day && !impl_->hours_of(*day).empty();
}

// ---------------------------------------------------------------------------------------------
// Coverage and the instants where a calendar changes.

std::optional<covered_years> business_calendar::coverage() const {
  const calendar_def& d = impl_->def;
  if (!d.covers.empty()) return covered_years{d.covers.front(), d.covers.back()};
  std::optional<covered_years> out;
  for (const auto* dates : {&d.holidays, &d.makeup_workdays}) {
    for (const local_date& x : *dates) {
      if (!out) out = covered_years{x.year, x.year};
      out->first = std::min(out->first, x.year);
      out->last = std::max(out->last, x.year);
    }
  }
  return out;
}

std::vector<sys_seconds> business_calendar::changes_between(sys_seconds from, sys_seconds to) const {
  const impl_t& c = *impl_;
  const std::int64_t a = detail::clamp_to_calendar_range(from.time_since_epoch().count());
  const std::int64_t b = detail::clamp_to_calendar_range(to.time_since_epoch().count());
  std::vector<sys_seconds> out;
  if (a >= b) return out;
  auto keep = [&](std::int64_t t) {
    if (t >= a && t < b) out.push_back(at(t));
  };
  // A day before and after: a zone's offset moves local dates by less than one day.
  for (day_number d = c.local_day(a) - 1; d <= c.local_day(b) + 1; ++d) {
    keep(c.to_sys(d * k_day, local_rule::point));
    for (const working_period& p : c.hours_of(d)) {
      keep(c.to_sys(d * k_day + p.open_minute * 60, local_rule::boundary));
      keep(c.to_sys(d * k_day + p.close_minute * 60, local_rule::boundary));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Test access to the day-by-day path.

namespace detail {

sys_seconds calendar_access::walk_add(const business_calendar& cal, sys_seconds start,
                                      const clock_duration& d) {
  const impl_t& c = *cal.impl_;
  const std::int64_t s = start.time_since_epoch().count();
  switch (d.kind) {
    case clock_kind::elapsed:
      return at(add_elapsed(s, d.amount));
    case clock_kind::calendar_days:
      return at(c.calendar_days_tz(s, d.amount));
    case clock_kind::business_time:
      return at(c.walk_business_time(s, d.amount));
    case clock_kind::business_days:
      return at(c.walk_business_days(s, d.amount));
  }
  return start;
}

std::chrono::seconds calendar_access::walk_working_time_between(const business_calendar& cal,
                                                                sys_seconds from, sys_seconds to) {
  return std::chrono::seconds{
      cal.impl_->walk_working_time(from.time_since_epoch().count(), to.time_since_epoch().count())};
}

bool calendar_access::walk_is_working_time(const business_calendar& cal, sys_seconds t) {
  return cal.impl_->walk_is_working_time(t.time_since_epoch().count());
}

sys_seconds calendar_access::window_begin(const business_calendar& cal) {
  return at(cal.impl_->window_begin);
}
sys_seconds calendar_access::window_end(const business_calendar& cal) { return at(cal.impl_->window_end); }

}  // namespace detail

}  // namespace aftersale
