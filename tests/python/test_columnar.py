# SPDX-License-Identifier: Apache-2.0
"""Columnar batches: decide_frame and decide_many on NumPy arrays and pandas columns equal
`decide` one request at a time, for every dtype a column may have; the output dtypes; and each
kind of bad column refused with a RequestError naming the column, the row and the value."""

import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import aftersale
from conftest import expected_row, generate_requests

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
STATUSES = ["matched", "no_match", "conflict"]

# A policy shaped like the neutral benchmark table (enums, ints, money, bools, first hit), with
# every other fact type as well: optional facts, defaults, a range, a decimal, a duration and a
# timestamp with a fact derived from it. Rules are generated from a seed.
GENERATED_FACTS = """facts:
  status: {type: enum, values: [s0, s1, s2, s3, s4, s5], required: true}
  kind: {type: enum, values: [k0, k1, k2, k3], required: true}
  tier: {type: enum, values: [basic, silver, gold], default: basic}
  qty: {type: int, min: 0, max: 1000, required: true}
  price: {type: money, required: true}
  flag: {type: bool, required: true}
  gift: {type: bool}
  note: {type: string}
  rate: {type: decimal, scale: 2}
  waited: {type: duration}
  at: {type: timestamp}
  hours: {type: int, derived: {hours_since: at}}
"""


def generated_policy(seed=7, rules=48):
    rng = random.Random(seed)
    out = [
        "format: 1",
        "policy: {id: generated, version: \"1\", entry: main, calendar: utc}",
        "vocabulary: {solutions: [refund, reship, review, reject], parties: [buyer, seller], roles: [lead]}",
        GENERATED_FACTS.rstrip(),
        "calendars:",
        "  utc:",
        "    time_zone: UTC",
        "    hours: {mon: [\"00:00-24:00\"], tue: [\"00:00-24:00\"], wed: [\"00:00-24:00\"], thu: [\"00:00-24:00\"],"
        " fri: [\"00:00-24:00\"], sat: [\"00:00-24:00\"], sun: [\"00:00-24:00\"]}",
        "clocks:",
        "  fast: {within: {hours: 4}}",
        "  slow: {within: {hours: 48}}",
        "decisions:",
        "  main:",
        "    hit_policy: first",
        "    rules:",
    ]
    conditions = [
        lambda: "status: %s" % rng.choice(["s0", "s1", "s2", "s3", "s4", "s5"]),
        lambda: "status: [%s]" % ", ".join(rng.sample(["s0", "s1", "s2", "s3", "s4", "s5"], 2)),
        lambda: "kind: %s" % rng.choice(["k0", "k1", "k2", "k3"]),
        lambda: "tier: %s" % rng.choice(["basic", "silver", "gold"]),
        lambda: "qty: {le: %d}" % rng.randrange(0, 1000),
        lambda: "qty: {between: [%d, %d]}" % tuple(sorted(rng.sample(range(1000), 2))),
        lambda: "price: {ge: %d}" % rng.randrange(0, 100000),
        lambda: "flag: %s" % rng.choice(["true", "false"]),
        lambda: "gift: %s" % rng.choice(["true", "false"]),
        lambda: "note: %s" % rng.choice(["rush", "fragile"]),
        lambda: "rate: {le: %s}" % rng.choice(["0.25", "0.5", "0.75"]),
        lambda: "waited: {lt: %dh}" % rng.randrange(1, 96),
        lambda: "hours: {le: %d}" % rng.randrange(0, 240),
    ]
    for i in range(rules):
        when = sorted({rng.randrange(len(conditions)) for _ in range(rng.randrange(1, 4))})
        out.append("      - id: r%02d" % i)
        out.append("        when: {%s}" % ", ".join(conditions[k]() for k in when))
        then = ["solution: %s" % rng.choice(["refund", "reship", "review", "reject"])]
        if rng.random() < 0.6:
            then.append("fee_payer: %s" % rng.choice(["buyer", "seller"]))
        if rng.random() < 0.2:
            then.append("escalation: lead")
        then.append("clocks: [%s]" % rng.choice(["fast", "slow", "fast, slow"]))
        amounts = []
        if rng.random() < 0.5:
            amounts.append("refund: {of: price, ratio: 1/%d}" % rng.choice([1, 2, 4]))
        if rng.random() < 0.3:
            amounts.append("fee: {fixed: %d}" % rng.randrange(100, 1000))
        if amounts:
            then.append("amounts: {%s}" % ", ".join(amounts))
        if rng.random() < 0.5:
            then.append("steps: [step %d, check %d]" % (i, i % 3))
            then.append("labels: {customer: c%d, agent: a%d}" % (i % 4, i % 5))
        out.append("        then: {%s}" % ", ".join(then))
    return aftersale.loads("\n".join(out) + "\n", name="generated.yaml")


