# SPDX-License-Identifier: Apache-2.0
"""Flows: random flows and event streams, a reference case interpreter, the step-by-step comparison.

The interpreter (RefCase) follows docs/workflow.md and the flow sections of docs/policy-format.md
only: checks in the documented order, effects in order, on-entry clock actions in the fixed order
stop, pause, resume, reset, start, automatic chains, timers earliest first each at its own due time (also
before an event: `apply` fires the timers due by then first, and keeps them only when the event is
accepted), and the lifecycle phases of the table in workflow.md. SLA notices (`warn_at`) are not
modelled: the generator declares no warnings, so the library sends none here.
"""

from __future__ import annotations

import datetime as dt
import json

import aftersale

import generate
import reference

UTC = dt.timezone.utc
EVENTS = ["ev0", "ev1", "ev2", "ev3"]
VARIABLES = {
    "v_int": {"type": "int"},
    "v_money": {"type": "money"},
    "v_flag": {"type": "bool"},
    "v_kind": {"type": "enum", "values": ["k0", "k1", "k2"]},
    "a0": {"type": "money"},  # named like an amount: a case opened from a decision starts with it
}


# ---------------------------------------------------------------------------------------------
# Generator

class FlowGen(generate.PolicyGen):
    """A generated policy (facts, calendars, clocks, one table) plus one random flow `f`."""

    def __init__(self, seed):
        super().__init__(seed)
        r = self.r
        if not self.doc["clocks"]:
            self.doc["clocks"] = {"c0": {"within": {"hours": r.randrange(1, 72)}}}
            self.doc["policy"].setdefault("calendar", next(iter(self.doc["calendars"])))
        self.clock_ids = list(self.doc["clocks"])
        self.doc["flows"] = {"f": self._flow()}
        for rule in self.doc["decisions"]["t"]["rules"]:
            rule["then"]["flow"] = "f"

    def _var_value(self, name):
        r = self.r
        t = VARIABLES[name]["type"]
        if t == "int":
            return r.randrange(-5, 6)
        if t == "money":
            return r.randrange(0, 5000)
        if t == "bool":
            return r.random() < 0.5
        return r.choice(VARIABLES[name]["values"])

    def _guard(self):
        r = self.r
        g = {}
        for _ in range(r.randrange(0, 3)):
            if r.random() < 0.5:
                name = r.choice(list(VARIABLES))
                t = VARIABLES[name]["type"]
                if t in ("int", "money"):
                    lo = r.randrange(-3, 3) if t == "int" else r.randrange(0, 3000)
                    g[name] = r.choice([{"ge": lo}, {"le": lo}, {"missing": True}, {"exists": True}, lo])
                elif t == "bool":
                    g[name] = r.random() < 0.5
                else:
                    g[name] = r.choice([r.choice(VARIABLES[name]["values"]), {"ne": "k0"}])
            else:
                name = r.choice(["e0", "b0", "i0", "m0", "ds0"])
                self.enum_values.setdefault("v_kind", VARIABLES["v_kind"]["values"])
                g[name] = self._condition(name, self.facts[name]["type"])
        return g

    def _clock_list(self):
        r = self.r
        ids = r.sample(self.clock_ids, r.randrange(1, len(self.clock_ids) + 1))
        return ids if len(ids) > 1 or r.random() < 0.5 else ids[0]

    def _effects(self):
        r = self.r
        out = []
        for _ in range(r.randrange(0, 4)):
            k = r.randrange(9)
            if k == 0:
                name = r.choice(list(VARIABLES))
                out.append({"set": {name: self._var_value(name)}})
            elif k == 1:
                a = {"of": r.choice(["m0", "m1", "v_money", r.randrange(0, 9000)])}
                if r.random() < 0.5:
                    a["ratio"] = f"{r.randrange(0, 20)}/{r.choice([1, 3, 10])}"
                if r.random() < 0.4:
                    a["minus"] = r.choice(["v_money", r.randrange(0, 500)])
                if r.random() < 0.5:
                    a["rounding"] = r.choice(generate.ROUNDINGS)
                out.append({"record": {"v_money": a}})
            elif k in (2, 3):
                out.append({r.choice(["start", "stop", "pause", "resume"]): self._clock_list()})
            elif k == 4:
                e = {"emit": r.choice(["notify", "call_back"])}
                if r.random() < 0.4:
                    e["args"] = {"by": r.choice(["1d", "x", "名字"])}
                out.append(e)
            elif k == 5:
                out.append({"remark": r.choice([{"flag": "red"}, {"text": "备注"}, {"flag": "blue", "text": "t"}])})
            elif k == 6:
                out.append({"escalate": r.choice(["next", "next", "agent", "supervisor", "specialist"])})
        return out

    def _flow(self):
        r = self.r
        n = r.randrange(3, 8)
        states = {}
        names = [f"s{i}" for i in range(n)]
        terminal = set(r.sample(names[1:], r.randrange(1, 3)))
        for s in names:
            st = {}
            if s in terminal:
                st["terminal"] = True
            elif r.random() < 0.3:
                st["phase"] = "waiting_on_customer"
            if r.random() < 0.6:
                oe = {}
                for k in r.sample(["stop", "pause", "resume", "start"], r.randrange(1, 4)):
                    oe[k] = self._clock_list()
                st["on_entry"] = oe
            states[s] = st
        live = [s for s in names if s not in terminal]
        trans = []
        for _ in range(r.randrange(n, 3 * n)):
            src = r.choice(live)
            t = {"from": src if r.random() < 0.8 else r.sample(live, min(len(live), 2)),
                 "to": r.choice(names)}
            kind = r.random()
            if kind < 0.65:
                t["event"] = r.choice(EVENTS)
                if r.random() < 0.4:
                    t["roles"] = r.sample(self.doc["vocabulary"]["roles"], r.randrange(1, 3))
            elif kind < 0.8:
                # automatic transitions only go forward in state order: no loop (E208)
                i = names.index(src if isinstance(t["from"], str) else t["from"][0])
                if isinstance(t["from"], list):
                    t["from"] = src
                    i = names.index(src)
                if i + 1 >= n:
                    continue
                t["to"] = r.choice(names[i + 1:])
                t["auto"] = True
            else:
                if r.random() < 0.5:
                    t["after"] = {"clock": r.choice(self.clock_ids)}
                else:
                    key = r.choice(["minutes", "hours", "days", "business_hours", "business_minutes",
                                    "business_days"])
                    amount = {"minutes": r.randrange(1, 600), "hours": r.randrange(1, 60),
                              "days": r.randrange(1, 4), "business_hours": r.randrange(1, 20),
                              "business_minutes": r.randrange(1, 600),
                              "business_days": r.randrange(1, 3)}[key]  # a zero amount is E108
                    t["after"] = {key: amount}
                    if r.random() < 0.5 or "calendar" not in self.doc["policy"]:
                        t["after"]["calendar"] = r.choice(list(self.doc["calendars"]))
            if r.random() < 0.5:
                g = self._guard()
                if g:
                    t["when"] = g
            if r.random() < 0.6:
                eff = self._effects()
                if eff:
                    t["effects"] = eff
            trans.append(t)
        flow = {"start": names[0], "variables": {}, "states": states, "transitions": trans}
        for name, v in VARIABLES.items():
            flow["variables"][name] = dict(v)
            if r.random() < 0.4:
                flow["variables"][name]["default"] = self._var_value(name)
        if r.random() < 0.6:
            flow["close_roles"] = r.sample(self.doc["vocabulary"]["roles"], r.randrange(1, 3))
        if r.random() < 0.6:
            flow["reopen"] = {"to": r.choice(live)}
            if r.random() < 0.5:
                flow["reopen"]["roles"] = r.sample(self.doc["vocabulary"]["roles"], r.randrange(1, 3))
        return flow

    def step(self, live_events):
        """One random step of an event stream: (kind, time increment, event, role, id, payload).

        `live_events`: the events the current state has transitions for, picked more often."""
        r = self.r
        dtime = r.choice([0, 0, r.randrange(1, 3600), r.randrange(1, 3 * 86400)])
        if r.random() < 0.25:
            return {"kind": "advance", "dt": dtime}
        if live_events and r.random() < 0.75:
            ev = r.choice(live_events)
        else:
            ev = r.choice(EVENTS + ["close", "reopen", "bogus"] if r.random() < 0.3 else EVENTS)
        role = r.choice(self.doc["vocabulary"]["roles"] + (["ghost"] if r.random() < 0.05 else []))
        eid = f"e{r.randrange(0, 40)}" if r.random() < 0.5 else None
        payload = None
        if r.random() < 0.3:
            payload = {}
            for name in r.sample(list(VARIABLES), r.randrange(1, 3)):
                payload[name] = self._var_value(name)
            if r.random() < 0.1:
                payload[r.choice(["nope", "v_int"])] = "not a number"
        return {"kind": "apply", "dt": dtime, "event": ev, "role": role, "id": eid, "payload": payload}


