# SPDX-License-Identifier: Apache-2.0
"""Policy.decide_many: equal to one-by-one decide, both input forms, errors."""

from datetime import datetime, timedelta, timezone, tzinfo

import pytest

import aftersale
from conftest import as_columns, expected_row, generate_requests, row_of
from test_decide import UNIQUE

N = 4000


@pytest.fixture(scope="module")
def requests(policy):
    return generate_requests(policy, N)


def check_equal(policy, requests, columns, now, table=None):
    assert set(len(v) for v in columns.values()) == {len(requests)}
    for i, r in enumerate(requests):
        d = policy.decide(r, now, table=table, explain=False)
        want = expected_row(d, columns)
        got = row_of(columns, i)
        assert got == want, (i, r)


@pytest.mark.parametrize("table", [None, "fast_review"])
def test_list_of_dicts_equals_one_by_one(policy, requests, now, table):
    cols = policy.decide_many(requests, now, table=table)
    check_equal(policy, requests, cols, now, table)
    statuses = set(cols["status"])
    assert "matched" in statuses
    if table is None:
        assert len(set(cols["rule_id"])) > 20  # the generator reaches many rules
    else:
        assert "no_match" in statuses


def test_dict_of_columns_equals_list_of_dicts(policy, requests, now):
    by_rows = policy.decide_many(requests, now)
    by_columns = policy.decide_many(as_columns(policy, requests), now)
    assert by_rows == by_columns
    assert list(by_rows)[:6] == ["status", "rule_id", "solution", "fee_payer", "escalation", "remark_flag"]
    assert any(k.startswith("deadline_") for k in by_rows) and any(k.startswith("amount_") for k in by_rows)


def test_thread_counts_agree(policy, requests, now):
    one = policy.decide_many(requests, now, threads=1)
    assert policy.decide_many(requests, now, threads=2) == one
    assert policy.decide_many(requests, now, threads=7) == one


def test_values_are_python_types(policy, requests, now):
    cols = policy.decide_many(requests[:200], now)
    for k, v in cols.items():
        for x in v:
            if k.startswith("deadline_"):
                assert x is None or (isinstance(x, datetime) and x.tzinfo is timezone.utc)
            elif k.startswith("amount_"):
                assert x is None or type(x) is int
            elif k == "status":
                assert x in ("matched", "no_match", "conflict")
            else:
                assert x is None or type(x) is str


def test_pandas_takes_the_columns(policy, requests, now):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(policy.decide_many(requests, now))
    assert len(frame) == N
    assert frame["solution"].notna().all()
    assert str(frame["deadline_first_response"].dtype).startswith("datetime64[ns, UTC]")


def test_conflicts_in_a_batch():
    p = aftersale.loads(UNIQUE)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    reqs = [{"status": "open", "amount": 5}, {"status": "closed", "amount": 5}, {"status": "lost", "amount": 5000}]
    cols = p.decide_many(reqs, now)
    assert cols["status"] == ["conflict", "matched", "no_match"]
    assert cols["rule_id"] == [None, "small", None]


def test_empty_batches(policy, now):
    for empty in ([], {}, {"amount": []}):
        cols = policy.decide_many(empty, now)
        assert all(v == [] for v in cols.values()) and "status" in cols


def test_mismatched_column_lengths_are_refused(policy, now):
    cols = {"order_status": ["delivered", "delivered"], "request": ["complain"], "amount": [1, 2]}
    with pytest.raises(aftersale.RequestError, match="column `request` has 1 values but column `order_status` has 2") as e:
        policy.decide_many(cols, now)
    assert e.value.code == "E318"


def test_a_single_request_dict_is_not_columns(policy, now, refund_request):
    with pytest.raises(TypeError, match="must be a list of values"):
        policy.decide_many(refund_request, now)
    with pytest.raises(TypeError):
        policy.decide_many([refund_request, "x"], now)
    with pytest.raises(TypeError):
        policy.decide_many(42, now)


@pytest.mark.parametrize("bad, code, fact, where", [
    ({"colour": "red"}, "E300", "colour", "request 2"),
    ({"amount": 1.5}, "E301", "amount", "request 2"),
    ({"reason": "bored"}, "E302", "reason", "request 2"),
    ({"amount": None}, "E303", "amount", "request 2"),
    ({"amount": -1}, "E305", "amount", "request 2"),
    ({"days_since_delivery": 1}, "E301", "days_since_delivery", "request 2"),
])
def test_row_errors_name_the_request(policy, now, refund_request, bad, code, fact, where):
    reqs = [refund_request, refund_request, dict(refund_request, **bad)]
    names = set().union(*reqs)
    for form in (reqs, {n: [r.get(n) for r in reqs] for n in names} if code != "E300" else None):
        if form is None:
            continue
        with pytest.raises(aftersale.RequestError) as info:
            policy.decide_many(form, now)
        assert (info.value.code, info.value.fact) == (code, fact)
        assert where in str(info.value)
        # The same request alone raises the same code.
        with pytest.raises(aftersale.RequestError) as single:
            policy.decide(dict(refund_request, **bad), now)
        assert single.value.code == code


