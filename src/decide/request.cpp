// SPDX-License-Identifier: Apache-2.0
// Requests and binding: checks caller-given facts against a policy and encodes them densely.
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/nearest.hpp"
#include "decide/encode.hpp"
#include "model/semantics.hpp"

namespace aftersale {

std::optional<decimal> parse_decimal(std::string_view text) noexcept {
  const std::optional<detail::scaled_decimal> d = detail::parse_scaled(text);
  if (!d) return std::nullopt;
  return decimal{d->units, d->scale};
}

request& request::set(std::string fact, fact_value value) {
  values_.insert_or_assign(std::move(fact), std::move(value));
  return *this;
}

request& request::erase(std::string_view fact) {
  auto it = values_.find(fact);
  if (it != values_.end()) values_.erase(it);
  return *this;
}

namespace {

// What the caller gave, in words, for "wrong type" messages.
std::string given_kind(const fact_value& v) {
  switch (v.index()) {
    case 0:
      return "a bool";
    case 1:
      return "an integer";
    case 2:
      return "text";
    case 3:
      return "a timestamp";
    case 4:
      return "a duration";
    default:
      return "a decimal";
  }
}

[[noreturn]] void wrong_type(const fact_def& f, const fact_value& v) {
  throw request_error(error_code::fact_type, f.name,
                      "fact `" + f.name + "` is " + std::string(to_string(f.type)) + " but was given " +
                          given_kind(v) + ": expected " + detail::expected_kind(f.type));
}

std::string declared_values(const fact_def& f) {
  std::string out;
  for (const std::string& v : f.values) out += (out.empty() ? "`" : ", `") + v + '`';
  return out.empty() ? "none" : out;
}

// The index of `text` among `values`, or npos.
std::uint32_t index_of(const std::vector<std::string>& values, const std::string& text) {
  for (std::uint32_t i = 0; i < values.size(); ++i) {
    if (values[i] == text) return i;
  }
  return npos;
}

// Refuses decimal text `text` for decimal fact `f`: more than `written` digits after the point
// than the fact's scale, else too large for 64 bits at that scale.
[[noreturn]] void refuse_decimal(const fact_def& f, std::size_t written, const std::string& text) {
  if (written > f.scale) {
    throw request_error(error_code::bad_decimal, f.name,
                        "`" + text + "` has " + std::to_string(written) + " digits after the point, fact `" +
                            f.name + "` has scale " + std::to_string(f.scale) +
                            ": decimals are never rounded, give at most " + std::to_string(f.scale) +
                            (f.scale == 1 ? " digit" : " digits") + " after the point");
  }
  throw request_error(
      error_code::bad_decimal, f.name,
      "`" + text + "` is too large for fact `" + f.name + "` at scale " + std::to_string(f.scale));
}

// A decimal given to decimal fact `f`, at the fact's scale; `text` is how it was written.
std::int64_t decimal_units(const fact_def& f, const decimal& d, const std::string& text) {
  const std::optional<std::int64_t> units =
      d.scale > f.scale ? std::nullopt : detail::rescale(d.units, d.scale, f.scale);
  if (!units) refuse_decimal(f, d.scale, text);
  return *units;
}

}  // namespace

void detail::check_range(const fact_def& f, std::int64_t value) {
  if ((f.min && value < *f.min) || (f.max && value > *f.max)) {
    throw request_error(error_code::out_of_range, f.name,
                        "fact `" + f.name + "` is " + detail::format_value(f, value) + ": its range is " +
                            detail::range_text(f));
  }
}

std::int64_t detail::encode_value(const fact_def& f, const fact_value& v) {
  switch (f.type) {
    case fact_type::enumeration: {
      const auto* s = std::get_if<std::string>(&v);
      if (!s) wrong_type(f, v);
      const std::uint32_t i = index_of(f.values, *s);
      if (i == npos) {
        throw request_error(error_code::undeclared_value, f.name,
                            "`" + *s + "` is not a declared value of fact `" + f.name +
                                "`: expected one of " + declared_values(f));
      }
      return i;
    }
    case fact_type::string: {
      const auto* s = std::get_if<std::string>(&v);
      if (!s) wrong_type(f, v);
      const std::uint32_t i = index_of(f.values, *s);
      return i == npos ? string_other : static_cast<std::int64_t>(i);
    }
    case fact_type::boolean: {
      const auto* b = std::get_if<bool>(&v);
      if (!b) wrong_type(f, v);
      return *b ? 1 : 0;
    }
    case fact_type::integer: {
      const auto* i = std::get_if<std::int64_t>(&v);
      if (!i) wrong_type(f, v);
      return *i;
    }
    case fact_type::money: {
      const auto* i = std::get_if<std::int64_t>(&v);
      if (!i) {
        if (const auto* d = std::get_if<decimal>(&v)) {
          // Almost always 129.00 meaning 12900: say how money is written.
          throw request_error(error_code::fact_type, f.name,
                              "fact `" + f.name + "` is money but was given a number with a fraction (" +
                                  format_decimal(d->units, d->scale) +
                                  "): expected an integer amount in minor units (12900 for 129.00)");
        }
        wrong_type(f, v);
      }
      if (*i < 0) throw request_error(error_code::negative_money, f.name, negative_money_message(f, *i));
      return *i;
    }
    case fact_type::decimal: {
      if (const auto* i = std::get_if<std::int64_t>(&v))
        return decimal_units(f, decimal{*i, 0}, std::to_string(*i));
      if (const auto* d = std::get_if<decimal>(&v))
        return decimal_units(f, *d, format_decimal(d->units, d->scale));
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto d = parse_decimal(*s)) return decimal_units(f, *d, *s);
        if (const std::optional<std::size_t> written = detail::written_scale(*s))
          refuse_decimal(f, *written, *s);
        throw request_error(error_code::bad_decimal, f.name,
                            "`" + *s + "` is not a decimal number for fact `" + f.name +
                                "`: write digits with an optional point, e.g. `" +
                                format_decimal(45, f.scale) + "`");
      }
      wrong_type(f, v);
    }
    case fact_type::duration: {
      if (const auto* d = std::get_if<std::chrono::seconds>(&v)) return d->count();
      if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto d = parse_duration(*s)) return d->count();
        throw request_error(
            error_code::fact_type, f.name,
            "`" + *s + "` is not a duration for fact `" + f.name + "`: write `48h`, `30m`, `1h30m`");
      }
      wrong_type(f, v);
    }
    case fact_type::timestamp: {
      if (const auto* t = std::get_if<sys_seconds>(&v)) return t->time_since_epoch().count();
      if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto t = parse_timestamp(*s)) return t->time_since_epoch().count();
        throw request_error(error_code::fact_type, f.name,
                            "`" + *s + "` is not a timestamp for fact `" + f.name +
                                "`: write ISO 8601 with an offset, e.g. `2026-10-01T10:00:00+08:00`");
      }
      wrong_type(f, v);
    }
  }
  wrong_type(f, v);
}

