// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The case store: cases in a database, each operation one transaction (docs/store.md).
///
///     auto store = aftersale::case_store::open_sqlite("cases.db");      // creates the schema
///     store.add_policy(policy);                                         // pinned by content hash
///     store.open_case("RMA-1001", aftersale::decide(policy, request, now), now);
///     aftersale::store_result r = store.apply("RMA-1001", {"approve", "agent", {}, "msg-1"}, now);
///     aftersale::fire_report f = store.fire_due(now, 500);             // each timer fires once
///     for (const aftersale::log_entry& e : store.history("RMA-1001")) { ... }
///
/// A handle is used by one thread at a time; open one handle per thread or process (they
/// share the file safely). No database type appears here: backends live in src/store/.
#include <aftersale/case.hpp>
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

class decision;
class observer;
namespace detail {
struct store_access;  // a store over any backend (src/store/backend.hpp; tests wrap one)
}

/// A store operation failed; nothing was written. `what()` is `error[E6xx]: message`.
class store_error : public error {
 public:
  store_error(error_code code, const std::string& message);
  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

/// How a store is opened.
struct store_options {
  /// `full` (default): `synchronous=FULL`, a commit survives a power loss. `normal`:
  /// `synchronous=NORMAL` in WAL mode, never corrupt and safe against an application crash,
  /// but the last commits before a power loss or OS crash may be lost (faster). PostgreSQL:
  /// `synchronous_commit` on / off.
  enum class durability : std::uint8_t { full, normal };
  durability sync = durability::full;
  /// How long a writer waits for another connection's write lock (PostgreSQL: a case's row
  /// lock, `lock_timeout`) before failing (E600).
  std::chrono::milliseconds busy_timeout{5000};
  /// PostgreSQL: how long a transaction may sit idle (a hung or partitioned worker) before the
  /// server ends its session, rolling it back and releasing its claims
  /// (`idle_in_transaction_session_timeout`, measured by the database's clock; at least 1 ms).
  std::chrono::milliseconds lease{30000};
};

/// A case row without its snapshot: what listing shows.
struct stored_case_info {
  std::string id;
  std::int64_t version = 0;  ///< 1 when opened, +1 on every change
  std::string policy_id;
  std::string policy_version;
  std::uint64_t policy_hash = 0;  ///< `policy_info::content_hash` of the policy it is pinned to
  std::string flow;
  std::string state;
  std::string phase;  ///< `to_string(lifecycle_phase)`
  sys_seconds opened_at{};
  sys_seconds updated_at{};
  std::optional<sys_seconds> next_due;  ///< the next timer (`next_deadline`), if any
};

/// A case as stored, restored with its pinned policy.
struct stored_case {
  stored_case_info info;
  service_case value;
};

/// The result of `apply`: the outcome as plain values and the case's version afterwards
/// (unchanged unless accepted).
struct store_result {
  outcome_view outcome;
  std::int64_t version = 0;
};

/// One row of a case's append-only log.
struct log_entry {
  std::int64_t seq = 0;      ///< 1, 2, ... per case
  std::string kind;          ///< `opened`, `event`, `advance`, `migrated`
  std::string event;         ///< `event`: name as sent
  std::string actor;         ///< `event`: actor role as sent; `migrated`: who moved it (as given)
  std::string event_id;      ///< `event`: idempotency key, may be empty
  sys_seconds at{};          ///< the `now` of the call
  std::string payload_json;  ///< `event`: the payload as a JSON object (`{}` when none)
  std::string result;        ///< `accepted`, `refused`, `duplicate`, `conflict`
  std::string reason;        ///< refused: `to_string(refusal)`
  std::string message;
  std::vector<emitted_action> actions;
  std::string from_state, to_state;
  std::uint32_t steps = 0;   ///< transitions fired (`advance`: timers fired)
  std::int64_t version = 0;  ///< the case's version after this row
  std::string snapshot;      ///< `opened`: the case as opened; else empty
  /// `opened`: the decision's id (`decision::id()`, 16 hex digits) the case was opened from.
  /// Empty on other rows, and on rows written by schema version 1.
  std::string decision_id;
  /// `opened`: the policy the case was opened under; `migrated`: the policy it moved to
  /// (content hashes). 0 on other rows, and on rows written by schema version 1.
  std::uint64_t policy_hash = 0;
  /// `migrated`: the policy it moved from. 0 on other rows.
  std::uint64_t from_policy_hash = 0;
};

/// Which cases `list` returns; empty fields match everything.
struct case_filter {
  std::string state;
  std::string phase;
  std::string flow;
  std::size_t limit = 1000;
};

/// A case whose next timer is due.
struct due_case {
  std::string id;
  sys_seconds due{};
};

/// What `fire_due` did.
struct fire_report {
  /// A due case that could not be fired because what is stored for it does not restore (a
  /// snapshot edited behind the store's back): rolled back and held (see `fire_due`).
  struct failure {
    std::string id;
    std::string message;  ///< names the case and the reason
  };
  std::size_t cases = 0;              ///< cases advanced (each in its own transaction)
  std::size_t timers = 0;             ///< timers fired in them
  std::size_t skipped = 0;            ///< listed as due, but another handle fired them first
  std::size_t held = 0;               ///< due, but passed over: they failed on this handle before
  std::vector<std::string> advanced;  ///< ids of the cases advanced, in the order fired
  std::vector<failure> failed;        ///< due cases that could not be fired in this call
};

/// Cases in a database. Move-only; one thread at a time per handle.
class case_store {
 public:
  class backend;  ///< src/store/backend.hpp

