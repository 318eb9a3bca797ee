// The per-table bitset index: built once at load time, then ANDed per request to find
// matching rules without testing them one by one.
#include <aftersale/decide.hpp>
#include <aftersale/detail/table_index.hpp>

#include <algorithm>
#include <limits>

#include "decide/evaluate.hpp"

namespace aftersale::detail {

namespace {

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

bool is_numeric(fact_type t) {
  return t == fact_type::integer || t == fact_type::money || t == fact_type::duration || t == fact_type::timestamp;
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

inline std::uint32_t bucket_of(const column_index& col, const bound_request& facts) noexcept {
  if (col.fact >= facts.present.size() || !facts.present[col.fact]) return col.buckets;
  const std::int64_t v = facts.values[col.fact];
  if (!col.numeric) {
    // Value index, or the "other" bucket (last value bucket) for anything outside.
    const std::uint64_t u = static_cast<std::uint64_t>(v);
    const std::uint64_t other = col.buckets - 1;
    return static_cast<std::uint32_t>(u < other ? u : other);
  }
  const std::int64_t* bp = col.breakpoints.data();
  const std::size_t n = col.breakpoints.size();
  if (n <= 8) {
    // Short lists: a branch-free count.
    std::uint32_t b = 0;
    for (std::size_t i = 0; i < n; ++i) b += bp[i] <= v;
    return b;
  }
  // upper_bound without branches (conditional moves): a request's values are random
  // enough that a branchy binary search mispredicts on most steps.
  const std::int64_t* base = bp;
  for (std::size_t len = n; len > 1;) {
    const std::size_t half = len / 2;
    base = base[half] <= v ? base + half : base;
    len -= half;
  }
  return static_cast<std::uint32_t>(base - bp) + (*base <= v);
}

// Up to this many columns keep their bucket pointer on the stack; more (rare) are looked
// up again per word, which stays correct and allocation-free.
constexpr std::size_t cached_columns = 48;

struct resolved {
  const std::uint64_t* rows[cached_columns];
  std::size_t cached = 0;
  std::uint32_t start = 0;  // no match can lie before this word
  // The words to visit: the first column's nonzero words (or every word without columns).
  const std::uint32_t* visit = nullptr;
  const std::uint32_t* visit_end = nullptr;
};

inline void resolve(const table_index& ix, const bound_request& facts, resolved& r) noexcept {
  const std::size_t n = std::min(ix.columns.size(), cached_columns);
  r.cached = n;
  r.start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const column_index& col = ix.columns[i];
    const std::uint32_t b = bucket_of(col, facts);
    r.rows[i] = col.bits.data() + static_cast<std::size_t>(b) * ix.words;
    r.start = std::max(r.start, col.first_word[b]);
    if (i == 0) {
      r.visit = col.nonzero_words.data() + col.nonzero_begin[b];
      r.visit_end = col.nonzero_words.data() + col.nonzero_begin[b + 1];
    }
  }
}

// The AND of every column's bucket word `w`. Column bits exist only for real rules, so
// `all` is needed only for a table without columns.
inline std::uint64_t word_at(const table_index& ix, const bound_request& facts, const resolved& r,
                             std::uint32_t w) noexcept {
  if (ix.columns.empty()) return ix.all[w];
  std::uint64_t acc = r.rows[0][w];
  for (std::size_t i = 1; i < r.cached && acc; ++i) acc &= r.rows[i][w];
  for (std::size_t i = r.cached; i < ix.columns.size() && acc; ++i) {
    const column_index& col = ix.columns[i];
    acc &= col.bits[static_cast<std::size_t>(bucket_of(col, facts)) * ix.words + w];
  }
  return acc;
}

// Calls `on_word(w, bits)` for each word with matches, in order, until it returns true.
template <class OnWord>
inline void scan(const table_index& ix, const bound_request& facts, OnWord on_word) noexcept(noexcept(on_word(0u, 0u))) {
  if (ix.words == 0) return;
  if (ix.words == 1) {
    // Up to 64 rules: one AND per column, no bookkeeping.
    std::uint64_t acc = ix.all[0];
    for (const column_index& col : ix.columns) acc &= col.bits[bucket_of(col, facts)];
    if (acc) on_word(0u, acc);
    return;
  }
  resolved r;
  resolve(ix, facts, r);
  if (ix.columns.empty()) {
    for (std::uint32_t w = 0; w < ix.words; ++w) {
      if (ix.all[w] && on_word(w, ix.all[w])) return;
    }
    return;
  }
  const std::uint32_t* w = r.visit;
  while (w != r.visit_end && *w < r.start) ++w;
  for (; w != r.visit_end; ++w) {
    const std::uint64_t acc = word_at(ix, facts, r, *w);
    if (acc && on_word(*w, acc)) return;
  }
}

inline std::uint32_t lowest_bit(std::uint64_t x) noexcept { return static_cast<std::uint32_t>(__builtin_ctzll(x)); }

}  // namespace

void build_table_index(const policy& p, decision_table& table) {
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
    if (fact >= p.facts.size()) continue;  // the loader never produces this; stay safe
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
    density.push_back(rules == 0 ? 1.0 : static_cast<double>(set_bits) / (static_cast<double>(rules) * col.buckets));
    ix.columns.push_back(std::move(col));
  }
  // Most selective columns first: the AND of a word usually hits zero after one or two.
  std::vector<std::size_t> order(ix.columns.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return density[a] < density[b]; });
  std::vector<column_index> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) sorted.push_back(std::move(ix.columns[i]));
  ix.columns = std::move(sorted);
  table.index = std::move(ix);
}

void all_matches(const decision_table& table, const bound_request& facts, std::vector<std::uint32_t>& out) {
  out.clear();
  scan(table.index, facts, [&](std::uint32_t w, std::uint64_t acc) {
    for (; acc; acc &= acc - 1) out.push_back(w * 64 + lowest_bit(acc));
    return false;
  });
}

}  // namespace aftersale::detail

namespace aftersale {

std::uint32_t first_match(const decision_table& table, const bound_request& facts) noexcept {
  std::uint32_t found = npos;
  detail::scan(table.index, facts, [&](std::uint32_t w, std::uint64_t acc) noexcept {
    found = w * 64 + detail::lowest_bit(acc);
    return true;
  });
  return found;
}

}  // namespace aftersale
