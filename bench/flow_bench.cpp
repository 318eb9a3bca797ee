// SPDX-License-Identifier: Apache-2.0
// The neutral flow workload (shared/bench): aftersale's case runtime against the hand-written
// C++ switch (shared/bench/flow_limit.cpp), on the same 100,000 cases with the same protocol:
// create all cases, then round r sends every case its r-th event; events/s counts the
// dispatch phase only. Both engines' final states are checked (FNV-1a 64 of
// `final_state|refunded_cents\n`) before anything is timed; a wrong checksum aborts the run.
// Also: bytes per live case (heap counted by flow_heap.cpp), open_case, snapshot + restore.
#include <benchmark/benchmark.h>
#include <time.h>

#include <aftersale/case.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neutral/flow_cases.hpp"
#include "neutral/flow_convert.hpp"
#include "neutral/flow_heap.hpp"
#include "neutral/flow_switch.hpp"
#include "neutral/workload.hpp"

namespace {

using namespace aftersale;
using namespace aftersale::bench;

// Expected checksum, from shared/bench/README.md.
constexpr const char* flow_checksum = "f2291f2957f5f619";
// Cases are opened at this instant; round r is sent r minutes later.
const sys_seconds bench_now{std::chrono::seconds{1795392000}};  // 2026-11-23T00:00:00Z
constexpr const char* actor_role = "agent";

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "\n*** flow benchmark: %s ***\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Thread CPU time, for the in-run ratio (Google Benchmark reports CPU time too).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Heap bytes a case's history holds (the vector's block and each entry's blocks).
std::size_t history_bytes(const service_case& c) {
  const auto& h = c.history();
  std::size_t bytes = h.capacity() == 0 ? 0 : heap::block_bytes(h.data());
  for (const history_entry& e : h) {
    const char* id = e.event_id.data();
    const bool inline_id =
        id >= reinterpret_cast<const char*>(&e) && id < reinterpret_cast<const char*>(&e + 1);
    if (!inline_id) bytes += heap::block_bytes(id);
    if (e.assigned.capacity() != 0) bytes += heap::block_bytes(e.assigned.data());
  }
  return bytes;
}

struct memory_figures {
  double fresh = 0;                           // sizeof + heap, history excluded, just opened
  double after = 0;                           // the same after all its events
  double history_fresh = 0;                   // history heap bytes, just opened
  double history_after = 0;                   // history heap bytes after all its events
  double blocks_fresh = 0, blocks_after = 0;  // live heap blocks per case (history included)
};

struct flow_workload {
  std::string flow_id;
  std::string yaml;
  std::shared_ptr<const policy> p;
  neutral_flow_cases cases;
  std::unique_ptr<flow_switch> sw;
  std::vector<bound_request> facts;         // per case: amount_cents, inspection_ok
  std::vector<std::string> neutral_events;  // names in flow.json order
  std::vector<resolved_event> resolved;     // per neutral event index
  std::vector<service_case> ours;
  std::uint64_t events = 0;
  std::uint64_t accepted = 0;
  memory_figures memory;
  service_case typical;  // a case after the most common sequence, for snapshots
  std::string typical_json;
};

void expect_checksum(const char* engine, const fnv64& got) {
  if (got.hex() != flow_checksum)
    die(std::string("WRONG CHECKSUM for ") + engine + ": got " + got.hex() + ", expected " + flow_checksum);
  std::fprintf(stderr, "checksum ok: %-26s flow  %s\n", engine, flow_checksum);
}

void open_all(flow_workload& w, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) w.ours[i] = open_case(w.p, w.flow_id, w.facts[i], bench_now);
}
void open_all(flow_workload& w) { open_all(w, w.cases.size()); }

