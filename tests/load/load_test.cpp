// SPDX-License-Identifier: Apache-2.0
// Loading a complete policy: every feature of the format, and the model it becomes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <ostream>
#include <string>

#include "../../bench/large_policy.hpp"
#include "model/compiled.hpp"

namespace aftersale {
// Readable failures for spans.
void PrintTo(const source_span& s, std::ostream* os) { *os << to_string(s); }
}  // namespace aftersale

namespace {

using namespace aftersale;
using ::testing::ElementsAre;

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

constexpr const char* full_policy = R"(# every feature of format 1
format: 1
policy:
  id: full_test
  version: "2026.1"
  name: 全功能
  currency: EUR
  entry: after_sales
  calendar: cn_store
vocabulary:
  solutions: [refund_immediately, retain_then_refund, {id: manual_review, label: 人工审核}, reject]
  parties: [customer, merchant, carrier]
  roles: [agent, supervisor]
  evidence: [photos, packing_list]
  flags: [yellow, red]
facts:
  order_status:
    type: enum
    values: [unpaid, paid_unshipped, shipped, delivered, completed]
    required: true
    description: 订单状态
  amount: {type: money, default: 0}
  opened: {type: bool, default: false}
  quantity: {type: int}
  wait: {type: duration, default: 48h}
  delivered_at: {type: timestamp}
  sku: {type: string}
  reason: {type: enum, values: [changed_mind, wrong_item, lost_in_transit, damaged]}
  days_since_delivery:
    type: int
    derived: {days_since: delivered_at, calendar: cn_store}
  hours_since_delivery:
    type: int
    derived: {hours_since: delivered_at}
  responsible:
    type: enum
    values: [customer, merchant, carrier]
    derived:
      map: reason
      cases: {changed_mind: customer, wrong_item: merchant, lost_in_transit: carrier}
calendars:
  cn_store:
    time_zone: Asia/Shanghai
    hours:
      mon: ["09:00-12:00", "13:30-18:00"]
      tue: ["09:00-18:00"]
      wed: ["09:00-18:00"]
      thu: ["09:00-18:00"]
      fri: ["09:00-18:00"]
      sat: []
    holidays:
      - 2026-05-01
      - {from: 2026-10-01, to: 2026-10-07, name: 国庆节}
    makeup_workdays:
      - 2026-09-27
    makeup_hours: ["10:00-16:00"]
  berlin:
    time_zone: Europe/Berlin
    hours: {mon: ["08:00-24:00"]}
clocks:
  first_response: {within: {hours: 2}, label: 首次响应, description: first answer}
  refund_after_inspection: {within: {business_days: 2}, calendar: berlin}
  initial_proposal: {within: {business_hours: 8}}
  quick: {within: {business_minutes: 30}}
  receipt_extension: {within: {days: 10}}
  tiny: {within: {seconds: 90}}
  short: {within: {minutes: 5}}
decisions:
  after_sales:
    hit_policy: first
    description: main table
    rules:
      - id: unshipped
        description: not shipped yet
        when:
          order_status: [unpaid, paid_unshipped]
          amount: {between: [0, 100000]}
          opened: false
          sku: any
        then:
          solution: refund_immediately
          steps: [cancel the order, refund]
          fee_payer: none
          clocks: [first_response, tiny]
          labels: {customer: 退款中, agent: 直接退款}
          flow: refund_only
      - id: in_window
        when:
          days_since_delivery: {ge: 0, le: 7}
          quantity: {lt: 5}
          wait: {gt: 1h}
          delivered_at: {ge: "2026-01-01T00:00:00+08:00"}
          sku: {in: [A1, B2]}
          reason: {ne: damaged}
          responsible: {exists: true}
        then:
          solution: retain_then_refund
          fee_payer: customer
          evidence: [photos, packing_list]
          escalation: agent
          remark: {flag: yellow, text: 7天无理由}
          clocks: [refund_after_inspection, initial_proposal, quick, receipt_extension, short]
          amounts:
            restocking_fee: {of: amount, ratio: 5/100, min: 500, rounding: up}
            refund: {of: amount, minus: restocking_fee}
            compensation: {of: amount, ratio: 3/10, max: 5000, rounding: half_even}
            goodwill: {fixed: 2000}
            floor: {of: refund, ratio: 1/2, rounding: down, min: goodwill, max: amount}
      - id: others
        when:
          reason: {not_in: [changed_mind, wrong_item]}
          hours_since_delivery: {missing: true}
          quantity: {ne: 3}
          sku: {eq: C3}
          order_status: {in: [shipped]}
          amount: {le: 500, gt: 10}
        then: {solution: manual_review, escalation: supervisor, remark: {flag: red}}
  second:
    hit_policy: priority
    rules:
      - {id: a, then: {solution: reject}}
      - {id: b, when: {quantity: {ge: 2, ne: 4, le: 6}}, then: {solution: manual_review}}
      - {id: c, when: {quantity: {ge: 0, ne: 4}}, then: {solution: reject}}
  u: {hit_policy: unique, rules: [{id: a, then: {solution: reject}}]}
  an: {hit_policy: any, rules: [{id: a, then: {solution: reject}}]}
  co: {hit_policy: collect, rules: [{id: a, then: {solution: reject}}]}
  ro: {hit_policy: rule_order, rules: [{id: a, then: {solution: reject}}]}
  oo: {hit_policy: output_order, rules: [{id: a, then: {solution: reject}}]}
  nohit: {rules: [{id: a, then: {solution: reject}}]}
flows:
  refund_only:
    start: submitted
    states:
      submitted: {agent: submitted}
      refunded: {agent: refunded, terminal: true}
    transitions:
      - {from: submitted, event: refund, to: refunded}
)";

