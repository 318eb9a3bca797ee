# SPDX-License-Identifier: Apache-2.0
"""Cases from Python: open, apply, advance, snapshot and restore, through the C++ runtime."""

import json
from datetime import datetime, timedelta, timezone

import pytest

import aftersale
from conftest import SOURCE_DIR

EXAMPLE = SOURCE_DIR / "examples" / "requests" / "02_return_refund_seven_day.json"


@pytest.fixture
def example():
    """Facts and `now` of the 7-day no-reason return example (delivered_at as an aware datetime)."""
    data = json.loads(EXAMPLE.read_text())
    facts = dict(data["facts"])
    facts["delivered_at"] = datetime.fromisoformat(facts["delivered_at"])
    return facts, datetime.fromisoformat(data["now"])


@pytest.fixture
def case(policy, example):
    facts, now = example
    return policy.open_case(policy.decide(facts, now), now)


def test_open_from_a_decision(policy, example, case):
    facts, now = example
    d = policy.decide(facts, now)
    assert d.solution == "return_then_refund"
    assert case.flow == "return_then_refund"
    assert case.state == "requested"
    assert case.state_label() == "退货申请待审核"
    assert case.state_label("en", customer=True) == "return in progress"
    assert case.phase == "active"
    assert case.escalation is None
    assert case.remark == "七天无理由退货"
    utc = now.astimezone(timezone.utc)
    assert case.opened_at == utc and case.entered_at == utc
    assert case.opened_at.tzinfo is not None and case.opened_at.utcoffset() == timedelta(0)
    assert case.facts["amount"] == 19900 and case.facts["request"] == "request_return_refund"
    assert set(case.variables) == {"photos_checked", "goods_resalable", "settlement_amount", "refund_amount"}
    assert all(v is None for v in case.variables.values())
    clocks = {c["clock"]: c for c in case.clocks}
    # The clocks the decision started keep its deadlines.
    for dl in d.deadlines:
        assert clocks[dl.clock]["state"] == "running"
        assert clocks[dl.clock]["due"] == dl.due
    assert clocks["initial_proposal"] == {"clock": "initial_proposal", "state": "idle", "started": None, "due": None,
                                          "remaining": None}
    [opened] = case.history
    assert opened["kind"] == "opened" and opened["to"] == "requested" and opened["from"] is None
    assert opened["text"] == "2026-10-14T02:15:00Z opened in return_then_refund: requested"
    assert case.applied_event_ids == []
    # first_response (2 business hours) sends its 50 % SLA warning after one working hour
    assert case.next_deadline() == datetime(2026, 10, 14, 3, 15, tzinfo=timezone.utc)


def test_open_case_in_a_named_flow(policy, example):
    facts, now = example
    c = policy.open_case_in("return_then_refund", facts, now)
    assert c.flow == "return_then_refund" and c.state == "requested"
    with pytest.raises(aftersale.Error, match="flow"):
        policy.open_case_in("no_such_flow", facts, now)
    with pytest.raises(aftersale.RequestError) as e:
        policy.open_case_in("return_then_refund", dict(facts, colour="red"), now)
    assert e.value.code == "E300"


def test_open_case_in_computes_derived_facts(policy, example):
    """open_case_in derives facts at `now` like decide: a flow guard on days_since sees a value."""
    facts, now = example
    d = policy.decide(facts, now)
    c = policy.open_case_in("return_then_refund", facts, now)
    assert c.facts["days_since_delivery"] is not None
    for name in ("days_since_delivery", "hours_since_delivery", "responsible"):
        assert c.facts[name] == policy.open_case(d, now).facts[name]


def test_a_decision_without_a_flow_opens_no_case(now):
    p = aftersale.loads("""format: 1
policy: {id: t, version: "1", entry: main}
vocabulary: {solutions: [x]}
facts: {a: {type: bool, required: true}}
decisions: {main: {rules: [{id: r, when: {a: true}, then: {solution: x}}]}}
""")
    for value in (False, True):  # not matched; matched but the rule names no flow
        with pytest.raises(aftersale.Error):
            p.open_case(p.decide({"a": value}, now), now)


