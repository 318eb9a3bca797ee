// SPDX-License-Identifier: Apache-2.0
// make_outcome_view(): one outcome as plain values, for the CLI and the Python bindings alike.
#include <aftersale/case.hpp>

namespace aftersale {

std::string_view to_string(outcome::status s) {
  switch (s) {
    case outcome::status::accepted:
      return "accepted";
    case outcome::status::refused:
      return "refused";
    case outcome::status::duplicate:
      return "duplicate";
    case outcome::status::conflict:
      return "conflict";
  }
  return "?";
}

outcome_view make_outcome_view(const service_case& c, const outcome& o) {
  outcome_view v;
  v.result = std::string(to_string(o.result()));
  if (o.result() == outcome::status::refused) v.reason = std::string(to_string(o.reason()));
  v.message = o.message();
  if (o.accepted()) {
    const flow_def& f = c.flow();
    if (o.from() < f.states.size()) v.from_state = f.states[o.from()].id;
    if (o.to() < f.states.size()) v.to_state = f.states[o.to()].id;
    v.steps = o.steps();
    v.actions = o.actions();
  }
  return v;
}

}  // namespace aftersale
