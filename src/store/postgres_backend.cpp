// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL backend of the case store: one libpq connection, prepared statements, the
// same schema as SQLite's in PostgreSQL types, row locks for writers of one case and
// `FOR UPDATE SKIP LOCKED` claims for due timers (docs/store.md, "PostgreSQL"). Only this
// file sees libpq-fe.h.
#include <libpq-fe.h>

#include <aftersale/store.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/backend.hpp"

namespace aftersale {

namespace {

// Version 1 of the schema, as sqlite_backend.cpp's: BIGINT for integers, ids compared byte by
// byte (COLLATE "C", as SQLite does) so listings order the same on both. A new version appends
// a migration; never edit an applied one.
constexpr const char* migration_1 = R"sql(
CREATE TABLE policies (
  content_hash TEXT PRIMARY KEY,
  policy_id TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  first_used BIGINT NOT NULL
);
CREATE TABLE cases (
  case_id TEXT COLLATE "C" PRIMARY KEY,
  version BIGINT NOT NULL,
  policy_id TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  policy_hash TEXT NOT NULL REFERENCES policies(content_hash),
  flow TEXT NOT NULL,
  state TEXT NOT NULL,
  phase TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  next_due BIGINT,
  snapshot TEXT NOT NULL
);
CREATE INDEX cases_due ON cases(next_due, case_id) WHERE next_due IS NOT NULL;
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_phase ON cases(phase);
CREATE INDEX cases_flow ON cases(flow);
CREATE TABLE event_ids (
  case_id TEXT COLLATE "C" NOT NULL REFERENCES cases(case_id),
  event_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  log_seq BIGINT NOT NULL,
  PRIMARY KEY (case_id, event_id)
);
CREATE TABLE case_log (
  case_id TEXT COLLATE "C" NOT NULL REFERENCES cases(case_id),
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  result TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  actions TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  steps BIGINT NOT NULL,
  version BIGINT NOT NULL,
  changed BIGINT NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE UNIQUE INDEX case_log_change ON case_log(case_id, version) WHERE changed = 1;
CREATE FUNCTION case_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'case_log is append-only'; END $$;
CREATE TRIGGER case_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON case_log
  FOR EACH STATEMENT EXECUTE FUNCTION case_log_append_only();
)sql";

// Version 2, as sqlite_backend.cpp's: the audit fields of a log row (`opened`: the decision id
// and the policy opened under; `migrated`: the policies moved from and to). Rows of version 1
// keep ''. ADD COLUMN with a constant default rewrites no row, so the append-only trigger is not
// involved.
constexpr const char* migration_2 = R"sql(
ALTER TABLE case_log ADD COLUMN decision_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN policy_hash TEXT COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN from_policy_hash TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql";

// Serialises schema creation between processes that open an empty database at once; a
// transaction-scoped lock (released at COMMIT), never a session lock.
constexpr const char* schema_lock = "SELECT pg_advisory_xact_lock(7453010365432840961)";

constexpr const char* case_columns =
    "case_id, version, policy_id, policy_version, policy_hash, flow, state, phase, opened_at, updated_at, "
    "next_due";

std::int64_t seconds(sys_seconds t) { return t.time_since_epoch().count(); }
sys_seconds at_seconds(std::int64_t s) { return sys_seconds(std::chrono::seconds(s)); }

// Parameters of one statement, as text (libpq's text format).
class params {
 public:
  params& add(std::string_view text) {
    values_.emplace_back(text);
    null_.push_back(false);
    return *this;
  }
  params& add(std::int64_t v) { return add(std::to_string(v)); }
  params& add(const std::optional<sys_seconds>& t) {
    if (t) return add(seconds(*t));
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }
  std::vector<const char*> pointers() const {
    std::vector<const char*> p;
    for (std::size_t i = 0; i < values_.size(); ++i) p.push_back(null_[i] ? nullptr : values_[i].c_str());
    return p;
  }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// Rows of a result, read as text.
class rows {
 public:
  explicit rows(result_ptr r) : r_(std::move(r)) {}
  int count() const { return PQntuples(r_.get()); }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::int64_t integer(int row, int col) const {
    return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
  }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  /// The command's tag, e.g. `COMMIT`.
  std::string status() const { return PQcmdStatus(r_.get()); }
  /// Rows an INSERT or UPDATE touched.
  std::int64_t affected() const { return std::strtoll(PQcmdTuples(r_.get()), nullptr, 10); }

