// SPDX-License-Identifier: Apache-2.0
// The thread-safety contract (docs/threads.md) under load, and policy_handle's own behaviour.
//
// ThreadSanitizer runs this file (label `tsan`: scripts/test.sh builds build/tsan with
// -DAFTERSALE_SANITIZERS=thread and TSAN_OPTIONS=halt_on_error=1, so any report fails it): 8 or
// more workers decide random requests on policies/default.yaml, open cases, apply events, advance
// timers, round-trip snapshots, copy one shared case, draw flows and use the calendar, while one
// more thread replaces the policy 1,000 times through a policy_handle, switching between two
// versions whose deadlines and snapshots differ (and, four times, loading one afresh and failing
// to load a broken one), and one more runs the policy tests, lint, the DOT writer and
// decide_batch (with threads of its own). Not only
// "no crash": every script's transcript is compared with the one computed on one thread
// beforehand for the version the worker pinned, so a decision made half with one policy and half
// with the other would show up as a wrong answer.
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/batch.hpp>
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/load.hpp>
#include <aftersale/policy_handle.hpp>
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/random_inputs.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "policies/default.yaml no longer has `" << from << "`";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Version A is policies/default.yaml; version B differs in its version (every snapshot shows it)
// and in two clocks (the deadlines of many decisions).
struct versions {
  std::string text_a = read_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  std::string text_b =
      replaced(replaced(replaced(text_a, "version: \"2026.1\"", "version: \"2026.1-b\""),
                        "first_response:\n    within: {business_hours: 2}",
                        "first_response:\n    within: {business_hours: 3}"),
               "initial_proposal:\n    within: {hours: 24}", "initial_proposal:\n    within: {hours: 36}");
  std::shared_ptr<const policy> a = load_policy_string(text_a, "default.yaml");
  std::shared_ptr<const policy> b = load_policy_string(text_b, "default-b.yaml");
};

const versions& both() {
  static const versions v;
  return v;
}

// 0 for version A, 1 for version B, -1 for anything else.
int version_of(const policy& p) {
  if (p.info.version == both().a->info.version) return 0;
  if (p.info.version == both().b->info.version) return 1;
  return -1;
}

const sys_seconds friday = *parse_timestamp("2026-11-20T09:30:00+08:00");

std::string view(const service_case& c, const outcome& o) {
  const outcome_view v = make_outcome_view(c, o);
  std::string s =
      v.result + ' ' + v.reason + ' ' + v.from_state + "->" + v.to_state + ' ' + std::to_string(v.steps);
  for (const emitted_action& a : v.actions) s += " !" + a.name;
  return s + '\n';
}

// One script: a random request decided on `p`, then (when its rule has a flow) a case opened from
// the decision, or a copy of `shared`, taken through random events, timers and snapshot round
// trips. Everything observable goes into the transcript; the same seed and policy give the same one.
// What the workers did, for the figures printed at the end.
struct tally {
  std::size_t decisions = 0, cases = 0, events = 0, snapshots = 0;
};