namespace {

// Every problem of a request, in the order found, at most `request_error::max_problems`.
struct problem_list {
  std::vector<request_problem> listed;
  std::size_t omitted = 0;

  // True once `max_problems` are listed: a further problem is only counted, so its message (and
  // its did-you-mean, a distance against every fact) need not be built.
  bool full() const noexcept { return listed.size() >= request_error::max_problems; }
  void add(request_problem p) {
    if (listed.size() < request_error::max_problems) {
      listed.push_back(std::move(p));
    } else {
      ++omitted;
    }
  }
  void add(const request_error& e) {
    for (const request_problem& p : e.problems()) add(p);
    omitted += e.omitted();
  }
};

// The facts a request may give: the declared ones that are not derived.
std::vector<std::string> givable_facts(const policy& p) {
  std::vector<std::string> out;
  for (const fact_def& f : p.facts)
    if (f.derive == derivation::none) out.push_back(f.name);
  return out;
}

}  // namespace

void bound_request::resize(std::size_t facts) {
  // The new row (values, then mask words) built aside, then swapped in: a throw changes nothing.
  const std::size_t keep = std::min(facts, size_);
  std::vector<std::int64_t> next(facts + words_for(facts), 0);
  std::copy(row(), row() + keep, next.begin());
  auto* next_mask = reinterpret_cast<std::uint64_t*>(next.data() + facts);
  const std::uint64_t* old_mask = presence();
  for (std::size_t w = 0; w < words_for(keep); ++w) next_mask[w] = old_mask[w];
  if (keep % 64 != 0) next_mask[keep / 64] &= (std::uint64_t{1} << (keep % 64)) - 1;
  if (facts <= inline_facts) {
    std::copy(next.begin(), next.end(), inline_);
    std::fill(inline_ + next.size(), inline_ + inline_slots, 0);
    heap_ = std::vector<std::int64_t>();
  } else {
    heap_.swap(next);
  }
  size_ = facts;
}

