#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Decide a generated batch of after-sales requests with the default policy, show the solution
mix and the deadline distribution, then walk one case through its flow.

    PYTHONPATH=build-python/bindings/python /usr/bin/python3 examples/python/decide_batch.py [--n 20000] [--seed 7]
"""

import argparse
import pathlib
import random
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas

import aftersale

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def generate(policy, n, seed, now):
    """`n` valid requests: every declared fact that is not derived, random values of its type
    (enum values from the declaration, money in 分, aware timestamps); optional facts left out
    at random."""
    rng = random.Random(seed)
    facts = {name: f for name, f in policy.facts.items() if not f["derived"]}
    requests = []
    for _ in range(n):
        r = {}
        for name, f in facts.items():
            if not f["required"] and rng.random() < 0.3:
                continue
            kind = f["type"]
            if kind == "enum":
                r[name] = rng.choice(f["values"])
            elif kind == "bool":
                r[name] = rng.random() < 0.5
            elif kind == "money":
                r[name] = rng.choice([990, 4900, 12900, 19900, 49900, 50000, rng.randrange(100, 500_000)])
            elif kind == "int":
                r[name] = rng.randrange(0, 100)
            elif kind == "timestamp":
                r[name] = now - timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
            elif kind == "duration":
                r[name] = timedelta(minutes=rng.randrange(0, 7 * 24 * 60))
            elif f["values"]:
                r[name] = rng.choice(f["values"])
        requests.append(r)
    return requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default=str(ROOT / "policies" / "default.yaml"))
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    policy = aftersale.load(args.policy)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    requests = generate(policy, args.n, args.seed, now)
    print(f"{policy!r}: deciding {len(requests):,} generated requests")

    started = time.perf_counter()
    frame = pandas.DataFrame(policy.decide_many(requests, now))
    seconds = time.perf_counter() - started
    print(f"decide_many: {len(frame):,} decisions in {seconds * 1000:.0f} ms\n")

    print("status:")
    print(frame["status"].value_counts().to_string(), "\n")
    print("solution mix:")
    print(frame["solution"].value_counts(dropna=False).to_string(), "\n")

    # Hours from `now` to each deadline, per clock: where the SLA pressure falls.
    rows = []
    utc_now = now.astimezone(timezone.utc)
    for column in (c for c in frame.columns if c.startswith("deadline_")):
        due = frame[column].dropna()
        if due.empty:
            continue
        hours = due.map(lambda d: (d - utc_now).total_seconds() / 3600).astype(float)
        q = hours.quantile([0.5, 0.9, 0.99])
        rows.append({"clock": column[len("deadline_"):], "requests": len(hours), "p50_h": q[0.5], "p90_h": q[0.9],
                     "p99_h": q[0.99], "max_h": hours.max()})
    print("deadlines (hours from now):")
    print(pandas.DataFrame(rows).set_index("clock").round(1).to_string(), "\n")

    # One case through its flow: the first return whose case an agent may approve right away
    # (a return for a fault first waits for photos: the flow refuses `approve` until then).
    approved_at = now + timedelta(minutes=20)
    refused = []
    for index in (i for i, s in enumerate(frame["solution"]) if s == "return_then_refund"):
        decision = policy.decide(requests[index], now)
        case = policy.open_case(decision, now)
        outcome = case.apply("approve", "agent", approved_at, id="evt-1")
        if outcome.accepted:
            break
        refused.append(f"request {index} ({decision.rule_id}): {outcome.message}")
    else:
        raise SystemExit("no return case in the batch could be approved")
    if refused:
        print(f"{len(refused)} earlier return case(s) refused `approve`, e.g. {refused[0]}")
    print(f"request {index}: {decision.rule_id} -> {decision.solution}; case opened in {case.flow}")
    print(f"approve (agent): {outcome.message}; actions: {outcome.actions}")
    print(f"next timer: {case.next_deadline()}")
    for fired in case.advance(now + timedelta(days=3)):
        print(f"timer: {fired.message}; actions: {fired.actions}")
    print(f"after 3 days: {case.state} ({case.state_label('en')}; the customer sees "
          f"{case.state_label('en', customer=True)!r}), phase {case.phase}, escalation {case.escalation}")
    print("history:")
    for entry in case.history:
        print("  " + entry["text"])
    assert aftersale.Case.restore(policy, case.snapshot()) == case


if __name__ == "__main__":
    main()
