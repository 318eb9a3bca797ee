// SPDX-License-Identifier: Apache-2.0
// Exact decision-table analysis: tables built to have known gaps, overlaps and shadowed rules
// (map-derived and days_since facts included), every witness replayed through decide(), and a
// brute-force cross-check of random small tables against the evaluator on every request.
#include <gtest/gtest.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/analysis.hpp>
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

#include "analysis/checks.hpp"

namespace {

using aftersale::error_code;
using aftersale::finding;

const aftersale::sys_seconds at{std::chrono::seconds{1767758400}};  // 2026-01-07T04:00:00Z

struct analysed {
  std::shared_ptr<const aftersale::policy> p;
  aftersale::analysis_report report;

  std::vector<const finding*> with(error_code code) const {
    std::vector<const finding*> out;
    for (const auto& f : report.findings)
      if (f.diagnostic.code == code) out.push_back(&f);
    return out;
  }
};

analysed analyse(const std::string& yaml, aftersale::analysis_options options = {}) {
  analysed a;
  a.p = aftersale::load_policy_string(yaml, "t.yaml");
  aftersale::analysis::check_tables(*a.p, options, a.report);
  return a;
}

// The witness as a request (absent facts left out; derived facts are not given).
aftersale::request request_of(const aftersale::policy& p, const finding& f) {
  aftersale::request r;
  for (const auto& w : f.witness) {
    const auto id = p.find_fact(w.fact);
    if (!id || w.absent || p.facts[*id].derive != aftersale::derivation::none) continue;
    const auto& def = p.facts[*id];
    switch (def.type) {
      case aftersale::fact_type::boolean:
        r.set(w.fact, w.value == "true");
        break;
      case aftersale::fact_type::integer:
        r.set(w.fact, std::stoll(w.value));
        break;
      case aftersale::fact_type::money: {  // `129.00` → 12900 minor units
        std::string digits = w.value;
        digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
        r.set(w.fact, std::stoll(digits));
        break;
      }
      case aftersale::fact_type::timestamp:
        r.set(w.fact, *aftersale::parse_timestamp(w.value));
        break;
      default:
        r.set(w.fact, w.value);
        break;
    }
  }
  return r;
}

aftersale::decision_status replay(const analysed& a, const finding& f) {
  return aftersale::decide(a.p, f.table, request_of(*a.p, f), at).status();
}

// The diagnostic and its witness, for failure messages.
std::string text(const finding& f) {
  std::string out = aftersale::to_string(f.diagnostic) + "\n  witness:";
  for (const auto& w : f.witness) out += " " + w.fact + "=" + w.value;
  return out;
}

std::string witness_value(const finding& f, const std::string& fact) {
  for (const auto& w : f.witness)
    if (w.fact == fact) return w.value;
  return "(none)";
}

const std::string header = R"(format: 1
policy: {id: t, version: "1", entry: main}
vocabulary: {solutions: [refund, repair, review]}
)";

