# SPDX-License-Identifier: Apache-2.0
"""Times: aware datetimes in any zone, naive ones refused, DST, UTC out."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import aftersale

BERLIN = ZoneInfo("Europe/Berlin")

DURATION = """format: 1
policy: {id: d, version: "1", entry: main}
vocabulary: {solutions: [fast, slow]}
facts:
  waited: {type: duration, required: true}
  at: {type: timestamp}
decisions:
  main:
    rules:
      - {id: short, when: {waited: {lt: 2h}}, then: {solution: fast}}
      - {id: long, then: {solution: slow}}
"""


def instants():
    utc = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    return [utc, utc.astimezone(ZoneInfo("Asia/Shanghai")), utc.astimezone(BERLIN),
            utc.astimezone(ZoneInfo("America/Los_Angeles")), utc.astimezone(timezone(timedelta(hours=5, minutes=45)))]


@pytest.mark.parametrize("now", instants(), ids=lambda t: str(t.tzinfo))
def test_the_same_instant_in_any_zone_decides_the_same(policy, refund_request, now):
    d = policy.decide(refund_request, now)
    assert d.now == datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    intercept = {x.clock: x for x in d.deadlines}["intercept_before_refund"]
    assert intercept.due == datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert policy.decide_many([refund_request], now)["deadline_intercept_before_refund"] == [intercept.due]


def test_naive_datetimes_are_refused(policy, refund_request):
    with pytest.raises(ValueError, match="now is a naive datetime"):
        policy.decide(refund_request, datetime(2026, 11, 23, 10, 0))
    with pytest.raises(ValueError, match="naive datetime"):
        policy.decide_many([refund_request], datetime(2026, 11, 23, 10, 0))
    aware = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    r = dict(refund_request, delivered_at=datetime(2026, 11, 20, 10, 0))
    with pytest.raises(ValueError, match="fact `delivered_at` is a naive datetime"):
        policy.decide(r, aware)
    with pytest.raises(ValueError, match="request 1: fact `delivered_at` is a naive datetime"):
        policy.decide_many([refund_request, r], aware)


def test_dst_fold_and_gap():
    # 2026-10-25 02:30 happens twice in Berlin (fold 0: +02:00, fold 1: +01:00).
    p = aftersale.loads(DURATION)
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = first.replace(fold=1)
    assert p.decide({"waited": 0}, first).now == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)
    assert p.decide({"waited": 0}, second).now == datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)
    # Spring forward: 2026-03-29 02:30 does not exist; zoneinfo reads it with the offset before the gap.
    gap = datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN)
    assert p.decide({"waited": 0}, gap).now == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)


def test_local_dates_count_in_the_calendar_zone(policy, now):
    # Delivered 23:30 Shanghai on the 20th, decided 00:30 on the 21st: one local day, one hour.
    at = datetime(2026, 11, 21, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    delivered = datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)
    req = {"order_status": "delivered", "request": "request_return_refund", "reason": "changed_mind", "amount": 100,
           "delivered_at": delivered}
    as_text = dict(req, delivered_at="2026-11-20T23:30:00+08:00")
    assert policy.decide(req, at).explain() == policy.decide(as_text, at).explain()
    assert policy.decide(req, at).rule_id == policy.decide(dict(req, delivered_at=delivered.astimezone(BERLIN)), at).rule_id


def test_durations_and_microseconds():
    p = aftersale.loads(DURATION)
    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert p.decide({"waited": timedelta(minutes=90)}, t).rule_id == "short"
    assert p.decide({"waited": timedelta(hours=2)}, t).rule_id == "long"
    assert p.decide({"waited": "1h59m"}, t).rule_id == "short"
    assert p.decide({"waited": 7199}, t).rule_id == "short"
    assert p.decide({"waited": 0}, t.replace(microsecond=999999)).now == t


def test_timestamp_defaults_come_back_as_aware_datetimes():
    p = aftersale.loads(DURATION.replace("  at: {type: timestamp}", '  at: {type: timestamp, default: "2026-01-01T08:00:00+08:00"}'))
    assert p.facts["at"]["default"] == datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
    p = aftersale.loads(DURATION.replace("required: true", "default: 90m"))
    assert p.facts["waited"]["default"] == timedelta(minutes=90)
