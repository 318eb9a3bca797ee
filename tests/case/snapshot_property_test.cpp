// SPDX-License-Identifier: Apache-2.0
// Properties of case snapshots over random event sequences (fixed seeds, so failures repeat):
//  - snapshot → restore → continue ends exactly like never stopping (case and snapshot text);
//  - every refused or duplicate event leaves the snapshot byte-identical;
//  - corrupted snapshots (truncated, bytes flipped, keys renamed, values swapped for other
//    JSON) are refused with snapshot_error, or — when the change happens to stay valid —
//    restore to a case whose snapshot round-trips; never another exception, never a crash
//    (this test runs under ASan/UBSan in developer builds);
//  - every snapshot the runtime writes along random walks through every flow of the shipped
//    policies restores to the same case (the invariant checks never refuse a real case);
//  - one corruption per invariant the runtime keeps, applied to those snapshots, is refused at
//    its JSON path even with a valid integrity hash; an edit the invariants cannot see is
//    caught by the integrity hash; a snapshot of the previous format still restores.
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "case/access.hpp"

namespace {

using aftersale::history_entry;
using aftersale::npos;
using aftersale::service_case;
using aftersale::sys_seconds;
using access = aftersale::detail::case_access;
using namespace std::chrono_literals;

std::shared_ptr<const aftersale::policy> test_policy() {
  static const auto p =
      aftersale::load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/snapshot_flows.yaml");
  return p;
}

sys_seconds start_time() { return *aftersale::parse_timestamp("2026-10-08T10:00:00+08:00"); }

// One step of a random walk: an event (possibly unknown, with a payload, with an id that may
// repeat) or an `advance`, at a time that only moves forward.
struct step {
  bool advance = false;
  aftersale::event e;
  sys_seconds at;
};

aftersale::request random_request(std::mt19937& rng) {
  aftersale::request r;
  r.set("order_status", rng() % 4 == 0 ? "paid_unshipped" : "delivered");
  const std::int64_t amounts[] = {500, 1000, 1001, 12900, 99900};
  if (rng() % 5 != 0) r.set("amount", amounts[rng() % 5]);
  if (rng() % 2 == 0) r.set("opened", rng() % 2 == 0);
  if (rng() % 2 == 0) r.set("sku", rng() % 2 == 0 ? "BANNED" : "X-1");
  if (rng() % 3 == 0) r.set("quantity", static_cast<std::int64_t>(rng() % 7) - 3);
  if (rng() % 3 == 0) r.set("delivered_at", *aftersale::parse_timestamp("2026-10-01T10:00:00+08:00"));
  return r;
}

std::vector<step> random_steps(std::mt19937& rng, const aftersale::flow_def& f, std::size_t n) {
  static const char* roles[] = {"customer", "agent", "specialist", "supervisor", "system", "nobody"};
  std::vector<step> steps;
  sys_seconds now = start_time();
  for (std::size_t i = 0; i < n; ++i) {
    step s;
    // Minutes to days apart, so business-hour clocks and 48 h timers fall due now and then.
    const std::chrono::seconds gaps[] = {0s, 60s, 1800s, 3h, 20h, 49h, 4 * 24h};
    now += gaps[rng() % 7];
    s.at = now;
    if (rng() % 4 == 0) {
      s.advance = true;
    } else {
      const std::size_t pick = rng() % (f.events.size() + 3);
      s.e.name = pick < f.events.size()        ? f.events[pick]
                 : pick == f.events.size()     ? "close"
                 : pick == f.events.size() + 1 ? "reopen"
                                               : "teleport";
      s.e.actor_role = roles[rng() % 6];
      if (rng() % 3 == 0) s.e.id = "evt-" + std::to_string(rng() % 6);  // repeats: duplicates
      if (rng() % 3 == 0) s.e.payload.set("inspection_ok", rng() % 2 == 0);
      if (rng() % 5 == 0) s.e.payload.set("condition", rng() % 2 == 0 ? "resalable" : "damaged");
      if (rng() % 7 == 0) s.e.payload.set("note", "parcel dented");
      if (rng() % 9 == 0) s.e.payload.set("tries", std::int64_t{3});
      if (rng() % 11 == 0) s.e.payload.set("no_such_variable", std::int64_t{1});
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

// Runs one step; refused and duplicate events must leave the snapshot untouched.
std::string run(service_case& c, const step& s) {
  if (s.advance) {
    std::string r = "advance:";
    for (const aftersale::outcome& o : aftersale::advance(c, s.at)) r += std::to_string(o.to()) + ",";
    return r;
  }
  const std::string before = aftersale::to_json(c);
  const aftersale::outcome o = aftersale::apply(c, s.e, s.at);
  if (!o.accepted()) {
    EXPECT_EQ(aftersale::to_json(c), before) << "refused or duplicate event changed the case";
  }
  std::string r =
      std::to_string(static_cast<int>(o.result())) + "/" + std::to_string(static_cast<int>(o.reason()));
  for (const auto& a : o.actions()) r += " " + a.name;
  return r;
}

service_case open_random(std::mt19937& rng) {
  const auto p = test_policy();
  const aftersale::decision d = aftersale::decide(p, random_request(rng), start_time());
  return aftersale::open_case(d, start_time());
}

TEST(snapshot_property, restore_and_continue_equals_never_stopping) {
  const auto p = test_policy();
  std::size_t restored = 0, accepted_steps = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    service_case straight = open_random(rng);
    const std::vector<step> steps = random_steps(rng, straight.flow(), 4 + rng() % 16);
    const std::size_t split = rng() % (steps.size() + 1);

    service_case stopped = straight;
    std::vector<std::string> a, b;
    for (const step& s : steps) a.push_back(run(straight, s));
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (i == split) {
        const std::string snap = aftersale::to_json(stopped);
        service_case back = aftersale::from_json(p, snap);
        ASSERT_EQ(aftersale::to_json(back), snap);
        ASSERT_TRUE(back == stopped) << snap;
        stopped = std::move(back);
        ++restored;
      }
      b.push_back(run(stopped, steps[i]));
    }
    EXPECT_EQ(a, b);
    EXPECT_TRUE(straight == stopped);
    EXPECT_EQ(aftersale::to_json(straight), aftersale::to_json(stopped));
    EXPECT_EQ(aftersale::next_deadline(straight), aftersale::next_deadline(stopped));
    accepted_steps += straight.history().size();
  }
  EXPECT_GT(restored, 200U);
  EXPECT_GT(accepted_steps, 600U);  // the walks do move cases, not only collect refusals
}

// Valid snapshots of assorted cases, to corrupt.
std::vector<std::string> sample_snapshots(std::size_t n) {
  std::vector<std::string> out;
  for (unsigned seed = 1000; out.size() < n; ++seed) {
    std::mt19937 rng(seed);
    service_case c = open_random(rng);
    for (const step& s : random_steps(rng, c.flow(), 3 + rng() % 12)) {
      if (s.advance) {
        aftersale::advance(c, s.at);
      } else {
        aftersale::apply(c, s.e, s.at);
      }
    }
    out.push_back(aftersale::to_json(c));
  }
  return out;
}

// Restoring a corrupted snapshot: a snapshot_error, or a case that round-trips.
void survives(const std::string& text, std::size_t& refused, std::size_t& accepted) {
  try {
    const service_case c = aftersale::from_json(test_policy(), text);
    const std::string again = aftersale::to_json(c);
    EXPECT_EQ(aftersale::to_json(aftersale::from_json(test_policy(), again)), again) << text;
    ++accepted;
  } catch (const aftersale::snapshot_error& e) {
    EXPECT_FALSE(e.path().empty()) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(e.path() + ": ", 0), 0U) << e.what();
    ++refused;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a snapshot_error: " << e.what() << "\n" << text;
  }
}

TEST(snapshot_property, truncated_snapshots_are_refused) {
  for (const std::string& s : sample_snapshots(8)) {
    for (std::size_t n = 0; n < s.size(); n += 1 + n / 64) {
      SCOPED_TRACE(n);
      EXPECT_THROW(aftersale::from_json(test_policy(), s.substr(0, n)), aftersale::snapshot_error);
    }
  }
}

TEST(snapshot_property, byte_flips_never_crash_nor_accept_garbage) {
  std::mt19937 rng(7);
  std::size_t refused = 0, accepted = 0;
  const std::vector<std::string> samples = sample_snapshots(40);
  for (int i = 0; i < 6000; ++i) {
    std::string s = samples[rng() % samples.size()];
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      const std::size_t at = rng() % s.size();
      s[at] = rng() % 2 == 0 ? static_cast<char>(s[at] ^ (1 << (rng() % 8))) : static_cast<char>(rng() % 256);
    }
    survives(s, refused, accepted);
  }
  EXPECT_GT(refused, 5000U);  // almost every flip breaks something
}

