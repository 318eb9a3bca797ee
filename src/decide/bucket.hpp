// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the bucket of a value in a column of a table's index (model/compiled.hpp), shared by
// matching one request (match.cpp) and matching a batch column by column (batch.cpp).
#include <cstddef>
#include <cstdint>

#include "model/compiled.hpp"

namespace aftersale::detail {

// How many of the sorted `bp[0 .. n)` are <= v, for n <= 64, without branches on the data: the
// last breakpoint of each full group of 8 is compared first (independent loads, summed), then
// the up to 8 breakpoints of the group that holds the answer. Two short rounds of independent
// compares instead of a chain of dependent loads.
inline std::uint32_t count_le_64(const std::int64_t* bp, std::size_t n, std::int64_t v) noexcept {
  std::size_t group = 0;
  for (std::size_t k = 7; k < n; k += 8) group += bp[k] <= v;
  const std::size_t base = group * 8;
  const std::size_t len = n - base < 8 ? n - base : 8;
  std::uint32_t b = 0;
  for (std::size_t i = 0; i < len; ++i) b += bp[base + i] <= v;
  return static_cast<std::uint32_t>(base) + b;
}

// The bucket of value `v` in a numeric column: how many breakpoints are <= v.
inline std::uint32_t numeric_bucket(const column_index& col, std::int64_t v) noexcept {
  const std::int64_t* bp = col.breakpoints.data();
  const std::size_t n = col.breakpoints.size();
  if (n <= 64) return count_le_64(bp, n, v);
  // Long lists: halve without branches (conditional moves: a request's values are random
  // enough that a branchy binary search mispredicts on most steps) down to 64, then count.
  const std::int64_t* base = bp;
  std::size_t len = n;
  while (len > 64) {
    const std::size_t half = len / 2;
    base = base[half - 1] <= v ? base + half : base;
    len -= half;
  }
  return static_cast<std::uint32_t>(base - bp) + count_le_64(base, len, v);
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
