# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: the repository's default policy, a fixed `now`, generated requests.

Run from the build tree's package: PYTHONPATH=<build>/bindings/python python3 -m pytest -W error tests/python
"""

import os
import pathlib
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import aftersale

SOURCE_DIR = pathlib.Path(os.environ.get("AFTERSALE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
DEFAULT_POLICY = SOURCE_DIR / "policies" / "default.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="session")
def policy():
    return aftersale.load(DEFAULT_POLICY)


@pytest.fixture
def now():
    return datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def refund_request():
    return {"order_status": "paid_unshipped", "request": "request_refund", "reason": "changed_mind", "amount": 12900}


def generate_requests(policy, n, seed=20261123):
    """`n` valid requests for the default policy: every declared enum value, money, bools,
    aware delivery times in several zones; optional facts left out at random."""
    rng = random.Random(seed)
    facts = policy.facts
    zones = [timezone.utc, SHANGHAI, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), timezone(timedelta(hours=-3))]
    base = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    out = []
    for _ in range(n):
        r = {}
        for name, f in facts.items():
            if f["derived"]:
                continue
            if not f["required"] and rng.random() < 0.35:
                continue
            t = f["type"]
            if t == "enum":
                r[name] = rng.choice(f["values"])
            elif t == "bool":
                r[name] = rng.random() < 0.5
            elif t == "money":
                r[name] = rng.choice([0, 1, 500, 1999, 2000, 2001, 12900, 49999, 50000, 50001, rng.randrange(0, 1_000_000)])
            elif t == "int":
                r[name] = rng.randrange(-5, 400)
            elif t == "timestamp":
                r[name] = (base - timedelta(seconds=rng.randrange(-86400, 40 * 86400))).astimezone(rng.choice(zones))
            elif t == "duration":
                r[name] = timedelta(seconds=rng.randrange(0, 10 * 86400))
            else:
                r[name] = rng.choice(f["values"] + ["some other text"])
        out.append(r)
    return out


def as_columns(policy, requests):
    """The dict-of-columns form of `requests` (None where a request leaves a fact out)."""
    names = [n for n, f in policy.facts.items() if not f["derived"]]
    return {n: [r.get(n) for r in requests] for n in names}


def row_of(columns, i):
    return {k: v[i] for k, v in columns.items()}


def expected_row(decision, columns):
    """What decide_many must give for one row, computed from a one-by-one Decision."""
    d = decision.to_dict()
    matched = decision.matched
    row = {
        "status": d["status"],
        "rule_id": d["rule_id"],
        "solution": d["solution"],
        "fee_payer": d["fee_payer"],
        "escalation": d["escalation"],
        "remark_flag": d["remark_flag"],
    }
    for k in columns:
        if k.startswith("deadline_"):
            row[k] = None
        elif k.startswith("amount_"):
            row[k] = None
    if matched:
        for dl in d["deadlines"]:
            row.setdefault("deadline_" + dl["clock"], None)
            if row["deadline_" + dl["clock"]] is None:
                row["deadline_" + dl["clock"]] = dl["due"]
        for name, value in d["amounts"].items():
            row["amount_" + name] = value
    return row
