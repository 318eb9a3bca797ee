// SPDX-License-Identifier: Apache-2.0
#pragma once
// The decisions of a columnar batch as NumPy arrays (decide_many) or a pandas DataFrame
// (decide_frame): categorical codes, int64 amounts with a mask, int64 nanoseconds for deadlines.
// The arrays are allocated once and written block by block without the GIL; no Python object
// is made per cell.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "module.hpp"

namespace aftersale::python {

class array_outputs {
 public:
  /// Arrays for `rows` decisions of table `shape.table`; `shape` is the decisions of an empty
  /// batch at the same `now` (its rule_deadlines are every block's). GIL held.
  array_outputs(const policy& p, const batch_decisions& shape, std::size_t rows, bool details);

  /// Writes the decisions `part` of rows [first, first + part.rule.size()). Needs no GIL;
  /// several threads may write different rows at once.
  void write(const batch_decisions& part, std::size_t first);

  /// decide_many's answer, keyed as its list answer: int codes (-1: none; categories from
  /// `categories`), numpy.ma arrays of int64 amounts (masked: not computed), datetime64[ns]
  /// deadlines in UTC (NaT: not started). GIL held.
  py::dict to_dict() const;
  /// decide_frame's answer with `index` (None: a RangeIndex): pandas categoricals, `Int64`
  /// amounts, `datetime64[ns, UTC]` deadlines. GIL held; imports pandas.
  py::object to_frame(const py::object& index) const;

  /// The categories of each categorical output of table `table` of `p`, in column order.
  static py::dict categories(const policy& p, std::uint32_t table, bool details);

 private:
  // A categorical output: a code per rule (or per status), written per row.
  struct code_column {
    std::string name;
    std::vector<std::string> categories;
    std::vector<std::int32_t> by_rule;  ///< code per rule; -1 = none
    py::array codes;                    ///< int8 / int16 / int32 as pandas picks for the categories
    void* data = nullptr;
    int width = 1;
  };
  struct amount_column {
    std::string name;
    std::vector<int> slot;  ///< the amount's index in each rule's amounts, -1 when it has none
    py::array_t<std::int64_t> values;
    py::array_t<bool> mask;  ///< true = no amount
  };
  struct deadline_column {
    std::string name;
    std::vector<std::int64_t> by_rule;  ///< nanoseconds since the epoch, NaT when the rule does not start it
    py::array_t<std::int64_t> values;
  };

  void add_codes(std::string name, std::vector<std::string> categories, std::vector<std::int32_t> by_rule);
  py::array per_rule_objects(const std::vector<py::object>& by_rule) const;
  /// details: `steps` and `evidence`, a tuple of str per rule shared by its rows.
  void add_texts(py::dict& out) const;

  const policy* policy_;
  std::uint32_t table_;
  std::size_t rows_;
  bool details_;
  std::vector<code_column> codes_;   ///< status, rule_id, solution, fee_payer, escalation, remark_flag
  std::vector<code_column> labels_;  ///< details: customer_label, agent_label
  std::vector<amount_column> amounts_;
  std::vector<deadline_column> deadlines_;
};

}  // namespace aftersale::python
