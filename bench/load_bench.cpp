// SPDX-License-Identifier: Apache-2.0
// Loading policies far larger than real ones (bench/large_policy.hpp): 50,000 rules whose every
// rule has bounds of its own, and an enum of 200,000 values. Loading must stay about linear:
// the targets (docs/benchmarks.md) are 50,000 rules in <= 3 s and 200,000 values in <= 1 s.
#include <benchmark/benchmark.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "large_policy.hpp"

namespace {

using namespace aftersale;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** load benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Loaded once and checked before timing: the policy must load and decide as generated.
std::shared_ptr<const policy> checked_load(const std::string& text, const request& r, const char* rule) {
  try {
    auto p = load_policy_string(text, "generated.yaml");
    const decision d = decide(p, r, sys_seconds{});
    if (!d.matched() || d.rule_id() != rule) die("the generated policy does not decide as expected");
    return p;
  } catch (const std::exception& e) {
    die(e.what());
  }
}

void BM_Load_Rules50000(benchmark::State& state) {
  const std::string text = bench::many_rules_policy(50'000);
  // status s3, amount 21, days 49997: rule 3 is the first whose bounds all hold.
  checked_load(text, request().set("status", "s3").set("amount", std::int64_t{21}).set("days", 49'997), "r3");
  for (auto _ : state) benchmark::DoNotOptimize(load_policy_string(text, "generated.yaml"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["rules"] = 50'000;
}
BENCHMARK(BM_Load_Rules50000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_Load_EnumValues200000(benchmark::State& state) {
  const std::string text = bench::many_values_policy(200'000);
  checked_load(text, request().set("sku_class", "v199999"), "last");
  for (auto _ : state) benchmark::DoNotOptimize(load_policy_string(text, "generated.yaml"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["values"] = 200'000;
}
BENCHMARK(BM_Load_EnumValues200000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
