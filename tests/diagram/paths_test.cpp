// SPDX-License-Identifier: Apache-2.0
// Covering paths of a flow and the test skeleton written from them: the greedy cover on a
// small flow, every transition of every default flow covered by valid walks from the start, the
// skeleton valid YAML with one case per path, and a skeleton that the test runner passes as is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <aftersale/diagram.hpp>
#include <aftersale/load.hpp>
#include <aftersale/policy_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An automatic transition with a guard, a clock timer, a duration timer, an event guarded by a
// flow variable, and a state (`orphan`) no transition reaches.
constexpr const char* head = R"(format: 1
policy: {id: paths_test, version: "1", entry: main, calendar: cn_store}
vocabulary:
  solutions: [refund]
  roles: [customer, agent, supervisor, system]
facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
  amount: {type: money}
  tier: {type: enum, values: [normal, vip]}
calendars:
  cn_store:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  first_response: {within: {hours: 2}}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: refund}}
)";

constexpr const char* flows = R"(flows:
  refund:
    start: submitted
    variables:
      approved: {type: bool}
    states:
      submitted: {agent: submitted, customer: refunding, on_entry: {start: [first_response]}}
      reviewing: {agent: reviewing, customer: refunding}
      refunded: {agent: refunded, customer: refunded, terminal: true}
      overdue: {agent: overdue, customer: refunding}
      orphan: {agent: orphan, customer: orphan}
      rejected: {agent: rejected, customer: not approved, terminal: true}
    transitions:
      - {from: submitted, auto: true, when: {tier: vip, amount: {le: 50000}}, to: reviewing}
      - {from: submitted, event: approve, roles: [supervisor, agent], to: reviewing}
      - {from: submitted, after: {clock: first_response}, to: overdue}
      - {from: overdue, event: approve, to: reviewing}
      - {from: reviewing, event: pay, when: {approved: true}, roles: [system], to: refunded}
      - {from: reviewing, after: {days: 2}, to: rejected}
      - {from: orphan, event: approve, to: refunded}
  plain:
    start: open
    states:
      open: {agent: open, customer: open}
      working: {agent: working, customer: working}
      done: {agent: done, customer: done, terminal: true}
      cancelled: {agent: cancelled, customer: cancelled, terminal: true}
    transitions:
      - {from: open, event: start, roles: [agent], to: working}
      - {from: open, event: cancel, roles: [customer], to: cancelled}
      - {from: working, event: pause, to: open}
      - {from: working, event: finish, roles: [agent], to: done}
)";

std::shared_ptr<const policy> load() { return load_policy_string(std::string(head) + flows, "paths.yaml"); }

std::vector<std::vector<std::uint32_t>> as_lists(const std::vector<covering_path>& paths) {
  std::vector<std::vector<std::uint32_t>> out;
  for (const auto& p : paths) out.push_back(p.transitions);
  return out;
}

// Each path leaves the start and each transition leaves the state the previous one entered.
void expect_walks(const flow_def& f, const std::vector<covering_path>& paths) {
  for (const covering_path& path : paths) {
    ASSERT_FALSE(path.transitions.empty()) << f.id;
    std::uint32_t at = f.start;
    for (std::uint32_t t : path.transitions) {
      ASSERT_LT(t, f.transitions.size()) << f.id;
      EXPECT_EQ(f.transitions[t].from, at)
          << f.id << ": transition " << t << " does not leave `" << f.states[at].id << "`";
      at = f.transitions[t].to;
    }
  }
}

TEST(CoveringPaths, GreedyFromTheNearestUncoveredTransition) {
  const auto p = load();
  const flow_def& f = p->flows[*p->find_flow("refund")];
  const auto paths = covering_paths(*p, f);
  // auto then on through `pay`; `approve` then on through the 2-day timer; the clock timer then
  // on through `overdue --approve-->`. `orphan --approve-->` (6) cannot be fired.
  EXPECT_THAT(as_lists(paths), ElementsAre(ElementsAre(0U, 4U), ElementsAre(1U, 5U), ElementsAre(2U, 3U)));
  EXPECT_THAT(uncoverable_transitions(f), ElementsAre(6U));
  expect_walks(f, paths);
}

