// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The case runtime: a case (售后单) moves through its flow by events and timers.
///
///     auto d = aftersale::decide(policy, request, now);
///     aftersale::service_case c = aftersale::open_case(d, now);             // starts in the rule's flow
///     aftersale::outcome o = aftersale::apply(c, {"approve", "agent", {}, "evt-1"}, now);
///     if (!o.accepted()) std::cerr << o.message() << '\n';                 // the case is unchanged
///     if (auto due = aftersale::next_deadline(c)) { ... }                  // the next timer or SLA notice
///     aftersale::advance(c, later);                                        // fires them in order
///     std::string snap = aftersale::to_json(c);                             // exact round trip
///     aftersale::service_case back = aftersale::from_json(policy, snap);   // timers survive a restart
///
/// Rules: a refused event leaves the case exactly as it was (strong guarantee); the same event
/// sent again with an id already applied is a no-op reported as `duplicate`, while an applied id
/// reused for another event (name, role or payload) is refused as a `conflict`; every accepted
/// change is recorded in the history, in time order. A case is a value: copy it freely; it shares only the
/// immutable policy. Functions on one case are not synchronised; different cases may be used from different
/// threads (docs/threads.md).
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersale {

class decision;
class service_case;
namespace detail {
struct case_access;  // the runtime's and the snapshot reader's access to a case's fields (src/)
}

/// The lifecycle every case shares, whatever its flow (a Boost.MSM machine inside the library):
/// opened → active ⇄ waiting_on_customer → escalated → resolved → closed; `reopen` takes a resolved
/// or closed case through `reopened` back into its flow.
enum class lifecycle_phase : std::uint8_t {
  opened,
  active,
  waiting_on_customer,
  escalated,
  resolved,
  closed,
  reopened
};

/// `opened`, `active`, `waiting_on_customer`, ...
std::string_view to_string(lifecycle_phase p);

/// An event sent to a case by the host system.
struct event {
  std::string name;        ///< one of the flow's events, or a lifecycle event: `close`, `reopen`
  std::string actor_role;  ///< a vocabulary role id (`customer`, `agent`, `system`, ...)
  request payload;         ///< values for flow variables carried by the event (checked against their types)
  std::string id;          ///< idempotency key; empty = not deduplicated
};

/// An event whose names were resolved against a flow once (see `resolve_event`), for hosts that
/// send many: applying it does no string lookup.
struct resolved_event {
  std::uint32_t event = npos;  ///< index into flow_def::events, or one of the lifecycle codes below
  std::uint32_t role = npos;   ///< index into vocabulary.roles
  static constexpr std::uint32_t close = npos - 1;   ///< the lifecycle event `close`
  static constexpr std::uint32_t reopen = npos - 2;  ///< the lifecycle event `reopen`
};

/// Why an event was refused.
enum class refusal : std::uint8_t {
  none,
  unknown_event,     ///< the flow has no such event, or no transition on it from the current state
  unknown_role,      ///< the actor role is not declared in the vocabulary
  role_not_allowed,  ///< the actor's role may not fire it here
  guard_failed,      ///< every candidate transition the role may fire has a false guard
  case_closed,       ///< the case is closed (only `reopen` is accepted)
  wrong_phase,     ///< a lifecycle event the phase does not allow (`close` before resolved, `reopen` without
                   ///< `reopen:`)
  bad_payload,     ///< an unknown variable or a wrongly typed value in the payload; an id that is not UTF-8
  time_went_back,  ///< `now` is earlier than the case's last change (history stays in time order)
};

/// `unknown_event`, `role_not_allowed`, ...
std::string_view to_string(refusal r);

/// An action the host system must carry out (e.g. `phone_follow_up`, `notify_customer`).
struct emitted_action {
  std::string name;
  std::vector<std::pair<std::string, std::string>> args;  ///< e.g. {"by", "10d"}
  friend bool operator==(const emitted_action& a, const emitted_action& b) {
    return a.name == b.name && a.args == b.args;
  }
};

/// An SLA clock of a case. Every clock the decision started or the flow mentions has a slot,
/// so the runtime updates clocks in place.
struct case_clock {
  enum class status : std::uint8_t { idle, running, paused, stopped };
  std::uint32_t clock = npos;  ///< index into policy::clocks
  status state = status::idle;
  sys_seconds started{};              ///< when it was (last) started
  sys_seconds due{};                  ///< running: absolute UTC deadline (may be in the past: overdue)
  std::chrono::seconds remaining{0};  ///< paused: working or elapsed time left when paused
  /// The notices (`clock_def::warn_at`) already sent since the clock was last started or reset:
  /// 0 none, else the highest percentage of its limit notified (100: `sla_breached` was sent).
  /// Each notice is sent once; a restarted clock sends them again.
  std::uint8_t notified = 0;
  friend bool operator==(const case_clock& a, const case_clock& b) {
    return a.clock == b.clock && a.state == b.state && a.started == b.started && a.due == b.due &&
           a.remaining == b.remaining && a.notified == b.notified;
  }
};

/// `idle`, `running`, `paused`, `stopped`.
std::string_view to_string(case_clock::status s);

/// One accepted change, kept compact: what it did is recoverable from the policy (`describe`).
struct history_entry {
  enum class kind : std::uint8_t { opened, event, automatic, timer, close, reopen, migrated };
  kind what = kind::event;
  sys_seconds at{};
  std::uint32_t transition = npos;  ///< index into flow_def::transitions (event/automatic/timer)
  std::uint32_t actor_role = npos;  ///< vocabulary role; npos for automatic and timer steps
  std::uint32_t from = npos;        ///< state indexes in the flow (npos: none, e.g. when opened)
  std::uint32_t to = npos;
  std::string event_id;  ///< the idempotency key of the event, if any
  /// With `event_id`: a hash of the event as sent (name, actor role, payload), which tells the
  /// same event sent again (`duplicate`) from the id reused for another one (`conflict`).
  /// 0 when unknown (a snapshot of format `aftersale-case/1`).
  std::uint64_t event_digest = 0;
  /// Variables assigned by this step (payload, `set`, `record`): (variable index, value).
  std::vector<std::pair<std::uint32_t, std::int64_t>> assigned;
  friend bool operator==(const history_entry& a, const history_entry& b) {
    return a.what == b.what && a.at == b.at && a.transition == b.transition && a.actor_role == b.actor_role &&
           a.from == b.from && a.to == b.to && a.event_id == b.event_id && a.event_digest == b.event_digest &&
           a.assigned == b.assigned;
  }
};

/// `opened`, `event`, `automatic`, `timer`, `close`, `reopen`, `migrated`.
std::string_view to_string(history_entry::kind k);

/// The result of `apply`, or of one timer or SLA notice fired by `advance`. Allocates nothing on
/// the common path (no emitted action); `message()` builds the text on demand.
class outcome {
 public:
  /// `duplicate`: the event's id was already applied with the same event (name, role, payload):
  /// nothing changed. `conflict`: the id was already applied with another event: nothing changed,
  /// and the host has a bug or a collision of ids to look into (`message()` says which id).
  enum class status : std::uint8_t { accepted, refused, duplicate, conflict };

  status result() const noexcept { return status_; }
  bool accepted() const noexcept { return status_ == status::accepted; }
  refusal reason() const noexcept { return reason_; }
  /// Accepted: the state before and the state after (automatic transitions included).
  std::uint32_t from() const noexcept { return from_; }
  std::uint32_t to() const noexcept { return to_; }
  /// Accepted: transitions fired (the event's and the automatic ones that followed).
  std::uint32_t steps() const noexcept { return steps_; }
  /// Accepted: actions for the host, in the order they were emitted (an `apply` lists those of
  /// the timers and notices it fired first, then the event's).
  const std::vector<emitted_action>& actions() const noexcept { return actions_; }
  /// `apply`: the timers and SLA notices that fell due at or before `now` and fired before the
  /// event, in time order (their steps and actions come first in `steps()` and `actions()`;
  /// `from()` is the state before them). 0 for a refused event: the case is unchanged and they
  /// are still due. `advance`: 0.
  std::uint32_t fired_before() const noexcept { return fired_before_; }
  /// An SLA notice fired by `advance` (no transition, `steps()` 0): the policy clock, and the
  /// percentage of its limit reached (100: `sla_breached`). npos and 0 otherwise.
  std::uint32_t notice_clock() const noexcept { return notice_clock_; }
  std::uint32_t notice_percent() const noexcept { return notice_percent_; }
  /// guard_failed: the transition and the index in its guard of the first false condition,
  /// and the value the condition saw (`value_present` false when the value was absent).
  std::uint32_t transition() const noexcept { return transition_; }
  std::uint32_t failed_condition() const noexcept { return failed_condition_; }
  std::int64_t value() const noexcept { return value_; }
  bool value_present() const noexcept { return value_present_; }
  /// A lowercase sentence: `accepted: reviewed → approved`, or why it was refused, naming the
  /// event, the state and (guard_failed) the condition as written in the policy with the value
  /// seen. Needs the policy the case was opened on to be alive (the case holds it).
  std::string message() const;

 private:
  friend struct detail::case_access;
  const policy* policy_ = nullptr;
  std::uint32_t flow_ = npos;
  status status_ = status::refused;
  refusal reason_ = refusal::none;
  bool value_present_ = false;
  std::uint32_t event_ = npos;  ///< resolved event (or lifecycle code); npos when unknown
  std::uint32_t role_ = npos;
  std::uint32_t state_ = npos;  ///< the state the event was sent in
  std::uint32_t from_ = npos, to_ = npos, steps_ = 0;
  std::uint32_t transition_ = npos, failed_condition_ = npos;
  std::uint32_t fired_before_ = 0;
  std::uint32_t notice_clock_ = npos, notice_percent_ = 0;
  std::int64_t value_ = 0;
  std::string detail_;  ///< refusals with a name the flow does not know (unknown event/role/variable)
  std::vector<emitted_action> actions_;
};

/// `accepted`, `refused`, `duplicate`, `conflict`.
std::string_view to_string(outcome::status s);

/// An outcome with its names resolved, as plain values: what a host shows, logs or serialises.
/// The CLI's `aftersale case` output and Python's `Outcome` are both this. Unlike `outcome` it
/// borrows nothing, so it may outlive the policy.
struct outcome_view {
  std::string result;   ///< `accepted`, `refused`, `duplicate` or `conflict` (`to_string(outcome::status)`)
  std::string reason;   ///< refused: `unknown_event`, ... (`to_string(refusal)`); else empty
  std::string message;  ///< `outcome::message()`
  std::string from_state;   ///< accepted: the state before; else empty
  std::string to_state;     ///< accepted: the state after, automatic transitions included; else empty
  std::uint32_t steps = 0;  ///< accepted: transitions fired (the event's and the automatic ones)
  std::vector<emitted_action> actions;  ///< accepted: actions for the host, in the order emitted
  bool accepted() const noexcept { return result == "accepted"; }
};

/// A case: its flow, state, lifecycle phase, facts and variables, clocks, escalation and history.
/// Read through the accessors; change only through `apply`, `advance`, `from_json`.
class service_case {
 public:
  service_case() = default;  ///< an empty case (no policy); only assignable

  const std::shared_ptr<const policy>& policy_ptr() const noexcept { return policy_; }
  const aftersale::policy& source_policy() const noexcept { return *policy_; }
  std::uint32_t flow_index() const noexcept { return flow_; }
  const flow_def& flow() const noexcept { return policy_->flows[flow_]; }
  std::uint32_t state_index() const noexcept { return state_; }
  const state_def& state() const noexcept { return flow().states[state_]; }
  std::string_view state_id() const noexcept { return state().id; }
  lifecycle_phase phase() const noexcept { return phase_; }
  // Naming, as in decision: `x_index()` is an index into the policy (npos when none), `x_id()`
  // the id as text (empty when none).
  /// Current escalation level: index into vocabulary.roles, or npos.
  std::uint32_t escalation_index() const noexcept { return escalation_; }
  std::string_view escalation_id() const noexcept { return entry_id(policy_->vocabulary.roles, escalation_); }
  /// The same as escalation_index() (its older name; note decision::escalation() is the id).
  std::uint32_t escalation() const noexcept { return escalation_; }
  /// Order remark flag: index into vocabulary.flags, or npos; remark() is its text.
  std::uint32_t remark_flag_index() const noexcept { return remark_flag_; }
  std::string_view remark_flag_id() const noexcept {
    return entry_id(policy_->vocabulary.flags, remark_flag_);
  }
  /// The same as remark_flag_index() (its older name).
  std::uint32_t remark_flag() const noexcept { return remark_flag_; }
  /// The remark text in `locale` (`policy::text`: the asked locale, else the policy's `locale`,
  /// else the first written; "" asks for the policy's `locale`); empty when none.
  std::string_view remark(std::string_view locale = {}) const noexcept {
    return policy_->text(remark_, locale);
  }
  /// The remark text in every locale it was written in (empty when none).
  const localized_text& remark_text() const noexcept { return remark_; }
  sys_seconds opened_at() const noexcept { return opened_at_; }
  /// When the current state was entered (duration timers count from here).
  sys_seconds entered_at() const noexcept { return entered_at_; }

  /// Facts are `0 .. policy.facts.size()`, then the flow's variables (the guard numbering).
  std::size_t value_count() const noexcept { return value_count_; }
  bool has_value(std::size_t i) const noexcept {
    return i < value_count_ && ((slots_[value_count_ + i / 64] >> (i % 64)) & 1U) != 0;
  }
  /// The encoded value (see `fact_def`); meaningful when `has_value(i)`.
  std::int64_t value(std::size_t i) const noexcept { return slots_[i]; }
  /// The value of a named fact or variable, if present. @throws error for an unknown name.
  std::optional<std::int64_t> value(std::string_view name) const;

  const std::vector<case_clock>& clocks() const noexcept { return clocks_; }
  /// The slot of a policy clock, or nullptr when the case has none for it.
  const case_clock* find_clock(std::uint32_t policy_clock) const noexcept;
  /// Idempotency keys of applied events, sorted.
  const std::vector<std::string>& applied_event_ids() const noexcept { return applied_ids_; }
  const std::vector<history_entry>& history() const noexcept { return history_; }

  /// Same policy object, flow, state, phase, values, clocks, escalation, remark, applied ids and
  /// history: what a snapshot would record.
  friend bool operator==(const service_case& a, const service_case& b);
  friend bool operator!=(const service_case& a, const service_case& b) { return !(a == b); }

 private:
  friend struct detail::case_access;
  std::shared_ptr<const aftersale::policy> policy_;
  std::uint32_t flow_ = npos;
  std::uint32_t state_ = npos;
  std::uint32_t escalation_ = npos;
  std::uint32_t remark_flag_ = npos;
  std::uint32_t value_count_ = 0;
  lifecycle_phase phase_ = lifecycle_phase::opened;
  sys_seconds opened_at_{};
  sys_seconds entered_at_{};
  /// `value_count_` values, then ceil(value_count_ / 64) presence words: one allocation.
  std::vector<std::int64_t> slots_;
  std::vector<case_clock> clocks_;  ///< sorted by clock index
  localized_text remark_;
  std::vector<std::string> applied_ids_;
  std::vector<history_entry> history_;
};

/// Opens a case in the flow named by the decision's (first) rule (`then.flow`), with the
/// decision's facts; clocks the decision started keep their deadlines. Enters the start state
/// (its clock actions) and fires automatic transitions.
/// @throws error when the decision did not match or its rule names no flow.
service_case open_case(const decision& d, sys_seconds now);
/// Opens a case in a named flow with the given facts (derived facts as bound).
/// @throws error for an unknown flow; usage_error for a null policy (E500) or facts bound
/// with another policy (E501).
service_case open_case(std::shared_ptr<const policy> p, std::string_view flow, const bound_request& facts,
                       sys_seconds now);

/// Resolves names against the case's flow and vocabulary. Returns nothing when the role is not
/// declared or the event is neither the flow's nor `close`/`reopen` (apply the `event` form to
/// get the refusal with its reason). @throws usage_error (E500) for an empty case.
std::optional<resolved_event> resolve_event(const service_case& c, std::string_view name,
                                            std::string_view role);

/// Applies an event at `now`. First the timers and SLA notices due at or before `now` fire, as
/// `advance` would; the event then meets the case where they led. Accepted: they are kept (their
/// steps and actions come first in the outcome, `fired_before()`), payload values are assigned to
/// variables, the first
/// transition (in policy order) from the current state on that event whose roles and guard
/// allow it fires (effects in order, then the target's clock actions), then automatic
/// transitions; one history entry per transition. Refused, duplicate or conflict: `c` is
/// untouched, its due timers included. `now` earlier than the last history entry is refused
/// (`time_went_back`).
/// @throws usage_error (E500) for an empty case (never opened).
outcome apply(service_case& c, const event& e, sys_seconds now);
/// The same for a resolved event without payload (the fast path).
outcome apply(service_case& c, resolved_event e, sys_seconds now, std::string_view id = {});

/// The earliest pending timer: a timer transition of the current state (on a running clock's
/// deadline, or a duration since the state was entered), or the next SLA notice of a running
/// clock with `warn_at` (a warning, or the breach at its deadline). Nothing when none is pending.
std::optional<sys_seconds> next_deadline(const service_case& c);

/// Fires every timer and SLA notice due at or before `now`, earliest first (ties: notices in clock
/// order, then transitions in policy order), each at its own due time — so a case restored after
/// days offline ends exactly as if fired on time. One outcome per timer or notice fired; a notice
/// (`sla_warning`, `sla_breached`) is sent once, recorded in its clock (`case_clock::notified`).
std::vector<outcome> advance(service_case& c, sys_seconds now);

/// The view of `o`, an outcome that `apply` or `advance` just returned for `c`: state ids are
/// looked up in `c`'s flow, and the message is built once.
outcome_view make_outcome_view(const service_case& c, const outcome& o);

/// A readable line for a history entry: `2026-10-08T09:00:00Z agent approve: submitted → reviewed
/// (set approved = true; emit notify_customer)`. A remark's text is given in `locale` (the fallback
/// rule of `policy::text`; "" = the policy's `locale`).
std::string describe(const service_case& c, const history_entry& h, std::string_view locale = {});

/// Snapshot: JSON text with the policy id, version and flow structure hash, state, phase,
/// facts and variables, clocks (absolute UTC), escalation, remark, applied ids and history.
/// Format `aftersale-case/3` — or `/2`, the format older releases read, for a case none of whose
/// clocks sent an SLA notice — deterministic, with an `integrity` hash of its content that
/// `from_json` checks (edit detection, not security; docs/snapshots.md).
/// @throws error for an empty case; encoding_error for text that is not valid UTF-8 (JSON cannot hold it).
std::string to_json(const service_case& c);

/// Restores a snapshot. Exact: `to_json(from_json(p, s)) == s` for any `s` that `to_json` wrote.
/// Reads formats `aftersale-case/3`, `/2` and `/1` (`/1` is rewritten as `/2` or `/3`).
/// @throws snapshot_error when the JSON is malformed or does not fit (with its JSON path), names
/// another policy, breaks an invariant the runtime keeps (a case it could not have produced,
/// docs/snapshots.md), fails its integrity hash, or the flow's structure changed and no
/// migration from the snapshot's policy version maps its states.
service_case from_json(std::shared_ptr<const policy> p, std::string_view json);

/// A snapshot could not be restored. `what()` says why, with the JSON path (`$.clocks[2].due`).
class snapshot_error : public error {
 public:
  snapshot_error(std::string path, const std::string& message)
      : error(path.empty() ? message : path + ": " + message), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace aftersale
