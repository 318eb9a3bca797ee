// SPDX-License-Identifier: Apache-2.0
// request_columns: the facts of many requests stored by fact. The checks and messages of the
// setters are bind()'s (src/decide/request.cpp); tests/python compares the two row by row.
#include <aftersale/batch.hpp>
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "decide/column_type.hpp"
#include "decide/encode.hpp"
#include "decide/evaluate.hpp"
#include "model/compiled.hpp"
#include "model/semantics.hpp"

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

using fact_run = request_columns::fact_run;

// The gather loop, one instance per element type and per kind of column, so the loop over
// rows has no test that does not change from row to row.
template <class T, bool Table, bool Mask, bool Negative>
void gather_run(const fact_run& s, std::size_t begin, std::size_t count, std::int64_t* values,
                std::uint8_t* present, std::size_t stride) {
  const T* d = static_cast<const T*>(s.data) + begin;
  const std::uint8_t* m = Mask ? s.missing + begin : nullptr;
  for (std::size_t i = 0; i < count; ++i) {
    std::int64_t v = static_cast<std::int64_t>(d[i]);
    bool has = true;
    if constexpr (Mask) has = m[i] == 0;
    if constexpr (Negative) has = has && v >= 0;
    if constexpr (Table) v = has ? s.codes[v] : 0;
    values[i * stride] = has ? v : s.fill;
    present[i * stride] = has ? std::uint8_t{1} : static_cast<std::uint8_t>(s.fill_present);
  }
}

template <class T>
void gather(const fact_run& s, std::size_t begin, std::size_t count, std::int64_t* values,
            std::uint8_t* present, std::size_t stride) {
  const bool mask = s.missing != nullptr;
  const bool negative = std::is_signed_v<T> && s.negative_missing;
  if (s.codes) {
    if (mask)
      return negative ? gather_run<T, true, true, true>(s, begin, count, values, present, stride)
                      : gather_run<T, true, true, false>(s, begin, count, values, present, stride);
    return negative ? gather_run<T, true, false, true>(s, begin, count, values, present, stride)
                    : gather_run<T, true, false, false>(s, begin, count, values, present, stride);
  }
  if (mask)
    return negative ? gather_run<T, false, true, true>(s, begin, count, values, present, stride)
                    : gather_run<T, false, true, false>(s, begin, count, values, present, stride);
  return negative ? gather_run<T, false, false, true>(s, begin, count, values, present, stride)
                  : gather_run<T, false, false, false>(s, begin, count, values, present, stride);
}

// The index of the first nonzero byte of `p[0, n)`, or n; eight bytes at a time.
std::size_t first_nonzero(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, 8);
    if (word) break;
  }
  for (; i < n; ++i) {
    if (p[i]) return i;
  }
  return n;
}

// Seconds in one unit.
std::int64_t per_second(time_unit u) {
  switch (u) {
    case time_unit::s:
      return 1;
    case time_unit::ms:
      return 1000;
    case time_unit::us:
      return 1000000;
    case time_unit::ns:
      return 1000000000;
  }
  return 1;
}

std::int64_t floor_div(std::int64_t n, std::int64_t d) {
  std::int64_t q = n / d;
  if (n % d != 0 && n < 0) --q;
  return q;
}

// NumPy's NaT (not a time) in a datetime64 or timedelta64 column.
constexpr std::int64_t not_a_time = std::numeric_limits<std::int64_t>::min();

// True when `c` holds timestamps or durations for `f` whose NaT means missing.
bool nat_missing(const fact_def& f, const column& c) {
  return (f.type == fact_type::timestamp || f.type == fact_type::duration) && c.type == column_type::int64 &&
         c.nat_missing;
}

