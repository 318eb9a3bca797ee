// SPDX-License-Identifier: Apache-2.0
// Reads one item of a transition's `effects:`: set, record, start/stop/pause/resume/reset, emit,
// remark, escalate.
#include <algorithm>

#include "load/flow_read.hpp"

namespace aftersale::load {

namespace {

constexpr std::string_view effect_keys[] = {"set",    "record", "start", "stop",   "pause",
                                            "resume", "reset",  "emit",  "remark", "escalate"};

std::vector<std::string> variable_names(const flow_context& c, std::optional<fact_type> only = std::nullopt) {
  std::vector<std::string> out;
  for (std::uint32_t i = c.first_variable; i < c.s.p.facts.size(); ++i) {
    if (!only || c.s.p.facts[i].type == *only) out.push_back(c.s.p.facts[i].name);
  }
  return out;
}

// A flow variable by name: its index in `flow_def::variables`, npos after reporting.
std::uint32_t resolve_variable(flow_context& c, const node& n, std::string_view what) {
  build_state& s = c.s;
  if (!s.r.expect(n, node::kind::scalar, "a variable name in " + std::string(what))) return npos;
  const std::uint32_t i = fact_id(s, n.value);
  if (i != npos && i >= c.first_variable) return i - c.first_variable;
  if (i == npos && quiet(s.broken_facts, n.value)) return npos;
  s.r.error(error_code::unknown_id, n,
            i != npos
                ? "`" + n.value + "` in " + std::string(what) + " is a fact of the request, not a variable"
                : "unknown variable `" + n.value + "` in " + std::string(what),
            suggest(i != npos ? std::string() : n.value, variable_names(c),
                    "variables of " + c.label() + ": " + quote_list(variable_names(c))));
  return npos;
}

void read_set(flow_context& c, const node& n, std::vector<effect>& out) {
  if (!c.s.r.expect(n, node::kind::mapping, "`set`")) return;
  if (n.pairs() == 0) {
    c.s.r.error(error_code::missing_key, n, "`set` names no variable", "write `set: {variable: value}`");
  }
  for (std::size_t i = 0; i < n.pairs(); ++i) {
    const std::uint32_t v = resolve_variable(c, n.key(i), "`set`");
    if (v == npos) continue;
    auto value = read_fact_value(c.s, c.first_variable + v, n.val(i));
    if (!value) continue;
    effect e;
    e.kind = effect_kind::set_variable;
    e.target = v;
    e.value = *value;
    e.where = c.s.r.span(n.key(i));
    out.push_back(std::move(e));
  }
}

// `record: {refund_amount: {of: amount, ratio: 1/1}}`: one money variable, one amount rule read
// by the decision tables' amount reader (its operands may name facts and variables).
void read_record(flow_context& c, const node& n, std::vector<effect>& out) {
  build_state& s = c.s;
  if (!s.r.expect(n, node::kind::mapping, "`record`")) return;
  if (n.pairs() != 1) {
    s.r.error(n.pairs() == 0 ? error_code::missing_key : error_code::invalid_value, n,
              n.pairs() == 0 ? "`record` names no variable" : "`record` names more than one variable",
              "write one `record` effect per variable: `record: {refund_amount: {of: amount}}`");
    return;
  }
  const node& key = n.key(0);
  const std::uint32_t v = resolve_variable(c, key, "`record`");
  if (v == npos) return;
  const fact_def& var = s.p.facts[c.first_variable + v];
  if (var.type != fact_type::money) {
    s.r.error(
        error_code::type_mismatch, key,
        "`record` computes money, variable `" + var.name + "` is of type " + std::string(to_string(var.type)),
        "money variables: " + quote_list(variable_names(c, fact_type::money)));
    return;
  }
  // The amount takes the variable's name, so the amount reader reports it as "named like a fact";
  // that one message is dropped: here it is intended, and the name still resolves to the variable
  // (a record may use the variable's current value: `{of: total, minus: 100}`).
  std::vector<amount_rule> rules;
  std::vector<diagnostic>& diags = s.r.diagnostics();
  const std::size_t errors_before = diags.size();
  read_amounts(s, n, rules);
  const source_span key_at = s.r.span(key);
  diags.erase(std::remove_if(diags.begin() + static_cast<std::ptrdiff_t>(errors_before), diags.end(),
                             [&](const diagnostic& d) {
                               return d.code == error_code::duplicate_id && d.where == key_at;
                             }),
              diags.end());
  if (rules.size() != 1 || diags.size() != errors_before) return;
  effect e;
  e.kind = effect_kind::record_amount;
  e.target = v;
  e.amount = std::move(rules);
  e.where = s.r.span(key);
  out.push_back(std::move(e));
}

void read_clock_effect(flow_context& c, const node& n, clock_action action, std::string_view key,
                       std::vector<effect>& out) {
  const std::vector<node> one{n};
  for (const node& item : n.is_sequence() ? n.children : one) {
    const std::uint32_t clock = resolve_clock(c.s, item, "`" + std::string(key) + "`");
    if (clock == npos) continue;
    effect e;
    e.kind = effect_kind::clock;
    e.clock_op = action;
    e.target = clock;
    e.where = c.s.r.span(item);
    out.push_back(std::move(e));
  }
}

void read_args(build_state& s, const node& n, effect& e) {
  if (!s.r.expect(n, node::kind::mapping, "`args` of `emit`")) return;
  for (std::size_t i = 0; i < n.pairs(); ++i) {
    auto k = s.r.id(n.key(i), "an argument name of `emit`");
    auto v = s.r.text(n.val(i), "the value of an argument of `emit`");
    if (k && v) e.args.emplace_back(*k, *v);
  }
}

// `emit: name`, `emit: name` with `args:` beside it, or `emit: {name: x, args: {...}}`.
void read_emit(flow_context& c, const node& item, const node& n, std::vector<effect>& out) {
  build_state& s = c.s;
  effect e;
  e.kind = effect_kind::emit;
  e.where = s.r.span(item);
  const node* name = &n;
  const node* args = item.find("args");
  if (n.is_mapping()) {
    s.r.check_keys(n, "`emit`", {"name", "args"}, {"name"});
    name = n.find("name");
    if (args && n.find("args")) {
      s.r.error(error_code::duplicate_key, *args, "`args` is given twice for one `emit`",
                "write the arguments once, inside `emit:` or beside it");
    }
    if (const node* inner = n.find("args")) args = inner;
    if (name == nullptr) return;
  }
  auto action = s.r.id(*name, "the action of `emit`");
  if (args) read_args(s, *args, e);
  if (!action) return;
  e.action = *action;
  out.push_back(std::move(e));
}

void read_remark(flow_context& c, const node& item, const node& n, std::vector<effect>& out) {
  build_state& s = c.s;
  if (!s.r.expect(n, node::kind::mapping, "`remark`")) return;
  s.r.check_keys(n, "`remark`", {"flag", "text"});
  if (n.pairs() == 0) {
    s.r.error(error_code::missing_key, n, "`remark` sets neither a flag nor a text",
              "write `remark: {flag: blue, text: ...}`");
    return;
  }
  effect e;
  e.kind = effect_kind::remark;
  e.where = s.r.span(item);
  if (const node* flag = n.find("flag")) {
    e.target = resolve_vocabulary(s, *flag, s.p.vocabulary.flags, "flags");
    if (e.target == npos) return;
  }
  if (const node* text = n.find("text")) {
    auto t = s.r.localized(*text, "the remark text of " + c.label());
    if (!t) return;
    e.text = std::move(*t);
  }
  out.push_back(std::move(e));
}

void read_escalate(flow_context& c, const node& item, const node& n, std::vector<effect>& out) {
  build_state& s = c.s;
  effect e;
  e.kind = effect_kind::escalate;
  e.where = s.r.span(item);
  if (n.is_scalar() && !n.quoted && n.value == "next") {
    if (s.p.vocabulary.escalation_ladder.empty() && s.broken_vocabulary.count("roles:*") == 0) {
      s.r.error(error_code::unknown_id, n, "`escalate: next` needs an escalation ladder",
                "declare `vocabulary.escalation_ladder: [agent, specialist, supervisor, platform]`");
      return;
    }
    out.push_back(std::move(e));  // target npos: one rung up the ladder
    return;
  }
  e.target = resolve_vocabulary(s, n, s.p.vocabulary.roles, "roles");
  if (e.target != npos) out.push_back(std::move(e));
}

}  // namespace

void read_effect(flow_context& c, const node& item, std::vector<effect>& out) {
  build_state& s = c.s;
  if (!s.r.expect(item, node::kind::mapping, "an effect")) return;
  const node* key = nullptr;
  int kinds = 0;
  for (std::size_t i = 0; i < item.pairs(); ++i) {
    const node& k = item.key(i);
    if (k.is_scalar() &&
        std::find(std::begin(effect_keys), std::end(effect_keys), k.value) != std::end(effect_keys)) {
      key = key ? key : &k;
      ++kinds;
    }
  }
  if (key && key->value == "emit") {
    s.r.check_keys(item, "an effect", {"emit", "args"});
  } else {
    s.r.check_keys(
        item, "an effect",
        {"set", "record", "start", "stop", "pause", "resume", "reset", "emit", "remark", "escalate"});
  }
  if (kinds != 1) {
    s.r.error(
        kinds == 0 ? error_code::missing_key : error_code::invalid_value, item,
        kinds == 0 ? "an effect names no action" : "an effect names more than one action",
        "write one per list item: `set`, `record`, `start`, `stop`, `pause`, `resume`, `reset`, `emit`, "
        "`remark` or `escalate`");
    return;
  }
  const node& value = *item.find(key->value);
  const std::string_view k = key->value;
  if (k == "set") return read_set(c, value, out);
  if (k == "record") return read_record(c, value, out);
  if (k == "start") return read_clock_effect(c, value, clock_action::start, k, out);
  if (k == "stop") return read_clock_effect(c, value, clock_action::stop, k, out);
  if (k == "pause") return read_clock_effect(c, value, clock_action::pause, k, out);
  if (k == "resume") return read_clock_effect(c, value, clock_action::resume, k, out);
  if (k == "reset") return read_clock_effect(c, value, clock_action::reset, k, out);
  if (k == "emit") return read_emit(c, item, value, out);
  if (k == "remark") return read_remark(c, item, value, out);
  read_escalate(c, item, value, out);
}

}  // namespace aftersale::load
