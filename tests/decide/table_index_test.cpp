// SPDX-License-Identifier: Apache-2.0
// The bitset index (built by compile_policy, read by first_match): its buckets, and a property
// test against a naive rule-by-rule scan.
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <limits>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "model/compiled.hpp"

namespace {

using aftersale::condition;
using aftersale::condition_op;
using aftersale::fact_type;

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

aftersale::fact_def make_fact(const char* name, fact_type t, std::vector<std::string> values = {}) {
  aftersale::fact_def f;
  f.name = name;
  f.type = t;
  f.values = std::move(values);
  return f;
}

condition interval(std::uint32_t fact, std::int64_t lo, std::int64_t hi, bool negate = false) {
  condition c;
  c.fact = fact;
  c.op = negate ? condition_op::ne : condition_op::between;
  c.lo = lo;
  c.hi = hi;
  c.negate = negate;
  return c;
}

condition set_of(std::uint32_t fact, std::vector<std::int64_t> values, bool negate) {
  condition c;
  c.fact = fact;
  c.op = negate ? condition_op::not_in : condition_op::in;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  c.set = std::move(values);
  c.uses_set = true;
  c.negate = negate;
  return c;
}

condition presence(std::uint32_t fact, bool exists) {
  condition c;
  c.fact = fact;
  c.op = exists ? condition_op::exists : condition_op::missing;
  return c;
}

// The reference answer: every rule tested condition by condition.
bool naive_matches(const aftersale::rule& r, const aftersale::bound_request& b) {
  for (const condition& c : r.conditions) {
    const bool ok = b.has(c.fact) ? c.test(b.value(c.fact)) : c.op == condition_op::missing;
    if (!ok) return false;
  }
  return true;
}

std::shared_ptr<aftersale::policy> base_policy() {
  auto p = std::make_shared<aftersale::policy>();
  p->info.id = "index_test";
  p->vocabulary.solutions.push_back({"ok", "", {}});
  p->facts.push_back(make_fact("status", fact_type::enumeration, {"a", "b", "c"}));  // 0
  p->facts.push_back(make_fact("flag", fact_type::boolean));                         // 1
  p->facts.push_back(make_fact("count", fact_type::integer));                        // 2
  p->facts.push_back(make_fact("amount", fact_type::money));                         // 3
  p->facts.push_back(make_fact("sku", fact_type::string, {"x", "y"}));               // 4
  p->facts.push_back(make_fact("at", fact_type::timestamp));                         // 5
  return p;
}

// `t` as the only table of `p`, compiled as the loader compiles it: its index.
const aftersale::detail::table_index& compile_table(aftersale::policy& p, aftersale::decision_table t) {
  p.decisions.assign(1, std::move(t));
  aftersale::compile_policy(p);
  return p.compiled->tables[0];
}

TEST(table_index, NumericColumnsBucketByTheBoundsRulesUse) {
  auto p = base_policy();
  aftersale::decision_table t;
  t.id = "t";
  aftersale::rule r0, r1;
  r0.id = "week";
  r0.conditions.push_back(interval(2, 0, 7));
  r1.id = "other";
  r1.conditions.push_back(set_of(0, {1}, false));
  t.rules = {r0, r1};
  const auto& ix = compile_table(*p, t).block(0);
  EXPECT_EQ(ix.words, 1u);
  ASSERT_EQ(ix.columns.size(), 2u);
  const aftersale::detail::column_index* count = nullptr;
  const aftersale::detail::column_index* status = nullptr;
  for (const auto& c : ix.columns) (c.fact == 2 ? count : status) = &c;
  ASSERT_TRUE(count && status);
  EXPECT_TRUE(count->numeric);
  EXPECT_EQ(count->breakpoints, (std::vector<std::int64_t>{0, 8}));
  ASSERT_EQ(count->buckets, 3u);  // < 0, [0, 8), >= 8; then absent
  EXPECT_EQ(count->bits, (std::vector<std::uint64_t>{0b10, 0b11, 0b10, 0b10}));
  EXPECT_FALSE(status->numeric);
  ASSERT_EQ(status->buckets, 4u);  // a, b, c, other; then absent
  EXPECT_EQ(status->bits, (std::vector<std::uint64_t>{0b01, 0b11, 0b01, 0b01, 0b01}));
}

TEST(table_index, ManyRulesSpanWordsAndFirstMatchFindsTheEarliest) {
  auto p = base_policy();
  aftersale::decision_table t;
  for (int i = 0; i < 1000; ++i) {
    aftersale::rule r;
    r.id = "r" + std::to_string(i);
    r.conditions.push_back(interval(2, i, i));  // count == i
    t.rules.push_back(r);
  }
  EXPECT_EQ(compile_table(*p, t).block(0).words, 16u);
  aftersale::bound_request b(p->facts.size());
  for (std::int64_t v : {0, 63, 64, 500, 999}) {
    b.set(2, v);
    EXPECT_EQ(aftersale::first_match(*p, 0, b), static_cast<std::uint32_t>(v));
  }
  b.set(2, 1000);
  EXPECT_EQ(aftersale::first_match(*p, 0, b), aftersale::npos);
  b.reset(2);
  EXPECT_EQ(aftersale::first_match(*p, 0, b), aftersale::npos);
}

TEST(table_index, EmptyTableAndUnconditionalRules) {
  auto p = base_policy();
  aftersale::decision_table t;
  EXPECT_EQ(compile_table(*p, t).blocks(), 0u);
  aftersale::bound_request b(p->facts.size());
  EXPECT_EQ(aftersale::first_match(*p, 0, b), aftersale::npos);
  t.rules.resize(3);
  EXPECT_TRUE(compile_table(*p, t).block(0).columns.empty());
  EXPECT_EQ(aftersale::first_match(*p, 0, b), 0u);
}

// More columns than first_match keeps on its stack: the rest are looked up per word.
TEST(table_index, ManyColumnsBeyondTheCachedOnes) {
  aftersale::policy p;
  for (int f = 0; f < 70; ++f) p.facts.push_back(make_fact("f", fact_type::boolean));
  aftersale::decision_table t;
  for (int i = 0; i < 130; ++i) {
    aftersale::rule r;
    // Rule i needs facts i % 70 and (i * 7) % 70 true.
    r.conditions.push_back(interval(static_cast<std::uint32_t>(i % 70), 1, 1));
    r.conditions.push_back(interval(static_cast<std::uint32_t>((i * 7) % 70), 1, 1));
    t.rules.push_back(r);
  }
  ASSERT_EQ(compile_table(p, t).block(0).columns.size(), 70u);
  std::mt19937_64 rng(7);
  for (int q = 0; q < 500; ++q) {
    aftersale::bound_request b(70);
    for (std::size_t f = 0; f < 70; ++f) {
      const bool present = rng() % 5 != 0;
      const std::int64_t v = rng() % 4 != 0 ? 1 : 0;
      if (present) b.set(f, v);
    }
    std::uint32_t expected = aftersale::npos;
    for (std::uint32_t i = 0; i < t.rules.size() && expected == aftersale::npos; ++i) {
      if (naive_matches(t.rules[i], b)) expected = i;
    }
    ASSERT_EQ(aftersale::first_match(p, 0, b), expected) << q;
  }
}

// Random tables and requests: the index agrees with the naive scan, for the first match
// and for every match (through a `collect` table). `large`: tables of thousands of rules over
// many distinct bounds (cut into several blocks) and an enum of 1,000 values (bucketed by the
// values rules mention); returns how many blocks the largest table had.
std::size_t agrees_with_naive_scan(std::uint64_t seed, int rounds, bool large) {
  std::mt19937_64 rng(seed);
  std::size_t most_blocks = 0;
  auto pick = [&](auto const& v) { return v[rng() % v.size()]; };
  const std::vector<std::int64_t> numbers = {lowest, lowest + 1, -1000, -1,  0,           1,
                                             2,      7,          8,     100, highest - 1, highest};
  auto random_value = [&](std::uint32_t fact) -> std::int64_t {
    switch (fact) {
      case 0:
        return static_cast<std::int64_t>(rng() % 3);
      case 1:
        return static_cast<std::int64_t>(rng() % 2);
      case 4:
        return static_cast<std::int64_t>(rng() % 3) - 1;  // string_other, x, y
      case 6:
        return static_cast<std::int64_t>(rng() % 1000);
      default: {
        if (large && rng() % 2 == 0) return static_cast<std::int64_t>(rng() % 20000) - 10000;
        const std::int64_t v = pick(numbers);
        const int nudge = static_cast<int>(rng() % 3) - 1;  // also probe values next to bounds
        if (nudge < 0 && v != lowest) return v - 1;
        if (nudge > 0 && v != highest) return v + 1;
        return v;
      }
    }
  };
  auto random_condition = [&](std::uint32_t fact) -> condition {
    const bool numeric = fact == 2 || fact == 3 || fact == 5;
    switch (rng() % (numeric ? 9 : 6)) {
      case 0:
        return presence(fact, true);
      case 1:
        return presence(fact, false);
      case 2: {
        const std::int64_t v = random_value(fact);
        return interval(fact, v, v, rng() % 2 == 0);  // eq / ne
      }
      case 3:
      case 4: {
        std::vector<std::int64_t> vs;
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) vs.push_back(random_value(fact));
        return set_of(fact, vs, rng() % 2 == 0);  // in / not_in
      }
      case 5:
        return interval(fact, random_value(fact), random_value(fact));  // maybe empty
      case 6:
        return interval(fact, lowest, random_value(fact));  // lt / le
      case 7:
        return interval(fact, random_value(fact), highest);  // gt / ge
      default: {
        std::int64_t a = random_value(fact), b = random_value(fact);
        if (a > b) std::swap(a, b);
        return interval(fact, a, b);  // between
      }
    }
  };
  int matched = 0, unmatched = 0;
  for (int round = 0; round < rounds; ++round) {
    auto p = base_policy();
    if (large) {
      std::vector<std::string> values;
      for (int v = 0; v < 1000; ++v) values.push_back("v" + std::to_string(v));
      p->facts.push_back(make_fact("big", fact_type::enumeration, std::move(values)));  // 6
    }
    aftersale::decision_table t;
    t.id = "t";
    t.hit_policy = aftersale::hit_policy::collect;
    const int rules = large ? 3000 + static_cast<int>(rng() % 2000)
                            : 1 + static_cast<int>(rng() % (round % 10 == 0 ? 300 : 90));
    for (int i = 0; i < rules; ++i) {
      aftersale::rule r;
      r.id = "r" + std::to_string(i);
      r.then.solution = 0;
      for (std::uint32_t f = 0; f < p->facts.size(); ++f) {
        if (rng() % 3 != 0) continue;
        r.conditions.push_back(random_condition(f));
        if (rng() % 6 == 0) r.conditions.push_back(random_condition(f));  // two tests on one fact
      }
      t.rules.push_back(r);
    }
    p->decisions.push_back(t);
    p->info.entry = 0;
    aftersale::compile_policy(*p);
    most_blocks = std::max(most_blocks, p->compiled->tables[0].blocks());
    std::shared_ptr<const aftersale::policy> shared = p;
    const auto& table = p->decisions[0];
    aftersale::decide_options quiet;
    quiet.explain = false;
    for (int q = 0; q < 60; ++q) {
      aftersale::bound_request b(p->facts.size());
      for (std::uint32_t f = 0; f < p->facts.size(); ++f) {
        const bool present = rng() % 4 != 0;
        if (present) b.set(f, random_value(f));
      }
      std::vector<std::uint32_t> expected;
      for (std::uint32_t i = 0; i < table.rules.size(); ++i) {
        if (naive_matches(table.rules[i], b)) expected.push_back(i);
      }
      const std::uint32_t first = aftersale::first_match(*p, 0, b);
      EXPECT_EQ(first, expected.empty() ? aftersale::npos : expected.front())
          << "round " << round << " request " << q;
      auto d = aftersale::decide(shared, b, aftersale::sys_seconds{}, quiet);
      std::vector<std::uint32_t> got;
      for (const auto& m : d.matches()) got.push_back(m.rule);
      EXPECT_EQ(got, expected) << "round " << round << " request " << q;
      if (got != expected) return most_blocks;
      (expected.empty() ? unmatched : matched)++;
    }
  }
  // The generator must exercise both outcomes, or the test proves little.
  EXPECT_GT(matched, rounds * 3);
  // Large tables nearly always have a match; their matches come from every block (`collect`).
  if (!large) {
    EXPECT_GT(unmatched, rounds);
  }
  return most_blocks;
}