TEST(TableAnalysis, GapWithWitnessAndFirstTableShadowing) {
  const auto a = analyse(header + R"(facts:
  order_status: {type: enum, values: [paid, shipped, delivered], required: true}
  request: {type: enum, values: [refund, return, complain], required: true}
  amount: {type: money}
decisions:
  main:
    rules:
      - id: paid_any
        when: {order_status: paid}
        then: {solution: refund}
      - id: shipped_refund
        when: {order_status: shipped, request: refund}
        then: {solution: review}
      - id: big
        when: {amount: {ge: 10000}}
        then: {solution: review}
      - id: paid_refund
        when: {order_status: paid, request: refund}
        then: {solution: repair}
)");
  const auto gaps = a.with(error_code::table_gap);
  ASSERT_FALSE(gaps.empty());
  for (const finding* g : gaps) {
    EXPECT_EQ(replay(a, *g), aftersale::decision_status::no_match) << text(*g);
    EXPECT_EQ(g->diagnostic.severity, aftersale::severity::warning);
    EXPECT_EQ(g->diagnostic.where.line, 9u);  // the table
    EXPECT_NE(witness_value(*g, "order_status"), "paid");
  }
  const auto shadowed = a.with(error_code::shadowed_rule);
  ASSERT_EQ(shadowed.size(), 1u);
  EXPECT_NE(shadowed[0]->diagnostic.message.find("`paid_refund`"), std::string::npos);
  EXPECT_NE(shadowed[0]->diagnostic.message.find("covered by earlier rule `paid_any`"), std::string::npos)
      << shadowed[0]->diagnostic.message;
  ASSERT_EQ(shadowed[0]->related.size(), 1u);
  EXPECT_EQ(shadowed[0]->related[0].line, 11u);
  // Coverage: (shipped, return), (shipped, complain), (delivered, *) only when amount >= 10000,
  // which the catch-all-free rule `big` (constraining neither fact) handles.
  ASSERT_EQ(a.report.coverage.size(), 1u);
  EXPECT_TRUE(a.report.coverage[0].unhandled.empty());
  EXPECT_EQ(a.report.coverage[0].catch_all_only.size(), 5u);
}

TEST(TableAnalysis, NoFindingsForACompleteTable) {
  const auto a = analyse(header + R"(facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
  request: {type: enum, values: [refund, return], required: true}
  amount: {type: money}
decisions:
  main:
    rules:
      - id: small
        when: {amount: {lt: 100}}
        then: {solution: refund}
      - id: large
        when: {amount: {ge: 100}}
        then: {solution: review}
      - id: none
        when: {amount: {missing: true}}
        then: {solution: repair}
)");
  EXPECT_TRUE(a.report.findings.empty()) << text(a.report.findings[0]);
}

TEST(TableAnalysis, UniqueOverlapIsAnErrorWithAConflictWitness) {
  const auto a = analyse(header + R"(facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
  amount: {type: money, required: true}
decisions:
  main:
    hit_policy: unique
    rules:
      - id: cheap
        when: {amount: {le: 5000}}
        then: {solution: refund}
      - id: shipped
        when: {order_status: shipped}
        then: {solution: review}
      - id: dear
        when: {amount: {gt: 5000}, order_status: paid}
        then: {solution: repair}
)");
  const auto overlaps = a.with(error_code::table_overlap);
  ASSERT_EQ(overlaps.size(), 1u);
  const finding& f = *overlaps[0];
  EXPECT_EQ(f.diagnostic.severity, aftersale::severity::error);
  EXPECT_EQ(f.diagnostic.where.line, 14u);  // the later rule
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(f.related[0].line, 11u);
  EXPECT_EQ(replay(a, f), aftersale::decision_status::conflict);
  EXPECT_EQ(witness_value(f, "order_status"), "shipped");
  EXPECT_TRUE(a.with(error_code::table_gap).empty());
  EXPECT_TRUE(a.with(error_code::shadowed_rule).empty());  // not a `first` table
}

TEST(TableAnalysis, AnyTableOverlapsOnlyWhenOutcomesDiffer) {
  const auto a = analyse(header + R"(facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
decisions:
  main:
    hit_policy: any
    rules:
      - id: one
        when: {}
        then: {solution: refund}
      - id: two
        when: {order_status: paid}
        then: {solution: refund}
      - id: three
        when: {order_status: shipped}
        then: {solution: review}
)");
  const auto overlaps = a.with(error_code::table_overlap);
  ASSERT_EQ(overlaps.size(), 1u);  // one/three; one/two agree, two/three are disjoint
  EXPECT_EQ(overlaps[0]->diagnostic.severity, aftersale::severity::warning);
  EXPECT_NE(overlaps[0]->diagnostic.message.find("`one` and `three`"), std::string::npos);
  EXPECT_EQ(replay(a, *overlaps[0]), aftersale::decision_status::conflict);
}

