#pragma once
/// @file
/// The case runtime: a case (售后单) moves through its flow by events and timers.
///
///     auto d = aftersale::decide(policy, request, now);
///     aftersale::service_case c = aftersale::open_case(policy, d, now);    // starts in d's flow
///     aftersale::outcome o = aftersale::apply(c, {"approve", "agent", {}, "evt-1"}, now);
///     if (!o.accepted()) std::cerr << o.message << '\n';                  // the case is unchanged
///     if (auto due = aftersale::next_deadline(c)) { ... }
///     aftersale::advance(c, later);                                       // fires due timers in order
///     std::string snap = aftersale::to_json(c);                            // exact round trip
///     aftersale::service_case back = aftersale::from_json(policy, snap);  // timers survive a restart
///
/// Rules: a refused event leaves the case exactly as it was (strong guarantee); an event id
/// already applied is a no-op reported as `duplicate`; every accepted change is recorded in
/// the history. A case is a value: copy it freely; it shares only the immutable policy.
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// The lifecycle every case shares, whatever its flow (run by a Boost.MSM machine inside the
/// library): opened → active ⇄ waiting_on_customer → escalated → resolved → closed, and reopened.
enum class lifecycle_phase : std::uint8_t { opened, active, waiting_on_customer, escalated, resolved, closed, reopened };

/// `opened`, `active`, ...
std::string_view to_string(lifecycle_phase p);

/// An event sent to a case by the host system.
struct event {
  std::string name;        ///< one of the flow's events, or a lifecycle event: `close`, `reopen`
  std::string actor_role;  ///< a vocabulary role id (`customer`, `agent`, `system`, ...)
  request payload;         ///< values for flow variables carried by the event (checked against their types)
  std::string id;          ///< idempotency key; empty = not deduplicated
};

/// Why an event was refused.
enum class refusal : std::uint8_t {
  none,
  unknown_event,     ///< the flow has no such event, or none from the current state
  role_not_allowed,  ///< the actor's role may not fire it here
  guard_failed,      ///< every candidate transition's guard was false (names the first failing condition)
  case_closed,       ///< the case is closed (only `reopen` is accepted)
  bad_payload,       ///< the payload names an unknown variable or has a wrong type
  unknown_role,      ///< the actor role is not declared in the vocabulary
};

/// `unknown_event`, `role_not_allowed`, ...
std::string_view to_string(refusal r);

/// An action the host system must carry out (e.g. `phone_follow_up`, `notify_customer`).
struct emitted_action {
  std::string name;
  std::vector<std::pair<std::string, std::string>> args;
};

/// A running, paused, stopped or expired SLA clock of a case.
struct case_clock {
  enum class status : std::uint8_t { running, paused, stopped } state = status::running;
  std::uint32_t clock = npos;  ///< index into policy::clocks
  sys_seconds started{};
  sys_seconds due{};                  ///< running: absolute UTC deadline
  std::chrono::seconds remaining{0};  ///< paused: working/elapsed time left when paused
};

/// One accepted change.
struct history_entry {
  sys_seconds at{};
  std::string event;       ///< event name, `<automatic>`, `<timer:clock>` or a lifecycle event
  std::string actor_role;
  std::string event_id;
  std::uint32_t from = npos;  ///< state indexes in the flow
  std::uint32_t to = npos;
  std::vector<emitted_action> actions;
  std::vector<std::string> effects;  ///< readable effect lines (`set approved = true`, `start first_response`)
};

/// The result of `apply` or of one timer fired by `advance`.
struct outcome {
  enum class status : std::uint8_t { accepted, refused, duplicate } result = status::refused;
  aftersale::refusal reason = refusal::none;
  std::string message;                      ///< lowercase explanation (refusals name the failed condition)
  std::uint32_t failed_condition = npos;    ///< guard_failed: index in the first candidate's guard
  std::uint32_t from = npos, to = npos;     ///< states (accepted)
  std::vector<std::uint32_t> path;          ///< states entered, including automatic transitions
  std::vector<emitted_action> actions;
  bool accepted() const noexcept { return result == status::accepted; }
};

/// A case: its flow, state, variables, clocks, escalation and history.
struct service_case {
  std::shared_ptr<const policy> source;
  std::uint32_t flow = npos;
  std::uint32_t state = npos;
  lifecycle_phase phase = lifecycle_phase::opened;
  std::uint32_t escalation = npos;     ///< vocabulary.roles index; npos = none
  std::uint32_t remark_flag = npos;
  std::string remark;
  sys_seconds opened_at{};
  sys_seconds entered_at{};            ///< when the current state was entered (for duration timers)
  bound_request facts;                 ///< the request's facts (derived facts as at opening)
  std::vector<std::int64_t> variables; ///< by flow variable index
  std::vector<std::uint8_t> variable_present;
  std::vector<case_clock> clocks;
  std::vector<std::string> applied_event_ids;  ///< sorted, for idempotency
  std::vector<history_entry> history;
};

/// Opens a case in the flow named by the decision's (first) rule. @throws error when the
/// decision did not match or its rule names no flow.
service_case open_case(std::shared_ptr<const policy> p, const decision& d, sys_seconds now);
/// Opens a case in a named flow with the given facts. @throws error for an unknown flow.
service_case open_case(std::shared_ptr<const policy> p, std::string_view flow, const bound_request& facts,
                       sys_seconds now);

/// Applies an event. Accepted: state, variables, clocks and history change; automatic
/// transitions of the new state fire at once. Refused or duplicate: `c` is untouched.
outcome apply(service_case& c, const event& e, sys_seconds now);

/// The earliest pending timer (timer transition or running clock with a timer), if any.
std::optional<sys_seconds> next_deadline(const service_case& c);

/// Fires every timer due at or before `now`, in deadline order (ties: transition order), each
/// at its own due time — so a case restored after days offline ends as if fired on time.
std::vector<outcome> advance(service_case& c, sys_seconds now);

/// Snapshot: JSON text with the policy id, version, flow structure hash, state, variables,
/// clocks (absolute UTC), escalation, applied ids and history.
std::string to_json(const service_case& c);

/// Restores a snapshot. @throws snapshot_error when the JSON is malformed, names another
/// policy, or the flow's structure changed and no migration from the snapshot's version maps
/// its states.
service_case from_json(std::shared_ptr<const policy> p, std::string_view json);

/// A snapshot could not be restored. `what()` says why, with the JSON path when relevant.
class snapshot_error : public error {
 public:
  using error::error;
};

}  // namespace aftersale
