// SPDX-License-Identifier: Apache-2.0
#include "case_render.hpp"

#include <algorithm>

#include "text.hpp"

namespace aftersale::cli {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string state_line(const case_view& v) {
  std::string line = v.state;
  if (!v.label().empty()) line += "  " + v.label();
  if (v.terminal) line += "  (terminal)";
  return line;
}

std::vector<std::string> clock_lines(const case_view& v) {
  std::size_t id_w = 0;
  for (const auto& c : v.clocks) id_w = std::max(id_w, display_width(c.clock));
  std::vector<std::string> lines;
  for (const auto& c : v.clocks) {
    std::string line = pad(c.clock, id_w) + "  " + pad(c.status, 7);
    if (c.due) line += "  due " + c.due->local + (c.overdue ? "  OVERDUE" : "");
    // A paused clock that never falls due has no time left to count: `due never`, as when running.
    if (!c.remaining.empty()) line += c.remaining == "never" ? "  due never" : "  " + c.remaining + " left";
    if (!c.label.empty()) line += "  " + c.label;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string next_line(const case_view& v) {
  if (!v.next_deadline) return "- (no timer pending)";
  std::string line = v.next_deadline->local;
  if (!v.next_target.empty()) line += "  timer → " + v.next_target;
  if (v.next_due) line += "  (due: `aftersale case advance` fires it)";
  return line;
}

std::vector<std::string> event_lines(const case_view& v) {
  std::vector<std::string> lines;
  for (const auto& e : v.events)
    lines.push_back(e.event + (e.roles.empty() ? "  (any role)" : "  (" + join(e.roles, ", ") + ")"));
  if (lines.empty()) lines.push_back("- (none: timers only)");
  return lines;
}

// The customer's coarse progress: the customer labels of the states entered, repeats merged.
std::vector<std::string> progress(const case_view& v) {
  std::vector<std::string> labels;
  for (const auto& h : v.history)
    if (!h.customer_label.empty() && (labels.empty() || labels.back() != h.customer_label))
      labels.push_back(h.customer_label);
  return labels;
}

// Numbers as numbers (money in minor units, like request files and `decide`), booleans as
// booleans, everything else as its text; null when unset.
void value_json(json_writer& w, const value_view& v) {
  switch (v.what) {
    case value_view::kind::unset:
      return w.null();
    case value_view::kind::integer:
      return w.integer(v.raw);
    case value_view::kind::boolean:
      return w.boolean(v.raw != 0);
    case value_view::kind::text:
      break;
  }
  w.string(v.text);
}

void instant_or_null(json_writer& w, const std::optional<instant_view>& t) {
  if (!t) return w.null();
  instant_json(w, *t);
}

void clock_json(json_writer& w, const clock_view& c) {
  w.begin_object();
  w.key("clock");
  w.string(c.clock);
  w.key("label");
  w.string_or_null(c.label);
  w.key("status");
  w.string(c.status);
  w.key("started");
  instant_or_null(w, c.started);
  w.key("due");
  instant_or_null(w, c.due);
  w.key("remaining");
  w.string_or_null(c.remaining);
  w.key("overdue");
  w.boolean(c.overdue);
  w.end_object();
}

void strings_json(json_writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

void values_json(json_writer& w, const std::vector<value_view>& values) {
  w.begin_object();
  for (const auto& v : values) {
    w.key(v.name);
    value_json(w, v);
  }
  w.end_object();
}

}  // namespace

void text_field(std::ostream& out, const std::string& name, const std::vector<std::string>& lines) {
  constexpr std::size_t label_width = 12;
  bool first = true;
  for (const auto& line : lines) {
    out << pad(first ? name : "", label_width) << line << '\n';
    first = false;
  }
  if (lines.empty()) out << pad(name, label_width) << "-\n";
}

std::string action_text(const emitted_action& a) {
  if (a.args.empty()) return a.name;
  std::string args;
  for (const auto& [k, val] : a.args) args += (args.empty() ? "" : ", ") + k + "=" + val;
  return a.name + "(" + args + ")";
}

void render_status_text(std::ostream& out, const case_view& v) {
  text_field(out, "state", {state_line(v)});
  text_field(out, "phase", {v.phase});
  text_field(out, "escalation", {or_dash(v.escalation)});
  text_field(out, "clocks", clock_lines(v));
  text_field(out, "next", {next_line(v)});
  text_field(out, "events", event_lines(v));
}

void render_history_text(std::ostream& out, const std::vector<history_view>& history) {
  std::vector<std::string> lines;
  for (const auto& h : history) lines.push_back(h.text);
  text_field(out, "history", lines);
}

void render_case_text(std::ostream& out, const case_view& v) {
  text_field(out, "policy", {v.policy_id + " " + v.policy_version});
  text_field(out, "flow", {v.flow + (v.flow_description.empty() ? "" : "  (" + v.flow_description + ")")});
  text_field(out, "state", {state_line(v)});
  if (v.customer) {
    std::vector<std::string> steps = progress(v);
    text_field(out, "progress", {steps.empty() ? "-" : join(steps, " → ")});
  }
  text_field(out, "phase", {v.phase});
  text_field(out, "escalation", {or_dash(v.escalation)});
  text_field(out, "remark",
             {v.remark_flag.empty() && v.remark.empty()
                  ? "-"
                  : (v.remark_flag.empty() ? "" : "[" + v.remark_flag + "] ") + v.remark});
  text_field(out, "opened", {v.opened_at.local});
  text_field(out, "entered", {v.entered_at.local});
  std::vector<std::string> facts;
  for (const auto& f : v.facts) facts.push_back(f.name + " = " + f.text);
  text_field(out, "facts", facts);
  std::vector<std::string> variables;
  for (const auto& x : v.variables)
    variables.push_back(x.name + " = " + (x.what == value_view::kind::unset ? "(unset)" : x.text));
  text_field(out, "variables", variables);
  text_field(out, "clocks", clock_lines(v));
  text_field(out, "next", {next_line(v)});
  text_field(out, "events", event_lines(v));
  render_history_text(out, v.history);
}

void render_outcome_text(std::ostream& out, const outcome_view& o, const std::string& heading) {
  text_field(out, heading, {o.result + (o.reason.empty() ? "" : " (" + o.reason + ")")});
  text_field(out, "message", {o.message});
  if (o.accepted()) {
    std::vector<std::string> actions;
    for (const auto& a : o.actions) actions.push_back(action_text(a));
    text_field(out, "actions", actions);
  }
}

void remark_json(json_writer& w, const std::string& flag, const std::string& text) {
  if (flag.empty() && text.empty()) return w.null();
  w.begin_object();
  w.key("flag");
  w.string_or_null(flag);
  w.key("text");
  w.string(text);
  w.end_object();
}

void instant_json(json_writer& w, const instant_view& t) {
  w.begin_object();
  w.key("utc");
  w.string(t.utc);
  w.key("local");
  w.string(t.local_iso);
  w.end_object();
}

void history_json(json_writer& w, const std::vector<history_view>& history) {
  w.begin_array();
  for (const auto& h : history) {
    w.begin_object();
    w.key("kind");
    w.string(h.kind);
    w.key("at");
    instant_json(w, h.at);
    w.key("actor");
    w.string_or_null(h.actor);
    w.key("from");
    w.string_or_null(h.from);
    w.key("to");
    w.string_or_null(h.to);
    w.key("event_id");
    w.string_or_null(h.event_id);
    w.key("text");
    w.string(h.text);
    w.end_object();
  }
  w.end_array();
}

void case_json(json_writer& w, const case_view& v) {
  w.begin_object();
  w.key("policy");
  w.begin_object();
  w.key("id");
  w.string(v.policy_id);
  w.key("version");
  w.string(v.policy_version);
  w.end_object();
  w.key("flow");
  w.string(v.flow);
  w.key("state");
  w.string(v.state);
  w.key("label");
  w.string_or_null(v.label());
  w.key("labels");
  w.begin_object();
  w.key("agent");
  w.string_or_null(v.agent_label);
  w.key("customer");
  w.string_or_null(v.customer_label);
  w.end_object();
  w.key("locale");
  w.string(v.locale);
  if (v.customer) {
    w.key("progress");
    strings_json(w, progress(v));
  }
  w.key("terminal");
  w.boolean(v.terminal);
  w.key("phase");
  w.string(v.phase);
  w.key("escalation");
  w.string_or_null(v.escalation);
  w.key("remark");
  remark_json(w, v.remark_flag, v.remark);
  w.key("opened_at");
  instant_json(w, v.opened_at);
  w.key("entered_at");
  instant_json(w, v.entered_at);
  w.key("facts");
  values_json(w, v.facts);
  w.key("variables");
  values_json(w, v.variables);
  w.key("clocks");
  w.begin_array();
  for (const auto& c : v.clocks) clock_json(w, c);
  w.end_array();
  w.key("next_deadline");
  if (v.next_deadline) {
    w.begin_object();
    w.key("utc");
    w.string(v.next_deadline->utc);
    w.key("local");
    w.string(v.next_deadline->local_iso);
    w.key("to");
    w.string_or_null(v.next_target);
    w.key("due");
    w.boolean(v.next_due);
    w.end_object();
  } else {
    w.null();
  }
  w.key("events");
  w.begin_array();
  for (const auto& e : v.events) {
    w.begin_object();
    w.key("event");
    w.string(e.event);
    w.key("roles");
    strings_json(w, e.roles);
    w.end_object();
  }
  w.end_array();
  w.key("history");
  history_json(w, v.history);
  w.end_object();
}

void outcome_json(json_writer& w, const outcome_view& o) {
  w.begin_object();
  w.key("status");
  w.string(o.result);
  w.key("reason");
  w.string_or_null(o.reason);
  w.key("message");
  w.string(o.message);
  w.key("from");
  w.string_or_null(o.from_state);
  w.key("to");
  w.string_or_null(o.to_state);
  w.key("steps");
  w.unsigned_integer(o.steps);
  w.key("actions");
  w.begin_array();
  for (const auto& a : o.actions) {
    w.begin_object();
    w.key("name");
    w.string(a.name);
    w.key("args");
    w.begin_object();
    for (const auto& [k, val] : a.args) {
      w.key(k);
      w.string(val);
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void print_json(std::ostream& out, const std::function<void(json_writer&)>& write) {
  json_writer w("the output", json_writer::layout::pretty);
  write(w);
  out << w.take() << '\n';
}

}  // namespace aftersale::cli
