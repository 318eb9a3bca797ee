// SPDX-License-Identifier: Apache-2.0
// A policy's source texts: kept by every policy loaded, collected with its bases' by
// `policy_sources_of`, and loaded again from memory by `load_policy_sources` with the same
// content hash, the same decisions and the same diagnostics, without touching a disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
namespace fs = std::filesystem;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> all_text(const std::vector<diagnostic>& ds) {
  std::vector<std::string> out;
  for (const diagnostic& d : ds) out.push_back(to_string(d));
  return out;
}

std::vector<diagnostic> errors_of_sources(const policy_sources& s, const load_limits& limits = {}) {
  try {
    load_policy_sources(s, limits);
  } catch (const policy_error& e) {
    return e.diagnostics();
  }
  return {};
}

// Every rule of every table, in order: the same policy decides the same.
std::vector<std::string> rules_of(const policy& p) {
  std::vector<std::string> out;
  for (const decision_table& t : p.decisions) {
    for (const rule& r : t.rules) out.push_back(t.id + "/" + r.id);
  }
  return out;
}

const sys_seconds now{std::chrono::seconds(1'795'000'000)};

constexpr const char* base_text = R"(format: 1
policy: {id: base, version: "1", entry: main}
vocabulary: {solutions: [refund, decline]}
facts:
  days: {type: int, required: true}
decisions:
  main:
    rules:
      - {id: in_time, when: {days: {le: 7}}, then: {solution: refund}}
      - {id: fallback, then: {solution: decline}}
)";

constexpr const char* store_text = R"(format: 1
extends: ../base/base.yaml
policy: {id: store, version: "2"}
decisions:
  main:
    rules:
      - {id: late_but_kind, when: {days: {le: 10}}, then: {solution: refund}, after: in_time}
)";

TEST(policy_sources, TheDefaultPolicyKeepsItsTextAndLoadsAgainFromIt) {
  const std::string path = source_dir + "/policies/default.yaml";
  const auto p = load_policy_file(path);
  const policy_sources s = policy_sources_of(*p);
  ASSERT_EQ(s.texts.size(), 1u);
  EXPECT_EQ(s.texts[0].name, path);
  EXPECT_EQ(s.texts[0].file, path);
  EXPECT_EQ(s.texts[0].text, read_file(path));
  EXPECT_EQ(s.content_hash, p->info.content_hash);

  const auto again = load_policy_sources(s);
  EXPECT_EQ(again->info.content_hash, p->info.content_hash);
  EXPECT_EQ(rules_of(*again), rules_of(*p));
  EXPECT_EQ(policy_sources_of(*again).texts[0].text, s.texts[0].text);
}

TEST(policy_sources, AStoreCarriesItsBaseUnderTheNameItsExtendsWrote) {
  load_options o;
  o.policy_paths = {source_dir + "/policies"};
  const auto store = load_policy_file(source_dir + "/examples/stores/apparel.yaml", {}, o);
  const policy_sources s = policy_sources_of(*store);
  ASSERT_EQ(s.texts.size(), 2u);
  EXPECT_EQ(s.texts[1].name, "../../policies/default.yaml");
  EXPECT_EQ(fs::path(s.texts[1].file), fs::path(source_dir + "/policies/default.yaml").lexically_normal());
  EXPECT_EQ(s.texts[1].text, read_file(source_dir + "/policies/default.yaml"));

  const auto again = load_policy_sources(s);
  EXPECT_EQ(again->info.content_hash, store->info.content_hash);
  EXPECT_EQ(rules_of(*again), rules_of(*store));
  ASSERT_NE(again->base, nullptr);
  EXPECT_EQ(again->base->info.content_hash, store->base->info.content_hash);
  // What was collected from the reloaded policy is what it was loaded from.
  const policy_sources twice = policy_sources_of(*again);
  ASSERT_EQ(twice.texts.size(), 2u);
  EXPECT_EQ(twice.texts[1].name, s.texts[1].name);
  EXPECT_EQ(twice.texts[1].file, s.texts[1].file);
}

TEST(policy_sources, NoDiskIsReadAndDecisionsAreTheSame) {
  // Names of files that exist nowhere: the base is found among the texts only.
  const policy_sources s{{{"/nowhere/stores/store.yaml", "/nowhere/stores/store.yaml", store_text},
                          {"../base/base.yaml", "/nowhere/base/base.yaml", base_text}},
                         0};
  const auto p = load_policy_sources(s);
  EXPECT_EQ(rules_of(*p), (std::vector<std::string>{"main/in_time", "main/late_but_kind", "main/fallback"}));
  EXPECT_EQ(p->base->info.id, "base");
  request r;
  r.set("days", 9);
  EXPECT_EQ(decide(p, r, now).rule_id(), "late_but_kind");

  // The same files on disk load the same policy, of the same content hash.
  const fs::path dir = fs::temp_directory_path() / "aftersale_sources_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "stores");
  fs::create_directories(dir / "base");
  std::ofstream(dir / "stores" / "store.yaml", std::ios::binary) << store_text;
  std::ofstream(dir / "base" / "base.yaml", std::ios::binary) << base_text;
  load_options o;
  o.policy_paths = {dir.string()};
  const auto on_disk = load_policy_file((dir / "stores" / "store.yaml").string(), {}, o);
  fs::remove_all(dir);
  EXPECT_EQ(on_disk->info.content_hash, p->info.content_hash);
  EXPECT_EQ(rules_of(*on_disk), rules_of(*p));
}

