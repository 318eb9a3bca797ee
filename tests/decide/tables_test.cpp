// SPDX-License-Identifier: Apache-2.0
// Aggregating `collect` tables (sum, min, max, count), ranged facts (min/max) and decimal facts:
// the loader's diagnostics with their exact text, binding, evaluation, explanation and lint's domain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/batch.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <limits>
#include <string>

namespace {

using aftersale::request;

const aftersale::sys_seconds now{std::chrono::seconds{1791417600}};

constexpr const char* policy_yaml = R"(format: 1
policy: {id: tables_test, version: "1", entry: compensation}
vocabulary:
  solutions: [compensate, approve, review]
facts:
  late_days: {type: int, min: 0, max: 30}
  damaged: {type: bool}
  price: {type: money, max: 1000000}
  rating: {type: decimal, scale: 1, min: 0, max: 5}
  rate: {type: decimal, scale: 3, default: 0.5}
  score: {type: int, min: 0, max: 100}
decisions:
  compensation:
    hit_policy: collect
    aggregate: {op: sum, output: compensation}
    rules:
      - id: late
        when: {late_days: {ge: 3}}
        then: {solution: compensate, amounts: {compensation: {fixed: 500}}}
      - id: damaged
        when: {damaged: true}
        then: {solution: compensate, amounts: {compensation: {of: price, ratio: 1/10}}}
      - id: poor_rating
        when: {rating: {le: 3.5}}
        then: {solution: compensate, amounts: {compensation: {fixed: 300}}}
  smallest:
    hit_policy: collect
    aggregate: {op: min, output: compensation}
    rules:
      - {id: a, when: {late_days: {ge: 3}}, then: {solution: compensate, amounts: {compensation: {fixed: 500}}}}
      - {id: b, when: {damaged: true}, then: {solution: compensate, amounts: {compensation: {fixed: 200}}}}
  largest:
    hit_policy: collect
    aggregate: {op: max, output: compensation}
    rules:
      - {id: a, when: {late_days: {ge: 3}}, then: {solution: compensate, amounts: {compensation: {fixed: 500}}}}
      - {id: b, when: {damaged: true}, then: {solution: compensate, amounts: {compensation: {fixed: 200}}}}
  counted:
    hit_policy: collect
    aggregate: {op: count}
    rules:
      - {id: a, when: {late_days: {ge: 3}}, then: {solution: compensate}}
      - {id: b, when: {damaged: true}, then: {solution: compensate}}
  overflow:
    hit_policy: collect
    aggregate: {op: sum, output: big}
    rules:
      - {id: a, then: {solution: compensate, amounts: {big: {fixed: 9223372036854775807}}}}
      - {id: b, then: {solution: compensate, amounts: {big: {fixed: 1}}}}
  by_rating:
    rules:
      - {id: top, when: {rating: {ge: 4.8}}, then: {solution: approve}}
      - {id: exact, when: {rate: [0.5, 0.125]}, then: {solution: approve}}
      - {id: rest, then: {solution: review}}
)";

class tables_test : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "t.yaml");

  aftersale::decision decide(const char* table, const request& r) const {
    return aftersale::decide(p, table, r, now);
  }
  // The message of the request_error binding `r` throws, with its code.
  std::string refusal(const request& r) const {
    try {
      aftersale::bind(*p, r);
    } catch (const aftersale::request_error& e) {
      return e.what();
    }
    return "accepted";
  }
};

// The diagnostics of loading `facts` and `decisions` under a fixed head, one per line.
std::string load_errors(const std::string& body) {
  const std::string text =
      "format: 1\npolicy: {id: p, version: \"1\", entry: main}\n"
      "vocabulary: {solutions: [refund, compensate]}\n" +
      body;
  try {
    aftersale::load_policy_string(text, "p.yaml");
  } catch (const aftersale::policy_error& e) {
    return e.what();
  }
  return "loaded";
}

// ---- aggregates ----------------------------------------------------------------------------

TEST_F(tables_test, SumAddsTheOutputOfEverySelectedRule) {
  const auto d =
      decide("compensation", request().set("late_days", 4).set("damaged", true).set("price", 12000));
  ASSERT_EQ(d.matches().size(), 2u);
  EXPECT_EQ(d.aggregate(), 500 + 1200);
  EXPECT_EQ(aftersale::aggregate_line(d), "sum of amount `compensation` = 17.00");
  EXPECT_THAT(aftersale::explain(d), ::testing::HasSubstr("  amount `compensation` = 12.00\n"
                                                          "sum of amount `compensation` = 17.00\n"));
}

