// SPDX-License-Identifier: Apache-2.0
// Calendars and clock arithmetic as C++: each calendar a function-local static built once from
// its definition's literal through the public `business_calendar::create`, and a duration added
// on a calendar (or in plain UTC when the policy has none) as src/model/clock_math.cpp does.
#include "codegen/emit.hpp"

namespace aftersale::codegen {

namespace {

std::string periods_literal(const std::vector<working_period>& periods) {
  std::string out = "{";
  for (const working_period& w : periods) {
    if (out.size() > 1) out += ", ";
    out += "{" + std::to_string(w.open_minute) + ", " + std::to_string(w.close_minute) + "}";
  }
  return out + "}";
}

std::string dates_literal(const std::vector<local_date>& dates) {
  std::string out = "{";
  for (const local_date& d : dates) {
    if (out.size() > 1) out += ", ";
    out += "{" + std::to_string(d.year) + ", " + std::to_string(d.month) + ", " + std::to_string(d.day) + "}";
  }
  return out + "}";
}

std::string_view kind_name(clock_kind k) {
  switch (k) {
    case clock_kind::elapsed:
      return "elapsed";
    case clock_kind::calendar_days:
      return "calendar_days";
    case clock_kind::business_time:
      return "business_time";
    case clock_kind::business_days:
      return "business_days";
  }
  return "elapsed";
}

}  // namespace

void emit_calendars(code_writer& w, const policy& p, const policy_names& n) {
  static constexpr const char* k_days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
  for (std::size_t i = 0; i < p.calendars.size(); ++i) {
    const calendar_def& d = p.calendars[i].definition();
    w.line("");
    w.comment("Calendar `" + d.id + "` (" + d.time_zone + "), built once on first use.");
    w.open("inline const aftersale::business_calendar& " + n.calendars[i] + "()");
    w.open("static const aftersale::business_calendar calendar = []");
    w.line("aftersale::calendar_def d;");
    w.line("d.id = " + cpp_string(d.id) + ";");
    w.line("d.time_zone = " + cpp_string(d.time_zone) + ";");
    for (std::size_t day = 0; day < 7; ++day) {
      if (d.week[day].empty()) continue;
      w.line("d.week[" + std::to_string(day) + "] = " + periods_literal(d.week[day]) + ";  // " +
             k_days[day]);
    }
    if (!d.holidays.empty()) w.line("d.holidays = " + dates_literal(d.holidays) + ";");
    if (!d.makeup_workdays.empty()) w.line("d.makeup_workdays = " + dates_literal(d.makeup_workdays) + ";");
    if (!d.makeup_hours.empty()) w.line("d.makeup_hours = " + periods_literal(d.makeup_hours) + ";");
    w.line("return aftersale::business_calendar::create(std::move(d));");
    w.close("}();");
    w.line("return calendar;");
    w.close();
  }
}

std::string duration_literal(const clock_duration& d) {
  return "aftersale::clock_duration{aftersale::clock_kind::" + std::string(kind_name(d.kind)) + ", " +
         cpp_int64(d.amount) + "}";
}

std::string add_on_calendar_expr(const policy& p, const policy_names& n, std::uint32_t calendar,
                                 std::string_view start, const clock_duration& d) {
  const std::uint32_t cal = calendar != npos ? calendar : p.info.default_calendar;
  // Elapsed time is plain UTC arithmetic on every calendar (business_calendar::add saturates
  // the same way): no call into the calendar.
  if (d.kind == clock_kind::elapsed) {
    return "detail::add_saturating(" + std::string(start) + ", " + cpp_int64(d.amount) + ")";
  }
  if (cal < p.calendars.size()) {
    return "detail::" + n.calendars[cal] + "().add(" + std::string(start) + ", " + duration_literal(d) + ")";
  }
  return "detail::add_utc(" + std::string(start) + ", " + duration_literal(d) + ")";
}

void emit_time_helpers(code_writer& w) {
  w.lines(R"(// `start + seconds`, saturating as the calendars do (src/model/clock_math.cpp).
inline aftersale::sys_seconds add_saturating(aftersale::sys_seconds start, std::int64_t seconds) noexcept {
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t s = start.time_since_epoch().count();
  if (seconds > 0 && s > k_max - seconds) return aftersale::sys_seconds{std::chrono::seconds{k_max}};
  if (seconds < 0 && s < k_min - seconds) return aftersale::sys_seconds{std::chrono::seconds{k_min}};
  return aftersale::sys_seconds{std::chrono::seconds{s + seconds}};
}

// A duration without any calendar: plain UTC arithmetic, a day being 24 h.
inline aftersale::sys_seconds add_utc(aftersale::sys_seconds start, aftersale::clock_duration d) noexcept {
  constexpr std::int64_t k_day = 86400;
  constexpr std::int64_t k_days_max = std::numeric_limits<std::int64_t>::max() / k_day;
  switch (d.kind) {
    case aftersale::clock_kind::elapsed:
    case aftersale::clock_kind::business_time:
      return add_saturating(start, d.amount);
    case aftersale::clock_kind::calendar_days:
    case aftersale::clock_kind::business_days: {
      const std::int64_t days = d.amount > k_days_max ? k_days_max : d.amount < -k_days_max ? -k_days_max : d.amount;
      return add_saturating(start, days * k_day);
    }
  }
  return start;
}

// Whole `unit`s from `from` to `to`, rounded toward -infinity (src/decide/derive.cpp).
inline std::int64_t whole_units_since(aftersale::sys_seconds from, aftersale::sys_seconds to, std::int64_t unit) noexcept {
  const wide n = wide{to.time_since_epoch().count()} - from.time_since_epoch().count();
  wide q = n / unit;
  if (n % unit != 0 && n < 0) --q;
  return static_cast<std::int64_t>(q);
})");
}

}  // namespace aftersale::codegen
