// SPDX-License-Identifier: Apache-2.0
// The case runtime on tests/policies/runtime_flows.yaml: opening cases, every refusal and its
// message, payloads, automatic chains, clocks on a business calendar, timers, escalation,
// close/reopen, idempotency, describe().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace aftersale;  // NOLINT: test file
using std::chrono::hours;
using std::chrono::minutes;
using ::testing::HasSubstr;

const std::shared_ptr<const policy>& test_policy() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/runtime_flows.yaml");
  return p;
}

sys_seconds at(const char* iso) {
  const std::optional<sys_seconds> t = parse_timestamp(iso);
  if (!t) throw std::runtime_error(std::string("test bug: bad timestamp ") + iso);
  return *t;
}

// Monday 2026-11-23 10:00 in Shanghai (the store calendar: 09-12, 13-18, Mon-Fri).
const sys_seconds monday_10 = at("2026-11-23T10:00:00+08:00");

std::uint32_t state_of(const service_case& c, std::string_view id) {
  const flow_def& f = c.flow();
  for (std::uint32_t i = 0; i < f.states.size(); ++i)
    if (f.states[i].id == id) return i;
  throw std::runtime_error("test bug: no state " + std::string(id));
}

std::uint32_t clock_id(std::string_view id) { return *test_policy()->find_clock(id); }

const case_clock& clock_of(const service_case& c, std::string_view id) {
  const case_clock* k = c.find_clock(clock_id(id));
  if (!k) throw std::runtime_error("test bug: no clock slot " + std::string(id));
  return *k;
}

service_case open_delivered(std::int64_t amount, const char* tier = "normal", sys_seconds now = monday_10) {
  request r;
  r.set("order_status", "delivered").set("amount", amount).set("customer_tier", tier);
  return open_case(decide(test_policy(), r, now), now);
}

service_case open_flow(const char* flow, std::int64_t amount, sys_seconds now = monday_10) {
  request r;
  r.set("order_status", "delivered").set("amount", amount);
  return open_case(test_policy(), flow, bind(*test_policy(), r), now);
}

event ev(std::string name, std::string role, request payload = {}, std::string id = {}) {
  return event{std::move(name), std::move(role), std::move(payload), std::move(id)};
}

// Applies an event that must be accepted.
outcome accept(service_case& c, event e, sys_seconds now) {
  outcome o = apply(c, e, now);
  if (!o.accepted()) throw std::runtime_error("expected accepted: " + o.message());
  return o;
}

// Applies an event that must be refused for `why`, and checks the case did not change.
outcome refused(service_case& c, const event& e, sys_seconds now, refusal why) {
  const service_case before = c;
  outcome o = apply(c, e, now);
  EXPECT_EQ(o.result(), outcome::status::refused) << o.message();
  EXPECT_EQ(o.reason(), why) << o.message();
  EXPECT_TRUE(c == before) << "a refused event changed the case";
  return o;
}

std::vector<std::string> action_names(const outcome& o) {
  std::vector<std::string> out;
  for (const emitted_action& a : o.actions()) out.push_back(a.name);
  return out;
}

// A delivered return walked to `received` (return_shipment stopped, inspection running).
service_case received_case(sys_seconds now = monday_10) {
  service_case c = open_delivered(12900, "normal", now);
  accept(c, ev("approve", "agent"), now);
  accept(c, ev("ship", "customer"), now);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Names

TEST(CaseNames, EnumsHaveTheirSpellings) {
  EXPECT_EQ(to_string(lifecycle_phase::waiting_on_customer), "waiting_on_customer");
  EXPECT_EQ(to_string(lifecycle_phase::reopened), "reopened");
  EXPECT_EQ(to_string(refusal::guard_failed), "guard_failed");
  EXPECT_EQ(to_string(refusal::bad_payload), "bad_payload");
  EXPECT_EQ(to_string(refusal::none), "none");
  EXPECT_EQ(to_string(case_clock::status::paused), "paused");
  EXPECT_EQ(to_string(history_entry::kind::timer), "timer");
  EXPECT_EQ(to_string(history_entry::kind::migrated), "migrated");
}

// ---------------------------------------------------------------------------------------------
// Opening

TEST(OpenCase, FromDecisionTakesFlowFactsClocksAndAmounts) {
  request r;
  r.set("order_status", "paid_unshipped").set("amount", std::int64_t{12900});
  const decision d = decide(test_policy(), r, monday_10 - minutes(5));
  const service_case c = open_case(d, monday_10);
  EXPECT_EQ(c.flow().id, "refund");
  EXPECT_EQ(c.state_id(), "submitted");
  EXPECT_EQ(c.phase(), lifecycle_phase::active);
  EXPECT_EQ(c.opened_at(), monday_10);
  EXPECT_EQ(c.entered_at(), monday_10);
  EXPECT_EQ(c.value("amount"), 12900);
  EXPECT_EQ(c.value("refund_amount"), 12900);  // the decision's amount of that name
  EXPECT_EQ(c.value("customer_tier"), 0);      // default `normal`
  // first_response: started by the decision (deadline kept), then restarted by the start state.
  const case_clock& k = clock_of(c, "first_response");
  EXPECT_EQ(k.state, case_clock::status::running);
  EXPECT_EQ(k.started, monday_10);
  EXPECT_EQ(k.due, monday_10 + hours(2));
  EXPECT_EQ(clock_of(c, "payout").state, case_clock::status::idle);
  ASSERT_EQ(c.history().size(), 1U);
  const history_entry& h = c.history()[0];
  EXPECT_EQ(h.what, history_entry::kind::opened);
  EXPECT_EQ(h.from, npos);
  EXPECT_EQ(h.to, c.flow().start);
  EXPECT_EQ(h.at, monday_10);
  ASSERT_EQ(h.assigned.size(), 1U);
  EXPECT_EQ(h.assigned[0].first, 0U);
  EXPECT_EQ(h.assigned[0].second, 12900);
}

TEST(OpenCase, DecisionClockNotInTheFlowKeepsItsDeadline) {
  request r;
  r.set("order_status", "delivered").set("amount", std::int64_t{12900});
  const decision d = decide(test_policy(), r, monday_10);
  const service_case c = open_case(d, monday_10 + minutes(1));
  const case_clock& review = clock_of(c, "review");  // started by rule `delivered` only
  EXPECT_EQ(review.state, case_clock::status::running);
  EXPECT_EQ(review.started, monday_10);
  EXPECT_EQ(review.due, d.deadlines().at(0).due);
  EXPECT_EQ(review.due, monday_10 + hours(72));
  // Slots are sorted by policy clock index and unique.
  for (std::size_t i = 1; i < c.clocks().size(); ++i) EXPECT_LT(c.clocks()[i - 1].clock, c.clocks()[i].clock);
  EXPECT_EQ(c.find_clock(clock_id("payout")), nullptr);  // the return flow never mentions it
}

TEST(OpenCase, DecidedEscalationAndRemarkCarryOver) {
  const service_case c = open_delivered(200000);
  EXPECT_EQ(c.flow().id, "return_refund");
  ASSERT_NE(c.escalation(), npos);
  EXPECT_EQ(test_policy()->vocabulary.roles[c.escalation()].id, "supervisor");
  EXPECT_EQ(c.phase(), lifecycle_phase::escalated);
  ASSERT_NE(c.remark_flag(), npos);
  EXPECT_EQ(test_policy()->vocabulary.flags[c.remark_flag()].id, "yellow");
  EXPECT_EQ(c.remark(), "big return");
}

// `_id()` is the text, `_index()` the index into the vocabulary, as on decision.
TEST(OpenCase, EscalationAndRemarkFlagAsIdAndIndex) {
  const service_case c = open_delivered(200000);
  EXPECT_EQ(c.escalation_id(), "supervisor");
  EXPECT_EQ(c.escalation_index(), c.escalation());
  EXPECT_EQ(entry_id(test_policy()->vocabulary.roles, c.escalation_index()), "supervisor");
  EXPECT_EQ(c.remark_flag_id(), "yellow");
  EXPECT_EQ(c.remark_flag_index(), c.remark_flag());
  EXPECT_EQ(entry_index(test_policy()->vocabulary.flags, "yellow"), c.remark_flag_index());
  EXPECT_EQ(entry_index(test_policy()->vocabulary.flags, "nope"), npos);
}

TEST(OpenCase, AutomaticChainOnEntry) {
  const service_case c = open_delivered(3000, "vip");
  EXPECT_EQ(c.state_id(), "approved");  // submitted → fast_lane → approved
  EXPECT_EQ(c.phase(), lifecycle_phase::waiting_on_customer);
  EXPECT_EQ(c.value("tries"), 1);
  ASSERT_EQ(c.history().size(), 3U);
  EXPECT_EQ(c.history()[1].what, history_entry::kind::automatic);
  EXPECT_EQ(c.history()[1].actor_role, npos);
  EXPECT_EQ(c.history()[1].to, state_of(c, "fast_lane"));
  EXPECT_EQ(c.history()[2].what, history_entry::kind::automatic);
  EXPECT_EQ(c.history()[2].to, state_of(c, "approved"));
  EXPECT_EQ(clock_of(c, "first_response").state, case_clock::status::stopped);
  EXPECT_EQ(clock_of(c, "return_shipment").due, monday_10 + hours(48));

  // A VIP above the fast-lane limit stops half-way.
  const service_case big = open_delivered(9000, "vip");
  EXPECT_EQ(big.state_id(), "fast_lane");
  EXPECT_EQ(big.history().size(), 2U);
}

TEST(OpenCase, ByFlowName) {
  const service_case c = open_flow("timers", 100);
  EXPECT_EQ(c.flow().id, "timers");
  EXPECT_EQ(c.state_id(), "wait");
  EXPECT_EQ(c.escalation(), npos);
  EXPECT_EQ(c.escalation_id(), "");
  EXPECT_TRUE(c.clocks().empty());
}

TEST(OpenCase, Errors) {
  request r;
  r.set("order_status", "delivered");
  EXPECT_THROW(open_case(test_policy(), "no_such_flow", bind(*test_policy(), r), monday_10), error);
  try {
    open_case(test_policy(), "nope", bind(*test_policy(), r), monday_10);
  } catch (const error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown flow `nope`"));
    EXPECT_THAT(e.what(), HasSubstr("`timers`"));
  }
  // Contract change: usage_error (E501, E500), was std::invalid_argument.
  try {
    open_case(test_policy(), "refund", bound_request{}, monday_10);
    ADD_FAILURE() << "no error";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::foreign_input);
  }
  try {
    open_case(nullptr, "refund", bound_request{}, monday_10);
    ADD_FAILURE() << "no error";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::no_policy);
  }
}

