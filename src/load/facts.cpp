// SPDX-License-Identifier: Apache-2.0
// Reads `facts:`: declarations first (names, types, enum values), then what refers to other
// facts or calendars (defaults, derivations), so a fact may refer to one declared later.
#include <aftersale/time.hpp>
#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_set>

#include "load/build_state.hpp"
#include "model/semantics.hpp"

namespace aftersale::load {

namespace {

// The type names are the model's own spellings (`to_string(fact_type)`).
std::optional<fact_type> parse_type(std::string_view t) {
  for (int k = 0; k <= static_cast<int>(fact_type::decimal); ++k)
    if (to_string(static_cast<fact_type>(k)) == t) return static_cast<fact_type>(k);
  return std::nullopt;
}

std::vector<std::string> fact_names(const policy& p, std::optional<fact_type> only = std::nullopt) {
  std::vector<std::string> out;
  for (const auto& f : p.facts) {
    if (!only || f.type == *only) out.push_back(f.name);
  }
  return out;
}

// A reference to another fact of type `type` (E200 when undeclared, E202 when of another type).
std::uint32_t resolve_fact(build_state& s, const node& n, fact_type type, std::string_view role) {
  if (!s.r.expect(n, node::kind::scalar, role)) return npos;
  const std::uint32_t f = fact_id(s, n.value);
  if (f == npos) {
    if (!quiet(s.broken_facts, n.value)) {
      s.r.error(error_code::unknown_id, n, "unknown fact `" + n.value + "` in " + std::string(role),
                suggest(n.value, fact_names(s.p, type),
                        "declared " + std::string(to_string(type)) +
                            " facts: " + quote_list(fact_names(s.p, type))));
    }
    return npos;
  }
  if (s.p.facts[f].type != type) {
    s.r.error(error_code::type_mismatch, n,
              "fact `" + n.value + "` is of type " + std::string(to_string(s.p.facts[f].type)) + ", " +
                  std::string(role) + " needs a " + std::string(to_string(type)) + " fact",
              "declared " + std::string(to_string(type)) + " facts: " + quote_list(fact_names(s.p, type)));
    return npos;
  }
  return f;
}

// The index of value `v` of fact `fact` (an enum value or a string literal), through a hash
// map once the fact has more than a few values.
std::optional<std::int64_t> value_index(build_state& s, std::uint32_t fact, std::string_view v) {
  const fact_def& f = s.p.facts[fact];
  if (f.values.size() <= 16) {
    auto it = std::find(f.values.begin(), f.values.end(), v);
    if (it == f.values.end()) return std::nullopt;
    return it - f.values.begin();
  }
  auto& ids = s.value_ids[fact];
  if (ids.size() != f.values.size()) {
    ids.clear();
    ids.reserve(f.values.size());
    for (std::size_t i = 0; i < f.values.size(); ++i) ids.emplace(f.values[i], static_cast<std::int64_t>(i));
  }
  auto it = ids.find(std::string(v));
  if (it == ids.end()) return std::nullopt;
  return it->second;
}

// A decimal literal of fact `f` at the fact's scale (E231 for more digits after the point).
std::optional<std::int64_t> decimal_literal(build_state& s, const fact_def& f, const node& n) {
  const std::optional<std::size_t> written = n.quoted ? std::nullopt : detail::written_scale(n.value);
  if (!written) {
    s.r.error(error_code::type_mismatch, n,
              "`" + n.value + "` is not a decimal number, fact `" + f.name + "` is a decimal",
              "write digits with an optional point, unquoted: `" + format_decimal(45, f.scale) + "`");
    return std::nullopt;
  }
  if (*written > f.scale) {
    s.r.error(error_code::decimal_digits, n,
              "`" + n.value + "` has " + std::to_string(*written) +
                  " digits after the point, decimal fact `" + f.name + "` has scale " +
                  std::to_string(f.scale),
              "decimals are never rounded: write at most " + std::to_string(f.scale) +
                  (f.scale == 1 ? " digit" : " digits") + " after the point, or raise the fact's `scale`");
    return std::nullopt;
  }
  // Well written and not too precise: only its size can be refused now.
  const std::optional<detail::scaled_decimal> d = detail::parse_scaled(n.value);
  const std::optional<std::int64_t> units = d ? detail::rescale(d->units, d->scale, f.scale) : std::nullopt;
  if (!units) {
    s.r.error(error_code::type_mismatch, n,
              "`" + n.value + "` is too large for decimal fact `" + f.name + "` at scale " +
                  std::to_string(f.scale),
              "a decimal's value times 10^scale must fit 64 bits");
  }
  return units;
}

}  // namespace

bool read_type_and_values(build_state& s, const node& decl, const std::string& label, std::string_view noun,
                          fact_def& f) {
  bool ok = true;
  if (const node* t = decl.find("type")) {
    auto text = s.r.text(*t, "the type of " + label);
    auto type = text ? parse_type(*text) : std::nullopt;
    if (text && !type) {
      s.r.error(error_code::invalid_value, *t, "unknown " + std::string(noun) + " type `" + *text + "`",
                "types: `enum`, `int`, `money`, `bool`, `duration`, `timestamp`, `string`, `decimal`");
    }
    if (type) f.type = *type;
    ok = type.has_value();
  } else {
    ok = false;
  }
  const node* scale = decl.find("scale");
  if (ok && f.type == fact_type::decimal) {
    const std::optional<std::int64_t> n =
        scale && scale->is_scalar() && !scale->quoted ? parse_integer(scale->value) : std::nullopt;
    if (!n || *n < 1 || *n > max_decimal_scale) {
      s.r.error(error_code::decimal_scale, scale ? *scale : decl,
                scale ? "`scale` of decimal " + label + " must be a whole number from 1 to 9, found `" +
                            show(*scale) + "`"
                      : "decimal " + label + " has no `scale`",
                "write the digits after the point the values have: `scale: 1` for a 4.8 rating");
      ok = false;
    } else {
      f.scale = static_cast<std::uint8_t>(*n);
    }
  } else if (ok && scale) {
    s.r.error(error_code::decimal_scale, *scale,
              "`scale` applies to decimal " + std::string(noun) + "s only, " + label + " is " +
                  std::string(to_string(f.type)),
              "remove `scale` or declare `type: decimal`");
  }
  const node* values = decl.find("values");
  if (ok && f.type == fact_type::enumeration) {
    if (!values) {
      s.r.error(error_code::missing_key, decl, "missing key `values` in " + label,
                "an enum " + std::string(noun) + " lists its values: `values: [a, b]`");
      ok = false;
    } else if (!s.r.expect(*values, node::kind::sequence, "the values of " + label) ||
               !within_budget(s, *values, values->children.size(), s.limits.max_enum_values,
                              "values of " + label, "max_enum_values")) {
      ok = false;
    } else {
      std::unordered_set<std::string> seen;  // a scan per value would be quadratic in the list
      for (const node& v : values->children) {
        auto id = s.r.id(v, "a value of " + label);
        if (!id) continue;
        if (!seen.insert(*id).second) {
          s.r.error(error_code::duplicate_id, v, "value `" + *id + "` is declared twice in " + label,
                    "remove one of the two");
          continue;
        }
        f.values.push_back(*id);
      }
    }
  } else if (ok && values) {
    s.r.error(error_code::unknown_key, *values,
              "`values` applies to enum " + std::string(noun) + "s only, " + label + " is " +
                  std::string(to_string(f.type)),
              "remove `values` or declare `type: enum`");
  }
  return ok;
}

namespace {

void declare(build_state& s, const node& key, const node& decl) {
  auto name = s.r.id(key, "a fact name");
  const std::string label = "fact `" + key.value + "`";
  if (!s.r.expect(decl, node::kind::mapping, label)) {
    if (key.is_scalar()) s.broken_facts.insert(key.value);
    return;
  }
  s.r.check_keys(decl, label,
                 {"type", "values", "scale", "min", "max", "required", "default", "derived", "description"},
                 {"type"});
  fact_def f;
  f.where = s.r.span(key);
  bool ok = name.has_value();
  if (name) f.name = *name;
  ok = read_type_and_values(s, decl, label, "fact", f) && ok;
  if (const node* d = decl.find("description")) {
    if (auto text = s.r.text(*d, "the description of " + label)) f.description = *text;
  }
  if (ok) {
    s.fact_ids.emplace(f.name, static_cast<std::uint32_t>(s.p.facts.size()));
    s.p.facts.push_back(std::move(f));
  } else if (key.is_scalar()) {
    s.broken_facts.insert(key.value);
  }
}

void read_derivation(build_state& s, std::uint32_t self, const node& d) {
  fact_def& f = s.p.facts[self];
  const std::string label = "the derivation of fact `" + f.name + "`";
  if (!s.r.expect(d, node::kind::mapping, label)) return;
  const node* days = d.find("days_since");
  const node* hours = d.find("hours_since");
  const node* map = d.find("map");
  const int kinds = (days != nullptr) + (hours != nullptr) + (map != nullptr);
  if (kinds != 1) {
    s.r.error(kinds == 0 ? error_code::missing_key : error_code::invalid_value, d,
              kinds == 0 ? "missing key `days_since`, `hours_since` or `map` in " + label
                         : label + " names more than one of `days_since`, `hours_since` and `map`",
              "derive a fact in one way: `{days_since: f}`, `{hours_since: f}` or `{map: f, cases: {...}}`");
    return;
  }
  if (map) {
    s.r.check_keys(d, label, {"map", "cases"}, {"cases"});
    if (f.type != fact_type::enumeration) {
      s.r.error(error_code::type_mismatch, *map,
                "fact `" + f.name + "` maps another fact, so it must be an enum",
                "declare `type: enum` with the values the mapping produces");
      return;
    }
    f.derive = derivation::map;
    f.source = resolve_fact(s, *map, fact_type::enumeration, "`map`");
    const node* cases = d.find("cases");
    if (f.source == npos || !cases || !s.r.expect(*cases, node::kind::mapping, "`cases` of " + label)) return;
    const fact_def& src = s.p.facts[f.source];
    if (s.p.facts[f.source].derive != derivation::none && f.source >= self) {
      s.r.error(error_code::type_mismatch, *map,
                "fact `" + f.name + "` maps derived fact `" + src.name + "`, which is declared after it",
                "declare `" + src.name + "` before `" + f.name + "`");
    }
    f.mapping.assign(src.values.size(), -1);
    for (std::size_t i = 0; i < cases->pairs(); ++i) {
      const node& from = cases->key(i);
      const node& to = cases->val(i);
      if (!s.r.expect(from, node::kind::scalar, "a case of " + label)) continue;
      auto from_index = value_index(s, f.source, from.value);
      if (!from_index) {
        s.r.error(error_code::type_mismatch, from,
                  "`" + from.value + "` is not a value of fact `" + src.name + "`",
                  "values of `" + src.name + "`: " + quote_list(src.values));
      }
      if (!s.r.expect(to, node::kind::scalar, "the result of a case of " + label)) continue;
      auto to_index = value_index(s, self, to.value);
      if (!to_index) {
        s.r.error(error_code::type_mismatch, to, "`" + to.value + "` is not a value of fact `" + f.name + "`",
                  "values of `" + f.name + "`: " + quote_list(f.values));
      }
      if (from_index && to_index)
        f.mapping[static_cast<std::size_t>(*from_index)] = static_cast<std::int32_t>(*to_index);
    }
    return;
  }
  const bool is_days = days != nullptr;
  if (is_days) {
    s.r.check_keys(d, label, {"days_since", "calendar"});
  } else {
    // `calendar:` is refused with its reason: hours_since counts elapsed hours. Working hours
    // are what a clock counts (`within: {business_hours: N}`), with `add` bounded by the
    // deadline; counting them back to an anchor decades away would walk day by day.
    s.r.check_keys(d, label, {"hours_since", "calendar"});
    for (std::size_t i = 0; i < d.pairs(); ++i) {
      if (d.key(i).is_scalar() && d.key(i).value == "calendar") {
        s.r.error(
            error_code::unknown_key, d.key(i),
            "unknown key `calendar` in " + label + ": `hours_since` counts elapsed hours, on no calendar",
            "count local calendar dates with `days_since` and `calendar:`, or working hours with a "
            "clock: `within: {business_hours: N}`");
      }
    }
  }
  if (f.type != fact_type::integer) {
    s.r.error(error_code::type_mismatch, is_days ? *days : *hours,
              "fact `" + f.name + "` counts " + (is_days ? "days" : "hours") + ", so it must be an int",
              "declare `type: int`");
    return;
  }
  f.derive = is_days ? derivation::days_since : derivation::hours_since;
  f.source = resolve_fact(s, is_days ? *days : *hours, fact_type::timestamp,
                          is_days ? "`days_since`" : "`hours_since`");
  if (const node* cal = d.find("calendar"); cal && is_days) {
    if (!s.r.expect(*cal, node::kind::scalar, "a calendar reference")) return;
    for (std::uint32_t i = 0; i < s.p.calendars.size(); ++i) {
      if (s.p.calendars[i].id() == cal->value) f.calendar = i;
    }
    if (f.calendar == npos && !quiet(s.broken_calendars, cal->value)) {
      s.r.error(error_code::unknown_id, *cal, "unknown calendar `" + cal->value + "`",
                suggest(cal->value, s.calendar_names, "declared calendars: " + quote_list(s.calendar_names)));
    }
  }
}

// `min` and `max` of an int, money or decimal fact (E228), checked before the default and the
// conditions are read so that those are checked against them.
void read_range(build_state& s, std::uint32_t index, const node& decl) {
  const node* lo = decl.find("min");
  const node* hi = decl.find("max");
  if (!lo && !hi) return;
  const fact_def& f = s.p.facts[index];
  const std::string label = "fact `" + f.name + "`";
  if (f.type != fact_type::integer && f.type != fact_type::money && f.type != fact_type::decimal) {
    s.r.error(error_code::invalid_fact_range, lo ? *lo : *hi,
              "`" + std::string(lo ? "min" : "max") + "` applies to int, money and decimal facts, " + label +
                  " is " + std::string(to_string(f.type)),
              "remove `min` and `max`, or give the fact a numeric type");
    return;
  }
  std::optional<std::int64_t> min = lo ? read_fact_value(s, index, *lo) : std::nullopt;
  std::optional<std::int64_t> max = hi ? read_fact_value(s, index, *hi) : std::nullopt;
  if (min && max && *min > *max) {
    s.r.error(error_code::invalid_fact_range, *hi,
              "`max` of " + label + " (" + show(*hi) + ") is below its `min` (" + show(*lo) + ")",
              "write `min` <= `max`");
    return;
  }
  if (f.type == fact_type::money && min && *min < 0) {
    s.r.error(error_code::invalid_fact_range, *lo, "`min` of money " + label + " is negative",
              "money is never negative: write 0 or more minor units");
    return;
  }
  if ((lo && !min) || (hi && !max)) return;
  s.p.facts[index].min = min;
  s.p.facts[index].max = max;
}

// Completes one declared fact: `required`, `default`, `derived`.
void complete(build_state& s, std::uint32_t index, const node& decl) {
  const node* derived = decl.find("derived");
  if (derived) read_derivation(s, index, *derived);
  fact_def& f = s.p.facts[index];
  const std::string label = "fact `" + f.name + "`";
  if (const node* req = decl.find("required")) {
    if (derived) {
      s.r.error(error_code::unknown_key, *req, "`required` does not apply to derived fact `" + f.name + "`",
                "a derived fact is computed, never passed in: remove `required`");
    } else if (auto b = s.r.boolean(*req, "`required` of " + label)) {
      f.required = *b;
    }
  }
  read_range(s, index, decl);
  if (const node* def = decl.find("default")) {
    if (auto v = read_fact_value(s, index, *def, "`default` of")) {
      if (f.type == fact_type::money && *v < 0) {
        // A request may not give negative money (E305); neither may a default.
        s.r.error(error_code::invalid_value, *def, "`default` of money " + label + " is negative",
                  "money is never negative: write 0 or more minor units");
      } else {
        s.p.facts[index].default_value = *v;
      }
    }
  }
}

}  // namespace

namespace {

std::optional<std::int64_t> parse_fact_value(build_state& s, std::uint32_t fact, const node& n) {
  fact_def& f = s.p.facts[fact];
  const std::string label = "fact `" + f.name + "`";
  if (!n.is_scalar()) {
    s.r.error(error_code::type_mismatch, n,
              "a value of " + std::string(to_string(f.type)) + " " + label + " must be a scalar, found " +
                  std::string(kind_name(n.what)),
              "write one value of the fact's type");
    return std::nullopt;
  }
  switch (f.type) {
    case fact_type::enumeration:
      if (auto i = value_index(s, fact, n.value)) return *i;
      s.r.error(error_code::type_mismatch, n, "`" + n.value + "` is not a value of enum " + label,
                "values of `" + f.name + "`: " + quote_list(f.values));
      return std::nullopt;
    case fact_type::boolean:
      if (auto b = parse_bool(n)) return *b ? 1 : 0;
      s.r.error(error_code::type_mismatch, n, "`" + n.value + "` is not a bool, " + label + " is a bool",
                "write `true` or `false`");
      return std::nullopt;
    case fact_type::integer:
    case fact_type::money:
      if (auto v = n.quoted ? std::nullopt : parse_integer(n.value)) return *v;
      if (const std::string trouble = n.quoted ? std::string() : integer_trouble(n.value); !trouble.empty()) {
        s.r.error(error_code::type_mismatch, n, label + ": `" + n.value + "` " + trouble,
                  "write a whole number in digits");
        return std::nullopt;
      }
      s.r.error(error_code::type_mismatch, n,
                "`" + n.value + "` is not an integer, " + label + " is " +
                    (f.type == fact_type::money ? "money in minor units" : "an int"),
                f.type == fact_type::money ? "write money as a whole number of minor units: 12900 for 129.00"
                                           : "write a whole number");
      return std::nullopt;
    case fact_type::duration:
      if (auto v = n.quoted ? std::nullopt : parse_integer(n.value)) return *v;
      if (auto d = parse_duration(n.value)) return d->count();
      s.r.error(error_code::invalid_value, n,
                "`" + n.value + "` is not a duration, " + label + " is a duration",
                "write a number and a unit (`90s`, `30m`, `48h`, `10d`, `1h30m`) or whole seconds");
      return std::nullopt;
    case fact_type::timestamp:
      if (auto t = parse_timestamp(n.value)) return t->time_since_epoch().count();
      s.r.error(error_code::invalid_value, n,
                "`" + n.value + "` is not a timestamp, " + label + " is a timestamp",
                "write ISO 8601 with an offset: `2026-10-01T10:00:00+08:00`");
      return std::nullopt;
    case fact_type::string: {
      if (auto i = value_index(s, fact, n.value)) return *i;
      f.values.push_back(n.value);
      const auto index = static_cast<std::int64_t>(f.values.size() - 1);
      if (auto ids = s.value_ids.find(fact); ids != s.value_ids.end()) ids->second.emplace(n.value, index);
      return index;
    }
    case fact_type::decimal:
      return decimal_literal(s, f, n);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> read_fact_value(build_state& s, std::uint32_t fact, const node& n,
                                            std::string_view what) {
  const std::optional<std::int64_t> v = parse_fact_value(s, fact, n);
  const fact_def& f = s.p.facts[fact];
  if (v && ((f.min && *v < *f.min) || (f.max && *v > *f.max))) {
    s.r.error(error_code::value_out_of_range, n,
              std::string(what) + " fact `" + f.name + "` is " + detail::format_value(f, *v) +
                  ", outside its range " + detail::range_text(f),
              "a request outside the range is refused (E306): write a value inside it");
    return std::nullopt;
  }
  return v;
}

void read_facts(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `facts` section")) {
    s.broken_facts.insert("*");
    return;
  }
  for (std::size_t i = 0; i < section.pairs(); ++i) declare(s, section.key(i), section.val(i));
  for (std::size_t i = 0; i < section.pairs(); ++i) {
    const node& key = section.key(i);
    if (!key.is_scalar()) continue;
    const std::uint32_t f = fact_id(s, key.value);
    // INVARIANT: only well-declared facts were added, and names are unique (E104 otherwise).
    if (f != npos && s.p.facts[f].where.line == key.line && s.p.facts[f].where.column == key.column) {
      complete(s, f, section.val(i));
    }
  }
}

}  // namespace aftersale::load
