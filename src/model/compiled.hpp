#pragma once
// Internal: what the loader compiles from a policy besides the policy itself, so that deciding
// and running cases never search: a bitset index per decision table and dispatch lists per flow.
// It hangs off `policy::compiled` (opaque to users); built by `compile_policy` (src/load), read
// by decide, case, analysis and diagram. Read-only once built.
#include <aftersale/model.hpp>
#include <cstdint>
#include <vector>

namespace aftersale::detail {

// ---------------------------------------------------------------------------------------------
// Decision tables
//
// For each fact some rule tests, values fall into buckets (an enum value, a bool, a string
// literal, or an interval between the numeric bounds the rules mention, plus one bucket for
// "absent"). Each bucket holds a bitset of the rules a value in that bucket satisfies (rules
// that do not test the fact have their bit set everywhere). The rules that match a request
// are the AND of one bitset per indexed fact.

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

struct table_index {
  std::uint32_t words = 0;  ///< 64-bit words per bitset = ceil(rules / 64)
  /// Most selective first (fewest rules per bucket on average), so the word-by-word AND
  /// reaches zero early.
  std::vector<column_index> columns;
  std::vector<std::uint64_t> all;  ///< every rule (for a table whose rules test nothing)
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
