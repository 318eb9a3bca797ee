// SPDX-License-Identifier: Apache-2.0
// Derived facts (src/decide/derive.cpp) and what `bind` checks (src/decide/request.cpp), for
// the typed request of the generated header; and how a table function reads a fact.
#include <algorithm>

#include "codegen/emit.hpp"
#include "model/semantics.hpp"

namespace aftersale::codegen {

namespace {

std::string derived_local(const fact_names& n) { return "derived_" + n.field; }

// Fact `i` as a std::optional of its generated type, inside a table function.
std::string optional_of(const policy& p, const policy_names& n, std::uint32_t i) {
  const fact_def& f = p.facts[i];
  const fact_names& fn = n.facts[i];
  if (f.derive != derivation::none) return derived_local(fn);
  if (!f.default_value) return "r." + fn.field;
  return "std::optional<" + value_type(f, fn) + ">{r." + fn.field + ".value_or(" +
         typed_constant(f, fn, *f.default_value) + ")}";
}

void collect_facts(const std::vector<condition>& conditions, std::vector<std::uint8_t>& used) {
  for (const condition& c : conditions)
    if (c.fact < used.size()) used[c.fact] = 1;
}

void emit_derive_function(code_writer& w, const policy& p, const policy_names& n, std::uint32_t i) {
  const fact_def& f = p.facts[i];
  const fact_names& fn = n.facts[i];
  const std::string type = value_type(f, fn);
  w.line("");
  if (f.source >= p.facts.size()) {
    w.comment("Derived fact `" + f.name + "`: its source is unknown, so it never has a value.");
    w.open("inline std::optional<" + type + "> " + fn.derive_function + "()");
    w.line("return std::nullopt;");
    w.close();
    return;
  }
  const fact_def& src = p.facts[f.source];
  const fact_names& sn = n.facts[f.source];
  const std::string src_type = value_type(src, sn);
  switch (f.derive) {
    case derivation::none:
      return;
    case derivation::days_since:
    case derivation::hours_since: {
      const bool days = f.derive == derivation::days_since;
      const bool on_calendar = days && f.calendar < p.calendars.size();
      w.comment("Derived fact `" + f.name + "`: " +
                (on_calendar ? "local calendar dates on `" + p.calendars[f.calendar].id() + "`"
                             : std::string(days ? "whole elapsed 24-hour days" : "whole elapsed hours")) +
                " from `" + src.name + "` to now (negative for a future source).");
      w.open("inline std::optional<" + type + "> " + fn.derive_function + "(const std::optional<" + src_type +
             ">& source, aftersale::sys_seconds now)");
      w.line("if (!source) return std::nullopt;");
      if (on_calendar) {
        w.line("return " + n.calendars[f.calendar] + "().local_days_between(*source, now);");
      } else {
        w.line("return whole_units_since(*source, now, " + std::string(days ? "86400" : "3600") + ");");
      }
      w.close();
      return;
    }
    case derivation::map: {
      w.comment("Derived fact `" + f.name + "`: `" + src.name + "` mapped value by value.");
      w.open("inline std::optional<" + type + "> " + fn.derive_function + "(const std::optional<" + src_type +
             ">& source)");
      w.line("if (!source) return std::nullopt;");
      w.open("switch (*source)");
      for (std::size_t v = 0; v < f.mapping.size() && v < sn.enumerators.size(); ++v) {
        const std::int32_t to = f.mapping[v];
        if (to < 0 || static_cast<std::size_t>(to) >= fn.enumerators.size()) continue;
        w.line("case " + sn.enum_type + "::" + sn.enumerators[v] + ": return " + fn.enum_type +
               "::" + fn.enumerators[static_cast<std::size_t>(to)] + ";");
      }
      w.line("default: return std::nullopt;");
      w.close();
      w.close();
      return;
    }
  }
}

}  // namespace

fact_access table_fact_access(const policy& p, const policy_names& n, std::uint32_t i) {
  const fact_def& f = p.facts[i];
  const fact_names& fn = n.facts[i];
  fact_access a;
  if (f.derive != derivation::none) {
    a.present = derived_local(fn);
    a.value = "*" + derived_local(fn);
    a.optional = derived_local(fn);
    return a;
  }
  const std::string field = "r." + fn.field;
  if (!f.default_value) {
    a.present = field;
    a.value = "*" + field;
    a.optional = field;
    return a;
  }
  a.present = "true";
  if (f.type == fact_type::string) {
    a.value = "(" + field + " ? std::string_view(*" + field + ") : std::string_view(" +
              typed_constant(f, fn, *f.default_value) + "))";
  } else {
    a.value = field + ".value_or(" + typed_constant(f, fn, *f.default_value) + ")";
  }
  return a;
}

std::vector<std::uint32_t> derived_needed(const policy& p, const decision_table& t) {
  std::vector<std::uint8_t> used(p.facts.size(), 0);
  for (const rule& r : t.rules) collect_facts(r.conditions, used);
  // Sources of derived facts, to a fixed point (a derived fact's source may be derived).
  for (bool more = true; more;) {
    more = false;
    for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
      const fact_def& f = p.facts[i];
      if (!used[i] || f.derive == derivation::none || f.source >= p.facts.size() || used[f.source]) continue;
      used[f.source] = 1;
      more = true;
    }
  }
  // Declaration order puts every source first: the loader refuses a map of a later derived fact.
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < p.facts.size(); ++i)
    if (used[i] && p.facts[i].derive != derivation::none) out.push_back(i);
  return out;
}

