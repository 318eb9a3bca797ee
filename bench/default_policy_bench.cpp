// SPDX-License-Identifier: Apache-2.0
// decide() on the shipped default policy (policies/default.yaml) with a realistic request:
// a 7-day no-reason return three days after delivery, which starts four SLA clocks (two
// of them on the store's business calendar).
#include <benchmark/benchmark.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

namespace {

using namespace aftersale;

struct prepared {
  std::shared_ptr<const policy> p;
  bound_request facts;
  sys_seconds now{};
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** default policy benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Loaded, bound and checked once, outside the timed loops.
const prepared& get_prepared() {
  static const prepared c = [] {
    prepared c;
    try {
      c.p = load_policy_file(std::string(AFTERSALE_SOURCE_DIR) + "/policies/default.yaml");
      request r;
      r.set("order_status", "delivered")
          .set("request", "request_return_refund")
          .set("reason", "changed_mind")
          .set("amount", std::int64_t{12900})
          .set("delivered_at", *parse_timestamp("2026-11-15T15:00:00+08:00"))
          .set("goods_received", fact_value(true))
          .set("resalable", fact_value(true))
          .set("customer_tier", "regular");
      c.facts = bind(*c.p, r);
      c.now = *parse_timestamp("2026-11-18T10:00:00+08:00");  // a Wednesday, in working hours
    } catch (const std::exception& e) {
      die(std::string("cannot prepare: ") + e.what());
    }
    const decision d = decide(c.p, c.facts, c.now, {false});
    if (!d.matched() || d.solution() != "return_then_refund" || d.deadlines().size() != 4) {
      die("the request no longer reaches a rule that starts four clocks (status " +
          std::string(to_string(d.status())) +
          (d.matched() ? ", rule `" + std::string(d.rule_id()) + "`, " +
                             std::to_string(d.deadlines().size()) + " clocks"
                       : "") +
          "): update the request in bench/default_policy_bench.cpp");
    }
    std::fprintf(stderr, "default policy: rule `%s`, %zu deadlines\n", std::string(d.rule_id()).c_str(),
                 d.deadlines().size());
    return c;
  }();
  return c;
}

void run(benchmark::State& state, bool explain) {
  const prepared& c = get_prepared();
  const decide_options options{explain};
  for (auto _ : state) {
    decision d = decide(c.p, c.facts, c.now, options);
    benchmark::DoNotOptimize(d.deadlines().data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Decide_DefaultPolicy(benchmark::State& state) { run(state, false); }
void BM_Decide_DefaultPolicy_Explain(benchmark::State& state) { run(state, true); }

BENCHMARK(BM_Decide_DefaultPolicy);
BENCHMARK(BM_Decide_DefaultPolicy_Explain);

}  // namespace

BENCHMARK_MAIN();
