// SPDX-License-Identifier: Apache-2.0
// Policy.decide_many and Policy.decide_frame: Python requests → request_columns → decide_batch
// (GIL released, every core) → a dict of lists, or for a columnar batch NumPy arrays / a pandas
// DataFrame. Lists are converted under the GIL while the previous block is decided; arrays are
// converted and decided block by block on every core without the GIL.
#include <pybind11/pybind11.h>

#include <aftersale/batch.hpp>
#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "columnar_out.hpp"
#include "convert.hpp"
#include "module.hpp"
#include "requests_in.hpp"

namespace aftersale::python {

namespace {

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

// An empty batch: checks the table and gives what every block shares (table, deadlines).
batch_decisions shape_of(const py_policy& h, const std::string& table_id, sys_seconds at) {
  request_columns none(*h.ptr, 0);
  none.finish();
  return decide_batch(h.ptr, table_id, none, at);
}

unsigned cores_for(unsigned threads) {
  return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

// Rows converted at a time from Python objects (under the GIL, while the previous block is decided).
constexpr std::size_t block_rows = 1 << 15;
// Rows a worker takes at a time from arrays: the block borrows the arrays, so a larger block costs
// no memory and spares per-block work (each decide_batch computes every rule's deadlines).
constexpr std::size_t array_block_rows = 1 << 17;

// Calls `each(block)` with each converted, finished block of `in`, in row order: the next block
// is converted (GIL held) while the previous one is decided on the other cores.
template <class Each>
void pipeline(python_requests& in, const policy& pol, unsigned cores, Each each) {
  const std::size_t rows = in.rows();
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
    auto run = [&failure, &each, b] {
      try {
        each(*b);
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
}

// A columnar batch of arrays converted and decided block by block on `cores` threads, without
// the GIL. The first bad cell (lowest row) is raised; nothing is returned then.
void decide_arrays(const py_policy& h, const python_requests& in, const std::string& table_id, sys_seconds at,
                   unsigned cores, array_outputs& out) {
  const policy& pol = *h.ptr;
  const std::size_t rows = in.rows();
  const std::size_t blocks = (rows + array_block_rows - 1) / array_block_rows;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::size_t failed_block = blocks;  // the lowest block that failed
  std::optional<python_requests::bad_cell> bad;
  std::exception_ptr failure;
  batch_options one;
  one.threads = 1;
  auto work = [&] {
    std::vector<array_column::scratch> buffers;
    for (std::size_t b = next++; b < blocks; b = next++) {
      {
        const std::lock_guard<std::mutex> lock(mutex);
        if (b > failed_block) return;
      }
      const std::size_t first = b * array_block_rows;
      try {
        request_columns block(pol, std::min(array_block_rows, rows - first), first);
        if (std::optional<python_requests::bad_cell> cell = in.fill_columns(block, &buffers)) {
          const std::lock_guard<std::mutex> lock(mutex);
          if (b < failed_block) failed_block = b, bad = std::move(cell), failure = nullptr;
          return;
        }
        block.finish();
        out.write(decide_batch(h.ptr, table_id, block, at, one), first);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (b < failed_block) failed_block = b, bad.reset(), failure = std::current_exception();
        return;
      }
    }
  };
  {
    py::gil_scoped_release unlocked;
    const unsigned threads =
        static_cast<unsigned>(std::min<std::size_t>(cores, std::max<std::size_t>(blocks, 1)));
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (bad) in.raise(*bad);
}

// A columnar batch decided into arrays.
std::unique_ptr<array_outputs> decide_columnar(const py_policy& h, python_requests& in,
                                               const std::string& table_id, sys_seconds at, unsigned threads,
                                               bool details) {
  const policy& pol = *h.ptr;
  const batch_decisions shape = shape_of(h, table_id, at);
  auto out = std::make_unique<array_outputs>(pol, shape, in.rows(), details);
  const unsigned cores = cores_for(threads);
  if (!in.needs_gil()) {
    decide_arrays(h, in, table_id, at, cores, *out);
  } else {
    batch_options options;
    options.threads = cores > 1 ? cores - 1 : 1;
    array_outputs& o = *out;
    pipeline(in, pol, cores, [&](const request_columns& b) {
      o.write(decide_batch(h.ptr, table_id, b, at, options), b.first_row());
    });
  }
  return out;
}

}  // namespace

py::object decide_many(const py_policy& h, py::handle requests, py::handle now, py::handle table,
                       unsigned threads) {
  const policy& pol = *h.ptr;
  const sys_seconds at = to_instant(now, "now");
  const std::string table_id = table_of(pol, table);
  python_requests in(pol, requests);
  if (in.columnar()) return decide_columnar(h, in, table_id, at, threads, false)->to_dict();
  const std::size_t rows = in.rows();

  batch_decisions all = shape_of(h, table_id, at);
  all.status.resize(rows);
  all.rule.resize(rows);
  all.amounts.resize(rows * all.amount_stride);
  all.amount_present.resize(rows * all.amount_stride);

  // Blocks: each block's columns stay small enough to be reused by the allocator instead of
  // being faulted in afresh.
  const unsigned cores = cores_for(threads);
  batch_options options;
  options.threads = cores > 1 ? cores - 1 : 1;
  pipeline(in, pol, cores, [&](const request_columns& b) {
    const batch_decisions part = decide_batch(h.ptr, table_id, b, at, options);
    const std::size_t first = b.first_row(), stride = part.amount_stride;
    std::copy(part.status.begin(), part.status.end(),
              all.status.begin() + static_cast<std::ptrdiff_t>(first));
    std::copy(part.rule.begin(), part.rule.end(), all.rule.begin() + static_cast<std::ptrdiff_t>(first));
    std::copy(part.amounts.begin(), part.amounts.end(),
              all.amounts.begin() + static_cast<std::ptrdiff_t>(first * stride));
    std::copy(part.amount_present.begin(), part.amount_present.end(),
              all.amount_present.begin() + static_cast<std::ptrdiff_t>(first * stride));
  });
  return to_columns(pol, all);
}

py::object decide_frame(const py_policy& h, py::handle frame, py::handle now, py::handle table,
                        unsigned threads, bool details) {
  const policy& pol = *h.ptr;
  const sys_seconds at = to_instant(now, "now");
  const std::string table_id = table_of(pol, table);
  python_requests in(pol, frame);
  if (!in.columnar()) {
    throw py::type_error(
        std::string("decide_frame takes a pandas DataFrame or a dict of NumPy arrays / pandas "
                    "Series, not ") +
        Py_TYPE(frame.ptr())->tp_name + ": for lists use decide_many");
  }
  return decide_columnar(h, in, table_id, at, threads, details)->to_frame(in.index());
}

py::dict output_categories(const py_policy& h, py::handle table, bool details) {
  const policy& pol = *h.ptr;
  const std::string name = table_of(pol, table);
  const std::optional<std::uint32_t> id = pol.find_decision(name);
  if (!id) shape_of(h, name, sys_seconds{});  // raises E304 naming the tables
  return array_outputs::categories(pol, *id, details);
}

}  // namespace aftersale::python
