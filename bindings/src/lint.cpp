// SPDX-License-Identifier: Apache-2.0
// Finding, Policy.lint and lint: the static analysis of include/aftersale/analysis.hpp with its
// findings as Python objects. Every check is the C++ `analyze`.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/analysis.hpp>
#include <aftersale/load.hpp>
#include <string>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

py::tuple location_tuple(const source_span& s) { return py::make_tuple(s.file, s.line, s.column); }

py::object text_or_none(const std::string& s) {
  return s.empty() ? py::object(py::none()) : py::object(py::str(s));
}

// The finding as `aftersale lint --format json` writes it (one element of `findings`).
py::object finding_dict(const finding& f) {
  analysis_report one;
  one.findings.push_back(f);
  py::object doc = py::module_::import("json").attr("loads")(to_json(one));
  return doc["findings"][py::int_(0)];
}

// The witness as the JSON output has it (fact → value, None for a fact left out); None
// without a witness.
py::object witness_of(const finding& f) {
  if (f.witness.empty()) return py::none();
  return finding_dict(f)["witness"];
}

std::vector<finding> lint_policy(const policy& p, py::handle at, const std::string& status_fact,
                                 const std::string& request_fact) {
  analysis_options options;
  if (!at.is_none()) options.at = to_instant(at, "at");
  options.status_fact = status_fact;
  options.request_fact = request_fact;
  py::gil_scoped_release unlocked;
  return analyze(p, options).findings;
}

constexpr const char* lint_doc =
    "Analyses the policy's tables and flows (aftersale lint): a list of Finding in document order. `at` "
    "(aware "
    "datetime) is the instant witness requests are evaluated at; `status_fact` and `request_fact` name the "
    "two enum "
    "facts whose pairs the coverage check (A409) reports.";

}  // namespace

void register_lint(py::module_& m) {
  py::class_<finding>(
      m, "Finding",
      "One problem or suspicion `lint` found: code (A400-A417), location, message, a witness request.")
      .def_property_readonly("code", [](const finding& f) { return code_text(f.diagnostic.code); })
      .def_property_readonly(
          "severity", [](const finding& f) { return std::string(to_string(f.diagnostic.severity)); },
          "'error', 'warning' or 'note'")
      .def_property_readonly("file", [](const finding& f) { return f.diagnostic.where.file; })
      .def_property_readonly("line", [](const finding& f) { return f.diagnostic.where.line; })
      .def_property_readonly("column", [](const finding& f) { return f.diagnostic.where.column; })
      .def_property_readonly("message", [](const finding& f) { return f.diagnostic.message; })
      .def_property_readonly("help", [](const finding& f) { return f.diagnostic.help; })
      .def_property_readonly("diagnostic", [](const finding& f) { return f.diagnostic; })
      .def_property_readonly(
          "witness", &witness_of,
          "The request that shows the problem, as in the JSON output: {fact: value, or None when "
          "left out}; None when the finding is not about requests.")
      .def_property_readonly(
          "related",
          [](const finding& f) {
            py::list out;
            for (const source_span& s : f.related) out.append(location_tuple(s));
            return out;
          },
          "Other places involved, as (file, line, column): the earlier rules that shadow a rule, ...")
      .def_property_readonly("table", [](const finding& f) { return text_or_none(f.table); })
      .def_property_readonly("flow", [](const finding& f) { return text_or_none(f.flow); })
      .def("to_dict", &finding_dict, "The finding as `aftersale lint --format json` writes it.")
      .def("__str__", [](const finding& f) { return to_string(f); })
      .def("__repr__", [](const finding& f) { return to_string(f); });

  auto policy_class = py::reinterpret_borrow<py::class_<py_policy>>(m.attr("Policy"));
  policy_class.def(
      "lint",
      [](const py_policy& p, py::handle at, const std::string& status_fact, const std::string& request_fact) {
        return lint_policy(*p.ptr, at, status_fact, request_fact);
      },
      py::arg("at") = py::none(), py::arg("status_fact") = analysis_options{}.status_fact,
      py::arg("request_fact") = analysis_options{}.request_fact, lint_doc);

  m.def(
      "lint",
      [](py::handle policy_or_path, py::handle at, const std::string& status_fact,
         const std::string& request_fact, py::handle policy_paths) {
        if (py::isinstance<py_policy>(policy_or_path))
          return lint_policy(*policy_or_path.cast<const py_policy&>().ptr, at, status_fact, request_fact);
        const std::string file =
            py::module_::import("os").attr("fsdecode")(policy_or_path).cast<std::string>();
        const load_options options = to_load_options(policy_paths);
        std::shared_ptr<const policy> loaded;
        {
          py::gil_scoped_release unlocked;
          loaded = load_policy_file(file, load_limits{}, options);
        }
        return lint_policy(*loaded, at, status_fact, request_fact);
      },
      py::arg("policy"), py::arg("at") = py::none(), py::arg("status_fact") = analysis_options{}.status_fact,
      py::arg("request_fact") = analysis_options{}.request_fact, py::arg("policy_paths") = py::none(),
      "lint(policy_or_path, ...): Policy.lint on a Policy, or on the policy file at a path (PolicyError when "
      "it does "
      "not load).");
}

}  // namespace aftersale::python
