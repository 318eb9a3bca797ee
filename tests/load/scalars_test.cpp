// SPDX-License-Identifier: Apache-2.0
// What the loader says about text it cannot take: a policy that is not UTF-8 (refused before it
// is parsed, at the first bad byte) and integers that are no 64-bit integer (out of range, or
// written with an exponent, never called "a fraction").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/load.hpp>
#include <string>
#include <vector>

#include "load/reader.hpp"

namespace {

using namespace aftersale;

std::vector<diagnostic> errors_of(const std::string& text) {
  try {
    load_policy_string(text, "p.yaml");
  } catch (const policy_error& e) {
    return e.diagnostics();
  }
  return {};
}

std::string policy_with(const std::string& facts, const std::string& name = "P") {
  return "format: 1\npolicy: {id: p, version: \"1\", entry: main, name: \"" + name +
         "\"}\nvocabulary: {solutions: [refund]}\nfacts:\n" + facts +
         "decisions: {main: {rules: [{id: r1, when: {}, then: {solution: refund}}]}}\n";
}

TEST(policy_text, invalid_utf8_anywhere_is_refused_at_its_place) {
  const std::string ok = policy_with("  n: {type: int, description: \"数量\"}\n", "店铺 ✓");
  EXPECT_TRUE(errors_of(ok).empty());
  const std::pair<std::string, std::string> cases[] = {
      {"\xff", "a byte that never starts utf-8"},
      {"\xc3(", "a cut sequence"},
      {"\xc0\xaf", "an overlong `/`"},
      {"\xed\xa0\x80", "a surrogate"},
      {"\xf4\x90\x80\x80", "beyond U+10FFFF"},
  };
  for (const auto& [bad, what] : cases) {
    SCOPED_TRACE(what);
    // In a label (the policy's name, line 2) and in a description (line 5), after a CJK character.
    auto e = errors_of(policy_with("  n: {type: int}\n", "ab" + bad));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(to_string(e[0]).substr(0, 25), "p.yaml:2:53: error[E100]:");
    EXPECT_EQ(e[0].message, "the document is not valid utf-8 here");
    e = errors_of(policy_with("  n: {type: int, description: \"数" + bad + "\"}\n"));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(to_string(e[0].where), "p.yaml:5:33");
    // In an id (a key).
    e = errors_of(policy_with("  n" + bad + ": {type: int}\n"));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(to_string(e[0].where), "p.yaml:5:4");
  }
}

// yaml-cpp 0.7 reads the escapes `\_` and `\N` of a double-quoted scalar as one raw byte (0xa0,
// 0x85), not UTF-8; the loader refuses the scalar instead of carrying the byte into JSON. Escapes
// yaml-cpp encodes properly still work.
TEST(policy_text, escapes_that_do_not_give_utf8_are_refused_at_the_scalar) {
  EXPECT_TRUE(errors_of(policy_with("  n: {type: int, description: \"a\\x41\\u00e9\\t\\u2028\"}\n")).empty());
  for (const std::string escape : {"\\_", "\\N"}) {
    SCOPED_TRACE(escape);
    const auto e = errors_of(policy_with("  n: {type: int, description: \"on" + escape + "entry\"}\n"));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(to_string(e[0].where), "p.yaml:5:31");  // the opening quote
    EXPECT_EQ(e[0].message, "this quoted text is not valid utf-8 once its escapes are read");
  }
}

TEST(integers, out_of_range_and_exponents_say_so) {
  using load::integer_trouble;
  const std::string range =
      "is out of range: whole numbers go from -9223372036854775808 to 9223372036854775807";
  EXPECT_EQ(integer_trouble("18446744073709551616"), range);  // 2^64
  EXPECT_EQ(integer_trouble("-9223372036854775809"), range);
  EXPECT_EQ(integer_trouble("9223372036854775808"), range);
  EXPECT_EQ(integer_trouble("1e30"), range);
  EXPECT_EQ(integer_trouble("1e999999999999"), range);
  EXPECT_EQ(integer_trouble("00000000000000000000000000001"), "has leading zeros: write `1`");
  EXPECT_EQ(integer_trouble("1e10"), "is written with an exponent: write `10000000000`");
  EXPECT_EQ(integer_trouble("-2.5E3"), "is written with an exponent: write `-2500`");
  EXPECT_EQ(integer_trouble("10.0"), "is written as a decimal: write `10`");
  EXPECT_EQ(integer_trouble("12.50"), "");  // a fraction: the caller's message
  EXPECT_EQ(integer_trouble("1e-3"), "");
  EXPECT_EQ(integer_trouble("two"), "");
  EXPECT_EQ(integer_trouble("0x10"), "");
  EXPECT_EQ(integer_trouble("1e"), "");
}

TEST(integers, the_loader_says_out_of_range_where_a_number_is_read) {
  auto e = errors_of(policy_with("  amount: {type: money, default: 18446744073709551616}\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(to_string(e[0].where), "p.yaml:5:34");
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("`18446744073709551616` is out of range"));
  EXPECT_THAT(e[0].message + e[0].help, ::testing::Not(::testing::HasSubstr("12900 for 129.00")));

  e = errors_of(policy_with("  n: {type: int, default: 1e10}\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("`1e10` is written with an exponent: write `10000000000`"));

  // A fraction is still called one.
  e = errors_of(policy_with("  amount: {type: money, default: 12.50}\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("is not an integer"));

  // A clock's duration: too many to count in seconds is out of range, not "must be positive".
  const std::string clocks =
      "format: 1\npolicy: {id: p, version: \"1\", entry: main}\nvocabulary: {solutions: "
      "[refund]}\nfacts: {n: {type: int}}\nclocks:\n  c: {within: {days: ";
  const std::string tail =
      "}, calendar: x}\ncalendars: {x: {time_zone: UTC, hours: {mon: [\"09:00-18:00\"]}}}\n"
      "decisions: {main: {rules: [{id: r1, when: {}, then: {solution: refund}}]}}\n";
  for (const char* days : {"18446744073709551616", "10000000000000000"}) {
    SCOPED_TRACE(days);
    e = errors_of(clocks + days + tail);
    ASSERT_FALSE(e.empty());
    EXPECT_EQ(e[0].code, error_code::invalid_value);
    EXPECT_EQ(to_string(e[0].where), "p.yaml:6:22");
    EXPECT_THAT(e[0].message, ::testing::HasSubstr("is out of range"));
  }
}

// Every duration a policy writes (a clock's `within`, a timer's `after`) is at most 100 years
// of 365.25 days in its unit, so that no deadline saturates at the largest instant.
TEST(durations, at_most_100_years_in_every_unit) {
  const std::pair<const char*, std::int64_t> most[] = {
      {"seconds", 3155760000},        {"minutes", 52596000},      {"hours", 876600},        {"days", 36525},
      {"business_minutes", 52596000}, {"business_hours", 876600}, {"business_days", 36525},
  };
  const auto policy = [](const std::string& clock, const std::string& timer) {
    return "format: 1\npolicy: {id: p, version: \"1\", entry: main, calendar: x}\n"
           "vocabulary: {solutions: [refund], roles: [agent]}\nfacts: {n: {type: int}}\n"
           "calendars: {x: {time_zone: UTC, hours: {mon: [\"09:00-18:00\"]}}}\n"
           "clocks:\n  c: {within: {" +
           clock +
           "}}\n"
           "decisions: {main: {rules: [{id: r1, when: {}, then: {solution: refund, flow: f}}]}}\n"
           "flows:\n  f:\n    start: a\n    states: {a: {}, b: {terminal: true}}\n"
           "    transitions:\n      - {from: a, after: {" +
           timer + "}, to: b}\n";
  };
  for (const auto& [unit, n] : most) {
    SCOPED_TRACE(unit);
    const std::string at_most = std::string(unit) + ": " + std::to_string(n);
    const std::string beyond = std::string(unit) + ": " + std::to_string(n + 1);
    EXPECT_TRUE(errors_of(policy(at_most, at_most)).empty());
    for (int where = 0; where < 2; ++where) {
      const auto e = errors_of(where == 0 ? policy(beyond, at_most) : policy(at_most, beyond));
      ASSERT_EQ(e.size(), 1u);
      EXPECT_EQ(e[0].code, error_code::invalid_value);
      // At the value: in the clock on line 7, in the timer on line 14.
      const std::size_t key_length = std::string(unit).size();
      const std::string value_at = where == 0 ? "p.yaml:7:" + std::to_string(18 + key_length)
                                              : "p.yaml:14:" + std::to_string(29 + key_length);
      EXPECT_EQ(to_string(e[0].where), value_at);
      EXPECT_THAT(e[0].message, ::testing::HasSubstr("is out of range: at most " + std::to_string(n) +
                                                     " (100 years), found `" + std::to_string(n + 1) + "`"));
      EXPECT_THAT(e[0].help, ::testing::HasSubstr("at most 100 years"));
    }
  }
}

}  // namespace
