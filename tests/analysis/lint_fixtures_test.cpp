// SPDX-License-Identifier: Apache-2.0
// The data-driven folder tests/lint/: one small policy per analysis finding code, its expected
// findings in leading `# expect:` comments (see tests/lint/README.md), checked against analyze()
// in report order; plus the text and JSON shapes of a report.
#include <gtest/gtest.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/analysis.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct expectation {
  std::vector<std::string> lines;  // `file:line:col: severity[CODE]`
  aftersale::analysis_options options;
};

expectation expectations_of(const std::string& text, const std::string& rel) {
  expectation out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line) && line.rfind('#', 0) == 0) {
    if (line.rfind("# expect: ", 0) == 0) out.lines.push_back(rel + ':' + line.substr(10));
    if (line.rfind("# options: max_regions=", 0) == 0) out.options.max_regions = std::stoul(line.substr(23));
  }
  return out;
}

// `file:line:col: warning[A406]` of each finding.
std::vector<std::string> prefixes(const aftersale::analysis_report& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    const std::string text = aftersale::to_string(f.diagnostic);
    out.push_back(text.substr(0, text.find(']') + 1));
  }
  return out;
}

std::vector<std::string> lint_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir) / "tests" / "lint"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Policies load by their path relative to the source folder, so findings name
// `tests/lint/<name>.yaml` and `extends:` paths resolve next to the file.
class LintFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::current_path(source_dir);
  }
  void TearDown() override { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

TEST_F(LintFixtures, EveryFileReportsExactlyItsExpectedFindings) {
  const auto files = lint_files();
  ASSERT_FALSE(files.empty());
  for (const std::string& name : files) {
    const std::string rel = "tests/lint/" + name;
    const expectation e = expectations_of(read_file(rel), rel);
    ASSERT_FALSE(e.lines.empty()) << rel << ": no `# expect:` line";
    std::shared_ptr<const aftersale::policy> p;
    try {
      // A store fixture extends the base of tests/errors/bases/, named as a policy path.
      aftersale::load_options options;
      options.policy_paths = {"tests/errors/bases"};
      p = aftersale::load_policy_file(rel, {}, options);
    } catch (const aftersale::policy_error& err) {
      ADD_FAILURE() << rel << " does not load:\n" << err.what();
      continue;
    }
    const aftersale::analysis_report r = aftersale::analyze(*p, e.options);
    std::string all;
    for (const auto& f : r.findings) all += aftersale::to_string(f) + "\n";
    EXPECT_EQ(prefixes(r), e.lines) << rel << " reported:\n" << all;
  }
}

// Every table finding code has a fixture named after it.
TEST_F(LintFixtures, EveryTableCodeHasAFixture) {
  std::set<std::string> codes;
  for (const std::string& name : lint_files()) codes.insert(name.substr(0, 4));
  for (const char* code : {"A406", "A407", "A408", "A409", "A411"}) EXPECT_EQ(codes.count(code), 1u) << code;
}

TEST_F(LintFixtures, TextShowsHelpWitnessAndRelatedLocations) {
  const auto p = aftersale::load_policy_file("tests/lint/A407_overlap.yaml");
  const aftersale::analysis_report r = aftersale::analyze(*p);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(r.has_errors());
  EXPECT_EQ(r.count(aftersale::severity::error), 1u);
  EXPECT_EQ(r.count(aftersale::severity::warning), 0u);
  EXPECT_EQ(aftersale::to_string(r.findings[0]),
            "tests/lint/A407_overlap.yaml:16:9: error[A407]: rules `cheap` and `shipped` of `unique` table "
            "`after_sales` both match requests with `order_status` = `shipped`, `amount` <= 50.00\n"
            "  help: make the conditions exclude each other, or use hit policy `first` if the earlier rule "
            "should win\n"
            "  witness: order_status=shipped, amount=0\n"
            "  see: tests/lint/A407_overlap.yaml:13:9");
}

TEST_F(LintFixtures, JsonShape) {
  const auto p = aftersale::load_policy_file("tests/lint/A409_uncovered_pair.yaml");
  const std::string json = aftersale::to_json(aftersale::analyze(*p));
  EXPECT_EQ(json.rfind("{\"findings\":[{\"code\":\"A406\",\"severity\":\"warning\",\"where\":{\"file\":"
                       "\"tests/lint/A409_uncovered_pair.yaml\",\"line\":11,\"column\":3},",
                       0),
            0u)
      << json;
  EXPECT_NE(json.find("\"witness\":{\"order_status\":\"shipped\",\"request\":\"refund\"}"), std::string::npos)
      << json;
  EXPECT_NE(
      json.find(
          "\"coverage\":[{\"table\":\"after_sales\",\"unhandled\":[[\"shipped\",\"refund\"],[\"shipped\","
          "\"complain\"]],\"catch_all_only\":[]}]"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("\"errors\":0,\"warnings\":2,\"notes\":0}"), std::string::npos) << json;
}

TEST(LintJson, EscapesControlCharactersAndQuotes) {
  aftersale::analysis_report r;
  aftersale::finding f;
  f.diagnostic.code = aftersale::error_code::table_gap;
  f.diagnostic.severity = aftersale::severity::note;
  f.diagnostic.message = "a \"quoted\" \\ line\nnext\x01";
  f.witness.push_back({"reason", "", true});
  r.findings.push_back(f);
  const std::string json = aftersale::to_json(r);
  EXPECT_NE(json.find("\"message\":\"a \\\"quoted\\\" \\\\ line\\nnext\\u0001\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"witness\":{\"reason\":null}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"notes\":1}"), std::string::npos) << json;
}

// JSON holds UTF-8 only: a report with other bytes is refused, not written as invalid JSON.
TEST(LintJson, RefusesTextThatIsNotUtf8) {
  aftersale::analysis_report r;
  aftersale::finding f;
  f.diagnostic.code = aftersale::error_code::table_gap;
  f.diagnostic.message = "latin-1 caf\xE9";
  r.findings.push_back(f);
  EXPECT_THROW(aftersale::to_json(r), aftersale::encoding_error);
}

}  // namespace
