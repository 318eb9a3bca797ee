// SPDX-License-Identifier: Apache-2.0
// Reads a rule's `amounts:`: ordered money computations in integer arithmetic.
#include <algorithm>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

std::optional<rounding> parse_rounding(std::string_view t) {
  if (t == "down") return rounding::down;
  if (t == "up") return rounding::up;
  if (t == "half_up") return rounding::half_up;
  if (t == "half_even") return rounding::half_even;
  return std::nullopt;
}

std::vector<std::string> money_facts(const policy& p) {
  std::vector<std::string> out;
  for (const auto& f : p.facts) {
    if (f.type == fact_type::money) out.push_back(f.name);
  }
  return out;
}

// An integer constant, a money fact, or an amount computed earlier in `done`.
std::optional<money_operand> read_operand(build_state& s, const node& n, const std::string& role,
                                          const std::vector<amount_rule>& done, const node& section) {
  if (!s.r.expect(n, node::kind::scalar, role)) return std::nullopt;
  money_operand out;
  if (!n.quoted && !n.value.empty() &&
      (n.value[0] == '-' || n.value[0] == '+' || (n.value[0] >= '0' && n.value[0] <= '9'))) {
    auto v = parse_integer(n.value);
    if (const std::string trouble = v ? std::string() : integer_trouble(n.value); !trouble.empty()) {
      s.r.error(error_code::type_mismatch, n, role + ": `" + n.value + "` " + trouble,
                "write money as a whole number of minor units in digits");
      return std::nullopt;
    }
    if (!v) {
      s.r.error(error_code::type_mismatch, n,
                "`" + n.value + "` in " + role + " is not a whole amount of money",
                "write money as a whole number of minor units: 12900 for 129.00");
      return std::nullopt;
    }
    out.what = money_operand::kind::constant;
    out.value = *v;
    return out;
  }
  for (std::uint32_t i = 0; i < done.size(); ++i) {
    if (done[i].name == n.value) {
      out.what = money_operand::kind::amount;
      out.ref = i;
      return out;
    }
  }
  if (const std::uint32_t i = fact_id(s, n.value); i != npos) {
    const fact_def& f = s.p.facts[i];
    if (f.type != fact_type::money) {
      s.r.error(error_code::type_mismatch, n,
                "fact `" + f.name + "` in " + role + " is of type " + std::string(to_string(f.type)) +
                    ", not money",
                "money facts: " + quote_list(money_facts(s.p)));
      return std::nullopt;
    }
    out.what = money_operand::kind::fact;
    out.ref = i;
    return out;
  }
  if (quiet(s.broken_facts, n.value)) return std::nullopt;
  bool later = false;
  for (std::size_t i = 0; i < section.pairs(); ++i) later = later || section.key(i).value == n.value;
  std::vector<std::string> earlier;
  for (const auto& a : done) earlier.push_back(a.name);
  s.r.error(error_code::invalid_amount, n,
            later ? "amount `" + n.value + "` is used in " + role + " before it is computed"
                  : "unknown amount or money fact `" + n.value + "` in " + role,
            suggest(
                later ? std::string() : n.value,
                [&] {
                  std::vector<std::string> names = money_facts(s.p);
                  names.insert(names.end(), earlier.begin(), earlier.end());
                  return names;
                }(),
                "use an integer, a money fact (" + quote_list(money_facts(s.p)) + ") or an earlier amount (" +
                    quote_list(earlier) + ")"));
  return std::nullopt;
}

bool read_ratio(build_state& s, const node& n, const std::string& role, amount_rule& a) {
  if (!s.r.expect(n, node::kind::scalar, role)) return false;
  const std::string_view t = n.value;
  const auto slash = t.find('/');
  auto p = parse_integer(t.substr(0, slash));
  auto q =
      slash == std::string_view::npos ? std::optional<std::int64_t>(1) : parse_integer(t.substr(slash + 1));
  if (!p || !q || *p < 0 || *q < 0) {
    s.r.error(error_code::invalid_value, n, "invalid ratio `" + n.value + "` in " + role,
              "write a ratio as `p/q` with whole numbers, e.g. `5/100` for 5 %");
    return false;
  }
  if (*q == 0) {
    s.r.error(error_code::invalid_amount, n, role + " divides by zero: `" + n.value + "`",
              "the denominator of `p/q` must be greater than zero");
    return false;
  }
  a.numerator = *p;
  a.denominator = *q;
  return true;
}

}  // namespace