TEST(CoveringPaths, ShortestPrefixToTheSource) {
  const auto p = load();
  const flow_def& f = p->flows[*p->find_flow("plain")];
  const auto paths = covering_paths(*p, f);
  // start, on through pause (written before finish) back to open and cancel; then `finish`
  // needs the shortest way to `working` (start) first.
  EXPECT_THAT(as_lists(paths), ElementsAre(ElementsAre(0U, 2U, 1U), ElementsAre(0U, 3U)));
  EXPECT_TRUE(uncoverable_transitions(f).empty());
  expect_walks(f, paths);
}

// Every transition of every shipped flow whose source is reachable is fired by some path, each
// path is a walk from the start, and nothing else is left out.
TEST(CoveringPaths, EveryDefaultFlowCovered) {
  const auto p = load_policy_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  ASSERT_GE(p->flows.size(), 5U);
  for (const flow_def& f : p->flows) {
    const auto paths = covering_paths(*p, f);
    expect_walks(f, paths);
    std::set<std::uint32_t> fired;
    for (const auto& path : paths) fired.insert(path.transitions.begin(), path.transitions.end());
    const auto left = uncoverable_transitions(f);
    std::set<std::uint32_t> all(left.begin(), left.end());
    all.insert(fired.begin(), fired.end());
    EXPECT_EQ(all.size(), f.transitions.size()) << f.id;
    for (std::uint32_t t : left) EXPECT_EQ(fired.count(t), 0U) << f.id;
    // Each path fires at least one transition no earlier path fired.
    std::set<std::uint32_t> seen;
    for (const auto& path : paths) {
      const std::size_t before = seen.size();
      seen.insert(path.transitions.begin(), path.transitions.end());
      EXPECT_GT(seen.size(), before) << f.id;
    }
  }
}

TEST(Skeleton, ValidYamlWithOneCasePerPath) {
  const auto p = load();
  const flow_def& f = p->flows[*p->find_flow("refund")];
  const auto paths = covering_paths(*p, f);
  const std::string text =
      paths_to_test_skeleton(*p, f, paths, {"../paths.yaml", "2026-03-02T10:00:00+08:00", ""});
  YAML::Node doc;
  ASSERT_NO_THROW(doc = YAML::Load(text)) << text;
  EXPECT_EQ(doc["policy"].as<std::string>(), "../paths.yaml");
  EXPECT_EQ(doc["now"].as<std::string>(), "2026-03-02T10:00:00+08:00");
  EXPECT_EQ(doc["flow"].as<std::string>(), "refund");
  ASSERT_EQ(doc["cases"].size(), paths.size()) << text;
  EXPECT_EQ(doc["cases"][0]["name"].as<std::string>(), "path 1: submitted -> reviewing -> refunded");
  // Path 1: the guard's facts chosen to satisfy it, the required fact, the automatic transition
  // fired on opening, the variable the guard reads as payload.
  const YAML::Node c1 = doc["cases"][0];
  EXPECT_EQ(c1["facts"]["tier"].as<std::string>(), "vip");
  EXPECT_LE(c1["facts"]["amount"].as<std::int64_t>(), 50000);
  EXPECT_EQ(c1["facts"]["order_status"].as<std::string>(), "paid");
  EXPECT_EQ(c1["opened"]["state"].as<std::string>(), "reviewing");
  ASSERT_EQ(c1["steps"].size(), 1U);
  EXPECT_EQ(c1["steps"][0]["event"].as<std::string>(), "pay");
  EXPECT_EQ(c1["steps"][0]["as"].as<std::string>(), "system");
  EXPECT_EQ(c1["steps"][0]["payload"]["approved"].as<bool>(), true);
  EXPECT_EQ(c1["steps"][0]["expect"]["state"].as<std::string>(), "refunded");
  // Path 2: `as:` the first allowed role, then a timer as an `advance:` step.
  const YAML::Node c2 = doc["cases"][1];
  EXPECT_EQ(c2["name"].as<std::string>(), "path 2: submitted -> reviewing -> rejected");
  EXPECT_EQ(c2["opened"]["state"].as<std::string>(), "submitted");
  EXPECT_EQ(c2["steps"][0]["as"].as<std::string>(), "supervisor");
  EXPECT_EQ(c2["steps"][0]["expect"]["state"].as<std::string>(), "reviewing");
  // The timer's due time, found by walking the case with the placeholder values: approved at
  // 10:00 (02:00Z), two days later.
  EXPECT_EQ(c2["steps"][1]["advance"].as<std::string>(), "2026-03-04T02:00:00Z");
  EXPECT_EQ(doc["cases"][2]["steps"][0]["advance"].as<std::string>(), "2026-03-02T04:00:00Z");  // 2 h
  EXPECT_EQ(c2["steps"][1]["expect"]["state"].as<std::string>(), "rejected");
  // No role named: `agent`.
  EXPECT_EQ(doc["cases"][2]["steps"][1]["as"].as<std::string>(), "agent");
  // The TODO markers and the transition no path fires.
  EXPECT_THAT(text, HasSubstr("tier: vip  # TODO (guard: tier eq vip)"));
  EXPECT_THAT(text, HasSubstr("# TODO: time when 2 days in `reviewing` falls due"));
  EXPECT_THAT(text, HasSubstr("# TODO: time when `first_response` falls due"));
  EXPECT_THAT(text,
              HasSubstr("# automatic on entry: submitted -> reviewing when tier eq vip and amount le 50000"));
  EXPECT_THAT(text, HasSubstr("# not covered (its source state is unreachable): paths.yaml:"));
  EXPECT_THAT(text, HasSubstr("3 paths fire 6 of 7 transitions"));
}

