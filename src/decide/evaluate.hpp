// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the pieces decide() is made of, shared between the evaluator's source files (and
// the analyser, which replays rules the way decide() reads them).
#include <aftersale/decide.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "model/semantics.hpp"

namespace aftersale::detail {

struct table_index;  // model/compiled.hpp

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
