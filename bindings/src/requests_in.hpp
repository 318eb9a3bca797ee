// SPDX-License-Identifier: Apache-2.0
#pragma once
// A batch of requests as Python gives it (a list of request dicts, or a dict of columns),
// checked for shape and converted block by block into request_columns. Shared by
// Policy.decide_many and every other binding that takes many requests.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "module.hpp"

namespace aftersale::python {

/// The requests of one batch for policy `p`, which must outlive it.
class python_requests {
 public:
  /// @throws py::type_error or py::value_error for a batch of the wrong shape (columns of
  /// different lengths, text where a column is expected), request_error (E300) naming a column
  /// that is no fact of `p`
  python_requests(const policy& p, py::handle requests);

  std::size_t rows() const noexcept { return rows_; }

  /// Converts rows [block.first_row(), + block.rows()) into `block` (not finished). A list of
  /// dicts and a dict of columns give the same blocks. @throws request_error naming the row
  void fill(request_columns& block);

 private:
  struct column {
    std::uint32_t fact;
    py::object seq;
  };

  void read_columns(py::handle requests);
  void fill_from_columns(request_columns& block) const;
  void fill_from_rows(request_columns& block);
  std::uint32_t fact_of(PyObject* key, std::size_t row);

  request_columns names_;  // no rows: resolves fact names
  std::size_t rows_ = 0;
  py::object seq_;               // a list of dicts, or
  std::vector<column> columns_;  // a dict of columns
  // Fact ids by the key objects seen so far: dicts built by one program reuse the same key
  // strings, so a pointer comparison usually finds them. Holds the keys alive.
  std::vector<std::pair<py::object, std::uint32_t>> keys_;
};

}  // namespace aftersale::python
