# SPDX-License-Identifier: Apache-2.0
"""Flows and their diagrams: Policy.flows, Flow.to_dot/to_mermaid/to_svg, notebook displays."""

import os
import pathlib
import re
import shutil
from collections.abc import Mapping

import pytest

import aftersale

FLOW = "return_then_refund"


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH without Graphviz `dot` (an empty folder)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


def test_flows_is_a_read_only_mapping(policy):
    flows = policy.flows
    assert isinstance(flows, Mapping)
    assert len(flows) > 0 and FLOW in flows
    assert all(isinstance(f, aftersale.Flow) and f.id == k for k, f in flows.items())
    assert policy.flow(FLOW) == flows[FLOW]
    assert hash(policy.flow(FLOW)) == hash(flows[FLOW])
    assert policy.flow(FLOW) != flows[next(k for k in flows if k != FLOW)]
    with pytest.raises(TypeError):
        flows["x"] = flows[FLOW]
    with pytest.raises(KeyError, match="no_such_flow"):
        policy.flow("no_such_flow")
    with pytest.raises(KeyError):
        flows["no_such_flow"]


def test_flow_properties(policy):
    f = policy.flow(FLOW)
    assert f.start in f.states
    assert f.terminal_states and set(f.terminal_states) <= set(f.states)
    assert "approve" in f.events
    assert repr(f).startswith(f"<aftersale.Flow {FLOW}: {len(f.states)} states, ")


def test_dot_names_every_state(policy):
    for f in policy.flows.values():
        dot = f.to_dot()
        assert dot.lstrip().startswith("digraph")
        for state in f.states:
            assert state in dot, (f.id, state)


def test_label_options_change_the_text(policy):
    f = policy.flow(FLOW)
    assert f.to_dot(labels="none") != f.to_dot(labels="both")
    assert f.to_dot(locale="en", labels="agent") != f.to_dot(locale="zh", labels="agent")
    assert f.to_dot(guards=False) != f.to_dot()
    assert len(f.to_dot(reopen=True)) >= len(f.to_dot())
    with pytest.raises(ValueError, match="labels"):
        f.to_dot(labels="everything")


def test_mermaid_is_a_state_diagram(policy):
    for f in policy.flows.values():
        text = f.to_mermaid()
        assert text.startswith("stateDiagram-v2")
        assert "[*] -->" in text
    assert policy.flow(FLOW).to_mermaid(labels="none") != policy.flow(FLOW).to_mermaid()


@needs_dot
def test_svg_through_graphviz(policy):
    f = policy.flow(FLOW)
    svg = f.to_svg()
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert f._repr_svg_() == svg
    assert f._repr_markdown_() is None, "with an SVG the Markdown would hide it in some front ends"


def test_without_dot_svg_raises_and_display_falls_back_to_mermaid(policy, no_dot):
    f = policy.flow(FLOW)
    with pytest.raises(aftersale.GraphvizError) as raised:
        f.to_svg()
    assert raised.value.not_found is True
    assert isinstance(raised.value, aftersale.Error)
    assert "dot" in str(raised.value)
    assert f._repr_svg_() is None
    md = f._repr_markdown_()
    assert md.startswith("```mermaid\nstateDiagram-v2") and md.rstrip().endswith("```")


def test_failing_dot_is_a_graphviz_error_too(policy, monkeypatch, tmp_path):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    f = policy.flow(FLOW)
    with pytest.raises(aftersale.GraphvizError) as raised:
        f.to_svg()
    assert raised.value.not_found is False
    assert f._repr_svg_() is None
    assert f._repr_markdown_().startswith("```mermaid")


RETURN = {"order_status": "delivered", "request": "request_return_refund", "reason": "changed_mind",
          "amount": 12900, "resalable": True}


def test_highlight_marks_one_state(policy):
    f = policy.flow(FLOW)
    assert "fillcolor" not in f.to_dot()
    marked = f.to_dot(highlight=f.start)
    assert marked.count("fillcolor") == 1
    assert f.to_dot(highlight="no_such_state") == f.to_dot()
    mermaid = f.to_mermaid(highlight=f.start)
    assert mermaid.startswith(f.to_mermaid())
    assert f"\n  class {f.start} current\n" in mermaid


def test_case_displays_its_flow_with_its_state_marked(policy, now, no_dot):
    case = policy.open_case_in(FLOW, dict(RETURN, delivered_at=now), now)
    assert case._repr_svg_() is None
    f = policy.flow(FLOW)
    assert case._repr_markdown_() == "```mermaid\n" + f.to_mermaid(highlight=case.state) + "```\n"
    assert case._repr_markdown_() != f._repr_markdown_()


@needs_dot
def test_case_svg_is_its_flow_svg_with_its_state_marked(policy, now):
    case = policy.open_case_in(FLOW, dict(RETURN, delivered_at=now), now)
    svg = case._repr_svg_()
    assert svg == policy.flow(FLOW).to_svg(highlight=case.state)
    assert svg != policy.flow(FLOW).to_svg()
    assert case._repr_markdown_() is None


def test_policy_html_summary(policy):
    html = policy._repr_html_()
    assert policy.id in html and policy.version in html
    for table in policy.tables:
        assert f"<code>{table}</code>" in html
    for flow in policy.flows.values():
        assert re.search(f"<code>{flow.id}</code></td><td>{len(flow.states)}</td>", html), flow.id


def test_test_skeleton_covers_the_flow(policy, tmp_path):
    f = policy.flow(FLOW)
    text = f.test_skeleton("../default.yaml")
    assert re.search(r'^policy: "?\.\./default\.yaml"?$', text, re.M)
    assert re.search(f'^flow: "?{FLOW}"?$', text, re.M)
    assert re.search(r'- name: "?path 1: ', text)
    assert "# TODO" in text
    # A well-formed test file (placeholders may fail, the format may not): run_tests reads it.
    saved = tmp_path / "skeleton.test.yaml"
    saved.write_text(f.test_skeleton(str(pathlib.Path(policy.file).resolve())))
    report = aftersale.run_tests(saved)
    names = re.findall(r'- name: "?(path \d+):', text)
    assert names and [c.name.split(":")[0] for c in report.cases] == names
    assert all(c.kind == "flow" for c in report.cases)
    assert f.test_skeleton("x.yaml", now="2026-01-02T03:04:05+08:00") != text
