// SPDX-License-Identifier: Apache-2.0
// Reads `decisions:`: tables of rules with their conditions and outcomes.
#include <algorithm>
#include <string>
#include <unordered_set>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

std::optional<hit_policy> parse_hit_policy(std::string_view t) {
  for (hit_policy h : {hit_policy::unique, hit_policy::first, hit_policy::priority, hit_policy::any,
                       hit_policy::collect, hit_policy::rule_order, hit_policy::output_order}) {
    if (to_string(h) == t) return h;
  }
  return std::nullopt;
}

std::vector<std::string> clock_names(const policy& p) {
  std::vector<std::string> out;
  for (const auto& c : p.clocks) out.push_back(c.id);
  return out;
}

void read_ids(build_state& s, const node& n, const std::vector<vocabulary_entry>& list, std::string_view kind,
              std::vector<std::uint32_t>& out) {
  if (!s.r.expect(n, node::kind::sequence, "`" + std::string(kind) + "`")) return;
  for (const node& item : n.children) {
    const std::uint32_t i = resolve_vocabulary(s, item, list, kind);
    if (i != npos) out.push_back(i);
  }
}

void read_then(build_state& s, const node& then, rule& r) {
  const std::string label = "`then` of rule `" + r.id + "`";
  if (!s.r.expect(then, node::kind::mapping, label)) return;
  s.r.check_keys(then, label,
                 {"solution", "steps", "fee_payer", "evidence", "escalation", "remark", "clocks", "amounts",
                  "labels", "flow"},
                 {"solution"});
  rule_outcome& o = r.then;
  const vocabulary& v = s.p.vocabulary;
  if (const node* n = then.find("solution")) o.solution = resolve_vocabulary(s, *n, v.solutions, "solutions");
  if (const node* n = then.find("steps");
      n && s.r.expect(*n, node::kind::sequence, "`steps` of rule `" + r.id + "`")) {
    for (const node& step : n->children) {
      if (auto t = s.r.localized(step, "a step of rule `" + r.id + "`")) o.steps.push_back(std::move(*t));
    }
  }
  if (const node* n = then.find("fee_payer")) {
    if (!(n->is_scalar() && !n->quoted && n->value == "none")) {
      o.fee_payer = resolve_vocabulary(s, *n, v.parties, "parties");
    }
  }
  if (const node* n = then.find("evidence")) read_ids(s, *n, v.evidence, "evidence", o.evidence);
  if (const node* n = then.find("escalation")) o.escalation = resolve_vocabulary(s, *n, v.roles, "roles");
  if (const node* n = then.find("remark");
      n && s.r.expect(*n, node::kind::mapping, "`remark` of rule `" + r.id + "`")) {
    s.r.check_keys(*n, "`remark`", {"flag", "text"});
    if (const node* flag = n->find("flag")) o.remark_flag = resolve_vocabulary(s, *flag, v.flags, "flags");
    if (const node* text = n->find("text")) {
      if (auto t = s.r.localized(*text, "the remark text of rule `" + r.id + "`")) o.remark = std::move(*t);
    }
  }
  if (const node* n = then.find("clocks");
      n && s.r.expect(*n, node::kind::sequence, "`clocks` of rule `" + r.id + "`")) {
    for (const node& item : n->children) {
      if (!s.r.expect(item, node::kind::scalar, "a clock reference")) continue;
      auto it = std::find_if(s.p.clocks.begin(), s.p.clocks.end(),
                             [&](const clock_def& c) { return c.id == item.value; });
      if (it != s.p.clocks.end()) {
        o.clocks.push_back(static_cast<std::uint32_t>(it - s.p.clocks.begin()));
      } else if (!quiet(s.broken_clocks, item.value)) {
        s.r.error(error_code::unknown_id, item, "unknown clock `" + item.value + "` in rule `" + r.id + "`",
                  suggest(item.value, clock_names(s.p), "declared clocks: " + quote_list(clock_names(s.p))));
      }
    }
  }
  if (const node* n = then.find("amounts")) read_amounts(s, *n, o.amounts);
  if (const node* n = then.find("labels");
      n && s.r.expect(*n, node::kind::mapping, "`labels` of rule `" + r.id + "`")) {
    s.r.check_keys(*n, "`labels`", {"customer", "agent"});
    if (const node* t = n->find("customer"))
      o.customer_label =
          s.r.localized(*t, "the customer label of rule `" + r.id + "`").value_or(localized_text{});
    if (const node* t = n->find("agent"))
      o.agent_label = s.r.localized(*t, "the agent label of rule `" + r.id + "`").value_or(localized_text{});
  }
  if (const node* n = then.find("flow")) {
    o.flow = s.r.text(*n, "`flow` of rule `" + r.id + "`").value_or("");
    const bool known = std::find(s.flow_names.begin(), s.flow_names.end(), o.flow) != s.flow_names.end();
    if (n->is_scalar() && s.flow_names_known && !known) {
      s.r.error(error_code::unknown_id, *n, "unknown flow `" + o.flow + "` in rule `" + r.id + "`",
                suggest(o.flow, s.flow_names, "declared flows: " + quote_list(s.flow_names)));
    }
  }
}

