// SPDX-License-Identifier: Apache-2.0
#pragma once
// The primitives a database gives the case store (docs/store.md, "The interface both backends
// share"). The store's logic (store.cpp) is written once over them; each backend implements
// them with its own SQL. Every method throws store_error (E600) on a database failure.
#include <aftersale/store.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// One row of `cases`, snapshot included.
struct case_row {
  stored_case_info info;
  std::string snapshot;
};

/// What `apply` reads in its write transaction before it decides (`read_for_write`).
struct write_reads {
  /// The case row with its snapshot, locked as `read_case`'s; nothing: no such case.
  std::optional<case_row> row;
  /// The case's next log sequence number (meaningful only with a row).
  std::int64_t next_seq = 1;
  /// The digest stored with the event id asked about; nothing when none was asked (empty id)
  /// or it was never applied.
  std::optional<std::uint64_t> seen;
};

class case_store::backend {
 public:
  virtual ~backend() = default;
  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;

  virtual int schema_version() = 0;

  /// A write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE).
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  /// Never throws: called while unwinding.
  virtual void rollback() noexcept = 0;

  /// Inside a write transaction, PostgreSQL also locks the row (`FOR UPDATE`) until the
  /// transaction ends: writers of one case take turns, so the store's read-then-update
  /// loses no update (the version check stays as the fence).
  virtual std::optional<case_row> read_case(std::string_view id, bool with_snapshot) = 0;
  /// The claim of a due case, inside a write transaction: the row (with its snapshot) when
  /// its `next_due` is at or before `now` and no other transaction holds it, else nothing
  /// (fired or being fired by another worker: skipped, never waited for). SQLite: the write
  /// lock of BEGIN IMMEDIATE is the claim. PostgreSQL: `FOR UPDATE SKIP LOCKED`; the claim
  /// ends with the transaction, so a worker that dies releases it (docs/store.md).
  virtual std::optional<case_row> claim_due(std::string_view id, sys_seconds now) = 0;
  /// Inserts a new case row; false when the id is taken.
  virtual bool insert_case(const case_row& row) = 0;
  /// Writes `row` (its `info.version` is the new version) where the stored version is
  /// `expected`; false when no row matched (another writer changed it).
  virtual bool update_case(const case_row& row, std::int64_t expected) = 0;
  virtual void record_policy(const policy_info& p, sys_seconds now) = 0;

  /// The digest stored with an applied event id, if any.
  virtual std::optional<std::uint64_t> find_event_id(std::string_view case_id, std::string_view event_id) = 0;
  virtual void insert_event_id(std::string_view case_id, std::string_view event_id, std::uint64_t digest,
                               std::int64_t log_seq) = 0;

  /// The next log sequence number of a case (1 for a new case).
  virtual std::int64_t next_log_seq(std::string_view case_id) = 0;
  /// `changed`: the row records a change of the case (its `version` must then be unique).
  virtual void append_log(std::string_view case_id, const log_entry& e, bool changed) = 0;
  virtual std::vector<log_entry> read_log(std::string_view case_id) = 0;

  /// Inside a write transaction: the case row (with its snapshot, locked as `read_case`'s),
  /// its next log sequence number and, with a non-empty `event_id`, the digest stored with
  /// it; each read after the row's lock is held, so they see what the previous writer of the
  /// case committed. This default calls `read_case`, `next_log_seq` and `find_event_id`;
  /// PostgreSQL sends the three reads in one round trip (docs/store.md, "PostgreSQL").
  virtual write_reads read_for_write(std::string_view case_id, std::string_view event_id) {
    write_reads w;
    w.row = read_case(case_id, true);
    if (!w.row) return w;
    w.next_seq = next_log_seq(case_id);
    if (!event_id.empty()) w.seen = find_event_id(case_id, event_id);
    return w;
  }

  virtual std::vector<stored_case_info> list_cases(const case_filter& f) = 0;
  /// Due cases, earliest first; with `policies` non-empty (fire_due's listing), only cases
  /// pinned to one of those content hashes, and (PostgreSQL) none another transaction holds.
  virtual std::vector<due_case> list_due(sys_seconds now, std::size_t limit,
                                         const std::vector<std::uint64_t>& policies) = 0;
};

/// A store over any backend: for backends that wrap another (the tests put a hook in
/// front of SQLite's to interleave two handles deterministically).
struct detail::store_access {
  static case_store make(std::unique_ptr<case_store::backend> b) { return case_store(std::move(b)); }
};

/// A `schema_migrations` version as read from the database, for `backend::schema_version`: a
/// value beyond `int` reads as `INT_MAX` (newer than any library: E601), a negative one is a
/// row the store did not write (E600).
int schema_version_from(std::int64_t stored);

/// The SQLite backend (sqlite_backend.cpp).
std::unique_ptr<case_store::backend> make_sqlite_backend(const std::string& path, const store_options& o);

/// The PostgreSQL backend (postgres_backend.cpp); `url` is a libpq connection URI.
std::unique_ptr<case_store::backend> make_postgres_backend(const std::string& url, const store_options& o);

/// `0123456789abcdef`: 16 lowercase hex digits, as the store writes hashes and digests.
std::string hex64(std::uint64_t v);
/// The inverse; nothing for text that is not 16 hex digits.
std::optional<std::uint64_t> parse_hex64(std::string_view s);

/// A payload as a JSON object (`{"amount":12900,"note":"x"}`), and back. Values keep their
/// kind: integers, booleans, strings; timestamps and durations as `{"t":N}` / `{"s":N}`.
std::string payload_to_json(const request& r);
request payload_from_json(std::string_view json);
/// Emitted actions as a JSON array, and back.
std::string actions_to_json(const std::vector<emitted_action>& a);
std::vector<emitted_action> actions_from_json(std::string_view json);

}  // namespace aftersale
