// SPDX-License-Identifier: Apache-2.0
// Flow and the diagrams of include/aftersale/diagram.hpp: Policy.flows, Policy.flow(id), the
// DOT / Mermaid / SVG text of a flow, a test skeleton covering every transition, and the
// notebook displays of Flow, Case (its flow's diagram) and Policy (a summary).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/case.hpp>
#include <aftersale/diagram.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

// One flow of a loaded policy (keeps the policy alive).
struct flow_handle {
  std::shared_ptr<const policy> ptr;
  std::uint32_t index = 0;
  const flow_def& flow() const { return ptr->flows[index]; }
};

diagram_labels labels_of(const std::string& labels) {
  if (labels == "both") return diagram_labels::both;
  if (labels == "agent") return diagram_labels::agent;
  if (labels == "customer") return diagram_labels::customer;
  if (labels == "none") return diagram_labels::none;
  throw py::value_error("labels must be 'both', 'agent', 'customer' or 'none', not '" + labels + "'");
}

diagram_options options_of(const std::optional<std::string>& locale, const std::string& labels, bool guards,
                           bool roles, bool reopen, const std::optional<std::string>& highlight) {
  diagram_options o;
  o.highlight_state = highlight.value_or("");
  o.locale = locale.value_or("");
  o.labels = labels_of(labels);
  o.show_guards = guards;
  o.show_roles = roles;
  o.show_reopen = reopen;
  return o;
}

// The SVG, or None when Graphviz is missing or fails: IPython then shows the next representation.
py::object svg_or_none(const policy& p, const flow_def& f, const diagram_options& o = {}) {
  std::string svg;
  try {
    py::gil_scoped_release unlocked;
    svg = flow_to_svg(p, f, o);
  } catch (const graphviz_error&) {
    return py::none();
  }
  return py::str(svg);
}

// A ```mermaid block, only when there is no SVG (a front end that has both would pick the
// Markdown, which not every front end draws).
py::object mermaid_fallback(const policy& p, const flow_def& f, const diagram_options& o = {}) {
  if (!svg_or_none(p, f, o).is_none()) return py::none();
  return py::str("```mermaid\n" + flow_to_mermaid(p, f, o) + "```\n");
}

// A case's flow with its current state marked.
diagram_options current_state(const service_case& c) {
  diagram_options o;
  o.highlight_state = std::string(c.state_id());
  return o;
}

// Id, version, tables with their row counts, flows with their state counts.
std::string policy_html(const policy& p) {
  std::string out =
      "<div class=\"aftersale-policy\"><b>" + html_escape(p.info.id) + "</b> " + html_escape(p.info.version);
  if (!p.info.name.empty()) out += " — " + html_escape(p.info.name);
  out += "<table><thead><tr><th>table</th><th>rules</th></tr></thead><tbody>";
  for (const decision_table& t : p.decisions)
    out += "<tr><td><code>" + html_escape(t.id) + "</code></td><td>" + std::to_string(t.rules.size()) +
           "</td></tr>";
  out +=
      "</tbody></table><table><thead><tr><th>flow</th><th>states</th><th>transitions</th></tr></"
      "thead><tbody>";
  for (const flow_def& f : p.flows)
    out += "<tr><td><code>" + html_escape(f.id) + "</code></td><td>" + std::to_string(f.states.size()) +
           "</td><td>" + std::to_string(f.transitions.size()) + "</td></tr>";
  out += "</tbody></table></div>";
  return out;
}

flow_handle flow_named(const py_policy& p, const std::string& id) {
  const std::optional<std::uint32_t> i = p.ptr->find_flow(id);
  if (!i) throw py::key_error("unknown flow `" + id + "`");
  return {p.ptr, *i};
}

std::vector<std::string> state_ids(const flow_def& f, bool terminal_only) {
  std::vector<std::string> out;
  for (const state_def& s : f.states)
    if (!terminal_only || s.terminal) out.push_back(s.id);
  return out;
}

constexpr const char* options_doc =
    "locale: label locale ('zh', 'en'; None: the policy's locale; a label without it falls back to the "
    "policy's locale, then its first); labels: 'both', "
    "'agent', 'customer' or 'none'; guards, roles: show guards and allowed roles on transitions; reopen: "
    "draw "
    "reopen edges from terminal states; highlight: a state id to mark (filled).";

}  // namespace