TEST_F(tables_test, MinMaxAndCountOverTheSelectedRules) {
  const request both = request().set("late_days", 5).set("damaged", true);
  EXPECT_EQ(decide("smallest", both).aggregate(), 200);
  EXPECT_EQ(decide("largest", both).aggregate(), 500);
  EXPECT_EQ(decide("counted", both).aggregate(), 2);
  EXPECT_EQ(decide("largest", request().set("late_days", 5)).aggregate(), 500);
  EXPECT_EQ(aftersale::aggregate_line(decide("counted", both)), "count of the selected rules = 2");
}

TEST_F(tables_test, NoMatchCountsZeroAndLeavesTheOthersAbsent) {
  const request none = request().set("late_days", 0);
  EXPECT_EQ(decide("counted", none).aggregate(), 0);
  const auto d = decide("compensation", none);
  EXPECT_EQ(d.status(), aftersale::decision_status::no_match);
  EXPECT_EQ(d.aggregate(), std::nullopt);
  EXPECT_EQ(aftersale::aggregate_line(d), "sum of amount `compensation` absent: no rule was selected");
}

TEST_F(tables_test, AnAbsentContributionMakesTheSumAbsent) {
  // `damaged` computes 10 % of `price`, which is absent: the sum is unknown, not 500.
  const auto d = decide("compensation", request().set("late_days", 4).set("damaged", true));
  EXPECT_EQ(d.matches().size(), 2u);
  EXPECT_EQ(d.aggregate(), std::nullopt);
  EXPECT_EQ(aftersale::aggregate_line(d),
            "sum of amount `compensation` absent: a selected rule's amount refers to a fact with no value");
}

TEST_F(tables_test, ASumBeyond64BitsIsAnError) {
  try {
    decide("overflow", request());
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::aggregate_overflow);
    EXPECT_STREQ(e.what(),
                 "error[E308]: the sum of amount `big` over the selected rules of table `overflow` "
                 "overflows 64-bit minor units");
  }
}

TEST_F(tables_test, TablesWithoutAggregateHaveNone) {
  const auto d = decide("by_rating", request());
  EXPECT_EQ(d.aggregate(), std::nullopt);
  EXPECT_EQ(aftersale::aggregate_line(d), "");
  EXPECT_EQ(p->decisions[*p->find_decision("compensation")].aggregate.op, aftersale::aggregate_op::sum);
}

TEST(aggregate_load, EachMistakeIsLocatedWithItsExactMessage) {
  EXPECT_EQ(load_errors("facts: {}\ndecisions:\n  main:\n    aggregate: {op: sum, output: c}\n"
                        "    rules: [{id: r, then: {solution: refund, amounts: {c: {fixed: 1}}}}]\n"),
            "p.yaml:7:16: error[E225]: `aggregate` applies to `collect` tables, table `main` is `first`\n"
            "  help: declare `hit_policy: collect`, or remove `aggregate`");
  EXPECT_EQ(load_errors("facts: {}\ndecisions:\n  main:\n    hit_policy: collect\n"
                        "    aggregate: {op: avg, output: c}\n"
                        "    rules: [{id: r, then: {solution: refund, amounts: {c: {fixed: 1}}}}]\n"),
            "p.yaml:8:21: error[E225]: unknown aggregate `avg` in table `main`\n"
            "  help: aggregates: `sum`, `min`, `max` (of an amount), `count` (of the selected rules)");
  EXPECT_EQ(load_errors("facts: {}\ndecisions:\n  main:\n    hit_policy: collect\n"
                        "    aggregate: {op: sum, output: steps}\n"
                        "    rules: [{id: r, then: {solution: refund}}]\n"),
            "p.yaml:8:34: error[E227]: `sum` needs a number, output `steps` of table `main` is not one\n"
            "  help: aggregate an amount the rules compute under `amounts:`");
  EXPECT_EQ(
      load_errors("facts: {}\ndecisions:\n  main:\n    hit_policy: collect\n"
                  "    aggregate: {op: sum, output: c}\n    rules:\n"
                  "      - {id: r, then: {solution: refund, amounts: {c: {fixed: 1}}}}\n"
                  "      - {id: s, then: {solution: refund}}\n"),
      "p.yaml:11:23: error[E226]: rule `s` of table `main` computes no amount `c`, which the table sums\n"
      "  help: every rule says what it contributes: add `c: {fixed: 0}` under its `amounts:` if nothing");
  EXPECT_EQ(load_errors("facts: {}\ndecisions:\n  main:\n    hit_policy: collect\n"
                        "    aggregate: {op: max, output: cc}\n"
                        "    rules: [{id: r, then: {solution: refund, amounts: {c: {fixed: 1}}}}]\n"),
            "p.yaml:8:34: error[E226]: no rule of table `main` computes amount `cc`\n"
            "  help: amounts the rules compute: `c`");
}