 private:
  result_ptr r_;
};

void ignore_notice(void*, const char*) {}

class postgres_backend final : public case_store::backend {
 public:
  postgres_backend(const std::string& url, const store_options& o) : options_(o) {
    describe(url);
    // Defaults first: the URL's own settings (dbname, expanded) override them.
    const char* keys[] = {"connect_timeout",
                          "application_name",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "dbname",
                          nullptr};
    const char* values[] = {"10", "aftersale", "10", "5", "3", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = conn_ ? scrub(PQerrorMessage(conn_)) : std::string("out of memory");
      close();
      throw store_error(error_code::store_unavailable, "cannot connect to the store " + where_ + ": " + why);
    }
    try {
      setup_session();
      migrate();
    } catch (...) {
      close();
      throw;
    }
  }
  ~postgres_backend() override { close(); }

  int schema_version() override {
    const rows r = run("SELECT coalesce(max(version), 0) FROM schema_migrations", params());
    return schema_version_from(r.integer(0, 0));
  }

  // Round trips: BEGIN and the writes whose answer the store does not need (record_policy,
  // insert_event_id, append_log) are queued and sent, in one pipeline, with the next statement
  // that needs an answer or with COMMIT; read_for_write sends its two reads in the same
  // pipeline. An apply is then three round trips (BEGIN+lock+reads, update, writes+COMMIT), not
  // eight; an error in a queued write surfaces there, and the whole transaction is rolled back
  // as ever.
  void begin_write() override {
    reconnect_if_lost();
    queue_.clear();
    queue_.push_back({"BEGIN", params(), false});
    in_tx_ = true;
    begun_ = false;
  }
  void commit() override {
    const rows r = execute("COMMIT", params(), false);
    // COMMIT of a transaction that failed earlier answers ROLLBACK instead of an error.
    if (r.status() != "COMMIT")
      throw store_error(error_code::store_unavailable,
                        "the store " + where_ + " rolled the transaction back instead of committing it");
    in_tx_ = begun_ = false;
  }
  void rollback() noexcept override {
    queue_.clear();
    const bool sent = in_tx_ && begun_;
    in_tx_ = begun_ = false;
    if (sent && conn_ && PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, "ROLLBACK"));
  }

  std::optional<case_row> read_case(std::string_view id, bool with_snapshot) override {
    // Inside a write transaction the row is locked until it ends: the other writers of this
    // case wait (up to lock_timeout), then read what this one committed.
    static const std::string base = std::string("SELECT ") + case_columns;
    static const std::string sql[4] = {
        base + " FROM cases WHERE case_id = $1",
        base + ", snapshot FROM cases WHERE case_id = $1",
        base + " FROM cases WHERE case_id = $1 FOR UPDATE",
        base + ", snapshot FROM cases WHERE case_id = $1 FOR UPDATE",
    };
    const rows r = run(sql[(in_tx_ ? 2 : 0) + (with_snapshot ? 1 : 0)], params().add(id));
    if (r.count() == 0) return std::nullopt;
    return case_row{info_of(r, 0), with_snapshot ? r.text(0, 11) : std::string()};
  }

