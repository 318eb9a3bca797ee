// SPDX-License-Identifier: Apache-2.0
// Loading flows: a representative flow with every field checked, the structure hash, and each
// load error with its exact position and code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/load.hpp>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/compiled.hpp"

namespace {

using namespace aftersale;
using ::testing::ElementsAre;
using ::testing::Pair;

// Everything before `flows:`; kept at a fixed number of lines (see `at`).
constexpr const char* head = R"(format: 1
policy: {id: flows_test, version: "2026.2", entry: main, calendar: cn_store}
vocabulary:
  solutions: [refund]
  roles: [customer, agent, specialist, supervisor, platform, system]
  flags: [blue, red]
  escalation_ladder: [agent, specialist, supervisor, platform]
facts:
  amount: {type: money}
  customer_tier: {type: enum, values: [normal, vip]}
calendars:
  cn_store:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  first_response: {within: {hours: 2}}
  unused: {within: {days: 3}}
  return_shipment_follow_up: {within: {hours: 48}}
  contact_after_refund_request: {within: {business_hours: 24}}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: refund_before_picking}}
)";
constexpr int head_lines = 23;

constexpr const char* representative = R"(flows:
  refund_before_picking:
    description: refund of an order not yet picked
    start: submitted
    variables:
      refund_amount: {type: money}
      inspection_ok: {type: bool, default: false}
      note: {type: string}
    states:
      submitted:
        agent: {zh: 已提交, en: submitted}
        customer: {zh: 退款中, en: refunding}
        on_entry:
          start: [first_response]
          stop: [contact_after_refund_request]
      reviewed:
        agent: 已审核
        customer: {zh: 退款中, en: refunding}
      awaiting_return:
        phase: waiting_on_customer
        on_entry: {pause: first_response, start: [return_shipment_follow_up]}
      follow_up: {}
      escalated_review: {on_entry: {resume: [first_response]}}
      refunded: {agent: {zh: 已退款, en: refunded}, customer: {zh: 已退款, en: refunded}, terminal: true}
    transitions:
      - from: submitted
        event: approve
        to: reviewed
        when: {amount: {le: 50000}, inspection_ok: true}
        roles: [agent, specialist, supervisor]
        description: manual review approves
        effects:
          - set: {inspection_ok: true, note: checked}
          - record: {refund_amount: {of: amount, ratio: 1/2}}
          - start: first_response
          - emit: phone_follow_up
          - {emit: extend_receipt_deadline, args: {by: 10d}}
          - remark: {flag: blue, text: return agreed}
          - escalate: supervisor
      - from: submitted
        event: approve
        to: escalated_review
        when: {amount: {gt: 50000}}
        roles: [supervisor]
      - from: submitted
        auto: true
        when: {customer_tier: vip}
        to: reviewed
      - from: [reviewed, escalated_review]
        event: request_return
        to: awaiting_return
      - from: awaiting_return
        after: {clock: return_shipment_follow_up}
        to: follow_up
        effects: [{emit: phone_follow_up}, {escalate: next}]
      - from: follow_up
        after: {business_hours: 24, calendar: cn_store}
        to: escalated_review
      - from: [awaiting_return, follow_up]
        event: receive_return
        to: refunded
        effects: [{stop: return_shipment_follow_up}, {emit: {name: refund, args: {amount: full}}}]
      - from: escalated_review
        event: approve
        to: refunded
    close_roles: [agent, supervisor, system]
    reopen: {to: submitted, roles: [customer, agent, supervisor]}
    migrations:
      - from_version: "2026.1"
        states: {old_state: reviewed}
)";

std::shared_ptr<const policy> load(const std::string& flows) {
  return load_policy_string(std::string(head) + flows, "t.yaml");
}

const flow_def& only_flow(const policy& p) {
  EXPECT_EQ(p.flows.size(), 1u);
  return p.flows.at(0);
}

// `t.yaml:L:C: error[CODE]` of each diagnostic of a load that must fail.
std::vector<std::string> errors(const std::string& flows, const std::string& head_text = head) {
  try {
    load_policy_string(head_text + flows, "t.yaml");
  } catch (const policy_error& e) {
    std::vector<std::string> out;
    for (const diagnostic& d : e.diagnostics()) {
      const std::string text = to_string(d);
      out.push_back(text.substr(0, text.find(']') + 1));
    }
    return out;
  }
  return {"loaded"};
}

