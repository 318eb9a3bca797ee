// SPDX-License-Identifier: Apache-2.0
// Case and Outcome: a case opened from a decision (or in a named flow) and moved by events and
// timers. Thin: names and instants are converted here; every rule is the C++ runtime's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

std::optional<std::string> state_id(const flow_def& f, std::uint32_t i) {
  if (i < f.states.size()) return f.states[i].id;
  return std::nullopt;
}

py::list actions_of(const outcome_view& v) {
  py::list out;
  for (const emitted_action& a : v.actions) {
    py::dict args;
    for (const auto& [k, val] : a.args) args[py::str(k)] = val;
    out.append(py::make_tuple(a.name, args));
  }
  return out;
}

// The name of value `i` in the guard numbering: facts first, then the flow's variables.
const fact_def& value_def(const service_case& c, std::size_t i) {
  const std::size_t facts = c.source_policy().facts.size();
  return i < facts ? c.source_policy().facts[i] : c.flow().variables[i - facts];
}

py::dict values_of(const service_case& c, std::size_t first, std::size_t last) {
  py::dict out;
  for (std::size_t i = first; i < last && i < c.value_count(); ++i) {
    const fact_def& f = value_def(c, i);
    out[py::str(f.name)] = c.has_value(i) ? fact_value_to_python(f, c.value(i)) : py::object(py::none());
  }
  return out;
}

py::list clocks_of(const service_case& c) {
  py::list out;
  const policy& p = c.source_policy();
  for (const case_clock& k : c.clocks()) {
    py::dict d;
    d["clock"] =
        k.clock < p.clocks.size() ? py::object(py::str(p.clocks[k.clock].id)) : py::object(py::none());
    d["state"] = std::string(to_string(k.state));
    d["started"] = k.state == case_clock::status::idle ? py::object(py::none()) : to_datetime(k.started);
    d["due"] = k.state == case_clock::status::running ? to_datetime(k.due) : py::object(py::none());
    d["remaining"] = k.state != case_clock::status::paused ? py::object(py::none())
                     : k.due == never_due ? to_timedelta(std::chrono::seconds::max())  // never ends
                                          : to_timedelta(k.remaining);
    out.append(d);
  }
  return out;
}

py::list history_of(const service_case& c) {
  py::list out;
  const flow_def& f = c.flow();
  const policy& p = c.source_policy();
  for (const history_entry& h : c.history()) {
    py::dict d;
    d["kind"] = std::string(to_string(h.what));
    d["at"] = to_datetime(h.at);
    const bool has_event =
        h.transition < f.transitions.size() && f.transitions[h.transition].event < f.events.size();
    d["event"] =
        has_event ? py::object(py::str(f.events[f.transitions[h.transition].event])) : py::object(py::none());
    d["actor"] = text_or_none(entry_id(p.vocabulary.roles, h.actor_role));
    d["from"] = state_id(f, h.from);
    d["to"] = state_id(f, h.to);
    d["event_id"] = h.event_id.empty() ? py::object(py::none()) : py::object(py::str(h.event_id));
    py::dict assigned;
    for (const auto& [i, value] : h.assigned) {
      if (i < c.value_count())
        assigned[py::str(value_def(c, i).name)] = fact_value_to_python(value_def(c, i), value);
    }
    d["assigned"] = assigned;
    d["text"] = describe(c, h);
    out.append(d);
  }
  return out;
}

outcome_view apply_event(service_case& c, const std::string& name, const std::string& actor, py::handle now,
                         py::handle id, py::handle payload) {
  event e;
  e.name = name;
  e.actor_role = actor;
  if (!payload.is_none()) e.payload = to_request(payload);
  if (!id.is_none()) e.id = id.cast<std::string>();
  const sys_seconds t = to_instant(now, "now");
  return make_outcome_view(c, apply(c, e, t));
}

std::vector<outcome_view> advance_case(service_case& c, py::handle now) {
  const sys_seconds t = to_instant(now, "now");
  std::vector<outcome_view> out;
  for (const outcome& o : advance(c, t)) out.push_back(make_outcome_view(c, o));
  return out;
}

std::string outcome_repr(const outcome_view& v) { return "<aftersale.Outcome " + v.message + ">"; }

}  // namespace