TEST(OpenCase, DecisionWithoutMatchOrFlowIsRefused) {
  // A policy whose only rule names no flow, and a request no rule matches.
  auto p = load_policy_string(R"(format: 1
policy: {id: t, version: "1", entry: t}
vocabulary: {solutions: [s]}
facts: {x: {type: int}}
decisions:
  t:
    rules:
      - {id: small, when: {x: {lt: 10}}, then: {solution: s}}
)");
  request small;
  small.set("x", 1);
  try {
    open_case(decide(p, small, monday_10), monday_10);
    ADD_FAILURE() << "no throw";
  } catch (const error& e) {
    EXPECT_THAT(e.what(), HasSubstr("rule `small` names no flow"));
  }
  request big;
  big.set("x", 100);
  EXPECT_THROW(open_case(decide(p, big, monday_10), monday_10), error);
}

// ---------------------------------------------------------------------------------------------
// Accepted events

TEST(Apply, EventFiresFirstAllowedTransition) {
  service_case c = open_delivered(12900);
  const outcome o = accept(c, ev("approve", "agent"), monday_10 + minutes(30));
  EXPECT_EQ(o.result(), outcome::status::accepted);
  EXPECT_EQ(o.reason(), refusal::none);
  EXPECT_EQ(o.from(), state_of(c, "submitted"));
  EXPECT_EQ(o.to(), state_of(c, "approved"));
  EXPECT_EQ(o.steps(), 1U);
  EXPECT_EQ(action_names(o), std::vector<std::string>{"notify_customer"});
  EXPECT_EQ(o.message(), "accepted: submitted → approved");
  EXPECT_EQ(c.state_id(), "approved");
  EXPECT_EQ(c.phase(), lifecycle_phase::waiting_on_customer);
  EXPECT_EQ(c.entered_at(), monday_10 + minutes(30));
  EXPECT_EQ(c.value("tries"), 0);
  ASSERT_EQ(c.history().size(), 2U);
  const history_entry& h = c.history()[1];
  EXPECT_EQ(h.what, history_entry::kind::event);
  EXPECT_EQ(test_policy()->vocabulary.roles[h.actor_role].id, "agent");
  EXPECT_EQ(h.from, state_of(c, "submitted"));
  EXPECT_EQ(h.to, state_of(c, "approved"));
  EXPECT_EQ(h.at, monday_10 + minutes(30));
  EXPECT_EQ(o.transition(), h.transition);
  ASSERT_EQ(h.assigned.size(), 1U);  // set tries = 0
  EXPECT_EQ(c.flow().variables[h.assigned[0].first].name, "tries");
  EXPECT_EQ(clock_of(c, "first_response").state, case_clock::status::stopped);
  EXPECT_EQ(clock_of(c, "return_shipment").state, case_clock::status::running);
  EXPECT_EQ(clock_of(c, "return_shipment").due, monday_10 + minutes(30) + hours(48));
}

// The plain view the CLI and the Python bindings show: ids resolved, nothing borrowed.
TEST(Apply, OutcomeViewResolvesNames) {
  EXPECT_EQ(to_string(outcome::status::duplicate), "duplicate");
  service_case c = open_delivered(12900);
  const outcome_view a = make_outcome_view(c, accept(c, ev("approve", "agent", {}, "evt-1"), monday_10));
  EXPECT_TRUE(a.accepted());
  EXPECT_EQ(a.result, "accepted");
  EXPECT_EQ(a.reason, "");
  EXPECT_EQ(a.message, "accepted: submitted → approved");
  EXPECT_EQ(a.from_state, "submitted");
  EXPECT_EQ(a.to_state, "approved");
  EXPECT_EQ(a.steps, 1U);
  ASSERT_EQ(a.actions.size(), 1U);
  EXPECT_EQ(a.actions[0].name, "notify_customer");

  const outcome_view r =
      make_outcome_view(c, refused(c, ev("frobnicate", "agent"), monday_10, refusal::unknown_event));
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.result, "refused");
  EXPECT_EQ(r.reason, "unknown_event");
  EXPECT_EQ(r.from_state + r.to_state, "");
  EXPECT_EQ(r.steps, 0U);
  EXPECT_TRUE(r.actions.empty());

  const outcome_view d = make_outcome_view(c, apply(c, ev("approve", "agent", {}, "evt-1"), monday_10));
  EXPECT_EQ(d.result, "duplicate");
  EXPECT_EQ(d.reason, "");
}

