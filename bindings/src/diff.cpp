// SPDX-License-Identifier: Apache-2.0
// Policy.diff and DiffReport: one batch of requests decided by two policies and compared with
// the C++ what-if (include/aftersale/whatif.hpp). The requests are converted for each policy as
// decide_many converts them (python_requests), each block is decided and compared with the GIL
// released, and the blocks' reports are merged.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/batch.hpp>
#include <aftersale/whatif.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "module.hpp"
#include "requests_in.hpp"

namespace aftersale::python {

namespace {

// ---- The requests, once per policy ---------------------------------------------------------

bool is_data_frame(py::handle frame) {
  const py::dict modules = py::module_::import("sys").attr("modules");
  return modules.contains("pandas") && py::isinstance(frame, modules["pandas"].attr("DataFrame"));
}

// The column names of a batch: a DataFrame's columns, a dict's keys, or every key of a list of
// request dicts. Names that are not str are left to python_requests to report.
std::set<std::string> column_names(py::handle frame) {
  std::set<std::string> out;
  auto add = [&out](py::handle key) {
    if (PyUnicode_Check(key.ptr())) out.insert(key.cast<std::string>());
  };
  if (is_data_frame(frame)) {
    for (py::handle name : frame.attr("columns")) add(name);
  } else if (PyDict_Check(frame.ptr())) {
    for (auto item : py::reinterpret_borrow<py::dict>(frame)) add(item.first);
  } else if (PyList_Check(frame.ptr()) || PyTuple_Check(frame.ptr())) {
    for (py::handle row : frame) {
      if (!PyDict_Check(row.ptr())) continue;
      PyObject *key = nullptr, *value = nullptr;
      Py_ssize_t pos = 0;
      while (PyDict_Next(row.ptr(), &pos, &key, &value)) add(key);
    }
  }
  return out;
}

// `frame` without the columns named in `drop`; `frame` itself when there are none. A DataFrame
// becomes a dict of its other columns (Series, not copied), a dict a smaller dict, a list of
// request dicts a list in which the dicts holding such a key are copies without it.
py::object without(py::handle frame, const std::vector<std::string>& drop) {
  py::object self = py::reinterpret_borrow<py::object>(frame);
  if (drop.empty()) return self;
  auto dropped = [&drop](py::handle key) {
    return PyUnicode_Check(key.ptr()) &&
           std::find(drop.begin(), drop.end(), key.cast<std::string>()) != drop.end();
  };
  if (is_data_frame(frame)) {
    // A column named twice stays twice, for python_requests to report (E318).
    if (!frame.attr("columns").attr("is_unique").cast<bool>())
      return frame.attr("drop")(py::arg("columns") = drop);
    py::dict out;
    for (py::handle name : frame.attr("columns"))
      if (!dropped(name)) out[name] = frame[name];
    return std::move(out);
  }
  if (PyDict_Check(frame.ptr())) {
    py::dict out;
    for (auto item : py::reinterpret_borrow<py::dict>(frame))
      if (!dropped(item.first)) out[item.first] = item.second;
    return std::move(out);
  }
  std::vector<py::object> keys;
  for (const std::string& name : drop) keys.push_back(py::str(name));
  py::list out(py::len(frame));
  std::size_t i = 0;
  for (py::handle row : frame) {
    py::object kept = py::reinterpret_borrow<py::object>(row);
    if (PyDict_Check(row.ptr())) {
      for (const py::object& key : keys) {
        const int has = PyDict_Contains(row.ptr(), key.ptr());
        if (has < 0) throw py::error_already_set();
        if (has == 0) continue;
        if (kept.ptr() == row.ptr()) {
          kept = py::reinterpret_steal<py::object>(PyDict_Copy(row.ptr()));
          if (!kept) throw py::error_already_set();
        }
        if (PyDict_DelItem(kept.ptr(), key.ptr()) != 0) throw py::error_already_set();
      }
    }
    out[i++] = kept;
  }
  return std::move(out);
}

whatif_report diff(const py_policy& before, const py_policy& after, py::handle frame, py::handle now,
                   py::handle table, std::size_t samples, std::uint64_t first_row) {
  const policy &old_p = *before.ptr, &new_p = *after.ptr;
  const sys_seconds at = to_instant(now, "now");
  const std::string old_table = table_of(old_p, table), new_table = table_of(new_p, table);

  // A column only one policy declares is given to that one only (whatif.hpp, compare_policies);
  // one neither declares is given to both, so that converting it reports it (E300).
  std::vector<std::string> only_old, only_new;
  for (const std::string& name : column_names(frame)) {
    const bool in_old = old_p.find_fact(name).has_value(), in_new = new_p.find_fact(name).has_value();
    if (in_old && !in_new) only_old.push_back(name);
    if (in_new && !in_old) only_new.push_back(name);
  }
  python_requests old_in(old_p, without(frame, only_new));
  python_requests new_in(new_p, without(frame, only_old));
  const std::size_t rows = old_in.rows();
  whatif_options options;
  options.samples = samples;

  // An empty block first: it checks both tables, and is the report of an empty batch.
  request_columns old_none(old_p, 0), new_none(new_p, 0);
  old_none.finish();
  new_none.finish();
  whatif_report report;
  {
    py::gil_scoped_release unlocked;
    report = compare_decisions(old_p, decide_batch(before.ptr, old_table, old_none, at), new_p,
                               decide_batch(after.ptr, new_table, new_none, at), first_row, options);
  }
  report.facts_only_before = only_old;
  report.facts_only_after = only_new;
  // Blocks bound the memory of the converted columns; each is decided on every core.
  constexpr std::size_t block_rows = 1 << 16;
  for (std::size_t first = 0; first < rows; first += block_rows) {
    const std::size_t n = std::min(block_rows, rows - first);
    request_columns old_block(old_p, n, first), new_block(new_p, n, first);
    // Converted with the GIL held, then finished, decided and compared without it.
    old_in.fill(old_block);
    new_in.fill(new_block);
    py::gil_scoped_release unlocked;
    old_block.finish();
    new_block.finish();
    whatif_report part =
        compare_decisions(old_p, decide_batch(before.ptr, old_table, old_block, at), new_p,
                          decide_batch(after.ptr, new_table, new_block, at), first_row + first, options);
    part.facts_only_before = only_old;
    part.facts_only_after = only_new;
    report.merge(part);
  }
  return report;
}

// ---- The report as Python sees it ----------------------------------------------------------

py::object id_or_none(const std::string& id) { return text_or_none(id); }

py::tuple rows_tuple(const std::vector<std::uint64_t>& rows) {
  py::tuple out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = py::int_(rows[i]);
  return out;
}

std::string status_text(decision_status s) { return std::string(to_string(s)); }

// A group's side as one label: the rule id, or the status when no rule was selected.
std::string rule_label(decision_status s, const std::string& rule) {
  return s == decision_status::matched ? rule : status_text(s);
}

// A pandas DataFrame of named columns, each a list with its dtype (so an empty table still has
// its dtypes). pandas is imported here, not with the module.
class frame_builder {
 public:
  explicit frame_builder(std::size_t rows) : rows_(rows) {}

