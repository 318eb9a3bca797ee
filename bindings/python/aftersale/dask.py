# SPDX-License-Identifier: Apache-2.0
"""aftersale on a Dask cluster: decide, and compare two policies, over a Dask DataFrame.

    import aftersale, aftersale.dask
    from dask.distributed import Client

    client = Client("tcp://scheduler:8786")          # or a LocalCluster; workers have aftersale
    requests = dask.dataframe.read_parquet("orders/*.parquet")   # columns: fact names
    decisions = aftersale.dask.decide(requests, policy, now)     # a Dask DataFrame, lazy
    decisions.solution.value_counts().compute()
    report = aftersale.dask.diff(requests, baseline, store, now) # a DiffReport, computed

Each partition is decided by ``Policy.decide_frame`` (``Policy.diff`` for ``diff``), on whatever
worker the scheduler picks. The policy travels with the tasks as its source texts and content
hash, never as compiled data; a worker process loads it once (``aftersale.loads_sources``,
checked against the hash) and keeps it for every later partition and call
(``loaded_policies()``). docs/scale.md explains the design and its figures.

Imported on its own (``import aftersale.dask``): ``import aftersale`` does not import Dask.
"""

import re
import threading

import dask
import dask.dataframe as dd
import pandas as pd

import aftersale

__all__ = ["decide", "diff", "loaded_policies"]

# This process's policies by content hash, and how often each was loaded here (a worker's
# partitions and calls share one load; see loaded_policies).
_POLICIES = {}
_LOADS = {}
_LOCK = threading.Lock()


class _Shipped:
    """A policy as tasks carry it: its source texts and content hash (what pickles), and
    the process's loaded policy of that hash, loaded on first use."""

    __slots__ = ("content_hash", "sources")

    def __init__(self, policy):
        self.content_hash = policy.content_hash
        self.sources = policy.sources
        if not self.sources:
            raise TypeError("a policy built without source text cannot be sent to Dask workers")
        with _LOCK:
            _POLICIES.setdefault(self.content_hash, policy)  # the caller's process needs no load

    def __getstate__(self):
        return (self.content_hash, self.sources)

    def __setstate__(self, state):
        self.content_hash, self.sources = state

    def policy(self):
        p = _POLICIES.get(self.content_hash)
        if p is not None:
            return p
        with _LOCK:  # the threads of one worker load it once
            p = _POLICIES.get(self.content_hash)
            if p is None:
                p = aftersale.loads_sources(self.sources, self.content_hash)
                _POLICIES[self.content_hash] = p
                _LOADS[self.content_hash] = _LOADS.get(self.content_hash, 0) + 1
            return p


def loaded_policies():
    """{content_hash: times loaded} of the policies this process loaded from shipped texts: 1
    for each policy a worker ever decided with, however many partitions and calls
    (``client.run(aftersale.dask.loaded_policies)`` asks every worker). The caller's own
    policies are used as they are, never loaded again."""
    with _LOCK:
        return dict(_LOADS)


# A row named in a request error: `column `x` row 17 (index `9`)` or `request 17`.
_ROW = re.compile(r"(column `(?:[^`]|``)*` row |request )(\d+)( \(index `([^`]*)`\))?")


def _shift_rows(text, offset):
    def shifted(m):
        row = int(m.group(2)) + offset
        # The index label is worth naming only where it is not the global position.
        label = m.group(3) if m.group(3) and m.group(4) != str(row) else ""
        return f"{m.group(1)}{row}{label}"

    return _ROW.sub(shifted, text, count=1)


def _at_global_rows(error, offset):
    """`error` (a RequestError of one partition) with its rows counted from the first row of
    the whole frame: the partition starts at row `offset`."""
    shifted = type(error)(_shift_rows(str(error), offset))
    shifted.__dict__.update(error.__dict__)
    shifted.problems = [
        aftersale.RequestProblem(p.code, p.fact or "", _shift_rows(p.message, offset), p.help) for p in error.problems
    ]
    return shifted


