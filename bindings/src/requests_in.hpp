// SPDX-License-Identifier: Apache-2.0
#pragma once
// A batch of requests as Python gives it (a list of request dicts, a dict of columns, or columnar:
// a pandas DataFrame or a dict of NumPy arrays / pandas Series), checked for shape and converted
// block by block into request_columns. Shared by Policy.decide_many, Policy.decide_frame and every
// other binding that takes many requests.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar_in.hpp"
#include "module.hpp"

namespace aftersale::python {

/// The requests of one batch for policy `p`, which must outlive it.
class python_requests {
 public:
  /// @throws py::type_error or py::value_error for a batch of the wrong shape (columns of
  /// different lengths, text where a column is expected), request_error (E300) naming a column
  /// that is no fact of `p`. A columnar batch: request_error E317 for a column of a dtype its
  /// fact cannot take, E318 for columns of different lengths, E303 for a required fact without
  /// a column.
  python_requests(const policy& p, py::handle requests);

  std::size_t rows() const noexcept { return rows_; }
  /// A columnar batch (DataFrame, or NumPy / pandas columns): decide_many answers with arrays.
  bool columnar() const noexcept { return columnar_; }
  /// The row labels of a columnar batch (the DataFrame's or first Series' index), or None.
  const py::object& index() const noexcept { return index_; }
  /// Whether fill_columns needs the GIL (a column of Python objects).
  bool needs_gil() const noexcept;

  /// Converts rows [block.first_row(), + block.rows()) into `block` (not finished). A list of
  /// dicts, a dict of columns and the same values as arrays give the same blocks.
  /// @throws request_error naming the row (and for a columnar batch the column, index label and value)
  void fill(request_columns& block);

  /// A columnar batch's part of `fill`: the first bad cell of the block (the lowest row; at equal
  /// rows the column given first), or nothing. Holds the GIL only when needs_gil(). With
  /// `buffers` (one per column, reused block after block) the block borrows the batch's arrays
  /// and those buffers: it must be decided before they change and while this object lives;
  /// without, it owns copies.
  struct bad_cell {
    std::size_t column;
    cell_problem problem;
  };
  std::optional<bad_cell> fill_columns(request_columns& block,
                                       std::vector<array_column::scratch>* buffers) const;
  /// @throws request_error for `bad`: ``column `c` row 17 (index `L`): message`` (GIL held)
  [[noreturn]] void raise(const bad_cell& bad) const;

 private:
  struct column {
    std::uint32_t fact;
    py::object seq;
  };

  void read_columns(py::handle requests);
  void read_arrays(py::handle requests);
  void add_array(std::string name, py::handle value);
  void fill_from_columns(request_columns& block) const;
  void fill_from_rows(request_columns& block);
  std::uint32_t fact_of(PyObject* key, std::size_t row);

  request_columns names_;  // no rows: resolves fact names
  std::size_t rows_ = 0;
  py::object seq_;               // a list of dicts, or
  std::vector<column> columns_;  // a dict of columns
  bool columnar_ = false;
  std::vector<array_column> arrays_;  // a columnar batch
  py::object index_ = py::none();
  std::string index_column_;  // the column index_ came from (empty: the DataFrame's)
  // Fact ids by the key objects seen so far: dicts built by one program reuse the same key
  // strings, so a pointer comparison usually finds them. Holds the keys alive.
  std::vector<std::pair<py::object, std::uint32_t>> keys_;
};

}  // namespace aftersale::python
