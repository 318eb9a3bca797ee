// SPDX-License-Identifier: Apache-2.0
// Python values ⇄ library values. Datetimes go through the C API (no per-value attribute
// look-ups) because batches convert millions of them.
#include "convert.hpp"

#include <datetime.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace aftersale::python {

namespace {

// PyDateTimeAPI is a per-translation-unit static: imported once, here.
void ensure_datetime_api() {
  if (!PyDateTimeAPI) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
  }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, 1970-01-01 = 0).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Floor of a timedelta in whole seconds.
std::int64_t delta_seconds(PyObject* td) {
  return static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(td)) * 86400 + PyDateTime_DELTA_GET_SECONDS(td);
}

std::string type_name(PyObject* v) { return Py_TYPE(v)->tp_name; }

[[noreturn]] void unsupported(const std::string& fact, PyObject* v, const std::string& prefix) {
  throw request_error(error_code::fact_type, fact,
                      prefix + "fact `" + fact + "` was given a value of type " + type_name(v) +
                          ": give str, int, bool, an aware datetime, a timedelta or a decimal.Decimal (money "
                          "is int minor units; "
                          "a float is never taken, even for a decimal fact: give Decimal or str)");
}

std::int64_t to_int64(PyObject* v) {
  const long long x = PyLong_AsLongLong(v);
  if (x == -1 && PyErr_Occurred()) throw py::error_already_set();
  return x;
}

}  // namespace

sys_seconds to_instant(py::handle value, const char* what) {
  ensure_datetime_api();
  PyObject* v = value.ptr();
  if (!PyDateTime_Check(v)) {
    throw py::type_error(std::string(what) + " must be a timezone-aware datetime, not " + type_name(v));
  }
  std::int64_t offset = 0;
  PyObject* tz = PyDateTime_DATE_GET_TZINFO(v);
  if (tz != PyDateTime_TimeZone_UTC) {
    PyObject* off = tz == Py_None ? Py_None : PyObject_CallMethod(v, "utcoffset", nullptr);
    if (!off) throw py::error_already_set();
    if (off == Py_None) {
      throw py::value_error(
          std::string(what) +
          " is a naive datetime (no time zone): give an aware one, e.g. "
          "datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc) or tzinfo=ZoneInfo(\"Asia/Shanghai\")");
    }
    const py::object owned = py::reinterpret_steal<py::object>(off);
    offset = delta_seconds(off);
  }
  const std::int64_t days =
      days_from_civil(PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v), PyDateTime_GET_DAY(v));
  const std::int64_t local = days * 86400 + PyDateTime_DATE_GET_HOUR(v) * 3600 +
                             PyDateTime_DATE_GET_MINUTE(v) * 60 + PyDateTime_DATE_GET_SECOND(v);
  return sys_seconds{std::chrono::seconds{local - offset}};
}

py::object to_datetime(sys_seconds t) {
  ensure_datetime_api();
  // datetime covers years 1..9999; a deadline that never falls due (never_due) is
  // datetime.max without microseconds, and so is any instant past 9999, which datetime cannot
  // hold (`Deadline.local` and `explain()` still tell them apart: `never`, or the year).
  constexpr std::int64_t lowest = -62135596800;   // 0001-01-01T00:00:00Z
  constexpr std::int64_t highest = 253402300799;  // 9999-12-31T23:59:59Z
  std::int64_t s = t.time_since_epoch().count();
  s = s < lowest ? lowest : s > highest ? highest : s;
  const std::int64_t days = (s >= 0 ? s : s - 86399) / 86400;
  const std::int64_t secs = s - days * 86400;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  PyObject* out = PyDateTimeAPI->DateTime_FromDateAndTime(
      static_cast<int>(y), static_cast<int>(m), static_cast<int>(d), static_cast<int>(secs / 3600),
      static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), 0, PyDateTime_TimeZone_UTC,
      PyDateTimeAPI->DateTimeType);
  if (!out) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(out);
}

py::object to_timedelta(std::chrono::seconds d) {
  ensure_datetime_api();
  // timedelta covers +-999999999 days: beyond (only the time left on a clock that never falls
  // due, seconds::max()) it is timedelta.max without microseconds, as never_due is datetime.max.
  constexpr std::int64_t k_days = 999999999;
  const std::int64_t s = d.count();
  std::int64_t days = (s >= 0 ? s : s - 86399) / 86400;
  std::int64_t rest = s - days * 86400;
  if (days > k_days) days = k_days, rest = 86399;
  if (days < -k_days) days = -k_days, rest = 0;
  PyObject* out = PyDelta_FromDSU(static_cast<int>(days), static_cast<int>(rest), 0);
  if (!out) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(out);
}

