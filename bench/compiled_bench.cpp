// SPDX-License-Identifier: Apache-2.0
// The neutral workload (shared/bench) compiled to C++: the `decide` that `aftersale compile`
// generates from the converted 60- and 1,000-rule policies (bench/neutral_yaml.cpp writes them,
// bench/CMakeLists.txt compiles them at build time) against the hand-written if-chain, on the
// same 100,000 requests, in the same binary and run. Every engine's answers are checked
// (FNV-1a 64 of the decision lines, the checksums of shared/bench/README.md) before timing; a
// wrong checksum aborts the run. docs/compile.md quotes the figures.
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
#include "neutral_rules_1000.hpp"
#include "neutral_rules_60.hpp"

namespace {

using namespace aftersale;
using namespace aftersale::bench;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** compiled benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void expect_checksum(const char* engine, int rules, const fnv64& got, const char* want) {
  if (got.hex() != want)
    die(std::string("WRONG CHECKSUM for ") + engine + " on " + std::to_string(rules) + " rules: got " +
        got.hex() + ", expected " + want);
  std::fprintf(stderr, "checksum ok: %-24s %4d rules  %s\n", engine, rules, want);
}

// One byte per fact, 1 when it has a value: the presence `reflect::request_from_encoded` reads
// (a bound request keeps it as bits).
std::vector<std::uint8_t> presence_bytes(const bound_request& b) {
  std::vector<std::uint8_t> out(b.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = b.has(i) ? 1 : 0;
  return out;
}

// The generated code of one policy, behind one name; `first` is the rule selection `decide`
// calls (detail::first_<table>: first hit, no outputs, no deadline).
#define AFTERSALE_COMPILED_POLICY(traits, ns)                                         \
  struct traits {                                                                     \
    using request = ns::request;                                                      \
    using decision = ns::decision;                                                    \
    static request from(const bound_request& b) {                                     \
      return ns::reflect::request_from_encoded(b.values(), presence_bytes(b).data()); \
    }                                                                                 \
    static decision decide(const request& r) { return ns::decide(r, bench_now); }     \
    static std::uint32_t first(const request& r) {                                    \
      const auto hit = ns::detail::first_neutral(r, bench_now);                       \
      return hit ? static_cast<std::uint32_t>(*hit) : npos;                           \
    }                                                                                 \
  };
AFTERSALE_COMPILED_POLICY(compiled_60, neutral_rules_60)
AFTERSALE_COMPILED_POLICY(compiled_1000, neutral_rules_1000)
#undef AFTERSALE_COMPILED_POLICY

/// `solution|sla_hours|fee_payer|escalate\n` of a generated decision (bench/neutral/workload.hpp's
/// `decision_line` for the interpreter's).
template <class Decision>
std::string generated_line(const Decision& d) {
  if (!d.matched()) return "none\n";
  const auto& m = d.first();
  if (m.deadlines().size() != 1) throw std::runtime_error("a converted rule starts exactly one clock");
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(m.deadlines()[0].due - bench_now).count();
  return std::string(to_string(*m.solution)) + "|" + std::to_string(hours) + "|" +
         (m.fee_payer ? std::string(to_string(*m.fee_payer)) : std::string()) + "|" +
         (m.escalation ? "1" : "0") + "\n";
}

template <class Compiled>
struct compiled_case {
  int rules = 0;
  std::vector<typename Compiled::request> requests;
  std::unique_ptr<limit_table> limit;
};

template <class Compiled>
std::unique_ptr<compiled_case<Compiled>> make_case(int rules) {
  const std::string dir = AFTERSALE_NEUTRAL_DIR;
  const std::string n = std::to_string(rules);
  auto c = std::make_unique<compiled_case<Compiled>>();
  c->rules = rules;
  const nlohmann::json table = read_json(dir + "/data/rules-" + n + ".json");
  const neutral_inputs in =
      read_inputs_bin(dir + "/data/inputs-100k" + (rules == 60 ? "" : "-r1000") + ".bin");
  // The requests as the interpreter binds them, then as the generated code's typed request.
  const auto p =
      load_policy_string(neutral_table_to_yaml(table, "neutral_rules_" + n), "neutral_rules_" + n + ".yaml");
  for (const bound_request& b : bind_inputs(*p, table, in)) c->requests.push_back(Compiled::from(b));
  c->limit = std::make_unique<limit_table>(rules, in.records, in.n, in.fields);

  const char* want = rules == 60 ? checksum_60 : checksum_1000;
  c->limit->run();
  fnv64 h_limit;
  for (std::size_t i = 0; i < c->limit->size(); ++i) h_limit.add(c->limit->line(i));
  expect_checksum("hand-written if-chain", rules, h_limit, want);
  fnv64 h_generated;
  for (const auto& r : c->requests) h_generated.add(generated_line(Compiled::decide(r)));
  expect_checksum("generated decide", rules, h_generated, want);
  for (const auto& r : c->requests) {
    const typename Compiled::decision d = Compiled::decide(r);
    if (Compiled::first(r) != (d.matches.empty() ? npos : d.matches.front().rule))
      die("the generated first-match path and decide select different rules");
  }
  std::fprintf(stderr, "first-match path agrees with decide on every request (%d rules)\n", rules);
  return c;
}

template <class Compiled>
const compiled_case<Compiled>& get_case(int rules) {
  static std::unique_ptr<compiled_case<Compiled>> c;
  if (!c) {
    try {
      c = make_case<Compiled>(rules);
    } catch (const std::exception& e) {
      die("cannot prepare the " + std::to_string(rules) + "-rule workload: " + e.what());
    }
  }
  return *c;
}

template <class Compiled>
void if_chain(benchmark::State& state, int rules) {
  limit_table& t = *get_case<Compiled>(rules).limit;
  for (auto _ : state) t.run();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(t.size()));
}

// The generated `decide` on typed requests (as the if-chain gets decoded structs): hit policy,
// outputs, the started clock's deadline; each result kept, as the if-chain keeps its row.
template <class Compiled>
void generated_decide(benchmark::State& state, int rules) {
  const compiled_case<Compiled>& c = get_case<Compiled>(rules);
  std::vector<std::uint32_t> outs(c.requests.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < c.requests.size(); ++i) {
      const typename Compiled::decision d = Compiled::decide(c.requests[i]);
      outs[i] = d.matches.empty() ? npos : d.matches.front().rule;
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.requests.size()));
}

