// Money computations of a rule outcome: exact integer arithmetic with declared rounding.
#include <limits>

#include "evaluate_internal.hpp"

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
    case rounding::down: return n < 0 ? away : t;  // toward −∞
    case rounding::up: return n > 0 ? away : t;    // toward +∞
    case rounding::half_up: return twice >= q ? away : t;  // half away from zero
    case rounding::half_even: return twice > q || (twice == q && t % 2 != 0) ? away : t;
  }
  return t;
}

// An operand's value; false when it refers to something absent.
bool operand(const money_operand& o, const bound_request& facts, const std::vector<std::int64_t>& values,
             const std::vector<std::uint8_t>& present, std::size_t self, std::int64_t& out) {
  switch (o.what) {
    case money_operand::kind::none: return false;
    case money_operand::kind::constant: out = o.value; return true;
    case money_operand::kind::fact:
      if (o.ref >= facts.present.size() || !facts.present[o.ref]) return false;
      out = facts.values[o.ref];
      return true;
    case money_operand::kind::amount:
      // Only earlier amounts: the loader refuses cycles, this keeps hand-built ones safe.
      if (o.ref >= self || !present[o.ref]) return false;
      out = values[o.ref];
      return true;
  }
  return false;
}

}  // namespace

void compute_amounts(const rule_outcome& then, const bound_request& facts, std::vector<std::int64_t>& values,
                     std::vector<std::uint8_t>& present) {
  const std::size_t n = then.amounts.size();
  values.assign(n, 0);
  present.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const amount_rule& a = then.amounts[i];
    std::int64_t of = 0, minus = 0, lo = 0, hi = 0;
    // A written operand that refers to an absent fact makes the amount absent; an
    // operand not written at all is neutral (of 0, minus 0, no bound).
    auto get = [&](const money_operand& o, std::int64_t& out) {
      return o.what == money_operand::kind::none || operand(o, facts, values, present, i, out);
    };
    if (!get(a.of, of) || !get(a.minus, minus) || !get(a.min, lo) || !get(a.max, hi)) continue;
    if (compute_amount(a, amount_operands{of, minus, lo, hi}, values[i])) present[i] = 1;
  }
}

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
