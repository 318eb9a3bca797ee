// SPDX-License-Identifier: Apache-2.0
// Reads `calendars:` into calendar_def and compiles each with business_calendar::create.
#include <algorithm>
#include <array>
#include <cstdio>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

constexpr std::array<std::string_view, 7> weekdays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
// Longest holiday range accepted: a range is a few days, never years of dates.
constexpr int max_range_days = 366;

bool digits(std::string_view t, std::size_t from, std::size_t n, int& out) {
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

std::optional<local_date> parse_date(std::string_view t) {
  int y = 0, m = 0, d = 0;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !digits(t, 0, 4, y) || !digits(t, 5, 2, m) ||
      !digits(t, 8, 2, d)) {
    return std::nullopt;
  }
  static constexpr std::array<int, 12> days{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > days[static_cast<std::size_t>(m - 1)]) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::nullopt;
  return local_date{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
std::int64_t day_number(const local_date& d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = (d.month + 9) % 12;
  const unsigned doy = (153 * mp + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

local_date from_day_number(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return local_date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::optional<local_date> read_date(build_state& s, const node& n, std::string_view what) {
  if (!s.r.expect(n, node::kind::scalar, what)) return std::nullopt;
  auto d = parse_date(n.value);
  if (!d) {
    s.r.error(error_code::invalid_value, n, "invalid date `" + n.value + "` in " + std::string(what),
              "write a date as `YYYY-MM-DD`, e.g. `2026-10-01`");
  }
  return d;
}

// `HH:MM` → minutes; `24:00` allowed.
std::optional<int> parse_clock_time(std::string_view t) {
  int h = 0, m = 0;
  if (t.size() != 5 || t[2] != ':' || !digits(t, 0, 2, h) || !digits(t, 3, 2, m)) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

// A list of `HH:MM-HH:MM` periods; checks order and overlaps.
std::optional<std::vector<working_period>> read_periods(build_state& s, const node& n,
                                                        const std::string& what) {
  if (!s.r.expect(n, node::kind::sequence, what)) return std::nullopt;
  std::vector<working_period> out;
  bool ok = true;
  for (const node& item : n.children) {
    if (!s.r.expect(item, node::kind::scalar, "a working period in " + what)) {
      ok = false;
      continue;
    }
    const std::string_view t = item.value;
    const auto dash = t.find('-');
    auto open = dash == std::string_view::npos ? std::nullopt : parse_clock_time(t.substr(0, dash));
    auto close = dash == std::string_view::npos ? std::nullopt : parse_clock_time(t.substr(dash + 1));
    if (!open || !close) {
      s.r.error(error_code::invalid_value, item, "invalid working period `" + item.value + "` in " + what,
                "write a period as `HH:MM-HH:MM` in local time, e.g. `09:00-18:00`");
      ok = false;
      continue;
    }
    if (*open >= *close) {
      s.r.error(error_code::invalid_range, item, "working period `" + item.value + "` closes before it opens",
                "the opening time must be earlier than the closing time (`24:00` closes at midnight)");
      ok = false;
      continue;
    }
    const bool overlaps = std::any_of(out.begin(), out.end(), [&](const working_period& p) {
      return *open < p.close_minute && p.open_minute < *close;
    });
    if (overlaps) {
      s.r.error(error_code::invalid_range, item,
                "working period `" + item.value + "` overlaps another in " + what,
                "periods of one day must not overlap");
      ok = false;
      continue;
    }
    out.push_back(working_period{*open, *close});
  }
  if (!ok) return std::nullopt;
  std::sort(out.begin(), out.end(),
            [](const working_period& a, const working_period& b) { return a.open_minute < b.open_minute; });
  return out;
}

// Dates and `{from, to, name}` ranges.
bool read_dates(build_state& s, const node& n, const std::string& what, std::vector<local_date>& out,
                std::vector<const node*>& where) {
  if (!s.r.expect(n, node::kind::sequence, what)) return false;
  bool ok = true;
  for (const node& item : n.children) {
    if (item.is_mapping()) {
      if (!s.r.check_keys(item, "a date range in " + what, {"from", "to", "name"}, {"from", "to"})) {
        ok = false;
        continue;
      }
      if (const node* name = item.find("name"))
        ok = s.r.text(*name, "the name of a date range").has_value() && ok;
      auto from = read_date(s, *item.find("from"), what);
      auto to = read_date(s, *item.find("to"), what);
      if (!from || !to) {
        ok = false;
        continue;
      }
      const std::int64_t a = day_number(*from), b = day_number(*to);
      if (b < a || b - a >= max_range_days) {
        s.r.error(error_code::invalid_range, item,
                  b < a ? "date range ends before it starts" : "date range is longer than a year",
                  "write `{from: first day, to: last day}` with `from` not after `to`, within one year");
        ok = false;
        continue;
      }
      for (std::int64_t d = a; d <= b; ++d) {
        out.push_back(from_day_number(d));
        where.push_back(&item);
      }
    } else if (auto d = read_date(s, item, what)) {
      out.push_back(*d);
      where.push_back(&item);
    } else {
      ok = false;
    }
  }
  return ok;
}

// `covers: [2025, 2026]`: the years whose holidays and make-up days are all listed.
bool read_covers(build_state& s, const node& n, const std::string& label, std::vector<int>& out) {
  if (!s.r.expect(n, node::kind::sequence, "`covers` of " + label)) return false;
  const std::string help =
      "list the years whose holidays and make-up days are all written, in order, "
      "e.g. `covers: [2025, 2026]`";
  for (const node& item : n.children) {
    const auto y = s.r.integer(item, "a year in `covers` of " + label);
    if (!y) return false;
    if (*y < 1 || *y > 9999) {
      s.r.error(error_code::covers_invalid, item,
                "covered year " + item.value + " of " + label + " is outside 1..9999", help);
      return false;
    }
    if (!out.empty() && *y != out.back() + 1) {
      s.r.error(error_code::covers_invalid, item,
                "covered years of " + label + " must be consecutive and increasing: " +
                    std::to_string(out.back()) + " is followed by " + item.value,
                help);
      return false;
    }
    out.push_back(static_cast<int>(*y));
  }
  if (out.empty()) {
    s.r.error(error_code::covers_invalid, n, "`covers` of " + label + " lists no year", help);
    return false;
  }
  return true;
}

// Every holiday and make-up day lies in a covered year.
bool check_covered(build_state& s, const std::string& label, const std::vector<int>& covers,
                   const std::vector<local_date>& dates, const std::vector<const node*>& where,
                   const char* what) {
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const local_date& d = dates[i];
    if (d.year >= covers.front() && d.year <= covers.back()) continue;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", d.year, d.month, d.day);
    s.r.error(
        error_code::date_not_covered, *where[i],
        std::string(what) + " " + text + " of " + label + " is outside the years it covers (" +
            std::to_string(covers.front()) +
            (covers.size() > 1 ? "-" + std::to_string(covers.back()) : std::string()) + ")",
        "add " + std::to_string(d.year) + " to `covers` once all its holidays and make-up days are listed");
    return false;
  }
  return true;
}

void read_calendar(build_state& s, const node& key, const node& decl) {
  auto id = s.r.id(key, "a calendar id");
  const std::string label = "calendar `" + key.value + "`";
  s.calendar_names.push_back(key.value);
  bool ok = id.has_value();
  if (!s.r.expect(decl, node::kind::mapping, label)) {
    s.broken_calendars.insert(key.value);
    return;
  }
  ok = s.r.check_keys(decl, label,
                      {"time_zone", "hours", "holidays", "makeup_workdays", "makeup_hours", "covers"},
                      {"time_zone"}) &&
       ok;
  calendar_def def;
  if (id) def.id = *id;
  def.where = s.r.span(key);
  const node* zone = decl.find("time_zone");
  if (zone) {
    auto z = s.r.text(*zone, "the time zone of " + label);
    if (z) def.time_zone = *z;
    ok = z.has_value() && ok;
  }
  if (const node* hours = decl.find("hours");
      hours && s.r.expect(*hours, node::kind::mapping, "`hours` of " + label)) {
    for (std::size_t i = 0; i < hours->pairs(); ++i) {
      const node& day = hours->key(i);
      auto it = std::find(weekdays.begin(), weekdays.end(), day.value);
      if (!day.is_scalar() || it == weekdays.end()) {
        s.r.error(error_code::unknown_key, day, "unknown weekday `" + show(day) + "` in `hours` of " + label,
                  suggest(show(day), {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
                          "weekdays: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`"));
        ok = false;
        continue;
      }
      auto periods = read_periods(s, hours->val(i), "`hours." + day.value + "` of " + label);
      if (periods) {
        def.week[static_cast<std::size_t>(it - weekdays.begin())] = std::move(*periods);
      } else {
        ok = false;
      }
    }
  } else if (hours) {
    ok = false;
  }
  std::vector<const node*> holiday_at, makeup_at;
  if (const node* n = decl.find("holidays"))
    ok = read_dates(s, *n, "`holidays` of " + label, def.holidays, holiday_at) && ok;
  if (const node* n = decl.find("makeup_workdays")) {
    ok = read_dates(s, *n, "`makeup_workdays` of " + label, def.makeup_workdays, makeup_at) && ok;
  }
  for (std::size_t i = 0; i < def.makeup_workdays.size(); ++i) {
    const local_date& d = def.makeup_workdays[i];
    if (std::find(def.holidays.begin(), def.holidays.end(), d) != def.holidays.end()) {
      char text[16];
      std::snprintf(text, sizeof text, "%04d-%02u-%02u", d.year, d.month, d.day);
      s.r.error(error_code::invalid_range, *makeup_at[i],
                "date " + std::string(text) + " is both a holiday and a make-up working day in " + label,
                "remove it from `holidays` or from `makeup_workdays`");
      ok = false;
    }
  }
  if (const node* n = decl.find("covers")) ok = read_covers(s, *n, label, def.covers) && ok;
  if (ok && !def.covers.empty()) {
    ok = check_covered(s, label, def.covers, def.holidays, holiday_at, "holiday") && ok;
    ok = check_covered(s, label, def.covers, def.makeup_workdays, makeup_at, "make-up working day") && ok;
  }
  if (const node* n = decl.find("makeup_hours")) {
    auto periods = read_periods(s, *n, "`makeup_hours` of " + label);
    if (periods) {
      def.makeup_hours = std::move(*periods);
    } else {
      ok = false;
    }
  }
  if (!ok) {
    s.broken_calendars.insert(key.value);
    return;
  }
  try {
    s.p.calendars.push_back(business_calendar::create(std::move(def)));
  } catch (const calendar_error& e) {
    // The periods and dates were checked above with their own positions: only the zone is left.
    if (e.code() == error_code::unknown_time_zone) {
      s.r.error(error_code::unknown_time_zone, *zone, "unknown time zone `" + zone->value + "` in " + label,
                "use an IANA time zone name such as `Asia/Shanghai` or `Europe/Berlin`");
    } else {
      s.r.error(e.code(), key, e.what(), "");
    }
    s.broken_calendars.insert(key.value);
  }
}

}  // namespace

void read_calendars(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `calendars` section")) {
    s.broken_calendars.insert("*");
    return;
  }
  for (std::size_t i = 0; i < section.pairs(); ++i) read_calendar(s, section.key(i), section.val(i));
}

}  // namespace aftersale::load