TEST(table_index, PropertyAgreesWithNaiveScan) { agrees_with_naive_scan(20261123, 300, false); }

// Large tables: several blocks, and a large enum bucketed by breakpoints, still agree.
TEST(table_index, PropertyLargeTablesInBlocksAgreeWithNaiveScan) {
  EXPECT_GT(agrees_with_naive_scan(20261207, 4, true), 1u);
}

// The index of a table whose every rule has its own bounds grows linearly: blocks keep each
// bitset within a fixed budget instead of buckets × rules.
TEST(table_index, DistinctBoundsPerRuleStayLinear) {
  auto p = base_policy();
  aftersale::decision_table t;
  const int rules = 20000;
  for (int i = 0; i < rules; ++i) {
    aftersale::rule r;
    r.conditions.push_back(interval(2, i * 3, highest));      // count >= 3i
    r.conditions.push_back(interval(3, rules - i, highest));  // amount >= rules - i
    t.rules.push_back(r);
  }
  const auto& ix = compile_table(*p, t);
  std::size_t words = 0;
  for (std::size_t i = 0; i < ix.blocks(); ++i) {
    for (const auto& c : ix.block(i).columns) words += c.bits.size();
  }
  // One block would hold 2 × 40,001 buckets × 313 words (25 M words, 200 MB).
  EXPECT_LT(words, std::size_t{20} * 1000 * 1000 / 8);  // < 20 MB
  EXPECT_GT(ix.blocks(), 1u);
  aftersale::bound_request b(p->facts.size());
  for (int i : {0, 1, 4999, 5000, 12345, 19999}) {
    b.set(2, i * 3);      // rules 0..i pass the count test
    b.set(3, rules - i);  // rules i.. pass the amount test
    EXPECT_EQ(aftersale::first_match(*p, 0, b), static_cast<std::uint32_t>(i)) << i;
  }
}

}  // namespace
