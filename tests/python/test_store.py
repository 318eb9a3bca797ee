# SPDX-License-Identifier: Apache-2.0
"""The case store from Python: a round trip on a temporary SQLite file with the default policy,
fire_due, migrate between policy versions, the audit fields, and errors with their codes."""

import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import aftersale
from conftest import DEFAULT_POLICY

NOW = datetime(2026, 10, 14, 10, 15, tzinfo=timezone(timedelta(hours=8)))


def flash_refund():
    """A vip self-service refund before picking for a late shipment (our fault, so no retention
    attempt): the flow reviews it at once and waits for payment."""
    return {"order_status": "paid_unshipped", "request": "request_refund", "reason": "late_shipment", "amount": 12900,
            "customer_tier": "vip", "channel": "self_service"}


@pytest.fixture
def store(tmp_path, policy):
    s = aftersale.Store.open(str(tmp_path / "cases.db"))
    s.add_policy(policy)
    yield s
    s.close()


def version_of(policy_text, version):
    return aftersale.loads(policy_text.replace('version: "2026.1"', f'version: "{version}"', 1),
                           name=f"default_{version}.yaml")


def test_decision_audit_fields(policy):
    d = policy.decide(flash_refund(), NOW)
    again = policy.decide(flash_refund(), NOW)
    assert len(d.decision_id) == 16 and int(d.decision_id, 16) >= 0
    assert d.decision_id == again.decision_id  # deterministic: same policy text, request, now
    assert d.decision_id != policy.decide(flash_refund(), NOW + timedelta(seconds=1)).decision_id
    assert d.decision_id != policy.decide(dict(flash_refund(), amount=12901), NOW).decision_id
    assert d.policy_id == policy.id and d.policy_version == policy.version
    assert d.policy_hash == format(policy.content_hash, "016x")
    assert d.audit == {"decision_id": d.decision_id, "policy_id": policy.id, "policy_version": policy.version,
                       "policy_hash": d.policy_hash}
    assert d.to_dict()["audit"] == d.audit


def test_round_trip(store, policy, tmp_path):
    assert store.schema_version == 2
    d = policy.decide(flash_refund(), NOW)
    row = store.open_case("RMA-1", d, NOW)
    assert row["id"] == "RMA-1" and row["version"] == 1 and row["flow"] == "refund_before_picking"
    assert row["policy_hash"] == d.policy_hash and row["policy_version"] == "2026.1"
    assert row["opened_at"] == NOW and row["opened_at"].tzinfo is not None
    assert "RMA-1" in store and "RMA-2" not in store

    paid = store.apply("RMA-1", "refund_paid", "finance", id="evt-1", now=NOW + timedelta(minutes=5))
    assert paid["accepted"] and paid["result"] == "accepted" and paid["version"] == 2
    assert paid["to_state"] == "refunded"
    assert ("notify_customer", {"about": "refunded"}) in paid["actions"]
    dup = store.apply("RMA-1", "refund_paid", "finance", id="evt-1", now=NOW + timedelta(minutes=6))
    assert dup["result"] == "duplicate" and not dup["accepted"] and dup["version"] == 2
    refused = store.apply("RMA-1", "approve", "customer", now=NOW + timedelta(minutes=7))
    assert refused["result"] == "refused" and refused["reason"] is not None and refused["version"] == 2

    got = store.get("RMA-1")
    assert got["version"] == 2 and got["state"] == "refunded"
    assert isinstance(got["case"], aftersale.Case) and got["case"].state == "refunded"
    assert store.replay("RMA-1") == got["case"]

    log = store.history("RMA-1")
    assert [e["kind"] for e in log] == ["opened", "event", "event", "event"]
    assert [e["result"] for e in log] == ["accepted", "accepted", "duplicate", "refused"]
    assert log[0]["decision_id"] == d.decision_id and log[0]["policy_hash"] == d.policy_hash
    assert log[1]["event"] == "refund_paid" and log[1]["actor"] == "finance" and log[1]["event_id"] == "evt-1"
    assert log[1]["decision_id"] is None

    assert [r["id"] for r in store.list(state="refunded")] == ["RMA-1"]
    assert store.list(flow="no_such_flow") == []

    # A second handle on the file sees the same, and the version check refuses a stale writer.
    with aftersale.Store.open("sqlite:" + str(tmp_path / "cases.db")) as other:
        other.add_policy(policy)
        assert other.get("RMA-1")["case"] == got["case"]
        with pytest.raises(aftersale.StoreError) as e:
            other.apply("RMA-1", "close", "agent", now=NOW + timedelta(hours=1), expected_version=1)
        assert e.value.code == "E604"


