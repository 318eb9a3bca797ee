// SPDX-License-Identifier: Apache-2.0
// Matching: a table's bitset index (built by the loader, model/compiled.hpp) ANDed per request,
// block by block, to find the matching rules without testing them one by one.
#include <aftersale/decide.hpp>
#include <algorithm>

#include "decide/bucket.hpp"
#include "decide/evaluate.hpp"
#include "model/compiled.hpp"

namespace aftersale::detail {

namespace {

// `Row` is a `fact_row` (a batch block's row) or a `flat_row` (a bound request's).
template <class Row>
inline std::uint32_t bucket_of(const column_index& col, const Row& facts) noexcept {
  if (!facts.has(col.fact)) return col.buckets;
  return value_bucket(col, facts.values[col.fact]);
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

template <class Row>
inline void resolve(const index_block& ix, const Row& facts, resolved& r) noexcept {
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
template <class Row>
inline std::uint64_t word_at(const index_block& ix, const Row& facts, const resolved& r,
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
template <class Row, class OnWord>
inline void scan(const index_block& ix, const Row& facts,
                 OnWord on_word) noexcept(noexcept(on_word(0u, 0u))) {
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

inline std::uint32_t lowest_bit(std::uint64_t x) noexcept {
  return static_cast<std::uint32_t>(__builtin_ctzll(x));
}

template <class Row>
inline std::uint32_t first_in_block(const index_block& block, const Row& facts) noexcept {
  std::uint32_t found = npos;
  scan(block, facts, [&](std::uint32_t w, std::uint64_t acc) noexcept {
    found = w * 64 + lowest_bit(acc);
    return true;
  });
  return found;
}

// The blocks after the first (very large tables only): kept out of line, so the scan inlined
// into `first_match` is the one-block scan alone.
template <class Row>
[[gnu::noinline]] std::uint32_t first_in_more(const table_index& ix, const Row& facts) noexcept {
  for (const index_block& block : ix.more) {
    const std::uint32_t found = first_in_block(block, facts);
    if (found != npos) return block.first_rule + found;
  }
  return npos;
}

template <class Row>
inline std::uint32_t first_in(const table_index& ix, const Row& facts) noexcept {
  // The first block holds every rule of all but very large tables: its answer is the answer.
  const std::uint32_t found = first_in_block(ix.first, facts);
  if (__builtin_expect(found == npos && !ix.more.empty(), 0)) return first_in_more(ix, facts);
  return found;
}

}  // namespace

std::uint32_t first_match(const table_index& ix, const fact_row& facts) noexcept {
  return first_in(ix, facts);
}

bool matches_by_column(const table_index& ix) noexcept { return ix.more.empty() && ix.first.words == 1; }

std::uint32_t first_match(const table_index& ix, const bound_request& facts) noexcept {
  return first_in(ix, row_of(facts));
}

void all_matches(const table_index& ix, const bound_request& bound, std::vector<std::uint32_t>& out) {
  out.clear();
  const flat_row facts = row_of(bound);
  for (std::size_t i = 0, n = ix.blocks(); i < n; ++i) {
    const index_block& block = ix.block(i);
    scan(block, facts, [&](std::uint32_t w, std::uint64_t acc) {
      for (; acc; acc &= acc - 1) out.push_back(block.first_rule + w * 64 + lowest_bit(acc));
      return false;
    });
  }
}

}  // namespace aftersale::detail

namespace aftersale {

std::uint32_t first_match(const policy& p, std::uint32_t table, const bound_request& facts) noexcept {
  const detail::compiled_policy* c = p.compiled.get();
  if (!c || table >= c->tables.size()) return npos;
  return detail::first_in(c->tables[table],
                          detail::row_of(facts));  // the scan inlined here: no second call on the hot path
}

}  // namespace aftersale
