# SPDX-License-Identifier: Apache-2.0
"""Policy.diff and DiffReport: the platform baseline against a store policy on generated
requests, every count checked against decisions made one by one with Policy.decide; merging
partitions, pickling, JSON, the DataFrames and bad input."""

import json
import pickle
from collections import Counter, defaultdict
from datetime import datetime

import numpy
import pytest

import aftersale
from conftest import DEFAULT_POLICY, SHANGHAI, SOURCE_DIR, as_columns, generate_requests

pandas = pytest.importorskip("pandas")

N = 3000
STATUSES = ["matched", "no_match", "conflict"]


@pytest.fixture(scope="module")
def store():
    return aftersale.load(SOURCE_DIR / "examples" / "stores" / "apparel.yaml", policy_paths=[SOURCE_DIR / "policies"])


@pytest.fixture(scope="module")
def baseline():
    return aftersale.load(DEFAULT_POLICY)


@pytest.fixture(scope="module")
def requests(store):
    # The store's facts: `hygiene_goods` is one the baseline does not declare.
    return generate_requests(store, N, seed=14)


@pytest.fixture(scope="module")
def now_module():
    return datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def report(baseline, store, requests, now_module):
    return baseline.diff(store, requests, now_module)


def side(policy, request, now):
    """One row's decision as the what-if compares it (ids, amounts, the first deadline per clock)."""
    known = {k: v for k, v in request.items() if k in policy.facts}
    d = policy.decide(known, now, explain=False)
    deadlines = {}
    for dl in d.deadlines if d.matched else []:
        deadlines.setdefault(dl.clock, dl.due)
    return {
        "status": d.status,
        "rule": d.rule_id if d.matched else None,
        "solution": d.solution if d.matched else None,
        "payer": d.fee_payer if d.matched else None,
        "amounts": dict(d.amounts) if d.matched else {},
        "deadlines": deadlines,
    }


def reference(old, new, requests, now, samples=3, first_row=0):
    """The report computed independently, row by row, from Policy.decide."""
    total = changed = 0
    changes = Counter()
    rules = defaultdict(lambda: [0, 0, []])
    solutions = defaultdict(lambda: [0, 0, []])
    money = defaultdict(lambda: [0, 0, 0, 0, 0])  # before_total, after_total, before_rows, after_rows, changed_rows
    clocks = defaultdict(lambda: Counter())
    for i, r in enumerate(requests):
        row = first_row + i
        a, b = side(old, r, now), side(new, r, now)
        total += 1
        diffs = {
            "status": a["status"] != b["status"],
            "rule": a["rule"] != b["rule"],
            "solution": a["solution"] != b["solution"],
            "fee_payer": a["payer"] != b["payer"],
            "amounts": a["amounts"] != b["amounts"],
            "deadlines": a["deadlines"] != b["deadlines"],
        }
        changes.update(k for k, v in diffs.items() if v)
        is_changed = any(diffs.values())
        changed += is_changed
        for groups, key in ((rules, (a["status"], a["rule"], b["status"], b["rule"])),
                            (solutions, (a["solution"], b["solution"]))):
            g = groups[key]
            g[0] += 1
            g[1] += is_changed
            if is_changed and len(g[2]) < samples:
                g[2].append(row)
        for name in set(a["amounts"]) | set(b["amounts"]):
            for payer in {a["payer"], b["payer"]}:
                before = a["amounts"].get(name) if a["payer"] == payer else None
                after = b["amounts"].get(name) if b["payer"] == payer else None
                if before is None and after is None:
                    continue
                m = money[(name, payer)]
                if before is not None:
                    m[0] += before
                    m[2] += 1
                if after is not None:
                    m[1] += after
                    m[3] += 1
                m[4] += before != after
        for clock in set(a["deadlines"]) | set(b["deadlines"]):
            c = clocks[clock]
            x, y = a["deadlines"].get(clock), b["deadlines"].get(clock)
            if x is None:
                c["only_after"] += 1
            elif y is None:
                c["only_before"] += 1
            else:
                shift = int((y - x).total_seconds())
                c["earlier" if shift < 0 else "later" if shift > 0 else "same"] += 1
                c["total_shift"] += shift
                c["min_shift"] = min(c["min_shift"], shift)
                c["max_shift"] = max(c["max_shift"], shift)
    return {"total": total, "changed": changed, "changes": changes, "rules": dict(rules),
            "solutions": dict(solutions), "money": dict(money), "clocks": dict(clocks)}


def none_if_nan(v):
    return None if v is None or (isinstance(v, float) and v != v) else v


