// SPDX-License-Identifier: Apache-2.0
// Region algebra of the static analysis: value sets (int64 extremes included), box differences,
// and box membership checked against the evaluator's own condition semantics.
#include "analysis/region.hpp"

#include <gtest/gtest.h>

#include <aftersale/aftersale.hpp>
#include <cstdint>
#include <limits>
#include <random>

#include "model/semantics.hpp"

namespace {

using aftersale::analysis::box;
using aftersale::analysis::value_set;
namespace an = aftersale::analysis;

constexpr std::int64_t lo64 = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t hi64 = std::numeric_limits<std::int64_t>::max();

std::vector<value_set::interval> iv(std::initializer_list<value_set::interval> l) { return l; }

TEST(ValueSet, OfNormalisesSortedDisjointNonAdjacent) {
  const value_set s = value_set::of({5, 1, 2, 3, 9, 2, 10});
  EXPECT_EQ(s.intervals(), iv({{1, 3}, {5, 5}, {9, 10}}));
  EXPECT_FALSE(s.has_absent());
  EXPECT_TRUE(value_set{}.empty());
  EXPECT_FALSE(value_set::absent_only().empty());
  EXPECT_TRUE(value_set::range(3, 2).empty());
}

TEST(ValueSet, Int64ExtremesDoNotOverflow) {
  const value_set all = value_set::range(lo64, hi64);
  EXPECT_EQ(all.subtract(value_set::of({lo64})).intervals(), iv({{lo64 + 1, hi64}}));
  EXPECT_EQ(all.subtract(value_set::of({hi64})).intervals(), iv({{lo64, hi64 - 1}}));
  EXPECT_EQ(all.subtract(value_set::of({0})).intervals(), iv({{lo64, -1}, {1, hi64}}));
  EXPECT_TRUE(all.subtract(all).empty());
  EXPECT_EQ(value_set::of({hi64, hi64 - 1, lo64, lo64 + 1}).intervals(),
            iv({{lo64, lo64 + 1}, {hi64 - 1, hi64}}));
  EXPECT_EQ(value_set::range(0, hi64).unite(value_set::range(lo64, -1)), all);
  EXPECT_EQ(value_set::range(hi64, hi64).unite(value_set::range(hi64 - 5, hi64)).intervals(),
            iv({{hi64 - 5, hi64}}));
  EXPECT_TRUE(all.contains(lo64));
  EXPECT_TRUE(all.contains(hi64));
  EXPECT_EQ(value_set::range(lo64, -7).pick(), -7);
  EXPECT_EQ(value_set::of({lo64}).pick(), lo64);
  EXPECT_EQ(value_set::of({hi64, lo64}).pick(), hi64);  // |max| < |min|
}

TEST(ValueSet, Operations) {
  const value_set a = value_set::of({1, 2, 3, 7, 8}, true);
  const value_set b = value_set::range(3, 7);
  EXPECT_EQ(a.intersect(b), value_set::of({3, 7}));
  EXPECT_EQ(a.subtract(b), value_set::of({1, 2, 8}, true));
  EXPECT_EQ(a.unite(b), value_set::range(1, 8, true));
  EXPECT_EQ(a.subtract(value_set::absent_only()), value_set::of({1, 2, 3, 7, 8}));
  EXPECT_TRUE(value_set::of({2, 3}).subset_of(a));
  EXPECT_FALSE(value_set::of({2, 4}).subset_of(a));
  EXPECT_FALSE(value_set::absent_only().subset_of(b));
  EXPECT_TRUE(value_set{}.subset_of(value_set{}));
  EXPECT_EQ(value_set::of({-3, 5}).pick(), -3);
  EXPECT_EQ(value_set::range(-2, 4).pick(), 0);
  EXPECT_FALSE(value_set::absent_only().pick());
  EXPECT_TRUE(a.contains(8));
  EXPECT_FALSE(a.contains(5));
}

// Random sets over [-6, 6] checked value by value against plain booleans.
TEST(ValueSet, RandomOperationsMatchMembership) {
  std::mt19937 rng(7);
  auto random_set = [&] {
    std::vector<std::int64_t> v;
    for (std::int64_t x = -6; x <= 6; ++x)
      if (rng() % 2) v.push_back(x);
    return value_set::of(v, rng() % 2);
  };
  for (int round = 0; round < 300; ++round) {
    const value_set a = random_set(), b = random_set();
    const value_set i = a.intersect(b), d = a.subtract(b), u = a.unite(b);
    for (const value_set* s : {&i, &d, &u}) {
      for (std::size_t k = 1; k < s->intervals().size(); ++k)
        ASSERT_GT(s->intervals()[k].first, s->intervals()[k - 1].second + 1);  // disjoint and non-adjacent
    }
    for (std::int64_t x = -7; x <= 7; ++x) {
      ASSERT_EQ(i.contains(x), a.contains(x) && b.contains(x));
      ASSERT_EQ(d.contains(x), a.contains(x) && !b.contains(x));
      ASSERT_EQ(u.contains(x), a.contains(x) || b.contains(x));
    }
    ASSERT_EQ(d.has_absent(), a.has_absent() && !b.has_absent());
    ASSERT_EQ(a.subset_of(b), a.subtract(b).empty());
  }
}

// A small space: e (enum, optional), r (required enum), n (int, optional), f (bool, default),
// m = map of e (d unmapped), m2 = map of m, s (string, literals foo and bar).
constexpr const char* small_policy = R"(format: 1
policy: {id: small, version: "1", entry: t}
vocabulary: {solutions: [ok]}
facts:
  e: {type: enum, values: [a, b, c, d]}
  r: {type: enum, values: [x, y, z], required: true}
  n: {type: int}
  f: {type: bool, default: false}
  m:
    type: enum
    values: [p, q]
    derived: {map: e, cases: {a: p, b: q, c: p}}
  m2:
    type: enum
    values: [u, v]
    derived: {map: m, cases: {q: v}}
  s: {type: string}
decisions:
  t:
    rules:
      - id: r1
        when: {s: [foo, bar]}
        then: {solution: ok}
)";

