// SPDX-License-Identifier: Apache-2.0
// The case store on every backend (docs/store.md): the same tests on SQLite (always) and on
// PostgreSQL (when AFTERSALE_TEST_PG_URL names a server; each test in a fresh schema, dropped
// afterwards). Without the URL the PostgreSQL cases are SKIPPED, loudly; ctest `store.postgres`
// (tests/store/pg_tests.sh) starts a throwaway cluster and runs them. What is checked: the
// operations and their log, duplicate and conflict answered from the table, all-or-nothing on
// an injected failure, two writers on one case (no lost update), the log append-only in the
// database, schema versions (newer refused, created once by processes racing, reopened
// without migrating again), worker processes firing timers while one is SIGKILLed holding a
// claim, and (PostgreSQL) a hung worker losing its claim when its lease runs out.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/store.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/backend.hpp"
#include "store/hooked_backend.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const std::shared_ptr<const policy>& policy_v1() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml");
  return p;
}

const sys_seconds t0 = *parse_timestamp("2026-11-23T10:00:00Z");

decision intake(std::int64_t amount = 1000, sys_seconds now = t0) {
  request r;
  r.set("order_status", "delivered").set("amount", amount);
  return decide(policy_v1(), r, now);
}

event note(std::string id, std::int64_t last, std::string role = "agent") {
  request payload;
  payload.set("last", last);
  return event{"note", std::move(role), std::move(payload), std::move(id)};
}

template <class F>
std::string store_error_of(F&& f) {
  try {
    f();
  } catch (const store_error& e) {
    return e.what();
  }
  return "(no store_error)";
}

std::size_t timers_in(const service_case& c) {
  std::size_t n = 0;
  for (const history_entry& h : c.history()) n += h.what == history_entry::kind::timer ? 1 : 0;
  return n;
}

const char* pg_url_from_env() {
  const char* u = std::getenv("AFTERSALE_TEST_PG_URL");
  return u && *u ? u : nullptr;
}

// A fresh, empty database for one test, with raw SQL beside the store.
class test_db {
 public:
  virtual ~test_db() = default;
  virtual std::string url() const = 0;
  /// Runs SQL; the error message, empty on success.
  virtual std::string try_sql(const std::string& statement) = 0;
  virtual std::int64_t count(const std::string& query) = 0;
  /// A table's columns in order, joined by commas.
  virtual std::string columns(const std::string& table) = 0;
  /// Makes inserting log rows of `kind` fail, after the case row was written; undo() removes it.
  virtual void fail_log_rows(const std::string& kind) = 0;
  virtual void undo_failure() = 0;
  void sql(const std::string& statement) {
    const std::string err = try_sql(statement);
    ASSERT_EQ(err, "") << statement;
  }
};

