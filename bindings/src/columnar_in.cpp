// SPDX-License-Identifier: Apache-2.0
// array_column: one NumPy / pandas column of a batch, its dtype checked against the fact once,
// its buffer read block by block.
#include "columnar_in.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "convert.hpp"

namespace aftersale::python {

namespace {

// A module the caller imported, or None: a batch can hold NumPy / pandas objects only when
// their module is loaded, so nothing is imported here.
py::object loaded_module(const char* name) {
  PyObject* modules = PyImport_GetModuleDict();
  PyObject* m = PyDict_GetItemString(modules, name);
  return m ? py::reinterpret_borrow<py::object>(m) : py::object(py::none());
}

bool isinstance_of(py::handle value, const py::object& module, const char* attr) {
  if (module.is_none()) return false;
  const int r = PyObject_IsInstance(value.ptr(), module.attr(attr).ptr());
  if (r < 0) throw py::error_already_set();
  return r == 1;
}

bool is_pandas_column(py::handle v, const py::object& pandas) {
  return isinstance_of(v, pandas, "Series") || isinstance_of(v, pandas, "Index") ||
         (!pandas.is_none() && isinstance_of(v, pandas.attr("api").attr("extensions"), "ExtensionArray"));
}

bool is_array(py::handle v) {
  const py::object numpy = loaded_module("numpy");
  return isinstance_of(v, numpy, "ndarray") || is_pandas_column(v, loaded_module("pandas"));
}

std::string str_of(py::handle v) { return py::str(v).cast<std::string>(); }

// `message` without the setters' `request <row>: ` prefix (the caller names column and row).
std::string without_row(const std::string& message, std::size_t row) {
  const std::string prefix = "request " + std::to_string(row) + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

cell_problem problem_at(const request_error& e, std::size_t row) {
  request_problem p = e.problems().front();
  p.message = without_row(p.message, row);
  return {row, std::move(p)};
}

// The time_unit of a NumPy datetime64 / timedelta64 unit name; nothing for units not taken.
std::optional<time_unit> unit_of(const std::string& unit) {
  if (unit == "ns") return time_unit::ns;
  if (unit == "us") return time_unit::us;
  if (unit == "ms") return time_unit::ms;
  if (unit == "s") return time_unit::s;
  return std::nullopt;
}

}  // namespace

bool is_columnar(py::handle requests) {
  const py::object pandas = loaded_module("pandas");
  if (isinstance_of(requests, pandas, "DataFrame")) return true;
  if (!PyDict_Check(requests.ptr())) return false;
  PyObject *key = nullptr, *value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(requests.ptr(), &pos, &key, &value))
    if (is_array(value)) return true;
  return false;
}

array_column::array_column(const policy& p, std::uint32_t fact, std::string name, py::handle value)
    : policy_(&p), def_(&p.facts.at(fact)), fact_(fact), name_(std::move(name)) {
  if (def_->derive != derivation::none) {
    throw request_error(error_code::fact_type, def_->name,
                        "column `" + name_ + "`: fact `" + def_->name +
                            "` is derived: it is computed at decision time and cannot be given");
  }
  source_ = py::reinterpret_borrow<py::object>(value);
  const py::object pandas = loaded_module("pandas");
  if (!is_pandas_column(value, pandas)) {
    read_array(value);
    return;
  }
  py::object array = py::reinterpret_borrow<py::object>(value);
  if (isinstance_of(value, pandas, "Series")) {
    index_ = value.attr("index");
    array = value.attr("array");
  } else if (isinstance_of(value, pandas, "Index")) {
    array = value.attr("array");
  }
  const py::object dtype = array.attr("dtype");
  if (isinstance_of(dtype, pandas, "CategoricalDtype")) {
    read_categorical(array);
  } else if (isinstance_of(dtype, pandas, "DatetimeTZDtype")) {
    if (def_->type != fact_type::timestamp) refuse("datetime64 with a time zone", "");
    const std::optional<time_unit> unit = unit_of(str_of(dtype.attr("unit")));
    if (!unit) refuse("datetime64 of unit `" + str_of(dtype.attr("unit")) + "`", "");
    unit_ = *unit;
    meaning_ = meaning::nanoseconds;
    py::object i8 = array.attr("asi8");
    read_buffer(i8);
  } else if (py::hasattr(array, "_mask") && py::hasattr(array, "_data")) {
    read_masked(array);
  } else {
    read_array(array.attr("to_numpy")());
  }
}

// What the column's dtype is called in messages.
void array_column::refuse(const std::string& given, const std::string& give) const {
  std::string expected;
  switch (def_->type) {
    case fact_type::enumeration:
    case fact_type::string:
      expected = "a categorical or a column of str";
      break;
    case fact_type::boolean:
      expected = "bool, pandas `boolean` or a column of bool";
      break;
    case fact_type::integer:
    case fact_type::money:
      expected = "an integer dtype (int8..int64, uint8..uint64, pandas `Int64`), or whole floats";
      break;
    case fact_type::decimal:
      expected = "an integer dtype, or a column of decimal.Decimal or str (a float is never taken)";
      break;
    case fact_type::timestamp:
      expected = "datetime64[ns, tz] (time zone aware) or a column of aware datetimes";
      break;
    case fact_type::duration:
      expected = "timedelta64[ns] or a column of timedelta";
      break;
  }
  throw request_error(error_code::column_type, def_->name,
                      "column `" + name_ + "` is " + given + " but fact `" + def_->name + "` is " +
                          std::string(to_string(def_->type)) + ": " +
                          (give.empty() ? "give " + expected : give));
}

void array_column::read_buffer(py::handle numpy_array) {
  // One-dimensional, native byte order, contiguous: anything else is copied into such an array.
  const py::object np = py::module_::import("numpy");
  py::object a = py::reinterpret_borrow<py::object>(numpy_array);
  const int ndim = a.attr("ndim").cast<int>();
  if (ndim != 1) {
    throw request_error(error_code::column_shape, def_->name,
                        "column `" + name_ + "` has " + std::to_string(ndim) +
                            " dimensions: a column is one-dimensional, one value per request");
  }
  py::object dtype = a.attr("dtype");
  if (!dtype.attr("isnative").cast<bool>()) dtype = dtype.attr("newbyteorder")("=");
  a = np.attr("ascontiguousarray")(a, dtype);
  rows_ = a.attr("shape").cast<py::tuple>()[0].cast<std::size_t>();
  const std::string kind = str_of(dtype.attr("kind"));
  const int size = dtype.attr("itemsize").cast<int>();
  if (kind == "i") {
    element_ = size == 1 ? element::i8 : size == 2 ? element::i16 : size == 4 ? element::i32 : element::i64;
  } else if (kind == "u" || kind == "b") {
    element_ = size == 1 ? element::u8 : size == 2 ? element::u16 : size == 4 ? element::u32 : element::u64;
  } else if (kind == "f" && (size == 4 || size == 8)) {
    element_ = size == 4 ? element::f32 : element::f64;
  } else if (kind == "O") {
    element_ = element::object;
  } else {
    throw std::logic_error("read_buffer: dtype kind " + kind);
  }
  data_ = reinterpret_cast<const void*>(
      a.attr("__array_interface__")["data"].cast<py::tuple>()[0].cast<std::uintptr_t>());
  keep_.push_back(std::move(a));
}

void array_column::read_array(py::handle value) {
  const py::object np = loaded_module("numpy");
  if (!isinstance_of(value, np, "ndarray")) {
    throw request_error(error_code::column_type, def_->name,
                        "column `" + name_ + "` is a " + std::string(Py_TYPE(value.ptr())->tp_name) +
                            ": give a NumPy array, a pandas Series or a list");
  }
  py::object a = py::reinterpret_borrow<py::object>(value);
  const py::object dtype = a.attr("dtype");
  const std::string kind = str_of(dtype.attr("kind"));
  const fact_type t = def_->type;
  const std::string dtype_name = "`" + str_of(dtype) + "`";
  if (kind == "M") {
    if (t != fact_type::timestamp) refuse(dtype_name, "");
    refuse("a naive " + dtype_name + " (no time zone)",
           "give datetime64[ns, tz], e.g. `pandas.Series(values).dt.tz_localize(\"Asia/Shanghai\")`");
  }
  if (kind == "m") {
    if (t != fact_type::duration) refuse(dtype_name, "");
    const std::string unit = np.attr("datetime_data")(dtype).cast<py::tuple>()[0].cast<std::string>();
    const std::optional<time_unit> u = unit_of(unit);
    if (!u) refuse(dtype_name, "");
    unit_ = *u;
    meaning_ = meaning::nanoseconds;
    read_buffer(a.attr("view")("i8"));
    return;
  }
  if (kind == "U" || kind == "S") {
    // Fixed-width text: one str object per cell, then as an object column.
    if (t != fact_type::enumeration && t != fact_type::string && t != fact_type::decimal)
      refuse(dtype_name, "");
    a = a.attr("astype")(kind == "U" ? "O" : "U").attr("astype")("O");
  }
  if (str_of(a.attr("dtype").attr("kind")) == "O") {
    meaning_ = meaning::objects;
    read_buffer(a);
    return;
  }
  if (kind == "b") {
    if (t != fact_type::boolean) refuse(dtype_name, "");
    boolean_ = true;
    read_buffer(a);
    return;
  }
  if (kind == "i" || kind == "u") {
    if (t != fact_type::integer && t != fact_type::money && t != fact_type::decimal) {
      refuse(dtype_name, t == fact_type::enumeration || t == fact_type::string
                             ? "give a pandas categorical (codes with their categories) or a column of str"
                             : "");
    }
    read_buffer(a);
    return;
  }
  if (kind == "f") {
    if (t != fact_type::integer && t != fact_type::money) {
      refuse(dtype_name, t == fact_type::decimal
                             ? "give an integer dtype, or a column of decimal.Decimal or str "
                               "(a float is never taken for a decimal fact)"
                             : "");
    }
    meaning_ = meaning::whole_float;
    if (dtype.attr("itemsize").cast<int>() == 2) a = a.attr("astype")("f8");
    read_buffer(a);
    return;
  }
  refuse(dtype_name, "");
}

void array_column::read_masked(py::handle array) {
  // pandas nullable dtypes (Int64, boolean, Float64, ...): values and a mask, both NumPy.
  read_array(array.attr("_data"));
  py::object mask = py::module_::import("numpy").attr("ascontiguousarray")(array.attr("_mask"));
  mask_ = reinterpret_cast<const std::uint8_t*>(
      mask.attr("__array_interface__")["data"].cast<py::tuple>()[0].cast<std::uintptr_t>());
  keep_.push_back(std::move(mask));
}

void array_column::read_categorical(py::handle categorical) {
  const py::object categories = categorical.attr("categories");
  const std::size_t n = py::len(categories);
  meaning_ = meaning::codes;
  read_buffer(categorical.attr("codes"));
  bool texts = def_->type == fact_type::enumeration || def_->type == fact_type::string;
  categories_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const py::object c = categories[py::int_(i)];
    texts = texts && PyUnicode_Check(c.ptr());
    categories_.push_back(str_of(c));
  }
  // Codes pandas would not make (below -1, or past the categories) are refused at the first
  // row holding one, as a column that cannot be read.
  const py::object codes = keep_.back();
  const bool outside = rows_ > 0 && (codes.attr("min")().cast<long long>() < -1 ||
                                     codes.attr("max")().cast<long long>() >= static_cast<long long>(n));
  if (outside) {
    const py::object np = py::module_::import("numpy");
    const py::object bad =
        np.attr("logical_or")(np.attr("less")(codes, -1), np.attr("greater_equal")(codes, n));
    bad_code_row_ = bad.attr("argmax")().cast<std::size_t>();
    bad_code_ = cell_problem{bad_code_row_,
                             {error_code::column_type,
                              def_->name,
                              "code `" + str_of(codes[py::int_(bad_code_row_)]) +
                                  "` is not one of the column's " + std::to_string(n) + " categories",
                              {}}};
  }
  if (texts) {  // the library maps the texts to the fact's values, once
    category_map_ = std::make_unique<category_map>(*policy_, fact_, categories_);
    return;
  }
  // Other categories (ints for an int fact, ...) are encoded here, each as `decide` encodes the
  // value; a category the fact does not take is an error only at the first row that uses it.
  bound_request one;
  code_values_.assign(n, 0);
  code_problems_.assign(n, std::nullopt);
  for (std::size_t i = 0; i < n; ++i) {
    const py::object c = categories[py::int_(i)];
    try {
      request_columns cell(*policy_, 1);
      set_cell(cell, fact_, 0, c.ptr());
      cell.row(0, one);
      if (!one.has(fact_)) {
        code_missing_.resize(n, 0);
        code_missing_[i] = 1;
      }
      code_values_[i] = one.value(fact_);
    } catch (const request_error& e) {
      code_problems_[i] = e.problems().front();
      code_problems_[i]->message = without_row(code_problems_[i]->message, 0);
    } catch (const py::error_already_set&) {
      throw;
    } catch (const std::exception& e) {  // py::value_error for a naive datetime category, ...
      code_problems_[i] = request_problem{error_code::fact_type, def_->name, e.what(), {}};
    }
  }
}

