// SPDX-License-Identifier: Apache-2.0
// service_case accessors, comparison and the names of the runtime's enums.
#include <aftersale/case.hpp>

#include "base/nearest.hpp"
#include "case/runtime.hpp"

namespace aftersale {

std::string_view to_string(lifecycle_phase p) {
  switch (p) {
    case lifecycle_phase::opened:
      return "opened";
    case lifecycle_phase::active:
      return "active";
    case lifecycle_phase::waiting_on_customer:
      return "waiting_on_customer";
    case lifecycle_phase::escalated:
      return "escalated";
    case lifecycle_phase::resolved:
      return "resolved";
    case lifecycle_phase::closed:
      return "closed";
    case lifecycle_phase::reopened:
      return "reopened";
  }
  return "?";
}

std::string_view to_string(refusal r) {
  switch (r) {
    case refusal::none:
      return "none";
    case refusal::unknown_event:
      return "unknown_event";
    case refusal::unknown_role:
      return "unknown_role";
    case refusal::role_not_allowed:
      return "role_not_allowed";
    case refusal::guard_failed:
      return "guard_failed";
    case refusal::case_closed:
      return "case_closed";
    case refusal::wrong_phase:
      return "wrong_phase";
    case refusal::bad_payload:
      return "bad_payload";
    case refusal::time_went_back:
      return "time_went_back";
  }
  return "?";
}

std::string_view to_string(case_clock::status s) {
  switch (s) {
    case case_clock::status::idle:
      return "idle";
    case case_clock::status::running:
      return "running";
    case case_clock::status::paused:
      return "paused";
    case case_clock::status::stopped:
      return "stopped";
  }
  return "?";
}

std::string_view to_string(history_entry::kind k) {
  switch (k) {
    case history_entry::kind::opened:
      return "opened";
    case history_entry::kind::event:
      return "event";
    case history_entry::kind::automatic:
      return "automatic";
    case history_entry::kind::timer:
      return "timer";
    case history_entry::kind::close:
      return "close";
    case history_entry::kind::reopen:
      return "reopen";
    case history_entry::kind::migrated:
      return "migrated";
  }
  return "?";
}

std::optional<std::int64_t> service_case::value(std::string_view name) const {
  if (!policy_) throw error("the case is empty: it has no fact or variable `" + std::string(name) + "`");
  std::size_t i = npos;
  if (const std::optional<std::uint32_t> fact = policy_->find_fact(name)) {
    i = *fact;
  } else {
    const std::vector<fact_def>& vars = flow().variables;
    for (std::size_t v = 0; v < vars.size(); ++v) {
      if (vars[v].name == name) i = policy_->facts.size() + v;
    }
  }
  if (i == npos) {
    std::vector<std::string> names;
    for (const fact_def& f : policy_->facts) names.push_back(f.name);
    for (const fact_def& v : flow().variables) names.push_back(v.name);
    throw error(detail::with_did_you_mean(
        "unknown fact or variable `" + std::string(name) + "` in flow `" + flow().id + "`", name, names));
  }
  if (!has_value(i)) return std::nullopt;
  return slots_[i];
}

const case_clock* service_case::find_clock(std::uint32_t policy_clock) const noexcept {
  const std::uint32_t slot = detail::clock_slot(clocks_, policy_clock);
  return slot == npos ? nullptr : &clocks_[slot];
}

bool operator==(const service_case& a, const service_case& b) {
  return a.policy_ == b.policy_ && a.flow_ == b.flow_ && a.state_ == b.state_ &&
         a.escalation_ == b.escalation_ && a.remark_flag_ == b.remark_flag_ &&
         a.value_count_ == b.value_count_ && a.phase_ == b.phase_ && a.opened_at_ == b.opened_at_ &&
         a.entered_at_ == b.entered_at_ && a.slots_ == b.slots_ && a.clocks_ == b.clocks_ &&
         a.remark_ == b.remark_ && a.applied_ids_ == b.applied_ids_ && a.history_ == b.history_;
}

}  // namespace aftersale