// ---- ranged facts --------------------------------------------------------------------------

TEST_F(tables_test, RequestsOutsideTheRangeAreRefusedNamingFactValueAndRange) {
  EXPECT_EQ(refusal(request().set("score", 101)), "error[E306]: fact `score` is 101: its range is 0..100");
  EXPECT_EQ(refusal(request().set("late_days", -1)),
            "error[E306]: fact `late_days` is -1: its range is 0..30");
  EXPECT_EQ(refusal(request().set("price", 1000001)),
            "error[E306]: fact `price` is 10000.01: its range is at most 10000.00");
  EXPECT_EQ(refusal(request().set("rating", "5.1")),
            "error[E306]: fact `rating` is 5.1: its range is 0.0..5.0");
  EXPECT_EQ(refusal(request().set("score", 100).set("late_days", 30).set("price", 1000000)), "accepted");
}

TEST_F(tables_test, BatchesCheckTheRangeToo) {
  aftersale::request_columns cols(*p, 2);
  const std::uint32_t score = cols.fact_id("score");
  cols.set_int(score, 0, 100);
  try {
    cols.set_int(score, 1, 101);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_STREQ(e.what(), "error[E306]: request 1: fact `score` is 101: its range is 0..100");
  }
  const std::uint32_t rating = cols.fact_id("rating");
  cols.set_text(rating, 0, "4.8");
  EXPECT_THROW(cols.set_text(rating, 1, "4.85"), aftersale::request_error);
}

TEST(range_load, EachMistakeIsLocatedWithItsExactMessage) {
  const std::string tail = "decisions: {main: {rules: [{id: r, then: {solution: refund}}]}}\n";
  EXPECT_EQ(load_errors("facts: {s: {type: int, min: 9, max: 1}}\n" + tail),
            "p.yaml:4:37: error[E228]: `max` of fact `s` (1) is below its `min` (9)\n"
            "  help: write `min` <= `max`");
  EXPECT_EQ(load_errors("facts: {s: {type: duration, max: 1}}\n" + tail),
            "p.yaml:4:34: error[E228]: `max` applies to int, money and decimal facts, fact `s` is duration\n"
            "  help: remove `min` and `max`, or give the fact a numeric type");
  EXPECT_EQ(load_errors("facts: {s: {type: money, min: -1}}\n" + tail),
            "p.yaml:4:31: error[E228]: `min` of money fact `s` is negative\n"
            "  help: money is never negative: write 0 or more minor units");
  EXPECT_EQ(load_errors("facts: {s: {type: int, min: 0, max: 100, default: -5}}\n" + tail),
            "p.yaml:4:51: error[E229]: `default` of fact `s` is -5, outside its range 0..100\n"
            "  help: a request outside the range is refused (E306): write a value inside it");
  EXPECT_EQ(
      load_errors("facts: {s: {type: int, min: 0}}\n"
                  "decisions: {main: {rules: [{id: r, when: {s: {gt: -3}}, then: {solution: refund}}]}}\n"),
      "p.yaml:5:51: error[E229]: a value of fact `s` is -3, outside its range at least 0\n"
      "  help: a request outside the range is refused (E306): write a value inside it");
  EXPECT_EQ(
      load_errors("facts: {s: {type: int, min: 0, max: 100}}\n"
                  "decisions: {main: {rules: [{id: r, when: {s: {gt: 100}}, then: {solution: refund}}]}}\n"),
      "p.yaml:5:46: error[E204]: condition `gt 100` on fact `s` can never hold\n"
      "  help: fact `s` ranges over 0..100: no value of it passes");
}

