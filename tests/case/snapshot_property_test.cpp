// Properties of case snapshots over random event sequences (fixed seeds, so failures repeat):
//  - snapshot → restore → continue ends exactly like never stopping (case and snapshot text);
//  - every refused or duplicate event leaves the snapshot byte-identical;
//  - corrupted snapshots (truncated, bytes flipped, keys renamed, values swapped for other
//    JSON) are refused with snapshot_error, or — when the change happens to stay valid —
//    restore to a case whose snapshot round-trips; never another exception, never a crash
//    (this test runs under ASan/UBSan in developer builds).
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace {

using aftersale::service_case;
using aftersale::sys_seconds;
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

}  // namespace
