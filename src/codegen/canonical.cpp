// SPDX-License-Identifier: Apache-2.0
// The canonical text of an interpreted decision: what the generated header's
// `reflect::canonical_text` prints for its own decision (emit_reflect.cpp writes that side;
// the two must stay byte-equal).
#include <aftersale/codegen.hpp>
#include <string>

namespace aftersale {

namespace {

void quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char ch : text) {
    if (ch == '\\' || ch == '"') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      out += ch;
    }
  }
  out += '"';
}

void text_line(std::string& out, std::string_view key, std::string_view text) {
  out += key;
  out += ' ';
  quoted(out, text);
  out += '\n';
}

// An id line: the id quoted, or `-` for none (npos).
void id_line(std::string& out, std::string_view key, const std::vector<vocabulary_entry>& list,
             std::uint32_t index) {
  out += key;
  out += ' ';
  if (index < list.size()) {
    quoted(out, list[index].id);
  } else {
    out += '-';
  }
  out += '\n';
}

}  // namespace

std::string canonical_text(const decision& d) {
  const policy& p = d.source_policy();
  const decision_table& t = d.table();
  const vocabulary& v = p.vocabulary;
  std::string out = "aftersale-decision/1\n";
  text_line(out, "table", t.id);
  out += "status ";
  out += to_string(d.status());
  out += '\n';
  out += "aggregate ";
  out += d.aggregate() ? std::to_string(*d.aggregate()) : std::string("-");
  out += '\n';
  for (const rule_match& m : d.matches()) {
    const rule& r = t.rules.at(m.rule);
    const rule_outcome& then = r.then;
    text_line(out, "match", r.id);
    id_line(out, "solution", v.solutions, then.solution);
    id_line(out, "fee_payer", v.parties, then.fee_payer);
    for (const std::uint32_t e : then.evidence) text_line(out, "evidence", entry_id(v.evidence, e));
    id_line(out, "escalation", v.roles, then.escalation);
    id_line(out, "remark_flag", v.flags, then.remark_flag);
    text_line(out, "remark", p.text(then.remark));
    for (const localized_text& s : then.steps) text_line(out, "step", p.text(s));
    text_line(out, "customer_label", p.text(then.customer_label));
    text_line(out, "agent_label", p.text(then.agent_label));
    for (std::size_t i = 0; i < then.amounts.size(); ++i) {
      out += "amount ";
      quoted(out, then.amounts[i].name);
      out += ' ';
      out += m.has_amount(i) ? std::to_string(m.amounts[i]) : std::string("-");
      out += '\n';
    }
    for (const deadline& dl : m.deadlines) {
      out += "deadline ";
      quoted(out, d.clock_id(dl));
      out += ' ';
      out += std::to_string(dl.due.time_since_epoch().count());
      out += '\n';
    }
    text_line(out, "flow", then.flow);
  }
  return out;
}

}  // namespace aftersale
