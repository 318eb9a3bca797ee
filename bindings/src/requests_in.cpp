// SPDX-License-Identifier: Apache-2.0
// python_requests: a Python batch of requests, converted block by block into request_columns.
#include "requests_in.hpp"

#include <string>

#include "convert.hpp"

namespace aftersale::python {

namespace {

std::string type_name(PyObject* v) { return Py_TYPE(v)->tp_name; }

// The request's prefix for errors found before the library sees the row.
std::string row_prefix(std::size_t row) { return "request " + std::to_string(row) + ": "; }

}  // namespace

python_requests::python_requests(const policy& p, py::handle requests) : names_(p, 0) {
  if (is_columnar(requests)) {
    columnar_ = true;
    read_arrays(requests);
  } else if (PyDict_Check(requests.ptr())) {
    read_columns(requests);
  } else {
    if (!PySequence_Check(requests.ptr()))
      throw py::type_error("requests must be a list of request dicts or a dict of columns, not " +
                           type_name(requests.ptr()));
    // A tuple of our own: converting a value may run Python code (a tzinfo, a __str__) that
    // changes the caller's list, which must not free the items being read.
    seq_ = py::reinterpret_steal<py::object>(PySequence_Tuple(requests.ptr()));
    if (!seq_) throw py::error_already_set();
    rows_ = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq_.ptr()));
  }
}

void python_requests::fill(request_columns& block) {
  if (columnar_) {
    if (const std::optional<bad_cell> bad = fill_columns(block, nullptr)) raise(*bad);
  } else if (seq_) {
    fill_from_rows(block);
  } else {
    fill_from_columns(block);
  }
}

void python_requests::read_columns(py::handle requests) {
  std::vector<std::string> names;
  PyObject *key = nullptr, *value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(requests.ptr(), &pos, &key, &value)) {
    if (!PyUnicode_Check(key))
      throw py::type_error("column names are fact names (str), not " + type_name(key));
    std::string name = py::handle(key).cast<std::string>();
    // Text is a sequence too: a single request dict passed by mistake would read as columns of characters.
    if (PyUnicode_Check(value) || PyBytes_Check(value) || !PySequence_Check(value)) {
      throw py::type_error("column `" + name + "` must be a list of values, not " + type_name(value) +
                           ": pass a list of request dicts or a dict of equal-length lists");
    }
    // A tuple of our own, for the reason given for a list of requests above.
    py::object seq = py::reinterpret_steal<py::object>(PySequence_Tuple(value));
    if (!seq) throw py::error_already_set();
    const auto n = static_cast<std::size_t>(PyTuple_GET_SIZE(seq.ptr()));
    if (!columns_.empty() && n != rows_) {
      throw request_error(error_code::column_shape, name,
                          "column `" + name + "` has " + std::to_string(n) + " values but column `" +
                              names.front() + "` has " + std::to_string(rows_) +
                              ": every column needs one value per request");
    }
    rows_ = n;
    std::uint32_t fact = 0;
    try {
      fact = names_.fact_id(name);
    } catch (const request_error& e) {
      throw request_error(e.code(), e.fact(), "column `" + name + "`: " + e.what());
    }
    names.push_back(std::move(name));
    columns_.push_back({fact, std::move(seq)});
  }
}

void python_requests::read_arrays(py::handle requests) {
  if (PyDict_Check(requests.ptr())) {
    PyObject *key = nullptr, *value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(requests.ptr(), &pos, &key, &value)) {
      if (!PyUnicode_Check(key))
        throw py::type_error("column names are fact names (str), not " + type_name(key));
      add_array(py::handle(key).cast<std::string>(), value);
    }
  } else {  // a DataFrame
    index_ = requests.attr("index");
    const py::object iloc = requests.attr("iloc");
    std::size_t at = 0;
    for (py::handle name : requests.attr("columns")) {
      if (!PyUnicode_Check(name.ptr()))
        throw py::type_error("column names are fact names (str), not " + type_name(name.ptr()));
      // By position: the Series of the column even where two columns share a name.
      add_array(name.cast<std::string>(),
                iloc[py::make_tuple(py::slice(py::none(), py::none(), py::none()), at++)]);
    }
  }
  // Every required fact needs a column (a column of missing values names its first row instead).
  const policy& p = names_.source_policy();
  for (std::uint32_t f = 0; f < p.facts.size(); ++f) {
    const fact_def& d = p.facts[f];
    if (!d.required || d.derive != derivation::none) continue;
    bool given = false;
    for (const array_column& c : arrays_) given = given || c.fact() == f;
    if (!given) {
      throw request_error(error_code::missing_fact, d.name,
                          "no column `" + d.name + "`: required fact `" + d.name + "` is missing");
    }
  }
}

