// SPDX-License-Identifier: Apache-2.0
// request_columns: the facts of many requests stored by fact. The checks and messages of the
// setters are bind()'s (src/decide/request.cpp); tests/python compares the two row by row.
#include <aftersale/batch.hpp>
#include <algorithm>
#include <string>

#include "decide/encode.hpp"
#include "model/compiled.hpp"

namespace aftersale {

namespace {

std::string row_prefix(std::size_t row) { return "request " + std::to_string(row) + ": "; }

[[noreturn]] void wrong_type(const fact_def& f, std::size_t row, const char* given) {
  throw request_error(error_code::fact_type, f.name,
                      row_prefix(row) + "fact `" + f.name + "` is " + std::string(to_string(f.type)) +
                          " but was given " + given + ": expected " + detail::expected_kind(f.type));
}

std::string declared_values(const fact_def& f) {
  std::string out;
  for (const std::string& v : f.values) out += (out.empty() ? "`" : ", `") + v + '`';
  return out.empty() ? "none" : out;
}

std::int64_t index_of(const std::vector<std::string>& values, std::string_view text) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] == text) return static_cast<std::int64_t>(i);
  }
  return -1;
}

// The error `e` of one cell, its message prefixed with the row.
request_error in_row(const request_error& e, std::size_t row) {
  return request_error(e.code(), e.fact(), row_prefix(row) + e.problems().front().message);
}

// `v` encoded as `bind` encodes it (decimals, ranges), its error prefixed with the row.
std::int64_t encoded(const fact_def& f, std::size_t row, const fact_value& v) {
  try {
    const std::int64_t x = detail::encode_value(f, v);
    detail::check_range(f, x);
    return x;
  } catch (const request_error& e) {
    throw in_row(e, row);
  }
}

// An int or money cell is already its encoding: only its range is checked.
std::int64_t in_range(const fact_def& f, std::size_t row, std::int64_t x) {
  try {
    detail::check_range(f, x);
    return x;
  } catch (const request_error& e) {
    throw in_row(e, row);
  }
}

}  // namespace

request_columns::request_columns(const policy& p, std::size_t rows, std::size_t first_row)
    : policy_(&p),
      rows_(rows),
      first_row_(first_row),
      values_(p.facts.size(), std::vector<std::int64_t>(rows, 0)),
      present_(p.facts.size(), std::vector<std::uint8_t>(rows, 0)) {}

std::uint32_t request_columns::fact_id(std::string_view name) const {
  const std::optional<std::uint32_t> id = policy_->find_fact(name);
  if (!id)
    throw request_error(error_code::unknown_fact, std::string(name),
                        "unknown fact `" + std::string(name) + "`");
  return *id;
}

void request_columns::check(std::uint32_t fact, std::size_t row) const {
  if (fact >= policy_->facts.size() || row >= rows_) {
    throw usage_error(error_code::out_of_bounds, "fact " + std::to_string(fact) + ", request " +
                                                     std::to_string(row) + " is outside the batch");
  }
  const fact_def& f = policy_->facts[fact];
  if (f.derive != derivation::none) {
    throw request_error(error_code::fact_type, f.name,
                        row_prefix(first_row_ + row) + "fact `" + f.name +
                            "` is derived: it is computed at decision time and cannot be given");
  }
}

void request_columns::put(std::uint32_t fact, std::size_t row, std::int64_t value) {
  values_[fact][row] = value;
  present_[fact][row] = 1;
  finished_ = false;
}

