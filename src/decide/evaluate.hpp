// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the pieces decide() is made of, shared between the evaluator's source files (and
// the analyser, which replays rules the way decide() reads them).
#include <aftersale/decide.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "model/semantics.hpp"

namespace aftersale::detail {

struct table_index;  // model/compiled.hpp

/// One request's encoded facts as two arrays of the policy's fact count (a row of a batch
/// block): what matching reads.
struct fact_row {
  const std::int64_t* values = nullptr;
  const std::uint8_t* present = nullptr;
  std::size_t size = 0;  ///< facts at or past this index count as absent
  bool has(std::size_t i) const noexcept { return i < size && present[i] != 0; }
};

/// A `bound_request`'s row: values, then the presence mask (one bit per fact).
struct flat_row {
  const std::int64_t* values = nullptr;
  const std::uint64_t* mask = nullptr;
  std::size_t size = 0;  ///< facts at or past this index count as absent
  bool has(std::size_t i) const noexcept { return i < size && ((mask[i / 64] >> (i % 64)) & 1U) != 0; }
};

inline flat_row row_of(const bound_request& b) noexcept {
  return flat_row{b.values(), b.presence(), b.size()};
}

/// Makes `out` the request of `row` (its `size` facts).
inline void assign_row(bound_request& out, const fact_row& row) {
  if (out.size() != row.size) out.resize(row.size);
  for (std::size_t f = 0; f < row.size; ++f) {
    if (row.present[f]) {
      out.set(f, row.values[f]);
    } else {
      out.reset(f);
    }
  }
}

/// The first rule of the table indexed by `ix` matching `facts` (derived facts filled in), or
/// npos: `aftersale::first_match` without the look-up of the index.
std::uint32_t first_match(const table_index& ix, const bound_request& facts) noexcept;
/// The same on a row given as arrays.
std::uint32_t first_match(const table_index& ix, const fact_row& facts) noexcept;

/// True when the table indexed by `ix` is one block of one word (at most 64 rules): its first
/// match is the lowest bit of `all[0]` ANDed with each column's `bits[bucket]`, which a batch
/// can compute column by column (see decide_batch).
bool matches_by_column(const table_index& ix) noexcept;

/// Every rule of the table indexed by `ix` matching `facts` (derived facts filled in), in rule order.
void all_matches(const table_index& ix, const bound_request& facts, std::vector<std::uint32_t>& out);

/// The amounts of `then` for `facts`: `values[i]`/`present[i]` per `then.amounts[i]`.
void compute_amounts(const rule_outcome& then, const bound_request& facts, std::vector<std::int64_t>& values,
                     std::vector<std::uint8_t>& present);

/// The deadline of each clock in `then.clocks`, started at `now`.
void compute_deadlines(const policy& p, const rule_outcome& then, sys_seconds now,
                       std::vector<deadline>& out);

/// Rule `index` checked condition by condition: the first that fails, or npos.
rule_trace trace_rule(const rule& r, std::uint32_t index, const bound_request& facts);

/// The index of decision table `table`. @throws request_error (E304) naming the tables the
/// policy has when there is none by that name.
std::uint32_t find_table(const policy& p, std::string_view table);

}  // namespace aftersale::detail
