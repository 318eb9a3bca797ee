// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what the flow readers (flows.cpp, flow_transitions.cpp, flow_effects.cpp,
// flow_index.cpp) share while one flow is read.
//
// While a flow is read its variables are appended to `policy::facts` (and their names to
// `build_state::fact_ids`), so guards, `set` values and `record` amounts go through the same
// condition, value and amount readers as decision tables, and a variable gets the index the
// model gives it (`policy.facts.size() + variable`). They are moved into `flow_def::variables`
// when the flow is done.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "load/build_state.hpp"

namespace aftersale::load {

struct flow_context {
  build_state& s;
  flow_def& f;
  std::uint32_t first_variable = 0;  ///< policy.facts.size() before the variables were appended
  /// States declared with an unreadable id or body: references to them stay quiet.
  std::set<std::string, std::less<>> broken_states;
  bool states_broken = false;  ///< `states:` itself could not be read

  /// "flow `refund_before_picking`", for messages.
  std::string label() const { return "flow `" + f.id + "`"; }
};

/// A state of the flow by id (E200 naming the declared states); npos after reporting.
std::uint32_t resolve_state(flow_context& c, const node& n, std::string_view role);
/// A policy clock by id (E200 naming the declared clocks); npos after reporting.
std::uint32_t resolve_clock(build_state& s, const node& n, std::string_view role);
/// A policy calendar by id (E200 naming the declared calendars); npos after reporting.
std::uint32_t resolve_calendar(build_state& s, const node& n, std::string_view role);
/// A list of role ids (or one id); an empty list is refused (omit the key to allow any role).
void read_roles(build_state& s, const node& n, std::string_view what, std::vector<std::uint32_t>& out);

/// `transitions:`: expands `from` lists, collects event names in order of first appearance.
void read_transitions(flow_context& c, const node& section);
/// The id of each item of a `transitions:` list, in order: its `id:`, else the implicit
/// `FROM.TRIGGER` (the first `from` state; the event name, `after` or `auto`), numbered `.2`,
/// `.3`, ... when taken by an earlier transition or an explicit id. "" for an item that is not
/// a mapping. Store patches (extends.cpp) and the reader name transitions alike.
std::vector<std::string> transition_ids(const node& section);
/// One item of a transition's `effects:` (a `set` of several variables gives several effects).
void read_effect(flow_context& c, const node& item, std::vector<effect>& out);

/// The flow's `clocks` and `structure_hash`.
void finish_flow(const policy& p, flow_def& f);
/// E208 for automatic transitions that can lead back to their own state (guards ignored).
void check_automatic_cycles(build_state& s, const flow_def& f);

}  // namespace aftersale::load
