// SPDX-License-Identifier: Apache-2.0
// The crash tests' worker program (docs/store.md, "What happens on a crash"): real processes
// that tests/store/crash_supervisor.py starts, kills with SIGKILL at random moments and
// restarts. Every subcommand takes a store URL (`sqlite:PATH`, a path, `postgresql://...`).
//
//   crash_driver seed URL CASES [--spread S]        open CASES cases of tests/store/crash_flows.yaml
//                                                   at T0 + i*S/CASES, in one transaction
//   crash_driver worker URL --until S [--step S] [--batch B] [--drain S]
//                                                   fire_due at T0+step, T0+2*step, ... T0+until,
//                                                   each until nothing is due; --drain: then wait
//                                                   up to S seconds for cases still due
//   crash_driver events URL --cases N --count M --worker W --workers P --at S --spread S --out FILE
//                                                   send the M events of the shared list (event k:
//                                                   id `e-k` to case `c-(k*7919 mod N)`), starting
//                                                   at k = W*M/P, each dated `at` after its case
//                                                   was opened (seed's spread); append `case id result` to
//                                                   FILE once each result is known; skip ids FILE already
//                                                   answers (a restarted worker resumes)
//   crash_driver churn URL --cases N --blob BYTES  apply large notes in a loop until killed
//                                                   (torn writes: kill during commit), dated
//                                                   a second apart from the latest change
//   crash_driver check URL --cases N [--events M] [--told FILE...] [--kills K] [--complete]
//                                                   the proof, below; exit 0 when it holds
//
// `check`: the file opens (SQLite: `PRAGMA integrity_check` is `ok`); for every case the stored
// state equals its log replayed, its version equals its last log row's, and its state, phase
// and next_due columns equal its snapshot's; no event id is
// logged as accepted twice; every id a worker was told was accepted is logged; at most one
// accepted id per kill was never reported (committed, then killed before the answer was
// written); the event-id table holds exactly the ids logged as accepted (looked up for every id
// of the list); the timers a case fired, counted from its log (`advance` rows, and the timers a
// note fired first) and from its history, agree, and never exceed the flow's four; with
// --complete, every case fired exactly four (checked against the flow, not against what the
// workers said) and nothing is due any more. Options: --sync normal|full (default full).
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/store.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "case/runtime.hpp"
#include "support/store_backends.hpp"

namespace {

using namespace aftersale;  // NOLINT: test program
using std::chrono::hours;
using std::chrono::seconds;

const sys_seconds t0 = *parse_timestamp("2026-11-23T00:00:00Z");
constexpr std::uint32_t timers_per_case = 4;  // s1 -> s2 -> s3 -> s4 -> done, an hour each

const std::shared_ptr<const policy>& crash_policy() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/store/crash_flows.yaml");
  return p;
}

struct args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  // --name value...; flags have none

  std::string get(const std::string& name, const std::string& fallback) const {
    const auto it = options.find(name);
    return it == options.end() || it->second.empty() ? fallback : it->second.front();
  }
  long long number(const std::string& name, long long fallback) const {
    const auto it = options.find(name);
    return it == options.end() || it->second.empty() ? fallback : std::stoll(it->second.front());
  }
  bool flag(const std::string& name) const { return options.count(name) > 0; }
};