def _offset(frame, ends):
    # `ends` holds the row just past this partition, counted over the whole frame.
    return int(ends.iloc[0]) - len(frame)


def _decide_partition(frame, ends, shipped, now, table, details):
    offset = _offset(frame, ends)
    try:
        # One thread per task: the worker's threads (one per core) are the parallelism.
        return shipped.policy().decide_frame(frame, now, table=table, threads=1, details=details)
    except aftersale.RequestError as e:
        raise _at_global_rows(e, offset) from None


def _diff_partition(frame, ends, old, new, now, table, samples):
    offset = _offset(frame, ends)
    try:
        report = old.policy().diff(new.policy(), frame, now, table=table, samples=samples, first_row=offset)
    except aftersale.RequestError as e:
        raise _at_global_rows(e, offset) from None
    return pd.Series([report], dtype=object)


def _merge(*reports):
    merged = None
    for r in reports:
        if isinstance(r, pd.Series):  # a partition's report
            r = r.iloc[0]
        merged = r if merged is None else merged.merge(r)
    return merged


def _length(frame):
    return pd.Series([len(frame)], dtype="int64")


def _partition_ends(ddf):
    """The global row just past each partition: one value per partition, summed in order."""
    return ddf.map_partitions(_length, meta=pd.Series([], dtype="int64"), align_dataframes=False).cumsum()


def _empty_input(meta):
    """The columns of `meta` (a Dask DataFrame's empty partition) without a row, with the
    categoricals of unknown categories as object columns (they hold no value to map)."""
    frame = meta.iloc[:0].copy()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype) and dd.utils.UNKNOWN_CATEGORIES in column.cat.categories:
            frame[name] = column.astype(object)
    return frame


def _check_frame(ddf):
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"expected a dask DataFrame of requests (columns: fact names), not {type(ddf).__name__}")


def decide(ddf, policy, now, table=None, details=False):
    """Decides every row of the Dask DataFrame `ddf` (columns: fact names, dtypes as for
    ``Policy.decide_frame``) at the aware datetime `now`; returns a Dask DataFrame with
    ``decide_frame``'s columns and dtypes, partitioned as `ddf` and with its index. Lazy:
    nothing runs until it is computed. The categoricals' categories (solutions, rule ids, ...)
    are known up front, so groupbys and value counts work directly.

    A partition with a bad request raises ``aftersale.RequestError`` when computed, naming
    the row counted over the whole frame (0-based) and the column."""
    _check_frame(ddf)
    shipped = _Shipped(policy)
    # The output's columns and dtypes come from the policy and table alone: decide no row.
    meta = policy.decide_frame(_empty_input(ddf._meta), now, table=table, details=details)
    return ddf.map_partitions(
        _decide_partition,
        _partition_ends(ddf),
        shipped,
        now,
        table,
        details,
        meta=meta,
        align_dataframes=False,
        enforce_metadata=False,
    )


def diff(ddf, old, new, now, table=None, samples=3):
    """Compares what policies `old` and `new` decide for every row of the Dask DataFrame
    `ddf` at `now`; computes and returns the ``DiffReport`` of the whole frame, equal to
    ``old.diff(new, frame, now, ...)`` on the frame in one piece: each partition is compared
    on a worker (rows numbered from the partition's first row over the whole frame) and the
    reports are merged pairwise up a tree. Raises ``aftersale.RequestError`` naming the
    global row of a bad request."""
    _check_frame(ddf)
    shipped_old, shipped_new = _Shipped(old), _Shipped(new)
    reports = ddf.map_partitions(
        _diff_partition,
        _partition_ends(ddf),
        shipped_old,
        shipped_new,
        now,
        table,
        samples,
        meta=pd.Series([], dtype=object),
        align_dataframes=False,
        enforce_metadata=False,
    )
    level = reports.to_delayed(optimize_graph=True)
    while len(level) > 1:  # a tree of merges, 8 reports each
        level = [dask.delayed(_merge)(*level[i : i + 8]) for i in range(0, len(level), 8)]
    return dask.delayed(_merge)(*level).compute()
