// SPDX-License-Identifier: Apache-2.0
// The policy test runner (include/aftersale/policy_test.hpp) on the suites of tests/testing/:
// passing and failing suites with known mismatch lines, malformed and hostile test files, and
// coverage that counts exactly the rows the evaluator selected and the transitions cases fired.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace at = aftersale::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string dir = std::string(AFTERSALE_SOURCE_DIR) + "/tests/testing";
const std::string shop = dir + "/shop.yaml";

// A test file written for one test, next to nothing else; its policy is tests/testing/shop.yaml.
class scratch {
 public:
  explicit scratch(const std::string& name) {
    dir_ = fs::temp_directory_path() / ("aftersale_runner_" + name + "_" +
                                        std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~scratch() { fs::remove_all(dir_); }
  std::string write(const std::string& file, const std::string& text) const {
    const fs::path p = dir_ / file;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

std::string head(const std::string& now = "2026-11-16T10:00:00+08:00") {
  return "policy: " + shop + "\nnow: " + now + "\ncases:\n";
}

const at::case_result& find_case(const at::test_report& r, const std::string& name) {
  for (const auto& f : r.files)
    for (const auto& c : f.cases)
      if (c.name == name) return c;
  throw std::runtime_error("no case " + name);
}

std::vector<std::uint32_t> failure_lines(const at::case_result& c) {
  std::vector<std::uint32_t> lines;
  for (const auto& f : c.failures) lines.push_back(f.where.line);
  return lines;
}

TEST(PolicyTestRunner, PassingSuitesShareOnePolicyAndItsCoverage) {
  const at::test_report r = at::run_tests({dir + "/pass"});
  EXPECT_EQ(r.passed, 8u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.error_count, 0u);
  EXPECT_EQ(at::exit_code(r), 0);
  // ../shop.yaml and ../../testing/shop.yaml are one policy: loaded once, one total.
  ASSERT_EQ(r.policies.size(), 1u);
  EXPECT_EQ(r.policies[0].files.size(), 2u);
  ASSERT_TRUE(r.policies[0].total.has_value());
  const at::coverage& total = *r.policies[0].total;
  EXPECT_EQ(total.rows_hit, 5u);
  EXPECT_EQ(total.rows_total, 5u);
  EXPECT_EQ(total.transitions_fired, 6u);
  EXPECT_EQ(total.transitions_total, 6u);
  EXPECT_EQ(total.timers_fired, 2u);
  EXPECT_EQ(total.timers_total, 2u);
  EXPECT_DOUBLE_EQ(total.row_percent(), 100.0);

  // Per file: the decide cases fire no transition; the flow cases hit the rows that opened them.
  ASSERT_EQ(r.files.size(), 2u);
  ASSERT_TRUE(r.files[0].covered && r.files[1].covered);
  EXPECT_EQ(r.files[0].covered->rows_hit, 5u);
  EXPECT_EQ(r.files[0].covered->transitions_fired, 0u);
  EXPECT_EQ(r.files[1].covered->transitions_fired, 6u);
  EXPECT_THAT(r.files[1].covered->tables[0].hit, ElementsAre("unshipped_refund", "delivered_return"));
  EXPECT_THAT(r.files[1].covered->tables[0].missed, ElementsAre("no_amount"));
  EXPECT_TRUE(r.files[1].covered->tables[1].hit.empty());

  const std::string text = at::render_text(r, {true, true});
  EXPECT_THAT(text, HasSubstr("ok   " + dir + "/pass/flow.test.yaml:43: the buyer never ships the return\n"));
  EXPECT_THAT(text, HasSubstr("total: rows 5/5 (100.0%), transitions 6/6 (100.0%), timers 2/2 (100.0%)\n"));
  EXPECT_THAT(text, ::testing::EndsWith("\n8 passed, 0 failed\n"));
}

TEST(PolicyTestRunner, FailuresNameTheLineOfTheirExpectation) {
  const at::test_report r = at::run_tests({dir + "/fail"});
  EXPECT_EQ(r.passed, 1u);
  EXPECT_EQ(r.failed, 3u);
  EXPECT_EQ(r.error_count, 0u);
  EXPECT_EQ(at::exit_code(r), 1);

  const auto& wrong = find_case(r, "wrong solution and deadline");
  EXPECT_EQ(wrong.where.line, 10u);
  EXPECT_FALSE(wrong.passed);
  EXPECT_THAT(failure_lines(wrong), ElementsAre(14u, 16u));
  EXPECT_EQ(wrong.failures[0].field, "solution");
  EXPECT_EQ(wrong.failures[0].expected, "`return_then_refund`");
  EXPECT_EQ(wrong.failures[0].actual, "`refund_immediately`");
  EXPECT_EQ(wrong.failures[0].message, "expected solution `return_then_refund`, got `refund_immediately`");
  EXPECT_THAT(wrong.failures[1].actual, HasSubstr("2026-11-16 12:00:00"));

  const auto& status = find_case(r, "wrong status");
  EXPECT_THAT(failure_lines(status), ElementsAre(21u));
  EXPECT_THAT(status.failures[0].detail, HasSubstr("note_delivered"));  // the explanation

  const auto& flow = find_case(r, "wrong state after a step");
  EXPECT_THAT(failure_lines(flow), ElementsAre(30u, 31u, 32u, 34u));
  EXPECT_EQ(flow.failures[1].message, "expected actions [refund], got [send_return_address]");
  EXPECT_THAT(flow.failures[2].actual, HasSubstr("refused role_not_allowed"));
  EXPECT_EQ(flow.failures[3].message, "expected phase `resolved`, got `waiting_on_customer`");

  const std::string text = at::render_text(r);
  const std::string file = dir + "/fail/mismatch.test.yaml";
  EXPECT_THAT(text, HasSubstr("FAIL " + file + ":10: wrong solution and deadline\n  " + file +
                              ":14: expected solution `return_then_refund`, got `refund_immediately`\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr(": right\n")));  // passing cases only with -v
  EXPECT_THAT(text, ::testing::EndsWith("\n1 passed, 3 failed\n"));
  EXPECT_THAT(at::render_json(r), HasSubstr("\"failed\": 3,"));
}

TEST(PolicyTestRunner, FirstTablesHitTheirFirstMatchCollectTablesEveryMatch) {
  scratch s("hits");
  const std::string file = s.write("hits.test.yaml", head() +
                                                         "  - name: delivered with an amount\n"
                                                         "    facts: {order_status: delivered, amount: 1}\n"
                                                         "    expect: {rule: delivered_return}\n"
                                                         "  - name: notes\n"
                                                         "    table: notes\n"
                                                         "    facts: {order_status: delivered, vip: true}\n"
                                                         "    expect: {rule: note_vip}\n");
  const at::test_report r = at::run_tests({file});
  ASSERT_EQ(r.passed, 2u) << at::render_text(r);
  const at::coverage& c = *r.policies.at(0).total;
  // `no_amount` matches the first request too, but a first-hit table selected the earlier row.
  EXPECT_THAT(c.tables[0].hit, ElementsAre("delivered_return"));
  EXPECT_THAT(c.tables[0].missed, ElementsAre("unshipped_refund", "no_amount"));
  EXPECT_THAT(c.tables[1].hit, ElementsAre("note_vip", "note_delivered"));
  EXPECT_EQ(c.rows_hit, 3u);
  // No flow case: every transition is listed as missed, with its place in the policy.
  ASSERT_EQ(c.flows.size(), 1u);
  ASSERT_EQ(c.flows[0].missed.size(), 6u);
  const at::transition_ref& timer = c.flows[0].missed[3];
  EXPECT_TRUE(timer.timer);
  EXPECT_EQ(timer.where.line, 100u);
  EXPECT_EQ(timer.text(), "awaiting_return --(timer return_shipment)--> cancelled");
  EXPECT_EQ(c.flows[0].missed[5].text(), "inspecting --(timer 3d)--> refunded");
  EXPECT_EQ(c.flows[0].missed[0].text(), "submitted --(automatic)--> refunded");
  EXPECT_EQ(c.timers_total, 2u);
  EXPECT_EQ(c.timers_fired, 0u);
}

TEST(PolicyTestRunner, CoverageMinimumFailsBelowAndSaysWhich) {
  at::test_options opt;
  opt.coverage_min = 50;
  const at::test_report decide_only = at::run_tests({dir + "/pass/decide.test.yaml"}, opt);
  EXPECT_EQ(decide_only.failed, 0u);
  ASSERT_EQ(decide_only.coverage_shortfalls.size(), 1u);
  EXPECT_THAT(decide_only.coverage_shortfalls[0], HasSubstr("transition coverage 0.0% is below 50.0%"));
  EXPECT_EQ(at::exit_code(decide_only), 1);

  opt.coverage_min = 100;
  const at::test_report both = at::run_tests({dir + "/pass"}, opt);
  EXPECT_TRUE(both.coverage_shortfalls.empty());
  EXPECT_EQ(at::exit_code(both), 0);
}

// 1999 rows of 2000 is 99.95%: short of 100 it must never print as `100.0%` (the shortfall
// read `row coverage 100.0% is below 100.0%`).
TEST(PolicyTestRunner, CoverageJustShortOfTheMinimumIsNotPrintedAsIt) {
  scratch s("near_full");
  std::string policy =
      "format: 1\npolicy: {id: near_full, version: \"1\", entry: t}\nvocabulary: {solutions: [refund]}\n"
      "facts:\n  n: {type: int, required: true}\ndecisions:\n  t:\n    hit_policy: collect\n    rules:\n"
      "      - {id: never, when: {n: 1}, then: {solution: refund}}\n";
  for (int i = 0; i < 1999; ++i)
    policy += "      - {id: r" + std::to_string(i) + ", when: {}, then: {solution: refund}}\n";
  s.write("p.yaml", policy);
  const std::string file =
      s.write("p.test.yaml",
              "policy: p.yaml\nnow: \"2026-01-01T00:00:00Z\"\ncases:\n  - {name: all_but_one, facts: {n: 0}, "
              "expect: {status: matched}}\n");
  at::test_options opt;
  opt.coverage_min = 100;
  const at::test_report r = at::run_tests({file}, opt);
  ASSERT_EQ(r.passed, 1u);
  ASSERT_EQ(r.coverage_shortfalls.size(), 1u);
  EXPECT_THAT(r.coverage_shortfalls[0], HasSubstr("row coverage 99.95% is below 100.00%"));
  EXPECT_EQ(at::exit_code(r), 1);
  const std::string text = at::render_text(r, {false, true});
  EXPECT_THAT(text, HasSubstr("rows 1999/2000 (99.9%)"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("rows 1999/2000 (100.0%)")));

  opt.coverage_min = 99.95;  // the boundary itself passes
  EXPECT_TRUE(at::run_tests({file}, opt).coverage_shortfalls.empty());

  // A minimum that is not a number (Python's float("nan")) fails closed, never disables the gate.
  opt.coverage_min = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(at::exit_code(at::run_tests({file}, opt)), 1);
}

// A deadline that never falls due is expected as `never`, the word every output writes for it.
TEST(PolicyTestRunner, ADeadlineThatNeverFallsDueIsExpectedAsNever) {
  scratch s("never");
  s.write("p.yaml",
          "format: 1\npolicy: {id: never, version: \"1\", entry: t, calendar: closed}\n"
          "vocabulary: {solutions: [refund]}\nfacts: {n: {type: int}}\n"
          "calendars: {closed: {time_zone: Asia/Shanghai, hours: {}}}\n"
          "clocks: {k: {within: {business_hours: 1}}}\n"
          "decisions: {t: {rules: [{id: r, when: {}, then: {solution: refund, clocks: [k]}}]}}\n");
  const std::string file =
      s.write("p.test.yaml",
              "policy: p.yaml\nnow: \"2026-01-01T00:00:00Z\"\ncases:\n"
              "  - {name: never, facts: {n: 0}, expect: {deadlines: {k: never}}}\n"
              "  - {name: a date, facts: {n: 0}, expect: {deadlines: {k: \"2026-01-02 10:00:00\"}}}\n");
  const at::test_report r = at::run_tests({file});
  EXPECT_EQ(r.passed, 1u) << at::render_text(r);
  EXPECT_EQ(r.failed, 1u) << at::render_text(r);
  EXPECT_THAT(at::render_text(r), HasSubstr("expected deadline `k` `2026-01-02 10:00:00`, got `never`"));
}

// A case counts what it exercised up to where it stopped: a transition fired before a step
// that cannot run (an unknown role) is covered, as it is before a failed expectation.
TEST(PolicyTestRunner, ACaseStoppedMidwayStillCountsWhatFired) {
  scratch s("stopped_midway");
  const std::string flow_case =
      "  - name: stops\n    flow: returns\n    facts: {order_status: delivered, amount: 5000}\n"
      "    steps:\n      - {event: approve, as: agent}\n";
  const std::string errored =
      s.write("errored.test.yaml", head() + flow_case + "      - {event: ship, as: nobody}\n");
  const std::string failed =
      s.write("failed.test.yaml",
              head() + flow_case + "      - {event: ship, as: customer, expect: {state: nowhere}}\n");
  for (const std::string& file : {errored, failed}) {
    SCOPED_TRACE(file);
    const at::test_report r = at::run_tests({file}, {});
    ASSERT_EQ(r.policies.size(), 1u);
    ASSERT_TRUE(r.policies[0].total.has_value());
    EXPECT_GE(r.policies[0].total->transitions_fired, 1u);
  }
}

TEST(PolicyTestRunner, MalformedFilesAreRefusedWithTheirLocation) {
  struct expected {
    const char* file;
    std::uint32_t line, column;
    const char* message;
  };
  for (const expected& e : {expected{"unknown_key", 7, 5, "unknown key `expected` in a case"},
                            expected{"bad_time", 6, 10, "`2026-11-16 10:00` is not a timestamp"},
                            expected{"alias", 5, 12, "anchors are not allowed"},
                            expected{"wrong_kind", 4, 8, "`cases` must be a list"}}) {
    SCOPED_TRACE(e.file);
    const std::string path = dir + "/malformed/" + e.file + ".test.yaml";
    try {
      at::load_test_file(path);
      ADD_FAILURE() << "loaded";
    } catch (const at::test_file_error& err) {
      ASSERT_FALSE(err.diagnostics().empty());
      const auto& d = err.diagnostics().front();
      EXPECT_EQ(d.where.file, path);
      EXPECT_EQ(d.where.line, e.line);
      EXPECT_EQ(d.where.column, e.column);
      EXPECT_THAT(d.message, HasSubstr(e.message));
    }
  }
  // The unknown key's help names the keys a case may have.
  try {
    at::load_test_file(dir + "/malformed/unknown_key.test.yaml");
  } catch (const at::test_file_error& err) {
    EXPECT_THAT(err.diagnostics().front().help,
                HasSubstr("`expect`, `flow`, `open`, `opened`, `steps`, `end`"));
  }

  const at::test_report r = at::run_tests({dir + "/malformed"});
  EXPECT_EQ(at::exit_code(r), 2);
  EXPECT_EQ(r.passed, 1u);  // unknown_fact.test.yaml's other case still runs
  EXPECT_EQ(r.failed, 0u);
  const std::string text = at::render_text(r);
  EXPECT_THAT(text,
              HasSubstr(dir + "/malformed/unknown_fact.test.yaml:7:43: error: case `colour is not a fact`: "
                              "unknown fact `colour`\n"));
  EXPECT_THAT(text, HasSubstr(dir + "/malformed/alias.test.yaml:5:12: error: "));
  EXPECT_THAT(text, ::testing::EndsWith("1 passed, 0 failed, 6 errors\n"));
}

TEST(PolicyTestRunner, NamesThePolicyDoesNotHaveAreErrorsNotFailures) {
  scratch s("names");
  const std::string file = s.write(
      "names.test.yaml", head() +
                             "  - name: clock\n"
                             "    facts: {order_status: paid_unshipped}\n"
                             "    expect: {deadlines: {nope: \"2026-11-16 12:00:00\"}}\n"
                             "  - name: role\n"
                             "    flow: returns\n"
                             "    facts: {order_status: delivered, amount: 1}\n"
                             "    steps: [{event: approve, as: wizard}]\n"
                             "  - name: event\n"
                             "    flow: returns\n"
                             "    facts: {order_status: delivered, amount: 1}\n"
                             "    steps: [{event: teleport, as: agent}]\n"
                             "  - name: expected unknown event\n"
                             "    flow: returns\n"
                             "    facts: {order_status: delivered, amount: 1}\n"
                             "    steps: [{event: teleport, as: agent, expect: {refused: unknown_event}}]\n"
                             "  - name: flow\n"
                             "    flow: nowhere\n"
                             "    facts: {order_status: delivered, amount: 1}\n"
                             "  - name: variable\n"
                             "    flow: returns\n"
                             "    facts: {order_status: delivered, amount: 1}\n"
                             "    end: {variables: {nope: 1}}\n"
                             "  - name: typed fact\n"
                             "    facts: {order_status: delivered, amount: lots}\n"
                             "    expect: {rule: no_amount}\n");
  const at::test_report r = at::run_tests({file});
  EXPECT_EQ(r.passed, 1u) << at::render_text(r);
  EXPECT_EQ(r.failed, 0u);
  ASSERT_EQ(r.files.size(), 1u);
  std::vector<std::uint32_t> lines;
  for (const auto& d : r.files[0].errors) lines.push_back(d.where.line);
  EXPECT_THAT(lines, ElementsAre(6u, 10u, 14u, 20u, 25u, 27u));
  EXPECT_THAT(r.files[0].errors[1].message, HasSubstr("unknown role `wizard`"));
  EXPECT_THAT(r.files[0].errors[2].message, HasSubstr("has no event `teleport`"));
  EXPECT_EQ(at::exit_code(r), 2);
}

TEST(PolicyTestRunner, HostileTestFilesAreRefusedWhileRead) {
  scratch s("hostile");
  std::string deep =
      head() + "  - name: deep\n    facts: {order_status: paid_unshipped}\n    expect: {rule: ";
  for (int i = 0; i < 200; ++i) deep += "[";
  const std::string file = s.write("deep.test.yaml", deep + "\n");
  const at::test_report r = at::run_tests({file});
  EXPECT_EQ(at::exit_code(r), 2);
  ASSERT_EQ(r.files.size(), 1u);
  ASSERT_FALSE(r.files[0].errors.empty());
  EXPECT_EQ(r.files[0].errors[0].where.line, 6u);

  at::test_options small;
  small.limits.max_bytes = 64;
  const at::test_report big = at::run_tests({dir + "/pass/decide.test.yaml"}, small);
  EXPECT_EQ(at::exit_code(big), 2);
}

TEST(PolicyTestRunner, BadPathsAndPoliciesAreErrors) {
  scratch s("paths");
  const std::string missing_policy = s.write("missing.test.yaml", "policy: no_such.yaml\ncases: []\n");
  const at::test_report r = at::run_tests({s.path() + "/nothing_here", missing_policy});
  EXPECT_EQ(at::exit_code(r), 2);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(r.errors[0].message, HasSubstr("no such file"));
  ASSERT_EQ(r.policies.size(), 1u);
  EXPECT_FALSE(r.policies[0].load_errors.empty());
  EXPECT_FALSE(r.policies[0].total.has_value());
  EXPECT_EQ(r.error_count, 1u + r.policies[0].load_errors.size());

  // A directory is searched for *.test.yaml only; one without any is an error.
  s.write("notes.yaml", "not a test\n");
  std::vector<aftersale::diagnostic> errors;
  const auto files = at::find_test_files({s.path()}, errors);
  EXPECT_THAT(files, ElementsAre(fs::path(missing_policy).lexically_normal().string()));
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(at::find_test_files({dir + "/../testing/pass"}, errors).size() == 2 && errors.empty());

  // Hidden directories and build trees are not searched.
  fs::create_directories(fs::path(s.path()) / ".hidden");
  fs::create_directories(fs::path(s.path()) / "build" / "sub");
  s.write(".hidden/a.test.yaml", "cases: []\n");
  s.write("build/CMakeCache.txt", "");
  s.write("build/sub/b.test.yaml", "cases: []\n");
  EXPECT_EQ(at::find_test_files({s.path()}, errors).size(), 1u);
}

TEST(PolicyTestRunner, AnotherPolicyRunsTheSameTests) {
  // A variant of shop.yaml that answers unshipped orders differently: the suite written for
  // shop.yaml, run against it, fails exactly where the behaviour changed.
  std::ifstream in(shop);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "then: {solution: refund_immediately,";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "then: {solution: manual_review,");
  scratch s("override");
  at::test_options opt;
  opt.policy_override = s.write("variant.yaml", text);
  const at::test_report r = at::run_tests({dir + "/pass/decide.test.yaml"}, opt);
  ASSERT_EQ(r.policies.size(), 1u);
  EXPECT_EQ(r.policies[0].path, opt.policy_override);
  EXPECT_EQ(r.files[0].policy_path, opt.policy_override);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.passed, 3u);
  const auto& c = find_case(r, "unshipped order, refunded at once");
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].message, "expected solution `refund_immediately`, got `manual_review`");
  EXPECT_EQ(c.failures[0].where.line, 10u);
}

TEST(PolicyTestRunner, LoadedSuitesDescribeTheirCases) {
  const at::test_suite s = at::load_test_file(dir + "/pass/flow.test.yaml");
  EXPECT_EQ(fs::path(s.policy_path), fs::path(dir + "/pass/../../testing/shop.yaml").lexically_normal());
  ASSERT_EQ(s.cases.size(), 4u);
  EXPECT_EQ(s.cases[1].name, "a return is shipped, inspected and refunded");
  EXPECT_EQ(s.cases[1].where.line, 10u);
  EXPECT_TRUE(s.cases[1].flow);
  const at::test_report r = at::run_suites({s});
  EXPECT_EQ(r.passed, 4u);
}

}  // namespace

namespace {

// An expected rule the table does not have is an error naming the nearest ids, not a mismatch.
TEST(PolicyTestRunner, AnExpectedRuleThatDoesNotExistIsNoSuchRule) {
  scratch s("no_such_rule");
  const std::string file =
      s.write("t.test.yaml", head() +
                                 "  - name: typo\n"
                                 "    facts: {order_status: paid_unshipped, amount: 100}\n"
                                 "    expect: {rule: unshiped_refund}\n"
                                 "  - name: far\n"
                                 "    facts: {order_status: paid_unshipped, amount: 100}\n"
                                 "    expect: {rule: xyz}\n");
  const at::test_report r = at::run_tests({file});
  EXPECT_EQ(r.failed, 0u);
  ASSERT_EQ(r.files[0].errors.size(), 2u);
  EXPECT_EQ(r.files[0].errors[0].message,
            "case `typo`: no such rule `unshiped_refund` in table `after_sales`");
  EXPECT_EQ(r.files[0].errors[0].help, "nearest rule ids: `unshipped_refund`");
  EXPECT_EQ(r.files[0].errors[0].where.line, 6u);
  EXPECT_EQ(r.files[0].errors[1].message, "case `far`: no such rule `xyz` in table `after_sales`");
  EXPECT_EQ(r.files[0].errors[1].help,
            "rules of table `after_sales`: `unshipped_refund`, `delivered_return`, `no_amount`");
  EXPECT_EQ(at::exit_code(r), 2);
}

// A store counts coverage on what it writes; the text lists uncovered ids compactly unless asked.
TEST(PolicyTestRunner, StoreCoverageCountsItsOwnRulesAndTransitions) {
  scratch s("own_coverage");
  s.write("shop.yaml", [] {
    std::ifstream in(shop);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  s.write("store.yaml",
          "format: 1\nextends: shop.yaml\npolicy: {id: store, version: \"1\"}\n"
          "decisions:\n  after_sales:\n    rules:\n"
          "      - {id: no_amount, then: {solution: manual_review}}\n"
          "      - {id: vip_first, when: {amount: {gt: 100000}}, then: {solution: manual_review}}\n");
  const std::string file = s.write("t.test.yaml",
                                   "policy: store.yaml\nnow: \"2026-11-16T10:00:00+08:00\"\ncases:\n"
                                   "  - name: big\n"
                                   "    facts: {order_status: paid_unshipped, amount: 200000}\n"
                                   "    expect: {rule: vip_first}\n");
  at::test_options opt;
  opt.coverage_own = true;
  opt.coverage_min = 60;
  const at::test_report r = at::run_tests({file}, opt);
  ASSERT_TRUE(r.policies.at(0).total);
  const at::coverage& c = *r.policies[0].total;
  EXPECT_TRUE(c.own);
  ASSERT_EQ(c.tables.size(), 1u);  // `notes` has nothing of the store's
  EXPECT_THAT(c.tables[0].hit, ElementsAre("vip_first"));
  EXPECT_THAT(c.tables[0].missed, ElementsAre("no_amount"));
  EXPECT_EQ(c.transitions_total, 0u);  // the store writes no flow
  EXPECT_THAT(r.coverage_shortfalls, ElementsAre(HasSubstr("row coverage 50.0% is below 60.0%")));
  const std::string text = at::render_text(r, {false, true});
  EXPECT_THAT(text, HasSubstr("store.yaml (its own rules and transitions)\n"));
  EXPECT_THAT(text, HasSubstr("  table after_sales: rows 1/2, never hit: `no_amount`\n"));
  const std::string json = at::render_json(r, {false, true});
  EXPECT_THAT(json, HasSubstr("\"own\": true"));
  EXPECT_THAT(json, HasSubstr("\"missed\": [\n"));

  opt.coverage_own = false;
  const at::test_report all = at::run_tests({file}, opt);
  const std::string summary = at::render_text(all, {false, true});
  EXPECT_THAT(summary, HasSubstr("  flow returns: transitions 0/6, timers 0/2, none fired\n"));
  EXPECT_THAT(summary, HasSubstr("(--coverage-full lists every id, and each transition with its place)\n"));
  const std::string full = at::render_text(all, {false, true, true});
  EXPECT_THAT(full, HasSubstr("  flow returns: transitions 0/6, timers 0/2, not fired:\n    "));
  EXPECT_THAT(full, ::testing::Not(HasSubstr("--coverage-full lists")));
  // JSON has the full lists, each transition with its id.
  EXPECT_THAT(at::render_json(all, {false, true}), HasSubstr("\"id\": \"submitted.auto\""));
}

}  // namespace
