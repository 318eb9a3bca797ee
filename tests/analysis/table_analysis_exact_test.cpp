// SPDX-License-Identifier: Apache-2.0
// Brute-force cross-check of the table analysis on what the first brute-force test leaves out:
// string facts (a request's text that is none of the literals), facts with defaults given or
// left out, a map fact over a map fact, money, and `ne` / `not_in` / `exists` / `missing` on
// each. Every request of the small space is decided; gaps, shadowed rules and overlaps must
// agree exactly with the evaluator.
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analysis/checks.hpp"

namespace {

using aftersale::error_code;

const aftersale::sys_seconds at{std::chrono::seconds{1767758400}};  // 2026-01-07T04:00:00Z

std::string pick(std::mt19937& rng, std::initializer_list<const char*> options) {
  return *(options.begin() + rng() % options.size());
}

std::string random_condition(std::mt19937& rng) {
  switch (rng() % 6) {
    case 0:
      return "s: " +
             pick(rng, {"s1", "s2", "{ne: s1}", "{not_in: [s1, s2]}", "{missing: true}", "{exists: true}"});
    case 1:
      return "d: " + pick(rng, {"a", "b", "{ne: b}", "{not_in: [a]}", "{missing: true}", "{exists: true}"});
    case 2:
      return "k: " + pick(rng, {"2", "{ne: 2}", "{lt: 1}", "{ge: 2}", "{not_in: [0, 2]}", "{missing: true}"});
    case 3:
      return "m: " + pick(rng, {"p", "q", "{ne: p}", "{missing: true}", "{exists: true}"});
    case 4:
      // `{ne: u}` on this one-value enum can never hold: a load error (E204), not a table to analyse.
      return "m2: " + pick(rng, {"u", "{in: [u]}", "{missing: true}", "{exists: true}"});
    default:
      return "w: " +
             pick(rng, {"{lt: 100}", "{ge: 101}", "{between: [100, 101]}", "{ne: 0}", "{missing: true}"});
  }
}

std::string random_table(std::mt19937& rng, const char* hit_policy) {
  std::string yaml = R"(format: 1
policy: {id: t, version: "1", entry: main}
vocabulary: {solutions: [refund, review]}
facts:
  s: {type: string}
  d: {type: enum, values: [a, b, c], default: b}
  k: {type: int, default: 2}
  m: {type: enum, values: [p, q], derived: {map: d, cases: {a: p, b: q}}}
  m2: {type: enum, values: [u], derived: {map: m, cases: {p: u}}}
  w: {type: money}
decisions:
  main:
    hit_policy: )" + std::string(hit_policy) +
                     "\n    rules:\n";
  // The literals of `s` are always known, whichever rules were drawn.
  yaml += "      - {id: lit, when: {s: [s1, s2], k: 99}, then: {solution: review}}\n";
  const int rules = 2 + static_cast<int>(rng() % 5);
  for (int i = 0; i < rules; ++i) {
    std::map<std::string, std::string> by_fact;
    for (int n = 0, count = static_cast<int>(rng() % 3); n < count; ++n) {
      const std::string c = random_condition(rng);
      by_fact[c.substr(0, c.find(':'))] = c;
    }
    std::string when;
    for (const auto& [fact, c] : by_fact) when += (when.empty() ? "" : ", ") + c;
    yaml += "      - {id: r" + std::to_string(i) + ", when: {" + when +
            "}, then: {solution: " + (rng() % 2 ? "refund" : "review") + "}}\n";
  }
  return yaml;
}

std::vector<aftersale::request> every_request() {
  std::vector<aftersale::request> out;
  const std::vector<const char*> s = {nullptr, "s1", "s2", "zz"};
  const std::vector<const char*> d = {nullptr, "a", "b", "c"};
  const std::vector<std::int64_t> w = {-1, 0, 99, 100, 101, 102};
  for (const char* sv : s)
    for (const char* dv : d)
      for (std::int64_t k : {std::int64_t{-99}, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1},
                             std::int64_t{2}, std::int64_t{3}, std::int64_t{99}})
        for (std::int64_t wv : w) {
          aftersale::request r;
          if (sv) r.set("s", std::string(sv));
          if (dv) r.set("d", std::string(dv));
          if (k != -99) r.set("k", k);
          if (wv >= 0) r.set("w", wv);
          out.push_back(r);
        }
  return out;
}