// The expected prefix for line `line` of the flows text (1 = `flows:`).
std::string at(int line, int column, const char* code) {
  return "t.yaml:" + std::to_string(head_lines + line) + ":" + std::to_string(column) + ": error[" + code +
         "]";
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(flow_load, HeadHasTheLineCountTheTestsAssume) {
  const std::string h = head;
  EXPECT_EQ(std::count(h.begin(), h.end(), '\n'), head_lines);
}

TEST(flow_load, StatesWithLabelsPhasesAndEntryActions) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  EXPECT_EQ(f.id, "refund_before_picking");
  EXPECT_EQ(f.description, "refund of an order not yet picked");
  EXPECT_EQ(f.where, (source_span{"t.yaml", head_lines + 2, 3}));
  ASSERT_EQ(f.states.size(), 6u);
  EXPECT_EQ(f.start, 0u);
  const state_def& submitted = f.states[0];
  EXPECT_EQ(submitted.id, "submitted");
  EXPECT_EQ(submitted.where, (source_span{"t.yaml", head_lines + 10, 7}));
  EXPECT_THAT(submitted.agent_label.by_locale, ElementsAre(Pair("zh", "已提交"), Pair("en", "submitted")));
  EXPECT_EQ(submitted.customer_label.text("en"), "refunding");
  EXPECT_EQ(submitted.phase, state_phase::active);
  EXPECT_FALSE(submitted.terminal);
  // Entry actions in the fixed order stop, pause, resume, start, whatever the written order.
  ASSERT_EQ(submitted.on_entry.size(), 2u);
  EXPECT_EQ(submitted.on_entry[0].action, clock_action::stop);
  EXPECT_EQ(submitted.on_entry[0].clock, *p->find_clock("contact_after_refund_request"));
  EXPECT_EQ(submitted.on_entry[0].where, (source_span{"t.yaml", head_lines + 15, 18}));
  EXPECT_EQ(submitted.on_entry[1].action, clock_action::start);
  EXPECT_EQ(submitted.on_entry[1].clock, *p->find_clock("first_response"));

  EXPECT_THAT(f.states[1].agent_label.by_locale, ElementsAre(Pair("", "已审核")));
  EXPECT_EQ(f.states[1].agent_label.text("en"), "已审核");
  const state_def& awaiting = f.states[2];
  EXPECT_EQ(awaiting.phase, state_phase::waiting_on_customer);
  ASSERT_EQ(awaiting.on_entry.size(), 2u);
  EXPECT_EQ(awaiting.on_entry[0].action, clock_action::pause);
  EXPECT_EQ(awaiting.on_entry[1].action, clock_action::start);
  EXPECT_EQ(awaiting.on_entry[1].clock, *p->find_clock("return_shipment_follow_up"));
  EXPECT_TRUE(f.states[3].agent_label.empty());
  EXPECT_EQ(f.states[4].on_entry.at(0).action, clock_action::resume);
  EXPECT_TRUE(f.states[5].terminal);
  EXPECT_EQ(f.states[5].phase, state_phase::resolved);
}

TEST(flow_load, VariablesAreTypedLikeFactsAndTheFactListIsUnchanged) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  ASSERT_EQ(f.variables.size(), 3u);
  EXPECT_EQ(f.variables[0].name, "refund_amount");
  EXPECT_EQ(f.variables[0].type, fact_type::money);
  EXPECT_EQ(f.variables[1].type, fact_type::boolean);
  EXPECT_EQ(f.variables[1].default_value, 0);
  EXPECT_EQ(f.variables[2].type, fact_type::string);
  EXPECT_THAT(f.variables[2].values, ElementsAre("checked"));  // the literal `set` uses
  // Variables are not facts of the request.
  EXPECT_EQ(p->facts.size(), 2u);
  EXPECT_FALSE(p->find_fact("refund_amount"));
}

