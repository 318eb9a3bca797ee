# SPDX-License-Identifier: Apache-2.0
"""decide_many and decide from several Python threads at once."""

import threading

from conftest import generate_requests


def test_concurrent_decide_many(policy, now):
    batches = [generate_requests(policy, 1500, seed=s) for s in range(6)]
    expected = [policy.decide_many(b, now, threads=1) for b in batches]
    results = [None] * len(batches)
    errors = []
    start = threading.Barrier(len(batches))

    def work(i):
        try:
            start.wait()
            for _ in range(3):
                got = policy.decide_many(batches[i], now)
                assert got == expected[i]
            results[i] = got
        except BaseException as e:  # reported below: assertion errors in threads do not fail pytest
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == expected


def test_concurrent_decide(policy, now):
    reqs = generate_requests(policy, 300, seed=99)
    expected = [policy.decide(r, now).to_dict() for r in reqs]
    errors = []

    def work():
        try:
            for r, want in zip(reqs, expected):
                assert policy.decide(r, now).to_dict() == want
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