class sqlite_db final : public test_db {
 public:
  sqlite_db() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("aftersale-backends-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                .string();
    remove();
  }
  ~sqlite_db() override { remove(); }
  std::string url() const override { return "sqlite:" + path_; }
  std::string try_sql(const std::string& statement) override {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_busy_timeout(db, 5000);
    std::string message;
    if (sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      message = sqlite3_errmsg(db);
    sqlite3_close(db);
    return message;
  }
  std::int64_t count(const std::string& query) override {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, query.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::int64_t n = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  std::string columns(const std::string& table) override {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, ("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid").c_str(), -1,
                       &s, nullptr);
    std::string out;
    while (s && sqlite3_step(s) == SQLITE_ROW)
      out += (out.empty() ? "" : ",") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }
  void fail_log_rows(const std::string& kind) override {
    sql("CREATE TRIGGER inject BEFORE INSERT ON case_log WHEN NEW.kind = '" + kind +
        "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  void undo_failure() override { sql("DROP TRIGGER inject"); }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

// A schema of its own on the server (search_path in the URL's `options`), dropped at the end.
class postgres_db final : public test_db {
 public:
  explicit postgres_db(const std::string& server) : server_(server) {
    static std::atomic<int> counter{0};
    schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin_ = PQconnectdb(server_.c_str());
    EXPECT_EQ(PQstatus(admin_), CONNECTION_OK) << PQerrorMessage(admin_);
    sql("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " +
        schema_ + "; SET search_path = " + schema_);
  }
  ~postgres_db() override {
    try_sql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    PQfinish(admin_);
  }
  std::string url() const override {
    return server_ + (server_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
  }
  std::string try_sql(const std::string& statement) override {
    PGresult* r = PQexec(admin_, statement.c_str());
    const ExecStatusType s = PQresultStatus(r);
    std::string message;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) message = PQresultErrorMessage(r);
    PQclear(r);
    return message;
  }
  std::int64_t count(const std::string& query) override {
    PGresult* r = PQexec(admin_, query.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    const std::int64_t n = PQntuples(r) == 1 ? std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10) : -1;
    PQclear(r);
    return n;
  }
  std::string columns(const std::string& table) override {
    PGresult* r =
        PQexec(admin_, ("SELECT column_name FROM information_schema.columns WHERE table_schema = '" +
                        schema_ + "' AND table_name = '" + table + "' ORDER BY ordinal_position")
                           .c_str());
    std::string out;
    for (int i = 0; i < PQntuples(r); ++i) out += (out.empty() ? "" : ",") + std::string(PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
  }
  void fail_log_rows(const std::string& kind) override {
    sql("CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.kind = '" + kind +
        "' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER inject BEFORE INSERT ON case_log FOR EACH ROW EXECUTE FUNCTION inject()");
  }
  void undo_failure() override { sql("DROP TRIGGER inject ON case_log; DROP FUNCTION inject()"); }
  PGconn* admin() { return admin_; }

 private:
  std::string server_, schema_;
  PGconn* admin_ = nullptr;
};

class StoreOn : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      db_ = std::make_unique<sqlite_db>();
      return;
    }
    const char* server = pg_url_from_env();
    if (!server)
      GTEST_SKIP() << "SKIPPED: the PostgreSQL store tests need a server: AFTERSALE_TEST_PG_URL is not set "
                      "(ctest -L postgres starts a throwaway cluster: tests/store/pg_tests.sh)";
    db_ = std::make_unique<postgres_db>(server);
  }
  bool postgres() const { return GetParam() == "postgres"; }
  test_db& db() { return *db_; }
  case_store open(const store_options& o = {}) {
    case_store s = case_store::open(db_->url(), o);
    s.add_policy(policy_v1());
    return s;
  }
  case_store hooked(testing_hooks::hooks& h, const store_options& o = {}) {
    std::unique_ptr<case_store::backend> inner =
        postgres() ? make_postgres_backend(db_->url(), o) : make_sqlite_backend(db_->url().substr(7), o);
    case_store s =
        detail::store_access::make(std::make_unique<testing_hooks::hooked_backend>(std::move(inner), h));
    s.add_policy(policy_v1());
    return s;
  }

 private:
  std::unique_ptr<test_db> db_;
};

const auto param_name = [](const ::testing::TestParamInfo<std::string>& i) { return i.param; };
INSTANTIATE_TEST_SUITE_P(Backends, StoreOn, ::testing::Values("sqlite", "postgres"), param_name);

// What only PostgreSQL has: several writers at once (SKIP LOCKED), leases, lock_timeout.
class StoreOnPostgres : public StoreOn {};
INSTANTIATE_TEST_SUITE_P(Backends, StoreOnPostgres, ::testing::Values("postgres"), param_name);

TEST_P(StoreOn, OperationsAndTheirLog) {
  case_store s = open();
  EXPECT_EQ(s.schema_version(), case_store::current_schema_version);
  const stored_case_info info = s.open_case("T-1", intake(), t0);
  EXPECT_EQ(info.version, 1);
  ASSERT_TRUE(info.next_due.has_value());
  EXPECT_EQ(*info.next_due, t0 + hours(1));
  EXPECT_EQ(s.apply("T-1", note("e1", 5), t0 + minutes(1)).version, 2);
  EXPECT_EQ(s.apply("T-1", note("e2", 6, "system"), t0 + minutes(2)).outcome.result, "refused");
  EXPECT_EQ(s.apply("T-1", note("e1", 5), t0 + minutes(3)).outcome.result, "duplicate");
  EXPECT_EQ(s.apply("T-1", note("e1", 7), t0 + minutes(3)).outcome.result, "conflict");
  const store_result r = s.apply("T-1", event{"answer", "agent", {}, "e3"}, t0 + minutes(4));
  EXPECT_EQ(r.outcome.result, "accepted");
  EXPECT_EQ(r.version, 3);
  const std::vector<log_entry> log = s.history("T-1");
  ASSERT_EQ(log.size(), 6U);
  const std::vector<std::string> results = {"accepted",  "accepted", "refused",
                                            "duplicate", "conflict", "accepted"};
  for (std::size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].result, results[i]) << i;
  EXPECT_EQ(log[1].payload_json, "{\"last\":5}");
  EXPECT_EQ(log[5].actions.size(), 1U);
  EXPECT_EQ(log[0].snapshot, to_json(open_case(intake(), t0)));
  const stored_case c = s.get("T-1");
  EXPECT_EQ(c.info.state, "answered");
  EXPECT_FALSE(c.info.next_due.has_value());
  EXPECT_EQ(to_json(s.replay("T-1")), to_json(c.value));
  EXPECT_EQ(db().count("SELECT count(*) FROM event_ids"), 2);
  EXPECT_NE(store_error_of([&] { s.open_case("T-1", intake(), t0); }).find("E602"), std::string::npos);
  EXPECT_NE(store_error_of([&] { s.get("nope"); }).find("E602"), std::string::npos);
  for (int i = 2; i < 5; ++i) s.open_case("T-" + std::to_string(i), intake(), t0);
  EXPECT_EQ(s.list().size(), 4U);
  EXPECT_EQ(s.list({"open", "", "ticket", 2}).size(), 2U);
  EXPECT_EQ(s.list({"answered", "", "", 10}).at(0).id, "T-1");
}

TEST_P(StoreOn, DuplicateAndConflictAreAnsweredFromTheTable) {
  case_store s = open();
  s.open_case("T-1", intake(), t0);
  db().sql(
      "INSERT INTO event_ids (case_id, event_id, digest, log_seq) VALUES ('T-1', 'x', '0000000000000001', "
      "1)");
  EXPECT_EQ(s.apply("T-1", note("x", 1), t0 + minutes(1)).outcome.result, "conflict");
  EXPECT_EQ(s.get("T-1").info.version, 1);
  // The key is the database's: a second row for the same (case, id) cannot be written.
  EXPECT_NE(db().try_sql("INSERT INTO event_ids (case_id, event_id, digest, log_seq) VALUES ('T-1', 'x', "
                         "'0000000000000002', 2)"),
            "");
}

TEST_P(StoreOn, FireDueFiresEachTimerOnceAcrossHandles) {
  case_store a = open();
  case_store b = open();
  for (int i = 0; i < 10; ++i)
    a.open_case("T-" + std::to_string(i), intake(1000, t0 + minutes(i)), t0 + minutes(i));
  EXPECT_TRUE(a.due(t0 + minutes(59), 100).empty());
  const std::vector<due_case> due = a.due(t0 + minutes(64), 100);
  ASSERT_EQ(due.size(), 5U);
  EXPECT_EQ(due[0].id, "T-0");
  const fire_report ra = a.fire_due(t0 + minutes(64), 2);
  const fire_report rb = b.fire_due(t0 + minutes(64), 100);
  EXPECT_EQ(ra.cases + rb.cases, 5U);
  EXPECT_EQ(a.fire_due(t0 + minutes(64), 100).cases, 0U);
  EXPECT_EQ(b.fire_due(t0 + hours(5), 100).timers, 15U);  // a worker down for hours catches up
  for (int i = 0; i < 10; ++i) {
    const stored_case c = a.get("T-" + std::to_string(i));
    EXPECT_EQ(c.info.state, "expired");
    EXPECT_EQ(timers_in(c.value), 2U);
    EXPECT_EQ(to_json(a.replay(c.info.id)), to_json(c.value));
  }
  EXPECT_TRUE(a.due(t0 + hours(100), 100).empty());
}

// Handle a sends an event; before its transaction begins, handle b applies the same event (a
// retry racing the original): one is accepted, the other answered `duplicate`.
TEST_P(StoreOn, TheSameEventFromTwoHandlesIsAppliedOnce) {
  testing_hooks::hooks hooks;
  case_store a = hooked(hooks);
  case_store b = open();
  a.open_case("T-1", intake(), t0);
  store_result by_b;
  hooks.before_begin = [&] { by_b = b.apply("T-1", note("e1", 1), t0 + minutes(1)); };
  const store_result by_a = a.apply("T-1", note("e1", 1), t0 + minutes(1));
  EXPECT_EQ(by_b.outcome.result, "accepted");
  EXPECT_EQ(by_a.outcome.result, "duplicate");
  EXPECT_EQ(a.get("T-1").info.version, 2);
  EXPECT_EQ(db().count("SELECT count(*) FROM event_ids"), 1);
}

// Handle a lists a due case; before its transaction begins, handle b fires it: a skips it.
TEST_P(StoreOn, ACaseFiredByAnotherHandleAfterListingIsSkipped) {
  testing_hooks::hooks hooks;
  case_store a = hooked(hooks);
  case_store b = open();
  a.open_case("T-1", intake(), t0);
  fire_report by_b;
  hooks.before_begin = [&] { by_b = b.fire_due(t0 + hours(1), 10); };
  const fire_report by_a = a.fire_due(t0 + hours(1), 10);
  EXPECT_EQ(by_b.timers, 1U);
  EXPECT_EQ(by_a.timers, 0U);
  EXPECT_EQ(by_a.skipped, 1U);
  EXPECT_EQ(timers_in(a.get("T-1").value), 1U);
  EXPECT_EQ(a.history("T-1").size(), 2U);
}

// While handle a holds the claim of a due case, handle b does not wait for it: it passes it
// over (SKIP LOCKED) and fires the next, even one case per call (the worker's way): it is not
// listed. (SQLite has one writer: b would wait for a's lock.)
TEST_P(StoreOnPostgres, AClaimedCaseIsSkippedNotWaitedFor) {
  testing_hooks::hooks hooks;
  case_store a = hooked(hooks);
  store_options quick;
  quick.busy_timeout = std::chrono::milliseconds(60000);  // SKIP LOCKED must not wait at all
  case_store b = open(quick);
  a.open_case("T-1", intake(), t0);
  a.open_case("T-2", intake(), t0 + minutes(1));
  fire_report by_b;
  hooks.after_claim = [&](std::string_view id) {
    if (id != "T-1") return;
    const auto started = std::chrono::steady_clock::now();
    by_b = b.fire_due(t0 + hours(3), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    const std::vector<due_case> due = b.due(t0 + hours(3), 10);  // `due` still lists it: it is due
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].id, "T-1");
  };
  const fire_report by_a = a.fire_due(t0 + hours(3), 1);
  EXPECT_EQ(by_a.advanced, std::vector<std::string>{"T-1"});
  EXPECT_EQ(by_b.advanced, std::vector<std::string>{"T-2"});
  EXPECT_EQ(by_b.skipped, 0U);
  EXPECT_EQ(timers_in(a.get("T-1").value), 2U);
  EXPECT_EQ(timers_in(a.get("T-2").value), 2U);
}

