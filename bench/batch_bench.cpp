// SPDX-License-Identifier: Apache-2.0
// decide_batch on the neutral 60-rule workload (shared/bench), its 100,000 requests repeated
// to 1,000,000 rows, next to the generated C++ if-chain over the same rows in the same run.
// The answers of every variant are checked (FNV-1a 64 of the decision lines, the checksum of
// shared/bench/README.md) before timing; a wrong checksum aborts the run.
//
//   BM_Batch_IfChain_Rules60          the generated if-chain, one thread, 10 × 100,000 rows
//   BM_Batch_DecideCells_Rules60      decide_batch on 2 threads, input filled cell by cell
//                                     (set_int / set_bool) beforehand: deciding only
//   BM_Batch_DecideColumns_Rules60    decide_batch on 2 threads, input given as whole columns
//                                     (set_column) beforehand: deciding only
//   BM_Batch_ColumnsAndDecide_Rules60 whole columns in (set_column, finish) and decide_batch,
//                                     both timed: what a columnar caller pays per row
//   BM_Batch_ViewAndDecide_Rules60    the same with view_column (caller memory, no copy)
//
// Each reports items (= decisions) per second; `--benchmark_filter=BM_Batch_` and
// `--benchmark_format=json` give what bench/python/columnar_bench.py reads.
#include <benchmark/benchmark.h>

#include <aftersale/batch.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "neutral/convert.hpp"
#include "neutral/limit_shim.hpp"
#include "neutral/workload.hpp"

namespace {

using namespace aftersale;
using namespace aftersale::bench;

constexpr std::size_t repeat = 10;  // 100,000 requests → 1,000,000 rows
constexpr unsigned threads = 2;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** batch benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The workload as columns, one per input of the neutral table, as NumPy / pandas hold them:
// enum columns as int8 codes (a categorical's; the index into the table's `values`, which the
// converted policy declares in the same order), int columns as int64, bool columns as bytes.
struct batch_case {
  std::shared_ptr<const policy> p;
  std::unique_ptr<limit_table> limit;
  std::size_t rows = 0;
  std::vector<std::uint32_t> facts;               // fact id per column
  std::vector<std::vector<std::int32_t>> int32s;  // per column, `rows` values as read
  std::vector<std::vector<std::int8_t>> codes;    // enum columns (others empty)
  std::vector<std::vector<std::int64_t>> int64s;  // int columns
  std::vector<std::vector<std::uint8_t>> bools;   // bool columns
  std::vector<int> kind;                          // 0 enum, 1 int, 2 bool
  std::unique_ptr<request_columns> cells;         // filled cell by cell
  std::unique_ptr<request_columns> columns;       // filled with set_column
};

void expect_checksum(const char* what, const policy& p, const batch_decisions& out) {
  const decision_table& t = p.decisions[out.table];
  fnv64 h;
  for (std::size_t i = 0; i < out.rule.size() / repeat; ++i)
    h.add(outcome_line(p, out.rule[i] == npos ? nullptr : &t.rules[out.rule[i]].then));
  if (h.hex() != checksum_60) die(std::string("WRONG CHECKSUM for ") + what + ": got " + h.hex());
  // Each repetition must give the same answers as the first.
  const std::size_t n = out.rule.size() / repeat;
  for (std::size_t i = n; i < out.rule.size(); ++i) {
    if (out.rule[i] != out.rule[i % n]) die(std::string("row ") + std::to_string(i) + " differs for " + what);
  }
  std::fprintf(stderr, "checksum ok: %-28s %s\n", what, checksum_60);
}

void fill_columns(const batch_case& c, request_columns& in, bool view) {
  for (std::size_t k = 0; k < c.facts.size(); ++k) {
    column col;
    if (c.kind[k] == 0) {
      col.data = c.codes[k].data();
      col.type = column_type::int8;
    } else if (c.kind[k] == 1) {
      col.data = c.int64s[k].data();
      col.type = column_type::int64;
    } else {
      col.data = c.bools[k].data();
      col.type = column_type::boolean;
    }
    if (view)
      in.view_column(c.facts[k], col);
    else
      in.set_column(c.facts[k], col);
  }
  in.finish();
}

std::unique_ptr<batch_case> make_case() {
  const std::string dir = AFTERSALE_NEUTRAL_DIR;
  auto c = std::make_unique<batch_case>();
  const nlohmann::json table = read_json(dir + "/data/rules-60.json");
  const neutral_inputs in = read_inputs_bin(dir + "/data/inputs-100k.bin");
  c->p = load_policy_string(neutral_table_to_yaml(table, "neutral_rules_60"), "neutral-rules-60.yaml");
  // The if-chain over the same 1,000,000 rows.
  std::vector<std::int32_t> records;
  for (std::size_t r = 0; r < repeat; ++r)
    records.insert(records.end(), in.records.begin(), in.records.end());
  c->limit = std::make_unique<limit_table>(60, records, in.n * static_cast<int>(repeat), in.fields);
  c->rows = static_cast<std::size_t>(in.n) * repeat;

  const nlohmann::json& inputs = table.at("inputs");
  const std::size_t fields = inputs.size();
  c->cells = std::make_unique<request_columns>(*c->p, c->rows);
  for (std::size_t k = 0; k < fields; ++k) {
    const std::string type = inputs[k].at("type").get<std::string>();
    c->facts.push_back(c->cells->fact_id(inputs[k].at("name").get<std::string>()));
    c->kind.push_back(type == "enum" ? 0 : type == "int" ? 1 : 2);
    std::vector<std::int32_t> v(c->rows);
    for (std::size_t i = 0; i < c->rows; ++i)
      v[i] = in.records[(i % static_cast<std::size_t>(in.n)) * fields + k];
    std::vector<std::int8_t> e;
    std::vector<std::int64_t> i;
    std::vector<std::uint8_t> b;
    if (c->kind[k] == 0) e.assign(v.begin(), v.end());
    if (c->kind[k] == 1) i.assign(v.begin(), v.end());
    if (c->kind[k] == 2) b.assign(v.begin(), v.end());
    c->codes.push_back(std::move(e));
    c->int64s.push_back(std::move(i));
    c->bools.push_back(std::move(b));
    c->int32s.push_back(std::move(v));
  }
  for (std::size_t k = 0; k < fields; ++k) {
    const std::vector<std::string> values =
        c->kind[k] == 0 ? inputs[k].at("values").get<std::vector<std::string>>() : std::vector<std::string>{};
    for (std::size_t i = 0; i < c->rows; ++i) {
      const std::int32_t v = c->int32s[k][i];
      if (c->kind[k] == 0)
        c->cells->set_text(c->facts[k], i, values.at(static_cast<std::size_t>(v)));
      else if (c->kind[k] == 1)
        c->cells->set_int(c->facts[k], i, v);
      else
        c->cells->set_bool(c->facts[k], i, v != 0);
    }
  }
  c->cells->finish();
  c->columns = std::make_unique<request_columns>(*c->p, c->rows);
  fill_columns(*c, *c->columns, false);

  batch_options options;
  options.threads = threads;
  expect_checksum("decide_batch (cells)", *c->p, decide_batch(c->p, *c->cells, bench_now, options));
  expect_checksum("decide_batch (columns)", *c->p, decide_batch(c->p, *c->columns, bench_now, options));
  request_columns viewed(*c->p, c->rows);
  fill_columns(*c, viewed, true);
  expect_checksum("decide_batch (view)", *c->p, decide_batch(c->p, viewed, bench_now, options));
  c->limit->run();
  fnv64 h;
  for (std::size_t i = 0; i < c->limit->size() / repeat; ++i) h.add(c->limit->line(i));
  if (h.hex() != checksum_60) die("WRONG CHECKSUM for the if-chain: got " + h.hex());
  return c;
}

const batch_case& get_case() {
  static std::unique_ptr<batch_case> c;
  if (!c) {
    try {
      c = make_case();
    } catch (const std::exception& e) {
      die(std::string("cannot prepare the workload: ") + e.what());
    }
  }
  return *c;
}

void BM_Batch_IfChain_Rules60(benchmark::State& state) {
  limit_table& t = *get_case().limit;
  for (auto _ : state) t.run();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(t.size()));
}

