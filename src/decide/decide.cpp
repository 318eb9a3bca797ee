// SPDX-License-Identifier: Apache-2.0
// decide(): derive facts, find matching rules, apply the hit policy, compute what the
// selected rules prescribe. Reads the policy only, so it is safe from any thread.
#include <aftersale/decide.hpp>
#include <aftersale/observer.hpp>
#include <algorithm>
#include <exception>
#include <utility>

#include "base/hash.hpp"
#include "base/nearest.hpp"
#include "decide/evaluate.hpp"
#include "model/compiled.hpp"
#include "model/observe.hpp"

namespace aftersale {

std::string_view to_string(decision_status s) {
  switch (s) {
    case decision_status::matched:
      return "matched";
    case decision_status::no_match:
      return "no_match";
    case decision_status::conflict:
      return "conflict";
  }
  return "?";
}

namespace detail {

rule_trace trace_rule(const rule& r, std::uint32_t index, const bound_request& facts) {
  rule_trace t;
  t.rule = index;
  for (std::uint32_t i = 0; i < r.conditions.size(); ++i) {
    const condition& c = r.conditions[i];
    const bool present = facts.has(c.fact);
    const std::int64_t value = present ? facts.value(c.fact) : 0;
    if (condition_holds(c, present, value)) continue;
    t.failed_condition = i;
    t.fact_absent = !present;
    t.actual = value;
    return t;
  }
  return t;
}

}  // namespace detail

namespace {

// Solution priority: declaration order; a rule without a solution comes last.
std::uint32_t priority_of(const decision_table& t, std::uint32_t rule) { return t.rules[rule].then.solution; }

// The aggregate of a `collect` table over its selected rules (decision::aggregate).
std::optional<std::int64_t> aggregate_of(const decision_table& t, const std::vector<rule_match>& matches) {
  const table_aggregate& a = t.aggregate;
  if (a.op == aggregate_op::none) return std::nullopt;
  if (a.op == aggregate_op::count) return static_cast<std::int64_t>(matches.size());
  if (matches.empty()) return std::nullopt;
  std::int64_t out = 0;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const rule_match& m = matches[i];
    const std::uint32_t at = m.rule < a.amount.size() ? a.amount[m.rule] : npos;
    if (at == npos || !m.has_amount(at)) return std::nullopt;
    const std::int64_t v = m.amounts[at];
    if (i == 0) {
      out = v;
    } else if (a.op == aggregate_op::min) {
      out = std::min(out, v);
    } else if (a.op == aggregate_op::max) {
      out = std::max(out, v);
    } else if (__builtin_add_overflow(out, v, &out)) {
      throw request_error(error_code::aggregate_overflow, "",
                          "the sum of amount `" + a.output + "` over the selected rules of table `" + t.id +
                              "` overflows 64-bit minor units");
    }
  }
  return out;
}

// Out of line and cold: decide without an observer pays a test of the pointer, nothing more
// (no exception landing pad in the hot function).
[[gnu::noinline, gnu::cold]] void tell_observer(observer& o, const decision& d) {
  detail::notify(&o, "on_decision", [&d](observer& obs) { obs.on_decision(d); });
}

decision evaluate(std::shared_ptr<const policy> p, std::uint32_t table_id, bound_request facts,
                  sys_seconds now, const decide_options& options) {
  const policy& pol = *p;
  if (facts.size() != pol.facts.size()) {
    throw usage_error(error_code::foreign_input, "the bound request has " + std::to_string(facts.size()) +
                                                     " facts but the policy declares " +
                                                     std::to_string(pol.facts.size()) +
                                                     ": bind it with this policy");
  }
  derive_facts(pol, facts, now);
  const decision_table& t = pol.decisions[table_id];
  const detail::table_index& ix = detail::compiled_of(pol).tables[table_id];
  const auto rule_count = static_cast<std::uint32_t>(t.rules.size());

  std::vector<std::uint32_t> selected;
  decision_status status = decision_status::matched;
  std::uint32_t traced = rule_count;  // how many rules (from the first) the trace covers
  if (t.hit_policy == hit_policy::first) {
    const std::uint32_t m = detail::first_match(ix, facts);
    if (m != npos) {
      selected.push_back(m);
      traced = m + 1;
    }
  } else {
    detail::all_matches(ix, facts, selected);
    switch (t.hit_policy) {
      case hit_policy::unique:
        if (selected.size() > 1) status = decision_status::conflict;
        break;
      case hit_policy::priority:
        if (!selected.empty()) {
          // min_element keeps the earliest of equal priorities: ties go to rule order.
          const std::uint32_t best = *std::min_element(
              selected.begin(), selected.end(),
              [&](std::uint32_t a, std::uint32_t b) { return priority_of(t, a) < priority_of(t, b); });
          selected.assign(1, best);
        }
        break;
      case hit_policy::any: {
        const bool agree = std::all_of(selected.begin(), selected.end(), [&](std::uint32_t r) {
          return detail::same_outcome(t.rules[r].then, t.rules[selected.front()].then);
        });
        if (!agree) {
          status = decision_status::conflict;
        } else if (!selected.empty()) {
          selected.resize(1);  // identical outcomes: one answer
        }
        break;
      }
      case hit_policy::output_order:
        std::stable_sort(selected.begin(), selected.end(), [&](std::uint32_t a, std::uint32_t b) {
          return priority_of(t, a) < priority_of(t, b);
        });
        break;
      case hit_policy::collect:
      case hit_policy::rule_order:
      case hit_policy::first:
        break;
    }
  }
  if (selected.empty()) status = decision_status::no_match;

  std::vector<rule_match> matches(selected.size());
  for (std::size_t i = 0; i < selected.size(); ++i) {
    rule_match& m = matches[i];
    m.rule = selected[i];
    const rule_outcome& then = t.rules[m.rule].then;
    detail::compute_deadlines(pol, then, now, m.deadlines);
    detail::compute_amounts(then, facts, m.amounts, m.amount_present);
  }

  std::vector<rule_trace> trace;
  if (options.explain) {
    trace.reserve(traced);
    for (std::uint32_t r = 0; r < traced; ++r) trace.push_back(detail::trace_rule(t.rules[r], r, facts));
  }
  std::optional<std::int64_t> aggregate;
  if (status != decision_status::conflict) aggregate = aggregate_of(t, matches);
  decision d(std::move(p), table_id, now, status, std::move(matches), std::move(trace), std::move(facts),
             aggregate);
  if (options.observer) tell_observer(*options.observer, d);
  return d;
}

const policy& checked(const std::shared_ptr<const policy>& p) {
  if (!p) throw usage_error(error_code::no_policy, "decide needs a policy, got none");
  return *p;
}

std::uint32_t entry_of(const policy& p) {
  if (p.info.entry >= p.decisions.size()) {
    throw request_error(error_code::unknown_decision, "",
                        "policy `" + p.info.id + "` has no entry decision table");
  }
  return p.info.entry;
}

}  // namespace