TEST(Apply, SecondCandidateForAnotherRole) {
  service_case c = open_delivered(90000);  // above the agents' limit
  refused(c, ev("approve", "agent"), monday_10, refusal::guard_failed);
  const outcome o = accept(c, ev("approve", "supervisor"), monday_10);
  EXPECT_TRUE(o.actions().empty());  // the second transition emits nothing
  EXPECT_EQ(c.state_id(), "approved");
  EXPECT_EQ(test_policy()->vocabulary.flags[c.remark_flag()].id, "red");
  EXPECT_EQ(c.remark(), "approved above the limit");
}

TEST(Apply, PayloadIsAssignedAndSeenByGuards) {
  service_case c = received_case();
  const sys_seconds t = monday_10 + hours(1);
  request payload;
  payload.set("inspection_ok", true).set("note", "box intact").set("extra", "2h");
  const outcome o = accept(c, ev("inspect", "specialist", payload), t);
  EXPECT_EQ(c.state_id(), "refunded");
  EXPECT_EQ(c.phase(), lifecycle_phase::resolved);
  EXPECT_EQ(c.value("inspection_ok"), 1);
  EXPECT_EQ(c.value("note"), string_other);  // text no condition mentions
  EXPECT_EQ(c.value("extra"), 7200);
  EXPECT_EQ(c.value("refund_amount"), 12900);  // record: amount × 1/1
  ASSERT_EQ(o.actions().size(), 1U);
  EXPECT_EQ(o.actions()[0].name, "extend_receipt_deadline");
  EXPECT_EQ(o.actions()[0].args, (std::vector<std::pair<std::string, std::string>>{{"by", "10d"}}));
  EXPECT_EQ(clock_of(c, "inspection").state, case_clock::status::stopped);
  const history_entry& h = c.history().back();
  EXPECT_EQ(h.assigned.size(), 4U);  // three payload values, then the record
  EXPECT_EQ(c.flow().variables[h.assigned.back().first].name, "refund_amount");
}

TEST(Apply, GuardOnEnumVariableChoosesTheOtherCandidate) {
  service_case c = received_case();
  request payload;
  payload.set("condition", "damaged");
  accept(c, ev("inspect", "agent", payload), monday_10);
  EXPECT_EQ(c.state_id(), "rejected");
  EXPECT_FALSE(c.value("refund_amount").has_value());
}

TEST(Apply, AnyRoleWhenTransitionListsNone) {
  service_case c = received_case();
  request payload;
  payload.set("note", "customer called").set("tries", std::int64_t{7});
  accept(c, ev("comment", "platform", payload), monday_10);  // first candidate: any role
  EXPECT_EQ(c.state_id(), "on_hold");
  request few;
  few.set("note", "again").set("tries", std::int64_t{1});
  refused(c, ev("comment", "customer", few), monday_10, refusal::guard_failed);
  accept(c, ev("comment", "warehouse", few), monday_10);  // second candidate: warehouse only
  EXPECT_EQ(c.state_id(), "inspecting");
}

TEST(Apply, ResolvedEventIsTheSameAsNamedEvent) {
  service_case a = open_delivered(12900);
  service_case b = a;
  const std::optional<resolved_event> e = resolve_event(b, "approve", "agent");
  ASSERT_TRUE(e);
  const outcome oa = apply(a, ev("approve", "agent", {}, "m-1"), monday_10);
  const outcome ob = apply(b, *e, monday_10, "m-1");
  EXPECT_TRUE(oa.accepted());
  EXPECT_TRUE(ob.accepted());
  EXPECT_TRUE(a == b);
  EXPECT_EQ(action_names(oa), action_names(ob));

  EXPECT_FALSE(resolve_event(a, "approve", "nobody"));
  EXPECT_FALSE(resolve_event(a, "frobnicate", "agent"));
  const std::optional<resolved_event> close = resolve_event(a, "close", "agent");
  ASSERT_TRUE(close);
  EXPECT_EQ(close->event, resolved_event::close);
  EXPECT_EQ(resolve_event(a, "reopen", "agent")->event, resolved_event::reopen);
}

TEST(Apply, ResolvedEventWithIndexesOutOfRangeIsRefused) {
  service_case c = open_delivered(12900);
  const service_case before = c;
  resolved_event bad_role{0, 999};
  EXPECT_EQ(apply(c, bad_role, monday_10).reason(), refusal::unknown_role);
  resolved_event bad_event{999, 0};
  EXPECT_EQ(apply(c, bad_event, monday_10).reason(), refusal::unknown_event);
  EXPECT_TRUE(c == before);
}

TEST(Apply, EmptyCaseIsAnError) {
  service_case empty;
  // Contract change: usage_error (E500), was std::invalid_argument; every entry point that
  // needs an opened case says so the same way.
  EXPECT_THROW(apply(empty, ev("approve", "agent"), monday_10), usage_error);
  EXPECT_THROW(apply(empty, resolved_event{0, 0}, monday_10), usage_error);
  EXPECT_THROW(resolve_event(empty, "approve", "agent"), usage_error);
  try {
    apply(empty, ev("approve", "agent"), monday_10);
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::no_policy);
    EXPECT_THAT(e.what(), HasSubstr("error[E500]: the case is empty"));
  }
  EXPECT_FALSE(next_deadline(empty));
}

// ---------------------------------------------------------------------------------------------
// Refusals: reason, message, and the case untouched

TEST(Refusal, UnknownEventName) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("frobnicate", "agent"), monday_10, refusal::unknown_event);
  EXPECT_EQ(o.message(), "refused `frobnicate` in state `submitted`: flow `return_refund` has no such event");
}

TEST(Refusal, UnknownEventSuggestsTheNearestEvents) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("aprove", "agent"), monday_10, refusal::unknown_event);
  EXPECT_EQ(o.message(),
            "refused `aprove` in state `submitted`: flow `return_refund` has no such event; did you mean "
            "`approve`?");
  const outcome closing = refused(c, ev("clsoe", "agent"), monday_10, refusal::unknown_event);
  EXPECT_EQ(closing.message(),
            "refused `clsoe` in state `submitted`: flow `return_refund` has no such event; did you mean "
            "`close`?");
}

TEST(Refusal, EventWithoutTransitionFromThisState) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("ship", "customer"), monday_10, refusal::unknown_event);
  EXPECT_EQ(o.message(), "refused `ship` in state `submitted`: no transition on it from this state");
}

