// SPDX-License-Identifier: Apache-2.0
// The answers docs/policy-format.md and docs/evaluation.md give to questions their tables
// left open, each tried on the library: `fee_payer: none` in an `any` table, `{missing: false}`,
// which rule an `output_order` decision reports first, and `days_since` without its own
// calendar in a policy that has a default one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <string>
#include <vector>

namespace {

using aftersale::decision_status;
using ::testing::ElementsAre;

constexpr const char* policy_yaml = R"(format: 1
policy: {id: answers, version: "1", entry: payer, calendar: shanghai}
vocabulary:
  solutions: [refund_immediately, return_then_refund, manual_review]
  parties: [customer, merchant]
  roles: [agent]
  evidence: [photos]
  flags: [blue]
facts:
  quantity: {type: int}
  sku: {type: string}
  delivered_at: {type: timestamp}
  days: {type: int, derived: {days_since: delivered_at}}
  local_days: {type: int, derived: {days_since: delivered_at, calendar: shanghai}}
calendars:
  shanghai:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  reply: {within: {hours: 2}}
  inspect: {within: {hours: 4}}
decisions:
  payer:
    hit_policy: any
    rules:
      - {id: none_payer, when: {quantity: {ge: 1}}, then: {solution: return_then_refund, fee_payer: none}}
      - {id: no_payer, when: {quantity: {ge: 5}}, then: {solution: return_then_refund}}
      - {id: merchant_pays, when: {quantity: {ge: 10}}, then: {solution: return_then_refund, fee_payer: merchant}}
  presence:
    hit_policy: collect
    rules:
      - {id: missing_false, when: {sku: {missing: false}}, then: {solution: manual_review}}
      - {id: exists_true, when: {sku: {exists: true}}, then: {solution: manual_review}}
      - {id: missing_true, when: {sku: {missing: true}}, then: {solution: manual_review}}
      - {id: exists_false, when: {sku: {exists: false}}, then: {solution: manual_review}}
  ordered:
    hit_policy: output_order
    rules:
      - {id: review, when: {quantity: {ge: 1}}, then: {solution: manual_review, steps: [look], clocks: [reply]}}
      - {id: refund, when: {quantity: {ge: 5}}, then: {solution: refund_immediately, fee_payer: merchant, clocks: [inspect]}}
  days:
    rules:
      - {id: within_six, when: {days: {le: 6}}, then: {solution: manual_review}}
      - {id: later, then: {solution: refund_immediately}}
)";

// 2026-10-08 08:00 in Shanghai (00:00Z), a Thursday.
const aftersale::sys_seconds now = *aftersale::parse_timestamp("2026-10-08T08:00:00+08:00");

class documented_answers : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "answers.yaml");

  std::vector<std::string> ids(const aftersale::decision& d) const {
    std::vector<std::string> out;
    for (const auto& m : d.matches()) out.push_back(d.table().rules[m.rule].id);
    return out;
  }
  aftersale::decision quantity(const char* table, int q) const {
    aftersale::request r;
    r.set("quantity", std::int64_t{q});
    return aftersale::decide(p, table, r, now);
  }
  std::int64_t fact(const aftersale::decision& d, const char* name) const {
    const std::uint32_t f = *p->find_fact(name);
    EXPECT_TRUE(d.facts().has(f)) << name;
    return d.facts().value(f);
  }
};

// policy-format.md (`then`: `fee_payer`), evaluation.md §3: `none` is no payer, and `any`
// counts the two as one outcome; a real payer is another outcome.
TEST_F(documented_answers, FeePayerNoneAndNoFeePayerAreOneOutcomeInAnAnyTable) {
  const auto both = quantity("payer", 7);  // none_payer and no_payer
  EXPECT_EQ(both.status(), decision_status::matched);
  EXPECT_EQ(both.rule_id(), "none_payer");
  EXPECT_EQ(both.fee_payer(), "");
  const auto three = quantity("payer", 12);  // merchant_pays too
  EXPECT_EQ(three.status(), decision_status::conflict);
  EXPECT_THAT(ids(three), ElementsAre("none_payer", "no_payer", "merchant_pays"));
}

// policy-format.md (`when`): `{missing: false}` is `{exists: true}`, `{exists: false}` is
// `{missing: true}`; a fact with a value never meets the second pair, one without never the first.
TEST_F(documented_answers, MissingFalseMeansTheFactHasAValue) {
  aftersale::request with_sku;
  with_sku.set("sku", "A1");
  EXPECT_THAT(ids(aftersale::decide(p, "presence", with_sku, now)),
              ElementsAre("missing_false", "exists_true"));
  EXPECT_THAT(ids(aftersale::decide(p, "presence", aftersale::request{}, now)),
              ElementsAre("missing_true", "exists_false"));
}

// evaluation.md §3-4: an output_order decision lists every match by solution priority; what is
// shown once per decision (rule, solution, fee payer, steps, deadlines) is the first of that
// order, here the later rule, and only its outputs (nothing merged from the others).
TEST_F(documented_answers, OutputOrderReportsTheFirstRuleAfterSortingAtTopLevel) {
  const auto d = quantity("ordered", 7);
  EXPECT_THAT(ids(d), ElementsAre("refund", "review"));
  EXPECT_EQ(d.rule_id(), "refund");
  EXPECT_EQ(d.solution(), "refund_immediately");
  EXPECT_EQ(d.fee_payer(), "merchant");
  EXPECT_TRUE(d.steps().empty());  // review's `look` is not merged in
  ASSERT_EQ(d.deadlines().size(), 1u);
  EXPECT_EQ(d.clock_id(d.deadlines()[0]), "inspect");
}

// evaluation.md §2: `days_since` without its own `calendar:` counts elapsed 24 h periods, even
// in a policy with a default calendar (policy.calendar is for clocks only).
TEST_F(documented_answers, DaysSinceWithoutItsOwnCalendarCountsDayLongPeriods) {
  aftersale::request r;
  r.set("delivered_at", *aftersale::parse_timestamp("2026-10-01T22:00:00+08:00"));  // 6 d 10 h before
  const auto d = aftersale::decide(p, "days", r, now);
  EXPECT_EQ(fact(d, "days"), 6);
  EXPECT_EQ(fact(d, "local_days"), 7);  // October 1 → 8 on the Shanghai calendar
  EXPECT_EQ(d.rule_id(), "within_six");
}

}  // namespace
