// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <aftersale/time.hpp>
#include <limits>

namespace {

using aftersale::format_duration;
using aftersale::format_utc;
using aftersale::never_due;
using aftersale::parse_duration;
using aftersale::parse_timestamp;
using aftersale::sys_seconds;
using std::chrono::seconds;

sys_seconds at(std::int64_t s) { return sys_seconds{seconds{s}}; }

TEST(ParseTimestamp, OffsetsAndZ) {
  // 2026-10-08T01:30:00Z = 1791423000
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00+08:00"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T01:30:00Z"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T01:30:00z"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-07T20:30:00-05:00"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00+0800"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00+08"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T07:00:00+05:30"), at(1791423000));
}

TEST(ParseTimestamp, SpaceSeparatorAndOptionalSeconds) {
  EXPECT_EQ(parse_timestamp("2026-10-08 09:30+08:00"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08 09:30:00+08:00"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:59+08:00"), at(1791423059));
}

TEST(ParseTimestamp, FractionIsDropped) {
  EXPECT_EQ(parse_timestamp("2026-10-08T01:30:00.999Z"), at(1791423000));
  EXPECT_EQ(parse_timestamp("2026-10-08T01:30:00.Z"), std::nullopt);
}

TEST(ParseTimestamp, EpochAndLeapDay) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), at(0));
  EXPECT_EQ(parse_timestamp("2028-02-29T00:00:00Z"), at(1835395200));
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59Z"), at(-1));
}

TEST(ParseTimestamp, RejectsMissingOffset) {
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08 09:30"), std::nullopt);
}

TEST(ParseTimestamp, RejectsOutOfRangeFields) {
  EXPECT_EQ(parse_timestamp("2026-13-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-00-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-02-29T00:00:00Z"), std::nullopt);  // 2026 is not a leap year
  EXPECT_EQ(parse_timestamp("2026-04-31T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T25:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T09:60:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:60Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00+24:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-10-08T09:30:00+08:60"), std::nullopt);
}

TEST(ParseTimestamp, RejectsMalformedText) {
  for (const char* text :
       {"", "2026-10-08", "2026-10-08T", "26-10-08T09:30Z", "2026-1-08T09:30Z", "2026-10-08X09:30Z",
        "2026-10-08T9:30Z", "2026-10-08T09:30:0Z", "2026-10-08T09:30ZZ", "2026-10-08T09:30+8:00",
        "2026-10-08T09:30+08:", "2026-10-08T09:30+08:00 ", " 2026-10-08T09:30Z",
        "2026-10-08T09:30:00+08:00:00", "2026/10/08T09:30Z"}) {
    EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
  }
}

