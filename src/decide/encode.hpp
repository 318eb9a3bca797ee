// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: how a caller's value is encoded for a declared fact, shared by `bind` and the case
// runtime (event payloads are values for flow variables, typed like facts).
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <cstdint>
#include <string>

namespace aftersale::detail {

/// `v` encoded for a fact (or flow variable) declared as `f` (see `fact_def`).
/// @throws request_error naming `f` when `v` has the wrong type or is not a declared value.
std::int64_t encode_value(const fact_def& f, const fact_value& v);

/// Throws request_error E306 naming `f` when `value` (encoded) lies outside its `min`/`max`.
void check_range(const fact_def& f, std::int64_t value);

/// The E305 message for a money fact (or flow variable) given `minor_units` below zero.
/// Money is never negative: a refund, a fee or a price is an amount, its direction is the rule's.
std::string negative_money_message(const fact_def& f, std::int64_t minor_units);

/// What a value of type `t` must look like, for "expected ..." in messages (`an integer`).
std::string expected_kind(fact_type t);

}  // namespace aftersale::detail
