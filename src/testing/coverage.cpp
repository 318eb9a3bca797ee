// SPDX-License-Identifier: Apache-2.0
// Coverage: the rows, transitions and timers a set of cases exercised, from their hit flags.
#include "testing/coverage.hpp"

#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <string>

#include "testing/case_context.hpp"

namespace aftersale::testing {

namespace {

double percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 100.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string after_text(const clock_duration& d) {
  switch (d.kind) {
    case clock_kind::elapsed:
      return format_duration(std::chrono::seconds{d.amount});
    case clock_kind::business_time:
      return format_duration(std::chrono::seconds{d.amount}) + " business time";
    case clock_kind::calendar_days:
      return std::to_string(d.amount) + " days";
    case clock_kind::business_days:
      return std::to_string(d.amount) + " business days";
  }
  return "?";
}

std::string trigger_text(const policy& p, const flow_def& f, const transition_def& t) {
  switch (t.trigger) {
    case trigger_kind::event:
      return t.event < f.events.size() ? f.events[t.event] : "?";
    case trigger_kind::automatic:
      return "(automatic)";
    case trigger_kind::timer:
      return t.timer.clock != npos ? "(timer " + p.clocks.at(t.timer.clock).id + ")"
                                   : "(timer " + after_text(t.timer.after) + ")";
  }
  return "?";
}

// A rule the policy keeps of its base as written there (not the store's: neither new nor an
// override). Rules and transitions remember where they were written, store or base.
bool kept_from_base(const policy& base, const decision_table& table, const rule& r) {
  const auto t = base.find_decision(table.id);
  if (!t) return false;
  const auto& rules = base.decisions[*t].rules;
  return std::any_of(rules.begin(), rules.end(),
                     [&](const rule& b) { return b.id == r.id && b.where == r.where; });
}

bool kept_from_base(const policy& base, const flow_def& flow, const transition_def& tr) {
  const auto f = base.find_flow(flow.id);
  if (!f) return false;
  const auto& ts = base.flows[*f].transitions;
  return std::any_of(ts.begin(), ts.end(), [&](const transition_def& b) { return b.where == tr.where; });
}

}  // namespace

std::string transition_ref::text() const { return from + " --" + trigger + "--> " + to; }

double coverage::row_percent() const { return percent(rows_hit, rows_total); }
double coverage::transition_percent() const { return percent(transitions_fired, transitions_total); }
double coverage::timer_percent() const { return percent(timers_fired, timers_total); }

namespace detail {

coverage summarize(const policy& p, const hits& h, bool own) {
  coverage out;
  out.own = own;
  const policy* base = own ? p.base.get() : nullptr;
  for (std::size_t t = 0; t < p.decisions.size(); ++t) {
    const decision_table& table = p.decisions[t];
    table_coverage tc;
    tc.table = table.id;
    for (std::size_t r = 0; r < table.rules.size(); ++r) {
      if (base && kept_from_base(*base, table, table.rules[r])) continue;
      (h.rows[t][r] ? tc.hit : tc.missed).push_back(table.rules[r].id);
    }
    if (own && tc.hit.empty() && tc.missed.empty()) continue;
    out.rows_hit += tc.hit.size();
    out.rows_total += tc.hit.size() + tc.missed.size();
    out.tables.push_back(std::move(tc));
  }
  for (std::size_t f = 0; f < p.flows.size(); ++f) {
    const flow_def& flow = p.flows[f];
    flow_coverage fc;
    fc.flow = flow.id;
    for (std::size_t i = 0; i < flow.transitions.size(); ++i) {
      const transition_def& t = flow.transitions[i];
      if (base && kept_from_base(*base, flow, t)) continue;
      transition_ref ref;
      ref.index = static_cast<std::uint32_t>(i);
      ref.where = t.where;
      ref.from = flow.states.at(t.from).id;
      ref.to = flow.states.at(t.to).id;
      ref.trigger = trigger_text(p, flow, t);
      ref.timer = t.trigger == trigger_kind::timer;
      ref.id = t.id;
      const bool fired = h.transitions[f][i] != 0;
      if (ref.timer) {
        ++fc.timers_total;
        if (fired) ++fc.timers_fired;
      }
      (fired ? fc.fired : fc.missed).push_back(std::move(ref));
    }
    if (own && fc.fired.empty() && fc.missed.empty()) continue;
    out.transitions_fired += fc.fired.size();
    out.transitions_total += fc.fired.size() + fc.missed.size();
    out.timers_fired += fc.timers_fired;
    out.timers_total += fc.timers_total;
    out.flows.push_back(std::move(fc));
  }
  return out;
}

}  // namespace detail
}  // namespace aftersale::testing
