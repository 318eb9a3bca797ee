# SPDX-License-Identifier: Apache-2.0
"""aftersale.run_tests: the policy test runner (*.test.yaml) and its report."""

import json
import pathlib

import pytest

import aftersale
from conftest import SOURCE_DIR

DATA = pathlib.Path(__file__).resolve().parent / "data"
FAILING = DATA / "failing" / "mixed.test.yaml"
PASSING = DATA / "passing" / "refund_before_shipping.test.yaml"
MALFORMED = DATA / "malformed" / "bad_time.test.yaml"
# The default policy's test files (helper moves may leave them in either place).
POLICY_TESTS = next(p for p in (SOURCE_DIR / "policies" / "tests", SOURCE_DIR / "examples" / "stores" / "tests")
                    if p.is_dir() and any(p.glob("*.test.yaml")))


@pytest.fixture(scope="module")
def default_report():
    return aftersale.run_tests(POLICY_TESTS, coverage=True, policy_paths=[SOURCE_DIR / "policies"])


def test_default_policy_tests_pass(default_report):
    r = default_report
    assert isinstance(r, aftersale.TestReport)
    assert r.ok and r.exit_code == 0
    assert r.failed == 0 and r.errors == 0 and r.problems == []
    files = sorted(str(p) for p in POLICY_TESTS.rglob("*.test.yaml"))
    assert sorted(r.files) == files
    assert r.passed == len(r.cases) > 0
    assert all(c.passed and not c.error and c.failures == [] for c in r.cases)
    assert {c.kind for c in r.cases} == {"decide", "flow"}
    assert all(c.file in files and c.line > 0 and c.name for c in r.cases)
    assert str(r).rstrip().endswith(f"{r.passed} passed, 0 failed")
    assert repr(r) == f"<aftersale.TestReport {r.passed} passed, 0 failed, 0 errors>"


def test_default_policy_coverage(default_report, policy):
    coverage = default_report.coverage
    assert len(coverage) == 1
    (path, c), = coverage.items()
    assert pathlib.Path(path).resolve() == pathlib.Path(policy.file).resolve()
    assert isinstance(c, aftersale.Coverage)
    assert [t.table for t in c.tables] == policy.tables
    assert [f.flow for f in c.flows] == list(policy.flows)
    assert c.rows_total == sum(len(t.hit) + len(t.missed) for t in c.tables)
    assert c.rows_hit == sum(len(t.hit) for t in c.tables)
    assert c.transitions_total == sum(len(f.fired) + len(f.missed) for f in c.flows)
    assert c.transitions_fired == sum(len(f.fired) for f in c.flows)
    assert c.timers_total == sum(f.timers_total for f in c.flows) and c.timers_fired <= c.timers_total
    assert 0 < c.row_percent <= 100 and 0 < c.transition_percent <= 100
    assert c.row_percent == pytest.approx(100.0 * c.rows_hit / c.rows_total)
    fired = [t for f in c.flows for t in f.fired]
    assert fired and all(" --" in t and "--> " in t for t in fired)
    d = default_report.to_dict()
    assert d["passed"] == default_report.passed and d["exit_code"] == 0
    assert d["policies"][0]["coverage"]["rows"]["covered"] == c.rows_hit


def test_coverage_only_when_asked():
    r = aftersale.run_tests([FAILING])
    assert r.coverage is None
    assert "coverage" not in r.to_dict()["files"][0]


def test_failing_suite_reports_every_mismatch_at_its_line():
    r = aftersale.run_tests(FAILING)
    assert (r.passed, r.failed, r.errors) == (1, 2, 1)
    assert not r.ok and r.exit_code == 2
    by_name = {c.name: c for c in r.cases}
    assert by_name["retention before shipping"].passed
    wrong = by_name["wrong solution on purpose"]
    assert not wrong.passed and not wrong.error and wrong.kind == "decide" and wrong.line == 11
    (f,) = wrong.failures
    assert isinstance(f, aftersale.TestFailure)
    assert (f.field, f.expected, f.actual) == ("solution", "`return_then_refund`", "`retain_then_refund`")
    assert (pathlib.Path(f.file).name, f.line) == ("mixed.test.yaml", 15)
    assert f.message == "expected solution `return_then_refund`, got `retain_then_refund`"
    flow = by_name["wrong state after approval on purpose"]
    assert flow.kind == "flow" and not flow.passed
    assert [(x.field, x.expected, x.actual, x.line) for x in flow.failures] == [
        ("state", "`refunded`", "`awaiting_return`", 24)]
    broken = by_name["colour is not a fact"]
    assert broken.error and not broken.passed
    (problem,) = r.problems
    assert isinstance(problem, aftersale.Diagnostic)
    assert (problem.line, problem.column) == (27, 43) and "unknown fact `colour`" in problem.message
    text = r.text()
    assert "FAIL " in text and text.rstrip().endswith("1 passed, 2 failed, 1 error")
    assert json.loads(r.to_json()) == r.to_dict()


def test_coverage_min_fails_a_run_under_it():
    assert aftersale.run_tests(PASSING).ok
    r = aftersale.run_tests(PASSING, coverage_min=100.0, coverage=True)
    assert r.failed == 0 and r.coverage_shortfalls and not r.ok and r.exit_code == 1
    (c,) = r.coverage.values()
    assert c.rows_hit == 1 and "refund_unshipped_retain" in c.tables[0].hit + c.tables[1].hit
    assert c.transitions_fired == 0 and all(f.fired == [] and f.missed for f in c.flows)


def test_malformed_file_raises_test_file_error():
    with pytest.raises(aftersale.TestFileError) as raised:
        aftersale.run_tests([FAILING, MALFORMED])
    e = raised.value
    assert isinstance(e, aftersale.Error)
    assert pathlib.Path(e.file).name == "bad_time.test.yaml"
    assert (e.line, e.column) == (7, 10)
    assert e.code is not None
    assert [d.line for d in e.diagnostics] == [7]
    assert "is not a timestamp" in str(e)


def test_missing_path_raises_test_file_error(tmp_path):
    with pytest.raises(aftersale.TestFileError) as raised:
        aftersale.run_tests(tmp_path / "nowhere")
    assert "nowhere" in str(raised.value)
    assert raised.value.diagnostics


def test_report_classes_are_not_collected_by_pytest():
    assert aftersale.TestReport.__test__ is False
    assert aftersale.TestFailure.__test__ is False
    assert aftersale.TestFileError.__test__ is False