TEST(range_lint, TheRangeIsTheDomainSoNoGapOutsideIt) {
  const auto p = aftersale::load_policy_file(AFTERSALE_SOURCE_DIR "/tests/lint/A406_gap_ranged.yaml");
  const aftersale::analysis_report r = aftersale::analyze(*p);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].diagnostic.message,
            "no rule of table `review` matches requests with `score` in 60..69");
}

// ---- decimal facts -------------------------------------------------------------------------

TEST(decimal_text, ParsedDigitByDigit) {
  auto d = aftersale::parse_decimal("4.80");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->units, 480);
  EXPECT_EQ(d->scale, 2);
  d = aftersale::parse_decimal("-0.05");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->units, -5);
  EXPECT_EQ(d->scale, 2);
  d = aftersale::parse_decimal("-9223372036854775808");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->units, std::numeric_limits<std::int64_t>::min());
  for (const char* bad :
       {"", "-", ".5", "5.", "1e3", "+1", " 1", "1.2.3", "9223372036854775808", "0x10", "1,5"})
    EXPECT_FALSE(aftersale::parse_decimal(bad)) << bad;
  EXPECT_EQ(aftersale::format_decimal(480, 2), "4.80");
  EXPECT_EQ(aftersale::format_decimal(-5, 1), "-0.5");
  EXPECT_EQ(aftersale::format_decimal(5, 3), "0.005");
  EXPECT_EQ(aftersale::format_decimal(std::numeric_limits<std::int64_t>::min(), 9), "-9223372036.854775808");
  // A scale beyond 10^18 (a caller's decimal{units, scale} may have any) is shown too.
  EXPECT_EQ(aftersale::format_decimal(5, 25), "0.0000000000000000000000005");
  EXPECT_EQ(aftersale::format_decimal(-12, 20), "-0.00000000000000000012");
  EXPECT_EQ(aftersale::format_decimal(std::numeric_limits<std::int64_t>::max(), 23),
            "0.00009223372036854775807");
  EXPECT_EQ(aftersale::format_decimal(0, 2), "0.00");
}

TEST_F(tables_test, DecimalsBindFromTextWholeNumbersAndScaledIntegers) {
  const std::uint32_t rating = *p->find_fact("rating");
  EXPECT_EQ(aftersale::bind(*p, request().set("rating", "4.8")).value(rating), 48);
  EXPECT_EQ(aftersale::bind(*p, request().set("rating", 4)).value(rating), 40);
  EXPECT_EQ(aftersale::bind(*p, request().set_scaled("rating", 48, 1)).value(rating), 48);
  EXPECT_EQ(aftersale::bind(*p, request().set_scaled("rating", 5, 0)).value(rating), 50);
  EXPECT_EQ(aftersale::bind(*p, request()).value(*p->find_fact("rate")), 500);  // default 0.5 at scale 3
  EXPECT_EQ(aftersale::format_fact_value(*p, rating, 48), "4.8");
  EXPECT_EQ(aftersale::format_fact_value(*p, *p->find_fact("rate"), 500), "0.500");
}

TEST_F(tables_test, DecimalsAreNeverRounded) {
  EXPECT_EQ(refusal(request().set("rating", "4.85")),
            "error[E307]: `4.85` has 2 digits after the point, fact `rating` has scale 1: decimals are never "
            "rounded, give at most 1 digit after the point");
  EXPECT_EQ(refusal(request().set_scaled("rating", 480, 2)),
            "error[E307]: `4.80` has 2 digits after the point, fact `rating` has scale 1: decimals are never "
            "rounded, give at most 1 digit after the point");
  EXPECT_EQ(
      refusal(request().set_scaled("rating", std::numeric_limits<std::int64_t>::max(), 23)),
      "error[E307]: `0.00009223372036854775807` has 23 digits after the point, fact `rating` has scale 1: "
      "decimals are never rounded, give at most 1 digit after the point");
  // Written right but beyond 64 bits, or with more than 18 digits after the point: said so, not
  // "not a decimal number".
  EXPECT_EQ(refusal(request().set("rating", "99999999999999999999")),
            "error[E307]: `99999999999999999999` is too large for fact `rating` at scale 1");
  EXPECT_EQ(refusal(request().set("rating", "0.1234567890123456789")),
            "error[E307]: `0.1234567890123456789` has 19 digits after the point, fact `rating` has scale 1: "
            "decimals are never rounded, give at most 1 digit after the point");
  EXPECT_EQ(
      refusal(request().set("rating", "4,8")),
      "error[E307]: `4,8` is not a decimal number for fact `rating`: write digits with an optional point, "
      "e.g. `4.5`");
  EXPECT_EQ(
      refusal(request().set("rating", true)),
      "error[E301]: fact `rating` is decimal but was given a bool: expected a decimal number such as `4.8`");
  EXPECT_EQ(refusal(request().set("score", aftersale::fact_value(aftersale::decimal{45, 1}))),
            "error[E301]: fact `score` is int but was given a decimal: expected an integer");
  EXPECT_EQ(refusal(request().set("price", aftersale::fact_value(aftersale::decimal{12900, 2}))),
            "error[E301]: fact `price` is money but was given a number with a fraction (129.00): expected an "
            "integer amount in minor units (12900 for 129.00)");
}

