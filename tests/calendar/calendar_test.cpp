// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <aftersale/calendar.hpp>
#include <random>
#include <stdexcept>
#include <string>

#include "calendar/walk_access.hpp"

namespace {

using aftersale::business_calendar;
using aftersale::calendar_def;
using aftersale::clock_duration;
using aftersale::clock_kind;
using aftersale::local_date;
using aftersale::never_due;
using aftersale::parse_timestamp;
using aftersale::sys_seconds;
using aftersale::working_period;
using aftersale::detail::calendar_access;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int h(int hour, int minute = 0) { return hour * 60 + minute; }

// An instant written with an explicit offset.
sys_seconds ts(const std::string& text) {
  auto t = aftersale::parse_timestamp(text);
  if (!t) throw std::invalid_argument("bad timestamp in test: " + text);
  return *t;
}
sys_seconds sh(const std::string& wall) { return ts(wall + "+08:00"); }

clock_duration business_hours(std::int64_t n) { return {clock_kind::business_time, n * 3600}; }
clock_duration business_days(std::int64_t n) { return {clock_kind::business_days, n}; }
clock_duration calendar_days(std::int64_t n) { return {clock_kind::calendar_days, n}; }
clock_duration elapsed_hours(std::int64_t n) { return {clock_kind::elapsed, n * 3600}; }

void add_range(std::vector<local_date>& out, int year, unsigned month, unsigned from, unsigned to) {
  for (unsigned d = from; d <= to; ++d) out.push_back({year, month, d});
}

// Asia/Shanghai, Mon-Fri 09:00-12:00 and 13:00-18:00, with the 2026 State Council holidays.
calendar_def cn_def() {
  calendar_def def;
  def.id = "cn";
  def.time_zone = "Asia/Shanghai";
  for (int d = 0; d < 5; ++d) def.week[d] = {{h(9), h(12)}, {h(13), h(18)}};
  add_range(def.holidays, 2026, 1, 1, 3);    // New Year
  add_range(def.holidays, 2026, 2, 15, 23);  // Spring Festival
  add_range(def.holidays, 2026, 4, 4, 6);    // Qingming
  add_range(def.holidays, 2026, 5, 1, 5);    // Labour Day
  add_range(def.holidays, 2026, 6, 19, 21);  // Dragon Boat
  add_range(def.holidays, 2026, 9, 25, 27);  // Mid-Autumn
  add_range(def.holidays, 2026, 10, 1, 7);   // National Day
  def.makeup_workdays = {{2026, 1, 4}, {2026, 2, 14}, {2026, 2, 28},
                         {2026, 5, 9}, {2026, 9, 20}, {2026, 10, 10}};
  return def;
}

const business_calendar& cn() {
  static const business_calendar cal = business_calendar::create(cn_def());
  return cal;
}

// Europe/Berlin, Mon-Fri 08:00-17:00.
calendar_def berlin_def() {
  calendar_def def;
  def.id = "de";
  def.time_zone = "Europe/Berlin";
  for (int d = 0; d < 5; ++d) def.week[d] = {{h(8), h(17)}};
  return def;
}

calendar_def around_the_clock(const std::string& zone) {
  calendar_def def;
  def.id = "always";
  def.time_zone = zone;
  for (auto& day : def.week) day = {{0, 1440}};
  return def;
}

// Contract change: create() throws aftersale::calendar_error (was std::invalid_argument).
std::string create_error(const calendar_def& def) {
  try {
    business_calendar::create(def);
  } catch (const aftersale::calendar_error& e) {
    return e.what();
  }
  return "(no error)";
}

// The code of the calendar_error create() throws; any other exception fails the test.
std::string create_code(const calendar_def& def) {
  try {
    business_calendar::create(def);
  } catch (const aftersale::calendar_error& e) {
    return aftersale::code_text(e.code());
  }
  return "(no error)";
}

// ---------------------------------------------------------------------------------------------
// create()

TEST(CalendarCreate, UnknownZoneNamesTheZone) {
  calendar_def def = cn_def();
  def.time_zone = "Mars/Olympus";
  EXPECT_EQ(create_error(def), "calendar `cn`: unknown time zone `Mars/Olympus`");
  def.id.clear();
  def.time_zone = "asia/shanghai";  // names are case-sensitive
  EXPECT_EQ(create_error(def), "unknown time zone `asia/shanghai`");
}

TEST(CalendarCreate, RejectsMalformedPeriods) {
  calendar_def def = berlin_def();
  def.week[2] = {{-1, h(9)}};
  EXPECT_EQ(create_error(def),
            "calendar `de`: working period -1 minutes-09:00 of `wed` is outside 00:00-24:00");
  def.week[2] = {{h(9), 1441}};
  EXPECT_EQ(create_error(def),
            "calendar `de`: working period 09:00-1441 minutes of `wed` is outside 00:00-24:00");
  def.week[2] = {{h(18), h(9)}};
  EXPECT_EQ(create_error(def),
            "calendar `de`: working period 18:00-09:00 of `wed` must open before it closes");
  def.week[2] = {{h(9), h(9)}};
  EXPECT_EQ(create_error(def),
            "calendar `de`: working period 09:00-09:00 of `wed` must open before it closes");
  def.week[6] = {{h(9), h(12)}, {h(11), h(13)}};
  def.week[2] = {};
  EXPECT_EQ(
      create_error(def),
      "calendar `de`: working periods 09:00-12:00 and 11:00-13:00 of `sun` overlap or are out of order");
  def.week[6] = {{h(13), h(18)}, {h(9), h(12)}};
  EXPECT_EQ(
      create_error(def),
      "calendar `de`: working periods 13:00-18:00 and 09:00-12:00 of `sun` overlap or are out of order");
  def.week[6] = {};
  def.makeup_hours = {{h(10), h(9)}};
  EXPECT_EQ(create_error(def),
            "calendar `de`: working period 10:00-09:00 of `makeup_hours` must open before it closes");
}

TEST(CalendarCreate, EachRefusalCarriesItsDiagnosticCode) {
  calendar_def def = cn_def();
  def.time_zone = "Mars/Olympus";
  EXPECT_EQ(create_code(def), "E203");
  def = berlin_def();
  def.week[2] = {{h(18), h(9)}};
  EXPECT_EQ(create_code(def), "E204");
  def = cn_def();
  def.makeup_workdays.push_back({2026, 10, 3});
  EXPECT_EQ(create_code(def), "E204");
  def = cn_def();
  def.holidays.push_back({2026, 2, 30});
  EXPECT_EQ(create_code(def), "E108");
  def = cn_def();
  def.week[0].clear();
  EXPECT_EQ(create_code(def), "E106");
  def.time_zone = "Mars/Olympus";
  EXPECT_THROW(business_calendar::create(def), aftersale::error);  // one catch for the library
}

TEST(CalendarCreate, AcceptsTouchingPeriodsAndMidnightClose) {
  calendar_def def = berlin_def();
  def.week[5] = {{0, h(12)}, {h(12), 1440}};
  EXPECT_NO_THROW(business_calendar::create(def));
}

TEST(CalendarCreate, RejectsDateThatIsHolidayAndMakeupDay) {
  calendar_def def = cn_def();
  def.makeup_workdays.push_back({2026, 10, 3});
  EXPECT_EQ(create_error(def), "calendar `cn`: date 2026-10-03 is both a holiday and a make-up working day");
}

TEST(CalendarCreate, RejectsInvalidDates) {
  calendar_def def = cn_def();
  def.holidays.push_back({2026, 2, 30});
  EXPECT_EQ(create_error(def), "calendar `cn`: invalid holiday date 2026-02-30");
  def = cn_def();
  def.makeup_workdays.push_back({2026, 13, 1});
  EXPECT_EQ(create_error(def), "calendar `cn`: invalid make-up working day date 2026-13-01");
}

TEST(CalendarCreate, RejectsMakeupDaysWithoutHours) {
  calendar_def def = cn_def();
  def.week[0].clear();
  EXPECT_EQ(create_error(def),
            "calendar `cn`: make-up working days need hours: set `makeup_hours` or Monday's hours");
  def.makeup_hours = {{h(9), h(17)}};
  EXPECT_NO_THROW(business_calendar::create(def));
}

TEST(CalendarCreate, KeepsDefinition) {
  EXPECT_EQ(cn().id(), "cn");
  EXPECT_EQ(cn().definition().time_zone, "Asia/Shanghai");
  EXPECT_EQ(cn().definition().holidays.size(), 33u);
  business_calendar copy = cn();
  EXPECT_EQ(&copy.definition(), &cn().definition());  // copies share one implementation
}

// ---------------------------------------------------------------------------------------------
// Asia/Shanghai with a lunch break

TEST(CalendarCn, WorkingTimeWithLunchBreak) {
  EXPECT_TRUE(cn().is_working_time(sh("2026-11-23T09:00:00")));
  EXPECT_TRUE(cn().is_working_time(sh("2026-11-23T11:59:59")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-11-23T12:00:00")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-11-23T12:59:59")));
  EXPECT_TRUE(cn().is_working_time(sh("2026-11-23T13:00:00")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-11-23T18:00:00")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-11-23T08:59:59")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-11-28T10:00:00")));  // Saturday
}

TEST(CalendarCn, BusinessHoursSkipLunch) {
  EXPECT_EQ(cn().add(sh("2026-11-23T11:00:00"), business_hours(2)), sh("2026-11-23T14:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T12:30:00"), business_hours(1)), sh("2026-11-23T14:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T11:30:00"), {clock_kind::business_time, 30 * 60}),
            sh("2026-11-23T12:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T11:30:00"), {clock_kind::business_time, 31 * 60}),
            sh("2026-11-23T13:01:00"));
}

