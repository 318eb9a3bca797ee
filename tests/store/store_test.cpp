// SPDX-License-Identifier: Apache-2.0
// The case store on SQLite (docs/store.md) with tests/policies/store_flows.yaml: every
// operation, all-or-nothing transactions (failures injected with SQL triggers), duplicate and
// conflict answered from the event-id table, version checks with two handles on one file,
// fire_due exactly once, policy pinning, schema versions, reopening, and several processes
// applying events and firing timers on one file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/store.hpp>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "store/backend.hpp"
#include "store/hooked_backend.hpp"
#include "support/sqlite_files.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string policy_path = AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml";

const std::shared_ptr<const policy>& policy_v1() {
  static const std::shared_ptr<const policy> p = load_policy_file(policy_path);
  return p;
}

// The same flow under version 2: another text, so another content hash.
const std::shared_ptr<const policy>& policy_v2() {
  static const std::shared_ptr<const policy> p = [] {
    std::string text = read_text(policy_path);
    const std::string v1 = "version: \"1\"";
    text.replace(text.find(v1), v1.size(), "version: \"2\"");
    return load_policy_string(text, "store_flows_v2.yaml");
  }();
  return p;
}

const sys_seconds t0 = *parse_timestamp("2026-11-23T10:00:00Z");

decision intake(const std::shared_ptr<const policy>& p, std::int64_t amount = 1000, sys_seconds now = t0) {
  request r;
  r.set("order_status", "delivered").set("amount", amount);
  return decide(p, r, now);
}

event note(std::string id, std::int64_t last, std::string role = "agent") {
  request payload;
  payload.set("last", last);
  return event{"note", std::move(role), std::move(payload), std::move(id)};
}

using testing_sqlite::count;
using testing_sqlite::sql;
using testing_sqlite::temp_db;

case_store open_store(const std::string& path) {
  case_store s = case_store::open_sqlite(path);
  s.add_policy(policy_v1());
  return s;
}

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

std::size_t timers_in(const service_case& c) {
  std::size_t n = 0;
  for (const history_entry& h : c.history()) n += h.what == history_entry::kind::timer ? 1 : 0;
  return n;
}

TEST(Store, OpensCaseWithDenormalisedColumnsAndOpenedLogRow) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  EXPECT_EQ(s.schema_version(), 2);
  const stored_case_info info = s.open_case("T-1", intake(policy_v1()), t0);
  EXPECT_EQ(info.version, 1);
  EXPECT_EQ(info.flow, "ticket");
  EXPECT_EQ(info.state, "open");
  EXPECT_EQ(info.phase, "active");
  EXPECT_EQ(info.policy_id, "store_test");
  EXPECT_EQ(info.policy_version, "1");
  EXPECT_EQ(info.policy_hash, policy_v1()->info.content_hash);
  ASSERT_TRUE(info.next_due.has_value());
  EXPECT_EQ(*info.next_due, t0 + hours(1));

  const stored_case got = s.get("T-1");
  EXPECT_EQ(got.info.state, "open");
  EXPECT_EQ(to_json(got.value), to_json(open_case(intake(policy_v1()), t0)));
  const std::vector<log_entry> log = s.history("T-1");
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].kind, "opened");
  EXPECT_EQ(log[0].seq, 1);
  EXPECT_EQ(log[0].version, 1);
  EXPECT_EQ(log[0].snapshot, to_json(got.value));
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM policies"), 1);
  EXPECT_TRUE(s.contains("T-1"));
  EXPECT_FALSE(s.contains("T-2"));
}

