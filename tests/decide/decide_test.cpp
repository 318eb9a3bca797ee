// SPDX-License-Identifier: Apache-2.0
// decide(): hit policies, operators, absent facts, derived facts, deadlines, explanations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using aftersale::decision_status;
using ::testing::ElementsAre;

constexpr const char* policy_yaml = R"(format: 1
policy: {id: decide_test, version: "1", entry: returns, calendar: utc_office}
vocabulary:
  solutions: [refund_immediately, return_then_refund, manual_review, reject]
  parties: [customer, merchant]
  roles: [agent, supervisor]
  evidence: [photos, packing_list]
  flags: [yellow, blue]
facts:
  order_status: {type: enum, values: [paid, shipped, delivered], required: true}
  reason: {type: enum, values: [changed_mind, quality_issue, wrong_item]}
  amount: {type: money}
  opened: {type: bool, default: false}
  wait: {type: duration}
  delivered_at: {type: timestamp}
  sku: {type: string}
  quantity: {type: int}
  days_since_delivery: {type: int, derived: {days_since: delivered_at}}
  local_days: {type: int, derived: {days_since: delivered_at, calendar: shanghai}}
  hours_since_delivery: {type: int, derived: {hours_since: delivered_at}}
  responsible:
    type: enum
    values: [customer, merchant]
    derived: {map: reason, cases: {changed_mind: customer, quality_issue: merchant}}
calendars:
  utc_office:
    time_zone: UTC
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
  shanghai:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  first_response: {within: {hours: 2}}
  inspect: {within: {business_days: 2}, calendar: shanghai}
decisions:
  returns:
    hit_policy: first
    rules:
      - id: not_delivered_refund
        when: {order_status: [paid, shipped]}
        then: {solution: refund_immediately, clocks: [first_response]}
      - id: seven_day_return
        when: {reason: changed_mind, days_since_delivery: {between: [0, 7]}, opened: false}
        then:
          solution: return_then_refund
          fee_payer: customer
          evidence: [photos, packing_list]
          escalation: agent
          remark: {flag: yellow, text: seven days}
          steps: [print label, inspect]
          clocks: [first_response, inspect]
          amounts: {refund: {of: amount}}
      - id: merchant_fault
        when: {responsible: merchant}
        then: {solution: return_then_refund, fee_payer: merchant}
      - id: fallback
        when: {order_status: any}
        then: {solution: manual_review}
  ops:
    hit_policy: collect
    rules:
      - {id: eq_enum, when: {reason: changed_mind}, then: {solution: reject}}
      - {id: ne_enum, when: {reason: {ne: changed_mind}}, then: {solution: reject}}
      - {id: in_enum, when: {reason: [changed_mind, wrong_item]}, then: {solution: reject}}
      - {id: not_in_enum, when: {reason: {not_in: [changed_mind]}}, then: {solution: reject}}
      - {id: lt_int, when: {quantity: {lt: 3}}, then: {solution: reject}}
      - {id: le_int, when: {quantity: {le: 3}}, then: {solution: reject}}
      - {id: gt_int, when: {quantity: {gt: 3}}, then: {solution: reject}}
      - {id: ge_int, when: {quantity: {ge: 3}}, then: {solution: reject}}
      - {id: between_money, when: {amount: {between: [100, 200]}}, then: {solution: reject}}
      - {id: exists_sku, when: {sku: {exists: true}}, then: {solution: reject}}
      - {id: missing_sku, when: {sku: {missing: true}}, then: {solution: reject}}
      - {id: eq_string, when: {sku: abc}, then: {solution: reject}}
      - {id: ne_string, when: {sku: {ne: abc}}, then: {solution: reject}}
      - {id: ge_duration, when: {wait: {ge: 48h}}, then: {solution: reject}}
      - {id: lt_timestamp, when: {delivered_at: {lt: "2026-10-01T00:00:00Z"}}, then: {solution: reject}}
      - {id: combined, when: {quantity: {ge: 1, le: 5, ne: 3}}, then: {solution: reject}}
      - {id: eq_bool, when: {opened: true}, then: {solution: reject}}
  uniq:
    hit_policy: unique
    rules:
      - {id: u1, when: {quantity: {ge: 1}}, then: {solution: reject}}
      - {id: u2, when: {quantity: {ge: 10}}, then: {solution: manual_review}}
  prio:
    hit_policy: priority
    rules:
      - {id: p1, when: {quantity: {ge: 1}}, then: {solution: manual_review}}
      - {id: p2, when: {quantity: {ge: 5}}, then: {solution: refund_immediately}}
      - {id: p3, when: {quantity: {ge: 5}}, then: {solution: refund_immediately, steps: [other]}}
      - {id: p4, when: {quantity: {ge: 8}}, then: {solution: return_then_refund}}
  anyp:
    hit_policy: any
    rules:
      - {id: a1, when: {quantity: {ge: 1}}, then: {solution: reject, steps: [no]}}
      - {id: a2, when: {quantity: {ge: 5}}, then: {solution: reject, steps: [no]}}
      - {id: a3, when: {quantity: {ge: 10}}, then: {solution: reject, steps: [no, really]}}
  coll:
    hit_policy: collect
    rules:
      - {id: p1, when: {quantity: {ge: 1}}, then: {solution: manual_review}}
      - {id: p2, when: {quantity: {ge: 5}}, then: {solution: refund_immediately}}
      - {id: p3, when: {quantity: {ge: 5}}, then: {solution: refund_immediately, steps: [other]}}
      - {id: p4, when: {quantity: {ge: 8}}, then: {solution: return_then_refund}}
  ordered:
    hit_policy: rule_order
    rules:
      - {id: p1, when: {quantity: {ge: 1}}, then: {solution: manual_review}}
      - {id: p2, when: {quantity: {ge: 5}}, then: {solution: refund_immediately}}
      - {id: p3, when: {quantity: {ge: 5}}, then: {solution: refund_immediately, steps: [other]}}
      - {id: p4, when: {quantity: {ge: 8}}, then: {solution: return_then_refund}}
  outord:
    hit_policy: output_order
    rules:
      - {id: p1, when: {quantity: {ge: 1}}, then: {solution: manual_review}}
      - {id: p2, when: {quantity: {ge: 5}}, then: {solution: refund_immediately}}
      - {id: p3, when: {quantity: {ge: 5}}, then: {solution: refund_immediately, steps: [other]}}
      - {id: p4, when: {quantity: {ge: 8}}, then: {solution: return_then_refund}}
)";

