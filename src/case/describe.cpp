// SPDX-License-Identifier: Apache-2.0
// Text for people: a history entry as one line (`describe`) and why an event was accepted or
// refused (`outcome::message`). Both are rebuilt from the policy on demand, so a case and an
// outcome stay compact.
#include <algorithm>
#include <string>

#include "base/nearest.hpp"
#include "case/runtime.hpp"
#include "model/semantics.hpp"

namespace aftersale {

using detail::case_access;

namespace {

// An id for a readable line: `?` rather than nothing when the index names no entry.
std::string_view shown_id(const std::vector<vocabulary_entry>& list, std::uint32_t i) {
  const std::string_view id = entry_id(list, i);
  return id.empty() ? std::string_view("?") : id;
}

std::string_view state_id(const flow_def& f, std::uint32_t s) {
  return s < f.states.size() ? std::string_view(f.states[s].id) : std::string_view("?");
}

std::string variable_text(const flow_def& f, std::uint32_t var, std::int64_t value) {
  if (var >= f.variables.size()) return std::to_string(value);
  return f.variables[var].name + " = " + detail::format_value(f.variables[var], value);
}

std::string_view clock_verb(clock_action a) {
  switch (a) {
    case clock_action::start:
      return "start";
    case clock_action::stop:
      return "stop";
    case clock_action::pause:
      return "pause";
    case clock_action::resume:
      return "resume";
    case clock_action::reset:
      return "reset";
  }
  return "?";
}

// The effects of `t` with the values this entry assigned. Assignments are the payload's first,
// then one per `set` and per `record` that had a value, in effect order: match from the back.
std::string effects_text(const policy& p, const flow_def& f, const transition_def* t, const history_entry& h,
                         std::string_view locale) {
  std::vector<std::string> parts;
  std::size_t assigned_end = h.assigned.size();
  std::vector<std::string> effect_parts;
  if (t) {
    for (auto e = t->effects.rbegin(); e != t->effects.rend(); ++e) {
      std::string text;
      switch (e->kind) {
        case effect_kind::set_variable:
        case effect_kind::record_amount: {
          const char* verb = e->kind == effect_kind::set_variable ? "set " : "record ";
          if (assigned_end > 0 && h.assigned[assigned_end - 1].first == e->target) {
            --assigned_end;
            text = verb + variable_text(f, e->target, h.assigned[assigned_end].second);
          } else {
            const std::string name = e->target < f.variables.size() ? f.variables[e->target].name : "?";
            text = verb + name + " (absent: an amount it refers to has no value)";
          }
          break;
        }
        case effect_kind::clock:
          text = std::string(clock_verb(e->clock_op)) + ' ' +
                 std::string(e->target < p.clocks.size() ? p.clocks[e->target].id : "?");
          break;
        case effect_kind::emit:
          text = "emit " + e->action;
          for (const auto& [k, v] : e->args) text += ' ' + k + '=' + v;
          break;
        case effect_kind::remark:
          text = "remark " + std::string(shown_id(p.vocabulary.flags, e->target));
          if (const std::string_view remark = p.text(e->text, locale); !remark.empty())
            text += " \"" + std::string(remark) + '"';
          break;
        case effect_kind::escalate:
          text = "escalate " + std::string(e->target == npos ? std::string_view("next")
                                                             : shown_id(p.vocabulary.roles, e->target));
          break;
      }
      effect_parts.push_back(std::move(text));
    }
  }
  const char* lead = h.what == history_entry::kind::opened ? "amount " : "payload ";
  for (std::size_t i = 0; i < assigned_end; ++i) {
    parts.push_back(lead + variable_text(f, h.assigned[i].first, h.assigned[i].second));
  }
  parts.insert(parts.end(), effect_parts.rbegin(), effect_parts.rend());
  std::string out;
  for (const std::string& s : parts) out += (out.empty() ? " (" : "; ") + s;
  if (!out.empty()) out += ')';
  return out;
}

std::string event_text(const flow_def& f, std::uint32_t event, const std::string& unknown) {
  if (event == resolved_event::close) return "`close`";
  if (event == resolved_event::reopen) return "`reopen`";
  if (event < f.events.size()) return "`" + f.events[event] + "`";
  return unknown.empty() ? std::string("the event") : "`" + unknown + "`";
}

}  // namespace

std::string describe(const service_case& c, const history_entry& h, std::string_view locale) {
  const policy& p = c.source_policy();
  const flow_def& f = c.flow();
  const transition_def* t = h.transition < f.transitions.size() ? &f.transitions[h.transition] : nullptr;
  std::string out = format_utc(h.at) + ' ';
  if (h.actor_role != npos) out += std::string(shown_id(p.vocabulary.roles, h.actor_role)) + ' ';
  switch (h.what) {
    case history_entry::kind::opened:
      out += "opened in " + f.id;
      break;
    case history_entry::kind::event:
      out += t && t->event < f.events.size() ? f.events[t->event] : std::string("event");
      break;
    case history_entry::kind::automatic:
      out += "automatic";
      break;
    case history_entry::kind::timer:
      out += "timer";
      if (t && t->timer.clock != npos && t->timer.clock < p.clocks.size()) {
        out += " on " + p.clocks[t->timer.clock].id;
      } else if (t) {
        out += " after " + format_duration(std::chrono::seconds{t->timer.after.amount}) +
               (t->timer.after.kind == clock_kind::elapsed ? "" : " (counted on the calendar)");
      }
      break;
    case history_entry::kind::close:
      out += "close";
      break;
    case history_entry::kind::reopen:
      out += "reopen";
      break;
    case history_entry::kind::migrated:
      out += "migrated";
      break;
  }
  out += ": ";
  if (h.what == history_entry::kind::opened || h.what == history_entry::kind::close) {
    out += state_id(f, h.to);
  } else {
    out += std::string(state_id(f, h.from)) + " → " + std::string(state_id(f, h.to));
  }
  out += effects_text(p, f, t, h, locale);
  return out;
}

std::string outcome::message() const {
  if (!policy_ || flow_ >= policy_->flows.size()) return status_ == status::accepted ? "accepted" : "refused";
  const policy& p = *policy_;
  const flow_def& f = p.flows[flow_];
  switch (status_) {
    case status::accepted: {
      if (notice_clock_ < p.clocks.size()) {
        const std::string clock = "clock `" + p.clocks[notice_clock_].id + "`";
        return notice_percent_ >= 100 ? "accepted: sla_breached: " + clock + " reached its deadline"
                                      : "accepted: sla_warning: " + clock + " reached " +
                                            std::to_string(notice_percent_) + "% of its limit";
      }
      std::string out =
          "accepted: " + std::string(state_id(f, from_)) + " → " + std::string(state_id(f, to_));
      if (event_ == resolved_event::close) out += " (close)";
      if (event_ == resolved_event::reopen) out += " (reopen)";
      if (event_ == npos && transition_ < f.transitions.size()) out += " (timer)";
      if (fired_before_ > 0)
        out += fired_before_ == 1
                   ? std::string(" (after 1 due timer or SLA notice)")
                   : " (after " + std::to_string(fired_before_) + " due timers and SLA notices)";
      if (!detail_.empty()) out += "; " + detail_;
      return out;
    }
    case status::duplicate:
      return "duplicate: event id `" + detail_ + "` was already applied, nothing changed";
    case status::conflict:
      return "conflict: event id `" + detail_ +
             "` was already applied to another event (name, role or payload differ), nothing changed";
    case status::refused:
      break;
  }
  std::string out = "refused " +
                    event_text(f, event_, reason_ == refusal::unknown_event ? detail_ : std::string()) +
                    " in state `" + std::string(state_id(f, state_)) + "`: ";
  switch (reason_) {
    case refusal::none:
      out += "no reason";
      break;
    case refusal::unknown_event:
      if (event_ >= f.events.size()) {
        std::vector<std::string> events = f.events;
        events.insert(events.end(), {"close", "reopen"});
        out += detail::with_did_you_mean("flow `" + f.id + "` has no such event", detail_, events);
      } else {
        out += "no transition on it from this state";
      }
      break;
    case refusal::unknown_role:
      out +=
          detail::with_did_you_mean("role `" + detail_ + "` is not declared in the vocabulary", detail_, [&] {
            std::vector<std::string> ids;
            for (const auto& r : p.vocabulary.roles) ids.push_back(r.id);
            return ids;
          }());
      break;
    case refusal::role_not_allowed: {
      out += "role `" + std::string(shown_id(p.vocabulary.roles, role_)) + "` may not send it here";
      // Who may: the roles of the candidate transitions (or of close/reopen).
      std::vector<std::uint32_t> allowed;
      if (event_ == resolved_event::close) {
        allowed = f.close_roles;
      } else if (event_ == resolved_event::reopen) {
        allowed = f.reopen_roles;
      } else if (event_ < f.events.size() && state_ < f.states.size() && p.compiled) {
        const detail::flow_dispatch& d = p.compiled->flows[flow_];
        const std::size_t cell = static_cast<std::size_t>(state_) * f.events.size() + event_;
        if (cell + 1 < d.dispatch.size()) {
          for (std::uint32_t i = d.dispatch[cell]; i < d.dispatch[cell + 1]; ++i) {
            for (std::uint32_t r : f.transitions[d.dispatch_list[i]].roles) {
              if (std::find(allowed.begin(), allowed.end(), r) == allowed.end()) allowed.push_back(r);
            }
          }
        }
      }
      std::string list;
      for (std::uint32_t r : allowed)
        list += (list.empty() ? "`" : ", `") + std::string(shown_id(p.vocabulary.roles, r)) + '`';
      if (!list.empty()) out += " (allowed: " + list + ')';
      break;
    }
    case refusal::guard_failed: {
      if (transition_ >= f.transitions.size() ||
          failed_condition_ >= f.transitions[transition_].guard.size()) {
        out += "a guard is false";
        break;
      }
      const condition& cond = f.transitions[transition_].guard[failed_condition_];
      const std::size_t facts = p.facts.size();
      const fact_def* def = cond.fact < facts                        ? &p.facts[cond.fact]
                            : cond.fact - facts < f.variables.size() ? &f.variables[cond.fact - facts]
                                                                     : nullptr;
      const std::string name = def ? def->name : "?";
      out += "guard false: `" + name + "` is ";
      out += value_present_ ? "`" + (def ? detail::format_value(*def, value_) : std::to_string(value_)) + "`"
                            : std::string("absent");
      out += ", expected " + detail::expected_text(cond);
      if (cond.where.line != 0) out += " (" + to_string(cond.where) + ")";
      break;
    }
    case refusal::case_closed:
      out += "the case is closed (only `reopen` is accepted)";
      break;
    case refusal::wrong_phase:
      if (event_ == resolved_event::reopen && f.reopen_to >= f.states.size()) {
        out += "flow `" + f.id + "` does not allow `reopen`";
      } else {
        // The phase the case was in rides in value_ (unused by this refusal).
        out += "the case is " + std::string(to_string(static_cast<lifecycle_phase>(value_))) + ", " +
               (event_ == resolved_event::close ? "`close` needs it resolved"
                                                : "`reopen` needs it resolved or closed");
      }
      break;
    case refusal::bad_payload:
      out += "bad payload: " + detail_;
      break;
    case refusal::time_went_back:
      out += "its time is earlier than the case's last change (" + detail_ + ")";
      break;
  }
  return out;
}

}  // namespace aftersale
