#pragma once
// Internal: the per-table index that lets the evaluator find matching rules without
// testing every rule. Built once at load time; read-only afterwards.
//
// For each fact some rule tests, values fall into buckets (an enum value, a bool, a string
// literal, or an interval between the numeric bounds the rules mention, plus one bucket
// for "absent"). Each bucket holds a bitset of the rules a value in that bucket satisfies
// (rules that do not test the fact have their bit set everywhere). The rules that match a
// request are the AND of one bitset per indexed fact.
#include <cstdint>
#include <vector>

namespace aftersale {
struct policy;
struct decision_table;
}  // namespace aftersale

namespace aftersale::detail {

struct column_index {
  std::uint32_t fact = 0;
  bool numeric = false;                 ///< buckets by `breakpoints`, else by value index
  std::vector<std::int64_t> breakpoints;  ///< numeric: bucket = upper_bound(breakpoints, v) - begin
  std::uint32_t buckets = 0;            ///< value buckets; bucket `buckets` is "absent"
  std::vector<std::uint64_t> bits;      ///< (buckets + 1) × words
  /// Per bucket (absent included): the first word with a bit set, `words` when none. A
  /// request's match can only start at the largest of these over its buckets.
  std::vector<std::uint32_t> first_word;
  /// The words with a bit set, per bucket: `nonzero_words[nonzero_begin[b] .. nonzero_begin[b + 1])`.
  /// The first (most selective) column's list is all the words a request needs to visit.
  std::vector<std::uint32_t> nonzero_words;
  std::vector<std::uint32_t> nonzero_begin;  ///< buckets + 2 offsets
};

struct table_index {
  std::uint32_t words = 0;  ///< 64-bit words per bitset = ceil(rules / 64)
  /// Most selective first (fewest rules per bucket on average), so the word-by-word AND
  /// reaches zero early.
  std::vector<column_index> columns;
  std::vector<std::uint64_t> all;  ///< every rule (for a table whose rules test nothing)
};

/// Builds `table.index` from `table.rules`. Called by the loader.
void build_table_index(const policy& p, decision_table& table);

}  // namespace aftersale::detail