// 2026-10-08T00:00:00Z, a Thursday.
const aftersale::sys_seconds now{std::chrono::seconds{1791417600}};

class decide_test : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "decide.yaml");

  static aftersale::request delivered(const char* reason, aftersale::sys_seconds at) {
    aftersale::request r;
    r.set("order_status", "delivered").set("reason", reason).set("delivered_at", at);
    return r;
  }
  std::vector<std::string> ids(const aftersale::decision& d) const {
    std::vector<std::string> out;
    for (const auto& m : d.matches()) out.push_back(d.table().rules[m.rule].id);
    return out;
  }
  std::vector<std::string> run(const char* table, const aftersale::request& r) const {
    return ids(aftersale::decide(p, table, r, now));
  }
  std::int64_t fact(const aftersale::decision& d, const char* name) const {
    const std::uint32_t f = *p->find_fact(name);
    EXPECT_TRUE(d.facts().has(f)) << name;
    return d.facts().value(f);
  }
  bool has(const aftersale::decision& d, const char* name) const {
    return d.facts().has(*p->find_fact(name));
  }
};

aftersale::request with_quantity(int q) {
  aftersale::request r;
  r.set("order_status", "paid").set("quantity", q);
  return r;
}

TEST_F(decide_test, FirstHitReturnsTheFirstMatchingRuleWithItsOutputs) {
  auto d = aftersale::decide(p, delivered("changed_mind", now - 48h), now);
  ASSERT_EQ(d.status(), decision_status::matched);
  EXPECT_EQ(d.rule_id(), "seven_day_return");
  EXPECT_EQ(d.solution(), "return_then_refund");
  EXPECT_EQ(d.fee_payer(), "customer");
  EXPECT_EQ(d.escalation(), "agent");
  EXPECT_EQ(d.remark_flag(), "yellow");
  EXPECT_THAT(d.evidence(), ElementsAre("photos", "packing_list"));
  EXPECT_THAT(d.steps(), ElementsAre("print label", "inspect"));
  EXPECT_EQ(d.table().id, "returns");
  // No amount: `amount` was not given, so `refund` is absent and left out.
  EXPECT_TRUE(d.amounts().empty());
  ASSERT_EQ(d.matches().front().amount_present.size(), 1u);
  EXPECT_FALSE(d.matches().front().has_amount(0));
}