  // The row's lock, then the two reads, in one pipeline: BEGIN (when queued), the row `FOR
  // UPDATE`, then one statement for the next log seq and the event id's digest. Not one
  // statement: its snapshot would be taken before waiting for the lock, so after another
  // writer of the case commits, its log row and event id would be missed (a duplicate seq; a
  // duplicate event applied twice, refused only by the event_ids key). The second statement
  // starts once the first has the lock, with a snapshot of its own (READ COMMITTED).
  write_reads read_for_write(std::string_view case_id, std::string_view event_id) override {
    static const std::string row_sql[2] = {
        std::string("SELECT ") + case_columns + ", snapshot FROM cases WHERE case_id = $1",
        std::string("SELECT ") + case_columns + ", snapshot FROM cases WHERE case_id = $1 FOR UPDATE",
    };
    static const std::string reads_sql =
        "SELECT (SELECT coalesce(max(seq), 0) + 1 FROM case_log WHERE case_id = $1), "
        "(SELECT digest FROM event_ids WHERE case_id = $1 AND event_id = $2)";
    if (!in_tx_) reconnect_if_lost();
    std::vector<queued> wanted;
    wanted.push_back({row_sql[in_tx_ ? 1 : 0], params().add(case_id), true});
    wanted.push_back({reads_sql, params().add(case_id).add(event_id), true});
    const std::vector<rows> r = execute_all(std::move(wanted));
    write_reads w;
    if (r[0].count() == 0) return w;
    w.row = case_row{info_of(r[0], 0), r[0].text(0, 11)};
    w.next_seq = r[1].integer(0, 0);
    if (!event_id.empty() && !r[1].null(0, 1)) w.seen = digest_of(r[1].text(0, 1), event_id);
    return w;
  }

  std::optional<case_row> claim_due(std::string_view id, sys_seconds now) override {
    static const std::string sql = std::string("SELECT ") + case_columns +
                                   ", snapshot FROM cases WHERE case_id = $1 AND next_due <= $2 "
                                   "FOR UPDATE SKIP LOCKED";
    const rows r = run(sql, params().add(id).add(seconds(now)));
    if (r.count() == 0) return std::nullopt;
    return case_row{info_of(r, 0), r.text(0, 11)};
  }

  bool insert_case(const case_row& c) override {
    static const std::string sql = std::string("INSERT INTO cases (") + case_columns +
                                   ", snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                                   "ON CONFLICT (case_id) DO NOTHING";
    params p;
    add_info(p, c.info).add(c.snapshot);
    return run(sql, p).affected() == 1;
  }

  bool update_case(const case_row& c, std::int64_t expected) override {
    static const std::string sql =
        "UPDATE cases SET version = $2, policy_id = $3, policy_version = $4, policy_hash = $5, flow = $6, "
        "state = $7, phase = $8, opened_at = $9, updated_at = $10, next_due = $11, snapshot = $12 "
        "WHERE case_id = $1 AND version = $13";
    params p;
    add_info(p, c.info).add(c.snapshot).add(expected);
    return run(sql, p).affected() == 1;
  }

  void record_policy(const policy_info& pi, sys_seconds now) override {
    static const std::string sql =
        "INSERT INTO policies (content_hash, policy_id, policy_version, first_used) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (content_hash) DO NOTHING";
    write(sql, params().add(hex64(pi.content_hash)).add(pi.id).add(pi.version).add(seconds(now)));
  }

  std::optional<std::uint64_t> find_event_id(std::string_view case_id, std::string_view event_id) override {
    static const std::string sql = "SELECT digest FROM event_ids WHERE case_id = $1 AND event_id = $2";
    const rows r = run(sql, params().add(case_id).add(event_id));
    if (r.count() == 0) return std::nullopt;
    return digest_of(r.text(0, 0), event_id);
  }

  void insert_event_id(std::string_view case_id, std::string_view event_id, std::uint64_t digest,
                       std::int64_t log_seq) override {
    static const std::string sql =
        "INSERT INTO event_ids (case_id, event_id, digest, log_seq) VALUES ($1, $2, $3, $4)";
    write(sql, params().add(case_id).add(event_id).add(hex64(digest)).add(log_seq));
  }

