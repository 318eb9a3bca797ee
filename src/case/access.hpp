// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one door through which the runtime (src/case/) and the snapshot reader reach the
// private fields of a case and of an outcome. Public users see only accessors, so a case cannot
// be put into a state the runtime would not produce.
#include <aftersale/case.hpp>

namespace aftersale::detail {

struct case_access {
  // service_case
  static std::shared_ptr<const policy>& policy_ptr(service_case& c) { return c.policy_; }
  static std::uint32_t& flow(service_case& c) { return c.flow_; }
  static std::uint32_t& state(service_case& c) { return c.state_; }
  static std::uint32_t& escalation(service_case& c) { return c.escalation_; }
  static std::uint32_t& remark_flag(service_case& c) { return c.remark_flag_; }
  static std::uint32_t& value_count(service_case& c) { return c.value_count_; }
  static lifecycle_phase& phase(service_case& c) { return c.phase_; }
  static sys_seconds& opened_at(service_case& c) { return c.opened_at_; }
  static sys_seconds& entered_at(service_case& c) { return c.entered_at_; }
  static std::vector<std::int64_t>& slots(service_case& c) { return c.slots_; }
  static std::vector<case_clock>& clocks(service_case& c) { return c.clocks_; }
  static localized_text& remark(service_case& c) { return c.remark_; }
  static std::vector<std::string>& applied_ids(service_case& c) { return c.applied_ids_; }
  static std::vector<history_entry>& history(service_case& c) { return c.history_; }
  static const std::vector<std::int64_t>& slots(const service_case& c) { return c.slots_; }

  /// Sets value `i` and its presence bit (`present` false clears it and stores 0).
  static void set_value(service_case& c, std::size_t i, std::int64_t v, bool present) noexcept {
    std::uint64_t& word = reinterpret_cast<std::uint64_t&>(c.slots_[c.value_count_ + i / 64]);
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    c.slots_[i] = present ? v : 0;
    word = present ? (word | bit) : (word & ~bit);
  }
  /// Sizes `slots_` for `count` values, all absent.
  static void reset_values(service_case& c, std::uint32_t count) {
    c.slots_.assign(count + (count + 63) / 64, 0);
    c.value_count_ = count;
  }

  // outcome
  static outcome make_outcome(const policy* p, std::uint32_t flow) {
    outcome o;
    o.policy_ = p;
    o.flow_ = flow;
    return o;
  }
  static outcome::status& status(outcome& o) { return o.status_; }
  static refusal& reason(outcome& o) { return o.reason_; }
  static bool& value_present(outcome& o) { return o.value_present_; }
  static std::uint32_t& event(outcome& o) { return o.event_; }
  static std::uint32_t& role(outcome& o) { return o.role_; }
  static std::uint32_t& state(outcome& o) { return o.state_; }
  static std::uint32_t& from(outcome& o) { return o.from_; }
  static std::uint32_t& to(outcome& o) { return o.to_; }
  static std::uint32_t& steps(outcome& o) { return o.steps_; }
  static std::uint32_t& transition(outcome& o) { return o.transition_; }
  static std::uint32_t& failed_condition(outcome& o) { return o.failed_condition_; }
  static std::int64_t& value(outcome& o) { return o.value_; }
  static std::string& detail(outcome& o) { return o.detail_; }
  static std::vector<emitted_action>& actions(outcome& o) { return o.actions_; }
  static std::uint32_t& fired_before(outcome& o) { return o.fired_before_; }
  static std::uint32_t& notice_clock(outcome& o) { return o.notice_clock_; }
  static std::uint32_t& notice_percent(outcome& o) { return o.notice_percent_; }
  static const policy* policy_of(const outcome& o) { return o.policy_; }
  static std::uint32_t flow_of(const outcome& o) { return o.flow_; }
  static std::uint32_t event_of(const outcome& o) { return o.event_; }
  static std::uint32_t role_of(const outcome& o) { return o.role_; }
  static std::uint32_t state_of(const outcome& o) { return o.state_; }
  static const std::string& detail_of(const outcome& o) { return o.detail_; }
};

}  // namespace aftersale::detail