// Calls `out(i, encode(i, value))` for each row `i` of `c` with a value and `none(i)` for each
// row without. One loop per kind of column, so a column without missing rows runs a loop with
// no test but `encode`'s own (which throws at a bad value).
template <class T, class Encode, class Out, class None>
void scan(const column& c, std::size_t rows, bool negative, bool nat, Encode&& encode, Out&& out,
          None&& none) {
  const T* d = static_cast<const T*>(c.data);
  const std::uint8_t* m = c.missing;
  if (!m && !negative && !nat) {
    for (std::size_t i = 0; i < rows; ++i) out(i, encode(i, static_cast<std::int64_t>(d[i])));
    return;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t v = static_cast<std::int64_t>(d[i]);
    if ((m && m[i]) || (negative && v < 0) || (nat && v == not_a_time)) {
      none(i);
      continue;
    }
    out(i, encode(i, v));
  }
}

// The smallest and largest element of `c` with a value (lo > hi when none has one): one pass
// the compiler vectorises, so a column within its fact's bounds is checked at memory speed.
template <class T>
std::pair<std::int64_t, std::int64_t> extent(const column& c, std::size_t rows, bool negative) {
  const T* d = static_cast<const T*>(c.data);
  const std::uint8_t* m = c.missing;
  T lo = std::numeric_limits<T>::max(), hi = std::numeric_limits<T>::min();
  if (!m && !negative) {
    for (std::size_t i = 0; i < rows; ++i) {
      lo = std::min(lo, d[i]);
      hi = std::max(hi, d[i]);
    }
  } else {
    for (std::size_t i = 0; i < rows; ++i) {
      const T x = d[i];
      const bool none = (m && m[i] != 0) || (negative && x < T{0});
      lo = std::min(lo, none ? std::numeric_limits<T>::max() : x);
      hi = std::max(hi, none ? std::numeric_limits<T>::min() : x);
    }
  }
  if (lo > hi) return {1, 0};
  return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
}

// The column `c` for fact `f` checked row by row, each row's encoding passed to
// `out(i, value)` and each row without value to `none(i)`. @throws request_error for the first
// bad row. Whether the combination of fact type and column fits is checked by the caller.
template <class T, class Out, class None>
void each_row(const fact_def& f, const column& c, std::size_t rows, std::size_t first_row, Out&& out,
              None&& none) {
  const bool coded = f.type == fact_type::enumeration || f.type == fact_type::string;
  const bool negative = coded && std::is_signed_v<T> && c.negative_missing;
  const std::int64_t lo = f.min.value_or(std::numeric_limits<std::int64_t>::min());
  const std::int64_t hi = f.max.value_or(std::numeric_limits<std::int64_t>::max());
  const bool nat = nat_missing(f, c);
  auto run = [&](auto&& encode) { scan<T>(c, rows, negative, nat, encode, out, none); };
  switch (f.type) {
    case fact_type::integer:
      return run([&](std::size_t i, std::int64_t v) {
        if (__builtin_expect(v < lo || v > hi, 0)) return in_range(f, first_row + i, v);
        return v;
      });
    case fact_type::money:
      return run([&](std::size_t i, std::int64_t v) {
        if (__builtin_expect(v < 0, 0)) {
          throw request_error(error_code::negative_money, f.name,
                              row_prefix(first_row + i) + detail::negative_money_message(f, v));
        }
        if (__builtin_expect(v > hi || v < lo, 0)) return in_range(f, first_row + i, v);
        return v;
      });
    case fact_type::decimal:
      if (c.scale == f.scale) {
        return run([&](std::size_t i, std::int64_t v) {
          if (__builtin_expect(v < lo || v > hi, 0)) return in_range(f, first_row + i, v);
          return v;
        });
      }
      // Rare: written at another scale than the fact's, each value converted as `bind` does.
      return run([&](std::size_t i, std::int64_t v) {
        return c.scale == 0 ? encoded(f, first_row + i, fact_value(v))
                            : encoded(f, first_row + i, fact_value(decimal{v, c.scale}));
      });
    case fact_type::timestamp:
    case fact_type::duration: {
      const std::int64_t unit = per_second(c.unit);
      if (unit == 1) return run([](std::size_t, std::int64_t v) { return v; });
      return run([unit](std::size_t, std::int64_t v) { return floor_div(v, unit); });
    }
    case fact_type::boolean:
      return run([&](std::size_t i, std::int64_t v) {
        if (__builtin_expect(v != 0 && v != 1, 0)) {
          throw request_error(error_code::fact_type, f.name,
                              row_prefix(first_row + i) + "fact `" + f.name +
                                  "` is bool but its column holds " + std::to_string(v) +
                                  ": expected 0 or 1");
        }
        return v;
      });
    case fact_type::enumeration:
    case fact_type::string:
      break;
  }
  const category_map* cats = c.categories;
  const std::size_t size = cats ? cats->size() : f.values.size();
  auto outside = [&](std::size_t i, std::int64_t v) {
    throw request_error(error_code::undeclared_value, f.name,
                        row_prefix(first_row + i) + "code " + std::to_string(v) + " is outside the " +
                            std::to_string(size) + (cats ? " categories given" : " values declared") +
                            " for fact `" + f.name + "` (codes 0 to " +
                            std::to_string(static_cast<std::int64_t>(size) - 1) + ")");
  };
  if (!cats) {
    return run([&](std::size_t i, std::int64_t v) {
      if (__builtin_expect(v < 0 || static_cast<std::uint64_t>(v) >= size, 0)) outside(i, v);
      return v;
    });
  }
  run([&](std::size_t i, std::int64_t v) {
    if (__builtin_expect(v < 0 || static_cast<std::uint64_t>(v) >= size, 0)) outside(i, v);
    const std::int64_t x = cats->value(static_cast<std::size_t>(v));
    if (__builtin_expect(x == category_map::undeclared, 0)) {
      throw request_error(error_code::undeclared_value, f.name,
                          row_prefix(first_row + i) + "`" + cats->category(static_cast<std::size_t>(v)) +
                              "` is not a declared value of fact `" + f.name + "`: expected one of " +
                              declared_values(f));
    }
    return x;
  });
}