TEST(TableAnalysis, MapFactsFoldIntoTheirSource) {
  // responsible = map of reason; `broken` maps to merchant, `other` is unmapped (absent).
  const auto a = analyse(header + R"(facts:
  reason: {type: enum, values: [changed_mind, broken, lost, other], required: true}
  responsible:
    type: enum
    values: [customer, merchant, carrier]
    derived: {map: reason, cases: {changed_mind: customer, broken: merchant, lost: carrier}}
decisions:
  main:
    rules:
      - id: customer
        when: {responsible: customer}
        then: {solution: refund}
      - id: not_customer
        when: {responsible: {in: [merchant, carrier]}}
        then: {solution: repair}
      - id: broken
        when: {reason: broken}
        then: {solution: review}
)");
  const auto gaps = a.with(error_code::table_gap);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(witness_value(*gaps[0], "reason"), "other");
  EXPECT_EQ(witness_value(*gaps[0], "responsible"), "absent");
  EXPECT_EQ(replay(a, *gaps[0]), aftersale::decision_status::no_match);
  const auto shadowed = a.with(error_code::shadowed_rule);
  ASSERT_EQ(shadowed.size(), 1u);
  EXPECT_NE(shadowed[0]->diagnostic.message.find("rule `not_customer`"), std::string::npos);
}

const std::string days_facts = R"(facts:
  delivered_at: {type: timestamp}
  days: {type: int, derived: {days_since: delivered_at}}
  hours: {type: int, derived: {hours_since: delivered_at}}
)";

TEST(TableAnalysis, DaysSinceGapIsRealisedThroughTheTimestamp) {
  const auto a = analyse(header + days_facts + R"(decisions:
  main:
    rules:
      - id: recent
        when: {days: {le: 7}}
        then: {solution: refund}
      - id: old
        when: {days: {ge: 9}}
        then: {solution: review}
)");
  // Day 8 and no delivery date at all: one box, `days` in {8, absent}, but two regions apart,
  // each with its own witness.
  const auto gaps = a.with(error_code::table_gap);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(replay(a, *gaps[0]), aftersale::decision_status::no_match);
  EXPECT_EQ(witness_value(*gaps[0], "days"), "8");
  EXPECT_NE(witness_value(*gaps[0], "delivered_at"), "absent");
  EXPECT_NE(gaps[0]->diagnostic.message.find("`days` = 8 (gap 1 of 2 disjoint regions)"), std::string::npos)
      << gaps[0]->diagnostic.message;
  EXPECT_EQ(replay(a, *gaps[1]), aftersale::decision_status::no_match);
  EXPECT_EQ(witness_value(*gaps[1], "days"), "absent");
  EXPECT_EQ(witness_value(*gaps[1], "delivered_at"), "absent");
  EXPECT_NE(gaps[1]->diagnostic.message.find("`days` absent (gap 2 of 2 disjoint regions)"),
            std::string::npos)
      << gaps[1]->diagnostic.message;
}

TEST(TableAnalysis, DaysAndHoursSinceAreTiedByTheirSource) {
  // Without a calendar, hours < 24 is exactly days < 1: the table is complete, and a rule
  // asking for days <= 0 with hours >= 24 can never match.
  const auto a = analyse(header + days_facts + R"(decisions:
  main:
    rules:
      - id: impossible
        when: {days: {le: 0}, hours: {ge: 24}}
        then: {solution: repair}
      - id: fresh
        when: {hours: {lt: 24}}
        then: {solution: refund}
      - id: later
        when: {days: {ge: 1}}
        then: {solution: review}
      - id: undated
        when: {delivered_at: {missing: true}}
        then: {solution: review}
)");
  EXPECT_TRUE(a.with(error_code::table_gap).empty());
  const auto shadowed = a.with(error_code::shadowed_rule);
  ASSERT_EQ(shadowed.size(), 1u);
  EXPECT_NE(shadowed[0]->diagnostic.message.find("`impossible`"), std::string::npos);
  EXPECT_NE(shadowed[0]->diagnostic.message.find("can never match"), std::string::npos);
}