TEST(Store, AppliesEventsAndLogsEveryOutcome) {
  temp_db db;
  case_store s = open_store(db.path());
  s.open_case("T-1", intake(policy_v1()), t0);

  store_result r = s.apply("T-1", note("e1", 5), t0 + minutes(1));
  EXPECT_EQ(r.outcome.result, "accepted") << r.outcome.message;
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(s.get("T-1").value.value("last"), 5);

  r = s.apply("T-1", note("e2", 6, "system"), t0 + minutes(2));  // role not allowed
  EXPECT_EQ(r.outcome.result, "refused");
  EXPECT_EQ(r.outcome.reason, "role_not_allowed");
  EXPECT_EQ(r.version, 2);

  r = s.apply("T-1", note("e1", 5), t0 + minutes(3));  // the same event again
  EXPECT_EQ(r.outcome.result, "duplicate");
  EXPECT_EQ(r.version, 2);
  r = s.apply("T-1", note("e1", 7), t0 + minutes(3));  // the id reused for another payload
  EXPECT_EQ(r.outcome.result, "conflict");
  EXPECT_NE(r.outcome.message.find("`e1`"), std::string::npos) << r.outcome.message;

  r = s.apply("T-1", event{"answer", "agent", {}, "e3"}, t0 + minutes(4));
  EXPECT_EQ(r.outcome.result, "accepted");
  ASSERT_EQ(r.outcome.actions.size(), 1U);
  EXPECT_EQ(r.outcome.actions[0].name, "notify_customer");
  EXPECT_EQ(r.version, 3);

  const std::vector<log_entry> log = s.history("T-1");
  ASSERT_EQ(log.size(), 6U);
  const std::vector<std::string> results = {"accepted",  "accepted", "refused",
                                            "duplicate", "conflict", "accepted"};
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(log[i].result, results[i]) << i;
  }
  EXPECT_EQ(log[1].payload_json, "{\"last\":5}");
  EXPECT_EQ(log[2].reason, "role_not_allowed");
  EXPECT_EQ(log[2].version, 2);  // a refusal does not change the case
  EXPECT_EQ(log[5].actions.size(), 1U);
  EXPECT_EQ(log[5].to_state, "answered");

  const stored_case c = s.get("T-1");
  EXPECT_EQ(c.info.state, "answered");
  EXPECT_FALSE(c.info.next_due.has_value());  // a terminal state has no timer
  EXPECT_EQ(to_json(s.replay("T-1")), to_json(c.value));
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids WHERE case_id = 'T-1'"), 2);
}

TEST(Store, DuplicateAndConflictAreAnsweredFromTheTable) {
  temp_db db;
  case_store s = open_store(db.path());
  s.open_case("T-1", intake(policy_v1()), t0);
  // An id the case has never seen, but that the table says was applied with another event:
  // the store must answer from the table (conflict), not from the snapshot (which would accept).
  sql(db.path(),
      "INSERT INTO event_ids (case_id, event_id, digest, log_seq) VALUES ('T-1', 'x', '0000000000000001', "
      "1)");
  const store_result r = s.apply("T-1", note("x", 1), t0 + minutes(1));
  EXPECT_EQ(r.outcome.result, "conflict");
  EXPECT_EQ(s.get("T-1").info.version, 1);
  EXPECT_FALSE(s.get("T-1").value.value("last").has_value());
}

TEST(Store, UnknownCasesAndTakenIdsAreErrorsThatWriteNothing) {
  temp_db db;
  case_store s = open_store(db.path());
  s.open_case("T-1", intake(policy_v1()), t0);
  EXPECT_EQ(store_code_of([&] { s.apply("nope", note("e", 1), t0); }), error_code::unknown_case);
  EXPECT_EQ(store_code_of([&] { s.get("nope"); }), error_code::unknown_case);
  EXPECT_EQ(store_code_of([&] { s.history("nope"); }), error_code::unknown_case);
  EXPECT_EQ(store_code_of([&] { s.open_case("T-1", intake(policy_v1(), 2000), t0 + hours(1)); }),
            error_code::unknown_case);
  EXPECT_EQ(s.history("T-1").size(), 1U);
  EXPECT_EQ(s.get("T-1").info.opened_at, t0);
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM case_log"), 1);
  try {
    s.get("nope");
  } catch (const store_error& e) {
    EXPECT_STREQ(e.what(), "error[E602]: no case `nope` in the store");
  }
}

TEST(Store, ExpectedVersionRefusesAStaleWriterAcrossHandles) {
  temp_db db;
  case_store a = open_store(db.path());
  case_store b = open_store(db.path());
  a.open_case("T-1", intake(policy_v1()), t0);
  const std::int64_t seen = a.get("T-1").info.version;
  EXPECT_EQ(b.apply("T-1", note("b1", 1), t0 + minutes(1)).outcome.result, "accepted");
  EXPECT_EQ(store_code_of([&] { a.apply("T-1", note("a1", 2), t0 + minutes(2), seen); }),
            error_code::version_conflict);
  EXPECT_EQ(a.history("T-1").size(), 2U);  // the stale write left no row
  EXPECT_EQ(a.get("T-1").value.value("last"), 1);
  EXPECT_EQ(a.apply("T-1", note("a1", 2), t0 + minutes(2), seen + 1).outcome.result, "accepted");
}

TEST(Store, InterleavedHandlesLoseNoUpdate) {
  temp_db db;
  case_store a = open_store(db.path());
  case_store b = open_store(db.path());
  a.open_case("T-1", intake(policy_v1()), t0);
  for (int i = 0; i < 20; ++i) {
    case_store& s = i % 2 == 0 ? a : b;
    const store_result r = s.apply("T-1", note("e" + std::to_string(i), i), t0 + seconds(i + 1));
    ASSERT_EQ(r.outcome.result, "accepted") << r.outcome.message;
    EXPECT_EQ(r.version, i + 2);
  }
  const stored_case c = b.get("T-1");
  EXPECT_EQ(c.info.version, 21);
  EXPECT_EQ(c.value.applied_event_ids().size(), 20U);
  EXPECT_EQ(to_json(a.replay("T-1")), to_json(c.value));
}

