// SPDX-License-Identifier: Apache-2.0
// Reads `flows:`: per flow its variables, states, start, transitions (flow_transitions.cpp),
// close and reopen rules and migrations; then its clocks and structure hash (flow_index.cpp).
#include <algorithm>
#include <iterator>

#include "load/flow_read.hpp"

namespace aftersale::load {

namespace {

std::vector<std::string> names_of_states(const flow_def& f) {
  std::vector<std::string> out;
  for (const state_def& st : f.states) out.push_back(st.id);
  return out;
}

std::vector<std::string> clock_names(const policy& p) {
  std::vector<std::string> out;
  for (const clock_def& c : p.clocks) out.push_back(c.id);
  return out;
}

// Declares the flow's variables (type, values) after the policy's facts; defaults come after,
// when every variable has its index.
void read_variables(flow_context& c, const node& section) {
  build_state& s = c.s;
  if (!s.r.expect(section, node::kind::mapping, "`variables` of " + c.label())) return;
  std::vector<std::pair<std::uint32_t, const node*>> defaults;
  for (std::size_t i = 0; i < section.pairs(); ++i) {
    const node& key = section.key(i);
    const node& decl = section.val(i);
    auto name = s.r.id(key, "a variable name");
    const std::string label = "variable `" + key.value + "`";
    bool ok = name.has_value();
    if (ok && fact_id(s, *name) != npos) {
      s.r.error(error_code::duplicate_id, key,
                "variable `" + *name + "` of " + c.label() + " has the name of a fact",
                "guards name facts and variables alike: rename the variable");
      ok = false;
    }
    if (!s.r.expect(decl, node::kind::mapping, label)) ok = false;
    fact_def v;
    v.where = s.r.span(key);
    if (name) v.name = *name;
    if (decl.is_mapping()) {
      s.r.check_keys(decl, label, {"type", "values", "scale", "default", "description"}, {"type"});
      ok = read_type_and_values(s, decl, label, "variable", v) && ok;
      if (const node* d = decl.find("description"))
        v.description = s.r.text(*d, "the description of " + label).value_or("");
    }
    if (!ok) {
      if (key.is_scalar()) s.broken_facts.insert(key.value);
      continue;
    }
    const auto index = static_cast<std::uint32_t>(s.p.facts.size());
    s.fact_ids.emplace(v.name, index);
    s.p.facts.push_back(std::move(v));
    if (const node* d = decl.find("default")) defaults.emplace_back(index, d);
  }
  for (const auto& [index, n] : defaults) {
    if (auto v = read_fact_value(s, index, *n)) {
      const fact_def& f = s.p.facts[index];
      if (f.type == fact_type::money && *v < 0) {
        // Payloads may not give negative money (E305); neither may a default.
        s.r.error(error_code::invalid_value, *n, "`default` of money variable `" + f.name + "` is negative",
                  "money is never negative: write 0 or more minor units");
      } else {
        s.p.facts[index].default_value = *v;
      }
    }
  }
}

void read_clock_list(flow_context& c, const node& n, clock_action action, const std::string& what,
                     std::vector<clock_effect>& out) {
  const std::vector<node> one{n};
  const std::vector<node>& items = n.is_sequence() ? n.children : one;
  for (const node& item : items) {
    const std::uint32_t clock = resolve_clock(c.s, item, what);
    if (clock != npos) out.push_back(clock_effect{action, clock, c.s.r.span(item)});
  }
}

void read_state(flow_context& c, const node& key, const node& decl) {
  build_state& s = c.s;
  auto id = s.r.id(key, "a state id");
  const std::string label = "state `" + key.value + "` of " + c.label();
  if (!id || !s.r.expect(decl, node::kind::mapping, label)) {
    if (key.is_scalar()) c.broken_states.insert(key.value);
    return;
  }
  s.r.check_keys(decl, label, {"agent", "customer", "phase", "terminal", "on_entry", "description"});
  state_def st;
  st.id = *id;
  st.where = s.r.span(key);
  if (const node* n = decl.find("agent"))
    st.agent_label = s.r.localized(*n, "the agent label of " + label).value_or(localized_text{});
  if (const node* n = decl.find("customer"))
    st.customer_label = s.r.localized(*n, "the customer label of " + label).value_or(localized_text{});
  if (const node* n = decl.find("terminal"))
    st.terminal = s.r.boolean(*n, "`terminal` of " + label).value_or(false);
  if (const node* n = decl.find("phase")) {
    auto t = s.r.text(*n, "`phase` of " + label);
    if (t && st.terminal) {
      s.r.error(error_code::invalid_value, *n, "`phase` does not apply to terminal " + label,
                "a terminal state is resolved in the lifecycle: remove `phase`");
    } else if (t && *t == "waiting_on_customer") {
      st.phase = state_phase::waiting_on_customer;
    } else if (t && *t != "active") {
      s.r.error(error_code::invalid_value, *n, "unknown phase `" + *t + "` in " + label,
                "phases: `active`, `waiting_on_customer`; write `terminal: true` for an outcome");
    }
  }
  if (st.terminal) st.phase = state_phase::resolved;
  if (const node* n = decl.find("on_entry");
      n && s.r.expect(*n, node::kind::mapping, "`on_entry` of " + label)) {
    s.r.check_keys(*n, "`on_entry` of " + label, {"start", "stop", "pause", "resume", "reset"});
    // Fixed order whatever the written order: a clock stopped and restarted on entry restarts.
    for (auto [k, action] : {std::pair<const char*, clock_action>{"stop", clock_action::stop},
                             {"pause", clock_action::pause},
                             {"resume", clock_action::resume},
                             {"reset", clock_action::reset},
                             {"start", clock_action::start}}) {
      if (const node* list = n->find(k)) {
        read_clock_list(c, *list, action, "`on_entry." + std::string(k) + "` of " + label, st.on_entry);
      }
    }
  }
  c.f.states.push_back(std::move(st));
}

void read_states(flow_context& c, const node& section) {
  if (!c.s.r.expect(section, node::kind::mapping, "`states` of " + c.label())) {
    c.states_broken = true;
    return;
  }
  if (section.pairs() == 0) {
    c.s.r.error(error_code::missing_key, section, c.label() + " has no states",
                "declare at least the start state under `states:`");
    c.states_broken = true;  // references to states would only repeat this
  }
  if (!within_budget(c.s, section, section.pairs(), c.s.limits.max_flow_states, "states of " + c.label(),
                     "max_flow_states")) {
    c.states_broken = true;
    return;
  }
  for (std::size_t i = 0; i < section.pairs(); ++i) read_state(c, section.key(i), section.val(i));
}

void read_reopen(flow_context& c, const node& n) {
  build_state& s = c.s;
  const std::string what = "`reopen` of " + c.label();
  if (!s.r.expect(n, node::kind::mapping, what)) return;
  s.r.check_keys(n, what, {"to", "roles"}, {"to"});
  if (const node* to = n.find("to")) c.f.reopen_to = resolve_state(c, *to, what);
  if (const node* roles = n.find("roles")) read_roles(s, *roles, "`roles` of " + what, c.f.reopen_roles);
}

void read_migrations(flow_context& c, const node& section) {
  build_state& s = c.s;
  if (!s.r.expect(section, node::kind::sequence, "`migrations` of " + c.label())) return;
  for (const node& item : section.children) {
    const std::string what = "a migration of " + c.label();
    if (!s.r.expect(item, node::kind::mapping, what)) continue;
    s.r.check_keys(item, what, {"from_version", "states"}, {"from_version"});
    flow_migration m;
    m.where = s.r.span(item);
    if (const node* v = item.find("from_version")) {
      m.from_version = s.r.text(*v, "`from_version` of " + what).value_or("");
      const bool dup = std::any_of(c.f.migrations.begin(), c.f.migrations.end(),
                                   [&](const flow_migration& o) { return o.from_version == m.from_version; });
      if (v->is_scalar() && dup) {
        s.r.error(error_code::duplicate_id, *v,
                  "two migrations of " + c.label() + " start from version `" + m.from_version + "`",
                  "merge their state mappings into one migration");
      }
    }
    if (const node* states = item.find("states");
        states && s.r.expect(*states, node::kind::mapping, "`states` of " + what)) {
      for (std::size_t i = 0; i < states->pairs(); ++i) {
        auto old_id = s.r.id(states->key(i), "an old state id");
        const std::uint32_t to = resolve_state(c, states->val(i), "`states` of " + what);
        if (old_id && to != npos) m.states.emplace_back(*old_id, c.f.states[to].id);
      }
    }
    c.f.migrations.push_back(std::move(m));
  }
}

void read_flow(build_state& s, const node& key, const node& decl) {
  auto id = s.r.id(key, "a flow id");
  const std::string label = "flow `" + key.value + "`";
  if (!s.r.expect(decl, node::kind::mapping, label)) return;
  if (const node* patch = decl.find("patch")) {
    // A store's patch of its base's flow is merged before the flow is read (flow_patch.cpp).
    s.r.error(error_code::flow_patch_no_base, *patch,
              patch->is_scalar() && patch->value == "false"
                  ? "`patch: false` on " + label + ": a flow that does not patch says nothing"
                  : "`patch: true` on " + label + " of a policy without a base flow to patch",
              patch->is_scalar() && patch->value == "false"
                  ? "remove `patch`: a whole flow replaces the base's flow of that id"
                  : "`patch` changes a flow of the policy named by `extends:`; declare a whole flow here");
    return;
  }
  s.r.check_keys(
      decl, label,
      {"description", "start", "variables", "states", "transitions", "close_roles", "reopen", "migrations"},
      {"start", "states"});

  flow_def f;
  f.id = id.value_or(key.value);
  f.where = s.r.span(key);
  const std::size_t errors_before = s.r.diagnostics().size();
  flow_context c{s, f, static_cast<std::uint32_t>(s.p.facts.size()), {}, false};
  if (const node* n = decl.find("description"))
    f.description = s.r.text(*n, "the description of " + label).value_or("");
  const std::set<std::string, std::less<>> broken_before = s.broken_facts;
  if (const node* n = decl.find("variables")) read_variables(c, *n);
  if (const node* n = decl.find("states")) {
    read_states(c, *n);
  } else {
    c.states_broken = true;
  }
  if (const node* n = decl.find("start")) f.start = resolve_state(c, *n, "`start` of " + label);
  if (f.start == npos) f.start = 0;
  if (const node* n = decl.find("transitions")) read_transitions(c, *n);
  if (const node* n = decl.find("close_roles")) read_roles(s, *n, "`close_roles` of " + label, f.close_roles);
  if (const node* n = decl.find("reopen")) read_reopen(c, *n);
  if (const node* n = decl.find("migrations")) read_migrations(c, *n);

  // The variables leave the fact list again; their names stop resolving.
  for (auto it = s.p.facts.begin() + c.first_variable; it != s.p.facts.end(); ++it)
    s.fact_ids.erase(it->name);
  f.variables.assign(std::make_move_iterator(s.p.facts.begin() + c.first_variable),
                     std::make_move_iterator(s.p.facts.end()));
  s.p.facts.resize(c.first_variable);
  for (auto it = s.value_ids.begin(); it != s.value_ids.end();)
    it = it->first >= c.first_variable ? s.value_ids.erase(it) : std::next(it);
  s.broken_facts = broken_before;
  // The shared value, condition and amount readers speak of facts; here those are variables.
  for (auto d = s.r.diagnostics().begin() + static_cast<std::ptrdiff_t>(errors_before);
       d != s.r.diagnostics().end(); ++d) {
    for (const fact_def& v : f.variables) {
      for (std::string* text : {&d->message, &d->help}) {
        const std::string from = "fact `" + v.name + "`";
        for (auto at = text->find(from); at != std::string::npos; at = text->find(from, at + 1)) {
          text->replace(at, 4, "variable");
        }
      }
    }
  }

  // Cycles are checked on what could be read; the index only for a flow read without problems.
  check_automatic_cycles(s, f);
  if (s.r.diagnostics().size() == errors_before) finish_flow(s.p, f);
  s.p.flows.push_back(std::move(f));
}

}  // namespace

std::uint32_t resolve_state(flow_context& c, const node& n, std::string_view role) {
  if (!c.s.r.expect(n, node::kind::scalar, "a state reference in " + std::string(role))) return npos;
  for (std::uint32_t i = 0; i < c.f.states.size(); ++i) {
    if (c.f.states[i].id == n.value) return i;
  }
  if (!c.states_broken && c.broken_states.count(n.value) == 0) {
    c.s.r.error(error_code::unknown_id, n, "unknown state `" + n.value + "` in " + std::string(role),
                suggest(n.value, names_of_states(c.f),
                        "states of " + c.label() + ": " + quote_list(names_of_states(c.f))));
  }
  return npos;
}

std::uint32_t resolve_clock(build_state& s, const node& n, std::string_view role) {
  if (!s.r.expect(n, node::kind::scalar, "a clock reference in " + std::string(role))) return npos;
  for (std::uint32_t i = 0; i < s.p.clocks.size(); ++i) {
    if (s.p.clocks[i].id == n.value) return i;
  }
  if (!quiet(s.broken_clocks, n.value)) {
    s.r.error(error_code::unknown_id, n, "unknown clock `" + n.value + "` in " + std::string(role),
              suggest(n.value, clock_names(s.p), "declared clocks: " + quote_list(clock_names(s.p))));
  }
  return npos;
}

std::uint32_t resolve_calendar(build_state& s, const node& n, std::string_view role) {
  if (!s.r.expect(n, node::kind::scalar, "a calendar reference in " + std::string(role))) return npos;
  for (std::uint32_t i = 0; i < s.p.calendars.size(); ++i) {
    if (s.p.calendars[i].id() == n.value) return i;
  }
  if (!quiet(s.broken_calendars, n.value)) {
    s.r.error(error_code::unknown_id, n, "unknown calendar `" + n.value + "` in " + std::string(role),
              suggest(n.value, s.calendar_names, "declared calendars: " + quote_list(s.calendar_names)));
  }
  return npos;
}

void read_roles(build_state& s, const node& n, std::string_view what, std::vector<std::uint32_t>& out) {
  const std::vector<node> one{n};
  if (n.is_sequence() && n.children.empty()) {
    s.r.error(error_code::invalid_value, n, std::string(what) + " lists no role",
              "list the roles allowed, or leave the key out to allow any role");
    return;
  }
  for (const node& item : n.is_sequence() ? n.children : one) {
    const std::uint32_t role = resolve_vocabulary(s, item, s.p.vocabulary.roles, "roles");
    if (role != npos && std::find(out.begin(), out.end(), role) == out.end()) out.push_back(role);
  }
}

void read_flows(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `flows` section")) return;
  if (!within_budget(s, section, section.pairs(), s.limits.max_flows, "flows", "max_flows")) return;
  for (std::size_t i = 0; i < section.pairs(); ++i) read_flow(s, section.key(i), section.val(i));
}

}  // namespace aftersale::load