// `ids`: the rule ids of `t` so far (a scan per rule would be quadratic in the table).
void read_rule(build_state& s, const node& n, decision_table& t, std::unordered_set<std::string>& ids) {
  if (!s.r.expect(n, node::kind::mapping, "a rule of table `" + t.id + "`")) return;
  rule r;
  r.where = s.r.span(n);
  const node* id = n.find("id");
  const std::string label =
      id && id->is_scalar() ? "rule `" + id->value + "`" : "a rule of table `" + t.id + "`";
  s.r.check_keys(n, label, {"id", "description", "when", "then", "safeguard"}, {"id", "then"});
  if (id) {
    if (auto v = s.r.id(*id, "a rule id")) {
      if (!ids.insert(*v).second) {
        s.r.error(error_code::duplicate_id, *id,
                  "rule `" + *v + "` is declared twice in table `" + t.id + "`",
                  "give every rule of a table its own id");
      }
      r.id = *v;
    } else if (id->is_scalar()) {
      r.id = id->value;
    }
  }
  if (const node* d = n.find("description"))
    r.description = s.r.text(*d, "the description of " + label).value_or("");
  if (const node* g = n.find("safeguard"))
    r.safeguard = s.r.boolean(*g, "`safeguard` of " + label).value_or(false);
  if (const node* w = n.find("when")) read_when(s, *w, "rule `" + r.id + "`", r.conditions);
  if (const node* then = n.find("then")) read_then(s, *then, r);
  t.rules.push_back(std::move(r));
}

std::optional<aggregate_op> parse_aggregate_op(std::string_view t) {
  for (aggregate_op op : {aggregate_op::sum, aggregate_op::min, aggregate_op::max, aggregate_op::count}) {
    if (to_string(op) == t) return op;
  }
  return std::nullopt;
}

// `aggregate: {op: sum, output: compensation}` of table `t`, read after its rules: every rule
// must compute the output (E226), which must be an amount (E227), of a `collect` table (E225).
void read_aggregate(build_state& s, const node& n, decision_table& t,
                    const std::vector<const node*>& rule_nodes) {
  const std::string label = "`aggregate` of table `" + t.id + "`";
  if (!s.r.expect(n, node::kind::mapping, label)) return;
  s.r.check_keys(n, label, {"op", "output"}, {"op"});
  if (t.hit_policy != hit_policy::collect) {
    s.r.error(error_code::aggregate_misplaced, n,
              "`aggregate` applies to `collect` tables, table `" + t.id + "` is `" +
                  std::string(to_string(t.hit_policy)) + "`",
              "declare `hit_policy: collect`, or remove `aggregate`");
    return;
  }
  const node* op_node = n.find("op");
  if (!op_node) return;
  const std::optional<std::string> op_text = s.r.text(*op_node, "the op of " + label);
  if (!op_text) return;
  const std::optional<aggregate_op> op = parse_aggregate_op(*op_text);
  if (!op) {
    s.r.error(error_code::aggregate_misplaced, *op_node,
              "unknown aggregate `" + *op_text + "` in table `" + t.id + "`",
              "aggregates: `sum`, `min`, `max` (of an amount), `count` (of the selected rules)");
    return;
  }
  const node* output = n.find("output");
  if (*op == aggregate_op::count) {
    if (output) {
      s.r.error(error_code::aggregate_misplaced, *output,
                "`count` counts the selected rules of table `" + t.id + "` and takes no `output`",
                "remove `output`, or use `sum`, `min` or `max` over it");
      return;
    }
    t.aggregate.op = *op;
    t.aggregate.where = s.r.span(n);
    return;
  }
  if (!output) {
    s.r.error(error_code::missing_key, n, "missing key `output` in " + label,
              "name the amount to " + *op_text + ": `output: compensation`");
    return;
  }
  const std::optional<std::string> name = s.r.text(*output, "the output of " + label);
  if (!name) return;
  static const std::vector<std::string> fields = {"solution", "steps",  "fee_payer", "evidence", "escalation",
                                                  "remark",   "clocks", "labels",    "flow"};
  if (std::find(fields.begin(), fields.end(), *name) != fields.end()) {
    s.r.error(error_code::aggregate_type, *output,
              "`" + *op_text + "` needs a number, output `" + *name + "` of table `" + t.id + "` is not one",
              "aggregate an amount the rules compute under `amounts:`");
    return;
  }
  std::vector<std::uint32_t> index(t.rules.size(), npos);
  std::vector<std::string> known;
  for (std::size_t r = 0; r < t.rules.size(); ++r) {
    const std::vector<amount_rule>& amounts = t.rules[r].then.amounts;
    for (std::size_t a = 0; a < amounts.size(); ++a) {
      if (amounts[a].name == *name) index[r] = static_cast<std::uint32_t>(a);
      if (std::find(known.begin(), known.end(), amounts[a].name) == known.end())
        known.push_back(amounts[a].name);
    }
  }
  if (std::all_of(index.begin(), index.end(), [](std::uint32_t i) { return i == npos; })) {
    s.r.error(error_code::aggregate_output, *output,
              "no rule of table `" + t.id + "` computes amount `" + *name + "`",
              known.empty() ? std::string("the rules compute no amounts: add one under `amounts:`")
                            : "amounts the rules compute: " + quote_list(known));
    return;
  }
  bool every = true;
  for (std::size_t r = 0; r < t.rules.size(); ++r) {
    if (index[r] != npos) continue;
    every = false;
    const rule& rl = t.rules[r];
    const node* then = r < rule_nodes.size() ? rule_nodes[r]->find("then") : nullptr;
    s.r.error(error_code::aggregate_output,
              then                    ? *then
              : r < rule_nodes.size() ? *rule_nodes[r]
                                      : n,
              "rule `" + rl.id + "` of table `" + t.id + "` computes no amount `" + *name +
                  "`, which the table " +
                  (*op == aggregate_op::sum   ? "sums"
                   : *op == aggregate_op::min ? "takes the least of"
                                              : "takes the greatest of"),
              "every rule says what it contributes: add `" + *name +
                  ": {fixed: 0}` under its `amounts:` if nothing");
  }
  if (!every) return;
  t.aggregate.op = *op;
  t.aggregate.output = *name;
  t.aggregate.amount = std::move(index);
  t.aggregate.where = s.r.span(n);
}