def test_counts_equal_decisions_one_by_one(baseline, store, requests, now_module, report):
    want = reference(baseline, store, requests, now_module)
    assert report.total == N == want["total"]
    assert 0 < report.changed == want["changed"] < N
    assert report.changes == {k: want["changes"][k] for k in report.changes}
    assert report.changes["rule"] > 0 and report.changes["deadlines"] > 0

    by_rule = report.by_rule
    got = {(r.before_status, none_if_nan(r.before_rule), r.after_status, none_if_nan(r.after_rule)):
           [r.rows, r.changed, list(r.samples)] for r in by_rule.itertuples()}
    assert got == want["rules"]
    assert by_rule["rows"].sum() == N
    # Most changed first.
    assert list(by_rule["changed"]) == sorted(by_rule["changed"], reverse=True)
    assert ("refund_unshipped", "flash_refund_unshipped") in report.samples["rules"]

    got = {(none_if_nan(r.before_solution), none_if_nan(r.after_solution)): [r.rows, r.changed, list(r.samples)]
           for r in report.by_solution.itertuples()}
    assert got == want["solutions"]

    got = {(r.amount, none_if_nan(r.payer)): [r.before_total, r.after_total, r.before_rows, r.after_rows, r.changed_rows]
           for r in report.money.itertuples()}
    assert got == want["money"]
    assert (report.money["delta"] == report.money["after_total"] - report.money["before_total"]).all()

    deadlines = report.deadlines.set_index("clock")
    assert set(deadlines.index) == set(want["clocks"])
    for clock, c in want["clocks"].items():
        d = deadlines.loc[clock]
        assert [d.earlier, d.later, d.same, d.only_before, d.only_after, d.total_shift_seconds] == [
            c["earlier"], c["later"], c["same"], c["only_before"], c["only_after"], c["total_shift"]], clock
        assert d.min_shift == pandas.Timedelta(seconds=c["min_shift"])
        assert d.max_shift == pandas.Timedelta(seconds=c["max_shift"])
    # The store answers within 1 business hour instead of 2: first_response moves earlier.
    assert deadlines.loc["first_response", "earlier"] > 0
    shifts = report.shifts
    moved = shifts.groupby(["clock", "direction"])["rows"].sum()
    assert moved["first_response", "earlier"] == deadlines.loc["first_response", "earlier"]
    assert moved["first_response", "later"] == deadlines.loc["first_response", "later"]


def test_sides_and_facts(baseline, store, report):
    assert report.before == {"policy_id": baseline.id, "policy_version": baseline.version,
                             "policy_hash": baseline.content_hash, "table": baseline.entry}
    assert report.after["policy_id"] == "apparel_shop" and report.after["table"] == store.entry
    assert report.facts_only_before == [] and report.facts_only_after == ["hygiene_goods"]


def test_input_forms_agree(baseline, store, requests, now_module, report):
    assert baseline.diff(store, as_columns(store, requests), now_module) == report
    assert baseline.diff(store, tuple(requests), now_module) == report


def test_samples_option_and_first_row(baseline, store, requests, now_module):
    none = baseline.diff(store, requests[:500], now_module, samples=0)
    assert all(len(s) == 0 for s in none.by_rule["samples"])
    assert none.samples == {"rules": {}, "solutions": {}}
    five = baseline.diff(store, requests[:500], now_module, samples=5, first_row=1000)
    want = reference(baseline, store, requests[:500], now_module, samples=5, first_row=1000)
    got = {(r.before_status, none_if_nan(r.before_rule), r.after_status, none_if_nan(r.after_rule)): list(r.samples)
           for r in five.by_rule.itertuples()}
    assert got == {k: v[2] for k, v in want["rules"].items()}
    assert min(min(s) for s in five.samples["rules"].values()) >= 1000


def test_merge_of_partitions_equals_the_whole(baseline, store, requests, now_module, report):
    cuts = [0, 700, 701, 1900, N]
    parts = [baseline.diff(store, requests[a:b], now_module, first_row=a) for a, b in zip(cuts, cuts[1:])]
    merged = parts[0]
    for p in parts[1:]:
        merged = merged.merge(p)
    assert merged == report
    assert merged.to_json() == report.to_json()
    # In any order, and merge returns a new report.
    backwards = parts[-1]
    for p in reversed(parts[:-1]):
        backwards = p.merge(backwards)
    assert backwards == report
    assert parts[0].total == 700


def test_merge_refuses_another_comparison(baseline, store, requests, now_module, report):
    other = store.diff(baseline, requests[:10], now_module)
    with pytest.raises(aftersale.UsageError, match=r"E508"):
        report.merge(other)


def test_json_and_pickle_round_trip(report):
    text = report.to_json()
    back = aftersale.DiffReport.from_json(text)
    assert back == report and back.to_json() == text
    assert report.to_dict() == json.loads(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(report, protocol=protocol))
        assert isinstance(again, aftersale.DiffReport) and again == report
    assert report != aftersale.DiffReport.from_json(report.merge(report).to_json())
    assert report != "text"
    with pytest.raises(TypeError):
        hash(report)


