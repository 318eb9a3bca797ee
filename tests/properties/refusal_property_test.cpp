// SPDX-License-Identifier: Apache-2.0
// Refusals change nothing (docs/architecture.md, "Contracts"), as a property over random inputs
// generated from the shipped policies (policies/default.yaml, the apparel store that extends it)
// and the runtime test policy, many seeds each:
// - a refused request (decide throws request_error) leaves the policy's observable output
//   byte-identical: every flow's DOT and Mermaid, decisions and explanations, snapshots of cases;
// - a refused event (and one that throws) leaves the case's snapshot bytes identical;
// - a refused snapshot (from_json throws) leaves the case it would have replaced untouched, and
//   the next restore on the same thread still exact;
// - a refused policy reload (load throws policy_error) leaves the policy_handle on the same
//   policy object, at the same version, with the same output.
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/load.hpp>
#include <aftersale/policy_handle.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/random_inputs.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file
using test_support::random_inputs;

const sys_seconds monday = *parse_timestamp("2026-11-23T10:00:00+08:00");

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct subject {
  std::string name;
  std::shared_ptr<const policy> p;
};

// The apparel store extends the baseline in policies/, a folder it may read from only when named.
load_options with_baseline() {
  load_options o;
  o.policy_paths = {AFTERSALE_SOURCE_DIR "/policies"};
  return o;
}

