# SPDX-License-Identifier: Apache-2.0
"""A deliberately simple second evaluator of aftersale policies, written from the documents only.

Sources: docs/policy-format.md, docs/evaluation.md, docs/calendar.md, docs/workflow.md. It shares
no code with the C++ library and takes the slow, obvious road everywhere: conditions are tested one
by one, calendars are walked date by date with zoneinfo, amounts use Python's unbounded integers.

It works on the *generated* policy as a Python dict (the same dict generate.py turns into YAML), so
it never parses YAML written by someone else; the generator writes only the spellings read here.
Instants are Unix seconds (int). A deadline that never falls due is NEVER.

Points the docs left open when this was written, settled by the comparison and now written in
the docs: `fee_payer: none` is no fee payer (also for `any`); constant amount bounds with
min > max are E204; timer durations must be positive; a guarded timer is pending only while its
guard holds; `close`/`reopen` payloads are checked and assigned; a `remark` effect replaces the
whole remark; reopening leaves phase `escalated`; the start state's `on_entry` and automatic
transitions run at opening, after the decision's clocks are set; a paused `business_days` clock
keeps working time; the decision-level deadlines and amounts are the first selected rule's; a
clock that never falls due stays so when paused (its time left is NEVER) and resumed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from fractions import Fraction
from zoneinfo import ZoneInfo

NEVER = "never"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UTC = dt.timezone.utc
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# calendar.md: the tables cover local dates 2015-01-01 to 2045-01-01; our walk stops there too and
# answers "never" past it (the generator keeps every instant far inside).
WALK_END = dt.date(2045, 1, 1)


# ---------------------------------------------------------------------------------------------
# Text forms (policy-format.md: durations `48h`/`1h30m`/`10d` or seconds, ISO 8601 with offset)

def parse_duration(v) -> int:
    if isinstance(v, int):
        return v
    if isinstance(v, dt.timedelta):
        return int(v.total_seconds())
    total, num = 0, ""
    for ch in v:
        if ch.isdigit():
            num += ch
        else:
            total += int(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[ch]
            num = ""
    assert num == "", v
    return total


def parse_timestamp(v) -> int:
    if isinstance(v, int):
        return v
    if isinstance(v, dt.datetime):
        return int(v.timestamp())
    return int(dt.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp())


def parse_hhmm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def date_of(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


# ---------------------------------------------------------------------------------------------
# Calendars (calendar.md)

class Calendar:
    def __init__(self, d: dict):
        self.tz = ZoneInfo(d["time_zone"])
        hours = d.get("hours", {})
        self.week = [[self._period(p) for p in hours.get(w, [])] for w in WEEKDAYS]
        self.holidays = set()
        for h in d.get("holidays", []):
            if isinstance(h, dict):
                a, b = date_of(h["from"]), date_of(h["to"])
                while a <= b:
                    self.holidays.add(a)
                    a += dt.timedelta(days=1)
            else:
                self.holidays.add(date_of(h))
        self.makeup = set()
        for h in d.get("makeup_workdays", []):
            if isinstance(h, dict):
                a, b = date_of(h["from"]), date_of(h["to"])
                while a <= b:
                    self.makeup.add(a)
                    a += dt.timedelta(days=1)
            else:
                self.makeup.add(date_of(h))
        mh = d.get("makeup_hours", [])
        self.makeup_hours = [self._period(p) for p in mh] if mh else self.week[0]
        self._periods = {}
        self.last_makeup = max(self.makeup) if self.makeup else None
        self.has_week_hours = any(self.week)

    @staticmethod
    def _period(text):
        a, b = text.split("-")
        return parse_hhmm(a), parse_hhmm(b)

    # -- zone edges
    def local_date(self, t: int) -> dt.date:
        return dt.datetime.fromtimestamp(t, self.tz).date()

    def local_wall(self, t: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(t, self.tz).replace(tzinfo=None)

    def wall_to_utc(self, wall: dt.datetime) -> int:
        """A wall-clock time: inside a gap read with the offset before it; repeated: the earlier."""
        return int(wall.replace(tzinfo=self.tz, fold=0).timestamp())

    def boundary_to_utc(self, day: dt.date, minute: int) -> int:
        """A period boundary: inside a gap it moves to the end of the gap; repeated: the first."""
        wall = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute)
        t = self.wall_to_utc(wall)
        if self.local_wall(t) == wall:
            return t
        # nonexistent: the gap ends at the transition, somewhere in [fold=1 reading, fold=0 reading]
        lo = int(wall.replace(tzinfo=self.tz, fold=1).timestamp())
        hi = t
        if lo > hi:
            lo, hi = hi, lo
        off_lo = dt.datetime.fromtimestamp(lo, self.tz).utcoffset()
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if dt.datetime.fromtimestamp(mid, self.tz).utcoffset() == off_lo:
                lo = mid
            else:
                hi = mid
        return hi

    # -- working days
    def is_working_day(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return bool(self.week[day.weekday()]) or day in self.makeup

    def periods(self, day: dt.date):
        p = self._periods.get(day)
        if p is None:
            if day in self.holidays:
                spec = []
            elif day in self.makeup:
                spec = self.makeup_hours
            else:
                spec = self.week[day.weekday()]
            p = [(self.boundary_to_utc(day, a), self.boundary_to_utc(day, b)) for a, b in spec]
            self._periods[day] = p
        return p

    def _no_more_work(self, day: dt.date) -> bool:
        return not self.has_week_hours and (self.last_makeup is None or day > self.last_makeup)

    # -- add (the four clocks)
    def add(self, start: int, kind: str, amount: int):
        if kind == "elapsed":
            return start + amount
        if kind == "calendar_days":
            return self.wall_to_utc(self.local_wall(start) + dt.timedelta(days=amount))
        if kind == "business_time":
            if amount <= 0:
                return start
            left = amount
            day = self.local_date(start) - dt.timedelta(days=1)
            while day < WALK_END:
                if self._no_more_work(day):
                    return NEVER
                for a, b in self.periods(day):
                    if b <= start:
                        continue
                    s = max(a, start)
                    if left <= b - s:
                        return s + left
                    left -= b - s
                day += dt.timedelta(days=1)
            return NEVER
        if kind == "business_days":
            day = self.local_date(start)
            n = amount
            if n > 0:
                day += dt.timedelta(days=1)
            while day < WALK_END:
                if self._no_more_work(day):
                    return NEVER
                if self.is_working_day(day):
                    if n <= 1:
                        p = self.periods(day)
                        return p[-1][1] if p else NEVER
                    n -= 1
                day += dt.timedelta(days=1)
            return NEVER
        raise ValueError(kind)

    def working_time_between(self, a: int, b: int) -> int:
        """Working seconds in [a, b)."""
        total = 0
        day = self.local_date(a) - dt.timedelta(days=1)
        end = self.local_date(b) + dt.timedelta(days=1)
        while day <= end:
            for p, q in self.periods(day):
                lo, hi = max(p, a), min(q, b)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total

    def local_days_between(self, a: int, b: int) -> int:
        return (self.local_date(b) - self.local_date(a)).days


WITHIN_KINDS = {
    "seconds": ("elapsed", 1), "minutes": ("elapsed", 60), "hours": ("elapsed", 3600),
    "days": ("calendar_days", 1),
    "business_minutes": ("business_time", 60), "business_hours": ("business_time", 3600),
    "business_days": ("business_days", 1),
}


def duration_of(within: dict):
    (key, n), = [(k, v) for k, v in within.items() if k in WITHIN_KINDS]
    kind, unit = WITHIN_KINDS[key]
    return kind, n * unit


# ---------------------------------------------------------------------------------------------
# Policy

class Policy:
    def __init__(self, doc: dict):
        self.doc = doc
        p = doc["policy"]
        self.default_calendar = p.get("calendar")
        self.entry = p["entry"]
        voc = doc["vocabulary"]
        self.solutions = [s if isinstance(s, str) else s["id"] for s in voc["solutions"]]
        self.ladder = list(voc.get("escalation_ladder", []))
        self.roles = [s if isinstance(s, str) else s["id"] for s in voc.get("roles", [])]
        self.facts = doc["facts"]
        self.calendars = {k: Calendar(v) for k, v in doc.get("calendars", {}).items()}
        self.clocks = doc.get("clocks", {})
        self.tables = doc["decisions"]
        self.flows = doc.get("flows", {})
        self._deadline_cache = {}

    def clock_calendar(self, clock_id):
        return self.calendars[self.clocks[clock_id].get("calendar", self.default_calendar)]

    def deadline(self, clock_id, start):
        key = (clock_id, start)
        v = self._deadline_cache.get(key)
        if v is None:
            kind, amount = duration_of(self.clocks[clock_id]["within"])
            v = self.clock_calendar(clock_id).add(start, kind, amount)
            if len(self._deadline_cache) > 100000:
                self._deadline_cache.clear()
            self._deadline_cache[key] = v
        return v

    # -- binding (evaluation.md section 1) and derived facts (section 2)
    def encode(self, ftype, v):
        if ftype.startswith("decimal:"):  # exact: the text as written, scaled (a whole int is units)
            scale = int(ftype.split(":")[1])
            d = decimal.Decimal(repr(v) if isinstance(v, float) else str(v))
            units = d.scaleb(scale)
            assert units == units.to_integral_value(), (v, scale)
            return int(units)
        if ftype == "duration":
            return parse_duration(v)
        if ftype == "timestamp":
            return parse_timestamp(v)
        return v

    def type_of(self, name: str) -> str:
        f = self.facts[name]
        return f"decimal:{f['scale']}" if f["type"] == "decimal" else f["type"]

    def check(self, request: dict):
        """evaluation.md section 1: the request_error a request gets, as (code, fact), or None.

        Only single-fault requests are generated, so the order of checks is not tested."""
        for name, v in request.items():
            f = self.facts.get(name)
            if f is None:
                return "E300", name
            t = f["type"]
            if "derived" in f:
                return "E301", name
            ok = {"enum": isinstance(v, str), "string": isinstance(v, str), "bool": isinstance(v, bool),
                  "int": isinstance(v, int) and not isinstance(v, bool),
                  "money": isinstance(v, int) and not isinstance(v, bool),
                  "duration": isinstance(v, (str, int, dt.timedelta)) and not isinstance(v, bool),
                  "timestamp": isinstance(v, (str, int, dt.datetime)) and not isinstance(v, bool),
                  "decimal": isinstance(v, (str, int, decimal.Decimal)) and not isinstance(v, bool)}[t]
            if ok and t == "timestamp" and isinstance(v, str):
                ok = v[-1:] == "Z" or v[-6:-5] in ("+", "-")
            if not ok:
                return "E301", name
            if t == "enum" and v not in f["values"]:
                return "E302", name
            if t == "money" and v < 0:
                return "E305", name
            if t == "decimal":
                text = v if isinstance(v, str) else str(v) if isinstance(v, int) else format(v, "f")
                m = re.fullmatch(r"-?[0-9]+(\.([0-9]+))?", text)
                if not m or len(m.group(2) or "") > f["scale"]:
                    return "E307", name
            if "min" in f or "max" in f:
                x = self.encode(self.type_of(name), v)
                lo = self.encode(self.type_of(name), f["min"]) if "min" in f else None
                hi = self.encode(self.type_of(name), f["max"]) if "max" in f else None
                if (lo is not None and x < lo) or (hi is not None and x > hi):
                    return "E306", name
        for name, f in self.facts.items():
            if f.get("required") and name not in request:
                return "E303", name
        return None

    def bind(self, request: dict, now: int) -> dict:
        values = {}
        for name, f in self.facts.items():
            if "derived" in f:
                continue
            if name in request and request[name] is not None:
                values[name] = self.encode(self.type_of(name), request[name])
            elif "default" in f:
                values[name] = self.encode(self.type_of(name), f["default"])
        # derived facts: a map may read another derived fact declared first, so go in order
        for name, f in self.facts.items():
            d = f.get("derived")
            if d is None:
                continue
            if "days_since" in d:
                src = values.get(d["days_since"])
                if src is not None:
                    if "calendar" in d:
                        values[name] = self.calendars[d["calendar"]].local_days_between(src, now)
                    else:
                        values[name] = (now - src) // 86400
            elif "hours_since" in d:
                src = values.get(d["hours_since"])
                if src is not None:
                    values[name] = (now - src) // 3600
            elif "map" in d:
                src = values.get(d["map"])
                if src is not None and src in d["cases"]:
                    values[name] = d["cases"][src]
        return values

    # -- conditions (policy-format.md `when`, evaluation.md section 3)
    def holds(self, ftype, cond, present: bool, x) -> bool:
        if cond == "any":
            return True
        if not isinstance(cond, dict):
            cond = {"in": cond} if isinstance(cond, list) else {"eq": cond}
        for op, v in cond.items():
            if op == "missing" or (op == "exists" and v is False):
                if present:
                    return False
                continue
            if not present:
                return False
            if op == "exists":
                continue
            if op in ("in", "not_in"):
                vals = [self.encode(ftype, e) for e in v]
                if (x in vals) != (op == "in"):
                    return False
            elif op == "between":
                lo, hi = self.encode(ftype, v[0]), self.encode(ftype, v[1])
                if not lo <= x <= hi:
                    return False
            else:
                c = self.encode(ftype, v)
                ok = {"eq": x == c, "ne": x != c, "lt": x < c, "le": x <= c, "gt": x > c, "ge": x >= c}[op]
                if not ok:
                    return False
        return True

    def matches(self, when: dict, values: dict, types: dict) -> bool:
        for name, cond in when.items():
            if not self.holds(types[name], cond, name in values, values.get(name)):
                return False
        return True

    def fact_types(self):
        return {n: self.type_of(n) for n in self.facts}

    # -- decide (evaluation.md sections 3 and 4)
    def decide(self, request: dict, now: int, table: str | None = None) -> dict:
        t = self.tables[table or self.entry]
        hp = t.get("hit_policy", "first")
        values = self.bind(request, now)
        types = self.fact_types()
        matched = []
        for rule in t["rules"]:
            if self.matches(rule.get("when", {}), values, types):
                matched.append(rule)
                if hp == "first":
                    break
        prio = lambda r: self.solutions.index(r["then"]["solution"])  # noqa: E731
        status = "matched"
        agg = t.get("aggregate")
        if not matched:
            out = {"status": "no_match", "rules": []}
            if agg:
                out["aggregate"] = 0 if agg["op"] == "count" else None
            return out
        if hp == "first":
            sel = matched[:1]
        elif hp == "unique":
            sel = matched
            status = "conflict" if len(matched) > 1 else "matched"
        elif hp == "priority":
            sel = [min(matched, key=prio)]  # min keeps the earliest of equal keys
        elif hp == "any":
            sel = matched
            if any(outcome(r["then"]) != outcome(matched[0]["then"]) for r in matched):
                status = "conflict"
            else:
                sel = matched[:1]
        elif hp in ("collect", "rule_order"):
            sel = matched
        elif hp == "output_order":
            sel = sorted(matched, key=prio)  # stable: ties in rule order
        else:
            raise ValueError(hp)
        out = {"status": status, "rules": [r["id"] for r in sel]}
        if agg and status == "matched":
            out["aggregate"] = self.aggregate(agg, sel, values)
        if status != "matched":
            return out
        first = sel[0]["then"]
        out["solution"] = first["solution"]
        # `fee_payer: none` ("nobody pays") reads as no fee payer, like leaving it out
        fp = first.get("fee_payer")
        out["fee_payer"] = None if fp == "none" else fp
        out["escalation"] = first.get("escalation")
        out["deadlines"] = {c: self.deadline(c, now) for c in first.get("clocks", [])}
        out["amounts"] = self.amounts(first.get("amounts", {}), values)
        return out

    def aggregate(self, agg: dict, sel: list, values: dict):
        """evaluation.md, aggregating collect: count of the selected rules, or the sum, least or
        greatest of their output; None when one of them has no value for it."""
        if agg["op"] == "count":
            return len(sel)
        vals = [self.amounts(r["then"].get("amounts", {}), values).get(agg["output"]) for r in sel]
        if any(v is None for v in vals):
            return None
        v = {"sum": sum, "min": min, "max": max}[agg["op"]](vals)
        assert INT64_MIN <= v <= INT64_MAX  # the generator keeps sums in range (E308 is a unit test)
        return v

    def amounts(self, spec: dict, values: dict, extra: dict | None = None) -> dict:
        got = {}
        for name, a in spec.items():
            v = compute_amount(a, lambda ref: got[ref] if ref in got else
                               (extra.get(ref) if extra and ref in extra else values.get(ref)))
            if v is not None:
                got[name] = v
            # an absent amount stays out of `got`, so later references to it are absent too
        return got


def outcome(then: dict) -> dict:
    """A rule's outcome as `any` compares it: `fee_payer: none` is the same as no fee payer."""
    return {k: v for k, v in then.items() if not (k == "fee_payer" and v == "none")}


