#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`aftersale diff` end to end (ctest `cli.diff.check`).

The baseline (policies/default.yaml) against the apparel store (examples/stores/apparel.yaml)
on the example traffic (examples/whatif/traffic.*) and on generated traffic. The expected report
is computed here independently: every request is decided on its own by `aftersale decide`
with each policy, and the comparison is counted in Python from those decisions. Also: CSV and
JSON lines give the same report, the report does not depend on the block size (blocks are
merged), standard input, and every refusal in tests/errors/whatif/ with its exact text.

    diff_check.py AFTERSALE SOURCE_DIR
"""
import csv
import datetime
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile

AFTERSALE = os.path.abspath(sys.argv[1])
ROOT = pathlib.Path(sys.argv[2]).resolve()
OLD = str(ROOT / "policies/default.yaml")
NEW = str(ROOT / "examples/stores/apparel.yaml")
NOW = "2026-11-02T10:00:00+08:00"
# The apparel store declares one fact of its own (examples/stores/apparel.yaml, `facts:`).
ONLY_NEW = {"hygiene_goods"}
STATUS_ORDER = {"matched": 0, "no_match": 1, "conflict": 2}
SHIFT_LIMITS = [3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600]

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(args, stdin=None, cwd=None):
    return subprocess.run([AFTERSALE] + args, input=stdin, capture_output=True, text=True, cwd=cwd)


def diff(requests, *extra, cwd=None, stdin=None):
    return run(["diff", OLD, NEW, "--policy-path", str(ROOT / "policies"), "-r", requests, "--now", NOW, *extra],
               stdin=stdin, cwd=cwd)


def decide_all(policy, rows, drop):
    """Each request decided alone by `aftersale decide`, in order."""
    with tempfile.TemporaryDirectory() as tmp:
        for i, facts in enumerate(rows):
            with open(os.path.join(tmp, f"{i:06d}.json"), "w", encoding="utf-8") as f:
                json.dump({"facts": {k: v for k, v in facts.items() if k not in drop}}, f, ensure_ascii=False)
        p = run(["decide", "-p", policy, "--policy-path", str(ROOT / "policies"), "-r", tmp, "--now", NOW,
                 "--format", "json"])
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        return out if isinstance(out, list) else [out]


def epoch(utc):
    return int(datetime.datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())


def bucket(seconds):
    b = 0
    while b < len(SHIFT_LIMITS) and abs(seconds) >= SHIFT_LIMITS[b]:
        b += 1
    return b


def expected_report(rows, samples=3):
    """The report counted from one-by-one decisions."""
    old = decide_all(OLD, rows, ONLY_NEW)
    new = decide_all(NEW, rows, set())
    changed = 0
    changes = dict(status=0, rule=0, solution=0, fee_payer=0, amounts=0, deadlines=0)
    rules, solutions, money, clocks = {}, {}, {}, {}

    def view(d):
        matched = d["status"] == "matched"
        payer = d.get("fee_payer") if matched else None
        return dict(status=d["status"], rule=d.get("rule") if matched else None,
                    solution=d.get("solution") if matched else None, payer=payer,
                    money={(name, payer): v for name, v in (d.get("amounts") or {}).items()} if matched else {},
                    deadlines={x["clock"]: epoch(x["due_utc"]) for x in d.get("deadlines") or []} if matched else {})

    for i, (o, n) in enumerate(zip(old, new)):
        o, n = view(o), view(n)
        diffs = dict(status=o["status"] != n["status"], rule=o["rule"] != n["rule"],
                     solution=o["solution"] != n["solution"], fee_payer=o["payer"] != n["payer"],
                     amounts=o["money"] != n["money"], deadlines=o["deadlines"] != n["deadlines"])
        row_changed = any(diffs.values())
        changed += row_changed
        for k, v in diffs.items():
            changes[k] += v
        for table, key in ((rules, (o["status"], o["rule"], n["status"], n["rule"])),
                           (solutions, (o["solution"], n["solution"]))):
            g = table.setdefault(key, dict(rows=0, changed=0, samples=[]))
            g["rows"] += 1
            if row_changed:
                g["changed"] += 1
                if len(g["samples"]) < samples:
                    g["samples"].append(i)
        for key in set(o["money"]) | set(n["money"]):
            m = money.setdefault(key, dict(before_total=0, after_total=0, before_rows=0, after_rows=0, changed_rows=0))
            if key in o["money"]:
                m["before_total"] += o["money"][key]
                m["before_rows"] += 1
            if key in n["money"]:
                m["after_total"] += n["money"][key]
                m["after_rows"] += 1
            m["changed_rows"] += o["money"].get(key) != n["money"].get(key) or (key in o["money"]) != (key in n["money"])
        for clock in set(o["deadlines"]) | set(n["deadlines"]):
            c = clocks.setdefault(clock, dict(earlier=0, later=0, same=0, total_shift_seconds=0, min_shift_seconds=0,
                                              max_shift_seconds=0, earlier_by=[0] * 5, later_by=[0] * 5,
                                              only_before=0, only_after=0))
            if clock not in n["deadlines"]:
                c["only_before"] += 1
            elif clock not in o["deadlines"]:
                c["only_after"] += 1
            else:
                shift = n["deadlines"][clock] - o["deadlines"][clock]
                c["total_shift_seconds"] += shift
                if shift < 0:
                    c["earlier"] += 1
                    c["earlier_by"][bucket(shift)] += 1
                    c["min_shift_seconds"] = min(c["min_shift_seconds"], shift)
                elif shift > 0:
                    c["later"] += 1
                    c["later_by"][bucket(shift)] += 1
                    c["max_shift_seconds"] = max(c["max_shift_seconds"], shift)
                else:
                    c["same"] += 1
    return dict(total=len(rows), changed=changed, changes=changes, rules=rules, solutions=solutions, money=money,
                deadlines=clocks)


def compare(report, expected, what):
    check(report["total"] == expected["total"], f"{what}: total {report['total']} != {expected['total']}")
    check(report["changed"] == expected["changed"], f"{what}: changed {report['changed']} != {expected['changed']}")
    check(report["changes"] == expected["changes"], f"{what}: changes {report['changes']} != {expected['changes']}")
    rules = {(g["before_status"], g["before_rule"], g["after_status"], g["after_rule"]):
             dict(rows=g["rows"], changed=g["changed"], samples=g["samples"]) for g in report["rules"]}
    check(rules == expected["rules"], f"{what}: rule groups\n  {rules}\n  {expected['rules']}")
    solutions = {(g["before"], g["after"]): dict(rows=g["rows"], changed=g["changed"], samples=g["samples"])
                 for g in report["solutions"]}
    check(solutions == expected["solutions"], f"{what}: solution groups\n  {solutions}\n  {expected['solutions']}")
    money = {(m["amount"], m["payer"]): {k: m[k] for k in ("before_total", "after_total", "before_rows", "after_rows",
                                                            "changed_rows")} for m in report["money"]}
    check(money == expected["money"], f"{what}: money\n  {money}\n  {expected['money']}")
    for m in report["money"]:
        check(m["delta"] == m["after_total"] - m["before_total"], f"{what}: delta of {m['amount']}")
    clocks = {d["clock"]: {k: v for k, v in d.items() if k != "clock"} for d in report["deadlines"]}
    check(clocks == expected["deadlines"], f"{what}: deadlines\n  {clocks}\n  {expected['deadlines']}")
    # The one order: groups by changed rows, then rows (most first), then ids; the rest by id.
    def group_order(g):
        return (-g["changed"], -g["rows"], STATUS_ORDER[g["before_status"]], g["before_rule"] or "",
                STATUS_ORDER[g["after_status"]], g["after_rule"] or "")
    check(report["rules"] == sorted(report["rules"], key=group_order), f"{what}: rule groups out of order")
    check(report["solutions"] == sorted(report["solutions"], key=lambda g: (-g["changed"], -g["rows"], g["before"] or "",
                                                                              g["after"] or "")),
          f"{what}: solution groups out of order")
    check([(m["amount"], m["payer"] or "") for m in report["money"]] ==
          sorted((m["amount"], m["payer"] or "") for m in report["money"]), f"{what}: money out of order")
    check(report["facts_only_before"] == [] and report["facts_only_after"] == sorted(
        ONLY_NEW & {k for r in ROWS for k in r}), f"{what}: facts only one policy reads")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- the example traffic, both formats ----
example = ROOT / "examples/whatif"
ROWS = read_jsonl(example / "traffic.jsonl")
expected = expected_report(ROWS)
check(expected["changed"] > 0 and expected["changed"] < len(ROWS), "the example traffic changes some decisions, not all")
reports = {}
for fmt in ("csv", "jsonl"):
    p = diff(str(example / f"traffic.{fmt}"), "--format", "json")
    check(p.returncode == 0 and p.stderr == "", f"diff traffic.{fmt}: exit {p.returncode} {p.stderr}")
    reports[fmt] = p.stdout
    compare(json.loads(p.stdout), expected, f"traffic.{fmt}")
check(reports["csv"] == reports["jsonl"], "CSV and JSON lines give different reports")
texts = {}
for fmt in ("csv", "jsonl"):
    texts[fmt] = diff(str(example / f"traffic.{fmt}")).stdout
# The same, but for the line numbers: the CSV's header is line 1.
check(re.sub(r"line (\d+):", lambda m: f"line {int(m.group(1)) - 1}:", texts["csv"]) == texts["jsonl"],
      "CSV and JSON lines give different text reports")
check("line 2: order_status=paid_unshipped request=request_refund" in texts["csv"],
      "the text shows the sample requests' lines and facts")
# Blocks of any size merge into the same report.
for rows in ("1", "2", "3", "7"):
    for fmt in ("csv", "jsonl"):
        p = diff(str(example / f"traffic.{fmt}"), "--format", "json", "--block-rows", rows)
        check(p.stdout == reports["csv"], f"traffic.{fmt} in blocks of {rows}: another report")
        p = diff(str(example / f"traffic.{fmt}"), "--block-rows", rows)
        check(p.stdout == texts[fmt], f"traffic.{fmt} in blocks of {rows}: another text")
# Standard input, the format named.
with open(example / "traffic.csv", encoding="utf-8") as f:
    p = diff("-", "--requests-format", "csv", "--format", "json", stdin=f.read())
check(p.stdout == reports["csv"], "the CSV from standard input gives another report")
# --fail-on-change
check(diff(str(example / "traffic.csv"), "--fail-on-change").returncode == 3, "--fail-on-change: exit 3")

# ---- generated traffic: every combination the example columns allow, at random ----
rng = random.Random(14)
values = {
    "order_status": ["paid_unshipped", "shipped", "delivered", "completed"],
    "request": ["request_refund", "cancel_order", "request_return_refund", "request_exchange", "urge_shipment"],
    "reason": ["changed_mind", "quality_issue", "ordered_wrong_size", None],
    "amount": [900, 4500, 12900, 50000, 50001, 68000],
    "customer_tier": ["new", "regular", "vip", None],
    "channel": ["self_service", "agent", None],
    "delivered_at": ["2026-10-30T20:00:00+08:00", "2026-10-20T09:00:00+08:00", None],
    "opened": [True, False, None],
    "resalable": [True, False, None],
    "hygiene_goods": [True, False, None],
}
ROWS = []
for _ in range(240):
    row = {k: rng.choice(v) for k, v in values.items()}
    ROWS.append({k: v for k, v in row.items() if v is not None})
expected = expected_report(ROWS, samples=2)
with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "gen.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)  # CRLF line ends, as RFC 4180 writes them
        w.writerow(values.keys())
        for r in ROWS:
            w.writerow(["" if r.get(k) is None else str(r[k]).lower() if isinstance(r[k], bool) else r[k]
                        for k in values])
    with open(os.path.join(tmp, "gen.ndjson"), "w", encoding="utf-8") as f:
        for r in ROWS:
            f.write(json.dumps(r) + "\n")
    whole = None
    for name in ("gen.csv", "gen.ndjson"):
        for block in ("65536", "17"):
            p = diff(os.path.join(tmp, name), "--format", "json", "--samples", "2", "--block-rows", block)
            check(p.returncode == 0, f"{name}: exit {p.returncode} {p.stderr}")
            compare(json.loads(p.stdout), expected, f"{name} in blocks of {block}")
            whole = whole or p.stdout
            check(p.stdout == whole, f"{name} in blocks of {block}: another report")

# ---- refusals: tests/errors/whatif/, exact text ----
fixtures = ROOT / "tests/errors/whatif"
for path in sorted(fixtures.iterdir()):
    if path.suffix in (".expect", ".md", ".json"):
        continue
    p = run(["diff", OLD, NEW, "--policy-path", str(ROOT / "policies"), "-r", path.name, "--now", NOW], cwd=fixtures)
    want = path.with_suffix(".expect").read_text(encoding="utf-8")
    check(p.returncode == 2, f"{path.name}: exit {p.returncode}, expected 2")
    check(p.stdout == "", f"{path.name}: a report was printed")
    check(p.stderr == want, f"{path.name}: stderr\n{p.stderr}expected\n{want}")

# A policy that does not load: exit 1, its diagnostics.
p = run(["diff", str(ROOT / "tests/errors/E105_unknown_key.yaml"), NEW, "-r", str(example / "traffic.csv")])
check(p.returncode == 1 and "error[E105]" in p.stderr and p.stdout == "", f"a bad policy: exit {p.returncode}")
# A table a policy does not have.
p = diff(str(example / "traffic.csv"), "--table", "nope")
check(p.returncode == 2 and p.stderr.startswith(str(example / "traffic.csv") + ": error[E304]: unknown decision table `nope`"),
      f"--table nope: {p.returncode} {p.stderr}")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