namespace {

// decimal.Decimal, looked up once and kept for the life of the interpreter.
PyObject* decimal_class() {
  static PyObject* cls = [] {
    return py::object(py::module_::import("decimal").attr("Decimal")).release().ptr();
  }();
  return cls;
}

bool is_decimal(PyObject* v) { return PyObject_IsInstance(v, decimal_class()) == 1; }

// A decimal.Decimal as an exact decimal, from its fixed-point text (never a float): `4.80` keeps
// its two digits, so a fact of scale 1 refuses it as `bind` refuses the text.
// One whose fixed-point text would be long (`Decimal("1E+999999999")` has a billion digits) is
// refused as written, before that text is made: no int64 has more than 19 digits before the point,
// and parse_decimal takes at most 18 after it.
fact_value decimal_value(const std::string& fact, PyObject* v, const std::string& prefix) {
  const py::handle h(v);
  const bool finite = h.attr("is_finite")().cast<bool>();
  const bool fits = finite && h.attr("as_tuple")().attr("exponent").cast<long long>() >= -18 &&
                    (h.attr("is_zero")().cast<bool>() || h.attr("adjusted")().cast<long long>() <= 18);
  const std::string text = fits ? std::string(py::str(py::module_::import("builtins").attr("format")(h, "f")))
                                : std::string(py::str(h));
  if (const std::optional<decimal> d = fits ? parse_decimal(text) : std::nullopt) return *d;
  throw request_error(
      error_code::bad_decimal, fact,
      prefix + "`" + text + "` is not a decimal number for fact `" + fact +
          "`: give a finite Decimal with at most 18 digits after the point that fits 64 bits");
}

// numpy.bool_ (numpy.bool from NumPy 2): by name, since numpy is never imported for this. It
// is no int subclass, and would otherwise be read as the integer 0 or 1.
bool is_numpy_bool(PyObject* v) {
  const char* type = Py_TYPE(v)->tp_name;
  return std::strcmp(type, "numpy.bool_") == 0 || std::strcmp(type, "numpy.bool") == 0;
}

}  // namespace

std::string table_of(const policy& p, py::handle table) {
  if (!table.is_none()) return table.cast<std::string>();
  return p.info.entry < p.decisions.size() ? p.decisions[p.info.entry].id : std::string();
}

fact_value to_fact_value(const std::string& fact, py::handle value) {
  ensure_datetime_api();
  PyObject* v = value.ptr();
  if (PyUnicode_Check(v)) return fact_value(value.cast<std::string>());
  if (is_decimal(v)) return decimal_value(fact, v, "");
  if (PyBool_Check(v)) return fact_value(v == Py_True);
  if (PyLong_Check(v)) return fact_value(to_int64(v));
  if (PyDateTime_Check(v)) return fact_value(to_instant(value, ("fact `" + fact + "`").c_str()));
  if (PyDelta_Check(v)) return fact_value(std::chrono::seconds{delta_seconds(v)});
  if (is_numpy_bool(v)) return fact_value(PyObject_IsTrue(v) == 1);
  if (!PyFloat_Check(v) && PyIndex_Check(v)) {  // numpy integers
    const py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v));
    if (!i) throw py::error_already_set();
    return fact_value(to_int64(i.ptr()));
  }
  unsupported(fact, v, "");
}

bool is_absent(PyObject* v) {
  // pandas marks a missing value in an object column as float NaN, in a `string` column as
  // pandas.NA, in a datetime column turned into objects as pandas.NaT.
  if (v == Py_None || (PyFloat_Check(v) && std::isnan(PyFloat_AS_DOUBLE(v)))) return true;
  if (PyUnicode_Check(v) || PyLong_Check(v)) return false;
  // By name: pandas is never imported for this. Cython spells tp_name with its module.
  const char* type = Py_TYPE(v)->tp_name;
  const char* dot = std::strrchr(type, '.');
  const char* name = dot ? dot + 1 : type;
  return std::strcmp(name, "NAType") == 0 || std::strcmp(name, "NaTType") == 0;
}

// Calls `take(name, value)` for each fact of a request dict that has a value (None and NaN are
// absent); refuses what is not a dict of str keys.
template <class Take>
void for_each_given_fact(py::handle dict, Take take) {
  if (!PyDict_Check(dict.ptr())) {
    throw py::type_error(std::string("a request is a dict of fact name to value, not ") +
                         type_name(dict.ptr()));
  }
  PyObject *key = nullptr, *value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict.ptr(), &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) throw py::type_error("fact names are str, not " + type_name(key));
    if (is_absent(value)) continue;
    take(py::handle(key).cast<std::string>(), value);
  }
}

request to_request(py::handle dict) {
  request r;
  for_each_given_fact(dict, [&](std::string name, PyObject* value) {
    fact_value v = to_fact_value(name, value);
    r.set(std::move(name), std::move(v));
  });
  return r;
}

