# SPDX-License-Identifier: Apache-2.0
"""aftersale.dask on a LocalCluster of 2 worker processes: decide and diff equal the
single-process results row by row, each worker loads a policy once, a store policy's base
travels as text, and a bad request names its global row."""

import sys

import pytest

dd = pytest.importorskip("dask.dataframe", reason="Dask is not installed (Debian: python3-dask)")
distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (python3-distributed)")

import dask  # noqa: E402
import pandas as pd  # noqa: E402

import aftersale  # noqa: E402
import aftersale.dask  # noqa: E402
from conftest import SOURCE_DIR, as_columns, generate_requests  # noqa: E402

STORE = SOURCE_DIR / "examples" / "stores" / "apparel.yaml"
BASELINE = SOURCE_DIR / "policies"
# Debian's distributed 2022.12 on Python 3.11 calls tornado and asyncio APIs deprecated since
# (its own warnings, not ours: the suite runs with -W error).
pytestmark = [
    pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:There is no current event loop:DeprecationWarning"),
]

ROWS = 3000
PARTITIONS = 7


@pytest.fixture(scope="module")
def client():
    # One cluster for the module; no dashboard; bounded start. Worker processes inherit
    # PYTHONPATH, so they import the aftersale package of the build tree.
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        worker_dashboard_address=None,
        silence_logs=50,
        timeout=60,
    ) as cluster, distributed.Client(cluster, timeout=60) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


@pytest.fixture(scope="module")
def store():
    return aftersale.load(STORE, policy_paths=[BASELINE])


@pytest.fixture(scope="module")
def frame(policy):
    """Generated requests as a DataFrame (object columns, None where a fact is left out) with
    an index of labels, not positions."""
    columns = as_columns(policy, generate_requests(policy, ROWS))
    return pd.DataFrame(columns, index=pd.RangeIndex(10_000, 10_000 + ROWS, name="order"))


def test_import_aftersale_does_not_import_dask():
    import subprocess

    code = "import sys, aftersale; sys.exit(1 if any(m == 'dask' or m.startswith('dask.') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_decide_equals_decide_frame_row_by_row(client, policy, frame, now):
    ddf = dd.from_pandas(frame, npartitions=PARTITIONS)
    decided = aftersale.dask.decide(ddf, policy, now, details=True)
    expected = policy.decide_frame(frame, now, details=True)
    # The metadata is the output's, categories known up front.
    assert list(decided.columns) == list(expected.columns)
    assert dict(decided.dtypes) == dict(expected.dtypes)
    assert decided.solution.cat.known and decided.rule_id.cat.known
    got = decided.compute()
    assert got.index.equals(expected.index)
    pd.testing.assert_frame_equal(got, expected)
    # Downstream work straight on the lazy result.
    counts = decided.groupby("solution", observed=False).size().compute()
    pd.testing.assert_series_equal(counts, expected.groupby("solution", observed=False).size())


def test_decide_with_a_table_and_without_details(client, policy, frame, now):
    table = policy.tables[-1]
    ddf = dd.from_pandas(frame, npartitions=3)
    got = aftersale.dask.decide(ddf, policy, now, table=table).compute()
    pd.testing.assert_frame_equal(got, policy.decide_frame(frame, now, table=table))


def test_a_store_policy_extending_the_default_works_on_workers(client, store, frame, now):
    ddf = dd.from_pandas(frame, npartitions=4)
    got = aftersale.dask.decide(ddf, store, now).compute()
    pd.testing.assert_frame_equal(got, store.decide_frame(frame, now))
    # The workers loaded the store from its texts: base included, same content hash.
    loaded = client.run(aftersale.dask.loaded_policies)
    assert all(w.get(store.content_hash) == 1 for w in loaded.values())


def test_each_worker_loads_a_policy_once(client, policy, frame, now):
    ddf = dd.from_pandas(frame, npartitions=12)
    for _ in range(2):  # two calls, 12 partitions each, on 2 workers
        aftersale.dask.decide(ddf, policy, now).compute()
    loaded = client.run(aftersale.dask.loaded_policies)
    assert len(loaded) == 2
    for worker, counts in loaded.items():
        assert counts.get(policy.content_hash) == 1, worker
    # Both workers took part (12 partitions on 2 single-thread workers), and this process
    # used the caller's policy as it is.
    assert policy.content_hash not in aftersale.dask.loaded_policies()


def test_diff_equals_policy_diff(client, policy, store, frame, now):
    ddf = dd.from_pandas(frame, npartitions=PARTITIONS)
    got = aftersale.dask.diff(ddf, policy, store, now, samples=2)
    expected = policy.diff(store, frame, now, samples=2)
    assert got.total == ROWS
    assert got.changed == expected.changed > 0
    assert got.to_dict() == expected.to_dict()
    assert got == expected
    # Sample rows are numbered over the whole frame, not from each partition's start (some
    # group's samples lie beyond the first partition, so the equality above tells).
    rows = [r for groups in expected.samples.values() for sample in groups.values() for r in sample]
    assert max(rows) >= ROWS // PARTITIONS


def test_a_bad_request_names_its_global_row(client, policy, frame, now):
    bad = frame.copy()
    row = 2 * ROWS // 3  # in a later partition
    bad.iloc[row, bad.columns.get_loc("reason")] = "chagned_mind"
    ddf = dd.from_pandas(bad, npartitions=PARTITIONS)
    with pytest.raises(aftersale.RequestError) as single:
        policy.decide_frame(bad, now)
    with pytest.raises(aftersale.RequestError) as e:
        aftersale.dask.decide(ddf, policy, now).compute()
    # The message of the frame in one piece: the global row, its index label, the value.
    assert str(e.value) == str(single.value)
    assert f"column `reason` row {row} (index `{10_000 + row}`)" in str(e.value)
    assert [p.message for p in e.value.problems] == [p.message for p in single.value.problems]
    assert e.value.code == single.value.code
    with pytest.raises(aftersale.RequestError) as e:
        aftersale.dask.diff(ddf, policy, policy, now)
    assert f"row {row} (index `{10_000 + row}`)" in str(e.value)


def test_categories_unknown_to_dask(client, policy, frame, now):
    # Categoricals whose categories Dask does not know (as read_parquet gives them).
    typed = frame.astype({"reason": "category", "order_status": "category"})
    ddf = dd.from_pandas(typed, npartitions=3)
    ddf["reason"] = ddf["reason"].cat.as_unknown()
    assert not ddf["reason"].cat.known
    got = aftersale.dask.decide(ddf, policy, now).compute()
    pd.testing.assert_frame_equal(got, policy.decide_frame(frame, now))


def test_a_frame_without_a_required_fact_is_refused_at_once(policy, frame, now):
    ddf = dd.from_pandas(frame.drop(columns=["order_status"]), npartitions=2)
    with pytest.raises(aftersale.RequestError, match="required fact `order_status` is missing"):
        aftersale.dask.decide(ddf, policy, now)


def test_the_threaded_scheduler_needs_no_cluster(policy, frame, now):
    ddf = dd.from_pandas(frame, npartitions=3)
    with dask.config.set(scheduler="threads"):
        got = aftersale.dask.decide(ddf, policy, now).compute()
    pd.testing.assert_frame_equal(got, policy.decide_frame(frame, now))


def test_not_a_dask_frame(policy, frame, now):
    with pytest.raises(TypeError, match="expected a dask DataFrame"):
        aftersale.dask.decide(frame, policy, now)
