// SPDX-License-Identifier: Apache-2.0
// Reporting, facts and coverage flags shared by the decide and flow case runners.
#include "testing/case_context.hpp"

#include <aftersale/calendar.hpp>
#include <string>

#include "load/reader.hpp"

namespace aftersale::testing::detail {

hits::hits(const policy& p) {
  for (const auto& t : p.decisions) rows.emplace_back(t.rules.size(), 0);
  for (const auto& f : p.flows) transitions.emplace_back(f.transitions.size(), 0);
}

void hits::merge(const hits& other) {
  for (std::size_t t = 0; t < rows.size(); ++t)
    for (std::size_t r = 0; r < rows[t].size(); ++r) rows[t][r] |= other.rows[t][r];
  for (std::size_t f = 0; f < transitions.size(); ++f)
    for (std::size_t i = 0; i < transitions[f].size(); ++i) transitions[f][i] |= other.transitions[f][i];
}

void hits::note(const decision& d) {
  if (!d.matched()) return;  // a conflict's matches were not selected
  const auto table = static_cast<std::size_t>(&d.table() - d.source_policy().decisions.data());
  for (const auto& m : d.matches()) rows.at(table).at(m.rule) = 1;
}

void hits::note(const service_case& c) {
  for (const auto& h : c.history()) {
    const bool moved = h.what == history_entry::kind::event || h.what == history_entry::kind::automatic ||
                       h.what == history_entry::kind::timer;
    if (moved && h.transition != npos) transitions.at(c.flow_index()).at(h.transition) = 1;
  }
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

void case_context::fail(const load::node& n, const std::string& field, const std::string& expected,
                        const std::string& actual, std::string detail) {
  result.failures.push_back(
      {at(n), field, expected, actual,
       "expected " + field + (expected.empty() ? "" : " " + expected) + ", got " + actual,
       std::move(detail)});
}

void case_context::fail_text(const load::node& n, const std::string& message, std::string detail) {
  result.failures.push_back({at(n), "", "", "", message, std::move(detail)});
}

void case_context::error(const load::node& n, const std::string& message, const std::string& help) const {
  throw case_error{diagnostic{error_code::invalid_value, severity::error, at(n),
                              "case " + q(result.name) + ": " + message, help}};
}

sys_seconds case_context::time_of(const load::node& n) { return *parse_timestamp(n.value); }

sys_seconds case_context::now_of(const load::node& c) const {
  const load::node* n = c.find("now");
  return time_of(n ? *n : *suite.now);  // load_test_file refused a case with neither
}

std::string case_context::locale_of(const load::node& c) const {
  if (const load::node* n = c.find("locale")) return n->value;
  return suite.locale ? suite.locale->value : std::string();
}

std::string case_context::in_locale(const load::node& c) const {
  const std::string asked = locale_of(c);
  return " (locale `" + (asked.empty() ? p->info.locale : asked) + "`)";
}

void case_context::check_texts(const load::node& c, const load::node& expect, std::string_view remark,
                               std::string_view customer_label, std::string_view agent_label) {
  const std::string in = in_locale(c);
  if (const load::node* n = expect.find("remark_text"); n && n->value != remark)
    fail(*n, "remark_text" + in, q(n->value), q(std::string(remark)));
  if (const load::node* labels = expect.find("labels")) {
    if (const load::node* n = labels->find("customer"); n && n->value != customer_label)
      fail(*n, "customer label" + in, q(n->value), q(std::string(customer_label)));
    if (const load::node* n = labels->find("agent"); n && n->value != agent_label)
      fail(*n, "agent label" + in, q(n->value), q(std::string(agent_label)));
  }
}

const fact_def* case_context::fact(const std::string& name) const {
  if (auto id = p->find_fact(name)) return &p->facts[*id];
  return nullptr;
}

fact_value case_context::value_of(const fact_def* def, const load::node& n) {
  if (def && !n.quoted) {
    switch (def->type) {
      case fact_type::boolean:
        if (auto b = load::parse_bool(n)) return *b;
        break;
      case fact_type::integer:
      case fact_type::money:
        if (auto v = load::parse_integer(n.value)) return *v;
        break;
      default:
        break;
    }
  }
  return n.value;
}

request case_context::facts_of(const load::node& c) const {
  request r;
  const load::node* facts = c.find("facts");
  if (!facts) return r;
  for (std::size_t i = 0; i < facts->pairs(); ++i) {
    const std::string& name = facts->key(i).value;
    const fact_def* def = fact(name);
    if (!def) {
      std::vector<std::string> known;
      for (const auto& f : p->facts) known.push_back(f.name);
      error(facts->key(i), "unknown fact " + q(name), "facts of the policy: " + load::quote_list(known));
    }
    r.set(name, value_of(def, facts->val(i)));
  }
  return r;
}

std::string case_context::local(sys_seconds t) const {
  if (p->info.default_calendar == npos) return format_utc(t);
  return p->calendars.at(p->info.default_calendar).format_iso_local(t);
}

}  // namespace aftersale::testing::detail
