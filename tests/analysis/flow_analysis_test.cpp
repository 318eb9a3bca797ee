// SPDX-License-Identifier: Apache-2.0
// Static analysis of flows (A400-A405): small flows built to have exactly known unreachable
// states, dead ends, closed cycles, competing and shadowed transitions, guards that never
// hold, clocks left running in terminal states and missing labels; and the default policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Everything before `flows:`: rule `r1` opens flow `f` (with the clocks `run` is given running).
constexpr const char* head = R"(format: 1
policy: {id: flow_analysis, version: "1", entry: main, calendar: store}
vocabulary:
  solutions: [refund]
  roles: [customer, agent, supervisor]
facts:
  amount: {type: money, required: true}
  tier: {type: enum, values: [normal, vip], required: true}
calendars:
  store:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  first_response: {within: {hours: 2}}
  follow_up: {within: {hours: 48}}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: f, clocks: CLOCKS}}
)";

struct analysed {
  std::string yaml;
  analysis_report report;
};

analysed run(const std::string& flows, const std::string& rule_clocks = "[]",
             const std::string& rule_when = "") {
  analysed out;
  out.yaml = std::string(head) + flows;
  out.yaml.replace(out.yaml.find("CLOCKS"), 6, rule_clocks);
  if (!rule_when.empty()) out.yaml.replace(out.yaml.find("then: {solution"), 0, "when: " + rule_when + ", ");
  const auto p = load_policy_string(out.yaml, "flows.yaml");
  analysis_options o;
  o.check_tables = false;
  out.report = analyze(*p, o);
  return out;
}

// Where the line tagged `# tag` starts its node: the first character after indentation and
// after a list item's "- " (that is where the loader places a state or transition).
source_span at(const std::string& yaml, const std::string& tag) {
  const std::size_t mark = yaml.find("# " + tag + "\n");
  EXPECT_NE(mark, std::string::npos) << tag;
  const std::size_t begin = yaml.rfind('\n', mark) + 1;
  std::size_t col = yaml.find_first_not_of(' ', begin);
  if (yaml[col] == '-') col += 2;
  source_span s;
  s.file = "flows.yaml";
  s.line = static_cast<std::uint32_t>(
      std::count(yaml.begin(), yaml.begin() + static_cast<std::ptrdiff_t>(begin), '\n') + 1);
  s.column = static_cast<std::uint32_t>(col - begin + 1);
  return s;
}

std::vector<finding> with_code(const analysis_report& r, error_code code) {
  std::vector<finding> out;
  std::copy_if(r.findings.begin(), r.findings.end(), std::back_inserter(out),
               [&](const finding& f) { return f.diagnostic.code == code; });
  return out;
}

std::vector<std::string> witness(const finding& f) {
  std::vector<std::string> out;
  for (const witness_fact& w : f.witness) out.push_back(w.fact + "=" + (w.absent ? "absent" : w.value));
  return out;
}

// ---- A400, A401 ----

constexpr const char* graph_flow = R"(flows:
  f:
    start: a
    states:
      a: {customer: x}
      b: {customer: x}
      done: {customer: x, terminal: true}
      orphan: {customer: x}  # orphan
      dead: {customer: x}  # dead
      spin1: {customer: x}  # spin1
      spin2: {customer: x}  # spin2
      lead: {customer: x}  # lead
    transitions:
      - {from: a, event: go, to: b}
      - {from: b, event: finish, to: done}
      - {from: a, event: stop, to: dead}
      - {from: a, event: spin, to: spin1}
      - {from: spin1, event: next, to: spin2}
      - {from: spin2, event: next, to: spin1}
      - {from: a, event: lead, to: lead}
      - {from: lead, event: next, to: spin1}
      - {from: orphan, event: go, to: done}
)";

TEST(FlowAnalysis, UnreachableStates) {
  const analysed a = run(graph_flow);
  const std::vector<finding> f = with_code(a.report, error_code::unreachable_state);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].diagnostic.where, at(a.yaml, "orphan"));
  EXPECT_EQ(f[0].diagnostic.severity, severity::warning);
  EXPECT_EQ(f[0].flow, "f");
  EXPECT_EQ(f[0].diagnostic.message,
            "state `orphan` is unreachable: no transition leads to it from the start `a`");
}