bound_request bind_dict(const policy& p, py::handle dict) {
  request r;
  std::vector<request_problem> problems;
  for_each_given_fact(dict, [&](std::string name, PyObject* value) {
    try {
      fact_value v = to_fact_value(name, value);
      r.set(std::move(name), std::move(v));
    } catch (const request_error& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  });
  if (problems.empty()) return bind(p, r);
  std::size_t omitted = 0;
  try {
    bind(p, r);
  } catch (const request_error& e) {
    // A fact whose value was refused here was given: it is not also missing.
    const std::size_t refused = problems.size();
    for (const request_problem& p : e.problems()) {
      const bool given =
          p.code == error_code::missing_fact &&
          std::any_of(problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(refused),
                      [&](const request_problem& q) { return q.fact == p.fact; });
      if (!given) problems.push_back(p);
    }
    omitted = e.omitted();
  }
  // bind's order: the given facts by name, then the missing ones.
  std::stable_sort(problems.begin(), problems.end(), [](const request_problem& a, const request_problem& b) {
    const bool a_missing = a.code == error_code::missing_fact;
    const bool b_missing = b.code == error_code::missing_fact;
    if (a_missing != b_missing) return b_missing;
    return !a_missing && a.fact < b.fact;
  });
  if (problems.size() > request_error::max_problems) {
    omitted += problems.size() - request_error::max_problems;
    problems.resize(request_error::max_problems);
  }
  throw request_error(std::move(problems), omitted);
}

void set_cell(request_columns& columns, std::uint32_t fact, std::size_t row, PyObject* v) {
  if (PyUnicode_Check(v)) {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(v, &n);
    if (!s) throw py::error_already_set();
    columns.set_text(fact, row, std::string_view(s, static_cast<std::size_t>(n)));
  } else if (v == Py_True || v == Py_False) {
    columns.set_bool(fact, row, v == Py_True);
  } else if (PyLong_Check(v)) {
    columns.set_int(fact, row, to_int64(v));
  } else if (is_absent(v)) {
    return;
  } else if (is_decimal(v)) {
    const std::string& name = columns.source_policy().facts.at(fact).name;
    const std::string prefix = "request " + std::to_string(columns.first_row() + row) + ": ";
    const decimal d = std::get<decimal>(decimal_value(name, v, prefix));
    columns.set_text(fact, row, format_decimal(d.units, d.scale));
  } else {
    ensure_datetime_api();
    const std::string& name = columns.source_policy().facts.at(fact).name;
    if (PyDateTime_Check(v)) {
      const std::string what =
          "request " + std::to_string(columns.first_row() + row) + ": fact `" + name + "`";
      columns.set_time(fact, row, to_instant(v, what.c_str()));
    } else if (PyDelta_Check(v)) {
      columns.set_duration(fact, row, std::chrono::seconds{delta_seconds(v)});
    } else if (is_numpy_bool(v)) {
      columns.set_bool(fact, row, PyObject_IsTrue(v) == 1);
    } else if (!PyFloat_Check(v) && PyIndex_Check(v)) {
      const py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v));
      if (!i) throw py::error_already_set();
      columns.set_int(fact, row, to_int64(i.ptr()));
    } else {
      unsupported(name, v, "request " + std::to_string(columns.first_row() + row) + ": ");
    }
  }
}

py::object fact_value_to_python(const fact_def& f, std::int64_t value) {
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string:
      if (value >= 0 && static_cast<std::uint64_t>(value) < f.values.size()) return py::str(f.values[value]);
      return py::none();
    case fact_type::boolean:
      return py::bool_(value != 0);
    case fact_type::integer:
    case fact_type::money:
      return py::int_(value);
    case fact_type::duration:
      return to_timedelta(std::chrono::seconds{value});
    case fact_type::timestamp:
      return to_datetime(sys_seconds{std::chrono::seconds{value}});
    case fact_type::decimal:
      return py::reinterpret_borrow<py::object>(decimal_class())(format_decimal(value, f.scale));
  }
  return py::int_(value);
}

py::object text_or_none(std::string_view s) {
  return s.empty() ? py::object(py::none()) : py::object(py::str(std::string(s)));
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<std::string> path_list(py::handle paths) {
  py::object fsdecode = py::module_::import("os").attr("fsdecode");
  std::vector<std::string> out;
  if (py::isinstance<py::str>(paths) || py::isinstance<py::bytes>(paths) ||
      py::hasattr(paths, "__fspath__")) {
    out.push_back(fsdecode(paths).cast<std::string>());
    return out;
  }
  for (py::handle p : paths) out.push_back(fsdecode(p).cast<std::string>());
  return out;
}

load_options to_load_options(py::handle policy_paths, bool file_folder) {
  load_options out;
  if (!policy_paths.is_none()) out.policy_paths = path_list(policy_paths);
  out.file_folder = file_folder;
  return out;
}

}  // namespace aftersale::python
