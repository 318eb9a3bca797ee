# SPDX-License-Identifier: Apache-2.0
"""aftersale: after-sales policy as executable, testable data.

    import aftersale
    from datetime import datetime, timezone

    policy = aftersale.load("policies/default.yaml")
    d = policy.decide({"order_status": "paid_unshipped", "request": "request_refund",
                       "reason": "changed_mind", "amount": 12900},
                      now=datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    print(d.solution, d.deadlines, d.explain())

    columns = policy.decide_many(requests, now)   # list of dicts, or dict of lists
    frame = pandas.DataFrame(columns)
    report = policy.diff(store_policy, requests, now)  # what-if -> DiffReport: by_rule, money, ...

    case = policy.open_case(d, now)                # a case in the flow the rule names
    case.apply("approve", "agent", now, id="evt-1")  # -> Outcome; a refusal changes nothing
    case.advance(later)                            # fires due timers
    back = aftersale.Case.restore(policy, case.snapshot())

    store = aftersale.Store.open("cases.db")        # SQLite (or postgresql://...): cases in a database
    store.open_case("RMA-1", d, now)               # d.decision_id, d.policy_hash: the audit fields
    store.apply("RMA-1", "approve", "agent", id="evt-1", now=now)
    store.fire_due(later, 500)                     # each timer fires once, across processes

    for finding in policy.lint():                  # static analysis (A400-A411), with witnesses
        print(finding)
    report = aftersale.run_tests("policies/tests", coverage=True)   # *.test.yaml -> TestReport
    policy.flows["return_then_refund"].to_svg()    # diagrams: to_dot, to_mermaid, to_svg

Times are timezone-aware datetimes in and out (a naive datetime raises ValueError); money is
int minor units (分). Errors derive from aftersale.Error.
"""

from ._core import (
    Case,
    CaseResult,
    Coverage,
    Deadline,
    Decision,
    Diagnostic,
    DiffReport,
    Error,
    Finding,
    Flow,
    FlowCoverage,
    GraphvizError,
    Outcome,
    Policy,
    PolicyError,
    RequestError,
    RequestProblem,
    SnapshotError,
    Store,
    StoreError,
    TableCoverage,
    TestFailure,
    TestFileError,
    TestReport,
    UsageError,
    __version__,
    lint,
    load,
    loads,
    run_tests,
)
from ._core import loads_sources as _loads_sources


def loads_sources(sources, content_hash=None):
    """Loads a policy from its source texts in memory, reading no file: `sources` as
    Policy.sources gives them, (name, file, text) tuples, the policy's own first, then the base
    its `extends:` names (under the name it wrote), then that base's base. With `content_hash`,
    texts that load another policy raise PolicyError (E238). Unpickling a Policy calls this
    (a plain function, so that pickle can name it)."""
    return _loads_sources(sources, content_hash)


__all__ = [
    "Case",
    "CaseResult",
    "Coverage",
    "Deadline",
    "Decision",
    "Diagnostic",
    "DiffReport",
    "Error",
    "Finding",
    "Flow",
    "FlowCoverage",
    "GraphvizError",
    "Outcome",
    "Policy",
    "PolicyError",
    "RequestError",
    "RequestProblem",
    "SnapshotError",
    "Store",
    "StoreError",
    "TableCoverage",
    "TestFailure",
    "TestFileError",
    "TestReport",
    "UsageError",
    "__version__",
    "lint",
    "load",
    "loads",
    "loads_sources",
    "run_tests",
]
