// SPDX-License-Identifier: Apache-2.0
// Decision and Deadline: read-only views of a decision with Python values (aware UTC
// datetimes, int minor units, None where the rule names nothing).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/decide.hpp>
#include <optional>
#include <string>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

// A deadline with its clock's id and label, due instant and local text.
struct deadline_view {
  std::string clock;
  std::string label;
  sys_seconds due;
  std::string local;
};

// The deadline as text in its clock's calendar zone (the policy's default calendar when the
// clock names none), or UTC without any calendar.
std::string local_text(const policy& p, const deadline& d) {
  std::uint32_t cal = d.clock < p.clocks.size() ? p.clocks[d.clock].calendar : npos;
  if (cal == npos) cal = p.info.default_calendar;
  return cal < p.calendars.size() ? p.calendars[cal].format_local(d.due) : format_utc(d.due);
}

std::vector<deadline_view> deadlines_in(const decision& d, std::string_view locale) {
  std::vector<deadline_view> out;
  if (!d.matched()) return out;
  const policy& p = d.source_policy();
  for (const deadline& dl : d.deadlines()) {
    out.push_back(
        {std::string(d.clock_id(dl)), std::string(d.clock_label(dl, locale)), dl.due, local_text(p, dl)});
  }
  return out;
}

std::vector<deadline_view> deadlines_of(const decision& d) { return deadlines_in(d, {}); }

py::object if_matched(const decision& d, std::string_view s) {
  return d.matched() ? text_or_none(s) : py::object(py::none());
}

py::list rule_ids(const decision& d) {
  py::list out;
  for (const rule_match& m : d.matches()) out.append(d.table().rules.at(m.rule).id);
  return out;
}

// The table's aggregate (decision::aggregate), or None.
py::object aggregate_of(const decision& d) {
  return d.aggregate() ? py::object(py::int_(*d.aggregate())) : py::object(py::none());
}

py::dict amounts_of(const decision& d) {
  py::dict out;
  if (!d.matched()) return out;
  for (const auto& [name, value] : d.amounts()) out[py::str(std::string(name))] = value;
  return out;
}

py::list strings(const std::vector<std::string_view>& v) {
  py::list out;
  for (std::string_view s : v) out.append(py::str(std::string(s)));
  return out;
}

py::dict deadline_dict(const deadline_view& v) {
  py::dict out;
  out["clock"] = v.clock;
  out["label"] = v.label;
  out["due"] = to_datetime(v.due);
  out["local"] = v.local;
  out["never"] = v.due == never_due;
  return out;
}

py::dict audit_dict(const decision& d) {
  const decision_audit a = d.audit();
  py::dict out;
  out["decision_id"] = a.decision_id;
  out["policy_id"] = a.policy_id;
  out["policy_version"] = a.policy_version;
  out["policy_hash"] = a.policy_hash_hex();
  return out;
}

// The label of vocabulary entry `id` in `locale`, or None without one (as the CLI's JSON
// `vocabulary_labels`).
py::object vocabulary_label(const policy& p, const std::vector<vocabulary_entry>& list, std::string_view id,
                            const std::string& locale) {
  const std::uint32_t i = entry_index(list, id);
  if (i == npos) return py::none();
  const std::string_view text = p.text(list[i].label, locale);
  return text.empty() ? py::object(py::none()) : py::object(py::str(std::string(text)));
}

py::dict vocabulary_labels(const decision& d, const std::string& locale) {
  const policy& p = d.source_policy();
  const vocabulary& voc = p.vocabulary;
  const bool m = d.matched();
  py::dict out;
  out["solution"] = m ? vocabulary_label(p, voc.solutions, d.solution(), locale) : py::object(py::none());
  out["fee_payer"] = m ? vocabulary_label(p, voc.parties, d.fee_payer(), locale) : py::object(py::none());
  py::list evidence;
  if (m)
    for (std::string_view e : d.evidence()) evidence.append(vocabulary_label(p, voc.evidence, e, locale));
  out["evidence"] = evidence;
  out["escalation"] = m ? vocabulary_label(p, voc.roles, d.escalation_id(), locale) : py::object(py::none());
  return out;
}

py::dict to_dict(const decision& d, const std::optional<std::string>& locale_arg) {
  const std::string locale = locale_arg.value_or("");
  py::dict out;
  const bool m = d.matched();
  out["status"] = std::string(to_string(d.status()));
  out["table"] = d.table().id;
  out["now"] = to_datetime(d.now());
  out["rule_id"] = m ? py::object(py::str(std::string(d.rule_id()))) : py::object(py::none());
  out["rules"] = rule_ids(d);
  out["solution"] = if_matched(d, m ? d.solution() : "");
  out["fee_payer"] = if_matched(d, m ? d.fee_payer() : "");
  out["escalation"] = if_matched(d, m ? d.escalation_id() : "");
  out["evidence"] = m ? strings(d.evidence()) : py::list();
  out["vocabulary_labels"] = vocabulary_labels(d, locale);
  out["locale"] = locale.empty() ? d.source_policy().info.locale : locale;
  out["steps"] = m ? strings(d.steps(locale)) : py::list();
  py::list dls;
  for (const deadline_view& v : deadlines_in(d, locale)) dls.append(deadline_dict(v));
  out["deadlines"] = dls;
  out["amounts"] = amounts_of(d);
  out["aggregate"] = aggregate_of(d);
  out["remark_flag"] = if_matched(d, m ? d.remark_flag_id() : "");
  out["remark"] = m ? text_or_none(d.remark(locale)) : py::object(py::none());
  out["customer_label"] = m ? text_or_none(d.customer_label(locale)) : py::object(py::none());
  out["agent_label"] = m ? text_or_none(d.agent_label(locale)) : py::object(py::none());
  out["audit"] = audit_dict(d);
  return out;
}

