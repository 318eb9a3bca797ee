// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "render.hpp"
#include "text.hpp"

namespace aftersale::cli {
namespace {

using cell = std::vector<std::string>;

constexpr std::size_t steps_width = 44;
constexpr std::size_t request_width = 28;

void append_wrapped(cell& c, const std::string& text, std::size_t width, const std::string& first_prefix) {
  std::string indent(display_width(first_prefix), ' ');
  bool first = true;
  for (auto& line : wrap(text, width - indent.size())) {
    c.push_back((first ? first_prefix : indent) + line);
    first = false;
  }
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::size_t clock_width(const std::vector<outcome>& outcomes) {
  std::size_t w = 0;
  for (const auto& o : outcomes)
    for (const auto& m : o.matches)
      for (const auto& dl : m.deadlines) w = std::max(w, display_width(dl.clock));
  return w;
}

// ---- several requests: one row each -------------------------------------------------

std::vector<cell> row_of(const outcome& o, std::size_t clock_w) {
  cell request, solution, steps, fee, evidence, deadlines;
  request.push_back(o.request);
  if (!o.note.empty()) append_wrapped(request, o.note, request_width, "  ");
  if (o.status == "no_match") solution.push_back("(no rule matched)");
  if (o.status == "conflict") solution.push_back("(conflict)");
  for (const auto& m : o.matches) {
    if (o.status == "matched") solution.push_back(m.solution);
    solution.push_back("  rule " + m.rule);
    if (o.status != "matched") continue;
    std::size_t n = 0;
    for (const auto& step : m.steps) append_wrapped(steps, step, steps_width, std::to_string(++n) + ". ");
    fee.push_back(or_dash(m.fee_payer));
    for (const auto& e : m.evidence) evidence.push_back(e);
    for (const auto& dl : m.deadlines) deadlines.push_back(pad(dl.clock, clock_w) + "  " + dl.due_local);
  }
  for (cell* c : {&steps, &fee, &evidence, &deadlines})
    if (c->empty()) c->push_back("-");
  return {request, solution, steps, fee, evidence, deadlines};
}

void render_grid(std::ostream& out, const std::vector<outcome>& outcomes) {
  const std::vector<std::string> headers{"request",       "solution", "steps",
                                         "pays shipping", "evidence", "deadlines (store local time)"};
  std::size_t clock_w = clock_width(outcomes);
  std::vector<std::vector<cell>> rows;
  for (const auto& o : outcomes) rows.push_back(row_of(o, clock_w));
  std::vector<std::size_t> widths;
  for (const auto& h : headers) widths.push_back(display_width(h));
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c)
      for (const auto& line : row[c]) widths[c] = std::max(widths[c], display_width(line));

  auto print_line = [&](const std::vector<std::string>& parts) {
    std::string line;
    for (std::size_t c = 0; c < parts.size(); ++c) line += (c ? "  " : "") + pad(parts[c], widths[c]);
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  };
  print_line(headers);
  std::vector<std::string> rule;
  for (std::size_t w : widths) rule.emplace_back(w, '-');
  print_line(rule);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r) out << '\n';
    std::size_t height = 0;
    for (const auto& c : rows[r]) height = std::max(height, c.size());
    for (std::size_t i = 0; i < height; ++i) {
      std::vector<std::string> parts;
      for (const auto& c : rows[r]) parts.push_back(i < c.size() ? c[i] : "");
      print_line(parts);
    }
  }
  for (const auto& o : outcomes) {
    if (o.explanation.empty()) continue;
    out << "\nwhy " << o.request << ":\n";
    for (const auto& line : o.explanation) out << "  " << line << '\n';
  }
}

// ---- one request: every field -------------------------------------------------------

// `exchange (换货)`: an id with its label in the outcome's locale, when it has one that says more.
std::string with_label(const std::string& id, const std::string& label) {
  return label.empty() || label == id ? id : id + " (" + label + ")";
}

void field(std::ostream& out, const std::string& name, const cell& lines) {
  constexpr std::size_t label_width = 12;
  bool first = true;
  for (const auto& line : lines) {
    out << pad(first ? name : "", label_width) << line << '\n';
    first = false;
  }
}

void render_match(std::ostream& out, const match_view& m, std::size_t clock_w) {
  field(out, "rule", {m.rule + "  (" + m.rule_where + ")"});
  field(out, "solution", {with_label(m.solution, m.solution_label)});
  cell steps;
  std::size_t n = 0;
  for (const auto& step : m.steps) append_wrapped(steps, step, 72, std::to_string(++n) + ". ");
  field(out, "steps", steps.empty() ? cell{"-"} : steps);
  field(out, "shipping",
        {m.fee_payer.empty() ? "- (nobody)" : with_label(m.fee_payer, m.fee_payer_label) + " pays shipping"});
  std::vector<std::string> evidence;
  for (std::size_t i = 0; i < m.evidence.size(); ++i)
    evidence.push_back(with_label(m.evidence[i], i < m.evidence_labels.size() ? m.evidence_labels[i] : ""));
  field(out, "evidence", {evidence.empty() ? "-" : join(evidence, ", ")});
  field(out, "escalation", {m.escalation.empty() ? "-" : with_label(m.escalation, m.escalation_label)});
  if (!m.remark_flag.empty() || !m.remark_text.empty()) {
    field(out, "remark", {(m.remark_flag.empty() ? "" : "[" + m.remark_flag + "] ") + m.remark_text});
  }
  cell amounts;
  for (const auto& [name, minor] : m.amounts) amounts.push_back(name + " " + money_text(minor));
  if (!amounts.empty()) field(out, "amounts", amounts);
  cell deadlines;
  for (const auto& dl : m.deadlines) {
    deadlines.push_back(pad(dl.clock, clock_w) + "  " + dl.due_local +
                        (dl.label.empty() ? "" : "  " + dl.label));
  }
  field(out, "deadlines", deadlines.empty() ? cell{"-"} : deadlines);
  cell labels;
  if (!m.customer_label.empty()) labels.push_back("customer: " + m.customer_label);
  if (!m.agent_label.empty()) labels.push_back("agent: " + m.agent_label);
  if (!labels.empty()) field(out, "labels", labels);
}

void render_record(std::ostream& out, const outcome& o) {
  std::size_t clock_w = clock_width({o});
  field(out, "request", {o.request});
  if (!o.note.empty()) field(out, "note", wrap(o.note, 72));
  field(out, "now", {o.now_local.empty() ? o.now_utc : o.now_local + "  (" + o.now_utc + ")"});
  field(out, "table", {o.table + " (hit policy " + o.hit_policy + ")"});
  field(out, "status", {o.status});
  for (std::size_t i = 0; i < o.matches.size(); ++i) {
    if (o.matches.size() > 1) out << "-- match " << i + 1 << " of " << o.matches.size() << '\n';
    if (o.status == "matched") {
      render_match(out, o.matches[i], clock_w);
    } else {
      field(out, "rule", {o.matches[i].rule + "  (" + o.matches[i].rule_where + ")"});
      field(out, "solution", {o.matches[i].solution});
    }
  }
  if (!o.aggregate_text.empty()) field(out, "aggregate", {o.aggregate_text});
  if (!o.explanation.empty()) {
    out << "\nwhy:\n";
    for (const auto& line : o.explanation) out << "  " << line << '\n';
  }
}

}  // namespace

void render_table(std::ostream& out, const std::vector<outcome>& outcomes) {
  if (outcomes.size() == 1) {
    render_record(out, outcomes.front());
  } else if (!outcomes.empty()) {
    render_grid(out, outcomes);
  }
}

}  // namespace aftersale::cli
