// SPDX-License-Identifier: Apache-2.0
// The SQLite backend of the case store: one connection, WAL, prepared statements, the schema
// and its migrations table (docs/store.md, "Schema"). Only this file sees sqlite3.h.
#include <sqlite3.h>

#include <aftersale/store.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "store/backend.hpp"

namespace aftersale {

namespace {

// Version 1 of the schema. A new version appends a migration; never edit an applied one.
constexpr const char* migration_1 = R"sql(
CREATE TABLE policies (
  content_hash TEXT PRIMARY KEY,
  policy_id TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  first_used INTEGER NOT NULL
);
CREATE TABLE cases (
  case_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  policy_id TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  policy_hash TEXT NOT NULL REFERENCES policies(content_hash),
  flow TEXT NOT NULL,
  state TEXT NOT NULL,
  phase TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_due INTEGER,
  snapshot TEXT NOT NULL
);
CREATE INDEX cases_due ON cases(next_due, case_id) WHERE next_due IS NOT NULL;
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_phase ON cases(phase);
CREATE INDEX cases_flow ON cases(flow);
CREATE TABLE event_ids (
  case_id TEXT NOT NULL REFERENCES cases(case_id),
  event_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  log_seq INTEGER NOT NULL,
  PRIMARY KEY (case_id, event_id)
);
CREATE TABLE case_log (
  case_id TEXT NOT NULL REFERENCES cases(case_id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  result TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  actions TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  steps INTEGER NOT NULL,
  version INTEGER NOT NULL,
  changed INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE UNIQUE INDEX case_log_change ON case_log(case_id, version) WHERE changed = 1;
CREATE TRIGGER case_log_no_update BEFORE UPDATE ON case_log
  BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END;
CREATE TRIGGER case_log_no_delete BEFORE DELETE ON case_log
  BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END;
)sql";

// Version 2: the audit fields of a log row. `opened` rows name the decision the case was opened
// from and the policy (content hash) it was opened under; `migrated` rows the policies it moved
// from and to. Rows written under version 1 keep '' (replay then reads the case row's policy:
// version 1 had no migration). ADD COLUMN does not rewrite rows, so the append-only triggers
// are not involved.
constexpr const char* migration_2 = R"sql(
ALTER TABLE case_log ADD COLUMN decision_id TEXT NOT NULL DEFAULT '';
ALTER TABLE case_log ADD COLUMN policy_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE case_log ADD COLUMN from_policy_hash TEXT NOT NULL DEFAULT '';
)sql";

constexpr const char* case_columns =
    "case_id, version, policy_id, policy_version, policy_hash, flow, state, phase, opened_at, updated_at, "
    "next_due";

std::int64_t seconds(sys_seconds t) { return t.time_since_epoch().count(); }
sys_seconds at_seconds(std::int64_t s) { return sys_seconds(std::chrono::seconds(s)); }

class sqlite_backend;

// A prepared statement in use: bound, stepped, then reset when it goes out of scope.
class query {
 public:
  query(sqlite_backend& b, sqlite3_stmt* s) : b_(b), s_(s) {}
  ~query() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  query(const query&) = delete;
  query& operator=(const query&) = delete;