class full : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { p = load_policy_string(full_policy, "full.yaml"); }
  static void TearDownTestSuite() { p.reset(); }
  static std::uint32_t fact(std::string_view name) { return p->find_fact(name).value(); }
  static const decision_table& table(std::string_view id) {
    return p->decisions.at(p->find_decision(id).value());
  }
  static std::shared_ptr<const policy> p;
};
std::shared_ptr<const policy> full::p;

TEST_F(full, Info) {
  EXPECT_EQ(p->info.id, "full_test");
  EXPECT_EQ(p->info.version, "2026.1");
  EXPECT_EQ(p->info.name, "全功能");
  EXPECT_EQ(p->info.currency, "EUR");
  EXPECT_EQ(p->info.entry, p->find_decision("after_sales").value());
  EXPECT_EQ(p->info.default_calendar, p->find_calendar("cn_store").value());
  EXPECT_EQ(p->info.where, (source_span{"full.yaml", 4, 3}));
  // FNV-1a 64 of the text, computed independently here.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : std::string(full_policy)) h = (h ^ c) * 0x100000001b3ull;
  EXPECT_EQ(p->info.content_hash, h);
}

TEST_F(full, VocabularyInDeclarationOrder) {
  ASSERT_EQ(p->vocabulary.solutions.size(), 4u);
  EXPECT_EQ(p->vocabulary.solutions[2].id, "manual_review");
  EXPECT_EQ(p->vocabulary.solutions[2].label, "人工审核");
  EXPECT_EQ(p->vocabulary.solutions[2].where, (source_span{"full.yaml", 11, 55}));
  EXPECT_EQ(p->vocabulary.parties[1].id, "merchant");
  EXPECT_EQ(p->vocabulary.roles[1].id, "supervisor");
  EXPECT_EQ(p->vocabulary.evidence[1].id, "packing_list");
  EXPECT_EQ(p->vocabulary.flags[1].id, "red");
}

