// SPDX-License-Identifier: Apache-2.0
#pragma once
// Conversions between Python objects and the library's values: datetimes, timedeltas and
// request facts. Only this file's .cpp uses the datetime C API.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <aftersale/load.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::python {

namespace py = pybind11;

/// An aware datetime as a UTC instant (microseconds dropped). @throws py::value_error for a
/// naive datetime, py::type_error for anything else; `what` names the argument in the message.
sys_seconds to_instant(py::handle value, const char* what);

/// The table to decide with: `table` when given (a str), else the policy's entry table (empty
/// when it has none: decide_batch reports that as E304).
std::string table_of(const policy& p, py::handle table);

/// An aware `datetime` in UTC; instants beyond `datetime`'s range are clamped to its min/max.
/// None for empty text: an id a rule or case does not have (fee payer, escalation, flag, actor).
py::object text_or_none(std::string_view s);

/// `s` with `& < > "` as HTML entities, for the notebook displays.
std::string html_escape(std::string_view s);

py::object to_datetime(sys_seconds t);

/// A `timedelta` of `d`.
py::object to_timedelta(std::chrono::seconds d);

/// One fact of a request as the library takes it. @throws request_error (E301) for a type
/// the library has no value for (float, list, ...), py::value_error for a naive datetime.
fact_value to_fact_value(const std::string& fact, py::handle value);

/// True for the values that mean "no value": None, float NaN, pandas.NA and pandas.NaT.
bool is_absent(PyObject* value);

/// A request dict as a `request`; absent values (see `is_absent`) are left out.
request to_request(py::handle dict);

/// A request dict bound to `p`. A value of a type the library has no value for (float, list, ...)
/// is reported with the problems `bind` finds, in one request_error listing them all (given facts
/// in name order, then missing ones).
/// @throws request_error, py::value_error for a naive datetime
bound_request bind_dict(const policy& p, py::handle dict);

/// Sets fact `fact` of row `row` from a Python value; an absent value leaves it unset.
/// @throws request_error as the setters do, py::value_error for a naive datetime
void set_cell(request_columns& columns, std::uint32_t fact, std::size_t row, PyObject* value);

/// A fact's encoded value as Python: enum/string value → str, bool, int/money → int,
/// duration → timedelta, timestamp → datetime (UTC).
py::object fact_value_to_python(const fact_def& f, std::int64_t value);

/// One path (str, bytes or os.PathLike) or a sequence of them, decoded with os.fsdecode.
std::vector<std::string> path_list(py::handle paths);

/// The loader's options from `policy_paths=` (None, one path or a sequence) and `file_folder=`.
load_options to_load_options(py::handle policy_paths, bool file_folder = true);

}  // namespace aftersale::python
