// SPDX-License-Identifier: Apache-2.0
// The shipped default policy: it loads, every example request in examples/requests/ decides
// with a real rule, and its decide cases (policies/tests/decide_*.test.yaml) stay a broad corpus.
// The cases themselves run under `aftersale test policies/tests --coverage-min 100` (ctest
// `cli.default_policy.tests`), which also checks that every rule of every table is reached.
#include <gtest/gtest.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using aftersale::policy;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::shared_ptr<const policy> default_policy() {
  static const std::shared_ptr<const policy> p =
      aftersale::load_policy_file(source_dir + "/policies/default.yaml");
  return p;
}

// Regular files of `dir` whose name starts with `prefix` and ends with `suffix`, sorted.
std::vector<fs::path> files_in(const fs::path& dir, const std::string& prefix, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= prefix.size() + suffix.size() &&
        name.rfind(prefix, 0) == 0 && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DefaultPolicy, Loads) {
  std::shared_ptr<const policy> p;
  try {
    p = default_policy();
  } catch (const aftersale::policy_error& e) {
    FAIL() << e.what();
  }
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->info.id, "cn_platform_baseline");
  EXPECT_EQ(p->decisions.at(p->info.entry).id, "after_sales");
}

// The decide test files test the default policy and keep at least 60 decide cases: coverage
// alone would be kept by one case per rule, the corpus also pins boundaries and holidays.
TEST(DefaultPolicy, DecideTestFilesKeepABroadCorpus) {
  const auto files = files_in(source_dir + "/policies/tests", "decide_", ".test.yaml");
  ASSERT_FALSE(files.empty()) << "no decide_*.test.yaml in policies/tests";
  const fs::path policy_file = fs::canonical(source_dir + "/policies/default.yaml");
  std::size_t decide_cases = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    try {
      const auto suite = aftersale::testing::load_test_file(file.string());
      EXPECT_EQ(fs::canonical(suite.policy_path), policy_file);
      for (const auto& c : suite.cases) {
        EXPECT_FALSE(c.flow) << c.name << ": a decide_ file holds decide cases only";
        if (!c.flow) ++decide_cases;
      }
    } catch (const aftersale::testing::test_file_error& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(decide_cases, 60u) << "the decide corpus should keep at least 60 cases";
}

TEST(DefaultPolicy, EveryExampleRequestDecides) {
  const auto p = default_policy();
  const auto files = files_in(source_dir + "/examples/requests", "", ".json");
  const auto request_fact = p->find_fact("request");
  ASSERT_TRUE(request_fact.has_value());
  std::set<std::string> request_types;

  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::ifstream in(file);
    const auto doc = nlohmann::json::parse(in);
    ASSERT_TRUE(doc.contains("facts") && doc.contains("now") && doc.contains("note"));
    aftersale::request r;
    for (const auto& [name, value] : doc.at("facts").items()) {
      if (value.is_boolean()) {
        r.set(name, aftersale::fact_value(value.get<bool>()));
      } else if (value.is_number_integer()) {
        r.set(name, value.get<std::int64_t>());
      } else {
        r.set(name, value.get<std::string>());
      }
    }
    request_types.insert(doc.at("facts").at("request").get<std::string>());
    const auto now = aftersale::parse_timestamp(doc.at("now").get<std::string>());
    ASSERT_TRUE(now.has_value());
    try {
      const auto d = aftersale::decide(p, r, *now);
      ASSERT_EQ(d.status(), aftersale::decision_status::matched);
      // An example should show a real rule, not the catch-all.
      EXPECT_NE(d.rule_id(), "fallback_manual_review");
      EXPECT_FALSE(d.deadlines().empty());
    } catch (const aftersale::request_error& e) {
      ADD_FAILURE() << "request error: " << e.what();
    }
  }
  // One example per request type of the domain.
  const auto& declared = p->facts[*request_fact].values;
  EXPECT_EQ(request_types, std::set<std::string>(declared.begin(), declared.end()));
  EXPECT_EQ(files.size(), declared.size());
}

}  // namespace
