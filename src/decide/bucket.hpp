// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the bucket of a value in a column of a table's index (model/compiled.hpp), shared by
// matching one request (match.cpp) and matching a batch column by column (batch.cpp).
#include <cstddef>
#include <cstdint>

#include "model/compiled.hpp"

namespace aftersale::detail {

// The bucket of value `v` in a numeric column: how many breakpoints are <= v.
inline std::uint32_t numeric_bucket(const column_index& col, std::int64_t v) noexcept {
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

/// The bucket of a present value `v` (an absent one is `col.buckets`).
inline std::uint32_t value_bucket(const column_index& col, std::int64_t v) noexcept {
  if (!col.numeric) {
    // Value index, or the "other" bucket (last value bucket) for anything outside.
    const std::uint64_t u = static_cast<std::uint64_t>(v);
    const std::uint64_t other = col.buckets - 1;
    return static_cast<std::uint32_t>(u < other ? u : other);
  }
  return numeric_bucket(col, v);
}

}  // namespace aftersale::detail
