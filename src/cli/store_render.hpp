// SPDX-License-Identifier: Apache-2.0
#pragma once
// Output of `aftersale store`: case rows, a case's log, due cases and SLA breaches, as text
// tables (like `decide`'s) or JSON through the library's writer.
#include <aftersale/store.hpp>
#include <ostream>
#include <vector>

#include "case_render.hpp"
#include "store_support.hpp"

namespace aftersale::cli {

/// `policy_hash` as the store spells it: 16 lowercase hex digits.
std::string hash_text(std::uint64_t hash);

/// Case rows: case, version, flow, state, phase, policy, opened, updated, next due.
void render_cases_text(std::ostream& out, const std::vector<stored_case_info>& cases);
/// The `name        value` fields of one row (`store show`); `with_state` adds flow, state, phase.
void render_case_row_text(std::ostream& out, const stored_case_info& c, bool with_state);
/// A case's log: seq, time, kind, event, actor, id, result, reason, states, steps, version, actions.
void render_log_text(std::ostream& out, const std::vector<log_entry>& log);
void render_due_text(std::ostream& out, const std::vector<due_case>& due);
void render_breaches_text(std::ostream& out, const std::vector<breach>& breaches);

void case_row_json(json_writer& w, const stored_case_info& c);
void log_json(json_writer& w, const std::vector<log_entry>& log);
void due_json(json_writer& w, const std::vector<due_case>& due);
void breaches_json(json_writer& w, const std::vector<breach>& breaches);

}  // namespace aftersale::cli
