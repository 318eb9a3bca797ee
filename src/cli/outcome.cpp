// SPDX-License-Identifier: Apache-2.0
#include "outcome.hpp"

#include <aftersale/calendar.hpp>
#include <aftersale/model.hpp>
#include <sstream>

namespace aftersale::cli {
namespace {

// The calendar a clock's deadline is shown in: its own, else the policy's default.
const business_calendar* calendar_for(const policy& p, std::uint32_t calendar) {
  if (calendar == npos) calendar = p.info.default_calendar;
  return calendar < p.calendars.size() ? &p.calendars[calendar] : nullptr;
}

deadline_view make_deadline(const policy& p, const deadline& dl, std::string_view locale) {
  deadline_view v;
  v.due_utc = format_utc(dl.due);
  if (dl.clock >= p.clocks.size()) {
    v.due_local = v.due_utc;
    v.due_local_iso = v.due_utc;
    return v;
  }
  const clock_def& clock = p.clocks[dl.clock];
  v.clock = clock.id;
  v.label = std::string(p.text(clock.label, locale));
  if (const business_calendar* cal = calendar_for(p, clock.calendar)) {
    v.due_local = cal->format_local(dl.due);
    v.due_local_iso = cal->format_iso_local(dl.due);
  } else {
    v.due_local = v.due_utc;
    v.due_local_iso = v.due_utc;
  }
  return v;
}

match_view make_match(const policy& p, const decision_table& table, const rule_match& m,
                      std::string_view locale) {
  match_view v;
  if (m.rule >= table.rules.size()) return v;
  const rule& r = table.rules[m.rule];
  const rule_outcome& then = r.then;
  const vocabulary& voc = p.vocabulary;
  v.rule = r.id;
  v.rule_where = to_string(r.where);
  // A vocabulary entry's label in the locale ("" for none or out of range).
  auto label = [&](const std::vector<vocabulary_entry>& list, std::uint32_t i) {
    return i < list.size() ? std::string(p.text(list[i].label, locale)) : std::string();
  };
  v.solution = std::string(entry_id(voc.solutions, then.solution));
  v.solution_label = label(voc.solutions, then.solution);
  for (const localized_text& step : then.steps) v.steps.emplace_back(p.text(step, locale));
  v.fee_payer = std::string(entry_id(voc.parties, then.fee_payer));
  v.fee_payer_label = label(voc.parties, then.fee_payer);
  for (std::uint32_t e : then.evidence) {
    v.evidence.push_back(std::string(entry_id(voc.evidence, e)));
    v.evidence_labels.push_back(label(voc.evidence, e));
  }
  v.escalation = std::string(entry_id(voc.roles, then.escalation));
  v.escalation_label = label(voc.roles, then.escalation);
  v.remark_flag = std::string(entry_id(voc.flags, then.remark_flag));
  v.remark_text = std::string(p.text(then.remark, locale));
  for (std::size_t i = 0; i < then.amounts.size() && i < m.amounts.size(); ++i) {
    if (!m.has_amount(i)) continue;  // absent: it refers to a fact the request does not give
    v.amounts.emplace_back(then.amounts[i].name, m.amounts[i]);
  }
  for (const deadline& dl : m.deadlines) v.deadlines.push_back(make_deadline(p, dl, locale));
  v.customer_label = std::string(p.text(then.customer_label, locale));
  v.agent_label = std::string(p.text(then.agent_label, locale));
  return v;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::string money_text(std::int64_t minor) { return format_money(minor); }

outcome make_outcome(const decision& d, std::string request, std::string note, bool explain,
                     std::string_view locale) {
  const policy& p = d.source_policy();
  const decision_table& table = d.table();
  outcome o;
  o.request = std::move(request);
  o.note = std::move(note);
  o.now_utc = format_utc(d.now());
  if (const business_calendar* cal = calendar_for(p, npos)) o.now_local = cal->format_local(d.now());
  o.table = table.id;
  o.hit_policy = std::string(to_string(table.hit_policy));
  o.status = std::string(to_string(d.status()));
  o.multi_hit = table.hit_policy == hit_policy::collect || table.hit_policy == hit_policy::rule_order ||
                table.hit_policy == hit_policy::output_order;
  o.locale = std::string(locale.empty() ? std::string_view(p.info.locale) : locale);
  for (const rule_match& m : d.matches()) o.matches.push_back(make_match(p, table, m, o.locale));
  if (table.aggregate.op != aggregate_op::none) {
    o.aggregate_op = std::string(to_string(table.aggregate.op));
    o.aggregate_output = table.aggregate.output;
    o.aggregate = d.aggregate();
    o.aggregate_text = aggregate_line(d);
  }
  if (explain) o.explanation = split_lines(aftersale::explain(d));
  o.audit = d.audit();
  return o;
}

}  // namespace aftersale::cli