TEST_P(StoreOn, AFailedOperationLeavesNothingHalfWritten) {
  case_store s = open();
  s.open_case("T-1", intake(), t0);
  const std::string before = to_json(s.get("T-1").value);
  db().fail_log_rows("event");
  EXPECT_NE(store_error_of([&] { s.apply("T-1", note("e1", 1), t0 + minutes(1)); }).find("E600"),
            std::string::npos);
  EXPECT_EQ(to_json(s.get("T-1").value), before);
  EXPECT_EQ(db().count("SELECT count(*) FROM event_ids"), 0);
  db().undo_failure();
  EXPECT_EQ(s.apply("T-1", note("e1", 1), t0 + minutes(1)).outcome.result, "accepted");
  db().fail_log_rows("advance");
  EXPECT_NE(store_error_of([&] { s.fire_due(t0 + hours(3), 10); }).find("E600"), std::string::npos);
  EXPECT_EQ(s.get("T-1").info.state, "open");
  db().undo_failure();
  EXPECT_EQ(s.fire_due(t0 + hours(3), 10).timers, 2U);
  db().fail_log_rows("opened");
  EXPECT_NE(store_error_of([&] { s.open_case("T-2", intake(), t0); }).find("E600"), std::string::npos);
  EXPECT_FALSE(s.contains("T-2"));
  db().undo_failure();
  EXPECT_EQ(db().count("SELECT count(*) FROM case_log WHERE case_id = 'T-2'"), 0);
  EXPECT_EQ(to_json(s.replay("T-1")), to_json(s.get("T-1").value));
}