TEST(Store, ListsCasesByStatePhaseAndFlow) {
  temp_db db;
  case_store s = open_store(db.path());
  for (int i = 0; i < 5; ++i) s.open_case("T-" + std::to_string(i), intake(policy_v1()), t0);
  s.apply("T-1", event{"answer", "agent", {}, ""}, t0 + minutes(1));
  s.fire_due(t0 + hours(1), 1);  // T-0 is due first (ties by id): reminded
  EXPECT_EQ(s.list().size(), 5U);
  EXPECT_EQ(s.list({"open", "", "", 1000}).size(), 3U);
  EXPECT_EQ(s.list({"answered", "", "", 1000}).at(0).id, "T-1");
  const std::vector<stored_case_info> waiting = s.list({"", "waiting_on_customer", "", 1000});
  ASSERT_EQ(waiting.size(), 1U);
  EXPECT_EQ(waiting[0].id, "T-0");
  EXPECT_EQ(s.list({"open", "", "ticket", 2}).size(), 2U);
  EXPECT_TRUE(s.list({"", "", "other", 1000}).empty());
}

TEST(Store, DueListsByNextDueAndFireDueFiresEachTimerOnce) {
  temp_db db;
  case_store a = open_store(db.path());
  case_store b = open_store(db.path());
  for (int i = 0; i < 10; ++i)
    a.open_case("T-" + std::to_string(i), intake(policy_v1(), 1000, t0 + minutes(i)), t0 + minutes(i));
  EXPECT_TRUE(a.due(t0 + minutes(59), 100).empty());
  const std::vector<due_case> due = a.due(t0 + minutes(64), 100);
  ASSERT_EQ(due.size(), 5U);
  EXPECT_EQ(due[0].id, "T-0");
  EXPECT_EQ(due[0].due, t0 + hours(1));
  EXPECT_EQ(a.due(t0 + hours(3), 3).size(), 3U);

  // Two handles firing the same due set: each case advanced by exactly one of them.
  const fire_report ra = a.fire_due(t0 + minutes(64), 2);
  const fire_report rb = b.fire_due(t0 + minutes(64), 100);
  const fire_report rc = a.fire_due(t0 + minutes(64), 100);
  EXPECT_EQ(ra.cases, 2U);
  EXPECT_EQ(rb.cases, 3U);
  EXPECT_EQ(rc.cases, 0U);
  EXPECT_EQ(ra.timers + rb.timers + rc.timers, 5U);
  std::set<std::string> advanced(ra.advanced.begin(), ra.advanced.end());
  advanced.insert(rb.advanced.begin(), rb.advanced.end());
  EXPECT_EQ(advanced.size(), 5U);

  // A worker down for hours catches up: both timers fire, each at its own due time, once.
  const fire_report late = b.fire_due(t0 + hours(5), 100);
  EXPECT_EQ(late.cases, 10U);
  EXPECT_EQ(late.timers, 15U);  // 5 reminded cases expire; 5 open ones remind and expire
  EXPECT_EQ(a.fire_due(t0 + hours(6), 100).timers, 0U);
  for (int i = 0; i < 10; ++i) {
    const stored_case c = a.get("T-" + std::to_string(i));
    EXPECT_EQ(c.info.state, "expired");
    EXPECT_EQ(timers_in(c.value), 2U);
    EXPECT_EQ(to_json(a.replay(c.info.id)), to_json(c.value));
    const std::vector<log_entry> log = a.history(c.info.id);
    EXPECT_EQ(log.back().kind, "advance");
    EXPECT_EQ(log.back().actions.back().name, "expire");
  }
  EXPECT_TRUE(a.due(t0 + hours(100), 100).empty());
}