decision::decision(std::shared_ptr<const policy> p, std::uint32_t table, sys_seconds now,
                   decision_status status, std::vector<rule_match> matches, std::vector<rule_trace> trace,
                   bound_request facts, std::optional<std::int64_t> aggregate)
    : policy_(std::move(p)),
      table_(table),
      now_(now),
      status_(status),
      matches_(std::move(matches)),
      trace_(std::move(trace)),
      facts_(std::move(facts)),
      aggregate_(aggregate) {}

const decision_table& decision::table() const { return policy_->decisions.at(table_); }

const rule& decision::first_rule() const {
  if (matches_.empty()) throw usage_error(error_code::no_rule_selected, "the decision selected no rule");
  return table().rules.at(matches_.front().rule);
}

std::string_view decision::rule_id() const { return first_rule().id; }

std::string_view decision::solution() const {
  return entry_id(policy_->vocabulary.solutions, first_rule().then.solution);
}
std::string_view decision::fee_payer() const {
  return entry_id(policy_->vocabulary.parties, first_rule().then.fee_payer);
}
std::uint32_t decision::escalation_index() const { return first_rule().then.escalation; }
std::string_view decision::escalation_id() const {
  return entry_id(policy_->vocabulary.roles, escalation_index());
}
std::uint32_t decision::remark_flag_index() const { return first_rule().then.remark_flag; }
std::string_view decision::remark_flag_id() const {
  return entry_id(policy_->vocabulary.flags, remark_flag_index());
}

std::vector<std::string_view> decision::evidence() const {
  std::vector<std::string_view> out;
  for (std::uint32_t e : first_rule().then.evidence) out.push_back(entry_id(policy_->vocabulary.evidence, e));
  return out;
}