std::string transcript(const std::shared_ptr<const policy>& p, const service_case& shared, tally& done,
                       std::uint64_t seed) {
  test_support::random_inputs g(seed);
  sys_seconds now = friday + std::chrono::minutes(g.below(14 * 24 * 60));
  std::string out = format_utc(now) + '\n';
  std::optional<decision> d;
  try {
    ++done.decisions;
    d.emplace(decide(p, g.request_for(*p, now, 1), now));
  } catch (const request_error& e) {
    return out + "refused: " + e.what() + '\n';
  }
  out += std::string(to_string(d->status())) + '\n';
  if (!d->matched()) return out + explain(*d);
  out +=
      std::string(d->rule_id()) + ' ' + std::string(d->solution()) + ' ' + std::string(d->fee_payer()) + '\n';
  for (const deadline& due : d->deadlines())
    out += std::string(d->clock_id(due)) + ' ' + format_utc(due.due) + '\n';
  for (const auto& [name, amount] : d->amounts())
    out += std::string(name) + ' ' + std::to_string(amount) + '\n';
  const business_calendar& calendar = p->calendars.front();
  out += calendar.format_local(calendar.add(now, clock_duration{clock_kind::business_time, 5400})) + ' ' +
         (calendar.is_working_time(now) ? "working\n" : "closed\n");

  service_case c;
  if (g.chance(25)) {
    c = shared;  // read by every thread at once; the copy is this thread's own
  } else {
    try {
      c = open_case(*d, now);
      ++done.cases;
    } catch (const error& e) {
      return out + "no case: " + e.what() + '\n';
    }
  }
  for (int i = 0; i < 12; ++i) {
    now = g.later(now);
    if (g.chance(15)) {
      for (const outcome& o : advance(c, now)) out += view(c, o);
    } else {
      out += view(c, apply(c, g.event_for(c, 10), now));
      ++done.events;
    }
    if (g.chance(25)) {
      const std::string json = to_json(c);
      service_case back = from_json(c.policy_ptr(), json);
      ++done.snapshots;
      if (to_json(back) != json) out += "snapshot round trip differs\n";
      c = std::move(back);
    }
  }
  out += describe(c, c.history().back()) + '\n';
  if (g.chance(20)) out += flow_to_mermaid(c.source_policy(), c.flow());
  return out + to_json(c);
}

// What lint, the DOT writer and the policy test runner say: run by one more thread during the
// swaps, compared with the answer computed beforehand.
std::string audit(const policy& p) {
  std::string out;
  for (const finding& f : analyze(p).findings) out += to_string(f) + '\n';
  for (const flow_def& f : p.flows) out += flow_to_dot(p, f);
  return out;
}

// decide_batch on its own threads (inside a thread of the test) gives every row what decide
// gives that request alone.
bool batch_agrees(const std::shared_ptr<const policy>& p, sys_seconds now) {
  const std::uint32_t status_id = *p->find_fact("order_status"), kind_id = *p->find_fact("request");
  const std::vector<std::string>& statuses = p->facts[status_id].values;
  const std::vector<std::string>& kinds = p->facts[kind_id].values;
  const std::size_t rows = statuses.size() * kinds.size();
  request_columns in(*p, rows), viewed(*p, rows);
  std::vector<request> one_by_one(rows);
  // The same rows as whole columns the batch borrows (value indices, minor units).
  std::vector<std::int32_t> status_codes(rows), kind_codes(rows);
  std::vector<std::int64_t> amounts(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    const std::string& s = statuses[row % statuses.size()];
    const std::string& k = kinds[row / statuses.size()];
    const auto amount = static_cast<std::int64_t>(row * 997 % 60000);
    in.set_text(status_id, row, s);
    in.set_text(kind_id, row, k);
    in.set_int(*p->find_fact("amount"), row, amount);
    status_codes[row] = static_cast<std::int32_t>(row % statuses.size());
    kind_codes[row] = static_cast<std::int32_t>(row / statuses.size());
    amounts[row] = amount;
    one_by_one[row].set("order_status", s).set("request", k).set("amount", amount);
  }
  in.finish();
  column c;
  c.type = column_type::int32;
  c.data = status_codes.data();
  viewed.view_column(status_id, c);
  c.data = kind_codes.data();
  viewed.view_column(kind_id, c);
  c.type = column_type::int64;
  c.data = amounts.data();
  viewed.view_column(*p->find_fact("amount"), c);
  viewed.finish();
  batch_options options;
  options.threads = 3;
  options.chunk = 7;
  const batch_decisions out = decide_batch(p, in, now, options);
  const batch_decisions out_viewed = decide_batch(p, viewed, now, options);
  if (out_viewed.rule != out.rule || out_viewed.status != out.status) return false;
  for (std::size_t row = 0; row < rows; ++row) {
    const decision d = decide(p, one_by_one[row], now);
    if (out.status[row] != d.status() || (d.matched() && out.rule[row] != d.matches().front().rule))
      return false;
  }
  return true;
}