TEST(flow_load, TransitionsExpandFromListsAndKeepTheirOrder) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  EXPECT_THAT(f.events, ElementsAre("approve", "request_return", "receive_return"));
  ASSERT_EQ(f.transitions.size(), 10u);
  struct row {
    std::uint32_t from, to;
    trigger_kind trigger;
    std::uint32_t event;
  };
  const std::vector<row> want{
      {0, 1, trigger_kind::event, 0},        {0, 4, trigger_kind::event, 0},
      {0, 1, trigger_kind::automatic, npos}, {1, 2, trigger_kind::event, 1},
      {4, 2, trigger_kind::event, 1},        {2, 3, trigger_kind::timer, npos},
      {3, 4, trigger_kind::timer, npos},     {2, 5, trigger_kind::event, 2},
      {3, 5, trigger_kind::event, 2},        {4, 5, trigger_kind::event, 0},
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(f.transitions[i].from, want[i].from);
    EXPECT_EQ(f.transitions[i].to, want[i].to);
    EXPECT_EQ(f.transitions[i].trigger, want[i].trigger);
    EXPECT_EQ(f.transitions[i].event, want[i].event);
  }
  // Both expansions of one `from` list share the item's position.
  EXPECT_EQ(f.transitions[3].where, (source_span{"t.yaml", head_lines + 49, 9}));
  EXPECT_EQ(f.transitions[4].where, f.transitions[3].where);
  EXPECT_EQ(f.transitions[0].description, "manual review approves");
  EXPECT_THAT(f.transitions[0].roles, ElementsAre(1u, 2u, 3u));
  EXPECT_TRUE(f.transitions[3].roles.empty());
}

TEST(flow_load, GuardsNumberFactsThenVariables) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  const auto& g = f.transitions[0].guard;
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].fact, 0u);  // amount
  EXPECT_EQ(g[0].op, condition_op::le);
  EXPECT_EQ(g[0].hi, 50000);
  EXPECT_EQ(g[0].text, "le 50000");
  EXPECT_EQ(g[0].where, (source_span{"t.yaml", head_lines + 29, 24}));
  EXPECT_EQ(g[1].fact, p->facts.size() + 1);  // inspection_ok, the second variable
  EXPECT_TRUE(g[1].test(1));
  EXPECT_FALSE(g[1].test(0));
  ASSERT_EQ(f.transitions[2].guard.size(), 1u);
  EXPECT_EQ(f.transitions[2].guard[0].fact, 1u);
  EXPECT_TRUE(f.transitions[2].guard[0].test(1));  // vip
}

TEST(flow_load, EffectsInOrder) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  const auto& e = f.transitions[0].effects;
  ASSERT_EQ(e.size(), 8u);
  EXPECT_EQ(e[0].kind, effect_kind::set_variable);
  EXPECT_EQ(e[0].target, 1u);
  EXPECT_EQ(e[0].value, 1);
  EXPECT_EQ(e[0].where, (source_span{"t.yaml", head_lines + 33, 19}));
  EXPECT_EQ(e[1].kind, effect_kind::set_variable);
  EXPECT_EQ(e[1].target, 2u);
  EXPECT_EQ(e[1].value, 0);  // index of `checked` in the variable's values
  EXPECT_EQ(e[2].kind, effect_kind::record_amount);
  EXPECT_EQ(e[2].target, 0u);
  ASSERT_EQ(e[2].amount.size(), 1u);
  EXPECT_EQ(e[2].amount[0].name, "refund_amount");
  EXPECT_EQ(e[2].amount[0].of.what, money_operand::kind::fact);
  EXPECT_EQ(e[2].amount[0].of.ref, 0u);
  EXPECT_EQ(e[2].amount[0].numerator, 1);
  EXPECT_EQ(e[2].amount[0].denominator, 2);
  EXPECT_EQ(e[3].kind, effect_kind::clock);
  EXPECT_EQ(e[3].clock_op, clock_action::start);
  EXPECT_EQ(e[3].target, *p->find_clock("first_response"));
  EXPECT_EQ(e[4].kind, effect_kind::emit);
  EXPECT_EQ(e[4].action, "phone_follow_up");
  EXPECT_TRUE(e[4].args.empty());
  EXPECT_EQ(e[5].action, "extend_receipt_deadline");
  EXPECT_THAT(e[5].args, ElementsAre(Pair("by", "10d")));
  EXPECT_EQ(e[6].kind, effect_kind::remark);
  EXPECT_EQ(e[6].target, 0u);
  EXPECT_EQ(e[6].text, "return agreed");
  EXPECT_EQ(e[7].kind, effect_kind::escalate);
  EXPECT_EQ(e[7].target, 3u);  // supervisor
  EXPECT_EQ(f.transitions[5].effects.at(1).kind, effect_kind::escalate);
  EXPECT_EQ(f.transitions[5].effects.at(1).target, npos);  // next rung
  const auto& last = f.transitions[7].effects;
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].clock_op, clock_action::stop);
  EXPECT_EQ(last[1].action, "refund");
  EXPECT_THAT(last[1].args, ElementsAre(Pair("amount", "full")));
  EXPECT_THAT(p->vocabulary.escalation_ladder, ElementsAre(1u, 2u, 3u, 4u));
}