TEST(CalendarCn, BusinessHoursAcrossNightsAndWeekends) {
  // Friday 17:00 + 3 h: 1 h on Friday, 2 h on Monday morning.
  EXPECT_EQ(cn().add(sh("2026-11-27T17:00:00"), business_hours(3)), sh("2026-11-30T11:00:00"));
  // Tuesday 20:00: counting starts Wednesday 09:00.
  EXPECT_EQ(cn().add(sh("2026-11-24T20:00:00"), business_hours(8)), sh("2026-11-25T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-24T20:00:00"), business_hours(9)), sh("2026-11-26T10:00:00"));
  // A Saturday start counts from Monday's opening.
  EXPECT_EQ(cn().add(sh("2026-11-28T10:00:00"), business_hours(1)), sh("2026-11-30T10:00:00"));
  // 40 business hours = one full week.
  EXPECT_EQ(cn().add(sh("2026-11-23T09:00:00"), business_hours(40)), sh("2026-11-27T18:00:00"));
}

TEST(CalendarCn, StartAtOpenOrClose) {
  EXPECT_EQ(cn().add(sh("2026-11-23T09:00:00"), business_hours(3)), sh("2026-11-23T12:00:00"));
  // A deadline landing exactly at a close stays at that close, not at the next opening.
  EXPECT_EQ(cn().add(sh("2026-11-23T17:00:00"), business_hours(1)), sh("2026-11-23T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T09:00:00"), business_hours(8)), sh("2026-11-23T18:00:00"));
  // A start at a close counts from the next opening.
  EXPECT_EQ(cn().add(sh("2026-11-23T12:00:00"), business_hours(1)), sh("2026-11-23T14:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T18:00:00"), business_hours(1)), sh("2026-11-24T10:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T13:00:00"), {clock_kind::business_time, 1}), sh("2026-11-23T13:00:01"));
  // Zero or negative business time: due at the start.
  EXPECT_EQ(cn().add(sh("2026-11-23T20:00:00"), business_hours(0)), sh("2026-11-23T20:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T20:00:00"), business_hours(-2)), sh("2026-11-23T20:00:00"));
}