TEST(Refusal, UnknownRole) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("approve", "intern"), monday_10, refusal::unknown_role);
  EXPECT_EQ(o.message(),
            "refused `approve` in state `submitted`: role `intern` is not declared in the vocabulary");
}

TEST(Refusal, UnknownRoleSuggestsTheNearestRoles) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("approve", "agnet"), monday_10, refusal::unknown_role);
  EXPECT_EQ(o.message(),
            "refused `approve` in state `submitted`: role `agnet` is not declared in the vocabulary; did you "
            "mean `agent`?");
}

TEST(OpenCase, UnknownFlowSuggestsTheNearestFlows) {
  request r;
  r.set("order_status", "delivered");
  try {
    open_case(test_policy(), "return_refnd", bind(*test_policy(), r), monday_10);
    FAIL() << "opened";
  } catch (const error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.substr(what.find(';')), "; did you mean `return_refund`?");
  }
}

TEST(Refusal, RoleNotAllowed) {
  service_case c = open_delivered(12900);
  const outcome o = refused(c, ev("reject", "customer"), monday_10, refusal::role_not_allowed);
  EXPECT_EQ(o.message(),
            "refused `reject` in state `submitted`: role `customer` may not send it here (allowed: `agent`, "
            "`supervisor`)");
}

TEST(Refusal, GuardFailedNamesConditionAndValue) {
  service_case c = open_delivered(60000);
  const outcome o = refused(c, ev("approve", "agent"), monday_10, refusal::guard_failed);
  EXPECT_EQ(c.flow().transitions[o.transition()].event, 0U);  // `approve` is the flow's first event
  EXPECT_EQ(o.failed_condition(), 0U);
  EXPECT_TRUE(o.value_present());
  EXPECT_EQ(o.value(), 60000);
  EXPECT_THAT(o.message(),
              HasSubstr("refused `approve` in state `submitted`: guard false: `amount` is `600.00`, "
                        "expected le `50000`"));
  EXPECT_THAT(o.message(), HasSubstr("runtime_flows.yaml:"));  // where the condition is written
}

TEST(Refusal, GuardFailedOnAbsentVariable) {
  service_case c = received_case();
  const outcome o = refused(c, ev("inspect", "agent"), monday_10, refusal::guard_failed);
  EXPECT_FALSE(o.value_present());
  EXPECT_THAT(o.message(), HasSubstr("`inspection_ok` is absent, expected eq `true`"));
}

TEST(Refusal, BadPayload) {
  service_case c = received_case();
  request unknown;
  unknown.set("colour", "red");
  EXPECT_THAT(refused(c, ev("inspect", "agent", unknown), monday_10, refusal::bad_payload).message(),
              HasSubstr("bad payload: flow `return_refund` has no variable `colour`"));
  request fact;
  fact.set("amount", std::int64_t{1});
  EXPECT_THAT(refused(c, ev("inspect", "agent", fact), monday_10, refusal::bad_payload).message(),
              HasSubstr("`amount` is a fact of the request, not a variable"));
  request wrong_type;
  wrong_type.set("inspection_ok", "yes");
  EXPECT_THAT(refused(c, ev("inspect", "agent", wrong_type), monday_10, refusal::bad_payload).message(),
              HasSubstr("variable `inspection_ok` is bool"));
  request undeclared;
  undeclared.set("condition", "scratched");
  EXPECT_THAT(refused(c, ev("inspect", "agent", undeclared), monday_10, refusal::bad_payload).message(),
              HasSubstr("not a declared value of variable `condition`"));
  request negative;
  negative.set("refund_amount", std::int64_t{-12900});
  EXPECT_THAT(refused(c, ev("inspect", "agent", negative), monday_10, refusal::bad_payload).message(),
              HasSubstr("variable `refund_amount` is money and cannot be negative: was given -12900"));
}

TEST(Refusal, Precedence) {
  service_case c = open_delivered(12900);
  // unknown role before unknown event; unknown event before bad payload; bad payload before roles.
  refused(c, ev("frobnicate", "intern"), monday_10, refusal::unknown_role);
  request bad;
  bad.set("colour", "red");
  refused(c, ev("frobnicate", "agent", bad), monday_10, refusal::unknown_event);
  refused(c, ev("reject", "customer", bad), monday_10, refusal::bad_payload);
  refused(c, ev("close", "customer"), monday_10, refusal::wrong_phase);  // before role_not_allowed
}

TEST(Refusal, ResolvedCaseTakesNoFlowEvent) {
  service_case c = received_case();
  request ok;
  ok.set("inspection_ok", true);
  accept(c, ev("inspect", "agent", ok), monday_10);
  ASSERT_EQ(c.phase(), lifecycle_phase::resolved);
  refused(c, ev("inspect", "agent", ok), monday_10, refusal::unknown_event);
  refused(c, ev("approve", "agent"), monday_10, refusal::unknown_event);
}

// ---------------------------------------------------------------------------------------------
// Close and reopen

TEST(Lifecycle, CloseOnlyWhenResolvedAndByCloseRoles) {
  service_case c = received_case();
  EXPECT_EQ(refused(c, ev("close", "agent"), monday_10, refusal::wrong_phase).message(),
            "refused `close` in state `received`: the case is active, `close` needs it resolved");
  request ok;
  ok.set("inspection_ok", true);
  accept(c, ev("inspect", "agent", ok), monday_10);
  EXPECT_EQ(refused(c, ev("close", "customer"), monday_10, refusal::role_not_allowed).message(),
            "refused `close` in state `refunded`: role `customer` may not send it here (allowed: `agent`, "
            "`supervisor`, `system`)");
  const outcome o = accept(c, ev("close", "system"), monday_10 + hours(1));
  EXPECT_EQ(o.message(), "accepted: refunded → refunded (close)");
  EXPECT_EQ(c.phase(), lifecycle_phase::closed);
  EXPECT_EQ(c.state_id(), "refunded");
  EXPECT_EQ(c.history().back().what, history_entry::kind::close);
  EXPECT_EQ(c.history().back().from, c.history().back().to);

  // Closed: only `reopen`.
  EXPECT_EQ(refused(c, ev("inspect", "agent", ok), monday_10, refusal::case_closed).message(),
            "refused `inspect` in state `refunded`: the case is closed (only `reopen` is accepted)");
  refused(c, ev("close", "agent"), monday_10, refusal::case_closed);
  refused(c, ev("frobnicate", "agent"), monday_10, refusal::case_closed);
  refused(c, ev("approve", "intern"), monday_10, refusal::unknown_role);  // the role check comes first
  EXPECT_FALSE(next_deadline(c));
}