std::string array_column::value_text(std::size_t row) const {
  if (meaning_ == meaning::codes) {
    const py::object codes = keep_.front();  // read_categorical keeps the codes first
    const long long code = codes[py::int_(row)].cast<long long>();
    if (code >= 0 && static_cast<std::size_t>(code) < categories_.size()) return categories_[code];
    return code == -1 ? "nan" : std::to_string(code);
  }
  if (mask_ && mask_[row]) return "<NA>";
  const bool series = !index_.is_none();
  return str_of(series ? source_.attr("iloc")[py::int_(row)] : source_[py::int_(row)]);
}

std::optional<cell_problem> array_column::missing(std::size_t row) const {
  if (!def_->required) return std::nullopt;
  cell_problem p{row,
                 {error_code::missing_fact, def_->name, "required fact `" + def_->name + "` is missing", {}}};
  p.show_value = true;
  return p;
}

std::optional<cell_problem> array_column::first_missing(std::size_t first, std::size_t n) const {
  if (!def_->required) return std::nullopt;
  std::size_t at = n;
  if (mask_) {
    const void* hit = std::memchr(mask_ + first, 1, n);
    if (hit) at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - (mask_ + first));
  }
  if (meaning_ == meaning::nanoseconds) {
    const auto* ns = static_cast<const std::int64_t*>(data_) + first;
    for (std::size_t i = 0; i < at; ++i) {
      if (ns[i] == std::numeric_limits<std::int64_t>::min()) {  // NaT
        at = i;
        break;
      }
    }
  }
  if (meaning_ == meaning::codes) {
    auto scan = [&](const auto* codes) {
      for (std::size_t i = 0; i < at; ++i)
        if (codes[first + i] < 0) return i;
      return at;
    };
    switch (element_) {
      case element::i8:
        at = scan(static_cast<const std::int8_t*>(data_));
        break;
      case element::i16:
        at = scan(static_cast<const std::int16_t*>(data_));
        break;
      case element::i32:
        at = scan(static_cast<const std::int32_t*>(data_));
        break;
      default:
        at = scan(static_cast<const std::int64_t*>(data_));
    }
  }
  return at < n ? missing(first + at) : std::nullopt;
}

