// SPDX-License-Identifier: Apache-2.0
// bind(): checking and encoding a request against a policy's facts.
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using aftersale::error_code;

constexpr const char* policy_yaml = R"(
format: 1
policy: {id: bind_test, version: "1", entry: t}
vocabulary:
  solutions: [ok]
facts:
  status: {type: enum, values: [paid, shipped, delivered], required: true}
  vip: {type: bool, default: false}
  amount: {type: money}
  quantity: {type: int, default: 1}
  wait: {type: duration}
  delivered_at: {type: timestamp}
  sku: {type: string}
  days_since_delivery:
    type: int
    derived: {days_since: delivered_at}
decisions:
  t:
    hit_policy: first
    rules:
      - id: special
        when: {sku: [abc, xyz]}
        then: {solution: ok}
)";

class bind_test : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "bind.yaml");
  std::uint32_t id(const char* name) const { return *p->find_fact(name); }
  aftersale::request base() const {
    aftersale::request r;
    r.set("status", "shipped");
    return r;
  }
  // The code and fact of the error bind() throws.
  std::pair<error_code, std::string> failure(const aftersale::request& r) const {
    try {
      aftersale::bind(*p, r);
    } catch (const aftersale::request_error& e) {
      return {e.code(), e.fact()};
    }
    ADD_FAILURE() << "bind did not throw";
    return {};
  }
};

// The flat row: values and presence bits, inline up to `inline_facts`, one heap block beyond;
// resizing across that line (both ways) keeps the facts it keeps, and new facts are absent.
TEST(bound_request, FlatRowKeepsValuesAndPresenceAcrossResizes) {
  aftersale::bound_request b(3);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_FALSE(b.has(0));
  EXPECT_FALSE(b.has(3));  // past the end: absent
  b.set(0, -7);
  b.set(2, 42);
  EXPECT_TRUE(b.has(0));
  EXPECT_EQ(b.value(0), -7);
  EXPECT_FALSE(b.has(1));
  EXPECT_EQ(b.value(1), 0);
  const std::size_t big = aftersale::bound_request::inline_facts + 70;  // two mask words, on the heap
  b.resize(big);
  ASSERT_EQ(b.size(), big);
  EXPECT_EQ(b.value(0), -7);
  EXPECT_TRUE(b.has(2));
  EXPECT_EQ(b.value(2), 42);
  for (std::size_t i = 3; i < big; ++i) EXPECT_FALSE(b.has(i)) << i;
  b.set(big - 1, 5);
  b.set(64, 6);
  EXPECT_TRUE(b.has(big - 1));
  EXPECT_TRUE(b.has(64));
  EXPECT_EQ(b.presence()[1] >> (big - 1 - 64) & 1U, 1U);
  const aftersale::bound_request copy = b;
  EXPECT_EQ(copy, b);
  b.reset(64);
  EXPECT_FALSE(b.has(64));
  EXPECT_EQ(b.value(64), 0);
  EXPECT_NE(copy, b);
  b.resize(2);  // back inline: the facts kept keep their values, the rest are gone
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.value(0), -7);
  EXPECT_FALSE(b.has(1));
  EXPECT_FALSE(b.has(2));
  b.resize(3);  // fact 2 comes back absent, not with its old value
  EXPECT_FALSE(b.has(2));
  EXPECT_EQ(b.value(2), 0);
  EXPECT_EQ(b, [] {
    aftersale::bound_request e(3);
    e.set(0, -7);
    return e;
  }());
}

TEST_F(bind_test, EncodesEnumsAsValueIndexes) {
  auto b = aftersale::bind(*p, base());
  ASSERT_EQ(b.size(), p->facts.size());
  EXPECT_TRUE(b.has(id("status")));
  EXPECT_EQ(b.value(id("status")), 1);
}

TEST_F(bind_test, DefaultsFillAbsentFactsAndOthersStayAbsent) {
  auto b = aftersale::bind(*p, base());
  EXPECT_TRUE(b.has(id("vip")));
  EXPECT_EQ(b.value(id("vip")), 0);
  EXPECT_TRUE(b.has(id("quantity")));
  EXPECT_EQ(b.value(id("quantity")), 1);
  EXPECT_FALSE(b.has(id("amount")));
  EXPECT_FALSE(b.has(id("days_since_delivery")));
  // A given value wins over the default.
  auto r = base();
  r.set("vip", true).set("quantity", 3);
  auto c = aftersale::bind(*p, r);
  EXPECT_EQ(c.value(id("vip")), 1);
  EXPECT_EQ(c.value(id("quantity")), 3);
}

TEST_F(bind_test, StringsBecomeLiteralIndexesOrOther) {
  auto r = base();
  r.set("sku", "xyz");
  auto b = aftersale::bind(*p, r);
  const auto& values = p->facts[id("sku")].values;
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[b.value(id("sku"))], "xyz");
  r.set("sku", "something else");
  EXPECT_EQ(aftersale::bind(*p, r).value(id("sku")), aftersale::string_other);
}