// Every key renamed (so one key is unknown and one is missing) must be refused.
TEST(snapshot_property, every_renamed_key_is_refused) {
  std::size_t checked = 0;
  for (const std::string& s : sample_snapshots(6)) {
    for (std::size_t at = s.find("\":"); at != std::string::npos; at = s.find("\":", at + 1)) {
      const std::size_t open = s.rfind('"', at - 1);
      const std::string key = s.substr(open + 1, at - open - 1);
      // Keys inside `facts` and `variables` are names: renaming one names an unknown fact.
      std::string bad = s;
      bad.insert(at, "_x");
      SCOPED_TRACE(key);
      EXPECT_THROW(aftersale::from_json(test_policy(), bad), aftersale::snapshot_error);
      ++checked;
    }
  }
  EXPECT_GT(checked, 200U);
}

// Every scalar value replaced by JSON of other types and shapes.
TEST(snapshot_property, every_value_swapped_for_other_json) {
  static const char* others[] = {"null",
                                 "true",
                                 "0",
                                 "-1",
                                 "\"x\"",
                                 "[]",
                                 "{}",
                                 "1.5",
                                 "18446744073709551616",
                                 "\"2026-13-01T00:00:00Z\"",
                                 "\"\"",
                                 "{\"other\":true}"};
  std::size_t refused = 0, accepted = 0;
  for (const std::string& s : sample_snapshots(6)) {
    for (std::size_t colon = s.find(':'); colon != std::string::npos; colon = s.find(':', colon + 1)) {
      std::size_t end = colon + 1;
      if (s[end] == '"') {
        for (++end; end < s.size() && s[end] != '"'; ++end)
          if (s[end] == '\\') ++end;
        ++end;
      } else if (s[end] == '{' || s[end] == '[') {
        continue;
      } else {
        while (end < s.size() && s[end] != ',' && s[end] != '}' && s[end] != ']') ++end;
      }
      for (const char* other : others) {
        std::string bad = s;
        bad.replace(colon + 1, end - colon - 1, other);
        survives(bad, refused, accepted);
      }
      colon = end - 1;
    }
  }
  EXPECT_GT(refused, 1000U);
}

