// SPDX-License-Identifier: Apache-2.0
// The exception hierarchy (aftersale.Error and its subclasses) and the one translator that
// turns the library's exceptions into it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/case.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/error.hpp>
#include <aftersale/policy_test.hpp>
#include <aftersale/store.hpp>

#include "module.hpp"

namespace aftersale::python {

namespace {

// Owned by the module (its attributes); these pointers only borrow them.
PyObject* base_error = nullptr;
PyObject* policy_error_type = nullptr;
PyObject* request_error_type = nullptr;
PyObject* usage_error_type = nullptr;
PyObject* snapshot_error_type = nullptr;
PyObject* test_file_error_type = nullptr;
PyObject* graphviz_error_type = nullptr;
PyObject* store_error_type = nullptr;

PyObject* new_exception(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("aftersale.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::reinterpret_borrow<py::object>(type));
  return type;
}

// Raises `type(message)` with `attributes` set on the instance.
void raise_with(PyObject* type, const char* message, const py::dict& attributes) {
  py::object instance = py::reinterpret_borrow<py::object>(type)(message);
  for (auto item : attributes) py::setattr(instance, item.first, item.second);
  PyErr_SetObject(type, instance.ptr());
}

// `.diagnostics` (every problem) and the first one's `.file`, `.line`, `.column`, `.code`.
py::dict located(const std::vector<diagnostic>& ds) {
  py::dict a;
  a["diagnostics"] = py::cast(ds);
  a["file"] = ds.empty() ? py::object(py::none()) : py::object(py::str(ds.front().where.file));
  a["line"] = ds.empty() ? py::object(py::none()) : py::object(py::int_(ds.front().where.line));
  a["column"] = ds.empty() ? py::object(py::none()) : py::object(py::int_(ds.front().where.column));
  a["code"] = ds.empty() ? py::object(py::none()) : py::object(py::str(code_text(ds.front().code)));
  return a;
}

// "E303" / "A410" back to its code (pickling: an error raised on a Dask worker travels as pickle).
error_code code_of(const std::string& text) { return static_cast<error_code>(std::stoul(text.substr(1))); }

}  // namespace

void register_errors(py::module_& m) {
  py::class_<diagnostic>(m, "Diagnostic", "One problem found in a policy: code, location, message.")
      .def_property_readonly("code", [](const diagnostic& d) { return code_text(d.code); })
      .def_property_readonly("severity",
                             [](const diagnostic& d) { return std::string(to_string(d.severity)); })
      .def_property_readonly("file", [](const diagnostic& d) { return d.where.file; })
      .def_property_readonly("line", [](const diagnostic& d) { return d.where.line; })
      .def_property_readonly("column", [](const diagnostic& d) { return d.where.column; })
      .def_readonly("message", &diagnostic::message)
      .def_readonly("help", &diagnostic::help)
      .def("__str__", [](const diagnostic& d) { return to_string(d); })
      // Pickled by __reduce__ through the constructor below (any protocol; an error raised on a
      // Dask worker travels as pickle).
      .def(py::init([](const std::string& code, int sev, const std::string& file, std::uint32_t line,
                       std::uint32_t column, const std::string& message, const std::string& help) {
             return diagnostic{code_of(code), static_cast<severity>(sev), source_span{file, line, column},
                               message, help};
           }),
           py::arg("code"), py::arg("severity"), py::arg("file"), py::arg("line"), py::arg("column"),
           py::arg("message"), py::arg("help"))
      .def("__reduce__",
           [](py::object self) {
             const auto& d = self.cast<const diagnostic&>();
             return py::make_tuple(
                 py::type::of(self),
                 py::make_tuple(code_text(d.code), static_cast<int>(d.severity), d.where.file, d.where.line,
                                d.where.column, d.message, d.help));
           })
      .def("__repr__", [](const diagnostic& d) {
        return "<aftersale.Diagnostic " + to_string(d.where) + " " + code_text(d.code) + ">";
      });

  py::class_<request_problem>(m, "RequestProblem",
                              "One problem of a request: code (E3xx), fact (None for the whole request), "
                              "message, help.")
      .def_property_readonly("code", [](const request_problem& p) { return code_text(p.code); })
      .def_property_readonly("fact",
                             [](const request_problem& p) {
                               return p.fact.empty() ? py::object(py::none()) : py::object(py::str(p.fact));
                             })
      .def_readonly("message", &request_problem::message)
      .def_readonly("help", &request_problem::help)
      .def("__str__", [](const request_problem& p) { return to_string(p); })
      .def(py::init([](const std::string& code, const std::string& fact, const std::string& message,
                       const std::string& help) {
             return request_problem{code_of(code), fact, message, help};
           }),
           py::arg("code"), py::arg("fact"), py::arg("message"), py::arg("help"))
      .def("__reduce__",
           [](py::object self) {
             const auto& p = self.cast<const request_problem&>();
             return py::make_tuple(py::type::of(self),
                                   py::make_tuple(code_text(p.code), p.fact, p.message, p.help));
           })
      .def("__repr__", [](const request_problem& p) {
        return "<aftersale.RequestProblem " + code_text(p.code) + (p.fact.empty() ? "" : " " + p.fact) + ">";
      });

  base_error =
      new_exception(m, "Error", PyExc_Exception, "Base of every error aftersale raises on bad input.");
  policy_error_type = new_exception(m, "PolicyError", base_error,
                                    "A policy could not be loaded: .diagnostics lists every problem; .file, "
                                    ".line, .column, .code are the first's.");
  request_error_type = new_exception(
      m, "RequestError", base_error,
      "A request does not fit the policy's facts: .problems lists every problem (RequestProblem); "
      ".code (E3xx) and .fact are the first's; .omitted counts problems past the list's cap.");
  usage_error_type = new_exception(
      m, "UsageError", base_error,
      "The library was called the wrong way (a bug in the caller, not bad data): .code (E5xx).");
  snapshot_error_type = new_exception(
      m, "SnapshotError", base_error,
      "A case snapshot could not be restored: .path is the JSON path of the problem (may be empty).");
  test_file_error_type = new_exception(m, "TestFileError", base_error,
                                       "A policy test file is malformed or missing: .diagnostics lists every "
                                       "problem; .file, .line, .column, .code are the first's.");
  // pytest would try to collect a class named Test* imported into a test module.
  py::setattr(py::handle(test_file_error_type), "__test__", py::bool_(false));
  graphviz_error_type = new_exception(
      m, "GraphvizError", base_error,
      "Graphviz `dot` could not render a diagram: .not_found is True when `dot` is not on PATH.");

  store_error_type = new_exception(
      m, "StoreError", base_error,
      "A case store operation failed and wrote nothing (unless .code is E506, raised as UsageError): "
      ".code (E6xx) names why (docs/errors.md).");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const policy_error& e) {
      raise_with(policy_error_type, e.what(), located(e.diagnostics()));
    } catch (const testing::test_file_error& e) {
      raise_with(test_file_error_type, e.what(), located(e.diagnostics()));
    } catch (const graphviz_error& e) {
      py::dict a;
      a["not_found"] = e.not_found();
      raise_with(graphviz_error_type, e.what(), a);
    } catch (const request_error& e) {
      py::dict a;
      a["code"] = code_text(e.code());
      a["fact"] = e.fact().empty() ? py::object(py::none()) : py::object(py::str(e.fact()));
      a["problems"] = py::cast(e.problems());
      a["omitted"] = e.omitted();
      raise_with(request_error_type, e.what(), a);
    } catch (const usage_error& e) {
      py::dict a;
      a["code"] = code_text(e.code());
      raise_with(usage_error_type, e.what(), a);
    } catch (const store_error& e) {
      py::dict a;
      a["code"] = code_text(e.code());
      raise_with(store_error_type, e.what(), a);
    } catch (const snapshot_error& e) {
      py::dict a;
      a["path"] = e.path();
      raise_with(snapshot_error_type, e.what(), a);
    } catch (const error& e) {
      // calendar_error and plain errors: the loader turns calendar problems into E203 itself.
      PyErr_SetString(base_error, e.what());
    }
  });
}

}  // namespace aftersale::python
