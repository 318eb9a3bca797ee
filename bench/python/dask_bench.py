#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""aftersale.dask.decide on the neutral 60-rule workload (../shared/bench): --rows requests
(default 10 M) on a LocalCluster of --workers worker processes (1 thread each) against
Policy.decide_frame in this one process, medians of --repeat runs, with the load average.

The requests are the workload's 100,000 inputs repeated, as a pandas DataFrame (enum facts
categorical, ints int64, bools bool). On the cluster they are built on the workers and kept
there (persist), as a real cluster reads its partitions from storage; what is timed is each
path's decide plus a cheap reduction (decisions per rule and per solution), so that both
answer the same small result and no 10 M-row frame crosses a process boundary.
A last timing brings the whole decided frame back to this process, for what that costs.

    cmake --build build/python --target _core     # -DAFTERSALE_BUILD_PYTHON=ON, Release
    node ../shared/bench/gen.js --out build/neutral   # or the aftersale_neutral_data target
    PYTHONPATH=build/python/bindings/python /usr/bin/python3 bench/python/dask_bench.py \
        --data build/neutral/data
"""

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

import aftersale

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decide_many_bench import EXPECTED_CHECKSUM_60, checksum, load_workload  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def base_frame(table, inputs):
    """The workload's inputs as typed columns: categoricals for enums."""
    columns = {}
    for col in table["inputs"]:
        values = [r[col["name"]] for r in inputs]
        if col["type"] == "enum":
            columns[col["name"]] = pd.Categorical(values, categories=col["values"])
        elif col["type"] == "bool":
            columns[col["name"]] = np.array(values, dtype=bool)
        else:
            columns[col["name"]] = np.array(values, dtype=np.int64)
    return pd.DataFrame(columns)


def tiled(base, rows, start=0):
    """`rows` rows of `base` repeated, the first being row `start` of the repetition."""
    idx = (np.arange(start, start + rows) % len(base)).astype(np.int64)
    out = base.iloc[idx]
    out.index = pd.RangeIndex(start, start + rows)
    return out


def summary(decided):
    """What both paths answer: decisions per rule and per solution (cheap on categoricals, so
    that the timings are the deciding's)."""
    return decided["rule_id"].value_counts(sort=False), decided["solution"].value_counts(sort=False)


def timed(fn, repeat):
    times, loads, result = [], [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        loads.append(os.getloadavg()[0])
    return statistics.median(times), min(times), max(loads), result


def report(label, rows, median, best, load):
    print(
        "%-44s median %7.0f ms, best %7.0f ms -> %6.2f M decisions/s (median); load average (1 min) up to %.2f"
        % (label, median * 1e3, best * 1e3, rows / median / 1e6, load)
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="build/neutral/data", help="gen.js output folder (data/)")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-gather", action="store_true", help="skip timing the whole frame brought back")
    args = ap.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed

    import aftersale.dask

    table, inputs, policy = load_workload(args.data)
    base = base_frame(table, inputs)
    check = checksum(policy.decide_many({c: base[c].tolist() for c in base}, NOW), NOW, len(inputs))
    print(
        "policy %s: %d rules; %d requests (the 100k inputs repeated), %d partitions; %d cores; checksum %s (%s)"
        % (policy.id, len(table["rules"]), args.rows, args.partitions, os.cpu_count(), check,
           "ok" if check == EXPECTED_CHECKSUM_60 else "MISMATCH")
    )
    if check != EXPECTED_CHECKSUM_60:
        return 1
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())

    # --- one process: decide_frame on every core (threads=0), then the summary ---
    frame = tiled(base, args.rows)
    single_median, single_best, single_load, single = timed(lambda: summary(policy.decide_frame(frame, NOW)), args.repeat)
    report("one process, decide_frame (threads=0)", args.rows, single_median, single_best, single_load)
    median, best, load, _ = timed(lambda: summary(policy.decide_frame(frame, NOW, threads=1)), args.repeat)
    report("one process, decide_frame (threads=1)", args.rows, median, best, load)
    del frame

    # --- the cluster: partitions built and kept on the workers, then decide + summary ---
    bounds = np.linspace(0, args.rows, args.partitions + 1).astype(np.int64)
    parts = [dask.delayed(tiled)(base, int(b - a), int(a)) for a, b in zip(bounds[:-1], bounds[1:])]
    with distributed.LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(args.workers)
        ddf = dd.from_delayed(parts, meta=base.iloc[:0], divisions=[int(b) for b in bounds[:-1]] + [args.rows - 1])
        ddf = ddf.persist()
        distributed.wait(ddf)

        def on_cluster():
            return dask.compute(*summary(aftersale.dask.decide(ddf, policy, NOW)))

        median, best, load, result = timed(on_cluster, args.repeat)
        report("%d worker processes, aftersale.dask.decide" % args.workers, args.rows, median, best, load)
        same = all(a.sort_index().equals(b.sort_index()) for a, b in zip(result, single))
        print("  same summary as the one process: %s; loads per worker: %s" % (
            same, sorted(client.run(aftersale.dask.loaded_policies).values(), key=str)))
        if not args.no_gather:
            median, best, load, _ = timed(lambda: aftersale.dask.decide(ddf, policy, NOW).compute(), max(1, args.repeat // 2))
            report("  ... and the decided frame brought back", args.rows, median, best, load)
        if not same:
            return 1
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
