// SPDX-License-Identifier: Apache-2.0
// Store policies on a base (`extends:`): what a store inherits, how its rules are placed and
// override the base's, what it may not change, and where diagnostics point.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/stat.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
namespace fs = std::filesystem;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

constexpr const char* base_text = R"(format: 1
policy: {id: base, version: "1", entry: main, calendar: utc}
calendars: {utc: {time_zone: UTC, hours: {mon: ["09:00-18:00"]}}}
vocabulary:
  solutions: [refund, decline, review]
  parties: [customer, merchant]
facts:
  reason: {type: enum, values: [changed_mind, broken], required: true}
  days: {type: int, default: 0}
clocks:
  first_response: {within: {hours: 2}}
decisions:
  main:
    hit_policy: first
    rules:
      - {id: broken_refund, when: {reason: broken}, then: {solution: refund, fee_payer: merchant}}
      - {id: late_decline, when: {days: {gt: 7}}, then: {solution: decline}}
      - {id: fallback, when: {}, then: {solution: review, clocks: [first_response]}}
)";

class extends_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("aftersale_extends_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "base");
    write("base/base.yaml", base_text);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).lexically_normal().string(); }

  // The store's diagnostics (empty when it loads).
  std::vector<diagnostic> errors_of(const std::string& store) {
    try {
      load_policy_file(write("store.yaml", store));
    } catch (const policy_error& e) {
      return e.diagnostics();
    }
    return {};
  }

  static std::vector<std::string> rule_ids(const policy& p, std::string_view table = "main") {
    std::vector<std::string> out;
    for (const rule& r : p.decisions[*p.find_decision(table)].rules) out.push_back(r.id);
    return out;
  }

  fs::path dir_;
};

constexpr const char* header = "format: 1\nextends: base/base.yaml\npolicy: {id: store, version: \"7\"}\n";

TEST_F(extends_test, store_inherits_everything_and_keeps_its_base) {
  auto p = load_policy_file(write("store.yaml", header));
  EXPECT_EQ(p->info.id, "store");
  EXPECT_EQ(p->info.version, "7");
  ASSERT_NE(p->base, nullptr);
  EXPECT_EQ(p->base->info.id, "base");
  EXPECT_EQ(p->base->base, nullptr);
  EXPECT_EQ(rule_ids(*p), rule_ids(*p->base));
  EXPECT_EQ(p->decisions[p->info.entry].id, "main");
  // Inherited declarations still say where they were written: in the base.
  EXPECT_EQ(p->decisions[0].rules[0].where.file, path("base/base.yaml"));
  EXPECT_EQ(p->decisions[0].rules[0].where.line, 16u);
}

TEST_F(extends_test, content_hash_covers_the_base_text) {
  const std::string store = write("store.yaml", header);
  const std::uint64_t before = load_policy_file(store)->info.content_hash;
  EXPECT_EQ(load_policy_file(store)->info.content_hash, before);
  write("base/base.yaml", std::string(base_text) + "# a comment changes the base text\n");
  EXPECT_NE(load_policy_file(store)->info.content_hash, before);
}

