// SPDX-License-Identifier: Apache-2.0
// Policy.decide_many: Python requests → request_columns (under the GIL, one pass, no
// per-request allocation) → decide_batch (GIL released, every core) → a dict of columns.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

std::string type_name(PyObject* v) { return Py_TYPE(v)->tp_name; }

// A list of the same object (or None) per row, chosen by the row's rule.
py::list per_rule_column(const std::vector<std::uint32_t>& rule, const std::vector<py::object>& by_rule) {
  const std::size_t rows = rule.size();
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(rows));
  if (!list) throw py::error_already_set();
  for (std::size_t i = 0; i < rows; ++i) {
    PyObject* v = rule[i] < by_rule.size() ? by_rule[rule[i]].ptr() : Py_None;
    Py_INCREF(v);
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), v);
  }
  return py::reinterpret_steal<py::list>(list);
}

// The request's prefix for errors found before the library sees the row.
std::string row_prefix(std::size_t row) { return "request " + std::to_string(row) + ": "; }

// The requests as given, checked for shape; `fill` converts rows [first, first + block.rows())
// into a block. A list of dicts and a dict of columns give the same blocks.
class python_requests {
 public:
  python_requests(const policy& p, py::handle requests) : names_(p, 0) {
    if (PyDict_Check(requests.ptr())) {
      read_columns(requests);
    } else {
      seq_ = py::reinterpret_steal<py::object>(
          PySequence_Fast(requests.ptr(), "requests must be a list of request dicts or a dict of columns"));
      if (!seq_) throw py::error_already_set();
      rows_ = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq_.ptr()));
    }
  }

  std::size_t rows() const noexcept { return rows_; }

  void fill(request_columns& block) {
    if (seq_) {
      fill_from_rows(block);
    } else {
      fill_from_columns(block);
    }
  }

 private:
  struct column {
    std::uint32_t fact;
    py::object seq;
  };

  void read_columns(py::handle requests) {
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
      py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(value, "a column must be a list"));
      if (!seq) throw py::error_already_set();
      const auto n = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq.ptr()));
      if (!columns_.empty() && n != rows_) {
        throw py::value_error("column `" + name + "` has " + std::to_string(n) + " values but column `" +
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

  void fill_from_columns(request_columns& block) const {
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

  void fill_from_rows(request_columns& block) {
    const std::size_t first = block.first_row(), n = block.rows();
    PyObject** items = PySequence_Fast_ITEMS(seq_.ptr()) + first;
    for (std::size_t r = 0; r < n; ++r) {
      PyObject* d = items[r];
      if (!PyDict_Check(d)) {
        throw py::type_error(row_prefix(first + r) + "a request is a dict of fact name to value, not " +
                             type_name(d));
      }
      PyObject *key = nullptr, *value = nullptr;
      Py_ssize_t pos = 0;
      while (PyDict_Next(d, &pos, &key, &value)) set_cell(block, fact_of(key, first + r), r, value);
    }
  }

  // Fact ids by the key objects seen so far: dicts built by one program reuse the same key
  // strings, so a pointer comparison usually finds them. Holds the keys alive.
  std::uint32_t fact_of(PyObject* key, std::size_t row) {
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

  request_columns names_;  // no rows: resolves fact names
  std::size_t rows_ = 0;
  py::object seq_;               // a list of dicts, or
  std::vector<column> columns_;  // a dict of columns
  std::vector<std::pair<py::object, std::uint32_t>> keys_;
};

py::dict to_columns(const policy& pol, const batch_decisions& out) {
  const decision_table& t = pol.decisions[out.table];
  const std::size_t rules = t.rules.size();
  const std::size_t rows = out.rule.size();
  py::dict result;

  std::vector<py::object> status_text;
  for (auto s : {decision_status::matched, decision_status::no_match, decision_status::conflict})
    status_text.push_back(py::str(std::string(to_string(s))));
  PyObject* status = PyList_New(static_cast<Py_ssize_t>(rows));
  if (!status) throw py::error_already_set();
  for (std::size_t i = 0; i < rows; ++i) {
    PyObject* v = status_text[static_cast<std::size_t>(out.status[i])].ptr();
    Py_INCREF(v);
    PyList_SET_ITEM(status, static_cast<Py_ssize_t>(i), v);
  }
  result["status"] = py::reinterpret_steal<py::list>(status);

  const vocabulary& voc = pol.vocabulary;
  std::vector<py::object> rule_id(rules), solution(rules), fee_payer(rules), escalation(rules),
      remark_flag(rules);
  for (std::size_t r = 0; r < rules; ++r) {
    const rule_outcome& then = t.rules[r].then;
    rule_id[r] = py::str(t.rules[r].id);
    solution[r] = text_or_none(entry_id(voc.solutions, then.solution));
    fee_payer[r] = text_or_none(entry_id(voc.parties, then.fee_payer));
    escalation[r] = text_or_none(entry_id(voc.roles, then.escalation));
    remark_flag[r] = text_or_none(entry_id(voc.flags, then.remark_flag));
  }
  result["rule_id"] = per_rule_column(out.rule, rule_id);
  result["solution"] = per_rule_column(out.rule, solution);
  result["fee_payer"] = per_rule_column(out.rule, fee_payer);
  result["escalation"] = per_rule_column(out.rule, escalation);
  result["remark_flag"] = per_rule_column(out.rule, remark_flag);

  // One column per clock the table's rules start, in the policy's clock order.
  std::vector<bool> used(pol.clocks.size(), false);
  for (const auto& dls : out.rule_deadlines)
    for (const deadline& d : dls)
      if (d.clock < used.size()) used[d.clock] = true;
  for (std::uint32_t c = 0; c < pol.clocks.size(); ++c) {
    if (!used[c]) continue;
    std::vector<py::object> due(rules, py::none());
    for (std::size_t r = 0; r < rules; ++r) {
      for (const deadline& d : out.rule_deadlines[r]) {
        if (d.clock == c) {
          due[r] = to_datetime(d.due);
          break;
        }
      }
    }
    result[py::str("deadline_" + pol.clocks[c].id)] = per_rule_column(out.rule, due);
  }

  // One column per amount name the table's rules compute, in order of first appearance.
  std::vector<std::string> names;
  for (const rule& r : t.rules)
    for (const amount_rule& a : r.then.amounts)
      if (std::find(names.begin(), names.end(), a.name) == names.end()) names.push_back(a.name);
  for (const std::string& name : names) {
    std::vector<int> slot(rules, -1);  // the amount's index in each rule, -1 when the rule has none
    for (std::size_t r = 0; r < rules; ++r)
      for (std::size_t k = 0; k < t.rules[r].then.amounts.size(); ++k)
        if (t.rules[r].then.amounts[k].name == name) slot[r] = static_cast<int>(k);
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(rows));
    if (!list) throw py::error_already_set();
    const py::object owned = py::reinterpret_steal<py::object>(list);
    for (std::size_t i = 0; i < rows; ++i) {
      PyObject* v = Py_None;
      const std::uint32_t r = out.rule[i];
      if (r < rules && slot[r] >= 0) {
        const std::size_t at = i * out.amount_stride + static_cast<std::size_t>(slot[r]);
        if (out.amount_present[at]) {
          v = PyLong_FromLongLong(out.amounts[at]);
          if (!v) throw py::error_already_set();
        }
      }
      if (v == Py_None) Py_INCREF(v);
      PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), v);
    }
    result[py::str("amount_" + name)] = owned;
  }
  return result;
}

}  // namespace