  /// Opens (creating if missing) a SQLite file, in WAL mode, and creates or migrates its schema.
  /// @throws store_error E600 (cannot open), E601 (schema newer than this library).
  static case_store open_sqlite(const std::string& path, const store_options& options = {});

  /// Opens a store by URL, the form the CLI and the worker take:
  /// - `sqlite:PATH` or a plain `PATH` (no scheme): `open_sqlite(PATH)`;
  /// - `postgresql://…` or `postgres://…`: a PostgreSQL database (a libpq connection URI,
  ///   e.g. `postgresql:///aftersale?host=/run/pg&port=5433`), schema created or migrated.
  /// @throws store_error E600 (cannot connect, unknown scheme), E601 (schema newer).
  static case_store open(const std::string& url, const store_options& options = {});

  case_store(case_store&&) noexcept;
  case_store& operator=(case_store&&) noexcept;
  ~case_store();

  /// The schema version this library writes, and the one the store holds.
  /// How long (in `now` time) `fire_due` passes over a case it failed to restore.
  static constexpr std::chrono::hours failed_case_retry{1};

  static constexpr int current_schema_version = 2;
  int schema_version() const;

  /// Adds a policy to this handle's registry (keyed by content hash). Cases pinned to it can
  /// then be read and changed. @throws store_error E603 for a policy without a content hash;
  /// usage_error E500 for null.
  void add_policy(std::shared_ptr<const policy> p);

  /// Opens a case from a decision (`aftersale::open_case`) under a new id, in one transaction:
  /// the row, the policy record, the `opened` log row with the snapshot. The decision's policy
  /// is added to the registry. @throws store_error E602 (id taken), error (no flow).
  stored_case_info open_case(std::string_view case_id, const decision& d, sys_seconds now);

  /// Applies an event (see docs/store.md: duplicate and conflict are answered from the event-id
  /// table; a refusal writes one log row and nothing else). With `expected_version`, refuses
  /// with E604 and writes nothing when the case's version differs.
  /// @throws store_error E602 (no such case), E603 (policy not in the registry), E604, E600.
  store_result apply(std::string_view case_id, const event& e, sys_seconds now,
                     std::optional<std::int64_t> expected_version = std::nullopt);

  /// The case, restored with its pinned policy. @throws store_error E602, E603.
  stored_case get(std::string_view case_id) const;
  /// Whether a case with that id exists.
  bool contains(std::string_view case_id) const;
  /// Case rows matching `f`, by id.
  std::vector<stored_case_info> list(const case_filter& f = {}) const;
  /// The case's log, in order. @throws store_error E602.
  std::vector<log_entry> history(std::string_view case_id) const;

  /// The case rebuilt from its log alone: the `opened` row's snapshot, then every `event` row
  /// applied and every `advance` row run, at their times. Equals `get(id).value` unless the
  /// store was edited behind its back. @throws store_error E602, E603.
  service_case replay(std::string_view case_id) const;

  /// Up to `limit` cases whose next timer is due at or before `now`, earliest first.
  std::vector<due_case> due(sys_seconds now, std::size_t limit) const;
  /// Fires the due timers of up to `limit` due cases, each case in its own transaction; a case
  /// another handle fired meanwhile is skipped. Only cases pinned to a policy in this handle's
  /// registry are fired: the others are left for a worker that has their policy.
  /// A case whose stored snapshot does not restore is rolled back, listed in `failed`, and
  /// held by this handle (passed over, so it never blocks the cases behind it) until `now`
  /// reaches its failure time plus `failed_case_retry`.
  /// @throws store_error E600 (e.g. the lock was held past the busy timeout): the cases fired
  /// before the failure stay fired, the one being fired is rolled back.
  fire_report fire_due(sys_seconds now, std::size_t limit);

  /// Moves an open case to another version of its policy, explicitly, in one transaction: the
  /// case's snapshot is restored under `to` (the flow's `migrations:` map its states; the case
  /// gets a `migrated` history entry when the version differs), its row is re-pinned to `to`'s
  /// content hash, and a `migrated` log row records from which hash to which, `actor` and
  /// `now`. `to` is added to the registry. A case already on `to` is left as it is (nothing
  /// written). Refused with nothing written:
  /// @throws store_error E602 (no such case), E603 (the case's policy is not in the registry,
  /// or `to` has no content hash), E608 (`to` is another policy: its id differs), E609 (`to`
  /// has no flow of the case's id, or that flow has neither the case's state nor a migration
  /// from the case's version mapping it), E610 (the snapshot does not restore under `to`),
  /// E604, E600; usage_error E500 for a null policy.
  stored_case_info migrate(std::string_view case_id, std::shared_ptr<const policy> to, sys_seconds now,
                           std::string_view actor = "system");

  /// Sets (or, with null, removes) the observer told of events applied or refused, timers
  /// fired and SLA warnings and breaches, after each transaction commits (observer.hpp).
  void set_observer(std::shared_ptr<observer> o);

 private:
  friend struct detail::store_access;
  explicit case_store(std::unique_ptr<backend> b);
  struct registry;
  std::unique_ptr<backend> backend_;
  std::unique_ptr<registry> registry_;
};

}  // namespace aftersale
