// SPDX-License-Identifier: Apache-2.0
// The decision tables as C++: per table, one function testing its rules in order (each rule an
// `if` over its conditions under a `// file:line: rule` comment), one building a selected
// rule's outcome, and `decide_<table>` applying the hit policy exactly as src/decide/decide.cpp.
#include <algorithm>
#include <functional>
#include <numeric>

#include "codegen/emit.hpp"
#include "model/semantics.hpp"

namespace aftersale::codegen {

namespace {

struct context {
  const policy& p;
  const policy_names& n;
  const codegen_options& o;
};

std::string where_text(const context& c, const source_span& where) {
  std::string file = where.file;
  if (c.p.source && file == c.p.source->file && !c.o.source_name.empty()) file = c.o.source_name;
  return file + ":" + std::to_string(where.line);
}

// The rule's conditions, cheapest first (and-ed, without side effects: the order cannot change
// whether the rule matches).
std::string rule_condition(const context& c, const rule& r, const std::vector<std::uint8_t>& dropped) {
  std::vector<std::size_t> order(r.conditions.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const condition& ca = r.conditions[a];
    const condition& cb = r.conditions[b];
    const int xa = ca.fact < c.p.facts.size() ? condition_cost(ca, c.p.facts[ca.fact]) : 0;
    const int xb = cb.fact < c.p.facts.size() ? condition_cost(cb, c.p.facts[cb.fact]) : 0;
    return xa < xb;
  });
  std::string out;
  for (const std::size_t i : order) {
    const condition& cond = r.conditions[i];
    if (cond.fact < dropped.size() && dropped[cond.fact]) continue;  // the enclosing group tested it
    // A condition on no fact of the policy sees an absent value (decide.cpp's trace does too).
    const std::string e = cond.fact < c.p.facts.size()
                              ? condition_expr(cond, c.p.facts[cond.fact], c.n.facts[cond.fact],
                                               table_fact_access(c.p, c.n, cond.fact))
                              : (cond.op == condition_op::missing ? "true" : "false");
    if (e == "true") continue;
    if (e == "false") return "false";
    out += (out.empty() ? "" : " && ") + e;
  }
  return out.empty() ? "true" : out;
}

std::string vocab_constant(std::string_view type, const std::vector<std::string>& names, std::uint32_t i) {
  return std::string(type) + "::" + names[i];
}

void emit_outcome(code_writer& w, const context& c, std::uint32_t t) {
  const decision_table& table = c.p.decisions[t];
  const table_names& tn = c.n.tables[t];
  w.line("");
  w.comment("What rule `rule` of table `" + table.id + "` prescribes, with its amounts and deadlines.");
  w.open("inline void " + tn.outcome_function +
         "(rule_match& m, std::uint32_t rule, const request& r, aftersale::sys_seconds now)");
  w.line("(void)r;");
  w.line("(void)now;");
  w.line("m.rule = rule;");
  w.open("switch (rule)");
  amount_access access;
  access.fact_count = static_cast<std::uint32_t>(c.p.facts.size());
  access.fact = [&](std::uint32_t i) { return table_fact_access(c.p, c.n, i); };
  access.amounts = "m.amount_slots";
  for (std::uint32_t i = 0; i < table.rules.size(); ++i) {
    const rule& rl = table.rules[i];
    const rule_outcome& then = rl.then;
    w.open("case " + std::to_string(i) + ":");
    w.comment(where_text(c, rl.where) + ": " + rl.id);
    w.line("m.rule_id = " + cpp_string(rl.id) + ";");
    const vocabulary& v = c.p.vocabulary;
    if (then.solution < v.solutions.size())
      w.line("m.solution = " + vocab_constant("solution", c.n.solutions, then.solution) + ";");
    if (then.fee_payer < v.parties.size())
      w.line("m.fee_payer = " + vocab_constant("party", c.n.parties, then.fee_payer) + ";");
    if (!then.evidence.empty()) {
      std::string list;
      for (const std::uint32_t e : then.evidence)
        if (e < v.evidence.size())
          list += (list.empty() ? "" : ", ") + vocab_constant("evidence", c.n.evidence, e);
      w.line("static constexpr " + c.n.qualified + "evidence evidence[] = {" + list + "};");
      w.line("m.evidence = {evidence, " + std::to_string(then.evidence.size()) + "};");
    }
    if (then.escalation < v.roles.size())
      w.line("m.escalation = " + vocab_constant("role", c.n.roles, then.escalation) + ";");
    if (then.remark_flag < v.flags.size())
      w.line("m.remark_flag = " + vocab_constant("flag", c.n.flags, then.remark_flag) + ";");
    if (!then.remark.empty()) w.line("m.remark = " + text_literal(c.p, then.remark) + ";");
    if (!then.steps.empty()) {
      w.open("static constexpr std::string_view steps[] =");
      for (const localized_text& s : then.steps) w.line(text_literal(c.p, s) + ",");
      w.close("};");
      w.line("m.steps = {steps, " + std::to_string(then.steps.size()) + "};");
    }
    if (!then.customer_label.empty())
      w.line("m.customer_label = " + text_literal(c.p, then.customer_label) + ";");
    if (!then.agent_label.empty()) w.line("m.agent_label = " + text_literal(c.p, then.agent_label) + ";");
    if (!then.flow.empty()) w.line("m.flow = " + cpp_string(then.flow) + ";");
    for (std::size_t a = 0; a < then.amounts.size(); ++a) {
      const std::string slot = "m.amount_slots[" + std::to_string(a) + "]";
      w.line(slot + ".name = " + cpp_string(then.amounts[a].name) + ";");
      emit_amount(w, then.amounts, a, access, slot);
    }
    if (!then.amounts.empty()) w.line("m.amount_count = " + std::to_string(then.amounts.size()) + ";");
    std::size_t d = 0;
    for (const std::uint32_t k : then.clocks) {
      if (k >= c.p.clocks.size())
        continue;  // the loader resolves every clock (deadlines.cpp skips others too)
      const clock_def& clk = c.p.clocks[k];
      w.line("m.deadline_slots[" + std::to_string(d++) + "] = {clock::" + c.n.clocks[k] + ", " +
             add_on_calendar_expr(c.p, c.n, clk.calendar, "now", clk.within) + "};");
    }
    if (d != 0) w.line("m.deadline_count = " + std::to_string(d) + ";");
    w.line("break;");
    w.close();
  }
  w.close();
  w.close();
}

void emit_derived_locals(code_writer& w, const context& c, const decision_table& table, bool& uses_now) {
  uses_now = false;
  for (const std::uint32_t f : derived_needed(c.p, table)) {
    w.line(derived_declaration(c.p, c.n, f));
    if (c.p.facts[f].derive != derivation::map) uses_now = true;
  }
}

// --- grouping: rules split by the value of one enum fact, each group in rule order.
//
// For a value v of enum fact f (or f absent), only the rules whose conditions on f accept v can
// match; testing those, in their order, gives the same first match (and the same matches in the
// same order) as testing every rule. The generated code switches on f and tests each group with
// its conditions on f left out. Worth it when the groups are much smaller than the table.

// True when every condition of `r` on fact `f` holds for `value` (nullopt: f absent).
bool accepts(const rule& r, std::uint32_t f, std::optional<std::int64_t> value) {
  for (const condition& c : r.conditions)
    if (c.fact == f && !detail::condition_holds(c, value.has_value(), value.value_or(0))) return false;
  return true;
}

struct grouping {
  std::uint32_t fact = npos;
  bool absent_branch = false;  // the fact may be absent (no default)
};

grouping pick_grouping(const context& c, const decision_table& t, const std::vector<std::uint32_t>& rules,
                       const std::vector<std::uint8_t>& dropped) {
  grouping best;
  if (rules.size() < 8) return best;
  double best_cost = 0;
  for (std::uint32_t f = 0; f < c.p.facts.size(); ++f) {
    const fact_def& fd = c.p.facts[f];
    if (fd.type != fact_type::enumeration || fd.values.empty() || fd.values.size() > 256 || dropped[f])
      continue;
    bool mentioned = false;
    for (const std::uint32_t r : rules)
      for (const condition& cond : t.rules[r].conditions) mentioned = mentioned || cond.fact == f;
    if (!mentioned) continue;
    // A required fact is never absent here: decide_<table> refuses the request before (E303).
    const bool absent = !fd.default_value && !(fd.required && fd.derive == derivation::none);
    std::size_t copies = 0;
    std::size_t branches = fd.values.size() + (absent ? 1 : 0);
    for (const std::uint32_t r : rules) {
      for (std::size_t v = 0; v < fd.values.size(); ++v)
        copies += accepts(t.rules[r], f, static_cast<std::int64_t>(v));
      if (absent) copies += accepts(t.rules[r], f, std::nullopt);
    }
    // Rules tested on average per request (values equally likely), and the code it costs.
    const double tested = static_cast<double>(copies) / static_cast<double>(branches);
    if (tested > 0.6 * static_cast<double>(rules.size()) || copies > 3 * rules.size() + 64) continue;
    if (best.fact == npos || tested < best_cost) {
      best.fact = f;
      best.absent_branch = absent;
      best_cost = tested;
    }
  }
  return best;
}

// `action(i)`: the statement run when rule i matches (`return ...;` or `hits[n++] = i;`).
// Returns true when the code written always returns (a `first` group ending in a rule without
// conditions left).
bool emit_tests(code_writer& w, const context& c, const decision_table& t,
                const std::vector<std::uint32_t>& rules, std::vector<std::uint8_t>& dropped,
                const std::function<std::string(std::uint32_t)>& action, int depth) {
  const grouping g = depth < 2 ? pick_grouping(c, t, rules, dropped) : grouping{};
  if (g.fact == npos) {
    for (const std::uint32_t i : rules) {
      const rule& rl = t.rules[i];
      w.comment(where_text(c, rl.where) + ": " + rl.id);
      const std::string cond = rule_condition(c, rl, dropped);
      if (cond == "false") {
        w.comment("(cannot match here)");
        continue;
      }
      if (cond == "true") {
        w.line(action(i));
        if (action(i).rfind("return", 0) == 0) {
          if (i != rules.back()) w.comment("(the rules after it in this group cannot be reached)");
          return true;
        }
        continue;
      }
      w.line("if (" + cond + ") " + action(i));
    }
    return false;
  }
  const fact_def& f = c.p.facts[g.fact];
  const fact_names& fn = c.n.facts[g.fact];
  const fact_access a = table_fact_access(c.p, c.n, g.fact);
  auto group_of = [&](std::optional<std::int64_t> v) {
    std::vector<std::uint32_t> out;
    for (const std::uint32_t r : rules)
      if (accepts(t.rules[r], g.fact, v)) out.push_back(r);
    return out;
  };
  dropped[g.fact] = 1;
  w.comment("By `" + f.name + "`: each group holds the rules that value can match, in rule order.");
  if (g.absent_branch) {
    w.open("if (!" + a.present + ")");
    emit_tests(w, c, t, group_of(std::nullopt), dropped, action, depth + 1);
    w.close("} else {");
    w.indent();
  } else if (a.present != "true") {
    w.comment("(`" + f.name + "` is required: never absent here)");
  }
  w.open("switch (" + a.value + ")");
  for (std::size_t v = 0; v < f.values.size(); ++v) {
    w.open("case " + fn.enum_type + "::" + fn.enumerators[v] + ":");
    if (!emit_tests(w, c, t, group_of(static_cast<std::int64_t>(v)), dropped, action, depth + 1))
      w.line("break;");
    w.close();
  }
  w.close();
  if (g.absent_branch) w.close();
  dropped[g.fact] = 0;
  return false;
}

void emit_match_function(code_writer& w, const context& c, std::uint32_t t, bool first) {
  const decision_table& table = c.p.decisions[t];
  const table_names& tn = c.n.tables[t];
  w.line("");
  if (first) {
    w.comment("Table `" + table.id + "`: the first rule whose conditions all hold, in rule order.");
    w.open("inline std::optional<" + tn.rule_enum + "> first_" + tn.function.substr(7) +
           "(const request& r, aftersale::sys_seconds now)");
  } else {
    w.comment("Table `" + table.id +
              "`: every rule whose conditions all hold, in rule order, into `hits`;\n"
              "returns how many.");
    w.open("inline std::size_t all_" + tn.function.substr(7) +
           "(const request& r, aftersale::sys_seconds now, std::uint32_t* hits)");
  }
  bool uses_now = false;
  emit_derived_locals(w, c, table, uses_now);
  if (!uses_now) w.line("(void)now;");
  w.line("(void)r;");
  if (!first) w.line("std::size_t n = 0;");
  std::vector<std::uint32_t> rules(table.rules.size());
  std::iota(rules.begin(), rules.end(), 0u);
  std::vector<std::uint8_t> dropped(c.p.facts.size(), 0);
  auto action = [&](std::uint32_t i) {
    return first ? "return " + tn.rule_enum + "::" + tn.rules[i] + ";"
                 : "hits[n++] = " + std::to_string(i) + ";";
  };
  emit_tests(w, c, table, rules, dropped, action, 0);
  w.line(first ? "return std::nullopt;" : "return n;");
  w.close();
}

std::string u32_list(const std::vector<std::uint32_t>& v) {
  std::string out;
  for (const std::uint32_t x : v) out += (out.empty() ? "" : ", ") + std::to_string(x) + "u";
  return out;
}

// Solution priority: declaration order; a rule without a solution comes last (npos).
std::vector<std::uint32_t> priorities(const decision_table& t) {
  std::vector<std::uint32_t> out;
  for (const rule& r : t.rules) out.push_back(r.then.solution);
  return out;
}

// Per rule, the first rule with the same outcome (`same_outcome`): `any` agrees when all match.
std::vector<std::uint32_t> outcome_groups(const decision_table& t) {
  std::vector<std::uint32_t> out(t.rules.size());
  for (std::uint32_t i = 0; i < t.rules.size(); ++i) {
    out[i] = i;
    for (std::uint32_t j = 0; j < i; ++j) {
      if (out[j] == j && detail::same_outcome(t.rules[i].then, t.rules[j].then)) {
        out[i] = j;
        break;
      }
    }
  }
  return out;
}

void emit_aggregate(code_writer& w, const decision_table& t) {
  const table_aggregate& a = t.aggregate;
  if (a.op == aggregate_op::none) return;
  w.open("if (d.status != decision_status::conflict)");
  if (a.op == aggregate_op::count) {
    w.comment("aggregate: count of the selected rules");
    w.line("d.aggregate = static_cast<std::int64_t>(d.matches.size());");
    w.close();
    return;
  }
  w.comment("aggregate: " + std::string(to_string(a.op)) + " of amount `" + a.output +
            "` over the selected rules; absent when one of them has none");
  std::vector<std::uint32_t> at;
  for (std::uint32_t r = 0; r < t.rules.size(); ++r) at.push_back(r < a.amount.size() ? a.amount[r] : npos);
  w.line("static constexpr std::uint32_t output_of[] = {" + u32_list(at) + "};");
  w.line("std::int64_t out = 0;");
  w.line("bool known = !d.matches.empty();");
  w.open("for (std::size_t i = 0; i < d.matches.size() && known; ++i)");
  w.line("const rule_match& m = d.matches[i];");
  w.line("const std::uint32_t k = output_of[m.rule];");
  w.open("if (k >= m.amount_count || !m.amount_slots[k].present)");
  w.line("known = false;");
  w.line("break;");
  w.close();
  w.line("const std::int64_t v = m.amount_slots[k].value;");
  w.open("if (i == 0)");
  w.line("out = v;");
  if (a.op == aggregate_op::min) {
    w.close("} else if (v < out) {");
    w.indent();
    w.line("out = v;");
  } else if (a.op == aggregate_op::max) {
    w.close("} else if (v > out) {");
    w.indent();
    w.line("out = v;");
  } else {
    w.close("} else if (__builtin_add_overflow(out, v, &out)) {");
    w.indent();
    w.line("throw aftersale::request_error(aftersale::error_code::aggregate_overflow, \"\", " +
           cpp_string("the sum of amount `" + a.output + "` over the selected rules of table `" + t.id +
                      "` overflows 64-bit minor units") +
           ");");
  }
  w.close();
  w.close();
  w.line("if (known) d.aggregate = out;");
  w.close();
}

void emit_table(code_writer& w, const context& c, std::uint32_t t) {
  const decision_table& table = c.p.decisions[t];
  const table_names& tn = c.n.tables[t];
  const std::string short_name = tn.function.substr(7);
  w.line("");
  std::string doc = "Decides table `" + table.id + "` (hit policy `" +
                    std::string(to_string(table.hit_policy)) + "`, " + std::to_string(table.rules.size()) +
                    " rules, " + where_text(c, table.where) + ").";
  if (!table.description.empty()) doc += "\n" + table.description;
  w.comment(doc);
  w.open("inline decision " + tn.function + "(const request& r, aftersale::sys_seconds now)");
  w.line("detail::check_request(r);");
  w.line("decision d;");
  w.line("d.table = " + std::to_string(t) + ";");
  w.line("d.table_id = " + cpp_string(table.id) + ";");
  if (table.hit_policy == hit_policy::first) {
    w.open("if (const std::optional<" + tn.rule_enum + "> hit = detail::first_" + short_name + "(r, now))");
    w.line("d.status = decision_status::matched;");
    w.line("detail::" + tn.outcome_function + "(d.matches.add(), static_cast<std::uint32_t>(*hit), r, now);");
    w.close();
    emit_aggregate(w, table);
    w.line("return d;");
    w.close();
    return;
  }
  w.line("std::array<std::uint32_t, " + std::to_string(table.rules.size()) + "> hits;");
  w.line("std::size_t n = detail::all_" + short_name + "(r, now, hits.data());");
  w.line("d.status = decision_status::matched;");
  switch (table.hit_policy) {
    case hit_policy::unique:
      w.line("if (n > 1) d.status = decision_status::conflict;  // unique: more than one rule matched");
      break;
    case hit_policy::priority:
      w.comment("priority: the rule with the first solution in declaration order; ties go to rule order");
      w.line("static constexpr std::uint32_t priority[] = {" + u32_list(priorities(table)) + "};");
      w.open("if (n > 1)");
      w.line("std::uint32_t best = hits[0];");
      w.line("for (std::size_t i = 1; i < n; ++i)");
      w.line("  if (priority[hits[i]] < priority[best]) best = hits[i];");
      w.line("hits[0] = best;");
      w.line("n = 1;");
      w.close();
      break;
    case hit_policy::any:
      w.comment("any: the matching rules must prescribe the same outcome (then one answers)");
      w.line("static constexpr std::uint32_t outcome_group[] = {" + u32_list(outcome_groups(table)) + "};");
      w.line("bool agree = true;");
      w.line(
          "for (std::size_t i = 1; i < n; ++i) agree = agree && outcome_group[hits[i]] == "
          "outcome_group[hits[0]];");
      w.open("if (!agree)");
      w.line("d.status = decision_status::conflict;");
      w.close("} else if (n > 1) {");
      w.indent();
      w.line("n = 1;");
      w.close();
      break;
    case hit_policy::output_order:
      w.comment("output_order: by solution in declaration order, ties in rule order");
      w.line("static constexpr std::uint32_t priority[] = {" + u32_list(priorities(table)) + "};");
      w.line("std::stable_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n),");
      w.line("                 [](std::uint32_t a, std::uint32_t b) { return priority[a] < priority[b]; });");
      break;
    case hit_policy::collect:
    case hit_policy::rule_order:
    case hit_policy::first:
      break;
  }
  w.line("if (n == 0) d.status = decision_status::no_match;");
  w.line("for (std::size_t i = 0; i < n; ++i) detail::" + tn.outcome_function +
         "(d.matches.add(), hits[i], r, now);");
  emit_aggregate(w, table);
  w.line("return d;");
  w.close();
}

}  // namespace

std::string text_literal(const policy& p, const localized_text& t) { return cpp_string(p.text(t)); }

void emit_decide(code_writer& w, const policy& p, const policy_names& n, const codegen_options& o) {
  const context c{p, n, o};
  w.line("");
  w.line("namespace detail {");
  for (std::uint32_t t = 0; t < p.decisions.size(); ++t) {
    emit_outcome(w, c, t);
    emit_match_function(w, c, t, p.decisions[t].hit_policy == hit_policy::first);
  }
  w.line("}  // namespace detail");
  for (std::uint32_t t = 0; t < p.decisions.size(); ++t) emit_table(w, c, t);
  w.line("");
  w.comment("Decides the policy's entry table.");
  w.open("inline decision decide(const request& r, aftersale::sys_seconds now)");
  if (p.info.entry < p.decisions.size()) {
    w.line("return " + n.tables[p.info.entry].function + "(r, now);");
  } else {
    w.line("(void)r;");
    w.line("(void)now;");
    w.line("throw aftersale::request_error(aftersale::error_code::unknown_decision, \"\", " +
           cpp_string("policy `" + p.info.id + "` has no entry decision table") + ");");
  }
  w.close();
}

}  // namespace aftersale::codegen