void request_columns::set_text(std::uint32_t fact, std::size_t row, std::string_view text) {
  check(fact, row);
  const fact_def& f = policy_->facts[fact];
  switch (f.type) {
    case fact_type::enumeration: {
      const std::int64_t i = index_of(f.values, text);
      if (i < 0) {
        throw request_error(error_code::undeclared_value, f.name,
                            row_prefix(first_row_ + row) + "`" + std::string(text) +
                                "` is not a declared value of fact `" + f.name + "`: expected one of " +
                                declared_values(f));
      }
      return put(fact, row, i);
    }
    case fact_type::string: {
      const std::int64_t i = index_of(f.values, text);
      return put(fact, row, i < 0 ? string_other : i);
    }
    case fact_type::duration: {
      if (auto d = parse_duration(text)) return put(fact, row, d->count());
      throw request_error(error_code::fact_type, f.name,
                          row_prefix(first_row_ + row) + "`" + std::string(text) +
                              "` is not a duration for fact `" + f.name + "`: write `48h`, `30m`, `1h30m`");
    }
    case fact_type::timestamp: {
      if (auto t = parse_timestamp(text)) return put(fact, row, t->time_since_epoch().count());
      throw request_error(error_code::fact_type, f.name,
                          row_prefix(first_row_ + row) + "`" + std::string(text) +
                              "` is not a timestamp for fact `" + f.name +
                              "`: write ISO 8601 with an offset, e.g. `2026-10-01T10:00:00+08:00`");
    }
    case fact_type::decimal:
      return put(fact, row, encoded(f, first_row_ + row, fact_value(std::string(text))));
    case fact_type::integer:
    case fact_type::money:
    case fact_type::boolean:
      break;
  }
  wrong_type(f, first_row_ + row, "text");
}

void request_columns::set_int(std::uint32_t fact, std::size_t row, std::int64_t value) {
  check(fact, row);
  const fact_def& f = policy_->facts[fact];
  switch (f.type) {
    case fact_type::money:
      if (value < 0) {
        throw request_error(error_code::negative_money, f.name,
                            row_prefix(first_row_ + row) + detail::negative_money_message(f, value));
      }
      return put(fact, row, in_range(f, first_row_ + row, value));
    case fact_type::integer:
      return put(fact, row, in_range(f, first_row_ + row, value));
    case fact_type::decimal:
      return put(fact, row, encoded(f, first_row_ + row, fact_value(value)));
    case fact_type::duration:
    case fact_type::timestamp:
      return put(fact, row, value);
    case fact_type::enumeration:
    case fact_type::string:
    case fact_type::boolean:
      break;
  }
  wrong_type(f, first_row_ + row, "an integer");
}

void request_columns::set_bool(std::uint32_t fact, std::size_t row, bool value) {
  check(fact, row);
  const fact_def& f = policy_->facts[fact];
  if (f.type != fact_type::boolean) wrong_type(f, first_row_ + row, "a bool");
  put(fact, row, value ? 1 : 0);
}

void request_columns::set_time(std::uint32_t fact, std::size_t row, sys_seconds value) {
  check(fact, row);
  const fact_def& f = policy_->facts[fact];
  if (f.type != fact_type::timestamp) wrong_type(f, first_row_ + row, "a timestamp");
  put(fact, row, value.time_since_epoch().count());
}

void request_columns::set_duration(std::uint32_t fact, std::size_t row, std::chrono::seconds value) {
  check(fact, row);
  const fact_def& f = policy_->facts[fact];
  if (f.type != fact_type::duration) wrong_type(f, first_row_ + row, "a duration");
  put(fact, row, value.count());
}

void request_columns::finish() {
  // Checked row by row, fact by fact, so the error names the first row missing something.
  std::vector<std::uint32_t> required, defaulted;
  for (std::uint32_t f = 0; f < policy_->facts.size(); ++f) {
    const fact_def& d = policy_->facts[f];
    if (d.derive != derivation::none) continue;
    if (d.required)
      required.push_back(f);
    else if (d.default_value)
      defaulted.push_back(f);
  }
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::uint32_t f : required) {
      if (!present_[f][r]) {
        const std::string& name = policy_->facts[f].name;
        throw request_error(error_code::missing_fact, name,
                            row_prefix(first_row_ + r) + "required fact `" + name + "` is missing");
      }
    }
  }
  for (std::uint32_t f : defaulted) {
    const std::int64_t v = *policy_->facts[f].default_value;
    std::vector<std::int64_t>& values = values_[f];
    std::vector<std::uint8_t>& present = present_[f];
    for (std::size_t r = 0; r < rows_; ++r) {
      if (!present[r]) {
        values[r] = v;
        present[r] = 1;
      }
    }
  }
  finished_ = true;
}

void request_columns::row(std::size_t row, bound_request& out) const {
  const std::size_t n = policy_->facts.size();
  out.values.resize(n);
  out.present.resize(n);
  for (std::size_t f = 0; f < n; ++f) {
    out.values[f] = values_[f][row];
    out.present[f] = present_[f][row];
  }
}

}  // namespace aftersale