TEST(FormatUtc, Basic) {
  EXPECT_EQ(format_utc(at(1791423000)), "2026-10-08T01:30:00Z");
  EXPECT_EQ(format_utc(at(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(at(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(at(1835395200)), "2028-02-29T00:00:00Z");
}

TEST(FormatUtc, RoundTripsThroughParse) {
  for (std::int64_t s = -2208988800; s < 4102444800; s += 7777777) {
    EXPECT_EQ(parse_timestamp(format_utc(at(s))), at(s)) << s;
  }
}

TEST(FormatUtc, ExtremesDoNotOverflow) {
  // The largest instant is the deadline that never falls due: the word, not a date.
  EXPECT_EQ(never_due, sys_seconds::max());
  EXPECT_EQ(format_utc(never_due), "never");
  EXPECT_EQ(parse_timestamp("never"), std::nullopt);  // not an instant anyone may pass in
  // Every other instant, however far, is written as the date it is, and read back.
  for (const sys_seconds t : {never_due - seconds{1}, sys_seconds::min(), at(253402300800)}) {
    EXPECT_EQ(parse_timestamp(format_utc(t)), t) << format_utc(t);
  }
  EXPECT_EQ(format_utc(never_due - seconds{1}), "+292277026596-12-04T15:30:06Z");
}

TEST(ParseDuration, SingleUnits) {
  EXPECT_EQ(parse_duration("90s"), seconds{90});
  EXPECT_EQ(parse_duration("30m"), seconds{1800});
  EXPECT_EQ(parse_duration("48h"), seconds{172800});
  EXPECT_EQ(parse_duration("10d"), seconds{864000});
  EXPECT_EQ(parse_duration("0s"), seconds{0});
  EXPECT_EQ(parse_duration("007m"), seconds{420});
}

TEST(ParseDuration, Combinations) {
  EXPECT_EQ(parse_duration("1h30m"), seconds{5400});
  EXPECT_EQ(parse_duration("1d2h"), seconds{93600});
  EXPECT_EQ(parse_duration("1d2h3m4s"), seconds{93784});
  EXPECT_EQ(parse_duration("2d30s"), seconds{172830});
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* text : {"", "-5m", "+5m", "5", "m", "5x", "5M", "5 m", " 5m", "5m ", "1.5h", "30m1h",
                           "1h1h", "1h30", "1hm", "5min", "1w"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807s"), seconds{std::numeric_limits<std::int64_t>::max()});
  EXPECT_EQ(parse_duration("9223372036854775808s"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167301d"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999999s"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167300d86400s"), std::nullopt);
}

TEST(FormatDuration, ShortestCanonicalForm) {
  EXPECT_EQ(format_duration(seconds{0}), "0s");
  EXPECT_EQ(format_duration(seconds{93600}), "1d2h");
  EXPECT_EQ(format_duration(seconds{2700}), "45m");
  EXPECT_EQ(format_duration(seconds{5400}), "1h30m");
  EXPECT_EQ(format_duration(seconds{90}), "1m30s");
  EXPECT_EQ(format_duration(seconds{86400}), "1d");
  EXPECT_EQ(format_duration(seconds{86401}), "1d1s");
  EXPECT_EQ(format_duration(seconds{-90}), "-1m30s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (std::int64_t s = 0; s < 400000; s += 37) {
    EXPECT_EQ(parse_duration(format_duration(seconds{s})), seconds{s}) << s;
  }
  const seconds big{std::numeric_limits<std::int64_t>::max()};
  EXPECT_EQ(parse_duration(format_duration(big)), big);
  EXPECT_EQ(format_duration(seconds{std::numeric_limits<std::int64_t>::min()}).front(), '-');
}

}  // namespace

// Every instant prints as text parse_timestamp reads back: years past 9999 (a deadline far in
// the future) and before 0000 in ISO 8601's expanded form.
// Every instant but never_due (`hi`, written `never`: no time anyone may pass in, see
// FormatUtc.ExtremesDoNotOverflow).
TEST(FormatUtc, EveryInstantRoundTripsThroughParseTimestamp) {
  EXPECT_EQ(format_utc(at(253402300799)), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(at(253402300800)), "+10000-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(at(-62167219200)), "0000-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(at(-62167219201)), "-0001-12-31T23:59:59Z");
  EXPECT_EQ(parse_timestamp("+10000-01-01T00:00:00Z"), at(253402300800));
  EXPECT_EQ(parse_timestamp("+10000-01-01T08:00:00+08:00"), at(253402300800));
  EXPECT_EQ(parse_timestamp("-0001-12-31T23:59:59Z"), at(-62167219201));
  EXPECT_EQ(parse_timestamp("+2026-10-08T01:30:00Z"), at(1791423000));
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t s :
       {lo, lo + 1, lo + 86399, std::int64_t{-62167219201}, std::int64_t{-1}, std::int64_t{0},
        std::int64_t{253402300800}, std::int64_t{4102444800000},
        std::int64_t{951782400} + std::int64_t{400} * 146097 * 86400 * 30, hi - 86400, hi - 1}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(parse_timestamp(format_utc(at(s))), at(s)) << format_utc(at(s));
  }
  for (std::int64_t s = -400LL * 366 * 86400 * 30; s < 400LL * 366 * 86400 * 30; s += 7777777777) {
    ASSERT_EQ(parse_timestamp(format_utc(at(s))), at(s)) << format_utc(at(s));
  }
}

TEST(ParseTimestamp, ExpandedYearsAreCheckedLikeOthers) {
  EXPECT_EQ(parse_timestamp("+10001-02-29T00:00:00Z"), std::nullopt);  // not a leap year
  EXPECT_NE(parse_timestamp("+10000-02-29T00:00:00Z"), std::nullopt);  // a leap year
  EXPECT_EQ(parse_timestamp("+100-01-01T00:00:00Z"), std::nullopt);    // fewer than 4 digits
  EXPECT_EQ(parse_timestamp("+1234567890123-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("+292277026597-01-01T00:00:00Z"), std::nullopt);  // beyond int64 seconds
  EXPECT_EQ(parse_timestamp("+10000-01-01T00:00:00"), std::nullopt);          // no offset
  EXPECT_EQ(parse_timestamp("+10000-01-01T00:00:00Zjunk"), std::nullopt);
  EXPECT_EQ(parse_timestamp("+"), std::nullopt);
}
