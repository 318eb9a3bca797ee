// SPDX-License-Identifier: Apache-2.0
#include "store_render.hpp"

#include <cstdio>
#include <string>

namespace aftersale::cli {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string actions_text(const std::vector<emitted_action>& actions) {
  std::string out;
  for (const auto& a : actions) out += (out.empty() ? "" : ", ") + action_text(a);
  return out;
}

std::string policy_text(const stored_case_info& c) { return c.policy_id + " " + c.policy_version; }

void utc_json(json_writer& w, const std::optional<sys_seconds>& t) {
  if (t) {
    w.string(format_utc(*t));
  } else {
    w.null();
  }
}

}  // namespace

std::string hash_text(std::uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

void render_cases_text(std::ostream& out, const std::vector<stored_case_info>& cases) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : cases) {
    rows.push_back({c.id, std::to_string(c.version), c.flow, c.state, c.phase, policy_text(c),
                    format_utc(c.opened_at), format_utc(c.updated_at), utc_or_dash(c.next_due)});
  }
  render_columns(
      out, {"case", "version", "flow", "state", "phase", "policy", "opened", "updated", "next due"}, rows);
}

void render_case_row_text(std::ostream& out, const stored_case_info& c, bool with_state) {
  text_field(out, "case", {c.id});
  text_field(out, "version", {std::to_string(c.version)});
  text_field(out, "policy", {policy_text(c) + "  (content hash " + hash_text(c.policy_hash) + ")"});
  if (with_state) {
    text_field(out, "flow", {c.flow});
    text_field(out, "state", {c.state});
    text_field(out, "phase", {c.phase});
  }
  text_field(out, "opened", {format_utc(c.opened_at)});
  text_field(out, "updated", {format_utc(c.updated_at)});
  text_field(out, "next due", {c.next_due ? format_utc(*c.next_due) : "- (no timer pending)"});
}

void render_log_text(std::ostream& out, const std::vector<log_entry>& log) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : log) {
    std::string states = e.from_state.empty() && e.to_state.empty()
                             ? std::string("-")
                             : or_dash(e.from_state) + " → " + or_dash(e.to_state);
    rows.push_back({std::to_string(e.seq), format_utc(e.at), e.kind, or_dash(e.event), or_dash(e.actor),
                    or_dash(e.event_id), or_dash(e.result), or_dash(e.reason), states,
                    std::to_string(e.steps), std::to_string(e.version), or_dash(actions_text(e.actions))});
  }
  render_columns(out,
                 {"seq", "at", "kind", "event", "actor", "id", "result", "reason", "states", "steps",
                  "version", "actions"},
                 rows);
}

void render_due_text(std::ostream& out, const std::vector<due_case>& due) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : due) rows.push_back({d.id, format_utc(d.due)});
  render_columns(out, {"case", "due"}, rows);
}

void render_breaches_text(std::ostream& out, const std::vector<breach>& breaches) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : breaches) {
    rows.push_back({b.case_id, b.clock, b.due_local, format_duration(b.late), b.state, b.phase, b.label});
  }
  render_columns(out, {"case", "clock", "deadline", "late by", "state", "phase", "label"}, rows);
}

void case_row_json(json_writer& w, const stored_case_info& c) {
  w.begin_object();
  w.key("case");
  w.string(c.id);
  w.key("version");
  w.integer(c.version);
  w.key("policy");
  w.begin_object();
  w.key("id");
  w.string(c.policy_id);
  w.key("version");
  w.string(c.policy_version);
  w.key("hash");
  w.string(hash_text(c.policy_hash));
  w.end_object();
  w.key("flow");
  w.string(c.flow);
  w.key("state");
  w.string(c.state);
  w.key("phase");
  w.string(c.phase);
  w.key("opened_at");
  w.string(format_utc(c.opened_at));
  w.key("updated_at");
  w.string(format_utc(c.updated_at));
  w.key("next_due");
  utc_json(w, c.next_due);
  w.end_object();
}

void log_json(json_writer& w, const std::vector<log_entry>& log) {
  w.begin_array();
  for (const auto& e : log) {
    w.begin_object();
    w.key("seq");
    w.integer(e.seq);
    w.key("kind");
    w.string(e.kind);
    w.key("at");
    w.string(format_utc(e.at));
    w.key("event");
    w.string_or_null(e.event);
    w.key("actor");
    w.string_or_null(e.actor);
    w.key("event_id");
    w.string_or_null(e.event_id);
    w.key("payload");
    w.literal(e.payload_json.empty() ? std::string_view("{}") : std::string_view(e.payload_json));
    w.key("result");
    w.string_or_null(e.result);
    w.key("reason");
    w.string_or_null(e.reason);
    w.key("message");
    w.string_or_null(e.message);
    w.key("from");
    w.string_or_null(e.from_state);
    w.key("to");
    w.string_or_null(e.to_state);
    w.key("steps");
    w.unsigned_integer(e.steps);
    w.key("version");
    w.integer(e.version);
    w.key("actions");
    w.begin_array();
    for (const auto& a : e.actions) {
      w.begin_object();
      w.key("name");
      w.string(a.name);
      w.key("args");
      w.begin_object();
      for (const auto& [k, v] : a.args) {
        w.key(k);
        w.string(v);
      }
      w.end_object();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

void due_json(json_writer& w, const std::vector<due_case>& due) {
  w.begin_array();
  for (const auto& d : due) {
    w.begin_object();
    w.key("case");
    w.string(d.id);
    w.key("due");
    w.string(format_utc(d.due));
    w.end_object();
  }
  w.end_array();
}

void breaches_json(json_writer& w, const std::vector<breach>& breaches) {
  w.begin_array();
  for (const auto& b : breaches) {
    w.begin_object();
    w.key("case");
    w.string(b.case_id);
    w.key("clock");
    w.string(b.clock);
    w.key("label");
    w.string_or_null(b.label);
    w.key("due");
    w.begin_object();
    w.key("utc");
    w.string(format_utc(b.due));
    w.key("local");
    w.string(b.due_local_iso);
    w.end_object();
    w.key("late_seconds");
    w.integer(b.late.count());
    w.key("late");
    w.string(format_duration(b.late));
    w.key("state");
    w.string(b.state);
    w.key("phase");
    w.string(b.phase);
    w.end_object();
  }
  w.end_array();
}

}  // namespace aftersale::cli