// True when every value of `c` (kept as given) is certainly good for `f`: its extent lies within
// the bounds every row must meet. False says nothing: `each_row` then finds the first bad row.
template <class T>
bool surely_valid(const fact_def& f, const column& c, std::size_t rows) {
  const bool coded = f.type == fact_type::enumeration || f.type == fact_type::string;
  std::int64_t lo = f.min.value_or(std::numeric_limits<std::int64_t>::min());
  std::int64_t hi = f.max.value_or(std::numeric_limits<std::int64_t>::max());
  switch (f.type) {
    case fact_type::integer:
      break;
    case fact_type::money:
      lo = std::max<std::int64_t>(lo, 0);
      break;
    case fact_type::decimal:
      if (c.scale != f.scale) return false;
      break;
    case fact_type::timestamp:
    case fact_type::duration:
      return true;
    case fact_type::boolean:
      lo = 0;
      hi = 1;
      break;
    case fact_type::enumeration:
    case fact_type::string: {
      const category_map* cats = c.categories;
      if (cats) {
        for (std::size_t i = 0; i < cats->size(); ++i) {
          if (cats->value(i) == category_map::undeclared) return false;
        }
      }
      lo = 0;
      hi = static_cast<std::int64_t>(cats ? cats->size() : f.values.size()) - 1;
      break;
    }
  }
  const auto [min, max] = extent<T>(c, rows, coded && c.negative_missing);
  return min > max || (min >= lo && max <= hi);
}

// The first row of column `c` with a value (rows when none): where a column refused as a
// whole (wrong type, derived fact) is reported, as a per-cell setter would report its first cell.
template <class T>
std::size_t first_given(const fact_def& f, const column& c, std::size_t rows) {
  const T* d = static_cast<const T*>(c.data);
  const bool coded = f.type == fact_type::enumeration || f.type == fact_type::string;
  const bool nat = nat_missing(f, c);
  for (std::size_t i = 0; i < rows; ++i) {
    if (c.missing && c.missing[i]) continue;
    if (coded && c.negative_missing && d[i] < T{0}) continue;
    if (nat && static_cast<std::int64_t>(d[i]) == not_a_time) continue;
    return i;
  }
  return rows;
}