TEST_F(full, Facts) {
  ASSERT_EQ(p->facts.size(), 11u);
  const fact_def& status = p->facts[fact("order_status")];
  EXPECT_EQ(status.type, fact_type::enumeration);
  EXPECT_THAT(status.values, ElementsAre("unpaid", "paid_unshipped", "shipped", "delivered", "completed"));
  EXPECT_TRUE(status.required);
  EXPECT_EQ(status.description, "订单状态");
  EXPECT_EQ(status.where, (source_span{"full.yaml", 17, 3}));
  EXPECT_EQ(p->facts[fact("amount")].type, fact_type::money);
  EXPECT_EQ(p->facts[fact("amount")].default_value, 0);
  EXPECT_EQ(p->facts[fact("opened")].default_value, 0);
  EXPECT_EQ(p->facts[fact("wait")].default_value, 48 * 3600);
  EXPECT_FALSE(p->facts[fact("quantity")].default_value.has_value());
  EXPECT_EQ(p->facts[fact("delivered_at")].type, fact_type::timestamp);
  EXPECT_EQ(p->facts[fact("sku")].type, fact_type::string);
}

TEST_F(full, StringFactsCollectTheirLiterals) {
  EXPECT_THAT(p->facts[fact("sku")].values, ElementsAre("A1", "B2", "C3"));
}

TEST_F(full, DerivedFacts) {
  const fact_def& days = p->facts[fact("days_since_delivery")];
  EXPECT_EQ(days.derive, derivation::days_since);
  EXPECT_EQ(days.source, fact("delivered_at"));
  EXPECT_EQ(days.calendar, p->find_calendar("cn_store").value());
  const fact_def& hours = p->facts[fact("hours_since_delivery")];
  EXPECT_EQ(hours.derive, derivation::hours_since);
  EXPECT_EQ(hours.source, fact("delivered_at"));
  EXPECT_EQ(hours.calendar, npos);
  const fact_def& resp = p->facts[fact("responsible")];
  EXPECT_EQ(resp.derive, derivation::map);
  EXPECT_EQ(resp.source, fact("reason"));
  EXPECT_THAT(resp.mapping, ElementsAre(0, 1, 2, -1));  // damaged is not mapped
}

TEST_F(full, Calendars) {
  ASSERT_EQ(p->calendars.size(), 2u);
  const calendar_def& cn = p->calendars[0].definition();
  EXPECT_EQ(cn.id, "cn_store");
  EXPECT_EQ(cn.time_zone, "Asia/Shanghai");
  ASSERT_EQ(cn.week[0].size(), 2u);
  EXPECT_EQ(cn.week[0][1].open_minute, 13 * 60 + 30);
  EXPECT_EQ(cn.week[0][1].close_minute, 18 * 60);
  EXPECT_TRUE(cn.week[5].empty());
  EXPECT_TRUE(cn.week[6].empty());
  EXPECT_EQ(cn.holidays.size(), 8u);  // one date + a seven-day range
  EXPECT_EQ(cn.holidays[7], (local_date{2026, 10, 7}));
  EXPECT_EQ(cn.makeup_workdays.size(), 1u);
  ASSERT_EQ(cn.makeup_hours.size(), 1u);
  EXPECT_EQ(cn.makeup_hours[0].open_minute, 600);
  EXPECT_EQ(p->calendars[1].definition().week[0][0].close_minute, 1440);
  EXPECT_FALSE(p->calendars[0].is_working_day(local_date{2026, 10, 3}));
  EXPECT_TRUE(p->calendars[0].is_working_day(local_date{2026, 9, 27}));
}

TEST_F(full, Clocks) {
  const auto clock = [&](std::string_view id) { return p->clocks[p->find_clock(id).value()]; };
  const std::uint32_t cn = p->find_calendar("cn_store").value();
  EXPECT_EQ(clock("first_response").within.kind, clock_kind::elapsed);
  EXPECT_EQ(clock("first_response").within.amount, 7200);
  EXPECT_EQ(clock("first_response").label, "首次响应");
  EXPECT_EQ(clock("first_response").description, "first answer");
  EXPECT_EQ(clock("first_response").calendar, cn);  // the policy's default calendar
  EXPECT_EQ(clock("refund_after_inspection").within.kind, clock_kind::business_days);
  EXPECT_EQ(clock("refund_after_inspection").within.amount, 2);
  EXPECT_EQ(clock("refund_after_inspection").calendar, p->find_calendar("berlin").value());
  EXPECT_EQ(clock("initial_proposal").within.kind, clock_kind::business_time);
  EXPECT_EQ(clock("initial_proposal").within.amount, 8 * 3600);
  EXPECT_EQ(clock("quick").within.amount, 30 * 60);
  EXPECT_EQ(clock("receipt_extension").within.kind, clock_kind::calendar_days);
  EXPECT_EQ(clock("receipt_extension").within.amount, 10);
  EXPECT_EQ(clock("tiny").within.amount, 90);
  EXPECT_EQ(clock("short").within.amount, 300);
}

