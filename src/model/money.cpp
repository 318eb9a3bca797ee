// SPDX-License-Identifier: Apache-2.0
// Money arithmetic shared by decisions and flows: exact integer computation of one amount
// rule with its declared rounding (128-bit intermediate, saturating result).
#include <limits>

#include "model/semantics.hpp"

namespace aftersale::detail {

namespace {

__extension__ typedef __int128 wide;

// n / q rounded as declared; q > 0.
wide divide(wide n, wide q, rounding mode) {
  const wide t = n / q;  // truncated toward zero
  const wide rem = n % q;
  if (rem == 0) return t;
  const wide away = n < 0 ? t - 1 : t + 1;  // one step away from zero
  const wide twice = 2 * (rem < 0 ? -rem : rem);
  switch (mode) {
    case rounding::down:
      return n < 0 ? away : t;  // toward −∞
    case rounding::up:
      return n > 0 ? away : t;  // toward +∞
    case rounding::half_up:
      return twice >= q ? away : t;  // half away from zero
    case rounding::half_even:
      return twice > q || (twice == q && t % 2 != 0) ? away : t;
  }
  return t;
}

}  // namespace

bool compute_amount(const amount_rule& a, const amount_operands& v, std::int64_t& out) noexcept {
  wide p = a.numerator, q = a.denominator;
  if (q == 0) return false;  // refused by the loader (E205)
  if (q < 0) {
    p = -p;
    q = -q;
  }
  wide r = divide(wide{v.of} * p, q, a.rounding) - v.minus;
  // Lower bound first, then the upper: when they disagree the cap wins.
  if (a.min.what != money_operand::kind::none && r < v.min) r = v.min;
  if (a.max.what != money_operand::kind::none && r > v.max) r = v.max;
  constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t bottom = std::numeric_limits<std::int64_t>::min();
  out = r > top ? top : r < bottom ? bottom : static_cast<std::int64_t>(r);  // saturate
  return true;
}

}  // namespace aftersale::detail