void python_requests::add_array(std::string name, py::handle value) {
  std::uint32_t fact = 0;
  try {
    fact = names_.fact_id(name);
  } catch (const request_error& e) {
    throw request_error(e.code(), e.fact(), "column `" + name + "`: " + e.problems().front().message);
  }
  for (const array_column& c : arrays_) {
    if (c.fact() == fact) {
      throw request_error(error_code::column_shape, name, "column `" + name + "` is given twice");
    }
  }
  py::object column = py::reinterpret_borrow<py::object>(value);
  // A list (or any other sequence) among arrays: its values one by one, as Python objects.
  if (PyList_Check(value.ptr()) || PyTuple_Check(value.ptr()))
    column = py::module_::import("numpy").attr("array")(value, "O");
  array_column c(names_.source_policy(), fact, std::move(name), column);
  if (!arrays_.empty() && c.rows() != rows_) {
    throw request_error(error_code::column_shape, c.name(),
                        "column `" + c.name() + "` has " + std::to_string(c.rows()) + " values but column `" +
                            arrays_.front().name() + "` has " + std::to_string(rows_) +
                            ": every column needs one value per request");
  }
  rows_ = c.rows();
  if (!c.index().is_none()) {
    if (index_.is_none()) {
      index_ = c.index();
      index_column_ = c.name();
    } else if (!index_.attr("equals")(c.index()).cast<bool>()) {
      // Read by position, rows of Series with different labels would be paired silently wrong.
      throw request_error(
          error_code::column_shape, c.name(),
          "column `" + c.name() + "` has another index than column `" + index_column_ +
              "`: give Series with one index (pandas.DataFrame(columns) aligns them), or arrays");
    }
  }
  arrays_.push_back(std::move(c));
}

bool python_requests::needs_gil() const noexcept {
  for (const array_column& c : arrays_)
    if (c.needs_gil()) return true;
  return false;
}

std::optional<python_requests::bad_cell> python_requests::fill_columns(
    request_columns& block, std::vector<array_column::scratch>* buffers) const {
  if (buffers) buffers->resize(arrays_.size());
  std::optional<bad_cell> first;
  for (std::size_t i = 0; i < arrays_.size(); ++i) {
    std::optional<cell_problem> p = arrays_[i].fill(block, buffers ? &(*buffers)[i] : nullptr);
    if (p && (!first || p->row < first->problem.row)) first = bad_cell{i, std::move(*p)};
  }
  return first;
}

void python_requests::raise(const bad_cell& bad) const {
  const array_column& c = arrays_[bad.column];
  const std::size_t row = bad.problem.row;
  std::string where = "column `" + c.name() + "` row " + std::to_string(row);
  const py::object& index = c.index().is_none() ? index_ : c.index();
  if (!index.is_none()) {
    const py::object label = index[py::int_(row)];
    const bool same = PyLong_Check(label.ptr()) && label.cast<long long>() == static_cast<long long>(row);
    if (!same) where += " (index `" + py::str(label).cast<std::string>() + "`)";
  }
  request_problem p = bad.problem.problem;
  p.message = where + ": " + p.message;
  if (bad.problem.show_value) p.message += " (value `" + c.value_text(row) + "`)";
  throw request_error({std::move(p)});
}

void python_requests::fill_from_columns(request_columns& block) const {
  const std::size_t first = block.first_row(), n = block.rows();
  // Each value is its own heap object, usually not in cache: fetch a few rows ahead so the
  // misses overlap instead of stalling one by one.
  constexpr std::size_t ahead = 12;
  for (const column& c : columns_) {
    PyObject** items = PySequence_Fast_ITEMS(c.seq.ptr()) + first;
    for (std::size_t r = 0; r < n; ++r) {
      if (r + ahead < n) {
        const char* next = reinterpret_cast<const char*>(items[r + ahead]);
        __builtin_prefetch(next);
        __builtin_prefetch(next + 64);  // a str's text follows its header
      }
      set_cell(block, c.fact, r, items[r]);
    }
  }
}

void python_requests::fill_from_rows(request_columns& block) {
  const std::size_t first = block.first_row(), n = block.rows();
  PyObject** items = PySequence_Fast_ITEMS(seq_.ptr()) + first;
  for (std::size_t r = 0; r < n; ++r) {
    PyObject* d = items[r];
    if (!PyDict_Check(d)) {
      throw py::type_error(row_prefix(first + r) + "a request is a dict of fact name to value, not " +
                           type_name(d));
    }
    // The request dict is the caller's: hold its key and value while converting, since that may
    // run Python code that changes the dict.
    PyObject *key = nullptr, *value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(d, &pos, &key, &value)) {
      const py::object held_key = py::reinterpret_borrow<py::object>(key);
      const py::object held_value = py::reinterpret_borrow<py::object>(value);
      set_cell(block, fact_of(held_key.ptr(), first + r), r, held_value.ptr());
    }
  }
}

std::uint32_t python_requests::fact_of(PyObject* key, std::size_t row) {
  for (const auto& [k, id] : keys_)
    if (k.ptr() == key) return id;
  if (!PyUnicode_Check(key))
    throw py::type_error(row_prefix(row) + "fact names are str, not " + type_name(key));
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(key, &n);
  if (!s) throw py::error_already_set();
  std::uint32_t id = 0;
  try {
    id = names_.fact_id(std::string_view(s, static_cast<std::size_t>(n)));
  } catch (const request_error& e) {
    throw request_error(e.code(), e.fact(), row_prefix(row) + e.what());
  }
  if (keys_.size() < 256) keys_.emplace_back(py::reinterpret_borrow<py::object>(key), id);
  return id;
}

}  // namespace aftersale::python