std::string derived_declaration(const policy& p, const policy_names& n, std::uint32_t i) {
  const fact_def& f = p.facts[i];
  const fact_names& fn = n.facts[i];
  std::string call;
  if (f.source >= p.facts.size()) {
    call = "detail::" + fn.derive_function + "()";
  } else if (f.derive == derivation::map) {
    call = "detail::" + fn.derive_function + "(" + optional_of(p, n, f.source) + ")";
  } else {
    call = "detail::" + fn.derive_function + "(" + optional_of(p, n, f.source) + ", now)";
  }
  return "const std::optional<" + value_type(f, fn) + "> " + derived_local(fn) + " = " + call + ";";
}

void emit_derived(code_writer& w, const policy& p, const policy_names& n) {
  for (std::uint32_t i = 0; i < p.facts.size(); ++i)
    if (p.facts[i].derive != derivation::none) emit_derive_function(w, p, n, i);
}

void emit_request_check(code_writer& w, const policy& p, const policy_names& n) {
  w.line("");
  w.comment(
      "What `aftersale::bind` refuses in a typed request (its types rule out the rest): negative\n"
      "money (E305) and values outside a fact's range (E306), in fact-name order, then the\n"
      "required facts left empty (E303) in declaration order; every problem at once.");
  w.open("inline void check_request(const request& r)");
  w.line("std::vector<aftersale::request_problem> problems;");
  bool reads_request = false;
  std::vector<std::uint32_t> by_name;
  for (std::uint32_t i = 0; i < p.facts.size(); ++i)
    if (p.facts[i].derive == derivation::none) by_name.push_back(i);
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return p.facts[a].name < p.facts[b].name; });
  for (const std::uint32_t i : by_name) {
    const fact_def& f = p.facts[i];
    const fact_names& fn = n.facts[i];
    const std::string v = "*r." + fn.field;
    const std::string name = cpp_string(f.name);
    const bool negative = f.type == fact_type::money;
    const bool ranged = (f.min || f.max) && (f.type == fact_type::integer || f.type == fact_type::money ||
                                             f.type == fact_type::decimal);
    if (!negative && !ranged) continue;
    reads_request = true;
    std::string prefix = "if";
    if (negative) {
      w.open("if (r." + fn.field + " && " + v + " < 0)");
      w.line("problems.push_back({aftersale::error_code::negative_money, " + name + ", " +
             cpp_string("fact `" + f.name + "` is money and cannot be negative: was given ") +
             " + std::to_string(" + v + ") + \" (minor units)\", {}});");
      prefix = "} else if";
    }
    if (ranged) {
      std::string outside;
      if (f.min) outside = v + " < " + cpp_int64(*f.min);
      if (f.max) outside += (outside.empty() ? "" : " || ") + v + " > " + cpp_int64(*f.max);
      const std::string text = f.type == fact_type::money ? "format_money(" + v + ")"
                               : f.type == fact_type::decimal
                                   ? "format_decimal(" + v + ", " + std::to_string(f.scale) + ")"
                                   : "std::to_string(" + v + ")";
      if (negative) w.dedent();
      w.open(prefix + " (r." + fn.field + " && (" + outside + "))");
      w.line("problems.push_back({aftersale::error_code::out_of_range, " + name + ", " +
             cpp_string("fact `" + f.name + "` is ") + " + " + text + " + " +
             cpp_string(": its range is " + aftersale::detail::range_text(f)) + ", {}});");
    }
    w.close();
  }
  for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (!f.required || f.derive != derivation::none) continue;
    reads_request = true;
    w.line("if (!r." + n.facts[i].field + ") problems.push_back({aftersale::error_code::missing_fact, " +
           cpp_string(f.name) + ", " + cpp_string("required fact `" + f.name + "` is missing") + ", {}});");
  }
  if (!reads_request) w.line("(void)r;");
  w.line("if (problems.empty()) return;");
  w.line("std::size_t omitted = 0;");
  w.open("if (problems.size() > aftersale::request_error::max_problems)");
  w.line("omitted = problems.size() - aftersale::request_error::max_problems;");
  w.line("problems.erase(problems.begin() + aftersale::request_error::max_problems, problems.end());");
  w.close();
  w.line("throw aftersale::request_error(std::move(problems), omitted);");
  w.close();
}

}  // namespace aftersale::codegen
