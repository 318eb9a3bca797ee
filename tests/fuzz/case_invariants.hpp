// SPDX-License-Identifier: Apache-2.0
#pragma once
// The runtime's invariants, checked on a case after every step of the fuzz targets `snapshot`
// and `events`: what docs/snapshots.md says `from_json` accepts must hold of every case the
// runtime makes, and the snapshot of any case must restore to the same case and the same text.
#include <aftersale/case.hpp>
#include <algorithm>
#include <string>

#include "fuzz_support.hpp"

namespace aftersale_fuzz {

inline void check_case(const aftersale::service_case& c) {
  const aftersale::policy& p = c.source_policy();
  FUZZ_CHECK(c.flow_index() < p.flows.size(), "the case's flow is not in the policy");
  const aftersale::flow_def& f = c.flow();
  FUZZ_CHECK(c.state_index() < f.states.size(), "the case's state is not in its flow");
  FUZZ_CHECK(c.value_count() == p.facts.size() + f.variables.size(),
             "one value slot per fact and flow variable");
  FUZZ_CHECK(c.escalation_index() == aftersale::npos || c.escalation_index() < p.vocabulary.roles.size(),
             "escalation outside the roles");
  FUZZ_CHECK(c.remark_flag_index() == aftersale::npos || c.remark_flag_index() < p.vocabulary.flags.size(),
             "remark flag outside the flags");
  const bool terminal = c.state().terminal;
  const bool done =
      c.phase() == aftersale::lifecycle_phase::resolved || c.phase() == aftersale::lifecycle_phase::closed;
  FUZZ_CHECK(terminal == done, "a terminal state is resolved or closed, any other state is neither");
  for (std::size_t i = 0; i < c.clocks().size(); ++i) {
    FUZZ_CHECK(c.clocks()[i].clock < p.clocks.size(), "a case clock outside the policy's clocks");
    if (i > 0)
      FUZZ_CHECK(c.clocks()[i - 1].clock < c.clocks()[i].clock, "case clocks once each, in policy order");
  }
  const auto& ids = c.applied_event_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    FUZZ_CHECK(!ids[i].empty(), "an empty applied event id");
    if (i > 0) FUZZ_CHECK(ids[i - 1] < ids[i], "applied event ids sorted, once each");
  }
  for (const aftersale::history_entry& h : c.history()) {
    FUZZ_CHECK(h.from == aftersale::npos || h.from < f.states.size(), "history `from` outside the flow");
    FUZZ_CHECK(h.to == aftersale::npos || h.to < f.states.size(), "history `to` outside the flow");
    FUZZ_CHECK(h.transition == aftersale::npos || h.transition < f.transitions.size(),
               "history transition outside the flow");
  }
  // The snapshot is exact: it restores to an equal case, and writing that gives the same text.
  const std::string snap = aftersale::to_json(c);
  aftersale::service_case back;
  try {
    back = aftersale::from_json(c.policy_ptr(), snap);
  } catch (const aftersale::error& e) {
    FUZZ_CHECK(false, std::string("the snapshot of a live case does not restore: ") + e.what() + "\n" + snap);
  }
  FUZZ_CHECK(back == c, "a restored snapshot differs from the case:\n" + snap);
  FUZZ_CHECK(aftersale::to_json(back) == snap, "to_json(from_json(s)) != s:\n" + snap);
}

}  // namespace aftersale_fuzz
