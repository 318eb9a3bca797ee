// SPDX-License-Identifier: Apache-2.0
// A flow case: opens a case (through the decision, or directly in a flow), then applies its
// steps (events, `advance`) and checks the case after each (the checks
// tests/case/flow_corpus_test.cpp made, reported as mismatches at their lines).
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "load/reader.hpp"
#include "testing/case_context.hpp"

namespace aftersale::testing::detail {

namespace {

using load::node;

class flow_runner {
 public:
  flow_runner(case_context& ctx, const node& c) : ctx_(ctx), p_(*ctx.p), c_(c) {}

  void run() {
    now_ = ctx_.now_of(c_);
    service_case sc = open();
    if (sc.policy_ptr() == nullptr) return;  // reported
    flow_ = &sc.flow();
    // Coverage counts what the case fired up to where it stopped, also when a step cannot run.
    try {
      if (const node* e = c_.find("opened")) check(*e, sc, {});
      if (const node* steps = c_.find("steps")) {
        for (const node& step : steps->children) run_step(step, sc);
      }
      if (const node* e = c_.find("end")) check(*e, sc, {});
    } catch (...) {
      ctx_.hit.note(sc);
      throw;
    }
    ctx_.hit.note(sc);
  }

 private:
  // The flow the case names (its own `flow`, else the file's), or nullptr.
  const node* flow_node() const { return c_.find("flow") ? c_.find("flow") : ctx_.suite.flow; }

  service_case open() {
    const request r = ctx_.facts_of(c_);
    const node* named = flow_node();
    if (named && !p_.find_flow(named->value)) {
      std::vector<std::string> known;
      for (const auto& f : p_.flows) known.push_back(f.id);
      ctx_.error(*named, "unknown flow " + q(named->value),
                 known.empty() ? "the policy has no flows" : "flows: " + load::quote_list(known));
    }
    const node* facts_at = c_.find("facts") ? c_.find("facts") : &c_;
    const node* open = c_.find("open");
    try {
      if (open && open->value == "flow") {
        bound_request facts = bind(p_, r);
        derive_facts(p_, facts, now_);
        return open_case(ctx_.p, named->value, facts, now_);
      }
      const node* table_node = c_.find("table");
      if (table_node && !p_.find_decision(table_node->value)) {
        std::vector<std::string> known;
        for (const auto& t : p_.decisions) known.push_back(t.id);
        ctx_.error(*table_node, "unknown table " + q(table_node->value),
                   "tables: " + load::quote_list(known));
      }
      const std::string table = table_node ? table_node->value : p_.decisions.at(p_.info.entry).id;
      const decision d = decide(ctx_.p, table, r, now_);
      ctx_.hit.note(d);
      if (!d.matched()) {
        ctx_.fail(open ? *open : c_, "the decision", "to match and open the case",
                  q(std::string(to_string(d.status()))), explain(d));
        return {};
      }
      if (d.first_rule().then.flow.empty()) {
        ctx_.fail(open ? *open : c_, "rule " + q(std::string(d.rule_id())), "to name a flow", "none",
                  explain(d));
        return {};
      }
      service_case opened = open_case(d, now_);
      if (named && opened.flow().id != named->value) {
        ctx_.fail(*named, "flow", q(named->value),
                  q(opened.flow().id) + " (opened by rule " + q(std::string(d.rule_id())) + ")");
        return {};
      }
      return opened;
    } catch (const request_error& e) {
      ctx_.error(*facts_at, std::string("the facts do not fit the policy: ") + e.what());
    } catch (const error& e) {
      ctx_.fail_text(c_, std::string("cannot open the case: ") + e.what());
    }
    return {};
  }

  const fact_def* variable(const std::string& name) const {
    for (const auto& v : flow_->variables)
      if (v.name == name) return &v;
    return nullptr;
  }

  // Test files write `none` for "no escalation" / "no flag".
  static std::string id_or_none(std::string_view id) { return id.empty() ? "none" : std::string(id); }

  // The encoded value a test expects for a fact or variable (see fact_def), or an error.
  std::int64_t encoded(const fact_def& def, const node& n) const {
    std::optional<std::int64_t> v;
    switch (def.type) {
      case fact_type::boolean:
        if (auto b = load::parse_bool(n)) v = *b ? 1 : 0;
        break;
      case fact_type::enumeration:
      case fact_type::string: {
        const auto it = std::find(def.values.begin(), def.values.end(), n.value);
        if (it != def.values.end()) v = it - def.values.begin();
        break;
      }
      case fact_type::timestamp:
        if (auto t = parse_timestamp(n.value)) v = t->time_since_epoch().count();
        break;
      case fact_type::duration:
        if (auto d = parse_duration(n.value)) v = d->count();
        break;
      default:
        if (!n.quoted) v = load::parse_integer(n.value);
        break;
    }
    if (!v) {
      ctx_.error(n, q(n.value) + " is not a value of " + q(def.name),
                 def.values.empty() ? "a " + std::string(to_string(def.type)) + " value"
                                    : "values: " + load::quote_list(def.values));
    }
    return *v;
  }

