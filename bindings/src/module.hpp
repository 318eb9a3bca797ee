// SPDX-License-Identifier: Apache-2.0
#pragma once
// The parts of the extension module `aftersale._core`, each registered by its own file.
#include <pybind11/pybind11.h>

#include <aftersale/model.hpp>
#include <memory>

namespace aftersale::python {

namespace py = pybind11;

/// A loaded policy as Python sees it (the library shares policies as pointers to const).
struct py_policy {
  std::shared_ptr<const policy> ptr;
};

/// Error, PolicyError, RequestError, SnapshotError, TestFileError, GraphvizError, Diagnostic and the
/// exception translator.
void register_errors(py::module_& m);
/// Decision and Deadline.
void register_decision(py::module_& m);
/// Policy, load, loads, decide, decide_many.
void register_policy(py::module_& m);
/// Case, Outcome, Policy.open_case and Policy.open_case_in (after register_policy).
void register_case(py::module_& m);
/// Finding, Policy.lint and lint (after register_policy).
void register_lint(py::module_& m);
/// run_tests, TestReport and the classes of its results.
void register_policy_tests(py::module_& m);
/// Flow, Policy.flows, Policy.flow, the notebook displays of Policy and Case (after register_case).
void register_flow(py::module_& m);

/// DiffReport and Policy.diff (after register_policy).
void register_diff(py::module_& m);

/// Store (the case store), after register_case (it returns Case objects).
void register_store(py::module_& m);

/// `Policy.decide_many`: converts `requests` (a list of dicts or a dict of equal-length
/// lists) under the GIL, decides without it on `threads` workers (0 = every core), and
/// returns a dict of lists. A columnar batch (a pandas DataFrame, or a dict of NumPy arrays /
/// pandas Series) is converted and decided without the GIL and answered with NumPy arrays.
py::object decide_many(const py_policy& p, py::handle requests, py::handle now, py::handle table,
                       unsigned threads);

/// `Policy.decide_frame`: a columnar batch decided into a pandas DataFrame with `frame`'s index
/// (docs/python.md lists the columns); `details` adds steps, evidence and labels.
py::object decide_frame(const py_policy& p, py::handle frame, py::handle now, py::handle table,
                        unsigned threads, bool details);

/// `Policy.output_categories`: the categories of decide_many's coded columns for a table.
py::dict output_categories(const py_policy& p, py::handle table, bool details);

}  // namespace aftersale::python