TEST(TableAnalysis, DerivedValuesAtInt64ExtremesAreNeverRealisedByOverflow) {
  // No timestamp is 10^18 days (or hours) before or after `at`: both rules can never match, and
  // the gap witness for everything else is an ordinary request.
  const auto a = analyse(header + R"(calendars:
  cn: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"]}}
facts:
  delivered_at: {type: timestamp, required: true}
  days: {type: int, derived: {days_since: delivered_at, calendar: cn}}
  hours: {type: int, derived: {hours_since: delivered_at}}
decisions:
  main:
    rules:
      - id: far_past
        when: {days: {ge: 1000000000000000000}}
        then: {solution: refund}
      - id: far_future
        when: {hours: {le: -1000000000000000000}}
        then: {solution: refund}
      - id: extreme
        when: {hours: {between: [9223372036854775806, 9223372036854775807]}}
        then: {solution: refund}
)");
  const auto never = a.with(error_code::shadowed_rule);
  ASSERT_EQ(never.size(), 3u);
  for (const finding* f : never) EXPECT_NE(f->diagnostic.message.find("can never match"), std::string::npos);
  const auto gaps = a.with(error_code::table_gap);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(witness_value(*gaps[0], "days"), "0");
  EXPECT_EQ(replay(a, *gaps[0]), aftersale::decision_status::no_match);
}

TEST(TableAnalysis, CalendarDaysCountLocalDates) {
  // On a calendar, 1 local date may be under 24 hours: days = 1 with hours < 24 is possible.
  const auto a = analyse(header + R"(calendars:
  cn: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"]}}
facts:
  delivered_at: {type: timestamp, required: true}
  days: {type: int, derived: {days_since: delivered_at, calendar: cn}}
  hours: {type: int, derived: {hours_since: delivered_at}}
decisions:
  main:
    rules:
      - id: fresh
        when: {hours: {lt: 24}, days: {le: 0}}
        then: {solution: refund}
      - id: later
        when: {hours: {ge: 24}}
        then: {solution: review}
)");
  const auto gaps = a.with(error_code::table_gap);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(replay(a, *gaps[0]), aftersale::decision_status::no_match);
  EXPECT_NE(witness_value(*gaps[0], "days"), "0");
  EXPECT_LT(std::stoll(witness_value(*gaps[0], "hours")), 24);
}

TEST(TableAnalysis, UncoveredPairsPerTable) {
  const auto a = analyse(header + R"(facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
  request: {type: enum, values: [refund, return, complain], required: true}
decisions:
  main:
    rules:
      - id: paid
        when: {order_status: paid}
        then: {solution: refund}
      - id: shipped_return
        when: {order_status: shipped, request: return}
        then: {solution: review}
)");
  const auto pairs = a.with(error_code::uncovered_pair);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_NE(pairs[0]->diagnostic.message.find("(`shipped`, `refund`), (`shipped`, `complain`)"),
            std::string::npos)
      << pairs[0]->diagnostic.message;
  ASSERT_EQ(a.report.coverage.size(), 1u);
  EXPECT_EQ(a.report.coverage[0].unhandled.size(), 2u);
}

TEST(TableAnalysis, BudgetNoteInsteadOfRunningAway) {
  std::string yaml = header + R"(facts:
  x: {type: int, required: true}
  y: {type: int, required: true}
decisions:
  main:
    rules:
)";
  for (int i = 0; i < 40; ++i) {
    yaml += "      - id: r" + std::to_string(i) + "\n        when: {x: " + std::to_string(i * 3) +
            ", y: " + std::to_string(i * 5) + "}\n        then: {solution: refund}\n";
  }
  aftersale::analysis_options options;
  options.max_regions = 20;
  const auto a = analyse(yaml, options);
  const auto notes = a.with(error_code::analysis_budget);
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0]->diagnostic.severity, aftersale::severity::note);
  EXPECT_NE(notes[0]->diagnostic.message.find("gap check"), std::string::npos);
}