# ---------------------------------------------------------------------------------------------
# Reference interpreter

class Refused(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class RefCase:
    def __init__(self, pol: reference.Policy, flow_id: str, request: dict, now: int, decision=None):
        self.pol = pol
        self.flow = pol.flows[flow_id]
        self.types = dict(pol.fact_types())
        self.vtypes = {k: v["type"] for k, v in self.flow.get("variables", {}).items()}
        self.types.update(self.vtypes)
        self.facts = pol.bind(request, now)
        self.vars = {}
        for k, v in self.flow.get("variables", {}).items():
            if "default" in v:
                self.vars[k] = pol.encode(v["type"], v["default"])
        started = decision["deadlines"] if decision else {}
        self.clock_ids = [c for c in pol.clocks if c in self._mentioned_clocks() or c in started]
        self.clocks = {c: {"status": "idle"} for c in self.clock_ids}
        for c, due in started.items():  # clocks the decision started keep its deadlines
            self.clocks[c] = {"status": "running", "started": now, "due": due}
        self.escalation = None
        self.phase = "opened"
        if decision:
            for name, v in decision["amounts"].items():
                if self.vtypes.get(name) == "money":
                    self.vars[name] = v
            if decision.get("escalation"):
                self.escalation = decision["escalation"]
                self.phase = "escalated"
        self.remark_flag = None
        self.remark_text = None
        self.applied = {}  # event id -> (name, role, payload) of the event applied with it
        self.transitions = []  # one per state listed in `from`, in order
        for t in self.flow.get("transitions", []):
            for s in (t["from"] if isinstance(t["from"], list) else [t["from"]]):
                self.transitions.append(dict(t, src=s))
        self.state = None
        self.actions = []
        self._enter(self.flow["start"], now)
        self._autos(now)

    def _mentioned_clocks(self):
        out = set()
        for st in self.flow["states"].values():
            for v in st.get("on_entry", {}).values():
                out |= set(v if isinstance(v, list) else [v])
        for t in self.flow.get("transitions", []):
            if "clock" in t.get("after", {}):
                out.add(t["after"]["clock"])
            for e in t.get("effects", []):
                for k in ("start", "stop", "pause", "resume", "reset"):
                    if k in e:
                        out |= set(e[k] if isinstance(e[k], list) else [e[k]])
        return out

    # -- clocks
    def _cal(self, c):
        return self.pol.clock_calendar(c)

    def _kind(self, c):
        return reference.duration_of(self.pol.clocks[c]["within"])

    def clock_action(self, action, c, now):
        k = self.clocks[c]
        kind, amount = self._kind(c)
        business = kind in ("business_time", "business_days")
        if action == "reset" and k["status"] not in ("running", "paused"):
            return  # workflow.md: a reset restarts only a clock that is counting
        if action in ("start", "reset"):
            self.clocks[c] = {"status": "running", "started": now, "due": self.pol.deadline(c, now)}
        elif action == "stop":
            if k["status"] in ("running", "paused"):
                k["status"] = "stopped"
                k.pop("remaining", None)
        elif action == "pause":
            if k["status"] == "running":
                due = k["due"]
                if due == reference.NEVER:
                    rem = reference.NEVER
                elif business:
                    rem = self._cal(c).working_time_between(now, due) if due > now else 0
                else:
                    rem = max(0, due - now)
                k["status"] = "paused"
                k["remaining"] = rem
        elif action == "resume":
            if k["status"] == "paused":
                rem = k.pop("remaining")
                if rem == reference.NEVER:
                    due = reference.NEVER
                elif business:
                    due = self._cal(c).add(now, "business_time", rem)
                else:
                    due = now + rem
                k["status"] = "running"
                k["due"] = due

    # -- lifecycle (workflow.md: "The flow tells the lifecycle what happened")
    def _enter(self, state, now):
        st = self.flow["states"][state]
        self.state = state
        self.entered_at = now
        oe = st.get("on_entry", {})
        for action in ("stop", "pause", "resume", "reset", "start"):
            v = oe.get(action, [])
            for c in (v if isinstance(v, list) else [v]):
                self.clock_action(action, c, now)
        if st.get("terminal"):
            self.phase = "resolved"
        elif self.phase != "escalated":
            self.phase = "waiting_on_customer" if st.get("phase") == "waiting_on_customer" else "active"

    def _guard(self, t):
        values = dict(self.facts)
        values.update(self.vars)
        return self.pol.matches(t.get("when", {}), values, self.types)

    def _fire(self, t, now):
        values = dict(self.facts)
        for e in t.get("effects", []):
            if "set" in e:
                for k, v in e["set"].items():
                    self.vars[k] = v
            elif "record" in e:
                (var, a), = e["record"].items()
                lookup = dict(values)
                lookup.update(self.vars)
                v = reference.compute_amount(a, lambda ref: lookup.get(ref))
                if v is not None:
                    self.vars[var] = v
            elif "emit" in e:
                self.actions.append((e["emit"], dict(e.get("args", {}))))
            elif "remark" in e:
                self.remark_flag = e["remark"].get("flag")
                self.remark_text = e["remark"].get("text")
            elif "escalate" in e:
                role = e["escalate"]
                if role == "next":
                    ladder = self.pol.ladder
                    if self.escalation in ladder:
                        i = ladder.index(self.escalation)
                        role = ladder[min(i + 1, len(ladder) - 1)]
                    else:
                        role = ladder[0]
                self.escalation = role
                self.phase = "escalated"
            else:
                for action in ("start", "stop", "pause", "resume", "reset"):
                    if action in e:
                        v = e[action]
                        for c in (v if isinstance(v, list) else [v]):
                            self.clock_action(action, c, now)
        self._enter(t["to"], now)

    def _autos(self, now):
        for _ in range(len(self.flow["states"])):
            for t in self.transitions:
                if t["src"] == self.state and t.get("auto") and self._guard(t):
                    self._fire(t, now)
                    break
            else:
                return

    # -- timers
    def _timer_due(self, t):
        """When a timer of the current state falls due; None when it never does.

        A timer whose guard is false is not pending (variables and facts only change when a
        transition enters a state, so the guard cannot change while the case stays)."""
        if not self._guard(t):
            return None
        after = t["after"]
        if "clock" in after:
            k = self.clocks[after["clock"]]
            if k["status"] != "running" or k["due"] == reference.NEVER or k["due"] <= self.entered_at:
                return None
            return k["due"]
        kind, amount = reference.duration_of(after)
        if amount == 0:
            return None
        cal = self.pol.calendars[after.get("calendar", self.pol.default_calendar)]
        due = cal.add(self.entered_at, kind, amount)
        return None if due == reference.NEVER else due

    def next_deadline(self):
        best = None
        for t in self.transitions:
            if t["src"] == self.state and "after" in t:
                d = self._timer_due(t)
                if d is not None and (best is None or d < best):
                    best = d
        return best

    def advance(self, now):
        fired = []
        while True:
            best, bt = None, None
            for t in self.transitions:
                if t["src"] == self.state and "after" in t:
                    d = self._timer_due(t)
                    if d is not None and d <= now and (best is None or d < best):
                        best, bt = d, t
            if bt is None:
                return fired
            self.actions = []
            src = self.state
            self._fire(bt, best)
            self._autos(best)
            fired.append({"from": src, "to": self.state, "actions": self.actions})

    # -- events
    def apply(self, event, role, now, eid=None, payload=None):
        self.actions = []
        # workflow.md "Duplicate or conflict?": the same event again is a duplicate; another event
        # under an applied id is a conflict. Both change nothing.
        sent = (event, role, sorted((payload or {}).items()))
        if eid and eid in self.applied:
            return {"result": "duplicate" if self.applied[eid] == sent else "conflict"}
        # workflow.md "Applying an event": timers due at or before the event fire first, as
        # `advance` would; a refused event changes nothing, its due timers included.
        saved = self._save()
        fired = self.advance(now)
        self.actions = []
        try:
            self._check_and_fire(event, role, now, payload)
        except Refused as r:
            self._restore(saved)
            return {"result": "refused", "reason": r.reason}
        if eid:
            self.applied[eid] = sent
        return {"result": "accepted", "actions": [a for f in fired for a in f["actions"]] + self.actions}

    def _save(self):
        return (self.state, self.entered_at, self.phase, self.escalation, self.remark_flag, self.remark_text,
                dict(self.vars), {c: dict(k) for c, k in self.clocks.items()})

    def _restore(self, saved):
        (self.state, self.entered_at, self.phase, self.escalation, self.remark_flag, self.remark_text,
         self.vars, self.clocks) = saved

    def _check_and_fire(self, event, role, now, payload):
        if role not in self.pol.roles:
            raise Refused("unknown_role")
        if self.phase == "closed" and event != "reopen":
            raise Refused("case_closed")
        if event == "close":
            if self.phase != "resolved":
                raise Refused("wrong_phase")
            assigned = self._payload(payload)
            cr = self.flow.get("close_roles")
            if cr is not None and role not in cr:
                raise Refused("role_not_allowed")
            self.vars.update(assigned)  # an accepted close or reopen carries its payload too
            self.phase = "closed"
            return
        if event == "reopen":
            ro = self.flow.get("reopen")
            if ro is None or self.phase not in ("resolved", "closed"):
                raise Refused("wrong_phase")
            assigned = self._payload(payload)
            if "roles" in ro and role not in ro["roles"]:
                raise Refused("role_not_allowed")
            self.vars.update(assigned)
            self.phase = "reopened"
            self._enter(ro["to"], now)
            self._autos(now)
            return
        cands = [t for t in self.transitions if t["src"] == self.state and t.get("event") == event]
        if not cands:
            raise Refused("unknown_event")
        assigned = self._payload(payload)
        allowed = [t for t in cands if "roles" not in t or role in t["roles"]]
        if not allowed:
            raise Refused("role_not_allowed")
        saved = dict(self.vars)
        self.vars.update(assigned)
        for t in allowed:
            if self._guard(t):
                self._fire(t, now)
                self._autos(now)
                return
        self.vars = saved
        raise Refused("guard_failed")

    def _payload(self, payload):
        assigned = {}
        for k, v in (payload or {}).items():
            if k not in self.vtypes or not self._typed(self.vtypes[k], v):
                raise Refused("bad_payload")
            assigned[k] = v
        return assigned

    @staticmethod
    def _typed(t, v):
        if t in ("int", "money"):
            return isinstance(v, int) and not isinstance(v, bool) and (t == "int" or v >= 0)
        if t == "bool":
            return isinstance(v, bool)
        if t == "enum":
            return isinstance(v, str) and v in VARIABLES["v_kind"]["values"]
        return False

    # -- what is compared
    def view(self):
        clocks = []
        for c in self.clock_ids:
            k = self.clocks[c]
            clocks.append({"clock": c, "state": k["status"],
                           "due": k.get("due") if k["status"] == "running" else None,
                           "remaining": k.get("remaining") if k["status"] == "paused" else None})
        return {"state": self.state, "phase": self.phase, "escalation": self.escalation,
                "remark_flag": self.remark_flag, "remark": self.remark_text, "entered_at": self.entered_at,
                "variables": {k: self.vars.get(k) for k in self.vtypes}, "clocks": clocks,
                "next_deadline": self.next_deadline()}


# ---------------------------------------------------------------------------------------------
# The comparison

MAX_DT = dt.datetime.max.replace(tzinfo=UTC, microsecond=0)
# The time left on a paused clock that never falls due (docs/python.md).
MAX_TD = dt.timedelta(days=999999999, seconds=86399)


def _t(v):
    if v is None:
        return None
    if isinstance(v, dt.timedelta):
        return int(v.total_seconds()) if v < MAX_TD else reference.NEVER
    if v >= MAX_DT:
        return reference.NEVER
    return int(v.timestamp())


def cxx_view(c):
    clocks = [{"clock": k["clock"], "state": k["state"],
               "due": _t(k["due"]) if k["state"] == "running" else None,
               "remaining": _t(k["remaining"]) if k["state"] == "paused" else None} for k in c.clocks]
    return {"state": c.state, "phase": c.phase, "escalation": c.escalation, "remark_flag": c.remark_flag,
            "remark": c.remark, "entered_at": _t(c.entered_at), "variables": dict(c.variables), "clocks": clocks,
            "next_deadline": _t(c.next_deadline())}


def cxx_outcome(o):
    out = {"result": o.result}
    if o.result == "refused":
        out["reason"] = o.reason
    if o.result == "accepted":
        out["actions"] = [(n, dict(a)) for n, a in o.actions]
    return out


def utc(t):
    return dt.datetime.fromtimestamp(t, UTC)


def run(args, mm):
    stats = {"flow_policies": 0, "streams": 0, "steps": 0, "accepted": 0, "refused": 0, "duplicate": 0, "conflict": 0,
             "timer_firings": 0, "opened_from_decision": 0, "snapshots": 0}
    reasons = {}
    for i in range(args.flows):
        seed = args.seed * 7000003 + i
        gen = FlowGen(seed)
        policy_yaml = generate.to_yaml(gen.doc)
        try:
            pol = aftersale.loads(policy_yaml, name=f"flow_{seed}.yaml")
        except aftersale.Error as e:
            mm.report(seed, policy_yaml, "load", f"the generated flow policy does not load: {e}", {})
            continue
        ref_pol = reference.Policy(gen.doc)
        stats["flow_policies"] += 1
        for s in range(args.streams):
            now = gen.now()
            req = gen.request()
            log = {"open": {"now": utc(now).isoformat(), "request": req}, "steps": []}
            decision = None
            if s % 2:
                decision = ref_pol.decide(req, now)
                if decision["status"] != "matched":
                    decision = None
            try:
                if decision:
                    c = pol.open_case(pol.decide(req, utc(now)), utc(now))
                else:
                    c = pol.open_case_in("f", req, utc(now))
            except aftersale.Error as e:
                mm.report(seed, policy_yaml, "stream", f"opening failed: {e}", log)
                break
            log["open"]["from_decision"] = decision is not None
            stats["opened_from_decision"] += decision is not None
            rc = RefCase(ref_pol, "f", req, now, decision)
            stats["streams"] += 1
            if not _same(seed, policy_yaml, mm, log, rc.view(), cxx_view(c), "after opening"):
                break
            for k in range(args.steps):
                st = gen.step(sorted({t["event"] for t in rc.transitions if t["src"] == rc.state and "event" in t}))
                now += st["dt"]
                st["now"] = utc(now).isoformat()
                log["steps"].append(st)
                if st["kind"] == "advance":
                    got = [{"from": o.from_state, "to": o.to_state,
                            "actions": [(n, dict(a)) for n, a in o.actions]} for o in c.advance(utc(now))]
                    want = rc.advance(now)
                    stats["timer_firings"] += len(want)
                else:
                    got = cxx_outcome(c.apply(st["event"], st["role"], utc(now), id=st["id"], payload=st["payload"]))
                    want = rc.apply(st["event"], st["role"], now, st["id"], st["payload"])
                    stats[want["result"]] += 1
                    if "reason" in want:
                        reasons[want["reason"]] = reasons.get(want["reason"], 0) + 1
                stats["steps"] += 1
                if gen.r.random() < 0.1:
                    # save and restore (snapshots.md): the restored case must equal the saved one
                    # and carry on identically
                    text = c.snapshot()
                    back = aftersale.Case.restore(pol, text)
                    stats["snapshots"] += 1
                    if not (back == c and back.snapshot() == text):
                        mm.report(seed, policy_yaml, "stream", f"snapshot round trip differs after step {k}", log)
                        break
                    c = back
                if got != want:
                    log["reference"], log["cxx"] = want, got
                    mm.report(seed, policy_yaml, "stream", f"step {k} ({st}): reference {want}, c++ {got}", log)
                    break
                if not _same(seed, policy_yaml, mm, log, rc.view(), cxx_view(c), f"after step {k} ({st})"):
                    break
    for k, v in reasons.items():
        stats["refused_" + k] = v
    return stats


def _same(seed, policy_yaml, mm, log, want, got, where):
    if want == got:
        return True
    diff = {k: (want.get(k), got.get(k)) for k in want if want.get(k) != got.get(k)}
    log["reference"], log["cxx"] = want, got
    mm.report(seed, policy_yaml, "stream", f"{where}: (reference, c++) {json.dumps(diff, default=str)}", log)
    return False
