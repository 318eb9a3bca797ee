// SPDX-License-Identifier: Apache-2.0
// Reads one `when:` cell and normalises it to an interval or a set (see model.hpp).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "load/build_state.hpp"
#include "model/semantics.hpp"

namespace aftersale::load {

namespace {

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

bool ordered(fact_type t) {
  return t == fact_type::integer || t == fact_type::money || t == fact_type::duration ||
         t == fact_type::timestamp || t == fact_type::decimal;
}
bool listable(fact_type t) {
  return t == fact_type::enumeration || t == fact_type::string || t == fact_type::integer ||
         t == fact_type::money || t == fact_type::decimal;
}

// One operator of a cell, already normalised.
struct part {
  condition_op op = condition_op::eq;
  std::int64_t lo = lowest, hi = highest;
  bool uses_set = false;
  bool negate = false;
  std::vector<std::int64_t> set;
  std::string text;
};

std::string_view op_key(condition_op op) { return to_string(op); }

std::optional<condition_op> parse_op(std::string_view k) {
  for (condition_op op : {condition_op::eq, condition_op::ne, condition_op::in, condition_op::not_in,
                          condition_op::lt, condition_op::le, condition_op::gt, condition_op::ge,
                          condition_op::between, condition_op::exists, condition_op::missing}) {
    if (to_string(op) == k) return op;
  }
  return std::nullopt;
}

class cell_reader {
 public:
  cell_reader(build_state& s, std::uint32_t fact) : s_(s), fact_(fact), f_(s.p.facts[fact]) {}

  // An operator and its operand; nothing after reporting.
  std::optional<part> read(condition_op op, const node& at, const node& value) {
    part out;
    out.op = op;
    out.text = std::string(op_key(op)) + ' ' + show(value);
    const std::string fact_label = "fact `" + f_.name + "`";
    switch (op) {
      case condition_op::exists:
      case condition_op::missing: {
        auto b = s_.r.boolean(value, "`" + std::string(op_key(op)) + "`");
        if (!b) return std::nullopt;
        out.op = (op == condition_op::exists) == *b ? condition_op::exists : condition_op::missing;
        out.text = std::string(op_key(out.op));
        return out;
      }
      case condition_op::in:
      case condition_op::not_in: {
        if (!listable(f_.type)) return mismatch(at, op, "enum, string, int, money and decimal");
        if (!s_.r.expect(value, node::kind::sequence, "the operand of `" + std::string(op_key(op)) + "`")) {
          return std::nullopt;
        }
        if (value.children.empty()) {
          s_.r.error(error_code::invalid_range, value, "empty list in a condition on " + fact_label,
                     "list at least one value");
          return std::nullopt;
        }
        bool ok = true;
        for (const node& item : value.children) {
          auto v = read_fact_value(s_, fact_, item);
          if (v) out.set.push_back(*v);
          ok = v.has_value() && ok;
        }
        if (!ok) return std::nullopt;
        std::sort(out.set.begin(), out.set.end());
        out.set.erase(std::unique(out.set.begin(), out.set.end()), out.set.end());
        out.uses_set = true;
        out.negate = op == condition_op::not_in;
        return out;
      }
      case condition_op::eq:
      case condition_op::ne: {
        auto v = read_fact_value(s_, fact_, value);
        if (!v) return std::nullopt;
        out.lo = out.hi = *v;
        out.negate = op == condition_op::ne;
        return out;
      }
      case condition_op::lt:
      case condition_op::le:
      case condition_op::gt:
      case condition_op::ge: {
        if (!ordered(f_.type)) return mismatch(at, op, "int, money, decimal, duration and timestamp");
        auto v = read_fact_value(s_, fact_, value);
        if (!v) return std::nullopt;
        if ((op == condition_op::lt && *v == lowest) || (op == condition_op::gt && *v == highest)) {
          return never(value);
        }
        if (op == condition_op::lt) out.hi = *v - 1;
        if (op == condition_op::le) out.hi = *v;
        if (op == condition_op::gt) out.lo = *v + 1;
        if (op == condition_op::ge) out.lo = *v;
        return out;
      }
      case condition_op::between: {
        if (!ordered(f_.type)) return mismatch(at, op, "int, money, decimal, duration and timestamp");
        if (!s_.r.expect(value, node::kind::sequence, "the operand of `between`")) return std::nullopt;
        if (value.children.size() != 2) {
          s_.r.error(error_code::invalid_value, value,
                     "`between` takes two values, found " + std::to_string(value.children.size()),
                     "write `{between: [lo, hi]}`");
          return std::nullopt;
        }
        auto lo = read_fact_value(s_, fact_, value.children[0]);
        auto hi = read_fact_value(s_, fact_, value.children[1]);
        if (!lo || !hi) return std::nullopt;
        if (*lo > *hi) {
          s_.r.error(error_code::invalid_range, value, "`between " + show(value) + "` is an empty range",
                     "write the lower bound first: `[lo, hi]` with lo <= hi");
          return std::nullopt;
        }
        out.lo = *lo;
        out.hi = *hi;
        return out;
      }
    }
    return std::nullopt;
  }