TEST_F(decide_test, EmptyViewsForOutputsARuleDoesNotName) {
  auto r = delivered("wrong_item", now - 48h);
  auto d = aftersale::decide(p, r, now);
  EXPECT_EQ(d.rule_id(), "fallback");
  EXPECT_EQ(d.fee_payer(), "");
  EXPECT_EQ(d.escalation(), "");
  EXPECT_EQ(d.remark_flag(), "");
  EXPECT_TRUE(d.evidence().empty());
}

// `_id()` is the text, `_index()` the index into the vocabulary, as on service_case.
TEST_F(decide_test, EscalationAndRemarkFlagAsIdAndIndex) {
  auto d = aftersale::decide(p, delivered("changed_mind", now - 48h), now);
  EXPECT_EQ(d.escalation_id(), "agent");
  EXPECT_EQ(d.escalation_index(), 0u);  // roles: [agent, supervisor]
  EXPECT_EQ(d.escalation(), d.escalation_id());
  EXPECT_EQ(d.remark_flag_id(), "yellow");
  EXPECT_EQ(d.remark_flag_index(), 0u);  // flags: [yellow, blue]
  EXPECT_EQ(d.remark_flag(), d.remark_flag_id());
  auto none = aftersale::decide(p, delivered("wrong_item", now - 48h), now);
  EXPECT_EQ(none.escalation_id(), "");
  EXPECT_EQ(none.escalation_index(), aftersale::npos);
  EXPECT_EQ(none.remark_flag_index(), aftersale::npos);
}

TEST_F(decide_test, DeadlinesUseEachClocksCalendar) {
  auto d = aftersale::decide(p, delivered("changed_mind", now - 48h), now);
  ASSERT_EQ(d.deadlines().size(), 2u);
  EXPECT_EQ(d.clock_id(d.deadlines()[0]), "first_response");
  EXPECT_EQ(d.deadlines()[0].due, now + 2h);
  EXPECT_EQ(d.clock_id(d.deadlines()[1]), "inspect");
  const auto& shanghai = p->calendars[*p->find_calendar("shanghai")];
  EXPECT_EQ(d.deadlines()[1].due, shanghai.add(now, {aftersale::clock_kind::business_days, 2}));
  // Thursday 08:00 local → close of Monday, the 2nd working day after: 18:00+08:00.
  EXPECT_EQ(aftersale::format_utc(d.deadlines()[1].due), "2026-10-12T10:00:00Z");
}

TEST_F(decide_test, DeadlinesWithoutAnyCalendarUseUtcArithmetic) {
  auto pol = std::make_shared<aftersale::policy>();
  pol->info.id = "bare";
  pol->vocabulary.solutions.push_back({"ok", "", {}});
  aftersale::clock_def hour, days;
  hour.id = "hour";
  hour.within = {aftersale::clock_kind::elapsed, 3600};
  days.id = "days";
  days.within = {aftersale::clock_kind::business_days, 2};
  pol->clocks = {hour, days};
  aftersale::decision_table t;
  t.id = "only";
  aftersale::rule r;
  r.id = "always";
  r.then.solution = 0;
  r.then.clocks = {0, 1};
  t.rules.push_back(r);
  pol->decisions.push_back(t);
  pol->info.entry = 0;
  aftersale::compile_policy(*pol);
  auto d = aftersale::decide(pol, aftersale::request{}, now);
  ASSERT_TRUE(d.matched());
  ASSERT_EQ(d.deadlines().size(), 2u);
  EXPECT_EQ(d.deadlines()[0].due, now + 1h);
  EXPECT_EQ(d.deadlines()[1].due, now + 48h);
}