py::dict decide_many(const py_policy& h, py::handle requests, py::handle now, py::handle table,
                     unsigned threads) {
  const policy& pol = *h.ptr;
  const sys_seconds at = to_instant(now, "now");
  std::string table_id;
  if (!table.is_none()) {
    table_id = table.cast<std::string>();
  } else if (pol.info.entry < pol.decisions.size()) {
    table_id = pol.decisions[pol.info.entry].id;
  }
  python_requests in(pol, requests);
  const std::size_t rows = in.rows();

  // An empty batch checks the table and gives what every block shares (table, deadlines).
  request_columns none(pol, 0);
  none.finish();
  batch_decisions all = decide_batch(h.ptr, table_id, none, at);
  all.status.resize(rows);
  all.rule.resize(rows);
  all.amounts.resize(rows * all.amount_stride);
  all.amount_present.resize(rows * all.amount_stride);

  // Blocks: the next block is converted (GIL held) while the previous one is decided on the
  // other cores, and each block's columns stay small enough to be reused by the allocator
  // instead of being faulted in afresh.
  const unsigned cores = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  batch_options options;
  options.threads = cores > 1 ? cores - 1 : 1;
  constexpr std::size_t block_rows = 1 << 15;
  std::unique_ptr<request_columns> deciding;
  std::thread worker;
  std::exception_ptr failure;
  auto wait = [&] {
    if (worker.joinable()) {
      py::gil_scoped_release unlocked;
      worker.join();
    }
    deciding.reset();
    if (failure) std::rethrow_exception(failure);
  };
  // Joins a running worker however this function is left.
  struct joiner {
    std::thread& t;
    ~joiner() {
      if (t.joinable()) t.join();
    }
  } join_on_exit{worker};

  for (std::size_t first = 0; first < rows; first += block_rows) {
    auto block = std::make_unique<request_columns>(pol, std::min(block_rows, rows - first), first);
    in.fill(*block);
    block->finish();
    wait();
    deciding = std::move(block);
    const request_columns* b = deciding.get();
    auto run = [&all, &failure, &h, &table_id, at, options, b] {
      try {
        const batch_decisions part = decide_batch(h.ptr, table_id, *b, at, options);
        const std::size_t first = b->first_row(), stride = part.amount_stride;
        std::copy(part.status.begin(), part.status.end(),
                  all.status.begin() + static_cast<std::ptrdiff_t>(first));
        std::copy(part.rule.begin(), part.rule.end(), all.rule.begin() + static_cast<std::ptrdiff_t>(first));
        std::copy(part.amounts.begin(), part.amounts.end(),
                  all.amounts.begin() + static_cast<std::ptrdiff_t>(first * stride));
        std::copy(part.amount_present.begin(), part.amount_present.end(),
                  all.amount_present.begin() + static_cast<std::ptrdiff_t>(first * stride));
      } catch (...) {
        failure = std::current_exception();
      }
    };
    if (cores > 1) {
      worker = std::thread(run);
    } else {
      py::gil_scoped_release unlocked;
      run();
    }
  }
  wait();
  return to_columns(pol, all);
}

}  // namespace aftersale::python