  // Several operators of one mapping, all required: intersected into one condition when it
  // can be, else an interval followed by a negated set. Nothing here is proportional to the
  // values written: an interval with exclusions stays an interval and a list, never the values
  // between its bounds (`{ge: -4611686018427387904, ne: 5, le: 4611686018427387904}` is two
  // conditions, not 2^63 values).
  bool combine(const node& cell, std::vector<part> parts, std::vector<condition>& out) {
    std::string text;
    for (const part& p : parts) text += (text.empty() ? "" : ", ") + p.text;
    const bool has_missing =
        std::any_of(parts.begin(), parts.end(), [](const part& p) { return p.op == condition_op::missing; });
    if (has_missing && parts.size() > 1) {
      s_.r.error(error_code::invalid_range, cell, "condition `" + text + "` can never hold",
                 "`missing` cannot be combined with tests on the value");
      return false;
    }
    parts.erase(
        std::remove_if(parts.begin(), parts.end(),
                       [&](const part& p) { return p.op == condition_op::exists && parts.size() > 1; }),
        parts.end());
    if (parts.size() == 1 && (parts[0].op == condition_op::exists || parts[0].op == condition_op::missing)) {
      parts[0].text = text;
      push(cell, parts[0], out);
      return true;
    }
    std::int64_t lo = lowest, hi = highest;
    std::optional<std::vector<std::int64_t>> only;  // values allowed by `eq`-less sets
    std::vector<std::int64_t> excluded;
    for (const part& p : parts) {
      if (p.op == condition_op::exists || p.op == condition_op::missing) continue;
      if (p.uses_set && !p.negate) {
        if (!only) {
          only = p.set;
        } else {
          std::vector<std::int64_t> both;
          std::set_intersection(only->begin(), only->end(), p.set.begin(), p.set.end(),
                                std::back_inserter(both));
          only = std::move(both);
        }
      } else if (p.uses_set || p.negate) {
        if (p.uses_set) {
          excluded.insert(excluded.end(), p.set.begin(), p.set.end());
        } else {
          excluded.push_back(p.lo);
        }
      } else {
        lo = std::max(lo, p.lo);
        hi = std::min(hi, p.hi);
      }
    }
    std::sort(excluded.begin(), excluded.end());
    excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
    auto allowed = [&](std::int64_t v) {
      return lo <= v && v <= hi && !std::binary_search(excluded.begin(), excluded.end(), v);
    };
    std::vector<std::int64_t> values;  // `only` less what the other tests refuse
    if (only) std::copy_if(only->begin(), only->end(), std::back_inserter(values), allowed);
    if (only ? values.empty() : !admits_some(lo, hi, excluded))
      return never_all(cell, text, !only && lo <= hi, !only && outside_range(lo, hi));
    if (parts.size() == 1) {
      parts[0].text = text;
      push(cell, parts[0], out);
      return true;
    }
    part result;
    result.text = text;
    if (only) {
      result.op = condition_op::in;
      result.uses_set = true;
      result.set = std::move(values);
      push(cell, result, out);
      return true;
    }
    const bool bounded = lo != lowest || hi != highest;
    if (bounded || excluded.empty()) {
      result.op = condition_op::between;
      result.lo = lo;
      result.hi = hi;
      push(cell, result, out);
    }
    // Only the exclusions inside the interval matter.
    excluded.erase(
        std::remove_if(excluded.begin(), excluded.end(), [&](std::int64_t v) { return v < lo || v > hi; }),
        excluded.end());
    if (!excluded.empty()) {
      part rest;
      rest.op = condition_op::not_in;
      rest.uses_set = true;
      rest.negate = true;
      rest.set = std::move(excluded);
      rest.text = text;
      push(cell, rest, out);
    }
    return true;
  }

