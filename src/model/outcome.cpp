// SPDX-License-Identifier: Apache-2.0
// Comparing rule outcomes by what they prescribe (where they were written does not matter):
// the `any` hit policy, the overlap analysis and store policy checks share this one meaning.
#include <algorithm>

#include "model/semantics.hpp"

namespace aftersale::detail {

namespace {

bool same_operand(const money_operand& a, const money_operand& b) {
  return a.what == b.what && a.value == b.value && a.ref == b.ref;
}

// What an amount computes; where it was written does not matter.
bool same_amount(const amount_rule& a, const amount_rule& b) {
  return a.name == b.name && same_operand(a.of, b.of) && a.numerator == b.numerator &&
         a.denominator == b.denominator && same_operand(a.minus, b.minus) && same_operand(a.min, b.min) &&
         same_operand(a.max, b.max) && a.rounding == b.rounding;
}

}  // namespace

bool same_outcome(const rule_outcome& a, const rule_outcome& b) {
  return a.solution == b.solution && a.steps == b.steps && a.fee_payer == b.fee_payer &&
         a.evidence == b.evidence && a.escalation == b.escalation && a.remark_flag == b.remark_flag &&
         a.remark == b.remark && a.clocks == b.clocks && a.customer_label == b.customer_label &&
         a.agent_label == b.agent_label && a.flow == b.flow && a.amounts.size() == b.amounts.size() &&
         std::equal(a.amounts.begin(), a.amounts.end(), b.amounts.begin(), same_amount);
}

}  // namespace aftersale::detail
