// SPDX-License-Identifier: Apache-2.0
// A condition as a C++ expression on the typed value of its fact: the same answer as
// `condition_holds` (src/model/semantics.hpp) for every value, written as plain comparisons.
#include <algorithm>
#include <limits>

#include "codegen/emit.hpp"
#include "model/semantics.hpp"

namespace aftersale::codegen {

namespace {

constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();

bool numeric(fact_type t) {
  return t == fact_type::integer || t == fact_type::money || t == fact_type::decimal ||
         t == fact_type::duration || t == fact_type::timestamp;
}

// `v` of a numeric type as the int64 the interpreter compares.
std::string number_of(const fact_def& f, std::string_view v) {
  // `*r.wait` is parenthesised: member access binds tighter than `*`.
  const std::string x = !v.empty() && v.front() == '*' ? "(" + std::string(v) + ")" : std::string(v);
  if (f.type == fact_type::duration) return x + ".count()";
  if (f.type == fact_type::timestamp) return x + ".time_since_epoch().count()";
  return std::string(v);
}

// The numeric test of a present value `x` (an int64 expression): "true", "false" or an expression.
std::string numeric_test(const condition& c, const std::string& x) {
  if (c.uses_set) {
    if (c.set.empty()) return c.negate ? "true" : "false";
    std::string out;
    for (const std::int64_t v : c.set) {
      if (!out.empty()) out += c.negate ? " && " : " || ";
      out += x + (c.negate ? " != " : " == ") + cpp_int64(v);
    }
    return c.set.size() > 1 ? "(" + out + ")" : out;
  }
  if (c.lo > c.hi) return c.negate ? "true" : "false";
  if (c.lo == c.hi) return x + (c.negate ? " != " : " == ") + cpp_int64(c.lo);
  std::string low, high;
  if (c.lo != k_min) low = x + (c.negate ? " < " : " >= ") + cpp_int64(c.lo);
  if (c.hi != k_max) high = x + (c.negate ? " > " : " <= ") + cpp_int64(c.hi);
  if (low.empty() && high.empty()) return c.negate ? "false" : "true";
  if (low.empty()) return high;
  if (high.empty()) return low;
  return "(" + low + (c.negate ? " || " : " && ") + high + ")";
}

// The values of a finite domain the condition accepts (enum 0..n-1, bool 0..1, string -1..n-1).
std::vector<std::int64_t> accepted(const condition& c, std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t v = first; v <= last; ++v)
    if (c.test(v)) out.push_back(v);
  return out;
}

std::string any_equal(const std::vector<std::string>& terms, std::string_view x, bool want_equal) {
  std::string out;
  for (const std::string& t : terms) {
    if (!out.empty()) out += want_equal ? " || " : " && ";
    out += std::string(x) + (want_equal ? " == " : " != ") + t;
  }
  return terms.size() > 1 ? "(" + out + ")" : out;
}

std::string enum_constant(const fact_names& n, std::int64_t v) {
  return n.enum_type + "::" + n.enumerators[static_cast<std::size_t>(v)];
}

// The test of a present value `x` (typed); `optional` (may be empty) is the fact as a
// std::optional, on which a positive equality needs no presence test. Sets `needs_presence`.
std::string typed_test(const condition& c, const fact_def& f, const fact_names& n, const fact_access& a,
                       bool& needs_presence) {
  needs_presence = true;
  if (numeric(f.type)) return numeric_test(c, number_of(f, a.value));
  std::int64_t first = 0, last = 0;
  if (f.type == fact_type::boolean) {
    last = 1;
  } else if (f.type == fact_type::string) {
    first = string_other;
    last = static_cast<std::int64_t>(f.values.size()) - 1;
  } else {
    last = static_cast<std::int64_t>(f.values.size()) - 1;
  }
  const std::vector<std::int64_t> yes = accepted(c, first, last);
  const std::size_t domain = static_cast<std::size_t>(last - first + 1);
  if (yes.empty()) return "false";
  if (yes.size() == domain) return "true";
  if (f.type == fact_type::boolean) return yes.front() == 1 ? a.value : "!" + a.value;
  // The shorter of "one of these" and "none of those".
  std::vector<std::int64_t> no;
  for (std::int64_t v = first; v <= last; ++v)
    if (std::find(yes.begin(), yes.end(), v) == yes.end()) no.push_back(v);
  const bool has_other = f.type == fact_type::string;
  auto term = [&](std::int64_t v) {
    return f.type == fact_type::string ? cpp_string(f.values[static_cast<std::size_t>(v)])
                                       : enum_constant(n, v);
  };
  const bool other_accepted = has_other && std::find(yes.begin(), yes.end(), string_other) != yes.end();
  // A string's "other text" is no literal: only "none of the others" can say it.
  const bool list_yes = has_other ? !other_accepted : yes.size() <= no.size();
  std::vector<std::string> terms;
  for (const std::int64_t v : list_yes ? yes : no)
    if (v != string_other) terms.push_back(term(v));
  if (list_yes && !a.optional.empty()) {
    needs_presence = false;  // an empty optional equals no value
    return any_equal(terms, a.optional, true);
  }
  return any_equal(terms, a.value, list_yes);
}

}  // namespace