TEST(CalendarCn, BusinessDaysEndAtClose) {
  // Friday evening + 2 business days = Tuesday's close.
  EXPECT_EQ(cn().add(sh("2026-11-27T20:00:00"), business_days(2)), sh("2026-12-01T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-27T08:00:00"), business_days(2)), sh("2026-12-01T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T09:00:00"), business_days(1)), sh("2026-11-24T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-23T09:00:00"), business_days(5)), sh("2026-11-30T18:00:00"));
  // N = 0: the close of the start's date if it works, else of the next working date.
  EXPECT_EQ(cn().add(sh("2026-11-27T20:00:00"), business_days(0)), sh("2026-11-27T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-11-28T10:00:00"), business_days(0)), sh("2026-11-30T18:00:00"));
  // The local date decides: Sunday 23:30 UTC is already Monday in Shanghai.
  EXPECT_EQ(cn().add(ts("2026-11-29T23:30:00Z"), business_days(1)), sh("2026-12-01T18:00:00"));
}

TEST(CalendarCn, NationalDayHolidayWeekIsSkipped) {
  EXPECT_FALSE(cn().is_working_day({2026, 10, 1}));
  EXPECT_FALSE(cn().is_working_day({2026, 10, 5}));  // a Monday inside the holiday
  EXPECT_TRUE(cn().is_working_day({2026, 10, 8}));
  // Wednesday 30 Sep 17:00 + 2 business hours: 1 h that day, the rest on Thursday 8 Oct.
  EXPECT_EQ(cn().add(sh("2026-09-30T17:00:00"), business_hours(2)), sh("2026-10-08T10:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-30T10:00:00"), business_days(1)), sh("2026-10-08T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-29T10:00:00"), business_days(2)), sh("2026-10-08T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-10-03T10:00:00"), business_days(0)), sh("2026-10-08T18:00:00"));
  EXPECT_EQ(cn().working_time_between(sh("2026-09-30T00:00:00"), sh("2026-10-09T00:00:00")), hours(16));
  // Labour Day: Thursday 30 Apr + 1 business day skips 1-5 May.
  EXPECT_EQ(cn().add(sh("2026-04-30T10:00:00"), business_days(1)), sh("2026-05-06T18:00:00"));
}

TEST(CalendarCn, MakeupWorkdaysCount) {
  EXPECT_TRUE(cn().is_working_day({2026, 10, 10}));  // Saturday
  EXPECT_TRUE(cn().is_working_day({2026, 9, 20}));   // Sunday
  EXPECT_FALSE(cn().is_working_day({2026, 10, 11}));
  EXPECT_FALSE(cn().is_working_day({2026, 9, 19}));
  EXPECT_TRUE(cn().is_working_time(sh("2026-10-10T09:30:00")));
  EXPECT_FALSE(cn().is_working_time(sh("2026-10-10T12:30:00")));  // Monday's hours, lunch included
  // Friday 9 Oct 17:00 + 2 business hours: Friday 17-18, Saturday 10 Oct 09-10.
  EXPECT_EQ(cn().add(sh("2026-10-09T17:00:00"), business_hours(2)), sh("2026-10-10T10:00:00"));
  EXPECT_EQ(cn().add(sh("2026-10-09T17:00:00"), business_days(1)), sh("2026-10-10T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-10-09T17:00:00"), business_days(2)), sh("2026-10-12T18:00:00"));
  // Saturday 19 Sep + 1 business hour lands on the make-up Sunday.
  EXPECT_EQ(cn().add(sh("2026-09-19T10:00:00"), business_hours(1)), sh("2026-09-20T10:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-19T10:00:00"), business_days(0)), sh("2026-09-20T18:00:00"));
  // Spring Festival: make-up Saturday 14 Feb, then nine days off.
  EXPECT_EQ(cn().add(sh("2026-02-13T10:00:00"), business_days(1)), sh("2026-02-14T18:00:00"));
  EXPECT_EQ(cn().add(sh("2026-02-13T10:00:00"), business_days(2)), sh("2026-02-24T18:00:00"));
}

TEST(CalendarCn, MakeupHoursOverrideMondaysHours) {
  calendar_def def = cn_def();
  def.makeup_hours = {{h(10), h(16)}};
  const auto cal = business_calendar::create(def);
  EXPECT_EQ(cal.add(sh("2026-10-09T20:00:00"), business_days(1)), sh("2026-10-10T16:00:00"));
  EXPECT_EQ(cal.add(sh("2026-10-09T20:00:00"), business_hours(1)), sh("2026-10-10T11:00:00"));
  EXPECT_TRUE(cal.is_working_time(sh("2026-10-10T12:30:00")));
}

