#pragma once
// Output of `aftersale case`: text blocks (`name        value` lines, like `decide`) and JSON.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "case_view.hpp"

namespace aftersale::cli {

using ordered_json = nlohmann::ordered_json;

/// One `name        value` field; further lines are indented under the first.
void text_field(std::ostream& out, const std::string& name, const std::vector<std::string>& lines);

/// The case: state with its label, phase, escalation, remark, times, facts, variables,
/// clocks, next deadline, events it accepts now, history.
void render_case_text(std::ostream& out, const case_view& v);
/// A short status after a change: state, phase, escalation, clocks, next deadline, events.
void render_status_text(std::ostream& out, const case_view& v);
/// History lines (`describe()`), under `history`.
void render_history_text(std::ostream& out, const std::vector<history_view>& history);
/// The outcome: `result`, `reason`, `message`, `actions`.
void render_outcome_text(std::ostream& out, const outcome_view& o, const std::string& heading);

ordered_json case_json(const case_view& v);
ordered_json history_json(const std::vector<history_view>& history);
ordered_json outcome_json(const outcome_view& o);
ordered_json instant_json(const instant_view& t);

/// `name` or `name(by=10d, ...)`.
std::string action_text(const emitted_action& a);

/// Pretty JSON, invalid UTF-8 replaced, and a newline.
void print_json(std::ostream& out, const ordered_json& doc);

}  // namespace aftersale::cli
