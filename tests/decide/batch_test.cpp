// SPDX-License-Identifier: Apache-2.0
// request_columns and decide_batch: every row equals decide() on the same request; checks
// and errors as bind() has them, naming the request.
#include <gtest/gtest.h>

#include <aftersale/batch.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using aftersale::decision_status;
using aftersale::npos;

constexpr const char* policy_yaml = R"(format: 1
policy: {id: batch_test, version: "1", entry: returns, calendar: utc}
vocabulary:
  solutions: [refund, inspect, review]
  parties: [customer, merchant]
facts:
  status: {type: enum, values: [paid, shipped, delivered], required: true}
  amount: {type: money, required: true}
  opened: {type: bool, default: false}
  sku: {type: string}
  wait: {type: duration}
  delivered_at: {type: timestamp}
  days: {type: int, derived: {days_since: delivered_at}}
calendars:
  utc: {time_zone: UTC, hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"]}}
clocks:
  reply: {within: {hours: 2}}
  refund_by: {within: {hours: 48}}
decisions:
  returns:
    rules:
      - id: unshipped
        when: {status: paid}
        then: {solution: refund, clocks: [reply, refund_by], amounts: {refund: {of: amount}}}
      - id: fresh
        when: {status: delivered, days: {le: 7}, opened: false}
        then: {solution: refund, fee_payer: customer, clocks: [refund_by], amounts: {half: {of: amount, ratio: 1/2}}}
      - id: special_sku
        when: {sku: gift, wait: {ge: 3600}}
        then: {solution: inspect, clocks: [reply]}
  strict:
    hit_policy: unique
    rules:
      - {id: big, when: {amount: {ge: 10000}}, then: {solution: review}}
      - {id: shipped, when: {status: shipped}, then: {solution: inspect}}
)";

const aftersale::sys_seconds now{std::chrono::seconds{1795000000}};

// Fills row `row` of `in` and the same facts into `r`, at random.
void generate(std::mt19937& rng, aftersale::request_columns& in, std::size_t row, aftersale::request& r) {
  const char* statuses[] = {"paid", "shipped", "delivered"};
  const char* skus[] = {"gift", "shoe", "hat"};
  const std::string status = statuses[rng() % 3];
  const std::int64_t amount = static_cast<std::int64_t>(rng() % 20000);
  in.set_text(in.fact_id("status"), row, status);
  in.set_int(in.fact_id("amount"), row, amount);
  r.set("status", status).set("amount", amount);
  if (rng() % 2) {
    const bool opened = rng() % 2;
    in.set_bool(in.fact_id("opened"), row, opened);
    r.set("opened", opened);
  }
  if (rng() % 2) {
    const std::string sku = skus[rng() % 3];
    in.set_text(in.fact_id("sku"), row, sku);
    r.set("sku", sku);
  }
  if (rng() % 2) {
    const std::chrono::seconds wait{rng() % 7200};
    in.set_duration(in.fact_id("wait"), row, wait);
    r.set("wait", wait);
  }
  if (rng() % 3) {
    const aftersale::sys_seconds at = now - std::chrono::seconds{rng() % (20 * 86400)};
    in.set_time(in.fact_id("delivered_at"), row, at);
    r.set("delivered_at", at);
  }
}

class BatchTest : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "batch_test.yaml");
};

TEST_F(BatchTest, EveryRowEqualsDecide) {
  for (const char* table : {"returns", "strict"}) {
    constexpr std::size_t rows = 3000;
    aftersale::request_columns in(*p, rows);
    std::vector<aftersale::request> requests(rows);
    std::mt19937 rng(7);
    for (std::size_t i = 0; i < rows; ++i) generate(rng, in, i, requests[i]);
    in.finish();
    aftersale::batch_options options;
    options.threads = 3;
    options.chunk = 100;
    const aftersale::batch_decisions out = aftersale::decide_batch(p, table, in, now, options);
    const aftersale::decision_table& t = p->decisions[out.table];
    EXPECT_EQ(t.id, table);
    std::size_t matched = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const aftersale::decision d = aftersale::decide(p, table, requests[i], now, {false});
      ASSERT_EQ(out.status[i], d.status()) << table << " row " << i;
      if (!d.matched()) {
        EXPECT_EQ(out.rule[i], npos);
        continue;
      }
      ++matched;
      ASSERT_EQ(out.rule[i], d.matches().front().rule);
      const auto& dls = out.rule_deadlines[out.rule[i]];
      ASSERT_EQ(dls.size(), d.deadlines().size());
      for (std::size_t k = 0; k < dls.size(); ++k) {
        EXPECT_EQ(dls[k].clock, d.deadlines()[k].clock);
        EXPECT_EQ(dls[k].due, d.deadlines()[k].due);
      }
      const auto& m = d.matches().front();
      for (std::size_t k = 0; k < m.amounts.size(); ++k) {
        EXPECT_EQ(out.amount_present[i * out.amount_stride + k], m.amount_present[k]);
        EXPECT_EQ(out.amounts[i * out.amount_stride + k], m.amounts[k]);
      }
    }
    EXPECT_GT(matched, rows / 4) << table;
  }
}

