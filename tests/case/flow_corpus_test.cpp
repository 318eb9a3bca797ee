// SPDX-License-Identifier: Apache-2.0
// Structure of the shipped default flows and of their test files. The flow cases themselves
// (policies/tests/flow_<flow>.test.yaml) run under `aftersale test policies/tests
// --coverage-min 100` (ctest `cli.default_policy.tests`), snapshots checked after every step;
// this test adds what the runner does not check: every flow has its own test file, which
// expects a refused event, and the suite drives every flow into a terminal state and fires one
// of its timers. Format: docs/testing.md.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using aftersale::policy;

const std::string source_dir = AFTERSALE_SOURCE_DIR;
const std::string tests_dir = source_dir + "/policies/tests";

std::shared_ptr<const policy> default_policy() {
  static const std::shared_ptr<const policy> p =
      aftersale::load_policy_file(source_dir + "/policies/default.yaml");
  return p;
}

// Whether some step of some case of the file expects a refusal.
bool expects_a_refusal(const YAML::Node& doc) {
  for (const auto& c : doc["cases"]) {
    const YAML::Node& steps = c["steps"];
    if (!steps || !steps.IsSequence()) continue;
    for (const auto& s : steps) {
      const YAML::Node& expect = s["expect"];
      if (expect && expect.IsMap() && expect["refused"]) return true;
    }
  }
  return false;
}

TEST(DefaultFlows, EveryFlowHasATestFileThatExpectsARefusal) {
  const auto p = default_policy();
  for (const auto& f : p->flows) {
    const fs::path file = tests_dir + "/flow_" + f.id + ".test.yaml";
    SCOPED_TRACE(file.filename().string());
    if (!fs::exists(file)) {
      ADD_FAILURE() << "flow `" << f.id << "` has no test file policies/tests/flow_" << f.id << ".test.yaml";
      continue;
    }
    YAML::Node loaded;
    try {
      loaded = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    const YAML::Node& doc = loaded;  // const: lookups must not insert keys
    ASSERT_TRUE(doc.IsMap() && doc["flow"] && doc["cases"] && doc["cases"].IsSequence())
        << "expected a file-level `flow` and a list `cases`";
    EXPECT_EQ(doc["flow"].as<std::string>(), f.id) << "name the file after the flow it tests";
    EXPECT_TRUE(expects_a_refusal(doc)) << "flow `" << f.id << "`: no case expects a refused event";
  }
}

// Over the whole suite, every flow reaches a terminal state and fires a timer.
TEST(DefaultFlows, TheSuiteReachesATerminalStateAndFiresATimerInEveryFlow) {
  const auto p = default_policy();
  aftersale::testing::test_options options;
  options.check_snapshots = false;  // the ctest run checks them; here only coverage counts
  const auto report = aftersale::testing::run_tests({tests_dir}, options);
  ASSERT_EQ(report.error_count, 0u) << aftersale::testing::render_text(report);
  ASSERT_EQ(report.policies.size(), 1u);
  ASSERT_TRUE(report.policies[0].total.has_value());
  std::map<std::string, const aftersale::testing::flow_coverage*> covered;
  for (const auto& fc : report.policies[0].total->flows) covered[fc.flow] = &fc;

  for (const auto& f : p->flows) {
    const auto it = covered.find(f.id);
    ASSERT_NE(it, covered.end()) << "flow `" << f.id << "` is missing from the coverage report";
    std::set<std::string> terminal;
    for (const auto& s : f.states)
      if (s.terminal) terminal.insert(s.id);
    const auto& fired = it->second->fired;
    EXPECT_TRUE(
        std::any_of(fired.begin(), fired.end(), [&](const auto& t) { return terminal.count(t.to) > 0; }))
        << "flow `" << f.id << "`: no case reaches a terminal state";
    EXPECT_GT(it->second->timers_fired, 0u) << "flow `" << f.id << "`: no case fires a timer";
  }
}

// Every rule of the entry table names a flow a case can start in.
TEST(DefaultFlows, EveryEntryRuleNamesAFlow) {
  const auto p = default_policy();
  for (const auto& r : p->decisions.at(p->info.entry).rules) {
    EXPECT_FALSE(r.then.flow.empty()) << "rule `" << r.id << "` names no flow";
    if (!r.then.flow.empty()) {
      EXPECT_TRUE(p->find_flow(r.then.flow).has_value()) << r.then.flow;
    }
  }
}

// Every state of every flow has an agent and a customer label in Chinese and in English.
TEST(DefaultFlows, EveryStateIsLabelledInChineseAndEnglish) {
  const auto p = default_policy();
  for (const auto& f : p->flows) {
    for (const auto& s : f.states) {
      for (const auto* label : {&s.agent_label, &s.customer_label}) {
        std::set<std::string> locales;
        for (const auto& [locale, text] : label->by_locale)
          if (!text.empty()) locales.insert(locale);
        EXPECT_TRUE(locales.count("zh") && locales.count("en"))
            << "flow `" << f.id << "` state `" << s.id
            << "`: " << (label == &s.agent_label ? "agent" : "customer") << " label needs zh and en";
      }
    }
  }
}

}  // namespace
