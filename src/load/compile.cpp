// SPDX-License-Identifier: Apache-2.0
// compile_policy(): what is derived from a finished policy so that deciding and running cases
// never search (src/model/compiled.hpp): a bitset index per decision table, in blocks of rules
// so that it grows linearly with the table, and per flow the
// (state, event) dispatch lists and the automatic and timer transitions of each state.
#include <aftersale/load.hpp>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/compiled.hpp"

namespace aftersale {

namespace {

using detail::column_index;
using detail::flow_dispatch;
using detail::index_block;
using detail::table_index;

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

bool is_numeric(fact_type t) {
  return t == fact_type::integer || t == fact_type::money || t == fact_type::duration ||
         t == fact_type::timestamp || t == fact_type::decimal;
}

// Value buckets of a direct column: one per value index, plus "other" for any value outside
// them (`string_other`; never produced by bind() for enums and bools).
std::uint32_t value_count(const fact_def& f) {
  return f.type == fact_type::boolean ? 2u : static_cast<std::uint32_t>(f.values.size());
}

// Enums, bools and strings with at most this many values are bucketed by value index (no
// search per request); larger ones by breakpoints, like numbers, so a block's buckets are the
// values its rules mention, not every declared value.
constexpr std::uint32_t max_direct_values = 256;

// A block is closed once its bitsets would pass this many 64-bit words (2 MB), when it has at
// least `min_block_rules` rules. Tables of a few thousand rules stay one block.
constexpr std::size_t block_budget_words = std::size_t{1} << 18;
constexpr std::size_t min_block_rules = 64;

// Every value where some condition's answer may change, as condition edges.
template <class Edge>
void edges_of(const condition& c, Edge edge) {
  if (c.op == condition_op::exists || c.op == condition_op::missing) return;
  if (c.uses_set) {
    for (std::int64_t v : c.set) edge(v, v);
  } else if (c.lo <= c.hi) {
    edge(c.lo, c.hi);
  }
}

// Inclusive ranges of bucket indexes, sorted and disjoint.
using bucket_ranges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

bucket_ranges intersect(const bucket_ranges& a, const bucket_ranges& b) {
  bucket_ranges out;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    const std::uint32_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
    if (lo <= hi) out.emplace_back(lo, hi);
    (a[i].second < b[j].second) ? ++i : ++j;
  }
  return out;
}

// One column of one block (see compiled.hpp), built in time proportional to its bitsets plus
// the size of its conditions: each rule's passing buckets are a few ranges, written as toggles
// and turned into rows by a running XOR.
struct column_builder {
  const fact_def& f;
  column_index col;
  std::uint32_t value_rows = 0;  // buckets filled through ranges: all value buckets but "other"

  column_builder(const fact_def& fact, std::uint32_t id) : f(fact) {
    col.fact = id;
    col.numeric = is_numeric(f.type) || value_count(f) > max_direct_values;
  }

  void set_breakpoints(std::vector<std::int64_t> bp) {
    std::sort(bp.begin(), bp.end());
    bp.erase(std::unique(bp.begin(), bp.end()), bp.end());
    col.breakpoints = std::move(bp);
    col.buckets = static_cast<std::uint32_t>(col.breakpoints.size() + 1);
    value_rows = col.buckets;
  }
  void set_direct() {
    col.buckets = value_count(f) + 1;
    value_rows = col.buckets - 1;
  }

  std::uint32_t bucket(std::int64_t v) const {
    if (col.numeric) {
      return static_cast<std::uint32_t>(std::upper_bound(col.breakpoints.begin(), col.breakpoints.end(), v) -
                                        col.breakpoints.begin());
    }
    return static_cast<std::uint32_t>(v);  // only called with values in [0, value_rows)
  }