struct verdict {
  bool gap = false;
  std::vector<bool> fires;
  std::set<std::pair<std::size_t, std::size_t>> overlaps;  // (earlier, later) both matching
};

verdict brute_force(const aftersale::policy& p) {
  const auto& table = p.decisions[0];
  verdict v;
  v.fires.assign(table.rules.size(), false);
  for (const auto& r : every_request()) {
    aftersale::bound_request facts = aftersale::bind(p, r);
    aftersale::derive_facts(p, facts, at);
    std::vector<std::size_t> matching;
    for (std::size_t i = 0; i < table.rules.size(); ++i) {
      bool all = true;
      for (const auto& c : table.rules[i].conditions)
        all = all &&
              (facts.has(c.fact) ? c.test(facts.value(c.fact)) : c.op == aftersale::condition_op::missing);
      if (all) matching.push_back(i);
    }
    const std::uint32_t first = aftersale::first_match(p, 0, facts);
    EXPECT_EQ(first, matching.empty() ? aftersale::npos : static_cast<std::uint32_t>(matching[0]));
    if (matching.empty())
      v.gap = true;
    else
      v.fires[matching[0]] = true;
    for (std::size_t x = 0; x < matching.size(); ++x)
      for (std::size_t y = x + 1; y < matching.size(); ++y) v.overlaps.emplace(matching[x], matching[y]);
  }
  return v;
}

aftersale::analysis_report analyse(const aftersale::policy& p) {
  aftersale::analysis_report report;
  aftersale::analysis_options options;
  options.at = at;
  aftersale::analysis::check_tables(p, options, report);
  return report;
}

std::size_t rule_at(const aftersale::decision_table& t, const aftersale::source_span& where) {
  for (std::size_t i = 0; i < t.rules.size(); ++i)
    if (t.rules[i].where == where) return i;
  return t.rules.size();
}

TEST(TableAnalysisExact, StringsDefaultsMapsOfMapsAndMoney) {
  std::mt19937 rng(4242);
  int gaps = 0, shadowed = 0, overlaps = 0;
  for (int round = 0; round < 150; ++round) {
    const bool unique = round % 2 == 1;
    const std::string yaml = random_table(rng, unique ? "unique" : "first");
    const auto p = aftersale::load_policy_string(yaml, "t.yaml");
    const auto& table = p->decisions[0];
    const verdict v = brute_force(*p);
    const auto report = analyse(*p);
    bool gap = false;
    std::vector<bool> reported(table.rules.size(), false);
    std::set<std::pair<std::size_t, std::size_t>> found;
    for (const auto& f : report.findings) {
      if (f.diagnostic.code == error_code::table_gap) gap = true;
      if (f.diagnostic.code == error_code::shadowed_rule)
        reported.at(rule_at(table, f.diagnostic.where)) = true;
      if (f.diagnostic.code == error_code::table_overlap)
        found.emplace(rule_at(table, f.related.at(0)), rule_at(table, f.diagnostic.where));
      EXPECT_NE(f.diagnostic.code, error_code::analysis_budget) << yaml;
    }
    EXPECT_EQ(gap, v.gap) << yaml;
    gaps += v.gap;
    if (unique) {
      EXPECT_EQ(found, v.overlaps) << yaml;
      overlaps += static_cast<int>(found.size());
    } else {
      for (std::size_t i = 0; i < table.rules.size(); ++i) {
        EXPECT_EQ(reported[i], !v.fires[i]) << "rule " << table.rules[i].id << "\n" << yaml;
        shadowed += !v.fires[i];
      }
    }
  }
  EXPECT_GT(gaps, 10);
  EXPECT_GT(shadowed, 10);
  EXPECT_GT(overlaps, 10);
}

}  // namespace

