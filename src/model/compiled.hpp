// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what the loader compiles from a policy besides the policy itself, so that deciding
// and running cases never search: a bitset index per decision table (in blocks of rules) and
// dispatch lists per flow.
// It hangs off `policy::compiled` (opaque to users); built by `compile_policy` (src/load), read
// by decide, case, analysis and diagram. Read-only once built.
#include <aftersale/model.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aftersale::detail {

// ---------------------------------------------------------------------------------------------
// Decision tables
//
// The rules are cut into blocks of consecutive rules (one block for all but very large tables).
// In a block, for each fact some rule of the block tests, values fall into buckets (an enum
// value, a bool, a string literal, or an interval between the values the block's conditions
// mention, plus one bucket for "absent"). Each bucket holds a bitset of the block's rules a value
// in that bucket satisfies (rules that do not test the fact have their bit set everywhere). The
// rules of a block that match a request are the AND of one bitset per indexed fact.
//
// INVARIANT (memory): a block's bitsets hold (buckets + 1) × words words per column, and the
// loader closes a block once that passes a fixed budget (`block_budget_words` in compile.cpp),
// so the index grows with the number of rules and conditions, never with their product or with
// the values written (an enum of 200,000 values is bucketed by the values the block mentions).

struct column_index {
  std::uint32_t fact = 0;
  bool numeric = false;                   ///< buckets by `breakpoints`, else by value index
  std::vector<std::int64_t> breakpoints;  ///< numeric: bucket = upper_bound(breakpoints, v) - begin
  std::uint32_t buckets = 0;              ///< value buckets; bucket `buckets` is "absent"
  std::vector<std::uint64_t> bits;        ///< (buckets + 1) × words
  /// Per bucket (absent included): the first word with a bit set, `words` when none. A
  /// request's match can only start at the largest of these over its buckets.
  std::vector<std::uint32_t> first_word;
  /// The words with a bit set, per bucket: `nonzero_words[nonzero_begin[b] .. nonzero_begin[b + 1])`.
  /// The first (most selective) column's list is all the words a request needs to visit.
  std::vector<std::uint32_t> nonzero_words;
  std::vector<std::uint32_t> nonzero_begin;  ///< buckets + 2 offsets
};

/// The index of rules `first_rule .. first_rule + rules` of a table; bit i is rule first_rule + i.
struct index_block {
  std::uint32_t first_rule = 0;
  std::uint32_t rules = 0;
  std::uint32_t words = 0;  ///< 64-bit words per bitset = ceil(rules / 64)
  /// Most selective first (fewest rules per bucket on average), so the word-by-word AND
  /// reaches zero early.
  std::vector<column_index> columns;
  std::vector<std::uint64_t> all;  ///< every rule (for a block whose rules test nothing)
};

struct table_index {
  /// The block of rule 0 (of every rule, in all but very large tables), held inline: deciding
  /// reaches it without following another pointer.
  index_block first;
  std::vector<index_block> more;  ///< the next blocks, in rule order

  /// How many blocks (0 for a table without rules), and block `i` of them.
  std::size_t blocks() const noexcept { return first.rules == 0 && more.empty() ? 0 : 1 + more.size(); }
  const index_block& block(std::size_t i) const { return i == 0 ? first : more.at(i - 1); }
};

// ---------------------------------------------------------------------------------------------
// Flows

struct flow_dispatch {
  /// `transitions` indexes for (state s, event e) are
  /// `dispatch_list[dispatch[s * events.size() + e] .. dispatch[s * events.size() + e + 1])`.
  std::vector<std::uint32_t> dispatch;
  std::vector<std::uint32_t> dispatch_list;
  std::vector<std::vector<std::uint32_t>> automatic_from;  ///< per state: automatic transitions, in order
  std::vector<std::vector<std::uint32_t>> timers_from;     ///< per state: timer transitions, in order
};

// ---------------------------------------------------------------------------------------------

struct compiled_policy {
  std::vector<table_index> tables;   ///< one per policy::decisions, same order
  std::vector<flow_dispatch> flows;  ///< one per policy::flows, same order
};

/// Throws the error `compiled_of` throws for `p`.
[[noreturn]] void throw_not_compiled(const policy& p);

/// `p`'s compiled part. @throws error when it is missing (a policy built in code without
/// `compile_policy`) or was built for other tables or flows (a copy changed afterwards).
/// Inline: `decide` calls it once per request.
inline const compiled_policy& compiled_of(const policy& p) {
  const compiled_policy* c = p.compiled.get();
  // Counts only: enough to never index past the tables, not a proof the rules are unchanged.
  if (!c || c->tables.size() != p.decisions.size() || c->flows.size() != p.flows.size())
    throw_not_compiled(p);
  return *c;
}

/// The dispatch lists of flow `f`, one of `p.flows`. @throws error as `compiled_of`, and when
/// `f` is not one of `p.flows`.
const flow_dispatch& dispatch_of(const policy& p, const flow_def& f);

}  // namespace aftersale::detail