TEST(flow_load, RecordMayUseVariables) {
  auto p = load(with(representative, "{of: amount, ratio: 1/2}", "{of: refund_amount, minus: 100, min: 0}"));
  const amount_rule& a = only_flow(*p).transitions[0].effects.at(2).amount.at(0);
  EXPECT_EQ(a.of.what, money_operand::kind::fact);
  EXPECT_EQ(a.of.ref, p->facts.size());  // the first variable
  EXPECT_EQ(a.minus.value, 100);
}

TEST(flow_load, TimersCloseReopenAndMigrations) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  EXPECT_EQ(f.transitions[5].timer.clock, *p->find_clock("return_shipment_follow_up"));
  const timer_spec& t = f.transitions[6].timer;
  EXPECT_EQ(t.clock, npos);
  EXPECT_EQ(t.after.kind, clock_kind::business_time);
  EXPECT_EQ(t.after.amount, 24 * 3600);
  EXPECT_EQ(t.calendar, 0u);
  EXPECT_THAT(f.close_roles, ElementsAre(1u, 3u, 5u));
  EXPECT_EQ(f.reopen_to, 0u);
  EXPECT_THAT(f.reopen_roles, ElementsAre(0u, 1u, 3u));
  ASSERT_EQ(f.migrations.size(), 1u);
  EXPECT_EQ(f.migrations[0].from_version, "2026.1");
  EXPECT_THAT(f.migrations[0].states, ElementsAre(Pair("old_state", "reviewed")));
  // Without `reopen:` reopening is refused; without `close_roles:` anyone may close.
  auto bare = load(
      with(with(representative, "    reopen: {to: submitted, roles: [customer, agent, supervisor]}\n", ""),
           "    close_roles: [agent, supervisor, system]\n", ""));
  EXPECT_EQ(only_flow(*bare).reopen_to, npos);
  EXPECT_TRUE(only_flow(*bare).close_roles.empty());
}

TEST(flow_load, DispatchAutomaticTimersAndClocks) {
  auto p = load(representative);
  const flow_def& f = only_flow(*p);
  const detail::flow_dispatch& d = detail::dispatch_of(*p, f);
  const std::size_t events = f.events.size();
  ASSERT_EQ(d.dispatch.size(), f.states.size() * events + 1);
  auto candidates = [&](std::uint32_t state, std::uint32_t event) {
    const std::size_t k = state * events + event;
    return std::vector<std::uint32_t>(d.dispatch_list.begin() + d.dispatch[k],
                                      d.dispatch_list.begin() + d.dispatch[k + 1]);
  };
  EXPECT_THAT(candidates(0, 0), ElementsAre(0u, 1u));  // two guarded `approve` from submitted, in order
  EXPECT_THAT(candidates(1, 1), ElementsAre(3u));
  EXPECT_THAT(candidates(4, 1), ElementsAre(4u));
  EXPECT_THAT(candidates(2, 2), ElementsAre(7u));
  EXPECT_THAT(candidates(3, 2), ElementsAre(8u));
  EXPECT_THAT(candidates(4, 0), ElementsAre(9u));
  EXPECT_TRUE(candidates(1, 0).empty());
  EXPECT_TRUE(candidates(5, 2).empty());
  EXPECT_EQ(d.dispatch_list.size(), 7u);
  ASSERT_EQ(d.automatic_from.size(), 6u);
  EXPECT_THAT(d.automatic_from[0], ElementsAre(2u));
  EXPECT_TRUE(d.automatic_from[1].empty());
  ASSERT_EQ(d.timers_from.size(), 6u);
  EXPECT_THAT(d.timers_from[2], ElementsAre(5u));
  EXPECT_THAT(d.timers_from[3], ElementsAre(6u));
  EXPECT_TRUE(d.timers_from[0].empty());
  // Every clock mentioned (entry actions, effects, timers), sorted; `unused` is not.
  EXPECT_THAT(f.clocks, ElementsAre(0u, 2u, 3u));
  EXPECT_EQ(p->find_flow("refund_before_picking"), 0u);
  EXPECT_EQ(p->decisions[0].rules[0].then.flow, "refund_before_picking");
}

