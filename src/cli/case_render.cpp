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

ordered_json text_or_null(const std::string& s) {
  return s.empty() ? ordered_json(nullptr) : ordered_json(s);
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
    if (!c.remaining.empty()) line += "  " + c.remaining + " left";
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
ordered_json value_json(const value_view& v) {
  switch (v.what) {
    case value_view::kind::unset:
      return nullptr;
    case value_view::kind::integer:
      return v.raw;
    case value_view::kind::boolean:
      return v.raw != 0;
    case value_view::kind::text:
      break;
  }
  return v.text;
}

ordered_json clock_json(const clock_view& c) {
  ordered_json out = ordered_json::object();
  out["clock"] = c.clock;
  out["label"] = text_or_null(c.label);
  out["status"] = c.status;
  out["started"] = c.started ? instant_json(*c.started) : ordered_json(nullptr);
  out["due"] = c.due ? instant_json(*c.due) : ordered_json(nullptr);
  out["remaining"] = text_or_null(c.remaining);
  out["overdue"] = c.overdue;
  return out;
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

ordered_json instant_json(const instant_view& t) { return {{"utc", t.utc}, {"local", t.local_iso}}; }

ordered_json history_json(const std::vector<history_view>& history) {
  ordered_json out = ordered_json::array();
  for (const auto& h : history) {
    out.push_back({{"kind", h.kind},
                   {"at", instant_json(h.at)},
                   {"actor", text_or_null(h.actor)},
                   {"from", text_or_null(h.from)},
                   {"to", text_or_null(h.to)},
                   {"event_id", text_or_null(h.event_id)},
                   {"text", h.text}});
  }
  return out;
}

ordered_json case_json(const case_view& v) {
  ordered_json out = ordered_json::object();
  out["policy"] = {{"id", v.policy_id}, {"version", v.policy_version}};
  out["flow"] = v.flow;
  out["state"] = v.state;
  out["label"] = text_or_null(v.label());
  out["labels"] = {{"agent", text_or_null(v.agent_label)}, {"customer", text_or_null(v.customer_label)}};
  if (v.customer) out["progress"] = progress(v);
  out["terminal"] = v.terminal;
  out["phase"] = v.phase;
  out["escalation"] = text_or_null(v.escalation);
  out["remark"] = v.remark_flag.empty() && v.remark.empty()
                      ? ordered_json(nullptr)
                      : ordered_json{{"flag", text_or_null(v.remark_flag)}, {"text", v.remark}};
  out["opened_at"] = instant_json(v.opened_at);
  out["entered_at"] = instant_json(v.entered_at);
  ordered_json facts = ordered_json::object();
  for (const auto& f : v.facts) facts[f.name] = value_json(f);
  out["facts"] = facts;
  ordered_json variables = ordered_json::object();
  for (const auto& x : v.variables) variables[x.name] = value_json(x);
  out["variables"] = variables;
  ordered_json clocks = ordered_json::array();
  for (const auto& c : v.clocks) clocks.push_back(clock_json(c));
  out["clocks"] = clocks;
  if (v.next_deadline) {
    ordered_json next = instant_json(*v.next_deadline);
    next["to"] = text_or_null(v.next_target);
    next["due"] = v.next_due;
    out["next_deadline"] = next;
  } else {
    out["next_deadline"] = nullptr;
  }
  ordered_json events = ordered_json::array();
  for (const auto& e : v.events) events.push_back({{"event", e.event}, {"roles", e.roles}});
  out["events"] = events;
  out["history"] = history_json(v.history);
  return out;
}

ordered_json outcome_json(const outcome_view& o) {
  ordered_json out = ordered_json::object();
  out["status"] = o.result;
  out["reason"] = text_or_null(o.reason);
  out["message"] = o.message;
  out["from"] = text_or_null(o.from_state);
  out["to"] = text_or_null(o.to_state);
  out["steps"] = o.steps;
  ordered_json actions = ordered_json::array();
  for (const auto& a : o.actions) {
    ordered_json args = ordered_json::object();
    for (const auto& [k, val] : a.args) args[k] = val;
    actions.push_back({{"name", a.name}, {"args", args}});
  }
  out["actions"] = actions;
  return out;
}

void print_json(std::ostream& out, const ordered_json& doc) {
  out << doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace aftersale::cli