def test_accepted_event(case, example):
    _, now = example
    later = now + timedelta(hours=1)
    o = case.apply("approve", "agent", later, id="evt-1")
    assert o.accepted and o.result == "accepted" and o.reason is None
    assert (o.from_state, o.to_state) == ("requested", "awaiting_return")
    # The warning due at that very moment fires first (docs/workflow.md, "Timers first").
    warning = ("sla_warning", {"clock": "first_response", "fraction": "50", "deadline": "2026-10-14T04:15:00Z"})
    assert o.actions == [warning, ("extend_receipt_deadline", {"by": "10d"}),
                         ("notify_customer", {"about": "return_address"})]
    assert o.message == "accepted: requested → awaiting_return (after 1 due timer or SLA notice)"
    assert case.state == "awaiting_return"
    assert case.entered_at == later.astimezone(timezone.utc)
    assert case.applied_event_ids == ["evt-1"]
    last = case.history[-1]
    assert last["kind"] == "event" and last["event"] == "approve" and last["actor"] == "agent"
    assert last["event_id"] == "evt-1" and last["at"] == later
    assert last["text"].startswith("2026-10-14T03:15:00Z agent approve: requested → awaiting_return (")


def test_refusal_leaves_the_case_unchanged(case, example):
    _, now = example
    before = case.snapshot()
    o = case.apply("approve", "customer", now, id="evt-x")
    assert not o.accepted and o.result == "refused" and o.reason == "role_not_allowed"
    assert "`approve`" in o.message and "`customer`" in o.message
    assert o.from_state is None and o.to_state is None and o.actions == []
    for event, actor, payload, reason in [("no_such_event", "agent", None, "unknown_event"),
                                          ("approve", "nobody", None, "unknown_role"),
                                          ("approve", "agent", {"no_such_variable": 1}, "bad_payload")]:
        o = case.apply(event, actor, now, id="evt-y", payload=payload)
        assert (o.result, o.reason) == ("refused", reason)
    assert case.snapshot() == before
    assert case.applied_event_ids == []


def test_duplicate_event_id_is_a_no_op(case, example):
    _, now = example
    assert case.apply("approve", "agent", now, id="evt-1").accepted
    after_first = case.snapshot()
    o = case.apply("approve", "agent", now + timedelta(minutes=5), id="evt-1")
    assert o.result == "duplicate" and not o.accepted and o.reason is None
    assert "evt-1" in o.message
    assert case.snapshot() == after_first


def test_event_id_reused_for_another_event_is_a_conflict(case, example):
    _, now = example
    assert case.apply("approve", "agent", now, id="evt-1").accepted
    after_first = case.snapshot()
    o = case.apply("approve", "agent", now, id="evt-1", payload={"no_such_variable": 1})
    assert o.result == "conflict" and not o.accepted and o.reason is None
    assert "evt-1" in o.message
    assert case.snapshot() == after_first


def test_advance_fires_the_48h_timer(case, example):
    _, now = example
    assert case.apply("approve", "agent", now, id="evt-1").accepted
    due = case.next_deadline()
    assert due == now + timedelta(hours=48)
    assert case.advance(due - timedelta(seconds=1)) == []
    assert case.state == "awaiting_return"
    [fired] = case.advance(now + timedelta(days=3))
    assert fired.accepted and (fired.from_state, fired.to_state) == ("awaiting_return", "return_follow_up")
    assert ("phone_follow_up", {}) in [(n, {}) for n, _ in fired.actions]
    assert case.state == "return_follow_up" and case.phase == "escalated" and case.escalation == "agent"
    last = case.history[-1]
    assert last["kind"] == "timer" and last["at"] == due and last["actor"] is None


def test_snapshot_restore_continue_equals_never_stopping(policy, case, example):
    _, now = example
    twin = aftersale.Case.restore(policy, case.snapshot())
    assert twin == case
    steps = [lambda c: c.apply("approve", "agent", now + timedelta(minutes=30), id="evt-1"),
             lambda c: c.advance(now + timedelta(days=3))]
    restored = twin
    for step in steps:
        step(case)
        restored = aftersale.Case.restore(policy, restored.snapshot())  # stop and restart between steps
        step(restored)
    assert restored == case
    assert restored.snapshot() == case.snapshot()
    assert [h["text"] for h in restored.history] == [h["text"] for h in case.history]
    assert len(case.history) == 3