TEST(policy_sources, DiagnosticsAreThoseOfTheFiles) {
  // A base with a mistake: reported in the base's file, as when loading from disk.
  std::string broken_base = base_text;
  broken_base.replace(broken_base.find("then: {solution: decline}"), 25, "then: {solution: declin}");
  const fs::path dir = fs::temp_directory_path() / "aftersale_sources_diagnostics";
  fs::remove_all(dir);
  fs::create_directories(dir / "stores");
  fs::create_directories(dir / "base");
  std::ofstream(dir / "stores" / "store.yaml", std::ios::binary) << store_text;
  std::ofstream(dir / "base" / "base.yaml", std::ios::binary) << broken_base;
  const std::string store_file = (dir / "stores" / "store.yaml").string();
  const std::string base_file = (dir / "stores" / "../base/base.yaml").lexically_normal().string();
  std::vector<diagnostic> from_disk;
  try {
    load_options o;
    o.policy_paths = {dir.string()};
    load_policy_file(store_file, {}, o);
  } catch (const policy_error& e) {
    from_disk = e.diagnostics();
  }
  fs::remove_all(dir);
  ASSERT_EQ(from_disk.size(), 1u);
  const policy_sources s{
      {{store_file, store_file, store_text}, {"../base/base.yaml", base_file, broken_base}}, 0};
  EXPECT_EQ(all_text(errors_of_sources(s)), all_text(from_disk));
  EXPECT_THAT(to_string(from_disk[0]), ::testing::StartsWith(base_file + ":10:41: error[E200]"));
}

TEST(policy_sources, TheLimitsOfTheLoaderHold) {
  const policy_sources s{
      {{"store.yaml", "store.yaml", store_text}, {"../base/base.yaml", "base.yaml", base_text}}, 0};
  load_limits tight;
  tight.max_extends_depth = 0;
  EXPECT_THAT(all_text(errors_of_sources(s, tight)),
              ::testing::ElementsAre(::testing::StartsWith("store.yaml:2:1: error[E213]")));
  // Two texts of one file name: a chain that comes back to a file is a cycle.
  const policy_sources looped{
      {{"store.yaml", "store.yaml", store_text}, {"../base/base.yaml", "store.yaml", store_text}}, 0};
  EXPECT_THAT(
      all_text(errors_of_sources(looped)),
      ::testing::ElementsAre("store.yaml:2:1: error[E211]: policy extends itself: `store.yaml` -> "
                             "`store.yaml`\n  help: a base policy must not extend, directly or through "
                             "its own bases, a policy that extends it"));
}

TEST(policy_sources, ABaseIsLookedForAfterItsStoreOnly) {
  // The base listed before the store is not the store's base (and is read by nothing).
  const policy_sources s{{{"base.yaml", "base.yaml", base_text}, {"store.yaml", "store.yaml", store_text}},
                         0};
  EXPECT_THAT(
      all_text(errors_of_sources(s)),
      ::testing::ElementsAre("base.yaml: error[E239]: source text `store.yaml` (store.yaml) is not a base "
                             "of the policy\n  help: the texts are the policy's own, then the base its "
                             "`extends:` names, then that base's base: leave out texts no `extends:` "
                             "names"));
  const policy_sources misnamed{
      {{"store.yaml", "store.yaml", store_text}, {"../base/bsae.yaml", "base.yaml", base_text}}, 0};
  EXPECT_THAT(
      all_text(errors_of_sources(misnamed)),
      ::testing::ElementsAre("store.yaml:2:1: error[E237]: base policy `../base/base.yaml` is not among "
                             "the texts the policy is loaded from\n  help: did you mean "
                             "`../base/bsae.yaml`? the texts after `store.yaml` are named "
                             "`../base/bsae.yaml`"));
}

TEST(policy_sources, AChangedTextIsRefusedByTheContentHash) {
  const auto p = load_policy_string(base_text, "base.yaml");
  policy_sources s = policy_sources_of(*p);
  s.texts[0].text.replace(s.texts[0].text.find("le: 7"), 5, "le: 9");
  const std::vector<std::string> got = all_text(errors_of_sources(s));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0],
              ::testing::MatchesRegex("base\\.yaml: error\\[E238\\]: the source texts load a policy of "
                                      "content hash [0-9a-f]{16}, not the expected [0-9a-f]{16}\n.*"));
  s.content_hash = 0;  // not checked: the changed text loads
  EXPECT_NE(load_policy_sources(s)->info.content_hash, p->info.content_hash);
}

TEST(policy_sources, NoTextsNoPolicy) {
  EXPECT_THAT(
      all_text(errors_of_sources(policy_sources{})),
      ::testing::ElementsAre("<sources>: error[E239]: no source texts to load a policy from\n  help: give "
                             "the policy's own text first, then the bases its `extends:` names"));
  // A policy built in code has no texts.
  policy built;
  EXPECT_TRUE(policy_sources_of(built).texts.empty());
  EXPECT_EQ(policy_sources_of(built).content_hash, 0u);
}

}  // namespace