  // The value buckets (ranges of `value_rows`) whose values pass `c`.
  bucket_ranges ranges_of(const condition& c) const {
    if (value_rows == 0 || c.op == condition_op::missing) return {};
    const std::uint32_t last = value_rows - 1;
    if (c.op == condition_op::exists) return {{0, last}};
    // The values `c` names, as inclusive value intervals, then as bucket ranges.
    std::vector<std::pair<std::int64_t, std::int64_t>> named;
    if (c.uses_set) {
      for (std::int64_t v : c.set) named.emplace_back(v, v);
    } else if (c.lo <= c.hi) {
      named.emplace_back(c.lo, c.hi);
    }
    bucket_ranges in;
    for (const auto& [lo, hi] : named) {
      std::uint32_t a, b;
      if (col.numeric) {
        a = bucket(lo);
        b = bucket(hi);
      } else {
        if (hi < 0 || lo > static_cast<std::int64_t>(last)) continue;
        a = static_cast<std::uint32_t>(std::max<std::int64_t>(lo, 0));
        b = static_cast<std::uint32_t>(std::min<std::int64_t>(hi, last));
      }
      if (!in.empty() && in.back().second + 1 >= a) {
        in.back().second = std::max(in.back().second, b);
      } else {
        in.emplace_back(a, b);
      }
    }
    if (!c.negate) return in;
    bucket_ranges out;
    std::uint32_t next = 0;
    bool done = false;
    for (const auto& [a, b] : in) {
      if (a > next) out.emplace_back(next, a - 1);
      if (b >= last) {
        done = true;
        break;
      }
      next = b + 1;
    }
    if (!done) out.emplace_back(next, last);
    return out;
  }
};

// The bitset index of rules [first, first + n) of `table` (see compiled.hpp).
index_block index_block_of(const policy& p, const decision_table& table, std::size_t first, std::size_t n) {
  index_block ix;
  ix.first_rule = static_cast<std::uint32_t>(first);
  ix.rules = static_cast<std::uint32_t>(n);
  ix.words = static_cast<std::uint32_t>((n + 63) / 64);
  const std::size_t words = ix.words;
  ix.all.assign(words, 0);
  for (std::size_t r = 0; r < n; ++r) ix.all[r / 64] |= std::uint64_t{1} << (r % 64);

  std::vector<std::uint32_t> tested;
  for (std::size_t r = first; r < first + n; ++r) {
    for (const condition& c : table.rules[r].conditions) tested.push_back(c.fact);
  }
  std::sort(tested.begin(), tested.end());
  tested.erase(std::unique(tested.begin(), tested.end()), tested.end());

  std::vector<double> density;  // share of set bits over the value buckets, per column
  for (std::uint32_t fact : tested) {
    if (fact >= p.facts.size()) continue;  // the loader never produces this; a hand-built policy may
    column_builder b(p.facts[fact], fact);
    // conds[r]: rule r's conditions on this fact (usually zero or one).
    std::vector<std::vector<const condition*>> conds(n);
    std::vector<std::int64_t> bp;
    for (std::size_t r = 0; r < n; ++r) {
      for (const condition& c : table.rules[first + r].conditions) {
        if (c.fact != fact) continue;
        conds[r].push_back(&c);
        edges_of(c, [&](std::int64_t lo, std::int64_t hi) {
          // The lowest value is never a breakpoint, so bucket 0 always holds at least it.
          if (lo != lowest) bp.push_back(lo);
          if (hi != highest) bp.push_back(hi + 1);
        });
      }
    }
    if (b.col.numeric) {
      b.set_breakpoints(std::move(bp));
    } else {
      b.set_direct();
    }
    column_index& col = b.col;
    const std::size_t rows = static_cast<std::size_t>(col.buckets) + 1;
    col.bits.assign(rows * words, 0);
    // toggles[k]: rules whose passing ranges start or end (exclusive) at value bucket k.
    std::vector<std::uint64_t> toggles((static_cast<std::size_t>(b.value_rows) + 1) * words, 0);
    std::vector<std::uint64_t> wild(words, 0);  // rules that do not test the fact
    std::size_t set_bits = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint64_t bit = std::uint64_t{1} << (r % 64);
      const std::size_t w = r / 64;
      if (conds[r].empty()) {
        wild[w] |= bit;
        set_bits += col.buckets;
        continue;
      }
      bucket_ranges pass = b.ranges_of(*conds[r][0]);
      for (std::size_t i = 1; i < conds[r].size(); ++i) pass = intersect(pass, b.ranges_of(*conds[r][i]));
      for (const auto& [lo, hi] : pass) {
        toggles[lo * words + w] ^= bit;
        toggles[(static_cast<std::size_t>(hi) + 1) * words + w] ^= bit;
        set_bits += hi - lo + 1;
      }
      // "Other" (direct columns) and "absent" are tested as before, one value each.
      bool other = !col.numeric, absent = true;
      for (const condition* c : conds[r]) {
        other = other && c->test(string_other);
        absent = absent && c->op == condition_op::missing;
      }
      if (other) {
        col.bits[static_cast<std::size_t>(b.value_rows) * words + w] |= bit;
        ++set_bits;
      }
      if (absent) col.bits[static_cast<std::size_t>(col.buckets) * words + w] |= bit;
    }
    std::vector<std::uint64_t> running(words, 0);
    for (std::size_t k = 0; k < b.value_rows; ++k) {
      std::uint64_t* row = col.bits.data() + k * words;
      for (std::size_t w = 0; w < words; ++w) {
        running[w] ^= toggles[k * words + w];
        row[w] = running[w];
      }
    }
    col.first_word.assign(rows, ix.words);
    for (std::size_t k = 0; k < rows; ++k) {
      std::uint64_t* row = col.bits.data() + k * words;
      col.nonzero_begin.push_back(static_cast<std::uint32_t>(col.nonzero_words.size()));
      for (std::uint32_t w = 0; w < ix.words; ++w) {
        row[w] |= wild[w];
        if (!row[w]) continue;
        if (col.first_word[k] == ix.words) col.first_word[k] = w;
        col.nonzero_words.push_back(w);
      }
    }
    col.nonzero_begin.push_back(static_cast<std::uint32_t>(col.nonzero_words.size()));
    density.push_back(n == 0 ? 1.0 : static_cast<double>(set_bits) / (static_cast<double>(n) * col.buckets));
    ix.columns.push_back(std::move(col));
  }
  // Most selective columns first: the AND of a word usually hits zero after one or two.
  std::vector<std::size_t> order(ix.columns.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return density[a] < density[b]; });
  std::vector<column_index> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) sorted.push_back(std::move(ix.columns[i]));
  ix.columns = std::move(sorted);
  return ix;
}