def test_from_json_refuses_bad_text():
    with pytest.raises(aftersale.Error, match=r"E312"):
        aftersale.DiffReport.from_json("{}")
    with pytest.raises(aftersale.Error, match=r"E312"):
        aftersale.DiffReport.from_json("not json")


def test_text_html_and_repr(report):
    text = str(report)
    assert f"{report.changed:,}" in text or str(report.changed) in text
    html = report._repr_html_()
    assert html.startswith("<div class=\"aftersale-diff\">") and "<h4>Money" in html
    assert "flash_refund_unshipped" in html and "changed rows keep their rule" in html
    assert repr(report).startswith(f"<aftersale.DiffReport {report.changed:,} of {N:,} decisions change: ")


def test_data_frame_columns_and_dtypes(report):
    assert list(report.by_rule.columns) == ["before_status", "before_rule", "after_status", "after_rule", "rows",
                                            "changed", "samples"]
    assert list(report.by_solution.columns) == ["before_solution", "after_solution", "rows", "changed", "samples"]
    assert list(report.money.columns) == ["amount", "payer", "before_total", "after_total", "delta", "before_rows",
                                          "after_rows", "changed_rows"]
    assert list(report.deadlines.columns) == ["clock", "earlier", "later", "same", "only_before", "only_after",
                                              "total_shift_seconds", "min_shift", "max_shift"]
    assert list(report.shifts.columns) == ["clock", "direction", "bucket", "min_seconds", "rows"]
    for frame in (report.by_rule, report.by_solution, report.money, report.deadlines, report.shifts):
        for name, dtype in frame.dtypes.items():
            if name in ("min_shift", "max_shift"):
                assert str(dtype) == "timedelta64[ns]"
            elif name in ("rows", "changed", "min_seconds") or name.endswith(("_total", "_rows", "_seconds")) or \
                    name in ("delta", "earlier", "later", "same", "only_before", "only_after"):
                assert str(dtype) == "int64", name
            else:
                assert dtype == object, name
    assert set(report.by_rule["before_status"]) <= set(STATUSES)
    assert report.shifts["bucket"].tolist()[:5] == ["< 1h", "1h-4h", "4h-1d", "1d-3d", ">= 3d"]


def test_empty_batch(baseline, store, now_module):
    empty = baseline.diff(store, [], now_module)
    assert empty.total == 0 and empty.changed == 0
    assert len(empty.by_rule) == 0 and str(empty.by_rule["rows"].dtype) == "int64"
    assert empty == baseline.diff(store, {}, now_module)


def test_same_policy_changes_nothing(baseline, requests, now_module):
    known = [{k: v for k, v in r.items() if k in baseline.facts} for r in requests[:400]]
    same = baseline.diff(baseline, known, now_module)
    assert same.total == 400 and same.changed == 0
    assert (same.by_rule["before_rule"].fillna("-") == same.by_rule["after_rule"].fillna("-")).all()
    assert (same.money["delta"] == 0).all()


def test_named_table(baseline, store, requests, now_module):
    fast = baseline.diff(store, requests[:300], now_module, table="fast_review")
    assert fast.before["table"] == fast.after["table"] == "fast_review"
    with pytest.raises(aftersale.RequestError, match=r"E304"):
        baseline.diff(store, requests[:3], now_module, table="no_such_table")


def test_a_column_neither_policy_declares(baseline, store, requests, now_module):
    rows = [dict(r) for r in requests[:20]]
    rows[7]["hygeine_goods"] = True
    with pytest.raises(aftersale.RequestError, match=r"hygeine_goods") as e:
        baseline.diff(store, rows, now_module)
    assert e.value.code == "E300"
    columns = as_columns(store, requests[:20])
    columns["colour"] = ["red"] * 20
    with pytest.raises(aftersale.RequestError, match=r"column `colour`") as e:
        baseline.diff(store, columns, now_module)
    assert e.value.code == "E300"


def test_a_wrong_type_names_the_row(baseline, store, requests, now_module):
    columns = as_columns(store, requests[:50])
    columns["amount"] = list(columns["amount"])
    columns["amount"][17] = 129.0
    with pytest.raises(aftersale.RequestError, match=r"request 17: .*`amount`") as e:
        baseline.diff(store, columns, now_module)
    assert e.value.code == "E301"
    columns["amount"][17] = 12900
    columns["hygiene_goods"] = ["yes"] * 50  # the store's own fact: only the store reads it
    with pytest.raises(aftersale.RequestError, match=r"request 0: .*`hygiene_goods`") as e:
        baseline.diff(store, columns, now_module)
    assert e.value.code == "E301"