TEST_F(bind_test, MoneyAndIntTakeIntegers) {
  auto r = base();
  r.set("amount", std::int64_t{12900}).set("quantity", -2);
  auto b = aftersale::bind(*p, r);
  EXPECT_EQ(b.value(id("amount")), 12900);
  EXPECT_EQ(b.value(id("quantity")), -2);
}

TEST_F(bind_test, DurationsAcceptSecondsTextAndIntegers) {
  for (const aftersale::fact_value& v :
       {aftersale::fact_value(std::chrono::seconds{48h}), aftersale::fact_value(std::string("48h")),
        aftersale::fact_value(std::int64_t{172800})}) {
    auto r = base();
    r.set("wait", v);
    auto b = aftersale::bind(*p, r);
    EXPECT_EQ(b.value(id("wait")), 172800);
  }
}

TEST_F(bind_test, TimestampsAcceptTimePointsIsoTextAndUnixSeconds) {
  const std::int64_t expected = 1790820000;  // 2026-10-01T02:00:00Z
  for (const aftersale::fact_value& v :
       {aftersale::fact_value(aftersale::sys_seconds{std::chrono::seconds{expected}}),
        aftersale::fact_value(std::string("2026-10-01T10:00:00+08:00")), aftersale::fact_value(expected)}) {
    auto r = base();
    r.set("delivered_at", v);
    EXPECT_EQ(aftersale::bind(*p, r).value(id("delivered_at")), expected);
  }
}

TEST_F(bind_test, UnknownFactIsE300) {
  auto r = base();
  r.set("colour", "red");
  EXPECT_EQ(failure(r), std::make_pair(error_code::unknown_fact, std::string("colour")));
}

TEST_F(bind_test, WrongTypesAreE301) {
  const std::pair<const char*, aftersale::fact_value> cases[] = {
      {"vip", std::string("yes")},                  // text for a bool
      {"amount", true},                             // a bool for money
      {"amount", std::string("129.00")},            // text for money
      {"status", std::int64_t{1}},                  // an integer for an enum
      {"wait", std::string("two days")},            // malformed duration
      {"delivered_at", std::string("2026-10-01")},  // timestamp without time and offset
      {"delivered_at", true},
      {"sku", std::int64_t{3}},
      {"days_since_delivery", std::int64_t{3}},  // a value for a derived fact
  };
  for (const auto& [fact, value] : cases) {
    auto r = base();
    r.set(fact, value);
    EXPECT_EQ(failure(r), std::make_pair(error_code::fact_type, std::string(fact))) << fact;
  }
}

TEST_F(bind_test, UndeclaredEnumValueIsE302AndListsTheValues) {
  auto r = base();
  r.set("status", "lost");
  try {
    aftersale::bind(*p, r);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), error_code::undeclared_value);
    EXPECT_EQ(e.fact(), "status");
    EXPECT_STREQ(
        e.what(),
        "error[E302]: `lost` is not a declared value of fact `status`: expected one of `paid`, `shipped`, "
        "`delivered`");
  }
}

TEST_F(bind_test, MissingRequiredFactIsE303) {
  aftersale::request r;
  r.set("vip", true);
  EXPECT_EQ(failure(r), std::make_pair(error_code::missing_fact, std::string("status")));
}

TEST_F(bind_test, NegativeMoneyIsE305AndNamesTheFact) {
  auto r = base();
  r.set("amount", std::int64_t{-12900});
  EXPECT_EQ(failure(r), std::make_pair(error_code::negative_money, std::string("amount")));
  try {
    aftersale::bind(*p, r);
  } catch (const aftersale::request_error& e) {
    EXPECT_STREQ(
        e.what(),
        "error[E305]: fact `amount` is money and cannot be negative: was given -12900 (minor units)");
  }
  r.set("amount", std::int64_t{0});  // zero is an amount
  EXPECT_EQ(aftersale::bind(*p, r).value(id("amount")), 0);
}

TEST_F(bind_test, ReportsEveryProblemInOneErrorGivenFactsByNameThenMissingOnes) {
  aftersale::request r;                           // no `status` (required)
  r.set("vip", "yes");                            // wrong type
  r.set("amout", std::int64_t{12900});            // unknown, near `amount`
  r.set("sku", "abc");                            // fine
  r.set("colour", "red");                         // unknown, near nothing
  r.set("days_since_delivery", std::int64_t{3});  // derived
  try {
    aftersale::bind(*p, r);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    ASSERT_EQ(e.problems().size(), 5u);
    EXPECT_EQ(e.omitted(), 0u);
    // The first problem is code() and fact(), as before several were reported.
    EXPECT_EQ(e.code(), error_code::unknown_fact);
    EXPECT_EQ(e.fact(), "amout");
    EXPECT_EQ(e.problems()[0].help, "did you mean `amount`?");
    EXPECT_EQ(e.problems()[4].code, error_code::missing_fact);
    EXPECT_EQ(e.problems()[4].fact, "status");
    EXPECT_STREQ(e.what(),
                 "error[E300]: unknown fact `amout`\n"
                 "  help: did you mean `amount`?\n"
                 "error[E300]: unknown fact `colour`\n"
                 "error[E301]: fact `days_since_delivery` is derived: it is computed at decision time and "
                 "cannot be given\n"
                 "error[E301]: fact `vip` is bool but was given text: expected true or false\n"
                 "error[E303]: required fact `status` is missing");
  }
}