TEST(CalendarCn, ElapsedAndCalendarDays) {
  EXPECT_EQ(cn().add(sh("2026-09-30T17:00:00"), elapsed_hours(48)), sh("2026-10-02T17:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-30T17:00:00"), calendar_days(10)), sh("2026-10-10T17:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-30T17:00:00"), calendar_days(-1)), sh("2026-09-29T17:00:00"));
  EXPECT_EQ(cn().add(sh("2026-09-30T17:00:00"), {clock_kind::elapsed, -60}), sh("2026-09-30T16:59:00"));
}

TEST(CalendarCn, WorkingDayChecks) {
  EXPECT_TRUE(cn().is_working_day({2026, 11, 23}));
  EXPECT_FALSE(cn().is_working_day({2026, 11, 28}));
  EXPECT_FALSE(cn().is_working_day({2026, 2, 30}));  // not a date
  EXPECT_FALSE(cn().is_working_day({2026, 1, 1}));
  EXPECT_TRUE(cn().is_working_day({2026, 1, 4}));
}

TEST(CalendarCn, LocalDates) {
  EXPECT_EQ(cn().local_date_of(ts("2026-10-07T16:00:00Z")), (local_date{2026, 10, 8}));
  EXPECT_EQ(cn().local_date_of(ts("2026-10-07T15:59:59Z")), (local_date{2026, 10, 7}));
  EXPECT_EQ(cn().local_days_between(sh("2026-10-01T23:59:00"), sh("2026-10-02T00:01:00")), 1);
  EXPECT_EQ(cn().local_days_between(sh("2026-10-02T00:01:00"), sh("2026-10-01T23:59:00")), -1);
  EXPECT_EQ(cn().local_days_between(sh("2026-10-01T00:00:00"), sh("2026-10-01T23:59:59")), 0);
  EXPECT_EQ(cn().local_days_between(sh("2026-01-01T12:00:00"), sh("2027-01-01T00:00:00")), 365);
  EXPECT_EQ(cn().local_date_of(sh("2050-06-01T00:30:00")), (local_date{2050, 6, 1}));  // outside the window
}

TEST(CalendarCn, FormatAndParseLocal) {
  EXPECT_EQ(cn().format_local(sh("2026-10-08T17:30:00")), "2026-10-08 17:30:00 CST (+08:00)");
  EXPECT_EQ(cn().format_iso_local(sh("2026-10-08T17:30:00")), "2026-10-08T17:30:00+08:00");
  EXPECT_EQ(cn().parse_local("2026-10-08 17:30"), sh("2026-10-08T17:30:00"));
  EXPECT_EQ(cn().parse_local("2026-10-08T17:30:15"), sh("2026-10-08T17:30:15"));
  EXPECT_EQ(cn().parse_local("2026-10-08 17:30+08:00"), std::nullopt);
  EXPECT_EQ(cn().parse_local("2026-10-08"), std::nullopt);
  EXPECT_EQ(cn().parse_local("2026-02-30 10:00"), std::nullopt);
  EXPECT_EQ(cn().parse_local("2026-10-08 25:00"), std::nullopt);
}

TEST(CalendarCn, DeadlinesMatchWorkingTime) {
  // Property: from inside working time, the working time up to the deadline is the duration.
  std::mt19937_64 rng(20261008);
  const std::int64_t lo = sh("2025-06-01T00:00:00").time_since_epoch().count();
  const std::int64_t hi = sh("2027-06-01T00:00:00").time_since_epoch().count();
  int checked = 0;
  while (checked < 2000) {
    const sys_seconds s{seconds{std::uniform_int_distribution<std::int64_t>(lo, hi)(rng)}};
    if (!cn().is_working_time(s)) continue;
    const std::int64_t amount = std::uniform_int_distribution<std::int64_t>(1, 200 * 3600)(rng);
    const sys_seconds due = cn().add(s, {clock_kind::business_time, amount});
    ASSERT_EQ(cn().working_time_between(s, due), seconds{amount}) << cn().format_local(s);
    // The deadline is the earliest such instant: a second earlier falls short.
    ASSERT_EQ(cn().working_time_between(s, due - seconds{1}), seconds{amount - 1}) << cn().format_local(s);
    ++checked;
  }
}

// ---------------------------------------------------------------------------------------------
// Europe/Berlin and DST

TEST(CalendarBerlin, ElapsedHoursAcrossDst) {
  const auto cal = business_calendar::create(berlin_def());
  // Spring forward: 24 elapsed hours move the local clock by 25 hours.
  const sys_seconds spring = ts("2026-03-28T12:00:00+01:00");
  EXPECT_EQ(cal.format_iso_local(cal.add(spring, elapsed_hours(24))), "2026-03-29T13:00:00+02:00");
  // Fall back: by 23 hours.
  const sys_seconds autumn = ts("2026-10-24T12:00:00+02:00");
  EXPECT_EQ(cal.format_iso_local(cal.add(autumn, elapsed_hours(24))), "2026-10-25T11:00:00+01:00");
}

