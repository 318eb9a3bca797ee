// SPDX-License-Identifier: Apache-2.0
// The case store's logic, written once over the backend's primitives (backend.hpp): the
// policy registry, one transaction per operation, duplicate and conflict answered from the
// event-id table, the version check, fire_due, and the audit log. docs/store.md.
#include <aftersale/decide.hpp>
#include <aftersale/observer.hpp>
#include <aftersale/store.hpp>
#include <algorithm>
#include <cctype>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "case/runtime.hpp"
#include "model/observe.hpp"
#include "store/backend.hpp"

namespace aftersale {

store_error::store_error(error_code code, const std::string& message)
    : error("error[" + code_text(code) + "]: " + message), code_(code) {}

struct case_store::registry {
  std::unordered_map<std::uint64_t, std::shared_ptr<const policy>> by_hash;
  std::shared_ptr<aftersale::observer> observer;  ///< null: no hooks are called
  /// Cases `fire_due` failed to restore, with the `now` from which they are tried again.
  std::unordered_map<std::string, sys_seconds> held;
};

namespace {

// Rolls back unless committed: every operation writes whole or not at all.
class write_transaction {
 public:
  explicit write_transaction(case_store::backend& b) : b_(b) { b_.begin_write(); }
  ~write_transaction() {
    if (!done_) b_.rollback();
  }
  write_transaction(const write_transaction&) = delete;
  write_transaction& operator=(const write_transaction&) = delete;
  void commit() {
    b_.commit();
    done_ = true;
  }

 private:
  case_store::backend& b_;
  bool done_ = false;
};

std::string quoted(std::string_view id) { return "`" + std::string(id) + "`"; }

// Text PostgreSQL cannot hold (it ends a `text` value at a NUL byte, so `A\0x` would be read as
// `A`): refused before anything is read or written, on every backend alike.
void check_text(std::string_view what, std::string_view value) {
  if (value.find('\0') != std::string_view::npos)
    throw store_error(error_code::unstorable_text,
                      "the " + std::string(what) + " " + quoted(value.substr(0, value.find('\0'))) +
                          "... contains a NUL byte, which the store cannot keep");
}

// A version the store never writes (it starts at 1 and adds 1): the row was edited behind its back.
std::int64_t checked_version(const stored_case_info& i) {
  if (i.version <= 0 || i.version == std::numeric_limits<std::int64_t>::max())
    throw store_error(error_code::malformed_row, "case " + quoted(i.id) + " has version " +
                                                     std::to_string(i.version) +
                                                     ", which the store never writes");
  return i.version;
}

// The most a listing asks the database for: a `size_t` beyond it would turn negative as SQL's
// int64 LIMIT (no limit at all on SQLite).
std::size_t capped(std::size_t limit) {
  return std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max() / 2));
}

[[noreturn]] void no_case(std::string_view id) {
  throw store_error(error_code::unknown_case, "no case " + quoted(id) + " in the store");
}

// The denormalised columns of a case, from the case itself.
stored_case_info describe_row(std::string_view id, const service_case& c, std::int64_t version,
                              sys_seconds opened, sys_seconds now) {
  stored_case_info i;
  i.id = std::string(id);
  i.version = version;
  const policy_info& p = c.source_policy().info;
  i.policy_id = p.id;
  i.policy_version = p.version;
  i.policy_hash = p.content_hash;
  i.flow = c.flow().id;
  i.state = std::string(c.state_id());
  i.phase = std::string(to_string(c.phase()));
  i.opened_at = opened;
  i.updated_at = now;
  const std::optional<sys_seconds> due = next_deadline(c);
  if (due && *due != never_due) i.next_due = *due;
  return i;
}

void fill_outcome(log_entry& e, const outcome_view& v) {
  e.result = v.result;
  e.reason = v.reason;
  e.message = v.message;
  e.actions = v.actions;
  e.from_state = v.from_state;
  e.to_state = v.to_state;
  e.steps = v.steps;
}

// What a change did to SLA clocks, for the observer: the clocks of the case *before* the change
// that were running with a deadline after the case's previous change and at or before `now`
// (each breach is thus reported once, by the first change past it), and the `sla_warning`
// actions the change emitted.
struct sla_breach {
  std::string clock;
  sys_seconds due;
};

