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
    "run_tests",
]