// A two-column table of the decision's fields, then the explanation.
std::string to_html(const decision& d) {
  const py::dict fields = to_dict(d, std::nullopt);
  std::string rows;
  for (auto item : fields) {
    const std::string key = py::str(item.first);
    std::string value;
    if (key == "deadlines") {
      for (const deadline_view& v : deadlines_of(d))
        value += (value.empty() ? "" : "<br>") + html_escape(v.clock + ": " + v.local);
    } else if (!item.second.is_none()) {
      value = html_escape(std::string(py::str(item.second)));
    }
    rows += "<tr><th style=\"text-align:left\">" + html_escape(key) + "</th><td style=\"text-align:left\">" +
            value + "</td></tr>";
  }
  return "<table class=\"aftersale-decision\">" + rows + "</table><pre>" + html_escape(explain(d)) + "</pre>";
}

}  // namespace

void register_decision(py::module_& m) {
  py::class_<deadline_view>(m, "Deadline", "An SLA deadline a decision started.")
      .def_readonly("clock", &deadline_view::clock, "the clock id")
      .def_readonly("label", &deadline_view::label, "the clock's label (may be empty)")
      .def_property_readonly(
          "due", [](const deadline_view& v) { return to_datetime(v.due); }, "aware datetime in UTC")
      .def_readonly("local", &deadline_view::local, "the due time as text in the clock's calendar zone")
      .def_property_readonly(
          "never", [](const deadline_view& v) { return v.due == never_due; },
          "True when it never falls due (a business clock on a calendar without working hours): "
          "`due` is then datetime.max without microseconds and `local` is 'never'")
      .def("to_dict", &deadline_dict)
      .def("__repr__", [](const deadline_view& v) {
        return "<aftersale.Deadline " + v.clock + " " + format_utc(v.due) + ">";
      });

  py::class_<decision>(m, "Decision", "What the policy prescribes for one request, and why.")
      .def_property_readonly("status", [](const decision& d) { return std::string(to_string(d.status())); })
      .def_property_readonly("matched", &decision::matched)
      .def_property_readonly("table", [](const decision& d) { return d.table().id; })
      .def_property_readonly("now", [](const decision& d) { return to_datetime(d.now()); })
      .def_property_readonly("rule_id",
                             [](const decision& d) {
                               return d.matched() ? py::object(py::str(std::string(d.rule_id())))
                                                  : py::object(py::none());
                             })
      .def_property_readonly("rules", &rule_ids)
      .def_property_readonly("solution",
                             [](const decision& d) { return if_matched(d, d.matched() ? d.solution() : ""); })
      .def_property_readonly(
          "fee_payer", [](const decision& d) { return if_matched(d, d.matched() ? d.fee_payer() : ""); })
      .def_property_readonly(
          "escalation", [](const decision& d) { return if_matched(d, d.matched() ? d.escalation_id() : ""); })
      .def_property_readonly(
          "evidence", [](const decision& d) { return d.matched() ? strings(d.evidence()) : py::list(); })
      .def_property_readonly("steps",
                             [](const decision& d) { return d.matched() ? strings(d.steps()) : py::list(); })
      .def_property_readonly("deadlines", &deadlines_of)
      .def_property_readonly("amounts", &amounts_of)
      .def_property_readonly("aggregate", &aggregate_of,
                             "An aggregating collect table's sum, min or max (minor units) or count; None "
                             "without one (docs/evaluation.md)")
      .def_property_readonly(
          "remark_flag",
          [](const decision& d) { return if_matched(d, d.matched() ? d.remark_flag_id() : ""); })
      .def_property_readonly(
          "remark",
          [](const decision& d) { return d.matched() ? text_or_none(d.remark()) : py::object(py::none()); })
      .def_property_readonly("customer_label",
                             [](const decision& d) {
                               return d.matched() ? text_or_none(d.customer_label()) : py::object(py::none());
                             })
      .def_property_readonly("agent_label",
                             [](const decision& d) {
                               return d.matched() ? text_or_none(d.agent_label()) : py::object(py::none());
                             })
      .def_property_readonly(
          "decision_id", [](const decision& d) { return d.id(); },
          "16 hex digits, deterministic: a hash of the policy's content hash, the table, the request's "
          "canonical form and `now` (the same inputs always give the same id)")
      .def_property_readonly(
          "policy_id", [](const decision& d) { return d.source_policy().info.id; },
          "the id of the policy that made the decision")
      .def_property_readonly(
          "policy_version", [](const decision& d) { return d.source_policy().info.version; },
          "the version of the policy that made the decision")
      .def_property_readonly(
          "policy_hash", [](const decision& d) { return d.audit().policy_hash_hex(); },
          "the content hash of the exact policy text (bases included), 16 hex digits")
      .def_property_readonly("audit", &audit_dict,
                             "{'decision_id', 'policy_id', 'policy_version', 'policy_hash'}")
      .def("to_dict", &to_dict, py::arg("locale") = py::none(),
           "The decision as plain Python values, its texts (steps, remark, labels, deadline labels) in "
           "`locale` (None: the policy's locale; a text without it falls back to the policy's locale, "
           "then its first). One decision can be shown in any locale without deciding again.")
      .def(
          "explain", [](const decision& d) { return explain(d); },
          "Which rule fired, and why earlier rules did not.")
      .def("_repr_html_", &to_html)
      .def("__repr__", [](const decision& d) {
        std::string s = "<aftersale.Decision " + std::string(to_string(d.status()));
        if (d.matched()) s += " " + std::string(d.rule_id()) + " -> " + std::string(d.solution());
        return s + ">";
      });
}

}  // namespace aftersale::python
