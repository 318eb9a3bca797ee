// compile_policy(): what is derived from a finished policy so that deciding and running cases
// never search (src/model/compiled.hpp): a bitset index per decision table, and per flow the
// (state, event) dispatch lists and the automatic and timer transitions of each state.
#include <aftersale/load.hpp>
#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "model/compiled.hpp"

namespace aftersale {

namespace {

using detail::column_index;
using detail::flow_dispatch;
using detail::table_index;

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

bool is_numeric(fact_type t) {
  return t == fact_type::integer || t == fact_type::money || t == fact_type::duration ||
         t == fact_type::timestamp;
}

// Value buckets of a non-numeric column: one per value index, plus "other" for any value
// outside them (`string_other`; never produced by bind() for enums and bools).
std::uint32_t value_count(const fact_def& f) {
  return f.type == fact_type::boolean ? 2u : static_cast<std::uint32_t>(f.values.size());
}

// Every bound where some condition's answer may change: a value in bucket b satisfies
// exactly the same conditions as every other value in b.
std::vector<std::int64_t> breakpoints_of(const std::vector<const condition*>& conds) {
  std::vector<std::int64_t> bp;
  // The lowest value is never a breakpoint, so bucket 0 always holds at least it.
  auto edge = [&](std::int64_t lo, std::int64_t hi) {
    if (lo != lowest) bp.push_back(lo);
    if (hi != highest) bp.push_back(hi + 1);
  };
  for (const condition* c : conds) {
    if (c->op == condition_op::exists || c->op == condition_op::missing) continue;
    if (c->uses_set) {
      for (std::int64_t v : c->set) edge(v, v);
    } else if (c->lo <= c->hi) {
      edge(c->lo, c->hi);
    }
  }
  std::sort(bp.begin(), bp.end());
  bp.erase(std::unique(bp.begin(), bp.end()), bp.end());
  return bp;
}

// True when a value in bucket b passes all `conds` of one rule (absent when !value).
bool passes(const std::vector<const condition*>& conds, const std::optional<std::int64_t>& value) {
  for (const condition* c : conds) {
    if (!value ? c->op != condition_op::missing : !c->test(*value)) return false;
  }
  return true;
}

// The bitset index of one table (see compiled.hpp).
table_index index_table(const policy& p, const decision_table& table) {
  table_index ix;
  const std::size_t rules = table.rules.size();
  ix.words = static_cast<std::uint32_t>((rules + 63) / 64);
  ix.all.assign(ix.words, 0);
  for (std::size_t r = 0; r < rules; ++r) ix.all[r / 64] |= std::uint64_t{1} << (r % 64);

  std::vector<std::uint32_t> tested;
  for (const rule& r : table.rules) {
    for (const condition& c : r.conditions) tested.push_back(c.fact);
  }
  std::sort(tested.begin(), tested.end());
  tested.erase(std::unique(tested.begin(), tested.end()), tested.end());

  std::vector<double> density;  // share of set bits over the value buckets, per column
  for (std::uint32_t fact : tested) {
    if (fact >= p.facts.size()) continue;  // the loader never produces this; a hand-built policy may
    const fact_def& f = p.facts[fact];
    column_index col;
    col.fact = fact;
    col.numeric = is_numeric(f.type);

    // conds[r]: rule r's conditions on this fact (usually zero or one).
    std::vector<std::vector<const condition*>> conds(rules);
    std::vector<const condition*> every;
    for (std::size_t r = 0; r < rules; ++r) {
      for (const condition& c : table.rules[r].conditions) {
        if (c.fact == fact) {
          conds[r].push_back(&c);
          every.push_back(&c);
        }
      }
    }
    if (col.numeric) {
      col.breakpoints = breakpoints_of(every);
      col.buckets = static_cast<std::uint32_t>(col.breakpoints.size() + 1);
    } else {
      col.buckets = value_count(f) + 1;
    }
    // A representative value of each value bucket; nothing for "absent".
    auto sample = [&](std::uint32_t b) -> std::optional<std::int64_t> {
      if (b == col.buckets) return std::nullopt;
      if (col.numeric) return b == 0 ? lowest : col.breakpoints[b - 1];
      return b + 1 == col.buckets ? string_other : static_cast<std::int64_t>(b);
    };
    col.bits.assign(static_cast<std::size_t>(col.buckets + 1) * ix.words, 0);
    col.first_word.assign(col.buckets + 1, ix.words);
    std::size_t set_bits = 0;
    for (std::uint32_t b = 0; b <= col.buckets; ++b) {
      const std::optional<std::int64_t> v = sample(b);
      std::uint64_t* row = col.bits.data() + static_cast<std::size_t>(b) * ix.words;
      for (std::size_t r = 0; r < rules; ++r) {
        if (!passes(conds[r], v)) continue;
        row[r / 64] |= std::uint64_t{1} << (r % 64);
        if (b < col.buckets) ++set_bits;
      }
      col.nonzero_begin.push_back(static_cast<std::uint32_t>(col.nonzero_words.size()));
      for (std::uint32_t w = 0; w < ix.words; ++w) {
        if (!row[w]) continue;
        if (col.first_word[b] == ix.words) col.first_word[b] = w;
        col.nonzero_words.push_back(w);
      }
    }
    col.nonzero_begin.push_back(static_cast<std::uint32_t>(col.nonzero_words.size()));
    density.push_back(
        rules == 0 ? 1.0 : static_cast<double>(set_bits) / (static_cast<double>(rules) * col.buckets));
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
