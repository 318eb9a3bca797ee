# SPDX-License-Identifier: Apache-2.0
"""Replays a reproducer folder written by run.py and prints both sides step by step.

    PYTHONPATH=build/python/bindings/python /usr/bin/python3 tests/differential/replay.py DIR
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aftersale  # noqa: E402
import yaml  # noqa: E402

import flows  # noqa: E402
import reference  # noqa: E402


def ts(v):
    return int(dt.datetime.fromisoformat(v).timestamp())


def main(folder):
    text = open(os.path.join(folder, "policy.yaml"), encoding="utf-8").read()
    doc = yaml.safe_load(text)
    pol, ref = aftersale.loads(text, name="policy.yaml"), reference.Policy(doc)
    if os.path.exists(os.path.join(folder, "request.json")):
        r = json.load(open(os.path.join(folder, "request.json"), encoding="utf-8"))
        print("reference", ref.decide(r["request"], ts(r["now"])) if "now" in r else ref.check(r["request"]))
        print("c++      ", r.get("cxx"))
        return
    s = json.load(open(os.path.join(folder, "stream.json"), encoding="utf-8"))
    now = ts(s["open"]["now"])
    req = s["open"]["request"]
    if s["open"].get("from_decision"):
        c = pol.open_case(pol.decide(req, flows.utc(now)), flows.utc(now))
        rc = flows.RefCase(ref, "f", req, now, ref.decide(req, now))
    else:
        c = pol.open_case_in("f", req, flows.utc(now))
        rc = flows.RefCase(ref, "f", req, now)
    print("open", rc.view(), "\n    ", flows.cxx_view(c))
    for st in s["steps"]:
        now = ts(st["now"])
        if st["kind"] == "advance":
            got = [(o.from_state, o.to_state) for o in c.advance(flows.utc(now))]
            want = [(x["from"], x["to"]) for x in rc.advance(now)]
        else:
            got = flows.cxx_outcome(c.apply(st["event"], st["role"], flows.utc(now), id=st["id"], payload=st["payload"]))
            want = rc.apply(st["event"], st["role"], now, st["id"], st["payload"])
        print(st, "\n  ref", want, rc.view(), "\n  c++", got, flows.cxx_view(c))


if __name__ == "__main__":
    main(sys.argv[1])