// A case whose stored snapshot no longer restores is reported and passed over: it never blocks
// the due cases behind it, is retried after `failed_case_retry`, and is never half-written.
TEST(Store, ACaseThatDoesNotRestoreIsHeldAndNeverBlocksTheQueue) {
  temp_db db;
  case_store s = open_store(db.path());
  for (int i = 0; i < 3; ++i) s.open_case("T-" + std::to_string(i), intake(policy_v1()), t0);
  sql(db.path(), "UPDATE cases SET snapshot = '{}' WHERE case_id = 'T-0'");
  const sys_seconds now = t0 + minutes(64);

  const fire_report first = s.fire_due(now, 1);  // T-0 sorts first
  EXPECT_EQ(first.cases, 0U);
  ASSERT_EQ(first.failed.size(), 1U);
  EXPECT_EQ(first.failed[0].id, "T-0");
  EXPECT_NE(first.failed[0].message.find("case `T-0` could not be fired: "), std::string::npos)
      << first.failed[0].message;

  const fire_report rest = s.fire_due(now, 10);
  EXPECT_EQ(rest.held, 1U);
  EXPECT_TRUE(rest.failed.empty());
  EXPECT_EQ(rest.advanced, (std::vector<std::string>{"T-1", "T-2"}));
  // Held until its retry time, then tried (and reported) again; nothing about it was written.
  EXPECT_EQ(s.fire_due(now + case_store::failed_case_retry - seconds(1), 10).held, 1U);
  const fire_report retried = s.fire_due(now + case_store::failed_case_retry, 10);
  EXPECT_EQ(retried.held, 0U);
  ASSERT_EQ(retried.failed.size(), 1U);
  EXPECT_EQ(count(db.path(), "SELECT version FROM cases WHERE case_id = 'T-0'"), 1);
  EXPECT_EQ(count(db.path(), "SELECT COUNT(*) FROM case_log WHERE case_id = 'T-0'"), 1);
  // Another handle (a restarted worker) has held nothing: it tries the case once, then holds it.
  case_store other = open_store(db.path());
  EXPECT_EQ(other.fire_due(now, 10).failed.size(), 1U);
  EXPECT_EQ(other.fire_due(now, 10).held, 1U);
  EXPECT_EQ(s.due(now, 10).size(), 1U);  // still due: a repaired case fires
}

case_store hooked_store(const std::string& path, testing_hooks::hooks& hooks) {
  case_store s = detail::store_access::make(
      std::make_unique<testing_hooks::hooked_backend>(make_sqlite_backend(path, {}), hooks));
  s.add_policy(policy_v1());
  return s;
}

// Handle a lists a due case; before its transaction begins, handle b fires it. a must then
// skip it: the timer fires once.
TEST(Store, ACaseFiredByAnotherHandleAfterListingIsSkipped) {
  temp_db db;
  testing_hooks::hooks hooks;
  case_store a = hooked_store(db.path(), hooks);
  case_store b = open_store(db.path());
  a.open_case("T-1", intake(policy_v1()), t0);
  fire_report by_b;
  hooks.before_begin = [&] { by_b = b.fire_due(t0 + hours(1), 10); };
  const fire_report by_a = a.fire_due(t0 + hours(1), 10);
  EXPECT_EQ(by_b.timers, 1U);
  EXPECT_EQ(by_a.timers, 0U);
  EXPECT_EQ(by_a.skipped, 1U);
  const stored_case c = a.get("T-1");
  EXPECT_EQ(timers_in(c.value), 1U);
  EXPECT_EQ(c.info.version, 2);
  EXPECT_EQ(a.history("T-1").size(), 2U);
  EXPECT_EQ(to_json(a.replay("T-1")), to_json(c.value));
}

// Handle a (version 1 only) lists a due case; before it claims it, handle b migrates the case to
// version 2. a passes over it (skipped), as its listing would have: no E603, no abort.
TEST(Store, ACaseMigratedAfterListingToAVersionTheHandleLacksIsSkipped) {
  temp_db db;
  testing_hooks::hooks hooks;
  case_store a = hooked_store(db.path(), hooks);
  case_store b = open_store(db.path());
  b.add_policy(policy_v2());
  a.open_case("T-1", intake(policy_v1()), t0);
  a.open_case("T-2", intake(policy_v1()), t0 + minutes(1));
  hooks.before_begin = [&] { b.migrate("T-1", policy_v2(), t0 + minutes(30)); };
  const fire_report r = a.fire_due(t0 + hours(2), 10);
  EXPECT_EQ(r.skipped, 1U);
  EXPECT_TRUE(r.failed.empty());
  EXPECT_EQ(r.advanced, std::vector<std::string>{"T-2"});
  EXPECT_EQ(b.fire_due(t0 + hours(2), 10).advanced, std::vector<std::string>{"T-1"});
}