TEST(flow_load, StructureHashIgnoresTextsButNotStructure) {
  const std::uint64_t h = only_flow(*load(representative)).structure_hash;
  EXPECT_NE(h, 0u);
  EXPECT_EQ(only_flow(*load(representative)).structure_hash, h);
  // Labels, descriptions, guards, roles and effects may change.
  for (auto [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"en: submitted}", "en: new}"},
                                                        {"agent: 已审核", "agent: {zh: 审核完成}"},
                                                        {"refund of an order not yet picked", "another text"},
                                                        {"manual review approves", "approved"},
                                                        {"{le: 50000}", "{le: 60000}"},
                                                        {"roles: [supervisor]", "roles: [platform]"},
                                                        {"{stop: return_shipment_follow_up}, ", ""}}) {
    SCOPED_TRACE(from);
    EXPECT_EQ(only_flow(*load(with(representative, from, to))).structure_hash, h);
  }
  // Where a case may be and how it moves may not.
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"to: escalated_review\n        when", "to: refunded\n        when"},
           {"event: request_return", "event: ask_return"},
           {"{business_hours: 24, calendar: cn_store}", "{business_hours: 25, calendar: cn_store}"},
           {"{clock: return_shipment_follow_up}", "{clock: first_response}"},
           {"phase: waiting_on_customer", "phase: active"},
           {"from: [reviewed, escalated_review]", "from: [escalated_review, reviewed]"},
           {"      follow_up: {}\n", "      follow_up: {}\n      extra: {}\n"}}) {
    SCOPED_TRACE(from);
    EXPECT_NE(only_flow(*load(with(representative, from, to))).structure_hash, h);
  }
}

TEST(flow_load, APolicyWithoutFlowsRefusesARuleNamingAFlow) {
  try {
    load_policy_string(std::string(head), "t.yaml");
    FAIL() << "a rule naming an undeclared flow was accepted";
  } catch (const policy_error& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].code, error_code::unknown_id);
    EXPECT_NE(e.diagnostics()[0].message.find("unknown flow `refund_before_picking`"), std::string::npos)
        << e.diagnostics()[0].message;
  }
}

TEST(flow_load, ASmallFlowWithOnlyStates) {
  auto p = load(with(R"(flows:
  refund_before_picking:
    start: done
    states:
      done: {terminal: true}
)",
                     "", ""));
  const flow_def& f = only_flow(*p);
  EXPECT_TRUE(f.events.empty());
  EXPECT_THAT(detail::dispatch_of(*p, f).dispatch, ElementsAre(0u));
  EXPECT_TRUE(f.clocks.empty());
}

TEST(flow_load, TheExampleInPolicyFormatLoads) {
  std::ifstream in(std::string(AFTERSALE_SOURCE_DIR) + "/docs/policy-format.md");
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const auto begin = text.find("```yaml\nflows:\n");
  ASSERT_NE(begin, std::string::npos);
  const auto end = text.find("```\n", begin + 8);
  const std::string example = text.substr(begin + 8, end - begin - 8);
  auto p = load(example);
  const flow_def& f = only_flow(*p);
  EXPECT_EQ(f.states.size(), 6u);
  EXPECT_THAT(f.events, ElementsAre("approve", "request_return", "receive_return"));
  EXPECT_EQ(f.transitions.size(), 10u);  // the last `from` list gives three
}