TEST_F(full, HitPolicies) {
  EXPECT_EQ(table("after_sales").hit_policy, hit_policy::first);
  EXPECT_EQ(table("after_sales").description, "main table");
  EXPECT_EQ(table("second").hit_policy, hit_policy::priority);
  EXPECT_EQ(table("u").hit_policy, hit_policy::unique);
  EXPECT_EQ(table("an").hit_policy, hit_policy::any);
  EXPECT_EQ(table("co").hit_policy, hit_policy::collect);
  EXPECT_EQ(table("ro").hit_policy, hit_policy::rule_order);
  EXPECT_EQ(table("oo").hit_policy, hit_policy::output_order);
  EXPECT_EQ(table("nohit").hit_policy, hit_policy::first);  // the default
  EXPECT_EQ(detail::compiled_of(*p).tables[*p->find_decision("after_sales")].block(0).words, 1u);
}

TEST_F(full, ScalarListAndAnyConditions) {
  const rule& r = table("after_sales").rules[0];
  EXPECT_EQ(r.id, "unshipped");
  EXPECT_EQ(r.description, "not shipped yet");
  EXPECT_EQ(r.where, (source_span{"full.yaml", 73, 9}));
  ASSERT_EQ(r.conditions.size(), 3u);  // `sku: any` is no condition
  const condition& status = r.conditions[0];
  EXPECT_EQ(status.fact, fact("order_status"));
  EXPECT_EQ(status.op, condition_op::in);
  EXPECT_TRUE(status.uses_set);
  EXPECT_FALSE(status.negate);
  EXPECT_THAT(status.set, ElementsAre(0, 1));
  EXPECT_EQ(status.text, "in [unpaid, paid_unshipped]");
  EXPECT_EQ(status.where, (source_span{"full.yaml", 76, 25}));
  const condition& amount = r.conditions[1];
  EXPECT_EQ(amount.op, condition_op::between);
  EXPECT_EQ(amount.lo, 0);
  EXPECT_EQ(amount.hi, 100000);
  EXPECT_FALSE(amount.uses_set);
  EXPECT_EQ(amount.text, "between [0, 100000]");
  const condition& opened = r.conditions[2];
  EXPECT_EQ(opened.op, condition_op::eq);
  EXPECT_EQ(opened.lo, 0);
  EXPECT_EQ(opened.hi, 0);
  EXPECT_EQ(opened.text, "eq false");
}

TEST_F(full, ComparisonConditionsAreIntervals) {
  const rule& r = table("after_sales").rules[1];
  ASSERT_EQ(r.conditions.size(), 7u);
  const condition& days = r.conditions[0];
  EXPECT_EQ(days.op, condition_op::between);  // {ge: 0, le: 7} is one interval
  EXPECT_EQ(days.lo, 0);
  EXPECT_EQ(days.hi, 7);
  EXPECT_EQ(days.text, "ge 0, le 7");
  EXPECT_EQ(r.conditions[1].op, condition_op::lt);
  EXPECT_EQ(r.conditions[1].lo, lowest);
  EXPECT_EQ(r.conditions[1].hi, 4);
  EXPECT_EQ(r.conditions[2].op, condition_op::gt);  // duration in seconds
  EXPECT_EQ(r.conditions[2].lo, 3601);
  EXPECT_EQ(r.conditions[2].hi, highest);
  const std::int64_t new_year = parse_timestamp("2026-01-01T00:00:00+08:00")->time_since_epoch().count();
  EXPECT_EQ(r.conditions[3].lo, new_year);
  EXPECT_EQ(r.conditions[3].hi, highest);
  EXPECT_THAT(r.conditions[4].set, ElementsAre(0, 1));  // sku A1, B2
  EXPECT_EQ(r.conditions[5].op, condition_op::ne);
  EXPECT_TRUE(r.conditions[5].negate);
  EXPECT_EQ(r.conditions[5].lo, 3);  // damaged
  EXPECT_EQ(r.conditions[5].hi, 3);
  EXPECT_EQ(r.conditions[6].op, condition_op::exists);
  EXPECT_TRUE(r.conditions[6].test(2));
}

