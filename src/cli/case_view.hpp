// SPDX-License-Identifier: Apache-2.0
#pragma once
// What `aftersale case` prints about a case, as plain strings: built once from the runtime's
// objects, then rendered as text or JSON (case_render.cpp). The outcome of an event or a timer
// is the library's `outcome_view` (shared with the Python bindings).
#include <aftersale/case.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aftersale::cli {

/// An instant in UTC and in a calendar's local time.
struct instant_view {
  std::string utc;        ///< `2026-10-08T01:30:00Z`
  std::string local;      ///< `2026-10-08 09:30:00 CST (+08:00)`; the UTC text without a calendar
  std::string local_iso;  ///< `2026-10-08T09:30:00+08:00`
};

struct clock_view {
  std::string clock;  ///< clock id
  std::string label;
  std::string status;  ///< `idle`, `running`, `paused`, `stopped`
  std::optional<instant_view> started;
  std::optional<instant_view> due;  ///< running
  std::string remaining;            ///< paused: `3h` of working or elapsed time left
  bool overdue = false;             ///< running and due before the instant shown
};

/// A fact or variable: its text, and for JSON its number (int, money in minor units) or boolean.
struct value_view {
  enum class kind : std::uint8_t { unset, text, integer, boolean };
  std::string name;
  kind what = kind::unset;
  std::string text;
  std::int64_t raw = 0;
};

/// The event names the current state accepts, with the roles that may send them.
struct event_view {
  std::string event;
  std::vector<std::string> roles;  ///< empty: any role
};

struct history_view {
  std::string kind;  ///< `opened`, `event`, `automatic`, `timer`, `close`, `reopen`, `migrated`
  instant_view at;
  std::string actor;  ///< role id, empty for automatic and timer steps
  std::string from, to;
  std::string event_id;
  std::string text;            ///< `describe()`
  std::string customer_label;  ///< the customer-facing label of `to` (empty when no state)
};

/// Everything `case show` prints.
struct case_view {
  std::string policy_id, policy_version;
  std::string flow, flow_description;
  std::string state;
  std::string locale;  ///< the locale the texts are in (the policy's when not asked; may be "")
  std::string agent_label, customer_label;
  bool customer = false;  ///< show the customer-facing label as `label`
  bool terminal = false;
  std::string phase;
  std::string escalation;  ///< role id, empty: none
  std::string remark_flag, remark;
  instant_view opened_at, entered_at;
  std::vector<value_view> facts;      ///< the facts that have a value
  std::vector<value_view> variables;  ///< every flow variable, set or not
  std::vector<clock_view> clocks;
  std::optional<instant_view> next_deadline;
  std::string next_target;  ///< the state the next timer leads to, when known
  bool next_due = false;    ///< the next timer is due at the instant shown: `advance` would fire it
  std::vector<event_view> events;
  std::vector<history_view> history;

  const std::string& label() const { return customer ? customer_label : agent_label; }
};

/// Builds the view of `c` with labels in `locale`, clocks marked overdue against `now`.
/// `history_from`: the first history entry to include (later ones only, after an event).
case_view make_case_view(const service_case& c, const std::string& locale, bool customer, sys_seconds now,
                         std::size_t history_from = 0);

/// `at` in the policy's default calendar (UTC without one).
instant_view make_instant(const policy& p, sys_seconds at, std::uint32_t calendar = npos);

}  // namespace aftersale::cli