def test_bad_arguments(baseline, store, requests, now_module):
    with pytest.raises(ValueError, match="naive"):
        baseline.diff(store, requests[:3], now_module.replace(tzinfo=None))
    with pytest.raises(TypeError):
        baseline.diff("store", requests[:3], now_module)
    with pytest.raises(aftersale.RequestError, match="column `amount` has 2 values") as e:
        baseline.diff(store, {"order_status": ["delivered"] * 3, "amount": [1, 2]}, now_module)
    assert e.value.code == "E318"


def test_data_frame_input(baseline, store, requests, now_module, report):
    # A DataFrame of the same requests (object columns where values are missing), and one with
    # NumPy dtypes: categorical enums, int64 money, nullable booleans, datetime64[ns, UTC].
    frame = pandas.DataFrame(requests)
    assert baseline.diff(store, frame, now_module) == report
    typed = pandas.DataFrame({
        "order_status": pandas.Categorical([r["order_status"] for r in requests]),
        "request": pandas.Categorical([r["request"] for r in requests]),
        "reason": pandas.Categorical([r.get("reason") for r in requests]),
        "amount": numpy.array([r["amount"] for r in requests], dtype="int64"),
        "opened": pandas.array([r.get("opened") for r in requests], dtype="boolean"),
        "hygiene_goods": pandas.array([r.get("hygiene_goods") for r in requests], dtype="boolean"),
        "delivered_at": pandas.to_datetime([r.get("delivered_at") for r in requests], utc=True),
    }, index=pandas.RangeIndex(5000, 5000 + N))
    lists = [{k: v for k, v in r.items() if k in typed.columns} for r in requests]
    assert baseline.diff(store, typed, now_module) == baseline.diff(store, lists, now_module)
    half = baseline.diff(store, typed.iloc[:1000], now_module).merge(
        baseline.diff(store, typed.iloc[1000:], now_module, first_row=1000))
    assert half == baseline.diff(store, typed, now_module)


def test_data_frame_errors_name_column_and_row(baseline, store, requests, now_module):
    frame = pandas.DataFrame({"order_status": ["delivered"] * 4, "request": ["request_refund"] * 4,
                              "amount": pandas.to_datetime(["2026-11-01"] * 4, utc=True)})
    with pytest.raises(aftersale.RequestError, match=r"column `amount`") as e:
        baseline.diff(store, frame, now_module)
    assert e.value.code == "E317"
    frame = pandas.DataFrame({"order_status": pandas.Categorical(["delivered", "delivered", "shipped", "dleivered"]),
                              "request": ["request_refund"] * 4, "amount": [100, 200, 300, 400]},
                             index=[10, 11, 12, 13])
    with pytest.raises(aftersale.RequestError, match=r"column `order_status` row 3 \(index `13`\).*`dleivered`") as e:
        baseline.diff(store, frame, now_module)
    assert e.value.code == "E302"
    # A column only the store declares is checked by the store alone.
    frame = pandas.DataFrame({"order_status": ["delivered"] * 2, "request": ["request_refund"] * 2,
                              "amount": [100, 200], "hygiene_goods": ["yes", "no"]})
    with pytest.raises(aftersale.RequestError, match=r"column `hygiene_goods` row 0: .*text") as e:
        baseline.diff(store, frame, now_module)
    assert e.value.code == "E301"


def test_the_docs_example_runs(monkeypatch, capsys):
    # docs/python.md, "What-if": its Python block, run from the repository's root.
    text = (SOURCE_DIR / "docs" / "python.md").read_text(encoding="utf-8")
    section = text[text.index("\n## What-if\n"):]
    block = section[section.index("```python\n") + len("```python\n"):]
    block = block[:block.index("\n```\n")]
    monkeypatch.chdir(SOURCE_DIR)
    exec(compile(block, "docs/python.md", "exec"), {})
    assert "what-if: `cn_platform_baseline`" in capsys.readouterr().out


def test_a_column_named_twice(baseline, store, now_module):
    frame = pandas.DataFrame([["delivered", "request_refund", 100, 200, True]],
                             columns=["order_status", "request", "amount", "amount", "hygiene_goods"])
    with pytest.raises(aftersale.RequestError, match=r"column `amount` is given twice") as e:
        baseline.diff(store, frame, now_module)
    assert e.value.code == "E318"


def test_rows_numbered_past_64_bits_are_refused_not_wrapped(baseline):
    base = baseline
    rows = [{"order_status": "delivered", "request": "request_return_refund", "amount": 100}] * 3
    now = datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)
    with pytest.raises(aftersale.UsageError, match="past 2\\^64 - 1") as e:
        base.diff(base, rows, now, first_row=2**64 - 2)
    assert e.value.code == "E507"
    assert base.diff(base, rows, now, first_row=2**64 - 3).total == 3