TEST_F(full, NegatedAndCombinedConditions) {
  const rule& r = table("after_sales").rules[2];
  ASSERT_EQ(r.conditions.size(), 6u);
  EXPECT_EQ(r.conditions[0].op, condition_op::not_in);
  EXPECT_TRUE(r.conditions[0].uses_set);
  EXPECT_TRUE(r.conditions[0].negate);
  EXPECT_THAT(r.conditions[0].set, ElementsAre(0, 1));
  EXPECT_FALSE(r.conditions[0].test(1));
  EXPECT_TRUE(r.conditions[0].test(3));
  EXPECT_EQ(r.conditions[1].op, condition_op::missing);
  EXPECT_FALSE(r.conditions[1].test(0));
  EXPECT_TRUE(r.conditions[2].negate);
  EXPECT_FALSE(r.conditions[2].test(3));
  EXPECT_TRUE(r.conditions[2].test(4));
  EXPECT_EQ(r.conditions[3].lo, 2);  // C3 is the third sku literal
  EXPECT_THAT(r.conditions[4].set, ElementsAre(2));
  EXPECT_EQ(r.conditions[5].lo, 11);
  EXPECT_EQ(r.conditions[5].hi, 500);

  // {ge: 2, ne: 4, le: 6} and {ge: 0, ne: 4} → an interval and an exclusion: the values between
  // the bounds are never listed (a wide range would list billions).
  const decision_table& t = table("second");
  ASSERT_EQ(t.rules[1].conditions.size(), 2u);
  EXPECT_FALSE(t.rules[1].conditions[0].uses_set);
  EXPECT_EQ(t.rules[1].conditions[0].lo, 2);
  EXPECT_EQ(t.rules[1].conditions[0].hi, 6);
  EXPECT_TRUE(t.rules[1].conditions[1].negate);
  EXPECT_THAT(t.rules[1].conditions[1].set, ElementsAre(4));
  EXPECT_EQ(t.rules[1].conditions[0].text, "ge 2, ne 4, le 6");
  EXPECT_EQ(t.rules[1].conditions[1].text, "ge 2, ne 4, le 6");
  ASSERT_EQ(t.rules[2].conditions.size(), 2u);
  EXPECT_EQ(t.rules[2].conditions[0].lo, 0);
  EXPECT_EQ(t.rules[2].conditions[0].hi, highest);
  EXPECT_TRUE(t.rules[2].conditions[1].negate);
  EXPECT_THAT(t.rules[2].conditions[1].set, ElementsAre(4));
  EXPECT_TRUE(t.rules[0].conditions.empty());
}

TEST_F(full, Outcomes) {
  const rule_outcome& a = table("after_sales").rules[0].then;
  EXPECT_EQ(a.solution, 0u);
  EXPECT_THAT(a.steps, ElementsAre("cancel the order", "refund"));
  EXPECT_EQ(a.fee_payer, npos);
  EXPECT_EQ(a.escalation, npos);
  EXPECT_EQ(a.remark_flag, npos);
  EXPECT_THAT(a.clocks, ElementsAre(p->find_clock("first_response").value(), p->find_clock("tiny").value()));
  EXPECT_EQ(a.customer_label, "退款中");
  EXPECT_EQ(a.agent_label, "直接退款");
  EXPECT_EQ(a.flow, "refund_only");
  const rule_outcome& b = table("after_sales").rules[1].then;
  EXPECT_EQ(b.solution, 1u);
  EXPECT_EQ(b.fee_payer, 0u);
  EXPECT_THAT(b.evidence, ElementsAre(0u, 1u));
  EXPECT_EQ(b.escalation, 0u);
  EXPECT_EQ(b.remark_flag, 0u);
  EXPECT_EQ(b.remark, "7天无理由");
  EXPECT_EQ(b.clocks.size(), 5u);
  const rule_outcome& c = table("after_sales").rules[2].then;
  EXPECT_EQ(c.solution, 2u);
  EXPECT_EQ(c.escalation, 1u);
  EXPECT_EQ(c.remark_flag, 1u);
}

