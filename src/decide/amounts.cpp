// SPDX-License-Identifier: Apache-2.0
// Money computations of a rule outcome: exact integer arithmetic with declared rounding.
#include "decide/evaluate.hpp"

namespace aftersale::detail {

namespace {

// An operand's value; false when it refers to something absent.
bool operand(const money_operand& o, const bound_request& facts, const std::vector<std::int64_t>& values,
             const std::vector<std::uint8_t>& present, std::size_t self, std::int64_t& out) {
  switch (o.what) {
    case money_operand::kind::none:
      return false;
    case money_operand::kind::constant:
      out = o.value;
      return true;
    case money_operand::kind::fact:
      if (!facts.has(o.ref)) return false;
      out = facts.value(o.ref);
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

}  // namespace aftersale::detail
