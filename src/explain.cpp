// Human-readable text for decisions: the explanation, fact values and money.
#include <aftersale/decide.hpp>

#include <algorithm>
#include <array>

#include "evaluate_internal.hpp"

namespace aftersale {

std::string format_money(std::int64_t minor) {
  // Magnitude in unsigned arithmetic so the lowest int64 has a magnitude too.
  const std::uint64_t mag = minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string cents = std::to_string(mag % 100);
  if (cents.size() < 2) cents.insert(0, 1, '0');
  return (minor < 0 ? "-" : "") + std::to_string(mag / 100) + '.' + cents;
}

std::string format_fact_value(const policy& p, std::uint32_t fact, std::int64_t value) {
  if (fact >= p.facts.size()) return std::to_string(value);
  return detail::format_value(p.facts[fact], value);
}

std::string detail::format_value(const fact_def& f, std::int64_t value) {
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string:
      if (value >= 0 && static_cast<std::uint64_t>(value) < f.values.size()) return f.values[value];
      // string_other: the caller's text is not kept, only that it is none of the literals.
      return f.type == fact_type::string ? "other text" : std::to_string(value);
    case fact_type::boolean: return value != 0 ? "true" : "false";
    case fact_type::money: return format_money(value);
    case fact_type::duration: return format_duration(std::chrono::seconds{value});
    case fact_type::timestamp: return format_utc(sys_seconds{std::chrono::seconds{value}});
    case fact_type::integer: break;
  }
  return std::to_string(value);
}

namespace {

// The operator words are the model's own spellings (`to_string(condition_op)`).
bool is_operator(std::string_view w) {
  for (int op = 0; op <= static_cast<int>(condition_op::missing); ++op)
    if (to_string(static_cast<condition_op>(op)) == w) return true;
  return false;
}

// Several operators in one cell (`ge 0, le 7`): `, ` followed by an operator word.
bool several_operators(std::string_view text) {
  for (std::size_t at = text.find(", "); at != std::string_view::npos; at = text.find(", ", at + 2)) {
    const std::string_view rest = text.substr(at + 2);
    if (is_operator(rest.substr(0, rest.find(' ')))) return true;
  }
  return false;
}

}  // namespace

namespace detail {

// `eq \`label_printed\``, `in \`[shipped, delivered]\``, `exists`, `\`ge 0, le 7\``.
std::string expected_text(const condition& c) {
  const std::string_view text = c.text;
  if (text.empty()) return std::string(to_string(c.op));
  if (is_operator(text)) return std::string(text);
  if (several_operators(text)) return "`" + std::string(text) + "`";
  const std::size_t space = text.find(' ');
  if (space != std::string_view::npos && is_operator(text.substr(0, space))) {
    return std::string(text.substr(0, space)) + " `" + std::string(text.substr(space + 1)) + "`";
  }
  return "eq `" + std::string(text) + "`";  // a bare value: equality
}

}  // namespace detail

namespace {

std::string located(const std::string& id, const source_span& where) {
  std::string out = "`" + id + "`";
  if (!where.file.empty() || where.line != 0) out += " (" + to_string(where) + ")";
  return out;
}

std::string solution_text(const policy& p, const rule& r) {
  const std::uint32_t s = r.then.solution;
  return s < p.vocabulary.solutions.size() ? "solution `" + p.vocabulary.solutions[s].id + "`" : "no solution";
}

void fired(std::string& out, const decision& d, const rule_match& m) {
  const policy& p = d.source_policy();
  const rule& r = d.table().rules[m.rule];
  out += "rule " + located(r.id, r.where) + " fired: " + solution_text(p, r) + '\n';
  for (const deadline& dl : m.deadlines) out += "  deadline `" + std::string(d.clock_id(dl)) + "` due " + format_utc(dl.due) + '\n';
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
  out += t.fact_absent ? std::string("absent") : "`" + format_fact_value(p, c.fact, t.actual) + "`";
  out += ", expected " + detail::expected_text(c);
  if (c.where.line != 0) out += " (" + to_string(c.where) + ")";
  out += '\n';
}

}  // namespace

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
  for (const rule_trace& tr : d.trace()) {
    if (tr.rule >= t.rules.size()) continue;
    if (tr.failed_condition < t.rules[tr.rule].conditions.size()) {
      skipped(out, d, tr);
    } else if (d.status() == decision_status::matched &&
               std::none_of(d.matches().begin(), d.matches().end(),
                            [&](const rule_match& m) { return m.rule == tr.rule; })) {
      out += "  also matched " + located(t.rules[tr.rule].id, t.rules[tr.rule].where) + ": not selected by hit policy `" +
             std::string(to_string(t.hit_policy)) + "`\n";
    }
  }
  return out;
}

}  // namespace aftersale