std::string run_policy_tests() {
  const aftersale::testing::test_report report =
      aftersale::testing::run_tests({AFTERSALE_SOURCE_DIR "/policies/tests"});
  return std::to_string(aftersale::testing::exit_code(report)) + '\n' +
         aftersale::testing::render_text(report);
}

constexpr std::size_t scripts = 48;
std::uint64_t seed_of(std::size_t script) { return 0x7e5a0000U + script; }

TEST(Threads, WorkersDecideAndRunCasesWhileThePolicyIsReplaced) {
  const versions& v = both();
  ASSERT_NE(v.a->info.version, v.b->info.version);
  // A case every worker copies from: opened before the threads start, then only read.
  request r;
  r.set("order_status", "delivered")
      .set("request", "request_refund")
      .set("reason", "changed_mind")
      .set("amount", 12900);
  const service_case shared = open_case(decide(v.a, r, friday), friday);

  // The answers, computed on this thread for both versions.
  std::vector<std::string> expected[2];
  tally ignored;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < scripts; ++i) {
    expected[0].push_back(transcript(v.a, shared, ignored, seed_of(i)));
    expected[1].push_back(transcript(v.b, shared, ignored, seed_of(i)));
    ASSERT_EQ(expected[0][i], transcript(v.a, shared, ignored, seed_of(i)))
        << "script " << i << " is not deterministic";
    if (expected[0][i] != expected[1][i]) ++differ;
  }
  ASSERT_GE(differ, scripts / 2)
      << "the two versions must give different answers for the swaps to be visible";

  policy_handle live(v.a);
  const std::size_t workers = std::max<std::size_t>(8, std::thread::hardware_concurrency());
  constexpr int swaps = 1000;
  constexpr std::size_t min_runs = 24;  // per worker, so that every worker overlaps the swaps
  std::atomic<bool> swapping_done{false};
  std::atomic<std::size_t> runs_by_version[2] = {{0}, {0}};
  std::atomic<std::size_t> wrong{0};
  std::mutex first_wrong_mutex;
  std::string first_wrong;
  auto report = [&](const std::string& what) {
    ++wrong;
    const std::lock_guard<std::mutex> lock(first_wrong_mutex);
    if (first_wrong.empty()) first_wrong = what;
  };

  std::vector<std::thread> threads;
  std::vector<std::size_t> runs(workers, 0);
  std::vector<tally> done(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      std::uint64_t last_version = 0;
      tally& mine = done[w];
      for (std::size_t n = 0; !swapping_done.load() || n < min_runs; ++n) {
        const policy_version pinned = live.current_version();
        if (pinned.version < last_version) report("the handle's version went back");
        last_version = pinned.version;
        const int which = version_of(*pinned.policy);
        if (which < 0) {
          report("a policy of neither version: " + pinned.policy->info.version);
          return;
        }
        const std::size_t script = (w * 7 + n) % scripts;
        const std::string got = transcript(pinned.policy, shared, mine, seed_of(script));
        if (got != expected[which][script])
          report("script " + std::to_string(script) + " under version " + pinned.policy->info.version +
                 ":\n" + got + "\n--- expected:\n" + expected[which][script]);
        ++runs_by_version[which];
        runs[w] = n + 1;
      }
    });
  }

  const std::string audited[2] = {audit(*v.a), audit(*v.b)};
  const std::string tested = run_policy_tests();
  ASSERT_EQ(tested.substr(0, 2), "0\n") << tested;
  std::size_t audits = 0;
  std::thread auditor([&] {
    if (run_policy_tests() != tested) report("the policy tests ran differently");
    while (!swapping_done.load() || audits == 0) {
      const std::shared_ptr<const policy> p = live.current();
      const int which = version_of(*p);
      if (which < 0 || audit(*p) != audited[which])
        report("lint or DOT differ under version " + p->info.version);
      if (!batch_agrees(p, friday)) report("decide_batch and decide differ under version " + p->info.version);
      ++audits;
    }
  });

  // Refused at its first lines (an unclosed flow sequence), so the swaps are not all reloads.
  const std::string broken = replaced(v.text_a, "format: 1", "format: [1");
  std::size_t fresh_loads = 0, refused_loads = 0;
  std::thread swapper([&] {
    for (int k = 1; k <= swaps; ++k) {
      if (k % 250 == 0) {
        // Now and then a real reload: a policy loaded while the workers decide, and a broken
        // one whose refusal must leave the handle as it was.
        const std::uint64_t version_before = live.version();
        const std::shared_ptr<const policy> before = live.current();
        try {
          live.replace(load_policy_string(broken, "broken.yaml"));
        } catch (const policy_error&) {
          ++refused_loads;
        }
        if (live.version() != version_before || live.current() != before)
          report("a refused reload changed the handle");
        // Under the same names: locations in lint findings and explanations name the file.
        live.replace(k % 500 == 0 ? load_policy_string(v.text_a, "default.yaml")
                                  : load_policy_string(v.text_b, "default-b.yaml"));
        ++fresh_loads;
      } else {
        // Alternating; the offset puts A and B in turn in place during the slow reloads.
        live.replace((k + k / 250) % 2 == 1 ? v.b : v.a);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    swapping_done = true;
  });

  swapper.join();
  auditor.join();
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(wrong.load(), 0U) << first_wrong;
  EXPECT_EQ(live.version(), 1U + swaps);
  EXPECT_EQ(fresh_loads, 4U);
  EXPECT_EQ(refused_loads, 4U);
  EXPECT_GT(runs_by_version[0].load(), 0U);
  EXPECT_GT(runs_by_version[1].load(), 0U);
  std::size_t total = 0;
  for (std::size_t n : runs) {
    EXPECT_GE(n, min_runs);
    total += n;
  }
  tally all;
  for (const tally& t : done) {
    all.decisions += t.decisions;
    all.cases += t.cases;
    all.events += t.events;
    all.snapshots += t.snapshots;
  }
  std::cout << "[ figures  ] " << workers << " workers, " << swaps << " swaps, " << total << " scripts ("
            << runs_by_version[0].load() << " on version A, " << runs_by_version[1].load()
            << " on version B): " << all.decisions << " decisions, " << all.cases << " cases opened, "
            << all.events << " events applied, " << all.snapshots << " snapshot round trips; " << audits
            << " lint + DOT + batch audits, 1 policy test run\n";
}

TEST(PolicyHandle, HandsOutTheCurrentPolicyWithItsVersion) {
  const versions& v = both();
  policy_handle live(v.a);
  EXPECT_EQ(live.current(), v.a);
  EXPECT_EQ(live.version(), 1U);
  std::shared_ptr<const policy> pinned = live.current();
  EXPECT_EQ(live.replace(v.b), 2U);
  EXPECT_EQ(pinned, v.a);  // a holder keeps what it took
  const policy_version now = live.current_version();
  EXPECT_EQ(now.policy, v.b);
  EXPECT_EQ(now.version, 2U);
  EXPECT_EQ(live.replace(v.b), 3U);  // the same policy again is still a replacement
}

TEST(PolicyHandle, RefusesANullOrUncompiledPolicyAndStaysAsItWas) {
  const versions& v = both();
  try {
    policy_handle none(nullptr);
    FAIL() << "a null policy was accepted";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::no_policy);
  }
  policy_handle live(v.a);
  auto uncompiled = std::make_shared<policy>(*v.b);
  uncompiled->compiled.reset();
  for (const std::shared_ptr<const policy>& bad :
       {std::shared_ptr<const policy>(), std::shared_ptr<const policy>(uncompiled)}) {
    try {
      live.replace(bad);
      FAIL() << "replace accepted a policy it must refuse";
    } catch (const usage_error& e) {
      EXPECT_EQ(e.code(), bad ? error_code::not_compiled : error_code::no_policy) << e.what();
    }
    EXPECT_EQ(live.current(), v.a);
    EXPECT_EQ(live.version(), 1U);
  }
}

}  // namespace