// ---- brute force ------------------------------------------------------------------------

// Random small tables over e (optional enum a|b|c), g (required enum x|y), n (optional int),
// f (bool, default false) and m (map of e: a→p, b→q, c unmapped). Every request of the space
// (n from -4 to 4 covers every interval end the rules use) is decided, and the analysis must
// agree exactly on which tables have gaps, which rules never fire, and which pairs overlap.
std::string random_condition(std::mt19937& rng) {
  switch (rng() % 9) {
    case 0:
      return "e: " + std::string(1, "abc"[rng() % 3]);
    case 1:
      return "e: {not_in: [" + std::string(1, "abc"[rng() % 3]) + "]}";
    case 2:
      return rng() % 2 ? "e: {missing: true}" : "e: {exists: true}";
    case 3:
      return "g: " + std::string(1, "xy"[rng() % 2]);
    case 4: {
      const int lo = static_cast<int>(rng() % 7) - 3;
      return "n: {between: [" + std::to_string(lo) + ", " + std::to_string(lo + static_cast<int>(rng() % 3)) +
             "]}";
    }
    case 5:
      return std::string("n: {") + (rng() % 2 ? "ge: " : "lt: ") +
             std::to_string(static_cast<int>(rng() % 7) - 3) + "}";
    case 6:
      return rng() % 3 ? "n: {ne: " + std::to_string(static_cast<int>(rng() % 7) - 3) + "}"
                       : "n: {missing: true}";
    case 7:
      return rng() % 2 ? "f: true" : "f: false";
    default:
      return rng() % 3 ? "m: " + std::string(1, "pq"[rng() % 2]) : "m: {missing: true}";
  }
}

std::string random_table(std::mt19937& rng, const char* hit_policy) {
  std::string yaml = header + R"(facts:
  e: {type: enum, values: [a, b, c]}
  g: {type: enum, values: [x, y], required: true}
  n: {type: int}
  f: {type: bool, default: false}
  m:
    type: enum
    values: [p, q]
    derived: {map: e, cases: {a: p, b: q}}
decisions:
  main:
    hit_policy: )" + std::string(hit_policy) +
                     "\n    rules:\n";
  const int rules = 2 + static_cast<int>(rng() % 5);
  for (int i = 0; i < rules; ++i) {
    std::map<std::string, std::string> by_fact;  // one condition per fact
    for (int k = 0, n = static_cast<int>(rng() % 3); k < n; ++k) {
      const std::string c = random_condition(rng);
      by_fact[c.substr(0, c.find(':'))] = c;
    }
    std::string when;
    for (const auto& [fact, c] : by_fact) when += (when.empty() ? "" : ", ") + c;
    yaml += "      - id: r" + std::to_string(i) + "\n        when: {" + when +
            "}\n        then: {solution: " + std::string(rng() % 2 ? "refund" : "review") + "}\n";
  }
  return yaml;
}

std::vector<aftersale::request> every_request() {
  std::vector<aftersale::request> out;
  for (int e = -1; e < 3; ++e)
    for (int g = 0; g < 2; ++g)
      for (int n = -5; n <= 4; ++n)
        for (int f = 0; f < 2; ++f) {
          aftersale::request r;
          if (e >= 0) r.set("e", std::string(1, "abc"[e]));
          r.set("g", std::string(1, "xy"[g]));
          if (n > -5) r.set("n", n);
          r.set("f", f == 1);
          out.push_back(r);
        }
  return out;
}