TEST(Lifecycle, ReopenReentersTheFlow) {
  service_case c = received_case();
  request ok;
  ok.set("inspection_ok", true);
  accept(c, ev("inspect", "agent", ok), monday_10);
  accept(c, ev("close", "agent"), monday_10);
  refused(c, ev("reopen", "warehouse"), monday_10, refusal::role_not_allowed);
  const sys_seconds t = monday_10 + hours(2);
  const outcome o = accept(c, ev("reopen", "customer"), t);
  EXPECT_EQ(o.from(), state_of(c, "refunded"));
  EXPECT_EQ(o.to(), state_of(c, "received"));
  EXPECT_EQ(o.message(), "accepted: refunded → received (reopen)");
  EXPECT_EQ(c.state_id(), "received");
  EXPECT_EQ(c.phase(), lifecycle_phase::active);
  EXPECT_EQ(c.entered_at(), t);
  EXPECT_EQ(c.history().back().what, history_entry::kind::reopen);
  EXPECT_EQ(clock_of(c, "inspection").state, case_clock::status::running);  // on_entry of `received`
  EXPECT_EQ(clock_of(c, "inspection").started, t);
  // Back in the flow: events work again.
  accept(c, ev("hold", "agent"), t);
  EXPECT_EQ(c.phase(), lifecycle_phase::waiting_on_customer);
  refused(c, ev("reopen", "customer"), t, refusal::wrong_phase);  // not resolved nor closed
}

TEST(Lifecycle, ReopenFromResolvedWithoutClose) {
  service_case c = received_case();
  request damaged;
  damaged.set("condition", "damaged");
  accept(c, ev("inspect", "agent", damaged), monday_10);
  ASSERT_EQ(c.state_id(), "rejected");
  accept(c, ev("reopen", "supervisor"), monday_10);
  EXPECT_EQ(c.state_id(), "received");
}

TEST(Lifecycle, FlowWithoutReopenRefusesIt) {
  request r;
  r.set("order_status", "paid_unshipped").set("amount", std::int64_t{1000});
  service_case c = open_case(decide(test_policy(), r, monday_10), monday_10);
  accept(c, ev("refund", "agent"), monday_10);
  accept(c, ev("paid", "agent"), monday_10);
  ASSERT_EQ(c.phase(), lifecycle_phase::resolved);
  EXPECT_EQ(refused(c, ev("reopen", "customer"), monday_10, refusal::wrong_phase).message(),
            "refused `reopen` in state `refunded`: flow `refund` does not allow `reopen`");
  accept(c, ev("close", "customer"), monday_10);  // no close_roles: any role
}

// ---------------------------------------------------------------------------------------------
// Idempotency

TEST(Idempotency, DuplicateIdChangesNothing) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent", {}, "msg-2"), monday_10);
  const service_case before = c;
  const outcome dup = apply(c, ev("approve", "agent", {}, "msg-2"), monday_10 + hours(1));
  EXPECT_EQ(dup.result(), outcome::status::duplicate);
  EXPECT_FALSE(dup.accepted());
  EXPECT_EQ(dup.message(), "duplicate: event id `msg-2` was already applied, nothing changed");
  EXPECT_TRUE(c == before);
  // Duplicate wins over any refusal: a redelivery of an event that moved the case on.
  EXPECT_EQ(apply(c, ev("approve", "agent", {}, "msg-2"), monday_10 - hours(1)).result(),
            outcome::status::duplicate);
  accept(c, ev("ship", "customer", {}, "msg-1"), monday_10);
  EXPECT_EQ(c.applied_event_ids(), (std::vector<std::string>{"msg-1", "msg-2"}));  // sorted
  EXPECT_EQ(c.history().back().event_id, "msg-1");
  // A refused event's id is not recorded: it may be retried.
  refused(c, ev("approve", "agent", {}, "msg-3"), monday_10, refusal::unknown_event);
  EXPECT_EQ(c.applied_event_ids().size(), 2U);
  // The fast path deduplicates too.
  const resolved_event hold = *resolve_event(c, "hold", "agent");
  EXPECT_TRUE(apply(c, hold, monday_10, "msg-9").accepted());
  EXPECT_EQ(apply(c, hold, monday_10, "msg-9").result(), outcome::status::duplicate);
}

TEST(Idempotency, AnIdReusedForAnotherEventIsAConflictNotADuplicate) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent", {}, "msg-2"), monday_10);
  request note;
  note.set("note", "parcel dented");
  accept(c, ev("ship", "customer", note, "msg-3"), monday_10 + hours(1));
  const service_case before = c;
  // Another event, another role, another payload (or none), another spelling of a value: each a conflict.
  request other_note;
  other_note.set("note", "parcel fine");
  const event reuses[] = {
      ev("reject", "agent", {}, "msg-2"),          ev("approve", "supervisor", {}, "msg-2"),
      ev("approve", "agent", note, "msg-2"),       ev("ship", "customer", {}, "msg-3"),
      ev("ship", "customer", other_note, "msg-3"), ev("ship", "agent", note, "msg-3")};
  for (const event& e : reuses) {
    const outcome o = apply(c, e, monday_10 + hours(2));
    EXPECT_EQ(o.result(), outcome::status::conflict) << e.name << " " << e.actor_role;
    EXPECT_EQ(to_string(o.result()), "conflict");
    EXPECT_FALSE(o.accepted());
    EXPECT_EQ(o.reason(), refusal::none);
    EXPECT_TRUE(c == before);
  }
  EXPECT_EQ(apply(c, ev("approve", "supervisor", {}, "msg-2"), monday_10).message(),
            "conflict: event id `msg-2` was already applied to another event (name, role or payload differ), "
            "nothing changed");
  EXPECT_EQ(make_outcome_view(c, apply(c, ev("reject", "agent", {}, "msg-2"), monday_10)).result, "conflict");
  // The same event again (payload included) stays a duplicate, whenever it comes.
  EXPECT_EQ(apply(c, ev("ship", "customer", note, "msg-3"), monday_10).result(), outcome::status::duplicate);
  EXPECT_EQ(apply(c, ev("approve", "agent", {}, "msg-2"), monday_10 + hours(9)).result(),
            outcome::status::duplicate);
  // Both forms of apply agree: a resolved event is the named one without payload.
  const resolved_event approve = *resolve_event(c, "approve", "agent");
  const resolved_event reject = *resolve_event(c, "reject", "agent");
  EXPECT_EQ(apply(c, approve, monday_10, "msg-2").result(), outcome::status::duplicate);
  EXPECT_EQ(apply(c, reject, monday_10, "msg-2").result(), outcome::status::conflict);
  EXPECT_TRUE(c == before);
  // The digest survives a snapshot: a restored case tells them apart the same way.
  service_case back = from_json(c.policy_ptr(), to_json(c));
  EXPECT_EQ(apply(back, ev("ship", "customer", note, "msg-3"), monday_10).result(),
            outcome::status::duplicate);
  EXPECT_EQ(apply(back, ev("ship", "customer", {}, "msg-3"), monday_10).result(), outcome::status::conflict);
}

TEST(Idempotency, AnEventEarlierThanTheLastChangeIsRefusedSoHistoryStaysInOrder) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent"), monday_10 + hours(2));
  const outcome o =
      refused(c, ev("ship", "customer", {}, "late"), monday_10 + hours(1), refusal::time_went_back);
  EXPECT_EQ(to_string(o.reason()), "time_went_back");
  EXPECT_NE(o.message().find("its time is earlier than the case's last change"), std::string::npos)
      << o.message();
  EXPECT_TRUE(c.applied_event_ids().empty());  // not recorded: it may be sent again with its right time
  // Other refusals keep their precedence; the same time as the last change is fine.
  refused(c, ev("approve", "agent"), monday_10, refusal::unknown_event);
  accept(c, ev("ship", "customer", {}, "late"), monday_10 + hours(2));
  // advance() never goes back: timers fire at their own due time, after the state was entered.
  EXPECT_TRUE(advance(c, monday_10).empty());
}

