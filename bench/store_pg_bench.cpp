// SPDX-License-Identifier: Apache-2.0
// An event through the case store on PostgreSQL against the lower bound of the same work done
// by hand: one transaction inserting a log row and updating a case row with its new snapshot,
// with prepared statements, on the same server and connection settings; and the timers 1, 2
// and 4 worker processes fire per second, each taking one case per fire_due call (the worker
// CLI's way). Needs
// AFTERSALE_TEST_PG_URL (scripts/pg_cluster.sh start DIR PORT prints one); without it each
// benchmark reports an error and measures nothing. Each run works in a fresh schema, dropped
// at the end.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/store.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace aftersale;  // NOLINT: benchmark file

const char* server() {
  const char* u = std::getenv("AFTERSALE_TEST_PG_URL");
  return u && *u ? u : nullptr;
}

// A schema of its own, dropped at the end; `url()` points the store at it.
class bench_schema {
 public:
  explicit bench_schema(const std::string& base, const std::string& tag)
      : base_(base), name_("bench_" + tag + "_" + std::to_string(::getpid())) {
    admin_ = PQconnectdb(base_.c_str());
    exec("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " +
         name_ + "; SET search_path = " + name_);
  }
  ~bench_schema() {
    exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    PQfinish(admin_);
  }
  bench_schema(const bench_schema&) = delete;
  bench_schema& operator=(const bench_schema&) = delete;
  std::string url() const {
    return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name_;
  }
  bool exec(const std::string& sql) {
    PGresult* r = PQexec(admin_, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
  }

 private:
  std::string base_, name_;
  PGconn* admin_ = nullptr;
};

const sys_seconds t0 = *parse_timestamp("2026-11-23T10:00:00Z");
constexpr int cases = 1000;  // events go round-robin, so snapshots stay small

void BM_StoreApplyOnPostgres(benchmark::State& state) {
  if (!server()) {
    state.SkipWithError("AFTERSALE_TEST_PG_URL is not set");
    return;
  }
  const bench_schema schema(server(), "apply");
  case_store s = case_store::open(schema.url());
  const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml");
  request r;
  r.set("order_status", "delivered").set("amount", 1000);
  const decision d = decide(p, r, t0);
  for (int i = 0; i < cases; ++i) s.open_case("B-" + std::to_string(i), d, t0);
  std::int64_t n = 0;
  for (auto _ : state) {
    request payload;
    payload.set("last", n);
    const store_result res = s.apply("B-" + std::to_string(n % cases),
                                     event{"note", "agent", payload, "e" + std::to_string(n)}, t0);
    benchmark::DoNotOptimize(res);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}

// The lower bound: BEGIN; INSERT a log row; UPDATE the case row (version + 1, a snapshot of
// the store's size); COMMIT. Four statements in four round trips where the store runs eight in three.
void BM_BareInsertUpdateOnPostgres(benchmark::State& state) {
  if (!server()) {
    state.SkipWithError("AFTERSALE_TEST_PG_URL is not set");
    return;
  }
  bench_schema schema(server(), "bare");
  schema.exec(
      "CREATE TABLE c (id TEXT PRIMARY KEY, version BIGINT NOT NULL, snapshot TEXT NOT NULL); "
      "CREATE TABLE l (id TEXT NOT NULL, seq BIGINT NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (id, seq)); "
      "INSERT INTO c SELECT 'B-' || g, 1, repeat('x', 1500) FROM generate_series(0, 999) g");
  PGconn* c = PQconnectdb(schema.url().c_str());
  PQclear(PQexec(c, "SET synchronous_commit = on"));
  PQclear(PQprepare(c, "ins", "INSERT INTO l (id, seq, payload) VALUES ($1, $2, $3)", 3, nullptr));
  PQclear(PQprepare(c, "upd", "UPDATE c SET version = version + 1, snapshot = $2 WHERE id = $1", 2, nullptr));
  const std::string snapshot(1500, 'y');
  std::int64_t n = 0;
  for (auto _ : state) {
    const std::string id = "B-" + std::to_string(n % cases);
    const std::string seq = std::to_string(n);
    const std::string payload = "{\"last\":" + seq + "}";
    PQclear(PQexec(c, "BEGIN"));
    const char* ins[] = {id.c_str(), seq.c_str(), payload.c_str()};
    PQclear(PQexecPrepared(c, "ins", 3, ins, nullptr, nullptr, 0));
    const char* upd[] = {id.c_str(), snapshot.c_str()};
    PGresult* r = PQexecPrepared(c, "upd", 2, upd, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
    PQclear(PQexec(c, "COMMIT"));
    ++n;
  }
  PQfinish(c);
  state.SetItemsProcessed(state.iterations());
}

// 2,000 cases with two timers each, all due; W processes fire them (one case per call) until
// none is due. Wall time of the firing only; items: timers.
void BM_WorkersFireDueOnPostgres(benchmark::State& state) {
  if (!server()) {
    state.SkipWithError("AFTERSALE_TEST_PG_URL is not set");
    return;
  }
  constexpr int due_cases = 2000;
  const int workers = static_cast<int>(state.range(0));
  const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/store_flows.yaml");
  request r;
  r.set("order_status", "delivered").set("amount", 1000);
  const decision d = decide(p, r, t0);
  const sys_seconds later = t0 + std::chrono::hours(3);
  for (auto _ : state) {
    const bench_schema schema(server(), "fire" + std::to_string(workers));
    {
      case_store s = case_store::open(schema.url());
      for (int i = 0; i < due_cases; ++i) s.open_case("F-" + std::to_string(i), d, t0);
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<pid_t> children;
    for (int w = 0; w < workers; ++w) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        try {
          case_store s = case_store::open(schema.url());
          s.add_policy(p);
          while (!s.due(later, 1).empty()) s.fire_due(later, 1);
        } catch (...) {
          std::_Exit(1);
        }
        std::_Exit(0);
      }
      children.push_back(pid);
    }
    bool ok = true;
    for (const pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!ok) state.SkipWithError("a worker failed");
  }
  state.SetItemsProcessed(state.iterations() * 2 * due_cases);
}

BENCHMARK(BM_WorkersFireDueOnPostgres)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StoreApplyOnPostgres)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_BareInsertUpdateOnPostgres)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