void register_flow(py::module_& m) {
  py::class_<flow_handle>(m, "Flow", "One flow of a policy: its states and its diagrams.")
      .def_property_readonly("id", [](const flow_handle& h) { return h.flow().id; })
      .def_property_readonly("description", [](const flow_handle& h) { return h.flow().description; })
      .def_property_readonly(
          "states", [](const flow_handle& h) { return state_ids(h.flow(), false); },
          "state ids, in the order written")
      .def_property_readonly("start",
                             [](const flow_handle& h) { return h.flow().states.at(h.flow().start).id; })
      .def_property_readonly("terminal_states",
                             [](const flow_handle& h) { return state_ids(h.flow(), true); })
      .def_property_readonly("events", [](const flow_handle& h) { return h.flow().events; })
      .def(
          "to_dot",
          [](const flow_handle& h, const std::optional<std::string>& locale, const std::string& labels,
             bool guards, bool roles, bool reopen, const std::optional<std::string>& highlight) {
            return flow_to_dot(*h.ptr, h.flow(),
                               options_of(locale, labels, guards, roles, reopen, highlight));
          },
          py::arg("locale") = py::none(), py::arg("labels") = "both", py::arg("guards") = true,
          py::arg("roles") = true, py::arg("reopen") = false, py::arg("highlight") = py::none(),
          (std::string("The flow as a Graphviz digraph. ") + options_doc).c_str())
      .def(
          "to_mermaid",
          [](const flow_handle& h, const std::optional<std::string>& locale, const std::string& labels,
             bool guards, bool roles, bool reopen, const std::optional<std::string>& highlight) {
            return flow_to_mermaid(*h.ptr, h.flow(),
                                   options_of(locale, labels, guards, roles, reopen, highlight));
          },
          py::arg("locale") = py::none(), py::arg("labels") = "both", py::arg("guards") = true,
          py::arg("roles") = true, py::arg("reopen") = false, py::arg("highlight") = py::none(),
          (std::string("The flow as a Mermaid stateDiagram-v2. ") + options_doc).c_str())
      .def(
          "to_svg",
          [](const flow_handle& h, const std::optional<std::string>& locale, const std::string& labels,
             bool guards, bool roles, bool reopen, const std::optional<std::string>& highlight) {
            const diagram_options o = options_of(locale, labels, guards, roles, reopen, highlight);
            py::gil_scoped_release unlocked;
            return flow_to_svg(*h.ptr, h.flow(), o);
          },
          py::arg("locale") = py::none(), py::arg("labels") = "both", py::arg("guards") = true,
          py::arg("roles") = true, py::arg("reopen") = false, py::arg("highlight") = py::none(),
          (std::string(
               "The flow as SVG, drawn by Graphviz `dot`; raises GraphvizError when `dot` is missing or "
               "fails. ") +
           options_doc)
              .c_str())
      .def(
          "test_skeleton",
          [](const flow_handle& h, const std::string& policy_path, const std::optional<std::string>& now,
             const std::optional<std::string>& locale) {
            skeleton_options o;
            o.policy_path = policy_path;
            if (now) o.now = *now;
            o.locale = locale.value_or("");
            return paths_to_test_skeleton(*h.ptr, h.flow(), covering_paths(*h.ptr, h.flow()), o);
          },
          py::arg("policy_path"), py::arg("now") = py::none(), py::arg("locale") = py::none(),
          "A policy test file (YAML text) with one flow case per covering path, placeholders marked # TODO; "
          "`policy_path` is its `policy:` key, relative to where the file will be saved.")
      .def("_repr_svg_", [](const flow_handle& h) { return svg_or_none(*h.ptr, h.flow()); })
      .def("_repr_markdown_", [](const flow_handle& h) { return mermaid_fallback(*h.ptr, h.flow()); })
      .def(
          "__eq__",
          [](const flow_handle& a, const flow_handle& b) { return a.ptr == b.ptr && a.index == b.index; },
          py::is_operator())
      .def("__hash__",
           [](const flow_handle& h) {
             return py::hash(py::make_tuple(reinterpret_cast<std::uintptr_t>(h.ptr.get()), h.index));
           })
      .def("__repr__", [](const flow_handle& h) {
        return "<aftersale.Flow " + h.flow().id + ": " + std::to_string(h.flow().states.size()) +
               " states, " + std::to_string(h.flow().transitions.size()) + " transitions>";
      });

  auto policy_class = py::reinterpret_borrow<py::class_<py_policy>>(m.attr("Policy"));
  policy_class
      .def_property_readonly(
          "flows",
          [](const py_policy& p) {
            py::dict flows;
            for (std::uint32_t i = 0; i < p.ptr->flows.size(); ++i)
              flows[py::str(p.ptr->flows[i].id)] = py::cast(flow_handle{p.ptr, i});
            return py::module_::import("types").attr("MappingProxyType")(flows);
          },
          "A read-only mapping flow id → Flow, in the order written.")
      .def("flow", &flow_named, py::arg("id"), "The flow `id`; raises KeyError when the policy has none.")
      .def("_repr_html_", [](const py_policy& p) { return policy_html(*p.ptr); });

  auto case_class = py::reinterpret_borrow<py::class_<service_case>>(m.attr("Case"));
  case_class
      .def("_repr_svg_",
           [](const service_case& c) { return svg_or_none(c.source_policy(), c.flow(), current_state(c)); })
      .def("_repr_markdown_", [](const service_case& c) {
        return mermaid_fallback(c.source_policy(), c.flow(), current_state(c));
      });
}

}  // namespace aftersale::python
