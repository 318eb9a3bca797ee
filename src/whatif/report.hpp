// SPDX-License-Identifier: Apache-2.0
#pragma once
// What compare, merge and the JSON reader share: the one order of a report's lists, and money
// sums checked against 64 bits.
#include <aftersale/whatif.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

namespace aftersale::detail {

/// Puts every list of `r` in the documented order (whatif.hpp, `whatif_report`).
void put_in_order(whatif_report& r);

/// `a + b`. @throws whatif_error (E313) beyond 64 bits, naming `what` (an amount and payer)
std::int64_t add_money(std::int64_t a, std::int64_t b, std::string_view what);

/// The lowest `limit` of two ascending lists of row numbers, ascending.
std::vector<std::uint64_t> lowest_samples(const std::vector<std::uint64_t>& a,
                                          const std::vector<std::uint64_t>& b, std::size_t limit);

}  // namespace aftersale::detail