// ---- errors: exact position and code ----

TEST(flow_errors, UnknownStatesInToFromAndStart) {
  EXPECT_THAT(errors(with(with(with(representative, "to: awaiting_return", "to: awaiting"),
                               "start: submitted", "start: begin"),
                          "from: follow_up\n        after", "from: folow_up\n        after")),
              ElementsAre(at(4, 12, "E200"), at(51, 13, "E200"), at(56, 15, "E200")));
}

// A small valid flow; the error tests change one line each (line numbers are of this text).
constexpr const char* small = R"(flows:
  refund_before_picking:
    start: a
    variables: {v: {type: bool}, m: {type: money}, k: {type: int}}
    states:
      a: {}
      b: {}
      done: {terminal: true}
    transitions:
      - {from: a, event: go, to: b}
      - {from: b, event: finish, to: done}
)";

// `small` with line `line` (1-based) replaced by `text`, or lines appended when `line` is 0.
std::string small_with(int line, const std::string& text) {
  std::string out;
  std::istringstream in(small);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n) out += (n == line ? text : l) + "\n";
  if (line == 0) out += text + "\n";
  return out;
}

TEST(flow_errors, SmallFlowLoads) {
  auto p = load(small);
  EXPECT_EQ(only_flow(*p).transitions.size(), 2u);
}

TEST(flow_errors, NegativeMoneyDefaultIsE108) {
  EXPECT_THAT(errors(small_with(
                  4, "    variables: {v: {type: bool}, m: {type: money, default: -1}, k: {type: int}}")),
              ElementsAre(at(4, 60, "E108")));
  EXPECT_EQ(
      errors(small_with(4, "    variables: {v: {type: bool}, m: {type: money, default: 0}, k: {type: int}}")),
      std::vector<std::string>{"loaded"});
}

TEST(flow_errors, UnknownIdsEachAtTheirNode) {
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, to: b, roles: [agent, boss]}")),
              ElementsAre(at(10, 52, "E200")));
  EXPECT_THAT(errors(small_with(6, "      a: {on_entry: {start: [first_response, sla]}}")),
              ElementsAre(at(6, 46, "E200")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, after: {hours: 4, calendar: cn}, to: b}")),
              ElementsAre(at(10, 47, "E200")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, after: {clock: sla}, to: b}")),
              ElementsAre(at(10, 34, "E200")));
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{remark: {flag: pink}}]}")),
      ElementsAre(at(10, 63, "E200")));
  EXPECT_THAT(
      errors(small_with(
          10, "      - {from: a, event: go, to: b, effects: [{set: {w: true}}, {set: {amount: 1}}]}")),
      ElementsAre(at(10, 54, "E200"), at(10, 72, "E200")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, to: b, when: {x: 1}}")),
              ElementsAre(at(10, 44, "E200")));
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{escalate: boss}, {stop: sla}]}")),
      ElementsAre(at(10, 58, "E200"), at(10, 72, "E200")));
  EXPECT_THAT(errors(small_with(0, "    close_roles: [boss]\n    reopen: {to: c, roles: [agent]}")),
              ElementsAre(at(12, 19, "E200"), at(13, 18, "E200")));
  EXPECT_THAT(errors(small_with(0, "    migrations: [{from_version: \"1\", states: {x: c}}]")),
              ElementsAre(at(12, 50, "E200")));
}

TEST(flow_errors, RuleFlowMustNameADeclaredFlow) {
  EXPECT_THAT(errors(with(small, "  refund_before_picking:", "  refund:")),
              ElementsAre("t.yaml:23:49: error[E200]"));
}

