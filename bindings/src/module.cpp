// SPDX-License-Identifier: Apache-2.0
// aftersale._core: the extension behind the `aftersale` package. The bindings only convert
// types and call the C++ API; the package's __init__.py re-exports the public names.
#include "module.hpp"

#include <aftersale/version.hpp>

PYBIND11_MODULE(_core, m) {
  m.doc() = "After-sales policy as executable, testable data (C++ core).";
  m.attr("__version__") = AFTERSALE_VERSION_STRING;
  aftersale::python::register_errors(m);
  aftersale::python::register_decision(m);
  aftersale::python::register_policy(m);
  aftersale::python::register_case(m);
  aftersale::python::register_store(m);
  aftersale::python::register_lint(m);
  aftersale::python::register_policy_tests(m);
  aftersale::python::register_flow(m);
  aftersale::python::register_diff(m);
}