TEST(FlowAnalysis, DeadEndsAndClosedCycles) {
  const analysed a = run(graph_flow);
  const std::vector<finding> f = with_code(a.report, error_code::no_way_out);
  ASSERT_EQ(f.size(), 4u);
  for (const finding& x : f) EXPECT_EQ(x.diagnostic.severity, severity::error);
  EXPECT_EQ(f[0].diagnostic.where, at(a.yaml, "dead"));
  EXPECT_EQ(f[0].diagnostic.message,
            "state `dead` is a dead end: it is not terminal and has no transition out");
  EXPECT_EQ(f[1].diagnostic.where, at(a.yaml, "spin1"));
  EXPECT_EQ(
      f[1].diagnostic.message,
      "no terminal state can be reached from `spin1`: it is caught in the closed cycle `spin1` and `spin2` "
      "with no transition out of it");
  EXPECT_EQ(f[2].diagnostic.where, at(a.yaml, "spin2"));
  EXPECT_EQ(f[3].diagnostic.where, at(a.yaml, "lead"));
  EXPECT_EQ(
      f[3].diagnostic.message,
      "no terminal state can be reached from `lead`: every path from it ends in the closed cycle `spin1` and "
      "`spin2`");
}

TEST(FlowAnalysis, ReopenMakesItsTargetReachable) {
  const analysed a = run(R"(flows:
  f:
    start: a
    states:
      a: {customer: x}
      done: {customer: x, terminal: true}
      again: {customer: x}
    transitions:
      - {from: a, event: go, to: done}
      - {from: again, event: go, to: done}
    reopen: {to: again}
)");
  EXPECT_THAT(with_code(a.report, error_code::unreachable_state), IsEmpty());
  EXPECT_THAT(a.report.findings, IsEmpty());
}

// ---- A403 and what it cuts off ----

TEST(FlowAnalysis, GuardOnAVariableNoTransitionSets) {
  // No event and no `reopen`: nothing can carry a payload, so `checked` stays `false`.
  const analysed a = run(R"(flows:
  f:
    start: a
    variables:
      checked: {type: bool, default: false}
    states:
      a: {customer: x}
      done: {customer: x, terminal: true}
      never: {customer: x}  # never
    transitions:
      - {from: a, auto: true, when: {checked: true}, to: never}  # guard
      - {from: a, after: {hours: 1}, to: done}
      - {from: never, after: {hours: 1}, to: done}
)");
  const std::vector<finding> g = with_code(a.report, error_code::guard_never_holds);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].diagnostic.where, at(a.yaml, "guard"));
  EXPECT_EQ(g[0].diagnostic.severity, severity::error);
  EXPECT_THAT(g[0].diagnostic.message,
              HasSubstr("the guard of the automatic transition from `a` to `never` never holds: `checked: "));
  EXPECT_THAT(g[0].diagnostic.message,
              HasSubstr(" asks for a value the flow never gives `checked` (it can only be `false`)"));
  const std::vector<finding> u = with_code(a.report, error_code::unreachable_state);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].diagnostic.where, at(a.yaml, "never"));
  EXPECT_THAT(u[0].diagnostic.message, HasSubstr("needs a transition whose guard never holds"));
}

TEST(FlowAnalysis, GuardOnAVariableASetEffectGives) {
  const analysed a = run(R"(flows:
  f:
    start: a
    variables:
      checked: {type: bool, default: false}
    states:
      a: {customer: x}
      b: {customer: x}
      done: {customer: x, terminal: true}
    transitions:
      - {from: a, after: {hours: 1}, to: b, effects: [{set: {checked: true}}]}
      - {from: b, auto: true, when: {checked: true}, to: done}
)");
  EXPECT_THAT(a.report.findings, IsEmpty());
}

TEST(FlowAnalysis, GuardOnAVariableAPayloadCanSet) {
  // `approve` may carry `checked: true` in its payload: the guard can hold.
  const analysed a = run(R"(flows:
  f:
    start: a
    variables:
      checked: {type: bool, default: false}
    states:
      a: {customer: x}
      done: {customer: x, terminal: true}
    transitions:
      - {from: a, event: approve, when: {checked: true}, to: done}
)");
  EXPECT_THAT(a.report.findings, IsEmpty());
}

TEST(FlowAnalysis, GuardOnARequiredFactBeingMissing) {
  const analysed a = run(R"(flows:
  f:
    start: a
    states:
      a: {customer: x}
      done: {customer: x, terminal: true}
      stuck: {customer: x}  # stuck
    transitions:
      - {from: a, event: go, to: done}
      - {from: a, event: wait, to: stuck}
      - {from: stuck, event: go, when: {amount: {missing: true}}, to: done}  # guard
)");
  const std::vector<finding> g = with_code(a.report, error_code::guard_never_holds);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].diagnostic.where, at(a.yaml, "guard"));
  EXPECT_EQ(g[0].diagnostic.message,
            "the guard of the transition on `go` from `stuck` to `done` never holds: `amount: missing` holds "
            "for no "
            "value of `amount`");
  // The only way out of `stuck` can never fire.
  const std::vector<finding> w = with_code(a.report, error_code::no_way_out);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].diagnostic.where, at(a.yaml, "stuck"));
  EXPECT_EQ(w[0].diagnostic.message,
            "state `stuck` is a dead end: it is not terminal and has no transition out whose guard can hold");
}