def test_unknown_column_and_table(policy, now, refund_request):
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_many({"colour": ["red"]}, now)
    assert info.value.code == "E300" and "column `colour`" in str(info.value)
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_many([refund_request], now, table="nope")
    assert info.value.code == "E304"


def test_a_data_frame_as_columns(policy, now):
    pandas = pytest.importorskip("pandas")
    reqs = [
        {"order_status": "paid_unshipped", "request": "request_refund", "reason": "changed_mind", "amount": 12900},
        {"order_status": "delivered", "request": "complain", "amount": 500},  # no reason: NaN in the frame
    ]
    frame = pandas.DataFrame(reqs)
    assert frame["reason"].isna().tolist() == [False, True]
    got = policy.decide_many(frame.to_dict("list"), now)
    assert got == policy.decide_many(reqs, now)
    assert policy.decide(frame.iloc[1].to_dict(), now).rule_id == got["rule_id"][1]


def test_float_money_is_refused_even_when_whole(policy, now, refund_request):
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_many({k: [v if k != "amount" else 12900.0] for k, v in refund_request.items()}, now)
    assert info.value.code == "E301" and "money is int minor units" in str(info.value)


def test_errors_beyond_the_first_block_name_the_right_request(policy, now, refund_request):
    # decide_many converts in blocks of 32768 requests: the index must count from the batch start.
    reqs = [refund_request] * 70001
    reqs[70000] = dict(refund_request, reason="bored")
    for form in (reqs, {k: [r.get(k) for r in reqs] for k in refund_request}):
        with pytest.raises(aftersale.RequestError, match="request 70000: `bored`"):
            policy.decide_many(form, now)
    reqs[70000] = dict(refund_request, amount=None)
    with pytest.raises(aftersale.RequestError, match="request 70000: required fact `amount`"):
        policy.decide_many(reqs, now)
    reqs[70000] = dict(refund_request, delivered_at=now.replace(tzinfo=None))
    with pytest.raises(ValueError, match="request 70000: fact `delivered_at` is a naive datetime"):
        policy.decide_many(reqs, now)
    reqs[70000] = refund_request
    cols = policy.decide_many(reqs, now)
    assert set(cols["rule_id"]) == {"refund_unshipped_retain"} and len(cols["status"]) == 70001


class _MutatingZone(tzinfo):
    """A time zone whose first utcoffset() call runs `action`: Python code that runs while a
    batch is being converted."""

    def __init__(self, action):
        self.action = action

    def utcoffset(self, dt):
        action, self.action = self.action, None
        if action:
            action()
            # Reuse the freed memory, so reading a freed item would read garbage, not stale data.
            globals()["_junk"] = [bytearray(b"\xff" * 64) for _ in range(20000)]
        return timedelta(0)

    def dst(self, dt):
        return timedelta(0)


@pytest.mark.parametrize("shape", ["rows", "columns", "request dict"])
def test_python_code_that_changes_the_batch_while_it_is_read_changes_nothing(policy, now, shape):
    n = 2000
    rows = [
        dict(order_status="delivered", request="request_return_refund", amount=1000 + i,
             delivered_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
        for i in range(n)
    ]
    expected = policy.decide_many([dict(r) for r in rows], now)
    if shape == "rows":
        batch = rows
        zone = _MutatingZone(batch.clear)
    elif shape == "columns":
        batch = {k: [r[k] for r in rows] for k in rows[0]}
        zone = _MutatingZone(lambda: [c.clear() for c in batch.values()])
    else:
        batch = rows
        zone = _MutatingZone(lambda: [r.clear() for r in batch])
    zone_row = rows[0] if shape != "columns" else None
    if shape == "columns":
        batch["delivered_at"][0] = datetime(2026, 11, 1, tzinfo=zone)
    else:
        zone_row["delivered_at"] = datetime(2026, 11, 1, tzinfo=zone)
    if shape == "request dict":
        # The dicts are read as they are when each is reached: emptied ones miss required facts.
        with pytest.raises(aftersale.RequestError, match="required fact"):
            policy.decide_many(batch, now)
        return
    got = policy.decide_many(batch, now)
    # What was given when the call began is what is decided; the caller's change is not seen.
    assert got["rule_id"] == expected["rule_id"] and got["amount_refund"] == expected["amount_refund"]


def test_numpy_scalars_are_their_values(policy, now):
    numpy = pytest.importorskip("numpy")
    plain = dict(order_status="delivered", request="request_return_refund", amount=1000, opened=True,
                 delivered_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    scalars = dict(plain, amount=numpy.int64(1000), opened=numpy.bool_(True))
    assert policy.decide(scalars, now).rule_id == policy.decide(plain, now).rule_id
    assert policy.decide_many([scalars], now)["rule_id"] == policy.decide_many([plain], now)["rule_id"]
    closed = dict(scalars, opened=numpy.bool_(False))
    assert policy.decide(closed, now).rule_id == policy.decide(dict(plain, opened=False), now).rule_id