def generated_requests(n, seed=11):
    rng = random.Random(seed)
    zones = [timezone.utc, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")]
    out = []
    for _ in range(n):
        r = {
            "status": rng.choice(["s0", "s1", "s2", "s3", "s4", "s5"]),
            "kind": rng.choice(["k0", "k1", "k2", "k3"]),
            "qty": rng.randrange(0, 1001),
            "price": rng.randrange(0, 200000),
            "flag": rng.random() < 0.5,
        }
        optional = {
            "tier": lambda: rng.choice(["basic", "silver", "gold"]),
            "gift": lambda: rng.random() < 0.5,
            "note": lambda: rng.choice(["rush", "fragile", "other text"]),
            "rate": lambda: Decimal(rng.randrange(0, 100)) / 100,
            "waited": lambda: timedelta(seconds=rng.randrange(0, 5 * 86400)),
            "at": lambda: (NOW - timedelta(seconds=rng.randrange(0, 12 * 86400))).astimezone(rng.choice(zones)),
        }
        for name, value in optional.items():
            if rng.random() < 0.7:
                r[name] = value()
        out.append(r)
    return out


# ---- the dtypes a column may have, built from the same requests ------------------------------


def given(policy):
    return [n for n, f in policy.facts.items() if not f["derived"]]


def raw_column(requests, name):
    return [r.get(name) for r in requests]


def as_objects(policy, requests):
    """pandas' own inference: object columns, float64 with NaN for ints with gaps, ..."""
    return pd.DataFrame({n: raw_column(requests, n) for n in given(policy)})


def as_typed(policy, requests):
    """The dtypes an analyst converts to: categoricals, nullable Int64 / boolean, tz-aware times."""
    out = {}
    for name in given(policy):
        f = policy.facts[name]
        values = raw_column(requests, name)
        t = f["type"]
        if t == "enum":
            out[name] = pd.Series(pd.Categorical(values, categories=f["values"]))
        elif t == "string":
            out[name] = pd.Series(values, dtype="string")
        elif t == "bool":
            out[name] = pd.Series(values, dtype="boolean")
        elif t in ("int", "money"):
            out[name] = pd.Series(values, dtype="Int64")
        elif t == "timestamp":
            out[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True).dt.tz_convert("Asia/Shanghai")
        elif t == "duration":
            out[name] = pd.to_timedelta(pd.Series(values, dtype=object))
        else:
            out[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out)


def as_narrow(policy, requests):
    """Small and unusual dtypes: shuffled categories with extra unused ones, int8/uint16/Int16,
    float32 whole numbers, nullable UInt32, datetimes in another zone."""
    out = {}
    rng = random.Random(3)
    for name in given(policy):
        f = policy.facts[name]
        values = raw_column(requests, name)
        t = f["type"]
        missing = any(v is None for v in values)
        if t == "enum":
            cats = list(f["values"])
            rng.shuffle(cats)
            out[name] = pd.Categorical(values, categories=cats)  # an extension array, no index
        elif t == "string":
            out[name] = pd.Series(pd.Categorical(values))
        elif t == "bool":
            out[name] = np.array(values, dtype=bool) if not missing else pd.array(values, dtype="boolean")
        elif t == "int":
            out[name] = pd.Series(values, dtype="Int16") if missing else np.array(values, dtype=np.uint16)
        elif t == "money":
            out[name] = pd.Series(values, dtype="UInt32") if missing else np.array(values, dtype=np.float32 if max(values) < 2**24 else np.int64)
        elif t == "timestamp":
            out[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True).dt.tz_convert("America/New_York")
        elif t == "duration":
            out[name] = pd.to_timedelta(pd.Series(values, dtype=object)).to_numpy()
        else:
            out[name] = np.array(values, dtype=object)
    return out


def as_numpy(policy, requests):
    """A dict of plain NumPy arrays: object arrays for text and times, int64, float64 with NaN,
    bool, fixed-width str where nothing is missing."""
    out = {}
    for name in given(policy):
        f = policy.facts[name]
        values = raw_column(requests, name)
        t = f["type"]
        missing = any(v is None for v in values)
        if t in ("enum", "string"):
            out[name] = np.array(values, dtype=object) if missing else np.array(values, dtype=str)
        elif t == "bool":
            out[name] = np.array(values, dtype=object if missing else bool)
        elif t in ("int", "money"):
            out[name] = np.array([np.nan if v is None else v for v in values], dtype=float) if missing else np.array(values, dtype=np.int64)
        elif t == "duration":
            out[name] = np.array([np.timedelta64("NaT") if v is None else np.timedelta64(v) for v in values], dtype="m8[ns]")
        else:
            out[name] = np.array(values, dtype=object)
    return out


def as_strided(policy, requests):
    """Each column a view of every second element of a longer array, some big-endian."""
    out = {}
    for name, a in as_numpy(policy, requests).items():
        twice = np.empty(2 * len(a), dtype=a.dtype)
        twice[::2] = a
        view = twice[::2]
        if a.dtype.kind in "if":
            view = view.astype(a.dtype.newbyteorder(">"))
        out[name] = view
    return out


FLAVOURS = {"objects": as_objects, "typed": as_typed, "narrow": as_narrow, "numpy": as_numpy, "strided": as_strided}


def frame_as_lists(frame):
    """decide_frame's answer as decide_many's list answer (None for NA)."""
    out = {}
    for name in frame.columns:
        s = frame[name]
        if name.startswith("deadline_"):
            out[name] = [None if pd.isna(x) else x.to_pydatetime() for x in s]
        else:
            out[name] = [None if x is None or x is pd.NA or (isinstance(x, float) and x != x) else x for x in s.astype(object)]
    return out


def arrays_as_lists(policy, columns, table=None):
    """decide_many's array answer as its list answer, through output_categories."""
    cats = policy.output_categories(table)
    out = {}
    for name, a in columns.items():
        if name in cats:
            out[name] = [None if c < 0 else cats[name][c] for c in a.tolist()]
        elif name.startswith("amount_"):
            out[name] = [None if m else int(v) for v, m in zip(a.data.tolist(), np.ma.getmaskarray(a).tolist())]
        else:
            out[name] = [None if np.isnat(x) else pd.Timestamp(x).tz_localize("UTC").to_pydatetime() for x in a]
    return out


def one_by_one(policy, requests, names, table=None):
    """The rows `decide` gives one at a time, as expected_row builds them."""
    columns = {n: None for n in names}
    return [expected_row(policy.decide(r, NOW, table=table, explain=False), columns) for r in requests]


def rows_of(lists):
    names = list(lists)
    return [dict(zip(names, row)) for row in zip(*lists.values())]


@pytest.fixture(scope="module")
def default_case(policy):
    requests = generate_requests(policy, 1500)
    return policy, requests


@pytest.fixture(scope="module")
def generated_case():
    p = generated_policy()
    return p, generated_requests(1500)


CASES = ["default_case", "generated_case"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_decide_frame_equals_one_by_one(request, case, flavour):
    policy, requests = request.getfixturevalue(case)
    frame = FLAVOURS[flavour](policy, requests)
    got = frame_as_lists(policy.decide_frame(frame, NOW))
    want = one_by_one(policy, requests, got.keys())
    assert rows_of(got) == want
    statuses = set(got["status"])
    assert "matched" in statuses and len(set(got["rule_id"])) > 10


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("flavour", ["typed", "numpy"])
def test_decide_many_arrays_equal_lists(request, case, flavour):
    policy, requests = request.getfixturevalue(case)
    columns = policy.decide_many(FLAVOURS[flavour](policy, requests), NOW)
    lists = policy.decide_many(requests, NOW)
    assert set(columns) == set(lists)
    assert arrays_as_lists(policy, columns) == lists


def test_another_table_and_thread_counts(default_case):
    policy, requests = default_case
    frame = as_typed(policy, requests)
    got = frame_as_lists(policy.decide_frame(frame, NOW, table="fast_review"))
    assert rows_of(got) == one_by_one(policy, requests, got.keys(), table="fast_review")
    assert "no_match" in got["status"]
    one = policy.decide_frame(frame, NOW, threads=1)
    for threads in (2, 3, 7):
        pd.testing.assert_frame_equal(policy.decide_frame(frame, NOW, threads=threads), one)


def test_many_blocks(generated_case):
    # More rows than one block (32768), decided on several threads, still row for row.
    policy, requests = generated_case
    big = requests * 50
    frame = as_typed(policy, big)
    got = policy.decide_frame(frame, NOW)
    small = policy.decide_frame(as_typed(policy, requests), NOW)
    assert len(got) == len(big)
    for k in (0, 17, 49):
        part = got.iloc[k * len(requests):(k + 1) * len(requests)].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, small)


# ---- the output ------------------------------------------------------------------------------


def test_output_columns_and_dtypes(default_case):
    policy, requests = default_case
    frame = as_typed(policy, requests)
    frame.index = pd.Index(["o%d" % i for i in range(len(frame))], name="order")
    out = policy.decide_frame(frame, NOW)
    assert out.index.equals(frame.index)
    names = list(out.columns)
    assert names[:6] == ["status", "rule_id", "solution", "fee_payer", "escalation", "remark_flag"]
    amounts = [n for n in names if n.startswith("amount_")]
    deadlines = [n for n in names if n.startswith("deadline_")]
    assert names == names[:6] + amounts + deadlines and amounts and deadlines
    assert list(out["status"].cat.categories) == STATUSES
    table = policy.entry
    assert list(out["solution"].cat.categories) == policy.solutions
    assert list(out["fee_payer"].cat.categories) == policy.parties
    assert list(out["escalation"].cat.categories) == policy.roles
    cats = policy.output_categories()
    assert list(out["rule_id"].cat.categories) == cats["rule_id"] and len(cats["rule_id"]) > 20
    assert list(out["remark_flag"].cat.categories) == cats["remark_flag"]
    for n in names[:6]:
        assert isinstance(out[n].dtype, pd.CategoricalDtype) and not out[n].cat.ordered
    for n in amounts:
        assert out[n].dtype == pd.Int64Dtype()
    for n in deadlines:
        assert out[n].dtype == pd.DatetimeTZDtype("ns", "UTC")
    # The clock order of the policy, the amount order of first appearance in the table.
    assert [n[len("deadline_"):] for n in deadlines] == [c for c in policy.clocks if "deadline_" + c in deadlines]
    assert set(decided := policy.decide_many(requests, NOW)) == set(names) and list(decided)[:6] == names[:6]
    assert table == "after_sales"


def test_decide_many_array_dtypes(default_case):
    policy, requests = default_case
    cols = policy.decide_many(as_typed(policy, requests), NOW)
    assert cols["status"].dtype == np.int8 and cols["rule_id"].dtype == np.int8
    assert set(cols["status"].tolist()) <= {0, 1, 2}
    amount = next(v for k, v in cols.items() if k.startswith("amount_"))
    assert isinstance(amount, np.ma.MaskedArray) and amount.dtype == np.int64
    deadline = next(v for k, v in cols.items() if k.startswith("deadline_"))
    assert type(deadline) is np.ndarray and deadline.dtype == np.dtype("M8[ns]")


def test_details(generated_case):
    policy, requests = generated_case
    out = policy.decide_frame(as_typed(policy, requests), NOW, details=True)
    assert list(out.columns)[-4:] == ["steps", "evidence", "customer_label", "agent_label"]
    assert out["steps"].dtype == object and isinstance(out["customer_label"].dtype, pd.CategoricalDtype)
    by_rule = {}
    for i, r in enumerate(requests):
        d = policy.decide(r, NOW)
        row = out.iloc[i]
        if not d.matched:
            assert row["steps"] is None and row["evidence"] is None
            assert pd.isna(row["customer_label"]) and pd.isna(row["agent_label"])
            continue
        assert row["steps"] == tuple(d.steps) and row["evidence"] == tuple(d.evidence)
        assert (None if pd.isna(row["customer_label"]) else row["customer_label"]) == (d.customer_label or None)
        assert (None if pd.isna(row["agent_label"]) else row["agent_label"]) == (d.agent_label or None)
        # One tuple per rule, shared by its rows.
        assert by_rule.setdefault(d.rule_id, row["steps"]) is row["steps"]
    plain = policy.decide_frame(as_typed(policy, requests), NOW)
    pd.testing.assert_frame_equal(out[plain.columns], plain)


def test_details_in_the_policy_locale(policy, default_case):
    _, requests = default_case
    out = policy.decide_frame(as_typed(policy, requests[:50]), NOW, details=True)
    d = policy.decide(requests[0], NOW)
    assert out["agent_label"].iloc[0] == d.agent_label and out["steps"].iloc[0] == tuple(d.steps)


def test_deadlines_beyond_datetime64_are_the_last_nanosecond():
    # datetime64[ns] ends in 2262: a later deadline is its last nanosecond, not NaT ("not started").
    p = aftersale.loads(
        """format: 1
policy: {id: far, version: "1", entry: main, calendar: utc}
vocabulary: {solutions: [wait]}
facts:
  x: {type: int}
calendars:
  utc: {time_zone: UTC, hours: {mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}}
clocks:
  far: {within: {days: 36500}}
decisions:
  main:
    rules:
      - {id: all, then: {solution: wait, clocks: [far]}}
""")
    late = datetime(2250, 1, 1, tzinfo=timezone.utc)
    out = p.decide_frame(pd.DataFrame({"x": np.array([1, 2])}), late)
    assert (out["deadline_far"] == pd.Timestamp.max.tz_localize("UTC")).all()
    assert p.decide_many([{"x": 1}], late)["deadline_far"] == [datetime(2349, 12, 8, tzinfo=timezone.utc)]


def test_zero_rows(default_case):
    policy, requests = default_case
    empty = as_typed(policy, requests).iloc[:0]
    out = policy.decide_frame(empty, NOW)
    full = policy.decide_frame(as_typed(policy, requests[:5]), NOW)
    assert len(out) == 0 and list(out.columns) == list(full.columns)
    assert (out.dtypes == full.dtypes).all()
    cols = policy.decide_many(empty, NOW)
    assert all(len(v) == 0 for v in cols.values())


def test_lists_still_answer_with_lists(default_case):
    policy, requests = default_case
    assert type(policy.decide_many(requests[:10], NOW)["status"]) is list
    as_dict = {n: raw_column(requests[:10], n) for n in given(policy)}
    assert type(policy.decide_many(as_dict, NOW)["status"]) is list
    with pytest.raises(TypeError, match="decide_frame takes a pandas DataFrame"):
        policy.decide_frame(requests[:10], NOW)


def test_numpy_is_imported_only_when_given():
    code = (
        "import sys, aftersale\n"
        "from datetime import datetime, timezone\n"
        "p = aftersale.loads(open(sys.argv[1]).read())\n"
        "p.decide_many([{'x': 1}], datetime(2026, 1, 1, tzinfo=timezone.utc))\n"
        "p.decide_many({'x': [1]}, datetime(2026, 1, 1, tzinfo=timezone.utc))\n"
        "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules, sorted(sys.modules)\n"
    )
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write("format: 1\npolicy: {id: n, version: \"1\", entry: main}\nvocabulary: {solutions: [a]}\n"
                "facts:\n  x: {type: int}\ndecisions:\n  main:\n    rules:\n      - {id: all, then: {solution: a}}\n")
    subprocess.run([sys.executable, "-W", "error", "-c", code, f.name], check=True)


# ---- bad columns -----------------------------------------------------------------------------


def frame_for(policy, n=40):
    return as_typed(policy, generate_requests(policy, n))


def refused(policy, frame, code):
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_frame(frame, NOW)
    assert info.value.code == code
    with pytest.raises(aftersale.RequestError) as again:
        policy.decide_many(frame, NOW)
    assert str(again.value) == str(info.value)
    return str(info.value)


def test_wrong_dtype(policy):
    frame = frame_for(policy)
    frame["order_status"] = np.arange(len(frame), dtype=np.float64)
    assert refused(policy, frame, "E317") == (
        "error[E317]: column `order_status` is `float64` but fact `order_status` is enum: "
        "give a categorical or a column of str")
    frame = frame_for(policy)
    frame["order_status"] = np.zeros(len(frame), dtype=np.int64)
    assert refused(policy, frame, "E317") == (
        "error[E317]: column `order_status` is `int64` but fact `order_status` is enum: "
        "give a pandas categorical (codes with their categories) or a column of str")
    frame = frame_for(policy)
    frame["opened"] = np.ones(len(frame), dtype=np.int8)
    assert refused(policy, frame, "E317") == (
        "error[E317]: column `opened` is `int8` but fact `opened` is bool: "
        "give bool, pandas `boolean` or a column of bool")
    frame = frame_for(policy)
    frame["amount"] = np.ones(len(frame), dtype=bool)
    assert refused(policy, frame, "E317").startswith("error[E317]: column `amount` is `bool` but fact `amount` is money")


def test_float_for_a_decimal_fact():
    p = generated_policy()
    frame = as_typed(p, generated_requests(20))
    frame["rate"] = np.full(len(frame), 0.5)
    assert refused(p, frame, "E317") == (
        "error[E317]: column `rate` is `float64` but fact `rate` is decimal: give an integer dtype, or a column "
        "of decimal.Decimal or str (a float is never taken for a decimal fact)")


def test_length_mismatch(policy):
    cols = as_numpy(policy, generate_requests(policy, 10))
    cols["reason"] = cols["reason"][:7]
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_many(cols, NOW)
    assert info.value.code == "E318"
    assert str(info.value) == (
        "error[E318]: column `reason` has 7 values but column `order_status` has 10: "
        "every column needs one value per request")


def test_two_dimensional_and_duplicate_columns(policy):
    cols = as_numpy(policy, generate_requests(policy, 10))
    cols["amount"] = np.zeros((10, 2), dtype=np.int64)
    with pytest.raises(aftersale.RequestError, match=r"^error\[E318\]: column `amount` has 2 dimensions"):
        policy.decide_many(cols, NOW)
    frame = frame_for(policy, 5)
    twice = pd.concat([frame, frame[["amount"]]], axis=1)
    assert refused(policy, twice, "E318") == "error[E318]: column `amount` is given twice"


def test_naive_datetime(policy):
    frame = frame_for(policy)
    frame["delivered_at"] = pd.Series(pd.date_range("2026-11-01", periods=len(frame), freq="h"))
    assert refused(policy, frame, "E317") == (
        "error[E317]: column `delivered_at` is a naive `datetime64[ns]` (no time zone) but fact `delivered_at` is "
        "timestamp: give datetime64[ns, tz], e.g. `pandas.Series(values).dt.tz_localize(\"Asia/Shanghai\")`")
    naive = datetime(2026, 11, 20, 10, 0)
    frame = frame_for(policy)
    frame["delivered_at"] = pd.Series([naive] * len(frame), dtype=object)
    message = refused(policy, frame, "E301")
    assert message.startswith("error[E301]: column `delivered_at` row 0: ")
    assert "naive datetime" in message


def test_undeclared_category_names_the_text(policy):
    frame = frame_for(policy, 30)
    frame.index = pd.RangeIndex(100, 130)
    reason = frame["reason"].cat.add_categories(["chagned_mind"])
    reason.iloc[17] = "chagned_mind"
    reason.iloc[23] = "chagned_mind"
    frame["reason"] = reason
    values = ", ".join("`%s`" % v for v in policy.facts["reason"]["values"])
    assert refused(policy, frame, "E302") == (
        "error[E302]: column `reason` row 17 (index `117`): `chagned_mind` is not a declared value of fact "
        "`reason`: expected one of " + values)
    # The same text in an object column.
    frame["reason"] = frame["reason"].astype(object)
    assert refused(policy, frame, "E302").startswith("error[E302]: column `reason` row 17 (index `117`): `chagned_mind`")


def test_missing_required_value(policy):
    frame = frame_for(policy)
    frame.index = ["o%d" % i for i in range(len(frame))]
    amount = frame["amount"].copy()
    amount.iloc[9] = pd.NA
    frame["amount"] = amount
    assert refused(policy, frame, "E303") == (
        "error[E303]: column `amount` row 9 (index `o9`): required fact `amount` is missing (value `<NA>`)")
    frame["amount"] = frame["amount"].astype("float64")
    assert refused(policy, frame, "E303") == (
        "error[E303]: column `amount` row 9 (index `o9`): required fact `amount` is missing (value `nan`)")
    frame = frame_for(policy)
    status = frame["order_status"].copy()
    status.iloc[4] = np.nan
    frame["order_status"] = status
    assert refused(policy, frame, "E303") == (
        "error[E303]: column `order_status` row 4: required fact `order_status` is missing (value `nan`)")
    frame = frame_for(policy).drop(columns=["amount"])
    assert refused(policy, frame, "E303") == "error[E303]: no column `amount`: required fact `amount` is missing"


def test_missing_optional_values_take_defaults(policy, default_case):
    _, requests = default_case
    frame = as_typed(policy, requests)
    frame["opened"] = pd.array([None] * len(frame), dtype="boolean")
    frame["customer_tier"] = pd.Categorical([None] * len(frame), categories=policy.facts["customer_tier"]["values"])
    stripped = [{k: v for k, v in r.items() if k not in ("opened", "customer_tier")} for r in requests]
    got = frame_as_lists(policy.decide_frame(frame, NOW))
    assert rows_of(got) == one_by_one(policy, stripped, got.keys())


def test_a_column_that_is_no_fact(policy):
    frame = frame_for(policy)
    frame["colour"] = "red"
    assert refused(policy, frame, "E300") == "error[E300]: column `colour`: unknown fact `colour`"
    frame = frame_for(policy).assign(days_since_delivery=1)
    assert refused(policy, frame, "E301") == (
        "error[E301]: column `days_since_delivery`: fact `days_since_delivery` is derived: it is computed at "
        "decision time and cannot be given")


def test_float_for_an_int_fact(policy):
    # Whole floats are taken (a column of ints with gaps is float64 in pandas); a fraction is not.
    frame = frame_for(policy)
    frame["amount"] = frame["amount"].astype("float64")
    pd.testing.assert_frame_equal(policy.decide_frame(frame, NOW), policy.decide_frame(frame_for(policy), NOW))
    amount = frame["amount"].copy()
    amount.iloc[6] = 1.5
    frame["amount"] = amount
    assert refused(policy, frame, "E301") == (
        "error[E301]: column `amount` row 6: fact `amount` is money but was given a float that is not a whole "
        "number (or beyond 2^53) (value `1.5`)")
    amount.iloc[6] = float("inf")
    frame["amount"] = amount
    assert refused(policy, frame, "E301").endswith("(value `inf`)")


def test_values_the_library_refuses(policy):
    frame = frame_for(policy)
    amount = frame["amount"].copy()
    amount.iloc[3] = -5
    frame["amount"] = amount
    assert refused(policy, frame, "E305").startswith("error[E305]: column `amount` row 3: ")
    p = generated_policy()
    frame = as_typed(p, generated_requests(20))
    qty = frame["qty"].copy()
    qty.iloc[11] = 1001
    frame["qty"] = qty.astype("int32")
    assert refused(p, frame, "E306").startswith("error[E306]: column `qty` row 11: ")
    frame["qty"] = np.full(len(frame), 2**63, dtype=np.uint64)
    assert refused(p, frame, "E306") == (
        "error[E306]: column `qty` row 0: fact `qty` was given a value beyond 64-bit signed integers "
        "(value `9223372036854775808`)")


def test_codes_pandas_would_not_make(policy):
    frame = frame_for(policy)
    n = len(frame["reason"].cat.categories)
    for bad in (n, 127, -3):
        codes = frame["reason"].cat.codes.to_numpy().copy()
        codes[12] = bad
        reason = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), categories=frame["reason"].cat.categories)
        reason._ndarray[:] = codes  # what a broken producer could hand over
        frame["reason"] = reason
        assert refused(policy, frame, "E317") == (
            "error[E317]: column `reason` row 12: code `%d` is not one of the column's %d categories" % (bad, n))


