# SPDX-License-Identifier: Apache-2.0
"""Policy.decide and Decision: attributes, to_dict, explain, HTML, request errors."""

from datetime import datetime, timezone

import pytest

import aftersale

UNIQUE = """format: 1
policy: {id: u, version: "1", entry: main}
vocabulary: {solutions: [refund, review], parties: [customer]}
facts:
  status: {type: enum, values: [open, closed, lost], required: true}
  amount: {type: money, required: true}
decisions:
  main:
    hit_policy: unique
    rules:
      - {id: small, when: {amount: {le: 1000}}, then: {solution: refund}}
      - {id: open, when: {status: open}, then: {solution: review}}
"""


def test_decision_attributes(policy, now, refund_request):
    d = policy.decide(refund_request, now)
    assert isinstance(d, aftersale.Decision)
    assert d.status == "matched" and d.matched
    assert d.table == "after_sales"
    assert d.rule_id == "refund_unshipped_retain" and d.rules == ["refund_unshipped_retain"]
    assert d.solution == "retain_then_refund"
    assert d.fee_payer is None and d.escalation is None
    assert d.evidence == [] and d.steps and all(isinstance(s, str) for s in d.steps)
    assert d.amounts == {"refund": 12900} and type(d.amounts["refund"]) is int
    assert d.remark_flag == "green" and d.remark == "未发货退款（挽回）"
    assert d.customer_label == "退款处理中" and d.agent_label
    assert d.now == datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc) and d.now.tzinfo is timezone.utc
    assert [x.clock for x in d.deadlines] == ["contact_after_refund_request", "first_response", "intercept_before_refund"]
    dl = d.deadlines[0]
    assert isinstance(dl, aftersale.Deadline)
    assert dl.clock == "contact_after_refund_request" and dl.label == "退款申请后联系买家"
    assert dl.due == datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc) and dl.due.tzinfo is timezone.utc
    assert dl.local == "2026-11-23 11:00:00 CST (+08:00)"
    assert dl.to_dict() == {"clock": dl.clock, "label": dl.label, "due": dl.due, "local": dl.local, "never": dl.never}
    assert d.deadlines[2].local == "2026-11-25 18:00:00 CST (+08:00)"
    assert "refund_unshipped_retain" in repr(d) and "contact_after_refund_request" in repr(dl)


def test_escalation_evidence_and_fee_payer(policy, now):
    d = policy.decide({"order_status": "delivered", "request": "request_reissue", "amount": 100, "blacklisted": True}, now)
    assert d.rule_id == "blacklisted_claim_platform"
    assert d.escalation == "platform" and d.evidence == ["chat_records", "logistics_trace", "packing_list"]
    assert d.remark_flag == "red" and d.fee_payer is None
    assert [x.clock for x in d.deadlines] == ["after_sales_reply", "first_response", "initial_proposal"]


def test_to_dict_has_every_attribute(policy, now, refund_request):
    d = policy.decide(refund_request, now)
    out = d.to_dict()
    for key in ("status", "table", "now", "rule_id", "rules", "solution", "fee_payer", "escalation", "evidence", "steps",
                "amounts", "remark_flag", "remark", "customer_label", "agent_label"):
        assert out[key] == getattr(d, key), key
    assert out["deadlines"] == [x.to_dict() for x in d.deadlines]


def test_explain_and_html(policy, now, refund_request):
    d = policy.decide(refund_request, now)
    text = d.explain()
    assert "rule `refund_unshipped_retain`" in text and "skipped `refund_unshipped`" in text
    html = d._repr_html_()
    assert html.startswith("<table") and "<pre>" in html
    assert "refund_unshipped_retain" in html and "&lt;" not in text  # escaped only in HTML
    quiet = policy.decide(refund_request, now, explain=False)
    assert quiet.rule_id == d.rule_id and "skipped" not in quiet.explain()


def test_named_table_and_no_match(policy, now, refund_request):
    d = policy.decide(refund_request, now, table="fast_review")
    assert d.table == "fast_review" and d.rule_id == "auto_refund_unshipped" and d.escalation == "system"
    d = policy.decide(dict(refund_request, order_status="delivered"), now, "fast_review")
    assert d.status == "no_match" and not d.matched
    assert (d.rule_id, d.solution, d.fee_payer, d.escalation, d.remark) == (None, None, None, None, None)
    assert (d.rules, d.deadlines, d.amounts, d.evidence, d.steps) == ([], [], {}, [], [])
    assert d.to_dict()["status"] == "no_match"