  // Checks the case against an expectation mapping; `outcomes`: what the step produced.
  void check(const node& expect, const service_case& c, const std::vector<outcome>& outcomes) {
    if (const node* n = expect.find("state"); n && n->value != c.state_id()) {
      ctx_.fail(*n, "state", q(n->value), q(std::string(c.state_id())));
    }
    if (const node* n = expect.find("phase")) {
      const std::string got(to_string(c.phase()));
      if (n->value != got) ctx_.fail(*n, "phase", q(n->value), q(got));
    }
    if (const node* n = expect.find("escalation"); n && n->value != id_or_none(c.escalation_id())) {
      ctx_.fail(*n, "escalation", q(n->value), q(id_or_none(c.escalation_id())));
    }
    if (const node* n = expect.find("remark"); n && n->value != id_or_none(c.remark_flag_id())) {
      ctx_.fail(*n, "remark", q(n->value), q(id_or_none(c.remark_flag_id())));
    }
    const std::string locale = ctx_.locale_of(c_);
    const policy& p = c.source_policy();
    ctx_.check_texts(c_, expect, c.remark(locale), p.text(c.state().customer_label, locale),
                     p.text(c.state().agent_label, locale));
    if (const node* n = expect.find("actions")) {
      std::vector<std::string> want, got;
      for (const auto& a : n->children) want.push_back(a.value);
      for (const auto& o : outcomes)
        for (const auto& a : o.actions()) got.push_back(a.name);
      if (want != got) ctx_.fail(*n, "actions", list_text(want), list_text(got));
    }
    if (const node* n = expect.find("fired")) {
      const auto fired =
          std::count_if(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.accepted(); });
      if (*load::parse_integer(n->value) != fired) ctx_.fail(*n, "fired", n->value, std::to_string(fired));
    }
    if (const node* vars = expect.find("variables")) {
      for (std::size_t i = 0; i < vars->pairs(); ++i) {
        const std::string& name = vars->key(i).value;
        const node& want = vars->val(i);
        const fact_def* def = variable(name);
        if (!def) def = ctx_.fact(name);
        if (!def) {
          std::vector<std::string> known;
          for (const auto& v : flow_->variables) known.push_back(v.name);
          ctx_.error(vars->key(i), "unknown variable " + q(name),
                     known.empty() ? "the flow has no variables" : "variables: " + load::quote_list(known));
        }
        const auto got = c.value(name);
        const std::string got_text = got ? std::to_string(*got) : "absent";
        if (want.is_null() || (!want.quoted && want.value == "absent")) {
          if (got) ctx_.fail(want, "variable " + q(name), "absent", got_text);
          continue;
        }
        const std::int64_t v = encoded(*def, want);
        if (!got || *got != v) {
          const bool shown_raw = std::to_string(v) == want.value;
          ctx_.fail(want, "variable " + q(name),
                    shown_raw ? want.value : want.value + " (" + std::to_string(v) + ")", got_text);
        }
      }
    }
    if (const node* clocks = expect.find("clocks")) {
      for (std::size_t i = 0; i < clocks->pairs(); ++i) {
        const std::string& name = clocks->key(i).value;
        const auto clock = p_.find_clock(name);
        if (!clock) {
          std::vector<std::string> known;
          for (const auto& k : p_.clocks) known.push_back(k.id);
          ctx_.error(clocks->key(i), "unknown clock " + q(name), "clocks: " + load::quote_list(known));
        }
        const case_clock* slot = c.find_clock(*clock);
        const std::string got = slot ? std::string(to_string(slot->state)) : "none";
        if (clocks->val(i).value != got)
          ctx_.fail(clocks->val(i), "clock " + q(name), q(clocks->val(i).value), q(got));
      }
    }
    if (const node* n = expect.find("next_deadline")) {
      const auto got = next_deadline(c);
      const std::string got_text = got ? ctx_.local(*got) : "none";
      if (is_none(*n)) {
        if (got) ctx_.fail(*n, "next_deadline", "none", q(got_text));
      } else if (const auto want = case_context::time_of(*n); !got || *got != want) {
        ctx_.fail(*n, "next_deadline", q(ctx_.local(want)), got ? q(got_text) : got_text);
      }
    }
  }