def test_payload_and_kw_only_now(store, policy, example_return):
    facts, now = example_return
    store.open_case("RET-1", policy.decide(facts, now), now)
    with pytest.raises(TypeError):
        store.apply("RET-1", "request_photos", "agent", None, None, now)  # now is keyword-only
    asked = store.apply("RET-1", "request_photos", "agent", now=now + timedelta(minutes=1))
    assert asked["accepted"] and asked["to_state"] == "awaiting_photos"
    sent = store.apply("RET-1", "photos_received", "customer", payload={"goods_resalable": True}, id="ph-1",
                       now=now + timedelta(minutes=2))
    assert sent["accepted"] and sent["to_state"] == "requested"
    assert store.get("RET-1")["case"].variables["goods_resalable"] is True
    assert store.history("RET-1")[-1]["payload"] == '{"goods_resalable":true}'
    assert store.replay("RET-1") == store.get("RET-1")["case"]


@pytest.fixture
def example_return():
    facts = {"order_status": "delivered", "request": "request_return_refund", "reason": "changed_mind",
             "amount": 19900, "delivered_at": datetime(2026, 10, 8, 20, 0, tzinfo=timezone(timedelta(hours=8))),
             "opened": True, "resalable": True}
    return facts, NOW


def test_fire_due_fires_each_timer_once(store, policy, tmp_path):
    for i in range(3):
        store.open_case(f"RMA-{i}", policy.decide(flash_refund(), NOW), NOW)
    later = NOW + timedelta(days=7)
    due = store.due(later)
    assert sorted(d["id"] for d in due) == ["RMA-0", "RMA-1", "RMA-2"]
    assert all(d["due"] <= later for d in due)
    report = store.fire_due(later, 2)
    assert report["cases"] == 2 and report["timers"] >= 2 and report["skipped"] == 0
    assert len(report["advanced"]) == 2
    rest = store.fire_due(later)
    assert rest["cases"] == 1 and rest["advanced"] == sorted(set(["RMA-0", "RMA-1", "RMA-2"]) - set(report["advanced"]))
    assert store.fire_due(later) == {"cases": 0, "timers": 0, "skipped": 0, "advanced": [], "held": 0,
                                     "failed": []}
    for i in range(3):
        assert store.get(f"RMA-{i}")["state"] == "payout_overdue"
        assert [e["kind"] for e in store.history(f"RMA-{i}")] == ["opened", "advance"]
        assert store.replay(f"RMA-{i}") == store.get(f"RMA-{i}")["case"]


def test_a_case_that_does_not_restore_is_reported_and_held(store, policy, tmp_path):
    for i in range(2):
        store.open_case(f"RMA-{i}", policy.decide(flash_refund(), NOW), NOW)
    with sqlite3.connect(tmp_path / "cases.db") as db:
        db.execute("UPDATE cases SET snapshot = '{}' WHERE case_id = 'RMA-0'")
    later = NOW + timedelta(days=7)
    report = store.fire_due(later)
    assert report["advanced"] == ["RMA-1"]
    assert [f["id"] for f in report["failed"]] == ["RMA-0"]
    assert "case `RMA-0` could not be fired" in report["failed"][0]["message"]
    again = store.fire_due(later)
    assert again["held"] == 1 and again["failed"] == [] and again["cases"] == 0


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e300, 0, -1])
def test_a_busy_timeout_out_of_range_is_refused(tmp_path, seconds):
    with pytest.raises(ValueError, match="busy_timeout"):
        aftersale.Store.open(str(tmp_path / "cases.db"), busy_timeout=seconds)


def test_migrate_moves_a_case_and_logs_it(store, policy):
    text = DEFAULT_POLICY.read_text()
    v2 = version_of(text, "2026.2")
    d = policy.decide(flash_refund(), NOW)
    store.open_case("RMA-1", d, NOW)
    at = NOW + timedelta(minutes=3)
    row = store.migrate("RMA-1", v2, at, actor="ops:alice")
    assert row["policy_version"] == "2026.2" and row["version"] == 2
    assert row["policy_hash"] == format(v2.content_hash, "016x")
    last = store.history("RMA-1")[-1]
    assert last["kind"] == "migrated" and last["actor"] == "ops:alice" and last["at"] == at
    assert last["from_policy_hash"] == d.policy_hash and last["policy_hash"] == row["policy_hash"]
    assert store.get("RMA-1")["case"].history[-1]["kind"] == "migrated"
    assert store.replay("RMA-1") == store.get("RMA-1")["case"]
    # The case goes on under the new version.
    paid = store.apply("RMA-1", "refund_paid", "finance", id="p", now=NOW + timedelta(minutes=5))
    assert paid["accepted"]
    assert store.replay("RMA-1") == store.get("RMA-1")["case"]