std::vector<sla_breach> breaches_between(const service_case& before, sys_seconds previous, sys_seconds now) {
  std::vector<sla_breach> out;
  const policy& p = before.source_policy();
  for (const case_clock& k : before.clocks()) {
    if (k.state != case_clock::status::running || k.due == never_due) continue;
    if (k.due > previous && k.due <= now && k.clock < p.clocks.size())
      out.push_back({p.clocks[k.clock].id, k.due});
  }
  return out;
}

std::string_view arg_of(const emitted_action& a, std::string_view name) {
  for (const auto& [k, v] : a.args)
    if (k == name) return v;
  return {};
}

void tell_warnings(observer& o, std::string_view case_id, const std::vector<emitted_action>& actions,
                   sys_seconds now) {
  for (const emitted_action& a : actions) {
    if (a.name != "sla_warning") continue;
    sys_seconds due{};
    if (const std::string_view d = arg_of(a, "due"); !d.empty()) {
      if (const std::optional<sys_seconds> t = parse_timestamp(d)) due = *t;
    }
    detail::notify(&o, "on_sla_warning", [&](observer& obs) {
      obs.on_sla_warning({case_id, arg_of(a, "clock"), arg_of(a, "fraction"), due, now});
    });
  }
}

// What firing one case did, for the observer hooks called after its commit.
struct fired_case {
  std::size_t timers = 0;
  std::vector<outcome_view> views;
  std::vector<emitted_action> actions;
  std::vector<sla_breach> breaches;
};

void tell_breaches(observer& o, std::string_view case_id, const std::vector<sla_breach>& breaches,
                   sys_seconds now) {
  for (const sla_breach& b : breaches)
    detail::notify(&o, "on_sla_breach", [&](observer& obs) {
      obs.on_sla_breach({case_id, b.clock, "1", b.due, now});
    });
}

}  // namespace

case_store::case_store(std::unique_ptr<backend> b)
    : backend_(std::move(b)), registry_(std::make_unique<registry>()) {}
case_store::case_store(case_store&&) noexcept = default;
case_store& case_store::operator=(case_store&&) noexcept = default;
case_store::~case_store() = default;

case_store case_store::open_sqlite(const std::string& path, const store_options& options) {
  return case_store(make_sqlite_backend(path, options));
}

case_store case_store::open(const std::string& url, const store_options& options) {
  const auto starts_with = [&url](std::string_view prefix) { return url.rfind(prefix, 0) == 0; };
  if (starts_with("postgresql://") || starts_with("postgres://"))
    return case_store(make_postgres_backend(url, options));
  if (starts_with("sqlite:")) return open_sqlite(url.substr(7), options);
  // A libpq key=value string or a URL without `//` must not become a file named after it
  // (password and all): only URLs reach PostgreSQL.
  std::string lower = url.substr(0, 8);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("postgres", 0) == 0 || url.find("password=") != std::string::npos ||
      url.find("host=") != std::string::npos)
    throw store_error(
        error_code::store_unavailable,
        "a PostgreSQL store is opened by URL (`postgresql://[user@]host[:port]/db?...`), not by "
        "a connection string; anything else is a SQLite path");
  const std::size_t colon = url.find("://");
  if (colon != std::string::npos)
    throw store_error(error_code::store_unavailable,
                      "unknown store URL scheme `" + url.substr(0, colon) +
                          "`: use `sqlite:PATH`, a path, or `postgresql://...`");
  return open_sqlite(url, options);
}

int case_store::schema_version() const { return backend_->schema_version(); }

void case_store::add_policy(std::shared_ptr<const policy> p) {
  if (!p) throw usage_error(error_code::no_policy, "add_policy needs a policy, got none");
  if (p->info.content_hash == 0)
    throw store_error(
        error_code::unknown_policy,
        "policy " + quoted(p->info.id) +
            " has no content hash (built in code?): a case cannot be pinned to it; load it from text");
  registry_->by_hash.emplace(p->info.content_hash, std::move(p));
}

