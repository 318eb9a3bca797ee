# SPDX-License-Identifier: Apache-2.0
"""Texts in a chosen locale: one decision and one case shown in Chinese and in English."""

from datetime import datetime, timedelta

import pytest

import aftersale
from conftest import SOURCE_DIR

BILINGUAL = SOURCE_DIR / "tests" / "cli" / "fixtures" / "locale" / "bilingual.yaml"
NOW = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


@pytest.fixture
def policy():
    return aftersale.load(BILINGUAL)


def test_decision_texts_in_the_policy_locale(policy):
    d = policy.decide({"order_status": "paid_unshipped"}, NOW)
    assert d.steps == ["联系买家确认退款原因", "同意退款"]
    assert d.remark == "未发货退款"
    assert d.customer_label == "退款处理中"
    assert d.agent_label == "联系买家后退款"
    assert d.deadlines[0].label == "联系买家"


def test_decision_texts_in_english_without_deciding_again(policy):
    d = policy.decide({"order_status": "paid_unshipped"}, NOW)
    en = d.to_dict(locale="en")
    assert en["locale"] == "en"
    assert en["steps"] == ["Contact the buyer about the reason", "Approve the refund"]
    assert en["remark"] == "Refund before shipping"
    assert en["customer_label"] == "Your refund is being processed"
    assert en["agent_label"] == "Contact the buyer, then refund"
    assert en["deadlines"][0]["label"] == "Contact the buyer"
    assert d.to_dict()["locale"] == "zh"
    assert d.to_dict(locale="fr")["remark"] == "未发货退款"  # fallback: the policy's locale


def test_vocabulary_labels_in_a_locale(policy):
    d = policy.decide({"order_status": "paid_unshipped"}, NOW)
    assert d.to_dict(locale="en")["vocabulary_labels"] == {
        "solution": "Refund immediately", "fee_payer": None, "evidence": [], "escalation": None}
    assert d.to_dict()["vocabulary_labels"]["solution"] == "直接退款"


def test_case_texts_in_both_locales(policy):
    d = policy.decide({"order_status": "paid_unshipped"}, NOW)
    case = policy.open_case(d, NOW)
    assert case.state_label() == "已提交"
    assert case.state_label("en") == "Submitted"
    assert case.state_label("en", customer=True) == "Refunding"
    assert case.remark == "未发货退款"
    assert case.remark_in("en") == "Refund before shipping"
    case.apply("approve", "agent", NOW + timedelta(minutes=30))
    assert case.state_label("en") == "Refunded"
    assert case.remark_in("en") == "Refund approved"
    assert case.remark_in() == "已同意退款"
    restored = aftersale.Case.restore(policy, case.snapshot())  # every locale survives a snapshot
    assert restored.remark_in("en") == "Refund approved"
    assert restored.remark_in("zh") == "已同意退款"