TEST_F(full, Amounts) {
  const auto& a = table("after_sales").rules[1].then.amounts;
  ASSERT_EQ(a.size(), 5u);
  using kind = money_operand::kind;
  EXPECT_EQ(a[0].name, "restocking_fee");
  EXPECT_EQ(a[0].of.what, kind::fact);
  EXPECT_EQ(a[0].of.ref, fact("amount"));
  EXPECT_EQ(a[0].numerator, 5);
  EXPECT_EQ(a[0].denominator, 100);
  EXPECT_EQ(a[0].min.what, kind::constant);
  EXPECT_EQ(a[0].min.value, 500);
  EXPECT_EQ(a[0].max.what, kind::none);
  EXPECT_EQ(a[0].rounding, rounding::up);
  EXPECT_EQ(a[1].minus.what, kind::amount);
  EXPECT_EQ(a[1].minus.ref, 0u);
  EXPECT_EQ(a[1].rounding, rounding::half_up);  // the default
  EXPECT_EQ(a[1].numerator, 1);
  EXPECT_EQ(a[1].denominator, 1);
  EXPECT_EQ(a[2].max.value, 5000);
  EXPECT_EQ(a[2].rounding, rounding::half_even);
  EXPECT_EQ(a[3].of.what, kind::constant);
  EXPECT_EQ(a[3].of.value, 2000);
  EXPECT_EQ(a[4].of.what, kind::amount);
  EXPECT_EQ(a[4].of.ref, 1u);
  EXPECT_EQ(a[4].min.ref, 3u);
  EXPECT_EQ(a[4].max.what, kind::fact);
  EXPECT_EQ(a[4].rounding, rounding::down);
}

TEST(load, FileAndStringAgree) {
  const std::string path = testing::TempDir() + "/aftersale_load_test.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << full_policy;
  }
  auto a = load_policy_file(path);
  auto b = load_policy_string(full_policy, path);
  std::remove(path.c_str());
  EXPECT_EQ(a->info.content_hash, b->info.content_hash);
  EXPECT_EQ(a->facts[0].where, (source_span{path, 17, 3}));
  EXPECT_EQ(a->decisions.size(), b->decisions.size());
}

TEST(load, PolicyIsUsableAfterTheTextIsGone) {
  std::shared_ptr<const policy> p;
  {
    std::string text = full_policy;
    p = load_policy_string(text, "x.yaml");
    text.assign(text.size(), 'x');
  }
  EXPECT_EQ(p->facts[0].name, "order_status");
}

// ---- large valid policies (bench/large_policy.hpp): they load, decide, and the index stays
// linear. Not timed (bench/load_bench.cpp measures them); the sizes keep the suite fast.

