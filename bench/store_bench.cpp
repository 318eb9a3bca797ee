// SPDX-License-Identifier: Apache-2.0
// The case store against its database's own cost, measured in the same run (docs/benchmarks.md,
// "The case store"). Policy: tests/store/crash_flows.yaml (a chain of four hourly timers and a
// `note` event with an int payload).
//
// - BM_Store_Apply/<sync> vs BM_Bare_InsertUpdate/<sync>: one `case_store::apply` (one
//   transaction: read the case, check the event id, restore, apply, write the row, the id and
//   the log row) against a bare transaction on the same file with the same durability:
//   BEGIN IMMEDIATE; INSERT one row; UPDATE one row; COMMIT (prepared statements). Each case gets
//   8 notes, then the next case is used (cases are opened 1,000 at a time outside the timing):
//   the snapshot stays the size of a case with a short history.
// - BM_Store_Due1000/<open cases> and BM_Store_FireDue1000/<open cases>: 10k, 100k and 1M open
//   cases whose first timers fall due spread over a week, `now` in the middle of it (half of them
//   due). Due1000 times `due(now, 1000)` (finding the next 1,000 on the index); FireDue1000
//   times `fire_due(now, 1000)` (finding them, and for each in its own transaction, durability
//   normal: read, restore, advance, write the row and its log row, commit); the 1,000 rows are
//   put back outside the timing, so every iteration claims the same cases. The seeded files are
//   kept in $AFTERSALE_BENCH_DATA (default: the temp folder) and reused.
// - BM_Store_Timers/<workers>: 1, 2 and 4 processes (fork) firing the timers of 2,000 due cases
//   (one timer each, one transaction each, durability full) on a SQLite file, wall time until
//   none is due: timers per second in all (one writer at a time: more processes do not fire
//   more). The same pair and the workers on PostgreSQL: bench/store_pg_bench.cpp.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/store.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/backend.hpp"
#include "support/store_backends.hpp"

namespace {

using namespace aftersale;
using std::chrono::hours;
using std::chrono::seconds;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** store benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

const sys_seconds t0 = *parse_timestamp("2026-11-23T00:00:00Z");
constexpr long long week = 7 * 24 * 3600;

const std::shared_ptr<const policy>& bench_policy() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/store/crash_flows.yaml");
  return p;
}

const decision& intake() {
  static const decision d = [] {
    request r;
    r.set("order_status", "delivered");
    return decide(bench_policy(), r, t0);
  }();
  return d;
}

event note(long long k) {
  request payload;
  payload.set("last", static_cast<std::int64_t>(k));
  return event{"note", "agent", std::move(payload), "e-" + std::to_string(k)};
}

std::string data_dir() {
  const char* d = std::getenv("AFTERSALE_BENCH_DATA");
  return d && *d ? d : std::filesystem::temp_directory_path().string();
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
}

store_options with_sync(std::int64_t normal) {
  store_options o;
  o.sync = normal ? store_options::durability::normal : store_options::durability::full;
  return o;
}

// Opens cases `c-first` ... `c-(first+n-1)`, case i at t0 + i*spread/total, in one transaction.
void seed(const std::string& url, const store_options& o, long long first, long long n, long long total,
          long long spread) {
  std::unique_ptr<case_store::backend> inner = test_support::open_backend(url, o);
  case_store s = detail::store_access::make(std::make_unique<test_support::batched>(*inner));
  inner->begin_write();
  for (long long i = first; i < first + n; ++i)
    s.open_case("c-" + std::to_string(i), intake(), t0 + seconds(spread ? i * spread / total : 0));
  inner->commit();
}

// --- apply vs a bare transaction ----------------------------------------------------------