TEST_P(StoreOn, TheLogRefusesUpdatesAndDeletes) {
  {
    case_store s = open();
    s.open_case("T-1", intake(), t0);
  }
  for (const char* statement : {"UPDATE case_log SET result = 'refused'", "DELETE FROM case_log"}) {
    EXPECT_NE(db().try_sql(statement).find("append-only"), std::string::npos) << statement;
  }
  if (postgres()) {
    EXPECT_NE(db().try_sql("TRUNCATE case_log CASCADE").find("append-only"), std::string::npos);
  }
  EXPECT_EQ(db().count("SELECT count(*) FROM case_log WHERE result = 'accepted'"), 1);
}

// One schema on both backends: the tables and columns docs/store.md lists, in that order.
TEST_P(StoreOn, TheSchemaIsTheOneDocumented) {
  open();
  const std::map<std::string, std::string> expected = {
      {"schema_migrations", "version,applied_at"},
      {"policies", "content_hash,policy_id,policy_version,first_used"},
      {"cases",
       "case_id,version,policy_id,policy_version,policy_hash,flow,state,phase,opened_at,updated_at,next_due,"
       "snapshot"},
      {"event_ids", "case_id,event_id,digest,log_seq"},
      {"case_log",
       "case_id,seq,kind,event,actor,event_id,at,payload,result,reason,message,actions,from_state,to_state,"
       "steps,version,changed,snapshot,decision_id,policy_hash,from_policy_hash"},
  };
  for (const auto& [table, columns] : expected) EXPECT_EQ(db().columns(table), columns) << table;
}

