// SPDX-License-Identifier: Apache-2.0
#pragma once
// Output of `aftersale case`: text blocks (`name        value` lines, like `decide`) and JSON.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "base/json_writer.hpp"
#include "case_view.hpp"

namespace aftersale::cli {

using json_writer = detail::json_writer;

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

// The JSON values, each written as one value (an object or an array) into `w`.
void case_json(json_writer& w, const case_view& v);
void history_json(json_writer& w, const std::vector<history_view>& history);
void outcome_json(json_writer& w, const outcome_view& o);
void instant_json(json_writer& w, const instant_view& t);
/// The `remark` value of a decision or a case: null, or `{"flag": id or null, "text": ...}`.
void remark_json(json_writer& w, const std::string& flag, const std::string& text);

/// `name` or `name(by=10d, ...)`.
std::string action_text(const emitted_action& a);

/// The document `write` writes, as pretty JSON (two-space indent) and a newline. Text that is not
/// UTF-8 is refused (encoding_error), as everywhere the library writes JSON.
void print_json(std::ostream& out, const std::function<void(json_writer&)>& write);

}  // namespace aftersale::cli
