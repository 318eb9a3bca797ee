// SPDX-License-Identifier: Apache-2.0
// Human-readable text for decisions: the explanation, fact values and money.
#include <aftersale/decide.hpp>
#include <algorithm>
#include <array>

#include "decide/evaluate.hpp"

namespace aftersale {

namespace {

std::string located(const std::string& id, const source_span& where) {
  std::string out = "`" + id + "`";
  if (!where.file.empty() || where.line != 0) out += " (" + to_string(where) + ")";
  return out;
}

std::string solution_text(const policy& p, const rule& r) {
  const std::string_view id = entry_id(p.vocabulary.solutions, r.then.solution);
  return id.empty() ? "no solution" : "solution `" + std::string(id) + "`";
}

// An instant as explanations write it: in the policy's default calendar's zone with its offset
// (`2026-11-11 21:30 +08:00`), the way tests and agents read times; UTC without a calendar.
std::string instant_text(const policy& p, sys_seconds t) {
  if (t == never_due) return "never";
  const business_calendar* cal = detail::calendar_or_default(p, npos);
  return cal ? cal->format_readable(t) : format_utc(t);
}

std::string fact_text(const policy& p, std::uint32_t fact, std::int64_t value) {
  if (fact < p.facts.size() && p.facts[fact].type == fact_type::timestamp)
    return instant_text(p, sys_seconds{std::chrono::seconds{value}});
  return format_fact_value(p, fact, value);
}

void fired(std::string& out, const decision& d, const rule_match& m) {
  const policy& p = d.source_policy();
  const rule& r = d.table().rules[m.rule];
  out += "rule " + located(r.id, r.where) + " fired: " + solution_text(p, r) + '\n';
  for (const deadline& dl : m.deadlines)
    out += "  deadline `" + std::string(d.clock_id(dl)) + "` " +
           (dl.due == never_due ? std::string("never falls due") : "due " + instant_text(p, dl.due)) + '\n';
  for (std::size_t i = 0; i < r.then.amounts.size() && i < m.amounts.size(); ++i) {
    out += "  amount `" + r.then.amounts[i].name + "` ";
    out += m.has_amount(i) ? "= " + format_money(m.amounts[i]) : "absent: it refers to a fact with no value";
    out += '\n';
  }
}

void skipped(std::string& out, const decision& d, const rule_trace& t) {
  const policy& p = d.source_policy();
  const rule& r = d.table().rules[t.rule];
  const condition& c = r.conditions[t.failed_condition];
  const std::string fact = c.fact < p.facts.size() ? p.facts[c.fact].name : "?";
  out += "  skipped " + located(r.id, r.where) + ": `" + fact + "` is ";
  out += t.fact_absent ? std::string("absent") : "`" + fact_text(p, c.fact, t.actual) + "`";
  out += ", expected " + detail::expected_text(c);
  if (c.where.line != 0) out += " (" + to_string(c.where) + ")";
  out += '\n';
}

}  // namespace

std::string aggregate_line(const decision& d) {
  const table_aggregate& a = d.table().aggregate;
  if (a.op == aggregate_op::none) return "";
  const std::string what = a.op == aggregate_op::count
                               ? std::string("count of the selected rules")
                               : std::string(to_string(a.op)) + " of amount `" + a.output + "`";
  if (d.aggregate()) {
    return what + " = " +
           (a.op == aggregate_op::count ? std::to_string(*d.aggregate()) : format_money(*d.aggregate()));
  }
  return what + (d.matches().empty() ? " absent: no rule was selected"
                                     : " absent: a selected rule's amount refers to a fact with no value");
}

std::string explain(const decision& d) {
  const decision_table& t = d.table();
  std::string out;
  switch (d.status()) {
    case decision_status::matched:
      for (const rule_match& m : d.matches()) fired(out, d, m);
      break;
    case decision_status::no_match:
      out += "no rule of table " + located(t.id, t.where) + " matched\n";
      break;
    case decision_status::conflict: {
      out += "rules in conflict under hit policy `" + std::string(to_string(t.hit_policy)) + "`:";
      for (const rule_match& m : d.matches()) out += ' ' + located(t.rules[m.rule].id, t.rules[m.rule].where);
      out += '\n';
      break;
    }
  }
  if (t.aggregate.op != aggregate_op::none && d.status() != decision_status::conflict) {
    out += aggregate_line(d) + '\n';
  }
  for (const rule_trace& tr : d.trace()) {
    if (tr.rule >= t.rules.size()) continue;
    if (tr.failed_condition < t.rules[tr.rule].conditions.size()) {
      skipped(out, d, tr);
    } else if (d.status() == decision_status::matched &&
               std::none_of(d.matches().begin(), d.matches().end(),
                            [&](const rule_match& m) { return m.rule == tr.rule; })) {
      out += "  also matched " + located(t.rules[tr.rule].id, t.rules[tr.rule].where) +
             ": not selected by hit policy `" + std::string(to_string(t.hit_policy)) + "`\n";
    }
  }
  return out;
}

}  // namespace aftersale