// ---- A402 ----

constexpr const char* competing_flow = R"(flows:
  f:
    start: a
    variables:
      approved: {type: bool}
    states:
      a: {customer: x}
      b: {customer: x}
      c: {customer: x}
      d: {customer: x}
      done: {customer: x, terminal: true}
    transitions:
      - {from: a, event: approve, roles: [agent], when: {amount: {le: 1000}}, to: b}  # small
      - {from: a, event: approve, roles: [agent, supervisor], when: {tier: vip}, to: c}  # vip
      - {from: a, event: approve, roles: [customer], when: {amount: {le: 1000}}, to: d}  # other_role
      - {from: a, event: approve, roles: [agent], when: {amount: {le: 500}}, to: d}  # smaller
      - {from: a, event: approve, roles: [agent], to: done}  # fallback
      - {from: a, event: reject, to: done}  # reject1
      - {from: a, event: reject, to: b}  # reject2
      - {from: b, auto: true, when: {approved: true}, to: done}  # auto1
      - {from: b, auto: true, when: {amount: {gt: 0}}, to: c}  # auto2
      - {from: [b, c, d], event: finish, to: done}
)";

TEST(FlowAnalysis, CompetingTransitions) {
  const analysed a = run(competing_flow);
  const std::vector<finding> f = with_code(a.report, error_code::nondeterministic);
  ASSERT_EQ(f.size(), 4u);
  for (const finding& x : f) EXPECT_EQ(x.diagnostic.severity, severity::warning);

  // A partial overlap: small amounts and VIPs; the other role and the general fallback are fine.
  EXPECT_EQ(f[0].diagnostic.where, at(a.yaml, "vip"));
  EXPECT_EQ(
      f[0].diagnostic.message,
      "transitions on `approve` from `a` can both fire for the same case and role `agent`: the first one "
      "written (to `b`, line " +
          std::to_string(at(a.yaml, "small").line) + ") wins over this one (to `c`)");
  EXPECT_THAT(witness(f[0]), UnorderedElementsAre("amount=0", "tier=vip"));
  ASSERT_EQ(f[0].related.size(), 1u);
  EXPECT_EQ(f[0].related[0], at(a.yaml, "small"));

  // Covered by the earlier ones for every role it allows: it never fires.
  EXPECT_EQ(f[1].diagnostic.where, at(a.yaml, "smaller"));
  EXPECT_THAT(f[1].diagnostic.message,
              HasSubstr("the transition on `approve` from `a` to `d` never fires: the earlier ones at line " +
                        std::to_string(at(a.yaml, "small").line)));

  // Two guard-free transitions on one event: the second never fires.
  EXPECT_EQ(f[2].diagnostic.where, at(a.yaml, "reject2"));
  EXPECT_EQ(f[2].diagnostic.message,
            "the transition on `reject` from `a` to `b` never fires: the earlier one at line " +
                std::to_string(at(a.yaml, "reject1").line) + " has the same trigger and no guard");
  EXPECT_THAT(f[2].witness, IsEmpty());

  // Automatic transitions: a variable a payload may set, and a fact.
  EXPECT_EQ(f[3].diagnostic.where, at(a.yaml, "auto2"));
  EXPECT_THAT(f[3].diagnostic.message,
              HasSubstr("automatic transitions from `b` can both fire for the same case: "));
  EXPECT_THAT(witness(f[3]), UnorderedElementsAre("approved=true", "amount=1"));
}

// ---- A404 ----