bool operator==(const bound_request& a, const bound_request& b) noexcept {
  // Absent facts read 0, so equal requests have equal rows.
  return a.size_ == b.size_ &&
         std::equal(a.row(), a.row() + a.size_ + bound_request::words_for(a.size_), b.row());
}

bound_request bind(const policy& p, const request& r) {
  // Everything is built in a local and returned: a throw leaves nothing behind. Every problem
  // is collected (given facts in name order, then missing ones in declaration order) and
  // thrown together.
  bound_request out(p.facts.size());
  problem_list problems;
  std::vector<std::string> givable;  // filled at the first unknown fact that gets listed
  for (const auto& [name, value] : r.values()) {
    const std::optional<std::uint32_t> id = p.find_fact(name);
    if (!id) {
      if (problems.full()) {
        ++problems.omitted;
        continue;
      }
      if (givable.empty()) givable = givable_facts(p);
      problems.add(request_problem{error_code::unknown_fact, name, "unknown fact `" + name + "`",
                                   detail::did_you_mean(name, givable)});
      continue;
    }
    const fact_def& f = p.facts[*id];
    if (f.derive != derivation::none) {
      problems.add(request_problem{
          error_code::fact_type,
          f.name,
          "fact `" + f.name + "` is derived: it is computed at decision time and cannot be given",
          {}});
      continue;
    }
    try {
      const std::int64_t v = detail::encode_value(f, value);
      detail::check_range(f, v);
      out.set(*id, v);
    } catch (const request_error& e) {
      problems.add(e);
    }
  }
  for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (out.has(i) || f.derive != derivation::none || r.values().count(f.name) != 0) continue;
    if (f.required) {
      problems.add(
          request_problem{error_code::missing_fact, f.name, "required fact `" + f.name + "` is missing", {}});
      continue;
    }
    if (f.default_value) out.set(i, *f.default_value);
  }
  if (!problems.listed.empty()) throw request_error(std::move(problems.listed), problems.omitted);
  return out;
}

}  // namespace aftersale

namespace aftersale::detail {

std::string expected_kind(fact_type t) {
  switch (t) {
    case fact_type::enumeration:
      return "one of its declared values";
    case fact_type::integer:
      return "an integer";
    case fact_type::money:
      return "an integer amount in minor units";
    case fact_type::boolean:
      return "true or false";
    case fact_type::duration:
      return "a duration such as `48h` or seconds";
    case fact_type::timestamp:
      return "an ISO 8601 timestamp with offset or Unix seconds";
    case fact_type::string:
      return "text";
    case fact_type::decimal:
      return "a decimal number such as `4.8`";
  }
  return "a value";
}

std::string negative_money_message(const fact_def& f, std::int64_t minor_units) {
  return "fact `" + f.name + "` is money and cannot be negative: was given " + std::to_string(minor_units) +
         " (minor units)";
}

}  // namespace aftersale::detail