TEST(TableAnalysisBruteForce, FirstTablesGapsAndShadowedRules) {
  std::mt19937 rng(404);
  const auto requests = every_request();
  int with_gap = 0, without_gap = 0, shadowed = 0;  // the rounds must exercise both verdicts
  for (int round = 0; round < 120; ++round) {
    const std::string yaml = random_table(rng, "first");
    const auto a = analyse(yaml);
    const auto& table = a.p->decisions[0];
    bool gap = false;
    std::vector<bool> fires(table.rules.size(), false);
    for (const auto& r : requests) {
      aftersale::bound_request facts = aftersale::bind(*a.p, r);
      aftersale::derive_facts(*a.p, facts, at);
      const std::uint32_t m = aftersale::first_match(*a.p, 0, facts);
      if (m == aftersale::npos) {
        gap = true;
      } else {
        fires[m] = true;
      }
    }
    EXPECT_EQ(!a.with(error_code::table_gap).empty(), gap) << yaml;
    (gap ? with_gap : without_gap) += 1;
    shadowed += static_cast<int>(a.with(error_code::shadowed_rule).size());
    for (const finding* g : a.with(error_code::table_gap))
      EXPECT_EQ(replay(a, *g), aftersale::decision_status::no_match) << yaml << text(*g);
    std::vector<bool> reported(table.rules.size(), false);
    for (const finding* s : a.with(error_code::shadowed_rule)) {
      for (std::size_t i = 0; i < table.rules.size(); ++i)
        if (table.rules[i].where == s->diagnostic.where) reported[i] = true;
    }
    for (std::size_t i = 0; i < table.rules.size(); ++i)
      EXPECT_EQ(reported[i], !fires[i]) << "rule " << i << "\n" << yaml;
    EXPECT_TRUE(a.with(error_code::analysis_budget).empty());
  }
  EXPECT_GT(with_gap, 10);
  EXPECT_GT(without_gap, 10);
  EXPECT_GT(shadowed, 10);
}

void overlap_round(std::mt19937& rng, const char* hit_policy,
                   const std::vector<aftersale::request>& requests) {
  const bool unique = std::string(hit_policy) == "unique";
  const std::string yaml = random_table(rng, hit_policy);
  const auto a = analyse(yaml);
  const auto& table = a.p->decisions[0];
  std::set<std::pair<std::size_t, std::size_t>> expected;
  bool gap = false;
  for (const auto& r : requests) {
    aftersale::bound_request facts = aftersale::bind(*a.p, r);
    aftersale::derive_facts(*a.p, facts, at);
    std::vector<std::size_t> matching;
    for (std::size_t i = 0; i < table.rules.size(); ++i) {
      bool all = true;
      for (const auto& c : table.rules[i].conditions)
        all = all &&
              (facts.has(c.fact) ? c.test(facts.value(c.fact)) : c.op == aftersale::condition_op::missing);
      if (all) matching.push_back(i);
    }
    gap = gap || matching.empty();
    for (std::size_t x = 0; x < matching.size(); ++x)
      for (std::size_t y = x + 1; y < matching.size(); ++y) {
        const auto& i = matching[x];
        const auto& j = matching[y];
        if (unique || table.rules[i].then.solution != table.rules[j].then.solution) expected.emplace(i, j);
      }
  }
  std::set<std::pair<std::size_t, std::size_t>> found;
  for (const finding* f : a.with(error_code::table_overlap)) {
    std::size_t i = 0, j = 0;
    for (std::size_t k = 0; k < table.rules.size(); ++k) {
      if (table.rules[k].where == f->diagnostic.where) j = k;
      if (table.rules[k].where == f->related.at(0)) i = k;
    }
    found.emplace(i, j);
    EXPECT_EQ(replay(a, *f), aftersale::decision_status::conflict) << yaml << text(*f);
  }
  EXPECT_EQ(found, expected) << yaml;
  EXPECT_EQ(!a.with(error_code::table_gap).empty(), gap) << yaml;
  EXPECT_TRUE(a.with(error_code::shadowed_rule).size() <= table.rules.size());
}

TEST(TableAnalysisBruteForce, UniqueAndAnyOverlaps) {
  std::mt19937 rng(407);
  const auto requests = every_request();
  for (int round = 0; round < 60; ++round) {
    overlap_round(rng, "unique", requests);
    overlap_round(rng, "any", requests);
  }
}

}  // namespace