// The timed work on our side; Count: also count accepted events (the checking pass).
template <bool Count>
std::uint64_t dispatch_ours(flow_workload& w, std::size_t n) {
  const std::uint32_t* begin = w.cases.begin.data();
  const std::uint8_t* events = w.cases.events.data();
  const resolved_event* resolved = w.resolved.data();
  service_case* cases = w.ours.data();
  std::uint64_t accepted = 0;
  for (int r = 0; r < w.cases.max_events; ++r) {
    const std::uint32_t ur = static_cast<std::uint32_t>(r);
    const sys_seconds now = bench_now + std::chrono::minutes(r + 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = begin[i];
      if (b + ur < begin[i + 1]) {
        const outcome o = apply(cases[i], resolved[events[b + ur]], now);
        if constexpr (Count) accepted += o.accepted() ? 1 : 0;
      }
    }
  }
  benchmark::ClobberMemory();
  return accepted;
}
template <bool Count>
std::uint64_t dispatch_ours(flow_workload& w) {
  return dispatch_ours<Count>(w, w.cases.size());
}

std::string our_line(const service_case& c, std::size_t refunded_value) {
  const std::int64_t refunded = c.has_value(refunded_value) ? c.value(refunded_value) : 0;
  return flow_case_line(std::string(c.state_id()), refunded);
}

std::unique_ptr<flow_workload> make_workload() {
  const std::string dir = AFTERSALE_NEUTRAL_DIR;
  auto w = std::make_unique<flow_workload>();
  const nlohmann::json flow = read_json(dir + "/data/flow.json");
  w->neutral_events = flow.at("events").get<std::vector<std::string>>();
  const std::vector<std::string>& neutral_events = w->neutral_events;
  w->flow_id = neutral_flow_id(flow);
  w->yaml = neutral_flow_to_yaml(flow, "neutral_flow");
  w->p = load_policy_string(w->yaml, "neutral-flow.yaml");
  w->cases = read_flow_cases_bin(dir + "/data/flow-cases-100k.bin", neutral_events.size());
  w->events = w->cases.events.size();
  const std::size_t n = w->cases.size();

  // The switch: create, dispatch, check.
  w->sw = std::make_unique<flow_switch>(w->cases);
  w->sw->create();
  const std::uint64_t switch_accepted = w->sw->dispatch_counting();
  fnv64 h_switch;
  for (std::size_t i = 0; i < n; ++i) h_switch.add(w->sw->line(i));
  expect_checksum("hand-written switch", h_switch);

  // Ours: facts bound once (as the switch gets decoded structs), events resolved once per name.
  w->facts.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    request r;
    r.set("amount_cents", std::int64_t{w->cases.amount_cents[i]});
    r.set("inspection_ok", static_cast<bool>(w->cases.inspection_ok[i]));
    w->facts.push_back(bind(*w->p, r));
  }
  const service_case probe = open_case(w->p, w->flow_id, w->facts.at(0), bench_now);
  for (const std::string& e : neutral_events) {
    const std::optional<resolved_event> re = resolve_event(probe, neutral_event_name(e), actor_role);
    if (!re) die("event `" + e + "` does not resolve in the converted flow");
    w->resolved.push_back(*re);
  }
  const std::uint32_t flow_index = *w->p->find_flow(w->flow_id);
  std::optional<std::size_t> refunded_value;
  const auto& vars = w->p->flows[flow_index].variables;
  for (std::size_t v = 0; v < vars.size(); ++v)
    if (vars[v].name == "refunded_cents") refunded_value = w->p->facts.size() + v;
  if (!refunded_value) die("the converted flow has no variable `refunded_cents`");

  // Opening and dispatching once with the heap counted gives the bytes per case.
  w->ours.resize(n);
  heap::start();
  const std::int64_t bytes0 = heap::live_bytes(), blocks0 = heap::live_blocks();
  open_all(*w);
  const std::int64_t bytes1 = heap::live_bytes(), blocks1 = heap::live_blocks();
  std::size_t hist1 = 0;
  for (const service_case& c : w->ours) hist1 += history_bytes(c);
  w->accepted = dispatch_ours<true>(*w);
  const std::int64_t bytes2 = heap::live_bytes(), blocks2 = heap::live_blocks();
  heap::stop();
  std::size_t hist2 = 0;
  for (const service_case& c : w->ours) hist2 += history_bytes(c);
  const double dn = static_cast<double>(n);
  memory_figures& m = w->memory;
  m.history_fresh = static_cast<double>(hist1) / dn;
  m.history_after = static_cast<double>(hist2) / dn;
  m.fresh =
      static_cast<double>(sizeof(service_case)) + static_cast<double>(bytes1 - bytes0) / dn - m.history_fresh;
  m.after =
      static_cast<double>(sizeof(service_case)) + static_cast<double>(bytes2 - bytes0) / dn - m.history_after;
  m.blocks_fresh = static_cast<double>(blocks1 - blocks0) / dn;
  m.blocks_after = static_cast<double>(blocks2 - blocks0) / dn;

  fnv64 h_ours;
  for (const service_case& c : w->ours) h_ours.add(our_line(c, *refunded_value));
  expect_checksum("aftersale apply (resolved)", h_ours);
  if (w->accepted != switch_accepted) {
    die("accepted events differ: aftersale " + std::to_string(w->accepted) + ", switch " +
        std::to_string(switch_accepted));
  }
  std::fprintf(stderr, "accepted events agree: %llu of %llu\n", static_cast<unsigned long long>(w->accepted),
               static_cast<unsigned long long>(w->events));
  std::fprintf(stderr,
               "bytes per case (sizeof %zu + heap, history excluded): opened %.1f, after events %.1f; "
               "history %.1f -> %.1f; "
               "heap blocks %.2f -> %.2f\n",
               sizeof(service_case), m.fresh, m.after, m.history_fresh, m.history_after, m.blocks_fresh,
               m.blocks_after);

  // The typical case: the longest history among the commonest ending (refunded after 7 events).
  for (std::size_t i = 0; i < n; ++i) {
    if (w->cases.begin[i + 1] - w->cases.begin[i] == 7 && w->ours[i].state_id() == "refunded") {
      w->typical = w->ours[i];
      break;
    }
  }
  if (!w->typical.policy_ptr()) die("no case ends refunded after 7 events");
  w->typical_json = to_json(w->typical);
  if (to_json(from_json(w->p, w->typical_json)) != w->typical_json) die("snapshot does not round-trip");
  if (from_json(w->p, w->typical_json) != w->typical) die("restored case differs from the original");
  return w;
}