TEST(Idempotency, AnIdThatIsNotUtf8IsRefusedSoTheCaseStaysSavable) {
  service_case c = open_delivered(12900);
  const service_case before = c;
  const outcome o =
      refused(c, ev("approve", "agent", {}, std::string("msg-\xff")), monday_10, refusal::bad_payload);
  EXPECT_EQ(o.message(), "refused `approve` in state `" + std::string(before.state_id()) +
                             "`: bad payload: the event id is not valid UTF-8");
  EXPECT_TRUE(c == before);
  const resolved_event approve = *resolve_event(c, "approve", "agent");
  EXPECT_EQ(apply(c, approve, monday_10, "\xc3\x28").reason(),
            refusal::bad_payload);  // broken 2-byte sequence
  EXPECT_TRUE(c == before);
  // It is a payload problem: the refusals checked before payloads keep their precedence.
  refused(c, ev("approve", "intern", {}, std::string("msg-\xff")), monday_10, refusal::unknown_role);
  refused(c, ev("frobnicate", "agent", {}, std::string("msg-\xff")), monday_10, refusal::unknown_event);
  accept(c, ev("approve", "agent", {}, "消息-7"), monday_10);  // any well-formed UTF-8 is fine
  EXPECT_EQ(to_json(from_json(c.policy_ptr(), to_json(c))), to_json(c));
}

// A duration timer in a policy without any calendar counts plain UTC time, and saturates at the
// end of time instead of overflowing (a restored snapshot may carry any instant).
TEST(Timers, WithoutACalendarSaturateAtTheEndOfTime) {
  constexpr const char* text = R"(format: 1
policy: {id: no_calendar, version: "1", entry: main}
vocabulary: {solutions: [refund], roles: [agent]}
facts: {amount: {type: money}}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: f}}
flows:
  f:
    start: waiting
    states:
      waiting: {agent: waiting}
      done: {agent: done, terminal: true}
    transitions:
      - {from: waiting, after: {hours: 2}, to: done}
)";
  const auto p = load_policy_string(text, "no_calendar.yaml");
  const sys_seconds normal{std::chrono::seconds{1'800'000'000}};
  service_case c = open_case(p, "f", bind(*p, request{}), normal);
  EXPECT_EQ(next_deadline(c), normal + hours(2));
  const sys_seconds late = sys_seconds::max() - std::chrono::seconds(60);
  service_case l = open_case(p, "f", bind(*p, request{}), late);
  // Saturated at the end of time means never, as for a calendar with no working time left.
  EXPECT_EQ(next_deadline(l), std::nullopt);
  EXPECT_TRUE(advance(l, sys_seconds::max()).empty());
  EXPECT_EQ(l.state_id(), "waiting");
}

// ---------------------------------------------------------------------------------------------
// Clocks on the business calendar

TEST(Clocks, PauseAndResumeAcrossAWeekend) {
  const sys_seconds friday_17 = at("2026-11-27T17:00:00+08:00");
  service_case c = received_case(friday_17);
  // 8 working hours from Friday 17:00: 1 h on Friday, 3 h + 4 h on Monday → Monday 17:00.
  EXPECT_EQ(clock_of(c, "inspection").due, at("2026-11-30T17:00:00+08:00"));
  accept(c, ev("hold", "agent"), at("2026-11-27T17:30:00+08:00"));
  const case_clock& paused = clock_of(c, "inspection");
  EXPECT_EQ(paused.state, case_clock::status::paused);
  EXPECT_EQ(paused.remaining, minutes(450));  // 7.5 working hours left
  EXPECT_EQ(c.phase(), lifecycle_phase::waiting_on_customer);
  EXPECT_FALSE(next_deadline(c));  // nothing pending while the clock is paused
  // Resumed Monday 10:00: 2 h before lunch, 5 h after, 30 min on Tuesday.
  accept(c, ev("resume", "customer"), at("2026-11-30T10:00:00+08:00"));
  const case_clock& running = clock_of(c, "inspection");
  EXPECT_EQ(running.state, case_clock::status::running);
  EXPECT_EQ(running.due, at("2026-12-01T09:30:00+08:00"));
  EXPECT_EQ(running.started, friday_17);  // resuming is not restarting
  EXPECT_EQ(running.remaining.count(), 0);
}

TEST(Clocks, PauseDuringWorkResumeDuringLunch) {
  service_case c = received_case(monday_10);  // due Monday 10:00 + 8 working h = Tuesday 10:00
  EXPECT_EQ(clock_of(c, "inspection").due, at("2026-11-24T10:00:00+08:00"));
  accept(c, ev("hold", "agent"), at("2026-11-23T11:30:00+08:00"));  // 1.5 h used
  EXPECT_EQ(clock_of(c, "inspection").remaining, minutes(390));
  accept(c, ev("resume", "agent"), at("2026-11-23T12:30:00+08:00"));          // lunch: counts from 13:00
  EXPECT_EQ(clock_of(c, "inspection").due, at("2026-11-24T10:30:00+08:00"));  // 5 h Mon + 1.5 h Tue
}

// A business clock on a calendar without working hours never falls due (never_due), and
// pausing and resuming it, at any time and across a snapshot taken while paused, keeps it so:
// its time left is not a number of seconds (found by tests/differential).
TEST(Clocks, NeverDueClockStaysNeverDueAcrossPauseAndResume) {
  constexpr const char* text = R"(format: 1
policy: {id: never_clock, version: "1", entry: t, calendar: c}
vocabulary: {solutions: [s], roles: [agent]}
facts: {x: {type: int}}
calendars:
  c: {time_zone: Asia/Shanghai, hours: {}}
clocks:
  k: {within: {business_hours: 1}}
  e: {within: {hours: 1}, calendar: c}
decisions:
  t: {rules: [{id: r, when: {}, then: {solution: s, flow: f}}]}
flows:
  f:
    start: open
    states:
      open: {on_entry: {start: [k, e]}}
      waiting: {phase: waiting_on_customer, on_entry: {pause: [k, e]}}
      back: {on_entry: {resume: [k, e]}}
      done: {terminal: true}
    transitions:
      - {from: open, event: wait, to: waiting}
      - {from: waiting, event: back, to: back}
      - {from: back, event: wait, to: waiting}
      - {from: back, after: {clock: k}, to: done}
)";
  const auto p = load_policy_string(text, "never_clock.yaml");
  service_case c = open_case(p, "f", bind(*p, request{}), monday_10);
  const std::uint32_t k = *p->find_clock("k");
  const std::uint32_t e = *p->find_clock("e");
  EXPECT_EQ(c.find_clock(k)->due, never_due);
  EXPECT_EQ(c.find_clock(e)->due, monday_10 + hours(1));  // an elapsed clock still falls due
  sys_seconds now = monday_10;
  for (int round = 0; round < 3; ++round) {
    now += hours(5);  // the elapsed clock is overdue by now: paused with nothing left
    accept(c, ev("wait", "agent"), now);
    EXPECT_EQ(c.find_clock(k)->state, case_clock::status::paused);
    // The snapshot of the paused case says `never` and restores the same case.
    const std::string snap = to_json(c);
    EXPECT_THAT(
        snap, HasSubstr(R"({"clock":"k","status":"paused","started":"2026-11-23T02:00:00Z","due":"never"})"));
    service_case restored = from_json(p, snap);
    EXPECT_TRUE(restored == c);
    now += hours(30);
    accept(restored, ev("back", "agent"), now);
    EXPECT_EQ(restored.find_clock(k)->state, case_clock::status::running);
    EXPECT_EQ(restored.find_clock(k)->due, never_due);
    EXPECT_EQ(restored.find_clock(e)->due, now);       // resumed with nothing left: due at once
    EXPECT_EQ(next_deadline(restored), std::nullopt);  // the timer on `k` never fires
    EXPECT_TRUE(advance(restored, now + hours(24 * 365)).empty());
    EXPECT_EQ(restored.state_id(), "back");
    c = restored;
  }
  // A snapshot from before `never` was written (never_due as integer seconds) still restores.
  std::string old = to_json(c);
  const std::string never_text = R"("due":"never")";
  const std::size_t at_never = old.find(never_text);
  ASSERT_NE(at_never, std::string::npos);
  old.replace(at_never, never_text.size(), R"("due":9223372036854775807)");
  old.erase(old.find(R"(,"integrity":")"), 31);  // the edit breaks the hash; it may be left out
  EXPECT_EQ(old.back(), '}');
  EXPECT_TRUE(from_json(p, old) == c);
}

TEST(Clocks, BusinessDaysClockPausesInWorkingTime) {
  request r;
  r.set("order_status", "paid_unshipped").set("amount", std::int64_t{1001});
  service_case c = open_case(decide(test_policy(), r, monday_10), monday_10);
  accept(c, ev("refund", "system"), monday_10);
  // payout: 1 business day → the close of Tuesday.
  EXPECT_EQ(clock_of(c, "payout").due, at("2026-11-24T18:00:00+08:00"));
  accept(c, ev("ask_bank", "agent"), at("2026-11-24T17:00:00+08:00"));
  EXPECT_EQ(clock_of(c, "payout").remaining, hours(1));
  accept(c, ev("bank_given", "customer"), at("2026-11-28T10:00:00+08:00"));  // Saturday
  EXPECT_EQ(clock_of(c, "payout").due, at("2026-11-30T10:00:00+08:00"));     // Monday 09:00 + 1 h
  const outcome o = accept(c, ev("paid", "agent"), at("2026-11-30T09:30:00+08:00"));
  EXPECT_EQ(c.value("refund_amount"), 500);  // 1001 × 1/2 rounded down
  EXPECT_EQ(clock_of(c, "payout").state, case_clock::status::stopped);
  EXPECT_EQ(o.to(), state_of(c, "refunded"));
}

TEST(Clocks, OverdueClockStaysRunningUntilStopped) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent"), monday_10);
  const sys_seconds due = monday_10 + hours(48);
  // Without advance the clock is simply overdue; the timer is pending at its deadline.
  EXPECT_EQ(clock_of(c, "return_shipment").state, case_clock::status::running);
  EXPECT_EQ(next_deadline(c), due);
  // An event sent after the deadline meets the timer first (it moved the case on, where `ship`
  // has no transition): refused, and the case is unchanged, its timer still due.
  const service_case before = c;
  const outcome late = apply(c, ev("ship", "customer"), due + hours(5));
  EXPECT_EQ(late.reason(), refusal::unknown_event) << late.message();
  EXPECT_EQ(c, before);
  EXPECT_EQ(clock_of(c, "return_shipment").state, case_clock::status::running);  // overdue
  accept(c, ev("ship", "customer"), due - std::chrono::seconds(1));  // a second early: the event first
  EXPECT_EQ(clock_of(c, "return_shipment").state, case_clock::status::stopped);
  EXPECT_EQ(clock_of(c, "return_shipment").due, due);  // kept: when it was due
}