// True when fact `f` takes column `c`: its integers can stand for the fact's values.
bool fits(const fact_def& f, const column& c) {
  const bool boolean = c.type == column_type::boolean;
  switch (f.type) {
    case fact_type::boolean:
      return boolean;
    case fact_type::string:
      return !boolean && c.categories;
    case fact_type::enumeration:
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:
    case fact_type::timestamp:
    case fact_type::duration:
      return !boolean;
  }
  return false;
}

}  // namespace

request_columns::request_columns(const policy& p, std::size_t rows, std::size_t first_row)
    : policy_(&p), rows_(rows), first_row_(first_row), facts_(p.facts.size()) {}

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
  own(fact);
  stored& s = facts_[fact];
  s.values[row] = value;
  if (!s.absent.empty()) s.absent[row] = 0;
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

std::size_t size_of(column_type t) noexcept {
  std::size_t size = 0;
  detail::with_type(t, [&](auto x) { size = sizeof(x); });
  return size;
}

category_map::category_map(const policy& p, std::uint32_t fact, std::vector<std::string> categories)
    : policy_(&p), fact_(fact), texts_(std::move(categories)) {
  if (fact >= p.facts.size()) {
    throw usage_error(error_code::out_of_bounds, "fact " + std::to_string(fact) +
                                                     " is outside the policy's " +
                                                     std::to_string(p.facts.size()) + " facts");
  }
  const fact_def& f = p.facts[fact];
  if (f.derive != derivation::none) {
    throw request_error(
        error_code::fact_type, f.name,
        "fact `" + f.name + "` is derived: it is computed at decision time and cannot be given");
  }
  if (f.type != fact_type::enumeration && f.type != fact_type::string) {
    throw request_error(error_code::fact_type, f.name,
                        "fact `" + f.name + "` is " + std::string(to_string(f.type)) +
                            " but was given categories: expected " + detail::expected_kind(f.type));
  }
  values_.reserve(texts_.size());
  for (std::size_t i = 0; i < texts_.size(); ++i) {
    const std::int64_t at = index_of(f.values, texts_[i]);
    const std::int64_t v = at >= 0 ? at : f.type == fact_type::string ? string_other : undeclared;
    values_.push_back(v);
    identity_ = identity_ && v == static_cast<std::int64_t>(i);
  }
}

request_columns::fact_run request_columns::run_of(std::uint32_t fact) const noexcept {
  const stored& s = facts_[fact];
  fact_run run;
  run.fill = s.fill;
  run.fill_present = s.fill_present;
  switch (s.from) {
    case stored::origin::none:
      break;
    case stored::origin::cells:
      run.data = s.values.data();
      run.missing = s.absent.empty() ? nullptr : s.absent.data();
      break;
    case stored::origin::borrowed:
    case stored::origin::copied:
      if (s.from == stored::origin::borrowed) {
        run.data = s.data;
        run.missing = s.missing;
      } else {
        run.data = s.bytes.data();
        run.missing = s.absent.empty() ? nullptr : s.absent.data();
      }
      run.type = s.type;
      run.codes = s.coded ? s.codes.data() : nullptr;
      run.code_count = s.code_count;
      run.negative_missing = s.negative_missing;
      break;
  }
  return run;
}

void request_columns::fact_rows(std::uint32_t fact, std::size_t begin, std::size_t count,
                                std::int64_t* values, std::uint8_t* present, std::size_t stride) const {
  const fact_run run = run_of(fact);
  if (!run.data) {
    for (std::size_t i = 0; i < count; ++i) {
      values[i * stride] = run.fill;
      present[i * stride] = run.fill_present ? 1 : 0;
    }
    return;
  }
  detail::with_type(run.type,
                    [&](auto x) { gather<decltype(x)>(run, begin, count, values, present, stride); });
}

