// SPDX-License-Identifier: Apache-2.0
// Reads a flow's `transitions:`: trigger (event, auto, after), from/to, guard, roles, effects.
// A `from` list becomes one transition per state, in the order listed.
#include <algorithm>
#include <map>
#include <set>

#include "load/flow_read.hpp"

namespace aftersale::load {

namespace {

std::vector<std::string> guard_names(const build_state& s, std::uint32_t first_variable, bool variables) {
  std::vector<std::string> out;
  for (std::uint32_t i = variables ? first_variable : 0; i < (variables ? s.p.facts.size() : first_variable);
       ++i) {
    out.push_back(s.p.facts[i].name);
  }
  return out;
}

// `when:` over request facts and flow variables (both resolve through `fact_ids` here).
void read_guard(flow_context& c, const node& when, const std::string& what, std::vector<condition>& out) {
  build_state& s = c.s;
  if (!s.r.expect(when, node::kind::mapping, "`when` of " + what)) return;
  for (std::size_t i = 0; i < when.pairs(); ++i) {
    const node& k = when.key(i);
    if (!s.r.expect(k, node::kind::scalar, "a fact or variable name in `when`")) continue;
    const std::uint32_t fact = fact_id(s, k.value);
    if (fact == npos) {
      if (!quiet(s.broken_facts, k.value)) {
        s.r.error(error_code::unknown_id, k,
                  "unknown fact or variable `" + k.value + "` in a guard of " + c.label(),
                  suggest(k.value, guard_names(s, 0, false),
                          "declared facts: " + quote_list(guard_names(s, c.first_variable, false)) +
                              "; variables: " + quote_list(guard_names(s, c.first_variable, true))));
      }
      continue;
    }
    read_condition(s, fact, when.val(i), out);
  }
}

// `after: {clock: id}` or `after: {hours: 48, calendar: cn_store}`.
std::optional<timer_spec> read_timer(flow_context& c, const node& n, const std::string& what) {
  build_state& s = c.s;
  const std::string label = "`after` of " + what;
  if (!s.r.expect(n, node::kind::mapping, label)) return std::nullopt;
  timer_spec t;
  if (const node* clock = n.find("clock")) {
    if (!s.r.check_keys(n, label, {"clock"})) return std::nullopt;
    t.clock = resolve_clock(s, *clock, label);
    if (t.clock == npos) return std::nullopt;
    return t;
  }
  // The duration keys are read like a clock's `within`; `calendar` is ours.
  node duration = n;
  duration.children.clear();
  const node* calendar = nullptr;
  for (std::size_t i = 0; i < n.pairs(); ++i) {
    if (n.key(i).is_scalar() && n.key(i).value == "calendar") {
      calendar = &n.val(i);
      continue;
    }
    duration.children.push_back(n.key(i));
    duration.children.push_back(n.val(i));
  }
  auto d = read_within(s, duration, what, "after");
  bool ok = d.has_value();
  if (d) t.after = *d;
  if (calendar) {
    t.calendar = resolve_calendar(s, *calendar, label);
    ok = ok && t.calendar != npos;
  } else if (s.default_calendar) {
    t.calendar = *s.default_calendar;
  } else if (d && d->kind != clock_kind::elapsed && !s.default_calendar_named) {
    s.r.error(error_code::missing_key, n, "missing key `calendar` in " + label,
              "days and business time are counted on a calendar: name one here or set `policy.calendar`");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return t;
}

void read_transition(flow_context& c, const node& n, const std::string& id) {
  build_state& s = c.s;
  flow_def& f = c.f;
  const std::string what = "a transition of " + c.label();
  if (!s.r.expect(n, node::kind::mapping, what)) return;
  s.r.check_keys(
      n, what,
      {"id", "from", "to", "event", "auto", "after", "when", "roles", "description", "effects", "place"},
      {"from", "to"});
  transition_def t;
  t.where = s.r.span(n);
  t.id = id;
  if (const node* written = n.find("id");
      written && s.r.expect(*written, node::kind::scalar, "a transition id")) {
    // Ids as elsewhere, and the dots of the implicit ids (`refund_due.after.2`).
    const std::string& v = written->value;
    const bool ok = !v.empty() && v[0] >= 'a' && v[0] <= 'z' && std::all_of(v.begin(), v.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
    });
    if (!ok) {
      s.r.error(error_code::invalid_value, *written, "invalid transition id `" + v + "`",
                "a transition id starts with a lowercase letter, then letters, digits, `_` or `.`");
    }
  }
  if (const node* place = n.find("place")) {
    // A store's patch takes `place:` away before the flow is read (extends.cpp).
    s.r.error(
        error_code::unknown_transition, *place,
        "`place` applies only to a transition a store policy adds to its base's flow with `patch: true`",
        "list the transitions of a flow in the order they are tried, without `place`");
  }
  bool complete = true;  // from, to and trigger resolved: the transition can be indexed

  const node* event = n.find("event");
  const node* automatic = n.find("auto");
  const node* after = n.find("after");
  const int triggers = (event != nullptr) + (automatic != nullptr) + (after != nullptr);
  if (triggers != 1) {
    s.r.error(triggers == 0 ? error_code::missing_key : error_code::invalid_value, n,
              triggers == 0 ? "missing key `event`, `auto` or `after` in " + what
                            : what + " names more than one of `event`, `auto` and `after`",
              "a transition fires on one trigger: `event: name`, `auto: true` or `after: {clock: id}`");
    complete = false;
  } else if (event) {
    t.trigger = trigger_kind::event;
    auto name = s.r.id(*event, "an event name");
    if (name && (*name == "close" || *name == "reopen")) {
      s.r.error(error_code::reserved_event, *event, "`" + *name + "` is a lifecycle event, not a flow event",
                *name == "close"
                    ? "every resolved case accepts `close`; say who may send it with `close_roles:`"
                    : "reopening is declared with `reopen: {to: state}` on the flow");
      name.reset();
    }
    if (name) {
      auto it = std::find(f.events.begin(), f.events.end(), *name);
      t.event = static_cast<std::uint32_t>(it - f.events.begin());
      if (it == f.events.end()) {
        f.events.push_back(*name);
        // Dispatch is a (state, event) table: the events are budgeted like the states. Reported
        // once, at the first event past the budget (the policy is refused, nothing is compiled).
        if (f.events.size() == s.limits.max_flow_events + 1) {
          within_budget(s, *event, f.events.size(), s.limits.max_flow_events, "events of flow `" + f.id + "`",
                        "max_flow_events");
          complete = false;
        }
      }
    }
    complete = complete && name.has_value();
  } else if (automatic) {
    t.trigger = trigger_kind::automatic;
    auto b = s.r.boolean(*automatic, "`auto` of " + what);
    if (b && !*b) {
      s.r.error(error_code::invalid_value, *automatic, "`auto: false` in " + what,
                "write `auto: true` for an automatic transition, or `event: name` for one fired by an event");
    }
    complete = complete && b.value_or(false);
  } else {
    t.trigger = trigger_kind::timer;
    auto timer = read_timer(c, *after, what);
    if (timer) t.timer = *timer;
    complete = complete && timer.has_value();
  }

  if (const node* to = n.find("to")) {
    const std::uint32_t i = resolve_state(c, *to, "`to` of " + what);
    if (i != npos) t.to = i;
    complete = complete && i != npos;
  }
  if (const node* when = n.find("when")) read_guard(c, *when, what, t.guard);
  if (const node* roles = n.find("roles")) read_roles(s, *roles, "`roles` of " + what, t.roles);
  if (const node* d = n.find("description"))
    t.description = s.r.text(*d, "the description of " + what).value_or("");
  if (const node* effects = n.find("effects");
      effects && s.r.expect(*effects, node::kind::sequence, "`effects` of " + what)) {
    for (const node& item : effects->children) read_effect(c, item, t.effects);
  }

  const node* from = n.find("from");
  if (from == nullptr) return;
  const std::vector<node> one{*from};
  if (from->is_sequence() && from->children.empty()) {
    s.r.error(error_code::invalid_value, *from, "`from` of " + what + " lists no state",
              "name the state (or states) the transition leaves");
    return;
  }
  std::vector<std::uint32_t> seen;
  for (const node& item : from->is_sequence() ? from->children : one) {
    const std::uint32_t i = resolve_state(c, item, "`from` of " + what);
    if (i == npos) continue;
    if (std::find(seen.begin(), seen.end(), i) != seen.end()) {
      s.r.error(error_code::duplicate_id, item, "state `" + item.value + "` is listed twice in `from`",
                "list each state once");
      continue;
    }
    seen.push_back(i);
    if (f.states[i].terminal) {
      s.r.error(error_code::terminal_transition, item,
                "transition out of terminal state `" + item.value + "`",
                "a terminal state ends the flow: remove it from `from`, make it non-terminal, or declare "
                "`reopen:` to take a resolved case back");
      continue;
    }
    if (!complete) continue;
    transition_def copy = t;
    copy.from = i;
    f.transitions.push_back(std::move(copy));
  }
}

}  // namespace

std::vector<std::string> transition_ids(const node& section) {
  std::vector<std::string> out(section.children.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const node* id = section.children[i].is_mapping() ? section.children[i].find("id") : nullptr;
    if (id && id->is_scalar()) taken.insert(out[i] = id->value);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const node& item = section.children[i];
    if (!item.is_mapping() || item.find("id")) continue;
    const node* from = item.find("from");
    if (from && from->is_sequence() && !from->children.empty()) from = &from->children.front();
    const node* event = item.find("event");
    const std::string trigger = event && event->is_scalar() ? event->value
                                : item.find("after")        ? "after"
                                : item.find("auto")         ? "auto"
                                                            : "transition";
    const std::string stem = (from && from->is_scalar() ? from->value : std::string("state")) + '.' + trigger;
    std::string id = stem;
    for (int n = 2; taken.count(id) != 0; ++n) id = stem + '.' + std::to_string(n);
    taken.insert(out[i] = id);
  }
  return out;
}

void read_transitions(flow_context& c, const node& section) {
  if (!c.s.r.expect(section, node::kind::sequence, "`transitions` of " + c.label())) return;
  const std::vector<std::string> ids = transition_ids(section);
  std::map<std::string, const node*> explicit_ids;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const node* written = section.children[i].is_mapping() ? section.children[i].find("id") : nullptr;
    if (written && written->is_scalar() && !explicit_ids.emplace(ids[i], written).second) {
      c.s.r.error(error_code::duplicate_id, *written,
                  "transition id `" + ids[i] + "` is used twice in " + c.label(),
                  "give each transition its own id (stores patch transitions by id)");
    }
    read_transition(c, section.children[i], ids[i]);
  }
}

}  // namespace aftersale::load
