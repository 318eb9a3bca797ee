// SPDX-License-Identifier: Apache-2.0
// A decide case: decides the case's facts at its `now` and compares the decision with every
// key its `expect` writes (the checks tests/decide/corpus_test.cpp made, reported as mismatches).
#include <aftersale/calendar.hpp>
#include <aftersale/decide.hpp>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/nearest.hpp"
#include "load/reader.hpp"
#include "testing/case_context.hpp"

namespace aftersale::testing::detail {

namespace {

using load::node;

// Expected text of an optional id: `none` means "nothing" (shown as `none` on both sides).
std::string id_or_none(const node& n) { return is_none(n) ? "none" : n.value; }
std::string id_or_none(std::string_view got) { return got.empty() ? "none" : std::string(got); }

std::vector<std::string> texts(const node& list) {
  std::vector<std::string> out;
  for (const auto& item : list.children) out.push_back(item.value);
  return out;
}

const business_calendar& calendar_of(const policy& p, std::uint32_t clock) {
  std::uint32_t cal = p.clocks.at(clock).calendar;
  if (cal == npos) cal = p.info.default_calendar;
  return p.calendars.at(cal);
}

// An expected rule the table does not have is a mistake in the test, not a mismatch: an error
// naming the nearest ids (by edit distance, else those containing the name written).
void check_rule_exists(case_context& ctx, const node& want, const std::string& table) {
  const decision_table& t = ctx.p->decisions.at(*ctx.p->find_decision(table));
  std::vector<std::string> ids;
  for (const rule& r : t.rules) ids.push_back(r.id);
  if (std::find(ids.begin(), ids.end(), want.value) != ids.end()) return;
  std::vector<std::string> near = aftersale::detail::nearest_names(want.value, ids);
  for (const std::string& id : ids) {
    if (near.size() < 3 && id.find(want.value) != std::string::npos) near.push_back(id);
  }
  std::string help;
  if (!near.empty()) {
    help = "nearest rule ids: " + load::quote_list(near);
  } else if (ids.size() <= 10) {
    help = "rules of table " + q(table) + ": " + load::quote_list(ids);
  } else {
    help = "table " + q(table) + " has " + std::to_string(ids.size()) +
           " rules; `aftersale test --coverage --coverage-full` lists them";
  }
  ctx.error(want, "no such rule " + q(want.value) + " in table " + q(table), help);
}

}  // namespace

void run_decide_case(case_context& ctx, const node& c) {
  const policy& p = *ctx.p;
  const sys_seconds now = ctx.now_of(c);
  const request r = ctx.facts_of(c);
  const node* table_node = c.find("table");
  if (table_node && !p.find_decision(table_node->value)) {
    std::vector<std::string> known;
    for (const auto& t : p.decisions) known.push_back(t.id);
    ctx.error(*table_node, "unknown table " + q(table_node->value), "tables: " + load::quote_list(known));
  }
  const std::string table = table_node ? table_node->value : p.decisions.at(p.info.entry).id;
  if (const node* want = c.find("expect")->find("rule"); want && !is_none(*want))
    check_rule_exists(ctx, *want, table);
  std::optional<decision> made;
  try {
    made.emplace(decide(ctx.p, table, r, now));
  } catch (const request_error& e) {
    ctx.error(c.find("facts") ? *c.find("facts") : c,
              std::string("the facts do not fit the policy: ") + e.what());
  }
  const decision& d = *made;
  ctx.hit.note(d);

  const node& expect = *c.find("expect");
  const node* status = expect.find("status");
  const std::string want_status = status ? status->value : "matched";
  const std::string got_status(to_string(d.status()));
  if (want_status != got_status) {
    ctx.fail(status ? *status : expect, "status", q(want_status), q(got_status), explain(d));
    return;  // the other fields describe a match that is not there
  }
  if (!d.matched()) return;

  auto check = [&](const char* key, const std::string& got, const std::string& detail = {}) {
    const node* n = expect.find(key);
    if (!n) return;
    const std::string want = id_or_none(*n);
    if (want != got) ctx.fail(*n, key, q(want), q(got), detail);
  };
  check("rule", std::string(d.rule_id()), explain(d));
  check("solution", std::string(d.solution()));
  check("fee_payer", id_or_none(d.fee_payer()));
  check("escalation", id_or_none(d.escalation_id()));
  check("flag", id_or_none(d.remark_flag_id()));
  const std::string locale = ctx.locale_of(c);

  if (const node* n = expect.find("evidence")) {
    std::vector<std::string> got;
    for (auto e : d.evidence()) got.emplace_back(e);
    if (texts(*n) != got) ctx.fail(*n, "evidence", list_text(texts(*n)), list_text(got));
  }
  if (const node* n = expect.find("steps")) {
    std::vector<std::string> got;
    for (auto step : d.steps(locale)) got.emplace_back(step);
    if (texts(*n) != got) ctx.fail(*n, "steps" + ctx.in_locale(c), list_text(texts(*n)), list_text(got));
  }
  ctx.check_texts(c, expect, d.remark(locale), d.customer_label(locale), d.agent_label(locale));
  // Amounts and deadlines are exact maps: each expected entry is checked at its own line, and
  // an entry the decision has but the test does not write fails at the map.
  if (const node* n = expect.find("amounts")) {
    std::map<std::string, std::int64_t> got;
    for (const auto& [k, v] : d.amounts()) got[std::string(k)] = v;
    for (std::size_t i = 0; i < n->pairs(); ++i) {
      const std::string& name = n->key(i).value;
      const auto it = got.find(name);
      const std::string got_text = it == got.end() ? "none" : std::to_string(it->second);
      if (got_text != n->val(i).value)
        ctx.fail(n->val(i), "amount " + q(name), q(n->val(i).value), q(got_text));
      if (it != got.end()) got.erase(it);
    }
    for (const auto& [k, v] : got) ctx.fail(*n, "no amount " + q(k), "", q(std::to_string(v)));
  }
  // Deadlines compare as instants: the expected text is local time on the clock's calendar,
  // and the actual one is shown that way.
  if (const node* n = expect.find("deadlines")) {
    std::map<std::string, deadline> got;
    for (const auto& dl : d.deadlines()) got[std::string(d.clock_id(dl))] = dl;
    for (std::size_t i = 0; i < n->pairs(); ++i) {
      const std::string& name = n->key(i).value;
      const auto clock = p.find_clock(name);
      if (!clock) {
        std::vector<std::string> known;
        for (const auto& k : p.clocks) known.push_back(k.id);
        ctx.error(n->key(i), "unknown clock " + q(name), "clocks: " + load::quote_list(known));
      }
      const business_calendar& cal = calendar_of(p, *clock);
      // `never`: a deadline that never falls due, as format_local writes it.
      const std::string& text = n->val(i).value;
      const auto due = text == "never" ? std::optional<sys_seconds>(never_due) : cal.parse_local(text);
      if (!due) {
        ctx.error(n->val(i), "deadline " + q(name) + ": cannot read " + q(text) + " as local time",
                  "write the local time on the clock's calendar, e.g. `2026-10-14 10:20:00`, or `never`");
      }
      const auto it = got.find(name);
      if (it == got.end()) {
        ctx.fail(n->val(i), "deadline " + q(name), q(n->val(i).value), "none");
        continue;
      }
      if (it->second.due != *due) {
        ctx.fail(n->val(i), "deadline " + q(name), q(n->val(i).value), q(cal.format_local(it->second.due)));
      }
      got.erase(it);
    }
    for (const auto& [name, dl] : got) {
      ctx.fail(*n, "no deadline " + q(name), "", q(calendar_of(p, dl.clock).format_local(dl.due)));
    }
  }
}

}  // namespace aftersale::testing::detail