void request_columns::own(std::uint32_t fact) {
  stored& s = facts_[fact];
  if (s.from == stored::origin::cells) return;
  std::vector<std::int64_t> values(rows_, 0);
  std::vector<std::uint8_t> present(rows_, 0);
  if (s.from == stored::origin::borrowed || s.from == stored::origin::copied) {
    // Read without the fill: a row the column leaves out stays missing.
    const std::int64_t fill = std::exchange(s.fill, 0);
    const bool fill_present = std::exchange(s.fill_present, false);
    fact_rows(fact, 0, rows_, values.data(), present.data(), 1);
    s.fill = fill;
    s.fill_present = fill_present;
  }
  std::vector<std::uint8_t> absent(rows_, 0);
  for (std::size_t r = 0; r < rows_; ++r) absent[r] = present[r] ? 0 : 1;
  s.values = std::move(values);
  s.absent = std::move(absent);
  s.codes.clear();
  s.bytes.clear();
  s.data = nullptr;
  s.missing = nullptr;
  s.coded = false;
  s.code_count = 0;
  s.negative_missing = false;
  s.from = stored::origin::cells;
}

std::size_t request_columns::first_missing(std::uint32_t fact) const {
  const stored& s = facts_[fact];
  switch (s.from) {
    case stored::origin::none:
      return 0 < rows_ ? 0 : rows_;
    case stored::origin::cells:
      return s.absent.empty() ? rows_ : first_nonzero(s.absent.data(), rows_);
    case stored::origin::borrowed:
    case stored::origin::copied:
      break;
  }
  const bool copied = s.from == stored::origin::copied;
  const std::uint8_t* missing = copied ? (s.absent.empty() ? nullptr : s.absent.data()) : s.missing;
  std::size_t first = rows_;
  if (missing) first = first_nonzero(missing, rows_);
  if (s.negative_missing) {
    detail::with_type(s.type, [&](auto x) {
      using T = decltype(x);
      const T* d = static_cast<const T*>(copied ? static_cast<const void*>(s.bytes.data()) : s.data);
      for (std::size_t r = 0; r < first; ++r) {
        if (d[r] < T{0}) {
          first = r;
          break;
        }
      }
    });
  }
  return first;
}

