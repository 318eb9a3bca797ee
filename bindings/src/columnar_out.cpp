// SPDX-License-Identifier: Apache-2.0
// array_outputs: a batch's decisions written into NumPy arrays, wrapped for decide_many and
// decide_frame.
#include "columnar_out.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace aftersale::python {

namespace {

constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();

// An instant as datetime64[ns]: beyond its range (years 1677..2262; a clock that never falls due)
// it is the first or last nanosecond, never NaT, which means "not started".
std::int64_t nanoseconds(sys_seconds t) {
  constexpr std::int64_t giga = 1000000000;
  const std::int64_t s = t.time_since_epoch().count();
  if (s > std::numeric_limits<std::int64_t>::max() / giga) return std::numeric_limits<std::int64_t>::max();
  if (s < nat / giga + 1) return nat + 1;
  return s * giga;
}

// The code width pandas gives `n` categories (pandas.core.dtypes.cast.coerce_indexer_dtype), so
// Categorical.from_codes keeps the array instead of copying it.
int code_width(std::size_t n) {
  if (n < 127) return 1;
  if (n < 32767) return 2;
  return 4;
}

std::vector<std::string> vocabulary_ids(const std::vector<vocabulary_entry>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const vocabulary_entry& e : entries) out.push_back(e.id);
  return out;
}

// The distinct texts of the rules (first appearance order) and each rule's code (-1: none).
std::pair<std::vector<std::string>, std::vector<std::int32_t>> texts_by_rule(
    const std::vector<std::string_view>& per_rule) {
  std::vector<std::string> categories;
  std::vector<std::int32_t> codes;
  for (std::string_view t : per_rule) {
    if (t.empty()) {
      codes.push_back(-1);
      continue;
    }
    auto it = std::find(categories.begin(), categories.end(), t);
    if (it == categories.end()) it = categories.insert(categories.end(), std::string(t));
    codes.push_back(static_cast<std::int32_t>(it - categories.begin()));
  }
  return {std::move(categories), std::move(codes)};
}

py::list to_list(const std::vector<std::string>& v) {
  py::list out;
  for (const std::string& s : v) out.append(py::str(s));
  return out;
}

template <class T>
void put_code(void* data, std::size_t row, std::int32_t code) {
  static_cast<T*>(data)[row] = static_cast<T>(code);
}

}  // namespace

array_outputs::array_outputs(const policy& p, const batch_decisions& shape, std::size_t rows, bool details)
    : policy_(&p), table_(shape.table), rows_(rows), details_(details) {
  const decision_table& t = p.decisions.at(table_);
  const std::size_t rules = t.rules.size();
  const vocabulary& voc = p.vocabulary;

  std::vector<std::int32_t> rule_codes(rules), solution(rules), fee_payer(rules), escalation(rules),
      remark_flag(rules);
  std::vector<std::string> rule_ids;
  auto code = [](std::uint32_t index) { return index == npos ? -1 : static_cast<std::int32_t>(index); };
  for (std::size_t r = 0; r < rules; ++r) {
    const rule_outcome& then = t.rules[r].then;
    rule_ids.push_back(t.rules[r].id);
    rule_codes[r] = static_cast<std::int32_t>(r);
    solution[r] = code(then.solution);
    fee_payer[r] = code(then.fee_payer);
    escalation[r] = code(then.escalation);
    remark_flag[r] = code(then.remark_flag);
  }
  std::vector<std::string> statuses;
  for (auto s : {decision_status::matched, decision_status::no_match, decision_status::conflict})
    statuses.emplace_back(to_string(s));
  add_codes("status", std::move(statuses), {});
  add_codes("rule_id", std::move(rule_ids), std::move(rule_codes));
  add_codes("solution", vocabulary_ids(voc.solutions), std::move(solution));
  add_codes("fee_payer", vocabulary_ids(voc.parties), std::move(fee_payer));
  add_codes("escalation", vocabulary_ids(voc.roles), std::move(escalation));
  add_codes("remark_flag", vocabulary_ids(voc.flags), std::move(remark_flag));

  // One column per amount name the table's rules compute, in order of first appearance.
  for (const rule& r : t.rules) {
    for (const amount_rule& a : r.then.amounts) {
      const bool seen = std::any_of(amounts_.begin(), amounts_.end(),
                                    [&](const amount_column& c) { return c.name == a.name; });
      if (!seen) amounts_.push_back({a.name, {}, {}, {}});
    }
  }
  for (amount_column& c : amounts_) {
    c.slot.assign(rules, -1);
    for (std::size_t r = 0; r < rules; ++r)
      for (std::size_t k = 0; k < t.rules[r].then.amounts.size(); ++k)
        if (t.rules[r].then.amounts[k].name == c.name) c.slot[r] = static_cast<int>(k);
    c.values = py::array_t<std::int64_t>(static_cast<py::ssize_t>(rows));
    c.mask = py::array_t<bool>(static_cast<py::ssize_t>(rows));
  }

  // One column per clock the table's rules start, in the policy's clock order.
  for (std::uint32_t k = 0; k < p.clocks.size(); ++k) {
    deadline_column c{p.clocks[k].id, std::vector<std::int64_t>(rules, nat), {}};
    bool used = false;
    for (std::size_t r = 0; r < rules && r < shape.rule_deadlines.size(); ++r) {
      for (const deadline& d : shape.rule_deadlines[r]) {
        if (d.clock == k) {
          c.by_rule[r] = nanoseconds(d.due);
          used = true;
          break;
        }
      }
    }
    if (!used) continue;
    c.values = py::array_t<std::int64_t>(static_cast<py::ssize_t>(rows));
    deadlines_.push_back(std::move(c));
  }

  if (details_) {
    std::vector<std::string_view> customer, agent;
    for (const rule& r : t.rules) {
      customer.push_back(p.text(r.then.customer_label));
      agent.push_back(p.text(r.then.agent_label));
    }
    auto [customer_texts, customer_codes] = texts_by_rule(customer);
    auto [agent_texts, agent_codes] = texts_by_rule(agent);
    add_codes("customer_label", std::move(customer_texts), std::move(customer_codes));
    add_codes("agent_label", std::move(agent_texts), std::move(agent_codes));
  }
}