namespace {

const std::shared_ptr<const policy>& pinned(
    const std::unordered_map<std::uint64_t, std::shared_ptr<const policy>>& by_hash,
    const stored_case_info& i) {
  const auto it = by_hash.find(i.policy_hash);
  if (it == by_hash.end())
    throw store_error(error_code::unknown_policy,
                      "case " + quoted(i.id) + " is pinned to policy " + quoted(i.policy_id) + " version " +
                          quoted(i.policy_version) + " (content hash " + hex64(i.policy_hash) +
                          "), which this store was not given: add_policy it");
  return it->second;
}

// A policy the log of a case names (replay: the one it was opened under, or migrated to).
const std::shared_ptr<const policy>& logged_policy(
    const std::unordered_map<std::uint64_t, std::shared_ptr<const policy>>& by_hash, std::string_view case_id,
    std::uint64_t hash) {
  const auto it = by_hash.find(hash);
  if (it == by_hash.end())
    throw store_error(error_code::unknown_policy,
                      "the log of case " + quoted(case_id) + " runs under the policy with content hash " +
                          hex64(hash) + ", which this store was not given: add_policy it");
  return it->second;
}

}  // namespace

stored_case_info case_store::open_case(std::string_view case_id, const decision& d, sys_seconds now) {
  check_text("case id", case_id);
  service_case c = aftersale::open_case(d, now);  // throws before anything is written
  add_policy(d.policy_ptr());
  case_row row{describe_row(case_id, c, 1, now, now), to_json(c)};

  write_transaction tx(*backend_);
  backend_->record_policy(c.source_policy().info, now);
  if (!backend_->insert_case(row))
    throw store_error(error_code::unknown_case, "a case " + quoted(case_id) + " already exists in the store");
  log_entry e;
  e.seq = backend_->next_log_seq(case_id);
  e.kind = "opened";
  e.at = now;
  e.payload_json = "{}";
  e.result = "accepted";
  e.to_state = row.info.state;
  e.steps = static_cast<std::uint32_t>(c.history().size());
  e.version = 1;
  e.snapshot = row.snapshot;
  e.decision_id = d.id();
  e.policy_hash = c.source_policy().info.content_hash;
  backend_->append_log(case_id, e, true);
  tx.commit();
  return row.info;
}

store_result case_store::apply(std::string_view case_id, const event& ev, sys_seconds now,
                               std::optional<std::int64_t> expected_version) {
  check_text("case id", case_id);
  check_text("event name", ev.name);
  check_text("actor role", ev.actor_role);
  check_text("event id", ev.id);
  log_entry e;
  e.kind = "event";
  e.event = ev.name;
  e.actor = ev.actor_role;
  e.event_id = ev.id;
  e.at = now;
  e.payload_json = payload_to_json(ev.payload);

  write_transaction tx(*backend_);
  // The row (locked), the next log seq and the event id's digest: one round trip on PostgreSQL.
  const write_reads reads = backend_->read_for_write(case_id, ev.id);
  const std::optional<case_row>& row = reads.row;
  if (!row) no_case(case_id);
  const std::int64_t version = checked_version(row->info);
  if (expected_version && *expected_version != version)
    throw store_error(error_code::version_conflict,
                      "case " + quoted(case_id) + " is at version " + std::to_string(version) + ", not " +
                          std::to_string(*expected_version) + ": read it again");
  e.seq = reads.next_seq;
  e.version = version;

  // Exactly once: the table answers for ids already applied, before the case is read.
  const std::uint64_t digest = ev.id.empty() ? 0 : detail::event_digest(ev.name, ev.actor_role, &ev.payload);
  if (!ev.id.empty()) {
    if (const std::optional<std::uint64_t>& seen = reads.seen) {
      outcome_view v;
      if (*seen == digest) {
        v.result = "duplicate";
        v.message =
            "duplicate: event id " + quoted(ev.id) + " was already applied to case " + quoted(case_id);
      } else {
        v.result = "conflict";
        v.message = "conflict: event id " + quoted(ev.id) + " was already applied to case " +
                    quoted(case_id) + " with another event (name, role or payload)";
      }
      fill_outcome(e, v);
      backend_->append_log(case_id, e, false);
      tx.commit();
      if (observer* o = registry_->observer.get())
        detail::notify(o, "on_event_refused", [&](observer& obs) {
          obs.on_event_refused({case_id, ev, v, now, version});
        });
      return {std::move(v), version};
    }
  }

  const std::shared_ptr<const policy>& p = pinned(registry_->by_hash, row->info);
  service_case c = from_json(p, row->snapshot);
  // Only with an observer: the clocks a change moves past are read before the change.
  observer* const watcher = registry_->observer.get();
  std::vector<sla_breach> breaches;
  if (watcher) breaches = breaches_between(c, row->info.updated_at, now);
  const outcome o = aftersale::apply(c, ev, now);
  outcome_view v = make_outcome_view(c, o);
  fill_outcome(e, v);
  if (o.accepted()) {
    case_row next{describe_row(case_id, c, version + 1, row->info.opened_at, now), to_json(c)};
    if (!backend_->update_case(next, version))
      throw store_error(error_code::version_conflict,
                        "case " + quoted(case_id) + " was changed by another writer: apply the event again");
    if (!ev.id.empty()) backend_->insert_event_id(case_id, ev.id, digest, e.seq);
    e.version = version + 1;
  }
  backend_->append_log(case_id, e, o.accepted());
  tx.commit();
  if (watcher) {
    const event_notice n{case_id, ev, v, now, e.version};
    if (o.accepted()) {
      detail::notify(watcher, "on_event_applied", [&](observer& obs) { obs.on_event_applied(n); });
      tell_warnings(*watcher, case_id, v.actions, now);
      tell_breaches(*watcher, case_id, breaches, now);
    } else {
      detail::notify(watcher, "on_event_refused", [&](observer& obs) { obs.on_event_refused(n); });
    }
  }
  return {std::move(v), e.version};
}