args parse(int argc, char** argv) {
  args a;
  std::string current;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      current = s.substr(2);
      a.options[current];
    } else if (!current.empty()) {
      a.options[current].push_back(s);
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

store_options options_of(const args& a) {
  store_options o;
  o.sync =
      a.get("sync", "full") == "normal" ? store_options::durability::normal : store_options::durability::full;
  o.busy_timeout = std::chrono::milliseconds(a.number("busy-ms", 60000));
  return o;
}

std::string case_id(long long i) { return "c-" + std::to_string(i); }
long long target_of(long long k, long long cases) { return (k * 7919) % cases; }

event note(long long k, const std::string& blob = {}) {
  request payload;
  payload.set("last", static_cast<std::int64_t>(k));
  if (!blob.empty()) payload.set("blob", blob);
  return event{"note", "agent", std::move(payload), blob.empty() ? "e-" + std::to_string(k) : std::string()};
}

decision intake() {
  request r;
  r.set("order_status", "delivered");
  return decide(crash_policy(), r, t0);
}

int seed(const args& a) {
  const std::string url = a.positional.at(0);
  const long long cases = std::stoll(a.positional.at(1));
  const long long spread = a.number("spread", 7 * 24 * 3600);
  std::unique_ptr<case_store::backend> owned = test_support::open_backend(url, options_of(a));
  case_store::backend& inner = *owned;
  case_store store = detail::store_access::make(std::make_unique<test_support::batched>(inner));
  const decision d = intake();
  inner.begin_write();
  for (long long i = 0; i < cases; ++i) store.open_case(case_id(i), d, t0 + seconds(i * spread / cases));
  inner.commit();
  std::printf("seeded %lld cases, %lld timers to fire\n", cases, cases * timers_per_case);
  return 0;
}

int worker(const args& a) {
  case_store store = case_store::open(a.positional.at(0), options_of(a));
  store.add_policy(crash_policy());
  const long long until = a.number("until", 0), step = a.number("step", 3600);
  const auto batch = static_cast<std::size_t>(a.number("batch", 100));
  std::size_t timers = 0, cases = 0, skipped = 0;
  for (long long s = step;; s += step) {
    const sys_seconds now = t0 + seconds(std::min(s, until));
    for (;;) {
      const fire_report r = store.fire_due(now, batch);
      timers += r.timers;
      cases += r.cases;
      skipped += r.skipped;
      if (r.cases == 0 && r.skipped == 0) break;
    }
    if (s >= until) break;
  }
  // --drain S: keep trying for up to S seconds while something is still due at `until` (cases a
  // killed worker had claimed, until its claim runs out on a backend with leases).
  const auto give_up = std::chrono::steady_clock::now() + seconds(a.number("drain", 0));
  while (!store.due(t0 + seconds(until), 1).empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const fire_report r = store.fire_due(t0 + seconds(until), batch);
    timers += r.timers;
    cases += r.cases;
    skipped += r.skipped;
  }
  std::printf("worker %d: %zu timers fired in %zu cases, %zu skipped\n", static_cast<int>(::getpid()), timers,
              cases, skipped);
  return 0;
}

int send_events(const args& a) {
  case_store store = case_store::open(a.positional.at(0), options_of(a));
  store.add_policy(crash_policy());
  const long long cases = a.number("cases", 1), count = a.number("count", 0);
  const long long w = a.number("worker", 0), workers = a.number("workers", 1);
  const long long at = a.number("at", 0), spread = a.number("spread", 0);
  const std::string out_path = a.get("out", "");
  std::set<long long> answered;
  {
    std::ifstream in(out_path);
    std::string c, id, result;
    while (in >> c >> id >> result) answered.insert(std::stoll(id.substr(2)));
  }
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (out < 0) throw std::runtime_error("cannot open " + out_path);
  for (long long j = 0; j < count; ++j) {
    const long long k = (w * count / workers + j) % count;
    if (answered.count(k)) continue;
    const long long target = target_of(k, cases);
    const std::string id = case_id(target);
    // Dated `at` after the case was opened (seed's spread): before its first timer is due.
    const store_result r = store.apply(id, note(k), t0 + seconds(target * spread / cases + at));
    // Written and synced once apply returned: what the host was told survives the kill.
    const std::string line = id + " e-" + std::to_string(k) + " " + r.outcome.result + "\n";
    if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fdatasync(out) != 0)
      throw std::runtime_error("cannot write " + out_path);
  }
  ::close(out);
  return 0;
}

int churn(const args& a) {
  case_store store = case_store::open(a.positional.at(0), options_of(a));
  store.add_policy(crash_policy());
  const long long cases = a.number("cases", 1);
  // Dated from the latest change on: each case gets a note every `cases` seconds, so its
  // hourly timer never falls due and every note is accepted (a whole transaction of pages).
  sys_seconds start = t0;
  for (const stored_case_info& i : store.list({"", "", "", static_cast<std::size_t>(cases)}))
    start = std::max(start, i.updated_at);
  std::string varied(static_cast<std::size_t>(a.number("blob", 4000)), 'x');
  std::fprintf(stdout, "ready\n");
  std::fflush(stdout);
  for (long long k = 0;; ++k) {
    // Each note rewrites the case's snapshot (its history keeps every blob) and logs the
    // payload: transactions of many pages, so that a kill lands inside a commit.
    varied[static_cast<std::size_t>(k) % varied.size()] = static_cast<char>('a' + k % 26);
    const store_result r = store.apply(case_id(k % cases), note(k, varied), start + seconds(k + 1));
    if (r.outcome.result != "accepted") throw std::runtime_error("a note was refused: " + r.outcome.message);
  }
}

struct verdict {
  int failures = 0;
  void fail(const std::string& what) {
    if (++failures <= 20) std::fprintf(stderr, "check: %s\n", what.c_str());
  }
};

void integrity_check(const std::string& path, verdict& v) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    v.fail("cannot open " + path);
    sqlite3_close(db);
    return;
  }
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr);
  std::string result = "no answer";
  if (s && sqlite3_step(s) == SQLITE_ROW) result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  if (result != "ok") v.fail("PRAGMA integrity_check: " + result);
}

