#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What changes if a store adopts its own policy? Generates a day of realistic after-sales
traffic (seeded, NumPy), decides it with the platform baseline and with a store policy, and
prints the what-if report (`Policy.diff`, the same text as `aftersale diff`).

    PYTHONPATH=build-python/bindings/python /usr/bin/python3 examples/python/whatif.py [--n 100000] [--seed 7]
"""

import argparse
import pathlib
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy
import pandas

import aftersale

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Share of each value, as an after-sales desk sees them (the rest of each list is rare).
ORDER_STATUS = {"paid_unshipped": 0.24, "label_printed": 0.06, "shipped": 0.18, "delivered": 0.30,
                "completed": 0.18, "unpaid": 0.02, "closed": 0.02}
REQUEST = {"request_refund": 0.26, "request_return_refund": 0.22, "request_exchange": 0.10,
           "urge_shipment": 0.08, "report_not_received": 0.05, "change_info": 0.05, "request_partial_refund": 0.05,
           "cancel_order": 0.05, "request_compensation": 0.04, "request_reissue": 0.03, "complain": 0.03,
           "request_repair": 0.02, "request_invoice": 0.02}
REASON = {"changed_mind": 0.34, "ordered_wrong_size": 0.16, "quality_issue": 0.12, "not_as_described": 0.07,
          "late_shipment": 0.06, "wrong_address": 0.05, "wrong_item": 0.04, "missing_item": 0.03,
          "damaged_in_transit": 0.03, "lost_in_transit": 0.02, "out_of_stock": 0.02, "signed_not_received": 0.02,
          "undeliverable": 0.02, "empty_parcel": 0.01, "counterfeit": 0.01}
CUSTOMER_TIER = {"regular": 0.72, "new": 0.18, "vip": 0.10}
CHANNEL = {"self_service": 0.7, "agent": 0.3}


def traffic(n, seed, now):
    """`n` requests as a pandas DataFrame, one column per fact the baseline and the apparel
    store read: enum facts categorical, money int64 分, flags bool (nullable `boolean` where the
    buyer may not say), `delivered_at` datetime64[ns, UTC] (NaT before delivery)."""
    rng = numpy.random.default_rng(seed)

    def pick(shares):
        values = list(shares)
        p = numpy.array(list(shares.values()))
        return pandas.Categorical.from_codes(rng.choice(len(values), size=n, p=p / p.sum()), categories=values)

    def flag(p):
        return rng.random(n) < p

    status = pick(ORDER_STATUS)
    after_delivery = numpy.isin(numpy.asarray(status), ["delivered", "completed"])
    # Order values: log-normal around ¥129, in 分.
    amount = numpy.round(numpy.exp(rng.normal(numpy.log(12900), 0.9, n))).astype(numpy.int64).clip(100, 5_000_000)
    minutes_ago = rng.gamma(1.5, 3 * 24 * 60, n).astype("int64")  # a few days, a long tail
    delivered_at = pandas.Series(pandas.Timestamp(now).tz_convert("UTC") - pandas.to_timedelta(minutes_ago, unit="m"))
    delivered_at[~after_delivery] = pandas.NaT
    received = pandas.array(numpy.where(after_delivery, True, flag(0.05)), dtype="boolean")
    received[flag(0.2)] = pandas.NA  # the buyer did not say
    return pandas.DataFrame({
        "order_status": status,
        "request": pick(REQUEST),
        "reason": pick(REASON),
        "amount": amount,
        "goods_received": received,
        "delivered_at": delivered_at,
        "opened": after_delivery & flag(0.45),
        "worn": after_delivery & flag(0.08),
        "urgent": flag(0.03),
        "customer_tier": pick(CUSTOMER_TIER),
        "blacklisted": flag(0.004),
        "channel": pick(CHANNEL),
        "hygiene_goods": flag(0.12),  # the apparel store's own fact: the baseline does not read it
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    baseline = aftersale.load(ROOT / "policies" / "default.yaml")
    store = aftersale.load(ROOT / "examples" / "stores" / "apparel.yaml", policy_paths=[ROOT / "policies"])
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    frame = traffic(args.n, args.seed, now)
    report = baseline.diff(store, frame, now)
    print(report)
    assert report.total == len(frame) and 0 < report.changed < report.total


if __name__ == "__main__":
    main()