void read_amounts(build_state& s, const node& section, std::vector<amount_rule>& out) {
  if (!s.r.expect(section, node::kind::mapping, "`amounts`")) return;
  for (std::size_t i = 0; i < section.pairs(); ++i) {
    const node& key = section.key(i);
    const node& decl = section.val(i);
    auto name = s.r.id(key, "an amount name");
    const std::string label = "amount `" + key.value + "`";
    if (!s.r.expect(decl, node::kind::mapping, label)) continue;
    bool ok = s.r.check_keys(decl, label, {"of", "ratio", "minus", "min", "max", "rounding", "fixed"}) &&
              name.has_value();
    if (name && fact_id(s, *name) != npos) {
      s.r.error(error_code::duplicate_id, key, "amount `" + *name + "` has the name of a fact",
                "rename the amount so that references to it are not ambiguous");
      ok = false;
    }
    amount_rule a;
    if (name) a.name = *name;
    a.where = s.r.span(key);
    const node* fixed = decl.find("fixed");
    const node* of = decl.find("of");
    if (fixed) {
      if (decl.pairs() != 1) {
        s.r.error(error_code::invalid_amount, decl, label + " combines `fixed` with other keys",
                  "`fixed: n` stands alone; use `of:` for a computation");
        ok = false;
      }
      auto v = read_operand(s, *fixed, "`fixed` of " + label, {}, section);
      if (v && v->what != money_operand::kind::constant) {
        s.r.error(error_code::type_mismatch, *fixed,
                  "`fixed` of " + label + " must be a whole amount of money",
                  "write money as a whole number of minor units: 2000 for 20.00");
        v.reset();
      }
      if (v) a.of = *v;
      ok = v.has_value() && ok;
    } else if (!of) {
      s.r.error(error_code::missing_key, decl, "missing key `of` in " + label,
                "write `of: <amount>` (an integer, a money fact or an earlier amount) or `fixed: n`");
      ok = false;
    } else {
      auto v = read_operand(s, *of, "`of` of " + label, out, section);
      if (v) a.of = *v;
      ok = v.has_value() && ok;
    }
    if (const node* n = decl.find("ratio"); n && !fixed)
      ok = read_ratio(s, *n, "`ratio` of " + label, a) && ok;
    for (auto [key_name, slot] :
         {std::pair<const char*, money_operand*>{"minus", &a.minus}, {"min", &a.min}, {"max", &a.max}}) {
      const node* n = decl.find(key_name);
      if (!n || fixed) continue;
      auto v = read_operand(s, *n, "`" + std::string(key_name) + "` of " + label, out, section);
      if (v) *slot = *v;
      ok = v.has_value() && ok;
    }
    if (a.min.what == money_operand::kind::constant && a.max.what == money_operand::kind::constant &&
        a.min.value > a.max.value) {
      s.r.error(error_code::invalid_range, *decl.find("min"), label + " has `min` greater than `max`",
                "make `min` at most `max`");
      ok = false;
    }
    if (const node* n = decl.find("rounding"); n && !fixed) {
      auto t = s.r.text(*n, "`rounding` of " + label);
      auto r = t ? parse_rounding(*t) : std::nullopt;
      if (t && !r) {
        s.r.error(error_code::invalid_value, *n, "unknown rounding `" + *t + "` in " + label,
                  "roundings: `down`, `up`, `half_up`, `half_even`");
      }
      if (r) a.rounding = *r;
      ok = r.has_value() && ok;
    }
    // Failed amounts still take their slot so later references resolve (and are not re-reported).
    (void)ok;
    out.push_back(std::move(a));
  }
}

}  // namespace aftersale::load