std::optional<cell_problem> array_column::put(request_columns& block, const column& c, bool borrow) const {
  try {
    if (borrow) {
      block.view_column(fact_, c);
    } else {
      block.set_column(fact_, c);
    }
  } catch (const request_error& e) {
    // The library names the row as `request <row>: ` (batch.hpp).
    const std::string& m = e.problems().front().message;
    std::size_t row = block.first_row();
    if (m.compare(0, 8, "request ") == 0) row = std::stoull(m.substr(8));
    return problem_at(e, row);
  }
  return std::nullopt;
}

template <class T>
std::optional<cell_problem> array_column::convert(std::size_t first, std::size_t n, scratch& out) const {
  const T* data = static_cast<const T*>(data_) + first;
  const std::uint8_t* mask = mask_ ? mask_ + first : nullptr;
  out.values.resize(n);
  out.missing.assign(n, 0);
  for (std::size_t r = 0; r < n; ++r) {
    bool absent = mask && mask[r];
    std::int64_t v = 0;
    if (!absent) {
      const T x = data[r];
      switch (meaning_) {
        case meaning::plain:  // uint64
          if (static_cast<std::uint64_t>(x) >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            cell_problem p{first + r,
                           {error_code::out_of_range,
                            def_->name,
                            "fact `" + def_->name + "` was given a value beyond 64-bit signed integers",
                            {}}};
            p.show_value = true;
            return p;
          }
          v = static_cast<std::int64_t>(x);
          break;
        case meaning::whole_float: {
          const double d = static_cast<double>(x);
          if (std::isnan(d)) {
            absent = true;
            break;
          }
          if (!(std::floor(d) == d && std::fabs(d) <= 9007199254740992.0)) {
            cell_problem p{first + r,
                           {error_code::fact_type,
                            def_->name,
                            "fact `" + def_->name + "` is " + std::string(to_string(def_->type)) +
                                " but was given a float that is not a whole number (or beyond 2^53)",
                            {}}};
            p.show_value = true;
            return p;
          }
          v = static_cast<std::int64_t>(d);
          break;
        }
        case meaning::codes: {
          const auto code = static_cast<std::int64_t>(x);
          if (code < 0) {
            absent = true;
            break;
          }
          const auto c = static_cast<std::size_t>(code);
          if (code_problems_[c]) return cell_problem{first + r, *code_problems_[c]};
          if (!code_missing_.empty() && code_missing_[c]) {
            absent = true;
            break;
          }
          v = code_values_[c];
          break;
        }
        case meaning::nanoseconds:
        case meaning::objects:
          break;
      }
    }
    if (absent) {
      if (auto p = missing(first + r)) return p;
      out.missing[r] = 1;
    }
    out.values[r] = v;
  }
  if (def_->type == fact_type::boolean) out.bytes.assign(out.values.begin(), out.values.end());
  return std::nullopt;
}