  void push(const node& cell, const part& p, std::vector<condition>& out) {
    condition c;
    c.fact = fact_;
    c.op = p.op;
    c.lo = p.lo;
    c.hi = p.hi;
    c.uses_set = p.uses_set;
    c.negate = p.negate;
    c.set = p.set;
    c.text = p.text;
    c.where = s_.r.span(cell);
    out.push_back(std::move(c));
  }

 private:
  std::optional<part> mismatch(const node& at, condition_op op, std::string_view types) {
    s_.r.error(error_code::type_mismatch, at,
               "`" + std::string(op_key(op)) + "` does not apply to " + std::string(to_string(f_.type)) +
                   " fact `" + f_.name + "`",
               "`" + std::string(op_key(op)) + "` applies to " + std::string(types) + " facts");
    return std::nullopt;
  }
  std::optional<part> never(const node& at) {
    s_.r.error(error_code::invalid_range, at, "condition on fact `" + f_.name + "` can never hold",
               "use a bound inside the range of 64-bit integers");
    return std::nullopt;
  }
  // The values a present value of the fact can take: enums and bools are finite, so a
  // condition that excludes each of their values can never hold; `min`/`max` bound the rest.
  std::pair<std::int64_t, std::int64_t> domain() const {
    if (f_.type == fact_type::enumeration) return {0, static_cast<std::int64_t>(f_.values.size()) - 1};
    if (f_.type == fact_type::boolean) return {0, 1};
    return {f_.min.value_or(lowest), f_.max.value_or(highest)};
  }
  // True when some value of the domain lies in [lo, hi] and outside `excluded` (sorted, unique):
  // counted, never enumerated.
  bool admits_some(std::int64_t lo, std::int64_t hi, const std::vector<std::int64_t>& excluded) const {
    const auto [dlo, dhi] = domain();
    lo = std::max(lo, dlo);
    hi = std::min(hi, dhi);
    if (lo > hi) return false;
    const auto first = std::lower_bound(excluded.begin(), excluded.end(), lo);
    const auto last = std::upper_bound(excluded.begin(), excluded.end(), hi);
    const auto inside = static_cast<std::uint64_t>(last - first);
    // hi - lo in unsigned arithmetic: the width of any int64 interval, without overflow.
    const std::uint64_t width = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    return inside == 0 || inside - 1 < width;
  }
  // True when [lo, hi] misses the fact's declared `min`/`max` entirely.
  bool outside_range(std::int64_t lo, std::int64_t hi) const {
    return (f_.min || f_.max) && lo <= hi && (hi < f_.min.value_or(lowest) || lo > f_.max.value_or(highest));
  }
  // `excludes`: the interval is not empty, its values are all excluded (`ne`, `not_in`);
  // `ranged`: the interval lies outside the fact's `min`/`max`.
  bool never_all(const node& at, const std::string& text, bool excludes, bool ranged) {
    const bool finite = f_.type == fact_type::enumeration || f_.type == fact_type::boolean;
    s_.r.error(
        error_code::invalid_range, at, "condition `" + text + "` on fact `" + f_.name + "` can never hold",
        ranged ? "fact `" + f_.name + "` ranges over " + detail::range_text(f_) + ": no value of it passes"
        : excludes && finite ? "it rules out every value of " + std::string(to_string(f_.type)) + " fact `" +
                                   f_.name + "`: leave at least one value allowed"
        : excludes ? "it rules out every value between its bounds: leave at least one allowed"
                   : "the tests of one condition are all required: make their ranges overlap");
    return false;
  }