// ---------------------------------------------------------------------------------------------
// Timers and escalation

TEST(Timers, ClockTimerThenBusinessDurationTimerClimbTheLadder) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent"), monday_10);
  const sys_seconds due = monday_10 + hours(48);  // Wednesday 10:00
  EXPECT_TRUE(advance(c, due - std::chrono::seconds(1)).empty());
  const std::vector<outcome> fired = advance(c, due);
  ASSERT_EQ(fired.size(), 1U);
  EXPECT_EQ(fired[0].message(), "accepted: approved → follow_up (timer)");
  EXPECT_EQ(action_names(fired[0]), std::vector<std::string>{"phone_follow_up"});
  EXPECT_EQ(c.state_id(), "follow_up");
  EXPECT_EQ(c.entered_at(), due);
  EXPECT_EQ(c.history().back().what, history_entry::kind::timer);
  EXPECT_EQ(c.history().back().at, due);
  EXPECT_EQ(c.history().back().actor_role, npos);
  EXPECT_EQ(test_policy()->vocabulary.roles[c.escalation()].id, "agent");  // next: lowest rung first
  EXPECT_EQ(c.phase(), lifecycle_phase::escalated);
  // follow_up: 4 working hours from Wednesday 10:00 → 15:00 (lunch excluded).
  EXPECT_EQ(next_deadline(c), at("2026-11-25T15:00:00+08:00"));
  const std::vector<outcome> second = advance(c, at("2026-11-26T00:00:00+08:00"));
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(c.state_id(), "escalated_review");
  EXPECT_EQ(test_policy()->vocabulary.roles[c.escalation()].id, "supervisor");
  EXPECT_EQ(test_policy()->vocabulary.flags[c.remark_flag()].id, "blue");
  EXPECT_EQ(c.remark(), "no return after follow-up");
  EXPECT_FALSE(next_deadline(c));
  // Escalated stays escalated until resolved.
  request ok;
  ok.set("inspection_ok", true);
  accept(c, ev("inspect", "supervisor", ok), at("2026-11-26T09:00:00+08:00"));
  EXPECT_EQ(c.phase(), lifecycle_phase::resolved);
}

TEST(Timers, EscalateNextClimbsAndStopsAtTheTop) {
  request r;
  r.set("order_status", "paid_unshipped").set("amount", std::int64_t{100});
  service_case c = open_case(decide(test_policy(), r, monday_10), monday_10);
  // refund/submitted re-enters itself every 4 working hours, escalating one rung each time.
  EXPECT_EQ(next_deadline(c), at("2026-11-23T15:00:00+08:00"));
  const std::vector<outcome> fired = advance(c, at("2026-11-25T18:00:00+08:00"));
  // Mon 15:00, Tue 10:00, Tue 15:00, Wed 10:00, Wed 15:00.
  ASSERT_EQ(fired.size(), 5U);
  EXPECT_EQ(c.history()[2].at, at("2026-11-24T10:00:00+08:00"));
  EXPECT_EQ(test_policy()->vocabulary.roles[c.escalation()].id, "platform");
  EXPECT_EQ(c.entered_at(), at("2026-11-25T15:00:00+08:00"));
  EXPECT_EQ(next_deadline(c), at("2026-11-26T10:00:00+08:00"));
}

