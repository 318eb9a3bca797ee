// SPDX-License-Identifier: Apache-2.0
// The audit trail and its neighbours (docs/store.md, "Audit fields", "Migrating a case",
// "Observers"): deterministic decision ids, the `opened` row's decision id and policy hash,
// schema 1 files migrated to 2 with their rows, `case_store::migrate` (moved, refused with
// nothing written, replayed), and observer hooks (decide, apply, fire_due, SLA warnings and
// breaches, a hook that throws).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/observer.hpp>
#include <aftersale/store.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/sqlite_files.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file
using std::chrono::hours;
using std::chrono::minutes;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string policy_path = AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("test policy has no `" + from + "`");
  return text.replace(at, from.size(), to);
}

std::string with_version(const std::string& text, const std::string& v) {
  return replaced(text, "version: \"1\"", "version: \"" + v + "\"");
}

const std::shared_ptr<const policy>& v1() {
  static const std::shared_ptr<const policy> p = load_policy_file(policy_path);
  return p;
}

// Version 2: the same flow, another text.
const std::shared_ptr<const policy>& v2() {
  static const std::shared_ptr<const policy> p =
      load_policy_string(with_version(read_text(policy_path), "2"), "store_flows_v2.yaml");
  return p;
}

// Version 3: `reminded` renamed `nudged`, with a migration from version 1 that maps it.
const std::shared_ptr<const policy>& v3() {
  static const std::shared_ptr<const policy> p = [] {
    std::string text =
        std::regex_replace(with_version(read_text(policy_path), "3"), std::regex("reminded"), "nudged");
    text = replaced(text, "    start: open\n",
                    "    start: open\n    migrations:\n      - from_version: \"1\"\n        states: "
                    "{reminded: nudged}\n");
    return load_policy_string(text, "store_flows_v3.yaml");
  }();
  return p;
}

// Version 4: `open` renamed `fresh`, no migration.
const std::shared_ptr<const policy>& v4() {
  static const std::shared_ptr<const policy> p = load_policy_string(
      std::regex_replace(with_version(read_text(policy_path), "4"), std::regex("\\bopen\\b"), "fresh"),
      "store_flows_v4.yaml");
  return p;
}

// Version 5: `expired` renamed `lapsed`, no migration: the case's state exists, its flow's
// structure does not match.
const std::shared_ptr<const policy>& v5() {
  static const std::shared_ptr<const policy> p = load_policy_string(
      std::regex_replace(with_version(read_text(policy_path), "5"), std::regex("expired"), "lapsed"),
      "store_flows_v5.yaml");
  return p;
}

// Another policy altogether (another id), same flow.
const std::shared_ptr<const policy>& other() {
  static const std::shared_ptr<const policy> p = load_policy_string(
      replaced(read_text(policy_path), "id: store_test", "id: store_other"), "store_other.yaml");
  return p;
}

const sys_seconds t0 = *parse_timestamp("2026-11-23T10:00:00Z");

decision intake(const std::shared_ptr<const policy>& p, std::int64_t amount = 1000, sys_seconds now = t0,
                decide_options o = {}) {
  request r;
  r.set("order_status", "delivered").set("amount", amount);
  return decide(p, r, now, o);
}

using testing_sqlite::sql;
using testing_sqlite::temp_db;

template <class F>
error_code store_code_of(F&& f) {
  try {
    f();
  } catch (const store_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a store_error";
  return error_code{};
}

bool is_hex16(const std::string& s) { return std::regex_match(s, std::regex("[0-9a-f]{16}")); }

TEST(StoreAudit, DecisionIdIsDeterministicAndNamesItsInputs) {
  const decision a = intake(v1());
  EXPECT_TRUE(is_hex16(a.id())) << a.id();
  EXPECT_EQ(a.id(), intake(v1()).id());  // same policy text, request and instant
  decide_options quiet;
  quiet.explain = false;
  EXPECT_EQ(a.id(), intake(v1(), 1000, t0, quiet).id());                     // options are not inputs
  EXPECT_NE(a.id(), intake(v1(), 1001).id());                                // another request
  EXPECT_NE(a.id(), intake(v1(), 1000, t0 + std::chrono::seconds(1)).id());  // another instant
  EXPECT_NE(a.id(), intake(v2()).id());  // another policy text, even with the same rules
  // An absent fact differs from any present value.
  request bare;
  bare.set("order_status", "delivered");
  request zero = bare;
  zero.set("amount", std::int64_t{0});
  EXPECT_NE(decide(v1(), bare, t0).id(), decide(v1(), zero, t0).id());

  const decision_audit au = a.audit();
  EXPECT_EQ(au.decision_id, a.id());
  EXPECT_EQ(au.policy_id, "store_test");
  EXPECT_EQ(au.policy_version, "1");
  EXPECT_EQ(au.policy_hash, v1()->info.content_hash);
  EXPECT_TRUE(is_hex16(au.policy_hash_hex()));
  EXPECT_EQ(std::stoull(au.policy_hash_hex(), nullptr, 16), v1()->info.content_hash);
}

TEST(StoreAudit, TheOpenedRowRecordsTheDecisionIdAndPolicy) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  EXPECT_EQ(s.schema_version(), 2);
  const decision d = intake(v1());
  s.open_case("A-1", d, t0);
  s.apply("A-1", {"answer", "agent", {}, "x"}, t0 + minutes(1));
  const std::vector<log_entry> log = s.history("A-1");
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[0].decision_id, d.id());
  EXPECT_EQ(log[0].policy_hash, v1()->info.content_hash);
  EXPECT_EQ(log[1].decision_id, "");
  EXPECT_EQ(log[1].policy_hash, 0U);
}