TEST(CalendarBerlin, CalendarDaysKeepWallClock) {
  const auto cal = business_calendar::create(berlin_def());
  const sys_seconds spring = ts("2026-03-28T12:00:00+01:00");
  const sys_seconds spring_due = cal.add(spring, calendar_days(1));
  EXPECT_EQ(cal.format_iso_local(spring_due), "2026-03-29T12:00:00+02:00");
  EXPECT_EQ(spring_due - spring, hours(23));
  const sys_seconds autumn = ts("2026-10-24T12:00:00+02:00");
  const sys_seconds autumn_due = cal.add(autumn, calendar_days(1));
  EXPECT_EQ(cal.format_iso_local(autumn_due), "2026-10-25T12:00:00+01:00");
  EXPECT_EQ(autumn_due - autumn, hours(25));
  EXPECT_EQ(cal.format_iso_local(cal.add(autumn, calendar_days(-210))), "2026-03-28T12:00:00+01:00");
  // A wall-clock time in the spring gap moves forward by the gap; a repeated one takes the earlier instant.
  EXPECT_EQ(cal.add(ts("2026-03-28T02:30:00+01:00"), calendar_days(1)), ts("2026-03-29T03:30:00+02:00"));
  EXPECT_EQ(cal.add(ts("2026-10-24T02:30:00+02:00"), calendar_days(1)), ts("2026-10-25T02:30:00+02:00"));
}

TEST(CalendarBerlin, FormatAndParseAcrossDst) {
  const auto cal = business_calendar::create(berlin_def());
  EXPECT_EQ(cal.format_local(ts("2026-03-29T13:00:00+02:00")), "2026-03-29 13:00:00 CEST (+02:00)");
  EXPECT_EQ(cal.format_local(ts("2026-12-24T18:00:00+01:00")), "2026-12-24 18:00:00 CET (+01:00)");
  EXPECT_EQ(cal.parse_local("2026-03-29 02:30"), ts("2026-03-29T03:30:00+02:00"));  // in the gap
  EXPECT_EQ(cal.parse_local("2026-10-25 02:30"), ts("2026-10-25T02:30:00+02:00"));  // repeated: earlier
  EXPECT_EQ(cal.parse_local("2026-10-25 03:30"), ts("2026-10-25T03:30:00+01:00"));
  EXPECT_EQ(cal.local_days_between(ts("2026-03-28T23:30:00+01:00"), ts("2026-03-29T00:30:00+01:00")), 1);
}

TEST(CalendarBerlin, BusinessHoursAcrossDstNight) {
  const auto always = business_calendar::create(around_the_clock("Europe/Berlin"));
  // Working around the clock: business time is real time, so the DST night has 23 / 25 hours.
  EXPECT_EQ(always.add(ts("2026-03-28T12:00:00+01:00"), business_hours(24)), ts("2026-03-29T13:00:00+02:00"));
  EXPECT_EQ(always.add(ts("2026-10-24T12:00:00+02:00"), business_hours(24)), ts("2026-10-25T11:00:00+01:00"));
  EXPECT_EQ(always.working_time_between(ts("2026-03-29T00:00:00+01:00"), ts("2026-03-30T00:00:00+02:00")),
            hours(23));
  EXPECT_EQ(always.working_time_between(ts("2026-10-25T00:00:00+02:00"), ts("2026-10-26T00:00:00+01:00")),
            hours(25));

  // A night shift on Sundays, 00:00-06:00 local: 5 real hours on the spring night, 7 in autumn.
  calendar_def def = berlin_def();
  def.week = {};
  def.week[6] = {{0, h(6)}};
  const auto night = business_calendar::create(def);
  EXPECT_EQ(night.working_time_between(ts("2026-03-28T12:00:00+01:00"), ts("2026-03-30T00:00:00+02:00")),
            hours(5));
  EXPECT_EQ(night.working_time_between(ts("2026-10-24T12:00:00+02:00"), ts("2026-10-26T00:00:00+01:00")),
            hours(7));
  // 6 h from Saturday: 5 h that Sunday night, the last hour a week later.
  EXPECT_EQ(night.add(ts("2026-03-28T12:00:00+01:00"), business_hours(6)), ts("2026-04-05T01:00:00+02:00"));
  EXPECT_EQ(night.add(ts("2026-10-24T12:00:00+02:00"), business_hours(6)), ts("2026-10-25T05:00:00+01:00"));
  EXPECT_EQ(night.add(ts("2026-10-24T12:00:00+02:00"), business_hours(7)), ts("2026-10-25T06:00:00+01:00"));
  EXPECT_EQ(night.add(ts("2026-10-24T12:00:00+02:00"), business_days(0)), ts("2026-10-25T06:00:00+01:00"));

  // Periods with a boundary inside the gap or the repeated hour.
  def.week[6] = {{h(2, 30), h(4)}};
  const auto odd = business_calendar::create(def);
  // 02:30 does not exist on 29 March: the period opens when the clock jumps to 03:00.
  EXPECT_EQ(odd.working_time_between(ts("2026-03-29T00:00:00+01:00"), ts("2026-03-30T00:00:00+02:00")),
            hours(1));
  EXPECT_FALSE(odd.is_working_time(ts("2026-03-29T01:59:59+01:00")));
  EXPECT_TRUE(odd.is_working_time(ts("2026-03-29T03:00:00+02:00")));
  // 02:30 happens twice on 25 October: the period opens at the first one.
  EXPECT_EQ(odd.working_time_between(ts("2026-10-25T00:00:00+02:00"), ts("2026-10-26T00:00:00+01:00")),
            minutes(150));
}

TEST(CalendarBerlin, BusinessDaysAcrossDst) {
  const auto cal = business_calendar::create(berlin_def());
  // Friday 27 March evening + 2 business days: Tuesday 31 March 17:00 CEST.
  EXPECT_EQ(cal.add(ts("2026-03-27T19:00:00+01:00"), business_days(2)), ts("2026-03-31T17:00:00+02:00"));
  EXPECT_EQ(cal.add(ts("2026-10-23T19:00:00+02:00"), business_days(2)), ts("2026-10-27T17:00:00+01:00"));
  EXPECT_EQ(cal.add(ts("2026-10-23T16:00:00+02:00"), business_hours(3)), ts("2026-10-26T10:00:00+01:00"));
}

