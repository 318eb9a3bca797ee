// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the C++ type of a column's elements, for code templated on it (request_columns
// reading a caller's column, decide_batch matching straight from one).
#include <aftersale/batch.hpp>
#include <cstdint>

namespace aftersale::detail {

/// Calls `f(T{})` with the C++ type of elements of type `t`.
template <class F>
inline void with_type(column_type t, F&& f) {
  switch (t) {
    case column_type::int8:
      return f(std::int8_t{});
    case column_type::int16:
      return f(std::int16_t{});
    case column_type::int32:
      return f(std::int32_t{});
    case column_type::int64:
      return f(std::int64_t{});
    case column_type::uint8:
    case column_type::boolean:
      return f(std::uint8_t{});
    case column_type::uint16:
      return f(std::uint16_t{});
    case column_type::uint32:
      return f(std::uint32_t{});
  }
}

}  // namespace aftersale::detail
