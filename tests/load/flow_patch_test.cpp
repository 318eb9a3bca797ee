// SPDX-License-Identifier: Apache-2.0
// Store policies that patch a base flow by id (`patch: true`, src/load/flow_patch.cpp), mark
// safeguards, and what lint says about both (A418, findings a patch created).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
namespace fs = std::filesystem;
using ::testing::ElementsAre;

constexpr const char* base_text = R"(format: 1
policy: {id: base, version: "1", entry: main, calendar: utc}
calendars: {utc: {time_zone: UTC, hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"]}}}
vocabulary:
  solutions: [refund, review]
  roles: [agent, finance]
facts:
  days: {type: int, default: 0}
  blacklisted: {type: bool, default: false}
clocks:
  reply: {within: {hours: 2}}
  payout: {within: {business_days: 2}}
decisions:
  main:
    rules:
      - {id: blacklisted_review, safeguard: true, when: {blacklisted: true}, then: {solution: review, flow: refund}}
      - {id: refund_any, then: {solution: refund, clocks: [reply], flow: refund}}
flows:
  refund:
    start: open
    states:
      open: {customer: in progress, on_entry: {start: [reply]}}
      approved: {customer: approved, on_entry: {start: [payout]}}
      overdue: {customer: approved}
      done: {customer: refunded, terminal: true, on_entry: {stop: [reply, payout]}}
    transitions:
      - {from: open, event: approve, roles: [agent], to: approved}
      - {from: open, event: approve, roles: [finance], to: approved}
      - {from: approved, after: {clock: payout}, to: overdue}
      - {from: [approved, overdue], event: pay, roles: [finance], to: done}
protected:
  quick_reply:
    when: {}
    clocks: {reply: {within: {hours: 2}}}
)";

constexpr const char* header = "format: 1\nextends: base.yaml\npolicy: {id: store, version: \"2\"}\n";

class flow_patch_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aftersale_flow_patch_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("base.yaml", base_text);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string store_path() const { return (dir_ / "store.yaml").string(); }
  std::shared_ptr<const policy> load(const std::string& store_body) {
    return load_policy_file(write("store.yaml", std::string(header) + store_body));
  }
  // `line:col: CODE: message` of each diagnostic of the store (empty when it loads).
  std::vector<std::string> errors_of(const std::string& store_body) {
    try {
      load(store_body);
    } catch (const policy_error& e) {
      std::vector<std::string> out;
      for (const diagnostic& d : e.diagnostics()) {
        out.push_back((d.where.file == store_path() ? "" : d.where.file + ":") +
                      std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                      std::string(code_text(d.code)) + ": " + d.message);
      }
      return out;
    }
    return {};
  }
  static const flow_def& flow(const policy& p) { return p.flows[*p.find_flow("refund")]; }
  static std::vector<std::string> ids(const flow_def& f) {
    std::vector<std::string> out;
    for (const transition_def& t : f.transitions) out.push_back(t.id);
    return out;
  }

  fs::path dir_;
};

TEST_F(flow_patch_test, transitions_have_ids_written_or_implicit) {
  auto p = load_policy_file(write("base_only.yaml", base_text));
  // A `from` list gives one transition per state, all with the written item's id.
  EXPECT_THAT(ids(flow(*p)), ElementsAre("open.approve", "open.approve.2", "approved.after", "approved.pay",
                                         "approved.pay"));
}

TEST_F(flow_patch_test, a_patched_transition_changes_in_place_and_keeps_what_it_does_not_write) {
  auto p = load(R"(flows:
  refund:
    patch: true
    transitions:
      - id: approved.after
        after: {business_days: 3}
)");
  const flow_def& f = flow(*p);
  const flow_def& b = flow(*p->base);
  ASSERT_EQ(f.transitions.size(), b.transitions.size());
  const transition_def& t = f.transitions[2];
  EXPECT_EQ(t.id, "approved.after");
  EXPECT_EQ(f.states[t.from].id, "approved");
  EXPECT_EQ(f.states[t.to].id, "overdue");
  EXPECT_EQ(t.trigger, trigger_kind::timer);
  EXPECT_EQ(t.timer.clock, npos);
  EXPECT_EQ(t.timer.after.kind, clock_kind::business_days);
  EXPECT_EQ(t.timer.after.amount, 3);
  EXPECT_EQ(t.where.file, store_path());
  EXPECT_EQ(f.transitions[0].where, b.transitions[0].where);  // the rest is the base's
  EXPECT_EQ(f.states.size(), b.states.size());
  // A changed timer is a changed structure: old snapshots need a migration (docs/snapshots.md).
  EXPECT_NE(f.structure_hash, b.structure_hash);
}

TEST_F(flow_patch_test, a_flow_without_patch_still_replaces_the_base_flow_whole) {
  auto p = load(R"(flows:
  refund:
    start: only
    states: {only: {customer: closed, terminal: true}}
)");
  EXPECT_EQ(flow(*p).states.size(), 1u);
  EXPECT_TRUE(flow(*p).transitions.empty());
}