bool request_columns::load(std::uint32_t fact, const column& c, bool borrow) {
  if (fact >= policy_->facts.size()) {
    throw usage_error(error_code::out_of_bounds, "fact " + std::to_string(fact) + " is outside the batch (" +
                                                     std::to_string(policy_->facts.size()) + " facts)");
  }
  const fact_def& f = policy_->facts[fact];
  if (!c.data && rows_ > 0) {
    throw usage_error(error_code::out_of_bounds, "the column for fact `" + f.name + "` has no data for its " +
                                                     std::to_string(rows_) + " rows");
  }
  if (c.categories && &c.categories->source_policy() != policy_)
    throw usage_error(error_code::foreign_input, "the categories were made for another policy");
  if (c.categories && c.categories->fact() != fact) {
    throw usage_error(error_code::foreign_input, "the categories were made for fact `" +
                                                     policy_->facts.at(c.categories->fact()).name +
                                                     "`, not for `" + f.name + "`");
  }
  const bool coded = f.type == fact_type::enumeration || f.type == fact_type::string;
  if (f.derive != derivation::none || !fits(f, c)) {
    std::size_t first = rows_;
    detail::with_type(c.type, [&](auto x) { first = first_given<decltype(x)>(f, c, rows_); });
    if (first < rows_) {
      if (f.derive != derivation::none) check(fact, first);  // throws E301 naming the row
      wrong_type(f, first_row_ + first, c.type == column_type::boolean ? "a bool" : "an integer");
    }
    // No row has a value: nothing given.
    stored& s = facts_[fact];
    s = stored{};
    finished_ = false;
    return false;
  }

  // NaT as missing is read once, here: such a column is converted.
  const bool exact =
      !(f.type == fact_type::decimal && c.scale != f.scale) &&
      !((f.type == fact_type::timestamp || f.type == fact_type::duration) && c.unit != time_unit::s) &&
      !nat_missing(f, c);
  if (exact) {
    // Checked in one pass (two when something is wrong, to name the first bad row); kept as
    // given (borrowed or copied), read through `codes` when coded.
    detail::with_type(c.type, [&](auto x) {
      using T = decltype(x);
      if (!surely_valid<T>(f, c, rows_)) {
        each_row<T>(
            f, c, rows_, first_row_, [](std::size_t, std::int64_t) {}, [](std::size_t) {});
      }
    });
    stored s;
    s.type = c.type;
    s.negative_missing = coded && c.negative_missing;
    if (coded) s.code_count = c.categories ? c.categories->size() : f.values.size();
    if (c.categories && !c.categories->identity()) {
      s.coded = true;
      s.codes.resize(c.categories->size());
      for (std::size_t i = 0; i < s.codes.size(); ++i) s.codes[i] = c.categories->value(i);
    }
    if (borrow) {
      s.from = stored::origin::borrowed;
      s.data = c.data;
      s.missing = c.missing;
    } else {
      s.from = stored::origin::copied;
      const auto* bytes = static_cast<const unsigned char*>(c.data);
      s.bytes.assign(bytes, bytes + rows_ * size_of(c.type));
      if (c.missing) s.absent.assign(c.missing, c.missing + rows_);
    }
    facts_[fact] = std::move(s);
    finished_ = false;
    return borrow;
  }

  std::vector<std::int64_t> values(rows_);
  std::vector<std::uint8_t> absent;
  detail::with_type(c.type, [&](auto x) {
    each_row<decltype(x)>(
        f, c, rows_, first_row_, [&](std::size_t i, std::int64_t v) { values[i] = v; },
        [&](std::size_t i) {
          if (absent.empty()) absent.assign(rows_, 0);
          values[i] = 0;
          absent[i] = 1;
        });
  });
  stored s;
  s.from = stored::origin::cells;
  s.values = std::move(values);
  s.absent = std::move(absent);
  facts_[fact] = std::move(s);
  finished_ = false;
  return false;
}

void request_columns::set_column(std::uint32_t fact, const column& c) { load(fact, c, false); }

bool request_columns::view_column(std::uint32_t fact, const column& c) { return load(fact, c, true); }

void request_columns::finish() {
  // The error names the first row missing a required fact (the first such fact of that row).
  std::size_t worst = rows_;
  std::uint32_t worst_fact = npos;
  for (std::uint32_t f = 0; f < policy_->facts.size(); ++f) {
    const fact_def& d = policy_->facts[f];
    stored& s = facts_[f];
    s.fill = 0;
    s.fill_present = false;
    if (d.derive != derivation::none) continue;
    if (d.required) {
      const std::size_t r = first_missing(f);
      if (r < worst) {
        worst = r;
        worst_fact = f;
      }
    } else if (d.default_value) {
      s.fill = *d.default_value;
      s.fill_present = true;
    }
  }
  if (worst_fact != npos) {
    const std::string& name = policy_->facts[worst_fact].name;
    throw request_error(error_code::missing_fact, name,
                        row_prefix(first_row_ + worst) + "required fact `" + name + "` is missing");
  }
  finished_ = true;
}

void request_columns::row(std::size_t row, bound_request& out) const {
  const std::size_t n = policy_->facts.size();
  std::vector<std::int64_t> values(n);
  std::vector<std::uint8_t> present(n);
  rows(row, 1, values.data(), present.data());
  detail::assign_row(out, detail::fact_row{values.data(), present.data(), n});
}

void request_columns::rows(std::size_t begin, std::size_t count, std::int64_t* values,
                           std::uint8_t* present) const {
  const std::size_t n = facts_.size();
  for (std::uint32_t f = 0; f < n; ++f) fact_rows(f, begin, count, values + f, present + f, n);
}

}  // namespace aftersale
