# SPDX-License-Identifier: Apache-2.0
"""Policy.lint and aftersale.lint: the C++ analysis (A400-A411) with its findings as objects."""

import re
from datetime import datetime, timezone

import pytest

import aftersale
from conftest import SOURCE_DIR

WEAKENED = SOURCE_DIR / "examples" / "stores" / "apparel_weakened.yaml"
# The stores extend the baseline in policies/, outside their own folder: named as a policy path.
BASELINE = SOURCE_DIR / "policies"
GAP = SOURCE_DIR / "tests" / "lint" / "A406_gap.yaml"  # shipped refunds match no rule (line 13)
FIRST_LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|note)\[(A4\d\d)\]: (.+)$")


def test_default_policy_lints_without_errors(policy):
    findings = policy.lint()
    assert all(isinstance(f, aftersale.Finding) for f in findings)
    assert [f for f in findings if f.severity == "error"] == []
    for f in findings:
        assert f.severity in ("warning", "note")
        assert re.fullmatch(r"A4([01]\d|20)", f.code)
        assert f.file.endswith("default.yaml") and f.line > 0 and f.column > 0
        assert f.message and not f.message.endswith(".")
        assert f.diagnostic.code == f.code and f.diagnostic.message == f.message
        assert f.table is None or f.table in policy.tables
        assert f.flow is None or f.flow in policy.flows
        assert f.witness is None or all(isinstance(v, (str, int, bool)) or v is None for v in f.witness.values())
    # In document order, as analyze() reports them.
    places = [(f.file, f.line, f.column) for f in findings]
    assert places == sorted(places)


def test_gap_finding_with_its_witness():
    (gap,) = aftersale.lint(GAP)
    assert (gap.code, gap.severity, gap.line, gap.column) == ("A406", "warning", 13, 3)
    assert gap.table == "after_sales" and gap.flow is None
    assert gap.witness == {"order_status": "shipped", "kind": "refund"}
    assert gap.related == []
    # The witness is a request: the evaluator matches no rule for it.
    policy = aftersale.load(GAP)
    assert policy.decide(gap.witness, datetime(2026, 1, 7, 4, 0, tzinfo=timezone.utc)).status == "no_match"


def test_finding_text_is_the_library_text():
    (gap,) = aftersale.lint(GAP)
    text = str(gap)
    assert repr(gap) == text
    lines = text.split("\n")
    match = FIRST_LINE.match(lines[0])
    assert match, lines[0]
    assert match.groups() == (gap.file, str(gap.line), str(gap.column), gap.severity, gap.code, gap.message)
    assert lines[1] == "  help: " + gap.help
    assert lines[2] == "  witness: order_status=shipped, kind=refund"
    assert len(lines) == 3


def test_to_dict_is_the_cli_json():
    (f,) = aftersale.lint(GAP)
    d = f.to_dict()
    assert d["code"] == f.code and d["severity"] == f.severity
    assert d["where"] == {"file": f.file, "line": f.line, "column": f.column}
    assert d["message"] == f.message and d["help"] == f.help
    assert d["witness"] == f.witness
    assert d["table"] == "after_sales" and d["flow"] == ""
    assert d["related"] == []


def test_weakened_store_policy_has_a410_with_witness_and_both_rules():
    findings = aftersale.lint(WEAKENED, policy_paths=[BASELINE])
    a410 = [f for f in findings if f.code == "A410"]
    assert len(a410) == 1
    f = a410[0]
    assert f.severity == "error"
    assert pathlib_name(f.file) == "apparel_weakened.yaml"
    assert "seven_day_return" in f.message and "three_day_window" in f.message
    assert f.witness["order_status"] in ("delivered", "completed")
    assert f.witness["request"] in ("request_return_refund", "request_refund")
    assert f.related, "the base's protected outcome and rule"
    assert all(isinstance(r, tuple) and len(r) == 3 for r in f.related)
    assert any(r[0].endswith("default.yaml") for r in f.related)


def test_lint_accepts_a_policy_or_a_path(policy):
    loaded = aftersale.load(WEAKENED, policy_paths=[BASELINE])
    assert [str(f) for f in aftersale.lint(loaded)] == [str(f) for f in loaded.lint()]
    assert [str(f) for f in aftersale.lint(str(WEAKENED), policy_paths=str(BASELINE))] == [str(f) for f in loaded.lint()]
    assert [str(f) for f in aftersale.lint(policy)] == [str(f) for f in policy.lint()]


def test_lint_options():
    pairs = aftersale.load(SOURCE_DIR / "tests" / "lint" / "A409_uncovered_pair.yaml")
    assert [f.code for f in pairs.lint()] == ["A406", "A409"]
    assert [f.code for f in pairs.lint(status_fact="no_such_fact")] == ["A406"]
    assert [f.code for f in pairs.lint(request_fact="order_status", status_fact="request")] == ["A406", "A409"]
    at = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc)
    assert [f.code for f in pairs.lint(at=at)] == ["A406", "A409"]
    with pytest.raises(ValueError, match="naive"):
        pairs.lint(at=datetime(2026, 3, 4, 5, 6))


def test_lint_of_a_missing_file_raises_policy_error():
    with pytest.raises(aftersale.PolicyError) as raised:
        aftersale.lint(SOURCE_DIR / "no" / "such.yaml")
    assert raised.value.code is not None


def pathlib_name(path):
    return path.replace("\\", "/").rsplit("/", 1)[-1]
