// SPDX-License-Identifier: Apache-2.0
#pragma once
// Generated policies far larger than real ones, for the load benchmarks (bench/load_bench.cpp)
// and the tests that load them (tests/load/load_test.cpp): the text is made here, in C++, so
// nothing large is committed.
#include <string>

namespace aftersale::bench {

/// `rules` rules in one `first` table over an enum, a money and an int fact; every rule has
/// bounds of its own (the shape that made the old index buckets × rules), ~100 bytes a rule:
/// rule i is the first to match status `s<i % 8>`, amount 7i and days rules - i.
inline std::string many_rules_policy(int rules) {
  std::string t =
      "format: 1\npolicy: {id: many_rules, version: \"1\", entry: main}\n"
      "vocabulary: {solutions: [refund, reject]}\n"
      "facts:\n  status: {type: enum, values: [s0, s1, s2, s3, s4, s5, s6, s7]}\n"
      "  amount: {type: money}\n  days: {type: int}\n"
      "decisions:\n  main:\n    hit_policy: first\n    rules:\n";
  t.reserve(t.size() + static_cast<std::size_t>(rules) * 110);
  for (int i = 0; i < rules; ++i) {
    t += "      - {id: r" + std::to_string(i) + ", when: {status: s" + std::to_string(i % 8) +
         ", amount: {ge: " + std::to_string(i * 7) + "}, days: {ge: " + std::to_string(rules - i) +
         "}}, then: {solution: " + (i % 2 ? "refund" : "reject") + "}}\n";
  }
  return t;
}

/// One enum fact of `values` values (`v0` ...) read by two rules, one naming the last value.
inline std::string many_values_policy(int values) {
  std::string t =
      "format: 1\npolicy: {id: many_values, version: \"1\", entry: main}\n"
      "vocabulary: {solutions: [refund, reject]}\nfacts:\n  sku_class: {type: enum, values: [";
  t.reserve(t.size() + static_cast<std::size_t>(values) * 9);
  for (int v = 0; v < values; ++v) t += (v ? ", v" : "v") + std::to_string(v);
  t += "]}\ndecisions:\n  main:\n    rules:\n"
       "      - {id: last, when: {sku_class: [v0, v" +
       std::to_string(values - 1) +
       "]}, then: {solution: refund}}\n"
       "      - {id: rest, when: {sku_class: {ne: v1}}, then: {solution: reject}}\n";
  return t;
}

}  // namespace aftersale::bench