stored_case case_store::get(std::string_view case_id) const {
  check_text("case id", case_id);
  std::optional<case_row> row = backend_->read_case(case_id, true);
  if (!row) no_case(case_id);
  const std::shared_ptr<const policy>& p = pinned(registry_->by_hash, row->info);
  return {row->info, from_json(p, row->snapshot)};
}

bool case_store::contains(std::string_view case_id) const {
  check_text("case id", case_id);
  return backend_->read_case(case_id, false).has_value();
}

std::vector<stored_case_info> case_store::list(const case_filter& f) const {
  case_filter bounded = f;
  bounded.limit = capped(f.limit);
  return backend_->list_cases(bounded);
}

std::vector<log_entry> case_store::history(std::string_view case_id) const {
  check_text("case id", case_id);
  if (!backend_->read_case(case_id, false)) no_case(case_id);
  return backend_->read_log(case_id);
}

service_case case_store::replay(std::string_view case_id) const {
  const std::vector<log_entry> log = history(case_id);
  if (log.empty() || log.front().kind != "opened")
    throw store_error(error_code::malformed_row,
                      "the log of case " + quoted(case_id) + " has no `opened` row");
  std::optional<case_row> row = backend_->read_case(case_id, false);
  if (!row) no_case(case_id);
  // The policy the case was opened under: the `opened` row names it (schema 2); rows written
  // by schema 1 do not, and those cases were never migrated, so the case row's is it.
  std::uint64_t opened_under = log.front().policy_hash;
  if (opened_under == 0) {
    const auto first_move =
        std::find_if(log.begin(), log.end(), [](const log_entry& e) { return e.kind == "migrated"; });
    opened_under = first_move != log.end() ? first_move->from_policy_hash : row->info.policy_hash;
  }
  service_case c = from_json(logged_policy(registry_->by_hash, case_id, opened_under), log.front().snapshot);
  for (std::size_t i = 1; i < log.size(); ++i) {
    const log_entry& e = log[i];
    if (e.kind == "event") {
      aftersale::apply(c, event{e.event, e.actor, payload_from_json(e.payload_json), e.event_id}, e.at);
    } else if (e.kind == "advance") {
      advance(c, e.at);
    } else if (e.kind == "migrated") {
      // As `migrate` did it: the case's snapshot restored under the target version.
      c = from_json(logged_policy(registry_->by_hash, case_id, e.policy_hash), to_json(c));
    } else {
      throw store_error(error_code::malformed_row, "the log of case " + quoted(case_id) +
                                                       " has a row of unknown kind " + quoted(e.kind));
    }
  }
  return c;
}

std::vector<due_case> case_store::due(sys_seconds now, std::size_t limit) const {
  return backend_->list_due(now, capped(limit), {});
}

