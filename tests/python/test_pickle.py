# SPDX-License-Identifier: Apache-2.0
"""A Policy travels as its source texts: Policy.sources, aftersale.loads_sources and pickling
(load again from the texts, checked against the content hash), and errors that pickle whole."""

import copy
import pickle

import pytest

import aftersale
from conftest import DEFAULT_POLICY, SOURCE_DIR, generate_requests

STORE = SOURCE_DIR / "examples" / "stores" / "apparel.yaml"
BASELINE = SOURCE_DIR / "policies"


@pytest.fixture(scope="module")
def store():
    return aftersale.load(STORE, policy_paths=[BASELINE])


def decisions(policy, requests, now):
    return [policy.decide(r, now).to_dict() for r in requests]


def test_sources_are_the_texts_the_policy_was_loaded_from(policy, store):
    (own,) = policy.sources
    assert own == (str(DEFAULT_POLICY), str(DEFAULT_POLICY), DEFAULT_POLICY.read_text(encoding="utf-8"))
    store_own, base = store.sources
    assert store_own[2] == STORE.read_text(encoding="utf-8")
    # The base under the name the store's `extends:` wrote, with the file its diagnostics show.
    assert base[0] == "../../policies/default.yaml"
    assert base[2] == DEFAULT_POLICY.read_text(encoding="utf-8")
    assert aftersale.loads(base[2]).content_hash == policy.content_hash
    with pytest.raises(AttributeError):
        store.sources = ()


@pytest.mark.parametrize("which", ["default", "store"])
def test_pickle_round_trip_loads_the_same_policy(which, policy, store, now):
    original = policy if which == "default" else store
    back = pickle.loads(pickle.dumps(original))
    assert back is not original
    assert back.content_hash == original.content_hash
    assert back.id == original.id and back.tables == original.tables
    assert back.sources == original.sources
    requests = generate_requests(original, 300)
    assert decisions(back, requests, now) == decisions(original, requests, now)
    # What is pickled is text and a hash: no compiled data.
    assert pickle.loads(pickle.dumps(original, protocol=0)).content_hash == original.content_hash


def test_a_pickled_policy_is_its_texts_and_hash(store):
    function, args = store.__reduce__()
    assert function is aftersale.loads_sources
    assert args == (store.sources, store.content_hash)
    assert aftersale.loads_sources(*args).content_hash == store.content_hash


def test_loads_sources_reads_no_file(store, tmp_path):
    # File names that exist nowhere: the base is the text named as the `extends:` wrote it.
    own, base = store.sources
    moved = [("/nowhere/store.yaml", "/nowhere/store.yaml", own[2]), (base[0], "/nowhere/default.yaml", base[2])]
    assert aftersale.loads_sources(moved).content_hash == store.content_hash


def test_a_tampered_text_fails_with_policy_error(store):
    payload = pickle.dumps(store)
    # A rule's figure changed on the way: the texts load another policy than the hash says.
    tampered = payload.replace(b"id: apparel_shop", b"id: apparel_shoq")
    assert tampered != payload
    with pytest.raises(aftersale.PolicyError) as e:
        pickle.loads(tampered)
    assert e.value.code == "E238"
    assert "the source texts load a policy of content hash" in str(e.value)
    # A text that no longer parses: the loader's own diagnostics, in the text's file.
    own, base = store.sources
    with pytest.raises(aftersale.PolicyError) as e:
        aftersale.loads_sources([own, (base[0], base[1], base[2].replace("decisions:", "decisions: [", 1))])
    assert e.value.file == base[1]
    # Without the base, the store cannot load.
    with pytest.raises(aftersale.PolicyError) as e:
        aftersale.loads_sources([own])
    assert e.value.code == "E237"
    assert str(e.value).startswith(
        f"{own[1]}:14:1: error[E237]: base policy `../../policies/default.yaml` is not among the texts "
        "the policy is loaded from"
    )


def test_copies_are_the_policy_itself(policy):
    assert copy.copy(policy) is policy
    assert copy.deepcopy({"p": policy})["p"] is policy


def test_errors_pickle_whole(policy, now):
    with pytest.raises(aftersale.RequestError) as e:
        policy.decide({"order_status": "paid_unshipped", "request": "request_refund", "reason": "chagned_mind"}, now)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(e.value, protocol=protocol))
        assert [str(p) for p in back.problems] == [str(p) for p in e.value.problems]
    assert type(back) is aftersale.RequestError
    assert str(back) == str(e.value)
    assert (back.code, back.fact, back.omitted) == (e.value.code, e.value.fact, e.value.omitted)
    assert [(p.code, p.fact, p.message, p.help) for p in back.problems] == [
        (p.code, p.fact, p.message, p.help) for p in e.value.problems
    ]
    with pytest.raises(aftersale.PolicyError) as e:
        aftersale.loads("format: 1\nformat: 1\n", "dup.yaml")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(e.value, protocol=protocol))
        assert [str(d) for d in back.diagnostics] == [str(d) for d in e.value.diagnostics]
    assert [str(d) for d in back.diagnostics] == [str(d) for d in e.value.diagnostics]
    assert [(d.code, d.severity, d.line) for d in back.diagnostics] == [
        (d.code, d.severity, d.line) for d in e.value.diagnostics
    ]
