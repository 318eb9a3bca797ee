// SPDX-License-Identifier: Apache-2.0
#include "case_view.hpp"

#include <aftersale/calendar.hpp>
#include <aftersale/decide.hpp>
#include <algorithm>

#include "model/semantics.hpp"

namespace aftersale::cli {
namespace {

std::string role_text(const policy& p, std::uint32_t role) {
  return std::string(entry_id(p.vocabulary.roles, role));
}

std::string state_id(const flow_def& flow, std::uint32_t state) {
  return state < flow.states.size() ? flow.states[state].id : std::string();
}

clock_view make_clock(const policy& p, const case_clock& slot, sys_seconds now, std::string_view locale) {
  clock_view v;
  v.status = std::string(to_string(slot.state));
  std::uint32_t calendar = npos;
  if (slot.clock < p.clocks.size()) {
    const clock_def& def = p.clocks[slot.clock];
    v.clock = def.id;
    v.label = std::string(p.text(def.label, locale));
    calendar = def.calendar;
  }
  if (slot.state != case_clock::status::idle) v.started = make_instant(p, slot.started, calendar);
  if (slot.state == case_clock::status::running) {
    v.due = make_instant(p, slot.due, calendar);
    v.overdue = slot.due < now;
  }
  // A paused clock that never falls due has no time left to count: `never`, as its due time.
  if (slot.state == case_clock::status::paused)
    v.remaining = slot.due == never_due ? std::string("never") : format_duration(slot.remaining);
  return v;
}

// The due time of a timer transition from the current state, as the runtime counts it: a
// running clock's deadline, or a duration since the state was entered.
std::optional<sys_seconds> timer_due(const service_case& c, const transition_def& t) {
  const policy& p = c.source_policy();
  if (t.timer.clock != npos) {
    const case_clock* slot = c.find_clock(t.timer.clock);
    if (slot == nullptr || slot->state != case_clock::status::running) return std::nullopt;
    return slot->due;
  }
  if (const business_calendar* cal = detail::calendar_or_default(p, t.timer.calendar))
    return cal->add(c.entered_at(), t.timer.after);
  if (t.timer.after.kind == clock_kind::elapsed)
    return c.entered_at() + std::chrono::seconds{t.timer.after.amount};
  return std::nullopt;
}

// The state the next timer leads to: the first timer transition (policy order) due at `due`.
std::string next_target(const service_case& c, sys_seconds due) {
  const flow_def& flow = c.flow();
  for (const transition_def& t : flow.transitions) {
    if (t.trigger != trigger_kind::timer || t.from != c.state_index()) continue;
    if (timer_due(c, t) == due) return state_id(flow, t.to);
  }
  return {};
}

void add_roles(const policy& p, const std::vector<std::uint32_t>& roles, event_view& v, bool& any) {
  if (roles.empty()) any = true;
  for (std::uint32_t r : roles) {
    std::string id = role_text(p, r);
    if (std::find(v.roles.begin(), v.roles.end(), id) == v.roles.end()) v.roles.push_back(id);
  }
}

// What may be sent now: the flow's events with a transition from the current state (open
// phases), `close` when resolved, `reopen` when resolved or closed and the flow allows it.
std::vector<event_view> current_events(const service_case& c) {
  const policy& p = c.source_policy();
  const flow_def& flow = c.flow();
  std::vector<event_view> out;
  const lifecycle_phase phase = c.phase();
  const bool settled = phase == lifecycle_phase::resolved || phase == lifecycle_phase::closed;
  if (!settled) {
    for (std::uint32_t e = 0; e < flow.events.size(); ++e) {
      event_view v{flow.events[e], {}};
      bool found = false, any = false;
      for (const transition_def& t : flow.transitions) {
        if (t.trigger != trigger_kind::event || t.event != e || t.from != c.state_index()) continue;
        found = true;
        add_roles(p, t.roles, v, any);
      }
      if (!found) continue;
      if (any) v.roles.clear();
      out.push_back(std::move(v));
    }
  }
  if (phase == lifecycle_phase::resolved) {
    event_view v{"close", {}};
    bool any = false;
    add_roles(p, flow.close_roles, v, any);
    out.push_back(std::move(v));
  }
  if (settled && flow.reopen_to != npos) {
    event_view v{"reopen", {}};
    bool any = false;
    add_roles(p, flow.reopen_roles, v, any);
    out.push_back(std::move(v));
  }
  return out;
}

value_view make_value(const fact_def& def, bool present, std::int64_t raw) {
  value_view v;
  v.name = def.name;
  if (!present) return v;
  v.text = detail::format_value(def, raw);
  v.raw = raw;
  v.what = def.type == fact_type::boolean                                   ? value_view::kind::boolean
           : def.type == fact_type::integer || def.type == fact_type::money ? value_view::kind::integer
                                                                            : value_view::kind::text;
  return v;
}

history_view make_history(const service_case& c, const history_entry& h, const std::string& locale) {
  const policy& p = c.source_policy();
  const flow_def& flow = c.flow();
  history_view v;
  v.kind = std::string(to_string(h.what));
  v.at = make_instant(p, h.at);
  v.actor = role_text(p, h.actor_role);
  v.from = state_id(flow, h.from);
  v.to = state_id(flow, h.to);
  v.event_id = h.event_id;
  v.text = describe(c, h, locale);
  if (h.to < flow.states.size())
    v.customer_label = std::string(p.text(flow.states[h.to].customer_label, locale));
  return v;
}

}  // namespace

instant_view make_instant(const policy& p, sys_seconds at, std::uint32_t calendar) {
  instant_view v;
  v.utc = format_utc(at);
  if (const business_calendar* cal = detail::calendar_or_default(p, calendar)) {
    v.local = cal->format_local(at);
    v.local_iso = cal->format_iso_local(at);
  } else {
    v.local = v.utc;
    v.local_iso = v.utc;
  }
  return v;
}

case_view make_case_view(const service_case& c, const std::string& locale, bool customer, sys_seconds now,
                         std::size_t history_from) {
  const policy& p = c.source_policy();
  const flow_def& flow = c.flow();
  const state_def& state = c.state();
  case_view v;
  v.policy_id = p.info.id;
  v.policy_version = p.info.version;
  v.flow = flow.id;
  v.flow_description = flow.description;
  v.state = state.id;
  v.locale = locale.empty() ? p.info.locale : locale;
  v.agent_label = std::string(p.text(state.agent_label, locale));
  v.customer_label = std::string(p.text(state.customer_label, locale));
  v.customer = customer;
  v.terminal = state.terminal;
  v.phase = std::string(to_string(c.phase()));
  v.escalation = role_text(p, c.escalation_index());
  v.remark_flag = std::string(entry_id(p.vocabulary.flags, c.remark_flag_index()));
  v.remark = std::string(c.remark(locale));
  v.opened_at = make_instant(p, c.opened_at());
  v.entered_at = make_instant(p, c.entered_at());

  const std::size_t fact_count = std::min(p.facts.size(), c.value_count());
  for (std::size_t i = 0; i < fact_count; ++i)
    if (c.has_value(i)) v.facts.push_back(make_value(p.facts[i], true, c.value(i)));
  for (std::size_t k = 0; k < flow.variables.size(); ++k) {
    const std::size_t i = p.facts.size() + k;
    v.variables.push_back(make_value(flow.variables[k], c.has_value(i), c.value(i)));
  }
  for (const case_clock& slot : c.clocks()) v.clocks.push_back(make_clock(p, slot, now, locale));

  if (auto due = next_deadline(c)) {
    v.next_deadline = make_instant(p, *due);
    v.next_target = next_target(c, *due);
    v.next_due = *due <= now;
  }
  v.events = current_events(c);
  for (std::size_t i = history_from; i < c.history().size(); ++i)
    v.history.push_back(make_history(c, c.history()[i], locale));
  return v;
}

}  // namespace aftersale::cli