// A file written by schema version 1 (tests/store/fixtures/schema_v1.sql, dumped from a store
// the previous library wrote) is migrated in place and keeps every row.
TEST(StoreAudit, ASchemaOneFileMigratesAndKeepsItsRows) {
  temp_db db;
  sql(db.path(), read_text(AFTERSALE_SOURCE_DIR "/tests/store/fixtures/schema_v1.sql"));
  case_store s = case_store::open_sqlite(db.path());
  s.add_policy(v1());
  EXPECT_EQ(s.schema_version(), 2);
  const std::vector<stored_case_info> cases = s.list();
  ASSERT_EQ(cases.size(), 2U);
  const std::vector<log_entry> log = s.history("V1-a");
  ASSERT_EQ(log.size(), 4U);  // opened, note, refused answer, advance
  EXPECT_EQ(log[0].kind, "opened");
  EXPECT_EQ(log[0].decision_id, "");  // not recorded then
  EXPECT_EQ(log[0].policy_hash, 0U);
  EXPECT_EQ(log[2].result, "refused");
  EXPECT_EQ(log[3].kind, "advance");
  for (const char* id : {"V1-a", "V1-b"}) EXPECT_EQ(to_json(s.replay(id)), to_json(s.get(id).value)) << id;
  // And it goes on: events, timers, a migration, a new case with its decision id.
  EXPECT_EQ(s.apply("V1-a", {"answer", "agent", {}, "a-2"}, t0 + hours(1) + minutes(1)).outcome.result,
            "accepted");
  s.migrate("V1-b", v2(), t0 + hours(1) + minutes(2));
  EXPECT_EQ(s.fire_due(t0 + hours(3), 10).advanced, std::vector<std::string>{"V1-b"});
  for (const char* id : {"V1-a", "V1-b"}) EXPECT_EQ(to_json(s.replay(id)), to_json(s.get(id).value)) << id;
  const decision d = intake(v1());
  s.open_case("V2-a", d, t0);
  EXPECT_EQ(s.history("V2-a").front().decision_id, d.id());
  // Reopened: already at version 2, nothing to migrate.
  case_store again = case_store::open_sqlite(db.path());
  EXPECT_EQ(again.schema_version(), 2);
}