// A policy built in code has no compiled part until compile_policy: decide refuses it, the hot
// path finds nothing; a copy whose tables change must be compiled again.
TEST_F(decide_test, HandBuiltPolicyIsDecidedOnceCompiled) {
  auto pol = std::make_shared<aftersale::policy>();
  pol->info.id = "bare";
  pol->vocabulary.solutions.push_back({"ok", "", {}});
  aftersale::decision_table t;
  t.id = "only";
  aftersale::rule r;
  r.id = "always";
  r.then.solution = 0;
  t.rules.push_back(r);
  pol->decisions.push_back(t);
  pol->info.entry = 0;
  try {
    aftersale::decide(pol, aftersale::request{}, now);
    ADD_FAILURE() << "a policy that was never compiled was decided";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::not_compiled);
  }
  EXPECT_EQ(aftersale::first_match(*pol, 0, aftersale::bound_request{}), aftersale::npos);
  aftersale::compile_policy(*pol);
  EXPECT_TRUE(aftersale::decide(pol, aftersale::request{}, now).matched());
  EXPECT_EQ(aftersale::first_match(*pol, 0, aftersale::bound_request{}), 0u);
  EXPECT_EQ(aftersale::first_match(*pol, 1, aftersale::bound_request{}), aftersale::npos);  // no such table

  auto copy = std::make_shared<aftersale::policy>(*pol);
  t.id = "another";
  copy->decisions.push_back(t);
  EXPECT_THROW(aftersale::decide(copy, aftersale::request{}, now), aftersale::usage_error);
  aftersale::compile_policy(*copy);
  EXPECT_TRUE(aftersale::decide(copy, 1, aftersale::bound_request{}, now).matched());
}

TEST_F(decide_test, DerivedFactsCountDaysAndHours) {
  // Delivered 2026-10-01T10:00+08:00 (02:00Z); now is 2026-10-08T00:00Z (08:00 in Shanghai).
  auto d = aftersale::decide(
      p, delivered("changed_mind", *aftersale::parse_timestamp("2026-10-01T10:00:00+08:00")), now);
  EXPECT_EQ(fact(d, "days_since_delivery"), 6);  // 6 d 22 h elapsed
  EXPECT_EQ(fact(d, "local_days"), 7);           // Oct 1 → Oct 8 on the local calendar
  EXPECT_EQ(fact(d, "hours_since_delivery"), 166);
  EXPECT_EQ(fact(d, "responsible"), 0);  // changed_mind → customer
}

TEST_F(decide_test, DerivedDaysAreNegativeForAFutureAnchorAndFloored) {
  auto d = aftersale::decide(p, delivered("changed_mind", now + 12h), now);
  EXPECT_EQ(fact(d, "days_since_delivery"), -1);  // floor(-0.5), not 0
  EXPECT_EQ(fact(d, "hours_since_delivery"), -12);
  EXPECT_EQ(fact(d, "local_days"), 0);  // both 2026-10-08 in Shanghai
  EXPECT_EQ(aftersale::decide(p, delivered("changed_mind", now + 49h), now)
                .facts()
                .value(*p->find_fact("days_since_delivery")),
            -3);
  // -1 day is outside [0, 7]: the seven-day rule does not fire.
  EXPECT_EQ(d.rule_id(), "fallback");
}

TEST_F(decide_test, DerivedFactsAreAbsentWithoutTheirSource) {
  aftersale::request r;
  r.set("order_status", "delivered").set("reason", "wrong_item");
  auto d = aftersale::decide(p, r, now);
  EXPECT_FALSE(has(d, "days_since_delivery"));
  EXPECT_FALSE(has(d, "local_days"));
  EXPECT_FALSE(has(d, "hours_since_delivery"));
  EXPECT_FALSE(has(d, "responsible"));  // wrong_item is not mapped
  r.set("reason", "quality_issue");
  auto q = aftersale::decide(p, r, now);
  EXPECT_EQ(fact(q, "responsible"), 1);
  EXPECT_EQ(q.rule_id(), "merchant_fault");
}

TEST_F(decide_test, DefaultsTakePartInMatching) {
  auto r = delivered("changed_mind", now - 24h);
  EXPECT_EQ(aftersale::decide(p, r, now).rule_id(), "seven_day_return");  // opened defaults to false
  r.set("opened", true);
  EXPECT_EQ(aftersale::decide(p, r, now).rule_id(), "fallback");
}

