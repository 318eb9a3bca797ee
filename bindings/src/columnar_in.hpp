// SPDX-License-Identifier: Apache-2.0
#pragma once
// Columns of a batch given as NumPy arrays or pandas Series / extension arrays, read from their
// buffers: each column is checked against its fact's dtype once, and its rows are converted
// block by block without a Python object per cell (object columns of str excepted). Neither
// NumPy nor pandas is imported unless the caller already did.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "module.hpp"

namespace aftersale::python {

/// True when `requests` is a columnar batch: a pandas DataFrame, or a dict among whose values is
/// a NumPy array or a pandas Series / Index / extension array.
bool is_columnar(py::handle requests);

/// A problem of one cell, found without the GIL; the caller adds the column and row to the message.
struct cell_problem {
  std::size_t row = 0;  ///< position in the batch
  request_problem problem;
  bool show_value = false;  ///< the message does not show the value itself: the caller adds it
};

/// One column of a columnar batch for fact `fact()`.
class array_column {
 public:
  /// How an element becomes the fact's encoded value.
  enum class meaning : std::uint8_t {
    plain,        ///< an integer: int, money (minor units), decimal (units), bool (0/1)
    whole_float,  ///< a float that must be a whole number (int and money facts); NaN = missing
    codes,        ///< categorical codes, mapped to the fact's values through `code_values_`
    nanoseconds,  ///< datetime64[ns, tz] or timedelta64[ns], floored to seconds; NaT = missing
    objects,      ///< Python objects, converted one by one (needs the GIL)
  };
  /// The element type of the buffer.
  enum class element : std::uint8_t { i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, object };

  /// Reads `value` (NumPy array, pandas Series, Index or extension array) as the column `name` of
  /// fact `fact` of `p`. Non-contiguous and byte-swapped arrays are copied into a native,
  /// contiguous one. @throws request_error: E301 for a derived fact, E317 for a dtype the fact
  /// cannot take, E318 for an array that is not one-dimensional
  array_column(const policy& p, std::uint32_t fact, std::string name, py::handle value);

  const std::string& name() const noexcept { return name_; }
  std::uint32_t fact() const noexcept { return fact_; }
  std::size_t rows() const noexcept { return rows_; }
  bool needs_gil() const noexcept { return meaning_ == meaning::objects; }
  /// The labels of the column's rows for messages (a pandas index), or None.
  const py::object& index() const noexcept { return index_; }

  /// Sets rows [block.first_row(), + block.rows()) of the column into `block`; a missing value
  /// leaves the cell unset, except for a required fact (E303). Returns the first bad row of the
  /// range, if any, and leaves the rest of the column's range unset. Holds no Python object
  /// unless needs_gil().
  std::optional<cell_problem> fill(request_columns& block) const;

  /// The value at position `row` as text for messages (`nan`, `<NA>`, `NaT`, the category, ...). GIL held.
  std::string value_text(std::size_t row) const;

 private:
  void read_categorical(py::handle categorical);
  void read_masked(py::handle array);
  void read_array(py::handle array);
  void read_buffer(py::handle numpy_array);
  /// @throws request_error (E317) for a column of dtype `given`; `give` says what to give instead
  [[noreturn]] void refuse(const std::string& given, const std::string& give) const;

  template <class T>
  std::optional<cell_problem> fill_typed(request_columns& block) const;
  std::optional<cell_problem> fill_objects(request_columns& block) const;
  std::optional<cell_problem> set_value(request_columns& block, std::size_t r, std::int64_t v) const;
  /// The problem of a missing value at `row`: none unless the fact is required (E303).
  std::optional<cell_problem> missing(std::size_t row) const;

  const policy* policy_;
  const fact_def* def_;
  std::uint32_t fact_;
  std::string name_;
  std::size_t rows_ = 0;
  meaning meaning_ = meaning::plain;
  element element_ = element::i64;
  bool boolean_ = false;         ///< a bool buffer (1 byte, 0/1)
  std::int64_t per_second_ = 1;  ///< meaning::nanoseconds: units per second
  const void* data_ = nullptr;
  const std::uint8_t* mask_ = nullptr;  ///< 1 = missing (pandas masked arrays)
  std::vector<py::object> keep_;        ///< the arrays data_ and mask_ point into
  py::object source_;                   ///< what the caller gave, for value_text
  py::object index_ = py::none();
  // meaning::codes: each category encoded as `decide` encodes the value.
  std::vector<std::int64_t> code_values_;
  std::vector<std::optional<request_problem>> code_problems_;  ///< a category the fact does not take
  std::vector<std::uint8_t> code_missing_;                     ///< empty, or 1 for a missing category
  std::vector<std::string> categories_;
};

}  // namespace aftersale::python