// Only the generated rule selection (`detail::first_<table>`), the result kept: what the if-chain does.
template <class Compiled>
void generated_first(benchmark::State& state, int rules) {
  const compiled_case<Compiled>& c = get_case<Compiled>(rules);
  std::vector<std::uint32_t> outs(c.requests.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < c.requests.size(); ++i) outs[i] = Compiled::first(c.requests[i]);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.requests.size()));
}

void BM_IfChain_Rules60(benchmark::State& s) { if_chain<compiled_60>(s, 60); }
void BM_IfChain_Rules1000(benchmark::State& s) { if_chain<compiled_1000>(s, 1000); }
void BM_GeneratedDecide_Rules60(benchmark::State& s) { generated_decide<compiled_60>(s, 60); }
void BM_GeneratedDecide_Rules1000(benchmark::State& s) { generated_decide<compiled_1000>(s, 1000); }
void BM_GeneratedFirst_Rules60(benchmark::State& s) { generated_first<compiled_60>(s, 60); }
void BM_GeneratedFirst_Rules1000(benchmark::State& s) { generated_first<compiled_1000>(s, 1000); }

BENCHMARK(BM_IfChain_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GeneratedDecide_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GeneratedFirst_Rules60)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IfChain_Rules1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GeneratedDecide_Rules1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GeneratedFirst_Rules1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
