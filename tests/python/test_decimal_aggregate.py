# SPDX-License-Identifier: Apache-2.0
"""Decimal and ranged facts from Python (Decimal, str, int; never a float) and aggregating tables."""

from decimal import Decimal

import pytest

import aftersale

POLICY = """format: 1
policy: {id: d, version: "1", entry: comp}
vocabulary: {solutions: [compensate, approve, review]}
facts:
  rating: {type: decimal, scale: 1, min: 0, max: 5}
  rate: {type: decimal, scale: 3, default: 0.005}
  score: {type: int, min: 0, max: 100}
  late: {type: bool}
  price: {type: money}
decisions:
  comp:
    hit_policy: collect
    aggregate: {op: sum, output: compensation}
    rules:
      - {id: late, when: {late: true}, then: {solution: compensate, amounts: {compensation: {fixed: 500}}}}
      - id: poor
        when: {rating: {le: 3.5}}
        then: {solution: compensate, amounts: {compensation: {of: price, ratio: 1/10}}}
  by_rating:
    rules:
      - {id: top, when: {rating: {ge: 4.8}}, then: {solution: approve}}
      - {id: rest, then: {solution: review}}
"""


@pytest.fixture
def pol():
    return aftersale.loads(POLICY, name="d.yaml")


@pytest.mark.parametrize("value, rule", [
    (Decimal("4.8"), "top"), ("4.8", "top"), (5, "top"), (Decimal("4.7"), "rest"), ("4.7", "rest"), (4, "rest"),
])
def test_decimal_values(pol, now, value, rule):
    assert pol.decide({"rating": value}, now, table="by_rating").rule_id == rule


def test_decimal_defaults_come_back_as_decimal(pol):
    assert pol.facts["rate"]["default"] == Decimal("0.005")
    assert str(pol.facts["rate"]["default"]) == "0.005"


@pytest.mark.parametrize("value, code, text", [
    (4.8, "E301", "fact `rating` was given a value of type float"),
    (Decimal("4.85"), "E307", "`4.85` has 2 digits after the point, fact `rating` has scale 1"),
    (Decimal("4.80"), "E307", "`4.80` has 2 digits after the point"),
    ("4,8", "E307", "`4,8` is not a decimal number for fact `rating`"),
    (Decimal("NaN"), "E307", "`NaN` is not a decimal number for fact `rating`"),
    # Refused as written, never expanded to its fixed-point digits (a billion of them here).
    (Decimal("1E+999999999"), "E307", "`1E+999999999` is not a decimal number for fact `rating`: give a "
     "finite Decimal with at most 18 digits after the point that fits 64 bits"),
    (Decimal("-1E-999999999"), "E307", "`-1E-999999999` is not a decimal number for fact `rating`"),
    (Decimal("5.1"), "E306", "fact `rating` is 5.1: its range is 0.0..5.0"),
])
def test_decimal_refusals(pol, now, value, code, text):
    with pytest.raises(aftersale.RequestError) as info:
        pol.decide({"rating": value}, now, table="by_rating")
    assert info.value.code == code and info.value.fact == "rating"
    assert text in str(info.value)


def test_range_refused_in_batches_too(pol, now):
    with pytest.raises(aftersale.RequestError) as info:
        pol.decide_many([{"score": 50}, {"score": 101}], now, table="by_rating")
    assert info.value.code == "E306" and "request 1: fact `score` is 101: its range is 0..100" in str(info.value)
    cols = pol.decide_many({"rating": [Decimal("4.8"), "4.7", None]}, now, table="by_rating")
    assert list(cols["rule_id"]) == ["top", "rest", "rest"]


def test_aggregate(pol, now):
    d = pol.decide({"late": True, "rating": "3.0", "price": 12000}, now)
    assert d.rules == ["late", "poor"] and d.aggregate == 1700
    assert d.to_dict()["aggregate"] == 1700
    assert "sum of amount `compensation` = 17.00" in d.explain()
    assert pol.decide({"late": True, "rating": "3.0"}, now).aggregate is None  # price absent: unknown
    assert pol.decide({"late": False}, now).aggregate is None
    assert pol.decide({"late": True}, now, table="by_rating").aggregate is None


def test_fact_declarations_show_range_and_scale(pol):
    assert pol.facts["rating"]["min"] == Decimal("0.0") and pol.facts["rating"]["max"] == Decimal("5.0")
    assert pol.facts["rating"]["scale"] == 1 and pol.facts["score"]["scale"] is None
    assert (pol.facts["score"]["min"], pol.facts["score"]["max"]) == (0, 100)
    assert pol.facts["price"]["min"] is None