def test_corrupted_snapshot_raises_snapshot_error_with_path(policy, case):
    snap = json.loads(case.snapshot())
    snap["opened_at"] = "yesterday"
    with pytest.raises(aftersale.SnapshotError) as e:
        aftersale.Case.restore(policy, json.dumps(snap))
    assert e.value.path == "$.opened_at"
    assert str(e.value).startswith("$.opened_at: ")
    assert isinstance(e.value, aftersale.Error)
    with pytest.raises(aftersale.SnapshotError) as e:
        aftersale.Case.restore(policy, "{not json")
    assert isinstance(e.value.path, str)


def test_naive_datetime_is_refused(policy, case, example):
    facts, now = example
    naive = datetime(2026, 10, 14, 10, 0)
    before = case.snapshot()
    with pytest.raises(ValueError, match="naive"):
        case.apply("approve", "agent", naive)
    with pytest.raises(ValueError, match="naive"):
        case.advance(naive)
    with pytest.raises(ValueError, match="naive"):
        policy.open_case(policy.decide(facts, now), naive)
    with pytest.raises(ValueError, match="naive"):
        policy.open_case_in("return_then_refund", facts, naive)
    assert case.snapshot() == before


def test_a_policy_that_is_not_utf8_never_reaches_a_snapshot(tmp_path):
    # A policy saved in Latin-1 is refused when loaded, at the byte (E100): its text cannot go into
    # JSON, so no case of it is ever opened or written.
    source = (SOURCE_DIR / "policies" / "default.yaml").read_bytes()
    remark = "text: {zh: 七天无理由退货".encode()
    assert remark in source
    at = source.index(remark)
    path = tmp_path / "latin1.yaml"
    path.write_bytes(source.replace(remark, b"text: {zh: caf\xe9"))
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.load(path)
    e = info.value
    assert (e.code, e.line) == ("E100", source[:at].count(b"\n") + 1)
    assert "not valid utf-8" in e.diagnostics[0].message


NEVER_CLOCK_POLICY = """format: 1
policy: {id: never_clock, version: "1", entry: t, calendar: c}
vocabulary: {solutions: [s], roles: [agent]}
facts: {x: {type: int}}
calendars:
  c: {time_zone: Asia/Shanghai, hours: {}}
clocks:
  k: {within: {business_hours: 1}}
decisions:
  t: {rules: [{id: r, when: {}, then: {solution: s, flow: f}}]}
flows:
  f:
    start: open
    states:
      open: {on_entry: {start: k}}
      waiting: {phase: waiting_on_customer, on_entry: {pause: k}}
      back: {on_entry: {resume: k}}
      done: {terminal: true}
    transitions:
      - {from: open, event: wait, to: waiting}
      - {from: waiting, event: back, to: back}
      - {from: back, event: finish, to: done}
"""


def test_pause_and_resume_keep_a_never_due_clock_never_due():
    """A calendar without working hours: business time never ends, paused or not."""
    now = datetime(2026, 10, 10, tzinfo=timezone.utc)
    policy = aftersale.loads(NEVER_CLOCK_POLICY)
    c = policy.open_case_in("f", {}, now)
    never = datetime.max.replace(tzinfo=timezone.utc, microsecond=0)
    assert c.clocks[0]["due"] == never
    assert c.apply("wait", "agent", now).accepted
    # Paused, it has no time left to count: timedelta.max without microseconds, as due is datetime.max.
    assert c.clocks[0]["remaining"] == timedelta(days=999999999, seconds=86399)
    assert '"due":"never"' in c.snapshot()
    back = aftersale.Case.restore(policy, c.snapshot())  # stopped and restarted while paused
    assert back.apply("back", "agent", now + timedelta(hours=1)).accepted
    assert back.clocks[0]["state"] == "running" and back.clocks[0]["due"] == never
    assert back.next_deadline() is None