TEST(FlowAnalysis, ClocksOnTerminalStates) {
  const analysed a = run(R"(flows:
  f:
    start: a
    states:
      a: {customer: x, on_entry: {start: [follow_up]}}  # a
      fine: {customer: x, terminal: true, on_entry: {stop: [first_response, follow_up]}}
      leaky: {customer: x, terminal: true}  # leaky
      tidy: {customer: x, terminal: true}
      ticking: {customer: x, terminal: true, on_entry: {stop: [first_response, follow_up], start: [first_response]}}  # ticking
      waiting: {customer: x, on_entry: {pause: [follow_up], stop: [first_response]}}
      paused_end: {customer: x, terminal: true}
    transitions:
      - {from: a, event: ok, to: fine}
      - {from: a, event: leak, to: leaky}
      - {from: a, event: tidy, to: tidy, effects: [{stop: first_response}, {stop: follow_up}]}
      - {from: a, event: tick, to: ticking}
      - {from: a, event: wait, to: waiting}
      - {from: waiting, event: end, to: paused_end}
)",
                         "[first_response]");
  const std::vector<finding> f = with_code(a.report, error_code::timer_on_terminal);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].diagnostic.where, at(a.yaml, "leaky"));
  EXPECT_EQ(f[0].diagnostic.message,
            "clock `first_response` can still be running when the case reaches terminal state `leaky`: it is "
            "started "
            "by decision rule `r1` and nothing stops it on the way `a` → `leaky`");
  EXPECT_EQ(f[1].diagnostic.where, at(a.yaml, "leaky"));
  EXPECT_EQ(
      f[1].diagnostic.message,
      "clock `follow_up` can still be running when the case reaches terminal state `leaky`: it is started on "
      "entering `a` and nothing stops it on the way `a` → `leaky`");
  EXPECT_EQ(f[2].diagnostic.where, at(a.yaml, "ticking"));
  EXPECT_THAT(f[2].diagnostic.message,
              HasSubstr("terminal state `ticking` starts clock `first_response` on entry"));
  ASSERT_EQ(f[2].related.size(), 1u);
  EXPECT_EQ(f[2].related[0].line, at(a.yaml, "ticking").line);
}

// The rule's requests always take the automatic transition out of `a`: `leak` never gets the
// chance, so the clock cannot reach `leaky` — unless the rule also decides other requests.
constexpr const char* transient_flow = R"(flows:
  f:
    start: a
    states:
      a: {customer: x}
      b: {customer: x, on_entry: {stop: [first_response]}}
      done: {customer: x, terminal: true}
      leaky: {customer: x, terminal: true}  # leaky
    transitions:
      - {from: a, auto: true, when: {tier: vip}, to: b}
      - {from: a, event: leak, to: leaky}
      - {from: b, event: finish, to: done}
)";

TEST(FlowAnalysis, ClocksFollowTheRequestsOfTheOpeningRule) {
  EXPECT_THAT(run(transient_flow, "[first_response]", "{tier: vip}").report.findings, IsEmpty());
  const analysed any = run(transient_flow, "[first_response]");
  const std::vector<finding> f = with_code(any.report, error_code::timer_on_terminal);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].diagnostic.where, at(any.yaml, "leaky"));
  EXPECT_THAT(f[0].diagnostic.message, HasSubstr("nothing stops it on the way `a` → `leaky`"));
}

// ---- A405 ----

TEST(FlowAnalysis, MissingLabels) {
  const analysed a = run(R"(flows:
  f:
    start: a
    states:
      a: {agent: {zh: 甲, en: a}, customer: {zh: 处理中, en: in progress}}
      b: {agent: {zh: 乙}, customer: {zh: 处理中, en: in progress}}  # b
      done: {agent: {zh: 完成, en: done}, terminal: true}  # done
    transitions:
      - {from: a, event: go, to: b}
      - {from: b, event: go, to: done}
)");
  const std::vector<finding> f = with_code(a.report, error_code::missing_label);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].diagnostic.where, at(a.yaml, "b"));
  EXPECT_EQ(f[0].diagnostic.message,
            "the agent label of state `b` has no `en` text, though the policy's flows are labelled in `en` "
            "and `zh`");
  EXPECT_EQ(f[1].diagnostic.where, at(a.yaml, "done"));
  EXPECT_EQ(f[1].diagnostic.message,
            "state `done` has no customer label: customers would see the internal state id");
}

// ---- the default policy ----

TEST(FlowAnalysis, DefaultPolicyFlowsHaveNoErrors) {
  const auto p = load_policy_file(std::string(AFTERSALE_SOURCE_DIR) + "/policies/default.yaml");
  analysis_options o;
  o.check_tables = false;
  const analysis_report r = analyze(*p, o);
  for (const finding& f : r.findings) {
    if (f.diagnostic.code == error_code::calendar_runs_out) continue;  // A420 is the calendar's, not a flow's
    EXPECT_NE(f.diagnostic.code, error_code::unreachable_state) << to_string(f);
    EXPECT_NE(f.diagnostic.code, error_code::no_way_out) << to_string(f);
    EXPECT_NE(f.diagnostic.code, error_code::guard_never_holds) << to_string(f);
    EXPECT_FALSE(f.flow.empty()) << to_string(f);
  }
  EXPECT_EQ(r.count(severity::error), 0u);
}

}  // namespace
