// SPDX-License-Identifier: Apache-2.0
// run_tests and its report (TestReport, CaseResult, TestFailure, Coverage, TableCoverage,
// FlowCoverage): the policy test runner of include/aftersale/policy_test.hpp. Every check and
// every count is the C++ runner's; this file converts paths in and the report out.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/policy_test.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

namespace t = aftersale::testing;

// A run's report and whether coverage was asked for (it decides what str() and to_dict() show).
struct report_handle {
  t::test_report report;
  bool coverage = false;
};

t::render_options render_of(const report_handle& r, bool verbose) { return {verbose, r.coverage}; }

// Finds and reads every test file first, so a missing path or a malformed file raises
// TestFileError before any case runs; then runs them.
report_handle run(py::handle paths, bool coverage, std::optional<double> coverage_min, bool check_snapshots,
                  py::handle policy_paths) {
  const std::vector<std::string> given = path_list(paths);
  t::test_options options;
  options.policy_load = to_load_options(policy_paths);
  options.coverage_min = coverage_min;
  options.check_snapshots = check_snapshots;
  py::gil_scoped_release unlocked;
  std::vector<diagnostic> problems;
  const std::vector<std::string> files = t::find_test_files(given, problems);
  if (!problems.empty()) throw t::test_file_error(std::move(problems));
  std::vector<t::test_suite> suites;
  for (const std::string& f : files) suites.push_back(t::load_test_file(f, options.limits));
  return {t::run_suites(suites, options), coverage};
}

void mark_not_a_test(py::handle type) { py::setattr(type, "__test__", py::bool_(false)); }

}  // namespace

