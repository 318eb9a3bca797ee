// SPDX-License-Identifier: Apache-2.0
// apply(): fires the timers that fell due before the event, checks the event against the case
// (refusals in the documented order), plans the transition with its effects and the automatic
// ones that follow, then commits.
#include <algorithm>
#include <string>
#include <utility>

#include "base/hash.hpp"
#include "base/nearest.hpp"
#include "base/utf8.hpp"
#include "case/runtime.hpp"
#include "decide/encode.hpp"

namespace aftersale {

using detail::case_access;
using detail::planner;

namespace detail {

outcome make_outcome(const service_case& c, std::uint32_t event, std::uint32_t role) {
  outcome o = case_access::make_outcome(&c.source_policy(), c.flow_index());
  case_access::state(o) = c.state_index();
  case_access::event(o) = event;
  case_access::role(o) = role;
  return o;
}

std::uint64_t event_digest(std::string_view event, std::string_view role, const request* payload) {
  fnv1a64 h;
  h.text(event);
  h.text(role);
  if (payload) {
    // As given (the map is ordered by name): a retry sends the same values spelled the same way.
    for (const auto& [name, value] : payload->values()) {
      h.text(name);
      h.byte(static_cast<std::uint8_t>(value.index()));
      if (const auto* b = std::get_if<bool>(&value)) h.byte(*b ? 1 : 0);
      if (const auto* i = std::get_if<std::int64_t>(&value)) h.u64(static_cast<std::uint64_t>(*i));
      if (const auto* s = std::get_if<std::string>(&value)) h.text(*s);
      if (const auto* t = std::get_if<sys_seconds>(&value))
        h.u64(static_cast<std::uint64_t>(t->time_since_epoch().count()));
      if (const auto* d = std::get_if<std::chrono::seconds>(&value))
        h.u64(static_cast<std::uint64_t>(d->count()));
    }
  }
  return h.value() == 0 ? 1 : h.value();
}

}  // namespace detail

namespace {

// The payload of an `event`, encoded for the flow's variables, or why it does not fit.
struct encoded_payload {
  std::vector<detail::planned_value> values;
  std::string error;  ///< non-empty: bad_payload
};

// The request's wording is about facts; a payload fills variables. The code (`error[E301]: `)
// belongs to request errors, not to refusals.
std::string about_variable(std::string message) {
  if (message.compare(0, 6, "error[") == 0) {
    if (const auto end = message.find("]: "); end != std::string::npos) message.erase(0, end + 3);
  }
  static constexpr std::string_view fact = "fact `";
  if (message.compare(0, fact.size(), fact) == 0) message.replace(0, fact.size(), "variable `");
  static constexpr std::string_view of_fact = " of fact `";
  if (const auto at = message.find(of_fact); at != std::string::npos)
    message.replace(at, of_fact.size(), " of variable `");
  return message;
}

encoded_payload encode_payload(const service_case& c, const request& payload) {
  encoded_payload out;
  const flow_def& f = c.flow();
  const auto facts = static_cast<std::uint32_t>(c.source_policy().facts.size());
  for (const auto& [name, value] : payload.values()) {
    std::uint32_t var = npos;
    for (std::uint32_t i = 0; i < f.variables.size(); ++i) {
      if (f.variables[i].name == name) {
        var = i;
        break;
      }
    }
    if (var == npos) {
      out.error =
          c.source_policy().find_fact(name)
              ? "`" + name + "` is a fact of the request, not a variable of flow `" + f.id + "`"
              : detail::with_did_you_mean("flow `" + f.id + "` has no variable `" + name + "`", name, [&] {
                  std::vector<std::string> names;
                  for (const fact_def& v : f.variables) names.push_back(v.name);
                  return names;
                }());
      return out;
    }
    try {
      out.values.push_back({facts + var, detail::encode_value(f.variables[var], value)});
    } catch (const request_error& e) {
      out.error = about_variable(e.what());
      return out;
    }
  }
  return out;
}

// Marks `o` refused; callers then `return o` so the outcome is built in place (NRVO).
void refuse(outcome& o, refusal why) noexcept {
  case_access::status(o) = outcome::status::refused;
  case_access::reason(o) = why;
}

// The shared core of both `apply` forms. `payload` is null for the fast path; `role_name` and
// `event_name` name what could not be resolved, for the message.
outcome apply_core(service_case& c, resolved_event e, sys_seconds now, std::string_view id,
                   std::uint64_t digest, const encoded_payload* payload, std::string_view role_name,
                   std::string_view event_name) {
  const policy& p = c.source_policy();
  const flow_def& f = c.flow();
  outcome o = detail::make_outcome(c, e.event, e.role);

  const std::vector<std::string>& ids = c.applied_event_ids();
  if (!id.empty() && std::binary_search(ids.begin(), ids.end(), id)) {
    // The same event again is a duplicate; the id reused for another event is a conflict. The
    // entry is looked up only here, on the rare repeat (an unknown digest: a duplicate).
    std::uint64_t first = 0;
    for (auto h = c.history().rbegin(); h != c.history().rend(); ++h) {
      if (h->event_id == id) {
        first = h->event_digest;
        break;
      }
    }
    case_access::status(o) =
        first == 0 || first == digest ? outcome::status::duplicate : outcome::status::conflict;
    case_access::detail(o).assign(id.data(), id.size());
    return o;
  }
  // History stays in time order, so a snapshot's times can be checked against each other. Checked
  // last, once the event would otherwise be accepted, so every other refusal reads as before.
  const auto too_early = [&] {
    if (c.history().empty() || !(now < c.history().back().at)) return false;
    case_access::detail(o) =
        "sent at " + format_utc(now) + ", last change at " + format_utc(c.history().back().at);
    refuse(o, refusal::time_went_back);
    return true;
  };
  if (e.role >= p.vocabulary.roles.size()) {
    case_access::role(o) = npos;
    case_access::detail(o).assign(role_name.data(), role_name.size());
    refuse(o, refusal::unknown_role);
    return o;
  }
  const bool is_close = e.event == resolved_event::close;
  const bool is_reopen = e.event == resolved_event::reopen;
  if (c.phase() == lifecycle_phase::closed && !is_reopen) {
    refuse(o, refusal::case_closed);
    return o;
  }
  // An id that is not UTF-8 would go into the history and the snapshot (JSON): refused as a bad
  // payload rather than accepted into a case that could no longer be saved.
  const bool bad_id = !id.empty() && !detail::valid_utf8(id);
  const bool bad_payload = bad_id || (payload && !payload->error.empty());
  const std::string_view payload_error = bad_id    ? std::string_view{"the event id is not valid UTF-8"}
                                         : payload ? std::string_view{payload->error}
                                                   : std::string_view{};

  if (is_close || is_reopen) {
    const auto input = is_close ? detail::lifecycle_input::close : detail::lifecycle_input::reopen;
    if ((is_reopen && f.reopen_to >= f.states.size()) || !detail::lifecycle_next(c.phase(), input)) {
      case_access::value(o) = static_cast<std::int64_t>(c.phase());  // for the message
      refuse(o, refusal::wrong_phase);
      return o;
    }
    if (bad_payload) {
      case_access::detail(o).assign(payload_error.data(), payload_error.size());
      refuse(o, refusal::bad_payload);
      return o;
    }
    if (!planner::allows(is_close ? f.close_roles : f.reopen_roles, e.role)) {
      refuse(o, refusal::role_not_allowed);
      return o;
    }
    if (too_early()) return o;
    planner plan(c, now, case_access::actions(o));
    plan.begin(is_close ? history_entry::kind::close : history_entry::kind::reopen, npos, e.role);
    if (payload) {
      for (const detail::planned_value& v : payload->values) plan.assign(v.index, v.value);
    }
    plan.lifecycle(input);
    bool complete = true;
    if (is_close) {
      plan.stay();
    } else {
      plan.enter(f.reopen_to);
      complete = plan.automatic();
    }
    plan.commit(c, id, digest);
    case_access::status(o) = outcome::status::accepted;
    case_access::from(o) = case_access::state_of(o);
    case_access::to(o) = plan.state();
    case_access::steps(o) = plan.steps();
    if (!complete) case_access::detail(o) = "automatic transitions stopped: they loop";
    return o;
  }

  // A flow event. A resolved case sits in a terminal state: no flow transition applies.
  const auto events = static_cast<std::uint32_t>(f.events.size());
  if (e.event >= events || c.phase() == lifecycle_phase::resolved) {
    if (e.event >= events) {
      case_access::event(o) = npos;
      case_access::detail(o).assign(event_name.data(), event_name.size());
    }
    refuse(o, refusal::unknown_event);
    return o;
  }
  const detail::flow_dispatch& d = detail::dispatch_of(c);
  const std::size_t cell = static_cast<std::size_t>(c.state_index()) * events + e.event;
  if (cell + 1 >= d.dispatch.size()) {
    refuse(o, refusal::unknown_event);
    return o;
  }  // no table built
  const std::uint32_t* first = d.dispatch_list.data() + d.dispatch[cell];
  const std::uint32_t* last = d.dispatch_list.data() + d.dispatch[cell + 1];
  if (first == last) {
    refuse(o, refusal::unknown_event);
    return o;
  }
  if (bad_payload) {
    case_access::detail(o).assign(payload_error.data(), payload_error.size());
    refuse(o, refusal::bad_payload);
    return o;
  }

  // The first candidate in policy order whose roles and guard allow it; guards see the payload.
  const auto choose = [&](const auto& get) {
    std::uint32_t chosen = npos;
    bool role_allowed = false;
    for (const std::uint32_t* t = first; t != last; ++t) {
      const transition_def& td = f.transitions[*t];
      if (!planner::allows(td.roles, e.role)) continue;
      const detail::guard_failure g = detail::check_guard(td.guard, get);
      if (g.condition == npos) {
        chosen = *t;
        break;
      }
      if (!role_allowed) {
        case_access::transition(o) = *t;
        case_access::failed_condition(o) = g.condition;
        case_access::value(o) = g.value;
        case_access::value_present(o) = g.present;
      }
      role_allowed = true;
    }
    if (chosen == npos)
      case_access::reason(o) = role_allowed ? refusal::guard_failed : refusal::role_not_allowed;
    return chosen;
  };
  const auto accepted = [&](std::uint32_t chosen, std::uint32_t to, std::uint32_t steps) {
    case_access::status(o) = outcome::status::accepted;
    case_access::reason(o) = refusal::none;
    case_access::transition(o) = chosen;
    case_access::failed_condition(o) = npos;
    case_access::value(o) = 0;
    case_access::value_present(o) = false;
    case_access::from(o) = case_access::state_of(o);
    case_access::to(o) = to;
    case_access::steps(o) = steps;
  };

  if (!payload || payload->values.empty()) {
    // The common path: guards read the case itself, and a transition that only moves the case
    // is committed without a plan.
    const std::uint32_t chosen = choose(detail::case_values{c});
    if (chosen == npos) {
      refuse(o, case_access::reason(o));
      return o;
    }
    const transition_def& t = f.transitions[chosen];
    if (detail::plain_move(f, d, t)) {
      if (too_early()) return o;
      detail::commit_move(c, history_entry::kind::event, chosen, e.role, t.to, now, id, digest);
      accepted(chosen, t.to, 1);
      return o;
    }
  }

  planner plan(c, now, case_access::actions(o));
  plan.begin(history_entry::kind::event, npos, e.role);
  if (payload) {
    for (const detail::planned_value& v : payload->values) plan.assign(v.index, v.value);
  }
  const std::uint32_t chosen = choose([&plan](std::uint32_t i, std::int64_t& v) { return plan.get(i, v); });
  if (chosen == npos) {
    refuse(o, case_access::reason(o));
    return o;
  }

  if (too_early()) return o;
  const transition_def& t = f.transitions[chosen];
  plan.choose(chosen);
  plan.effects(t);
  plan.enter(t.to);
  const bool complete = plan.automatic();
  plan.commit(c, id, digest);
  accepted(chosen, plan.state(), plan.steps());
  if (!complete) case_access::detail(o) = "automatic transitions stopped: they loop";
  return o;
}

// Timers and SLA notices due at or before `now` fire first, in time order, as `advance` would:
// an event never overtakes a timer that fell due before it was sent (an event that re-enters
// the state would otherwise start the state over, and its clock timer would never fire). Then
// `core` applies the event in the state they led to. They fire on a copy of the case, kept only
// when the event is accepted: a refused event changes nothing, and its due timers stay due for
// `advance`, which fires them at the same instants.
template <class Core>
outcome after_due_timers(service_case& c, sys_seconds now, const Core& core) {
  detail::pending_timer t;
  if (!detail::earliest_timer(c, t) || now < t.due) return core(c);
  service_case next = c;
  std::vector<outcome> fired;
  detail::fire_due_timers(next, now, fired);
  outcome o = core(next);
  if (!o.accepted() || fired.empty()) return o;
  std::vector<emitted_action>& actions = case_access::actions(o);
  std::vector<emitted_action> all;
  std::uint32_t steps = 0;
  for (const outcome& f : fired) {
    steps += f.steps();
    all.insert(all.end(), f.actions().begin(), f.actions().end());
  }
  all.insert(all.end(), actions.begin(), actions.end());
  actions.swap(all);  // noexcept from here
  case_access::steps(o) += steps;
  case_access::from(o) = c.state_index();
  case_access::fired_before(o) = static_cast<std::uint32_t>(fired.size());
  c = std::move(next);
  return o;
}

std::uint32_t find_event(const flow_def& f, std::string_view name) noexcept {
  if (name == "close") return resolved_event::close;
  if (name == "reopen") return resolved_event::reopen;
  for (std::uint32_t i = 0; i < f.events.size(); ++i) {
    if (f.events[i] == name) return i;
  }
  return npos;
}

void check_open(const service_case& c) {
  if (!c.policy_ptr())
    throw usage_error(error_code::no_policy, "the case is empty: open it with open_case or from_json");
}

}  // namespace

std::optional<resolved_event> resolve_event(const service_case& c, std::string_view name,
                                            std::string_view role) {
  check_open(c);
  resolved_event e;
  e.role = entry_index(c.source_policy().vocabulary.roles, role);
  e.event = find_event(c.flow(), name);
  if (e.role == npos || e.event == npos) return std::nullopt;
  return e;
}

outcome apply(service_case& c, const event& e, sys_seconds now) {
  check_open(c);
  resolved_event r;
  r.role = entry_index(c.source_policy().vocabulary.roles, e.actor_role);
  r.event = find_event(c.flow(), e.name);
  const encoded_payload payload = encode_payload(c, e.payload);
  const std::uint64_t digest = e.id.empty() ? 0 : detail::event_digest(e.name, e.actor_role, &e.payload);
  return after_due_timers(c, now, [&](service_case& in) {
    return apply_core(in, r, now, e.id, digest, &payload, e.actor_role, e.name);
  });
}

outcome apply(service_case& c, resolved_event e, sys_seconds now, std::string_view id) {
  check_open(c);
  std::uint64_t digest = 0;
  if (!id.empty()) {
    // The names the `event` form would have been given, so both forms agree on the digest.
    const policy& p = c.source_policy();
    const flow_def& f = c.flow();
    const std::string_view name = e.event < f.events.size()           ? std::string_view(f.events[e.event])
                                  : e.event == resolved_event::close  ? std::string_view("close")
                                  : e.event == resolved_event::reopen ? std::string_view("reopen")
                                                                      : std::string_view();
    const std::string_view role = e.role < p.vocabulary.roles.size()
                                      ? std::string_view(p.vocabulary.roles[e.role].id)
                                      : std::string_view();
    digest = detail::event_digest(name, role, nullptr);
  }
  return after_due_timers(
      c, now, [&](service_case& in) { return apply_core(in, e, now, id, digest, nullptr, {}, {}); });
}

}  // namespace aftersale