TEST(Space, DimensionsAndDomains) {
  auto p = aftersale::load_policy_string(small_policy, "small.yaml");
  const an::space s(*p);
  ASSERT_EQ(s.size(), 5u);  // e r n f s; the map facts share e's dimension
  const auto e = *p->find_fact("e"), m = *p->find_fact("m"), m2 = *p->find_fact("m2");
  EXPECT_EQ(s.dimension_of(m), s.dimension_of(e));
  EXPECT_EQ(s.dimension_of(m2), s.dimension_of(e));
  EXPECT_EQ(s[s.dimension_of(e)].domain, value_set::range(0, 3, true));
  EXPECT_EQ(s[s.dimension_of(*p->find_fact("r"))].domain, value_set::range(0, 2));
  EXPECT_EQ(s[s.dimension_of(*p->find_fact("f"))].domain, value_set::range(0, 1));
  EXPECT_EQ(s[s.dimension_of(*p->find_fact("n"))].domain, value_set::range(lo64, hi64, true));
  EXPECT_EQ(s[s.dimension_of(*p->find_fact("s"))].domain, value_set::range(-1, 1, true));
}

TEST(Space, MapFactConditions) {
  auto p = aftersale::load_policy_string(small_policy, "small.yaml");
  const an::space s(*p);
  aftersale::condition c;
  c.fact = *p->find_fact("m");
  c.op = aftersale::condition_op::eq;
  c.lo = c.hi = 0;  // m = p  <=>  e in {a, c}
  EXPECT_EQ(an::values_of(s, c), value_set::of({0, 2}));
  c.op = aftersale::condition_op::missing;  // m absent  <=>  e absent or d
  EXPECT_EQ(an::values_of(s, c), value_set::of({3}, true));
  c.op = aftersale::condition_op::exists;
  EXPECT_EQ(an::values_of(s, c), value_set::of({0, 1, 2}));
  c.fact = *p->find_fact("m2");  // m2 present only for e = b
  EXPECT_EQ(an::values_of(s, c), value_set::of({1}));
}

// Random boxes over small domains: a \ b is disjoint pieces whose union is exactly a minus b.
TEST(Box, SubtractIsDisjointAndExact) {
  std::mt19937 rng(11);
  auto random_set = [&] {
    std::vector<std::int64_t> v;
    for (std::int64_t x = 0; x < 4; ++x)
      if (rng() % 3) v.push_back(x);
    return value_set::of(v, rng() % 2);
  };
  auto member = [](const box& b, const std::array<int, 3>& pt) {
    for (std::size_t d = 0; d < 3; ++d) {
      const bool in = pt[d] < 0 ? b.dims[d].has_absent() : b.dims[d].contains(pt[d]);
      if (!in) return false;
    }
    return true;
  };
  for (int round = 0; round < 500; ++round) {
    box a{{random_set(), random_set(), random_set()}};
    box b{{random_set(), random_set(), random_set()}};
    std::vector<box> pieces;
    an::subtract(a, b, pieces);
    ASSERT_LE(pieces.size(), 3u);
    for (int x = -1; x < 4; ++x)
      for (int y = -1; y < 4; ++y)
        for (int z = -1; z < 4; ++z) {
          const std::array<int, 3> pt{x, y, z};
          int hits = 0;
          for (const box& piece : pieces) hits += member(piece, pt) ? 1 : 0;
          ASSERT_EQ(hits, member(a, pt) && !member(b, pt) ? 1 : 0) << "round " << round;
          // a = (a \ b) ∪ (a ∩ b)
          const auto both = an::intersect(a, b);
          ASSERT_EQ(member(a, pt), hits == 1 || (both && member(*both, pt)));
        }
    an::region r(a);
    ASSERT_TRUE(r.subtract(b, 100));
    ASSERT_EQ(r.boxes().size(),
              std::count_if(pieces.begin(), pieces.end(), [](const box& x) { return !x.empty(); }));
  }
}