void register_policy_tests(py::module_& m) {
  auto failure =
      py::class_<t::test_failure>(m, "TestFailure", "One expectation of a test case that did not hold.")
          .def_readonly("field", &t::test_failure::field, "`solution`, `state`, `clock `chat_reply``, ...")
          .def_readonly("expected", &t::test_failure::expected,
                        "as text; empty when the failure is not a comparison")
          .def_readonly("actual", &t::test_failure::actual)
          .def_readonly("message", &t::test_failure::message)
          .def_readonly("detail", &t::test_failure::detail,
                        "extra lines (the decision's explanation), may be empty")
          .def_property_readonly("file", [](const t::test_failure& f) { return f.where.file; })
          .def_property_readonly("line", [](const t::test_failure& f) { return f.where.line; })
          .def_property_readonly("column", [](const t::test_failure& f) { return f.where.column; })
          .def("__repr__", [](const t::test_failure& f) {
            return "<aftersale.TestFailure " + to_string(f.where) + ": " + f.message + ">";
          });
  mark_not_a_test(failure);

  py::class_<t::case_result>(m, "CaseResult", "The result of one case of a policy test file.")
      .def_readonly("name", &t::case_result::name)
      .def_readonly("file", &t::case_result::file)
      .def_property_readonly("line", [](const t::case_result& c) { return c.where.line; })
      .def_property_readonly("column", [](const t::case_result& c) { return c.where.column; })
      .def_property_readonly("kind", [](const t::case_result& c) { return c.flow ? "flow" : "decide"; })
      .def_readonly("passed", &t::case_result::passed)
      .def_readonly("error", &t::case_result::error,
                    "could not run (see TestReport.problems): neither passed nor failed")
      .def_readonly("failures", &t::case_result::failures)
      .def("__repr__", [](const t::case_result& c) {
        const char* result = c.error ? "error" : c.passed ? "passed" : "failed";
        return "<aftersale.CaseResult " + to_string(c.where) + " " + c.name + ": " + result + ">";
      });

  py::class_<t::table_coverage>(m, "TableCoverage", "The rows of one decision table the cases selected.")
      .def_readonly("table", &t::table_coverage::table)
      .def_readonly("hit", &t::table_coverage::hit, "rule ids some case selected, in table order")
      .def_readonly("missed", &t::table_coverage::missed, "rule ids no case selected, in table order")
      .def("__repr__", [](const t::table_coverage& c) {
        return "<aftersale.TableCoverage " + c.table + ": " + std::to_string(c.hit.size()) + "/" +
               std::to_string(c.hit.size() + c.missed.size()) + " rows>";
      });

  auto transition_texts = [](const std::vector<t::transition_ref>& ts) {
    std::vector<std::string> out;
    for (const t::transition_ref& r : ts) out.push_back(r.text());
    return out;
  };
  py::class_<t::flow_coverage>(m, "FlowCoverage", "The transitions of one flow the cases fired.")
      .def_readonly("flow", &t::flow_coverage::flow)
      .def_property_readonly(
          "fired", [transition_texts](const t::flow_coverage& c) { return transition_texts(c.fired); },
          "`from --trigger--> to` of each transition fired, in flow order")
      .def_property_readonly(
          "missed", [transition_texts](const t::flow_coverage& c) { return transition_texts(c.missed); },
          "`from --trigger--> to` of each transition never fired, in flow order")
      .def_readonly("timers_fired", &t::flow_coverage::timers_fired)
      .def_readonly("timers_total", &t::flow_coverage::timers_total)
      .def("__repr__", [](const t::flow_coverage& c) {
        return "<aftersale.FlowCoverage " + c.flow + ": " + std::to_string(c.fired.size()) + "/" +
               std::to_string(c.fired.size() + c.missed.size()) + " transitions>";
      });

  py::class_<t::coverage>(m, "Coverage",
                          "What the cases naming one policy exercised: rows, transitions, timers.")
      .def_readonly("tables", &t::coverage::tables, "every table of the policy, in policy order")
      .def_readonly("flows", &t::coverage::flows, "every flow of the policy, in policy order")
      .def_readonly("rows_hit", &t::coverage::rows_hit)
      .def_readonly("rows_total", &t::coverage::rows_total)
      .def_readonly("transitions_fired", &t::coverage::transitions_fired)
      .def_readonly("transitions_total", &t::coverage::transitions_total)
      .def_readonly("timers_fired", &t::coverage::timers_fired)
      .def_readonly("timers_total", &t::coverage::timers_total)
      .def_property_readonly("row_percent", &t::coverage::row_percent)
      .def_property_readonly("transition_percent", &t::coverage::transition_percent)
      .def_property_readonly("timer_percent", &t::coverage::timer_percent)
      .def("__repr__", [](const t::coverage& c) {
        return "<aftersale.Coverage rows " + std::to_string(c.rows_hit) + "/" + std::to_string(c.rows_total) +
               ", transitions " + std::to_string(c.transitions_fired) + "/" +
               std::to_string(c.transitions_total) + ", timers " + std::to_string(c.timers_fired) + "/" +
               std::to_string(c.timers_total) + ">";
      });

  auto report =
      py::class_<report_handle>(m, "TestReport", "Everything a run of policy test files found.")
          .def_property_readonly("passed", [](const report_handle& r) { return r.report.passed; })
          .def_property_readonly("failed", [](const report_handle& r) { return r.report.failed; })
          .def_property_readonly(
              "errors", [](const report_handle& r) { return r.report.error_count; },
              "cases that could not run and policies that did not load")
          .def_property_readonly(
              "exit_code", [](const report_handle& r) { return t::exit_code(r.report); },
              "as `aftersale test` exits: 0 passed, 1 failed or under coverage, 2 errors")
          .def_property_readonly("ok", [](const report_handle& r) { return t::exit_code(r.report) == 0; })
          .def_property_readonly(
              "cases",
              [](const report_handle& r) {
                std::vector<t::case_result> out;
                for (const t::test_file_result& f : r.report.files)
                  out.insert(out.end(), f.cases.begin(), f.cases.end());
                return out;
              },
              "every case of every file, in the order run")
          .def_property_readonly("files",
                                 [](const report_handle& r) {
                                   std::vector<std::string> out;
                                   for (const t::test_file_result& f : r.report.files) out.push_back(f.path);
                                   return out;
                                 })
          .def_property_readonly(
              "problems",
              [](const report_handle& r) {
                std::vector<diagnostic> out = r.report.errors;
                for (const t::test_file_result& f : r.report.files)
                  out.insert(out.end(), f.errors.begin(), f.errors.end());
                for (const t::policy_result& p : r.report.policies)
                  out.insert(out.end(), p.load_errors.begin(), p.load_errors.end());
                return out;
              },
              "the errors as Diagnostic: cases that could not run (an unknown fact, ...), policies that did "
              "not load")
          .def_property_readonly(
              "coverage",
              [](const report_handle& r) -> py::object {
                if (!r.coverage) return py::none();
                py::dict out;
                for (const t::policy_result& p : r.report.policies)
                  out[py::str(p.path)] = p.total ? py::cast(*p.total) : py::object(py::none());
                return std::move(out);
              },
              "run_tests(coverage=True): {policy path: Coverage, or None when it did not load}; else None")
          .def_property_readonly("coverage_shortfalls",
                                 [](const report_handle& r) { return r.report.coverage_shortfalls; })
          .def(
              "text",
              [](const report_handle& r, bool verbose) {
                return t::render_text(r.report, render_of(r, verbose));
              },
              py::arg("verbose") = false,
              "The report as `aftersale test` prints it (verbose: passing cases too).")
          .def(
              "to_json", [](const report_handle& r) { return t::render_json(r.report, render_of(r, false)); },
              "The report as `aftersale test --format json` writes it.")
          .def(
              "to_dict",
              [](const report_handle& r) {
                return py::module_::import("json").attr("loads")(
                    t::render_json(r.report, render_of(r, false)));
              },
              "to_json() as Python values.")
          .def("__str__",
               [](const report_handle& r) { return t::render_text(r.report, render_of(r, false)); })
          .def("__repr__", [](const report_handle& r) {
            return "<aftersale.TestReport " + std::to_string(r.report.passed) + " passed, " +
                   std::to_string(r.report.failed) + " failed, " + std::to_string(r.report.error_count) +
                   " errors>";
          });
  mark_not_a_test(report);

  m.def(
      "run_tests", &run, py::arg("paths"), py::arg("coverage") = false, py::arg("coverage_min") = py::none(),
      py::arg("check_snapshots") = true, py::arg("policy_paths") = py::none(),
      "Runs the policy test files (*.test.yaml) under `paths` (a path or a list; directories are searched). "
      "Raises TestFileError when a path does not exist or a file is malformed. coverage=True fills "
      "TestReport.coverage; coverage_min (percent) makes a policy under it fail the run.");
}

}  // namespace aftersale::python