TEST(large, TwentyThousandRulesWithBoundsOfTheirOwnLoadAndDecide) {
  const int rules = 20'000;
  std::shared_ptr<const policy> p = load_policy_string(bench::many_rules_policy(rules), "many.yaml");
  ASSERT_EQ(p->decisions[0].rules.size(), static_cast<std::size_t>(rules));
  // Requests near the rules' bounds, answered by the index (several blocks) and by testing the
  // rules one by one.
  const auto& rules_of = p->decisions[0].rules;
  int matched = 0;
  for (int i : {0, 5, 13, 4005, 7777, 19997, 19999}) {
    for (int shift : {-1, 0, 1}) {
      request r;
      r.set("status", "s" + std::to_string(i % 8))
          .set("amount", std::max<std::int64_t>(0, std::int64_t{7} * i + shift))
          .set("days", rules - i + shift);
      const bound_request b = bind(*p, r);
      std::string expected;
      for (const rule& candidate : rules_of) {
        bool all = true;
        for (const condition& c : candidate.conditions) all = all && c.test(b.value(c.fact));
        if (all) {
          expected = candidate.id;
          break;
        }
      }
      if (shift == 0) {
        EXPECT_EQ(expected, "r" + std::to_string(i));  // late rules too, in later blocks
      }
      const decision d = decide(p, b, sys_seconds{});
      EXPECT_EQ(d.matched() ? std::string(d.rule_id()) : std::string(), expected) << i << " " << shift;
      matched += d.matched();
    }
  }
  EXPECT_GT(matched, 5);
  request none;
  none.set("status", "s1").set("amount", std::int64_t{0}).set("days", rules + 1);
  EXPECT_FALSE(decide(p, none, sys_seconds{}).matched());
  std::size_t words = 0;
  const detail::table_index& ix = detail::compiled_of(*p).tables[0];
  for (std::size_t i = 0; i < ix.blocks(); ++i) {
    for (const auto& c : ix.block(i).columns) words += c.bits.size();
  }
  // Buckets × rules would be 2 × 20,001 × 313 words (100 MB); the blocks keep it linear.
  EXPECT_LT(words * 8, std::size_t{32} << 20);
}

TEST(large, TwoHundredThousandEnumValuesLoadAndDecide) {
  std::shared_ptr<const policy> p = load_policy_string(bench::many_values_policy(200'000), "values.yaml");
  ASSERT_EQ(p->facts[0].values.size(), 200'000u);
  EXPECT_EQ(decide(p, request().set("sku_class", "v199999"), sys_seconds{}).rule_id(), "last");
  EXPECT_EQ(decide(p, request().set("sku_class", "v1"), sys_seconds{}).matched(), false);
  EXPECT_EQ(decide(p, request().set("sku_class", "v77"), sys_seconds{}).rule_id(), "rest");
  // A duplicate among them is still found, at its place.
  std::string dup = bench::many_values_policy(200'000);
  dup.replace(dup.find("v199999]"), 7, "v123456");
  try {
    load_policy_string(dup, "values.yaml");
    FAIL() << "a duplicate value loaded";
  } catch (const policy_error& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].code, error_code::duplicate_id);  // then the rule's `v199999`: E202
  }
}

}  // namespace

// YAML reads `- 步骤: 联系买家` as a one-pair mapping: the diagnostic says to quote the text,
// wherever a text is read (a locale map, or a list that takes plain values).
TEST(texts, AColonInsideATextIsAMappingToQuote) {
  const std::string head =
      "format: 1\npolicy: {id: p, version: \"1\", entry: main}\nvocabulary: {solutions: [refund]}\n"
      "facts: {days: {type: int}}\ndecisions:\n  main:\n    rules:\n      - id: r\n        then:\n"
      "          solution: refund\n";
  try {
    load_policy_string(head + "          steps:\n            - 步骤: 联系买家\n", "colon.yaml");
    FAIL() << "loaded";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].message, "invalid locale `步骤` in a step of rule `r`");
    EXPECT_EQ(e.diagnostics()[0].help,
              "YAML reads `步骤: 联系买家` as a mapping: if the colon is part of the text, quote it: "
              "`\"步骤: 联系买家\"`; the keys of a text's locale map are language tags such as `zh`, `en`");
  }
  try {
    load_policy_string(head + "          clocks:\n            - 时效: 2h\n", "colon.yaml");
    FAIL() << "loaded";
  } catch (const policy_error& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].message, "a clock reference must be a scalar, found a mapping");
    EXPECT_EQ(
        e.diagnostics()[0].help,
        "YAML reads `时效: 2h` as a mapping: if the colon is part of the text, quote it: `\"时效: 2h\"`");
  }
}
