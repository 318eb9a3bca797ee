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

/// What a value of type `t` must look like, for "expected ..." in messages (`an integer`).
std::string expected_kind(fact_type t);

}  // namespace aftersale::detail