// Cuts the table into blocks whose bitsets stay within `block_budget_words`, counting each
// column's buckets as the block grows (exact for breakpoints, through a set of the edges).
table_index index_table(const policy& p, const decision_table& table) {
  table_index ix;
  const std::size_t rules = table.rules.size();
  struct column_size {
    std::unordered_set<std::int64_t> edges;
    std::size_t rows = 0;  // direct columns: fixed
  };
  std::unordered_map<std::uint32_t, column_size> columns;
  std::size_t rows = 0;  // sum of (buckets + 1) over the block's columns
  std::size_t first = 0;
  auto rows_after = [&](const rule& r, bool commit) {
    std::size_t total = rows;
    for (const condition& c : r.conditions) {
      if (c.fact >= p.facts.size()) continue;
      const fact_def& f = p.facts[c.fact];
      const bool numeric = is_numeric(f.type) || value_count(f) > max_direct_values;
      auto found = columns.find(c.fact);
      if (!numeric) {
        if (found != columns.end()) continue;
        const std::size_t direct = value_count(f) + 2;
        total += direct;
        if (commit) columns[c.fact].rows = direct;
        continue;
      }
      std::size_t before = found == columns.end() ? 0 : found->second.edges.size() + 2;
      std::size_t added = 0;
      edges_of(c, [&](std::int64_t lo, std::int64_t hi) {
        const std::unordered_set<std::int64_t>* known =
            found == columns.end() ? nullptr : &found->second.edges;
        if (lo != lowest && (!known || !known->count(lo))) ++added;
        if (hi != highest && (!known || !known->count(hi + 1))) ++added;
      });
      if (commit) {
        column_size& cs = columns[c.fact];
        edges_of(c, [&](std::int64_t lo, std::int64_t hi) {
          if (lo != lowest) cs.edges.insert(lo);
          if (hi != highest) cs.edges.insert(hi + 1);
        });
        total += cs.edges.size() + 2 - before;
        found = columns.find(c.fact);
      } else {
        total += (before == 0 ? 2 : 0) + added;  // an upper bound when a rule repeats an edge
      }
    }
    return total;
  };
  for (std::size_t r = 0; r < rules; ++r) {
    const std::size_t n = r - first;
    const std::size_t words = (n + 1 + 63) / 64;
    if (n >= min_block_rules && rows_after(table.rules[r], false) * words > block_budget_words) {
      (first == 0 ? ix.first : ix.more.emplace_back()) = index_block_of(p, table, first, n);
      first = r;
      columns.clear();
      rows = 0;
    }
    rows = rows_after(table.rules[r], true);
  }
  if (first < rules)
    (first == 0 ? ix.first : ix.more.emplace_back()) = index_block_of(p, table, first, rules - first);
  return ix;
}

// Transitions by trigger: event transitions per (state, event), automatic and timer ones per
// state, each in the order written (the first whose guard holds fires). Ids out of range (a
// flow built in code) are left out rather than trusted.
flow_dispatch dispatch_flow(const flow_def& f) {
  const std::size_t states = f.states.size();
  const std::size_t events = f.events.size();
  flow_dispatch d;
  std::vector<std::vector<std::uint32_t>> by_state_event(states * events);
  d.automatic_from.assign(states, {});
  d.timers_from.assign(states, {});
  for (std::uint32_t i = 0; i < f.transitions.size(); ++i) {
    const transition_def& t = f.transitions[i];
    if (t.from >= states) continue;
    switch (t.trigger) {
      case trigger_kind::event:
        if (t.event < events) by_state_event[t.from * events + t.event].push_back(i);
        break;
      case trigger_kind::automatic:
        d.automatic_from[t.from].push_back(i);
        break;
      case trigger_kind::timer:
        d.timers_from[t.from].push_back(i);
        break;
    }
  }
  d.dispatch.reserve(by_state_event.size() + 1);
  for (const auto& list : by_state_event) {
    d.dispatch.push_back(static_cast<std::uint32_t>(d.dispatch_list.size()));
    d.dispatch_list.insert(d.dispatch_list.end(), list.begin(), list.end());
  }
  d.dispatch.push_back(static_cast<std::uint32_t>(d.dispatch_list.size()));
  return d;
}

}  // namespace

void compile_policy(policy& p) {
  p.build_lookups();
  auto c = std::make_shared<detail::compiled_policy>();
  c->tables.reserve(p.decisions.size());
  for (const decision_table& t : p.decisions) c->tables.push_back(index_table(p, t));
  c->flows.reserve(p.flows.size());
  for (const flow_def& f : p.flows) c->flows.push_back(dispatch_flow(f));
  p.compiled = std::move(c);
}

}  // namespace aftersale