// Built and checked on first use, so a filtered run prepares only once.
flow_workload& workload() {
  static std::unique_ptr<flow_workload> w;
  if (!w) {
    try {
      w = make_workload();
    } catch (const std::exception& e) {
      die(std::string("cannot prepare the flow workload: ") + e.what());
    }
  }
  return *w;
}

void report(benchmark::State& state, const flow_workload& w, double dispatch_cpu_s) {
  const auto events = static_cast<std::int64_t>(w.events);
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["cases"] = static_cast<double>(w.cases.size());
  state.counters["ns_per_event"] = dispatch_cpu_s * 1e9 / static_cast<double>(state.iterations() * events);
}

// The lower bound: flow_limit.cpp's `send` in flow_limit.cpp's loop.
void BM_Flow_Switch(benchmark::State& state) {
  flow_workload& w = workload();
  double cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    w.sw->create();
    state.ResumeTiming();
    const double t0 = cpu_seconds();
    w.sw->dispatch();
    cpu += cpu_seconds() - t0;
  }
  report(state, w, cpu);
  state.counters["bytes_per_case"] = static_cast<double>(flow_switch::case_bytes());
}

// Ours: `apply(case, resolved_event, now)` on cases opened by `open_case` (not timed). Each
// iteration also times one switch pass while the clock is paused, so `x_switch_time` (our
// time per event / the switch's; target <= 3) pairs both over the same stretch of time.
void BM_Flow_Aftersale(benchmark::State& state) {
  flow_workload& w = workload();
  double cpu = 0, switch_cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    open_all(w);
    w.sw->create();
    const double s0 = cpu_seconds();
    w.sw->dispatch();
    switch_cpu += cpu_seconds() - s0;
    state.ResumeTiming();
    const double t0 = cpu_seconds();
    dispatch_ours<false>(w);
    cpu += cpu_seconds() - t0;
  }
  report(state, w, cpu);
  state.counters["x_switch_time"] = switch_cpu > 0 ? cpu / switch_cpu : 0;
  state.counters["bytes_per_case"] = w.memory.after;
  state.counters["bytes_opened"] = w.memory.fresh;
  state.counters["history_bytes"] = w.memory.history_after;
}