TEST_F(flow_patch_test, states_are_changed_key_by_key_or_added) {
  auto p = load(R"(flows:
  refund:
    patch: true
    states:
      approved: {customer: approved - refund within 3 days}
      on_hold: {customer: on hold}
    transitions:
      - {from: approved, event: hold, to: on_hold, place: {after: approved.after}}
      - {from: on_hold, event: pay, to: done, place: {before: approved.pay}}
)");
  const flow_def& f = flow(*p);
  const state_def& approved = f.states[1];
  EXPECT_EQ(approved.id, "approved");
  EXPECT_EQ(approved.customer_label.text("", ""), "approved - refund within 3 days");
  ASSERT_EQ(approved.on_entry.size(), 1u);  // kept: the store did not write `on_entry`
  EXPECT_EQ(f.states.back().id, "on_hold");
  EXPECT_THAT(ids(f), ElementsAre("open.approve", "open.approve.2", "approved.after", "approved.hold",
                                  "on_hold.pay", "approved.pay", "approved.pay"));
}

TEST_F(flow_patch_test, new_transitions_do_not_renumber_the_base_ones) {
  auto p = load(R"(flows:
  refund:
    patch: true
    transitions:
      - {from: open, event: approve, roles: [agent], when: {days: 0}, to: done, place: {before: open.approve}}
      - {id: open.approve.2, roles: [agent, finance]}
)");
  const flow_def& f = flow(*p);
  EXPECT_THAT(ids(f), ElementsAre("open.approve.3", "open.approve", "open.approve.2", "approved.after",
                                  "approved.pay", "approved.pay"));
  EXPECT_EQ(f.transitions[2].roles.size(), 2u);
}

TEST_F(flow_patch_test, mistakes_are_located_in_the_store) {
  EXPECT_THAT(
      errors_of(R"(flows:
  refund:
    patch: true
    transitions:
      - {id: approved.aftre, after: {hours: 1}}
      - {from: open, event: hold, to: open}
      - {id: open.approve, to: done, place: {after: approved.pay}}
      - {from: open, event: hold, to: open, place: {after: approved.payy}}
      - {from: open, event: hold, to: open, place: last}
      - {id: approved.pay, roles: [agent]}
      - {id: approved.pay, roles: [finance]}
)"),
      ElementsAre("8:14: E243: flow `refund` of the base has no transition `approved.aftre` to replace",
                  "9:9: E243: a transition of the patch of flow `refund` names no base transition and has "
                  "no `place`",
                  "10:38: E243: transition `open.approve` replaces the base's transition of that id in "
                  "flow `refund`, which keeps its place",
                  "11:60: E243: flow `refund` of the base has no transition `approved.payy` to place a "
                  "transition after",
                  "12:52: E243: `place` of a transition added to flow `refund` is not `{before: ID}` or "
                  "`{after: ID}`",
                  "14:14: E201: transition `approved.pay` of flow `refund` is patched twice"));
  EXPECT_THAT(
      errors_of("flows:\n  refunds: {patch: true, states: {open: {customer: x}}}\n"),
      ElementsAre("5:20: E242: flow `refunds` patches the base's flow of that id, which the base does "
                  "not have"));
}

TEST_F(flow_patch_test, patch_and_place_mean_nothing_without_a_base) {
  auto errors = [&](const std::string& text) {
    try {
      load_policy_file(write("plain.yaml", text));
    } catch (const policy_error& e) {
      std::vector<std::string> out;
      for (const diagnostic& d : e.diagnostics())
        out.push_back(std::string(code_text(d.code)) + ": " + d.message);
      return out;
    }
    return std::vector<std::string>{};
  };
  std::string plain = base_text;
  plain.replace(plain.find("  refund:\n    start: open"), 25, "  refund:\n    patch: true\n    start: open");
  EXPECT_THAT(errors(plain),
              ElementsAre("E242: `patch: true` on flow `refund` of a policy without a base flow to "
                          "patch"));
  plain = base_text;
  plain.replace(plain.find("to: approved}\n"), 14, "to: approved, place: {after: x}}\n");
  EXPECT_THAT(errors(plain),
              ElementsAre("E243: `place` applies only to a transition a store policy adds to its "
                          "base's flow with `patch: true`"));
}

TEST_F(flow_patch_test, a_patch_cannot_stop_a_protected_clock_where_the_base_did_not) {
  EXPECT_THAT(
      errors_of(R"(flows:
  refund:
    patch: true
    states:
      closed: {customer: closed, terminal: true, on_entry: {stop: [reply]}}
    transitions:
      - id: open.approve
        effects: [{stop: reply}, {pause: payout}]
      - {from: overdue, event: finish, to: closed, place: {after: approved.after}}
)"),
      ElementsAre("11:26: E244: transition `open.approve` of flow `refund` stops clock `reply`, which the "
                  "base's protected outcome `quick_reply` requires (" +
                  (dir_ / "base.yaml").string() +
                  ":32:3); a flow patch cannot stop, pause or reset it where the base's flow does not"));
}

