# SPDX-License-Identifier: Apache-2.0
"""load, loads, Policy attributes, PolicyError with exact locations."""

import pathlib
import re

import pytest

import aftersale
from conftest import DEFAULT_POLICY, SOURCE_DIR

ERRORS_DIR = SOURCE_DIR / "tests" / "errors"

SMALL = """format: 1
policy: {id: small, version: "3", name: Small, entry: main}
vocabulary: {solutions: [refund, review], parties: [customer]}
facts:
  status: {type: enum, values: [open, closed], required: true}
  amount: {type: money, default: 100}
decisions:
  main:
    rules:
      - {id: r1, when: {status: open}, then: {solution: refund, fee_payer: customer}}
"""


def test_load_accepts_str_and_pathlike(policy):
    assert aftersale.load(str(DEFAULT_POLICY)).content_hash == policy.content_hash
    assert aftersale.load(pathlib.Path(DEFAULT_POLICY)).id == policy.id


def test_policy_attributes(policy):
    assert isinstance(policy, aftersale.Policy)
    assert policy.id == "cn_platform_baseline"
    assert policy.version and isinstance(policy.version, str)
    assert policy.name == "平台售后基线"
    assert policy.currency == "CNY"
    assert policy.entry == "after_sales"
    assert "after_sales" in policy.tables and "fast_review" in policy.tables
    assert policy.file.endswith("default.yaml")
    assert isinstance(policy.content_hash, int) and policy.content_hash > 0
    assert "first_response" in policy.clocks
    assert policy.solutions[0] == "refund_immediately"
    assert "merchant" in policy.parties and "supervisor" in policy.roles
    assert "cn_platform_baseline" in repr(policy)


def test_policy_facts(policy):
    f = policy.facts
    assert f["order_status"]["type"] == "enum" and f["order_status"]["required"] is True
    assert "delivered" in f["order_status"]["values"]
    assert f["amount"]["type"] == "money"
    assert f["opened"] == {"type": "bool", "values": [], "required": False, "default": False, "derived": False,
                           "description": "已拆封", "min": None, "max": None,
                           "scale": None}
    assert f["customer_tier"]["default"] == "regular"
    assert f["days_since_delivery"]["derived"] is True


def test_loads_with_name():
    p = aftersale.loads(SMALL, name="small.yaml")
    assert (p.id, p.version, p.name, p.entry, p.tables) == ("small", "3", "Small", "main", ["main"])
    assert p.file == "small.yaml"
    assert p.facts["amount"]["default"] == 100
    assert aftersale.loads(SMALL).file == "<string>"


def test_policy_error_attributes_exact():
    text = SMALL.replace("  amount: {type: money, default: 100}\n", "  amount: {type: money, default: 100}\n  status: {type: int}\n")
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.loads(text, name="dup.yaml")
    e = info.value
    assert (e.file, e.line, e.column, e.code) == ("dup.yaml", 7, 3, "E104")
    assert len(e.diagnostics) >= 1
    d = e.diagnostics[0]
    assert (d.code, d.severity, d.file, d.line, d.column) == ("E104", "error", "dup.yaml", 7, 3)
    assert "status" in d.message
    assert str(d).startswith("dup.yaml:7:3: error[E104]: ")
    assert str(e).startswith("dup.yaml:7:3: error[E104]")
    assert isinstance(e, aftersale.Error)


def test_unreadable_file():
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.load("/nonexistent/policy.yaml")
    assert info.value.code == "E109"
    assert info.value.file == "/nonexistent/policy.yaml"


def expectations(path):
    # `# expect: error[E238]`: a diagnostic of the whole set of source texts, at line 0.
    return [(m[1] or "0", m[2] or "0", m[3])
            for m in re.finditer(r"^# expect: (?:(\d+):(\d+): )?error\[(E\d+)\]", path.read_text(), re.M)]


def load_fixture(path, name):
    """Loads a tests/errors file as the C++ driver does: from its source texts when it has a
    `# sources:` line (tests/errors/README.md), else as text with tests/errors as policy path."""
    text = path.read_text()
    sources = re.search(r"^# sources:(.*)$", text, re.M)
    if not sources:
        return aftersale.loads(text, name=name, policy_paths=ERRORS_DIR)
    expected_hash = re.search(r"^# content_hash: (\d+)$", text, re.M)
    texts = [(name, name, text)] + [(n, "tests/errors/" + n, (ERRORS_DIR / n).read_text()) for n in sources[1].split()]
    return aftersale.loads_sources(texts, int(expected_hash[1]) if expected_hash else None)


@pytest.mark.parametrize("path", sorted(p for p in ERRORS_DIR.glob("*.yaml") if "# limits:" not in p.read_text()),
                         ids=lambda p: p.stem)
def test_every_malformed_policy_reports_its_diagnostics(path):
    expected = expectations(path)
    assert expected, "no # expect: line in " + path.name
    name = "tests/errors/" + path.name
    with pytest.raises(aftersale.PolicyError) as info:
        load_fixture(path, name)
    e = info.value
    got = [(str(d.line), str(d.column), d.code) for d in e.diagnostics if d.severity == "error"]
    assert got == expected
    assert (e.file, str(e.line), str(e.column), e.code) == (name,) + expected[0]


STORE = """format: 1
extends: {base}
policy: {{id: store, version: "1"}}
"""


def test_extends_reads_only_below_the_allowed_folders(tmp_path):
    baseline = tmp_path / "baseline"
    uploads = tmp_path / "uploads"
    baseline.mkdir()
    uploads.mkdir()
    (baseline / "base.yaml").write_text(SMALL)
    store = uploads / "store.yaml"
    store.write_text(STORE.format(base="../baseline/base.yaml"))
    # Outside the store's own folder: refused before it is read, at the `extends` key.
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.load(store)
    assert (info.value.code, info.value.line, info.value.column) == ("E216", 2, 1)
    assert aftersale.load(store, policy_paths=[baseline]).id == "store"
    # Text has no folder: only policy_paths, searched like include paths.
    text = STORE.format(base="base.yaml")
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.loads(text, "upload.yaml")
    assert info.value.code == "E216"
    assert aftersale.loads(text, "upload.yaml", policy_paths=baseline).id == "store"
    # A server allowing exactly its baseline: the upload's own folder is not a root.
    (uploads / "other.yaml").write_text(SMALL)
    store.write_text(STORE.format(base="other.yaml"))
    assert aftersale.load(store).id == "store"
    with pytest.raises(aftersale.PolicyError) as info:
        aftersale.load(store, policy_paths=[baseline], file_folder=False)
    assert info.value.code == "E216"