// `rules_before`: the rules of the tables before this one; on return, with this table's too.
void read_table(build_state& s, const node& key, const node& decl, std::size_t& rules_before) {
  auto id = s.r.id(key, "a decision table id");
  const std::string label = "table `" + key.value + "`";
  if (!s.r.expect(decl, node::kind::mapping, label)) return;
  s.r.check_keys(decl, label, {"hit_policy", "aggregate", "description", "rules", "intended_gaps"},
                 {"rules"});
  decision_table t;
  t.id = id.value_or(key.value);
  t.where = s.r.span(key);
  if (const node* h = decl.find("hit_policy")) {
    auto text = s.r.text(*h, "the hit policy of " + label);
    auto hp = text ? parse_hit_policy(*text) : std::nullopt;
    if (text && !hp) {
      s.r.error(
          error_code::invalid_value, *h, "unknown hit policy `" + *text + "` in " + label,
          "hit policies: `unique`, `first`, `priority`, `any`, `collect`, `rule_order`, `output_order`");
    }
    if (hp) t.hit_policy = *hp;
  }
  if (const node* d = decl.find("description"))
    t.description = s.r.text(*d, "the description of " + label).value_or("");
  if (const node* rules = decl.find("rules");
      rules && s.r.expect(*rules, node::kind::sequence, "`rules` of " + label)) {
    if (rules->children.empty()) {
      s.r.error(error_code::empty_table, *rules, label + " has no rules",
                "add at least one rule under `rules:`");
    }
    // The budget is checked before a rule is read; past it, no later table's rules are read.
    const bool within = rules_before <= s.limits.max_rules &&
                        within_budget(s, *rules, rules_before + rules->children.size(), s.limits.max_rules,
                                      "rules (in the tables up to " + label + ")", "max_rules");
    rules_before += rules->children.size();
    if (within) {
      t.rules.reserve(rules->children.size());
      std::unordered_set<std::string> ids;
      for (const node& r : rules->children) read_rule(s, r, t, ids);
    }
  }
  if (const node* a = decl.find("aggregate")) {
    std::vector<const node*> rule_nodes;  // the node of each rule read, as t.rules
    if (const node* rules = decl.find("rules"); rules && rules->what == node::kind::sequence) {
      for (const node& r : rules->children)
        if (r.what == node::kind::mapping) rule_nodes.push_back(&r);
    }
    read_aggregate(s, *a, t, rule_nodes);
  }
  if (const node* gaps = decl.find("intended_gaps")) read_intended_gaps(s, *gaps, t);
  s.p.decisions.push_back(std::move(t));
}

}  // namespace

void read_decisions(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `decisions` section")) return;
  if (section.pairs() == 0) {
    s.r.error(error_code::empty_table, section, "the policy has no decision tables",
              "declare at least one table under `decisions:`");
  }
  std::size_t rules = 0;
  for (std::size_t i = 0; i < section.pairs(); ++i) read_table(s, section.key(i), section.val(i), rules);
}

}  // namespace aftersale::load