// --- every flow of the shipped policies -------------------------------------------------------

std::shared_ptr<const aftersale::policy> default_policy() {
  static const auto p = aftersale::load_policy_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  return p;
}

// A case in every flow of the default policy, opened with facts from one request (its `reason`
// gives the mapped fact `responsible`; `delivered_at` the days and hours since delivery).
std::vector<service_case> default_cases() {
  const auto p = default_policy();
  aftersale::request r;
  r.set("order_status", "delivered")
      .set("request", "request_return_refund")
      .set("reason", "quality_issue")
      .set("amount", std::int64_t{12900})
      .set("delivered_at", *aftersale::parse_timestamp("2026-10-01T10:00:00+08:00"));
  aftersale::bound_request facts = aftersale::bind(*p, r);
  aftersale::derive_facts(*p, facts, start_time());
  std::vector<service_case> cases;
  for (const aftersale::flow_def& f : p->flows)
    cases.push_back(aftersale::open_case(p, f.id, facts, start_time()));
  return cases;
}

// Events for any flow: its own events, close, reopen; any role of the vocabulary; ids that repeat.
std::vector<step> walk_steps(std::mt19937& rng, const service_case& c, std::size_t n) {
  const auto& roles = c.source_policy().vocabulary.roles;
  const aftersale::flow_def& f = c.flow();
  std::vector<step> steps;
  sys_seconds now = start_time();
  for (std::size_t i = 0; i < n; ++i) {
    step s;
    const std::chrono::seconds gaps[] = {0s, 60s, 3h, 20h, 49h, 4 * 24h};
    now += gaps[rng() % 6];
    s.at = now;
    if (rng() % 4 == 0) {
      s.advance = true;
    } else {
      const std::size_t pick = rng() % (f.events.size() + 2);
      s.e.name = pick < f.events.size() ? f.events[pick] : pick == f.events.size() ? "close" : "reopen";
      s.e.actor_role = roles[rng() % roles.size()].id;
      if (rng() % 2 == 0) s.e.id = "evt-" + std::to_string(rng() % 8);
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

// Snapshots the runtime wrote along random walks: every flow of the default policy, and the
// snapshot test policy (payloads, pauses, reopening), several walks each.
struct sample {
  std::shared_ptr<const aftersale::policy> p;
  service_case c;
  std::string text;
};

const std::vector<sample>& runtime_samples() {
  static const std::vector<sample> out = [] {
    std::vector<sample> v;
    std::mt19937 rng(42);
    for (int round = 0; round < 3; ++round) {
      for (service_case c : default_cases()) {
        v.push_back({c.policy_ptr(), c, aftersale::to_json(c)});
        for (const step& s : walk_steps(rng, c, 6 + rng() % 10)) {
          run(c, s);
          v.push_back({c.policy_ptr(), c, aftersale::to_json(c)});
        }
      }
    }
    for (unsigned seed = 2000; seed < 2060; ++seed) {
      std::mt19937 r(seed);
      service_case c = open_random(r);
      for (const step& s : random_steps(r, c.flow(), 4 + r() % 14)) {
        run(c, s);
        v.push_back({c.policy_ptr(), c, aftersale::to_json(c)});
      }
    }
    return v;
  }();
  return out;
}

TEST(snapshot_property, every_snapshot_the_runtime_writes_restores) {
  std::size_t flows = 0, steps = 0;
  std::map<std::string, int> seen;
  for (const sample& s : runtime_samples()) {
    SCOPED_TRACE(s.text);
    service_case back;
    ASSERT_NO_THROW(back = aftersale::from_json(s.p, s.text));
    EXPECT_TRUE(back == s.c);
    EXPECT_EQ(aftersale::to_json(back), s.text);
    if (seen[s.p->info.id + "/" + s.c.flow().id]++ == 0) ++flows;
    steps += s.c.history().size();
  }
  EXPECT_GE(flows, default_policy()->flows.size());  // every flow of the default policy, and more
  EXPECT_GT(steps, 3000U);
}

// One corruption of a case, made through its private fields so that `to_json` writes it with a
// valid integrity hash: the reader's invariant checks alone must refuse it. `apply` returns the
// JSON path expected, or nothing when the case has nothing to corrupt that way.
struct corruption {
  const char* invariant;
  std::function<std::optional<std::string>(service_case&)> apply;
};

std::string at(std::size_t i) { return "$.history[" + std::to_string(i) + "]"; }

// The first history entry (from `from`) that `pred` accepts, or npos.
template <class Pred>
std::size_t find_entry(const service_case& c, Pred pred, std::size_t from = 0) {
  for (std::size_t i = from; i < c.history().size(); ++i)
    if (pred(c.history()[i])) return i;
  return npos;
}

bool is(const history_entry& h, history_entry::kind k) { return h.what == k; }

const std::vector<corruption>& corruptions() {
  using kind = history_entry::kind;
  using aftersale::case_clock;
  using aftersale::lifecycle_phase;
  static const std::vector<corruption> table = {
      {"the state is the last history entry's target",
       [](service_case& c) -> std::optional<std::string> {
         // Another state the phase allows too, so that only the history contradicts it.
         const aftersale::flow_def& f = c.flow();
         const aftersale::state_def& now = c.state();
         for (std::uint32_t s = 0; s < f.states.size(); ++s) {
           if (s == c.state_index() || f.states[s].terminal != now.terminal || f.states[s].phase != now.phase)
             continue;
           access::state(c) = s;
           return "$.state";
         }
         return std::nullopt;
       }},
      {"entered_at is not before opened_at (it is the last entering entry's time)",
       [](service_case& c) -> std::optional<std::string> {
         access::entered_at(c) = c.opened_at() - 1h;
         return "$.entered_at";
       }},
      {"opened_at is the opened entry's time",
       [](service_case& c) -> std::optional<std::string> {
         access::opened_at(c) += 1s;
         return "$.opened_at";
       }},
      {"a clock is never due before it started",
       [](service_case& c) -> std::optional<std::string> {
         auto& clocks = access::clocks(c);
         for (std::size_t i = 0; i < clocks.size(); ++i) {
           if (clocks[i].state == case_clock::status::idle) continue;
           clocks[i].due = clocks[i].started - 1s;
           return "$.clocks[" + std::to_string(i) + "].due";
         }
         return std::nullopt;
       }},
      {"a running clock keeps no time left",
       [](service_case& c) -> std::optional<std::string> {
         auto& clocks = access::clocks(c);
         for (std::size_t i = 0; i < clocks.size(); ++i) {
           if (clocks[i].state != case_clock::status::running) continue;
           clocks[i].remaining = 60s;
           return "$.clocks[" + std::to_string(i) + "].remaining_s";
         }
         return std::nullopt;
       }},
      {"a step's transition goes from its `from` to its `to`",
       [](service_case& c) -> std::optional<std::string> {
         const auto& ts = c.flow().transitions;
         const std::size_t i = find_entry(c, [](const history_entry& h) { return h.transition != npos; });
         if (i == npos) return std::nullopt;
         history_entry& h = access::history(c)[i];
         for (std::uint32_t t = 0; t < ts.size(); ++t) {
           if (ts[t].trigger != ts[h.transition].trigger || (ts[t].from == h.from && ts[t].to == h.to))
             continue;
           h.transition = t;
           return at(i) + ".transition";
         }
         return std::nullopt;
       }},
      {"a step's transition has the trigger its kind says",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) {
           return h.transition != npos && (is(h, kind::automatic) || is(h, kind::timer));
         });
         if (i == npos) return std::nullopt;
         history_entry& h = access::history(c)[i];
         h.what = is(h, kind::automatic) ? kind::timer : kind::automatic;
         return at(i) + ".transition";
       }},
      {"an event's actor is a role its transition allows",
       [](service_case& c) -> std::optional<std::string> {
         const auto& ts = c.flow().transitions;
         const std::size_t i = find_entry(c, [&](const history_entry& h) {
           return is(h, kind::event) && h.transition != npos && !ts[h.transition].roles.empty();
         });
         if (i == npos) return std::nullopt;
         const auto& roles = ts[c.history()[i].transition].roles;
         for (std::uint32_t r = 0; r < c.source_policy().vocabulary.roles.size(); ++r) {
           if (std::find(roles.begin(), roles.end(), r) != roles.end()) continue;
           access::history(c)[i].actor_role = r;
           return at(i) + ".actor";
         }
         return std::nullopt;
       }},
      {"each step starts where the one before it ended",
       [](service_case& c) -> std::optional<std::string> {
         if (c.history().size() < 2) return std::nullopt;
         history_entry& h = access::history(c)[1];
         h.from = h.from == 0 ? 1 : 0;
         return at(1) + ".from";
       }},
      {"history is in time order",
       [](service_case& c) -> std::optional<std::string> {
         if (c.history().size() < 2) return std::nullopt;
         const std::size_t i = c.history().size() - 1;
         access::history(c)[i].at = c.history()[i - 1].at - 1s;
         return at(i) + ".at";
       }},
      {"no step after the time the current state was entered, but `close`",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = c.history().size() - 1;
         if (i == 0 || is(c.history()[i], kind::close)) return std::nullopt;
         access::history(c)[i].at += 24h;
         return "$.entered_at";
       }},
      {"only the first entry is `opened`",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) { return is(h, kind::automatic); });
         if (i == npos) return std::nullopt;
         history_entry& h = access::history(c)[i];
         h.what = kind::opened;
         h.transition = npos;
         return at(i) + ".what";
       }},
      {"automatic and timer steps have no actor",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(
             c, [](const history_entry& h) { return is(h, kind::automatic) || is(h, kind::timer); });
         if (i == npos) return std::nullopt;
         access::history(c)[i].actor_role = 0;
         return at(i) + ".actor";
       }},
      {"an event step names its transition",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) { return is(h, kind::event); });
         if (i == npos) return std::nullopt;
         access::history(c)[i].transition = npos;
         return at(i);
       }},
      {"an emptied applied_event_ids misses the history's ids (an applied event would run again)",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) { return !h.event_id.empty(); });
         if (i == npos) return std::nullopt;
         access::applied_ids(c).clear();
         return at(i) + ".event_id";
       }},
      {"an extra applied id is on no history entry (a later real event would be dropped)",
       [](service_case& c) -> std::optional<std::string> {
         auto& ids = access::applied_ids(c);
         const std::string extra = "zz-never-sent";
         ids.insert(std::lower_bound(ids.begin(), ids.end(), extra), extra);
         return "$.applied_event_ids[" + std::to_string(ids.size() - 1) + "]";
       }},
      {"an event id is on one history entry",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) { return !h.event_id.empty(); });
         if (i == npos) return std::nullopt;
         std::size_t j = 0;  // another entry an event was sent for
         for (; j < c.history().size(); ++j) {
           const history_entry& h = c.history()[j];
           if (j != i && (is(h, kind::event) || is(h, kind::close) || is(h, kind::reopen))) break;
         }
         if (j == c.history().size()) return std::nullopt;
         access::history(c)[j].event_id = c.history()[i].event_id;
         access::history(c)[j].event_digest = c.history()[i].event_digest;
         return at(std::max(i, j)) + ".event_id";
       }},
      {"an event id has its digest (format 2)",
       [](service_case& c) -> std::optional<std::string> {
         const std::size_t i = find_entry(c, [](const history_entry& h) { return !h.event_id.empty(); });
         if (i == npos) return std::nullopt;
         access::history(c)[i].event_digest = 0;
         return at(i);
       }},
      {"a derived fact agrees with the fact it is mapped from",
       [](service_case& c) -> std::optional<std::string> {
         const auto f = c.source_policy().find_fact("responsible");
         if (!f || !c.has_value(*f)) return std::nullopt;
         access::set_value(c, *f, (c.value(*f) + 1) % 4, true);
         return "$.facts.responsible";
       }},
      {"a derived fact has the fact it is derived from",
       [](service_case& c) -> std::optional<std::string> {
         const auto f = c.source_policy().find_fact("delivered_at");
         const auto days = c.source_policy().find_fact("days_since_delivery");
         if (!f || !days || !c.has_value(*days)) return std::nullopt;
         access::set_value(c, *f, 0, false);
         return "$.facts.days_since_delivery";
       }},
      {"a variable holds what the history last assigned it",
       [](service_case& c) -> std::optional<std::string> {
         const aftersale::flow_def& f = c.flow();
         for (const history_entry& h : c.history()) {
           for (const auto& [var, value] : h.assigned) {
             const aftersale::fact_def& d = f.variables[var];
             if (d.type != aftersale::fact_type::integer && d.type != aftersale::fact_type::money) continue;
             access::set_value(c, c.source_policy().facts.size() + var,
                               c.value(c.source_policy().facts.size() + var) + 1, true);
             return "$.variables." + d.name;
           }
         }
         return std::nullopt;
       }},
      {"a case is closed exactly when its last change is `close`",
       [](service_case& c) -> std::optional<std::string> {
         if (c.phase() == lifecycle_phase::resolved) {
           access::phase(c) = lifecycle_phase::closed;
           return "$.phase";
         }
         if (c.phase() == lifecycle_phase::closed) {
           access::phase(c) = lifecycle_phase::resolved;
           return "$.phase";
         }
         return std::nullopt;
       }},
  };
  return table;
}

