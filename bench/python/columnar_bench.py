#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Columnar batches on the neutral 60-rule workload (../shared/bench), from Python, next to the
C++ decide_batch on the same data in the same run.

Converts data/rules-60.json to a policy (decide_many_bench.neutral_table_to_yaml), repeats the
100,000 requests of data/inputs-100k.json up to --rows as a pandas DataFrame (enums as
categoricals over the table's values, ints as int32, bools as bool), and times
Policy.decide_frame (DataFrame out) and Policy.decide_many (NumPy arrays out) on it, conversion
of the columns included; then runs the C++ benchmark binary (bench/batch_bench.cpp:
whole columns in, decide_batch, 2 threads) and prints decisions/s, medians of --repeat runs, the
ratio and the load average. Checks the workload's checksum on the first 100,000 rows.

    cmake -S . -B build/python -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_BUILD_PYTHON=ON ...
    cmake --build build/python --target _core
    cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_BUILD_BENCH=ON -DAFTERSALE_SANITIZERS=
    cmake --build build/bench --target aftersale_neutral_data aftersale_batch_bench
    PYTHONPATH=build/python/bindings/python /usr/bin/python3 bench/python/columnar_bench.py \\
        --data build/bench/bench/neutral/data --cpp build/bench/bench/aftersale_batch_bench
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

import aftersale

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decide_many_bench import EXPECTED_CHECKSUM_60, fnv64, load_workload  # noqa: E402

# The C++ side: whole columns in (set_column + finish) and decide_batch on 2 threads, timed
# together: what decide_frame does from a DataFrame. The view variant borrows the columns.
CPP_BENCHMARKS = ("BM_Batch_ColumnsAndDecide_Rules60", "BM_Batch_ViewAndDecide_Rules60")


def neutral_frame(table, inputs, rows):
    """The requests as typed columns, repeated to `rows`."""
    reps = -(-rows // len(inputs))
    columns = {}
    for col in table["inputs"]:
        name = col["name"]
        values = [r[name] for r in inputs]
        if col["type"] == "enum":
            one = pd.Categorical(values, categories=col["values"])
            columns[name] = pd.Categorical.from_codes(np.tile(one.codes, reps)[:rows], dtype=one.dtype)
        elif col["type"] == "int":
            columns[name] = np.tile(np.array(values, dtype=np.int32), reps)[:rows]
        else:
            columns[name] = np.tile(np.array(values, dtype=bool), reps)[:rows]
    return pd.DataFrame(columns)


def checksum(frame, now, n):
    """FNV-1a 64 over `solution|sla_hours|fee_payer|escalate` per request (shared/bench/README.md)."""
    head = frame.iloc[:n]
    clocks = [c for c in head.columns if c.startswith("deadline_")]
    due = head[clocks[0]]
    for c in clocks[1:]:
        due = due.fillna(head[c])
    hours = ((due - pd.Timestamp(now)) // pd.Timedelta(hours=1)).tolist()
    lines = ("%s|%d|%s|%d\n" % (s, h, f, 0 if pd.isna(e) else 1)
             for s, h, f, e in zip(head["solution"], hours, head["fee_payer"], head["escalation"]))
    return fnv64(lines)


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def run_cpp(binary, repeat):
    """decisions/s of each C++ benchmark: the median over `repeat` repetitions."""
    cmd = [binary, "--benchmark_filter=^(%s)(/|$)" % "|".join(CPP_BENCHMARKS), "--benchmark_format=json",
           "--benchmark_repetitions=%d" % repeat, "--benchmark_report_aggregates_only=true"]
    print("$ " + " ".join(cmd))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    rates = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            rates[b["run_name"].split("/")[0]] = b["items_per_second"]
    return rates


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="build/bench/bench/neutral/data", help="gen.js output folder (data/)")
    ap.add_argument("--cpp", default="build/bench/bench/aftersale_batch_bench", help="the C++ benchmark binary")
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0, help="decide workers (0: every core)")
    args = ap.parse_args()

    table, inputs, policy = load_workload(args.data)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    frame = neutral_frame(table, inputs, args.rows)
    print("policy %s: %d rules; %d requests, %d columns (%s); %d cores" % (
        policy.id, len(table["rules"]), len(frame), frame.shape[1],
        ", ".join(sorted({str(t) for t in frame.dtypes})), os.cpu_count()))

    out = policy.decide_frame(frame, now, threads=args.threads)
    check = checksum(out, now, len(inputs))
    print("checksum of the first %d: %s (%s)" % (
        len(inputs), check, "ok" if check == EXPECTED_CHECKSUM_60 else "MISMATCH, expected " + EXPECTED_CHECKSUM_60))
    if check != EXPECTED_CHECKSUM_60:
        return 1
    del out

    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    rates = {}
    for label, fn in (
        ("decide_frame (DataFrame in, DataFrame out)", lambda: policy.decide_frame(frame, now, threads=args.threads)),
        ("decide_many (DataFrame in, NumPy arrays out)", lambda: policy.decide_many(frame, now, threads=args.threads)),
    ):
        times = timed(fn, args.repeat)
        median = statistics.median(times)
        rates[label] = len(frame) / median
        print("%-45s median %7.1f ms, best %7.1f ms -> %6.2f M decisions/s (median), %6.2f M/s (best)" % (
            label, median * 1e3, min(times) * 1e3, len(frame) / median / 1e6, len(frame) / min(times) / 1e6))

    cpp = {}
    if os.path.exists(args.cpp):
        cpp = run_cpp(args.cpp, args.repeat)
        for name, rate in cpp.items():
            print("C++ %-41s median -> %6.2f M decisions/s" % (name, rate / 1e6))
    else:
        print("C++ benchmark %s not found: build aftersale_batch_bench (-DAFTERSALE_BUILD_BENCH=ON)" % args.cpp)
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())

    python = rates["decide_frame (DataFrame in, DataFrame out)"]
    verdict = "ok" if python >= 20e6 else "BELOW the 20 M/s target"
    print("decide_frame: %.2f M decisions/s (%s)" % (python / 1e6, verdict))
    if CPP_BENCHMARKS[0] in cpp:
        ratio = cpp[CPP_BENCHMARKS[0]] / python
        print("ratio C++ %s / decide_frame: %.2f (%s)" % (
            CPP_BENCHMARKS[0], ratio, "ok" if ratio <= 1.5 else "ABOVE the 1.5 target"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