TEST_F(extends_test, an_override_replaces_the_base_rule_in_place) {
  auto p = load_policy_file(write("store.yaml", std::string(header) + R"(decisions:
  main:
    rules:
      - {id: late_decline, when: {days: {gt: 30}}, then: {solution: decline}}
)"));
  EXPECT_THAT(rule_ids(*p), ::testing::ElementsAre("broken_refund", "late_decline", "fallback"));
  const rule& r = p->decisions[0].rules[1];
  EXPECT_EQ(r.where.file, path("store.yaml"));
  ASSERT_EQ(r.conditions.size(), 1u);
  EXPECT_EQ(r.conditions[0].lo, 31);
  // The evaluator sees the override: 10 days is no longer late.
  auto d = decide(p, request{}.set("reason", "changed_mind").set("days", 10), sys_seconds{});
  EXPECT_EQ(d.rule_id(), "fallback");
  auto b = decide(p->base, request{}.set("reason", "changed_mind").set("days", 10), sys_seconds{});
  EXPECT_EQ(b.rule_id(), "late_decline");
}

TEST_F(extends_test, new_rules_go_ahead_of_the_base_unless_placed) {
  auto p = load_policy_file(write("store.yaml", std::string(header) + R"(decisions:
  main:
    rules:
      - {id: first_new, when: {days: 99}, then: {solution: decline}}
      - {id: after_broken, after: broken_refund, when: {days: 1}, then: {solution: refund}}
      - {id: before_fallback, before: fallback, when: {days: 2}, then: {solution: refund}}
      - {id: second_new, when: {days: 98}, then: {solution: decline}}
)"));
  EXPECT_THAT(rule_ids(*p), ::testing::ElementsAre("first_new", "second_new", "broken_refund", "after_broken",
                                                   "late_decline", "before_fallback", "fallback"));
}

TEST_F(extends_test, a_rule_may_be_placed_relative_to_another_new_rule) {
  auto p = load_policy_file(write("store.yaml", std::string(header) + R"(decisions:
  main:
    rules:
      - {id: a, before: fallback, when: {days: 1}, then: {solution: refund}}
      - {id: b, after: a, when: {days: 2}, then: {solution: refund}}
)"));
  EXPECT_THAT(rule_ids(*p), ::testing::ElementsAre("broken_refund", "late_decline", "a", "b", "fallback"));
}

TEST_F(extends_test, store_adds_vocabulary_facts_clocks_tables_and_flows) {
  auto p = load_policy_file(write("store.yaml", std::string(header) + R"(vocabulary:
  solutions: [exchange]
facts:
  hygiene: {type: bool, default: false}
clocks:
  first_response: {within: {hours: 1}}
  restock: {within: {days: 3}}
decisions:
  extra:
    rules:
      - {id: ex, when: {hygiene: true}, then: {solution: exchange, flow: swap}}
flows:
  swap:
    start: open
    states:
      open: {}
      done: {terminal: true}
    transitions:
      - {from: open, event: shipped, to: done}
)"));
  EXPECT_EQ(p->vocabulary.solutions.size(), 4u);
  EXPECT_EQ(p->vocabulary.solutions.back().id, "exchange");
  ASSERT_TRUE(p->find_fact("hygiene"));
  EXPECT_TRUE(p->find_fact("reason"));
  ASSERT_TRUE(p->find_clock("restock"));
  // A clock overridden by id is replaced whole, in its place.
  EXPECT_EQ(*p->find_clock("first_response"), 0u);
  EXPECT_EQ(p->clocks[0].within.amount, 3600);
  EXPECT_TRUE(p->find_decision("extra"));
  EXPECT_TRUE(p->find_flow("swap"));
  EXPECT_EQ(p->decisions[p->info.entry].id, "main");
}

TEST_F(extends_test, an_enum_fact_may_gain_values_but_not_change_type_or_lose_values) {
  auto p = load_policy_file(write("store.yaml", std::string(header) + R"(facts:
  reason: {type: enum, values: [changed_mind, broken, faded], required: true}
)"));
  EXPECT_EQ(p->facts[*p->find_fact("reason")].values.size(), 3u);

  auto e = errors_of(std::string(header) + "facts:\n  days: {type: money}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::type_mismatch);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":5:16");
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("fact `days` is `int` in the base"));

  e = errors_of(std::string(header) + "facts:\n  reason: {type: enum, values: [broken]}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::type_mismatch);
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("drops `changed_mind`"));
}

TEST_F(extends_test, diagnostics_point_into_the_file_that_has_the_mistake) {
  // A mistake in the store's own rule: the store's file and line.
  auto e = errors_of(std::string(header) + R"(decisions:
  main:
    rules:
      - {id: x, when: {colour: red}, then: {solution: refund}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::unknown_id);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":7:24");

  // A mistake in the base: the base's file.
  write("base/base.yaml", std::string(base_text) + "      - {id: bad, then: {solution: nope}}\n");
  e = errors_of(header);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::unknown_id);
  EXPECT_EQ(e[0].where.file, path("base/base.yaml"));
  EXPECT_EQ(e[0].where.line, 19u);
}

TEST_F(extends_test, a_store_rule_using_a_base_name_it_broke_is_reported_in_the_store) {
  // The store renames the solution its override uses: the reference is the store's mistake.
  auto e = errors_of(std::string(header) + R"(decisions:
  main:
    rules:
      - {id: broken_refund, when: {reason: broken}, then: {solution: refund_now}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].where.file, path("store.yaml"));
}

TEST_F(extends_test, a_missing_base_is_e109_at_the_extends_key) {
  auto e = errors_of("format: 1\npolicy: {id: s, version: \"1\"}\nextends: base/nope.yaml\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::file_unreadable);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":3:1");
  EXPECT_THAT(e[0].message, ::testing::HasSubstr(path("base/nope.yaml")));
}

TEST_F(extends_test, a_cycle_is_e211_with_the_chain) {
  write("base/a.yaml", "format: 1\nextends: b.yaml\npolicy: {id: a, version: \"1\"}\n");
  write("base/b.yaml", "format: 1\nextends: ../store.yaml\npolicy: {id: b, version: \"1\"}\n");
  auto e = errors_of("format: 1\nextends: base/a.yaml\npolicy: {id: s, version: \"1\"}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::extends_cycle);
  EXPECT_EQ(to_string(e[0].where), path("base/b.yaml") + ":2:1");
  EXPECT_THAT(e[0].message, ::testing::HasSubstr("store.yaml` -> `" + path("base/a.yaml") + "` -> `" +
                                                 path("base/b.yaml") + "` -> `" + path("store.yaml") + "`"));

  e = errors_of("format: 1\nextends: store.yaml\npolicy: {id: s, version: \"1\"}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::extends_cycle);
}

TEST_F(extends_test, a_base_may_itself_extend_another_base) {
  write("base/mid.yaml", R"(format: 1
extends: base.yaml
policy: {id: mid, version: "2"}
decisions:
  main:
    rules:
      - {id: mid_rule, before: fallback, when: {days: 5}, then: {solution: refund}}
)");
  auto p = load_policy_file(
      write("store.yaml", "format: 1\nextends: base/mid.yaml\npolicy: {id: s, version: \"3\"}\n"));
  ASSERT_NE(p->base, nullptr);
  ASSERT_NE(p->base->base, nullptr);
  EXPECT_EQ(p->base->info.id, "mid");
  EXPECT_EQ(p->base->base->info.id, "base");
  EXPECT_THAT(rule_ids(*p), ::testing::ElementsAre("broken_refund", "late_decline", "mid_rule", "fallback"));
  EXPECT_EQ(p->decisions[0].rules[2].where.file, path("base/mid.yaml"));
}

TEST_F(extends_test, what_a_store_cannot_change_is_e212) {
  auto e = errors_of("format: 1\nextends: base/base.yaml\npolicy: {id: s, version: \"1\", entry: other}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::override_refused);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":3:38");

  e = errors_of(std::string(header) + "decisions:\n  main:\n    hit_policy: unique\n    rules: []\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].code, error_code::override_refused);

  // An aggregate is part of what a table answers: a store cannot add one (nor change or drop it).
  e = errors_of(std::string(header) + "decisions:\n  main:\n    aggregate: {op: count}\n    rules: []\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].code, error_code::override_refused);
  EXPECT_EQ(e[0].message,
            "a store policy cannot change the aggregate of table `main` (the base aggregates nothing)");

  e = errors_of(std::string(header) + R"(decisions:
  main:
    rules:
      - {id: fallback, after: broken_refund, when: {}, then: {solution: review}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::override_refused);

  e = errors_of(std::string(header) + R"(decisions:
  main:
    rules:
      - {id: lost, after: no_such_rule, when: {}, then: {solution: review}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::unknown_id);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":7:27");
}

// A protected scope read with a store's redefinition of its facts would change what is
// protected (days counted as hours, wrong items no longer the merchant's): refused, while a
// description or new enum values still may change.
TEST_F(extends_test, what_a_protected_scope_reads_cannot_be_redefined) {
  write("base/protecting.yaml", R"(format: 1
policy: {id: base, version: "1", entry: main}
calendars: {cn: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"]}}}
vocabulary: {solutions: [refund, decline], parties: [customer, merchant]}
facts:
  reason: {type: enum, values: [changed_mind, wrong_item], required: true}
  responsible: {type: enum, values: [customer, merchant], derived: {map: reason, cases: {changed_mind: customer, wrong_item: merchant}}}
  delivered_at: {type: timestamp, required: true}
  days: {type: int, derived: {days_since: delivered_at, calendar: cn}}
  note: {type: string}
decisions:
  main:
    rules:
      - {id: in_time, when: {days: {le: 7}}, then: {solution: refund, fee_payer: merchant}}
      - {id: late, when: {}, then: {solution: decline, fee_payer: merchant}}
protected:
  seven_days:
    when: {days: {between: [0, 7]}}
    solution: refund
  merchant_pays:
    when: {responsible: merchant}
    fee_payer: merchant
)");
  const std::string head = "format: 1\nextends: base/protecting.yaml\npolicy: {id: store, version: \"1\"}\n";
  struct refused {
    std::string text;
    std::string where;
    std::string name;
  };
  const std::vector<refused> cases = {
      {"facts:\n  days: {type: int, derived: {hours_since: delivered_at, calendar: cn}}\n", ":5:3",
       "fact `days`"},
      {"facts:\n  delivered_at: {type: timestamp, default: \"2000-01-01T00:00:00Z\"}\n", ":5:3",
       "fact `delivered_at`"},
      {"facts:\n  responsible: {type: enum, values: [customer, merchant], derived: {map: reason, cases: "
       "{changed_mind: customer}}}\n",
       ":5:3", "fact `responsible`"},
      {"calendars:\n  cn: {time_zone: Pacific/Kiritimati, hours: {mon: [\"09:00-18:00\"]}}\n", ":5:3",
       "calendar `cn`"},
  };
  for (const refused& c : cases) {
    SCOPED_TRACE(c.text);
    const auto e = errors_of(head + c.text);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].code, error_code::override_refused);
    EXPECT_EQ(to_string(e[0].where), path("store.yaml") + c.where);
    EXPECT_THAT(e[0].message, ::testing::HasSubstr(c.name + " is read by the base's protected outcome"));
  }
  // Harmless: a new description, a new enum value, a fact no scope reads, the calendar's hours.
  EXPECT_THAT(errors_of(head + R"(calendars:
  cn: {time_zone: Asia/Shanghai, hours: {tue: ["10:00-12:00"]}}
facts:
  days: {type: int, derived: {days_since: delivered_at, calendar: cn}, description: dates since delivery}
  reason: {type: enum, values: [changed_mind, wrong_item, other], required: true}
  note: {type: string, default: none}
)"),
              ::testing::IsEmpty());
}

TEST_F(extends_test, overriding_one_base_rule_twice_is_e201) {
  auto e = errors_of(std::string(header) + R"(decisions:
  main:
    rules:
      - {id: fallback, when: {}, then: {solution: review}}
      - {id: fallback, when: {}, then: {solution: decline}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::duplicate_id);
  EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":8:14");
}

TEST_F(extends_test, a_store_needs_its_own_id_and_version) {
  auto e = errors_of("format: 1\nextends: base/base.yaml\npolicy: {name: shop}\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].code, error_code::missing_key);
  EXPECT_EQ(e[1].code, error_code::missing_key);
  e = errors_of("extends: base/base.yaml\npolicy: {id: s, version: \"1\"}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::missing_key);
}

TEST_F(extends_test, placement_keys_mean_nothing_without_a_base) {
  auto e = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts: {}
decisions: {main: {rules: [{id: r, after: x, then: {solution: refund}}]}}
)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::unknown_key);
}

// ---- hardening: chain depth, files that are not regular, files that are not policies ----

TEST_F(extends_test, a_chain_at_the_depth_limit_loads_on_a_one_mib_stack) {
  const std::size_t limit = load_limits{}.max_extends_depth;
  ASSERT_EQ(limit, 16u);
  for (std::size_t i = 0; i < limit; ++i) {
    write("p" + std::to_string(i) + ".yaml", "format: 1\nextends: p" + std::to_string(i + 1) +
                                                 ".yaml\npolicy: {id: p" + std::to_string(i) +
                                                 ", version: \"1\"}\n");
  }
  write("p" + std::to_string(limit) + ".yaml", base_text);
  struct job {
    std::string file;
    std::string error;
    std::size_t depth = 0;
  } j{path("p0.yaml"), {}, 0};
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, std::size_t{1} << 20), 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    auto* jb = static_cast<job*>(arg);
    try {
      for (auto p = load_policy_file(jb->file); p; p = p->base) ++jb->depth;
    } catch (const std::exception& e) {
      jb->error = e.what();
    }
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &j), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(j.error, "");
  EXPECT_EQ(j.depth, limit + 1);
}

TEST_F(extends_test, a_chain_past_the_limit_is_e213_at_the_extends_one_link_too_deep) {
  load_limits limits;
  limits.max_extends_depth = 3;
  for (std::size_t i = 0; i < 4; ++i) {
    write("p" + std::to_string(i) + ".yaml", "format: 1\npolicy: {id: p" + std::to_string(i) +
                                                 ", version: \"1\"}\nextends: p" + std::to_string(i + 1) +
                                                 ".yaml\n");
  }
  write("p4.yaml", base_text);
  EXPECT_EQ(load_policy_file(path("p1.yaml"), limits)->base->base->base->info.id, "base");
  try {
    load_policy_file(path("p0.yaml"), limits);
    FAIL() << "a chain of 4 links loaded with max_extends_depth = 3";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.code, error_code::extends_too_deep);
    EXPECT_EQ(to_string(d.where), path("p3.yaml") + ":3:1");
    EXPECT_EQ(d.message, "`extends` goes more than 3 links deep: `" + path("p0.yaml") + "` -> `" +
                             path("p1.yaml") + "` -> `" + path("p2.yaml") + "` -> `" + path("p3.yaml") +
                             "` -> `" + path("p4.yaml") + "`");
  }
  limits.max_extends_depth = 0;
  EXPECT_THROW(load_policy_file(path("p3.yaml"), limits), policy_error);
}

TEST_F(extends_test, a_fifo_or_a_directory_as_base_is_e109_at_once) {
  ASSERT_EQ(::mkfifo(path("base/pipe.yaml").c_str(), 0600), 0);
  const std::pair<std::string, std::string> cases[] = {
      {"base/pipe.yaml", "it is a fifo, not a regular file"},
      {"base", "it is a directory, not a regular file"},
  };  // a device lies outside the policy's folder: E216 (extends_roots_test)
  for (const auto& [target, why] : cases) {
    SCOPED_TRACE(target);
    // Opening a FIFO without a writer would block: the load runs apart, and must end quickly.
    auto done = std::async(std::launch::async, [&, target = target] {
      return errors_of("format: 1\npolicy: {id: s, version: \"1\"}\nextends: " + target + "\n");
    });
    ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the load hangs";
    const auto e = done.get();
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].code, error_code::file_unreadable);
    EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":3:1");
    const std::string shown = target[0] == '/' ? target : path(target);
    EXPECT_EQ(e[0].message, "cannot read base policy `" + shown + "`: " + why);
  }
}

TEST_F(extends_test, load_policy_file_refuses_a_fifo_or_a_directory_before_opening_it) {
  ASSERT_EQ(::mkfifo(path("pipe.yaml").c_str(), 0600), 0);
  for (const std::string& target : {path("pipe.yaml"), path("base")}) {
    auto done = std::async(std::launch::async, [target] {
      try {
        load_policy_file(target);
      } catch (const policy_error& e) {
        return e.diagnostics();
      }
      return std::vector<diagnostic>{};
    });
    ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready) << target;
    const auto e = done.get();
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].code, error_code::file_unreadable);
    EXPECT_THAT(e[0].message, ::testing::HasSubstr("not a regular file"));
  }
}

TEST_F(extends_test, a_base_that_is_not_a_policy_is_e214_and_its_text_is_never_quoted) {
  const std::pair<std::string, std::string> cases[] = {
      {"root:$6$SECRETHASH:19000:0:99999:7:::\n", "its top level has no `format:` key"},
      {"SECRET LINE ONE\nSECRET LINE TWO\n", "its top level is not a mapping"},
      {"SECRETKEY: SECRETVALUE\n", "its top level has no `format:` key"},
      {"- SECRETITEM\n", "its top level is not a mapping"},
      {"SECRETKEY: [SECRETVALUE\n", "it is not yaml with `format:` at its top level"},
      {"SECRETKEY: a\nSECRETKEY: b\n", "its top level has no `format:` key"},  // a duplicate key still reads
  };
  for (const auto& [text, why] : cases) {
    SCOPED_TRACE(text);
    write("base/secret", text);
    const auto e = errors_of("format: 1\npolicy: {id: s, version: \"1\"}\nextends: base/secret\n");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].code, error_code::not_a_policy);
    EXPECT_EQ(to_string(e[0].where), path("store.yaml") + ":3:1");
    EXPECT_EQ(e[0].message, "base policy `" + path("base/secret") + "` is not a policy: " + why);
    EXPECT_THAT(to_string(e[0]) + e[0].help, ::testing::Not(::testing::HasSubstr("SECRET")));
  }
  // A policy with a yaml mistake keeps its own located diagnostic.
  write("base/typo.yaml", "format: 1\npolicy: {id: b, version: \"1\"\n");
  const auto e = errors_of("format: 1\npolicy: {id: s, version: \"1\"}\nextends: base/typo.yaml\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, error_code::yaml_syntax);
  EXPECT_EQ(e[0].where.file, path("base/typo.yaml"));
}