TEST(StoreAudit, MigrateMovesACaseToAnotherVersionAndLogsIt) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  s.open_case("M-1", intake(v1()), t0);
  s.open_case("M-2", intake(v1()), t0);
  s.fire_due(t0 + hours(1), 10);  // both reminded
  ASSERT_EQ(s.get("M-1").info.state, "reminded");

  const sys_seconds at = t0 + hours(1) + minutes(5);
  const stored_case_info moved = s.migrate("M-1", v3(), at, "ops:alice");
  EXPECT_EQ(moved.state, "nudged");  // mapped by the target's migration
  EXPECT_EQ(moved.policy_version, "3");
  EXPECT_EQ(moved.policy_hash, v3()->info.content_hash);
  EXPECT_EQ(moved.version, 3);
  EXPECT_EQ(s.get("M-1").info.policy_hash, v3()->info.content_hash);
  EXPECT_EQ(s.get("M-1").value.history().back().what, history_entry::kind::migrated);

  const log_entry row = s.history("M-1").back();  // a copy: history() returns a new vector
  EXPECT_EQ(row.kind, "migrated");
  EXPECT_EQ(row.actor, "ops:alice");
  EXPECT_EQ(row.at, at);
  EXPECT_EQ(row.from_state, "reminded");
  EXPECT_EQ(row.to_state, "nudged");
  EXPECT_EQ(row.from_policy_hash, v1()->info.content_hash);
  EXPECT_EQ(row.policy_hash, v3()->info.content_hash);
  EXPECT_EQ(row.version, 3);
  EXPECT_NE(row.message.find("to version `3`"), std::string::npos) << row.message;

  // The case goes on under version 3, M-2 under version 1, in one store.
  EXPECT_EQ(s.fire_due(t0 + hours(2), 10).advanced, (std::vector<std::string>{"M-1", "M-2"}));
  EXPECT_EQ(s.get("M-1").info.state, "expired");
  EXPECT_EQ(s.get("M-2").info.policy_version, "1");
  // Replay follows the migration: restored under version 1, moved to 3, fired under 3.
  EXPECT_EQ(to_json(s.replay("M-1")), to_json(s.get("M-1").value));
  EXPECT_EQ(to_json(s.replay("M-2")), to_json(s.get("M-2").value));
  // A fresh handle needs both versions to replay it, and says which hash it lacks.
  case_store only_new = case_store::open_sqlite(db.path());
  only_new.add_policy(v3());
  EXPECT_EQ(only_new.get("M-1").info.state, "expired");
  EXPECT_EQ(store_code_of([&] { only_new.replay("M-1"); }), error_code::unknown_policy);
  only_new.add_policy(v1());
  EXPECT_EQ(to_json(only_new.replay("M-1")), to_json(only_new.get("M-1").value));

  // Already there: nothing written.
  const std::size_t rows = s.history("M-1").size();
  EXPECT_EQ(s.migrate("M-1", v3(), at).version, s.get("M-1").info.version);
  EXPECT_EQ(s.history("M-1").size(), rows);
}

TEST(StoreAudit, RefusedMigrationsWriteNothing) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  s.open_case("R-1", intake(v1()), t0);  // in `open`
  const std::string before = to_json(s.get("R-1").value);
  const std::size_t rows = s.history("R-1").size();
  const auto unchanged = [&] {
    EXPECT_EQ(to_json(s.get("R-1").value), before);
    EXPECT_EQ(s.get("R-1").info.version, 1);
    EXPECT_EQ(s.get("R-1").info.policy_hash, v1()->info.content_hash);
    EXPECT_EQ(s.history("R-1").size(), rows);
  };
  EXPECT_EQ(store_code_of([&] { s.migrate("R-1", other(), t0); }), error_code::migration_other_policy);
  unchanged();
  EXPECT_EQ(store_code_of([&] { s.migrate("R-1", v4(), t0); }), error_code::migration_no_state);
  unchanged();
  try {
    s.migrate("R-1", v5(), t0);
    ADD_FAILURE() << "migrated to a flow of another structure";
  } catch (const store_error& e) {
    EXPECT_EQ(e.code(), error_code::migration_refused);
    EXPECT_NE(std::string(e.what()).find("structure_hash"), std::string::npos) << e.what();
  }
  unchanged();
  EXPECT_EQ(store_code_of([&] { s.migrate("nope", v2(), t0); }), error_code::unknown_case);
  EXPECT_THROW(s.migrate("R-1", nullptr, t0), usage_error);
  unchanged();
  // A version it can move to, after all that.
  EXPECT_EQ(s.migrate("R-1", v2(), t0).policy_version, "2");
  EXPECT_EQ(to_json(s.replay("R-1")), to_json(s.get("R-1").value));
}

// Counts every hook, by kind, and keeps what the SLA hooks were told.
struct recorder : observer {
  std::map<std::string, int> counts;
  std::vector<std::string> sla;
  std::vector<std::string> decisions;
  void on_decision(const decision& d) override {
    ++counts["decision"];
    decisions.push_back(d.id());
  }
  void on_event_applied(const event_notice& n) override {
    ++counts["applied"];
    EXPECT_TRUE(n.outcome.accepted());
  }
  void on_event_refused(const event_notice& n) override { ++counts["refused:" + n.outcome.result]; }
  void on_timer_fired(const timer_notice& n) override {
    ++counts["timer"];
    EXPECT_TRUE(n.outcome.accepted());
  }
  void on_sla_warning(const sla_notice& n) override {
    ++counts["warning"];
    sla.push_back("warning " + std::string(n.case_id) + " " + std::string(n.clock) + " " +
                  std::string(n.fraction));
  }
  void on_sla_breach(const sla_notice& n) override {
    ++counts["breach"];
    sla.push_back("breach " + std::string(n.case_id) + " " + std::string(n.clock) + " " + format_utc(n.due) +
                  " at " + format_utc(n.at));
  }
};