def test_first_bad_row_wins_across_columns_and_blocks(policy):
    # Blocks of arrays are 131072 rows, decided on several threads: the error is the lowest row's.
    part = as_typed(policy, generate_requests(policy, 4000))
    frame = pd.concat([part] * 100, ignore_index=True)
    amount = frame["amount"].copy()
    amount.iloc[390000] = -1
    amount.iloc[300000] = -1
    frame["amount"] = amount
    status = frame["order_status"].copy()
    status.iloc[200000] = np.nan
    status.iloc[380000] = np.nan
    frame["order_status"] = status
    for threads in (1, 2, 5):
        with pytest.raises(aftersale.RequestError, match=r"^error\[E303\]: column `order_status` row 200000: "):
            policy.decide_frame(frame, NOW, threads=threads)
    amount.iloc[5] = -1
    frame["amount"] = amount
    status.iloc[3] = np.nan
    frame["order_status"] = status
    with pytest.raises(aftersale.RequestError, match=r"^error\[E303\]: column `order_status` row 3: "):
        policy.decide_frame(frame, NOW)


def test_not_an_array(policy):
    cols = as_numpy(policy, generate_requests(policy, 10))
    cols["amount"] = 5
    with pytest.raises(aftersale.RequestError) as info:
        policy.decide_many(cols, NOW)
    assert str(info.value) == (
        "error[E317]: column `amount` is a int: give a NumPy array, a pandas Series or a list")