// ---------------------------------------------------------------------------------------------
// Outside the precomputed window, and the fast path against the day-by-day walk

TEST(CalendarWindow, BoundsAreLocalMidnights) {
  EXPECT_EQ(calendar_access::window_begin(cn()), sh("2015-01-01T00:00:00"));
  EXPECT_EQ(calendar_access::window_end(cn()), sh("2045-01-01T00:00:00"));
}

TEST(CalendarWindow, OutsideTheWindow) {
  // Before: Wednesday 31 Dec 2014 17:00 + 3 h crosses into the window.
  EXPECT_EQ(cn().add(sh("2014-12-31T17:00:00"), business_hours(3)), sh("2015-01-01T11:00:00"));
  EXPECT_EQ(cn().add(sh("2014-12-31T17:00:00"), business_days(1)), sh("2015-01-01T18:00:00"));
  EXPECT_EQ(cn().working_time_between(sh("2014-12-31T17:00:00"), sh("2015-01-01T11:00:00")), hours(3));
  // Across the end: Friday 30 Dec 2044.
  EXPECT_EQ(cn().add(sh("2044-12-30T17:00:00"), business_hours(3)), sh("2045-01-02T11:00:00"));
  EXPECT_EQ(cn().add(sh("2044-12-30T10:00:00"), business_days(3)), sh("2045-01-04T18:00:00"));
  EXPECT_EQ(cn().working_time_between(sh("2044-12-30T17:00:00"), sh("2045-01-02T11:00:00")), hours(3));
  // After: Friday 5 Jan 2046.
  EXPECT_EQ(cn().add(sh("2046-01-05T20:00:00"), business_days(2)), sh("2046-01-09T18:00:00"));
  EXPECT_EQ(cn().add(sh("2046-01-05T17:30:00"), business_hours(1)), sh("2046-01-08T09:30:00"));
  EXPECT_TRUE(cn().is_working_time(sh("2046-01-05T10:00:00")));
  EXPECT_FALSE(cn().is_working_time(sh("2046-01-06T10:00:00")));
  EXPECT_EQ(cn().add(sh("2046-01-05T17:30:00"), calendar_days(3)), sh("2046-01-08T17:30:00"));
  // Far past.
  EXPECT_EQ(cn().add(sh("1999-12-31T17:30:00"), business_hours(1)), sh("2000-01-03T09:30:00"));
}

TEST(CalendarWindow, NoWorkingTimeEverMeansNever) {
  calendar_def def;
  def.id = "closed";
  const auto cal = business_calendar::create(def);
  EXPECT_EQ(cal.add(ts("2026-10-08T10:00:00Z"), business_hours(1)), sys_seconds::max());
  EXPECT_EQ(cal.add(ts("2026-10-08T10:00:00Z"), business_days(1)), sys_seconds::max());
  EXPECT_EQ(cal.add(ts("2050-10-08T10:00:00Z"), business_days(0)), sys_seconds::max());
  EXPECT_EQ(cal.working_time_between(ts("2000-01-01T00:00:00Z"), ts("2050-01-01T00:00:00Z")), seconds{0});
  EXPECT_EQ(cal.add(ts("2026-10-08T10:00:00Z"), calendar_days(1)), ts("2026-10-09T10:00:00Z"));
  // Only make-up days: after the last one there is no work.
  def.makeup_workdays = {{2026, 10, 10}};
  def.makeup_hours = {{h(9), h(17)}};
  const auto once = business_calendar::create(def);
  EXPECT_EQ(once.add(ts("2026-10-08T10:00:00Z"), business_hours(1)), ts("2026-10-10T10:00:00Z"));
  EXPECT_EQ(once.add(ts("2026-10-08T10:00:00Z"), business_hours(9)), sys_seconds::max());
  EXPECT_EQ(once.add(ts("2026-10-08T10:00:00Z"), business_days(1)), ts("2026-10-10T17:00:00Z"));
  EXPECT_EQ(once.add(ts("2026-10-08T10:00:00Z"), business_days(2)), sys_seconds::max());
}

TEST(CalendarWindow, ExtremeInputsSaturate) {
  EXPECT_EQ(cn().add(sys_seconds::max() - seconds{5}, elapsed_hours(1)), sys_seconds::max());
  EXPECT_EQ(cn().add(sys_seconds::min() + seconds{5}, elapsed_hours(-1)), sys_seconds::min());
  EXPECT_EQ(cn().add(sh("2026-10-08T10:00:00"), calendar_days(100'000'000)), sys_seconds::max());
  EXPECT_EQ(cn().add(sys_seconds::max(), business_days(1)), sys_seconds::max());
  EXPECT_EQ(cn().add(sys_seconds::max(), business_hours(1)), sys_seconds::max());
  EXPECT_FALSE(cn().is_working_time(sys_seconds::max()));
  EXPECT_EQ(cn().format_local(never_due), "never");
  EXPECT_EQ(cn().format_iso_local(never_due), "never");
}