def test_errors_carry_their_codes(store, policy):
    store.open_case("RMA-1", policy.decide(flash_refund(), NOW), NOW)
    with pytest.raises(aftersale.StoreError) as e:
        store.get("nope")
    assert e.value.code == "E602" and "`nope`" in str(e.value)
    with pytest.raises(aftersale.StoreError) as e:
        store.open_case("RMA-1", policy.decide(flash_refund(), NOW), NOW)
    assert e.value.code == "E602"
    other = aftersale.loads(DEFAULT_POLICY.read_text().replace("id: ", "id: other_", 1), name="other.yaml")
    assert other.id != policy.id
    before = store.history("RMA-1")
    with pytest.raises(aftersale.StoreError) as e:
        store.migrate("RMA-1", other, NOW)
    assert e.value.code == "E608"
    assert store.history("RMA-1") == before  # nothing written
    with pytest.raises(aftersale.StoreError) as e:
        aftersale.Store.open("mysql://nowhere/db")
    assert e.value.code == "E600"
    store.close()
    with pytest.raises(aftersale.StoreError) as e:
        store.get("RMA-1")
    assert e.value.code == "E600"


def test_a_store_without_the_policy_refuses_with_e603(tmp_path, policy):
    path = str(tmp_path / "cases.db")
    with aftersale.Store.open(path) as s:
        s.open_case("RMA-1", policy.decide(flash_refund(), NOW), NOW)
    with aftersale.Store.open(path) as s:
        with pytest.raises(aftersale.StoreError) as e:
            s.get("RMA-1")
        assert e.value.code == "E603"


def test_a_store_call_waiting_for_a_lock_releases_the_gil(tmp_path, policy):
    """A thread's `apply` waits for a write lock another connection holds. The main thread can
    release that lock only if it gets the GIL meanwhile: were the GIL held while waiting, the
    lock would outlast the 3 s busy timeout and `apply` would fail with E600."""
    path = str(tmp_path / "cases.db")
    with aftersale.Store.open(path) as s:
        s.open_case("RMA-1", policy.decide(flash_refund(), NOW), NOW)
    # The worker's handle is opened first: opening takes the write lock too (schema check).
    worker = aftersale.Store.open(path, busy_timeout=3.0)
    worker.add_policy(policy)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    result = {}

    def work():
        try:
            started = time.monotonic()
            result["out"] = worker.apply("RMA-1", "refund_paid", "finance", id="p", now=NOW + timedelta(minutes=1))
            result["waited"] = time.monotonic() - started
        except Exception as x:  # noqa: BLE001 - reported below
            result["error"] = x

    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.3)
    holder.execute("COMMIT")
    holder.close()
    t.join()
    worker.close()
    assert "error" not in result, result.get("error")
    assert result["out"]["accepted"]
    assert 0.2 < result["waited"] < 2.5  # it did wait for the lock, and got it once released


def test_threads_with_their_own_handles(tmp_path, policy):
    """Threads each with their own handle on one file: they all finish, and the log is whole."""
    path = str(tmp_path / "cases.db")
    with aftersale.Store.open(path) as s:
        for i in range(4):
            s.open_case(f"RMA-{i}", policy.decide(flash_refund(), NOW), NOW)
    errors = []

    def work(i):
        try:
            with aftersale.Store.open(path) as s:
                s.add_policy(policy)
                for k in range(5):
                    s.apply(f"RMA-{(i + k) % 4}", "refund_paid", "finance", id=f"pay-{(i + k) % 4}",
                            now=NOW + timedelta(minutes=1))
        except Exception as x:  # noqa: BLE001 - reported below
            errors.append(x)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with aftersale.Store.open(path) as s:
        s.add_policy(policy)
        for i in range(4):
            log = s.history(f"RMA-{i}")
            assert [e["result"] for e in log].count("accepted") == 2  # opened + one payment
            assert s.replay(f"RMA-{i}") == s.get(f"RMA-{i}")["case"]
