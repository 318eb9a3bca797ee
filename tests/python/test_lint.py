"""Policy.lint and aftersale.lint: the C++ analysis (A400-A411) with its findings as objects."""

import re
from datetime import datetime, timezone

import pytest

import aftersale
from conftest import SOURCE_DIR

WEAKENED = SOURCE_DIR / "examples" / "stores" / "apparel_weakened.yaml"
FIRST_LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|note)\[(A4\d\d)\]: (.+)$")


def test_default_policy_lints_without_errors(policy):
    findings = policy.lint()
    assert findings, "the default policy has known warnings (gaps of fast_review, clocks into terminal states)"
    assert all(isinstance(f, aftersale.Finding) for f in findings)
    assert [f for f in findings if f.severity == "error"] == []
    for f in findings:
        assert f.severity in ("warning", "note")
        assert re.fullmatch(r"A4(0\d|1[01])", f.code)
        assert f.file.endswith("default.yaml") and f.line > 0 and f.column > 0
        assert f.message and not f.message.endswith(".")
        assert f.diagnostic.code == f.code and f.diagnostic.message == f.message
        assert f.table is None or f.table in policy.tables
        assert f.flow is None or f.flow in policy.flows
    # In document order, as analyze() reports them.
    places = [(f.file, f.line, f.column) for f in findings]
    assert places == sorted(places)


def test_finding_text_is_the_library_text(policy):
    findings = policy.lint()
    gaps = [f for f in findings if f.code == "A406"]
    assert gaps, "fast_review leaves requests uncovered"
    gap = gaps[0]
    text = str(gap)
    assert repr(gap) == text
    lines = text.split("\n")
    match = FIRST_LINE.match(lines[0])
    assert match, lines[0]
    assert match.groups() == (gap.file, str(gap.line), str(gap.column), gap.severity, gap.code, gap.message)
    assert lines[1] == "  help: " + gap.help
    witness_line = "  witness: " + ", ".join(
        f"{k}={'absent' if v is None else v}" for k, v in gap.witness.items())
    assert witness_line in lines
    assert gap.table == "fast_review" and gap.flow is None


def test_witness_names_declared_facts_and_values(policy):
    facts = policy.facts
    # Findings about tables: the witness is a request (flow findings may add the flow's variables).
    with_witness = [f for f in policy.lint() if f.witness is not None and f.table is not None]
    assert with_witness
    for f in with_witness:
        assert f.witness, f
        for name, value in f.witness.items():
            assert name in facts
            assert value is None or isinstance(value, str)
            if value is not None and facts[name]["type"] == "enum":
                assert value in facts[name]["values"]
    clocks = [f for f in policy.lint() if f.code == "A404"]
    assert clocks and all(f.witness is None for f in clocks), "a clock running into a terminal state is not about requests"


def test_to_dict_is_the_cli_json(policy):
    f = next(f for f in policy.lint() if f.code == "A406")
    d = f.to_dict()
    assert d["code"] == f.code and d["severity"] == f.severity
    assert d["where"] == {"file": f.file, "line": f.line, "column": f.column}
    assert d["message"] == f.message and d["help"] == f.help
    assert d["witness"] == f.witness
    assert d["table"] == "fast_review" and d["flow"] == ""
    assert [(r["file"], r["line"], r["column"]) for r in d["related"]] == f.related


def test_weakened_store_policy_has_a410_with_witness_and_both_rules():
    findings = aftersale.lint(WEAKENED)
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
    loaded = aftersale.load(WEAKENED)
    assert [str(f) for f in aftersale.lint(loaded)] == [str(f) for f in loaded.lint()]
    assert [str(f) for f in aftersale.lint(str(WEAKENED))] == [str(f) for f in loaded.lint()]
    assert [str(f) for f in aftersale.lint(policy)] == [str(f) for f in policy.lint()]


def test_lint_options(policy):
    at = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc)
    assert policy.lint(at=at)
    without_pairs = policy.lint(status_fact="no_such_fact")
    assert not [f for f in without_pairs if f.code == "A409"]
    assert [f for f in policy.lint() if f.code == "A409"]
    with pytest.raises(ValueError, match="naive"):
        policy.lint(at=datetime(2026, 3, 4, 5, 6))


def test_lint_of_a_missing_file_raises_policy_error():
    with pytest.raises(aftersale.PolicyError) as raised:
        aftersale.lint(SOURCE_DIR / "no" / "such.yaml")
    assert raised.value.code is not None


def pathlib_name(path):
    return path.replace("\\", "/").rsplit("/", 1)[-1]