TEST_F(bind_test, ListsAtMostMaxProblemsAndCountsTheRest) {
  aftersale::request r = base();
  const std::size_t given = aftersale::request_error::max_problems + 5;
  for (std::size_t i = 0; i < given; ++i) r.set("unknown_" + std::to_string(100 + i), true);
  try {
    aftersale::bind(*p, r);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.problems().size(), aftersale::request_error::max_problems);
    EXPECT_EQ(e.omitted(), 5u);
    EXPECT_EQ(e.problems().front().fact, "unknown_100");
    const std::string what = e.what();
    EXPECT_EQ(what.substr(what.rfind('\n') + 1), "error: 5 more problems not listed");
  }
}

TEST(request_error_type, OneProblemOrSeveralNeverNone) {
  const aftersale::request_error one(error_code::unknown_fact, "x", "unknown fact `x`", "did you mean `y`?");
  EXPECT_STREQ(one.what(), "error[E300]: unknown fact `x`\n  help: did you mean `y`?");
  ASSERT_EQ(one.problems().size(), 1u);
  EXPECT_EQ(one.problems()[0].help, "did you mean `y`?");
  const aftersale::request_error none(std::vector<aftersale::request_problem>{});
  EXPECT_EQ(none.code(), error_code::fact_type);
  EXPECT_STREQ(none.what(), "error[E301]: the request was refused");
  const aftersale::request_error capped({{error_code::missing_fact, "a", "required fact `a` is missing", ""}},
                                        1);
  EXPECT_STREQ(capped.what(), "error[E303]: required fact `a` is missing\nerror: 1 more problem not listed");
}

TEST_F(bind_test, DecideReportsEveryProblemToo) {
  aftersale::request r;
  r.set("staus", "paid");
  try {
    aftersale::decide(p, r, aftersale::sys_seconds{});
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_STREQ(e.what(),
                 "error[E300]: unknown fact `staus`\n"
                 "  help: did you mean `status`?\n"
                 "error[E303]: required fact `status` is missing");
  }
}

TEST(decide_errors, UnknownTableSuggestsTheNearestOnes) {
  const auto p = aftersale::load_policy_string(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [ok]}
facts: {}
decisions:
  main: {rules: [{id: r1, then: {solution: ok}}]}
  remedy: {rules: [{id: r1, then: {solution: ok}}]}
)",
                                               "p.yaml");
  try {
    aftersale::decide(p, "mian", aftersale::request{}, aftersale::sys_seconds{});
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_STREQ(e.what(),
                 "error[E304]: unknown decision table `mian`: the policy has `main`, `remedy`\n"
                 "  help: did you mean `main`?");
  }
}

TEST_F(bind_test, RequestSetReplacesAndEraseRemoves) {
  aftersale::request r;
  r.set("status", "paid").set("status", "delivered").set("sku", "abc");
  r.erase("sku").erase("not there");
  ASSERT_EQ(r.values().size(), 1u);
  EXPECT_EQ(std::get<std::string>(r.values().at("status")), "delivered");
}

TEST_F(bind_test, ErrorLeavesTheRequestUnchanged) {
  auto r = base();
  r.set("amount", true);
  const auto before = r.values();
  EXPECT_THROW(aftersale::bind(*p, r), aftersale::request_error);
  EXPECT_EQ(r.values(), before);
}

// A control character in a value the request gave (a NUL above all) is printed as `\xNN`: what()
// is a C string, and a raw NUL would cut off every problem after it (found by fuzz target
// `request`: a timestamp with `\u0000` inside).
TEST_F(bind_test, ControlCharactersInAValueArePrintedEscaped) {
  auto r = base();
  r.set("delivered_at", std::string("2026-12-01T14:00:00+08\0:00", 26)).set("amount", "x");
  try {
    aftersale::bind(*p, r);
    FAIL() << "bind did not throw";
  } catch (const aftersale::request_error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    const std::string what = e.what();
    EXPECT_NE(what.find("`2026-12-01T14:00:00+08\\x00:00` is not a timestamp"), std::string::npos) << what;
    EXPECT_NE(what.find("fact `amount`"), std::string::npos) << what;  // the problem after it is there too
    EXPECT_EQ(what.find('\0'), std::string::npos);
  }
}

}  // namespace
