// SPDX-License-Identifier: Apache-2.0
// `namespace reflect` of the generated header: a typed request from the interpreter's encoding,
// any table by index, and the canonical text of a decision (byte-equal to canonical.cpp's).
#include "codegen/emit.hpp"

namespace aftersale::codegen {

namespace {

std::string from_encoded(const fact_def& f, const fact_names& n, const std::string& v) {
  switch (f.type) {
    case fact_type::enumeration:
      return "static_cast<" + n.enum_type + ">(" + v + ")";
    case fact_type::boolean:
      return v + " != 0";
    case fact_type::duration:
      return "std::chrono::seconds{" + v + "}";
    case fact_type::timestamp:
      return "aftersale::sys_seconds{std::chrono::seconds{" + v + "}}";
    case fact_type::string: {
      std::string out;
      for (std::size_t i = 0; i < f.values.size(); ++i)
        out += v + " == " + std::to_string(i) + " ? " + cpp_string(f.values[i]) + " : ";
      return "std::string(" + out + cpp_string(other_text(f)) + ")";
    }
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:
      break;
  }
  return v;
}

}  // namespace

void emit_reflect(code_writer& w, const policy& p, const policy_names& n) {
  w.line("");
  w.comment("For tests, the differential and tools: the interpreter's encodings and canonical text.");
  w.line("namespace reflect {");
  w.line("");
  w.line("inline constexpr std::uint32_t table_count = " + std::to_string(p.decisions.size()) + ";");
  w.line("");
  w.comment(
      "A typed request from the interpreter's encoding (`aftersale::bound_request`): one slot per\n"
      "policy fact in policy order; derived slots are ignored. A string fact's value is the index\n"
      "of its literal, or -1 for a text that is none of them.");
  w.open("inline request request_from_encoded(const std::int64_t* values, const std::uint8_t* present)");
  w.line("request r;");
  bool reads = false;
  for (std::size_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (f.derive != derivation::none) continue;
    reads = true;
    const std::string v = "values[" + std::to_string(i) + "]";
    w.line("if (present[" + std::to_string(i) + "]) r." + n.facts[i].field + " = " +
           from_encoded(f, n.facts[i], v) + ";");
  }
  if (!reads) {
    w.line("(void)values;");
    w.line("(void)present;");
  }
  w.line("return r;");
  w.close();
  w.line("");
  w.comment(
      "Decides table `table_index` (the interpreter's index into `policy::decisions`).\n"
      "@throws aftersale::request_error (E304) when the policy has no such table.");
  w.open(
      "inline decision decide_table(std::uint32_t table_index, const request& r, aftersale::sys_seconds "
      "now)");
  w.open("switch (table_index)");
  for (std::size_t t = 0; t < p.decisions.size(); ++t)
    w.line("case " + std::to_string(t) + ": return " + n.tables[t].function + "(r, now);");
  w.line("default: break;");
  w.close();
  w.line(
      "throw aftersale::request_error(aftersale::error_code::unknown_decision, \"\", \"no decision table "
      "number \" +");
  w.line("                               std::to_string(table_index) + \": the policy has " +
         std::to_string(p.decisions.size()) + "\");");
  w.close();
  w.line("}  // namespace reflect");
  w.lines(R"(
namespace detail {

// `"text"` with `\`, `"`, line feeds and carriage returns escaped (aftersale::canonical_text).
inline void quoted(std::string& out, std::string_view text) {
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

template <class E>
void id_line(std::string& out, std::string_view key, const std::optional<E>& v) {
  out += key;
  out += ' ';
  if (v) {
    quoted(out, to_string(*v));
  } else {
    out += '-';
  }
  out += '\n';
}

inline void text_line(std::string& out, std::string_view key, std::string_view text) {
  out += key;
  out += ' ';
  quoted(out, text);
  out += '\n';
}

}  // namespace detail

namespace reflect {

/// The decision as text, byte-equal to `aftersale::canonical_text` of the interpreter's decision
/// of the same request, table and instant whenever the two agree.
inline std::string canonical_text(const decision& d) {
  std::string out = "aftersale-decision/1\n";
  detail::text_line(out, "table", d.table_id);
  out += "status ";
  out += to_string(d.status);
  out += '\n';
  out += "aggregate ";
  out += d.aggregate ? std::to_string(*d.aggregate) : std::string("-");
  out += '\n';
  for (const rule_match& m : d.matches) {
    detail::text_line(out, "match", m.rule_id);
    detail::id_line(out, "solution", m.solution);
    detail::id_line(out, "fee_payer", m.fee_payer);
    for (const evidence e : m.evidence) detail::text_line(out, "evidence", to_string(e));
    detail::id_line(out, "escalation", m.escalation);
    detail::id_line(out, "remark_flag", m.remark_flag);
    detail::text_line(out, "remark", m.remark);
    for (const std::string_view s : m.steps) detail::text_line(out, "step", s);
    detail::text_line(out, "customer_label", m.customer_label);
    detail::text_line(out, "agent_label", m.agent_label);
    for (const amount& a : m.amounts()) {
      out += "amount ";
      detail::quoted(out, a.name);
      out += ' ';
      out += a.present ? std::to_string(a.value) : std::string("-");
      out += '\n';
    }
    for (const deadline& dl : m.deadlines()) {
      out += "deadline ";
      detail::quoted(out, to_string(dl.clock));
      out += ' ';
      out += std::to_string(dl.due.time_since_epoch().count());
      out += '\n';
    }
    detail::text_line(out, "flow", m.flow);
  }
  return out;
})");
  w.line("");
  w.line("}  // namespace reflect");
}

}  // namespace aftersale::codegen