TEST_F(BatchTest, OneThreadAndManyAgree) {
  aftersale::request_columns in(*p, 500);
  std::mt19937 rng(11);
  aftersale::request unused;
  for (std::size_t i = 0; i < 500; ++i) generate(rng, in, i, unused);
  in.finish();
  aftersale::batch_options one;
  one.threads = 1;
  aftersale::batch_options many;
  many.threads = 4;
  many.chunk = 7;
  const auto a = aftersale::decide_batch(p, in, now, one);
  const auto b = aftersale::decide_batch(p, in, now, many);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.amounts, b.amounts);
}

TEST_F(BatchTest, SettersCheckLikeBindAndNameTheRequest) {
  aftersale::request_columns in(*p, 3);
  const std::uint32_t status = in.fact_id("status");
  try {
    in.set_text(status, 2, "lost");
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::undeclared_value);
    EXPECT_EQ(e.fact(), "status");
    EXPECT_NE(std::string(e.what()).find("request 2: `lost` is not a declared value"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(in.set_int(status, 0, 1), aftersale::request_error);
  EXPECT_THROW(in.set_bool(in.fact_id("amount"), 0, true), aftersale::request_error);
  EXPECT_THROW(in.set_int(in.fact_id("days"), 0, 3), aftersale::request_error);  // derived
  EXPECT_THROW(in.set_text(in.fact_id("wait"), 0, "soon"), aftersale::request_error);
  // Contract change: usage_error (E503), was std::out_of_range.
  EXPECT_THROW(in.set_text(status, 3, "paid"), aftersale::usage_error);
  EXPECT_THROW(in.set_int(99, 0, 1), aftersale::usage_error);
  try {
    in.set_bool(status, 7, true);
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::out_of_bounds);
  }
  try {
    (void)in.fact_id("colour");
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::unknown_fact);
  }
}

TEST_F(BatchTest, NegativeMoneyIsE305AndNamesTheRequest) {
  aftersale::request_columns in(*p, 3);
  try {
    in.set_int(in.fact_id("amount"), 1, -1);
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::negative_money);
    EXPECT_EQ(e.fact(), "amount");
    EXPECT_NE(
        std::string(e.what()).find("request 1: fact `amount` is money and cannot be negative: was given -1"),
        std::string::npos)
        << e.what();
  }
  in.set_int(in.fact_id("amount"), 1, 0);
}

TEST_F(BatchTest, FinishNamesTheFirstRequestMissingARequiredFact) {
  aftersale::request_columns in(*p, 3);
  for (std::size_t r = 0; r < 3; ++r) in.set_text(in.fact_id("status"), r, "paid");
  in.set_int(in.fact_id("amount"), 0, 1);
  in.set_int(in.fact_id("amount"), 2, 1);
  // Contract change: usage_error (E502), was std::invalid_argument.
  try {
    aftersale::decide_batch(p, in, now);
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::unfinished_input);
  }
  try {
    in.finish();
    FAIL() << "no error";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::missing_fact);
    EXPECT_NE(std::string(e.what()).find("request 1: required fact `amount` is missing"), std::string::npos)
        << e.what();
  }
}

TEST_F(BatchTest, RefusesAnotherPolicyAndUnknownTables) {
  auto other = aftersale::load_policy_string(policy_yaml, "other.yaml");
  aftersale::request_columns in(*other, 0);
  in.finish();
  // Contract change: usage_error (E501, E500), was std::invalid_argument.
  try {
    aftersale::decide_batch(p, in, now);
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::foreign_input);
  }
  aftersale::request_columns mine(*p, 0);
  mine.finish();
  EXPECT_THROW(aftersale::decide_batch(nullptr, mine, now), aftersale::usage_error);
  EXPECT_THROW(aftersale::decide_batch(nullptr, "main", mine, now), aftersale::usage_error);
  EXPECT_THROW(aftersale::decide_batch(p, "nope", mine, now), aftersale::request_error);
  EXPECT_TRUE(aftersale::decide_batch(p, mine, now).rule.empty());
}

}  // namespace
