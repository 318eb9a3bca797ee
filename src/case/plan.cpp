// SPDX-License-Identifier: Apache-2.0
// Planning a change to a case against the unchanged case, then committing it (see
// runtime.hpp for why the two are separate).
#include <algorithm>
#include <utility>

#include "case/runtime.hpp"
#include "model/semantics.hpp"

namespace aftersale::detail {

using access = case_access;

planner::planner(const service_case& c, sys_seconds now, std::vector<emitted_action>& actions) noexcept
    : c_(c),
      p_(c.source_policy()),
      f_(c.flow()),
      d_(dispatch_of(c)),
      now_(now),
      actions_(actions),
      state_(c.state_index()),
      phase_(c.phase()),
      escalation_(c.escalation_index()),
      remark_flag_(c.remark_flag_index()),
      entered_at_(c.entered_at()) {}

bool planner::get(std::uint32_t i, std::int64_t& out) const noexcept {
  // Latest assignment wins; the overlay is short (a few values per event).
  for (const planned_value* v = values_.end(); v != values_.begin();) {
    --v;
    if (v->index == i) {
      out = v->value;
      return true;
    }
  }
  if (!c_.has_value(i)) return false;
  out = c_.value(i);
  return true;
}

guard_failure planner::check(const std::vector<condition>& guard) const noexcept {
  return check_guard(guard, [this](std::uint32_t i, std::int64_t& v) { return get(i, v); });
}

bool planner::allows(const std::vector<std::uint32_t>& roles, std::uint32_t role) noexcept {
  return roles.empty() || std::find(roles.begin(), roles.end(), role) != roles.end();
}

void planner::begin(history_entry::kind what, std::uint32_t transition, std::uint32_t role) {
  const auto at = static_cast<std::uint32_t>(values_.size());
  planned_step& s = steps_.append();
  s.what = what;
  s.transition = transition;
  s.role = role;
  s.from = state_;
  s.to = npos;
  s.values_begin = at;
  s.values_end = at;
  s.at = now_;
}

void planner::assign(std::uint32_t i, std::int64_t v) {
  planned_value& p = values_.append();
  p.index = i;
  p.value = v;
  steps_.back().values_end = static_cast<std::uint32_t>(values_.size());
}

case_clock planner::clock(std::uint32_t slot) const noexcept {
  for (const planned_clock* k = clocks_.end(); k != clocks_.begin();) {
    --k;
    if (k->slot == slot) return k->value;
  }
  return c_.clocks()[slot];
}

void planner::clock_action_on(std::uint32_t policy_clock, clock_action a) {
  // Every clock the flow mentions has a slot (flow_def::clocks); skip anything else.
  const std::uint32_t slot = clock_slot(c_.clocks(), policy_clock);
  if (slot == npos) return;
  const case_clock next = clock_after(p_, clock(slot), a, now_);
  planned_clock& k = clocks_.append();
  k.slot = slot;
  k.value = next;
}

void planner::escalate(std::uint32_t role) {
  if (role == npos) {
    // One rung up the ladder; a case not on it yet starts at the lowest rung; the top stays.
    const std::vector<std::uint32_t>& ladder = p_.vocabulary.escalation_ladder;
    if (ladder.empty()) return;
    const auto it = std::find(ladder.begin(), ladder.end(), escalation_);
    role = it == ladder.end() ? ladder.front() : it + 1 == ladder.end() ? *it : *(it + 1);
  }
  escalation_ = role;
  lifecycle(lifecycle_input::escalated);
}

void planner::effects(const transition_def& t) {
  const auto facts = static_cast<std::uint32_t>(p_.facts.size());
  for (const effect& e : t.effects) {
    switch (e.kind) {
      case effect_kind::set_variable:
        assign(facts + e.target, e.value);
        break;
      case effect_kind::record_amount: {
        if (e.amount.empty()) break;
        const amount_rule& a = e.amount.front();
        amount_operands v;
        // Operands name facts and variables (guard numbering); an absent one leaves the
        // variable as it was, like an absent decision amount.
        auto operand = [&](const money_operand& o, std::int64_t& out) {
          switch (o.what) {
            case money_operand::kind::none:
              return true;
            case money_operand::kind::constant:
              out = o.value;
              return true;
            case money_operand::kind::fact:
              return get(o.ref, out);
            case money_operand::kind::amount:
              return false;  // a record has no earlier amounts
          }
          return false;
        };
        std::int64_t out = 0;
        if (operand(a.of, v.of) && operand(a.minus, v.minus) && operand(a.min, v.min) &&
            operand(a.max, v.max) && compute_amount(a, v, out)) {
          assign(facts + e.target, out);
        }
        break;
      }
      case effect_kind::clock:
        clock_action_on(e.target, e.clock_op);
        break;
      case effect_kind::emit:
        actions_.push_back(emitted_action{e.action, e.args});
        break;
      case effect_kind::remark:
        remark_flag_ = e.target;
        remark_ = &e.text;
        break;
      case effect_kind::escalate:
        escalate(e.target);
        break;
    }
  }
}

void planner::enter(std::uint32_t s) {
  state_ = s;
  entered_at_ = now_;
  steps_.back().to = s;
  const state_def& st = f_.states[s];
  for (const clock_effect& k : st.on_entry) clock_action_on(k.clock, k.action);
  lifecycle(entry_input(st));
}

void planner::stay() { steps_.back().to = state_; }

void planner::lifecycle(lifecycle_input in) noexcept {
  if (const std::optional<lifecycle_phase> next = lifecycle_next(phase_, in)) phase_ = *next;
}

bool planner::automatic() {
  for (std::size_t n = 0; n < f_.states.size(); ++n) {
    if (state_ >= d_.automatic_from.size()) return true;
    const std::vector<std::uint32_t>& candidates = d_.automatic_from[state_];
    const std::uint32_t* fired = nullptr;
    for (const std::uint32_t& t : candidates) {
      if (check(f_.transitions[t].guard).condition == npos) {
        fired = &t;
        break;
      }
    }
    if (!fired) return true;
    const transition_def& t = f_.transitions[*fired];
    begin(history_entry::kind::automatic, *fired, npos);
    effects(t);
    enter(t.to);
  }
  // Bound reached: stop only if another automatic transition would still fire.
  if (state_ >= d_.automatic_from.size()) return true;
  return std::none_of(d_.automatic_from[state_].begin(), d_.automatic_from[state_].end(),
                      [&](std::uint32_t t) { return check(f_.transitions[t].guard).condition == npos; });
}

namespace {

// What every step writes into its history entry (the id and assigned values are added apart).
void write_step(history_entry& h, const planned_step& s) noexcept {
  h.what = s.what;
  h.at = s.at;
  h.transition = s.transition;
  h.actor_role = s.role;
  h.from = s.from;
  h.to = s.to;
}

}  // namespace

void commit_move(service_case& c, history_entry::kind what, std::uint32_t transition, std::uint32_t role,
                 std::uint32_t to, sys_seconds now, std::string_view id, std::uint64_t digest) {
  // The allocating part first (nothing written yet), then noexcept writes only.
  std::vector<history_entry>& history = access::history(c);
  make_room(history, 1);
  if (!id.empty()) {
    // Both strings exist before anything is written; the entry is then appended without throwing.
    std::vector<std::string>& ids = access::applied_ids(c);
    make_room(ids, 1);
    std::string id_text(id), id_key(id);
    history_entry& h = history.emplace_back();
    h.event_id = std::move(id_text);
    h.event_digest = digest;
    ids.insert(std::lower_bound(ids.begin(), ids.end(), id_key), std::move(id_key));
  } else {
    history.emplace_back();  // capacity reserved: no reallocation
  }
  write_step(history.back(), planned_step{what, transition, role, c.state_index(), to, 0, 0, now});
  access::state(c) = to;
  access::entered_at(c) = now;
  const lifecycle_phase phase = c.phase();
  access::phase(c) = lifecycle_next(phase, entry_input(c.flow().states[to])).value_or(phase);
}

void planner::commit(service_case& c, std::string_view id, std::uint64_t digest) const {
  // 1. Everything that may throw, with nothing of the case changed yet or rolled back.
  std::vector<history_entry>& history = access::history(c);
  std::vector<std::string>& ids = access::applied_ids(c);
  make_room(history, steps_.size());
  std::string id_text, id_key;  // one for the history entry, one for the sorted id list
  if (!id.empty()) {
    make_room(ids, 1);
    id_text.assign(id.data(), id.size());
    id_key.assign(id.data(), id.size());
  }
  localized_text remark_text;
  if (remark_) remark_text = *remark_;
  const auto facts = static_cast<std::uint32_t>(p_.facts.size());
  const std::size_t history_before = history.size();
  try {
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const planned_step& s = steps_[i];
      history_entry& h = history.emplace_back();  // capacity reserved: no reallocation
      write_step(h, s);
      if (i == 0 && !id_text.empty()) {
        h.event_id = std::move(id_text);
        h.event_digest = digest;
      }
      if (s.values_end > s.values_begin) {
        h.assigned.reserve(s.values_end - s.values_begin);
        for (std::uint32_t v = s.values_begin; v < s.values_end; ++v) {
          h.assigned.emplace_back(values_[v].index - facts, values_[v].value);
        }
      }
    }
  } catch (...) {
    history.erase(history.begin() + static_cast<std::ptrdiff_t>(history_before), history.end());
    throw;
  }

  // 2. Only noexcept writes from here on.
  for (const planned_value& v : values_) access::set_value(c, v.index, v.value, true);
  std::vector<case_clock>& clocks = access::clocks(c);
  for (const planned_clock& k : clocks_) clocks[k.slot] = k.value;
  access::state(c) = state_;
  access::phase(c) = phase_;
  access::escalation(c) = escalation_;
  access::remark_flag(c) = remark_flag_;
  if (remark_) access::remark(c).by_locale.swap(remark_text.by_locale);
  access::entered_at(c) = entered_at_;
  if (!id.empty()) {
    const auto at = std::lower_bound(ids.begin(), ids.end(), id_key);
    ids.insert(at, std::move(id_key));  // capacity reserved and strings move without throwing
  }
}

}  // namespace aftersale::detail