const std::vector<subject>& subjects() {
  static const std::vector<subject> all{
      {"default", load_policy_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml")},
      {"apparel",
       load_policy_file(AFTERSALE_SOURCE_DIR "/examples/stores/apparel.yaml", {}, with_baseline())},
      {"runtime_flows", load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/runtime_flows.yaml")},
  };
  return all;
}

// A case in flow `f` of `p` with random legal facts, or nothing when those facts do not bind.
std::optional<service_case> open_in(const std::shared_ptr<const policy>& p, const flow_def& f,
                                    random_inputs& g, sys_seconds now) {
  try {
    return open_case(p, f.id, bind(*p, g.request_for(*p, now, 0)), now);
  } catch (const request_error&) {
    return std::nullopt;
  }
}

// Everything the policy shows the outside: each flow drawn, decisions and their explanations for
// fixed requests, and the snapshots of cases opened from them and in each flow.
std::string output_of(const std::shared_ptr<const policy>& p) {
  std::string out = p->info.id + ' ' + p->info.version + ' ' + std::to_string(p->info.content_hash) + '\n';
  for (const flow_def& f : p->flows) out += flow_to_dot(*p, f) + flow_to_mermaid(*p, f);
  random_inputs g(0x0b5e4e);
  for (int i = 0; i < 24; ++i) {
    try {
      const decision d = decide(p, g.request_for(*p, monday, 0), monday);
      out += explain(d);
      if (d.matched()) {
        try {
          out += to_json(open_case(d, monday));
        } catch (const error& e) {
          out += e.what();
        }
      }
    } catch (const request_error& e) {
      out += e.what();
    }
  }
  for (const flow_def& f : p->flows)
    if (const std::optional<service_case> c = open_in(p, f, g, monday)) out += to_json(*c);
  return out;
}

TEST(RefusalProperty, RefusedRequestsLeaveThePolicyAsItWas) {
  for (const subject& s : subjects()) {
    const std::string before = output_of(s.p);
    std::size_t refused = 0, decided = 0;
    for (std::uint64_t seed = 0; seed < 3000; ++seed) {
      random_inputs g(0x4e0000 + seed);
      const sys_seconds now = monday + std::chrono::minutes(g.below(60 * 24 * 30));
      const request r = g.request_for(*s.p, now, 1 + static_cast<int>(seed % 10));
      try {
        decide(s.p, r, now);
        ++decided;
      } catch (const request_error&) {
        if (++refused % 500 == 0) {
          ASSERT_EQ(output_of(s.p), before) << s.name << ", seed " << seed;
        }
      }
    }
    EXPECT_EQ(output_of(s.p), before) << s.name;
    EXPECT_GT(refused, 300U) << s.name;
    EXPECT_GT(decided, 300U) << s.name;
    std::cout << "[ figures  ] " << s.name << ": " << decided << " requests decided, " << refused
              << " refused\n";
  }
}

TEST(RefusalProperty, RefusedEventsLeaveTheSnapshotBytesAsTheyWere) {
  for (const subject& s : subjects()) {
    const std::string policy_before = output_of(s.p);
    std::size_t refused = 0, accepted = 0, threw = 0;
    for (std::uint64_t seed = 0; seed < 300; ++seed) {
      random_inputs g(0xe0e0000 + seed);
      sys_seconds now = monday + std::chrono::minutes(g.below(60 * 24 * 7));
      std::optional<service_case> opened = open_in(s.p, g.pick(s.p->flows), g, now);
      if (!opened) continue;
      service_case c = *opened;
      for (int step = 0; step < 24; ++step) {
        now = g.later(now);
        if (g.chance(10)) {
          advance(c, now);
          continue;
        }
        const event e = g.event_for(c, 15);
        const std::string bytes = to_json(c);
        const service_case copy = c;
        try {
          const outcome o = apply(c, e, now);
          if (o.accepted()) {
            ++accepted;
            continue;
          }
          ++refused;
        } catch (const error&) {
          ++threw;
        }
        ASSERT_EQ(to_json(c), bytes) << s.name << ", seed " << seed << ", event `" << e.name << "` by `"
                                     << e.actor_role << "`";
        ASSERT_TRUE(c == copy);
      }
    }
    EXPECT_EQ(output_of(s.p), policy_before) << s.name;
    EXPECT_GT(refused, 300U) << s.name;
    EXPECT_GT(accepted, 300U) << s.name;
    std::cout << "[ figures  ] " << s.name << ": " << accepted << " events accepted, " << refused
              << " refused, " << threw << " threw\n";
  }
}

// A valid snapshot, damaged one way or another.
std::string damaged(std::string json, random_inputs& g) {
  const std::size_t at = g.below(json.size());
  switch (g.below(6)) {
    case 0:
      return json.substr(0, at);
    case 1:
      json[at] = "{}[]\",:0a-\\ "[g.below(12)];
      return json;
    case 2:
      return json.erase(at, 1 + g.below(8));
    case 3: {
      const std::size_t digit = json.find_first_of("0123456789", at);
      if (digit != std::string::npos)
        json[digit] = static_cast<char>('0' + (json[digit] - '0' + 1 + g.below(9)) % 10);
      return json;
    }
    case 4: {  // a string value replaced by an unknown name
      const std::size_t colon = json.find(":\"", at);
      if (colon == std::string::npos) return json;
      const std::size_t end = json.find('"', colon + 2);
      if (end != std::string::npos) json.replace(colon + 2, end - colon - 2, "no_such_id");
      return json;
    }
    default:
      return json.insert(at, g.chance(50) ? ",\"extra\":1" : "\xff");
  }
}

TEST(RefusalProperty, RefusedSnapshotsLeaveTheCaseAsItWas) {
  for (const subject& s : subjects()) {
    const std::string policy_before = output_of(s.p);
    std::size_t refused = 0;
    for (std::uint64_t seed = 0; seed < 400; ++seed) {
      random_inputs g(0x5a0000 + seed);
      sys_seconds now = monday + std::chrono::minutes(g.below(60 * 24 * 7));
      std::optional<service_case> opened = open_in(s.p, g.pick(s.p->flows), g, now);
      if (!opened) continue;
      service_case c = *opened;
      for (int i = 0; i < 6; ++i) apply(c, g.event_for(c, 0), now = g.later(now));
      const std::string bytes = to_json(c);
      const service_case copy = c;
      const std::string bad = damaged(bytes, g);
      try {
        c = from_json(s.p, bad);
        c = copy;  // accepted (the damage kept it valid): nothing to check
        continue;
      } catch (const snapshot_error&) {
        ++refused;
      } catch (const encoding_error&) {
        ++refused;
      }
      ASSERT_EQ(to_json(c), bytes) << s.name << ", seed " << seed;
      ASSERT_TRUE(c == copy);
      // The reader keeps a parse tape per thread: a refusal must not leave it in the way.
      ASSERT_EQ(to_json(from_json(s.p, bytes)), bytes) << s.name << ", seed " << seed << ", after " << bad;
    }
    EXPECT_EQ(output_of(s.p), policy_before) << s.name;
    EXPECT_GT(refused, 200U) << s.name;
  }
}

// A policy text, damaged one line at a time.
std::string damaged_policy(const std::string& text, random_inputs& g) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::size_t at = g.below(lines.size());
  switch (g.below(5)) {
    case 0:
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at));
      break;
    case 1:
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), lines[at]);  // a duplicate key, often
      break;
    case 2:
      lines[at] += " [";
      break;
    case 3: {
      const std::size_t colon = lines[at].find(": ");
      if (colon != std::string::npos)
        lines[at].replace(colon + 2, std::string::npos, "no_such_thing_" + std::to_string(g.below(9)));
      break;
    }
    default:
      lines[at] = std::string(g.below(6), ' ') + "bogus_key: 1";
  }
  std::string out;
  for (const std::string& line : lines) out += line + '\n';
  return out;
}

TEST(RefusalProperty, RefusedReloadsLeaveTheHandleAsItWas) {
  const std::string text = read_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  policy_handle live(load_policy_string(text, "default.yaml"));
  live.replace(load_policy_string(text, "default.yaml"));  // version 2: a handle that has been used
  const std::shared_ptr<const policy> current = live.current();
  const std::string before = output_of(current);
  std::size_t refused = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    random_inputs g(0x10ad0000 + seed);
    const std::uint64_t version = live.version();
    try {
      live.replace(load_policy_string(damaged_policy(text, g), "default.yaml"));
      live.replace(current);  // accepted (a harmless change): back to the policy under test
      continue;
    } catch (const policy_error&) {
      ++refused;
    }
    ASSERT_EQ(live.current(), current) << "seed " << seed;
    ASSERT_EQ(live.version(), version) << "seed " << seed;
  }
  EXPECT_EQ(output_of(live.current()), before);
  EXPECT_GT(refused, 20U);
}

}  // namespace