  build_state& s_;
  std::uint32_t fact_;
  const fact_def& f_;
};

}  // namespace

void read_condition(build_state& s, std::uint32_t fact, const node& cell, std::vector<condition>& out) {
  cell_reader c(s, fact);
  switch (cell.what) {
    case node::kind::scalar: {
      if (!cell.quoted && cell.value == "any") return;
      auto p = c.read(condition_op::eq, cell, cell);
      if (p) c.push(cell, *p, out);
      return;
    }
    case node::kind::sequence: {
      auto p = c.read(condition_op::in, cell, cell);
      if (p) {
        p->text = "in " + show(cell);
        c.push(cell, *p, out);
      }
      return;
    }
    case node::kind::mapping: {
      std::vector<part> parts;
      bool ok = true;
      for (std::size_t i = 0; i < cell.pairs(); ++i) {
        const node& k = cell.key(i);
        auto op = k.is_scalar() ? parse_op(k.value) : std::nullopt;
        if (!op) {
          s.r.error(
              error_code::unknown_key, k,
              "unknown operator `" + show(k) + "` in a condition on fact `" + s.p.facts[fact].name + "`",
              suggest(show(k),
                      {"eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between", "exists", "missing"},
                      "operators: `eq`, `ne`, `in`, `not_in`, `lt`, `le`, `gt`, `ge`, `between`, `exists`, "
                      "`missing`"));
          ok = false;
          continue;
        }
        auto p = c.read(*op, k, cell.val(i));
        if (p) parts.push_back(std::move(*p));
        ok = p.has_value() && ok;
      }
      if (cell.pairs() == 0) {
        s.r.error(error_code::missing_key, cell, "empty condition on fact `" + s.p.facts[fact].name + "`",
                  "write a value, a list or an operator such as `{ge: 1}`; `any` matches anything");
        return;
      }
      if (ok) c.combine(cell, std::move(parts), out);
      return;
    }
    case node::kind::null:
      s.r.error(error_code::wrong_node_kind, cell, "missing condition on fact `" + s.p.facts[fact].name + "`",
                "write a value, a list or an operator such as `{ge: 1}`; `any` matches anything");
      return;
  }
}

void read_when(build_state& s, const node& when, const std::string& owner, std::vector<condition>& out) {
  if (!s.r.expect(when, node::kind::mapping, "`when` of " + owner)) return;
  for (std::size_t i = 0; i < when.pairs(); ++i) {
    const node& k = when.key(i);
    if (!s.r.expect(k, node::kind::scalar, "a fact name in `when`")) continue;
    const std::uint32_t fact = fact_id(s, k.value);
    if (fact == npos) {
      if (!quiet(s.broken_facts, k.value)) {
        std::vector<std::string> declared;
        for (const auto& f : s.p.facts) declared.push_back(f.name);
        s.r.error(error_code::unknown_id, k, "unknown fact `" + k.value + "` in " + owner,
                  suggest(k.value, declared, "declared facts: " + quote_list(declared)));
      }
      continue;
    }
    read_condition(s, fact, when.val(i), out);
  }
}

}  // namespace aftersale::load