  // An unknown role or event is a typo in the test unless the step expects that refusal.
  void check_names(const node& step, const std::string& event, const std::string& role) {
    const node* expect = step.find("expect");
    const node* refused = expect ? expect->find("refused") : nullptr;
    const std::string expected_refusal = refused ? refused->value : "";
    const auto& roles = p_.vocabulary.roles;
    if (expected_refusal != "unknown_role" && entry_index(roles, role) == npos) {
      std::vector<std::string> known;
      for (const auto& r : roles) known.push_back(r.id);
      ctx_.error(*step.find("as"), "unknown role " + q(role), "roles: " + load::quote_list(known));
    }
    const auto& events = flow_->events;
    if (expected_refusal != "unknown_event" && event != "close" && event != "reopen" &&
        std::find(events.begin(), events.end(), event) == events.end()) {
      ctx_.error(*step.find("event"), "flow " + q(flow_->id) + " has no event " + q(event),
                 events.empty() ? "the flow has no events" : "events: " + load::quote_list(events));
    }
  }

  void run_step(const node& step, service_case& c) {
    static const node empty = [] {
      node n;
      n.what = node::kind::mapping;
      return n;
    }();
    const node& expect = step.find("expect") ? *step.find("expect") : empty;
    std::vector<outcome> outcomes;
    if (const node* adv = step.find("advance")) {
      now_ = case_context::time_of(*adv);
      outcomes = advance(c, now_);
      check(expect, c, outcomes);
      check_snapshot(step, c);
      return;
    }
    if (const node* when = step.find("at")) now_ = case_context::time_of(*when);
    event e;
    e.name = step.find("event")->value;
    e.actor_role = step.find("as")->value;
    check_names(step, e.name, e.actor_role);
    if (const node* id = step.find("id")) e.id = id->value;
    if (const node* payload = step.find("payload")) {
      for (std::size_t i = 0; i < payload->pairs(); ++i) {
        const std::string& name = payload->key(i).value;
        e.payload.set(name, case_context::value_of(variable(name), payload->val(i)));
      }
    }
    const service_case before = c;
    outcomes.push_back(apply(c, e, now_));
    const outcome& o = outcomes.back();
    const std::string what = q(e.name) + " as " + q(e.actor_role);
    auto result_text = [&] {
      return o.result() == outcome::status::refused ? "refused " + std::string(to_string(o.reason()))
                                                    : std::string(to_string(o.result()));
    };
    if (const node* n = expect.find("refused")) {
      if (o.result() != outcome::status::refused || o.reason() != refusal_of(n->value)) {
        ctx_.fail(*n, what, "refused " + n->value, result_text() + " (" + o.message() + ")");
      }
      if (c != before) ctx_.fail_text(*n, what + " was refused but changed the case");
    } else if (const node* dup = expect.find("duplicate"); dup && *load::parse_bool(*dup)) {
      if (o.result() != outcome::status::duplicate) {
        ctx_.fail(*dup, what, "duplicate", result_text() + " (" + o.message() + ")");
      }
      if (c != before) ctx_.fail_text(*dup, what + " was a duplicate but changed the case");
    } else if (!o.accepted()) {
      ctx_.fail(*step.find("event"), what, "accepted", result_text() + " (" + o.message() + ")");
    }
    check(expect, c, outcomes);
    check_snapshot(step, c);
  }

  static refusal refusal_of(const std::string& text) {
    for (auto r :
         {refusal::unknown_event, refusal::unknown_role, refusal::role_not_allowed, refusal::guard_failed,
          refusal::case_closed, refusal::wrong_phase, refusal::bad_payload, refusal::time_went_back}) {
      if (to_string(r) == text) return r;
    }
    return refusal::none;
  }

  // Every step's case survives a snapshot: restored, it equals the case and writes the same
  // text; the next step continues from the restored case, as a host restarted between steps.
  void check_snapshot(const node& step, service_case& c) {
    if (!ctx_.options.check_snapshots) return;
    try {
      const std::string json = to_json(c);
      service_case back = from_json(ctx_.p, json);
      if (back != c) ctx_.fail_text(step, "the case restored from its snapshot differs from the case");
      if (to_json(back) != json) ctx_.fail_text(step, "the snapshot of the restored case differs");
      c = std::move(back);
    } catch (const error& e) {
      ctx_.fail_text(step, std::string("snapshot: ") + e.what());
    }
  }

  case_context& ctx_;
  const policy& p_;
  const node& c_;
  const flow_def* flow_ = nullptr;
  sys_seconds now_{};
};

}  // namespace

void run_flow_case(case_context& ctx, const node& c) { flow_runner(ctx, c).run(); }

}  // namespace aftersale::testing::detail