class bare_sqlite {
 public:
  bare_sqlite(const std::string& path, bool normal) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) die("cannot open " + path);
    exec("PRAGMA journal_mode = WAL");
    exec(normal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
    exec(
        "CREATE TABLE IF NOT EXISTS bare_row (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT "
        "NULL)");
    exec(
        "CREATE TABLE IF NOT EXISTS bare_log (id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, "
        "PRIMARY KEY (id, seq))");
    exec("INSERT OR IGNORE INTO bare_row VALUES ('r', 0, '')");
    insert_ = prepare("INSERT INTO bare_log (id, seq, data) VALUES ('r', ?1, ?2)");
    update_ = prepare("UPDATE bare_row SET version = ?1, data = ?2 WHERE id = 'r'");
  }
  ~bare_sqlite() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(update_);
    sqlite3_close(db_);
  }
  void transaction(long long k, const std::string& data) {
    exec("BEGIN IMMEDIATE");
    step(insert_, k, data);
    step(update_, k, data);
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db_));
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db_));
    return s;
  }
  void step(sqlite3_stmt* s, long long k, const std::string& data) {
    sqlite3_bind_int64(s, 1, k);
    sqlite3_bind_text(s, 2, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) die(sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* update_ = nullptr;
};

// The store's side: cases opened 1,000 at a time (outside the timing), 8 notes each.
struct apply_loop {
  std::string url;
  store_options options;
  case_store store;
  long long opened = 0, k = 0;
  apply_loop(const std::string& u, const store_options& o)
      : url(u), options(o), store(case_store::open(u, o)) {
    store.add_policy(bench_policy());
  }
  void one(benchmark::State& state) {
    const long long c = k / 8;
    if (c >= opened) {
      state.PauseTiming();
      seed(url, options, opened, 1000, 1, 0);
      opened += 1000;
      state.ResumeTiming();
    }
    const store_result r = store.apply("c-" + std::to_string(c), note(k), t0 + seconds(k));
    if (r.outcome.result != "accepted") die("a note was not accepted: " + r.outcome.message);
    ++k;
  }
};

std::string apply_file(std::int64_t normal) {
  // Removed when the run ends.
  static const struct cleanup {
    std::string base = data_dir() + "/aftersale-bench-apply-" + std::to_string(::getpid());
    ~cleanup() {
      remove_db(base + "-full.db");
      remove_db(base + "-normal.db");
    }
  } files;
  return files.base + (normal ? "-normal" : "-full") + ".db";
}

void BM_Store_Apply(benchmark::State& state) {
  const std::string path = apply_file(state.range(0));
  remove_db(path);  // each run opens its cases afresh
  apply_loop loop(path, with_sync(state.range(0)));
  for (auto _ : state) loop.one(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Store_Apply)->ArgName("normal")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_Bare_InsertUpdate(benchmark::State& state) {
  const std::string path = apply_file(state.range(0));  // the same file as the store's
  { case_store::open_sqlite(path, with_sync(state.range(0))); }
  bare_sqlite bare(path, state.range(0) != 0);
  const std::string data(200, 'x');
  static long long k = 0;
  for (auto _ : state) bare.transaction(++k, data);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Bare_InsertUpdate)
    ->ArgName("normal")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- finding and claiming the next 1,000 due ---------------------------------------------

// A file of `n` open cases, first timers spread over a week; made once and kept.
std::string due_file(long long n) {
  const std::string path = data_dir() + "/aftersale-bench-due-" + std::to_string(n) + "-v1.db";
  if (std::filesystem::exists(path + ".complete")) return path;
  remove_db(path);
  store_options o;
  o.sync = store_options::durability::normal;
  seed(path, o, 0, n, n, week);
  std::FILE* f = std::fopen((path + ".complete").c_str(), "w");
  if (f) std::fclose(f);
  return path;
}

const sys_seconds mid_week = t0 + seconds(week / 2) + hours(1);

void BM_Store_Due1000(benchmark::State& state) {
  case_store s = case_store::open_sqlite(due_file(state.range(0)));
  s.add_policy(bench_policy());
  for (auto _ : state) {
    const std::vector<due_case> d = s.due(mid_week, 1000);
    if (d.size() != 1000) die("fewer than 1,000 due");
    benchmark::DoNotOptimize(d.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Store_Due1000)
    ->ArgName("open")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond);

// The rows fire_due will change, saved and put back outside the timing (the log's `advance`
// rows deleted with its append-only trigger lifted for the moment), so that every iteration
// claims the same 1,000 cases with the store's real per-case commits.
class restorer {
 public:
  explicit restorer(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) die("cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~restorer() { sqlite3_close(db_); }
  void save(const std::vector<due_case>& due) {
    std::string ids = "(";
    for (const due_case& d : due) ids += (ids.size() > 1 ? ",'" : "'") + d.id + "'";
    ids_ = ids + ")";
    exec("DROP TABLE IF EXISTS temp.saved");
    exec("CREATE TEMP TABLE saved AS SELECT * FROM cases WHERE case_id IN " + ids_);
  }
  void restore() {
    exec("BEGIN IMMEDIATE");
    exec("DROP TRIGGER case_log_no_delete");
    exec("DELETE FROM case_log WHERE case_id IN " + ids_ + " AND kind = 'advance'");
    exec(
        "CREATE TRIGGER case_log_no_delete BEFORE DELETE ON case_log "
        "BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END");
    exec(
        "UPDATE cases SET (version, state, phase, updated_at, next_due, snapshot) = (SELECT version, state, "
        "phase, updated_at, next_due, snapshot FROM temp.saved s WHERE s.case_id = cases.case_id) "
        "WHERE case_id IN " +
        ids_);
    exec("COMMIT");
  }

 private:
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) die(err ? err : sql);
  }
  sqlite3* db_ = nullptr;
  std::string ids_;
};

void BM_Store_FireDue1000(benchmark::State& state) {
  const std::string path = due_file(state.range(0));
  store_options o;
  o.sync = store_options::durability::normal;
  case_store s = case_store::open_sqlite(path, o);
  s.add_policy(bench_policy());
  restorer r(path);
  r.save(s.due(mid_week, 1000));
  for (auto _ : state) {
    const fire_report f = s.fire_due(mid_week, 1000);
    state.PauseTiming();
    if (f.cases != 1000) die("fire_due did not fire 1,000 cases");
    r.restore();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Store_FireDue1000)
    ->ArgName("open")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

// --- timers per second by 1, 2, 4 processes -------------------------------------------------

std::string timers_file() {
  return data_dir() + "/aftersale-bench-timers-" + std::to_string(::getpid()) + ".db";
}

void BM_Store_Timers(benchmark::State& state) {
  const std::string url = timers_file();
  const long long cases = 2000;
  const int workers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    remove_db(url);
    seed(url, {}, 0, cases, cases, 0);  // every case's first timer due at t0 + 1h
    const auto start = std::chrono::steady_clock::now();
    std::vector<pid_t> children;
    for (int w = 0; w < workers; ++w) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        int status = 0;
        try {
          case_store s = case_store::open(url);
          s.add_policy(bench_policy());
          for (;;) {
            const fire_report r = s.fire_due(t0 + hours(1), 50);
            if (r.cases == 0 && r.skipped == 0) break;
          }
        } catch (const std::exception& e) {
          std::fprintf(stderr, "worker: %s\n", e.what());
          status = 1;
        }
        std::_Exit(status);
      }
      children.push_back(pid);
    }
    for (const pid_t pid : children) {
      int status = 0;
      if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("a timer worker failed");
    }
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    case_store s = case_store::open(url);
    if (!s.due(t0 + hours(1), 1).empty()) die("timers left due");
  }
  remove_db(url);
  state.counters["timers_per_s"] =
      benchmark::Counter(static_cast<double>(cases * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Store_Timers)
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