std::vector<std::string_view> decision::steps(std::string_view locale) const {
  std::vector<std::string_view> out;
  for (const localized_text& step : first_rule().then.steps) out.push_back(policy_->text(step, locale));
  return out;
}
std::string_view decision::customer_label(std::string_view locale) const {
  return policy_->text(first_rule().then.customer_label, locale);
}
std::string_view decision::agent_label(std::string_view locale) const {
  return policy_->text(first_rule().then.agent_label, locale);
}
std::string_view decision::remark(std::string_view locale) const {
  return policy_->text(first_rule().then.remark, locale);
}
std::string_view decision::clock_label(const deadline& d, std::string_view locale) const {
  return d.clock < policy_->clocks.size() ? policy_->text(policy_->clocks[d.clock].label, locale)
                                          : std::string_view{};
}

const std::vector<deadline>& decision::deadlines() const {
  first_rule();  // checks the precondition
  return matches_.front().deadlines;
}

std::vector<std::pair<std::string_view, std::int64_t>> decision::amounts() const {
  const rule& r = first_rule();
  const rule_match& m = matches_.front();
  std::vector<std::pair<std::string_view, std::int64_t>> out;
  for (std::size_t i = 0; i < r.then.amounts.size() && i < m.amounts.size(); ++i) {
    if (m.has_amount(i)) out.emplace_back(r.then.amounts[i].name, m.amounts[i]);
  }
  return out;
}

std::uint64_t decision::id_value() const noexcept {
  detail::fnv1a64 h;
  h.text("aftersale-decision/1");
  h.u64(policy_->info.content_hash);
  h.u64(table_);
  h.u64(facts_.size());
  for (std::size_t i = 0; i < facts_.size(); ++i) {
    const bool present = facts_.has(i);
    h.byte(present ? 1 : 0);
    // Only present values are part of the request.
    if (present) h.u64(static_cast<std::uint64_t>(facts_.value(i)));
  }
  h.u64(static_cast<std::uint64_t>(now_.time_since_epoch().count()));
  return h.value();
}

std::string decision::id() const { return detail::hex16(id_value()); }

decision_audit decision::audit() const {
  decision_audit a;
  a.decision_id = id();
  a.policy_id = policy_->info.id;
  a.policy_version = policy_->info.version;
  a.policy_hash = policy_->info.content_hash;
  return a;
}

std::string decision_audit::policy_hash_hex() const { return detail::hex16(policy_hash); }

std::string_view decision::clock_id(const deadline& d) const {
  return d.clock < policy_->clocks.size() ? std::string_view(policy_->clocks[d.clock].id)
                                          : std::string_view();
}

decision decide(std::shared_ptr<const policy> p, const bound_request& facts, sys_seconds now,
                decide_options options) {
  const std::uint32_t table = entry_of(checked(p));
  return evaluate(std::move(p), table, facts, now, options);
}

decision decide(std::shared_ptr<const policy> p, const request& r, sys_seconds now, decide_options options) {
  const policy& pol = checked(p);
  const std::uint32_t table = entry_of(pol);
  bound_request facts = bind(pol, r);
  return evaluate(std::move(p), table, std::move(facts), now, options);
}

decision decide(std::shared_ptr<const policy> p, std::string_view table, const request& r, sys_seconds now,
                decide_options options) {
  const policy& pol = checked(p);
  const std::uint32_t id = detail::find_table(pol, table);
  bound_request facts = bind(pol, r);
  return evaluate(std::move(p), id, std::move(facts), now, options);
}

decision decide(std::shared_ptr<const policy> p, std::uint32_t table, const bound_request& facts,
                sys_seconds now, decide_options options) {
  const policy& pol = checked(p);
  if (table >= pol.decisions.size()) {
    throw request_error(error_code::unknown_decision, "",
                        "no decision table number " + std::to_string(table) + ": the policy has " +
                            std::to_string(pol.decisions.size()));
  }
  return evaluate(std::move(p), table, facts, now, options);
}

}  // namespace aftersale

namespace aftersale::detail {

std::uint32_t find_table(const policy& p, std::string_view table) {
  if (const std::optional<std::uint32_t> id = p.find_decision(table)) return *id;
  std::string known;
  std::vector<std::string> ids;
  for (const decision_table& t : p.decisions) {
    known += (known.empty() ? "`" : ", `") + t.id + '`';
    ids.push_back(t.id);
  }
  throw request_error(error_code::unknown_decision, "",
                      "unknown decision table `" + std::string(table) + "`: the policy has " + known,
                      did_you_mean(table, ids));
}

}  // namespace aftersale::detail