fire_report case_store::fire_due(sys_seconds now, std::size_t limit) {
  fire_report report;
  limit = capped(limit);
  // Only cases this handle can restore: a case pinned to a policy it was not given is left to
  // a worker that has it (and never blocks the cases behind it).
  std::vector<std::uint64_t> policies;
  for (const auto& [hash, p] : registry_->by_hash) policies.push_back(hash);
  if (policies.empty()) return report;
  // A case that failed on this handle is passed over until its retry time, so it never takes the
  // place of the due cases behind it: list as many more as are held.
  auto& held = registry_->held;
  std::size_t holding = 0;
  for (const auto& [id, retry] : held) holding += retry > now ? 1 : 0;
  // One due case in its own transaction; false: another handle fired it first (rolled back).
  const auto fire_case = [this, now](const std::string& id, fired_case& done) -> bool {
    write_transaction tx(*backend_);
    // Claimed under the write lock, due re-checked: another handle may have fired it since it
    // was listed, or be firing it now (PostgreSQL: skipped, not waited for).
    std::optional<case_row> row = backend_->claim_due(id, now);
    if (!row || !row->info.next_due || *row->info.next_due > now) return false;  // rolled back
    // Migrated meanwhile (by another handle) to a version this one was not given: left to a
    // worker that has it, as the listing would have.
    if (registry_->by_hash.count(row->info.policy_hash) == 0) return false;
    const std::int64_t version = checked_version(row->info);
    service_case c = from_json(pinned(registry_->by_hash, row->info), row->snapshot);
    if (registry_->observer) done.breaches = breaches_between(c, row->info.updated_at, now);
    const std::string from_state(c.state_id());
    const std::vector<outcome> fired = advance(c, now);
    case_row next{describe_row(id, c, fired.empty() ? version : version + 1, row->info.opened_at,
                               fired.empty() ? row->info.updated_at : now),
                  fired.empty() ? std::move(row->snapshot) : to_json(c)};
    if (!backend_->update_case(next, version)) return false;
    if (fired.empty()) {
      // The index said due but no timer was: the column is brought back in line, no change logged.
      tx.commit();
      return true;
    }
    log_entry e;
    e.seq = backend_->next_log_seq(id);
    e.kind = "advance";
    e.at = now;
    e.payload_json = "{}";
    e.result = "accepted";
    for (const outcome& o : fired) {
      outcome_view v = make_outcome_view(c, o);
      if (!e.message.empty()) e.message += "; ";
      e.message += v.message;
      e.actions.insert(e.actions.end(), v.actions.begin(), v.actions.end());
      done.views.push_back(std::move(v));
    }
    e.from_state = from_state;
    e.to_state = std::string(c.state_id());
    e.steps = static_cast<std::uint32_t>(fired.size());
    e.version = version + 1;
    backend_->append_log(id, e, true);
    tx.commit();
    done.timers = fired.size();
    done.actions = std::move(e.actions);
    return true;
  };
  const auto hold = [&](const std::string& id, const error& e) {
    const sys_seconds latest = sys_seconds::max() - failed_case_retry;  // `now` may be far in the future
    held[id] = now > latest ? sys_seconds::max() : now + failed_case_retry;
    report.failed.push_back({id, "case " + quoted(id) + " could not be fired: " + e.what()});
  };
  std::size_t taken = 0;
  for (const due_case& d : backend_->list_due(now, limit + holding, policies)) {
    if (taken == limit) break;
    if (const auto h = held.find(d.id); h != held.end()) {
      if (h->second > now) {
        ++report.held;
        continue;
      }
      held.erase(h);
    }
    ++taken;
    fired_case done;
    try {
      if (!fire_case(d.id, done)) {
        ++report.skipped;
        continue;
      }
    } catch (const store_error& e) {
      // The database, not the case: the caller retries the whole call. A malformed row is the case's.
      if (e.code() != error_code::malformed_row) throw;
      hold(d.id, e);
      continue;
    } catch (const usage_error&) {
      throw;
    } catch (const error& e) {
      // What is stored for this case does not restore (a snapshot edited behind the store's back,
      // say): rolled back, reported, held; the cases behind it still fire.
      hold(d.id, e);
      continue;
    }
    if (done.timers == 0) {
      ++report.skipped;  // the index said due but no timer was: column realigned, nothing fired
      continue;
    }
    ++report.cases;
    report.timers += done.timers;
    report.advanced.push_back(d.id);
    if (observer* const watcher = registry_->observer.get()) {
      for (const outcome_view& v : done.views)
        detail::notify(watcher, "on_timer_fired", [&](observer& obs) { obs.on_timer_fired({d.id, v, now}); });
      tell_warnings(*watcher, d.id, done.actions, now);
      tell_breaches(*watcher, d.id, done.breaches, now);
    }
  }
  return report;
}

