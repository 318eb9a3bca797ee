// SPDX-License-Identifier: Apache-2.0
#pragma once
// Converts the neutral return-and-refund flow (data/flow.json, see shared/bench/README.md)
// into a policy in our YAML format, so the flow benchmark runs through the real loader.
// Context fields the flow's actions assign become flow variables, the others request facts;
// `int` fields named `*_cents` are money. Guards (`context.x <= 20000`, `context.ok == true`)
// become `when:` conditions, actions (`context.a = context.b`) `record` (or `set`) effects.
// Event names are lowercased; `close`/`reopen` are our lifecycle events, so a neutral event
// of that name becomes `close_case`/`reopen_case`.
#include <nlohmann/json.hpp>
#include <string>

namespace aftersale::bench {

/// The YAML policy text for the neutral flow: its facts and variables, the flow itself and
/// a one-rule decision table (`intake`) whose rule opens a case in it. Every transition
/// allows any role; the vocabulary declares the role `agent` to send events as.
/// @throws std::runtime_error on a flow outside the neutral format (unknown guard, action
/// or context type).
std::string neutral_flow_to_yaml(const nlohmann::json& flow, const std::string& policy_id);

/// The event name our flow uses for a neutral event name (`SUBMIT` → `submit`, `CLOSE` → `close_case`).
std::string neutral_event_name(const std::string& neutral);

/// The flow id our policy uses for a neutral flow (its `name`).
std::string neutral_flow_id(const nlohmann::json& flow);

}  // namespace aftersale::bench