void array_outputs::add_codes(std::string name, std::vector<std::string> categories,
                              std::vector<std::int32_t> by_rule) {
  code_column c;
  c.name = std::move(name);
  c.width = code_width(categories.size());
  c.categories = std::move(categories);
  c.by_rule = std::move(by_rule);
  const auto n = static_cast<py::ssize_t>(rows_);
  c.codes = c.width == 1   ? py::array(py::array_t<std::int8_t>(n))
            : c.width == 2 ? py::array(py::array_t<std::int16_t>(n))
                           : py::array(py::array_t<std::int32_t>(n));
  c.data = c.codes.mutable_data();
  const bool label = c.name == "customer_label" || c.name == "agent_label";
  (label ? labels_ : codes_).push_back(std::move(c));
}

void array_outputs::write(const batch_decisions& part, std::size_t first) {
  const std::size_t n = part.rule.size();
  const std::size_t stride = part.amount_stride;
  auto write_codes = [&](code_column& c, auto value_of) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t v = value_of(i);
      switch (c.width) {
        case 1:
          put_code<std::int8_t>(c.data, first + i, v);
          break;
        case 2:
          put_code<std::int16_t>(c.data, first + i, v);
          break;
        default:
          put_code<std::int32_t>(c.data, first + i, v);
      }
    }
  };
  write_codes(codes_.front(), [&](std::size_t i) { return static_cast<std::int32_t>(part.status[i]); });
  auto by_rule = [&](const code_column& c) {
    return [&c, &part](std::size_t i) {
      const std::uint32_t r = part.rule[i];
      return r < c.by_rule.size() ? c.by_rule[r] : -1;
    };
  };
  for (std::size_t k = 1; k < codes_.size(); ++k) write_codes(codes_[k], by_rule(codes_[k]));
  for (code_column& c : labels_) write_codes(c, by_rule(c));
  for (amount_column& c : amounts_) {
    std::int64_t* values = c.values.mutable_data() + first;
    bool* mask = c.mask.mutable_data() + first;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t r = part.rule[i];
      const int k = r < c.slot.size() ? c.slot[r] : -1;
      const std::size_t at = i * stride + static_cast<std::size_t>(k);
      const bool present = k >= 0 && part.amount_present[at];
      values[i] = present ? part.amounts[at] : 0;
      mask[i] = !present;
    }
  }
  for (deadline_column& c : deadlines_) {
    std::int64_t* values = c.values.mutable_data() + first;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t r = part.rule[i];
      values[i] = r < c.by_rule.size() ? c.by_rule[r] : nat;
    }
  }
}