  std::int64_t next_log_seq(std::string_view case_id) override {
    static const std::string sql = "SELECT coalesce(max(seq), 0) + 1 FROM case_log WHERE case_id = $1";
    return run(sql, params().add(case_id)).integer(0, 0);
  }

  void append_log(std::string_view case_id, const log_entry& e, bool changed) override {
    static const std::string sql =
        "INSERT INTO case_log (case_id, seq, kind, event, actor, event_id, at, payload, result, reason, "
        "message, actions, from_state, to_state, steps, version, changed, snapshot, decision_id, "
        "policy_hash, "
        "from_policy_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
        "$17, "
        "$18, $19, $20, $21)";
    params p;
    p.add(case_id).add(e.seq).add(e.kind).add(e.event).add(e.actor).add(e.event_id).add(seconds(e.at));
    p.add(e.payload_json).add(e.result).add(e.reason).add(e.message).add(actions_to_json(e.actions));
    p.add(e.from_state).add(e.to_state).add(static_cast<std::int64_t>(e.steps)).add(e.version);
    p.add(std::int64_t{changed ? 1 : 0}).add(e.snapshot).add(e.decision_id);
    p.add(e.policy_hash ? hex64(e.policy_hash) : std::string());
    p.add(e.from_policy_hash ? hex64(e.from_policy_hash) : std::string());
    write(sql, std::move(p));
  }

  std::vector<log_entry> read_log(std::string_view case_id) override {
    static const std::string sql =
        "SELECT seq, kind, event, actor, event_id, at, payload, result, reason, message, actions, "
        "from_state, to_state, steps, version, snapshot, decision_id, policy_hash, from_policy_hash FROM "
        "case_log "
        "WHERE case_id = $1 ORDER BY seq";
    const rows r = run(sql, params().add(case_id));
    std::vector<log_entry> out;
    for (int i = 0; i < r.count(); ++i) {
      log_entry e;
      e.seq = r.integer(i, 0);
      e.kind = r.text(i, 1);
      e.event = r.text(i, 2);
      e.actor = r.text(i, 3);
      e.event_id = r.text(i, 4);
      e.at = at_seconds(r.integer(i, 5));
      e.payload_json = r.text(i, 6);
      e.result = r.text(i, 7);
      e.reason = r.text(i, 8);
      e.message = r.text(i, 9);
      e.actions = actions_from_json(r.text(i, 10));
      e.from_state = r.text(i, 11);
      e.to_state = r.text(i, 12);
      e.steps = static_cast<std::uint32_t>(r.integer(i, 13));
      e.version = r.integer(i, 14);
      e.snapshot = r.text(i, 15);
      e.decision_id = r.text(i, 16);
      e.policy_hash = parse_hex64(r.text(i, 17)).value_or(0);
      e.from_policy_hash = parse_hex64(r.text(i, 18)).value_or(0);
      out.push_back(std::move(e));
    }
    return out;
  }

  std::vector<stored_case_info> list_cases(const case_filter& f) override {
    // One statement per combination of filters, so each can use its index.
    std::string sql = std::string("SELECT ") + case_columns + " FROM cases WHERE TRUE";
    params p;
    for (const auto& [column, value] : {std::pair<const char*, const std::string&>{"state", f.state},
                                        {"phase", f.phase},
                                        {"flow", f.flow}}) {
      if (value.empty()) continue;
      p.add(value);
      sql += std::string(" AND ") + column + " = $" + std::to_string(p.size());
    }
    p.add(static_cast<std::int64_t>(f.limit));
    sql += " ORDER BY case_id LIMIT $" + std::to_string(p.size());
    const rows r = run(sql, p);
    std::vector<stored_case_info> out;
    for (int i = 0; i < r.count(); ++i) out.push_back(info_of(r, i));
    return out;
  }