def test_conflict():
    p = aftersale.loads(UNIQUE)
    d = p.decide({"status": "open", "amount": 5}, datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert d.status == "conflict" and not d.matched
    assert d.rules == ["small", "open"] and d.rule_id is None and d.solution is None


def test_none_means_absent(policy, now, refund_request):
    assert policy.decide(dict(refund_request, reason=None), now).rule_id == policy.decide(
        {k: v for k, v in refund_request.items() if k != "reason"}, now).rule_id


@pytest.mark.parametrize("change, code, fact", [
    ({"colour": "red"}, "E300", "colour"),
    ({"amount": "12900"}, "E301", "amount"),
    ({"amount": 129.0}, "E301", "amount"),
    ({"amount": [1]}, "E301", "amount"),
    ({"opened": 1}, "E301", "opened"),
    ({"days_since_delivery": 3}, "E301", "days_since_delivery"),
    ({"reason": "bored"}, "E302", "reason"),
    ({"amount": None}, "E303", "amount"),
    ({"amount": -12900}, "E305", "amount"),
    ({"delivered_at": "yesterday"}, "E301", "delivered_at"),
])
def test_request_errors(policy, now, refund_request, change, code, fact):
    r = dict(refund_request, **change)
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide(r, now)
    assert (info.value.code, info.value.fact) == (code, fact)
    assert "`" + fact + "`" in str(info.value)


def test_request_errors_list_every_problem(policy, now, refund_request):
    r = dict(refund_request, amount=129.0, ordr_status="paid_unshipped", reason="bored")
    del r["order_status"]
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide(r, now)
    e = info.value
    # Given facts by name, then the missing required ones; the first is .code and .fact.
    assert [(p.code, p.fact) for p in e.problems] == [
        ("E301", "amount"), ("E300", "ordr_status"), ("E302", "reason"), ("E303", "order_status")]
    assert (e.code, e.fact, e.omitted) == ("E301", "amount", 0)
    assert all(isinstance(p, aftersale.RequestProblem) for p in e.problems)
    unknown = e.problems[1]
    assert unknown.message == "unknown fact `ordr_status`"
    assert unknown.help == "did you mean `order_status`?"
    assert str(unknown) == "error[E300]: unknown fact `ordr_status`\n  help: did you mean `order_status`?"
    assert repr(unknown) == "<aftersale.RequestProblem E300 ordr_status>"
    assert str(e).splitlines()[-1] == "error[E303]: required fact `order_status` is missing"


def test_request_errors_are_capped(policy, now, refund_request):
    r = dict(refund_request, **{f"unknown_{i:03}": True for i in range(30)})
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide(r, now)
    assert len(info.value.problems) == 20 and info.value.omitted == 10
    assert str(info.value).splitlines()[-1] == "error: 10 more problems not listed"


def test_unknown_table(policy, now, refund_request):
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide(refund_request, now, table="nope")
    assert info.value.code == "E304" and info.value.fact is None


def test_bad_arguments(policy, now, refund_request):
    with pytest.raises(TypeError):
        policy.decide([("amount", 1)], now)
    with pytest.raises(TypeError):
        policy.decide({1: "x"}, now)
    with pytest.raises(TypeError):
        policy.decide(refund_request, "2026-11-23T10:00:00Z")


NEVER_POLICY = """format: 1
policy: {id: never, version: "1", entry: t, calendar: c}
vocabulary: {solutions: [s]}
facts: {x: {type: int}}
calendars:
  c: {time_zone: Asia/Shanghai, hours: {}}
clocks:
  k: {within: {business_hours: 1}}
decisions:
  t: {rules: [{id: r, when: {}, then: {solution: s, clocks: [k]}}]}
"""


def test_a_deadline_that_never_falls_due_is_the_last_whole_second():
    """Found by tests/differential: a calendar without working hours never lets business time end."""
    now = datetime(2026, 10, 10, tzinfo=timezone.utc)
    d = aftersale.loads(NEVER_POLICY).decide({}, now)
    assert d.deadlines[0].due == datetime.max.replace(tzinfo=timezone.utc, microsecond=0)


def test_a_deadline_that_never_falls_due_reads_sensibly():
    now = datetime(2026, 10, 10, tzinfo=timezone.utc)
    d = aftersale.loads(NEVER_POLICY).decide({}, now)
    dl = d.deadlines[0]
    assert dl.never and dl.local == "never" and dl.to_dict()["never"] is True
    assert "  deadline `k` never falls due\n" in d.explain()
    assert "292277026596" not in d.explain() and "292277026596" not in repr(dl)
    # A deadline that falls due is not `never`.
    assert not aftersale.loads(NEVER_POLICY.replace("hours: {}", "hours: {mon: [09:00-18:00]}")).decide(
        {}, now).deadlines[0].never