py::array array_outputs::per_rule_objects(const std::vector<py::object>& by_rule) const {
  // One object per rule, shared by its rows; None for rows without a rule.
  const code_column& rules = codes_[1];
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(rows_)});
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  for (std::size_t i = 0; i < rows_; ++i) {
    std::int32_t r = 0;
    switch (rules.width) {
      case 1:
        r = static_cast<const std::int8_t*>(rules.data)[i];
        break;
      case 2:
        r = static_cast<const std::int16_t*>(rules.data)[i];
        break;
      default:
        r = static_cast<const std::int32_t*>(rules.data)[i];
    }
    PyObject* v = r >= 0 ? by_rule[static_cast<std::size_t>(r)].ptr() : Py_None;
    Py_INCREF(v);
    Py_XDECREF(cells[i]);  // NumPy fills a new object array with None
    cells[i] = v;
  }
  return out;
}

py::dict array_outputs::to_dict() const {
  py::dict out;
  for (const code_column& c : codes_) out[py::str(c.name)] = c.codes;
  const py::object ma = py::module_::import("numpy.ma");
  for (const amount_column& c : amounts_)
    out[py::str("amount_" + c.name)] = ma.attr("MaskedArray")(c.values, py::arg("mask") = c.mask);
  for (const deadline_column& c : deadlines_)
    out[py::str("deadline_" + c.name)] = c.values.attr("view")("M8[ns]");
  if (details_) {
    add_texts(out);
    for (const code_column& c : labels_) out[py::str(c.name)] = c.codes;
  }
  return out;
}

void array_outputs::add_texts(py::dict& out) const {
  const decision_table& t = policy_->decisions[table_];
  std::vector<py::object> steps, evidence;
  for (const rule& r : t.rules) {
    py::list s, e;
    for (const localized_text& step : r.then.steps) s.append(py::str(std::string(policy_->text(step))));
    for (std::uint32_t k : r.then.evidence)
      e.append(py::str(std::string(entry_id(policy_->vocabulary.evidence, k))));
    steps.push_back(py::tuple(s));
    evidence.push_back(py::tuple(e));
  }
  out["steps"] = per_rule_objects(steps);
  out["evidence"] = per_rule_objects(evidence);
}

py::object array_outputs::to_frame(const py::object& index) const {
  const py::object pandas = py::module_::import("pandas");
  const py::object from_codes = pandas.attr("Categorical").attr("from_codes");
  const py::object categorical_dtype = pandas.attr("CategoricalDtype");
  py::dict out;
  auto categorical = [&](const code_column& c) {
    return from_codes(c.codes, py::arg("dtype") = categorical_dtype(to_list(c.categories)));
  };
  for (const code_column& c : codes_) out[py::str(c.name)] = categorical(c);
  const py::object integer_array = pandas.attr("arrays").attr("IntegerArray");
  for (const amount_column& c : amounts_) out[py::str("amount_" + c.name)] = integer_array(c.values, c.mask);
  const py::object datetime_array = pandas.attr("arrays").attr("DatetimeArray");
  const py::object utc = pandas.attr("DatetimeTZDtype")("ns", "UTC");
  for (const deadline_column& c : deadlines_) {
    out[py::str("deadline_" + c.name)] =
        datetime_array(c.values.attr("view")("M8[ns]"), py::arg("dtype") = utc, py::arg("copy") = false);
  }
  if (details_) {
    add_texts(out);
    for (const code_column& c : labels_) out[py::str(c.name)] = categorical(c);
  }
  return pandas.attr("DataFrame")(out, py::arg("index") = index, py::arg("copy") = false);
}

py::dict array_outputs::categories(const policy& p, std::uint32_t table, bool details) {
  batch_decisions shape;
  shape.table = table;
  const array_outputs empty(p, shape, 0, details);
  py::dict out;
  for (const code_column& c : empty.codes_) out[py::str(c.name)] = to_list(c.categories);
  for (const code_column& c : empty.labels_) out[py::str(c.name)] = to_list(c.categories);
  return out;
}

}  // namespace aftersale::python