TEST(flow_errors, DuplicatesMissingKeysAndWrongKinds) {
  // The second `a` replaces `b`: the duplicate is reported and so is every reference to `b`.
  EXPECT_THAT(errors(small_with(7, "      a: {}")),
              ElementsAre(at(7, 7, "E104"), at(10, 34, "E200"), at(11, 16, "E200")));
  EXPECT_THAT(errors(small_with(3, "    description: no start")), ElementsAre(at(3, 5, "E106")));
  EXPECT_THAT(errors(small_with(3, "    start: [a]")), ElementsAre(at(3, 12, "E107")));
  // No states: reported once, not again for every reference to a state.
  EXPECT_THAT(errors(with(small, "    states:\n      a: {}\n      b: {}\n      done: {terminal: true}\n",
                          "    states: {}\n")),
              ElementsAre(at(5, 13, "E106")));
  EXPECT_THAT(errors(with(small, "    states:\n      a: {}\n      b: {}\n      done: {terminal: true}\n",
                          "    states: [a, b, done]\n")),
              ElementsAre(at(5, 13, "E107")));
  EXPECT_THAT(
      errors(with(small, "      - {from: a, event: go, to: b}\n      - {from: b, event: finish, to: done}\n",
                  "      go: {from: a, event: go, to: b}\n")),
      ElementsAre(at(10, 7, "E107")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, to: b}")), ElementsAre(at(10, 9, "E106")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, auto: true, to: b}")),
              ElementsAre(at(10, 9, "E108")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, auto: false, to: b}")),
              ElementsAre(at(10, 25, "E108")));
  EXPECT_THAT(errors(small_with(10, "      - {from: [], event: go, to: b}")),
              ElementsAre(at(10, 16, "E108")));
  EXPECT_THAT(errors(small_with(10, "      - {from: [a, a], event: go, to: b}")),
              ElementsAre(at(10, 20, "E201")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, to: b, roles: []}")),
              ElementsAre(at(10, 44, "E108")));
  EXPECT_THAT(errors(small_with(6, "      a: {phase: waiting}")), ElementsAre(at(6, 18, "E108")));
  EXPECT_THAT(errors(small_with(8, "      done: {terminal: true, phase: active}")),
              ElementsAre(at(8, 37, "E108")));
  EXPECT_THAT(errors(small_with(6, "      a: {colour: red}")), ElementsAre(at(6, 11, "E105")));
  EXPECT_THAT(errors(small_with(4, "    variables: {amount: {type: money}}")),
              ElementsAre(at(4, 17, "E201")));
  EXPECT_THAT(errors(small_with(0, "    migrations: [{from_version: \"1\"}, {from_version: \"1\"}]")),
              ElementsAre(at(12, 54, "E201")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{emit: a b}]}")),
              ElementsAre(at(10, 54, "E108")));
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{}, {set: {v: true}, stop: x}]}")),
      ElementsAre(at(10, 47, "E106"), at(10, 51, "E108")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, after: {hours: 1, days: 2}, to: b}")),
              ElementsAre(at(10, 26, "E108")));
}

TEST(flow_errors, ValuesOfTheWrongType) {
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{set: {v: maybe, k: 1.5}}]}")),
      ElementsAre(at(10, 57, "E202"), at(10, 67, "E202")));
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{record: {k: {of: amount}}}]}")),
      ElementsAre(at(10, 57, "E202")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, event: go, to: b, when: {v: {lt: 3}}}")),
              ElementsAre(at(10, 48, "E202")));
  EXPECT_THAT(
      errors(small_with(10, "      - {from: a, event: go, to: b, effects: [{record: {m: {of: k}}}]}")),
      ElementsAre(at(10, 65, "E202")));
}

TEST(flow_errors, AutomaticCyclesAreRefused) {
  // a → b automatically, b → a automatically: reported once, at the first transition of the loop.
  EXPECT_THAT(
      errors(small_with(0, "      - {from: a, auto: true, to: b}\n      - {from: b, auto: true, to: a}")),
      ElementsAre(at(12, 9, "E208")));
  EXPECT_THAT(errors(small_with(10, "      - {from: a, auto: true, when: {v: true}, to: a}")),
              ElementsAre(at(10, 9, "E208")));
  // Automatic steps that end in a state without one back are fine.
  EXPECT_NO_THROW(
      load(small_with(0, "      - {from: a, auto: true, to: b}\n      - {from: b, auto: true, to: done}")));
}

TEST(flow_errors, TransitionsOutOfTerminalStates) {
  EXPECT_THAT(errors(small_with(0, "      - {from: [b, done], event: reopen_it, to: a}")),
              ElementsAre(at(12, 20, "E209")));
}