int check(const args& a) {
  const std::string url = a.positional.at(0);
  const long long cases = a.number("cases", 0), events = a.number("events", 0), kills = a.number("kills", 0);
  const bool complete = a.flag("complete");
  verdict v;
  std::unique_ptr<case_store::backend> owned = test_support::open_backend(url, options_of(a));
  case_store::backend& backend = *owned;
  case_store store = detail::store_access::make(std::move(owned));
  store.add_policy(crash_policy());
  if (!test_support::is_postgres_url(url)) integrity_check(test_support::sqlite_path(url), v);

  std::set<std::pair<std::string, std::string>> told, logged;
  const auto told_files = a.options.find("told");
  if (told_files != a.options.end())
    for (const std::string& f : told_files->second) {
      std::ifstream in(f);
      std::string c, id, result;
      while (in >> c >> id >> result)
        if (result == "accepted" && !told.insert({c, id}).second) v.fail("told accepted twice: " + id);
    }

  std::size_t timers = 0, refused_or_duplicate = 0, accepted = 0;
  for (long long i = 0; i < cases; ++i) {
    const std::string id = case_id(i);
    const stored_case c = store.get(id);
    const std::vector<log_entry> log = store.history(id);
    if (to_json(store.replay(id)) != to_json(c.value))
      v.fail(id + ": stored state differs from its log replayed");
    // The denormalised columns say what the snapshot says (update_case writes only those that
    // changed).
    const std::optional<sys_seconds> due = next_deadline(c.value);
    if (c.info.state != c.value.state_id() || c.info.phase != to_string(c.value.phase()) ||
        c.info.next_due != (due && *due != never_due ? due : std::nullopt))
      v.fail(id + ": the row's state, phase or next_due differ from its snapshot's");
    if (log.empty() || log.back().version != c.info.version)
      v.fail(id + ": version " + std::to_string(c.info.version) + " is not its last log row's");
    // Timers fired, from the log: `advance` rows, and the timers an accepted note fired before
    // it (`apply` fires what fell due first; a note is one transition, the rest are timers).
    std::uint32_t steps = 0;
    for (const log_entry& e : log) {
      if (e.kind == "advance") {
        steps += e.steps;
        if (e.steps == 0) v.fail(id + ": an advance row fired nothing");
      } else if (e.kind == "event" && e.result == "accepted") {
        steps += e.steps - 1;
        ++accepted;
        if (!e.event_id.empty() && !logged.insert({id, e.event_id}).second)
          v.fail(id + ": " + e.event_id + " applied twice");
      } else if (e.kind == "event") {
        ++refused_or_duplicate;
      }
    }
    // ... and from the case itself: its history's timer entries.
    std::uint32_t in_history = 0;
    for (const history_entry& h : c.value.history())
      in_history += h.what == history_entry::kind::timer ? 1 : 0;
    if (in_history != steps)
      v.fail(id + ": the log fired " + std::to_string(steps) + " timers, the case's history has " +
             std::to_string(in_history));
    timers += steps;
    if (steps > timers_per_case) v.fail(id + ": " + std::to_string(steps) + " timers fired, the flow has 4");
    if (complete && (steps != timers_per_case || c.info.state != "done" || c.info.next_due))
      v.fail(id + ": " + std::to_string(steps) + " timers fired, state `" + c.info.state +
             "`: expected 4, `done` and no timer left");
  }
  for (const auto& t : told)
    if (!logged.count(t)) v.fail("told accepted but not in the log: " + t.first + " " + t.second);
  std::size_t unreported = 0;
  for (const auto& l : logged) unreported += told.count(l) ? 0 : 1;
  if (told_files != a.options.end() && unreported > static_cast<std::size_t>(kills))
    v.fail(std::to_string(unreported) + " ids accepted but never reported, more than the " +
           std::to_string(kills) + " kills");
  // The event-id table holds exactly the accepted ids, each with its event's digest.
  for (long long k = 0; k < events; ++k) {
    const std::string id = case_id(target_of(k, cases)), eid = "e-" + std::to_string(k);
    const std::optional<std::uint64_t> d = backend.find_event_id(id, eid);
    const event e = note(k);
    if (d.has_value() != (logged.count({id, eid}) > 0))
      v.fail(eid + (d ? " is in the event-id table but not logged as accepted"
                      : " is logged as accepted but not in the event-id table"));
    else if (d && *d != detail::event_digest(e.name, e.actor_role, &e.payload))
      v.fail(eid + ": wrong digest in the event-id table");
  }
  if (complete && !store.due(t0 + hours(24 * 365), 1).empty()) v.fail("a case is still due");
  std::printf(
      "check: %lld cases, %zu timers fired (%s), %zu events accepted (%zu with ids: %zu told, %zu "
      "unreported), %zu refused or duplicate: %s\n",
      cases, timers, complete ? "4 each" : "partial", accepted, logged.size(), told.size(), unreported,
      refused_or_duplicate, v.failures ? "FAILED" : "ok");
  return v.failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: crash_driver seed|worker|events|churn|check URL ... (see the source)\n");
    return 2;
  }
  const std::string command = argv[1];
  try {
    const args a = parse(argc, argv);
    if (command == "seed") return seed(a);
    if (command == "worker") return worker(a);
    if (command == "events") return send_events(a);
    if (command == "churn") return churn(a);
    if (command == "check") return check(a);
    std::fprintf(stderr, "unknown command `%s`\n", command.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_driver %s: %s\n", command.c_str(), e.what());
    return 1;
  }
}