TEST(Skeleton, EveryDefaultFlowGivesValidYaml) {
  const auto p = load_policy_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  for (const flow_def& f : p->flows) {
    const auto paths = covering_paths(*p, f);
    const std::string text =
        paths_to_test_skeleton(*p, f, paths, {"../default.yaml", "2026-01-07T12:00:00+08:00", ""});
    YAML::Node doc;
    ASSERT_NO_THROW(doc = YAML::Load(text)) << f.id << '\n' << text;
    ASSERT_EQ(doc["cases"].size(), paths.size()) << f.id;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const YAML::Node c = doc["cases"][i];
      EXPECT_EQ(
          c["name"].as<std::string>().rfind("path " + std::to_string(i + 1) + ": " + f.states[f.start].id, 0),
          0U);
      std::size_t non_automatic = 0;
      for (std::uint32_t t : paths[i].transitions)
        if (f.transitions[t].trigger != trigger_kind::automatic) ++non_automatic;
      ASSERT_EQ(c["steps"].size(), non_automatic) << f.id << " case " << i + 1;
      for (const YAML::Node& step : c["steps"]) EXPECT_TRUE(step["expect"]["state"].IsScalar()) << f.id;
    }
  }
}

// A flow without guards or timers, and one with guards, an automatic transition and timers: the
// skeletons run and pass without an edit.
TEST(Skeleton, RunsAndPassesUnedited) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "aftersale_paths_skeleton";
  fs::create_directories(dir / "tests");
  { std::ofstream(dir / "policy.yaml") << head << flows; }
  const auto p = load_policy_file((dir / "policy.yaml").string());
  std::size_t cases = 0;
  for (const char* id : {"plain", "refund"}) {
    const flow_def& f = p->flows[*p->find_flow(id)];
    const auto paths = covering_paths(*p, f);
    cases += paths.size();
    std::ofstream(dir / "tests" / (std::string(id) + ".test.yaml"))
        << paths_to_test_skeleton(*p, f, paths, {"../policy.yaml", "2026-03-02T10:00:00+08:00", ""});
  }
  const aftersale::testing::test_report r = aftersale::testing::run_tests({(dir / "tests").string()});
  EXPECT_EQ(aftersale::testing::exit_code(r), 0) << aftersale::testing::render_text(r, {true, true});
  EXPECT_EQ(r.passed, cases) << aftersale::testing::render_text(r, {true, true});
  EXPECT_EQ(r.failed, 0U);
}

}  // namespace