TEST(flow_errors, LifecycleEventNamesAreReserved) {
  EXPECT_THAT(errors(small_with(11, "      - {from: b, event: close, to: done}")),
              ElementsAre(at(11, 26, "E210")));
  EXPECT_THAT(errors(small_with(11, "      - {from: b, event: reopen, to: done}")),
              ElementsAre(at(11, 26, "E210")));
}

TEST(flow_errors, EscalationLadder) {
  EXPECT_THAT(errors(small, with(head, "[agent, specialist, supervisor, platform]", "[agent, boss, agent]")),
              ElementsAre("t.yaml:7:30: error[E200]", "t.yaml:7:36: error[E201]"));
  const std::string no_ladder =
      with(head, "  escalation_ladder: [agent, specialist, supervisor, platform]\n", "");
  try {
    load_policy_string(no_ladder +
                       small_with(10, "      - {from: a, event: go, to: b, effects: [{escalate: next}]}"));
    FAIL() << "loaded";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(to_string(e.diagnostics()[0]),
              "<string>:32:58: error[E200]: `escalate: next` needs an escalation ladder\n"
              "  help: declare `vocabulary.escalation_ladder: [agent, specialist, supervisor, platform]`");
  }
}

TEST(flow_errors, IndependentErrorsAreAllReported) {
  std::string text = small;
  text = with(text, "start: a", "start: z");
  text = with(text, "to: b}", "to: y}");
  text = with(text, "event: finish", "event: close");
  EXPECT_THAT(errors(text), ElementsAre(at(3, 12, "E200"), at(10, 34, "E200"), at(11, 26, "E210")));
}

TEST(flow_errors, MessagesNameTheIdsAndWhatIsDeclared) {
  try {
    load(small_with(10, "      - {from: a, event: go, to: c}"));
    FAIL() << "loaded";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(to_string(e.diagnostics()[0]),
              "t.yaml:33:34: error[E200]: unknown state `c` in `to` of a transition of flow "
              "`refund_before_picking`\n"
              "  help: states of flow `refund_before_picking`: `a`, `b`, `done`");
  }
  try {
    load(small_with(0, "      - {from: a, auto: true, to: b}\n      - {from: b, auto: true, to: a}"));
    FAIL() << "loaded";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].message,
              "automatic transitions of flow `refund_before_picking` can loop forever: `a` → `b` → `a`");
  }
}

TEST(flow_load, ClockWarningsAndResets) {
  const auto p = load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/sla_flows.yaml");
  EXPECT_EQ(p->clocks[*p->find_clock("reply")].warn_at, (std::vector<std::uint8_t>{50, 80}));
  EXPECT_EQ(p->clocks[*p->find_clock("review")].warn_at, std::vector<std::uint8_t>{25});
  EXPECT_TRUE(p->clocks[*p->find_clock("quiet")].warn_at.empty());
  const flow_def& f = p->flows[*p->find_flow("chat")];
  const auto nudge = std::find_if(f.transitions.begin(), f.transitions.end(),
                                  [&](const transition_def& t) { return f.events[t.event] == "nudge"; });
  ASSERT_NE(nudge, f.transitions.end());
  ASSERT_EQ(nudge->effects.size(), 1u);
  EXPECT_EQ(nudge->effects[0].kind, effect_kind::clock);
  EXPECT_EQ(nudge->effects[0].clock_op, clock_action::reset);
  EXPECT_EQ(nudge->effects[0].target, *p->find_clock("reply"));
  // On entry, `reset` runs after `resume` and before `start`, whatever the written order.
  std::string text = std::string(head) + representative;
  const std::string from = "{on_entry: {resume: [first_response]}}";
  text.replace(text.find(from), from.size(),
               "{on_entry: {start: [first_response], reset: first_response, stop: [first_response]}}");
  const auto q = load_policy_string(text, "t.yaml");
  std::vector<clock_action> order;
  for (const clock_effect& k : q->flows[0].states[4].on_entry) order.push_back(k.action);
  EXPECT_EQ(order, (std::vector<clock_action>{clock_action::stop, clock_action::reset, clock_action::start}));
}

}  // namespace