TEST(StoreAudit, ObserversAreToldOfDecisionsEventsTimersAndSlas) {
  // The reminder also emits an `sla_warning` (as the case runtime's SLA warnings are named).
  const std::shared_ptr<const policy> p = load_policy_string(
      replaced(read_text(policy_path), "effects: [{emit: remind}]",
               "effects: [{emit: remind}, {emit: sla_warning, args: {clock: final, fraction: \"0.5\"}}]"),
      "store_flows_warn.yaml");
  auto rec = std::make_shared<recorder>();
  decide_options o;
  o.observer = rec.get();
  const decision d = intake(p, 1000, t0, o);
  EXPECT_EQ(rec->decisions, std::vector<std::string>{d.id()});
  intake(p);  // no observer: not told
  EXPECT_EQ(rec->counts["decision"], 1);

  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  s.set_observer(rec);
  s.open_case("O-1", d, t0);
  s.open_case("O-2", d, t0);
  s.apply("O-1", {"note", "agent", {}, "n-1"}, t0 + minutes(1));
  s.apply("O-1", {"note", "agent", {}, "n-1"}, t0 + minutes(2));       // duplicate
  s.apply("O-1", {"answer", "customer", {}, "a-1"}, t0 + minutes(3));  // role refused
  EXPECT_EQ(rec->counts["applied"], 1);
  EXPECT_EQ(rec->counts["refused:duplicate"], 1);
  EXPECT_EQ(rec->counts["refused:refused"], 1);
  EXPECT_EQ(rec->counts["breach"], 0);

  // O-1: reply (due 11:00) fires its timer at 11:30 with the warning; O-2 likewise.
  s.fire_due(t0 + hours(1) + minutes(30), 10);
  EXPECT_EQ(rec->counts["timer"], 2);
  EXPECT_EQ(rec->counts["warning"], 2);
  // The reply clock's deadline passed in that call: one breach each, reported by that call.
  EXPECT_EQ(rec->counts["breach"], 2);
  s.set_observer(nullptr);  // removed: not told
  s.apply("O-2", {"note", "agent", {}, "n-2"}, t0 + hours(1) + minutes(40));
  EXPECT_EQ(rec->counts["applied"], 1);
  s.set_observer(rec);
  // O-1 answered at 12:30: `apply` first fires what fell due before it, the final clock's expiry
  // at 12:00, and the answer is then refused in the expired state. A refusal changes nothing, so
  // the expiry is still due and no breach is reported yet.
  EXPECT_EQ(s.apply("O-1", {"answer", "agent", {}, "a-2"}, t0 + hours(2) + minutes(30)).outcome.result,
            "refused");
  EXPECT_EQ(rec->counts["refused:refused"], 2);
  EXPECT_EQ(rec->counts["breach"], 2);
  // Both expire at 12:00 (fired at 13:00): the final clock's breach, once each; nothing after.
  s.fire_due(t0 + hours(3), 10);
  s.fire_due(t0 + hours(4), 10);
  EXPECT_EQ(rec->counts["timer"], 4);
  // A migration is a change too: O-3's reply deadline (11:00) passed before it moved at 11:10.
  s.open_case("O-3", d, t0);
  s.migrate("O-3", v2(), t0 + hours(1) + minutes(10));
  EXPECT_EQ(rec->sla.back(), "breach O-3 reply 2026-11-23T11:00:00Z at 2026-11-23T11:10:00Z");
  rec->sla.pop_back();
  EXPECT_EQ(rec->sla, (std::vector<std::string>{
                          "warning O-1 final 0.5",
                          "breach O-1 reply 2026-11-23T11:00:00Z at 2026-11-23T11:30:00Z",
                          "warning O-2 final 0.5",
                          "breach O-2 reply 2026-11-23T11:00:00Z at 2026-11-23T11:30:00Z",
                          "breach O-1 final 2026-11-23T12:00:00Z at 2026-11-23T13:00:00Z",
                          "breach O-2 final 2026-11-23T12:00:00Z at 2026-11-23T13:00:00Z",
                      }));
}

struct thrower : observer {
  void on_event_applied(const event_notice&) override { throw std::runtime_error("disk full"); }
  void on_decision(const decision&) override { throw 42; }
};

TEST(StoreAudit, AHookThatThrowsIsE506AfterTheWorkIsDone) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  s.open_case("X-1", intake(v1()), t0);
  s.set_observer(std::make_shared<thrower>());
  try {
    s.apply("X-1", {"answer", "agent", {}, "a-1"}, t0 + minutes(1));
    ADD_FAILURE() << "the hook's exception was lost";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::observer_failed);
    EXPECT_NE(std::string(e.what()).find("`on_event_applied` threw: disk full"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(s.get("X-1").info.state, "answered");  // committed before the hook ran
  thrower t;
  decide_options o;
  o.observer = &t;
  try {
    intake(v1(), 1000, t0, o);
    ADD_FAILURE() << "the hook's exception was lost";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::observer_failed);
  }
}

}  // namespace
