// SPDX-License-Identifier: Apache-2.0
// `aftersale decide --format json`, written with the library's JSON writer (keys in the
// documented order: status, table, rule, solution, ...).
#include <string>

#include "base/json_writer.hpp"
#include "case_render.hpp"
#include "render.hpp"

namespace aftersale::cli {
namespace {

using json_writer = detail::json_writer;

void strings(json_writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

void deadlines(json_writer& w, const match_view& m) {
  w.begin_array();
  for (const auto& dl : m.deadlines) {
    w.begin_object();
    w.key("clock");
    w.string(dl.clock);
    w.key("label");
    w.string_or_null(dl.label);
    w.key("due_utc");
    w.string(dl.due_utc);
    w.key("due_local");
    w.string(dl.due_local_iso);
    w.end_object();
  }
  w.end_array();
}

// The fields of one match, in order; the first match's are also the outcome's top level.
void match_fields(json_writer& w, const match_view& m) {
  w.key("rule");
  w.string(m.rule);
  w.key("solution");
  w.string(m.solution);
  w.key("steps");
  strings(w, m.steps);
  w.key("fee_payer");
  w.string_or_null(m.fee_payer);
  w.key("evidence");
  strings(w, m.evidence);
  w.key("escalation");
  w.string_or_null(m.escalation);
  // The vocabulary labels of the ids above, in the outcome's locale (null: the entry has none).
  w.key("vocabulary_labels");
  w.begin_object();
  w.key("solution");
  w.string_or_null(m.solution_label);
  w.key("fee_payer");
  w.string_or_null(m.fee_payer_label);
  w.key("evidence");
  w.begin_array();
  for (const std::string& label : m.evidence_labels) w.string_or_null(label);
  w.end_array();
  w.key("escalation");
  w.string_or_null(m.escalation_label);
  w.end_object();
  w.key("remark");
  remark_json(w, m.remark_flag, m.remark_text);
  w.key("amounts");
  w.begin_object();
  for (const auto& [name, minor] : m.amounts) {
    w.key(name);
    w.integer(minor);
  }
  w.end_object();
  w.key("deadlines");
  deadlines(w, m);
  w.key("labels");
  w.begin_object();
  w.key("customer");
  w.string_or_null(m.customer_label);
  w.key("agent");
  w.string_or_null(m.agent_label);
  w.end_object();
}

// The same keys, all null: no rule matched.
void null_fields(json_writer& w) {
  for (const char* key : {"rule", "solution", "steps", "fee_payer", "evidence", "escalation",
                          "vocabulary_labels", "remark", "amounts", "deadlines", "labels"}) {
    w.key(key);
    w.null();
  }
}

void match_json(json_writer& w, const match_view& m) {
  w.begin_object();
  match_fields(w, m);
  w.end_object();
}

void outcome_json(json_writer& w, const outcome& o, bool with_name) {
  w.begin_object();
  if (with_name) {
    w.key("request");
    w.string(o.request);
  }
  w.key("status");
  w.string(o.status);
  w.key("table");
  w.string(o.table);
  w.key("now");
  w.string(o.now_utc);
  w.key("locale");
  w.string(o.locale);
  // The first match's outputs at the top level (for single-hit tables: the answer).
  if (o.matches.empty() || o.status != "matched") {
    null_fields(w);
  } else {
    match_fields(w, o.matches.front());
  }
  if (o.multi_hit || o.matches.size() > 1) {
    w.key("matches");
    w.begin_array();
    for (const auto& m : o.matches) match_json(w, m);
    w.end_array();
  }
  if (!o.aggregate_op.empty()) {
    // {"op": "sum", "output": "compensation", "value": 3500}: minor units, or a count; null when absent.
    w.key("aggregate");
    w.begin_object();
    w.key("op");
    w.string(o.aggregate_op);
    w.key("output");
    w.string_or_null(o.aggregate_output);
    w.key("value");
    if (o.aggregate) {
      w.integer(*o.aggregate);
    } else {
      w.null();
    }
    w.end_object();
  }
  if (!o.explanation.empty()) {
    w.key("explanation");
    strings(w, o.explanation);
  }
  // Who decided, from what: the decision id and the exact policy text's identity.
  w.key("audit");
  w.begin_object();
  w.key("decision_id");
  w.string(o.audit.decision_id);
  w.key("policy_id");
  w.string(o.audit.policy_id);
  w.key("policy_version");
  w.string(o.audit.policy_version);
  w.key("policy_hash");
  w.string(o.audit.policy_hash_hex());
  w.end_object();
  w.end_object();
}

}  // namespace

void render_json(std::ostream& out, const std::vector<outcome>& outcomes) {
  json_writer w("the decision", json_writer::layout::pretty);
  if (outcomes.size() == 1) {
    outcome_json(w, outcomes.front(), false);
  } else {
    w.begin_array();
    for (const auto& o : outcomes) outcome_json(w, o, true);
    w.end_array();
  }
  out << w.take() << '\n';
}

}  // namespace aftersale::cli