namespace {

// days_since on a calendar with DST (Europe/Berlin: 2026-03-29 has 23 hours, 2026-10-25 has
// 25) next to hours_since of the same timestamp: which (days, hours) pairs exist depends on the
// local dates, and the verdicts must still match the evaluator on every delivery minute.
void dst_round(std::mt19937& rng, aftersale::sys_seconds now) {
  std::string yaml = R"(format: 1
policy: {id: t, version: "1", entry: main}
vocabulary: {solutions: [refund, review]}
calendars: {de: {time_zone: Europe/Berlin, hours: {mon: ["09:00-18:00"]}}}
facts:
  delivered_at: {type: timestamp}
  days: {type: int, derived: {days_since: delivered_at, calendar: de}}
  hours: {type: int, derived: {hours_since: delivered_at}}
decisions:
  main:
    rules:
)";
  const int rules = 2 + static_cast<int>(rng() % 4);
  for (int i = 0; i < rules; ++i) {
    std::string when;
    if (rng() % 3)
      when += "days: " + pick(rng, {"{le: 0}", "1", "{le: 1}", "{ge: 2}", "2", "{between: [1, 2]}"});
    if (rng() % 3)
      when += std::string(when.empty() ? "" : ", ") + "hours: " +
              pick(rng, {"{lt: 23}", "{lt: 24}", "{ge: 24}", "{between: [22, 25]}", "{ge: 47}", "{lt: 48}"});
    if (rng() % 5 == 0) when = "delivered_at: {missing: true}";
    yaml += "      - {id: r" + std::to_string(i) + ", when: {" + when + "}, then: {solution: refund}}\n";
  }
  const auto p = aftersale::load_policy_string(yaml, "t.yaml");
  const auto& table = p->decisions[0];
  bool gap = false;
  std::vector<bool> fires(table.rules.size(), false);
  std::vector<std::optional<aftersale::sys_seconds>> deliveries = {std::nullopt};
  for (std::int64_t m = -5 * 24 * 60; m <= 60; m += 15) deliveries.push_back(now + std::chrono::minutes{m});
  for (const auto& d : deliveries) {
    aftersale::request r;
    if (d) r.set("delivered_at", *d);
    aftersale::bound_request facts = aftersale::bind(*p, r);
    aftersale::derive_facts(*p, facts, now);
    const std::uint32_t m = aftersale::first_match(*p, 0, facts);
    if (m == aftersale::npos)
      gap = true;
    else
      fires[m] = true;
  }
  aftersale::analysis_report report;
  aftersale::analysis_options options;
  options.at = now;
  aftersale::analysis::check_tables(*p, options, report);
  bool found_gap = false;
  std::vector<bool> reported(table.rules.size(), false);
  for (const auto& f : report.findings) {
    if (f.diagnostic.code == error_code::table_gap) found_gap = true;
    if (f.diagnostic.code == error_code::shadowed_rule)
      reported.at(rule_at(table, f.diagnostic.where)) = true;
  }
  EXPECT_EQ(found_gap, gap) << yaml;
  for (std::size_t i = 0; i < table.rules.size(); ++i)
    EXPECT_EQ(reported[i], !fires[i]) << "rule " << table.rules[i].id << "\n" << yaml;
}

TEST(TableAnalysisExact, DaysSinceOnACalendarAcrossDst) {
  std::mt19937 rng(29);
  // Just after the spring change, and just after the autumn one (local 10:00 and 00:30).
  const aftersale::sys_seconds spring{std::chrono::seconds{1774857600}};  // 2026-03-30T08:00:00Z
  const aftersale::sys_seconds autumn{std::chrono::seconds{1792971000}};  // 2026-10-25T23:30:00Z
  for (int round = 0; round < 60; ++round) {
    dst_round(rng, spring);
    dst_round(rng, autumn);
  }
}

}  // namespace
