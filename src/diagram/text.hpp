// SPDX-License-Identifier: Apache-2.0
#pragma once
// The texts diagrams and generated test skeletons share (internal): state labels, what
// triggers a transition, its guard and roles.
#include <aftersale/diagram.hpp>
#include <aftersale/model.hpp>
#include <string>
#include <vector>

namespace aftersale::analysis {

/// `2d`, `48h`, `30m`, `10 days`, `8 business hours`, `2 business days`.
std::string duration_text(const clock_duration& d);

/// `approve` for an event, `auto` for an automatic transition, `after 2d` or
/// `after first_response` for a timer.
std::string trigger_text(const policy& p, const flow_def& f, const transition_def& t);

/// The name of a guard's fact: a request fact, else a flow variable.
const std::string& guard_fact_name(const policy& p, const flow_def& f, std::uint32_t fact);

/// The guard as written: `fact text` per condition, joined with ` and `; empty when none.
std::string guard_text(const policy& p, const flow_def& f, const transition_def& t);

/// The roles allowed to send the event, `, `-separated; empty when any role may.
std::string roles_text(const policy& p, const transition_def& t);

/// The lines of a state's label: its id, then the labels the options ask for (`agent: ...`,
/// `customer: ...` when both are shown and differ, else the text alone).
std::vector<std::string> state_label_lines(const policy& p, const state_def& s,
                                           const diagram_options& options);

/// The lines of a transition's label: the trigger with the guard in brackets, then the roles.
std::vector<std::string> transition_label_lines(const policy& p, const flow_def& f, const transition_def& t,
                                                const diagram_options& options);

}  // namespace aftersale::analysis