// ---- where a base may live: below the policy's own folder or a policy path (E216) ----------

// A second folder next to the test's, outside it, holding a valid base policy.
class extends_roots_test : public extends_test {
 protected:
  void SetUp() override {
    extends_test::SetUp();
    outside_ = dir_.string() + "_outside";
    fs::remove_all(outside_);
    fs::create_directories(outside_);
    std::ofstream(outside_ / "base.yaml", std::ios::binary) << base_text;
  }
  void TearDown() override {
    fs::remove_all(outside_);
    extends_test::TearDown();
  }
  static void expect_outside(const std::vector<diagnostic>& e, const std::string& where) {
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].code, error_code::outside_policy_paths);
    EXPECT_EQ(to_string(e[0].where), where);
    EXPECT_THAT(e[0].message, ::testing::HasSubstr("is outside the folders policies may be read from"));
  }
  fs::path outside_;
};

std::string store_on(const std::string& target) {
  return "format: 1\npolicy: {id: s, version: \"1\"}\nextends: " + target + "\n";
}

TEST_F(extends_roots_test, a_system_file_is_refused_before_it_is_read) {
  for (const char* target : {"/etc/passwd", "/etc/shadow", "/proc/self/environ", "/dev/zero"}) {
    SCOPED_TRACE(target);
    const auto e = errors_of(store_on(target));
    expect_outside(e, path("store.yaml") + ":3:1");
    EXPECT_EQ(e[0].message,
              std::string("base policy `") + target + "` is outside the folders policies may be read from");
    EXPECT_THAT(to_string(e[0]), ::testing::Not(::testing::HasSubstr("root:")));
  }
}

