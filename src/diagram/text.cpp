// SPDX-License-Identifier: Apache-2.0
// Texts shared by the DOT and Mermaid writers and the test skeleton.
#include "diagram/text.hpp"

namespace aftersale::analysis {

std::string duration_text(const clock_duration& d) {
  const std::int64_t n = d.amount;
  switch (d.kind) {
    case clock_kind::elapsed:
      if (n != 0 && n % 86400 == 0) return std::to_string(n / 86400) + "d";
      if (n != 0 && n % 3600 == 0) return std::to_string(n / 3600) + "h";
      if (n != 0 && n % 60 == 0) return std::to_string(n / 60) + "m";
      return std::to_string(n) + "s";
    case clock_kind::calendar_days:
      return std::to_string(n) + (n == 1 ? " day" : " days");
    case clock_kind::business_time:
      if (n % 3600 == 0) return std::to_string(n / 3600) + (n == 3600 ? " business hour" : " business hours");
      return std::to_string(n / 60) + (n == 60 ? " business minute" : " business minutes");
    case clock_kind::business_days:
      return std::to_string(n) + (n == 1 ? " business day" : " business days");
  }
  return std::to_string(n) + "s";
}

std::string trigger_text(const policy& p, const flow_def& f, const transition_def& t) {
  switch (t.trigger) {
    case trigger_kind::event:
      return t.event < f.events.size() ? f.events[t.event] : std::string("?");
    case trigger_kind::automatic:
      return "auto";
    case trigger_kind::timer:
      if (t.timer.clock < p.clocks.size()) return "after " + p.clocks[t.timer.clock].id;
      return "after " + duration_text(t.timer.after);
  }
  return {};
}

const std::string& guard_fact_name(const policy& p, const flow_def& f, std::uint32_t fact) {
  static const std::string unknown = "?";
  if (fact < p.facts.size()) return p.facts[fact].name;
  const std::size_t v = fact - p.facts.size();
  return v < f.variables.size() ? f.variables[v].name : unknown;
}

std::string guard_text(const policy& p, const flow_def& f, const transition_def& t) {
  std::string out;
  const condition* previous = nullptr;
  for (const condition& c : t.guard) {
    // The loader may split one written cell into two conditions with the same text.
    if (previous != nullptr && previous->fact == c.fact && previous->text == c.text) continue;
    previous = &c;
    if (!out.empty()) out += " and ";
    out += guard_fact_name(p, f, c.fact) + ' ' + (c.text.empty() ? std::string(to_string(c.op)) : c.text);
  }
  return out;
}

std::string roles_text(const policy& p, const transition_def& t) {
  std::string out;
  for (std::uint32_t r : t.roles) {
    if (!out.empty()) out += ", ";
    const std::string_view id = entry_id(p.vocabulary.roles, r);
    out += id.empty() ? std::string_view("?") : id;
  }
  return out;
}

std::vector<std::string> state_label_lines(const policy& p, const state_def& s,
                                           const diagram_options& options) {
  std::vector<std::string> lines{s.id};
  const std::string agent(p.text(s.agent_label, options.locale));
  const std::string customer(p.text(s.customer_label, options.locale));
  switch (options.labels) {
    case diagram_labels::agent:
      if (!agent.empty()) lines.push_back(agent);
      break;
    case diagram_labels::customer:
      if (!customer.empty()) lines.push_back(customer);
      break;
    case diagram_labels::both:
      if (!agent.empty()) lines.push_back(agent);
      if (!customer.empty() && customer != agent) lines.push_back("customer: " + customer);
      break;
    case diagram_labels::none:
      break;
  }
  return lines;
}

std::vector<std::string> transition_label_lines(const policy& p, const flow_def& f, const transition_def& t,
                                                const diagram_options& options) {
  std::string first = trigger_text(p, f, t);
  if (options.show_guards) {
    const std::string guard = guard_text(p, f, t);
    if (!guard.empty()) first += " [" + guard + "]";
  }
  std::vector<std::string> lines{first};
  if (options.show_roles && t.trigger == trigger_kind::event) {
    const std::string roles = roles_text(p, t);
    if (!roles.empty()) lines.push_back("by " + roles);
  }
  return lines;
}

}  // namespace aftersale::analysis