  std::vector<due_case> list_due(sys_seconds now, std::size_t limit,
                                 const std::vector<std::uint64_t>& policies) override {
    // Walks the partial index on next_due in order, a bounded batch. Listing for fire_due (with
    // policies), rows another worker holds right now are passed over (SKIP LOCKED; the lock is
    // let go when this statement ends): workers that each take one case per call take
    // different ones instead of all finding the head of the queue claimed. Each case is then
    // claimed in its own transaction (claim_due).
    static const std::string all =
        "SELECT case_id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due <= $1 "
        "ORDER BY next_due, case_id LIMIT $2";
    static const std::string some =
        "SELECT case_id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due <= $1 "
        "AND policy_hash = ANY($3::text[]) ORDER BY next_due, case_id LIMIT $2 FOR UPDATE SKIP LOCKED";
    params p;
    p.add(seconds(now)).add(static_cast<std::int64_t>(limit));
    if (!policies.empty()) {
      std::string hashes = "{";
      for (const std::uint64_t h : policies) hashes += (hashes.size() > 1 ? "," : "") + hex64(h);
      p.add(hashes + "}");
    }
    const rows r = run(policies.empty() ? all : some, p);
    std::vector<due_case> out;
    for (int i = 0; i < r.count(); ++i) out.push_back({r.text(i, 0), at_seconds(r.integer(i, 1))});
    return out;
  }

 private:
  // `postgresql://HOST:PORT/DB` for messages: never the password, nor the rest of the URL.
  void describe(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (!opts) {
      // libpq's reason quotes the URL, password and all: not repeated.
      PQfreemem(err);
      throw store_error(error_code::store_unavailable,
                        "the store URL is not a valid PostgreSQL connection URI "
                        "(postgresql://[user[:password]@][host][:port][/dbname][?param=value&...])");
    }
    std::string host, port, db;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      const std::string key = o->keyword;
      const std::string value = o->val ? o->val : "";
      if (key == "host") host = value;
      if (key == "port") port = value;
      if (key == "dbname") db = value;
      if (key == "password") password_ = value;
    }
    PQconninfoFree(opts);
    // A host that is a directory is a Unix socket's: it goes in the query, as libpq spells it.
    if (!host.empty() && host.front() == '/')
      where_ = "`postgresql:///" + db + "?host=" + host + (port.empty() ? "" : "&port=" + port) + "`";
    else
      where_ = "`postgresql://" + host + (port.empty() ? "" : ":" + port) + "/" + db + "`";
  }

  // libpq's messages name hosts and users, not passwords; removed anyway, should one echo it.
  // Also on one line: libpq's messages end with a newline and may continue on indented lines.
  std::string scrub(std::string m) const {
    for (char& c : m)
      if (c == '\n' || c == '\t') c = ' ';
    for (std::size_t at = m.find("  "); at != std::string::npos; at = m.find("  ")) m.erase(at, 1);
    while (!m.empty() && m.back() == ' ') m.pop_back();
    if (password_.empty()) return m;
    for (std::size_t at = m.find(password_); at != std::string::npos; at = m.find(password_, at + 3))
      m.replace(at, password_.size(), "***");
    return m;
  }

  void setup_session() {
    PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
    prepared_.clear();
    // Waits for another writer's row lock: the busy timeout. A transaction left idle (a hung
    // worker) is ended by the server after the lease, releasing its locks and claims.
    // At least 1 ms each: 0 would turn PostgreSQL's timeouts off (wait forever, no lease).
    const auto at_least_1 = [](std::chrono::milliseconds t) {
      return std::to_string(std::max<long long>(t.count(), 1));
    };
    const std::string sql =
        "SET lock_timeout = " + at_least_1(options_.busy_timeout) +
        "; SET idle_in_transaction_session_timeout = " + at_least_1(options_.lease) +
        "; SET synchronous_commit = " + (options_.sync == store_options::durability::full ? "on" : "off") +
        "; SET client_min_messages = warning; SET client_encoding = 'UTF8'";
    simple(sql.c_str());
  }

  void reconnect_if_lost() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw store_error(error_code::store_unavailable,
                        "lost the connection to the store " + where_ + ": " + scrub(PQerrorMessage(conn_)));
    setup_session();
  }