  query& bind(int i, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw store_error(error_code::store_unavailable, "a text of " + std::to_string(text.size()) +
                                                           " bytes is more than SQLite stores in one column");
    check(sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  query& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(s_, i, v));
    return *this;
  }
  query& bind(int i, const std::optional<sys_seconds>& t) {
    check(t ? sqlite3_bind_int64(s_, i, seconds(*t)) : sqlite3_bind_null(s_, i));
    return *this;
  }
  /// True while there is a row.
  bool step();
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(s_, i); }
  bool null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  void check(int rc);
  sqlite_backend& b_;
  sqlite3_stmt* s_;
};

class sqlite_backend final : public case_store::backend {
 public:
  sqlite_backend(const std::string& path, const store_options& o) : path_(path), options_(o) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw store_error(error_code::store_unavailable, "cannot open the store `" + path + "`: " + why);
    }
    try {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_handler(db_, &sqlite_backend::on_busy, this);
      exec("PRAGMA foreign_keys = ON");
      // A file from elsewhere may carry its own triggers and views: they may not call functions
      // that SQLite does not mark harmless (the store's own triggers only RAISE).
      exec("PRAGMA trusted_schema = OFF");
      const std::string mode = journal_mode_wal();
      if (mode != "wal")
        throw store_error(error_code::store_unavailable,
                          "the store `" + path + "` cannot use WAL mode (journal mode `" + mode + "`)");
      exec(o.sync == store_options::durability::full ? "PRAGMA synchronous = FULL"
                                                     : "PRAGMA synchronous = NORMAL");
      migrate();
    } catch (...) {
      close();
      throw;
    }
  }
  ~sqlite_backend() override { close(); }

  // Waiting for another connection's write lock. SQLite's own handler (sqlite3_busy_timeout)
  // sleeps up to 100 ms between tries, so a process that writes in a tight loop takes the lock
  // back every time and starves the others past their timeout (the store tests met this with
  // three processes). Short, jittered sleeps give every waiter a fair chance.
  static int on_busy(void* self, int tries) {
    auto& b = *static_cast<sqlite_backend*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (tries == 0) b.busy_since_ = now;
    if (now - b.busy_since_ >= b.options_.busy_timeout) return 0;
    b.jitter_ = b.jitter_ * 6364136223846793005ULL + 1442695040888963407ULL;
    std::this_thread::sleep_for(std::chrono::microseconds(200 + (b.jitter_ >> 33) % 800));
    return 1;
  }

  // Switching a new file to WAL needs it to itself: while another process creates the schema,
  // SQLite answers SQLITE_BUSY at once, without calling the busy handler. So the switch is
  // retried here with the handler's own sleeps, up to the busy timeout (processes opening an
  // empty file together, tests/store/store_backends_test.cpp, met this).
  std::string journal_mode_wal() {
    for (int tries = 0;; ++tries) {
      sqlite3_stmt* s = nullptr;
      int rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode = WAL", -1, &s, nullptr);
      std::string mode;
      if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
          mode = p ? p : "";
        }
      }
      sqlite3_finalize(s);
      if (rc == SQLITE_ROW) return mode;
      if ((rc & 0xff) != SQLITE_BUSY || on_busy(this, tries) == 0) fail(rc);
    }
  }

  [[noreturn]] void fail(int rc) const {
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
      throw store_error(error_code::store_unavailable,
                        "the store `" + path_ +
                            "` stayed locked by another writer for longer than the busy timeout (" +
                            std::to_string(options_.busy_timeout.count()) + " ms)");
    throw store_error(
        error_code::store_unavailable,
        "the store `" + path_ + "`: " + std::string(db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
  }

  sqlite3_stmt* prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) fail(rc);
    cache_.emplace(sql, s);
    return s;
  }

  void exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc);
  }

  int schema_version() override {
    query q(*this, prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    q.step();
    return schema_version_from(q.integer(0));
  }

  void begin_write() override {
    read_.reset();
    exec("BEGIN IMMEDIATE");
  }
  void commit() override {
    read_.reset();
    exec("COMMIT");
  }
  void rollback() noexcept override {
    read_.reset();
    if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  std::optional<case_row> read_case(std::string_view id, bool with_snapshot) override {
    static const std::string without =
        std::string("SELECT ") + case_columns + " FROM cases WHERE case_id = ?1";
    static const std::string with =
        std::string("SELECT ") + case_columns + ", snapshot FROM cases WHERE case_id = ?1";
    query q(*this, prepare(with_snapshot ? with.c_str() : without.c_str()));
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    case_row r{info_of(q), with_snapshot ? q.text(11) : std::string()};
    // Inside a write transaction the row cannot change under us: update_case compares with it.
    if (!sqlite3_get_autocommit(db_)) read_ = r.info;
    return r;
  }

  // BEGIN IMMEDIATE's write lock is the claim: the caller re-checks next_due.
  std::optional<case_row> claim_due(std::string_view id, sys_seconds) override { return read_case(id, true); }

  bool insert_case(const case_row& r) override {
    static const std::string sql = std::string("INSERT INTO cases (") + case_columns +
                                   ", snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                                   "ON CONFLICT (case_id) DO NOTHING";
    query q(*this, prepare(sql.c_str()));
    bind_info(q, r.info).bind(12, r.snapshot);
    q.step();
    return sqlite3_changes(db_) == 1;
  }

  // Writes only the columns that changed since the row was read in this transaction: SQLite
  // rewrites the entries of every index whose column is SET, changed or not, and each index
  // touched is one more page in the WAL at every commit (an event that keeps the state and the
  // timer writes the row alone). Without that read, every column.
  bool update_case(const case_row& r, std::int64_t expected) override {
    const stored_case_info& i = r.info;
    const bool same_shape = read_ && read_->id == i.id && read_->version == expected &&
                            read_->policy_id == i.policy_id && read_->policy_version == i.policy_version &&
                            read_->policy_hash == i.policy_hash && read_->flow == i.flow &&
                            read_->opened_at == i.opened_at;
    if (!same_shape) {
      query q(*this,
              prepare("UPDATE cases SET version = ?2, policy_id = ?3, policy_version = ?4, policy_hash = ?5, "
                      "flow = ?6, state = ?7, phase = ?8, opened_at = ?9, updated_at = ?10, next_due = ?11, "
                      "snapshot = ?12 WHERE case_id = ?1 AND version = ?13"));
      bind_info(q, i).bind(12, r.snapshot).bind(13, expected);
      q.step();
      read_.reset();
      return sqlite3_changes(db_) == 1;
    }
    // One statement per combination of the columns that may change, each prepared once.
    const bool state = read_->state != i.state, phase = read_->phase != i.phase,
               due = read_->next_due != i.next_due;
    std::string sql = "UPDATE cases SET version = ?2, updated_at = ?3, snapshot = ?4";
    if (state) sql += ", state = ?5";
    if (phase) sql += ", phase = ?6";
    if (due) sql += ", next_due = ?7";
    sql += " WHERE case_id = ?1 AND version = ?8";
    const std::string& key = *statements_.insert(std::move(sql)).first;
    query q(*this, prepare(key.c_str()));
    q.bind(1, i.id).bind(2, i.version).bind(3, seconds(i.updated_at)).bind(4, r.snapshot);
    if (state) q.bind(5, i.state);
    if (phase) q.bind(6, i.phase);
    if (due) q.bind(7, i.next_due);
    q.bind(8, expected);
    q.step();
    read_.reset();
    return sqlite3_changes(db_) == 1;
  }

  void record_policy(const policy_info& p, sys_seconds now) override {
    query q(*this, prepare("INSERT INTO policies (content_hash, policy_id, policy_version, first_used) "
                           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (content_hash) DO NOTHING"));
    q.bind(1, hex64(p.content_hash)).bind(2, p.id).bind(3, p.version).bind(4, seconds(now));
    q.step();
  }

  std::optional<std::uint64_t> find_event_id(std::string_view case_id, std::string_view event_id) override {
    query q(*this, prepare("SELECT digest FROM event_ids WHERE case_id = ?1 AND event_id = ?2"));
    q.bind(1, case_id).bind(2, event_id);
    if (!q.step()) return std::nullopt;
    const std::optional<std::uint64_t> d = parse_hex64(q.text(0));
    if (!d)
      throw store_error(
          error_code::malformed_row,
          "the store `" + path_ + "` holds a malformed digest for event id `" + std::string(event_id) + "`");
    return d;
  }

  void insert_event_id(std::string_view case_id, std::string_view event_id, std::uint64_t digest,
                       std::int64_t log_seq) override {
    query q(*this,
            prepare("INSERT INTO event_ids (case_id, event_id, digest, log_seq) VALUES (?1, ?2, ?3, ?4)"));
    q.bind(1, case_id).bind(2, event_id).bind(3, hex64(digest)).bind(4, log_seq);
    q.step();
  }

  std::int64_t next_log_seq(std::string_view case_id) override {
    query q(*this, prepare("SELECT coalesce(max(seq), 0) + 1 FROM case_log WHERE case_id = ?1"));
    q.bind(1, case_id);
    q.step();
    return q.integer(0);
  }

  void append_log(std::string_view case_id, const log_entry& e, bool changed) override {
    query q(
        *this,
        prepare(
            "INSERT INTO case_log (case_id, seq, kind, event, actor, event_id, at, payload, result, "
            "reason, message, actions, from_state, to_state, steps, version, changed, snapshot, "
            "decision_id, policy_hash, from_policy_hash) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
            "?20, ?21)"));
    q.bind(1, case_id).bind(2, e.seq).bind(3, e.kind).bind(4, e.event).bind(5, e.actor).bind(6, e.event_id);
    q.bind(7, seconds(e.at)).bind(8, e.payload_json).bind(9, e.result).bind(10, e.reason).bind(11, e.message);
    q.bind(12, actions_to_json(e.actions)).bind(13, e.from_state).bind(14, e.to_state);
    q.bind(15, static_cast<std::int64_t>(e.steps))
        .bind(16, e.version)
        .bind(17, std::int64_t{changed ? 1 : 0});
    q.bind(18, e.snapshot).bind(19, e.decision_id);
    q.bind(20, e.policy_hash ? hex64(e.policy_hash) : std::string());
    q.bind(21, e.from_policy_hash ? hex64(e.from_policy_hash) : std::string());
    q.step();
  }

  std::vector<log_entry> read_log(std::string_view case_id) override {
    query q(*this,
            prepare("SELECT seq, kind, event, actor, event_id, at, payload, result, reason, message, "
                    "actions, from_state, to_state, steps, version, snapshot, decision_id, policy_hash, "
                    "from_policy_hash FROM case_log "
                    "WHERE case_id = ?1 ORDER BY seq"));
    q.bind(1, case_id);
    std::vector<log_entry> out;
    while (q.step()) {
      log_entry e;
      e.seq = q.integer(0);
      e.kind = q.text(1);
      e.event = q.text(2);
      e.actor = q.text(3);
      e.event_id = q.text(4);
      e.at = at_seconds(q.integer(5));
      e.payload_json = q.text(6);
      e.result = q.text(7);
      e.reason = q.text(8);
      e.message = q.text(9);
      e.actions = actions_from_json(q.text(10));
      e.from_state = q.text(11);
      e.to_state = q.text(12);
      e.steps = static_cast<std::uint32_t>(q.integer(13));
      e.version = q.integer(14);
      e.snapshot = q.text(15);
      e.decision_id = q.text(16);
      e.policy_hash = parse_hex64(q.text(17)).value_or(0);
      e.from_policy_hash = parse_hex64(q.text(18)).value_or(0);
      out.push_back(std::move(e));
    }
    return out;
  }

  std::vector<stored_case_info> list_cases(const case_filter& f) override {
    // One statement per combination of filters, so each can use its index.
    std::string sql = std::string("SELECT ") + case_columns + " FROM cases WHERE 1";
    if (!f.state.empty()) sql += " AND state = ?1";
    if (!f.phase.empty()) sql += " AND phase = ?2";
    if (!f.flow.empty()) sql += " AND flow = ?3";
    sql += " ORDER BY case_id LIMIT ?4";
    const std::string& key = *statements_.insert(std::move(sql)).first;
    query q(*this, prepare(key.c_str()));
    if (!f.state.empty()) q.bind(1, f.state);
    if (!f.phase.empty()) q.bind(2, f.phase);
    if (!f.flow.empty()) q.bind(3, f.flow);
    q.bind(4, static_cast<std::int64_t>(f.limit));
    std::vector<stored_case_info> out;
    while (q.step()) out.push_back(info_of(q));
    return out;
  }

  std::vector<due_case> list_due(sys_seconds now, std::size_t limit,
                                 const std::vector<std::uint64_t>& policies) override {
    // Walks the partial index on next_due in order; the policy filter is checked per due row.
    query q(*this,
            policies.empty()
                ? prepare("SELECT case_id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due <= ?1 "
                          "ORDER BY next_due, case_id LIMIT ?2")
                : prepare("SELECT case_id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due <= ?1 "
                          "AND policy_hash IN (SELECT value FROM json_each(?3)) "
                          "ORDER BY next_due, case_id LIMIT ?2"));
    q.bind(1, seconds(now)).bind(2, static_cast<std::int64_t>(limit));
    if (!policies.empty()) {
      std::string hashes = "[";
      for (const std::uint64_t h : policies) hashes += (hashes.size() > 1 ? ",\"" : "\"") + hex64(h) + "\"";
      q.bind(3, hashes + "]");
    }
    std::vector<due_case> out;
    while (q.step()) out.push_back({q.text(0), at_seconds(q.integer(1))});
    return out;
  }

 private:
  static stored_case_info info_of(const query& q) {
    stored_case_info i;
    i.id = q.text(0);
    i.version = q.integer(1);
    i.policy_id = q.text(2);
    i.policy_version = q.text(3);
    i.policy_hash = parse_hex64(q.text(4)).value_or(0);
    i.flow = q.text(5);
    i.state = q.text(6);
    i.phase = q.text(7);
    i.opened_at = at_seconds(q.integer(8));
    i.updated_at = at_seconds(q.integer(9));
    if (!q.null(10)) i.next_due = at_seconds(q.integer(10));
    return i;
  }

  static query& bind_info(query& q, const stored_case_info& i) {
    q.bind(1, i.id)
        .bind(2, i.version)
        .bind(3, i.policy_id)
        .bind(4, i.policy_version)
        .bind(5, hex64(i.policy_hash));
    q.bind(6, i.flow)
        .bind(7, i.state)
        .bind(8, i.phase)
        .bind(9, seconds(i.opened_at))
        .bind(10, seconds(i.updated_at));
    q.bind(11, i.next_due);
    return q;
  }

  // Creates the schema on an empty file, applies missing migrations, refuses a newer schema.
  void migrate() {
    begin_write();
    try {
      exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT "
          "NULL)");
      const int have = schema_version();
      if (have > case_store::current_schema_version)
        throw store_error(error_code::schema_too_new, "the store `" + path_ + "` has schema version " +
                                                          std::to_string(have) +
                                                          ", newer than this library's " +
                                                          std::to_string(case_store::current_schema_version) +
                                                          ": open it with a newer aftersale");
      if (have < 1) {
        exec(migration_1);
        record_version(1);
      }
      if (have < 2) {
        exec(migration_2);
        record_version(2);
      }
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  void record_version(std::int64_t v) {
    query q(*this,
            prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, strftime('%s','now'))"));
    q.bind(1, v);
    q.step();
  }

  void close() noexcept {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    cache_.clear();
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }

  friend class query;
  std::string path_;
  store_options options_;
  std::chrono::steady_clock::time_point busy_since_{};
  std::uint64_t jitter_ = reinterpret_cast<std::uintptr_t>(this);
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*>
      cache_;                             // keyed by the SQL's address: literals and statements_
  std::set<std::string> statements_;      // the list and update statements, built once each
  std::optional<stored_case_info> read_;  // the case row last read in this write transaction
};

bool query::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  b_.fail(rc);
}

void query::check(int rc) {
  if (rc != SQLITE_OK) b_.fail(rc);
}

}  // namespace

std::unique_ptr<case_store::backend> make_sqlite_backend(const std::string& path, const store_options& o) {
  return std::make_unique<sqlite_backend>(path, o);
}

}  // namespace aftersale
