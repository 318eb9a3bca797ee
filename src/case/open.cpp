// SPDX-License-Identifier: Apache-2.0
// open_case(): a new case in a flow, from a decision or from facts.
#include <aftersale/decide.hpp>
#include <algorithm>
#include <string>

#include "base/nearest.hpp"
#include "case/runtime.hpp"

namespace aftersale {

using detail::case_access;

namespace {

std::uint32_t flow_named(const policy& p, std::string_view id) {
  if (const std::optional<std::uint32_t> f = p.find_flow(id)) return *f;
  std::string known;
  std::vector<std::string> ids;
  for (const flow_def& f : p.flows) {
    known += (known.empty() ? "`" : ", `") + f.id + '`';
    ids.push_back(f.id);
  }
  throw error(detail::with_did_you_mean(
      "unknown flow `" + std::string(id) + "`: the policy has " + (known.empty() ? "no flows" : known), id,
      ids));
}

// The case with its values and clock slots, before the start state is entered. `rule_match`
// and `then` come from the decision (both null when opening with facts).
service_case open_in(std::shared_ptr<const policy> p, std::uint32_t flow, const bound_request& facts,
                     const rule_match* match, const rule_outcome* then, sys_seconds decided_at,
                     sys_seconds now) {
  const policy& pol = *p;
  const flow_def& f = pol.flows[flow];
  detail::compiled_of(pol);  // the runtime reads its dispatch lists unchecked
  if (facts.size() != pol.facts.size()) {
    throw usage_error(error_code::foreign_input,
                      "the facts have " + std::to_string(facts.size()) + " values but the policy declares " +
                          std::to_string(pol.facts.size()) + " facts: bind them with this policy");
  }
  if (f.start >= f.states.size()) throw error("flow `" + f.id + "` has no start state");

  service_case c;
  case_access::policy_ptr(c) = std::move(p);
  case_access::flow(c) = flow;
  const auto fact_count = static_cast<std::uint32_t>(pol.facts.size());
  case_access::reset_values(c, fact_count + static_cast<std::uint32_t>(f.variables.size()));
  for (std::uint32_t i = 0; i < fact_count; ++i) {
    if (facts.has(i)) case_access::set_value(c, i, facts.value(i), true);
  }
  for (std::uint32_t i = 0; i < f.variables.size(); ++i) {
    if (f.variables[i].default_value)
      case_access::set_value(c, fact_count + i, *f.variables[i].default_value, true);
  }

  // One slot per clock the flow mentions or the decision started, sorted by clock index.
  std::vector<std::uint32_t> ids = f.clocks;
  if (match) {
    for (const deadline& d : match->deadlines) ids.push_back(d.clock);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<case_clock>& clocks = case_access::clocks(c);
  clocks.reserve(ids.size());
  for (std::uint32_t id : ids) {
    case_clock k;
    k.clock = id;
    clocks.push_back(k);
  }
  if (match) {
    for (const deadline& d : match->deadlines) {
      case_clock& k = clocks[detail::clock_slot(clocks, d.clock)];
      k.state = case_clock::status::running;
      k.started = decided_at;
      k.due = d.due;
    }
  }
  if (then) {
    case_access::escalation(c) = then->escalation;
    case_access::remark_flag(c) = then->remark_flag;
    case_access::remark(c) = then->remark;
  }
  case_access::opened_at(c) = now;
  case_access::entered_at(c) = now;
  return c;
}

// Enters the start state: the decision's amounts fill money variables of the same name, the
// lifecycle hears of a decided escalation, then the start state's clock actions and automatic
// transitions.
void enter_start(service_case& c, const rule_match* match, const rule_outcome* then, sys_seconds now) {
  const policy& p = c.source_policy();
  const flow_def& f = c.flow();
  std::vector<emitted_action> actions;  // automatic transitions may emit; opening reports none
  detail::planner plan(c, now, actions);
  plan.begin(history_entry::kind::opened, npos, npos);
  if (match && then) {
    const auto facts = static_cast<std::uint32_t>(p.facts.size());
    for (std::size_t a = 0; a < then->amounts.size() && a < match->amounts.size(); ++a) {
      if (!match->has_amount(a)) continue;
      for (std::uint32_t v = 0; v < f.variables.size(); ++v) {
        if (f.variables[v].type == fact_type::money && f.variables[v].name == then->amounts[a].name) {
          plan.assign(facts + v, match->amounts[a]);
        }
      }
    }
    if (then->escalation != npos) plan.lifecycle(detail::lifecycle_input::escalated);
  }
  plan.enter(f.start);
  plan.automatic();
  plan.commit(c, {});
}

}  // namespace

service_case open_case(const decision& d, sys_seconds now) {
  if (!d.matched() || d.matches().empty()) {
    throw error("the decision is `" + std::string(to_string(d.status())) +
                "`: no rule names a flow to open a case in");
  }
  const rule& r = d.first_rule();
  if (r.then.flow.empty()) throw error("rule `" + r.id + "` names no flow: add `flow:` to its `then`");
  const std::uint32_t flow = flow_named(d.source_policy(), r.then.flow);
  const rule_match& m = d.matches().front();
  service_case c = open_in(d.policy_ptr(), flow, d.facts(), &m, &r.then, d.now(), now);
  enter_start(c, &m, &r.then, now);
  return c;
}

service_case open_case(std::shared_ptr<const policy> p, std::string_view flow, const bound_request& facts,
                       sys_seconds now) {
  if (!p) throw usage_error(error_code::no_policy, "open_case needs a policy, got none");
  const std::uint32_t f = flow_named(*p, flow);
  service_case c = open_in(std::move(p), f, facts, nullptr, nullptr, now, now);
  enter_start(c, nullptr, nullptr, now);
  return c;
}

}  // namespace aftersale