TEST(Timers, TiesGoToTransitionOrderAndChainsFireAtTheirOwnTimes) {
  service_case c = open_flow("timers", 0);
  // wait: {hours: 2} → c, {minutes: 60} → b, {hours: 1} → a: b and a tie at +1 h, b is first.
  EXPECT_EQ(next_deadline(c), monday_10 + hours(1));
  const std::vector<outcome> fired = advance(c, monday_10 + hours(24));
  ASSERT_EQ(fired.size(), 3U);
  EXPECT_EQ(fired[0].to(), state_of(c, "b"));
  EXPECT_EQ(fired[1].to(), state_of(c, "c"));
  EXPECT_EQ(action_names(fired[1]), std::vector<std::string>{"reminded"});
  EXPECT_EQ(fired[2].to(), state_of(c, "done"));
  EXPECT_EQ(c.history()[1].at, monday_10 + hours(1));
  EXPECT_EQ(c.history()[2].at, monday_10 + hours(2));
  // c: 2 working hours from 12:00 (lunch) → 13:00 + 2 h = 15:00.
  EXPECT_EQ(c.history()[3].at, at("2026-11-23T15:00:00+08:00"));
  EXPECT_EQ(c.phase(), lifecycle_phase::resolved);
  EXPECT_FALSE(next_deadline(c));
  EXPECT_TRUE(advance(c, monday_10 + hours(1000)).empty());
}

TEST(Timers, FiringAllAtOnceEqualsFiringOneByOneOnTime) {
  service_case late = open_delivered(12900);
  accept(late, ev("approve", "agent"), monday_10);
  service_case on_time = late;
  const sys_seconds end = at("2026-12-05T00:00:00+08:00");
  const std::vector<outcome> all = advance(late, end);
  std::size_t fired = 0;
  while (const std::optional<sys_seconds> due = next_deadline(on_time)) {
    if (*due > end) break;
    fired += advance(on_time, *due).size();
  }
  EXPECT_EQ(all.size(), 2U);
  EXPECT_EQ(fired, all.size());
  EXPECT_TRUE(late == on_time);

  service_case t1 = open_flow("timers", 0);
  service_case t2 = t1;
  advance(t1, monday_10 + hours(100));
  for (int minute = 0; minute <= 100 * 60; minute += 7) advance(t2, monday_10 + minutes(minute));
  advance(t2, monday_10 + hours(100));
  EXPECT_TRUE(t1 == t2);
}

TEST(Timers, EventRestartsDurationTimer) {
  service_case c = open_flow("timers", 0);
  advance(c, monday_10 + hours(1));
  ASSERT_EQ(c.state_id(), "b");
  accept(c, ev("poke", "agent"), monday_10 + minutes(90));  // self-loop: entered again
  EXPECT_EQ(next_deadline(c), monday_10 + minutes(150));
}

// ---------------------------------------------------------------------------------------------
// Values, clocks lookup, describe

TEST(Values, ByName) {
  service_case c = open_delivered(12900);
  EXPECT_EQ(c.value("amount"), 12900);
  EXPECT_EQ(c.value("order_status"), 1);
  EXPECT_FALSE(c.value("refund_amount").has_value());
  EXPECT_EQ(c.value("tries"), 0);  // variable default
  EXPECT_THROW(c.value("colour"), error);
  EXPECT_EQ(c.value_count(), test_policy()->facts.size() + c.flow().variables.size());
  const std::size_t tries = test_policy()->facts.size() + 5;
  EXPECT_TRUE(c.has_value(tries));
  EXPECT_FALSE(c.has_value(c.value_count()));
}

TEST(Describe, HistoryLines) {
  service_case c = open_delivered(12900);
  accept(c, ev("approve", "agent"), monday_10);
  request ok;
  ok.set("inspection_ok", true);
  accept(c, ev("ship", "customer"), monday_10 + hours(1));
  accept(c, ev("inspect", "agent", ok), monday_10 + hours(2));
  accept(c, ev("close", "agent"), monday_10 + hours(3));
  const std::vector<history_entry>& h = c.history();
  ASSERT_EQ(h.size(), 5U);
  EXPECT_EQ(describe(c, h[0]), "2026-11-23T02:00:00Z opened in return_refund: submitted");
  EXPECT_EQ(describe(c, h[1]),
            "2026-11-23T02:00:00Z agent approve: submitted → approved (set tries = 0; emit notify_customer)");
  EXPECT_EQ(describe(c, h[3]),
            "2026-11-23T04:00:00Z agent inspect: received → refunded (payload inspection_ok = true; "
            "record refund_amount = 129.00; emit extend_receipt_deadline by=10d)");
  EXPECT_EQ(describe(c, h[4]), "2026-11-23T05:00:00Z agent close: refunded");

  service_case vip = open_delivered(3000, "vip");
  EXPECT_EQ(describe(vip, vip.history()[1]),
            "2026-11-23T02:00:00Z automatic: submitted → fast_lane (emit fast_review)");
  EXPECT_EQ(describe(vip, vip.history()[2]),
            "2026-11-23T02:00:00Z automatic: fast_lane → approved (set tries = 1)");
  advance(vip, monday_10 + hours(48));
  EXPECT_EQ(describe(vip, vip.history().back()),
            "2026-11-25T02:00:00Z timer on return_shipment: approved → follow_up (emit phone_follow_up; "
            "escalate next)");

  request r;
  r.set("order_status", "paid_unshipped").set("amount", std::int64_t{1000});
  service_case refund = open_case(decide(test_policy(), r, monday_10), monday_10);
  EXPECT_EQ(describe(refund, refund.history()[0]),
            "2026-11-23T02:00:00Z opened in refund: submitted (amount refund_amount = 10.00)");
}

// ---------------------------------------------------------------------------------------------
// An automatic cycle in a hand-built flow (the loader refuses them) is cut after states.size() steps.

TEST(Automatic, CycleIsBounded) {
  auto p = std::make_shared<policy>(*test_policy());
  flow_def& f = p->flows[*p->find_flow("timers")];
  const auto add_auto = [&](std::uint32_t from, std::uint32_t to) {
    transition_def t;
    t.from = from;
    t.to = to;
    t.trigger = trigger_kind::automatic;
    f.transitions.push_back(t);
  };
  add_auto(1, 2);  // a → b
  add_auto(2, 1);  // b → a
  // wait --poke--> a: reuse the event `poke` (from b) for wait.
  const std::uint32_t poke = 0;
  ASSERT_EQ(f.events[poke], "poke");
  transition_def go;
  go.from = 0;
  go.to = 1;
  go.event = poke;
  f.transitions.push_back(go);
  // The copy shares the loaded policy's dispatch lists: build its own from the changed flow.
  compile_policy(*p);
  std::shared_ptr<const policy> cp = p;
  service_case c = open_case(cp, "timers", bind(*cp, request{}.set("order_status", "delivered")), monday_10);
  const outcome o = apply(c, ev("poke", "agent"), monday_10);
  ASSERT_TRUE(o.accepted()) << o.message();
  EXPECT_EQ(o.steps(), 1 + f.states.size());
  EXPECT_EQ(c.history().size(), 2 + f.states.size());
  EXPECT_THAT(o.message(), HasSubstr("automatic transitions stopped: they loop"));
}

}  // namespace
