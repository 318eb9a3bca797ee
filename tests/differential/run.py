# SPDX-License-Identifier: Apache-2.0
"""Differential test: the C++ library (through the `aftersale` package) against reference.py.

    run.py [--policies N] [--requests N] [--flows N] [--steps N] [--seed S] [--out DIR]

For each generated policy it decides `--requests` random requests with `decide_many` (in batches,
each batch at its own `now`), plus the multi-rule results one by one with `decide`, and compares
status, rule ids, solution, fee payer, escalation, every deadline and every amount with the
reference. Then it walks `--flows` random event streams of `--steps` steps through generated flows
and compares every outcome and the case after every step. A mismatch writes the policy YAML and
the request (or event stream) JSON to DIR/<seed>/ and the run exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aftersale  # noqa: E402

import generate  # noqa: E402
import reference  # noqa: E402

UTC = dt.timezone.utc
# A deadline that never falls due comes back as the last whole second Python can hold.
MAX_DT = dt.datetime.max.replace(tzinfo=UTC, microsecond=0)


def to_unix(v):
    if v is None:
        return None
    if v >= MAX_DT:
        return reference.NEVER
    return int(v.timestamp())


def utc(t: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, UTC)


def _plain(v):
    """JSON for the Python values a request may hold: the same instant or length, as text/seconds."""
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return int(v.total_seconds())
    return str(v)


class Mismatches:
    def __init__(self, out_dir, limit=5):
        self.out_dir = out_dir
        self.count = 0
        self.limit = limit

    def report(self, seed, policy_yaml, what, detail, repro):
        self.count += 1
        if self.count > self.limit:
            return
        folder = os.path.join(self.out_dir, f"{seed}-{self.count}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "policy.yaml"), "w", encoding="utf-8") as f:
            f.write(policy_yaml)
        with open(os.path.join(folder, f"{what}.json"), "w", encoding="utf-8") as f:
            json.dump(repro, f, ensure_ascii=False, indent=1, default=_plain)
        print(f"MISMATCH seed {seed} ({what}): {detail}\n  reproducer: {folder}/ (policy.yaml, {what}.json; "
              f"replay.py {folder})", flush=True)
        if "request" in repro:
            print("  request:", json.dumps(repro["request"], ensure_ascii=False, default=_plain), flush=True)


def json_request(req):
    return {k: v for k, v in req.items()}


def compare_batch(pol_cxx, ref, gen, reqs, now, mm, policy_yaml, stats):
    if gen.r.random() < 0.3:
        # the other input form: a dict of columns, None for a fact left out, on every core
        names = sorted({k for q in reqs for k in q})
        columns = {k: [q.get(k) for q in reqs] for k in names}
        cols = pol_cxx.decide_many(columns, utc(now), threads=0)
    else:
        cols = pol_cxx.decide_many(reqs, utc(now), threads=1)
    clocks = list(ref.clocks)
    for i, req in enumerate(reqs):
        exp = ref.decide(req, now)
        got = {"status": cols["status"][i]}
        want = {"status": exp["status"]}
        if exp["status"] == "matched":
            want.update(rule_id=exp["rules"][0], solution=exp["solution"], fee_payer=exp["fee_payer"],
                        escalation=exp["escalation"])
            got.update(rule_id=cols["rule_id"][i], solution=cols["solution"][i], fee_payer=cols["fee_payer"][i],
                       escalation=cols["escalation"][i])
            for c in clocks:
                key = f"deadline_{c}"
                if key in cols:
                    got[key] = to_unix(cols[key][i])
                    want[key] = exp["deadlines"].get(c)
                elif c in exp["deadlines"]:
                    want[key] = exp["deadlines"][c]
            for k in cols:
                if k.startswith("amount_"):
                    got[k] = cols[k][i]
                    want[k] = exp["amounts"].get(k[len("amount_"):])
            for name, v in exp["amounts"].items():
                want.setdefault(f"amount_{name}", v)
        stats["requests"] += 1
        stats["status_" + exp["status"]] = stats.get("status_" + exp["status"], 0) + 1
        stats["deadlines"] += sum(1 for k, v in want.items() if k.startswith("deadline_") and v is not None)
        stats["amounts"] += sum(1 for k, v in want.items() if k.startswith("amount_") and v is not None)
        if got != want:
            diff = {k: (want.get(k), got.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
            mm.report(gen.seed, policy_yaml, "request",
                      f"request {i} at {utc(now).isoformat()}: (reference, c++) {diff}",
                      {"now": utc(now).isoformat(), "request": json_request(req), "reference": want, "cxx": got})


def compare_single(pol_cxx, ref, gen, req, now, mm, policy_yaml, stats):
    """decide() one by one: the full list of selected rules (collect, conflicts, ...)."""
    d = pol_cxx.decide(req, utc(now), explain=False)
    exp = ref.decide(req, now)
    got = {"status": d.status, "rules": list(d.rules)}
    want = {"status": exp["status"], "rules": exp["rules"]}
    if "aggregate" in exp:
        got["aggregate"] = d.aggregate
        want["aggregate"] = exp["aggregate"]
        stats["aggregates"] += exp["aggregate"] is not None
    if exp["status"] == "matched":
        got["deadlines"] = {x.clock: to_unix(x.due) for x in d.deadlines}
        got["amounts"] = dict(d.amounts)
        want["deadlines"] = exp["deadlines"]
        want["amounts"] = exp["amounts"]
    stats["singles"] += 1
    if got != want:
        mm.report(gen.seed, policy_yaml, "request",
                  f"decide at {utc(now).isoformat()}: reference {want}, c++ {got}",
                  {"now": utc(now).isoformat(), "request": json_request(req), "reference": want, "cxx": got})


def run_policy(seed, n_requests, mm, stats, batch=200):
    gen = generate.PolicyGen(seed)
    policy_yaml = generate.to_yaml(gen.doc)
    try:
        pol_cxx = aftersale.loads(policy_yaml, name=f"gen_{seed}.yaml")
    except aftersale.Error as e:
        mm.report(seed, policy_yaml, "load", f"the generated policy does not load: {e}", {})
        return
    ref = reference.Policy(gen.doc)
    stats["policies"] += 1
    stats["hit_" + gen.hit_policy] = stats.get("hit_" + gen.hit_policy, 0) + 1
    done = 0
    while done < n_requests:
        k = min(batch, n_requests - done)
        now = gen.now()
        reqs = [gen.request() for _ in range(k)]
        compare_batch(pol_cxx, ref, gen, reqs, now, mm, policy_yaml, stats)
        # one by one, each at its own `now`: every rule selected, deadlines from many starts
        for req in reqs[: max(1, k // 10)]:
            compare_single(pol_cxx, ref, gen, req, gen.now(), mm, policy_yaml, stats)
        done += k
    for _ in range(max(1, n_requests // 100)):
        req = gen.bad_request()
        want = ref.check(req)
        try:
            pol_cxx.decide(req, utc(gen.now()), explain=False)
            got = None
        except aftersale.RequestError as e:
            got = (e.code, e.fact)
        stats["bad_requests"] += 1
        if got != want:
            mm.report(gen.seed, policy_yaml, "request", f"bad request: reference {want}, c++ {got}",
                      {"request": json_request(req), "reference": want, "cxx": got})


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--policies", type=int, default=50)
    ap.add_argument("--requests", type=int, default=500, help="requests per policy")
    ap.add_argument("--flows", type=int, default=50, help="flow policies")
    ap.add_argument("--streams", type=int, default=20, help="event streams per flow policy")
    ap.add_argument("--steps", type=int, default=30, help="events per stream")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="build/differential")
    args = ap.parse_args(argv)
    mm = Mismatches(args.out)
    stats = {"policies": 0, "requests": 0, "singles": 0, "deadlines": 0, "amounts": 0, "bad_requests": 0,
             "aggregates": 0}
    t = time.time()
    for i in range(args.policies):
        run_policy(args.seed * 1000003 + i, args.requests, mm, stats)
    if args.flows:
        import flows
        fstats = flows.run(args, mm)
        stats.update(fstats)
    stats["mismatches"] = mm.count
    stats["seconds"] = round(time.time() - t, 1)
    print(json.dumps(stats, sort_keys=True))
    return 1 if mm.count else 0


if __name__ == "__main__":
    sys.exit(main())