  [[noreturn]] void fail(const PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state ? state : "";
    // The server's primary message (lowercase, no `ERROR:` prefix) and its SQLSTATE; libpq's
    // own message when the server sent none (a connection lost).
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string why = primary ? scrub(primary) + " (sqlstate " + code + ")" : scrub(PQerrorMessage(conn_));
    if (code == "55P03")
      throw store_error(error_code::store_unavailable,
                        "the store " + where_ + ": a case stayed locked by another writer for longer than " +
                            "the busy timeout (" + std::to_string(options_.busy_timeout.count()) + " ms)");
    if (code == "25P03" || PQstatus(conn_) != CONNECTION_OK)
      throw store_error(
          error_code::store_unavailable,
          "lost the connection to the store " + where_ +
              " (the server went away, or ended a transaction idle for longer than the lease of " +
              std::to_string(options_.lease.count()) + " ms): " + why);
    throw store_error(error_code::store_unavailable, "the store " + where_ + ": " + why);
  }

  void check(const PGresult* r) {
    const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r);
  }

  void simple(const char* sql) {
    const result_ptr r(PQexec(conn_, sql));
    check(r.get());
  }

  // A statement prepared once per connection (SQL -> name), run with its parameters.
  const std::string& prepared(const std::string& sql, int n_params) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      const std::string name = "s" + std::to_string(prepared_.size());
      const result_ptr r(PQprepare(conn_, name.c_str(), sql.c_str(), n_params, nullptr));
      check(r.get());
      it = prepared_.emplace(sql, name).first;
    }
    return it->second;
  }

  rows run(const std::string& sql, const params& p) {
    if (!in_tx_) reconnect_if_lost();
    return execute(sql, p, true);
  }

  // A write whose answer is not needed: queued inside a transaction, run at once outside.
  void write(const std::string& sql, params p) {
    if (!in_tx_) {
      run(sql, p);
      return;
    }
    prepared(sql, p.size());
    queue_.push_back({sql, std::move(p), true});
  }

  struct queued {
    std::string sql;
    params p;
    bool prepare;  // false: BEGIN and COMMIT, sent as they are
  };

  bool send(const queued& q) {
    const std::vector<const char*> values = q.p.pointers();
    return q.prepare ? PQsendQueryPrepared(conn_, prepared(q.sql, q.p.size()).c_str(), q.p.size(),
                                           values.data(), nullptr, nullptr, 0) == 1
                     : PQsendQueryParams(conn_, q.sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  }

  // Runs the queue and then this statement; its result. One round trip either way.
  rows execute(const std::string& sql, const params& p, bool prepare) {
    if (queue_.empty()) {
      const std::vector<const char*> values = p.pointers();
      result_ptr r(prepare ? PQexecPrepared(conn_, prepared(sql, p.size()).c_str(), p.size(), values.data(),
                                            nullptr, nullptr, 0)
                           : PQexec(conn_, sql.c_str()));
      check(r.get());
      return rows(std::move(r));
    }
    std::vector<rows> r = execute_all({{sql, p, prepare}});
    return std::move(r.back());
  }

  // Runs the queue and then `wanted`, in one pipeline (one round trip); the results of
  // `wanted`, in order. Each statement runs after the one before it has finished (and, in
  // READ COMMITTED, with a snapshot of its own): a read queued after a `FOR UPDATE` sees what
  // the lock's previous holder committed.
  std::vector<rows> execute_all(std::vector<queued> wanted) {
    for (const queued& q : wanted)
      if (q.prepare) prepared(q.sql, q.p.size());  // before the pipeline: preparing waits for its answer
    std::vector<queued> batch = std::move(queue_);
    queue_.clear();
    const std::size_t first_wanted = batch.size();
    for (queued& q : wanted) batch.push_back(std::move(q));
    if (in_tx_) begun_ = true;  // BEGIN, when queued, is the batch's first statement
    if (PQenterPipelineMode(conn_) != 1) fail(nullptr);
    std::vector<result_ptr> results;
    bool sent = true;
    for (const queued& q : batch) sent = sent && send(q);
    sent = sent && PQpipelineSync(conn_) == 1;
    // Each statement's result then a null; the sync's result last. A lost connection ends early.
    for (std::size_t i = 0; sent && i < batch.size() && PQstatus(conn_) == CONNECTION_OK; ++i) {
      result_ptr r(PQgetResult(conn_));
      if (!r) break;
      while (PGresult* more = PQgetResult(conn_)) PQclear(more);
      results.push_back(std::move(r));
    }
    if (results.size() == batch.size()) {
      while (PGresult* s = PQgetResult(conn_)) {
        const bool sync = PQresultStatus(s) == PGRES_PIPELINE_SYNC;
        PQclear(s);
        if (sync) break;
      }
    }
    PQexitPipelineMode(conn_);
    for (const result_ptr& r : results) check(r.get());
    if (results.size() != batch.size()) fail(nullptr);
    std::vector<rows> out;
    for (std::size_t i = first_wanted; i < results.size(); ++i) out.emplace_back(std::move(results[i]));
    return out;
  }

  std::uint64_t digest_of(const std::string& text, std::string_view event_id) const {
    const std::optional<std::uint64_t> d = parse_hex64(text);
    if (!d)
      throw store_error(
          error_code::malformed_row,
          "the store " + where_ + " holds a malformed digest for event id `" + std::string(event_id) + "`");
    return *d;
  }

  static stored_case_info info_of(const rows& r, int i) {
    stored_case_info info;
    info.id = r.text(i, 0);
    info.version = r.integer(i, 1);
    info.policy_id = r.text(i, 2);
    info.policy_version = r.text(i, 3);
    info.policy_hash = parse_hex64(r.text(i, 4)).value_or(0);
    info.flow = r.text(i, 5);
    info.state = r.text(i, 6);
    info.phase = r.text(i, 7);
    info.opened_at = at_seconds(r.integer(i, 8));
    info.updated_at = at_seconds(r.integer(i, 9));
    if (!r.null(i, 10)) info.next_due = at_seconds(r.integer(i, 10));
    return info;
  }

  static params& add_info(params& p, const stored_case_info& i) {
    p.add(i.id).add(i.version).add(i.policy_id).add(i.policy_version).add(hex64(i.policy_hash));
    p.add(i.flow).add(i.state).add(i.phase).add(seconds(i.opened_at)).add(seconds(i.updated_at));
    p.add(i.next_due);
    return p;
  }

  // Creates the schema in an empty database, applies missing migrations, refuses a newer
  // schema; one transaction, serialised with other processes doing the same.
  void migrate() {
    simple("BEGIN");
    in_tx_ = begun_ = true;
    try {
      simple(schema_lock);
      simple(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT "
          "NULL)");
      const int have = schema_version();
      if (have > case_store::current_schema_version)
        throw store_error(error_code::schema_too_new, "the store " + where_ + " has schema version " +
                                                          std::to_string(have) +
                                                          ", newer than this library's " +
                                                          std::to_string(case_store::current_schema_version) +
                                                          ": open it with a newer aftersale");
      if (have < 1) {
        simple(migration_1);
        simple(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (1, extract(epoch FROM "
            "now())::bigint)");
      }
      if (have < 2) {
        simple(migration_2);
        simple(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (2, extract(epoch FROM "
            "now())::bigint)");
      }
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  void close() noexcept {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
  }

  store_options options_;
  std::string where_;
  std::string password_;
  PGconn* conn_ = nullptr;
  bool in_tx_ = false;  // inside begin_write .. commit or rollback
  bool begun_ = false;  // and BEGIN has reached the server
  std::vector<queued> queue_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
};

}  // namespace

std::unique_ptr<case_store::backend> make_postgres_backend(const std::string& url, const store_options& o) {
  return std::make_unique<postgres_backend>(url, o);
}

}  // namespace aftersale
