// SPDX-License-Identifier: Apache-2.0
// The neutral workload (shared/bench): aftersale's FIRST-hit decisions against the
// generated C++ if-chain, on the same 100,000 requests, for 60 and 1,000 rules.
// Every engine's answers are checked (FNV-1a 64 of the decision lines) before timing;
// a wrong checksum aborts the run.
#include <benchmark/benchmark.h>

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

struct neutral_case {
  int rules = 0;
  std::string yaml;
  std::shared_ptr<const policy> p;
  const decision_table* table = nullptr;
  std::vector<bound_request> bound;
  std::unique_ptr<limit_table> limit;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** neutral benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void expect_checksum(const char* engine, int rules, const fnv64& got, const char* want) {
  if (got.hex() != want) {
    die(std::string("WRONG CHECKSUM for ") + engine + " on " + std::to_string(rules) + " rules: got " +
        got.hex() + ", expected " + want);
  }
  std::fprintf(stderr, "checksum ok: %-24s %4d rules  %s\n", engine, rules, want);
}

std::unique_ptr<neutral_case> make_case(int rules) {
  const std::string dir = AFTERSALE_NEUTRAL_DIR;
  const std::string suffix = rules == 60 ? "" : "-r1000";
  auto c = std::make_unique<neutral_case>();
  c->rules = rules;
  const nlohmann::json table = read_json(dir + "/data/rules-" + std::to_string(rules) + ".json");
  const neutral_inputs in = read_inputs_bin(dir + "/data/inputs-100k" + suffix + ".bin");
  c->yaml = neutral_table_to_yaml(table, "neutral_rules_" + std::to_string(rules));
  c->p = load_policy_string(c->yaml, "neutral-rules-" + std::to_string(rules) + ".yaml");
  c->table = &c->p->decisions.at(c->p->info.entry);
  c->bound = bind_inputs(*c->p, table, in);
  c->limit = std::make_unique<limit_table>(rules, in.records, in.n, in.fields);

  const char* want = rules == 60 ? checksum_60 : checksum_1000;
  c->limit->run();
  fnv64 h_limit;
  for (std::size_t i = 0; i < c->limit->size(); ++i) h_limit.add(c->limit->line(i));
  expect_checksum("generated if-chain", rules, h_limit, want);

  fnv64 h_first;
  for (const bound_request& b : c->bound) {
    const std::uint32_t r = first_match(*c->p, c->p->info.entry, b);
    h_first.add(outcome_line(*c->p, r == npos ? nullptr : &c->table->rules[r].then));
  }
  expect_checksum("aftersale first_match", rules, h_first, want);

  fnv64 h_decide;
  for (const bound_request& b : c->bound) h_decide.add(decision_line(decide(c->p, b, bench_now, {false})));
  expect_checksum("aftersale decide", rules, h_decide, want);
  return c;
}

// Built and verified on first use, so a filtered run prepares only what it times.
const neutral_case& get_case(int rules) {
  static std::unique_ptr<neutral_case> c60, c1000;
  std::unique_ptr<neutral_case>& c = rules == 60 ? c60 : c1000;
  if (!c) {
    try {
      c = make_case(rules);
    } catch (const std::exception& e) {
      die(std::string("cannot prepare the ") + std::to_string(rules) + "-rule workload: " + e.what());
    }
  }
  return *c;
}

void if_chain(benchmark::State& state, int rules) {
  limit_table& t = *get_case(rules).limit;
  for (auto _ : state) t.run();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(t.size()));
}

// Pre-bound requests (as the if-chain gets pre-decoded structs); the result is a pointer
// to the matched rule's compiled outcome, as the if-chain returns a pointer to its row.
void first_match_only(benchmark::State& state, int rules) {
  const neutral_case& c = get_case(rules);
  const policy& p = *c.p;
  const std::uint32_t entry = p.info.entry;
  const decision_table& table = *c.table;
  std::vector<const rule_outcome*> outs(c.bound.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < c.bound.size(); ++i) {
      const std::uint32_t r = first_match(p, entry, c.bound[i]);
      outs[i] = r == npos ? nullptr : &table.rules[r].then;
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.bound.size()));
}

// The public entry point: derived facts, hit policy, deadline of the started clock, the
// decision object (explain off).
void full_decide(benchmark::State& state, int rules) {
  const neutral_case& c = get_case(rules);
  const decide_options options{false};
  for (auto _ : state) {
    for (const bound_request& b : c.bound) {
      decision d = decide(c.p, b, bench_now, options);
      benchmark::DoNotOptimize(d.deadlines().data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.bound.size()));
}

void BM_IfChain_Rules60(benchmark::State& s) { if_chain(s, 60); }
void BM_IfChain_Rules1000(benchmark::State& s) { if_chain(s, 1000); }
void BM_FirstMatch_Rules60(benchmark::State& s) { first_match_only(s, 60); }
void BM_FirstMatch_Rules1000(benchmark::State& s) { first_match_only(s, 1000); }
void BM_Decide_Rules60(benchmark::State& s) { full_decide(s, 60); }
void BM_Decide_Rules1000(benchmark::State& s) { full_decide(s, 1000); }

// Loading the converted 1,000-rule policy: parse, check, compile, build the index.
void BM_Load_Rules1000(benchmark::State& state) {
  const std::string& yaml = get_case(1000).yaml;
  for (auto _ : state) {
    auto p = load_policy_string(yaml, "neutral-rules-1000.yaml");
    benchmark::DoNotOptimize(p.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(yaml.size()));
}

BENCHMARK(BM_IfChain_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FirstMatch_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decide_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IfChain_Rules1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FirstMatch_Rules1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decide_Rules1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Load_Rules1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