def test_strided_and_big_endian_columns_are_read(default_case):
    policy, requests = default_case
    plain = policy.decide_many(as_numpy(policy, requests), NOW)
    strided = policy.decide_many(as_strided(policy, requests), NOW)
    assert arrays_as_lists(policy, strided) == arrays_as_lists(policy, plain)


def test_answers_own_their_memory(generated_case):
    # The buffers of dropped answers are reused: a kept answer never changes, a new one is right.
    policy, requests = generated_case
    first, second = as_typed(policy, requests), as_typed(policy, requests[::-1])
    a = policy.decide_frame(first, NOW)
    saved = a.copy(deep=True)
    b = policy.decide_frame(second, NOW)
    pd.testing.assert_frame_equal(a, saved)
    del a
    for _ in range(3):
        pd.testing.assert_frame_equal(policy.decide_frame(first, NOW), saved)
    pd.testing.assert_frame_equal(b.iloc[::-1].reset_index(drop=True), saved)
    cols = policy.decide_many(first, NOW)
    cols["status"][:] = 2  # writable, and nobody else's
    pd.testing.assert_frame_equal(policy.decide_frame(first, NOW), saved)


def test_series_with_different_indexes_are_refused_not_paired_by_position(policy, now):
    pd = pytest.importorskip("pandas")
    columns = {
        "order_status": pd.Series(["delivered"] * 3, index=[10, 11, 12]),
        "request": pd.Series(["request_return_refund"] * 3, index=[10, 11, 12]),
        "amount": pd.Series([1, 2, 3], index=[12, 11, 10]),
    }
    with pytest.raises(aftersale.RequestError, match="column `amount` has another index than column `order_status`") as e:
        policy.decide_frame(columns, now)
    assert e.value.code == "E318"
    # The same labels in the same order are one index.
    columns["amount"] = pd.Series([1, 2, 3], index=[10, 11, 12])
    assert len(policy.decide_frame(columns, now)) == 3