// The audit fields of schema 2 and a logged migration, on both backends: the `opened` row keeps
// the decision id and policy hash, `migrate` re-pins the case and logs both hashes, and replay
// follows it (tests/store/store_audit_test.cpp covers the rest on SQLite).
TEST_P(StoreOn, AuditFieldsAndAMigrationReplay) {
  std::string text;
  {
    std::ifstream in(AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string v1 = "version: \"1\"";
  text.replace(text.find(v1), v1.size(), "version: \"2\"");
  const std::shared_ptr<const policy> v2 = load_policy_string(text, "store_flows_v2.yaml");
  case_store s = open();
  const decision d = intake();
  s.open_case("T-1", d, t0);
  s.fire_due(t0 + hours(1), 10);
  const stored_case_info moved = s.migrate("T-1", v2, t0 + hours(1) + minutes(1), "ops");
  EXPECT_EQ(moved.policy_hash, v2->info.content_hash);
  EXPECT_EQ(s.fire_due(t0 + hours(2), 10).advanced, std::vector<std::string>{"T-1"});
  const std::vector<log_entry> log = s.history("T-1");
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(log[0].decision_id, d.id());
  EXPECT_EQ(log[0].policy_hash, policy_v1()->info.content_hash);
  EXPECT_EQ(log[2].kind, "migrated");
  EXPECT_EQ(log[2].actor, "ops");
  EXPECT_EQ(log[2].from_policy_hash, policy_v1()->info.content_hash);
  EXPECT_EQ(log[2].policy_hash, v2->info.content_hash);
  EXPECT_EQ(to_json(s.replay("T-1")), to_json(s.get("T-1").value));
  EXPECT_EQ(db().count("SELECT count(*) FROM policies"), 2);
}

TEST_P(StoreOn, SchemaVersions) {
  {
    case_store s = open();
    s.open_case("T-1", intake(), t0);
  }
  // The current version reopened: nothing migrated again, everything there.
  {
    case_store s = open();
    EXPECT_EQ(s.schema_version(), case_store::current_schema_version);
    EXPECT_EQ(s.get("T-1").info.version, 1);
    EXPECT_EQ(db().count("SELECT count(*) FROM schema_migrations"), case_store::current_schema_version);
  }
  db().sql("INSERT INTO schema_migrations (version, applied_at) VALUES (3, 0)");
  const std::string e = store_error_of([&] { open(); });
  EXPECT_NE(e.find("error[E601]"), std::string::npos) << e;
  EXPECT_NE(e.find("schema version 3, newer than this library's 2"), std::string::npos) << e;
  EXPECT_EQ(db().count("SELECT count(*) FROM schema_migrations"), 3);  // nothing written
}

// Processes that open an empty database at once: the schema is created once, all of them work.
TEST_P(StoreOn, ProcessesCreatingTheSchemaAtOnce) {
  constexpr int processes = 4;
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char byte = 0;
      while (::read(gate[0], &byte, 1) > 0) {
      }
      int status = 0;
      try {
        case_store s = open();
        s.open_case("P-" + std::to_string(p), intake(), t0);
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
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(db().count("SELECT count(*) FROM schema_migrations"), case_store::current_schema_version);
  EXPECT_EQ(open().list().size(), static_cast<std::size_t>(processes));
}

// Two (here four) writers on one case at once: every event accepted exactly once, versions
// one apart, none lost; no writer gets an error (they take turns on the case's row lock).
TEST_P(StoreOn, WritersOnOneCaseLoseNoUpdate) {
  constexpr int processes = 4, events = 30;
  open().open_case("W-1", intake(), t0);
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        store_options o;
        o.busy_timeout = std::chrono::milliseconds(20000);
        case_store s = open(o);
        for (int k = 0; k < events; ++k) {
          const store_result r =
              s.apply("W-1", note("p" + std::to_string(p) + "-" + std::to_string(k), k), t0);
          if (r.outcome.result != "accepted") status = 2;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d: %s\n", p, e.what());
        status = 1;
      }
      std::_Exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  case_store s = open();
  const stored_case c = s.get("W-1");
  EXPECT_EQ(c.info.version, 1 + processes * events);
  EXPECT_EQ(c.value.applied_event_ids().size(), static_cast<std::size_t>(processes * events));
  EXPECT_EQ(db().count("SELECT count(*) FROM event_ids"), processes * events);
  EXPECT_EQ(db().count("SELECT count(DISTINCT version) FROM case_log"), 1 + processes * events);
  EXPECT_EQ(to_json(s.replay("W-1")), to_json(c.value));
}

// Worker processes fire the timers of many cases; one of them is SIGKILLed while it holds the
// claim of a case (its transaction open). Its claim dies with it: the others fire that case
// too, and every timer is fired exactly once (the workers' counts add up to the timers in the
// cases' histories; each case's history has each timer once).
TEST_P(StoreOn, WorkersFireEachTimerOnceWhileOneIsKilledHoldingAClaim) {
  constexpr int workers = 3, cases = 40;
  {
    case_store s = open();
    for (int i = 0; i < cases; ++i)
      s.open_case("F-" + std::to_string(i), intake(1000, t0 + seconds(i)), t0 + seconds(i));
  }
  int claimed[2];
  ASSERT_EQ(::pipe(claimed), 0);
  // The victim: claims the first due case and waits there to be killed.
  const pid_t victim = ::fork();
  ASSERT_GE(victim, 0);
  if (victim == 0) {
    try {
      testing_hooks::hooks hooks;
      hooks.after_claim = [&](std::string_view) {
        const char byte = 1;
        if (::write(claimed[1], &byte, 1) != 1) std::_Exit(3);
        for (;;) ::pause();
      };
      case_store s = hooked(hooks);
      s.fire_due(t0 + hours(10), cases);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "victim: %s\n", e.what());
    }
    std::_Exit(1);
  }
  char byte = 0;
  ASSERT_EQ(::read(claimed[0], &byte, 1), 1);  // the victim holds a claim now
  std::vector<pid_t> children;
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("aftersale-fire-" + std::to_string(::getpid()) + "-" + GetParam() + "-"))
                              .string();
  for (int w = 0; w < workers; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        store_options o;
        o.busy_timeout = std::chrono::milliseconds(30000);
        case_store s = open(o);
        std::size_t timers = 0;
        // Batches of 4, clock moving on, until nothing is due at the end (ten hours later).
        for (int k = 0; k <= 40; ++k) timers += s.fire_due(t0 + minutes(15 * k), 4).timers;
        for (int spins = 0; spins < 2000 && !s.due(t0 + hours(10), 1).empty(); ++spins) {
          timers += s.fire_due(t0 + hours(10), 4).timers;
          ::usleep(1000);
        }
        std::ofstream(out + std::to_string(w)) << timers << '\n';
      } catch (const std::exception& e) {
        std::fprintf(stderr, "worker %d: %s\n", w, e.what());
        status = 1;
      }
      std::_Exit(status);
    }
    children.push_back(pid);
    if (w == 0) {
      ::usleep(100 * 1000);  // a worker is running into the victim's claim
      ::kill(victim, SIGKILL);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(victim, &status, 0), victim);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  std::size_t reported = 0;
  for (int w = 0; w < workers; ++w) {
    ASSERT_EQ(::waitpid(children[static_cast<std::size_t>(w)], &status, 0),
              children[static_cast<std::size_t>(w)]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "worker " << w;
    std::ifstream in(out + std::to_string(w));
    std::size_t n = 0;
    in >> n;
    reported += n;
    std::filesystem::remove(out + std::to_string(w));
  }
  case_store s = open();
  reported += s.fire_due(t0 + hours(10), 1000).timers;  // whatever the workers left (none expected)
  std::size_t stored = 0;
  for (int i = 0; i < cases; ++i) {
    const stored_case c = s.get("F-" + std::to_string(i));
    EXPECT_EQ(c.info.state, "expired") << c.info.id;
    EXPECT_EQ(timers_in(c.value), 2U) << c.info.id;
    EXPECT_EQ(to_json(s.replay(c.info.id)), to_json(c.value));
    stored += timers_in(c.value);
  }
  EXPECT_EQ(reported, stored);
  EXPECT_EQ(stored, 2U * cases);
  EXPECT_TRUE(s.due(t0 + hours(100), 10).empty());
}

// PostgreSQL: a worker that hangs holding a claim (idle in its transaction) loses it when its
// lease runs out, by the server's clock: another worker then fires the case, and the hung
// one, woken up, cannot commit (its session is gone): the timer fires once. Its next call
// reconnects.
TEST_P(StoreOnPostgres, AHungWorkerLosesItsClaimWhenTheLeaseRunsOut) {
  store_options o;
  o.lease = std::chrono::milliseconds(500);
  testing_hooks::hooks hooks;
  case_store hung = hooked(hooks, o);
  case_store other = open();
  hung.open_case("L-1", intake(), t0);
  fire_report by_other;
  hooks.after_claim = [&](std::string_view) {
    hooks.after_claim = nullptr;
    EXPECT_EQ(other.fire_due(t0 + hours(1), 10).timers, 0U);       // claimed: passed over
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // hung past its lease
    by_other = other.fire_due(t0 + hours(1), 10);
  };
  const std::string e = store_error_of([&] { hung.fire_due(t0 + hours(1), 10); });
  EXPECT_NE(e.find("error[E600]: lost the connection to the store"), std::string::npos) << e;
  EXPECT_EQ(by_other.timers, 1U);
  EXPECT_EQ(hung.fire_due(t0 + hours(1), 10).timers, 0U);  // reconnected; nothing due any more
  EXPECT_EQ(timers_in(hung.get("L-1").value), 1U);
  EXPECT_EQ(hung.history("L-1").size(), 2U);
}

// PostgreSQL: a writer that waits for a case's row lock longer than the busy timeout gets E600,
// and writes nothing.
TEST_P(StoreOnPostgres, ALockHeldPastTheBusyTimeoutIsE600) {
  store_options o;
  o.busy_timeout = std::chrono::milliseconds(200);
  case_store s = open(o);
  s.open_case("B-1", intake(), t0);
  auto& pg = static_cast<postgres_db&>(db());
  pg.sql("BEGIN; SELECT * FROM cases WHERE case_id = 'B-1' FOR UPDATE");
  const std::string e = store_error_of([&] { s.apply("B-1", note("e1", 1), t0 + minutes(1)); });
  pg.sql("ROLLBACK");
  EXPECT_NE(e.find("error[E600]"), std::string::npos) << e;
  EXPECT_NE(e.find("busy timeout (200 ms)"), std::string::npos) << e;
  EXPECT_EQ(s.history("B-1").size(), 1U);
  EXPECT_EQ(s.apply("B-1", note("e1", 1), t0 + minutes(1)).outcome.result, "accepted");
}

// Needs no server: a URL that cannot be reached is E600, naming host, port and database, never
// the password.
TEST(StorePostgres, AnUnreachableServerIsE600WithoutThePassword) {
  const std::string e = store_error_of(
      [] { case_store::open("postgresql://clerk:s3cret-pw@127.0.0.1:1/cases?connect_timeout=3"); });
  EXPECT_NE(e.find("error[E600]: cannot connect to the store `postgresql://127.0.0.1:1/cases`"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("s3cret-pw"), std::string::npos) << e;
  const std::string socket =
      store_error_of([] { case_store::open("postgresql:///cases?host=/nonexistent-dir&password=hunter22"); });
  EXPECT_NE(socket.find("error[E600]"), std::string::npos) << socket;
  EXPECT_EQ(socket.find("hunter22"), std::string::npos) << socket;
  // A password that the message happens to contain (here in the host name) is masked, once.
  const std::string star =
      store_error_of([] { case_store::open("postgresql://u:*@*.invalid/x?connect_timeout=3"); });
  EXPECT_NE(star.find("error[E600]"), std::string::npos) << star;
  EXPECT_NE(star.find("\"***.invalid\""), std::string::npos) << star;
  const std::string garbage = store_error_of([] { case_store::open("postgresql://a:b@[oops/x?bad"); });
  EXPECT_NE(garbage.find("error[E600]"), std::string::npos) << garbage;
  EXPECT_EQ(garbage.find("a:b"), std::string::npos) << garbage;
}

}  // namespace