// Rows edited behind the store's back: a version it never writes is E605 for apply and a held
// case for fire_due; text with a NUL byte is refused (E606) before anything is read.
TEST(Store, MalformedRowsAndNulBytesAreRefused) {
  temp_db db;
  case_store s = open_store(db.path());
  s.open_case("T-1", intake(policy_v1()), t0);
  s.open_case("T-2", intake(policy_v1()), t0);
  for (const char* bad : {"0", "-3", "9223372036854775807"}) {
    sql(db.path(), std::string("UPDATE cases SET version = ") + bad + " WHERE case_id = 'T-1'");
    EXPECT_EQ(store_code_of([&] { s.apply("T-1", note("e1", 1), t0 + minutes(1)); }),
              error_code::malformed_row)
        << bad;
  }
  const fire_report r = s.fire_due(t0 + hours(2), 10);
  ASSERT_EQ(r.failed.size(), 1U);
  EXPECT_EQ(r.failed[0].id, "T-1");
  EXPECT_NE(r.failed[0].message.find("which the store never writes"), std::string::npos)
      << r.failed[0].message;
  EXPECT_EQ(r.advanced, std::vector<std::string>{"T-2"});
  // A payload column nested a million deep: refused as malformed, not a stack overflow.
  sql(db.path(),
      "INSERT INTO case_log (case_id, seq, kind, event, actor, event_id, at, payload, result, reason, "
      "message, actions, from_state, to_state, steps, version, changed, snapshot) SELECT 'T-2', 99, "
      "'event', 'note', 'agent', '', 0, '{}', 'refused', '', '', "
      "replace(hex(zeroblob(500000)), '00', '[') || ']', '', '', 0, 1, 0, ''");
  EXPECT_EQ(store_code_of([&] { s.history("T-2"); }), error_code::malformed_row);
  using namespace std::string_literals;
  EXPECT_EQ(store_code_of([&] { s.get("T-\0x"s); }), error_code::unstorable_text);
  EXPECT_EQ(store_code_of([&] { s.open_case("T-\0x"s, intake(policy_v1()), t0); }),
            error_code::unstorable_text);
  EXPECT_EQ(store_code_of([&] { s.apply("T-2", note("e\0a"s, 1), t0 + minutes(1)); }),
            error_code::unstorable_text);
  EXPECT_EQ(store_code_of([&] { s.apply("T-2", note("e1", 1, "agent\0x"s), t0 + minutes(1)); }),
            error_code::unstorable_text);
  EXPECT_EQ(store_code_of([&] { s.contains("T-2\0x"s); }), error_code::unstorable_text);  // not read as T-2
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids"), 0);
}

// Handle a sends an event; before its transaction begins, handle b applies the same event
// (a retry racing the original): one is accepted, the other answered `duplicate`.
TEST(Store, TheSameEventFromTwoHandlesIsAppliedOnce) {
  temp_db db;
  testing_hooks::hooks hooks;
  case_store a = hooked_store(db.path(), hooks);
  case_store b = open_store(db.path());
  a.open_case("T-1", intake(policy_v1()), t0);
  store_result by_b;
  hooks.before_begin = [&] { by_b = b.apply("T-1", note("e1", 1), t0 + minutes(1)); };
  const store_result by_a = a.apply("T-1", note("e1", 1), t0 + minutes(1));
  EXPECT_EQ(by_b.outcome.result, "accepted");
  EXPECT_EQ(by_a.outcome.result, "duplicate");
  EXPECT_EQ(a.get("T-1").info.version, 2);
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids"), 1);
}

