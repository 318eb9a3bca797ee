// SPDX-License-Identifier: Apache-2.0
// Money computations: rounding modes, minus/min/max chains, absent operands, extremes.
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <limits>
#include <map>
#include <string>

namespace {

constexpr const char* policy_yaml = R"(format: 1
policy: {id: amounts_test, version: "1", entry: money}
vocabulary:
  solutions: [pay]
facts:
  amount: {type: money}
  shipping: {type: money}
decisions:
  money:
    hit_policy: first
    rules:
      - id: all
        when: {}
        then:
          solution: pay
          amounts:
            down:      {of: amount, ratio: 1/2, rounding: down}
            up:        {of: amount, ratio: 1/2, rounding: up}
            half_up:   {of: amount, ratio: 1/2, rounding: half_up}
            half_even: {of: amount, ratio: 1/2, rounding: half_even}
            default:   {of: amount, ratio: 1/2}
            third_up:  {of: amount, ratio: 1/3, rounding: up}
            fee:       {of: amount, ratio: 5/100, min: 500, rounding: up}
            refund:    {of: amount, minus: fee}
            capped:    {of: amount, ratio: 3/10, max: 5000}
            net:       {of: refund, minus: shipping, min: 0}
            squeezed:  {of: amount, min: shipping, max: 200}
            goodwill:  {fixed: 2000}
            huge:      {of: amount, ratio: 9223372036854775807/1}
            neg:           {of: amount, minus: shipping}
            neg_down:      {of: neg, ratio: 1/2, rounding: down}
            neg_up:        {of: neg, ratio: 1/2, rounding: up}
            neg_half_up:   {of: neg, ratio: 1/2, rounding: half_up}
            neg_half_even: {of: neg, ratio: 1/2, rounding: half_even}
            neg_third_up:  {of: neg, ratio: 1/3, rounding: up}
            neg_huge:      {of: neg, ratio: 9223372036854775807/1}
)";

const aftersale::sys_seconds now{std::chrono::seconds{1791417600}};

class amounts_test : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_string(policy_yaml, "amounts.yaml");

  // name → value; absent amounts are missing from the map.
  std::map<std::string, std::int64_t> compute(std::optional<std::int64_t> amount,
                                              std::optional<std::int64_t> shipping = std::nullopt) const {
    aftersale::request r;
    if (amount) r.set("amount", *amount);
    if (shipping) r.set("shipping", *shipping);
    auto d = aftersale::decide(p, r, now);
    std::map<std::string, std::int64_t> out;
    for (const auto& [name, v] : d.amounts()) out.emplace(std::string(name), v);
    return out;
  }
};

TEST_F(amounts_test, RoundingOfPositiveHalves) {
  auto a = compute(5);  // 2.5
  EXPECT_EQ(a["down"], 2);
  EXPECT_EQ(a["up"], 3);
  EXPECT_EQ(a["half_up"], 3);
  EXPECT_EQ(a["half_even"], 2);
  EXPECT_EQ(a["default"], 3);  // half_up
  auto b = compute(7);         // 3.5
  EXPECT_EQ(b["half_even"], 4);
  EXPECT_EQ(b["half_up"], 4);
}

// Money facts are never negative (E305), but an amount can be: `neg` is amount − shipping.
TEST_F(amounts_test, RoundingOfNegativeHalves) {
  auto a = compute(0, 5);  // -2.5
  EXPECT_EQ(a["neg"], -5);
  EXPECT_EQ(a["neg_down"], -3);       // toward −∞
  EXPECT_EQ(a["neg_up"], -2);         // toward +∞
  EXPECT_EQ(a["neg_half_up"], -3);    // away from zero
  EXPECT_EQ(a["neg_half_even"], -2);  // to even
  auto b = compute(0, 7);             // -3.5
  EXPECT_EQ(b["neg_half_even"], -4);
  EXPECT_EQ(b["neg_down"], -4);
  EXPECT_EQ(b["neg_up"], -3);
}

TEST_F(amounts_test, RoundingAwayFromHalves) {
  auto a = compute(10);  // 10/3 = 3.33
  EXPECT_EQ(a["third_up"], 4);
  auto b = compute(0, 10);  // -3.33
  EXPECT_EQ(b["neg_third_up"], -3);
  auto c = compute(4);  // exact
  EXPECT_EQ(c["down"], 2);
  EXPECT_EQ(c["up"], 2);
  EXPECT_EQ(c["half_even"], 2);
}

TEST_F(amounts_test, MinMinusAndMaxChain) {
  auto a = compute(12900);
  EXPECT_EQ(a["fee"], 645);  // 5 % of 129.00
  EXPECT_EQ(a["refund"], 12900 - 645);
  EXPECT_EQ(a["capped"], 3870);
  EXPECT_EQ(a["goodwill"], 2000);
  auto b = compute(2000);
  EXPECT_EQ(b["fee"], 500);  // 100 raised to the minimum
  EXPECT_EQ(b["refund"], 1500);
  auto c = compute(100000);
  EXPECT_EQ(c["capped"], 5000);  // 30 000 capped
}

TEST_F(amounts_test, LaterAmountsUseEarlierOnesAndFacts) {
  auto a = compute(12900, 1000);
  EXPECT_EQ(a["net"], 12255 - 1000);
  auto b = compute(600, 1000);
  EXPECT_EQ(b["net"], 0);  // 100 - 1000 raised to the minimum 0
}

TEST_F(amounts_test, MaxWinsWhenBoundsDisagree) {
  EXPECT_EQ(compute(5000, 1000)["squeezed"], 200);  // min 1000 > max 200: the cap wins
  EXPECT_EQ(compute(50, 100)["squeezed"], 100);
}

TEST_F(amounts_test, AbsentFactMakesTheAmountAbsent) {
  auto a = compute(std::nullopt);
  EXPECT_EQ(a.count("fee"), 0u);
  EXPECT_EQ(a.count("refund"), 0u);
  EXPECT_EQ(a.count("net"), 0u);
  EXPECT_EQ(a["goodwill"], 2000);  // a constant needs no fact
  auto b = compute(12900);         // shipping absent: only `net` is absent
  EXPECT_EQ(b.count("net"), 0u);
  EXPECT_EQ(b.count("refund"), 1u);
  aftersale::request r;
  auto d = aftersale::decide(p, r, now);
  const auto& m = d.matches().front();
  ASSERT_EQ(m.amount_present.size(), p->decisions[0].rules[0].then.amounts.size());
  EXPECT_FALSE(m.has_amount(0));
  EXPECT_EQ(m.amounts[0], 0);
}

TEST_F(amounts_test, ExtremesUse128BitIntermediatesAndSaturate) {
  constexpr auto top = std::numeric_limits<std::int64_t>::max();
  constexpr auto bottom = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(compute(top)["half_up"], top / 2 + 1);          // 4611686018427387903.5 → ...904
  EXPECT_EQ(compute(0, top)["neg_half_even"], bottom / 2);  // -4611686018427387903.5 → ...904
  EXPECT_EQ(compute(3)["huge"], top);                       // 3 × (2^63 - 1) does not fit: saturated
  EXPECT_EQ(compute(0, 3)["neg_huge"], bottom);
  EXPECT_EQ(compute(1)["huge"], top);
}

}  // namespace