TEST_F(extends_roots_test, dot_dot_cannot_climb_out_of_the_policy_folder) {
  const std::string up = "../" + fs::path(outside_).filename().string() + "/base.yaml";
  expect_outside(errors_of(store_on(up)), path("store.yaml") + ":3:1");
  expect_outside(errors_of(store_on("base/../../" + fs::path(outside_).filename().string() + "/base.yaml")),
                 path("store.yaml") + ":3:1");
  // `..` that stays inside is fine.
  EXPECT_TRUE(errors_of(store_on("base/../base/base.yaml")).empty());
}

TEST_F(extends_roots_test, a_symbolic_link_cannot_lead_out) {
  fs::create_symlink(outside_ / "base.yaml", dir_ / "base" / "link.yaml");
  expect_outside(errors_of(store_on("base/link.yaml")), path("store.yaml") + ":3:1");
  fs::create_directory_symlink(outside_, dir_ / "linked");
  expect_outside(errors_of(store_on("linked/base.yaml")), path("store.yaml") + ":3:1");
  // A link that stays inside is followed.
  fs::create_symlink(dir_ / "base" / "base.yaml", dir_ / "inside.yaml");
  EXPECT_TRUE(errors_of(store_on("inside.yaml")).empty());
}

TEST_F(extends_roots_test, a_base_of_a_base_is_held_to_the_same_roots) {
  write("base/mid.yaml", store_on("../../" + fs::path(outside_).filename().string() + "/base.yaml"));
  expect_outside(errors_of(store_on("base/mid.yaml")), path("base/mid.yaml") + ":3:1");
}

