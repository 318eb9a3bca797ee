// SPDX-License-Identifier: Apache-2.0
// Every name of the generated header, decided once in declaration order (so the same policy
// always gets the same names).
#include "codegen/emit.hpp"

namespace aftersale::codegen {

namespace {

// `base` + `_suffix` without making `__`.
std::string suffixed(const std::string& base, std::string_view suffix) {
  return base + (base.back() == '_' ? "" : "_") + std::string(suffix);
}

// `prefix_` + `base` without making `__`.
std::string prefixed(std::string_view prefix, const std::string& base) {
  return std::string(prefix) + "_" + (base.front() == '_' ? base.substr(1) : base);
}

std::vector<std::string> enumerators(const std::vector<vocabulary_entry>& list) {
  name_scope scope;
  std::vector<std::string> out;
  for (const vocabulary_entry& e : list) out.push_back(scope.take(e.id));
  return out;
}

}  // namespace

policy_names name_policy(const policy& p) {
  policy_names n;
  // The generator's own names in the namespace and its `detail`, taken before any id.
  for (std::string_view own : {"request",
                               "decision",
                               "rule_match",
                               "amount",
                               "deadline",
                               "list_view",
                               "match_list",
                               "decision_status",
                               "solution",
                               "party",
                               "role",
                               "evidence",
                               "flag",
                               "clock",
                               "decide",
                               "reflect",
                               "detail",
                               "flows",
                               "policy_hash",
                               "policy_id",
                               "policy_version",
                               "generator_version",
                               "max_amounts",
                               "max_deadlines",
                               "to_string",
                               "aftersale",
                               "wide",
                               "rounding_mode",
                               "divide",
                               "saturate",
                               "add_saturating",
                               "add_utc",
                               "whole_units_since",
                               "check_request",
                               "format_money",
                               "format_decimal",
                               "no_text",
                               "canonical_text",
                               "request_from_encoded",
                               "decide_table",
                               "table_count",
                               "quoted",
                               "id_line",
                               "text_line"}) {
    n.scope.reserve(own);
  }
  // A data member may have its class's name when the class declares no constructor
  // ([class.mem]): a fact `request` is `r.request`.
  name_scope request_scope;
  for (const fact_def& f : p.facts) {
    fact_names fn;
    const std::string base = cpp_name(f.name);
    fn.field = request_scope.take(f.name);
    if (f.type == fact_type::enumeration) {
      fn.enum_type = n.scope.take_exact(suffixed(base, "value"));
      name_scope values;
      for (const std::string& v : f.values) fn.enumerators.push_back(values.take(v));
    }
    if (f.derive != derivation::none) fn.derive_function = n.scope.take_exact(prefixed("derive", base));
    n.facts.push_back(std::move(fn));
  }
  n.solutions = enumerators(p.vocabulary.solutions);
  n.parties = enumerators(p.vocabulary.parties);
  n.roles = enumerators(p.vocabulary.roles);
  n.evidence = enumerators(p.vocabulary.evidence);
  n.flags = enumerators(p.vocabulary.flags);
  {
    name_scope clocks;
    for (const clock_def& c : p.clocks) n.clocks.push_back(clocks.take(c.id));
  }
  for (const business_calendar& c : p.calendars)
    n.calendars.push_back(n.scope.take_exact(prefixed("calendar", cpp_name(c.id()))));
  for (const decision_table& t : p.decisions) {
    table_names tn;
    const std::string base = cpp_name(t.id);
    tn.function = n.scope.take_exact(prefixed("decide", base));
    tn.rule_enum = n.scope.take_exact(suffixed(base, "rule"));
    tn.outcome_function = n.scope.take_exact(prefixed("outcome", base));
    name_scope rules;
    for (const rule& r : t.rules) tn.rules.push_back(rules.take(r.id));
    n.tables.push_back(std::move(tn));
  }
  return n;
}

}  // namespace aftersale::codegen
