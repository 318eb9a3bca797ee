# SPDX-License-Identifier: Apache-2.0
"""Random valid policies, requests and event streams for the differential test (seeded).

A policy is built as a plain dict, the same dict reference.py reads, and written to YAML text by
`to_yaml`. Everything is drawn from one `random.Random(seed)`, so a seed names a policy exactly.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import random

import yaml

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]
# Weeks of working hours: lunch breaks, long days, night shifts (DST gaps fall at night), 24:00.
HOUR_SETS = [
    ["09:00-12:00", "13:30-18:00"],
    ["09:00-18:00"],
    ["08:00-20:00"],
    ["00:00-06:00", "22:00-24:00"],
    ["01:30-04:00", "10:00-11:00"],
    ["02:30-05:00"],
    ["10:00-10:30", "11:00-12:00", "15:00-24:00"],
]
# DST changes near which some policies are placed (Berlin, New York, Sydney, 2026).
DST_DATES = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 3, 8), dt.date(2026, 11, 1),
             dt.date(2026, 4, 5), dt.date(2026, 10, 4)]
HIT_POLICIES = ["unique", "first", "priority", "any", "collect", "rule_order", "output_order"]
ROUNDINGS = ["down", "up", "half_up", "half_even"]
AGGREGATES = ["sum", "min", "max", "count"]


def decimal_text(units: int, scale: int) -> str:
    """A scaled integer as decimal text with exactly `scale` digits after the point."""
    return str(decimal.Decimal(units).scaleb(-scale))


def decimal_literal(units: int, scale: int):
    """A decimal written in YAML as a plain number: a float whose repr is its shortest exact text
    (the values stay far below 2**53 and above 1e-4, so repr never uses an exponent)."""
    return float(decimal_text(units, scale))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the loader refuses anchors and aliases
        return True


def to_yaml(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200)


def iso(t: int, offset_min: int) -> str:
    tz = dt.timezone(dt.timedelta(minutes=offset_min))
    return dt.datetime.fromtimestamp(t, tz).isoformat()


def epoch(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp())


def dur_text(s: int) -> str:
    if s > 0 and s % 60 == 0 and s % 3600 and s > 3600 and (s // 60) % 7 == 0:
        return f"{s // 3600}h{s % 3600 // 60}m"  # composite forms: 1h30m, 1d2h
    if s > 86400 and s % 3600 == 0 and s % 86400 and (s // 3600) % 5 == 0:
        return f"{s // 86400}d{s % 86400 // 3600}h"
    if s % 86400 == 0 and s:
        return f"{s // 86400}d"
    if s % 3600 == 0 and s:
        return f"{s // 3600}h"
    if s % 60 == 0 and s:
        return f"{s // 60}m"
    return f"{s}s"


class PolicyGen:
    """One random policy and its request distribution."""

    def __init__(self, seed: int, extended: bool = False):
        """`extended` (the compiled-code differential, tests/codegen) adds more tables with other
        hit policies and the outputs reference.py does not model (steps in two locales, evidence,
        remarks, labels). It draws from a second generator, so the policy of a seed without it
        is the same as before."""
        self.seed = seed
        r = self.r = random.Random(seed)
        self.base = r.choice(DST_DATES) if r.random() < 0.3 else dt.date(2026, 1, 1) + dt.timedelta(
            days=r.randrange(365))
        self.t0 = epoch(self.base) + r.randrange(86400)
        self.consts = {}  # fact -> constants the rules use, so requests hit the edges
        self.doc = self._policy()
        if extended:
            self._extend(random.Random(seed * 1_000_003 + 17))

    # -- pieces
    def _date(self, spread=40):
        return self.base + dt.timedelta(days=self.r.randrange(-spread, spread))

    def _calendar(self):
        r = self.r
        hours = {}
        week = r.choice(HOUR_SETS)
        for w in ["mon", "tue", "wed", "thu", "fri"]:
            hours[w] = list(week if r.random() < 0.8 else r.choice(HOUR_SETS))
        if r.random() < 0.3:
            hours["sat"] = list(r.choice(HOUR_SETS))
        if self.base in DST_DATES and r.random() < 0.5:
            hours["sun"] = list(r.choice(HOUR_SETS[3:6]))  # DST changes happen on Sunday nights
        elif r.random() < 0.2:
            hours["sun"] = [] if r.random() < 0.5 else list(r.choice(HOUR_SETS[3:6]))
        if r.random() < 0.04:
            hours = {}  # no working hours at all (make-up days only, or none): business deadlines never fall due
        cal = {"time_zone": r.choice(ZONES), "hours": hours}
        hol, taken = [], set()
        for _ in range(r.randrange(0, 4)):
            if r.random() < 0.5:
                d = self._date()
                if d not in taken:
                    taken.add(d)
                    hol.append(d.isoformat())
            else:
                a = self._date()
                b = a + dt.timedelta(days=r.randrange(0, 8))
                days = {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}
                taken |= days
                hol.append({"from": a.isoformat(), "to": b.isoformat(), "name": "假期"})
        if hol:
            cal["holidays"] = hol
        mk = []
        for _ in range(r.randrange(0, 3)):
            d = self._date()
            if d not in taken and (d.weekday() >= 5 or not hours) and d.isoformat() not in mk:
                mk.append(d.isoformat())
        if mk:
            cal["makeup_workdays"] = mk
            if r.random() < 0.5 or not hours.get("mon"):
                cal["makeup_hours"] = list(r.choice(HOUR_SETS))
        return cal

    def _facts(self, cal_ids):
        r = self.r
        f = {}
        self.enum_values = {}
        for i in range(2):
            vals = [f"v{j}" for j in range(r.randrange(2, 6))]
            f[f"e{i}"] = {"type": "enum", "values": vals}
            self.enum_values[f"e{i}"] = vals
        f["b0"] = {"type": "bool"}
        f["i0"] = {"type": "int"}
        f["m0"] = {"type": "money"}
        f["m1"] = {"type": "money"}
        f["d0"] = {"type": "duration"}
        f["t0"] = {"type": "timestamp"}
        f["t1"] = {"type": "timestamp"}
        f["s0"] = {"type": "string"}
        # ranged and decimal facts (min/max checked in requests, E306; decimals exact, E307)
        lo = r.randrange(-10, 1)
        self.ranges = {"r0": (lo, lo + r.randrange(60, 120))}
        f["r0"] = {"type": "int", "min": self.ranges["r0"][0], "max": self.ranges["r0"][1]}
        self.scale = r.randrange(1, 4)
        f["x0"] = {"type": "decimal", "scale": self.scale}
        if r.random() < 0.5:
            self.ranges["x0"] = (0, 5 * 10**self.scale)
            f["x0"]["min"] = decimal_literal(0, self.scale)
            f["x0"]["max"] = decimal_literal(5 * 10**self.scale, self.scale)
        f["ds0"] = {"type": "int", "derived": {"days_since": "t0", "calendar": r.choice(cal_ids)}}
        f["ds1"] = {"type": "int", "derived": {"days_since": "t1"}}
        f["hs0"] = {"type": "int", "derived": {"hours_since": "t0"}}
        cases = {v: r.choice(self.enum_values["e1"]) for v in self.enum_values["e0"] if r.random() < 0.7}
        f["mp0"] = {"type": "enum", "values": list(self.enum_values["e1"]), "derived": {"map": "e0", "cases": cases}}
        self.enum_values["mp0"] = self.enum_values["e1"]
        # defaults and required flags
        for name, d in f.items():
            if "derived" in d:
                continue
            x = r.random()
            if x < 0.15:
                d["required"] = True
            elif x < 0.35:
                d["default"] = self._value(name, d["type"], for_yaml=True)
        self.facts = f
        return f

    def _value(self, name, ftype, for_yaml=False):
        """A random value of a fact, in one of its accepted written forms."""
        r = self.r
        c = self.consts.get(name)
        if ftype == "enum":
            return r.choice(self.enum_values[name])
        if ftype == "bool":
            return r.random() < 0.5
        if ftype == "string":
            return r.choice(["A1", "B2", "C3", "zz", "其他"])
        if ftype == "decimal":
            lo, hi = self.ranges.get(name, (-3 * 10**self.scale, 8 * 10**self.scale))
            u = r.choice(c) + r.choice([-1, 0, 1]) if c and r.random() < 0.5 else r.randrange(lo, hi + 1)
            u = min(max(u, lo), hi)
            if for_yaml:
                return decimal_literal(u, self.scale)
            k = r.random()
            if k < 0.3:
                return decimal.Decimal(decimal_text(u, self.scale))  # Python's Decimal goes in as it is
            if k < 0.4 and u % 10**self.scale == 0:
                return u // 10**self.scale  # a whole number
            return decimal_text(u, self.scale)
        if name in self.ranges:
            lo, hi = self.ranges[name]
            v = r.choice(c) + r.choice([-1, 0, 1]) if c and r.random() < 0.5 else r.randrange(lo, hi + 1)
            return min(max(v, lo), hi)
        if r.random() < 0.01 and ftype in ("int", "money"):
            v = r.choice([2**63 - 1, 2**62 + 12345] + ([-(2**63), -(2**63) + 1] if ftype == "int" else []))
        elif c and r.random() < 0.5:
            v = r.choice(c) + r.choice([-1, 0, 1])
        elif ftype == "int":
            v = r.randrange(-30, 31)
        elif ftype == "money":
            v = r.choice([0, r.randrange(0, 100), r.randrange(0, 200000), r.randrange(0, 10**12)])
        elif ftype == "duration":
            v = r.choice([0, r.randrange(0, 3600), r.randrange(0, 20) * 3600, r.randrange(0, 864000)])
        elif ftype == "timestamp":
            v = self.t0 + r.randrange(-25 * 86400, 5 * 86400)
        else:
            raise ValueError(ftype)
        if ftype == "money":
            v = max(0, v)
        if ftype == "duration":
            if not for_yaml and r.random() < 0.1:
                return dt.timedelta(seconds=v)  # Python values go in too (docs/python.md)
            return dur_text(v) if (r.random() < 0.5 and v > 0) else v
        if ftype == "timestamp":
            if not for_yaml and r.random() < 0.1:
                from zoneinfo import ZoneInfo
                return dt.datetime.fromtimestamp(v, ZoneInfo(r.choice(ZONES)))
            return iso(v, r.choice([0, 480, -300, 330, 60])) if (for_yaml or r.random() < 0.7) else v
        return v

    def _number(self, name, ftype):
        r = self.r
        if name in self.ranges:  # inside the range, with room for the bounds the conditions add
            lo, hi = self.ranges[name]
            v = r.randrange(lo + 1, hi - 45)
        elif ftype == "decimal":
            v = r.randrange(-2 * 10**self.scale, 6 * 10**self.scale)
        elif ftype == "int":
            v = r.randrange(-20, 21)
        elif ftype == "money":
            v = r.choice([r.randrange(0, 100), r.randrange(0, 200000)])
        elif ftype == "duration":
            v = r.randrange(0, 240) * 3600 + r.choice([0, 0, 59])
        elif ftype == "timestamp":
            v = self.t0 + r.randrange(-20 * 86400, 2 * 86400)
        self.consts.setdefault(name, []).append(v)
        return v

    def _written(self, ftype, v):
        if ftype == "decimal":
            return decimal_literal(v, self.scale)
        if ftype == "duration":
            return dur_text(v) if self.r.random() < 0.5 else v
        if ftype == "timestamp":
            return iso(v, self.r.choice([0, 480, -240]))
        return v

    def _condition(self, name, ftype):
        r = self.r
        x = r.random()
        if x < 0.06:
            return {"missing": True}
        if x < 0.10:
            return {"exists": r.choice([True, False])}
        if x < 0.12:
            return "any"
        if ftype in ("enum", "string"):
            vals = self.enum_values[name] if ftype == "enum" else ["A1", "B2", "C3"]
            k = r.randrange(5)
            if k == 0:
                return r.choice(vals)
            if k == 1:
                return r.sample(vals, r.randrange(1, len(vals) + 1))
            if k == 2:
                return {"ne": r.choice(vals)}
            if k == 3:
                return {"not_in": r.sample(vals, r.randrange(1, len(vals)))} if len(vals) > 1 else {"ne": vals[0]}
            return {"in": r.sample(vals, r.randrange(1, len(vals) + 1))}
        if ftype == "bool":
            return r.choice([True, False, {"eq": True}, {"ne": True}, {"eq": False}])
        # numbers
        k = r.randrange(9)
        w = lambda v: self._written(ftype, v)  # noqa: E731
        a = self._number(name, ftype)
        if k == 0:
            return w(a) if ftype not in ("timestamp",) else {"eq": w(a)}
        if k == 1:
            return {r.choice(["lt", "le", "gt", "ge"]): w(a)}
        if k in (2, 3):
            b = a + r.randrange(2, 40) * (3600 if ftype in ("duration", "timestamp") else 1)
            self.consts[name].append(b)
            return {"between": [w(a), w(b)]} if k == 2 else {"ge": w(a), "le": w(b)}
        if k == 4:
            return {"ne": w(a)}
        if k == 5 and ftype in ("int", "money", "decimal"):
            vals = sorted({a} | {self._number(name, ftype) for _ in range(r.randrange(0, 3))})
            vals = [w(v) for v in vals]
            return r.choice([vals, {"in": vals}, {"not_in": vals}])
        if k == 6:
            b = a + r.randrange(2, 10)
            self.consts[name].append(b)
            return {"ge": w(a), "ne": w(a + 1), "le": w(b)}
        if k == 7:
            b = a + r.randrange(2, 30)
            self.consts[name].append(b)
            return {"gt": w(a), "lt": w(b)}
        return {"ge": w(a), "ne": w(a + r.randrange(1, 5))}

    def _amounts(self, names_before):
        r = self.r
        out = {}
        for i in range(r.randrange(1, 4)):
            name = f"a{i}"
            if r.random() < 0.15:
                out[name] = {"fixed": r.randrange(0, 10000)}
                continue
            refs = ["m0", "m1"] + list(out)

            def operand():
                return r.choice(refs) if r.random() < 0.6 else r.randrange(0, 20000)
            a = {"of": r.choice(refs) if r.random() < 0.8 else r.randrange(-10**6, 10**6)}
            if r.random() < 0.7:
                q = r.choice([1, 2, 2, 2, 4, 3, 7, 10, 100, 1000])  # halves: rounding ties
                a["ratio"] = r.choice([f"{r.randrange(0, 3 * q)}/{q}", r.randrange(0, 4)])
            if r.random() < 0.4:
                a["minus"] = operand()
            if r.random() < 0.3:
                a["min"] = operand()
            if r.random() < 0.3:
                a["max"] = operand()
            if isinstance(a.get("min"), int) and isinstance(a.get("max"), int) and a["min"] > a["max"]:
                a["min"], a["max"] = a["max"], a["min"]  # constant bounds out of order are E204
            if r.random() < 0.7:
                a["rounding"] = r.choice(ROUNDINGS)
            out[name] = a
        return out

    def _then(self, voc, clock_ids):
        r = self.r
        t = {"solution": r.choice(voc["solutions"])}
        if r.random() < 0.6:
            t["fee_payer"] = r.choice(voc["parties"] + ["none"])
        if r.random() < 0.3:
            t["escalation"] = r.choice(voc["roles"])
        if clock_ids and r.random() < 0.7:
            t["clocks"] = r.sample(clock_ids, r.randrange(1, len(clock_ids) + 1))
        if r.random() < 0.5:
            t["amounts"] = self._amounts([])
        return t

    def _policy(self):
        r = self.r
        voc = {
            "solutions": [f"sol{i}" for i in range(r.randrange(2, 7))],
            "parties": ["customer", "merchant", "carrier"],
            "roles": ["customer", "agent", "specialist", "supervisor", "system"],
            "flags": ["red", "blue"],
            "escalation_ladder": ["agent", "specialist", "supervisor"],
        }
        cals = {f"cal{i}": self._calendar() for i in range(r.randrange(1, 3))}
        cal_ids = list(cals)
        clocks = {}
        for i in range(r.randrange(0, 5)):
            key = r.choice(["seconds", "minutes", "hours", "days", "business_minutes", "business_hours",
                            "business_days"])
            n = {"seconds": r.randrange(1, 200000), "minutes": r.randrange(1, 5000), "hours": r.randrange(1, 200),
                 "days": r.randrange(1, 40), "business_minutes": r.randrange(1, 3000),
                 "business_hours": r.randrange(1, 80), "business_days": r.choice([1, 1, 2, 3, r.randrange(1, 15)])}[key]
            c = {"within": {key: n}}
            if r.random() < 0.5:
                c["calendar"] = r.choice(cal_ids)
            clocks[f"c{i}"] = c
        facts = self._facts(cal_ids)
        types = {n: d["type"] for n, d in facts.items()}
        hp = r.choice(HIT_POLICIES)
        table = self._table(hp, facts, types, voc, clocks)
        policy = {"id": f"gen_{self.seed}", "version": "1", "entry": "t"}
        if r.random() < 0.8 or any("calendar" not in c for c in clocks.values()):
            policy["calendar"] = r.choice(cal_ids)
        self.hit_policy = hp
        return {
            "format": 1,
            "policy": policy,
            "vocabulary": voc,
            "facts": facts,
            "calendars": cals,
            "clocks": clocks,
            "decisions": {"t": table},
        }

    def _table(self, hp, facts, types, voc, clocks):
        """One decision table of hit policy `hp` over the policy's facts."""
        r = self.r
        rules = []
        nrules = r.randrange(1, 16)
        for i in range(nrules):
            when = {}
            for name in r.sample(list(facts), r.randrange(0, 4)):
                when[name] = self._condition(name, types[name])
            if hp in ("any", "unique") and rules and r.random() < 0.5:
                then = copy.deepcopy(r.choice(rules)["then"])
            else:
                then = self._then(voc, list(clocks))
            rules.append({"id": f"r{i}", "when": when, "then": then})
        table = {"hit_policy": hp, "rules": rules}
        if hp == "collect" and r.random() < 0.7:
            op = r.choice(AGGREGATES)
            table["aggregate"] = {"op": op}
            if op != "count":
                table["aggregate"]["output"] = "agg"
                for rule in rules:  # every rule computes the output; bounded so a sum never overflows
                    a = {"fixed": r.randrange(0, 10**6)} if r.random() < 0.3 else {
                        "of": r.choice(["m0", "m1"]), "ratio": f"{r.randrange(0, 5)}/{r.choice([1, 2, 3, 10])}",
                        "max": 10**12}
                    rule["then"].setdefault("amounts", {})["agg"] = a
        return table

    def _extend(self, rx: random.Random):
        """More tables (hit policies the first does not have) and every kind of output."""
        main, self.r = self.r, rx
        try:
            doc = self.doc
            voc = doc["vocabulary"]
            voc["evidence"] = ["photos", "receipt", "video"]
            if rx.random() < 0.5:
                doc["policy"]["locale"] = "zh"
                if rx.random() < 0.5:
                    doc["policy"]["locales"] = ["zh", "en"]
            types = {n: d["type"] for n, d in self.facts.items()}
            others = [hp for hp in HIT_POLICIES if hp != self.hit_policy]
            for name, hp in zip(["u", "w"], rx.sample(others, rx.randrange(1, 3))):
                doc["decisions"][name] = self._table(hp, self.facts, types, voc, doc["clocks"])
            for table in doc["decisions"].values():
                shared = {}  # `any`/`unique` rules copy outcomes: the outputs added stay equal
                for rule in table["rules"]:
                    key = repr(rule["then"])
                    if key not in shared:
                        shared[key] = self._outputs(voc)
                    rule["then"].update(copy.deepcopy(shared[key]))
        finally:
            self.r = main

    def _outputs(self, voc):
        """Steps (plain, or in zh and en), evidence, a remark and labels, each sometimes."""
        r = self.r
        out = {}
        if r.random() < 0.5:
            out["steps"] = [f"步骤{i}" if r.random() < 0.5 else {"zh": f"步骤{i}", "en": f"step {i}"}
                            for i in range(r.randrange(1, 4))]
        if r.random() < 0.4:
            out["evidence"] = r.sample(voc["evidence"], r.randrange(1, 4))
        if r.random() < 0.3:
            k = r.randrange(3)
            out["remark"] = ({"flag": r.choice(voc["flags"])} if k == 0 else {"text": "备注"} if k == 1
                             else {"flag": r.choice(voc["flags"]), "text": {"zh": "备注", "en": "remark"}})
        if r.random() < 0.3:
            out["labels"] = {"customer": "处理中", "agent": {"zh": "审核", "en": "review"}}
        return out

    # -- requests
    def _special_instants(self):
        """Starts where calendars are easy to get wrong: period edges, midnights, DST changes."""
        from zoneinfo import ZoneInfo
        out = []
        for cal in self.doc["calendars"].values():
            tz = ZoneInfo(cal["time_zone"])
            for k in range(-4, 5):
                day = self.base + dt.timedelta(days=k)
                minutes = {0}
                for periods in list(cal["hours"].values()) + [cal.get("makeup_hours", [])]:
                    for p in periods:
                        for hm in p.split("-"):
                            h, m = hm.split(":")
                            minutes.add(int(h) * 60 + int(m))
                for mnt in minutes:
                    w = dt.datetime(day.year, day.month, day.day, tzinfo=tz) + dt.timedelta(minutes=mnt)
                    out.append(int(w.timestamp()))
            # DST changes within 6 days: the instant itself, and the same wall time a day before
            start = self.t0 - 6 * 86400
            prev = dt.datetime.fromtimestamp(start, tz).utcoffset()
            for h in range(12 * 24):
                t = start + h * 3600
                off = dt.datetime.fromtimestamp(t, tz).utcoffset()
                if off != prev:
                    for d in (0, -86400, -2 * 86400):
                        out.extend(t + d + x * 900 for x in range(-6, 7))
                prev = off
        return out

    def now(self) -> int:
        r = self.r
        if r.random() < 0.4:
            if not hasattr(self, "_specials"):
                self._specials = self._special_instants()
            return r.choice(self._specials) + r.choice([0, 0, 0, -1, 1, -60, 60])
        return self.t0 + r.randrange(-3 * 86400, 3 * 86400)

    def bad_request(self) -> dict:
        """A request with exactly one fault: unknown fact, wrong type, undeclared enum value,
        a derived fact given, a required fact left out, or negative money."""
        r = self.r
        req = self.request()
        k = r.randrange(9)
        if k == 6:
            lo, hi = self.ranges["r0"]
            req["r0"] = r.choice([lo - 1, hi + 1, lo - r.randrange(2, 100)])  # outside the range: E306
        elif k == 7:
            req["x0"] = r.choice([decimal_text(r.randrange(1, 100), self.scale + 1), "4,5", "1e3"])  # E307
        elif k == 8:
            req["x0"] = r.choice([0.5, 2.25])  # a float is never taken: E301
        elif k == 0:
            req["nope"] = 1
        elif k == 1:
            name, v = r.choice([("i0", "12"), ("b0", 1), ("e0", 3), ("t0", "2026-01-01T00:00:00"),
                                ("m0", True), ("s0", 5)])
            req[name] = v
        elif k == 2:
            req["e1"] = "undeclared"
        elif k == 3:
            req[r.choice(["ds0", "hs0", "mp0"])] = 1
        elif k == 4:
            req["m1"] = -r.randrange(1, 1000)
        else:
            required = [n for n, d in self.facts.items() if d.get("required")]
            if not required:
                req["nope"] = 1
            else:
                del req[r.choice(required)]
        return req

    def request(self) -> dict:
        r = self.r
        req = {}
        for name, d in self.facts.items():
            if "derived" in d:
                continue
            if d.get("required") or r.random() < 0.75:
                req[name] = self._value(name, d["type"])
        return req