std::optional<cell_problem> array_column::fill(request_columns& block, scratch* buffer) const {
  const std::size_t first = block.first_row(), n = block.rows();
  if (bad_code_row_ >= first && bad_code_row_ < first + n) return bad_code_;
  if (meaning_ == meaning::objects) return fill_objects(block);
  const bool direct = (meaning_ == meaning::plain && element_ != element::u64 && element_ != element::f32 &&
                       element_ != element::f64) ||
                      (meaning_ == meaning::codes && category_map_) || meaning_ == meaning::nanoseconds;
  if (direct) {
    if (auto p = first_missing(first, n)) return p;
    static constexpr column_type types[] = {column_type::int8,  column_type::int16, column_type::int32,
                                            column_type::int64, column_type::uint8, column_type::uint16,
                                            column_type::uint32};
    const std::size_t e = static_cast<std::size_t>(element_);
    column c;
    c.type = boolean_ ? column_type::boolean : types[e];
    c.data = static_cast<const unsigned char*>(data_) + first * size_of(c.type);
    c.missing = mask_ ? mask_ + first : nullptr;
    c.categories = category_map_.get();
    c.negative_missing = meaning_ == meaning::codes;
    c.unit = unit_;
    c.nat_missing = meaning_ == meaning::nanoseconds;
    return put(block, c, buffer != nullptr);
  }
  scratch own;
  scratch& out = buffer ? *buffer : own;
  std::optional<cell_problem> p;
  switch (element_) {
    case element::i8:
      p = convert<std::int8_t>(first, n, out);
      break;
    case element::i16:
      p = convert<std::int16_t>(first, n, out);
      break;
    case element::i32:
      p = convert<std::int32_t>(first, n, out);
      break;
    case element::i64:
      p = convert<std::int64_t>(first, n, out);
      break;
    case element::u8:
      p = convert<std::uint8_t>(first, n, out);
      break;
    case element::u16:
      p = convert<std::uint16_t>(first, n, out);
      break;
    case element::u32:
      p = convert<std::uint32_t>(first, n, out);
      break;
    case element::u64:
      p = convert<std::uint64_t>(first, n, out);
      break;
    case element::f32:
      p = convert<float>(first, n, out);
      break;
    case element::f64:
      p = convert<double>(first, n, out);
      break;
    case element::object:
      break;
  }
  if (p) return p;
  column c;
  const bool boolean = def_->type == fact_type::boolean;
  c.type = boolean ? column_type::boolean : column_type::int64;
  c.data = boolean ? static_cast<const void*>(out.bytes.data()) : static_cast<const void*>(out.values.data());
  c.missing = out.missing.data();
  c.unit = time_unit::s;
  c.scale = meaning_ == meaning::codes && def_->type == fact_type::decimal ? def_->scale : 0;
  return put(block, c, buffer != nullptr);
}

std::optional<cell_problem> array_column::fill_objects(request_columns& block) const {
  const std::size_t first = block.first_row(), n = block.rows();
  PyObject* const* items = static_cast<PyObject* const*>(data_) + first;
  for (std::size_t r = 0; r < n; ++r) {
    PyObject* v = items[r];
    if (is_absent(v)) {
      if (auto p = missing(first + r)) return p;
      continue;
    }
    try {
      set_cell(block, fact_, r, v);
    } catch (const request_error& e) {
      return problem_at(e, first + r);
    } catch (const py::value_error& e) {  // a naive datetime
      return cell_problem{first + r, {error_code::fact_type, def_->name, e.what(), {}}};
    }
  }
  return std::nullopt;
}

}  // namespace aftersale::python