TEST_F(decide_test, EveryOperator) {
  aftersale::request r;
  r.set("order_status", "paid")
      .set("reason", "changed_mind")
      .set("quantity", 3)
      .set("amount", std::int64_t{150})
      .set("sku", "abc")
      .set("wait", "48h")
      .set("delivered_at", "2026-09-30T23:59:59Z");
  EXPECT_THAT(run("ops", r), ElementsAre("eq_enum", "in_enum", "le_int", "ge_int", "between_money",
                                         "exists_sku", "eq_string", "ge_duration", "lt_timestamp"));
  r.set("reason", "wrong_item")
      .set("quantity", 2)
      .set("amount", std::int64_t{201})
      .set("sku", "zzz")
      .set("wait", "47h59m")
      .set("delivered_at", "2026-10-01T00:00:00Z")
      .set("opened", true);
  EXPECT_THAT(run("ops", r), ElementsAre("ne_enum", "in_enum", "not_in_enum", "lt_int", "le_int",
                                         "exists_sku", "ne_string", "combined", "eq_bool"));
  r.set("reason", "quality_issue").set("quantity", 4).set("amount", std::int64_t{100});
  EXPECT_THAT(run("ops", r), ElementsAre("ne_enum", "not_in_enum", "gt_int", "ge_int", "between_money",
                                         "exists_sku", "ne_string", "combined", "eq_bool"));
}

TEST_F(decide_test, ConditionsOnAbsentFactsFailExceptMissing) {
  aftersale::request r;
  r.set("order_status", "paid");  // only `opened` (default false) is present in `ops`
  EXPECT_THAT(run("ops", r), ElementsAre("missing_sku"));
}

TEST_F(decide_test, UniqueReportsConflicts) {
  EXPECT_THAT(run("uniq", with_quantity(5)), ElementsAre("u1"));
  auto d = aftersale::decide(p, "uniq", with_quantity(15), now);
  EXPECT_EQ(d.status(), decision_status::conflict);
  EXPECT_THAT(ids(d), ElementsAre("u1", "u2"));
  EXPECT_EQ(aftersale::decide(p, "uniq", with_quantity(0), now).status(), decision_status::no_match);
}

TEST_F(decide_test, PriorityPicksTheFirstSolutionTiesByRuleOrder) {
  EXPECT_THAT(run("prio", with_quantity(2)), ElementsAre("p1"));
  EXPECT_THAT(run("prio", with_quantity(9)), ElementsAre("p2"));
  EXPECT_EQ(aftersale::decide(p, "prio", with_quantity(0), now).status(), decision_status::no_match);
}

TEST_F(decide_test, AnyAcceptsIdenticalOutcomesOnly) {
  auto d = aftersale::decide(p, "anyp", with_quantity(7), now);
  EXPECT_EQ(d.status(), decision_status::matched);
  EXPECT_THAT(ids(d), ElementsAre("a1"));
  auto c = aftersale::decide(p, "anyp", with_quantity(12), now);
  EXPECT_EQ(c.status(), decision_status::conflict);  // a3's steps differ
  EXPECT_THAT(ids(c), ElementsAre("a1", "a2", "a3"));
}

TEST_F(decide_test, CollectAndRuleOrderReturnAllInRuleOrder) {
  EXPECT_THAT(run("coll", with_quantity(9)), ElementsAre("p1", "p2", "p3", "p4"));
  EXPECT_THAT(run("ordered", with_quantity(6)), ElementsAre("p1", "p2", "p3"));
  EXPECT_EQ(aftersale::decide(p, "coll", with_quantity(0), now).status(), decision_status::no_match);
}

TEST_F(decide_test, OutputOrderSortsBySolutionPriority) {
  EXPECT_THAT(run("outord", with_quantity(9)), ElementsAre("p2", "p3", "p4", "p1"));
}

TEST_F(decide_test, NoMatchIsAResult) {
  auto d = aftersale::decide(p, "uniq", with_quantity(-4), now);
  EXPECT_EQ(d.status(), decision_status::no_match);
  EXPECT_FALSE(d.matched());
  EXPECT_TRUE(d.matches().empty());
  // Contract change: usage_error (E504), was std::logic_error.
  EXPECT_THROW(d.rule_id(), aftersale::usage_error);
  EXPECT_EQ(aftersale::to_string(d.status()), "no_match");
}