// A trigger that aborts the insert of a log row of one kind: a failure in the middle of an
// operation, after the case row was written.
void fail_log_rows(const std::string& path, const std::string& kind) {
  sql(path, "CREATE TRIGGER inject BEFORE INSERT ON case_log WHEN NEW.kind = '" + kind +
                "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
}

TEST(Store, AFailedOperationLeavesNothingHalfWritten) {
  temp_db db;
  case_store s = open_store(db.path());
  s.open_case("T-1", intake(policy_v1()), t0);
  const std::string before = to_json(s.get("T-1").value);

  fail_log_rows(db.path(), "event");
  EXPECT_EQ(store_code_of([&] { s.apply("T-1", note("e1", 1), t0 + minutes(1)); }),
            error_code::store_unavailable);
  EXPECT_EQ(to_json(s.get("T-1").value), before);
  EXPECT_EQ(s.get("T-1").info.version, 1);
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids"), 0);
  sql(db.path(), "DROP TRIGGER inject");
  // The id was not recorded: sent again, it is accepted (not a duplicate).
  EXPECT_EQ(s.apply("T-1", note("e1", 1), t0 + minutes(1)).outcome.result, "accepted");

  fail_log_rows(db.path(), "advance");
  EXPECT_EQ(store_code_of([&] { s.fire_due(t0 + hours(3), 10); }), error_code::store_unavailable);
  EXPECT_EQ(s.get("T-1").info.state, "open");
  EXPECT_EQ(s.due(t0 + hours(3), 10).size(), 1U);
  sql(db.path(), "DROP TRIGGER inject");
  EXPECT_EQ(s.fire_due(t0 + hours(3), 10).timers, 2U);

  fail_log_rows(db.path(), "opened");
  EXPECT_EQ(store_code_of([&] { s.open_case("T-2", intake(policy_v1()), t0); }),
            error_code::store_unavailable);
  EXPECT_FALSE(s.contains("T-2"));
  sql(db.path(), "DROP TRIGGER inject");
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM case_log WHERE case_id = 'T-2'"), 0);
  EXPECT_EQ(to_json(s.replay("T-1")), to_json(s.get("T-1").value));
}

TEST(Store, CasesArePinnedToTheirPolicysContentHash) {
  temp_db db;
  {
    case_store s = case_store::open_sqlite(db.path());
    s.open_case("old", intake(policy_v1()), t0);
    s.open_case("new", intake(policy_v2()), t0);
    EXPECT_NE(s.get("old").info.policy_hash, s.get("new").info.policy_hash);
    EXPECT_EQ(s.get("new").info.policy_version, "2");
  }
  case_store s = case_store::open_sqlite(db.path());
  s.add_policy(policy_v2());
  // Same flow, same shape, another text: the old case is not read with it.
  EXPECT_EQ(store_code_of([&] { s.get("old"); }), error_code::unknown_policy);
  EXPECT_EQ(store_code_of([&] { s.apply("old", note("e", 1), t0); }), error_code::unknown_policy);
  // A worker fires only the cases it has the policy for; the others stay due for another.
  const fire_report fired = s.fire_due(t0 + hours(1), 10);
  EXPECT_EQ(fired.advanced, std::vector<std::string>{"new"});
  EXPECT_EQ(s.due(t0 + hours(1), 10).size(), 1U);
  EXPECT_EQ(s.due(t0 + hours(1), 10).at(0).id, "old");
  EXPECT_EQ(s.history("old").size(), 1U);  // the refused calls wrote nothing
  EXPECT_EQ(s.get("new").info.state, "reminded");
  s.add_policy(policy_v1());  // the exact text it was opened under
  EXPECT_EQ(s.apply("old", note("e", 1), t0).outcome.result, "accepted");
}

// The log is append-only in the database itself, not only by the store's habit.
TEST(Store, TheLogRefusesUpdatesAndDeletes) {
  temp_db db;
  {
    case_store s = open_store(db.path());
    s.open_case("T-1", intake(policy_v1()), t0);
  }
  for (const char* statement : {"UPDATE case_log SET result = 'refused'", "DELETE FROM case_log"}) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(raw, statement, nullptr, nullptr, nullptr), SQLITE_OK) << statement;
    EXPECT_NE(std::string(sqlite3_errmsg(raw)).find("append-only"), std::string::npos) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM case_log WHERE result = 'accepted'"), 1);
}

TEST(Store, SchemaNewerThanTheLibraryIsRefused) {
  temp_db db;
  { case_store s = case_store::open_sqlite(db.path()); }
  sql(db.path(), "INSERT INTO schema_migrations (version, applied_at) VALUES (3, 0)");
  try {
    case_store::open_sqlite(db.path());
    ADD_FAILURE() << "a newer schema was opened";
  } catch (const store_error& e) {
    EXPECT_EQ(e.code(), error_code::schema_too_new);
    EXPECT_NE(std::string(e.what()).find("schema version 3, newer than this library's 2"), std::string::npos)
        << e.what();
  }
}

TEST(Store, FilesThatCannotBeOpenedAreE600) {
  temp_db db;
  {
    std::ofstream out(db.path());
    out << "this is not a database, just text long enough to have a header ............................";
  }
  EXPECT_EQ(store_code_of([&] { case_store::open_sqlite(db.path()); }), error_code::store_unavailable);
  EXPECT_EQ(store_code_of([&] { case_store::open_sqlite("/nonexistent-folder/x/cases.db"); }),
            error_code::store_unavailable);
  // A connection string is not a path: no file named after it (password and all) is created.
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(std::filesystem::path(db.path()).parent_path());
  for (const std::string url :
       {"host=db password=secret dbname=x", "postgresql:db", "POSTGRES:x", "cases.db?password=x"}) {
    try {
      case_store::open(url);
      ADD_FAILURE() << url;
    } catch (const store_error& e) {
      EXPECT_EQ(e.code(), error_code::store_unavailable) << url;
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(url)) << url;
  }
  std::filesystem::current_path(cwd);
}

TEST(Store, APolicyWithoutContentHashCannotBePinned) {
  temp_db db;
  case_store s = case_store::open_sqlite(db.path());
  auto p = std::make_shared<policy>(*policy_v1());
  p->info.content_hash = 0;
  EXPECT_EQ(store_code_of([&] { s.add_policy(p); }), error_code::unknown_policy);
}