void case_store::set_observer(std::shared_ptr<observer> o) { registry_->observer = std::move(o); }

stored_case_info case_store::migrate(std::string_view case_id, std::shared_ptr<const policy> to,
                                     sys_seconds now, std::string_view actor) {
  if (!to) throw usage_error(error_code::no_policy, "migrate needs a policy to move the case to, got none");
  if (to->info.content_hash == 0)
    throw store_error(
        error_code::unknown_policy,
        "policy " + quoted(to->info.id) +
            " has no content hash (built in code?): a case cannot be pinned to it; load it from text");

  check_text("case id", case_id);
  check_text("actor", actor);
  write_transaction tx(*backend_);
  const std::optional<case_row> row = backend_->read_case(case_id, true);
  if (!row) no_case(case_id);
  checked_version(row->info);
  const std::shared_ptr<const policy>& from = pinned(registry_->by_hash, row->info);
  if (from->info.content_hash == to->info.content_hash) return row->info;  // already there: nothing written
  const std::string target = "policy " + quoted(to->info.id) + " version " + quoted(to->info.version);
  if (to->info.id != from->info.id)
    throw store_error(error_code::migration_other_policy,
                      "case " + quoted(case_id) + " is under policy " + quoted(from->info.id) + ", not " +
                          quoted(to->info.id) +
                          ": a case migrates only to another version of its own policy");

  const service_case c = from_json(from, row->snapshot);
  const std::string state(c.state_id());
  const auto flow = std::find_if(to->flows.begin(), to->flows.end(),
                                 [&](const flow_def& f) { return f.id == c.flow().id; });
  if (flow == to->flows.end())
    throw store_error(error_code::migration_no_state, "case " + quoted(case_id) + " is in flow " +
                                                          quoted(c.flow().id) + ", which " + target +
                                                          " does not have");
  const bool has_state = std::any_of(flow->states.begin(), flow->states.end(),
                                     [&](const state_def& st) { return st.id == state; });
  const bool mapped =
      std::any_of(flow->migrations.begin(), flow->migrations.end(), [&](const flow_migration& m) {
        return m.from_version == from->info.version &&
               std::any_of(m.states.begin(), m.states.end(),
                           [&](const auto& kv) { return kv.first == state; });
      });
  if (!has_state && !mapped)
    throw store_error(error_code::migration_no_state,
                      "case " + quoted(case_id) + " is in state " + quoted(state) + " of flow " +
                          quoted(c.flow().id) + ", which " + target +
                          " does not have (nor maps from version " + quoted(from->info.version) + ")");
  service_case moved;
  try {
    moved = from_json(to, row->snapshot);
  } catch (const snapshot_error& x) {
    throw store_error(error_code::migration_refused,
                      "case " + quoted(case_id) + " cannot move to " + target + ": " + x.what());
  }

  const std::int64_t version = row->info.version;
  // A migration is a change of the case: deadlines it moves past are reported by it.
  observer* const watcher = registry_->observer.get();
  std::vector<sla_breach> breaches;
  if (watcher) breaches = breaches_between(c, row->info.updated_at, now);
  case_row next{describe_row(case_id, moved, version + 1, row->info.opened_at, now), to_json(moved)};
  backend_->record_policy(to->info, now);
  if (!backend_->update_case(next, version))
    throw store_error(error_code::version_conflict,
                      "case " + quoted(case_id) + " was changed by another writer: migrate it again");
  log_entry e;
  e.seq = backend_->next_log_seq(case_id);
  e.kind = "migrated";
  e.actor = std::string(actor);
  e.at = now;
  e.payload_json = "{}";
  e.result = "accepted";
  e.message = "migrated from policy " + quoted(from->info.id) + " version " + quoted(from->info.version) +
              " (" + hex64(from->info.content_hash) + ") to version " + quoted(to->info.version) + " (" +
              hex64(to->info.content_hash) + ")";
  e.from_state = state;
  e.to_state = std::string(moved.state_id());
  e.version = version + 1;
  e.policy_hash = to->info.content_hash;
  e.from_policy_hash = from->info.content_hash;
  backend_->append_log(case_id, e, true);
  tx.commit();
  registry_->by_hash.emplace(to->info.content_hash, std::move(to));
  if (watcher) tell_breaches(*watcher, case_id, breaches, now);
  return next.info;
}

}  // namespace aftersale