  template <class F>
  void column(const char* name, const char* dtype, F value) {
    py::list values(rows_);
    for (std::size_t i = 0; i < rows_; ++i) values[i] = value(i);
    names_.append(name);
    columns_.emplace_back(name, std::move(values), dtype);
  }

  py::object build() const {
    const py::module_ pandas = py::module_::import("pandas");
    py::dict data;
    for (const auto& [name, values, dtype] : columns_)
      data[py::str(name)] = pandas.attr("Series")(values, py::arg("dtype") = dtype);
    return pandas.attr("DataFrame")(data, py::arg("columns") = names_);
  }

 private:
  std::size_t rows_;
  py::list names_;
  std::vector<std::tuple<std::string, py::list, std::string>> columns_;
};

py::object by_rule_frame(const whatif_report& r) {
  const auto& g = r.rules;
  frame_builder f(g.size());
  f.column("before_status", "object",
           [&](std::size_t i) { return py::str(status_text(g[i].before_status)); });
  f.column("before_rule", "object", [&](std::size_t i) { return id_or_none(g[i].before_rule); });
  f.column("after_status", "object", [&](std::size_t i) { return py::str(status_text(g[i].after_status)); });
  f.column("after_rule", "object", [&](std::size_t i) { return id_or_none(g[i].after_rule); });
  f.column("rows", "int64", [&](std::size_t i) { return py::int_(g[i].rows); });
  f.column("changed", "int64", [&](std::size_t i) { return py::int_(g[i].changed); });
  f.column("samples", "object", [&](std::size_t i) { return rows_tuple(g[i].samples); });
  return f.build();
}

py::object by_solution_frame(const whatif_report& r) {
  const auto& g = r.solutions;
  frame_builder f(g.size());
  f.column("before_solution", "object", [&](std::size_t i) { return id_or_none(g[i].before); });
  f.column("after_solution", "object", [&](std::size_t i) { return id_or_none(g[i].after); });
  f.column("rows", "int64", [&](std::size_t i) { return py::int_(g[i].rows); });
  f.column("changed", "int64", [&](std::size_t i) { return py::int_(g[i].changed); });
  f.column("samples", "object", [&](std::size_t i) { return rows_tuple(g[i].samples); });
  return f.build();
}

py::object money_frame(const whatif_report& r) {
  const auto& m = r.money;
  frame_builder f(m.size());
  f.column("amount", "object", [&](std::size_t i) { return py::str(m[i].amount); });
  f.column("payer", "object", [&](std::size_t i) { return id_or_none(m[i].payer); });
  f.column("before_total", "int64", [&](std::size_t i) { return py::int_(m[i].before_total); });
  f.column("after_total", "int64", [&](std::size_t i) { return py::int_(m[i].after_total); });
  f.column("delta", "int64", [&](std::size_t i) { return py::int_(m[i].delta()); });
  f.column("before_rows", "int64", [&](std::size_t i) { return py::int_(m[i].before_rows); });
  f.column("after_rows", "int64", [&](std::size_t i) { return py::int_(m[i].after_rows); });
  f.column("changed_rows", "int64", [&](std::size_t i) { return py::int_(m[i].changed_rows); });
  return f.build();
}

py::object seconds(std::int64_t s) { return to_timedelta(std::chrono::seconds(s)); }

py::object deadlines_frame(const whatif_report& r) {
  const auto& d = r.deadlines;
  frame_builder f(d.size());
  f.column("clock", "object", [&](std::size_t i) { return py::str(d[i].clock); });
  f.column("earlier", "int64", [&](std::size_t i) { return py::int_(d[i].earlier); });
  f.column("later", "int64", [&](std::size_t i) { return py::int_(d[i].later); });
  f.column("same", "int64", [&](std::size_t i) { return py::int_(d[i].same); });
  f.column("only_before", "int64", [&](std::size_t i) { return py::int_(d[i].only_before); });
  f.column("only_after", "int64", [&](std::size_t i) { return py::int_(d[i].only_after); });
  f.column("total_shift_seconds", "int64", [&](std::size_t i) { return py::int_(d[i].total_shift); });
  f.column("min_shift", "timedelta64[ns]", [&](std::size_t i) { return seconds(d[i].min_shift); });
  f.column("max_shift", "timedelta64[ns]", [&](std::size_t i) { return seconds(d[i].max_shift); });
  return f.build();
}

// "1h", "4h", "1d": a histogram limit.
std::string limit_text(std::int64_t s) {
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  return std::to_string(s) + "s";
}

std::string bucket_text(std::size_t b) {
  if (b == 0) return "< " + limit_text(whatif_shift_limits[0]);
  if (b == whatif_shift_limits.size()) return ">= " + limit_text(whatif_shift_limits.back());
  return limit_text(whatif_shift_limits[b - 1]) + "-" + limit_text(whatif_shift_limits[b]);
}

// The histogram in long form: one row per (clock, direction, bucket), every bucket listed.
py::object shifts_frame(const whatif_report& r) {
  struct row {
    const whatif_deadline* d;
    bool later;
    std::size_t bucket;
  };
  std::vector<row> rows;
  for (const whatif_deadline& d : r.deadlines)
    for (bool later : {false, true})
      for (std::size_t b = 0; b < whatif_shift_buckets; ++b) rows.push_back({&d, later, b});
  frame_builder f(rows.size());
  f.column("clock", "object", [&](std::size_t i) { return py::str(rows[i].d->clock); });
  f.column("direction", "object",
           [&](std::size_t i) { return py::str(rows[i].later ? "later" : "earlier"); });
  f.column("bucket", "object", [&](std::size_t i) { return py::str(bucket_text(rows[i].bucket)); });
  f.column("min_seconds", "int64", [&](std::size_t i) {
    return py::int_(rows[i].bucket == 0 ? 0 : whatif_shift_limits[rows[i].bucket - 1]);
  });
  f.column("rows", "int64", [&](std::size_t i) {
    const auto& by = rows[i].later ? rows[i].d->later_by : rows[i].d->earlier_by;
    return py::int_(by[rows[i].bucket]);
  });
  return f.build();
}

py::dict samples_dict(const whatif_report& r) {
  py::dict rules, solutions;
  for (const whatif_rule_group& g : r.rules) {
    if (g.samples.empty()) continue;
    rules[py::make_tuple(rule_label(g.before_status, g.before_rule),
                         rule_label(g.after_status, g.after_rule))] = py::cast(g.samples);
  }
  for (const whatif_solution_group& g : r.solutions)
    if (!g.samples.empty())
      solutions[py::make_tuple(id_or_none(g.before), id_or_none(g.after))] = py::cast(g.samples);
  py::dict out;
  out["rules"] = rules;
  out["solutions"] = solutions;
  return out;
}

py::dict side_dict(const whatif_side& s) {
  py::dict out;
  out["policy_id"] = s.policy_id;
  out["policy_version"] = s.policy_version;
  out["policy_hash"] = s.policy_hash;
  out["table"] = s.table;
  return out;
}

py::dict changes_dict(const whatif_change_counts& c) {
  py::dict out;
  out["status"] = c.status;
  out["rule"] = c.rule;
  out["solution"] = c.solution;
  out["fee_payer"] = c.fee_payer;
  out["amounts"] = c.amounts;
  out["deadlines"] = c.deadlines;
  return out;
}

std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (std::size_t i = s.size(); i > 3; i -= 3) s.insert(i - 3, ",");
  return s;
}

std::string summary(const whatif_report& r) {
  return with_commas(r.changed) + " of " + with_commas(r.total) + " decisions change: " + r.before.policy_id +
         " " + r.before.policy_version + " (" + r.before.table + ") → " + r.after.policy_id + " " +
         r.after.policy_version + " (" + r.after.table + ")";
}

// An HTML table of at most `limit` rows; `cells(i)` gives row i's cell texts.
template <class F>
std::string html_table(const std::vector<std::string>& head, std::size_t rows, std::size_t limit, F cells) {
  std::string out = "<table><tr>";
  for (const std::string& h : head) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr>";
  for (std::size_t i = 0; i < std::min(rows, limit); ++i) {
    out += "<tr>";
    for (const std::string& c : cells(i)) out += "<td>" + html_escape(c) + "</td>";
    out += "</tr>";
  }
  out += "</table>";
  if (rows > limit) out += "<p>… and " + with_commas(rows - limit) + " more</p>";
  return out;
}

std::string samples_text(const std::vector<std::uint64_t>& s) {
  std::string out;
  for (std::uint64_t row : s) out += (out.empty() ? "" : ", ") + std::to_string(row);
  return out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

// The notebook display: the summary, the rules and solutions that change, money and deadlines
// (10 rows each).
std::string to_html(const whatif_report& r) {
  constexpr std::size_t limit = 10;
  // The groups whose rule (or solution) itself moves; the rows that keep theirs and change in
  // another respect (a deadline, an amount, the payer) are counted below each table.
  std::vector<const whatif_rule_group*> rules;
  std::uint64_t rules_kept = 0;
  for (const auto& g : r.rules) {
    if (g.before_status != g.after_status || g.before_rule != g.after_rule) {
      rules.push_back(&g);
    } else {
      rules_kept += g.changed;
    }
  }
  std::vector<const whatif_solution_group*> solutions;
  std::uint64_t solutions_kept = 0;
  for (const auto& g : r.solutions) {
    if (g.before != g.after) {
      solutions.push_back(&g);
    } else {
      solutions_kept += g.changed;
    }
  }
  auto kept = [](std::uint64_t n, const char* what) {
    return "<p>" + with_commas(n) + " changed rows keep their " + what + "</p>";
  };
  std::string out = "<div class=\"aftersale-diff\"><p><b>" + html_escape(summary(r)) + "</b></p>";
  out += "<h4>Rules that change</h4>" +
         html_table({"before", "after", "rows", "samples"}, rules.size(), limit,
                    [&](std::size_t i) {
                      const whatif_rule_group& g = *rules[i];
                      return std::vector<std::string>{rule_label(g.before_status, g.before_rule),
                                                      rule_label(g.after_status, g.after_rule),
                                                      with_commas(g.rows), samples_text(g.samples)};
                    }) +
         kept(rules_kept, "rule");
  out += "<h4>Solutions that change</h4>" +
         html_table({"before", "after", "rows", "samples"}, solutions.size(), limit,
                    [&](std::size_t i) {
                      const whatif_solution_group& g = *solutions[i];
                      return std::vector<std::string>{or_dash(g.before), or_dash(g.after),
                                                      with_commas(g.rows), samples_text(g.samples)};
                    }) +
         kept(solutions_kept, "solution");
  out += "<h4>Money (minor units)</h4>" +
         html_table({"amount", "payer", "before", "after", "delta", "changed rows"}, r.money.size(), limit,
                    [&](std::size_t i) {
                      const whatif_money& m = r.money[i];
                      return std::vector<std::string>{m.amount,
                                                      or_dash(m.payer),
                                                      std::to_string(m.before_total),
                                                      std::to_string(m.after_total),
                                                      std::to_string(m.delta()),
                                                      with_commas(m.changed_rows)};
                    });
  out += "<h4>Deadlines</h4>" + html_table({"clock", "earlier", "later", "same", "only before", "only after"},
                                           r.deadlines.size(), limit, [&](std::size_t i) {
                                             const whatif_deadline& d = r.deadlines[i];
                                             return std::vector<std::string>{d.clock,
                                                                             with_commas(d.earlier),
                                                                             with_commas(d.later),
                                                                             with_commas(d.same),
                                                                             with_commas(d.only_before),
                                                                             with_commas(d.only_after)};
                                           });
  return out + "</div>";
}

}  // namespace

void register_diff(py::module_& m) {
  py::class_<whatif_report>(m, "DiffReport",
                            "What changes if a policy is replaced by another, on the same requests "
                            "(Policy.diff); the report of `aftersale diff`.")
      .def(py::init([](const std::string& text) { return whatif_from_json(text); }), py::arg("text"),
           "The report of `to_json`'s text, as from_json.")
      .def_readonly("total", &whatif_report::total, "rows compared")
      .def_readonly("changed", &whatif_report::changed, "rows whose decision changes in any respect")
      .def_property_readonly(
          "changes", [](const whatif_report& r) { return changes_dict(r.changes); },
          "rows changed in each respect: status, rule, solution, fee_payer, amounts, deadlines")
      .def_property_readonly(
          "before", [](const whatif_report& r) { return side_dict(r.before); },
          "the old side: policy_id, policy_version, policy_hash, table")
      .def_property_readonly(
          "after", [](const whatif_report& r) { return side_dict(r.after); }, "the new side, as `before`")
      .def_readonly("facts_only_before", &whatif_report::facts_only_before,
                    "columns only the old policy declares (ignored for the new one)")
      .def_readonly("facts_only_after", &whatif_report::facts_only_after,
                    "columns only the new policy declares (ignored for the old one)")
      .def_property_readonly("by_rule", &by_rule_frame,
                             "DataFrame: rows by (old status and rule → new status and rule), unchanged "
                             "pairs included, most changed first")
      .def_property_readonly("by_solution", &by_solution_frame,
                             "DataFrame: rows by (old solution → new solution), most changed first")
      .def_property_readonly(
          "money", &money_frame,
          "DataFrame: per (amount, payer) the old and new totals (minor units), delta, rows")
      .def_property_readonly("deadlines", &deadlines_frame,
                             "DataFrame: per clock the rows whose deadline moves earlier, later, stays, or "
                             "that only one side starts; the shifts")
      .def_property_readonly("shifts", &shifts_frame,
                             "DataFrame: the histogram of deadline shifts per clock, direction and bucket")
      .def_property_readonly("samples", &samples_dict,
                             "{'rules': {(old, new): [row, ...]}, 'solutions': {...}}: the lowest row "
                             "numbers of each group's changed rows (a side without a rule is its status)")
      .def(
          "to_json", [](const whatif_report& r) { return to_json(r); },
          "The report as JSON (aftersale-whatif/1, the format of `aftersale diff --format json`).")
      .def(
          "to_dict",
          [](const whatif_report& r) { return py::module_::import("json").attr("loads")(to_json(r)); },
          "The JSON document as plain Python values.")
      .def_static(
          "from_json", [](const std::string& text) { return whatif_from_json(text); }, py::arg("text"),
          "A report from `to_json`'s text (exactly the same report).")
      .def(
          "merge",
          [](const whatif_report& r, const whatif_report& other) {
            whatif_report out = r;
            out.merge(other);
            return out;
          },
          py::arg("other"),
          "A new report of both reports' rows (other rows of the same comparison: Policy.diff's first_row "
          "numbers them). Raises UsageError (E508) for a report of other policies or tables.")
      // Pickled as its JSON (exact, and readable by any version that reads the format), with every
      // protocol (pybind11's __getstate__ / __setstate__ abort under protocols 0 and 1).
      .def("__reduce__",
           [](const whatif_report& r) {
             return py::make_tuple(py::type::of<whatif_report>(), py::make_tuple(to_json(r)));
           })
      .def("__eq__",
           [](const whatif_report& a, py::handle b) {
             return py::isinstance<whatif_report>(b) && to_json(a) == to_json(b.cast<const whatif_report&>());
           })
      .def("__str__", [](const whatif_report& r) { return to_text(r); })
      .def("_repr_html_", &to_html)
      .def("__repr__", [](const whatif_report& r) { return "<aftersale.DiffReport " + summary(r) + ">"; });
  m.attr("DiffReport").attr("__hash__") = py::none();

  auto policy_class = py::reinterpret_borrow<py::class_<py_policy>>(m.attr("Policy"));
  policy_class.def(
      "diff", &diff, py::arg("other"), py::arg("frame"), py::arg("now"), py::arg("table") = py::none(),
      py::arg("samples") = 3, py::arg("first_row") = 0,
      "Decides `frame` (a pandas DataFrame, a dict of columns, or a list of request dicts) with this "
      "policy and with `other`, and compares the decisions row by row: a DiffReport. A column only "
      "one policy declares is given to that policy only. Rows are numbered from `first_row` in the "
      "samples (a partition of a larger batch).");
}

}  // namespace aftersale::python
