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

/// One request's encoded facts as two arrays of the policy's fact count (a `bound_request`'s
/// vectors, or a row of a batch block): what matching reads.
struct fact_row {
  const std::int64_t* values = nullptr;
  const std::uint8_t* present = nullptr;
  std::size_t size = 0;  ///< facts at or past this index count as absent
};

inline fact_row row_of(const bound_request& b) noexcept {
  return fact_row{b.values.data(), b.present.data(), std::min(b.values.size(), b.present.size())};
}

/// `first_match` on a row given as arrays.
std::uint32_t first_match(const table_index& ix, const fact_row& facts) noexcept;

/// The most rows `first_match_columns` takes at once.
inline constexpr std::size_t max_column_rows = 256;

/// True when `first_match_columns` can decide the table indexed by `ix` (at most 64 rules).
bool matches_by_column(const table_index& ix) noexcept;

/// `first_match` of `count` rows (at most `max_column_rows`) given column by column: fact `f` of
/// row `i` is `values[f][i]`, present when `present[f][i]`; `values[f]` null = absent in every
/// row. `out[i]` is row i's rule or npos. Only when `matches_by_column(ix)`.
void first_match_columns(const table_index& ix, std::size_t count, const std::int64_t* const* values,
                         const std::uint8_t* const* present, std::uint32_t* out) noexcept;

/// The first rule of the table indexed by `ix` matching `facts` (derived facts filled in), or
/// npos: `aftersale::first_match` without the look-up of the index.
std::uint32_t first_match(const table_index& ix, const bound_request& facts) noexcept;

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