def _round(fr: Fraction, mode: str) -> int:
    fl = fr.numerator // fr.denominator
    if fl == fr:
        return fl
    if mode == "down":
        return fl
    if mode == "up":
        return fl + 1
    half = fr - fl  # in (0, 1)
    if half < Fraction(1, 2):
        return fl
    if half > Fraction(1, 2):
        return fl + 1
    if mode == "half_up":  # half away from zero
        return fl + 1 if fr > 0 else fl
    if mode == "half_even":
        return fl if fl % 2 == 0 else fl + 1
    raise ValueError(mode)


def parse_ratio(r) -> Fraction:
    if isinstance(r, int):
        return Fraction(r, 1)
    p, q = str(r).split("/")
    return Fraction(int(p), int(q))


def compute_amount(a: dict, lookup):
    """value = clamp(round(of × ratio) − minus, min, max), lower bound first; None when absent."""
    def operand(v):
        return v if isinstance(v, int) else lookup(v)
    if "fixed" in a:
        return a["fixed"]
    of = operand(a["of"])
    minus = operand(a["minus"]) if "minus" in a else 0
    lo = operand(a["min"]) if "min" in a else None
    hi = operand(a["max"]) if "max" in a else None
    if of is None or minus is None or ("min" in a and lo is None) or ("max" in a and hi is None):
        return None
    v = _round(of * parse_ratio(a.get("ratio", 1)), a.get("rounding", "half_up")) - minus
    if lo is not None and v < lo:
        v = lo
    if hi is not None and v > hi:
        v = hi
    return max(INT64_MIN, min(INT64_MAX, v))