void decide_only(benchmark::State& state, const request_columns& in) {
  const batch_case& c = get_case();
  batch_options options;
  options.threads = threads;
  for (auto _ : state) {
    batch_decisions out = decide_batch(c.p, in, bench_now, options);
    benchmark::DoNotOptimize(out.rule.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.rows));
}

void BM_Batch_DecideCells_Rules60(benchmark::State& state) { decide_only(state, *get_case().cells); }
void BM_Batch_DecideColumns_Rules60(benchmark::State& state) { decide_only(state, *get_case().columns); }

void columns_and_decide(benchmark::State& state, bool view) {
  const batch_case& c = get_case();
  batch_options options;
  options.threads = threads;
  for (auto _ : state) {
    request_columns in(*c.p, c.rows);
    fill_columns(c, in, view);
    batch_decisions out = decide_batch(c.p, in, bench_now, options);
    benchmark::DoNotOptimize(out.rule.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.rows));
}

void BM_Batch_ColumnsAndDecide_Rules60(benchmark::State& state) { columns_and_decide(state, false); }
void BM_Batch_ViewAndDecide_Rules60(benchmark::State& state) { columns_and_decide(state, true); }

// Wall time: decide_batch runs on threads of its own, so CPU time of the calling thread would
// undercount.
BENCHMARK(BM_Batch_IfChain_Rules60)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_DecideCells_Rules60)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_DecideColumns_Rules60)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_ColumnsAndDecide_Rules60)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_ViewAndDecide_Rules60)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