// Local text of an instant is that instant's, however far: never a clamped date (year
// 35680317 for anything past 2^50 s), and the ISO form reads back as the same instant.
TEST(CalendarText, FarInstantsAreWrittenAsTheyAre) {
  const sys_seconds three_days_short = never_due - hours(72);
  EXPECT_EQ(cn().format_local(three_days_short), "+292277026596-12-01 23:30:07 CST (+08:00)");
  EXPECT_EQ(cn().format_iso_local(three_days_short), "+292277026596-12-01T23:30:07+08:00");
  // Within a day of the end, t + offset would overflow: written in UTC.
  EXPECT_EQ(cn().format_local(never_due - seconds{1}), "+292277026596-12-04 15:30:06 UTC (+00:00)");
  for (const sys_seconds t : {three_days_short, never_due - seconds{1}, sys_seconds::min(),
                              ts("+10099-10-08T10:00:00Z"), sys_seconds{seconds{std::int64_t{1} << 51}}}) {
    const auto back = parse_timestamp(cn().format_iso_local(t));
    ASSERT_TRUE(back.has_value()) << cn().format_iso_local(t);
    EXPECT_EQ(*back, t) << cn().format_iso_local(t);
  }
}

// Random starts inside the window: the tables and the walk must agree exactly.
void expect_fast_equals_walk(const business_calendar& cal, std::uint64_t seed, int rounds) {
  std::mt19937_64 rng(seed);
  const std::int64_t lo = calendar_access::window_begin(cal).time_since_epoch().count();
  const std::int64_t hi = calendar_access::window_end(cal).time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> instant(lo, hi - 1);
  std::uniform_int_distribution<int> kind(0, 3);
  for (int i = 0; i < rounds; ++i) {
    // Starts on whole hours half the time, so starts at opens and closes are common.
    std::int64_t s = instant(rng);
    if (i % 2 == 0) s -= s % 3600;
    const sys_seconds start{seconds{s}};
    clock_duration d;
    d.kind = static_cast<clock_kind>(kind(rng));
    switch (d.kind) {
      case clock_kind::elapsed:
        d.amount = std::uniform_int_distribution<std::int64_t>(-86400, 10 * 86400)(rng);
        break;
      case clock_kind::calendar_days:
        d.amount = std::uniform_int_distribution<std::int64_t>(-40, 400)(rng);
        break;
      case clock_kind::business_time:
        d.amount = std::uniform_int_distribution<std::int64_t>(0, 120)(rng) * (i % 3 == 0 ? 3600 : 97);
        break;
      case clock_kind::business_days:
        d.amount = std::uniform_int_distribution<std::int64_t>(0, 30)(rng);
        break;
    }
    ASSERT_EQ(cal.add(start, d), calendar_access::walk_add(cal, start, d))
        << cal.id() << " start " << cal.format_local(start) << " kind " << static_cast<int>(d.kind)
        << " amount " << d.amount;
    const sys_seconds to = start + seconds{std::uniform_int_distribution<std::int64_t>(0, 20 * 86400)(rng)};
    ASSERT_EQ(cal.working_time_between(start, to), calendar_access::walk_working_time_between(cal, start, to))
        << cal.id() << " from " << cal.format_local(start) << " to " << cal.format_local(to);
    ASSERT_EQ(cal.is_working_time(start), calendar_access::walk_is_working_time(cal, start))
        << cal.id() << " at " << cal.format_local(start);
  }
}

TEST(CalendarWindow, FastPathEqualsWalkShanghai) { expect_fast_equals_walk(cn(), 1, 3000); }

TEST(CalendarWindow, FastPathEqualsWalkBerlin) {
  calendar_def def = berlin_def();
  def.week[5] = {{h(1), h(2, 30)}, {h(2, 30), h(3, 15)}};  // Saturday night periods around 02:00-03:00
  def.week[6] = {{0, h(2, 15)}, {h(2, 45), 1440}};         // Sunday: DST changes happen on Sunday nights
  def.holidays = {{2026, 12, 24}, {2026, 12, 25}};
  def.makeup_workdays = {{2026, 3, 28}};
  expect_fast_equals_walk(business_calendar::create(def), 2, 3000);
}

TEST(CalendarWindow, FastPathEqualsWalkManyShortPeriods) {
  // Twelve 30-minute periods a day: more than the forward scan looks at, so lookups also search.
  calendar_def def = cn_def();
  for (int d = 0; d < 6; ++d) {
    def.week[d].clear();
    for (int p = 0; p < 12; ++p) def.week[d].push_back({h(8 + p), h(8 + p, 30)});
  }
  expect_fast_equals_walk(business_calendar::create(def), 4, 1500);
}

TEST(CalendarWindow, FastPathEqualsWalkOddZones) {
  // Santiago changes clocks at local midnight; Lord Howe shifts by 30 minutes.
  for (const char* zone : {"America/Santiago", "Australia/Lord_Howe"}) {
    calendar_def def = around_the_clock(zone);
    def.week[1] = {{h(9), h(12)}, {h(13), h(18)}};
    def.week[5] = {};
    expect_fast_equals_walk(business_calendar::create(def), 3, 1500);
  }
}