// The same protocol on the first 1,000 cases only, whose cases and histories stay in cache:
// separates the runtime's own work from the memory traffic of 100,000 live cases (~1 KB each
// with history) that the full run pays and the switch's 12-byte cases do not.
void BM_Flow_AftersaleCacheResident(benchmark::State& state) {
  flow_workload& w = workload();
  constexpr std::size_t n = 1000;
  std::uint64_t events = 0;
  for (std::size_t i = 0; i < n; ++i) events += w.cases.begin[i + 1] - w.cases.begin[i];
  double cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    open_all(w, n);
    state.ResumeTiming();
    const double t0 = cpu_seconds();
    dispatch_ours<false>(w, n);
    cpu += cpu_seconds() - t0;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events));
  state.counters["cases"] = static_cast<double>(n);
  state.counters["ns_per_event"] = cpu * 1e9 / static_cast<double>(state.iterations() * events);
}

// The same through the `event` form (names and role as strings, resolved on every apply).
void BM_Flow_AftersaleNamed(benchmark::State& state) {
  flow_workload& w = workload();
  std::vector<event> named;
  for (const std::string& e : w.neutral_events)
    named.push_back(event{neutral_event_name(e), actor_role, {}, {}});
  double cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    open_all(w);
    state.ResumeTiming();
    const double t0 = cpu_seconds();
    const std::uint32_t* begin = w.cases.begin.data();
    const std::size_t n = w.cases.size();
    for (int r = 0; r < w.cases.max_events; ++r) {
      const std::uint32_t ur = static_cast<std::uint32_t>(r);
      const sys_seconds now = bench_now + std::chrono::minutes(r + 1);
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t b = begin[i];
        if (b + ur < begin[i + 1]) apply(w.ours[i], named[w.cases.events[b + ur]], now);
      }
    }
    benchmark::ClobberMemory();
    cpu += cpu_seconds() - t0;
  }
  report(state, w, cpu);
}

// Opening one case in the flow from bound facts (start state entered, no automatic step).
void BM_Flow_OpenCase(benchmark::State& state) {
  flow_workload& w = workload();
  std::size_t i = 0;
  for (auto _ : state) {
    service_case c = open_case(w.p, w.flow_id, w.facts[i], bench_now);
    benchmark::DoNotOptimize(c.state_index());
    if (++i == w.facts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Flow_ToJson(benchmark::State& state) {
  flow_workload& w = workload();
  for (auto _ : state) {
    std::string s = to_json(w.typical);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["snapshot_bytes"] = static_cast<double>(w.typical_json.size());
}

void BM_Flow_FromJson(benchmark::State& state) {
  flow_workload& w = workload();
  for (auto _ : state) {
    service_case c = from_json(w.p, w.typical_json);
    benchmark::DoNotOptimize(c.state_index());
  }
  state.SetItemsProcessed(state.iterations());
}

// Snapshot then restore (target <= 5 us).
void BM_Flow_SnapshotRestore(benchmark::State& state) {
  flow_workload& w = workload();
  for (auto _ : state) {
    service_case c = from_json(w.p, to_json(w.typical));
    benchmark::DoNotOptimize(c.state_index());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["snapshot_bytes"] = static_cast<double>(w.typical_json.size());
  state.counters["history_entries"] = static_cast<double>(w.typical.history().size());
}

BENCHMARK(BM_Flow_Switch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Flow_Aftersale)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Flow_AftersaleNamed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Flow_AftersaleCacheResident)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Flow_OpenCase)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Flow_ToJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Flow_FromJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Flow_SnapshotRestore)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
