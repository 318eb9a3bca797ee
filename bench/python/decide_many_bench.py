#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""decide_many on the neutral 60-rule workload (../shared/bench), from Python.

Converts data/rules-60.json to a policy (as bench/neutral/convert.cpp does), repeats the
100,000 requests of data/inputs-100k.json up to --rows, and times Policy.decide_many on them
as a dict of columns and as a list of dicts, conversion from the Python lists included; then
the one-at-a-time Policy.decide rate. Checks the workload's checksum on the first 100,000.

    cmake --build build-python --target _core            # -DAFTERSALE_BUILD_PYTHON=ON, Release
    cmake --build build-bench --target aftersale_neutral_data   # gen.js output (or bench/run.sh)
    PYTHONPATH=build-python/bindings/python /usr/bin/python3 bench/python/decide_many_bench.py \
        --data build-bench/bench/neutral/data
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

import aftersale

EXPECTED_CHECKSUM_60 = "697ef18256762e83"


def neutral_table_to_yaml(table, policy_id="neutral_60"):
    """The YAML policy for a neutral table (same mapping as bench/neutral/convert.cpp)."""
    if table["hit_policy"] != "first":
        raise ValueError("only `first` tables are supported")
    solutions, sla_hours = [], set()
    for r in table["rules"]:
        if r["then"]["solution"] not in solutions:
            solutions.append(r["then"]["solution"])
        sla_hours.add(r["then"]["sla_hours"])
    parties = next(c["values"] for c in table["outputs"] if c["name"] == "fee_payer")

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)

    def condition(cell):
        op = cell["op"]
        if op == "any":
            return ""
        if op == "eq":
            v = scalar(cell["value"])
            return "{eq: any}" if v == "any" else v
        if op == "lte":
            return "{le: %s}" % scalar(cell["value"])
        if op == "gte":
            return "{ge: %s}" % scalar(cell["value"])
        if op == "between":
            return "{between: [%s, %s]}" % (scalar(cell["min"]), scalar(cell["max"]))
        if op == "in":
            return "[" + ", ".join(scalar(v) for v in cell["values"]) + "]"
        raise ValueError("unsupported cell op `%s`" % op)

    out = [
        "format: 1",
        "policy:",
        "  id: " + policy_id,
        '  version: "1"',
        "  name: " + json.dumps(table.get("name", policy_id)),
        "  entry: neutral",
        "  calendar: utc",
        "vocabulary:",
        "  solutions: [" + ", ".join(solutions) + "]",
        "  parties: [" + ", ".join(parties) + "]",
        "  roles: [supervisor]",
        "facts:",
    ]
    for col in table["inputs"]:
        out.append("  %s:" % col["name"])
        if col["type"] == "enum":
            out += ["    type: enum", "    values: [" + ", ".join(col["values"]) + "]"]
        else:
            out.append("    type: " + col["type"])
        out.append("    required: true")
    out += ["calendars:", "  utc:", "    time_zone: UTC", "    hours:"]
    out += ['      %s: ["00:00-24:00"]' % d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    out.append("clocks:")
    for h in sorted(sla_hours):
        out += ["  sla_%dh:" % h, "    within: {hours: %d}" % h]
    out += ["decisions:", "  neutral:", "    hit_policy: first", "    rules:"]
    for r in table["rules"]:
        out.append("      - id: " + r["id"].lower())
        when = []
        for col in table["inputs"]:
            cell = r["when"].get(col["name"])
            c = condition(cell) if cell is not None else ""
            if c:
                when.append("          %s: %s" % (col["name"], c))
        if when:
            out += ["        when:"] + when
        t = r["then"]
        out += ["        then:", "          solution: " + t["solution"], "          fee_payer: " + t["fee_payer"]]
        if t["escalate"]:
            out.append("          escalation: supervisor")
        out.append("          clocks: [sla_%dh]" % t["sla_hours"])
    return "\n".join(out) + "\n"


def load_workload(data):
    """The neutral 60-rule table and its 100,000 inputs from gen.js's output folder, and the
    policy made of the table."""
    with open(os.path.join(data, "rules-60.json")) as f:
        table = json.load(f)
    with open(os.path.join(data, "inputs-100k.json")) as f:
        inputs = json.load(f)
    return table, inputs, aftersale.loads(neutral_table_to_yaml(table), "neutral-60.yaml")


def fnv64(lines):
    h = 0xCBF29CE484222325
    for line in lines:
        for b in line.encode():
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def checksum(columns, now, n):
    """FNV-1a 64 over `solution|sla_hours|fee_payer|escalate` per request (shared/bench/README.md)."""
    clocks = [k for k in columns if k.startswith("deadline_")]
    lines = []
    for i in range(n):
        due = next(columns[c][i] for c in clocks if columns[c][i] is not None)
        hours = int((due - now) / timedelta(hours=1))
        esc = 1 if columns["escalation"][i] is not None else 0
        lines.append("%s|%d|%s|%d\n" % (columns["solution"][i], hours, columns["fee_payer"][i], esc))
    return fnv64(lines)


def best_of(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="build-bench/bench/neutral/data", help="gen.js output folder (data/)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="decide_many workers (0: every core)")
    ap.add_argument("--single", type=int, default=100_000, help="requests for the one-at-a-time rate")
    args = ap.parse_args()

    table, inputs, policy = load_workload(args.data)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)

    reps = -(-args.rows // len(inputs))
    rows = (inputs * reps)[: args.rows]
    names = [c["name"] for c in table["inputs"]]
    columns = {n: [r[n] for r in rows] for n in names}
    print("policy %s: %d rules; %d requests, %d facts each; %d cores" % (
        policy.id, len(table["rules"]), len(rows), len(names), os.cpu_count()))

    got = policy.decide_many(columns, now, threads=args.threads)
    check = checksum(got, now, len(inputs))
    print("checksum of the first %d: %s (%s)" % (
        len(inputs), check, "ok" if check == EXPECTED_CHECKSUM_60 else "MISMATCH, expected " + EXPECTED_CHECKSUM_60))
    if check != EXPECTED_CHECKSUM_60:
        return 1

    for label, data in (("dict of columns", columns), ("list of dicts", rows)):
        best, median, _ = best_of(lambda: policy.decide_many(data, now, threads=args.threads), args.repeat)
        print("decide_many, %-15s: best %.1f ms, median %.1f ms -> %.2f M decisions/s (best), %.2f M/s (median)" % (
            label, best * 1e3, median * 1e3, len(rows) / best / 1e6, len(rows) / median / 1e6))

    single = rows[: args.single]

    def one_by_one(explain):
        for r in single:
            policy.decide(r, now, explain=explain)

    for explain in (False, True):
        best, median, _ = best_of(lambda: one_by_one(explain), max(1, args.repeat // 2))
        print("decide one at a time (explain=%s): %.0f ns each -> %.2f k decisions/s (best of %d x %d)" % (
            explain, best / len(single) * 1e9, len(single) / best / 1e3, max(1, args.repeat // 2), len(single)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
