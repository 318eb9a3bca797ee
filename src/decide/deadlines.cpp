// SPDX-License-Identifier: Apache-2.0
// SLA deadlines of a rule outcome, each on its clock's business calendar.
#include "decide/evaluate.hpp"

namespace aftersale::detail {

void compute_deadlines(const policy& p, const rule_outcome& then, sys_seconds now,
                       std::vector<deadline>& out) {
  out.clear();
  out.reserve(then.clocks.size());
  for (std::uint32_t id : then.clocks) {
    if (id >= p.clocks.size()) continue;  // the loader resolves every clock; stay safe
    out.push_back(deadline{id, clock_due(p, id, now)});
  }
}

}  // namespace aftersale::detail