void register_case(py::module_& m) {
  py::class_<outcome_view>(m, "Outcome", "The result of applying an event, or of one timer fired by advance.")
      .def_property_readonly("accepted", &outcome_view::accepted)
      .def_readonly("result", &outcome_view::result, "'accepted', 'refused', 'duplicate' or 'conflict'")
      .def_property_readonly(
          "reason", [](const outcome_view& v) { return text_or_none(v.reason); },
          "why it was refused ('unknown_event', 'guard_failed', ...), else None")
      .def_readonly("message", &outcome_view::message)
      .def_property_readonly("from_state", [](const outcome_view& v) { return text_or_none(v.from_state); })
      .def_property_readonly("to_state", [](const outcome_view& v) { return text_or_none(v.to_state); })
      .def_readonly("steps", &outcome_view::steps, "transitions fired (the event's and the automatic ones)")
      .def_property_readonly("actions", &actions_of, "actions for the host: list of (name, args dict)")
      .def("__repr__", &outcome_repr);

  py::class_<service_case>(m, "Case", "A case (售后单) moving through its flow by events and timers.")
      .def_property_readonly("flow", [](const service_case& c) { return c.flow().id; })
      .def_property_readonly("state", [](const service_case& c) { return std::string(c.state_id()); })
      .def(
          "state_label",
          [](const service_case& c, const std::optional<std::string>& locale, bool customer) {
            const state_def& s = c.state();
            return std::string(
                c.source_policy().text(customer ? s.customer_label : s.agent_label, locale.value_or("")));
          },
          py::arg("locale") = py::none(), py::arg("customer") = false,
          "The current state's label for agents (or, customer=True, for the customer) in `locale` "
          "(None: the policy's locale; the fallback rule of docs/policy-format.md).")
      .def(
          "remark_in",
          [](const service_case& c, const std::optional<std::string>& locale) {
            const std::string_view r = c.remark(locale.value_or(""));
            return r.empty() ? py::object(py::none()) : py::object(py::str(std::string(r)));
          },
          py::arg("locale") = py::none(), "The remark text in `locale` (None: the policy's locale), or None.")
      .def_property_readonly("phase", [](const service_case& c) { return std::string(to_string(c.phase())); })
      .def_property_readonly("escalation",
                             [](const service_case& c) { return text_or_none(c.escalation_id()); })
      .def_property_readonly("remark_flag",
                             [](const service_case& c) { return text_or_none(c.remark_flag_id()); })
      .def_property_readonly("remark",
                             [](const service_case& c) {
                               return c.remark().empty() ? py::object(py::none())
                                                         : py::object(py::str(std::string(c.remark())));
                             })
      .def_property_readonly("opened_at", [](const service_case& c) { return to_datetime(c.opened_at()); })
      .def_property_readonly("entered_at", [](const service_case& c) { return to_datetime(c.entered_at()); })
      .def_property_readonly(
          "facts", [](const service_case& c) { return values_of(c, 0, c.source_policy().facts.size()); })
      .def_property_readonly(
          "variables",
          [](const service_case& c) { return values_of(c, c.source_policy().facts.size(), c.value_count()); })
      .def_property_readonly("clocks", &clocks_of)
      .def_property_readonly("history", &history_of)
      .def_property_readonly("applied_event_ids", [](const service_case& c) { return c.applied_event_ids(); })
      .def("apply", &apply_event, py::arg("event"), py::arg("actor"), py::arg("now"),
           py::arg("id") = py::none(), py::arg("payload") = py::none(),
           "Applies an event sent by a role at the aware datetime `now`. A refused, duplicate or conflict "
           "(an id already applied to another event) leaves the case unchanged.")
      .def("advance", &advance_case, py::arg("now"),
           "Fires every timer due at or before `now`, each at its own due time.")
      .def(
          "next_deadline",
          [](const service_case& c) {
            const std::optional<sys_seconds> due = next_deadline(c);
            return due ? to_datetime(*due) : py::object(py::none());
          },
          "The earliest pending timer of the current state (aware UTC datetime), or None.")
      .def(
          "snapshot", [](const service_case& c) { return to_json(c); },
          "The case as JSON text (format aftersale-case/3 when a clock has sent an SLA notice, else /2; "
          "docs/snapshots.md).")
      .def_static(
          "restore",
          [](const py_policy& p, const std::string& snapshot) { return from_json(p.ptr, snapshot); },
          py::arg("policy"), py::arg("snapshot"),
          "Restores a snapshot against `policy`. Raises SnapshotError (.path).")
      .def(
          "__eq__", [](const service_case& a, const service_case& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const service_case& c) {
        return "<aftersale.Case " + c.flow().id + " " + std::string(c.state_id()) + " (" +
               std::string(to_string(c.phase())) + ")>";
      });

  // Opening a case is a Policy method; Policy is registered before (register_policy).
  auto policy_class = py::reinterpret_borrow<py::class_<py_policy>>(m.attr("Policy"));
  policy_class
      .def(
          "open_case",
          [](const py_policy&, const decision& d, py::handle now) {
            return open_case(d, to_instant(now, "now"));
          },
          py::arg("decision"), py::arg("now"), "Opens a case in the flow the decision's rule names.")
      .def(
          "open_case_in",
          [](const py_policy& p, const std::string& flow, py::handle request_dict, py::handle now) {
            // Derived facts (days_since, map, ...) at `now`, as decide() computes them: guards read them.
            bound_request facts = bind_dict(*p.ptr, request_dict);
            const sys_seconds at = to_instant(now, "now");
            derive_facts(*p.ptr, facts, at);
            return open_case(p.ptr, flow, facts, at);
          },
          py::arg("flow"), py::arg("request"), py::arg("now"),
          "Opens a case in a named flow with the given facts.");
}

}  // namespace aftersale::python