std::string value_type(const fact_def& f, const fact_names& n) {
  switch (f.type) {
    case fact_type::enumeration:
      return n.enum_type;
    case fact_type::boolean:
      return "bool";
    case fact_type::duration:
      return "std::chrono::seconds";
    case fact_type::timestamp:
      return "aftersale::sys_seconds";
    case fact_type::string:
      return "std::string";
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:
      break;
  }
  return "std::int64_t";
}

std::string other_text(const fact_def& f) {
  std::string t;
  while (std::find(f.values.begin(), f.values.end(), t) != f.values.end()) t += '?';
  return t;
}

std::string typed_constant(const fact_def& f, const fact_names& n, std::int64_t v) {
  switch (f.type) {
    case fact_type::enumeration:
      return v >= 0 && static_cast<std::size_t>(v) < n.enumerators.size()
                 ? enum_constant(n, v)
                 : "static_cast<" + n.enum_type + ">(" + cpp_int64(v) + ")";
    case fact_type::boolean:
      return v != 0 ? "true" : "false";
    case fact_type::duration:
      return "std::chrono::seconds{" + cpp_int64(v) + "}";
    case fact_type::timestamp:
      return "aftersale::sys_seconds{std::chrono::seconds{" + cpp_int64(v) + "}}";
    case fact_type::string:
      return cpp_string(v >= 0 && static_cast<std::size_t>(v) < f.values.size()
                            ? f.values[static_cast<std::size_t>(v)]
                            : other_text(f));
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:
      break;
  }
  return cpp_int64(v);
}

std::string encoded_value(const fact_def& f, const fact_names& n, std::string_view value) {
  (void)n;
  const std::string v(value);
  switch (f.type) {
    case fact_type::enumeration:
      return "static_cast<std::int64_t>(" + v + ")";
    case fact_type::boolean:
      return "std::int64_t{" + v + " ? 1 : 0}";
    case fact_type::string: {
      std::string out;
      for (std::size_t i = 0; i < f.values.size(); ++i)
        out += v + " == " + cpp_string(f.values[i]) + " ? std::int64_t{" + std::to_string(i) + "} : ";
      return "(" + out + "std::int64_t{-1})";
    }
    case fact_type::duration:
    case fact_type::timestamp:
      return number_of(f, v);
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:
      break;
  }
  return v;
}

std::string condition_expr(const condition& c, const fact_def& f, const fact_names& n, const fact_access& a) {
  if (c.op == condition_op::missing) return a.present == "true" ? "false" : "!" + a.present;
  if (c.op == condition_op::exists) return a.present;
  bool needs_presence = true;
  const std::string test = typed_test(c, f, n, a, needs_presence);
  if (test == "false") return "false";
  if (test == "true") return a.present;
  if (!needs_presence || a.present == "true") return test;
  return a.present + " && " + test;
}

int condition_cost(const condition& c, const fact_def& f) {
  const std::size_t terms = c.uses_set ? c.set.size() : 1;
  if (c.op == condition_op::exists || c.op == condition_op::missing) return 0;
  if (f.type == fact_type::string) return 8 + static_cast<int>(terms);
  return 1 + static_cast<int>(std::min<std::size_t>(terms, 6));
}

}  // namespace aftersale::codegen