TEST_F(tables_test, DecimalComparisonsAreExact) {
  EXPECT_EQ(decide("by_rating", request().set("rating", "4.8").set("rate", "0.4")).rule_id(), "top");
  EXPECT_EQ(decide("by_rating", request().set("rating", "4.7").set("rate", "0.4")).rule_id(), "rest");
  EXPECT_EQ(decide("by_rating", request().set("rating", "4.7").set("rate", "0.125")).rule_id(), "exact");
  EXPECT_EQ(decide("by_rating", request().set("rating", "4.7").set("rate", "0.126")).rule_id(), "rest");
  EXPECT_EQ(decide("by_rating", request().set("rating", "4.7")).rule_id(), "exact");  // default 0.5
  const auto d = decide("by_rating", request().set("rating", "4.7").set("rate", "0.25"));
  EXPECT_THAT(aftersale::explain(d), ::testing::HasSubstr("`rating` is `4.7`, expected ge `4.8`"));
}

TEST(decimal_load, EachMistakeIsLocatedWithItsExactMessage) {
  const std::string tail = "decisions: {main: {rules: [{id: r, then: {solution: refund}}]}}\n";
  EXPECT_EQ(load_errors("facts: {r: {type: decimal}}\n" + tail),
            "p.yaml:4:12: error[E230]: decimal fact `r` has no `scale`\n"
            "  help: write the digits after the point the values have: `scale: 1` for a 4.8 rating");
  EXPECT_EQ(
      load_errors("facts: {r: {type: decimal, scale: 0}}\n" + tail),
      "p.yaml:4:35: error[E230]: `scale` of decimal fact `r` must be a whole number from 1 to 9, found `0`\n"
      "  help: write the digits after the point the values have: `scale: 1` for a 4.8 rating");
  EXPECT_EQ(load_errors("facts: {r: {type: int, scale: 2}}\n" + tail),
            "p.yaml:4:31: error[E230]: `scale` applies to decimal facts only, fact `r` is int\n"
            "  help: remove `scale` or declare `type: decimal`");
  EXPECT_EQ(load_errors("facts: {r: {type: decimal, scale: 2, default: 0.125}}\n" + tail),
            "p.yaml:4:47: error[E231]: `0.125` has 3 digits after the point, decimal fact `r` has scale 2\n"
            "  help: decimals are never rounded: write at most 2 digits after the point, or raise the fact's "
            "`scale`");
  EXPECT_EQ(load_errors("facts: {r: {type: decimal, scale: 9, min: -9223372036.854775809}}\n" + tail),
            "p.yaml:4:43: error[E202]: `-9223372036.854775809` is too large for decimal fact `r` at scale 9\n"
            "  help: a decimal's value times 10^scale must fit 64 bits");
  EXPECT_EQ(
      load_errors("facts: {r: {type: decimal, scale: 2, max: 0.1234567890123456789}}\n" + tail),
      "p.yaml:4:43: error[E231]: `0.1234567890123456789` has 19 digits after the point, decimal fact `r` has "
      "scale 2\n"
      "  help: decimals are never rounded: write at most 2 digits after the point, or raise the fact's "
      "`scale`");
  EXPECT_EQ(load_errors("facts: {r: {type: decimal, scale: 2, default: \"1.5\"}}\n" + tail),
            "p.yaml:4:47: error[E202]: `1.5` is not a decimal number, fact `r` is a decimal\n"
            "  help: write digits with an optional point, unquoted: `0.45`");
}

}  // namespace