TEST(Store, ReopeningTheFileRestoresEverything) {
  temp_db db;
  std::string snapshot;
  std::vector<log_entry> log;
  {
    case_store s = open_store(db.path());
    s.open_case("T-1", intake(policy_v1()), t0);
    s.apply("T-1", note("e1", 3), t0 + minutes(5));
    s.apply("T-1", note("e2", 4, "system"), t0 + minutes(6));
    s.fire_due(t0 + hours(1), 10);
    snapshot = to_json(s.get("T-1").value);
    log = s.history("T-1");
  }
  case_store s = open_store(db.path());
  EXPECT_EQ(s.schema_version(), 2);
  EXPECT_EQ(to_json(s.get("T-1").value), snapshot);
  const std::vector<log_entry> again = s.history("T-1");
  ASSERT_EQ(again.size(), log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(again[i].kind, log[i].kind);
    EXPECT_EQ(again[i].result, log[i].result);
    EXPECT_EQ(again[i].at, log[i].at);
    EXPECT_EQ(again[i].message, log[i].message);
  }
  EXPECT_EQ(to_json(s.replay("T-1")), snapshot);
  EXPECT_EQ(s.apply("T-1", note("e1", 3), t0 + hours(1)).outcome.result, "duplicate");
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM schema_migrations"), case_store::current_schema_version);
}

// Several processes on one file: each applies events (every id is sent by two processes) and
// fires timers. Afterwards: each id accepted at most once, exactly the ids the processes were
// told were accepted, every timer fired once (the processes' counts and the timers accepted
// notes fired first add up to the timers in the cases), every case expired, nothing left due,
// and every case equals its log replayed.
TEST(Store, ProcessesApplyingAndFiringOnOneFile) {
  temp_db db;
  constexpr int processes = 4, cases = 16, steps = 120;
  {
    case_store s = open_store(db.path());
    for (int i = 0; i < cases; ++i) s.open_case("C-" + std::to_string(i), intake(policy_v1()), t0);
  }
  // The processes start together: each waits until the parent closes the pipe.
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      ::close(gate[1]);
      char byte = 0;
      while (::read(gate[0], &byte, 1) > 0) {
      }
      try {
        store_options o;
        o.busy_timeout = std::chrono::milliseconds(20000);
        case_store s = case_store::open_sqlite(db.path(), o);
        s.add_policy(policy_v1());
        std::ofstream out(db.path() + ".out" + std::to_string(p));
        std::size_t timers = 0, skipped = 0;
        for (int k = 0; k < steps; ++k) {
          const sys_seconds now = t0 + seconds(60 * k);  // 2 hours in all: every timer falls due
          const int pair = p / 2;  // processes 0,1 send the same ids (to even cases); 2,3 too (odd ones)
          const std::string id = "C-" + std::to_string((k * 6 + pair) % cases);
          const std::string eid = "e-" + std::to_string(pair) + "-" + std::to_string(k);
          const store_result r = s.apply(id, note(eid, k), now);
          out << id << ' ' << eid << ' ' << r.outcome.result << '\n';
          if (k % 3 == p % 3) {
            const fire_report f = s.fire_due(now, 4);
            timers += f.timers;
            skipped += f.skipped;
          }
        }
        out << "timers " << timers << '\n' << "skipped " << skipped << '\n';
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d: %s\n", p, e.what());
        status = 1;
      }
      std::_Exit(status);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a process failed";
  }

  std::set<std::pair<std::string, std::string>> told_accepted;
  std::size_t timers_reported = 0, skipped = 0;
  std::map<std::string, std::size_t> results;
  for (int p = 0; p < processes; ++p) {
    std::ifstream in(db.path() + ".out" + std::to_string(p));
    std::string a, b, result;
    while (in >> a >> b) {
      if (a == "timers" || a == "skipped") {
        (a == "timers" ? timers_reported : skipped) += std::stoul(b);
        continue;
      }
      in >> result;
      ++results[result];
      if (result == "accepted") {
        EXPECT_TRUE(told_accepted.insert({a, b}).second) << "accepted twice: " << b;
      }
    }
    std::filesystem::remove(db.path() + ".out" + std::to_string(p));
  }
  EXPECT_FALSE(told_accepted.empty());
  EXPECT_GT(results["duplicate"], 0U);  // the two processes of a pair did race on the same ids
  const std::size_t timers_in_processes = timers_reported;

  case_store s = open_store(db.path());
  timers_reported += s.fire_due(t0 + hours(6), 1000).timers;  // after every note: the rest expire
  std::printf(
      "%d processes: %zu accepted, %zu duplicate, %zu refused, %zu timers fired by them, %zu skipped as "
      "fired by another process\n",
      processes, results["accepted"], results["duplicate"], results["refused"], timers_in_processes, skipped);
  std::set<std::pair<std::string, std::string>> logged_accepted;
  std::size_t timers_stored = 0;
  for (int i = 0; i < cases; ++i) {
    const std::string id = "C-" + std::to_string(i);
    const stored_case c = s.get(id);
    for (const log_entry& e : s.history(id))
      if (e.kind == "event" && e.result == "accepted") {
        EXPECT_TRUE(logged_accepted.insert({id, e.event_id}).second) << "logged twice: " << e.event_id;
        // A note is one step; the rest are the timers due before it, which `apply` fired first.
        timers_reported += e.steps - 1;
      }
    EXPECT_EQ(to_json(s.replay(id)), to_json(c.value)) << id;
    timers_stored += timers_in(c.value);
    // A note never overtakes a timer that fell due before it: every case expired.
    EXPECT_EQ(c.value.state_id(), "expired") << id;
  }
  EXPECT_EQ(logged_accepted, told_accepted);
  EXPECT_EQ(timers_reported, timers_stored);
  EXPECT_GT(timers_stored, 0U);
  EXPECT_TRUE(s.due(t0 + hours(6), 1000).empty());
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids"),
            static_cast<std::int64_t>(told_accepted.size()));
}