TEST_F(extends_roots_test, policy_paths_allow_a_folder_like_an_include_path) {
  const std::string store = write("store.yaml", store_on("base.yaml"));
  // Not next to the store: found in the policy path.
  write("base.yaml", "");
  fs::remove(dir_ / "base.yaml");
  load_options o;
  o.policy_paths = {outside_.string()};
  auto p = load_policy_file(store, {}, o);
  ASSERT_NE(p->base, nullptr);
  EXPECT_EQ(p->base->info.where.file, (outside_ / "base.yaml").lexically_normal().string());
  // Relative to the store, through `..`, once the folder is allowed.
  const std::string up = "../" + fs::path(outside_).filename().string() + "/base.yaml";
  EXPECT_NE(load_policy_file(write("store.yaml", store_on(up)), {}, o)->base, nullptr);
}

TEST_F(extends_roots_test, a_server_may_allow_exactly_its_baseline_folder) {
  // Uploaded text has no folder: nothing is allowed unless named.
  try {
    load_policy_string(store_on("base.yaml"), "upload.yaml");
    FAIL() << "text extended a file without a policy path";
  } catch (const policy_error& e) {
    expect_outside(e.diagnostics(), "upload.yaml:3:1");
  }
  load_options o;
  o.policy_paths = {outside_.string()};
  EXPECT_NE(load_policy_string(store_on("base.yaml"), "upload.yaml", {}, o)->base, nullptr);
  // The baseline folder and nothing else: not the upload's folder, not a sibling.
  o.file_folder = false;
  try {
    load_policy_file(write("store.yaml", store_on("base/base.yaml")), {}, o);
    FAIL() << "the upload's own folder was allowed";
  } catch (const policy_error& e) {
    expect_outside(e.diagnostics(), path("store.yaml") + ":3:1");
  }
  try {
    load_policy_string(store_on(path("base/base.yaml")), "upload.yaml", {}, o);
    FAIL() << "an absolute path outside the baseline was allowed";
  } catch (const policy_error& e) {
    expect_outside(e.diagnostics(), "upload.yaml:3:1");
  }
  // A folder whose name starts like the root's is not inside it.
  fs::create_directories(outside_.string() + "x");
  std::ofstream(outside_.string() + "x/base.yaml", std::ios::binary) << base_text;
  try {
    load_policy_string(store_on(outside_.string() + "x/base.yaml"), "upload.yaml", {}, o);
    FAIL() << "a sibling folder with a longer name was allowed";
  } catch (const policy_error& e) {
    expect_outside(e.diagnostics(), "upload.yaml:3:1");
  }
  fs::remove_all(outside_.string() + "x");
}

TEST(extends_shipped, the_apparel_store_needs_the_baseline_folder_as_a_policy_path) {
  try {
    load_policy_file(source_dir + "/examples/stores/apparel.yaml");
    FAIL() << "the store read policies/ without a policy path";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].code, error_code::outside_policy_paths);
  }
}

TEST(extends_shipped, the_apparel_store_extends_the_default_policy) {
  load_options o;
  o.policy_paths = {source_dir + "/policies"};
  auto p = load_policy_file(source_dir + "/examples/stores/apparel.yaml", {}, o);
  ASSERT_NE(p->base, nullptr);
  EXPECT_EQ(p->base->info.id, "cn_platform_baseline");
  EXPECT_TRUE(p->find_fact("hygiene_goods"));
  const auto& mine = p->decisions[p->info.entry].rules;
  const auto& theirs = p->base->decisions[p->base->info.entry].rules;
  EXPECT_GT(mine.size(), theirs.size());
  EXPECT_EQ(mine.back().id, theirs.back().id);
}

}  // namespace