TEST(snapshot_property, each_broken_invariant_is_refused_at_its_path) {
  // Each corruption on up to 80 samples, drawn from all of them (every policy and flow).
  std::vector<std::size_t> order(runtime_samples().size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  for (const corruption& k : corruptions()) {
    SCOPED_TRACE(k.invariant);
    std::size_t applied = 0;
    for (std::size_t i = 0; i < order.size() && applied < 80; ++i) {
      const sample& s = runtime_samples()[order[i]];
      service_case bad = s.c;
      const std::optional<std::string> path = k.apply(bad);
      if (!path) continue;
      ++applied;
      const std::string text = aftersale::to_json(bad);  // with a valid integrity hash
      try {
        aftersale::from_json(s.p, text);
        ADD_FAILURE() << "accepted:\n" << text;
      } catch (const aftersale::snapshot_error& e) {
        EXPECT_EQ(e.path(), *path) << e.what() << "\n" << text;
      }
    }
    EXPECT_GT(applied, 0U) << "no sample has anything to corrupt this way";
  }
}

// `s` without its integrity member (the last one `to_json` writes).
std::string without_integrity(std::string s) {
  const std::size_t at = s.rfind(R"(,"integrity":")");
  return s.erase(at, s.size() - 1 - at);
}

TEST(snapshot_property, an_edit_no_invariant_sees_is_caught_by_the_integrity_hash) {
  std::size_t checked = 0;
  for (const sample& s : runtime_samples()) {
    const std::size_t at = s.text.find(R"("amount":)");
    if (at == std::string::npos) continue;
    std::string edited = s.text;
    edited.insert(at + 9, "1");  // 12900 → 112900: a fact no invariant ties to anything
    try {
      aftersale::from_json(s.p, edited);
      ADD_FAILURE() << "accepted an edited snapshot:\n" << edited;
    } catch (const aftersale::snapshot_error& e) {
      EXPECT_EQ(e.path(), "$.integrity") << e.what();
    }
    // Without the hash it is a hand-edited snapshot, restored on purpose.
    EXPECT_NO_THROW(aftersale::from_json(s.p, without_integrity(edited)));
    ++checked;
  }
  EXPECT_GT(checked, 100U);
}

// A snapshot of the previous format, `aftersale-case/1`: no event digests, no integrity hash.
std::string as_format_1(std::string s) {
  s = without_integrity(std::move(s));
  s.replace(s.find("aftersale-case/2"), 16, "aftersale-case/1");
  for (std::size_t at; (at = s.find(R"(,"event_digest":")")) != std::string::npos;) s.erase(at, 34);
  return s;
}

TEST(snapshot_property, snapshots_of_format_1_still_restore) {
  std::size_t with_ids = 0;
  for (const sample& s : runtime_samples()) {
    if (s.text.find("\"notified\"") != std::string::npos) continue;  // SLA notices came with format 3
    const std::string old = as_format_1(s.text);
    SCOPED_TRACE(old);
    service_case back;
    ASSERT_NO_THROW(back = aftersale::from_json(s.p, old));
    const std::string again = aftersale::to_json(back);
    EXPECT_EQ(again.rfind(R"({"format":"aftersale-case/2")", 0), 0U);  // no notice sent: format 2
    EXPECT_EQ(aftersale::to_json(aftersale::from_json(s.p, again)), again);
    // The same case, its digests unknown, and a `migrated` entry after the old history (which
    // the runtime did not keep in time order then; from here on it does).
    ASSERT_EQ(back.history().size(), s.c.history().size() + 1);
    EXPECT_EQ(back.history().back().what, history_entry::kind::migrated);
    std::vector<history_entry> old_history = s.c.history();
    for (history_entry& h : old_history) h.event_digest = 0;
    EXPECT_TRUE(std::equal(old_history.begin(), old_history.end(), back.history().begin()));
    EXPECT_EQ(back.state_index(), s.c.state_index());
    EXPECT_EQ(back.applied_event_ids(), s.c.applied_event_ids());
    if (back.applied_event_ids().empty()) continue;
    // Without a digest an id applied again is taken for the same event: a duplicate, as in format 1.
    ++with_ids;
    service_case copy = back;
    const aftersale::event other{"no_such_event", "nobody", {}, back.applied_event_ids().front()};
    EXPECT_EQ(aftersale::apply(copy, other, start_time() + 24h * 400).result(),
              aftersale::outcome::status::duplicate);
  }
  EXPECT_GT(with_ids, 50U);
  // Written when history could go back in time: still restored.
  const auto longer = std::find_if(runtime_samples().rbegin(), runtime_samples().rend(), [](const sample& s) {
    return s.c.history().size() >= 3 && s.c.history().back().what != history_entry::kind::close;
  });
  ASSERT_NE(longer, runtime_samples().rend());
  service_case c = longer->c;
  const auto& hs = access::history(c);
  access::history(c)[hs.size() - 2].at = hs.back().at + 1h;  // an entry later than the one after it
  EXPECT_NO_THROW(aftersale::from_json(c.policy_ptr(), as_format_1(aftersale::to_json(c))));
  EXPECT_THROW(aftersale::from_json(c.policy_ptr(), aftersale::to_json(c)), aftersale::snapshot_error);
  // The keys of formats 2 and 3 are refused in a snapshot that says it is format 1.
  for (const sample& s : runtime_samples()) {
    if (s.text.find("event_digest") == std::string::npos) continue;
    std::string mislabelled = s.text;
    if (s.text.find("aftersale-case/2") == std::string::npos) continue;
    mislabelled.replace(s.text.find("aftersale-case/2"), 16, "aftersale-case/1");
    EXPECT_THROW(aftersale::from_json(s.p, mislabelled), aftersale::snapshot_error);  // `integrity`
    EXPECT_THROW(aftersale::from_json(s.p, without_integrity(mislabelled)), aftersale::snapshot_error);
    break;
  }
}

// Format 3 is written only for a case that needs it (a clock that sent an SLA notice); any
// other is written as format 2, as before, so workers that read only format 2 still read it
// (docs/versioning.md, "read before write"). Both restore exactly.
TEST(snapshot_property, format_3_only_when_a_notice_was_sent) {
  std::size_t with = 0, without = 0;
  for (const sample& s : runtime_samples()) {
    const bool notices = std::any_of(s.c.clocks().begin(), s.c.clocks().end(),
                                     [](const aftersale::case_clock& k) { return k.notified != 0; });
    SCOPED_TRACE(s.text);
    EXPECT_EQ(
        s.text.rfind(notices ? R"({"format":"aftersale-case/3")" : R"({"format":"aftersale-case/2")", 0), 0U);
    EXPECT_EQ(s.text.find("\"notified\"") != std::string::npos, notices);
    service_case back;
    ASSERT_NO_THROW(back = aftersale::from_json(s.p, s.text));
    EXPECT_EQ(back, s.c);
    EXPECT_EQ(aftersale::to_json(back), s.text);
    ++(notices ? with : without);
  }
  EXPECT_GT(with, 5U);  // the default policy's contact clocks warn
  EXPECT_GT(without, 100U);
  // `notified` is format 3's: refused in a snapshot that says it is format 2.
  const sample& any = runtime_samples().front();
  service_case c = any.c;
  ASSERT_FALSE(c.clocks().empty());
  access::clocks(c)[0].state = aftersale::case_clock::status::stopped;
  access::clocks(c)[0].started = start_time();
  access::clocks(c)[0].due = start_time() + 1h;
  access::clocks(c)[0].notified = 100;
  std::string text = without_integrity(aftersale::to_json(c));
  ASSERT_NE(text.find("\"notified\":100"), std::string::npos);
  ASSERT_EQ(text.rfind(R"({"format":"aftersale-case/3")", 0), 0U);
  EXPECT_NO_THROW(aftersale::from_json(any.p, text));
  text.replace(text.find("aftersale-case/3"), 16, "aftersale-case/2");
  try {
    aftersale::from_json(any.p, text);
    ADD_FAILURE() << "a format-2 snapshot with `notified` was accepted";
  } catch (const aftersale::snapshot_error& e) {
    EXPECT_EQ(e.path(), "$.clocks[0].notified") << e.what();
  }
}

}  // namespace