TEST_F(flow_patch_test, a_flow_finding_the_patch_created_points_at_the_store) {
  // Approving now goes straight to `done`: `approved` and `overdue` can no longer be reached.
  auto p = load(R"(flows:
  refund:
    patch: true
    transitions:
      - {id: open.approve, to: done}
      - {id: open.approve.2, to: done}
)");
  const analysis_report r = analyze(*p);
  std::vector<std::string> found;
  for (const finding& f : r.findings) {
    if (f.diagnostic.code != error_code::unreachable_state) continue;
    found.push_back(to_string(f.diagnostic.where) + " see " + to_string(f.related.at(0)));
  }
  const std::string base = (dir_ / "base.yaml").string();
  EXPECT_THAT(found, ElementsAre(store_path() + ":5:3 see " + base + ":23:7",
                                 store_path() + ":5:3 see " + base + ":24:7"));
  // The base alone has no such finding.
  for (const finding& f : analyze(*p->base).findings)
    EXPECT_NE(f.diagnostic.code, error_code::unreachable_state);
}

TEST_F(flow_patch_test, a_safeguard_stays_one_when_overridden_and_lint_warns_ahead_of_it) {
  auto p = load(R"(decisions:
  main:
    rules:
      - {id: blacklisted_review, when: {blacklisted: true, days: {le: 30}}, then: {solution: review, flow: refund}}
      - {id: fast_refund, when: {days: {le: 3}}, then: {solution: refund, clocks: [reply], flow: refund}}
      - {id: placed_refund, after: blacklisted_review, when: {days: {le: 5}}, then: {solution: refund, clocks: [reply], flow: refund}}
)");
  const decision_table& t = p->decisions[0];
  ASSERT_EQ(t.rules[1].id, "blacklisted_review");
  EXPECT_TRUE(t.rules[1].safeguard);
  std::vector<std::string> warned;
  for (const finding& f : analyze(*p).findings) {
    if (f.diagnostic.code == error_code::safeguard_preempted) warned.push_back(to_string(f.diagnostic.where));
  }
  EXPECT_THAT(warned, ElementsAre(store_path() + ":8:9"));  // fast_refund only: placed_refund comes after
}

}  // namespace

namespace {

// The baseline's safeguards catch the issue's mistake: a VIP perk written without `before:` /
// `after:` lands ahead of the blacklist, and a blacklisted VIP would get it.
TEST(flow_patch_shipped, the_baseline_safeguards_catch_a_perk_placed_ahead_of_the_blacklist) {
  const fs::path dir = fs::temp_directory_path() / "aftersale_flow_patch_shipped";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "vip.yaml")
      << "format: 1\nextends: default.yaml\npolicy: {id: vip_shop, version: \"1\"}\n"
         "decisions:\n  after_sales:\n    rules:\n"
         "      - id: vip_free_exchange\n"
         "        when: {customer_tier: vip, request: [request_exchange, request_compensation]}\n"
         "        then: {solution: exchange, fee_payer: merchant, flow: exchange, clocks: "
         "[first_response, after_sales_reply]}\n";
  load_options o;
  o.policy_paths = {std::string(AFTERSALE_SOURCE_DIR) + "/policies"};
  auto p = load_policy_file((dir / "vip.yaml").string(), {}, o);
  std::vector<std::string> guards;
  for (const finding& f : analyze(*p).findings) {
    if (f.diagnostic.code != error_code::safeguard_preempted) continue;
    const std::string& m = f.diagnostic.message;
    const auto at = m.find("safeguard rule `") + 16;
    guards.push_back(m.substr(at, m.find('`', at) - at));
    EXPECT_EQ(f.diagnostic.where.line, 7u);
  }
  EXPECT_THAT(guards, ElementsAre("return_inspected_failed", "counterfeit_arbitration",
                                  "blacklisted_claim_platform", "customer_not_resalable_decline"));
  fs::remove_all(dir);
}

}  // namespace

namespace {

// A patched timer changes the flow's structure hash like a replaced flow: a case saved under the
// store's previous version restores only once the patch declares a migration from it.
TEST_F(flow_patch_test, a_changed_timer_needs_a_migration_for_stored_cases) {
  auto before = load("");  // the store, version "2", before it patched anything
  const sys_seconds now{};
  const std::string saved =
      to_json(open_case(before, "refund", bind(*before, request{}.set("days", 1)), now));
  const std::string patch = R"(flows:
  refund:
    patch: true
    transitions:
      - {id: approved.after, after: {business_days: 3}}
)";
  write("store.yaml",
        std::string("format: 1\nextends: base.yaml\npolicy: {id: store, version: \"3\"}\n") + patch);
  auto patched = load_policy_file(store_path());
  try {
    from_json(patched, saved);
    ADD_FAILURE() << "restored across a changed structure";
  } catch (const error& e) {
    EXPECT_THAT(std::string(e.what()),
                ::testing::HasSubstr("$.policy.structure_hash: flow `refund` changed"));
  }
  write("store.yaml", std::string("format: 1\nextends: base.yaml\npolicy: {id: store, version: \"3\"}\n") +
                          patch + "    migrations: [{from_version: \"2\"}]\n");
  patched = load_policy_file(store_path());
  EXPECT_EQ(from_json(patched, saved).state_id(), "open");
}

}  // namespace