std::string date_text(const local_date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

TEST(CalendarWindow, FastPathEqualsWalkAroundEveryTransition) {
  // Find every offset change in the window (scanning in 6 h steps) and try starts around it:
  // Berlin and New York change at night, Santiago at local midnight, Lord Howe by 30 minutes.
  for (const char* zone : {"Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe"}) {
    calendar_def def = around_the_clock(zone);
    def.week[0] = {{h(9), h(17)}};
    def.week[5] = {{0, h(1)}, {h(23), 1440}};
    def.week[6] = {{0, h(0, 30)}, {h(1), h(2, 30)}, {h(3), h(3, 30)}};
    const auto cal = business_calendar::create(def);
    int transitions = 0;
    const sys_seconds end = calendar_access::window_end(cal);
    std::string previous = cal.format_iso_local(calendar_access::window_begin(cal)).substr(19);
    for (sys_seconds t = calendar_access::window_begin(cal); t < end; t += hours(6)) {
      std::string offset = cal.format_iso_local(t).substr(19);
      if (offset == previous) continue;
      previous = std::move(offset);
      ++transitions;
      for (int k = -40; k < 20; ++k) {
        const sys_seconds start = t + minutes(k * 59);
        for (const clock_duration d :
             {calendar_days(1), calendar_days(-1), business_hours(1), business_hours(5), business_days(0),
              business_days(1), clock_duration{clock_kind::business_time, 1800}}) {
          ASSERT_EQ(cal.add(start, d), calendar_access::walk_add(cal, start, d))
              << zone << ' ' << cal.format_local(start) << " kind " << static_cast<int>(d.kind);
        }
        ASSERT_EQ(cal.is_working_time(start), calendar_access::walk_is_working_time(cal, start))
            << zone << ' ' << cal.format_local(start);
        ASSERT_EQ(cal.working_time_between(start, start + hours(30)),
                  calendar_access::walk_working_time_between(cal, start, start + hours(30)))
            << zone << ' ' << cal.format_local(start);
        ASSERT_EQ(cal.format_iso_local(start).substr(0, 10), date_text(cal.local_date_of(start)));
      }
    }
    // date/tz knows DST transitions up to 2037 from the OS database (see docs/calendar.md).
    EXPECT_GE(transitions, 20) << zone;
  }
}

TEST(CalendarZones, DefaultUtcAndFixedOffsets) {
  calendar_def def;
  def.id = "utc";
  for (int d = 0; d < 5; ++d) def.week[d] = {{h(9), h(17)}};
  const auto cal = business_calendar::create(def);
  EXPECT_EQ(cal.format_local(ts("2026-10-08T10:00:00Z")), "2026-10-08 10:00:00 UTC (+00:00)");
  EXPECT_EQ(cal.format_iso_local(ts("2026-10-08T10:00:00Z")), "2026-10-08T10:00:00+00:00");
  EXPECT_EQ(cal.add(ts("2026-10-09T16:00:00Z"), business_hours(2)), ts("2026-10-12T10:00:00Z"));
  def.time_zone = "Asia/Kolkata";
  const auto india = business_calendar::create(def);
  EXPECT_EQ(india.format_iso_local(ts("2026-10-08T10:00:00Z")), "2026-10-08T15:30:00+05:30");
  EXPECT_EQ(india.add(ts("2026-10-09T10:00:00Z"), business_days(0)), ts("2026-10-09T17:00:00+05:30"));
}

}  // namespace

// The years a calendar knows the holidays of: written (`covers`), else those of its dates.
TEST(CalendarCoverage, WrittenDerivedOrEveryYear) {
  const auto derived = cn().coverage();
  ASSERT_TRUE(derived.has_value());
  EXPECT_EQ(derived->first, 2026);
  EXPECT_EQ(derived->last, 2026);
  calendar_def def = cn_def();
  def.covers = {2025, 2026, 2027};  // 2025 and 2027 have no holiday listed, and are known to have none
  const auto written = business_calendar::create(def).coverage();
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->first, 2025);
  EXPECT_EQ(written->last, 2027);
  EXPECT_FALSE(
      business_calendar::create(berlin_def()).coverage().has_value());  // no dates: every year is alike
}

TEST(CalendarCoverage, RefusesGapsAndDatesOutside) {
  calendar_def gap = cn_def();
  gap.covers = {2025, 2027};
  EXPECT_EQ(create_code(gap), "E247");
  calendar_def outside = cn_def();
  outside.covers = {2027};
  EXPECT_EQ(create_code(outside), "E248");
  try {
    business_calendar::create(outside);
  } catch (const aftersale::calendar_error& e) {
    EXPECT_STREQ(e.what(), "calendar `cn`: date 2026-01-01 is outside the years the calendar covers (2027)");
  }
}

// Opening, closing and midnight instants, in order, inside [from, to).
TEST(CalendarChanges, OpeningsClosingsAndMidnights) {
  const sys_seconds from = *parse_timestamp("2026-09-30T00:00:00+08:00");  // a Wednesday
  const sys_seconds to = *parse_timestamp("2026-10-02T00:00:00+08:00");
  std::vector<std::string> got;
  for (const sys_seconds t : cn().changes_between(from, to)) got.push_back(cn().format_readable(t));
  // Thursday 1 October is a holiday: its midnight only.
  EXPECT_EQ(got, (std::vector<std::string>{"2026-09-30 00:00 +08:00", "2026-09-30 09:00 +08:00",
                                           "2026-09-30 12:00 +08:00", "2026-09-30 13:00 +08:00",
                                           "2026-09-30 18:00 +08:00", "2026-10-01 00:00 +08:00"}));
  EXPECT_TRUE(cn().changes_between(to, from).empty());
}

TEST(CalendarText, ReadableInstants) {
  EXPECT_EQ(cn().format_readable(*parse_timestamp("2026-11-11T13:30:00Z")), "2026-11-11 21:30 +08:00");
  EXPECT_EQ(cn().format_readable(*parse_timestamp("2026-11-11T13:30:15Z")), "2026-11-11 21:30:15 +08:00");
  EXPECT_EQ(cn().format_readable(never_due), "never");
}