// Misuse throws usage_error with its E5xx code, never a bare std:: exception.
TEST_F(decide_test, MisuseThrowsUsageErrorWithItsCode) {
  const auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const aftersale::usage_error& e) {
      return aftersale::code_text(e.code());
    }
    return std::string("no error");
  };
  const aftersale::request r = with_quantity(1);
  EXPECT_EQ(code_of([&] { aftersale::decide(nullptr, r, now); }), "E500");
  EXPECT_EQ(code_of([&] { aftersale::decide(nullptr, "uniq", r, now); }), "E500");
  EXPECT_EQ(code_of([&] { aftersale::decide(nullptr, aftersale::bind(*p, r), now); }), "E500");
  EXPECT_EQ(code_of([&] { aftersale::decide(nullptr, 0U, aftersale::bind(*p, r), now); }), "E500");
  // A request bound with another policy: its fact count differs.
  EXPECT_EQ(code_of([&] { aftersale::decide(p, aftersale::bound_request{}, now); }), "E501");
  EXPECT_EQ(code_of([&] { aftersale::decide(p, 0U, aftersale::bound_request{}, now); }), "E501");
  const auto none = aftersale::decide(p, "uniq", with_quantity(-4), now);
  EXPECT_EQ(code_of([&] { (void)none.first_rule(); }), "E504");
  EXPECT_EQ(code_of([&] { (void)none.solution(); }), "E504");
  EXPECT_EQ(code_of([&] { (void)none.escalation_id(); }), "E504");
  EXPECT_EQ(code_of([&] { (void)none.escalation_index(); }), "E504");
  try {
    (void)none.rule_id();
  } catch (const aftersale::error& e) {  // one catch for everything the library throws
    EXPECT_THAT(e.what(), ::testing::HasSubstr("error[E504]: the decision selected no rule"));
  }
}

TEST_F(decide_test, UnknownTableIsE304) {
  try {
    aftersale::decide(p, "nope", with_quantity(1), now);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::unknown_decision);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("unknown decision table `nope`"));
  }
}

TEST_F(decide_test, TraceOfFirstTablesStopsAtTheMatch) {
  auto d = aftersale::decide(p, delivered("quality_issue", now - 240h), now);
  EXPECT_EQ(d.rule_id(), "merchant_fault");
  ASSERT_EQ(d.trace().size(), 3u);
  EXPECT_EQ(d.trace()[0].failed_condition, 0u);
  EXPECT_EQ(d.trace()[0].actual, 2);             // delivered
  EXPECT_EQ(d.trace()[1].failed_condition, 0u);  // reason
  EXPECT_EQ(d.trace()[2].failed_condition, aftersale::npos);
  aftersale::decide_options quiet;
  quiet.explain = false;
  EXPECT_TRUE(aftersale::decide(p, delivered("quality_issue", now), now, quiet).trace().empty());
}

TEST_F(decide_test, TraceOfOtherTablesCoversEveryRule) {
  aftersale::request r;
  r.set("order_status", "paid");
  auto d = aftersale::decide(p, "ops", r, now);
  ASSERT_EQ(d.trace().size(), d.table().rules.size());
  EXPECT_TRUE(d.trace()[0].fact_absent);                       // reason
  EXPECT_EQ(d.trace()[10].failed_condition, aftersale::npos);  // missing_sku matched
}

TEST_F(decide_test, BoundRequestOverloadDecidesTheEntryTable) {
  auto b = aftersale::bind(*p, delivered("changed_mind", now - 24h));
  auto d = aftersale::decide(p, b, now);
  EXPECT_EQ(d.rule_id(), "seven_day_return");
  auto dd = b;
  aftersale::derive_facts(*p, dd, now);
  EXPECT_EQ(aftersale::first_match(*p, p->info.entry, dd), d.matches().front().rule);
}