TEST(Region, BudgetLeavesRegionUnchanged) {
  box a{{value_set::range(0, 9), value_set::range(0, 9)}};
  an::region r(a);
  box hole{{value_set::of({5}), value_set::of({5})}};
  EXPECT_FALSE(r.subtract(hole, 1));  // two pieces would exceed a budget of one
  ASSERT_EQ(r.boxes().size(), 1u);
  EXPECT_EQ(r.boxes()[0].dims, a.dims);
  EXPECT_TRUE(r.subtract(hole, 2));
  EXPECT_EQ(r.boxes().size(), 2u);
  EXPECT_TRUE(r.intersect(hole).empty());
  EXPECT_EQ(r.intersect(box{{value_set::range(5, 5), value_set::range(0, 9)}}).boxes().size(), 1u);
}

// Box membership of every request of the small space equals the evaluator's verdict on random
// conditions (condition_holds after bind and derive_facts).
TEST(Box, MembershipMatchesEvaluatorOnRandomConditions) {
  auto p = aftersale::load_policy_string(small_policy, "small.yaml");
  const an::space s(*p);
  std::mt19937 rng(2026);
  const std::vector<std::string> names{"e", "r", "n", "f", "m", "m2", "s"};
  auto random_condition = [&]() {
    aftersale::condition c;
    c.fact = *p->find_fact(names[rng() % names.size()]);
    const aftersale::fact_def& f = p->facts[c.fact];
    const std::int64_t n =
        f.type == aftersale::fact_type::integer ? 9 : static_cast<std::int64_t>(f.values.size());
    auto value = [&] {
      if (f.type == aftersale::fact_type::integer) return static_cast<std::int64_t>(rng() % 9) - 4;
      if (f.type == aftersale::fact_type::boolean) return static_cast<std::int64_t>(rng() % 2);
      if (f.type == aftersale::fact_type::string) return static_cast<std::int64_t>(rng() % 3) - 1;
      return static_cast<std::int64_t>(rng() % n);
    };
    switch (rng() % 5) {
      case 0:
        c.op = aftersale::condition_op::exists;
        break;
      case 1:
        c.op = aftersale::condition_op::missing;
        break;
      case 2:
        c.op = aftersale::condition_op::in;
        c.uses_set = true;
        c.negate = rng() % 2;
        for (int k = 0; k < 2; ++k) c.set.push_back(value());
        std::sort(c.set.begin(), c.set.end());
        break;
      default: {
        c.op = aftersale::condition_op::between;
        std::int64_t a = value(), b = value();
        if (a > b) std::swap(a, b);
        c.lo = rng() % 4 == 0 ? lo64 : a;
        c.hi = rng() % 4 == 0 ? hi64 : b;
        c.negate = rng() % 3 == 0;
      }
    }
    return c;
  };
  // Every request of the space, bound and derived once.
  std::vector<aftersale::bound_request> points;
  for (int e = -1; e < 4; ++e)
    for (int r = 0; r < 3; ++r)
      for (int n = -5; n <= 5; ++n)
        for (int f = 0; f < 2; ++f)
          for (int st = -2; st < 2; ++st) {
            aftersale::request q;
            if (e >= 0) q.set("e", p->facts[*p->find_fact("e")].values[e]);
            q.set("r", p->facts[*p->find_fact("r")].values[r]);
            if (n > -5) q.set("n", n);
            q.set("f", f == 1);
            if (st == -1) q.set("s", "something else");
            if (st >= 0) q.set("s", st == 0 ? "foo" : "bar");
            points.push_back(aftersale::bind(*p, q));
            aftersale::derive_facts(*p, points.back(), aftersale::sys_seconds{});
          }
  for (int round = 0; round < 300; ++round) {
    std::vector<aftersale::condition> conds;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) conds.push_back(random_condition());
    const box b = an::box_of(s, conds);
    for (std::size_t pt = 0; pt < points.size(); ++pt) {
      const aftersale::bound_request& facts = points[pt];
      bool holds = true;
      for (const auto& c : conds)
        holds = holds && aftersale::detail::condition_holds(c, facts.has(c.fact), facts.value(c.fact));
      bool in = true;
      for (std::size_t d = 0; d < s.size(); ++d) {
        const auto fact = s[d].fact;
        in = in && (facts.has(fact) ? b.dims[d].contains(facts.value(fact)) : b.dims[d].has_absent());
      }
      ASSERT_EQ(in, holds) << "round " << round << " point " << pt;
    }
  }
}

}  // namespace