// Processes killed with SIGKILL in the middle of their work (inside a transaction, or not):
// the file opens, every case equals its log replayed, every id a process was told was accepted
// is in the log exactly once, the event-id table matches the accepted log rows, and a new
// process carries on where they stopped.
TEST(Store, KilledProcessesLeaveAConsistentFile) {
  temp_db db;
  constexpr int processes = 3, cases = 8;
  {
    case_store s = open_store(db.path());
    for (int i = 0; i < cases; ++i) s.open_case("K-" + std::to_string(i), intake(policy_v1()), t0);
  }
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Until killed. Each result is written with write(2) once apply returned: the kernel
      // has it even if the process dies on the next line.
      const int out =
          ::open((db.path() + ".acc" + std::to_string(p)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      try {
        case_store s = open_store(db.path());
        for (int k = 0;; ++k) {
          const sys_seconds now = t0 + minutes(5 * k);  // timers fall due while they run
          const std::string id = "K-" + std::to_string((k + p) % cases);
          const std::string eid = "p" + std::to_string(p) + "-" + std::to_string(k);
          const std::string result = s.apply(id, note(eid, k), now).outcome.result;
          const std::string line = result + ' ' + id + ' ' + eid + '\n';
          if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(3);
          if (k % 2 == 0) s.fire_due(now, 3);
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d: %s\n", p, e.what());
      }
      std::_Exit(1);
    }
    children.push_back(pid);
  }
  // Killed once every process has applied an event (at most 10 s: a slow machine), and
  // 0.2 s more, wherever they are then.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int p = 0; p < processes && std::chrono::steady_clock::now() < give_up;) {
    std::error_code ec;
    if (std::filesystem::file_size(db.path() + ".acc" + std::to_string(p), ec) > 0 && !ec) {
      ++p;
    } else {
      ::usleep(10 * 1000);
    }
  }
  ::usleep(200 * 1000);
  for (const pid_t pid : children) ::kill(pid, SIGKILL);
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "a process stopped before it was killed";
  }

  std::set<std::pair<std::string, std::string>> told;
  for (int p = 0; p < processes; ++p) {
    std::ifstream in(db.path() + ".acc" + std::to_string(p));
    std::string a, b;
    std::string result;
    while (in >> result >> a >> b) {
      if (result == "accepted") told.insert({a, b});
    }
    std::filesystem::remove(db.path() + ".acc" + std::to_string(p));
  }
  case_store s = open_store(db.path());
  std::set<std::pair<std::string, std::string>> logged;
  for (int i = 0; i < cases; ++i) {
    const std::string id = "K-" + std::to_string(i);
    for (const log_entry& e : s.history(id)) {
      if (e.kind == "event" && e.result == "accepted") {
        EXPECT_TRUE(logged.insert({id, e.event_id}).second) << "logged twice: " << e.event_id;
      }
    }
    EXPECT_EQ(to_json(s.replay(id)), to_json(s.get(id).value)) << id;
  }
  EXPECT_FALSE(told.empty());
  for (const auto& t : told) EXPECT_EQ(logged.count(t), 1U) << "accepted but not in the log: " << t.second;
  // At most one per process was committed but not yet reported when it died.
  EXPECT_LE(logged.size(), told.size() + processes);
  EXPECT_EQ(count(db.path(), "SELECT count(*) FROM event_ids"), static_cast<std::int64_t>(logged.size()));
  EXPECT_EQ(count(db.path(),
                  "SELECT count(*) FROM event_ids e JOIN case_log l ON l.case_id = e.case_id AND "
                  "l.seq = e.log_seq AND l.event_id = e.event_id AND l.result = 'accepted'"),
            static_cast<std::int64_t>(logged.size()));
  // A new worker carries on: the rest of the timers fire, once.
  const fire_report f = s.fire_due(t0 + hours(24), 1000);
  EXPECT_TRUE(s.due(t0 + hours(24), 1000).empty());
  EXPECT_EQ(s.fire_due(t0 + hours(24), 1000).timers, 0U);
  std::printf("%d processes killed: %zu events accepted and logged, %zu timers fired after the restart\n",
              processes, logged.size(), f.timers);
}

}  // namespace