TEST_F(decide_test, ExplanationGolden) {
  auto r = delivered("changed_mind", now - 240h);
  r.set("amount", std::int64_t{12900});
  auto d = aftersale::decide(p, r, now);
  EXPECT_EQ(
      aftersale::explain(d),
      "rule `fallback` (decide.yaml:56:9) fired: solution `manual_review`\n"
      "  skipped `not_delivered_refund` (decide.yaml:39:9): `order_status` is `delivered`, expected in "
      "`[paid, shipped]` (decide.yaml:40:30)\n"
      "  skipped `seven_day_return` (decide.yaml:42:9): `days_since_delivery` is `10`, expected between "
      "`[0, 7]` (decide.yaml:43:59)\n"
      "  skipped `merchant_fault` (decide.yaml:53:9): `responsible` is `customer`, expected eq `merchant` "
      "(decide.yaml:54:29)\n");
}

TEST_F(decide_test, ExplanationOfAMatchWithDeadlinesAndAmounts) {
  auto r = delivered("changed_mind", now - 24h);
  r.set("amount", std::int64_t{12900});
  const std::string text = aftersale::explain(aftersale::decide(p, r, now));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "rule `seven_day_return` (decide.yaml:42:9) fired: solution `return_then_refund`\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("  deadline `first_response` due 2026-10-08 02:00 +00:00\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("  amount `refund` = 129.00\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("`order_status` is `delivered`"));
}

TEST_F(decide_test, ExplanationOfAbsentFactsAndConflicts) {
  aftersale::request r;
  r.set("order_status", "paid");
  const std::string text = aftersale::explain(aftersale::decide(p, "uniq", r, now));
  EXPECT_THAT(text, ::testing::HasSubstr("no rule of table `uniq`"));
  EXPECT_THAT(text, ::testing::HasSubstr("`quantity` is absent, expected ge `1`"));
  const std::string conflict = aftersale::explain(aftersale::decide(p, "uniq", with_quantity(20), now));
  EXPECT_THAT(conflict, ::testing::StartsWith("rules in conflict under hit policy `unique`: `u1`"));
}

TEST_F(decide_test, FormatsFactValues) {
  auto f = [&](const char* name, std::int64_t v) {
    return aftersale::format_fact_value(*p, *p->find_fact(name), v);
  };
  EXPECT_EQ(f("order_status", 2), "delivered");
  EXPECT_EQ(f("opened", 1), "true");
  EXPECT_EQ(f("opened", 0), "false");
  EXPECT_EQ(f("amount", 12900), "129.00");
  EXPECT_EQ(f("wait", 5400), "1h30m");
  EXPECT_EQ(f("delivered_at", 1791417600), "2026-10-08T00:00:00Z");
  EXPECT_EQ(f("quantity", -7), "-7");
}

TEST(format_money, TwoDecimalsAndLeadingMinus) {
  EXPECT_EQ(aftersale::format_money(12900), "129.00");
  EXPECT_EQ(aftersale::format_money(5), "0.05");
  EXPECT_EQ(aftersale::format_money(0), "0.00");
  EXPECT_EQ(aftersale::format_money(-5), "-0.05");
  EXPECT_EQ(aftersale::format_money(-12345), "-123.45");
  EXPECT_EQ(aftersale::format_money(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

// One shared policy, four threads: each result equals the single-threaded one.
TEST_F(decide_test, ThreadSafeOnASharedPolicy) {
  std::vector<aftersale::request> requests;
  const char* reasons[] = {"changed_mind", "quality_issue", "wrong_item"};
  for (int i = 0; i < 60; ++i) {
    auto r = delivered(reasons[i % 3], now - std::chrono::hours{i * 7 - 50});
    r.set("amount", std::int64_t{1000 + i});
    if (i % 5 == 0) r.set("order_status", "shipped");
    requests.push_back(r);
  }
  auto summary = [&](const aftersale::request& r) {
    auto d = aftersale::decide(p, r, now);
    std::string s = std::string(d.rule_id()) + '|' + aftersale::explain(d);
    for (const auto& dl : d.deadlines()) s += aftersale::format_utc(dl.due);
    return s;
  };
  std::vector<std::string> expected;
  for (const auto& r : requests) expected.push_back(summary(r));
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const auto& r : requests) got[t].push_back(summary(r));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(got[t].size(), expected.size() * 20);
    for (std::size_t i = 0; i < got[t].size(); ++i) EXPECT_EQ(got[t][i], expected[i % expected.size()]);
  }
}

}  // namespace
